//! The options builder: where the pod is, how to log, how to build EAL
//! arguments.

use std::ffi::{CStr, OsStr, c_char, c_void};
use std::fs::OpenOptions;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::ptr;
use std::sync::Arc;

use app_netutil::dpdk::{DEFAULT_MAX_LCORE, DpdkOptions, DpdkVersion};
use app_netutil::{Options, PageSize};

use crate::ffi::{Failure, arg_cstr, borrow_mut, fallible, guard};
use crate::log::{Callback, LogSettings, netutil_log_fn, netutil_log_level};
use crate::{netutil_error, netutil_status};

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

/// Runs a setter on `opts`.
///
/// # Safety
///
/// `opts` is NULL or live options that nothing else uses during the call.
pub(crate) unsafe fn set(
    opts: *mut netutil_options,
    f: impl FnOnce(&mut netutil_options) -> netutil_status,
) -> netutil_status {
    guard(netutil_status::NETUTIL_STATUS_PANIC, || {
        // SAFETY: forwarded caller contract.
        match unsafe { borrow_mut(opts) } {
            Some(o) => f(o),
            None => NULL,
        }
    })
}

fn utf8(s: &CStr) -> Result<String, netutil_status> {
    s.to_str().map(str::to_owned).map_err(|_| INVALID)
}

pub(crate) fn path(s: &CStr) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(s.to_bytes()))
}

/// A setter taking an optional string: NULL restores the default.
///
/// # Safety
///
/// As for [`set`]; `value` is NULL or a NUL-terminated string.
unsafe fn set_opt_string(
    opts: *mut netutil_options,
    value: *const c_char,
    apply: impl FnOnce(&mut netutil_options, Option<String>) -> Result<(), netutil_status>,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            let v = match arg_cstr(value).map(utf8).transpose() {
                Ok(v) => v,
                Err(e) => return e,
            };
            apply(o, v).err().unwrap_or(OK)
        })
    }
}

/// A setter adding a required string to a list.
///
/// # Safety
///
/// As for [`set`]; `value` is NULL or a NUL-terminated string.
unsafe fn add_string(
    opts: *mut netutil_options,
    value: *const c_char,
    apply: impl FnOnce(&mut netutil_options, String),
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            let Some(v) = arg_cstr(value) else {
                return NULL;
            };
            match utf8(v) {
                Ok(v) => {
                    apply(o, v);
                    OK
                }
                Err(e) => e,
            }
        })
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
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.root = arg_cstr(dir).map_or_else(|| PathBuf::from("/"), path);
            OK
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.podinfo_dir = arg_cstr(dir).map(path);
            OK
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| match netutil_log_level::from_u32(level) {
            Some(l) => {
                o.log.level = l;
                OK
            }
            None => INVALID,
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.log.stderr = on;
            OK
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        fallible(err, || {
            let o = borrow_mut(opts).ok_or_else(|| Failure::null("opts"))?;
            let Some(p) = arg_cstr(path) else {
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
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.log.callback = callback.map(|f| Callback { f, user_data });
            OK
        })
    }
}

/// Builds EAL arguments for DPDK release `version` ("22.11", "v23.11",
/// "22.11.4"; only year and month count). NULL (the default): spellings
/// that every release from 21.11 on accepts. A string that is not a
/// release is `NETUTIL_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `version` is NULL or
/// a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_version(
    opts: *mut netutil_options,
    version: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_opt_string(opts, version, |o, v| {
            o.dpdk.version = v
                .map(|v| v.parse::<DpdkVersion>())
                .transpose()
                .map_err(|_| INVALID)?;
            Ok(())
        })
    }
}

/// Uses the interfaces on network `name` (`namespace/name` as in
/// network-status, or a name without `/` in any namespace). May be called
/// several times; with `netutil_options_add_dpdk_interface()` the selection
/// is the union. Without either, every interface that carries a device is
/// used.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `name` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_add_dpdk_network(
    opts: *mut netutil_options,
    name: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe { add_string(opts, name, |o, v| o.dpdk.networks.push(v)) }
}

/// Uses the interface `name`: an interface name ("net1"), a PCI address in
/// any spelling, or a device-plugin device id ("mlx5_core.sf.4"). May be
/// called several times. A selected PCI device is used even when it is
/// bound to a kernel network driver.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `name` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_add_dpdk_interface(
    opts: *mut netutil_options,
    name: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe { add_string(opts, name, |o, v| o.dpdk.interfaces.push(v)) }
}

/// Appends `devargs` ("rxq_cqe_comp_en=1,txq_inline_max=128") to the EAL
/// device argument of the device(s) `target` names (an interface, network,
/// PCI address or device id, matched like the selections). A target that
/// names no selected device makes `netutil_eal_args_build()` fail.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `target` and
/// `devargs` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_add_dpdk_devargs(
    opts: *mut netutil_options,
    target: *const c_char,
    devargs: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            let (Some(t), Some(d)) = (arg_cstr(target), arg_cstr(devargs)) else {
                return NULL;
            };
            match (utf8(t), utf8(d)) {
                (Ok(t), Ok(d)) => {
                    o.dpdk.devargs.push((t, d));
                    OK
                }
                _ => INVALID,
            }
        })
    }
}

