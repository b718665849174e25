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
use crate::parse::mountinfo::{self, MountEntry};
use crate::parse::sysfile::{self, ValueError};
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
/// Limits at or above this many bytes mean "no limit" (cgroup v1 reads `-1`
/// back as `PAGE_COUNTER_MAX * page size`, for example
/// 9223372036854771712).
pub(crate) const UNLIMITED_BYTES: u64 = 1 << 62;

/// The page size of a hugetlb cgroup limit file name: `hugetlb.2MB.max`
/// (v2) or `hugetlb.1GB.limit_in_bytes` (v1). The `rsvd` variants and
/// every other file give `None`.
#[must_use]
pub(crate) fn limit_file_size(name: &str, version: Version) -> Option<PageSize> {
    let rest = name.strip_prefix("hugetlb.")?;
    let suffix = match version {
        Version::V1 => ".limit_in_bytes",
        Version::V2 => ".max",
    };
    let size = rest.strip_suffix(suffix)?;
    if size.contains('.') {
        return None;
    }
    PageSize::parse(size)
}

/// Parses a hugetlb limit: `Ok(None)` for no limit (`max`, or a number of
/// bytes of at least `UNLIMITED_BYTES`), else the limit in bytes.
///
/// # Errors
///
/// `ValueError` for anything else.
pub fn parse_limit(text: &str) -> Result<Option<u64>, ValueError> {
    let t = text.trim();
    if t == "max" {
        return Ok(None);
    }
    match sysfile::parse_u64(t) {
        Ok(b) if b >= UNLIMITED_BYTES => Ok(None),
        Ok(b) => Ok(Some(b)),
        // A limit too large for u64 is "no limit" too.
        Err(ValueError::NotANumber(_)) if t.bytes().all(|b| b.is_ascii_digit()) => Ok(None),
        Err(ValueError::Empty) => Err(ValueError::Empty),
        Err(_) => Err(ValueError::NotALimit(t.to_owned())),
    }
}

/// The default hugepage size: the `Hugepagesize:` line of `/proc/meminfo`
/// (`Hugepagesize:       2048 kB`).
#[must_use]
pub fn meminfo_hugepagesize(meminfo: &str) -> Option<PageSize> {
    meminfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        if key.trim() != "Hugepagesize" {
            return None;
        }
        let compact: String = value.split_whitespace().collect();
        PageSize::parse(&compact)
    })
}

/// The page size of a hugetlbfs mount from its `pagesize=` super option:
/// `Ok(None)` when the option is absent.
///
/// # Errors
///
/// `ValueError::NotAPageSize` when the option does not hold a size.
pub fn mount_page_size(mount: &MountEntry) -> Result<Option<PageSize>, ValueError> {
    match mount.super_option("pagesize") {
        None => Ok(None),
        Some(v) => PageSize::parse(v)
            .map(Some)
            .ok_or_else(|| ValueError::NotAPageSize(v.to_owned())),
    }
}

