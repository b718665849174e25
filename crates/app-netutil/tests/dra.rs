//! Devices from Dynamic Resource Allocation (issue 14) on pods built by the
//! tests: what a fixture cannot hold (a FIFO), hostile metadata values that
//! must not reach the EAL command line, `--dra-dir`, confinement of the
//! metadata directory, and which DRA devices become interfaces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use app_netutil::dpdk::{DpdkOptions, eal_args};
use app_netutil::{Error, Options, Report, collect};

const TEMPLATES: &str = "var/run/kubernetes.io/dra-device-attributes/resourceclaimtemplates";
const CLAIMS: &str = "var/run/kubernetes.io/dra-device-attributes/resourceclaims";
const OVSDPDK: &str = "ovsdpdk.k8snetworkplumbingwg.io";

fn write(path: &Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// A pod root with four CPUs and nothing else.
fn pod() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    write(&root.join("proc/self/environ"), "HOSTNAME=dra-test\0");
    write(&root.join("proc/self/cgroup"), "0::/\n");
    write(&root.join("proc/self/status"), "Cpus_allowed_list:\t0-3\n");
    write(&root.join("sys/fs/cgroup/cpuset.cpus.effective"), "0-3\n");
    (dir, root)
}

/// One metadata object (v1alpha1) with the given devices.
fn stream(claim: &str, request: &str, devices: &str) -> String {
    format!(
        r#"{{"kind":"DeviceMetadata","apiVersion":"metadata.resource.k8s.io/v1alpha1",
"metadata":{{"name":"{claim}-x","namespace":"default","uid":"u-1","generation":1}},
"podClaimName":"{claim}","requests":[{{"name":"{request}","devices":[{devices}]}}]}}"#
    )
}

fn vhost_device(path: &str) -> String {
    let path = serde_json::to_string(path).unwrap();
    format!(
        r#"{{"driver":"{OVSDPDK}","pool":"n1","name":"br0","attributes":{{"vhost-user-path":{{"string":{path}}}}}}}"#
    )
}

fn metadata_path(root: &Path, claim: &str, request: &str, driver: &str) -> PathBuf {
    root.join(TEMPLATES)
        .join(claim)
        .join(request)
        .join(format!("{driver}-metadata.json"))
}

fn report(root: &Path) -> Report {
    collect(&Options::new().root(root)).unwrap()
}

fn warnings(r: &Report) -> String {
    r.warnings.join("\n")
}

/// The FIFO of the `dra_metadata_malformed` fixture, which git cannot
/// store: collection finishes without opening it, and a warning names it.
#[test]
fn dra_fixture_with_a_fifo() {
    let case = common::pods_dir().join("dra_metadata_malformed");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pod");
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(&case)
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let fifo = root
        .join(CLAIMS)
        .join("fifo/vf/sriovnetwork.k8snetworkplumbingwg.io-metadata.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let without = report(&case);
    let with = report(&root);
    assert_eq!(with.interfaces, without.interfaces);
    assert_eq!(with.warnings.len(), without.warnings.len() + 1);
    let extra: Vec<&String> = with
        .warnings
        .iter()
        .filter(|w| w.contains("resourceclaims/fifo/vf/"))
        .collect();
    assert_eq!(extra.len(), 1, "{}", warnings(&with));
}

/// A vhost-user path taken from a metadata file that carries devargs
/// syntax is refused with a warning; a clean one gives a server vdev.
#[test]
fn hostile_vhost_user_paths_never_become_devargs() {
    for (path, what) in [
        ("/run/a.sock,server=0", "a comma"),
        ("/run/a=b.sock", "'='"),
        ("/run/[a].sock", "'['"),
        ("/run/a\u{1}.sock", "the control character U+0001"),
        ("/run/a\0.sock", "a NUL byte"),
    ] {
        let (_dir, root) = pod();
        write(
            &metadata_path(&root, "vhost", "port", OVSDPDK),
            stream("vhost", "port", &vhost_device(path)),
        );
        let r = report(&root);
        assert_eq!(r.interfaces.len(), 1, "{path:?}: {}", warnings(&r));
        let eal = eal_args(&r, &DpdkOptions::default()).unwrap();
        assert!(
            eal.args.iter().all(|a| !a.starts_with("--vdev")),
            "{path:?}: {:?}",
            eal.args
        );
        assert!(
            eal.warnings
                .iter()
                .any(|w| w.contains(&format!("contains {what}, which devargs cannot carry"))),
            "{path:?}: {:?}",
            eal.warnings
        );
    }
    let (_dir, root) = pod();
    write(
        &metadata_path(&root, "vhost", "port", OVSDPDK),
        stream("vhost", "port", &vhost_device("/run/ovs/vhost.sock")),
    );
    let eal = eal_args(&report(&root), &DpdkOptions::default()).unwrap();
    assert!(
        eal.args
            .contains(&"--vdev=virtio_user0,path=/run/ovs/vhost.sock,server=1".to_owned()),
        "{:?}",
        eal.args
    );
}

/// A relative vhost-user path is not a socket the pod can create.
#[test]
fn relative_vhost_user_path_is_dropped_with_a_warning() {
    let (_dir, root) = pod();
    write(
        &metadata_path(&root, "vhost", "port", OVSDPDK),
        stream("vhost", "port", &vhost_device("run/vhost.sock")),
    );
    let r = report(&root);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("is not an absolute path")),
        "{}",
        warnings(&r)
    );
    let eal = eal_args(&r, &DpdkOptions::default()).unwrap();
    assert!(eal.args.iter().all(|a| !a.starts_with("--vdev")));
}

