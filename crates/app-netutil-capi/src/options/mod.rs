//! The options builder: where the pod is, how to log, how to build EAL
//! arguments (the DPDK setters are in `dpdk`, declared after these).

use std::ffi::{CStr, OsStr, c_char, c_void};
use std::fs::OpenOptions;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::ptr;
use std::sync::Arc;

use app_netutil::Options;
use app_netutil::dpdk::DpdkOptions;

use crate::ffi::{Failure, Out, arg_cstr, borrow_mut, fallible, guard, setter};
use crate::log::{Callback, LogSettings, netutil_log_fn, netutil_log_level};
use crate::{netutil_error, netutil_status};

mod dpdk;

pub use dpdk::*;

/// Options for `netutil_report_collect()` and `netutil_eal_args_build()`.
/// Made by `netutil_options_new()`, freed by `netutil_options_free()`.
/// Setters need the object to themselves; once set up, the options may be
/// used by any number of threads at once.
#[derive(Debug, Clone)]
pub struct netutil_options {
    pub(crate) root: PathBuf,
    pub(crate) podinfo_dir: Option<PathBuf>,
    pub(crate) dra_dir: Option<PathBuf>,
    pub(crate) dpdk: DpdkOptions,
    pub(crate) log: LogSettings,
    pub(crate) program_name: Option<String>,
}

impl Default for netutil_options {
    fn default() -> Self {
        Self {
            root: PathBuf::from("/"),
            podinfo_dir: None,
            dra_dir: None,
            dpdk: DpdkOptions::default(),
            log: LogSettings::default(),
            program_name: None,
        }
    }
}

impl netutil_options {
    /// The library's options for one collection.
    pub(crate) fn library_options(&self) -> Options {
        let mut opts = Options::new().root(&self.root).dpdk(self.dpdk.clone());
        opts.podinfo_dir.clone_from(&self.podinfo_dir);
        opts.dra_dir.clone_from(&self.dra_dir);
        opts.logger = self.log.logger();
        opts
    }
}

const OK: netutil_status = netutil_status::NETUTIL_STATUS_OK;
const NULL: netutil_status = netutil_status::NETUTIL_STATUS_NULL_ARGUMENT;
const INVALID: netutil_status = netutil_status::NETUTIL_STATUS_INVALID_ARGUMENT;

fn utf8(s: &CStr) -> Result<String, netutil_status> {
    s.to_str().map(str::to_owned).map_err(|_| INVALID)
}

pub(crate) fn path(s: &CStr) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(s.to_bytes()))
}

/// A setter taking an optional string: NULL restores the default.
fn set_opt_string(
    o: &mut netutil_options,
    value: Option<&CStr>,
    apply: impl FnOnce(&mut netutil_options, Option<String>) -> Result<(), netutil_status>,
) -> netutil_status {
    let v = match value.map(utf8).transpose() {
        Ok(v) => v,
        Err(e) => return e,
    };
    apply(o, v).err().unwrap_or(OK)
}

/// A setter adding a required string to a list.
fn add_string(
    o: &mut netutil_options,
    value: Option<&CStr>,
    apply: impl FnOnce(&mut netutil_options, String),
) -> netutil_status {
    let Some(v) = value else {
        return NULL;
    };
    match utf8(v) {
        Ok(v) => {
            apply(o, v);
            OK
        }
        Err(e) => e,
    }
}

/// New options with the defaults: the live pod at "/", the downward-API
/// directory found below it, no logging (level warning, no destination),
/// and DPDK options that select every device of the pod, every CPU and this
/// container's whole hugepage grant. NULL only if the library failed
/// internally (a caught panic).
#[unsafe(no_mangle)]
pub extern "C" fn netutil_options_new() -> *mut netutil_options {
    guard(ptr::null_mut(), || {
        Box::into_raw(Box::new(netutil_options::default()))
    })
}

/// Frees options (and closes their log file). NULL is allowed and does
/// nothing. Reports and EAL arguments made with them are not affected.
///
/// # Safety
///
/// `opts` is NULL or options from `netutil_options_new()` that were not
/// freed, and no other thread is using them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_free(opts: *mut netutil_options) {
    guard((), || {
        if !opts.is_null() {
            // SAFETY: the caller passes a pointer from Box::into_raw, once.
            drop(unsafe { Box::from_raw(opts) });
        }
    });
}

