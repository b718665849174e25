//! The downward-API map file parser on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    let map = app_netutil::internal::downward::parse(data, "annotations", &mut warnings);
    // Every key is a trimmed, non-empty line prefix without '='.
    for key in map.keys() {
        assert!(!key.is_empty() && !key.contains('=') && !key.contains('\n'));
    }
});
