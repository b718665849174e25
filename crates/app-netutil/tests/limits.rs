//! Hostile and oversized inputs: every one gives a report with a warning,
//! within bounded time and memory, never a panic, a hang or a partial read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

use app_netutil::pod::{MAX_ATTR_FILE_BYTES, MAX_DATA_FILE_BYTES};
use app_netutil::{Options, Report, collect};

const NS: &str = "k8s.v1.cni.cncf.io/network-status";

/// A minimal pod root: environ, status, and a podnetinfo directory.
fn pod(env: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("proc/self")).unwrap();
    std::fs::create_dir_all(root.join("etc/podnetinfo")).unwrap();
    std::fs::write(root.join("proc/self/environ"), env).unwrap();
    std::fs::write(
        root.join("proc/self/status"),
        "Name:\tapp\nCpus_allowed_list:\t0-3\n",
    )
    .unwrap();
    dir
}

fn collect_in_time(root: &Path) -> Report {
    let start = Instant::now();
    let r = collect(&Options::new().root(root)).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    r
}

fn ns_line(n: usize) -> String {
    let entries: Vec<String> = (0..n)
        .map(|i| format!(r#"{{\"name\":\"net{i}\",\"interface\":\"net{i}\",\"dns\":{{}}}}"#))
        .collect();
    format!("{NS}=\"[{}]\"", entries.join(","))
}

#[test]
fn oversized_annotations_file_is_a_warning() {
    let dir = pod(b"");
    let big = format!(
        "{}\nx=\"{}\"",
        ns_line(2),
        "a".repeat(MAX_DATA_FILE_BYTES as usize)
    );
    std::fs::write(dir.path().join("etc/podnetinfo/annotations"), big).unwrap();
    let r = collect_in_time(dir.path());
    assert!(r.interfaces.is_empty(), "a partial read must not be used");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("annotations") && w.contains("larger than")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn oversized_proc_file_is_a_warning() {
    let dir = pod(b"");
    let mut status = String::from("Cpus_allowed_list:\t0-3\n");
    status.push_str(&"x".repeat(MAX_ATTR_FILE_BYTES as usize));
    std::fs::write(dir.path().join("proc/self/status"), status).unwrap();
    let r = collect_in_time(dir.path());
    assert!(r.cpus.is_none());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("/proc/self/status") && w.contains("larger than"))
    );
}

#[test]
fn fifo_where_a_file_belongs_is_never_opened() {
    let dir = pod(b"");
    for path in [
        "etc/podnetinfo/annotations",
        "etc/podnetinfo/hugepages_1G_request_app",
    ] {
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.path().join(path),
            rustix::fs::Mode::from_raw_mode(0o644),
        )
        .unwrap();
    }
    std::fs::remove_file(dir.path().join("proc/self/environ")).unwrap();
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        dir.path().join("proc/self/environ"),
        rustix::fs::Mode::from_raw_mode(0o644),
    )
    .unwrap();
    // A blocking open of any of these would hang the test forever.
    let r = collect_in_time(dir.path());
    let fifo_warnings = r.warnings.iter().filter(|w| w.contains("FIFO")).count();
    assert_eq!(fifo_warnings, 3, "{:?}", r.warnings);
}

