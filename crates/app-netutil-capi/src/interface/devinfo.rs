//! An interface's device: the PCI address and socket to use, its
//! device-info (pci, vdpa, vhost-user, memif) and what the device plugin
//! said about it.

use std::ffi::c_char;

use super::netutil_interface;
use crate::ffi::{getter, opt_ptr};

/// The PCI address of the interface's device, for `-a`: from its device-info (pci or vdpa), else its device-plugin id when that is a PCI address; NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pci_address.as_ref())
    )
}

/// The socket of a vhost-user or memif device, or the character device of a vDPA device, from its device-info; NULL for other types or when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_socket_path(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.socket_path.as_ref())
    )
}

/// Whether the interface has a device-info object (NPWG device-info, as
/// given by network-status or userspace CNI, or synthesized from other
/// data).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_has_devinfo(it: *const netutil_interface) -> bool {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.has_devinfo
    )
}

/// The device-info `type` as given ("pci", "vdpa", "vhost-user", "memif", or an unrecognised type); NULL when the interface has no device-info.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_type(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.devinfo_type.as_ref())
    )
}

/// The device-info `version` as given ("1.0.0", "1.1.0"; "1.1.0" when app-netutil synthesized the device-info from other data); NULL when there is no device-info or it has no version.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_version(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.devinfo_version.as_ref())
    )
}

/// Device-info `pci.pci-address`, normalised ("0000:3b:02.4"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pci.pci_address.as_ref())
    )
}

/// Device-info `pci.vhost-net` ("/dev/vhost-net"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_vhost_net(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pci.vhost_net.as_ref())
    )
}

/// Device-info `pci.rdma-device` ("mlx5_2", comma-separated when several); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_rdma_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pci.rdma_device.as_ref())
    )
}

/// Device-info `pci.pf-pci-address`, normalised; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_pf_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pci.pf_pci_address.as_ref())
    )
}

/// Device-info `pci.representor-device` (spec 1.1.0); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_representor_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.pci.representor_device.as_ref())
    )
}

/// Device-info `vdpa.parent-device` ("vdpa3"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_parent_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vdpa.parent_device.as_ref())
    )
}

/// Device-info `vdpa.driver` ("vhost" or "virtio"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_driver(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vdpa.driver.as_ref())
    )
}

/// Device-info `vdpa.path` ("/dev/vhost-vdpa-0"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_path(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vdpa.path.as_ref())
    )
}

/// Device-info `vdpa.pci-address`, normalised; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vdpa.pci_address.as_ref())
    )
}

/// Device-info `vdpa.pf-pci-address`, normalised; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_pf_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vdpa.pf_pci_address.as_ref())
    )
}

/// Device-info `vdpa.representor-device` (spec 1.1.0); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_representor_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vdpa.representor_device.as_ref())
    )
}

/// Device-info `vhost-user.mode`: "client" (the host creates the socket) or "server" (the pod's application does); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vhost_user_mode(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vhost_user.mode.as_ref())
    )
}

/// Device-info `vhost-user.path`, the socket in the container; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vhost_user_path(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vhost_user.path.as_ref())
    )
}

/// Device-info `vhost-user.group`, the group owning the socket (userspace
/// CNI `vhost.group`; not a key of the device-info spec); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vhost_user_group(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.vhost_user.group.as_ref())
    )
}

/// Device-info `memif.role`: "master" (the pod's application creates the socket) or "slave" (the host does); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_memif_role(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.memif.role.as_ref())
    )
}

/// Device-info `memif.mode`: "ethernet", "ip", "inject-punt" (or "punt"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_memif_mode(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.memif.mode.as_ref())
    )
}

/// Device-info `memif.path`, the socket in the container; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_memif_path(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.memif.path.as_ref())
    )
}

/// The id a device plugin gave this device: a normalised PCI address, or an auxiliary device name ("mlx5_core.sf.4"); NULL when no device plugin listed it.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_id(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.device_id.as_ref())
    )
}

/// The device-plugin variable that listed the device ("PCIDEVICE_INTEL_COM_SRIOV_NET_A"); NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_resource_env(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.resource_env.as_ref())
    )
}

/// This device's entry in the matching `PCIDEVICE_*_INFO` variable, as compact JSON text (provider -> key -> value: `{"generic":{"deviceID":"0000:3b:02.4"},"vfio":{...}}`); NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_plugin_info(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.device_plugin_info.as_ref())
    )
}
