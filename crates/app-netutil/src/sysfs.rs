//! What the pod's sysfs says about network interfaces and PCI devices.

use crate::interfaces::Backing;
use crate::pci::PciAddress;
use crate::pod::PodView;

/// Whether `name` can be a Linux interface name, so that it is safe to use
/// in a sysfs path (at most 15 bytes, no `/`, no whitespace, not `.` or
/// `..`).
#[must_use]
pub fn is_valid_ifname(name: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
