//! `--root` confinement: nothing outside the pod root is read, listed or
//! even tested for existence, whatever links or paths the pod's files hold.
//! Every case runs twice: with `openat2(RESOLVE_IN_ROOT)` and with the
//! jailed walk that replaces it where the kernel lacks it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app_netutil_testkit::hostile;

use std::sync::{Arc, Mutex};

use app_netutil::pod::PodView;
use app_netutil::{LogLevel, Options, collect, doctor};
use hostile::{Hostile, MARK, POD_PCI, forbidden};

/// Both ways of resolving paths below the root.
const MODES: [bool; 2] = [false, true];

fn options(h: &Hostile, jailed: bool, log: &Arc<Mutex<String>>) -> Options {
    let log = Arc::clone(log);
    Options::new().root(&h.root).jailed_walk(jailed).logger(
        LogLevel::Debug,
        Arc::new(move |level: LogLevel, msg: &str| {
            let mut l = log.lock().unwrap();
            l.push_str(level.as_str());
            l.push_str(msg);
            l.push('\n');
        }),
    )
}

/// Everything the library says about the pod: report, warnings, doctor
/// checks and every log line.
fn everything(h: &Hostile, jailed: bool) -> String {
    let log = Arc::new(Mutex::new(String::new()));
    let opts = options(h, jailed, &log);
    let view = PodView::from_options(&opts).unwrap();
    // (The whole suite may run with APP_NETUTIL_JAILED_WALK=1: then both
    // modes are the walk.)
    let forced = std::env::var_os(app_netutil::pod::JAILED_WALK_VAR).is_some_and(|v| v != "0");
    assert_eq!(
        view.uses_jailed_walk(),
        jailed || forced,
        "the switch must take effect"
    );
    let report = collect(&opts).unwrap();
    let diag = doctor::run(&opts).unwrap();
    let eal = app_netutil::dpdk::eal_args(&report, &app_netutil::dpdk::DpdkOptions::new());
    let mut out = report.to_json_pretty();
    out.push_str(&serde_json::to_string(&diag.checks).unwrap());
    if let Ok(eal) = eal {
        out.push_str(&eal.args.join(" "));
        out.push_str(&eal.warnings.join("\n"));
    }
    out.push_str(&log.lock().unwrap());
    out
}

fn assert_clean(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for bad in forbidden() {
        assert!(
            !lower.contains(&bad.to_lowercase()),
            "{what}: {bad:?} from outside the root in the output:\n{text}"
        );
    }
}

#[test]
fn the_outside_pod_is_what_the_markers_say() {
    // The generator itself: read as a root of its own, the outside pod
    // shows every marker, so their absence below means something.
    let h = Hostile::new();
    let report = collect(&Options::new().root(&h.outside)).unwrap();
    let text = report.to_json();
    for bad in [MARK, hostile::OUTSIDE_CPUS] {
        assert!(
            text.to_lowercase().contains(&bad.to_lowercase()),
            "{bad}: {text}"
        );
    }
    // And the clean root alone is clean.
    for jailed in MODES {
        assert_clean("clean root", &everything(&h, jailed));
    }
}

#[test]
fn no_link_or_path_leads_outside_the_root() {
    for case in hostile::cases() {
        for jailed in MODES {
            let h = Hostile::new();
            (case.plant)(&h);
            let what = format!("{} (jailed walk: {jailed})", case.name);
            let text = everything(&h, jailed);
            assert_clean(&what, &text);
            // What is inside the root is still read.
            let report = collect(&Options::new().root(&h.root).jailed_walk(jailed)).unwrap();
            if let Some(cpus) = &report.cpus {
                assert!(!cpus.list.contains(&37), "{what}: {cpus:?}");
            }
            for iface in &report.interfaces {
                if let Some(pci) = &iface.pci_device {
                    assert_ne!(pci.numa_node, Some(3), "{what}: outside numa_node");
                }
            }
        }
    }
}

#[test]
fn both_ways_agree_on_every_hostile_case() {
    for case in hostile::cases() {
        let h = Hostile::new();
        (case.plant)(&h);
        let kernel = collect(&Options::new().root(&h.root)).unwrap();
        let walked = collect(&Options::new().root(&h.root).jailed_walk(true)).unwrap();
        assert_eq!(kernel.to_json(), walked.to_json(), "{}", case.name);
    }
}

