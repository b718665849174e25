//! Pre-flight checks: is what the pod was given really usable?
//!
//! [`diagnose`] looks at a report and probes the pod (through its
//! [`PodView`], so fixture trees work like a live pod) for what the report
//! alone cannot say: whether the downward-API volume is mounted, whether
//! each device's nodes and sockets exist in the container, whether a
//! hugetlbfs is mounted for each granted page size, whether CPUs, devices
//! and hugepages share a NUMA node, and whether the pod runs in a virtual
//! machine or Kata guest, where host PCI addresses do not apply.
//!
//! Every [`Check`] has a stable `id`, an optional subject (an interface, a
//! device, a page size), a [`Status`], a message and, unless it passed, a
//! one-line fix.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::collect::{NetworkStatusState, network_status_state, read_annotations};
use crate::downward::Selected;
use crate::error::Error;
use crate::model::{DeviceType, Interface, Report};
use crate::options::Options;
use crate::pod::{FileKind, PodView};
use crate::warnings::Warnings;

/// The request annotation Multus reads.
pub(crate) const NETWORKS_KEY: &str = "k8s.v1.cni.cncf.io/networks";

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// Fine.
    Pass,
    /// Not applicable to this pod (nothing to check).
    Skip,
    /// Worth knowing; not a problem by itself.
    Info,
    /// Works, but not as well as it could, or only by luck.
    Warn,
    /// Will not work as given.
    Fail,
}

impl Status {
    /// `pass`, `skip`, `info`, `warn` or `fail`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Skip => "skip",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Check {
    /// What was checked (`downward-api-volume`, `vfio`, `socket`, ...).
    pub id: &'static str,
    /// What it was checked for: an interface, device or page size; `None`
    /// for checks of the whole pod.
    pub subject: Option<String>,
    /// The outcome.
    pub status: Status,
    /// What was found, in one line.
    pub message: String,
    /// How to fix it, in one line; `None` when nothing needs fixing.
    pub fix: Option<String>,
}