/// Reads the pod below `dir` instead of "/" (a copy of a pod, or a fixture
/// such as `fixtures/pods/clean_full_pod`): the downward-API files, the
/// environment (`<dir>/proc/self/environ`), the CPUs
/// (`<dir>/proc/self/status`), cgroup and sysfs files. NULL restores "/",
/// the live pod (the process's own environment and CPU affinity). `dir` is
/// a path: any bytes but NUL.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `dir` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_root(
    opts: *mut netutil_options,
    dir: *const c_char,
) -> netutil_status {
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `dir` is NULL or a NUL-terminated string (# Safety above).
            let dir = unsafe { arg_cstr(dir) };
            o.root = dir.map_or_else(|| PathBuf::from("/"), path);
            OK
        }
    )
}

/// Reads the downward-API files from `dir` (a path on this machine, not
/// below the root) instead of `<root>/etc/podnetinfo` (or
/// `<root>/etc/podinfo` when only that exists). NULL restores the default.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `dir` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_podinfo_dir(
    opts: *mut netutil_options,
    dir: *const c_char,
) -> netutil_status {
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `dir` is NULL or a NUL-terminated string (# Safety above).
            let dir = unsafe { arg_cstr(dir) };
            o.podinfo_dir = dir.map(path);
            OK
        }
    )
}

/// Sets the most detailed level logged (a `netutil_log_level`: 0 none,
/// 1 error, 2 warning (the default), 3 info, 4 debug); any other value is
/// `NETUTIL_STATUS_INVALID_ARGUMENT`. Messages go to the destinations set
/// with `netutil_options_set_log_stderr()`, `netutil_options_set_log_file()`
/// and `netutil_options_set_log_callback()`, all of them; with none set,
/// nothing is logged.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_log_level(
    opts: *mut netutil_options,
    level: u32,
) -> netutil_status {
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| match netutil_log_level::from_u32(level) {
            Some(l) => {
                o.log.level = l;
                OK
            }
            None => INVALID,
        }
    )
}

/// Writes log messages to standard error (`true`) or not (`false`, the
/// default), one line each: `app-netutil: <level>: <message>`.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_log_stderr(
    opts: *mut netutil_options,
    on: bool,
) -> netutil_status {
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.log.stderr = on;
            OK
        }
    )
}

/// Appends log messages to the file `path` (created with mode 0666 minus the
/// umask when missing), in the format of `netutil_options_set_log_stderr()`.
/// The file is opened here, once, and stays open (close-on-exec) until the
/// options are freed or another file (or NULL, for none) is set; each
/// message is one `write(2)` in append mode, so threads and processes
/// sharing the file do not interleave lines. When the file cannot be opened
/// the status is `NETUTIL_STATUS_IO`, `*err` says why, and the previous
/// setting is kept. `err` may be NULL.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `path` is NULL or a
/// NUL-terminated string; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_log_file(
    opts: *mut netutil_options,
    path: *const c_char,
    err: *mut *mut netutil_error,
) -> netutil_status {
    // SAFETY: `err` is NULL or writable (# Safety above).
    let err = unsafe { Out::new(err) };
    // SAFETY: `path` is NULL or a NUL-terminated string (# Safety above).
    let path = unsafe { arg_cstr(path) };
    fallible(&err, || {
        // SAFETY: `opts` is NULL or live options not in use elsewhere
        // (# Safety above).
        let o = unsafe { borrow_mut(opts) }.ok_or_else(|| Failure::null("opts"))?;
        let Some(p) = path else {
            o.log.file = None;
            return Ok(());
        };
        let p = self::path(p);
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&p)
            .map_err(|e| {
                Failure::new(
                    netutil_status::NETUTIL_STATUS_IO,
                    format!("log file {}: {e}", p.display()),
                )
            })?;
        o.log.file = Some(Arc::new(file));
        Ok(())
    })
}

/// Calls `callback(user_data, level, message)` for each log message (see
/// `netutil_log_fn` for when and where). NULL `callback` removes it.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `callback` is NULL
/// or a function that can be called with `user_data` as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_log_callback(
    opts: *mut netutil_options,
    callback: netutil_log_fn,
    user_data: *mut c_void,
) -> netutil_status {
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.log.callback = callback.map(|f| Callback { f, user_data });
            OK
        }
    )
}
