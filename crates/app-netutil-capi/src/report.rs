//! The report: collecting it, and its CPU, hugepage and warning getters.

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use app_netutil::pod::PodView;
use app_netutil::report::WarningCode;
use app_netutil::report::{ContainerHugepages, SizeKey};
use app_netutil::{PageSize, Report};

use crate::ffi::{CText, Failure, arg_cstr, borrow, fallible, get, guard, item_ptr, opt_ptr, put};
use crate::interface::netutil_interface;
use crate::log::LogSettings;
use crate::{netutil_error, netutil_options, netutil_status};

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

/// Publishes a new report through `out`.
///
/// # Safety
///
/// `out` is valid for a write.
unsafe fn publish(out: *mut *mut netutil_report, report: netutil_report) {
    // SAFETY: forwarded caller contract.
    unsafe { out.write(Box::into_raw(Box::new(report))) };
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
    // SAFETY: forwarded caller contract.
    unsafe {
        fallible(err, || {
            if out.is_null() {
                return Err(Failure::null("out"));
            }
            out.write(ptr::null_mut());
            let defaults;
            let o = match borrow(opts) {
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
            publish(out, report);
            Ok(())
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        put(len, 0);
        get(report, ptr::null(), |r| {
            let json = r.json.get_or_init(|| {
                let mut json = r.report.to_json_pretty();
                json.push('\n');
                // serde_json escapes NUL, so this never fails.
                CString::new(json).unwrap_or_default()
            });
            put(len, json.as_bytes().len());
            json.as_ptr()
        })
    }
}

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
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.warnings.len()) }
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
    // SAFETY: forwarded caller contract.
    unsafe { get(report, ptr::null(), |r| item_ptr(&r.warnings, i)) }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.warning_details
                .get(i)
                .map_or(ptr::null(), |d| d.0.as_ptr())
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.warning_details
                .get(i)
                .map_or(ptr::null(), |d| d.1.as_ptr())
        })
    }
}

// ---- pod identity -------------------------------------------------------------

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
    // SAFETY: forwarded caller contract.
    unsafe { get(report, ptr::null(), |r| opt_ptr(r.pod.hostname.as_ref())) }
}

/// The pod's name (`pod.name`, from the downward-API file `name`, that is
/// `metadata.name`); NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_pod_name(report: *const netutil_report) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, ptr::null(), |r| opt_ptr(r.pod.name.as_ref())) }
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
    // SAFETY: forwarded caller contract.
    unsafe { get(report, ptr::null(), |r| opt_ptr(r.pod.namespace.as_ref())) }
}

/// The pod's uid (`pod.uid`, from the downward-API file `uid`); NULL when
/// unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_pod_uid(report: *const netutil_report) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, ptr::null(), |r| opt_ptr(r.pod.uid.as_ref())) }
}

// ---- CPUs -------------------------------------------------------------------

/// Reads the CPU part of a report.
///
/// # Safety
///
/// `report` is NULL or a live report.
unsafe fn cpus<R: Copy>(
    report: *const netutil_report,
    default: R,
    f: impl FnOnce(&CCpus) -> R,
) -> R {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, default, |r| r.cpus.as_ref().map_or(default, f)) }
}

/// A borrowed array and its length; NULL and 0 for `None`.
///
/// # Safety
///
/// `len` is NULL or writable.
unsafe fn array(list: Option<&[u32]>, len: *mut usize) -> *const u32 {
    let (p, n) = list.map_or((ptr::null(), 0), |l| (l.as_ptr(), l.len()));
    // SAFETY: forwarded caller contract.
    unsafe { put(len, n) };
    p
}

/// The CPUs this process may run on, ascending, and their number in `*len`.
/// NULL (and `*len` 0) when no source could be read; then
/// `netutil_report_cpuset()` is NULL too. NULL when `len` is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpus(
    report: *const netutil_report,
    len: *mut usize,
) -> *const u32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        put(len, 0);
        if len.is_null() {
            return ptr::null();
        }
        cpus(report, ptr::null(), |c| array(Some(&c.list), len))
    }
}

/// The same CPUs as a kernel cpulist ("1,3,5-7"); NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpuset(report: *const netutil_report) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { cpus(report, ptr::null(), |c| c.cpuset.as_ptr()) }
}

/// Where the CPU set came from: "affinity", "proc-status", "cgroup-v2" or
/// "cgroup-v1"; NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpu_source(report: *const netutil_report) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { cpus(report, ptr::null(), |c| c.source.as_ptr()) }
}

/// 1 when the CPUs are dedicated to this pod, 0 when they are every online
/// CPU of the node (a pod without dedicated CPUs), -1 when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpus_exclusive(report: *const netutil_report) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { cpus(report, -1, |c| c.exclusive) }
}

/// The number of NUMA nodes the pod's CPUs are on (0 when unknown).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpu_numa_node_count(
    report: *const netutil_report,
) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { cpus(report, 0, |c| c.numa_nodes.len()) }
}

