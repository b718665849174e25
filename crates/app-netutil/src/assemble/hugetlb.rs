//! Hugepages beyond the downward API: the hugetlb cgroup limits, hugetlbfs
//! mounts and the host's hugepage pools.
//!
//! **Which cgroup.** The limit files are `hugetlb.<size>.max` (v2, a number
//! of bytes or `max`) and `hugetlb.<size>.limit_in_bytes` (v1, bytes; `-1`
//! reads back as a number near 2^63). Kubelet writes the sum of the pod's
//! hugepage limits on the **pod** cgroup, and (since Kubernetes 1.19) each
//! container's own limit on the container cgroup. Both apply: the kernel
//! charges a page against every ancestor. So both the process's cgroup (the
//! container's) and its parent (the pod's) are read, and for each page size
//! the **smaller** limit is reported: what this container can actually
//! allocate. Inside a cgroup namespace the container cgroup is the mount
//! root and its parent is not visible; then the container's own limit is
//! reported. A size that is unlimited in both (`max`, or at least 2^62
//! bytes) is left out.
//!
//! **Mounts.** Every `hugetlbfs` line of mountinfo, with the page size of its
//! `pagesize=` super option, or else the default `Hugepagesize:` of
//! `/proc/meminfo`. When the same mount point is listed more than once, the
//! last (the one on top) is kept.
//!
//! **Host pools.** `/sys/kernel/mm/hugepages/hugepages-<kB>kB/{nr,free}_hugepages`,
//! and per NUMA node `/sys/devices/system/node/node<N>/hugepages/...`.

use std::collections::{BTreeMap, HashMap};

use crate::assemble::topology::{NODE_DIR, node_number};
use crate::parse::hugetlb::{
    limit_file_size, meminfo_hugepagesize, mount_page_size, parse_limit, pool_dir_size,
};
use crate::parse::mountinfo;
use crate::report::PageSize;
use crate::report::warning::{WarningCode, Warnings};
use crate::report::{HostPool, HugetlbfsMount, NodePool};
use crate::source::PodView;
use crate::source::cgroup::{CgroupDir, Layout, Version};
use crate::source::files::{self, FileError};

/// The host's pool directory.
pub(crate) const POOL_DIR: &str = "/sys/kernel/mm/hugepages";
/// Where the default hugepage size is read.
pub(crate) const MEMINFO: &str = "/proc/meminfo";
fn mib(bytes: u64) -> u64 {
    bytes >> 20
}

/// Reads the limit files of one cgroup directory: size -> limit in bytes
/// (`None` = unlimited).
fn read_limits(
    pod: &PodView,
    dir: &CgroupDir,
    warnings: &mut Warnings,
) -> Option<BTreeMap<PageSize, Option<u64>>> {
    let names = pod.list_dir(&dir.dir)?;
    let mut limits = BTreeMap::new();
    for name in &names {
        let Some(size) = limit_file_size(name, dir.version == Version::V2) else {
            continue;
        };
        let path = dir.file(name);
        let value = match files::read_optional(pod, &path) {
            Ok(Some(text)) => parse_limit(&text).map_err(|e| FileError::value(&path, e)),
            Ok(None) => continue,
            Err(e) => Err(e),
        };
        match value {
            Ok(v) => {
                limits.insert(size, v);
            }
            Err(e) => warnings.about(
                WarningCode::Dropped,
                &dir.dir,
                format_args!("{e}; that limit is left out"),
            ),
        }
    }
    Some(limits)
}

/// Combines the limits of the container cgroup and its parent (the pod
/// cgroup), in bytes with `None` meaning unlimited, into the limit that
/// applies to the container, in MiB (rounded down): for each size the
/// smaller of the two; sizes unlimited in both are left out.
#[must_use]
pub(crate) fn combine_limits(
    container: &BTreeMap<PageSize, Option<u64>>,
    pod: &BTreeMap<PageSize, Option<u64>>,
) -> BTreeMap<PageSize, u64> {
    let mut out = BTreeMap::new();
    for size in container.keys().chain(pod.keys()) {
        let a = container.get(size).copied().flatten();
        let b = pod.get(size).copied().flatten();
        let effective = match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(bytes) = effective {
            out.insert(*size, mib(bytes));
        }
    }
    out
}

