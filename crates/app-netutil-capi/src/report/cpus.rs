//! The report's CPUs: the set, where it came from, NUMA nodes, isolated
//! CPUs and SMT sibling groups.

use std::ffi::c_char;
use std::ptr;

use super::{CCpus, netutil_report};
use crate::ffi::{Absent, Out, absent, getter};

/// `f` of the CPU part of a report; NULL, 0 or false when it has none.
fn cpus<R: Absent>(r: &netutil_report, f: impl FnOnce(&CCpus) -> R) -> R {
    r.cpus.as_ref().map_or_else(absent, f)
}

/// A borrowed array, its length in `*len`.
fn array(list: &[u32], len: &Out<'_, usize>) -> *const u32 {
    len.set(list.len());
    list.as_ptr()
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
    // SAFETY: `len` is NULL or writable (# Safety above).
    let len = unsafe { Out::new(len) };
    len.set(0);
    if len.is_null() {
        return ptr::null();
    }
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| array(&c.list, &len))
    )
}

/// The same CPUs as a kernel cpulist ("1,3,5-7"); NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpuset(report: *const netutil_report) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| c.cpuset.as_ptr())
    )
}

/// Where the CPU set came from: "affinity", "proc-status", "cgroup-v2" or
/// "cgroup-v1"; NULL when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpu_source(report: *const netutil_report) -> *const c_char {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| c.source.as_ptr())
    )
}

/// 1 when the CPUs are dedicated to this pod, 0 when they are every online
/// CPU of the node (a pod without dedicated CPUs), -1 when unknown.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cpus_exclusive(report: *const netutil_report) -> i32 {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.cpus.as_ref().map_or(-1, |c| c.exclusive),
        else -1
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| c.numa_nodes.len())
    )
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
    // SAFETY: `len` is NULL or writable (# Safety above).
    let len = unsafe { Out::new(len) };
    len.set(0);
    // SAFETY: `node` is NULL or writable (# Safety above).
    let node = unsafe { Out::new(node) };
    if node.is_null() || len.is_null() {
        return ptr::null();
    }
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| match c.numa_nodes.get(i) {
            Some((n, list)) => {
                node.set(*n);
                array(list, &len)
            }
            None => ptr::null(),
        })
    )
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
    // SAFETY: `len` is NULL or writable (# Safety above).
    let len = unsafe { Out::new(len) };
    len.set(0);
    if len.is_null() {
        return ptr::null();
    }
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| match &c.isolated {
            Some(l) => array(l, &len),
            None => ptr::null(),
        })
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| c.smt_siblings.len())
    )
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
    // SAFETY: `len` is NULL or writable (# Safety above).
    let len = unsafe { Out::new(len) };
    len.set(0);
    if len.is_null() {
        return ptr::null();
    }
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| cpus(r, |c| match c.smt_siblings.get(i) {
            Some(g) => array(g, &len),
            None => ptr::null(),
        })
    )
}
