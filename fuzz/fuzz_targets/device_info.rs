//! The device-info decoder on any JSON value.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let mut warnings = Vec::new();
    if let Some(mut info) = app_netutil::internal::devinfo::decode(&value, "net1", &mut warnings) {
        let _ = info.is_usable();
        let addr = app_netutil::PciAddress::parse("0000:18:02.2").unwrap();
        if info.pci_address().is_none() {
            info.complete_with_address(&addr);
            assert!(info.pci_address().is_some());
        }
    }
});
