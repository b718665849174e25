//! Go unquoting on arbitrary bytes: never panics, and never produces more
//! bytes than it consumed (every escape shrinks or keeps the length).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = app_netutil::internal::goquote::unquote(data) {
        assert!(out.len() + 2 <= data.len());
        assert_eq!(data.first(), Some(&b'"'));
        assert_eq!(data.last(), Some(&b'"'));
    }
});