/// The page size of a pool directory name (`hugepages-2048kB`).
#[must_use]
pub fn pool_dir_size(name: &str) -> Option<PageSize> {
    name.strip_prefix("hugepages-")
        .filter(|s| s.ends_with("kB"))
        .and_then(PageSize::parse)
}

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
        let Some(size) = limit_file_size(name, dir.version) else {
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
    use proptest::prelude::*;

    fn ps(s: &str) -> PageSize {
        PageSize::parse(s).unwrap()
    }

    #[test]
    fn limit_file_names() {
        assert_eq!(
            limit_file_size("hugetlb.2MB.max", Version::V2),
            Some(ps("2Mi"))
        );
        assert_eq!(
            limit_file_size("hugetlb.1GB.max", Version::V2),
            Some(ps("1Gi"))
        );
        assert_eq!(
            limit_file_size("hugetlb.1GB.limit_in_bytes", Version::V1),
            Some(ps("1Gi"))
        );
        assert_eq!(
            limit_file_size("hugetlb.64KB.limit_in_bytes", Version::V1),
            Some(ps("64Ki"))
        );
        for n in [
            "hugetlb.2MB.rsvd.max",
            "hugetlb.2MB.rsvd.limit_in_bytes",
            "hugetlb.2MB.current",
            "hugetlb.2MB.usage_in_bytes",
            "hugetlb.XB.max",
            "hugetlb..max",
            "cpuset.cpus",
        ] {
            assert_eq!(limit_file_size(n, Version::V2), None, "{n}");
            assert_eq!(limit_file_size(n, Version::V1), None, "{n}");
        }
        assert_eq!(limit_file_size("hugetlb.2MB.max", Version::V1), None);
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit("max\n"), Ok(None));
        assert_eq!(parse_limit("9223372036854771712\n"), Ok(None));
        assert_eq!(parse_limit("18446744073709551615"), Ok(None));
        assert_eq!(parse_limit("99999999999999999999999"), Ok(None));
        assert_eq!(parse_limit("4611686018427387904"), Ok(None));
        assert_eq!(
            parse_limit("4611686018427387903"),
            Ok(Some(4_611_686_018_427_387_903))
        );
        assert_eq!(parse_limit("1073741824\n"), Ok(Some(1 << 30)));
        assert_eq!(parse_limit("0"), Ok(Some(0)));
        assert_eq!(parse_limit(""), Err(ValueError::Empty));
        assert!(matches!(parse_limit("-1"), Err(ValueError::NotALimit(_))));
        assert!(matches!(parse_limit("1G"), Err(ValueError::NotALimit(_))));
        assert!(matches!(parse_limit("Max"), Err(ValueError::NotALimit(_))));
    }

    #[test]
    fn meminfo() {
        let m = "MemTotal:       16318480 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\nHugetlb:   0 kB\n";
        assert_eq!(meminfo_hugepagesize(m), Some(ps("2Mi")));
        assert_eq!(
            meminfo_hugepagesize("Hugepagesize:    1048576 kB"),
            Some(ps("1Gi"))
        );
        assert_eq!(meminfo_hugepagesize(""), None);
        assert_eq!(meminfo_hugepagesize("Hugepagesize: lots"), None);
        assert_eq!(meminfo_hugepagesize("Hugepagesize:"), None);
    }

    #[test]
    fn mount_sizes() {
        let (m, _) = mountinfo::parse(
            "1 0 0:47 / /dev/hugepages rw - hugetlbfs nodev rw,pagesize=1024M\n\
             2 0 0:48 / /mnt/h2 rw - hugetlbfs nodev rw,pagesize=2M\n\
             3 0 0:49 / /mnt/h3 rw - hugetlbfs nodev rw\n\
             4 0 0:50 / /mnt/h4 rw - hugetlbfs nodev rw,pagesize=huge\n",
        );
        assert_eq!(mount_page_size(&m[0]), Ok(Some(ps("1Gi"))));
        assert_eq!(mount_page_size(&m[1]), Ok(Some(ps("2Mi"))));
        assert_eq!(mount_page_size(&m[2]), Ok(None));
        assert!(mount_page_size(&m[3]).is_err());
    }

    #[test]
    fn pool_dirs() {
        assert_eq!(pool_dir_size("hugepages-2048kB"), Some(ps("2Mi")));
        assert_eq!(pool_dir_size("hugepages-1048576kB"), Some(ps("1Gi")));
        assert_eq!(pool_dir_size("hugepages-2Mi"), None);
        assert_eq!(pool_dir_size("hugepages-kB"), None);
        assert_eq!(pool_dir_size("hugepages-0kB"), None);
        assert_eq!(pool_dir_size("other"), None);
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

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = parse_limit(&s);
            let _ = meminfo_hugepagesize(&s);
            let _ = pool_dir_size(&s);
            let _ = limit_file_size(&s, Version::V1);
            let _ = limit_file_size(&s, Version::V2);
        }
    }
}
