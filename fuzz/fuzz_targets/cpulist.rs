//! The cpulist parser: never panics, and its output prints to a canonical
//! list that parses back to the same set.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cpus) = app_netutil::internal::cpulist::parse(text) {
        assert!(cpus.windows(2).all(|w| w[0] < w[1]));
        let canonical = app_netutil::report::format_cpulist(&cpus);
        assert_eq!(app_netutil::internal::cpulist::parse(&canonical).unwrap(), cpus);
    }
});
