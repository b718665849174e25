use super::read::read_regular;
use super::walk::is_link_placeholder;
use super::*;
use std::os::unix::fs::symlink;

#[test]
fn environ_records() {
    let (env, w) = parse_environ(
        b"A=1\0JAVA_TOOL_OPTIONS=-Dfile.encoding=UTF-8\0MULTI=line1\nline2\0NOEQ\0\0PCIDEVICE_X=\xff\0",
    );
    assert_eq!(
        env.iter().collect::<Vec<_>>(),
        [
            ("A", "1"),
            ("JAVA_TOOL_OPTIONS", "-Dfile.encoding=UTF-8"),
            ("MULTI", "line1\nline2"),
        ]
    );
    assert_eq!(env.len(), 3);
    assert_eq!(env.get("MULTI"), Some("line1\nline2"));
    assert_eq!(env.get("NOEQ"), None);
    assert_eq!(env.get("PCIDEVICE_X"), None);
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("PCIDEVICE_X"), "{w:?}");
    assert_eq!(w[0].subject, "PCIDEVICE_X");
    assert_eq!(w[0].code, WarningCode::Dropped);
    // An empty name and an empty value are kept as they are.
    let (env, _) = parse_environ(b"=x\0E=\0");
    assert_eq!(env.iter().collect::<Vec<_>>(), [("", "x"), ("E", "")]);
}

#[test]
fn placeholder_detection() {
    assert!(is_link_placeholder(b"..data/annotations"));
    assert!(is_link_placeholder(
        b"../../devices/pci0000:3a/0000:3a:00.0"
    ));
    assert!(!is_link_placeholder(b"..data/annotations\n"));
    assert!(!is_link_placeholder(b"k=\"v\""));
    assert!(!is_link_placeholder(b"1024"));
}

#[test]
fn live_sysfs_attributes_read_whole() {
    // Read with one call (a short first read ends a sysfs attribute);
    // the content must equal what reading to the end gives.
    let view = PodView::new(Path::new("/"), None).unwrap();
    let mut compared = 0;
    for path in [
        "/sys/devices/system/cpu/online",
        "/sys/devices/system/cpu/possible",
        "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
        "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
        "/sys/devices/system/node/node0/cpulist",
    ] {
        let Ok(expected) = std::fs::read(path) else {
            continue;
        };
        assert_eq!(view.read(path, 4096).unwrap(), expected, "{path}");
        compared += 1;
    }
    assert!(
        compared > 0,
        "no sysfs attribute to compare: is /sys mounted?"
    );
}

#[test]
fn refuses_fifo_and_caps_size() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, Mode::from_raw_mode(0o600)).unwrap();
    let err = read_regular(&fifo, "/fifo", 10).unwrap_err();
    assert!(
        matches!(err, ReadError::NotRegular { kind: "FIFO", .. }),
        "{err}"
    );
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'x'; 11]).unwrap();
    assert!(matches!(
        read_regular(&big, "/big", 10),
        Err(ReadError::TooLarge { cap: 10, .. })
    ));
    assert_eq!(read_regular(&big, "/big", 11).unwrap().len(), 11);
    assert!(matches!(
        read_regular(dir.path(), "/", 10),
        Err(ReadError::NotRegular {
            kind: "directory",
            ..
        })
    ));
}

#[test]
fn links_resolve_inside_root_and_loops_end() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc/real")).unwrap();
    std::fs::write(root.join("etc/real/f"), b"data").unwrap();
    // An absolute link is taken relative to the pod root.
    symlink("/etc/real", root.join("etc/abs")).unwrap();
    symlink("loop2", root.join("etc/loop1")).unwrap();
    symlink("loop1", root.join("etc/loop2")).unwrap();
    std::fs::create_dir_all(root.join("proc/self")).unwrap();
    std::fs::write(root.join("proc/self/environ"), b"").unwrap();
    let view = PodView::new(root, None).unwrap();
    assert_eq!(view.read("/etc/abs/f", 100).unwrap(), b"data");
    assert_eq!(view.canonical("/etc/abs/f").as_deref(), Some("/etc/real/f"));
    assert!(view.read("/etc/loop1", 100).is_err());
    assert!(view.canonical("/etc/loop1").is_none());
    // `..` never leaves the root.
    assert_eq!(
        view.canonical("/../../etc/real/f").as_deref(),
        Some("/etc/real/f")
    );
}

#[test]
fn placeholders_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pi = root.join("etc/podnetinfo");
    std::fs::create_dir_all(pi.join("..2026_01_01")).unwrap();
    std::fs::write(pi.join("..2026_01_01/annotations"), b"a=\"1\"").unwrap();
    std::fs::write(pi.join("..data"), b"..2026_01_01").unwrap();
    std::fs::write(pi.join("annotations"), b"..data/annotations").unwrap();
    let view = PodView::new(root, None).unwrap();
    assert_eq!(
        view.read_podinfo("annotations").unwrap().unwrap(),
        b"a=\"1\""
    );
    assert_eq!(view.list_podinfo().unwrap(), ["annotations"]);
    let w = view.warnings();
    assert!(
        w.iter()
            .any(|w| w.message.contains("symbolic links") && w.code == WarningCode::Repaired),
        "{w:?}"
    );
}
