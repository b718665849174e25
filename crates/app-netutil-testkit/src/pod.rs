//! Generated pods for tests that run the tool or the library on hostile
//! input: a pod root with CPUs 2-3, container `app` with 512 MiB of 2 MiB
//! hugepages, host name `pod-1`, and whatever a test adds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{go_quote, pci_device_files, write_file};

/// The network-status annotation key.
pub const NS: &str = "k8s.v1.cni.cncf.io/network-status";

/// A pod root in a temporary directory.
pub struct Pod {
    dir: tempfile::TempDir,
    annotations: BTreeMap<String, String>,
}

impl Pod {
    /// The base pod.
    #[allow(clippy::new_without_default)]
    #[must_use]
    pub fn new() -> Self {
        Self::with_dir(tempfile::tempdir().unwrap())
    }

    /// The base pod in `/dev/shm` when there is one (large generated pods
    /// are written and removed much faster in memory).
    #[must_use]
    pub fn in_memory() -> Self {
        let shm = Path::new("/dev/shm");
        match tempfile::tempdir_in(shm) {
            Ok(dir) if shm.is_dir() => Self::with_dir(dir),
            _ => Self::new(),
        }
    }

    fn with_dir(dir: tempfile::TempDir) -> Self {
        let pod = Self {
            dir,
            annotations: BTreeMap::new(),
        };
        pod.write("proc/self/environ", b"CONTAINER_NAME=app\0HOSTNAME=pod-1\0");
        pod.write("proc/self/status", b"Name:\tapp\nCpus_allowed_list:\t2-3\n");
        pod.write("etc/podnetinfo/hugepages_2M_request_app", b"512\n");
        pod.write("etc/podnetinfo/hugepages_2M_limit_app", b"512\n");
        pod
    }

    /// The root directory.
    #[must_use]
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path below the root.
    #[must_use]
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file below the root, creating its directories.
    pub fn write(&self, rel: &str, data: &[u8]) {
        write_file(&self.path(rel), data);
    }

    /// Makes a directory below the root.
    pub fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.path(rel)).unwrap();
    }

    /// Sets an annotation (the file is rewritten as kubelet writes it).
    pub fn annotate(&mut self, key: &str, value: &str) {
        self.annotations.insert(key.to_owned(), value.to_owned());
        let text: Vec<String> = self
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}={}", go_quote(v)))
            .collect();
        self.write("etc/podnetinfo/annotations", text.join("\n").as_bytes());
    }

    /// Sets the network-status annotation to `entries` (a JSON array).
    pub fn network_status(&mut self, entries: &serde_json::Value) {
        self.annotate(NS, &entries.to_string());
    }

    /// Appends variables to the environment (`NAME=VALUE` each).
    pub fn env(&self, vars: &[&str]) {
        let mut env = std::fs::read(self.path("proc/self/environ")).unwrap();
        for v in vars {
            env.extend_from_slice(v.as_bytes());
            env.push(0);
        }
        self.write("proc/self/environ", &env);
    }

    /// A PCI device in the pod's sysfs with the given `numa_node` content.
    pub fn pci_device(&self, addr: &str, numa_node: &str) {
        pci_device_files(self.root(), addr, numa_node);
    }
}
