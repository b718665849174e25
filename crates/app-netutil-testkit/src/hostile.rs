//! Generated hostile pod roots for the confinement tests of the library
//! (`app-netutil/tests/confinement.rs`) and of the CLI
//! (`app-netutil-cli/tests/hostile_root.rs`).
//!
//! Each case is a temporary directory holding a clean pod root (`root/`) and,
//! beside it, a second complete pod (`outside/`) standing for the host's
//! files. Every datum of the outside pod carries a marker ([`MARK`], the PCI
//! address [`OUTSIDE_PCI`], the CPU list [`OUTSIDE_CPUS`], the IOMMU group
//! [`OUTSIDE_GROUP`]); the root then gets links (absolute, or `../..` that
//! climb out) or data paths that lead to it. Whatever is read, the marker
//! must never show up: the files behind those links are not the pod's.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use crate::{go_quote, pci_device_files, write_file as write};

/// Marks every datum outside the root.
pub const MARK: &str = "HOSTMARK7d1c";
/// The PCI address only the outside pod knows.
pub const OUTSIDE_PCI: &str = "0000:ee:1e.7";
/// The CPUs only the outside pod grants.
pub const OUTSIDE_CPUS: &str = "37-41";
/// The IOMMU group only the outside pod has.
pub const OUTSIDE_GROUP: &str = "4242";
/// The PCI address the clean pod's interface has.
pub const POD_PCI: &str = "0000:3b:02.6";

/// Everything that must not appear in any output.
pub fn forbidden() -> [&'static str; 4] {
    [MARK, "ee:1e", OUTSIDE_CPUS, OUTSIDE_GROUP]
}

/// A Go-quoted network-status annotation line naming one network.
pub fn network_status(network: &str, ifname: &str, pci: &str) -> String {
    let json = format!(
        r#"[{{"name":"{network}","interface":"{ifname}","ips":["192.0.2.10"],"mac":"4a:0b:3c:aa:bb:cc","dns":{{}},"device-info":{{"type":"pci","version":"1.1.0","pci":{{"pci-address":"{pci}"}}}}}}]"#
    );
    format!("k8s.v1.cni.cncf.io/network-status={}\n", go_quote(&json))
}

fn link(target: impl AsRef<Path>, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(at);
    let _ = std::fs::remove_dir_all(at);
    symlink(target, at).unwrap();
}

/// Writes a complete pod below `base` whose data names `network`,
/// `container`, the PCI address `pci`, the CPUs `cpus`, the IOMMU group
/// `group` and the driver `driver`.
fn pod_tree(
    base: &Path,
    network: &str,
    container: &str,
    pci: &str,
    cpus: &str,
    group: &str,
    driver: &str,
) {
    let pi = base.join("etc/podnetinfo");
    write(
        &pi.join("annotations"),
        network_status(network, "net1", pci),
    );
    write(&pi.join("labels"), format!("app=\"{container}\"\n"));
    write(
        &pi.join(format!("hugepages_1G_request_{container}")),
        "2048\n",
    );
    write(
        &base.join("proc/self/environ"),
        format!(
            "HOSTNAME={container}-host\0CONTAINER_NAME={container}\0PCIDEVICE_EXAMPLE_COM_POOL={pci}\0PCIDEVICE_EXAMPLE_COM_POOL_INFO={{\"{pci}\":{{\"generic\":{{\"deviceID\":\"{pci}\"}}}}}}\0"
        ),
    );
    write(
        &base.join("proc/self/status"),
        format!("Name:\t{container}\nCpus_allowed_list:\t{cpus}\n"),
    );
    write(&base.join("proc/self/cgroup"), "0::/\n");
    write(
        &base.join("proc/self/mountinfo"),
        format!(
            "30 20 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n31 20 0:47 / /dev/hugepages-{container} rw - hugetlbfs nodev rw,pagesize=1G\n"
        ),
    );
    write(
        &base.join("sys/fs/cgroup/cpuset.cpus.effective"),
        format!("{cpus}\n"),
    );
    pci_device_files(base, pci, "0\n");
    let dev = base.join("sys/bus/pci/devices").join(pci);
    link(
        format!("../../../../bus/pci/drivers/{driver}"),
        &dev.join("driver"),
    );
    link(
        format!("../../../../kernel/iommu_groups/{group}"),
        &dev.join("iommu_group"),
    );
    std::fs::create_dir_all(base.join("sys/class/net")).unwrap();
    write(&base.join(format!("dev/vfio/{group}")), "");
    write(&base.join("dev/vfio/vfio"), "");
}

