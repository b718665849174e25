//! `/proc/self/mountinfo` lines (all of them, and the used ones only),
//! octal escapes and hugetlbfs options.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (mounts, _) = app_netutil::internal::mountinfo::parse(text);
    // The fast path that skips unused lines keeps exactly the used mounts.
    let (used, _) = app_netutil::internal::mountinfo::parse_used(text);
    let wanted: Vec<_> = mounts
        .iter()
        .filter(|m| matches!(m.fs_type.as_str(), "cgroup" | "cgroup2" | "hugetlbfs"))
        .collect();
    assert_eq!(used.iter().collect::<Vec<_>>(), wanted);
    for m in &mounts {
        let _ = app_netutil::internal::hugetlb::mount_page_size(m);
    }
    let _ = app_netutil::internal::mountinfo::unescape(text);
    let _ = app_netutil::internal::hugetlb::meminfo_hugepagesize(text);
    let _ = app_netutil::internal::hugetlb::parse_limit(text);
    let _ = app_netutil::internal::hugetlb::pool_dir_size(text);
});
