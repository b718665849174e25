//! Userspace CNI configuration data with and without a mapped directory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    for dir in [Some("/var/lib/cni/usrspcni/"), None] {
        for iface in app_netutil::internal::userspace::parse(data, dir, &mut warnings) {
            if let Some(path) = iface.device_info.as_ref().and_then(|d| {
                d.vhost_user
                    .as_ref()
                    .and_then(|v| v.path.clone())
                    .or_else(|| d.memif.as_ref().and_then(|m| m.path.clone()))
            }) {
                // Socket paths are always absolute.
                assert!(path.starts_with('/'), "{path}");
            }
        }
    }
});
