//! What the pod's sysfs says about network interfaces and PCI devices.
//!
//! A PCI device's details come from `/sys/bus/pci/devices/<address>/`:
//! `numa_node` (`-1` = unknown), the `driver` link (its last component is
//! the driver name), the `iommu_group` link (its last component is the
//! group number, whose VFIO device is `/dev/vfio/<group>`, or
//! `/dev/vfio/noiommu-<group>` without an IOMMU), the `net/` directory (the
//! kernel interfaces of a kernel-bound device), the `vendor` and `device`
//! ids and, for a VF, the `physfn` link to its PF.

use crate::parse::sysfile::{self, ValueError};
use crate::report::MAX_NUMA_NODES;
use crate::report::PciAddress;
use crate::report::PciDevice;
use crate::report::warning::{WarningCode, Warnings};
use crate::source::PodView;
use crate::source::files::{self, FileError};

/// What the pod's sysfs says backs a kernel interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Backing {
    /// sysfs does not show the interface.
    Unknown,
    /// A virtual kernel interface (veth, macvlan, ...): never a device.
    Virtual,
    /// The interface is a netdev of this PCI device.
    Pci(PciAddress),
    /// Backed by a device that is not a PCI device.
    Other,
}

/// The PCI device directory of sysfs.
pub(crate) const PCI_DEVICES_DIR: &str = "/sys/bus/pci/devices";

/// Whether `name` can be a Linux interface name, so that it is safe to use
/// in a sysfs path (at most 15 bytes, no `/`, no whitespace, not `.` or
/// `..`).
#[must_use]
pub(crate) fn is_valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 15
        && name != "."
        && name != ".."
        && !name
            .bytes()
            .any(|b| b == b'/' || b == b':' || b.is_ascii_whitespace() || b == 0)
}

/// Contract rule 3: what backs the kernel interface `name`, from
/// `/sys/class/net/<name>` and its `device` link.
pub(crate) fn netdev_backing(pod: &PodView, name: &str) -> Backing {
    if !is_valid_ifname(name) {
        return Backing::Unknown;
    }
    let class = format!("/sys/class/net/{name}");
    let Some(canonical) = pod.canonical(&class) else {
        return Backing::Unknown;
    };
    if canonical.starts_with("/sys/devices/virtual/") {
        return Backing::Virtual;
    }
    let Some(device) = pod.canonical(&format!("{class}/device")) else {
        // A netdev without a device link has no backing device.
        return if canonical.starts_with("/sys/devices/") {
            Backing::Virtual
        } else {
            Backing::Unknown
        };
    };
    // The device itself, or its parent (a virtio device sits below the PCI
    // function that carries it).
    let mut parts = device.rsplit('/');
    let own = parts.next().and_then(PciAddress::parse);
    let parent = parts.next().and_then(PciAddress::parse);
    own.or(parent).map_or(Backing::Other, Backing::Pci)
}

/// Parses a `numa_node` file: `Ok(None)` for the kernel's `-1` (unknown).
///
/// # Errors
///
/// [`ValueError`] for anything but a node number or `-1`, and for a node
/// number at or above [`MAX_NUMA_NODES`] (the node is then unknown).
pub(crate) fn parse_numa_node(text: &str) -> Result<Option<u32>, ValueError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if t == "-1" {
        return Ok(None);
    }
    let n = sysfile::parse_u64(t).map_err(|_| ValueError::NotANumaNode(t.to_owned()))?;
    match u32::try_from(n) {
        Ok(n) if n < MAX_NUMA_NODES => Ok(Some(n)),
        _ => Err(ValueError::NumaNodeTooLarge(n)),
    }
}

/// Parses a PCI `vendor` or `device` file (`0x8086`) into lower case.
///
/// # Errors
///
/// [`ValueError`] when it is not `0x` and four hex digits.
pub(crate) fn parse_pci_id(text: &str) -> Result<String, ValueError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    let hex = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .filter(|h| h.len() == 4 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| ValueError::NotAPciId(t.to_owned()))?;
    Ok(format!("0x{}", hex.to_ascii_lowercase()))
}

/// Reads and parses one attribute file of a device directory; absent,
/// unreadable or malformed gives `None` (the latter two with a warning).
fn attr<T>(
    pod: &PodView,
    dir: &str,
    name: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
    warnings: &mut Warnings,
) -> Option<T> {
    let path = format!("{dir}/{name}");
    let result = match files::read_optional(pod, &path) {
        Ok(Some(text)) => parse(&text).map_err(|e| FileError::value(&path, e)),
        Ok(None) => return None,
        Err(e) => Err(e),
    };
    result
        .map_err(|e| {
            warnings.about(
                WarningCode::Dropped,
                PCI_DEVICES_DIR,
                format_args!("{e}; left out"),
            );
        })
        .ok()
}