/// NUMA node `i` (in ascending node order): its id in `*node` and its CPUs
/// of the pod as the result, their number in `*len`. NULL (and `*len` 0)
/// when `i` is out of range or `node` or `len` is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `node` and `len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpu_numa_node(
    report: *const netutil_report,
    i: usize,
    node: *mut u32,
    len: *mut usize,
) -> *const u32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        put(len, 0);
        if node.is_null() || len.is_null() {
            return ptr::null();
        }
        cpus(report, ptr::null(), |c| match c.numa_nodes.get(i) {
            Some((n, list)) => {
                put(node, *n);
                array(Some(list), len)
            }
            None => ptr::null(),
        })
    }
}

/// Those of the pod's CPUs that the kernel isolates, ascending, their
/// number in `*len`. NULL when not known (the file could not be read); a
/// non-NULL pointer with `*len` 0 when none is isolated.
///
/// # Safety
///
/// `report` is NULL or a live report; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpus_isolated(
    report: *const netutil_report,
    len: *mut usize,
) -> *const u32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        put(len, 0);
        if len.is_null() {
            return ptr::null();
        }
        cpus(report, ptr::null(), |c| match &c.isolated {
            Some(l) => array(Some(l), len),
            None => ptr::null(),
        })
    }
}

/// The number of physical cores the pod's CPUs are on, as SMT sibling
/// groups (0 when unknown).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpu_smt_group_count(
    report: *const netutil_report,
) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { cpus(report, 0, |c| c.smt_siblings.len()) }
}

/// SMT sibling group `i`: the pod's CPUs on one physical core, ascending,
/// their number in `*len`. NULL when out of range or `len` is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpu_smt_group(
    report: *const netutil_report,
    i: usize,
    len: *mut usize,
) -> *const u32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        put(len, 0);
        if len.is_null() {
            return ptr::null();
        }
        cpus(report, ptr::null(), |c| match c.smt_siblings.get(i) {
            Some(g) => array(Some(g), len),
            None => ptr::null(),
        })
    }
}

// ---- hugepages ----------------------------------------------------------------

/// This container's name (its `CONTAINER_NAME` variable); NULL when
/// unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_container_name(
    report: *const netutil_report,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, ptr::null(), |r| opt_ptr(r.container_name.as_ref())) }
}

/// The number of containers named in the downward-API hugepage files.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_container_count(report: *const netutil_report) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.containers.len()) }
}

/// Container `i`, sorted by name; NULL when out of range. Borrowed from the
/// report.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_container(
    report: *const netutil_report,
    i: usize,
) -> *const netutil_container {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.containers.get(i).map_or(ptr::null(), ptr::from_ref)
        })
    }
}

/// This container's entry: the one named `netutil_report_container_name()`;
/// NULL when the name is unknown or not listed.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_own_container(
    report: *const netutil_report,
) -> *const netutil_container {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.own_container
                .and_then(|i| r.containers.get(i))
                .map_or(ptr::null(), ptr::from_ref)
        })
    }
}

/// The container's name; "" for the legacy unsuffixed `hugepages_request`
/// and `hugepages_limit` files. NULL when `c` is NULL.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_name(c: *const netutil_container) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(c, ptr::null(), |c| c.name.as_ptr()) }
}

/// The number of page sizes with a request.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_request_count(c: *const netutil_container) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(c, 0, |c| c.request.len()) }
}

/// The page size of request `i`, as Kubernetes spells it ("1Gi", "2Mi"), or
/// "unspecified" for the legacy files; ascending by size. NULL when out of
/// range.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_request_size(
    c: *const netutil_container,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(c, ptr::null(), |c| {
            c.request.get(i).map_or(ptr::null(), |e| e.1.as_ptr())
        })
    }
}

/// The MiB of request `i`; 0 when out of range.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_request_mib(
    c: *const netutil_container,
    i: usize,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { get(c, 0, |c| c.request.get(i).map_or(0, |e| e.2)) }
}

/// The number of page sizes with a limit.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_limit_count(c: *const netutil_container) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(c, 0, |c| c.limit.len()) }
}

/// The page size of limit `i` (as for requests); NULL when out of range.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_limit_size(
    c: *const netutil_container,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(c, ptr::null(), |c| {
            c.limit.get(i).map_or(ptr::null(), |e| e.1.as_ptr())
        })
    }
}

/// The MiB of limit `i`; 0 when out of range.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_limit_mib(c: *const netutil_container, i: usize) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { get(c, 0, |c| c.limit.get(i).map_or(0, |e| e.2)) }
}

fn size_key(size: &CStr) -> Option<SizeKey> {
    let s = size.to_str().ok()?;
    if s == "unspecified" {
        Some(SizeKey::Unspecified)
    } else {
        PageSize::parse(s).map(SizeKey::Size)
    }
}

/// Looks up an amount by page size.
///
/// # Safety
///
/// As for the exported lookups.
unsafe fn lookup(
    c: *const netutil_container,
    size: *const c_char,
    mib: *mut u64,
    table: impl FnOnce(&netutil_container) -> &[(SizeKey, CString, u64)],
) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe {
        let Some(size) = arg_cstr(size).and_then(size_key) else {
            return false;
        };
        if mib.is_null() {
            return false;
        }
        get(c, false, |c| match table(c).iter().find(|e| e.0 == size) {
            Some(e) => {
                put(mib, e.2);
                true
            }
            None => false,
        })
    }
}