impl Check {
    fn new(id: &'static str, subject: Option<&str>, status: Status, message: String) -> Self {
        Self {
            id,
            subject: subject.map(str::to_owned),
            status,
            message,
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The report and the checks made on it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The report the checks looked at.
    pub report: Report,
    /// The checks, in a fixed order: volume and annotations, network-status,
    /// hugepages, devices, NUMA, virtualization, CPUs, report warnings.
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// How many checks have `status`.
    #[must_use]
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Whether any check failed, or, with `strict`, warned.
    #[must_use]
    pub fn failed(&self, strict: bool) -> bool {
        self.checks
            .iter()
            .any(|c| c.status == Status::Fail || (strict && c.status == Status::Warn))
    }
}

/// Collects the report of the pod `opts` names and checks it.
///
/// # Errors
///
/// As [`crate::collect`]: only when the pod root (or an explicit
/// downward-API directory) is not a directory.
pub fn run(opts: &Options) -> Result<Diagnosis, Error> {
    let pod = PodView::from_options(opts)?;
    let report = crate::collect_from(&pod, opts);
    let checks = diagnose(&pod, &report);
    Ok(Diagnosis { report, checks })
}

/// Checks `report`, collected from `pod`, probing the pod where the report
/// does not say enough.
#[must_use]
pub fn diagnose(pod: &PodView, report: &Report) -> Vec<Check> {
    let mut checks = Vec::new();
    let guest = guest(pod);
    let annotations = podinfo_checks(pod, &mut checks);
    network_status_check(annotations.as_ref(), &mut checks);
    hugepage_checks(report, &mut checks);
    device_checks(pod, report, guest.as_ref(), &mut checks);
    numa_check(report, &mut checks);
    checks.push(guest_check(guest.as_ref()));
    checks.push(cpus_check(report));
    checks.push(warnings_check(report));
    checks
}

/// The downward-API volume and its `annotations` file; returns the
/// annotations when they could be read.
fn podinfo_checks(pod: &PodView, checks: &mut Vec<Check>) -> Option<Selected> {
    let display = pod.podinfo_display().trim_end_matches('/').to_owned();
    if pod.podinfo_dir().is_none() {
        checks.push(
            Check::new(
                "downward-api-volume",
                None,
                Status::Fail,
                format!("no downward-API volume at {display} (nor /etc/podinfo)"),
            )
            .fix("mount the podnetinfo downward-API volume at /etc/podnetinfo: run the manifest through `app-netutil inject`, or let the Network Resources Injector add it"),
        );
        checks.push(Check::new(
            "annotations-file",
            None,
            Status::Skip,
            "no downward-API volume".to_owned(),
        ));
        return None;
    }
    checks.push(Check::new(
        "downward-api-volume",
        None,
        Status::Pass,
        format!("downward-API volume at {display}"),
    ));
    let file = format!("{display}/annotations");
    match pod.read_podinfo("annotations") {
        Ok(Some(_)) => {
            let mut ignored = Warnings::new();
            let map = read_annotations(pod, &mut ignored);
            checks.push(Check::new(
                "annotations-file",
                None,
                Status::Pass,
                format!(
                    "{file}: {}",
                    count(map.key_count(), "annotation", "annotations")
                ),
            ));
            Some(map)
        }
        Ok(None) => None,
        Err(e) if e.is_not_found() => {
            checks.push(
                Check::new(
                    "annotations-file",
                    None,
                    Status::Fail,
                    format!("{file} does not exist"),
                )
                .fix("add the item {path: annotations, fieldRef: {fieldPath: metadata.annotations}} to the podnetinfo volume (`app-netutil inject` does)"),
            );
            None
        }
        Err(e) => {
            checks.push(
                Check::new("annotations-file", None, Status::Fail, e.to_string())
                    .fix("make the file a readable regular file: check the volume's items and the container's user"),
            );
            None
        }
    }
}

fn network_status_check(annotations: Option<&Selected>, checks: &mut Vec<Check>) {
    let Some(annotations) = annotations else {
        checks.push(Check::new(
            "network-status",
            None,
            Status::Skip,
            "no annotations to read".to_owned(),
        ));
        return;
    };
    let check = match network_status_state(annotations) {
        NetworkStatusState::Present { key, entries } if key == crate::netstatus::NETWORKS_STATUS_KEY => Check::new(
            "network-status",
            None,
            Status::Info,
            format!("only the deprecated {key} is present ({}): an old Multus", count(entries, "interface", "interfaces")),
        )
        .fix("nothing needs to change; Multus 3.5 and newer also write k8s.v1.cni.cncf.io/network-status"),
        NetworkStatusState::Present { key, entries } => Check::new(
            "network-status",
            None,
            Status::Pass,
            format!("{key} lists {}", count(entries, "interface", "interfaces")),
        ),
        NetworkStatusState::Unusable(why) => Check::new("network-status", None, Status::Fail, why)
            .fix("the annotation is malformed: see the warnings of `app-netutil show`, and the CNI plugin that wrote it"),
        NetworkStatusState::Absent => match annotations.get(NETWORKS_KEY) {
            Some(requested) => Check::new(
                "network-status",
                None,
                Status::Fail,
                format!(
                    "{NETWORKS_KEY} requests {:?}, but network-status is not in the annotations file yet",
                    String::from_utf8_lossy(requested)
                ),
            )
            .fix("Multus writes it after the container starts (multus-cni issue 1113): start the application with `app-netutil exec --wait`, or run `app-netutil wait` first"),
            None => Check::new(
                "network-status",
                None,
                Status::Warn,
                "no network-status and no k8s.v1.cni.cncf.io/networks annotation: no secondary networks".to_owned(),
            )
            .fix("request networks with the pod annotation k8s.v1.cni.cncf.io/networks (Multus must be installed); without it devices are tied to interfaces only by sysfs or position"),
        },
    };
    checks.push(check);
}

fn mib_list(sizes: &BTreeMap<crate::PageSize, u64>) -> String {
    sizes
        .iter()
        .map(|(s, m)| format!("{s} {m} MiB"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn hugepage_checks(report: &Report, checks: &mut Vec<Check>) {
    let hp = &report.hugepages;
    let limits: BTreeMap<crate::PageSize, u64> = hp
        .cgroup_limit_mib
        .iter()
        .filter(|(_, m)| **m > 0)
        .map(|(s, m)| (*s, *m))
        .collect();
    // hugepage-files: the downward-API files for this container.
    let files = if hp.containers.is_empty() {
        if limits.is_empty() && hp.mounts.is_empty() {
            Check::new(
                "hugepage-files",
                None,
                Status::Skip,
                "no hugepages: no downward-API hugepage files, hugetlb limits or hugetlbfs mounts"
                    .to_owned(),
            )
        } else {
            let mut seen = Vec::new();
            if !limits.is_empty() {
                seen.push(format!("hugetlb cgroup allows {}", mib_list(&limits)));
            }
            if !hp.mounts.is_empty() {
                seen.push(format!(
                    "hugetlbfs mounted at {}",
                    hp.mounts
                        .iter()
                        .map(|m| format!("{} ({})", m.path, m.page_size))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Check::new(
                "hugepage-files",
                None,
                Status::Warn,
                format!(
                    "the pod has hugepages ({}) but the downward-API volume has no hugepage files",
                    seen.join("; ")
                ),
            )
            .fix("add the hugepages_<size>_request|limit_<container> items: `app-netutil inject` the manifest, or run the Network Resources Injector with -injectHugepageDownApi")
        }
    } else {
        let names: Vec<&str> = hp
            .containers
            .iter()
            .map(|c| {
                if c.name.is_empty() {
                    "(unnamed)"
                } else {
                    c.name.as_str()
                }
            })
            .collect();
        match (hp.container.as_deref(), hp.own()) {
            (Some(name), Some(own)) => {
                let sizes: Vec<String> = own
                    .limit_mib
                    .iter()
                    .chain(&own.request_mib)
                    .map(|(s, m)| format!("{s} {m} MiB"))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                Check::new(
                    "hugepage-files",
                    Some(name),
                    Status::Pass,
                    format!("hugepage files for this container: {}", sizes.join(", ")),
                )
            }
            (Some(name), None) => Check::new(
                "hugepage-files",
                Some(name),
                Status::Warn,
                format!(
                    "hugepage files name {} {} but not this one ({name})",
                    if names.len() == 1 { "container" } else { "containers" },
                    names.join(", ")
                ),
            )
            .fix(format!("add the hugepage items for container {name}: `app-netutil inject` adds them for every container with hugepages")),
            (None, _) => Check::new(
                "hugepage-files",
                None,
                Status::Warn,
                format!(
                    "hugepage files name {} {} but CONTAINER_NAME is not set, so none is known to be this one",
                    if names.len() == 1 { "container" } else { "containers" },
                    names.join(", ")
                ),
            )
            .fix("set the env variable CONTAINER_NAME to the container's name (`app-netutil inject` adds it)"),
        }
    };
    checks.push(files);

    // hugetlbfs-mounts: one per granted size.
    let sizes = hp.granted_sizes();
    if sizes.is_empty() {
        checks.push(if hp.mounts.is_empty() {
            Check::new(
                "hugetlbfs-mounts",
                None,
                Status::Skip,
                "no hugepages granted".to_owned(),
            )
        } else {
            Check::new(
                "hugetlbfs-mounts",
                None,
                Status::Info,
                format!(
                    "hugetlbfs mounted at {}, but no grant is known (no downward-API files for this container, no hugetlb limit)",
                    hp.mounts.iter().map(|m| m.path.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        });
        return;
    }
    let by_size = hp.mounts_by_size();
    let grants = hp.grants();
    for size in sizes {
        let subject = size.to_string();
        let mib = grants.get(&size).copied().unwrap_or(0);
        let at: &[&str] = by_size.get(&size).map_or(&[], Vec::as_slice);
        checks.push(if at.is_empty() {
            Check::new(
                "hugetlbfs-mounts",
                Some(&subject),
                Status::Fail,
                format!("{mib} MiB of {size} pages granted, but no hugetlbfs of that page size is mounted"),
            )
            .fix(format!("mount an emptyDir volume with medium: HugePages-{size} (e.g. at /dev/hugepages)"))
        } else {
            Check::new(
                "hugetlbfs-mounts",
                Some(&subject),
                Status::Pass,
                format!("{mib} MiB of {size} pages granted, hugetlbfs at {}", at.join(", ")),
            )
        });
    }
}

/// What a device is called in messages and as a check subject.
fn subject(iface: &Interface) -> String {
    iface
        .interface
        .clone()
        .or_else(|| iface.device_id.clone())
        .or_else(|| iface.pci_address().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// The device-plugin info paths of a device: provider -> key -> path, for
/// every value that is an absolute path under `/dev`.
fn plugin_paths(iface: &Interface) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Some(info) = &iface.device_plugin_info else {
        return out;
    };
    for (provider, entries) in info {
        if provider == "generic" || provider == "extra" {
            continue;
        }
        let Value::Object(entries) = entries else {
            continue;
        };
        for (key, value) in entries {
            if let Some(path) = value.as_str().filter(|p| p.starts_with("/dev/")) {
                out.push((provider.clone(), key.clone(), path.to_owned()));
            }
        }
    }
    out
}

fn is_mlx5(driver: Option<&str>, iface: &Interface) -> bool {
    driver == Some("mlx5_core")
        || iface
            .device_id
            .as_deref()
            .is_some_and(|id| id.starts_with("mlx5_core."))
}

fn device_checks(pod: &PodView, report: &Report, guest: Option<&Guest>, checks: &mut Vec<Check>) {
    let mut uses_vfio = false;
    for iface in &report.interfaces {
        let name = subject(iface);
        let subj = Some(name.as_str());
        let driver = iface.pci_device.as_ref().and_then(|p| p.driver.as_deref());
        match iface.device_type {
            DeviceType::Host => continue,
            DeviceType::Pci | DeviceType::Vdpa => {
                if let Some(addr) = iface.pci_address() {
                    checks.push(pci_check(pod, iface, addr, &name, guest));
                }
            }
            DeviceType::Auxiliary => {
                let id = iface.device_id.as_deref().unwrap_or("?");
                let path = format!("/sys/bus/auxiliary/devices/{id}");
                checks.push(if pod.exists(&path) {
                    Check::new("auxiliary-device", subj, Status::Pass, format!("{path} exists"))
                } else {
                    Check::new(
                        "auxiliary-device",
                        subj,
                        Status::Fail,
                        format!("{id} is not in /sys/bus/auxiliary/devices"),
                    )
                    .fix("check that the sub-function exists on this node and that the device plugin allocated it; /sys must be the host's")
                });
            }
            DeviceType::Unknown => {
                checks.push(
                    Check::new(
                        "device-type",
                        subj,
                        Status::Warn,
                        format!(
                            "device-info type {:?} is unknown; nothing can be checked or used",
                            iface.device_info.as_ref().map_or("", |i| i.kind.as_str())
                        ),
                    )
                    .fix("check the CNI plugin that wrote the device-info"),
                );
                continue;
            }
            DeviceType::VhostUser | DeviceType::Memif => {
                checks.push(socket_check(pod, iface, &name));
                continue;
            }
        }
        if iface.device_type == DeviceType::Vdpa {
            checks.push(vdpa_check(pod, iface, &name));
        }
        // The VFIO group of a device bound to vfio-pci.
        if driver == Some("vfio-pci")
            || iface
                .device_plugin_info
                .as_ref()
                .is_some_and(|i| i.contains_key("vfio"))
        {
            uses_vfio = true;
        }
        if driver == Some("vfio-pci") {
            checks.push(vfio_check(pod, iface, &name));
        } else if let (Some(d), true) = (driver, iface.device_type == DeviceType::Pci) {
            if !is_mlx5(Some(d), iface) && !matches!(d, "igb_uio" | "uio_pci_generic") {
                checks.push(
                    Check::new(
                        "driver",
                        subj,
                        Status::Warn,
                        format!("bound to the kernel driver {d}: DPDK leaves it out unless it is selected explicitly (and then needs the kernel to let go of it)"),
                    )
                    .fix("use a device-plugin pool whose selector binds the VFs to vfio-pci (\"drivers\": [\"vfio-pci\"])"),
                );
            }
        } else if iface.pci_device.is_some()
            && driver.is_none()
            && iface.device_type == DeviceType::Pci
        {
            checks.push(
                Check::new("driver", subj, Status::Warn, "no driver is bound to the device".to_owned())
                    .fix("bind the VF to vfio-pci (the device plugin's pool selector or the SR-IOV operator's deviceType: vfio-pci)"),
            );
        }
        if is_mlx5(driver, iface) {
            checks.push(rdma_check(pod, iface, &name));
        }
        // Every device node the device plugin says it mounted.
        let mut paths = plugin_paths(iface);
        if let Some(vhost_net) = iface
            .device_info
            .as_ref()
            .and_then(|i| i.pci.as_ref())
            .and_then(|p| p.vhost_net.as_deref())
        {
            paths.push((
                "device-info".into(),
                "vhost-net".into(),
                vhost_net.to_owned(),
            ));
        }
        if !paths.is_empty() {
            let missing: Vec<String> = paths
                .iter()
                .filter(|(_, _, p)| !pod.exists(p))
                .map(|(prov, key, p)| format!("{p} ({prov} {key})"))
                .collect();
            checks.push(if missing.is_empty() {
                Check::new(
                    "device-nodes",
                    subj,
                    Status::Pass,
                    if paths.len() == 1 {
                        "the device node the device plugin names exists".to_owned()
                    } else {
                        format!("all {} device nodes the device plugin names exist", paths.len())
                    },
                )
            } else {
                Check::new(
                    "device-nodes",
                    subj,
                    Status::Fail,
                    format!("missing in the container: {}", missing.join(", ")),
                )
                .fix("the device plugin names these nodes but the container does not have them: check the device plugin's Allocate answer (kubelet logs) and that the container is not started with a /dev of its own")
            });
        }
    }
    if uses_vfio {
        checks.push(if pod.exists("/dev/vfio/vfio") {
            Check::new("vfio-container", None, Status::Pass, "/dev/vfio/vfio exists".to_owned())
        } else {
            Check::new(
                "vfio-container",
                None,
                Status::Fail,
                "/dev/vfio/vfio is not in the container; DPDK cannot open any vfio-pci device".to_owned(),
            )
            .fix("the device plugin mounts it with the VFIO group: check that the pod got the device-plugin resource, and the plugin version")
        });
    }
}

fn pci_check(
    pod: &PodView,
    iface: &Interface,
    addr: &str,
    name: &str,
    guest: Option<&Guest>,
) -> Check {
    let dir = format!("{}/{addr}", crate::sysfs::PCI_DEVICES_DIR);
    if !pod.exists(&dir) {
        let check = Check::new(
            "pci-device",
            Some(name),
            Status::Fail,
            format!("{addr} is not in {}", crate::sysfs::PCI_DEVICES_DIR),
        );
        return match guest {
            Some(g) => check.fix(format!("this pod runs in {}: host PCI addresses do not apply there; find the device's guest address with `lspci` and pass it yourself (`dpdk-args --eal-arg=-a --eal-arg=ADDR`)", g.what())),
            None => check.fix("the address is not on this machine: check that the device plugin allocated the device on this node and that /sys is the host's sysfs"),
        };
    }
    let details = iface.pci_device.as_ref().map_or_else(String::new, |p| {
        format!(
            " (driver {}, NUMA node {})",
            p.driver.as_deref().unwrap_or("none"),
            p.numa_node
                .map_or_else(|| "unknown".to_owned(), |n| n.to_string())
        )
    });
    Check::new(
        "pci-device",
        Some(name),
        Status::Pass,
        format!("{addr} is present{details}"),
    )
}

fn vfio_check(pod: &PodView, iface: &Interface, name: &str) -> Check {
    let pci = iface.pci_device.as_ref();
    if let Some(dev) = pci.and_then(|p| p.vfio_device.as_deref()) {
        return Check::new("vfio", Some(name), Status::Pass, format!("{dev} exists"));
    }
    let dev_mount = iface
        .device_plugin_info
        .as_ref()
        .and_then(|i| i.get("vfio"))
        .and_then(|v| v.get("dev-mount"))
        .and_then(Value::as_str);
    if let Some(m) = dev_mount {
        if pod.exists(m) {
            return Check::new("vfio", Some(name), Status::Pass, format!("{m} exists"));
        }
    }
    match pci.and_then(|p| p.iommu_group) {
        Some(g) => Check::new(
            "vfio",
            Some(name),
            Status::Fail,
            format!("bound to vfio-pci, but neither /dev/vfio/{g} nor /dev/vfio/noiommu-{g} is in the container"),
        )
        .fix("the device plugin mounts the VFIO group of each allocated VF: check that the pod requested the pool's resource and that the pool selects vfio-pci devices"),
        None => Check::new(
            "vfio",
            Some(name),
            Status::Warn,
            "bound to vfio-pci, but its IOMMU group is unknown, so its /dev/vfio node cannot be checked".to_owned(),
        )
        .fix("check that the device's iommu_group link is visible in /sys"),
    }
}

fn rdma_check(pod: &PodView, iface: &Interface, name: &str) -> Check {
    let rdma: Vec<String> = plugin_paths(iface)
        .into_iter()
        .filter(|(prov, _, _)| prov == "rdma")
        .map(|(_, _, p)| p)
        .collect();
    let fix = "mlx5 devices need their RDMA device nodes: make the device-plugin pool RDMA-capable (\"isRdma\": true) so that it mounts /dev/infiniband/*, or use the RDMA shared device plugin";
    if !rdma.is_empty() {
        let missing: Vec<&str> = rdma
            .iter()
            .filter(|p| !pod.exists(p))
            .map(String::as_str)
            .collect();
        return if missing.is_empty() {
            Check::new(
                "rdma",
                Some(name),
                Status::Pass,
                format!("RDMA device nodes present: {}", rdma.join(", ")),
            )
        } else {
            Check::new(
                "rdma",
                Some(name),
                Status::Fail,
                format!("RDMA device nodes missing: {}", missing.join(", ")),
            )
            .fix(fix)
        };
    }
    let uverbs: Vec<String> = pod
        .list_dir("/dev/infiniband")
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with("uverbs"))
        .collect();
    if uverbs.is_empty() {
        Check::new(
            "rdma",
            Some(name),
            Status::Fail,
            "an mlx5 (bifurcated) device, but no /dev/infiniband/uverbs* in the container"
                .to_owned(),
        )
        .fix(fix)
    } else {
        Check::new(
            "rdma",
            Some(name),
            Status::Pass,
            format!("/dev/infiniband has {}", uverbs.join(", ")),
        )
    }
}

fn socket_check(pod: &PodView, iface: &Interface, name: &str) -> Check {
    let subj = Some(name);
    let Some(path) = iface.socket_path() else {
        return Check::new(
            "socket",
            subj,
            Status::Fail,
            "no socket path in the device-info".to_owned(),
        )
        .fix("check the userspace CNI's configuration-data or the device-info the CNI wrote");
    };
    if !path.starts_with('/') {
        // The report resolves a relative path when the pod has userspace
        // CNI data; one still relative here could not be resolved.
        return Check::new(
            "socket",
            subj,
            Status::Fail,
            format!(
                "{path}: a relative path, and the pod has no userspace CNI directory to resolve it against; DPDK arguments leave the device out"
            ),
        )
        .fix("give the pod the annotation userspace/mapped-dir with the mount path of the socket directory, or have the CNI write absolute paths");
    }
    let info = iface.device_info.as_ref();
    // Who creates the socket: the application (vhost-user server, memif
    // master) or the host's switch.
    let app_creates = match iface.device_type {
        DeviceType::VhostUser => info
            .and_then(|i| i.vhost_user.as_ref())
            .and_then(|v| v.mode.as_deref())
            .map(|m| m == "server"),
        _ => info
            .and_then(|i| i.memif.as_ref())
            .and_then(|m| m.role.as_deref())
            .map(|r| r == "master"),
    };
    let shared_fix = "mount the socket directory the userspace CNI shares (the volume named shared-dir) at the path of userspace/mapped-dir";
    if app_creates == Some(true) {
        let dir = match path.rfind('/') {
            Some(0) => "/",
            Some(i) => &path[..i],
            None => ".",
        };
        return match pod.file_kind(dir) {
            Some(FileKind::Directory) => Check::new(
                "socket",
                subj,
                Status::Pass,
                format!("{path}: the application creates it; its directory {dir} exists"),
            ),
            _ => Check::new(
                "socket",
                subj,
                Status::Fail,
                format!(
                    "{path}: the application must create it, but the directory {dir} does not exist"
                ),
            )
            .fix(shared_fix),
        };
    }
    match pod.file_kind(path) {
        Some(FileKind::Socket) => {
            Check::new("socket", subj, Status::Pass, format!("{path} exists"))
        }
        Some(kind) => Check::new(
            "socket",
            subj,
            Status::Warn,
            format!("{path} exists but is a {}, not a socket", kind.as_str()),
        )
        .fix("the switch should have created a socket there: check the vswitch's port"),
        None => Check::new(
            "socket",
            subj,
            Status::Fail,
            format!("{path} does not exist; the host's switch should have created it"),
        )
        .fix(shared_fix),
    }
}

fn vdpa_check(pod: &PodView, iface: &Interface, name: &str) -> Check {
    let subj = Some(name);
    let vdpa = iface.device_info.as_ref().and_then(|i| i.vdpa.as_ref());
    let driver = vdpa.and_then(|v| v.driver.as_deref());
    match (driver, vdpa.and_then(|v| v.path.as_deref())) {
        (Some("virtio"), _) => Check::new(
            "vdpa-device",
            subj,
            Status::Info,
            "a virtio vDPA device: a kernel netdev, DPDK does not use it".to_owned(),
        ),
        (_, Some(path)) if !path.starts_with('/') => Check::new(
            "vdpa-device",
            subj,
            Status::Fail,
            format!("{path} is not an absolute path; DPDK arguments leave the device out"),
        )
        .fix("the device-info should name the character device, /dev/vhost-vdpa-N"),
        (_, Some(path)) => match pod.file_kind(path) {
            Some(FileKind::Directory) | None => Check::new(
                "vdpa-device",
                subj,
                Status::Fail,
                format!("{path} is not in the container"),
            )
            .fix("the device plugin mounts /dev/vhost-vdpa-N for vhost vDPA pools (\"vdpaType\": \"vhost\"): check the pool and the vhost_vdpa kernel module"),
            Some(_) => Check::new("vdpa-device", subj, Status::Pass, format!("{path} exists")),
        },
        (_, None) => Check::new(
            "vdpa-device",
            subj,
            Status::Warn,
            "a vDPA device without a character device path".to_owned(),
        )
        .fix("use a vhost vDPA pool (\"vdpaType\": \"vhost\") for DPDK"),
    }
}

fn numa_check(report: &Report, checks: &mut Vec<Check>) {
    let cpu_nodes: Option<BTreeSet<u32>> = report
        .cpus
        .as_ref()
        .and_then(|c| c.numa_nodes.as_ref())
        .map(|n| n.keys().copied().collect());
    let devices: Vec<(String, u32)> = report
        .interfaces
        .iter()
        .filter_map(|i| {
            let node = i.pci_device.as_ref()?.numa_node?;
            Some((subject(i), node))
        })
        .collect();
    let Some(cpu_nodes) = cpu_nodes.filter(|n| !n.is_empty()) else {
        checks.push(Check::new(
            "numa-alignment",
            None,
            Status::Skip,
            "the NUMA nodes of the pod's CPUs are unknown".to_owned(),
        ));
        return;
    };
    // "node 0", "nodes 0,1".
    let nodes_text = |set: &BTreeSet<u32>| {
        let list = set.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        if set.len() == 1 {
            format!("node {list}")
        } else {
            format!("nodes {list}")
        }
    };
    if devices.is_empty() {
        checks.push(Check::new(
            "numa-alignment",
            None,
            Status::Skip,
            format!(
                "CPUs on NUMA {}; no device with a known NUMA node",
                nodes_text(&cpu_nodes)
            ),
        ));
        return;
    }
    let mut problems = Vec::new();
    let cpu_nodes_text = nodes_text(&cpu_nodes);
    let mut unlisted = 0usize;
    for (name, node) in &devices {
        if !cpu_nodes.contains(node) {
            // Each problem names the CPUs' nodes: list a bounded number.
            if problems.len() < crate::MAX_WARNINGS_PER_SOURCE {
                problems.push(format!(
                    "{name} is on NUMA node {node}, the pod's CPUs on {cpu_nodes_text}"
                ));
            } else {
                unlisted += 1;
            }
        }
    }
    if unlisted > 0 {
        problems.push(if unlisted == 1 {
            "1 more device is on a NUMA node without the pod's CPUs".to_owned()
        } else {
            format!("{unlisted} more devices are on a NUMA node without the pod's CPUs")
        });
    }
    let device_nodes: BTreeSet<u32> = devices.iter().map(|(_, n)| *n).collect();
    for size in report.hugepages.granted_sizes() {
        let Some(pool) = report.hugepages.host_pools.get(&size) else {
            continue;
        };
        if pool.numa_nodes.is_empty() {
            continue;
        }
        for node in &device_nodes {
            if pool.numa_nodes.get(node).is_none_or(|p| p.total == 0) {
                problems.push(format!(
                    "the host has no {size} hugepages on NUMA node {node}, where devices are"
                ));
            }
        }
    }
    checks.push(if problems.is_empty() {
        Check::new(
            "numa-alignment",
            None,
            Status::Pass,
            format!(
                "devices on NUMA {}, with the pod's CPUs ({}) and the host's hugepages",
                nodes_text(&device_nodes),
                nodes_text(&cpu_nodes)
            ),
        )
    } else {
        Check::new("numa-alignment", None, Status::Warn, problems.join("; ")).fix(
            "let the kubelet's Topology Manager align CPUs, devices and hugepages (topologyManagerPolicy: single-numa-node, static CPU and memory managers), and reserve hugepages on every node",
        )
    });
}

/// `n` and the noun for it: "1 annotation", "2 annotations".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Signs that the pod runs in a virtual machine or a Kata guest.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Guest {
    kata: Vec<String>,
    vm: Vec<String>,
}

impl Guest {
    fn what(&self) -> &'static str {
        if !self.kata.is_empty() {
            "a Kata Containers guest"
        } else {
            "a virtual machine"
        }
    }
}

const VM_VENDORS: &[&str] = &[
    "QEMU",
    "KVM",
    "VMware",
    "Xen",
    "innotek",
    "VirtualBox",
    "Bochs",
    "Parallels",
    "Microsoft Corporation",
    "Amazon EC2",
    "Google Compute Engine",
    "OpenStack",
    "Cloud Hypervisor",
    "Firecracker",
];

fn guest(pod: &PodView) -> Option<Guest> {
    let mut vm = Vec::new();
    for file in [
        "/sys/class/dmi/id/sys_vendor",
        "/sys/class/dmi/id/product_name",
    ] {
        if let Ok(text) = pod.read_string(file, 4096) {
            let value = text.trim();
            if VM_VENDORS.iter().any(|v| value.contains(v)) {
                vm.push(format!("{file} is {value:?}"));
            }
        }
    }
    if let Ok(cpuinfo) = pod.read_string("/proc/cpuinfo", crate::pod::MAX_ATTR_FILE_BYTES) {
        let flagged = cpuinfo
            .lines()
            .find(|l| l.starts_with("flags"))
            .and_then(|l| l.split_once(':'))
            .is_some_and(|(_, flags)| flags.split_whitespace().any(|f| f == "hypervisor"));
        if flagged {
            vm.push("/proc/cpuinfo has the hypervisor flag".to_owned());
        }
    }
    let mut kata = Vec::new();
    if pod.exists("/run/kata-containers") {
        kata.push("/run/kata-containers exists".to_owned());
    }
    // The Kata agent takes its options from the guest kernel's command line.
    if let Ok(cmdline) = pod.read_string("/proc/cmdline", 65536) {
        if let Some(word) = cmdline.split_whitespace().find(|w| w.starts_with("agent.")) {
            kata.push(format!("the kernel command line has {word}"));
        }
    }
    (!kata.is_empty() || !vm.is_empty()).then_some(Guest { kata, vm })
}

fn guest_check(guest: Option<&Guest>) -> Check {
    match guest {
        None => Check::new(
            "virtualization",
            None,
            Status::Pass,
            "no sign of a virtual machine or Kata guest".to_owned(),
        ),
        Some(g) => {
            let signs: Vec<String> = g.kata.iter().chain(&g.vm).cloned().collect();
            if !g.kata.is_empty() {
                Check::new(
                    "virtualization",
                    None,
                    Status::Warn,
                    format!("a Kata Containers guest ({}): the PCI addresses in network-status and PCIDEVICE_* are the host's, not the guest's", signs.join(", ")),
                )
                .fix("find the devices' guest addresses with `lspci` in the container and pass them to DPDK yourself (`dpdk-args --eal-arg=-a --eal-arg=ADDR`)")
            } else {
                Check::new(
                    "virtualization",
                    None,
                    Status::Info,
                    format!(
                        "a virtual machine ({}): host PCI addresses apply only if the node itself is this VM",
                        signs.join(", ")
                    ),
                )
            }
        }
    }
}

fn cpus_check(report: &Report) -> Check {
    let Some(cpus) = &report.cpus else {
        return Check::new(
            "cpus-exclusive",
            None,
            Status::Warn,
            "the pod's CPUs are unknown".to_owned(),
        )
        .fix("check that /proc/self/status (or the cgroup cpuset) is readable");
    };
    match cpus.exclusive {
        Some(true) => Check::new(
            "cpus-exclusive",
            None,
            Status::Pass,
            format!("CPUs {} are dedicated to this container", cpus.cpuset),
        ),
        Some(false) => Check::new(
            "cpus-exclusive",
            None,
            Status::Warn,
            format!("CPUs {} are every online CPU: shared with other pods", cpus.cpuset),
        )
        .fix("give the pod Guaranteed QoS with whole CPUs (requests == limits, integer cpu) on a node with the kubelet's static CPU manager policy"),
        None => Check::new(
            "cpus-exclusive",
            None,
            Status::Info,
            format!("CPUs {}; whether they are dedicated is unknown (no /sys/devices/system/cpu/online)", cpus.cpuset),
        ),
    }
}

fn warnings_check(report: &Report) -> Check {
    match report.warnings.len() {
        0 => Check::new(
            "report-warnings",
            None,
            Status::Pass,
            "the report has no warnings".to_owned(),
        ),
        n => Check::new(
            "report-warnings",
            None,
            Status::Warn,
            format!(
                "the report has {n} warning{}",
                if n == 1 { "" } else { "s" }
            ),
        )
        .fix("`app-netutil show` prints each one, naming the file or variable"),
    }
}
