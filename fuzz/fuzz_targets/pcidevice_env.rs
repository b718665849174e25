//! An `environ` file (NUL-separated records) through the environment
//! splitter and the device-plugin variable parser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (env, _) = app_netutil::internal::parse_environ(data);
    let mut warnings = Vec::new();
    let vars = app_netutil::internal::devplugin::parse(env.iter(), &mut warnings);
    // Sorted by name, ids unique across variables.
    assert!(vars.windows(2).all(|w| w[0].name < w[1].name));
    let mut ids: Vec<_> = vars.iter().flat_map(|v| v.ids.iter()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
});
