//! `/proc/self/mountinfo` lines, octal escapes and hugetlbfs options.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (mounts, _) = app_netutil::mountinfo::parse(text);
    for m in &mounts {
        let _ = app_netutil::hugetlb::mount_page_size(m);
    }
    let _ = app_netutil::mountinfo::unescape(text);
    let _ = app_netutil::hugetlb::meminfo_hugepagesize(text);
    let _ = app_netutil::hugetlb::parse_limit(text);
    let _ = app_netutil::hugetlb::pool_dir_size(text);
});
