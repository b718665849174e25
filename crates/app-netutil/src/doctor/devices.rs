//! Each device: its PCI function, driver, VFIO group, RDMA and device
//! nodes, socket or vDPA character device.

use crate::report::Value;

use crate::report::{DeviceType, Interface, Report};
use crate::source::{FileKind, PodView};

use super::system::Guest;
use super::{Check, Status};

/// What a device is called in messages and as a check subject.
pub(super) fn subject(iface: &Interface) -> String {
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
                out.push((provider.to_owned(), key.to_owned(), path.to_owned()));
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

pub(super) fn device_checks(
    pod: &PodView,
    report: &Report,
    guest: Option<&Guest>,
    checks: &mut Vec<Check>,
) {
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
    let dir = format!("{}/{addr}", crate::source::sysfs::PCI_DEVICES_DIR);
    if !pod.exists(&dir) {
        let check = Check::new(
            "pci-device",
            Some(name),
            Status::Fail,
            format!("{addr} is not in {}", crate::source::sysfs::PCI_DEVICES_DIR),
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
