//! Generated hostile pods for the CLI tests (`tests/hostile.rs`,
//! `tests/cost.rs`): a pod root with CPUs 2-3, container `app` with
//! 512 MiB of 2 MiB hugepages, host name `pod-1`, and whatever a test adds.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The network-status annotation key.
pub(crate) const NS: &str = "k8s.v1.cni.cncf.io/network-status";

/// A pod root in a temporary directory.
pub(crate) struct Pod {
    dir: tempfile::TempDir,
    annotations: BTreeMap<String, String>,
}

/// Go's `strconv.Quote` as kubelet applies it to annotation values: `"`
/// and `\` escaped, control characters as `\n`, `\t` or `\xHH`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Pod {
    /// The base pod.
    pub(crate) fn new() -> Self {
        Self::with_dir(tempfile::tempdir().unwrap())
    }

    /// The base pod in `/dev/shm` when there is one (large generated pods
    /// are written and removed much faster in memory).
    pub(crate) fn in_memory() -> Self {
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
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path below the root.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file below the root, creating its directories.
    pub(crate) fn write(&self, rel: &str, data: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }

    /// Makes a directory below the root.
    pub(crate) fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.path(rel)).unwrap();
    }

    /// Sets an annotation (the file is rewritten as kubelet writes it).
    pub(crate) fn annotate(&mut self, key: &str, value: &str) {
        self.annotations.insert(key.to_owned(), value.to_owned());
        let text: Vec<String> = self
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}={}", go_quote(v)))
            .collect();
        self.write("etc/podnetinfo/annotations", text.join("\n").as_bytes());
    }

    /// Sets the network-status annotation to `entries` (a JSON array).
    pub(crate) fn network_status(&mut self, entries: &serde_json::Value) {
        self.annotate(NS, &entries.to_string());
    }

    /// Appends variables to the environment (`NAME=VALUE` each).
    pub(crate) fn env(&self, vars: &[&str]) {
        let mut env = std::fs::read(self.path("proc/self/environ")).unwrap();
        for v in vars {
            env.extend_from_slice(v.as_bytes());
            env.push(0);
        }
        self.write("proc/self/environ", &env);
    }

    /// A PCI device in the pod's sysfs with the given `numa_node` content.
    pub(crate) fn pci_device(&self, addr: &str, numa_node: &str) {
        let dir = format!("sys/bus/pci/devices/{addr}");
        self.write(&format!("{dir}/numa_node"), numa_node.as_bytes());
        self.write(&format!("{dir}/vendor"), b"0x8086\n");
        self.write(&format!("{dir}/device"), b"0x154c\n");
    }
}

/// The app-netutil binary this test was built with.
pub(crate) fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

/// Runs app-netutil with `args` and `--root ROOT` after the subcommand.
pub(crate) fn run(pod: &Pod, args: &[&str]) -> Output {
    let mut cmd = bin();
    cmd.arg(args[0])
        .arg("--root")
        .arg(pod.root())
        .args(&args[1..]);
    cmd.output().unwrap()
}

/// Standard output as text.
pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Standard error as text.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The warning lines of standard error, without their prefix.
pub(crate) fn warnings(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter_map(|l| l.strip_prefix("app-netutil: warning: "))
        .map(str::to_owned)
        .collect()
}

/// The base pod's EAL arguments before the devices.
pub(crate) const BASE: [&str; 6] = [
    "-l",
    "2-3",
    "--main-lcore=2",
    "-m",
    "512",
    "--file-prefix=pod-1_app",
];

/// `BASE` followed by `rest`.
pub(crate) fn base_and(rest: &[&str]) -> Vec<String> {
    BASE.iter().chain(rest).map(|s| (*s).to_owned()).collect()
}
