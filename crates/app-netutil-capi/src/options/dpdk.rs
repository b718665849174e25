//! The DPDK options: the release, the devices, lcores, memory and the
//! other EAL choices.

use std::ffi::c_char;

use app_netutil::PageSize;
use app_netutil::dpdk::{DEFAULT_MAX_LCORE, DpdkVersion};

use super::{INVALID, NULL, OK, add_string, netutil_options, set_opt_string, utf8};
use crate::ffi::{arg_cstr, setter};
use crate::netutil_status;

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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `version` is NULL or a NUL-terminated string (# Safety above).
            let version = unsafe { arg_cstr(version) };
            set_opt_string(o, version, |o, v| {
                o.dpdk.version = v
                    .map(|v| v.parse::<DpdkVersion>())
                    .transpose()
                    .map_err(|_| INVALID)?;
                Ok(())
            })
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `name` is NULL or a NUL-terminated string (# Safety above).
            let name = unsafe { arg_cstr(name) };
            add_string(o, name, |o, v| o.dpdk.networks.push(v))
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `name` is NULL or a NUL-terminated string (# Safety above).
            let name = unsafe { arg_cstr(name) };
            add_string(o, name, |o, v| o.dpdk.interfaces.push(v))
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `target` is NULL or a NUL-terminated string (# Safety above).
            let target = unsafe { arg_cstr(target) };
            // SAFETY: `devargs` is NULL or a NUL-terminated string (# Safety above).
            let devargs = unsafe { arg_cstr(devargs) };
            let (Some(t), Some(d)) = (target, devargs) else {
                return NULL;
            };
            match (utf8(t), utf8(d)) {
                (Ok(t), Ok(d)) => {
                    o.dpdk.devargs.push((t, d));
                    OK
                }
                _ => INVALID,
            }
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `arg` is NULL or a NUL-terminated string (# Safety above).
            let arg = unsafe { arg_cstr(arg) };
            add_string(o, arg, |o, v| o.dpdk.extra_args.push(v))
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.dpdk.lcore_count = (count > 0).then_some(count);
            OK
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.dpdk.max_lcore = if max_lcore == 0 {
                DEFAULT_MAX_LCORE
            } else {
                max_lcore
            };
            OK
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
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
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `size` is NULL or a NUL-terminated string (# Safety above).
            let size = unsafe { arg_cstr(size) };
            set_opt_string(o, size, |o, v| {
                o.dpdk.page_size = match v {
                    Some(v) => Some(PageSize::parse(&v).ok_or(INVALID)?),
                    None => None,
                };
                Ok(())
            })
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.dpdk.memory_mib = (mib > 0).then_some(mib);
            OK
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `dir` is NULL or a NUL-terminated string (# Safety above).
            let dir = unsafe { arg_cstr(dir) };
            set_opt_string(o, dir, |o, v| {
                o.dpdk.huge_dir = v;
                Ok(())
            })
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.dpdk.in_memory = on;
            OK
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            o.dpdk.no_huge = on;
            OK
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `prefix` is NULL or a NUL-terminated string (# Safety above).
            let prefix = unsafe { arg_cstr(prefix) };
            set_opt_string(o, prefix, |o, v| {
                o.dpdk.file_prefix = v;
                Ok(())
            })
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `hostname` is NULL or a NUL-terminated string (# Safety above).
            let hostname = unsafe { arg_cstr(hostname) };
            set_opt_string(o, hostname, |o, v| {
                o.dpdk.hostname = v;
                Ok(())
            })
        }
    )
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
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `name` is NULL or a NUL-terminated string (# Safety above).
            let name = unsafe { arg_cstr(name) };
            set_opt_string(o, name, |o, v| {
                o.program_name = v;
                Ok(())
            })
        }
    )
}