/// The MiB requested for page size `size`, in any spelling ("1Gi", "1G",
/// "1048576kB"; "unspecified" for the legacy files), in `*mib`. False (and
/// `*mib` untouched) when there is no such request, `size` is not a size,
/// or an argument is NULL.
///
/// # Safety
///
/// `c` is NULL or a container of a live report; `size` is NULL or a
/// NUL-terminated string; `mib` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_request_mib_for(
    c: *const netutil_container,
    size: *const c_char,
    mib: *mut u64,
) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { lookup(c, size, mib, |c| &c.request) }
}

/// The MiB limit for page size `size`, as for
/// `netutil_container_request_mib_for()`.
///
/// # Safety
///
/// `c` is NULL or a container of a live report; `size` is NULL or a
/// NUL-terminated string; `mib` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_limit_mib_for(
    c: *const netutil_container,
    size: *const c_char,
    mib: *mut u64,
) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { lookup(c, size, mib, |c| &c.limit) }
}

/// The number of page sizes the pod's hugetlb cgroup limits (unlimited
/// sizes are left out).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cgroup_limit_count(report: *const netutil_report) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.cgroup_limits.len()) }
}

/// The page size of cgroup limit `i` ("2Mi"), ascending; NULL when out of
/// range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cgroup_limit_size(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.cgroup_limits.get(i).map_or(ptr::null(), |e| e.0.as_ptr())
        })
    }
}

/// The MiB the hugetlb cgroup allows for cgroup limit `i`; 0 when out of
/// range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cgroup_limit_mib(
    report: *const netutil_report,
    i: usize,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.cgroup_limits.get(i).map_or(0, |e| e.1)) }
}

/// The number of hugetlbfs mounts visible to the process.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_hugetlbfs_mount_count(
    report: *const netutil_report,
) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.mounts.len()) }
}

/// The mount point of hugetlbfs mount `i` ("/dev/hugepages"); NULL when out
/// of range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_hugetlbfs_mount_path(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.mounts.get(i).map_or(ptr::null(), |m| m.0.as_ptr())
        })
    }
}

/// The page size of hugetlbfs mount `i` ("2Mi"); NULL when out of range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_hugetlbfs_mount_page_size(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.mounts.get(i).map_or(ptr::null(), |m| m.1.as_ptr())
        })
    }
}

/// The number of the host's hugepage pools (one per page size).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_host_pool_count(report: *const netutil_report) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.host_pools.len()) }
}

/// The page size of host pool `i` ("1Gi"), ascending; NULL when out of
/// range.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_host_pool_size(
    report: *const netutil_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.host_pools.get(i).map_or(ptr::null(), |p| p.size.as_ptr())
        })
    }
}

/// Host pool `i`: pages in the pool in `*total`, pages not in use in
/// `*free`. False when out of range or an argument is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `total` and `free` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_host_pool(
    report: *const netutil_report,
    i: usize,
    total: *mut u64,
    free: *mut u64,
) -> bool {
    if total.is_null() || free.is_null() {
        return false;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, false, |r| match r.host_pools.get(i) {
            Some(p) => {
                put(total, p.total);
                put(free, p.free);
                true
            }
            None => false,
        })
    }
}

/// The number of NUMA nodes of host pool `i` (0 when out of range).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_host_pool_node_count(
    report: *const netutil_report,
    i: usize,
) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, 0, |r| {
            r.host_pools.get(i).map_or(0, |p| p.nodes.len())
        })
    }
}

/// NUMA node `j` of host pool `i`, ascending: its id in `*node`, its pages
/// in `*total` and `*free`. False when out of range or an argument is NULL.
///
/// # Safety
///
/// `report` is NULL or a live report; `node`, `total` and `free` are NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_host_pool_node(
    report: *const netutil_report,
    i: usize,
    j: usize,
    node: *mut u32,
    total: *mut u64,
    free: *mut u64,
) -> bool {
    if node.is_null() || total.is_null() || free.is_null() {
        return false;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, false, |r| {
            match r.host_pools.get(i).and_then(|p| p.nodes.get(j)) {
                Some((n, t, f)) => {
                    put(node, *n);
                    put(total, *t);
                    put(free, *f);
                    true
                }
                None => false,
            }
        })
    }
}

// ---- interfaces ---------------------------------------------------------------

/// The number of network interfaces and devices of the pod.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_interface_count(report: *const netutil_report) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(report, 0, |r| r.interfaces.len()) }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        get(report, ptr::null(), |r| {
            r.interfaces.get(i).map_or(ptr::null(), ptr::from_ref)
        })
    }
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
    // SAFETY: forwarded caller contract.
    unsafe {
        let Some(name) = arg_cstr(name) else {
            return ptr::null();
        };
        get(report, ptr::null(), |r| {
            r.interfaces
                .iter()
                .find(|it| it.name_cstr() == Some(name))
                .map_or(ptr::null(), ptr::from_ref)
        })
    }
}