/// A clean pod root beside a marked outside pod.
pub struct Hostile {
    /// The temporary directory holding both.
    pub dir: tempfile::TempDir,
    /// The pod root.
    pub root: PathBuf,
    /// The host's files, as far as the test is concerned.
    pub outside: PathBuf,
}

impl Hostile {
    /// A new pair: a clean root and a marked outside pod.
    #[allow(clippy::new_without_default)]
    #[must_use]
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        pod_tree(
            &root,
            "default/clean-net",
            "app",
            POD_PCI,
            "2-3",
            "42",
            "vfio-pci",
        );
        pod_tree(
            &outside,
            &format!("default/{MARK}-net"),
            &format!("{}c", MARK.to_lowercase()),
            OUTSIDE_PCI,
            OUTSIDE_CPUS,
            OUTSIDE_GROUP,
            &format!("{}drv", MARK.to_lowercase()),
        );
        // The root's own devices are absent: only the outside has them.
        std::fs::remove_dir_all(root.join("dev")).unwrap();
        // Outside data for the device the pod names, too.
        let dev = outside.join("sys/bus/pci/devices").join(POD_PCI);
        write(&dev.join("numa_node"), "3\n");
        link(
            format!("../../../../kernel/iommu_groups/{OUTSIDE_GROUP}"),
            &dev.join("iommu_group"),
        );
        link(
            format!("../../../../bus/pci/drivers/{}drv", MARK.to_lowercase()),
            &dev.join("driver"),
        );
        // An outside netdev backed by the outside PCI device.
        let netdev = outside.join(format!("sys/devices/pci0000:ee/{OUTSIDE_PCI}/net/net1"));
        std::fs::create_dir_all(&netdev).unwrap();
        link(format!("../../../{OUTSIDE_PCI}"), &netdev.join("device"));
        link(
            format!("../../devices/pci0000:ee/{OUTSIDE_PCI}/net/net1"),
            &outside.join("sys/class/net/net1"),
        );
        // Outside atomic-writer data directory.
        let data = outside.join("etc/podnetinfo/..data");
        write(
            &data.join("annotations"),
            network_status(&format!("default/{MARK}-data"), "net1", OUTSIDE_PCI),
        );
        // Outside cgroup.
        write(
            &outside.join("cg/cpuset.cpus.effective"),
            format!("{OUTSIDE_CPUS}\n"),
        );
        write(&outside.join("present"), MARK);
        Self { dir, root, outside }
    }

    /// The absolute path of an outside file.
    pub fn abs(&self, rel: &str) -> PathBuf {
        self.outside.join(rel)
    }

    /// A relative link target that climbs out of any directory of the root
    /// (more `..` than the machine has levels) to an outside file.
    pub fn climb(&self, rel: &str) -> PathBuf {
        let mut p = PathBuf::new();
        for _ in 0..40 {
            p.push("..");
        }
        p.join(self.abs(rel).strip_prefix("/").unwrap())
    }

    /// Replaces `at` (a pod path) with a link to `target`.
    pub fn link(&self, at: &str, target: impl AsRef<Path>) {
        link(target, &self.root.join(at.trim_start_matches('/')));
    }

    /// Replaces `at` with a file holding the link target, as git checks out
    /// a link where symlinks are disabled.
    pub fn placeholder(&self, at: &str, target: impl AsRef<Path>) {
        let at = self.root.join(at.trim_start_matches('/'));
        let _ = std::fs::remove_file(&at);
        let _ = std::fs::remove_dir_all(&at);
        write(&at, target.as_ref().as_os_str().as_encoded_bytes());
    }

    /// Writes a file of the pod.
    pub fn write(&self, at: &str, data: impl AsRef<[u8]>) {
        write(&self.root.join(at.trim_start_matches('/')), data);
    }
}

