//! The network-status decoder on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    if let Ok(entries) = app_netutil::netstatus::parse(data, "network-status", &mut warnings) {
        for e in entries {
            if let Some(info) = e.device_info {
                // Addresses that survive decoding are normalised.
                if let Some(addr) = info.pci_address() {
                    assert!(
                        app_netutil::PciAddress::parse(addr).is_some_and(|a| a.as_str() == addr)
                    );
                }
            }
        }
    }
});
