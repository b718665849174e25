//! EAL arguments: an object of their own, built from a report and options,
//! holding a mutable argv for `rte_eal_init()`.

use std::ffi::{CString, c_char, c_int};
use std::ptr;

use app_netutil::LogLevel;
use app_netutil::dpdk;

use crate::ffi::{
    CText, Failure, Out, borrow, borrow_mut, cstring_lossy, fallible, getter, guard, item_ptr,
};
use crate::{netutil_error, netutil_options, netutil_report, netutil_status};

/// DPDK EAL arguments, ready for `rte_eal_init(argc, argv)`. Made by
/// `netutil_eal_args_build()`, freed by `netutil_eal_args_free()`.
/// Independent of the report and options it was built from, which may be
/// freed first. One thread at a time may use it.
#[derive(Debug)]
pub struct netutil_eal_args {
    /// argv[0] and the arguments, as built; never changed.
    args: Vec<CString>,
    /// The strings argv points to: writable copies of `args`, owned here
    /// and freed by their own length, so whatever a callee writes into them
    /// or however it reorders argv, freeing stays correct.
    storage: Vec<Box<[u8]>>,
    /// argv: pointers into `storage`, then NULL. Callers may permute it.
    argv: Vec<*mut c_char>,
    warnings: Vec<CString>,
}

impl netutil_eal_args {
    fn new(args: Vec<CString>, warnings: Vec<CString>) -> Self {
        let mut storage: Vec<Box<[u8]>> = args
            .iter()
            .map(|a| a.as_bytes_with_nul().to_vec().into_boxed_slice())
            .collect();
        // The pointers are taken after `storage` is complete and it is
        // never touched again until drop, so they stay valid.
        let mut argv: Vec<*mut c_char> = storage
            .iter_mut()
            .map(|s| s.as_mut_ptr().cast::<c_char>())
            .collect();
        argv.push(ptr::null_mut());
        Self {
            args,
            storage,
            argv,
            warnings,
        }
    }
}

fn program_name(o: &netutil_options) -> String {
    o.program_name
        .clone()
        .or_else(|| {
            std::env::args_os()
                .next()
                .map(|a| a.to_string_lossy().into_owned())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app-netutil".to_owned())
}

/// Builds the EAL arguments for `report` with the DPDK options of `opts`
/// (NULL: the defaults), and stores them in `*out`.
///
/// The arguments are `argv[0]` (see `netutil_options_set_dpdk_program_name()`),
/// then, in this order, lcores, memory, file prefix, process flags, devices
/// and the extra arguments; `docs/dpdk.md` explains each choice. Unless a
/// host name is set in the options, the default file prefix uses the
/// report's pod identity (`netutil_report_pod_hostname()`, else
/// `netutil_report_pod_name()`), exactly as `app-netutil dpdk-args` does on
/// the pod and on a saved report. Every choice that could not be
/// made well is a warning (`netutil_eal_args_warning()`), also logged at
/// warning level; the arguments are logged at info level.
///
/// Fails with `NETUTIL_STATUS_EAL_OPTIONS` when the options are invalid or
/// do not fit the report (`*err` says which), `NETUTIL_STATUS_NULL_ARGUMENT`
/// when `report` or `out` is NULL. On failure `*out` is NULL. `err` may be
/// NULL. The report is only read: several threads may build from one report
/// at once.
///
/// # Safety
///
/// `report` is NULL or a live report; `opts` is NULL or live options no
/// thread is changing; `out` and `err` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_build(
    report: *const netutil_report,
    opts: *const netutil_options,
    out: *mut *mut netutil_eal_args,
    err: *mut *mut netutil_error,
) -> netutil_status {
    // SAFETY: `err` is NULL or writable (# Safety above).
    let err = unsafe { Out::new(err) };
    // SAFETY: `out` is NULL or writable (# Safety above).
    let out = unsafe { Out::new(out) };
    fallible(&err, || {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        out.set(ptr::null_mut());
        // SAFETY: `report` is NULL or a live report (# Safety above).
        let r = unsafe { borrow(report) }.ok_or_else(|| Failure::null("report"))?;
        let defaults;
        // SAFETY: `opts` is NULL or live options that no thread is
        // changing (# Safety above).
        let o = match unsafe { borrow(opts) } {
            Some(o) => o,
            None => {
                defaults = netutil_options::default();
                &defaults
            }
        };
        let eal = dpdk::eal_args(&r.report, &o.dpdk).map_err(|e| {
            o.log.log(LogLevel::Error, || e.to_string());
            Failure::new(netutil_status::NETUTIL_STATUS_EAL_OPTIONS, e.to_string())
        })?;
        let mut t = CText::default();
        let mut args = vec![t.s(&program_name(o), || "program name".to_owned())];
        args.extend(
            eal.args
                .iter()
                .enumerate()
                .map(|(i, a)| t.s(a, || format!("EAL argument {i}"))),
        );
        let mut warnings = t.list(&eal.warnings, "EAL warnings");
        warnings.extend(t.repaired.iter().map(|(_, w)| cstring_lossy(w)));
        for w in &warnings {
            o.log
                .log(LogLevel::Warning, || w.to_string_lossy().into_owned());
        }
        o.log.log(LogLevel::Info, || {
            format!("EAL arguments: {}", eal.args.join(" "))
        });
        out.set(Box::into_raw(Box::new(netutil_eal_args::new(
            args, warnings,
        ))));
        Ok(())
    })
}

/// Frees EAL arguments, the argv array and its strings. NULL is allowed and
/// does nothing. DPDK copies what it keeps of argv, but does not promise
/// so: free them after `rte_eal_cleanup()`.
///
/// # Safety
///
/// `args` is NULL or EAL arguments from this library that were not freed,
/// and no other thread is using them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_free(args: *mut netutil_eal_args) {
    guard((), || {
        if !args.is_null() {
            // SAFETY: the caller passes a pointer from Box::into_raw, once.
            drop(unsafe { Box::from_raw(args) });
        }
    });
}

