//! An arbitrary `PCIDEVICE_*_INFO` value beside a fixed id list.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(info) = std::str::from_utf8(data) else {
        return;
    };
    let mut warnings = Vec::new();
    let vars = app_netutil::internal::devplugin::parse(
        [
            ("PCIDEVICE_INTEL_COM_SRIOV", "0000:3b:02.6,mlx5_core.sf.4"),
            ("PCIDEVICE_INTEL_COM_SRIOV_INFO", info),
        ],
        &mut warnings,
    );
    assert!(!vars.is_empty());
    for providers in vars[0].info.values() {
        assert!(providers.iter().all(|(_, v)| v.as_object().is_some()));
    }
});
