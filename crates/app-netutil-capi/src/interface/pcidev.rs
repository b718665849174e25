//! What sysfs shows of an interface's PCI device, and how the interface
//! was found.

use std::ffi::c_char;

use super::netutil_interface;
use crate::ffi::{Out, getter, item_ptr, opt_ptr};

/// Whether the pod's sysfs showed the interface's PCI device (the
/// `pci-device` object of the JSON); the `netutil_interface_pcidev_*`
/// getters read it.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_has_pcidev(it: *const netutil_interface) -> bool {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.pcidev.present
    )
}

/// sysfs: the PCI device's NUMA node in `*node`; false (and `*node`
/// untouched) when unknown (the kernel's -1), when there is no pci-device,
/// or an argument is NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `node` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_numa_node(
    it: *const netutil_interface,
    node: *mut u32,
) -> bool {
    // SAFETY: `node` is NULL or writable (# Safety above).
    let node = unsafe { Out::new(node) };
    if node.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| match i.pcidev.numa_node {
            Some(n) => {
                node.set(n);
                true
            }
            None => false,
        }
    )
}

/// sysfs: the driver bound to the PCI device ("vfio-pci", "iavf", "mlx5_core"); NULL when unknown or there is no pci-device.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_driver(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pcidev.driver.as_ref())
    )
}

/// sysfs: the PCI device's IOMMU group in `*group`; false (and `*group`
/// untouched) when unknown, when there is no pci-device, or an argument is
/// NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `group` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_iommu_group(
    it: *const netutil_interface,
    group: *mut u32,
) -> bool {
    // SAFETY: `group` is NULL or writable (# Safety above).
    let group = unsafe { Out::new(group) };
    if group.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| match i.pcidev.iommu_group {
            Some(g) => {
                group.set(g);
                true
            }
            None => false,
        }
    )
}

/// sysfs: the VFIO group device in the container ("/dev/vfio/169", "/dev/vfio/noiommu-0") when it exists; NULL otherwise.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_vfio_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pcidev.vfio_device.as_ref())
    )
}

/// The number of kernel network interfaces of the PCI device (sysfs; 0 when there is no pci-device).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_netdev_count(
    it: *const netutil_interface,
) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.pcidev.netdevs.len()
    )
}

/// Kernel network interface `i` of the PCI device; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_netdev(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.pcidev.netdevs, i)
    )
}

/// sysfs: the PCI vendor id ("0x8086"); NULL when unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_vendor(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pcidev.vendor.as_ref())
    )
}

/// sysfs: the PCI device id ("0x154c"); NULL when unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pcidev.device.as_ref())
    )
}

/// sysfs: the PF's PCI address, for a VF; NULL otherwise.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_physfn(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pcidev.physfn.as_ref())
    )
}

/// The number of ways this entry was found ("network-status", "networks-status", "userspace-cni", "device-plugin-env", "sysfs", "positional"), in the order the steps happened.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_source_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.sources.len()
    )
}

/// Source `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_source(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.sources, i)
    )
}
