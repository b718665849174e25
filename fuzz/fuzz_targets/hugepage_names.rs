//! Hugepage file names, page-size spellings and file contents.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = app_netutil::internal::hugepages::parse_file_name(text);
    let _ = app_netutil::internal::hugepages::parse_mib(data);
    if let Some(size) = app_netutil::PageSize::parse(text) {
        // The canonical spelling parses back to the same size.
        assert_eq!(app_netutil::PageSize::parse(&size.k8s_name()), Some(size));
    }
});