/// A DRA device of an unknown driver is an interface only when it is a
/// network device: a GPU's `pciBusID` never becomes `-a`.
#[test]
fn non_network_devices_are_left_out() {
    let (_dir, root) = pod();
    let gpu = r#"{"driver":"gpu.example.com","pool":"n1","name":"gpu0","attributes":{"resource.kubernetes.io/pciBusID":{"string":"0000:65:00.0"}}}"#;
    let nic = r#"{"driver":"nic.example.com","pool":"n1","name":"nic0","attributes":{"resource.kubernetes.io/pciBusID":{"string":"0000:66:00.0"}}}"#;
    write(
        &metadata_path(&root, "gpu", "gpu", "gpu.example.com"),
        stream("gpu", "gpu", gpu),
    );
    write(
        &metadata_path(&root, "nic", "nic", "nic.example.com"),
        stream("nic", "nic", nic),
    );
    write(
        &root.join("sys/bus/pci/devices/0000:65:00.0/class"),
        "0x030200\n",
    );
    write(
        &root.join("sys/bus/pci/devices/0000:66:00.0/class"),
        "0x020000\n",
    );
    let r = report(&root);
    let addrs: Vec<Option<&str>> = r.interfaces.iter().map(|i| i.pci_address()).collect();
    assert_eq!(addrs, vec![Some("0000:66:00.0")], "{}", warnings(&r));
    assert!(r.warnings.is_empty(), "{}", warnings(&r));
}

/// The driver a file is named for and the device's driver disagree: a
/// warning, the device's driver is used.
#[test]
fn file_driver_and_device_driver_disagree() {
    let (_dir, root) = pod();
    write(
        &metadata_path(&root, "vhost", "port", "other.example.com"),
        stream("vhost", "port", &vhost_device("/run/v.sock")),
    );
    let r = report(&root);
    assert_eq!(r.interfaces.len(), 1);
    assert_eq!(r.interfaces[0].dra.as_ref().unwrap().driver, OVSDPDK);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("file is named for driver other.example.com")),
        "{}",
        warnings(&r)
    );
}

