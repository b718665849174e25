//! The pod's identity: host name, name, namespace and uid.

use std::ffi::c_char;

use super::netutil_report;
use crate::ffi::{getter, opt_ptr};

/// The pod's host name (`pod.hostname`: its `HOSTNAME` variable, else
/// `/etc/hostname`); NULL when unknown. The default EAL file prefix is made
/// from it.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_pod_hostname(
    report: *const netutil_report,
) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| opt_ptr(r.pod.hostname.as_ref())
    )
}

/// The pod's name (`pod.name`, from the downward-API file `name`, that is
/// `metadata.name`); NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_pod_name(report: *const netutil_report) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| opt_ptr(r.pod.name.as_ref())
    )
}

/// The pod's namespace (`pod.namespace`, from the downward-API file
/// `namespace`); NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_pod_namespace(
    report: *const netutil_report,
) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| opt_ptr(r.pod.namespace.as_ref())
    )
}

/// The pod's uid (`pod.uid`, from the downward-API file `uid`); NULL when
/// unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_pod_uid(report: *const netutil_report) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| opt_ptr(r.pod.uid.as_ref())
    )
}
