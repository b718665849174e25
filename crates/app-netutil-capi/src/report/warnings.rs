//! The report's warnings: their text, code and subject.

use std::ffi::c_char;
use std::ptr;

use super::netutil_report;
use crate::ffi::{getter, item_ptr};

/// The number of warnings: every input that was ignored, repaired or
/// guessed at, each naming the file or variable. They are the report's
/// `warnings` followed by one for each string that held a NUL byte (a C
/// string cannot: the C API gives U+FFFD in its place, the JSON keeps it).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_warning_count(report: *const netutil_report) -> usize {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.warnings.len()
    )
}

/// Warning `i`; NULL when out of range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_warning(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| item_ptr(&r.warnings, i)
    )
}

/// The code of warning `i`: what kind of problem it is, one of "missing",
/// "dropped", "repaired", "guessed", "conflict", "unsupported", "capped"
/// or "other" (`docs/report.md`, "Warning codes"; a later version may add
/// codes, so treat an unknown one like "other"). Static; NULL when out of
/// range. The warnings the C API adds for strings that held a NUL byte
/// are "repaired".
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_warning_code(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.warning_details
                .get(i)
                .map_or(ptr::null(), |d| d.0.as_ptr())
        }
    )
}

/// The subject of warning `i`: the file (as the pod sees it), environment
/// variable, annotation key, interface or device it is about, or the field
/// of a string the C API repaired (`interfaces[0].interface`); "" when it
/// names none. NULL when out of range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_warning_subject(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.warning_details
                .get(i)
                .map_or(ptr::null(), |d| d.1.as_ptr())
        }
    )
}
