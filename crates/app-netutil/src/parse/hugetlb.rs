//! The values of the hugetlb files beyond the downward API: cgroup limit
//! file names and contents, `/proc/meminfo`'s default page size, the
//! `pagesize=` option of a hugetlbfs mount and pool directory names. Pure
//! functions of text; `crate::assemble::hugetlb` reads the files.

use crate::parse::mountinfo::MountEntry;
use crate::parse::sysfile::{self, ValueError};
use crate::report::PageSize;

/// Limits at or above this many bytes mean "no limit" (cgroup v1 reads `-1`
/// back as `PAGE_COUNTER_MAX * page size`, for example
/// 9223372036854771712).
pub const UNLIMITED_BYTES: u64 = 1 << 62;

/// The page size of a hugetlb cgroup limit file name: `hugetlb.2MB.max`
/// (v2) or `hugetlb.1GB.limit_in_bytes` (v1). The `rsvd` variants and
/// every other file give `None`; `v2` says which of the two names the
/// cgroup's version has.
#[must_use]
pub fn limit_file_size(name: &str, v2: bool) -> Option<PageSize> {
    let rest = name.strip_prefix("hugetlb.")?;
    let suffix = if v2 { ".max" } else { ".limit_in_bytes" };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::mountinfo;
    use proptest::prelude::*;

    fn ps(s: &str) -> PageSize {
        PageSize::parse(s).unwrap()
    }

    #[test]
    fn limit_file_names() {
        assert_eq!(limit_file_size("hugetlb.2MB.max", true), Some(ps("2Mi")));
        assert_eq!(limit_file_size("hugetlb.1GB.max", true), Some(ps("1Gi")));
        assert_eq!(
            limit_file_size("hugetlb.1GB.limit_in_bytes", false),
            Some(ps("1Gi"))
        );
        assert_eq!(
            limit_file_size("hugetlb.64KB.limit_in_bytes", false),
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
            assert_eq!(limit_file_size(n, true), None, "{n}");
            assert_eq!(limit_file_size(n, false), None, "{n}");
        }
        assert_eq!(limit_file_size("hugetlb.2MB.max", false), None);
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

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = parse_limit(&s);
            let _ = meminfo_hugepagesize(&s);
            let _ = pool_dir_size(&s);
            let _ = limit_file_size(&s, false);
            let _ = limit_file_size(&s, true);
        }
    }
}