#[test]
fn links_inside_the_root_still_work() {
    // Absolute and relative links that stay inside are followed, the first
    // component included, and `..` above the root stays at the root.
    for jailed in MODES {
        let h = Hostile::new();
        std::fs::rename(h.root.join("etc"), h.root.join("real-etc")).unwrap();
        h.link("/etc", "/real-etc");
        h.link("/proc/self", "../../../../../proc/self-real");
        std::fs::create_dir_all(h.root.join("proc/self-real")).unwrap();
        std::fs::write(
            h.root.join("proc/self-real/environ"),
            format!("CONTAINER_NAME=app\0PCIDEVICE_EXAMPLE_COM_POOL={POD_PCI}\0"),
        )
        .unwrap();
        std::fs::write(
            h.root.join("proc/self-real/status"),
            "Cpus_allowed_list:\t2-3\n",
        )
        .unwrap();
        let report = collect(&Options::new().root(&h.root).jailed_walk(jailed)).unwrap();
        assert_eq!(report.interfaces.len(), 1, "{:?}", report.warnings);
        assert_eq!(
            report.interfaces[0].network.as_deref(),
            Some("default/clean-net")
        );
        assert_eq!(report.cpus.as_ref().unwrap().list, [2, 3]);
        assert_eq!(
            report.hugepages.container.as_deref(),
            Some("app"),
            "{:?}",
            report.warnings
        );
        let view =
            PodView::from_options(&Options::new().root(&h.root).jailed_walk(jailed)).unwrap();
        assert_eq!(
            view.canonical("/etc/podnetinfo").as_deref(),
            Some("/real-etc/podnetinfo")
        );
        assert_eq!(
            view.canonical("/../../proc/self/status").as_deref(),
            Some("/proc/self-real/status")
        );
        assert_eq!(
            view.read_link(&format!("/sys/bus/pci/devices/{POD_PCI}/iommu_group"))
                .unwrap()
                .file_name()
                .unwrap(),
            "42"
        );
    }
}

/// Doctor with the outside file present and absent: the checks must be the
/// same, so they say nothing about the host.
fn doctor_both(h: &Hostile, outside_file: &str, jailed: bool) -> (String, String) {
    let opts = Options::new().root(&h.root).jailed_walk(jailed);
    let present = serde_json::to_string_pretty(&doctor::run(&opts).unwrap().checks).unwrap();
    let path = h.abs(outside_file);
    if path.is_dir() {
        std::fs::remove_dir_all(&path).unwrap();
    } else {
        std::fs::remove_file(&path).unwrap();
    }
    let absent = serde_json::to_string_pretty(&doctor::run(&opts).unwrap().checks).unwrap();
    (present, absent)
}

fn set_env(h: &Hostile, info: &str) {
    h.write(
        "/proc/self/environ",
        format!(
            "CONTAINER_NAME=app\0PCIDEVICE_EXAMPLE_COM_POOL={POD_PCI}\0PCIDEVICE_EXAMPLE_COM_POOL_INFO={{\"{POD_PCI}\":{info}}}\0"
        ),
    );
}

