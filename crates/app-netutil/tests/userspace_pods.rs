//! Userspace CNI data read from a whole pod: the shared-directory
//! `configData-*.json` files, the relative socket path rule and the pod
//! identity files, on pods built in a temporary directory (the cases no
//! fixture should carry: broken files, a directory where a file belongs).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use app_netutil::{DeviceType, Options, Report, collect};
use app_netutil_testkit::go_quote;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A pod with an environment and a CPU affinity, so that only what a test
/// writes can give warnings.
fn pod() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "proc/self/environ", "HOSTNAME=p\0");
    write(dir.path(), "proc/self/status", "Cpus_allowed_list:\t0-1\n");
    dir
}

fn annotations(root: &Path, pairs: &[(&str, &str)]) {
    let text: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", go_quote(v)))
        .collect();
    write(root, "etc/podnetinfo/annotations", &text.join("\n"));
}

fn report(root: &Path) -> Report {
    collect(&Options::new().root(root)).unwrap()
}

fn has(r: &Report, needle: &str) -> bool {
    r.warnings.iter().any(|w| w.contains(needle))
}

const MEMIF: &str = r#"{"containerId":"aaaaaaaaaaaa0000","ifName":"net1","name":"vpp-net","config":{"iftype":"memif","memif":{"role":"slave","mode":"ethernet","socketfile":"memif-aaaaaaaaaaaa-net1.sock"}}}"#;