/// `--dra-dir`: a directory elsewhere is read as a root of its own; one
/// that does not exist, or is not a directory, fails collection.
#[test]
fn dra_dir_option() {
    let (dir, root) = pod();
    let elsewhere = dir.path().join("dra");
    write(
        &elsewhere.join(
            "resourceclaimtemplates/vhost/port/ovsdpdk.k8snetworkplumbingwg.io-metadata.json",
        ),
        stream("vhost", "port", &vhost_device("/run/v.sock")),
    );
    let r = collect(&Options::new().root(&root).dra_dir(&elsewhere)).unwrap();
    assert_eq!(r.interfaces.len(), 1, "{}", warnings(&r));
    let file = r.interfaces[0].dra.as_ref().unwrap().metadata_file.clone();
    assert!(
        file.as_deref()
            .unwrap()
            .starts_with(elsewhere.to_str().unwrap()),
        "{file:?}"
    );
    assert!(report(&root).interfaces.is_empty());
    let missing = collect(&Options::new().root(&root).dra_dir(dir.path().join("none")));
    assert!(
        matches!(&missing, Err(e) if e.to_string().contains("does not exist")),
        "{missing:?}"
    );
    write(&dir.path().join("file"), "x");
    let not_dir = collect(&Options::new().root(&root).dra_dir(dir.path().join("file")));
    assert!(
        matches!(&not_dir, Err(e) if e.to_string().contains("not a directory")),
        "{not_dir:?}"
    );
    let _: Option<Error> = None;
}

/// A metadata file that is a link out of the root is not read; the
/// outside file's device never appears.
#[test]
fn metadata_links_stay_inside_the_root() {
    let (dir, root) = pod();
    let outside = dir.path().join("outside.json");
    write(
        &outside,
        stream("vhost", "port", &vhost_device("/run/OUTSIDE.sock")),
    );
    let at = metadata_path(&root, "vhost", "port", OVSDPDK);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&outside, &at).unwrap();
    let r = report(&root);
    let json = r.to_json();
    assert!(!json.contains("OUTSIDE"), "{json}");
    // A relative link that climbs out is resolved inside the root.
    std::fs::remove_file(&at).unwrap();
    let climb = "../".repeat(40) + outside.strip_prefix("/").unwrap().to_str().unwrap();
    std::os::unix::fs::symlink(climb, &at).unwrap();
    let json = report(&root).to_json();
    assert!(!json.contains("OUTSIDE"), "{json}");
}

/// Many claim directories: at most the cap are read, with one warning,
/// and collection stays fast.
#[test]
fn claim_directories_are_capped() {
    let (_dir, root) = pod();
    for i in 0..200 {
        write(
            &metadata_path(&root, &format!("c{i:03}"), "port", OVSDPDK),
            stream(
                &format!("c{i:03}"),
                "port",
                &vhost_device(&format!("/run/v{i}.sock")),
            ),
        );
    }
    let r = report(&root);
    assert!(r.interfaces.len() <= 32, "{}", r.interfaces.len());
    assert!(!r.interfaces.is_empty());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("skipped") || w.contains("more than") || w.contains("not read")),
        "{}",
        warnings(&r)
    );
}

/// `dra.net/numaNode` is the NUMA node of a DRA VF when sysfs has none:
/// with a second VF on node 0 (sysfs), the plan spans nodes 0 and 1 rather
/// than calling the first one's node unknown.
#[test]
fn numa_node_attribute_is_the_fallback() {
    let (_dir, root) = pod();
    let vf = |addr: &str, name: &str, numa: &str| {
        format!(
            r#"{{"driver":"sriovnetwork.k8snetworkplumbingwg.io","pool":"n1","name":"{name}","attributes":{{"resource.kubernetes.io/pciBusID":{{"string":"{addr}"}}{numa}}}}}"#
        )
    };
    let devices = format!(
        "{},{}",
        vf(
            "0000:3b:02.1",
            "0000-3b-02-1",
            r#","dra.net/numaNode":{"int":1}"#
        ),
        vf(
            "0000:3b:02.2",
            "0000-3b-02-2",
            r#","dra.net/numaNode":{"int":-1}"#
        )
    );
    write(
        &metadata_path(&root, "vf", "vf", "sriovnetwork.k8snetworkplumbingwg.io"),
        stream("vf", "vf", &devices),
    );
    std::fs::create_dir_all(root.join("sys/bus/pci/drivers/vfio-pci")).unwrap();
    for addr in ["0000:3b:02.1", "0000:3b:02.2"] {
        let dev = root.join("sys/bus/pci/devices").join(addr);
        write(&dev.join("class"), "0x020000\n");
        std::os::unix::fs::symlink("../../../../bus/pci/drivers/vfio-pci", dev.join("driver"))
            .unwrap();
    }
    write(
        &root.join("sys/bus/pci/devices/0000:3b:02.2/numa_node"),
        "0\n",
    );
    let r = report(&root);
    assert_eq!(r.interfaces.len(), 2, "{}", warnings(&r));
    let eal = eal_args(&r, &DpdkOptions::default()).unwrap();
    assert!(
        eal.args.contains(&"0000:3b:02.1".to_owned()),
        "{:?}",
        eal.args
    );
    assert!(
        eal.warnings
            .iter()
            .any(|w| w.contains("the devices are on NUMA nodes 0, 1")),
        "{:?}",
        eal.warnings
    );
    assert!(
        !eal.warnings.iter().any(|w| w.contains("NUMA node unknown")),
        "{:?}",
        eal.warnings
    );
}

