//! The report's interfaces: their number, by index and by name.

use std::ffi::c_char;
use std::ptr;

use super::netutil_report;
use crate::ffi::{arg_cstr, getter};
use crate::interface::netutil_interface;

/// The number of network interfaces and devices of the pod.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_interface_count(report: *const netutil_report) -> usize {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.interfaces.len()
    )
}

/// Interface `i`, in the contract's order (network-status first, then
/// userspace CNI, then devices known only from device-plugin variables);
/// NULL when out of range. Borrowed from the report.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_interface(
    report: *const netutil_report,
    i: usize,
) -> *const netutil_interface {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.interfaces.get(i).map_or(ptr::null(), ptr::from_ref)
        }
    )
}

/// The first interface whose name (in the pod, "net1") is `name`; NULL
/// when there is none or an argument is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `name` is NULL or a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_interface_by_name(
    report: *const netutil_report,
    name: *const c_char,
) -> *const netutil_interface {
    // SAFETY: `name` is NULL or a NUL-terminated string (# Safety above).
    let Some(name) = (unsafe { arg_cstr(name) }) else {
        return ptr::null();
    };
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.interfaces
                .iter()
                .find(|it| it.name_cstr() == Some(name))
                .map_or(ptr::null(), ptr::from_ref)
        }
    )
}