#[test]
fn doctor_does_not_tell_whether_a_host_file_exists() {
    for jailed in MODES {
        // A dev-mount that climbs out with `..`.
        let h = Hostile::new();
        let escape = format!("/dev/vfio/../../{}", h.climb("present").display());
        set_env(
            &h,
            &format!(r#"{{"vfio":{{"dev-mount":"{escape}","mount":"/dev/vfio/vfio"}}}}"#),
        );
        let (present, absent) = doctor_both(&h, "present", jailed);
        assert_eq!(present, absent, "dev-mount {escape}");
        assert!(present.contains("missing in the container"), "{present}");
        assert_clean("dev-mount", &present);

        // /dev itself a link to the host's /dev: the VFIO group node that
        // the device plugin names exists there only.
        let h = Hostile::new();
        h.link("/dev", h.abs("dev"));
        set_env(
            &h,
            &format!(
                r#"{{"vfio":{{"dev-mount":"/dev/vfio/{g}","mount":"/dev/vfio/vfio"}}}}"#,
                g = hostile::OUTSIDE_GROUP
            ),
        );
        let (present, absent) = doctor_both(&h, "dev", jailed);
        assert_eq!(present, absent, "/dev -> outside");
        let diag: serde_json::Value = serde_json::from_str(&present).unwrap();
        let vfio_container = diag
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "vfio-container")
            .unwrap();
        assert_eq!(vfio_container["status"], "fail", "{present}");

        // A vhost-user socket path that climbs out, to a real socket.
        let h = Hostile::new();
        let sock = h.abs("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let path = format!("/var/lib/cni/usrspcni/{}", h.climb("sock").display());
        let json = format!(
            r#"[{{"name":"default/vhost","interface":"net2","dns":{{}},"device-info":{{"type":"vhost-user","version":"1.1.0","vhost-user":{{"mode":"client","path":"{path}"}}}}}}]"#
        );
        h.write(
            "/etc/podnetinfo/annotations",
            format!(
                "k8s.v1.cni.cncf.io/network-status=\"{}\"\n",
                json.replace('"', "\\\"")
            ),
        );
        let (present, absent) = doctor_both(&h, "sock", jailed);
        assert_eq!(present, absent, "socket {path}");
        assert!(present.contains("does not exist"), "{present}");
    }
}

#[test]
fn podinfo_dir_override_is_confined() {
    for jailed in MODES {
        // A directory outside the root: its links stay inside it.
        let h = Hostile::new();
        let dir = h.dir.path().join("podinfo");
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::symlink(h.abs("etc/podnetinfo/annotations"), dir.join("annotations"))
            .unwrap();
        std::os::unix::fs::symlink(h.climb("etc/podnetinfo/labels"), dir.join("labels")).unwrap();
        let opts = Options::new()
            .root(&h.root)
            .podinfo_dir(&dir)
            .jailed_walk(jailed);
        let report = collect(&opts).unwrap();
        assert_clean("--podinfo-dir outside the root", &report.to_json());
        // Only the device-plugin variable's device: no network was read.
        assert!(
            report.interfaces.iter().all(|i| i.network.is_none()),
            "{:?}",
            report.interfaces
        );

        // A directory given inside the root is the pod's: a link there to
        // the host is resolved inside the root (where it does not exist).
        let h = Hostile::new();
        h.link("/etc/podnetinfo", h.abs("etc/podnetinfo"));
        let opts = Options::new()
            .root(&h.root)
            .podinfo_dir(h.root.join("etc/podnetinfo"))
            .jailed_walk(jailed);
        let err = collect(&opts).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        assert_clean("--podinfo-dir inside the root", &err);

        // The same spelled with `..` and through the root's own link.
        let h = Hostile::new();
        let opts = Options::new()
            .root(&h.root)
            .podinfo_dir(h.root.join("proc/../etc/podnetinfo"))
            .jailed_walk(jailed);
        let report = collect(&opts).unwrap();
        assert_eq!(report.interfaces.len(), 1, "{:?}", report.warnings);
    }
}

#[test]
fn the_environment_variable_forces_the_walk() {
    // Read by every front end (CLI, C ABI) through PodView::new. Run in a
    // child so that this process's environment stays as it is.
    if std::env::var_os("CONFINEMENT_CHILD").is_some() {
        let h = Hostile::new();
        let view = PodView::new(&h.root, None).unwrap();
        assert!(view.uses_jailed_walk());
        let live = PodView::new(std::path::Path::new("/"), None).unwrap();
        assert!(!live.uses_jailed_walk(), "the live root is not confined");
        return;
    }
    if std::env::var_os(app_netutil::pod::JAILED_WALK_VAR).is_none() {
        let h = Hostile::new();
        assert!(!PodView::new(&h.root, None).unwrap().uses_jailed_walk());
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_environment_variable_forces_the_walk",
            "--test-threads=1",
        ])
        .env("CONFINEMENT_CHILD", "1")
        .env(app_netutil::pod::JAILED_WALK_VAR, "1")
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn walk_bounds_hold() {
    for jailed in MODES {
        let h = Hostile::new();
        // A link loop and a chain longer than 40 links end with a warning.
        h.link("/etc/podnetinfo/annotations", "loop");
        h.link("/etc/podnetinfo/loop", "annotations");
        let report = collect(&Options::new().root(&h.root).jailed_walk(jailed)).unwrap();
        assert!(report.interfaces.iter().all(|i| i.network.is_none()));
        assert!(
            report.warnings.iter().any(|w| w.contains("annotations")),
            "{:?}",
            report.warnings
        );
        // A directory tree deeper than the walk holds open at once.
        let mut deep = h.root.join("deep");
        for _ in 0..100 {
            deep.push("d");
        }
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("f"), "x").unwrap();
        let view =
            PodView::from_options(&Options::new().root(&h.root).jailed_walk(jailed)).unwrap();
        let path = format!("/deep{}/f", "/d".repeat(100));
        // The kernel resolves it; the walk refuses beyond its depth.
        assert_eq!(view.read(&path, 10).is_ok(), !view.uses_jailed_walk());
    }
}

#[test]
fn magic_links_are_walked_as_text() {
    // A real procfs below the root: `/proc/self/root` as the root is this
    // machine's `/`, where `proc/self/root` is a magic link. The kernel does
    // not follow it (RESOLVE_NO_MAGICLINKS); its text ("/") is walked like a
    // symlink's, from the root, both ways.
    let root = std::path::Path::new("/proc/self/root");
    for jailed in MODES {
        let view = PodView::from_options(&Options::new().root(root).jailed_walk(jailed)).unwrap();
        for path in ["/proc/self/status", "/proc/self/root/proc/self/status"] {
            let text = view.read_string(path, 1 << 20).unwrap();
            assert!(text.starts_with("Name:"), "{path}: {text}");
        }
        assert_eq!(
            view.canonical("/proc/self/root/etc").as_deref(),
            Some("/etc"),
            "jailed walk: {jailed}"
        );
    }
}
