//! The report: collecting it, freeing it, its JSON; its getters are in
//! the submodules, one per part of the report (the header declares them
//! in the order of these modules).

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use app_netutil::pod::PodView;
use app_netutil::report::WarningCode;
use app_netutil::report::{ContainerHugepages, SizeKey};
use app_netutil::{PageSize, Report};

use crate::ffi::{CText, Failure, Out, borrow, fallible, getter, guard};
use crate::interface::netutil_interface;
use crate::log::LogSettings;
use crate::{netutil_error, netutil_options, netutil_status};

mod warnings;

mod pod;

mod cpus;

mod hugepages;

mod interfaces;

pub use cpus::*;
pub use hugepages::*;
pub use interfaces::*;
pub use pod::*;
pub use warnings::*;

/// An immutable snapshot of what the pod was given. Made by
/// `netutil_report_collect()`, freed by
/// `netutil_report_free()`. Every string and array its getters return is
/// borrowed from it and valid until it is freed. Any number of threads may
/// read one report at once.
#[derive(Debug)]
pub struct netutil_report {
    pub(crate) report: Report,
    /// The report's JSON, made on the first `netutil_report_json()` (most
    /// programs never ask for it).
    json: std::sync::OnceLock<CString>,
    pod: CPod,
    cpus: Option<CCpus>,
    container_name: Option<CString>,
    containers: Vec<netutil_container>,
    own_container: Option<usize>,
    cgroup_limits: Vec<(CString, u64)>,
    mounts: Vec<(CString, CString)>,
    host_pools: Vec<CHostPool>,
    pub(crate) interfaces: Vec<netutil_interface>,
    warnings: Vec<CString>,
    /// Per warning: its code (static) and subject.
    warning_details: Vec<(&'static CStr, CString)>,
}

#[derive(Debug)]
struct CPod {
    hostname: Option<CString>,
    name: Option<CString>,
    namespace: Option<CString>,
    uid: Option<CString>,
}

#[derive(Debug)]
struct CCpus {
    list: Vec<u32>,
    cpuset: CString,
    source: CString,
    numa_nodes: Vec<(u32, Vec<u32>)>,
    exclusive: i32,
    isolated: Option<Vec<u32>>,
    smt_siblings: Vec<Vec<u32>>,
}

#[derive(Debug)]
struct CHostPool {
    size: CString,
    total: u64,
    free: u64,
    nodes: Vec<(u32, u64, u64)>,
}

/// One container's hugepage grant, from the downward-API files. Borrowed
/// from its report.
#[derive(Debug)]
pub struct netutil_container {
    name: CString,
    request: Vec<(SizeKey, CString, u64)>,
    limit: Vec<(SizeKey, CString, u64)>,
}

// A report is shared between threads read-only; it must stay Send + Sync.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<netutil_report>();
};

fn size_table(map: &std::collections::BTreeMap<SizeKey, u64>) -> Vec<(SizeKey, CString, u64)> {
    map.iter()
        .map(|(k, v)| (*k, CString::new(k.to_string()).unwrap_or_default(), *v))
        .collect()
}

fn page_size_c(size: PageSize) -> CString {
    CString::new(size.to_string()).unwrap_or_default()
}

impl netutil_report {
    /// Precomputes every C string of `report`.
    pub(crate) fn new(report: Report) -> Self {
        let mut t = CText::default();

        let id = &report.pod;
        let pod = CPod {
            hostname: t.opt(id.hostname.as_deref(), || "pod.hostname".to_owned()),
            name: t.opt(id.name.as_deref(), || "pod.name".to_owned()),
            namespace: t.opt(id.namespace.as_deref(), || "pod.namespace".to_owned()),
            uid: t.opt(id.uid.as_deref(), || "pod.uid".to_owned()),
        };

        let cpus = report.cpus.as_ref().map(|c| CCpus {
            list: c.list.clone(),
            cpuset: t.s(&c.cpuset, || "cpus.cpuset".to_owned()),
            source: CString::new(c.source.as_str()).unwrap_or_default(),
            numa_nodes: c
                .numa_nodes
                .iter()
                .flatten()
                .map(|(n, l)| (*n, l.clone()))
                .collect(),
            exclusive: c.exclusive.map_or(-1, i32::from),
            isolated: c.isolated.clone(),
            smt_siblings: c.smt_siblings.clone().unwrap_or_default(),
        });

        let hp = &report.hugepages;
        let container_name = t.opt(hp.container.as_deref(), || "hugepages.container".to_owned());
        let containers: Vec<netutil_container> = hp
            .containers
            .iter()
            .enumerate()
            .map(|(i, c): (usize, &ContainerHugepages)| netutil_container {
                name: t.s(&c.name, || format!("hugepages.containers[{i}].name")),
                request: size_table(&c.request_mib),
                limit: size_table(&c.limit_mib),
            })
            .collect();
        let own_container = hp
            .container
            .as_deref()
            .and_then(|name| hp.containers.iter().position(|c| c.name == name));
        let cgroup_limits = hp
            .cgroup_limit_mib
            .iter()
            .map(|(s, m)| (page_size_c(*s), *m))
            .collect();
        let mounts = hp
            .mounts
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    t.s(&m.path, || format!("hugepages.mounts[{i}].path")),
                    page_size_c(m.page_size),
                )
            })
            .collect();
        let host_pools = hp
            .host_pools
            .iter()
            .map(|(s, p)| CHostPool {
                size: page_size_c(*s),
                total: p.total,
                free: p.free,
                nodes: p
                    .numa_nodes
                    .iter()
                    .map(|(n, np)| (*n, np.total, np.free))
                    .collect(),
            })
            .collect();

        let interfaces = report
            .interfaces
            .iter()
            .enumerate()
            .map(|(i, it)| netutil_interface::new(it, i, &mut t))
            .collect();
        let mut warnings = t.list(&report.warnings, "warnings");
        let mut warning_details: Vec<(&'static CStr, CString)> = report
            .warning_details()
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let subject = t.s(&w.subject, || format!("warning-details[{i}].subject"));
                (code_cstr(w.code), subject)
            })
            .collect();
        // A report read back without details has them made up, one per
        // warning; any other mismatch cannot come from this library.
        warning_details.resize_with(warnings.len(), || {
            (code_cstr(WarningCode::Other), CString::default())
        });
        for (field, message) in t.repaired {
            // These name a field and never hold a NUL themselves.
            warnings.push(crate::ffi::cstring_lossy(&message));
            warning_details.push((
                code_cstr(WarningCode::Repaired),
                crate::ffi::cstring_lossy(&field),
            ));
        }
        Self {
            report,
            json: std::sync::OnceLock::new(),
            pod,
            cpus,
            container_name,
            containers,
            own_container,
            cgroup_limits,
            mounts,
            host_pools,
            interfaces,
            warnings,
            warning_details,
        }
    }
}

