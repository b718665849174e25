//! The KEP-5304 device metadata stream parser and the dra-driver-sriov
//! variables on any bytes: never a panic, bounded output.
#![no_main]
use libfuzzer_sys::fuzz_target;

use app_netutil::internal::dra::{env, metadata};

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    let file = "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/c/r/d-metadata.json";
    if let Ok(stream) = metadata::parse(data, file, Some("d"), &mut warnings) {
        let devices: usize = stream
            .metadata
            .requests
            .iter()
            .map(|r| r.devices.len())
            .sum();
        // Every device came from the input: no more than its bytes allow.
        assert!(devices <= data.len());
        for request in &stream.metadata.requests {
            for device in &request.devices {
                let _ = device.pci_addresses();
            }
        }
    }
    // The same bytes as an environment block.
    let text = String::from_utf8_lossy(data);
    let vars = text.split('\0').filter_map(|kv| kv.split_once('='));
    let sriov = env::parse(vars, &mut warnings);
    assert!(sriov.devices.len() <= env::MAX_DEVICES);
});