/// A named way of planting links to the outside.
pub struct Case {
    /// What the case plants, for messages.
    pub name: &'static str,
    /// Plants the links or data of the case into a [`Hostile`] root.
    pub plant: fn(&Hostile),
}

/// Every way the pod's files can lead outside the root.
pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "annotations -> absolute",
            plant: |h| {
                h.link(
                    "/etc/podnetinfo/annotations",
                    h.abs("etc/podnetinfo/annotations"),
                );
            },
        },
        Case {
            name: "annotations -> ../..",
            plant: |h| {
                h.link(
                    "/etc/podnetinfo/annotations",
                    h.climb("etc/podnetinfo/annotations"),
                );
            },
        },
        Case {
            name: "annotations placeholder -> ../..",
            plant: |h| {
                h.placeholder(
                    "/etc/podnetinfo/annotations",
                    h.climb("etc/podnetinfo/annotations"),
                );
            },
        },
        Case {
            name: "etc/podnetinfo -> absolute",
            plant: |h| h.link("/etc/podnetinfo", h.abs("etc/podnetinfo")),
        },
        Case {
            name: "etc/podnetinfo -> ../..",
            plant: |h| h.link("/etc/podnetinfo", h.climb("etc/podnetinfo")),
        },
        Case {
            name: "etc (first component) -> absolute",
            plant: |h| h.link("/etc", h.abs("etc")),
        },
        Case {
            name: "etc (first component) -> ../..",
            plant: |h| h.link("/etc", h.climb("etc")),
        },
        Case {
            name: "..data -> absolute (atomic writer layout)",
            plant: |h| {
                h.link("/etc/podnetinfo/..data", h.abs("etc/podnetinfo/..data"));
                h.link("/etc/podnetinfo/annotations", "..data/annotations");
            },
        },
        Case {
            name: "proc/self/environ -> absolute",
            plant: |h| h.link("/proc/self/environ", h.abs("proc/self/environ")),
        },
        Case {
            name: "proc/self/status -> absolute",
            plant: |h| h.link("/proc/self/status", h.abs("proc/self/status")),
        },
        Case {
            name: "proc/self -> ../..",
            plant: |h| h.link("/proc/self", h.climb("proc/self")),
        },
        Case {
            name: "proc (first component) -> absolute",
            plant: |h| h.link("/proc", h.abs("proc")),
        },
        Case {
            name: "sys (first component) -> absolute",
            plant: |h| h.link("/sys", h.abs("sys")),
        },
        Case {
            name: "sys -> ../..",
            plant: |h| h.link("/sys", h.climb("sys")),
        },
        Case {
            name: "PCI device directory -> absolute",
            plant: |h| {
                h.link(
                    &format!("/sys/bus/pci/devices/{POD_PCI}"),
                    h.abs(&format!("sys/bus/pci/devices/{POD_PCI}")),
                );
            },
        },
        Case {
            name: "sys/class/net/net1 -> absolute",
            plant: |h| h.link("/sys/class/net/net1", h.abs("sys/class/net/net1")),
        },
        Case {
            name: "sysfs cgroup file -> absolute",
            plant: |h| {
                h.link(
                    "/sys/fs/cgroup/cpuset.cpus.effective",
                    h.abs("cg/cpuset.cpus.effective"),
                );
            },
        },
        Case {
            name: "cgroup path in /proc/self/cgroup climbs out",
            plant: |h| {
                let climb = h.climb("cg");
                // The mount point joined with this path leads outside by `..`.
                h.write("/proc/self/cgroup", format!("0::/{}\n", climb.display()));
                h.write("/proc/self/status", "Name:\tapp\n");
            },
        },
        Case {
            name: "proc/self/mountinfo -> absolute",
            plant: |h| h.link("/proc/self/mountinfo", h.abs("proc/self/mountinfo")),
        },
    ]
}