/// Appends `arg` to the EAL arguments, after the derived ones
/// ("--log-level=8"; a flag and its value are two calls: "-n", "4"). When
/// the extra arguments set an option the library would derive (lcores,
/// memory, `--huge-dir`, `--file-prefix`, ...), the derived one is left
/// out.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `arg` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_add_dpdk_eal_arg(
    opts: *mut netutil_options,
    arg: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe { add_string(opts, arg, |o, v| o.dpdk.extra_args.push(v)) }
}

/// Uses `count` lcores (the main lcore plus workers). 0 (the default): one
/// per CPU of the pod.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_lcore_count(
    opts: *mut netutil_options,
    count: u32,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.dpdk.lcore_count = (count > 0).then_some(count);
            OK
        })
    }
}

/// Sets DPDK's build-time `RTE_MAX_LCORE`: lcore ids must be below it, and
/// CPUs at or above it are mapped with `--lcores`. 0 restores the default,
/// 128.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_max_lcore(
    opts: *mut netutil_options,
    max_lcore: u32,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.dpdk.max_lcore = if max_lcore == 0 {
                DEFAULT_MAX_LCORE
            } else {
                max_lcore
            };
            OK
        })
    }
}

/// Runs the main lcore on CPU `cpu`, which must be one of the pod's (else
/// `netutil_eal_args_build()` fails). A negative value (the default): the
/// pod's lowest CPU. Above UINT32_MAX: `NETUTIL_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_main_cpu(
    opts: *mut netutil_options,
    cpu: i64,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            if cpu < 0 {
                o.dpdk.main_cpu = None;
                return OK;
            }
            match u32::try_from(cpu) {
                Ok(c) => {
                    o.dpdk.main_cpu = Some(c);
                    OK
                }
                Err(_) => INVALID,
            }
        })
    }
}

/// Uses hugepages of `size` ("1Gi", "2Mi", also "1G", "2048kB"). NULL (the
/// default): the largest size granted. A string that is not a size is
/// `NETUTIL_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `size` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_page_size(
    opts: *mut netutil_options,
    size: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_opt_string(opts, size, |o, v| {
            o.dpdk.page_size = match v {
                Some(v) => Some(PageSize::parse(&v).ok_or(INVALID)?),
                None => None,
            };
            Ok(())
        })
    }
}

/// Uses `mib` MiB of hugepage memory instead of the container's grant (with
/// no-huge: the `-m` size). 0 (the default): the grant.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_memory_mib(
    opts: *mut netutil_options,
    mib: u64,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.dpdk.memory_mib = (mib > 0).then_some(mib);
            OK
        })
    }
}

/// Passes `--huge-dir=<dir>` instead of the hugetlbfs mount found in the
/// report for the page size. NULL restores the default.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `dir` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_huge_dir(
    opts: *mut netutil_options,
    dir: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_opt_string(opts, dir, |o, v| {
            o.dpdk.huge_dir = v;
            Ok(())
        })
    }
}

/// Adds `--in-memory` (no shared runtime files; a single DPDK process) or
/// not (the default).
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_in_memory(
    opts: *mut netutil_options,
    on: bool,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.dpdk.in_memory = on;
            OK
        })
    }
}

/// Adds `--no-huge` (anonymous memory, for tests) instead of hugepage memory
/// arguments, or not (the default).
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_no_huge(
    opts: *mut netutil_options,
    on: bool,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set(opts, |o| {
            o.dpdk.no_huge = on;
            OK
        })
    }
}

/// Passes `--file-prefix=<prefix>`. NULL (the default): derived from the
/// pod's host name and container name. A prefix EAL cannot use (empty, with
/// `%`, `/` or white space) makes `netutil_eal_args_build()` fail.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `prefix` is NULL or
/// a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_file_prefix(
    opts: *mut netutil_options,
    prefix: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_opt_string(opts, prefix, |o, v| {
            o.dpdk.file_prefix = v;
            Ok(())
        })
    }
}

/// Uses `hostname` for the default file prefix instead of the report's pod
/// identity (`netutil_report_pod_hostname()`, else
/// `netutil_report_pod_name()`). NULL restores the default.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `hostname` is NULL
/// or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_hostname(
    opts: *mut netutil_options,
    hostname: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_opt_string(opts, hostname, |o, v| {
            o.dpdk.hostname = v;
            Ok(())
        })
    }
}

/// Sets `argv[0]` of the EAL arguments, the program name EAL logs under
/// (pass your own `argv[0]`). NULL (the default): this process's `argv[0]`
/// when the library can see it, else "app-netutil".
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `name` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dpdk_program_name(
    opts: *mut netutil_options,
    name: *const c_char,
) -> netutil_status {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_opt_string(opts, name, |o, v| {
            o.program_name = v;
            Ok(())
        })
    }
}
