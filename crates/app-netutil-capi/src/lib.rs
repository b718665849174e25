//! The C ABI of app-netutil: `libappnetutil` and its header `appnetutil.h`.
//!
//! One fallible call collects an immutable report of what the pod was
//! given; getters borrow from it; a second fallible call builds DPDK EAL
//! arguments from a report into an object of their own. Every exported
//! symbol starts with `netutil_`, every entry point catches panics and
//! checks its pointers, and the library starts no threads and keeps no
//! global state. `docs/c-api.md` explains the rules; the header
//! (`include/appnetutil.h`, generated from this crate by `tests/header.rs`)
//! carries the documentation of every function.
//!
//! # Ownership and threads (as the header states them)
//!
//! - Objects made by `netutil_*_new`, `netutil_report_collect`,
//!   `netutil_eal_args_build` and error outputs
//!   are owned by the caller and freed with their `netutil_*_free`
//!   function; every free function accepts NULL.
//! - Every `const char *` or array a getter returns is borrowed from the
//!   object it was read from and stays valid, unchanged, until that object
//!   is freed. The caller never frees them. NULL means absent.
//! - A report is immutable: any number of threads may read it at once. An
//!   options object may be read by several threads at once (each
//!   collecting), but not while it is being changed. An EAL-arguments object
//!   belongs to one thread at a time.

#![deny(unsafe_op_in_unsafe_fn)]
// The C names (`netutil_report`, `netutil_status`, ...) are the ABI.
#![allow(non_camel_case_types)]

// The header follows the order of these modules (one group each, so that
// rustfmt keeps the order).
mod ffi;

mod log;

mod options;

mod report;

mod interface;

mod eal;

mod dra;

use std::ffi::{CStr, c_char};

pub use dra::*;
pub use eal::*;
pub use ffi::{netutil_error, netutil_error_code, netutil_error_free, netutil_error_message};
pub use interface::*;
pub use log::{netutil_log_fn, netutil_log_level};
pub use options::*;
pub use report::*;

/// Rust-only helpers for this crate's tests and the C test crate; not part
/// of the C ABI (nothing here is exported from the C libraries).
#[doc(hidden)]
pub mod testing {
    use crate::netutil_report;

    /// A report handle made from contract JSON, as `netutil_report_collect()`
    /// makes one from a pod, so that tests can reach fields no fixture pod
    /// fills. Free it with `netutil_report_free()`.
    ///
    /// (The C ABI has no JSON input: deserializing a report would add a
    /// sixth to the size of the shared library.)
    ///
    /// # Errors
    ///
    /// The JSON error when the text is not a contract v1 report.
    pub fn report_from_json(json: &str) -> Result<*mut netutil_report, String> {
        let report = app_netutil::Report::from_json(json).map_err(|e| e.to_string())?;
        Ok(Box::into_raw(Box::new(netutil_report::new(report))))
    }
}

/// The ABI version of this header. `netutil_abi_version()` returns the
/// version of the loaded library; a program should refuse to run when the
/// two differ. It changes, together with the library's SONAME
/// (`libappnetutil.so.<NETUTIL_ABI_VERSION>`), whenever a function, type or
/// constant changes or loses its meaning; additions do not change it.
pub const NETUTIL_ABI_VERSION: u32 = 0;

/// The status every fallible call returns. The numbers never change; new
/// ones may be added, so treat an unknown value as a failure.
/// `netutil_status_str()` gives a short description of each.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum netutil_status {
    /// Success.
    NETUTIL_STATUS_OK = 0,
    /// A pointer argument that must not be NULL was NULL.
    NETUTIL_STATUS_NULL_ARGUMENT = 1,
    /// An argument has a value the library cannot use: a string that is not
    /// UTF-8, an unknown log level, a page size or DPDK version that does
    /// not parse, a number out of range.
    NETUTIL_STATUS_INVALID_ARGUMENT = 2,
    /// The pod root or the downward-API directory is not a directory.
    /// (Anything wrong inside the pod is a warning of the report instead.)
    NETUTIL_STATUS_POD_UNREADABLE = 3,
    /// `netutil_eal_args_build()`: the DPDK options are invalid or do not
    /// fit the report (a selection that matches nothing, a main CPU outside
    /// the pod's set, a file prefix EAL rejects).
    NETUTIL_STATUS_EAL_OPTIONS = 4,
    /// A file could not be opened (the log file).
    NETUTIL_STATUS_IO = 5,
    /// A bug in the library was caught (a Rust panic); the call had no
    /// effect. Please report it with the error message.
    NETUTIL_STATUS_PANIC = 6,
}

/// A short, static, English description of a status: "success",
/// "NULL argument", ... `status` is an integer so that any value may be
/// passed; an unknown one gives "unknown status". Never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn netutil_status_str(status: u32) -> *const c_char {
    ffi::guard(c"unknown status".as_ptr(), || status_cstr(status).as_ptr())
}

pub(crate) fn status_cstr(status: u32) -> &'static CStr {
    use netutil_status as S;
    const ALL: [(S, &CStr); 7] = [
        (S::NETUTIL_STATUS_OK, c"success"),
        (S::NETUTIL_STATUS_NULL_ARGUMENT, c"NULL argument"),
        (S::NETUTIL_STATUS_INVALID_ARGUMENT, c"invalid argument"),
        (
            S::NETUTIL_STATUS_POD_UNREADABLE,
            c"pod root or downward-API directory unusable",
        ),
        (
            S::NETUTIL_STATUS_EAL_OPTIONS,
            c"DPDK options invalid or not matching the report",
        ),
        (S::NETUTIL_STATUS_IO, c"file could not be opened"),
        (S::NETUTIL_STATUS_PANIC, c"internal error (caught panic)"),
    ];
    ALL.iter()
        .find(|(s, _)| *s as u32 == status)
        .map_or(c"unknown status", |(_, text)| text)
}

/// The ABI version of the loaded library; compare it with
/// `NETUTIL_ABI_VERSION`, the version of the header the program was built
/// with.
#[unsafe(no_mangle)]
pub extern "C" fn netutil_abi_version() -> u32 {
    ffi::guard(NETUTIL_ABI_VERSION, || NETUTIL_ABI_VERSION)
}

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };

/// The library's release, such as "0.1.0" (static; never free it).
#[unsafe(no_mangle)]
pub extern "C" fn netutil_version() -> *const c_char {
    ffi::guard(VERSION.as_ptr(), || VERSION.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_text() {
        let texts: Vec<&CStr> = (0..7).map(status_cstr).collect();
        for (i, t) in texts.iter().enumerate() {
            assert_ne!(*t, c"unknown status", "status {i}");
            assert_eq!(texts.iter().filter(|u| *u == t).count(), 1);
        }
        assert_eq!(status_cstr(7), c"unknown status");
        assert_eq!(status_cstr(u32::MAX), c"unknown status");
    }

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(VERSION.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    }
}
