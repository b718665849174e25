//! The network-status decoder on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    if let Ok(entries) = app_netutil::internal::netstatus::parse(data, "network-status", &mut warnings) {
        for e in entries {
            // MACs and GUIDs that survive decoding are canonical; no
            // gateway is the producers' spelling of "none".
            if let Some(mac) = &e.mac {
                assert_eq!(app_netutil::internal::hwaddr::mac(mac).as_deref(), Some(mac.as_str()));
            }
            if let Some(guid) = &e.infiniband_guid {
                assert_eq!(
                    app_netutil::internal::hwaddr::infiniband_guid(guid).as_deref(),
                    Some(guid.as_str())
                );
            }
            assert!(e.gateway.iter().all(|g| !g.is_empty() && g != "<nil>"));
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