fn doctor_status(root: &Path, id: &str) -> Vec<(Option<String>, String, String)> {
    let d = app_netutil::doctor::run(&Options::new().root(root)).unwrap();
    d.checks
        .iter()
        .filter(|c| c.id == id)
        .map(|c| (c.subject.clone(), c.status.to_string(), c.message.clone()))
        .collect()
}

/// `doctor`: VFIO and RDMA device nodes named by the variables, the
/// pod-wide address list, an empty metadata directory.
#[test]
fn doctor_dra_checks() {
    let (_dir, root) = pod();
    let env = "SRIOVNETWORK_VF_DEVICE_0000_3b_02_1=0000:3b:02.1\0\
SRIOVNETWORK_0000_3b_02_1_VFIO_DEVICE=/dev/vfio/142\0\
SRIOVNETWORK_0000_3b_02_1_RDMA_UVERB=/dev/infiniband/uverbs3\0\
SRIOVNETWORK_0000_3b_02_1_RDMA_DEVICE=mlx5_3\0\
SRIOVNETWORK_PCI_ADDRESSES=0000:3b:02.1,0000:3b:02.2\0";
    write(&root.join("proc/self/environ"), env);
    let vfio = doctor_status(&root, "dra-vfio");
    assert_eq!(vfio.len(), 1);
    assert_eq!(vfio[0].1, "fail", "{vfio:?}");
    assert!(vfio[0].2.contains("/dev/vfio/142"), "{vfio:?}");
    assert_eq!(doctor_status(&root, "dra-rdma")[0].1, "fail");
    let listed = doctor_status(&root, "dra-pci-addresses");
    assert_eq!(listed[0].1, "info", "{listed:?}");
    assert!(listed[0].2.contains("0000:3b:02.2"), "{listed:?}");
    assert_eq!(doctor_status(&root, "dra-metadata")[0].1, "skip");
    // Standalone mode: no network-status is expected.
    assert_eq!(doctor_status(&root, "network-status")[0].1, "pass");
    write(&root.join("dev/vfio/142"), "");
    write(&root.join("dev/infiniband/uverbs3"), "");
    assert_eq!(doctor_status(&root, "dra-vfio")[0].1, "pass");
    assert_eq!(doctor_status(&root, "dra-rdma")[0].1, "pass");
    // A VF missing from the pod-wide list is a warning.
    write(
        &root.join("proc/self/environ"),
        "SRIOVNETWORK_VF_DEVICE_0000_3b_02_1=0000:3b:02.1\0SRIOVNETWORK_PCI_ADDRESSES=0000:3b:02.2\0",
    );
    assert_eq!(doctor_status(&root, "dra-pci-addresses")[0].1, "warn");
    std::fs::create_dir_all(root.join(TEMPLATES)).unwrap();
    assert_eq!(doctor_status(&root, "dra-metadata")[0].1, "warn");
}