/// The hugetlb limits that apply to this process, in MiB: for each size the
/// smaller of the container cgroup's and the pod (parent) cgroup's limit,
/// where visible (see the module documentation).
pub(crate) fn cgroup_limits(
    pod: &PodView,
    layout: &Layout,
    warnings: &mut Warnings,
) -> BTreeMap<PageSize, u64> {
    // The controller is bound to one hierarchy: v2 when its files are in
    // the v2 directory, else the v1 `hugetlb` hierarchy. (Directories that
    // cannot be located were warned about by `Layout::read`.)
    let dirs = [layout.v2(), layout.v1("hugetlb")]
        .into_iter()
        .filter_map(|d| d.ok().flatten());
    for dir in dirs {
        let Some(own) = read_limits(pod, &dir, warnings) else {
            continue;
        };
        if own.is_empty() {
            continue;
        }
        let parent = dir
            .parent()
            .and_then(|p| read_limits(pod, &p, warnings))
            .unwrap_or_default();
        return combine_limits(&own, &parent);
    }
    BTreeMap::new()
}

/// The hugetlbfs mounts of mountinfo. A mount point listed more than once
/// is kept once, where it was last listed.
pub(crate) fn mounts(
    pod: &PodView,
    layout: &Layout,
    warnings: &mut Warnings,
) -> Vec<HugetlbfsMount> {
    let source = mountinfo::PATH;
    let mut default: Option<Option<PageSize>> = None;
    let mut found: Vec<HugetlbfsMount> = Vec::new();
    for m in layout.mounts.iter().filter(|m| m.fs_type == "hugetlbfs") {
        if m.deleted {
            warnings.about(
                WarningCode::Dropped,
                source,
                format_args!(
                    "{source}: hugetlbfs at {} is marked deleted; mount left out",
                    m.mount_point
                ),
            );
            continue;
        }
        let size = match mount_page_size(m) {
            Ok(Some(s)) => s,
            Ok(None) => {
                let d = *default.get_or_insert_with(|| default_size(pod, warnings));
                let Some(d) = d else {
                    warnings.about(WarningCode::Missing,
                        source,
                        format_args!(
                            "{source}: hugetlbfs at {} has no pagesize= option and {MEMINFO} gives no Hugepagesize; mount left out",
                            m.mount_point
                        ),
                    );
                    continue;
                };
                d
            }
            Err(e) => {
                warnings.about(
                    WarningCode::Dropped,
                    source,
                    format_args!(
                        "{source}: hugetlbfs at {}: pagesize={e}; mount left out",
                        m.mount_point
                    ),
                );
                continue;
            }
        };
        found.push(HugetlbfsMount {
            path: m.mount_point.clone(),
            page_size: size,
        });
    }
    if found.len() < 2 {
        return found;
    }
    // The last listing of each mount point is the one on top.
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(found.len());
    for (i, m) in found.iter().enumerate() {
        last.insert(m.path.as_str(), i);
    }
    let keep: Vec<bool> = (0..found.len())
        .map(|i| last.get(found[i].path.as_str()) == Some(&i))
        .collect();
    drop(last);
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(m, keep)| keep.then_some(m))
        .collect()
}

fn default_size(pod: &PodView, warnings: &mut Warnings) -> Option<PageSize> {
    match files::read_optional(pod, MEMINFO) {
        Ok(Some(text)) => meminfo_hugepagesize(&text),
        Ok(None) => None,
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                MEMINFO,
                format!("{e}; default hugepage size unknown"),
            );
            None
        }
    }
}

