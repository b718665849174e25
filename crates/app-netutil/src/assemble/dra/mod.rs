//! Devices allocated by Dynamic Resource Allocation: reading the inputs
//! ([`read`]), one device per DRA device whatever number of inputs name it
//! ([`devices`]), and those devices in the interface list ([`merge`]).

pub(crate) mod devices;
pub(crate) mod merge;
pub(crate) mod read;

use crate::report::PciAddress;
use crate::source::PodView;
use crate::source::files::read_optional;
use crate::source::sysfs::PCI_DEVICES_DIR;

/// The class code of a PCI device (`0x020000` for an Ethernet
/// controller) from the pod's sysfs; `None` when it does not show it.
pub(crate) fn pci_class(pod: &PodView, addr: &PciAddress) -> Option<u32> {
    let text = read_optional(pod, &format!("{PCI_DEVICES_DIR}/{addr}/class"))
        .ok()
        .flatten()?;
    let hex = text.trim().strip_prefix("0x")?;
    u32::from_str_radix(hex, 16)
        .ok()
        .filter(|c| *c <= 0x00ff_ffff)
}