#[test]
fn device_node_where_a_file_belongs_is_never_opened() {
    let dir = pod(b"");
    // A link to a character device is followed (inside the pod root) to
    // something that is not a regular file: refused without opening it.
    symlink("/dev/zero", dir.path().join("etc/podnetinfo/annotations")).unwrap();
    std::fs::create_dir(dir.path().join("dev")).unwrap();
    let made = rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.path().join("dev/zero"),
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o666),
        rustix::fs::makedev(1, 5),
    );
    if made.is_err() {
        // Without the right to make device nodes, the machine's /dev is
        // the root: its `zero` is a character device below it.
        let view = app_netutil::pod::PodView::new(Path::new("/dev"), None).unwrap();
        let err = view.read("/zero", 100).unwrap_err();
        assert!(err.to_string().contains("character device"), "{err}");
        return;
    }
    let r = collect_in_time(dir.path());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("annotations") && w.contains("character device")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn symlink_loops_end() {
    let dir = pod(b"");
    let pi = dir.path().join("etc/podnetinfo");
    symlink("b", pi.join("annotations")).unwrap();
    symlink("annotations", pi.join("b")).unwrap();
    symlink("hugepages_1G_limit_x", pi.join("hugepages_1G_limit_x")).unwrap();
    std::fs::create_dir_all(dir.path().join("sys/class/net")).unwrap();
    symlink(
        "../../class/net/eth0",
        dir.path().join("sys/class/net/eth0"),
    )
    .unwrap();
    std::fs::write(pi.join("ok"), "").unwrap();
    let r = collect_in_time(dir.path());
    assert!(
        r.warnings.iter().any(|w| w.contains("annotations")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("hugepages_1G_limit_x")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn non_utf8_everywhere() {
    let mut env =
        b"CONTAINER_NAME=app\xff\0PCIDEVICE_A=0000:18:02.2\0PCIDEVICE_B=\xc3\x28\0\xfe\xfe=1\0"
            .to_vec();
    env.extend_from_slice(b"PLAIN=ok\0");
    let dir = pod(&env);
    let pi = dir.path().join("etc/podnetinfo");
    let mut annotations = ns_line(1).into_bytes();
    annotations.extend_from_slice(b"\nbad\xffkey=\"v\"\nk=\"\xff\xfe raw\"\nj=\"\\xff\"");
    std::fs::write(pi.join("annotations"), annotations).unwrap();
    std::fs::write(pi.join("hugepages_1G_limit_app"), b"\xff12").unwrap();
    std::fs::write(
        dir.path().join("proc/self/status"),
        b"Cpus_allowed_list:\t\xff0-3\n",
    )
    .unwrap();
    let r = collect_in_time(dir.path());
    // The status marks no entry default, so its first entry (net0) is taken
    // for the cluster network and the VF becomes an interface of its own.
    assert_eq!(r.interfaces.len(), 2, "{:?}", r.interfaces);
    assert_eq!(r.interfaces[0].resource_env, None);
    assert_eq!(r.interfaces[1].resource_env.as_deref(), Some("PCIDEVICE_A"));
    assert_eq!(r.hugepages.container, None);
    for needle in [
        "CONTAINER_NAME",
        "PCIDEVICE_B",
        "hugepages_1G_limit_app",
        "Cpus_allowed_list",
        "line 2",
    ] {
        assert!(
            r.warnings.iter().any(|w| w.contains(needle)),
            "{needle}: {:?}",
            r.warnings
        );
    }
}

#[test]
fn one_mib_environment() {
    let mut env = Vec::new();
    for i in 0..25_000 {
        env.extend_from_slice(format!("VAR_{i}={}\0", "v".repeat(40)).as_bytes());
    }
    env.extend_from_slice(b"PCIDEVICE_INTEL_COM_X=0000:18:02.2\0CONTAINER_NAME=app\0");
    assert!(env.len() > 1 << 20);
    let dir = pod(&env);
    let r = collect_in_time(dir.path());
    assert_eq!(r.hugepages.container.as_deref(), Some("app"));
    assert_eq!(r.interfaces.len(), 1);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn ten_thousand_annotation_lines() {
    let dir = pod(b"");
    let mut lines: Vec<String> = (0..10_000)
        .map(|i| format!("example.com/key-{i}=\"value {i}\""))
        .collect();
    lines.push(ns_line(3));
    std::fs::write(
        dir.path().join("etc/podnetinfo/annotations"),
        lines.join("\n"),
    )
    .unwrap();
    let r = collect_in_time(dir.path());
    assert_eq!(r.interfaces.len(), 3);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn many_hugepage_files() {
    let dir = pod(b"CONTAINER_NAME=c7\0");
    let pi = dir.path().join("etc/podnetinfo");
    for c in 0..50 {
        for (size, amount) in [
            ("1G", "request"),
            ("1G", "limit"),
            ("2M", "request"),
            ("2M", "limit"),
        ] {
            std::fs::write(
                pi.join(format!("hugepages_{size}_{amount}_c{c}")),
                format!("{}", c * 2),
            )
            .unwrap();
        }
    }
    let r = collect_in_time(dir.path());
    assert_eq!(r.hugepages.containers.len(), 50);
    let own = r.hugepages.own().unwrap();
    assert_eq!(own.name, "c7");
    assert_eq!(own.limit_mib.len(), 2);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}
