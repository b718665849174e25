//! `/proc/self/cgroup` lines and the cgroup directory below a mount.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (entries, _) = app_netutil::internal::cgroup::parse(text);
    let mut parts = text.splitn(3, '\n');
    let (root, point, path) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    if let Some(dir) = app_netutil::internal::cgroup::dir_below_mount(root, point, path) {
        // The directory is the mount point or below it, never above.
        let below = dir
            .strip_prefix(point.trim_end_matches('/'))
            .unwrap_or_else(|| panic!("{dir:?} is not below {point:?}"));
        assert!(!below.split('/').any(|c| c == ".."), "{dir}");
    }
    let _ = entries;
});