/// argc for `rte_eal_init()`: the number of strings in argv before its NULL
/// terminator (the program name and the EAL arguments). 0 when `args` is
/// NULL.
///
/// # Safety
///
/// `args` is NULL or live EAL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_argc(args: *const netutil_eal_args) -> c_int {
    getter!(
        SAFETY: "`args` is NULL or live EAL arguments (# Safety above)",
        args => |a| {
            c_int::try_from(a.storage.len()).unwrap_or(c_int::MAX)
        }
    )
}

/// argv for `rte_eal_init()`: `argc` pointers, then NULL. `argv[0]` is the
/// program name. Owned by `args`: the caller (and DPDK) may reorder the
/// pointers and write into the strings within their length; the object
/// still frees exactly what it allocated. The array and strings are valid
/// until `netutil_eal_args_free(args)`. NULL when `args` is NULL.
///
/// # Safety
///
/// `args` is NULL or live EAL arguments that no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_argv(args: *mut netutil_eal_args) -> *mut *mut c_char {
    guard(ptr::null_mut(), || {
        // SAFETY: `args` is NULL or live EAL arguments that no other
        // thread is using (# Safety above).
        match unsafe { borrow_mut(args) } {
            Some(a) => a.argv.as_mut_ptr(),
            None => ptr::null_mut(),
        }
    })
}

/// Argument `i` as it was built (0 is the program name), unaffected by
/// anything done to argv; NULL when `i >= argc`. Borrowed from `args`.
///
/// # Safety
///
/// `args` is NULL or live EAL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_arg(
    args: *const netutil_eal_args,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`args` is NULL or live EAL arguments (# Safety above)",
        args => |a| item_ptr(&a.args, i)
    )
}

/// The number of warnings: choices that could not be made well, and devices
/// left out, each in words.
///
/// # Safety
///
/// `args` is NULL or live EAL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_warning_count(args: *const netutil_eal_args) -> usize {
    getter!(
        SAFETY: "`args` is NULL or live EAL arguments (# Safety above)",
        args => |a| a.warnings.len()
    )
}

/// Warning `i`; NULL when out of range. Borrowed from `args`.
///
/// # Safety
///
/// `args` is NULL or live EAL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_eal_args_warning(
    args: *const netutil_eal_args,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`args` is NULL or live EAL arguments (# Safety above)",
        args => |a| item_ptr(&a.warnings, i)
    )
}