/// The last component of where a link of the device directory leads.
fn link_name(pod: &PodView, path: &str) -> Option<String> {
    // The link's own text names the driver, group or PF, even when the
    // pod's sysfs does not show the target.
    let target = pod.read_link(path)?;
    sysfile::basename(target.to_str()?).map(str::to_owned)
}

/// What the pod's sysfs says about the PCI device `addr`; `None` when the
/// pod's sysfs does not show it. Unreadable or malformed attributes are left
/// out with a warning naming the file.
pub(crate) fn pci_device(
    pod: &PodView,
    addr: &PciAddress,
    warnings: &mut Warnings,
) -> Option<PciDevice> {
    let dir = format!("{PCI_DEVICES_DIR}/{addr}");
    // One listing says which attributes and links the device has, so that
    // absent ones cost nothing.
    let entries = pod.list_dir(&dir)?;
    let has = |name: &str| entries.binary_search_by(|e| e.as_str().cmp(name)).is_ok();
    let numa_node = if has("numa_node") {
        attr(pod, &dir, "numa_node", parse_numa_node, warnings).flatten()
    } else {
        None
    };
    let vendor = if has("vendor") {
        attr(pod, &dir, "vendor", parse_pci_id, warnings)
    } else {
        None
    };
    let device = if has("device") {
        attr(pod, &dir, "device", parse_pci_id, warnings)
    } else {
        None
    };
    let link = |name: &str| {
        if has(name) {
            link_name(pod, &format!("{dir}/{name}"))
        } else {
            None
        }
    };
    let driver = link("driver");
    let iommu_group = match link("iommu_group") {
        Some(name) => match sysfile::parse_u64(&name)
            .ok()
            .and_then(|g| u32::try_from(g).ok())
        {
            Some(g) => Some(g),
            None => {
                warnings.about(
                    WarningCode::Dropped,
                    PCI_DEVICES_DIR,
                    format_args!(
                        "{dir}/iommu_group: leads to {name:?}, not a group number; left out"
                    ),
                );
                None
            }
        },
        None => None,
    };
    let vfio_device = iommu_group.and_then(|g| {
        [format!("/dev/vfio/{g}"), format!("/dev/vfio/noiommu-{g}")]
            .into_iter()
            .find(|p| pod.exists(p))
    });
    let physfn = match link("physfn") {
        Some(name) => match PciAddress::parse(&name) {
            Some(a) => Some(a.to_string()),
            None => {
                warnings.about(
                    WarningCode::Dropped,
                    PCI_DEVICES_DIR,
                    format_args!("{dir}/physfn: leads to {name:?}, not a PCI address; left out"),
                );
                None
            }
        },
        None => None,
    };
    let netdevs = if has("net") {
        pod.list_dir(&format!("{dir}/net"))
            .unwrap_or_default()
            .into_iter()
            .filter(|n| is_valid_ifname(n))
            .collect()
    } else {
        Vec::new()
    };
    Some(PciDevice {
        numa_node,
        driver,
        iommu_group,
        vfio_device,
        netdevs,
        vendor,
        device,
        physfn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numa_nodes() {
        assert_eq!(parse_numa_node("1\n"), Ok(Some(1)));
        assert_eq!(parse_numa_node("0"), Ok(Some(0)));
        assert_eq!(parse_numa_node("-1\n"), Ok(None));
        assert_eq!(parse_numa_node(""), Err(ValueError::Empty));
        assert_eq!(parse_numa_node("1023"), Ok(Some(1023)));
        for big in ["1024", "4294967295", "99999999999"] {
            assert!(
                matches!(parse_numa_node(big), Err(ValueError::NumaNodeTooLarge(_))),
                "{big}"
            );
        }
        for bad in ["-2", "abc", "1.0", "0x1", "18446744073709551616"] {
            assert!(
                matches!(parse_numa_node(bad), Err(ValueError::NotANumaNode(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn pci_ids() {
        assert_eq!(parse_pci_id("0x8086\n").as_deref(), Ok("0x8086"));
        assert_eq!(parse_pci_id("0x154C").as_deref(), Ok("0x154c"));
        assert_eq!(parse_pci_id(" \n"), Err(ValueError::Empty));
        for bad in ["8086", "0x808", "0x80866", "0xzzzz", "0x"] {
            assert!(
                matches!(parse_pci_id(bad), Err(ValueError::NotAPciId(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn ifnames() {
        assert!(is_valid_ifname("net1"));
        assert!(is_valid_ifname("eth_vhost0"));
        assert!(!is_valid_ifname("../etc"));
        assert!(!is_valid_ifname(""));
        assert!(!is_valid_ifname(".."));
        assert!(!is_valid_ifname("a very long interface name"));
    }
}