/// `wait` on a DRA standalone pod: no network-status is awaited; a
/// metadata file that is not usable yet (caught half-written) is.
#[test]
fn wait_for_dra_inputs() {
    use app_netutil::wait::{WaitError, WaitOptions, wait};
    use std::time::Duration;
    let (_dir, root) = pod();
    let file = metadata_path(&root, "vhost", "port", OVSDPDK);
    write(&file, "{\"kind\": \"DeviceMetadata\", \"apiVer");
    let opts = Options::new().root(&root);
    let quick = WaitOptions::new()
        .timeout(Some(Duration::from_millis(300)))
        .settle(Duration::from_millis(10))
        .poll_interval(Duration::from_millis(20));
    match wait(&opts, &quick) {
        Err(WaitError::Timeout { pending, .. }) => {
            assert_eq!(pending.len(), 1, "{pending:?}");
            assert!(
                pending[0].contains("resourceclaimtemplates/vhost/port/"),
                "{pending:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    write(&file, stream("vhost", "port", &vhost_device("/run/v.sock")));
    let ready = wait(&opts, &quick).unwrap();
    assert_eq!(ready.report.interfaces.len(), 1);
    // A pod that requests Multus networks still waits for network-status.
    write(
        &root.join("etc/podnetinfo/annotations"),
        "k8s.v1.cni.cncf.io/networks=\"sriov-a\"\n",
    );
    assert!(matches!(
        wait(&opts, &quick),
        Err(WaitError::Timeout { .. })
    ));
}

/// `wait` with a `--dra-dir` that does not exist yet waits for it, as for a
/// given downward-API directory.
#[test]
fn wait_for_a_given_dra_dir() {
    use app_netutil::wait::{WaitError, WaitOptions, wait};
    use std::time::Duration;
    let (dir, root) = pod();
    let later = dir.path().join("dra-later");
    let opts = Options::new().root(&root).dra_dir(&later);
    let quick = WaitOptions::new()
        .timeout(Some(Duration::from_millis(200)))
        .settle(Duration::from_millis(10))
        .poll_interval(Duration::from_millis(20));
    match wait(&opts, &quick) {
        Err(WaitError::Timeout { pending, .. }) => {
            assert_eq!(pending.len(), 1, "{pending:?}");
            assert!(
                pending[0].contains("DRA device metadata directory")
                    && pending[0].contains("dra-later"),
                "{pending:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    write(
        &later.join("resourceclaims/c/port/ovsdpdk.k8snetworkplumbingwg.io-metadata.json"),
        stream("c", "port", &vhost_device("/run/v.sock")),
    );
    let ready = wait(&opts, &quick).unwrap();
    assert_eq!(ready.report.interfaces.len(), 1);
}

/// `wait` watches each metadata file with inotify: a rewrite made in place
/// (as the plugin library does, through the host's path of the
/// bind-mounted file) ends the wait before the 2 s rescan would.
#[test]
fn wait_sees_a_metadata_file_rewritten_in_place() {
    use app_netutil::wait::{WaitOptions, Watcher, wait};
    use std::time::{Duration, Instant};
    let (_dir, root) = pod();
    // A watched downward-API directory: the rescan is every 2 s.
    write(&root.join("etc/podnetinfo/labels"), "app=\"x\"\n");
    let file = metadata_path(&root, "vhost", "port", OVSDPDK);
    write(&file, "{\"kind\": \"DeviceMetadata\", \"apiVer");
    let done = stream("vhost", "port", &vhost_device("/run/v.sock"));
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        // In place: the same inode.
        std::fs::write(&file, done).unwrap();
    });
    let started = Instant::now();
    let ready = wait(
        &Options::new().root(&root),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(10)))
            .settle(Duration::from_millis(20))
            .poll_interval(Duration::from_secs(5)),
    )
    .unwrap();
    writer.join().unwrap();
    assert_eq!(ready.report.interfaces.len(), 1);
    assert_eq!(ready.watcher, Watcher::Inotify);
    let waited = started.elapsed();
    assert!(waited < Duration::from_millis(1800), "{waited:?}");
}
