//! Hugepages: this container's grant and every container's, the hugetlb
//! cgroup limits, the hugetlbfs mounts and the host's pools.

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use app_netutil::PageSize;
use app_netutil::report::SizeKey;

use super::{netutil_container, netutil_report};
use crate::ffi::{Out, arg_cstr, getter, opt_ptr};

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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| opt_ptr(r.container_name.as_ref())
    )
}

/// The number of containers named in the downward-API hugepage files.
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_container_count(report: *const netutil_report) -> usize {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.containers.len()
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.containers.get(i).map_or(ptr::null(), ptr::from_ref)
        }
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.own_container
                .and_then(|i| r.containers.get(i))
                .map_or(ptr::null(), ptr::from_ref)
        }
    )
}

/// The container's name; "" for the legacy unsuffixed `hugepages_request`
/// and `hugepages_limit` files. NULL when `c` is NULL.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_name(c: *const netutil_container) -> *const c_char {
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| c.name.as_ptr()
    )
}

/// The number of page sizes with a request.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_request_count(c: *const netutil_container) -> usize {
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| c.request.len()
    )
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
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| {
            c.request.get(i).map_or(ptr::null(), |e| e.1.as_ptr())
        }
    )
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
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| c.request.get(i).map_or(0, |e| e.2)
    )
}

/// The number of page sizes with a limit.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_limit_count(c: *const netutil_container) -> usize {
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| c.limit.len()
    )
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
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| {
            c.limit.get(i).map_or(ptr::null(), |e| e.1.as_ptr())
        }
    )
}

/// The MiB of limit `i`; 0 when out of range.
///
/// # Safety
///
/// `c` is NULL or a container of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_container_limit_mib(c: *const netutil_container, i: usize) -> u64 {
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| c.limit.get(i).map_or(0, |e| e.2)
    )
}

fn size_key(size: &CStr) -> Option<SizeKey> {
    let s = size.to_str().ok()?;
    if s == "unspecified" {
        Some(SizeKey::Unspecified)
    } else {
        PageSize::parse(s).map(SizeKey::Size)
    }
}

/// The MiB for page size `size` (any spelling) in `table`, in `*mib`;
/// false when there is none or `size` is not a size.
fn lookup(table: &[(SizeKey, CString, u64)], size: &CStr, mib: &Out<'_, u64>) -> bool {
    let Some(size) = size_key(size) else {
        return false;
    };
    match table.iter().find(|e| e.0 == size) {
        Some(e) => {
            mib.set(e.2);
            true
        }
        None => false,
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
    // SAFETY: `size` is NULL or a NUL-terminated string (# Safety above).
    let size = unsafe { arg_cstr(size) };
    // SAFETY: `mib` is NULL or writable (# Safety above).
    let mib = unsafe { Out::new(mib) };
    let Some(size) = size else {
        return false;
    };
    if mib.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| lookup(&c.request, size, &mib)
    )
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
    // SAFETY: `size` is NULL or a NUL-terminated string (# Safety above).
    let size = unsafe { arg_cstr(size) };
    // SAFETY: `mib` is NULL or writable (# Safety above).
    let mib = unsafe { Out::new(mib) };
    let Some(size) = size else {
        return false;
    };
    if mib.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`c` is NULL or a container of a live report (# Safety above)",
        c => |c| lookup(&c.limit, size, &mib)
    )
}

/// The number of page sizes the pod's hugetlb cgroup limits (unlimited
/// sizes are left out).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_cgroup_limit_count(report: *const netutil_report) -> usize {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.cgroup_limits.len()
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.cgroup_limits.get(i).map_or(ptr::null(), |e| e.0.as_ptr())
        }
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.cgroup_limits.get(i).map_or(0, |e| e.1)
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.mounts.len()
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.mounts.get(i).map_or(ptr::null(), |m| m.0.as_ptr())
        }
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.mounts.get(i).map_or(ptr::null(), |m| m.1.as_ptr())
        }
    )
}

/// The number of the host's hugepage pools (one per page size).
///
/// # Safety
///
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_report_host_pool_count(report: *const netutil_report) -> usize {
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| r.host_pools.len()
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.host_pools.get(i).map_or(ptr::null(), |p| p.size.as_ptr())
        }
    )
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
    // SAFETY: `total` is NULL or writable (# Safety above).
    let total = unsafe { Out::new(total) };
    // SAFETY: `free` is NULL or writable (# Safety above).
    let free = unsafe { Out::new(free) };
    if total.is_null() || free.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| match r.host_pools.get(i) {
            Some(p) => {
                total.set(p.total);
                free.set(p.free);
                true
            }
            None => false,
        }
    )
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
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            r.host_pools.get(i).map_or(0, |p| p.nodes.len())
        }
    )
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
    // SAFETY: `node` is NULL or writable (# Safety above).
    let node = unsafe { Out::new(node) };
    // SAFETY: `total` is NULL or writable (# Safety above).
    let total = unsafe { Out::new(total) };
    // SAFETY: `free` is NULL or writable (# Safety above).
    let free = unsafe { Out::new(free) };
    if node.is_null() || total.is_null() || free.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`report` is NULL or a live report (# Safety above)",
        report => |r| {
            match r.host_pools.get(i).and_then(|p| p.nodes.get(j)) {
                Some((n, t, f)) => {
                    node.set(*n);
                    total.set(*t);
                    free.set(*f);
                    true
                }
                None => false,
            }
        }
    )
}