/// The C string of a warning code (static, the JSON spelling).
fn code_cstr(code: WarningCode) -> &'static CStr {
    match code {
        WarningCode::Missing => c"missing",
        WarningCode::Dropped => c"dropped",
        WarningCode::Repaired => c"repaired",
        WarningCode::Guessed => c"guessed",
        WarningCode::Conflict => c"conflict",
        WarningCode::Unsupported => c"unsupported",
        WarningCode::Capped => c"capped",
        _ => c"other",
    }
}

/// Collects the report of the pod that `opts` names (NULL: the defaults,
/// the live pod at "/"), and stores it in `*out`.
///
/// Collection is best-effort: whatever the pod's files and variables hold,
/// a report is produced, and every input that was ignored, repaired or
/// guessed at is a warning of the report (`netutil_report_warning()`). It
/// fails only when the root or downward-API directory is not a directory
/// (`NETUTIL_STATUS_POD_UNREADABLE`). Nothing is cached: each call reads
/// the pod anew.
///
/// On success `*out` is a new report and `*err` (when `err` is not NULL)
/// is set to NULL; on failure `*out` is set to NULL and `*err` to a new
/// error. `err` may be NULL; `out` may not. Any number of threads may
/// collect at once, with the same options or not. The library starts no
/// thread; log messages are written on the calling thread, during the call.
///
/// # Safety
///
/// `opts` is NULL or live options that no thread is changing; `out` is NULL
/// or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_collect(
    opts: *const netutil_options,
    out: *mut *mut netutil_report,
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
        let lib = o.library_options();
        let pod = PodView::from_options(&lib).map_err(|e| {
            o.log.log(app_netutil::LogLevel::Error, || e.to_string());
            Failure::new(netutil_status::NETUTIL_STATUS_POD_UNREADABLE, e.to_string())
        })?;
        let report = netutil_report::new(app_netutil::collect_from(&pod, &lib));
        log_repaired(&o.log, &report);
        out.set(Box::into_raw(Box::new(report)));
        Ok(())
    })
}

fn log_repaired(log: &LogSettings, report: &netutil_report) {
    for w in &report.warnings[report.report.warnings.len()..] {
        log.log(app_netutil::LogLevel::Warning, || {
            w.to_string_lossy().into_owned()
        });
    }
}

/// Frees a report and everything borrowed from it (interfaces, containers,
/// strings, arrays). NULL is allowed and does nothing. EAL arguments built
/// from the report are not affected.
///
/// # Safety
///
/// `report` is NULL or a report from this library that was not freed, and
/// no other thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_free(report: *mut netutil_report) {
    guard((), || {
        if !report.is_null() {
            // SAFETY: the caller passes a pointer from Box::into_raw, once.
            drop(unsafe { Box::from_raw(report) });
        }
    });
}

/// The whole report as JSON, contract v1 (`docs/report.md`): exactly the
/// bytes `app-netutil show --json` prints, that is pretty-printed with two
/// spaces and ending in a newline. When `len` is not NULL, `*len` is set to
/// the length in bytes, without the terminating NUL (the text holds no NUL:
/// JSON escapes it). Borrowed from the report; NULL when `report` is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_json(
    report: *const netutil_report,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: `len` is NULL or writable (# Safety above).
    let len = unsafe { Out::new(len) };
    len.set(0);
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            let json = r.json.get_or_init(|| {
                let mut json = r.report.to_json_pretty();
                json.push('\n');
                // serde_json escapes NUL, so this never fails.
                CString::new(json).unwrap_or_default()
            });
            len.set(json.as_bytes().len());
            json.as_ptr()
        }
    )
}