#[test]
fn config_files_are_read_only_with_a_mapped_dir_annotation() {
    let dir = pod();
    let root = dir.path();
    write(
        root,
        "var/lib/cni/usrspcni/configData-aaaaaaaaaaaa-net1.json",
        MEMIF,
    );
    // Without a mapped-dir annotation the default directory is not searched.
    annotations(root, &[("k8s.v1.cni.cncf.io/networks", "vpp-net")]);
    let r = report(root);
    assert!(r.interfaces.is_empty(), "{:?}", r.interfaces);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // With it, the file is the interface.
    annotations(root, &[("userspace/mapped-dir", "/var/lib/cni/usrspcni")]);
    let r = report(root);
    assert_eq!(r.interfaces.len(), 1);
    let i = &r.interfaces[0];
    assert_eq!(i.interface.as_deref(), Some("net1"));
    assert_eq!(i.device_type, DeviceType::Memif);
    assert_eq!(
        i.socket_path(),
        Some("/var/lib/cni/usrspcni/memif-aaaaaaaaaaaa-net1.sock")
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn broken_config_files_are_warnings_and_the_rest_is_read() {
    let dir = pod();
    let root = dir.path();
    annotations(root, &[("userspace/mappedDir", "/shared/")]);
    write(root, "shared/configData-aaaaaaaaaaaa-net1.json", MEMIF);
    write(
        root,
        "shared/configData-bbbbbbbbbbbb-net2.json",
        "{\"ifName\":",
    );
    write(root, "shared/configData-cccccccccccc-net3.json", "[1]");
    std::fs::create_dir_all(root.join("shared/configData-dddddddddddd-net4.json")).unwrap();
    // Not configData files: never read.
    write(root, "shared/configData-.json", "{");
    write(root, "shared/configdata-eeeeeeeeeeee-net5.json", "{");
    let r = report(root);
    assert_eq!(r.interfaces.len(), 1, "{:?}", r.interfaces);
    assert!(has(
        &r,
        "configData-bbbbbbbbbbbb-net2.json is not valid JSON"
    ));
    assert!(has(
        &r,
        "configData-cccccccccccc-net3.json entry 0: expected an object"
    ));
    assert!(has(&r, "configData-dddddddddddd-net4.json"));
    assert_eq!(r.warnings.len(), 3, "{:?}", r.warnings);
}

#[test]
fn the_annotation_and_a_file_for_one_interface_give_one_entry() {
    let dir = pod();
    let root = dir.path();
    let data = MEMIF.replace("memif-aaaaaaaaaaaa-net1.sock", "old.sock");
    annotations(
        root,
        &[
            ("userspace/mapped-dir", "/shared"),
            ("userspace/configuration-data", &format!("[{data}]")),
        ],
    );
    write(root, "shared/configData-aaaaaaaaaaaa-net1.json", MEMIF);
    let r = report(root);
    assert_eq!(r.interfaces.len(), 1);
    assert_eq!(
        r.interfaces[0].socket_path(),
        Some("/shared/memif-aaaaaaaaaaaa-net1.sock")
    );
    assert_eq!(r.interfaces[0].sources.len(), 1);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(has(&r, "more than once"));
}

#[test]
fn relative_paths_follow_one_rule() {
    let status = r#"[{"name":"a","interface":"net1","device-info":{"type":"memif","version":"1.0.0","memif":{"role":"slave","path":"m.sock"}}},
        {"name":"b","interface":"net2","device-info":{"type":"vdpa","version":"1.1.0","vdpa":{"driver":"vhost","path":"vhost-vdpa-0","pci-address":"0000:65:00.2"}}},
        {"name":"c","interface":"net3","device-info":{"type":"vhost-user","version":"1.0.0","vhost-user":{"mode":"client","path":"/abs/v.sock"}}}]"#;
    let dir = pod();
    let root = dir.path();
    // No userspace data: kept as given, with a warning each.
    annotations(root, &[("k8s.v1.cni.cncf.io/network-status", status)]);
    let r = report(root);
    assert_eq!(r.interfaces[0].socket_path(), Some("m.sock"));
    assert_eq!(r.interfaces[1].socket_path(), Some("vhost-vdpa-0"));
    assert_eq!(r.interfaces[2].socket_path(), Some("/abs/v.sock"));
    assert!(has(
        &r,
        "\"m.sock\" is relative and the pod has no userspace CNI directory"
    ));
    assert!(has(
        &r,
        "vdpa path \"vhost-vdpa-0\" is not an absolute path"
    ));
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    // Userspace data without a mapped-dir: the default directory, with its
    // warning once; the vDPA device path is never resolved.
    annotations(
        root,
        &[
            ("k8s.v1.cni.cncf.io/network-status", status),
            (
                "userspace/configuration-data",
                r#"[{"ifName":"net9","config":{"iftype":"memif","memif":{"socketfile":"s9"}}}]"#,
            ),
        ],
    );
    let r = report(root);
    assert_eq!(
        r.interfaces[0].socket_path(),
        Some("/var/lib/cni/usrspcni/m.sock")
    );
    assert_eq!(r.interfaces[1].socket_path(), Some("vhost-vdpa-0"));
    assert_eq!(
        r.interfaces[3].socket_path(),
        Some("/var/lib/cni/usrspcni/s9")
    );
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| w.contains("userspace/mapped-dir is missing"))
            .count(),
        1,
        "{:?}",
        r.warnings
    );
    // A relative mapped-dir is not used.
    annotations(
        root,
        &[
            ("k8s.v1.cni.cncf.io/network-status", status),
            ("userspace/mapped-dir", "shared"),
        ],
    );
    let r = report(root);
    assert_eq!(
        r.interfaces[0].socket_path(),
        Some("/var/lib/cni/usrspcni/m.sock")
    );
    assert!(has(&r, "\"shared\" is not an absolute path; not used"));
}

#[test]
fn identity_files_are_checked() {
    let dir = pod();
    let root = dir.path();
    write(root, "etc/podnetinfo/name", "web-0\n");
    write(root, "etc/podnetinfo/namespace", "");
    write(root, "etc/podnetinfo/uid", "a\u{1b}[2Jb");
    write(root, "proc/self/environ", "HOSTNAME=web-0.example\0");
    let r = report(root);
    assert_eq!(r.pod.hostname.as_deref(), Some("web-0.example"));
    assert_eq!(r.pod.name.as_deref(), Some("web-0"));
    assert_eq!(r.pod.namespace, None);
    assert_eq!(r.pod.uid, None);
    assert!(has(&r, "/etc/podnetinfo/namespace is empty; not used"));
    assert!(has(
        &r,
        "/etc/podnetinfo/uid holds control characters; not used"
    ));
    // /etc/hostname when the variable is missing.
    write(root, "proc/self/environ", "PATH=/bin\0");
    write(root, "etc/hostname", "from-file\nsecond line\n");
    assert_eq!(report(root).pod.hostname.as_deref(), Some("from-file"));
}