/// Reads `nr_hugepages` and `free_hugepages` of one pool directory.
fn read_pool(
    pod: &PodView,
    dir: &str,
    source: &str,
    warnings: &mut Warnings,
) -> Option<(u64, u64)> {
    let mut read = |name: &str| {
        let path = format!("{dir}/{name}");
        match files::read_u64(pod, &path) {
            Ok(v) => v,
            Err(e) => {
                warnings.about(
                    WarningCode::Dropped,
                    source,
                    format_args!("{e}; that pool is left out"),
                );
                None
            }
        }
    };
    let total = read("nr_hugepages")?;
    let free = read("free_hugepages")?;
    Some((total, free))
}

/// The host's hugepage pools, with their per-node parts (`node_names`
/// lists [`NODE_DIR`]). Kernel page sizes are powers of two, so there are
/// at most a few dozen pools, each read once per node.
pub(crate) fn host_pools(
    pod: &PodView,
    node_names: Option<&[String]>,
    warnings: &mut Warnings,
) -> BTreeMap<PageSize, HostPool> {
    let mut pools = BTreeMap::new();
    for name in pod.list_dir(POOL_DIR).unwrap_or_default() {
        let Some(size) = pool_dir_size(&name) else {
            continue;
        };
        if !size.bytes().is_power_of_two() {
            warnings.about(WarningCode::Dropped,
                POOL_DIR,
                format_args!(
                    "{POOL_DIR}/{name}: {size} is not a power of two, which no kernel page size is; ignored"
                ),
            );
            continue;
        }
        if let Some((total, free)) =
            read_pool(pod, &format!("{POOL_DIR}/{name}"), POOL_DIR, warnings)
        {
            pools.insert(
                size,
                HostPool {
                    total,
                    free,
                    numa_nodes: BTreeMap::new(),
                },
            );
        }
    }
    if pools.is_empty() {
        return pools;
    }
    for node_name in node_names.unwrap_or_default() {
        let Some(node) = node_number(node_name) else {
            continue;
        };
        // The node pools have the sizes of the host pools: read them
        // directly instead of listing each node's directory.
        for (size, pool) in &mut pools {
            let dir = format!(
                "{NODE_DIR}/{node_name}/hugepages/hugepages-{}kB",
                size.kib()
            );
            if let Some((total, free)) = read_pool(pod, &dir, NODE_DIR, warnings) {
                pool.numa_nodes.insert(node, NodePool { total, free });
            }
        }
    }
    pools
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ps(s: &str) -> PageSize {
        PageSize::parse(s).unwrap()
    }

    #[test]
    fn combining() {
        let m = |v: &[(&str, Option<u64>)]| -> BTreeMap<PageSize, Option<u64>> {
            v.iter().map(|(s, b)| (ps(s), *b)).collect()
        };
        let gib = 1u64 << 30;
        let out = combine_limits(
            &m(&[("2Mi", Some(gib / 2)), ("1Gi", Some(0)), ("16Gi", None)]),
            &m(&[("2Mi", Some(gib)), ("1Gi", None), ("64Ki", Some(3 << 16))]),
        );
        let want: BTreeMap<PageSize, u64> = [(ps("2Mi"), 512), (ps("1Gi"), 0), (ps("64Ki"), 0)]
            .into_iter()
            .collect();
        assert_eq!(out, want);
        // Only the pod limits (container unlimited), or no parent visible.
        let out = combine_limits(&m(&[("1Gi", None)]), &m(&[("1Gi", Some(2 * gib))]));
        assert_eq!(out.get(&ps("1Gi")), Some(&2048));
        let out = combine_limits(&m(&[("1Gi", Some(gib))]), &BTreeMap::new());
        assert_eq!(out.get(&ps("1Gi")), Some(&1024));
        assert!(combine_limits(&BTreeMap::new(), &BTreeMap::new()).is_empty());
    }
}
