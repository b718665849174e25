//! `doctor`: every check passing on one fixture pod, and failing (or
//! warning) on the fixture pods made for it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::net::UnixListener;
use std::path::Path;

use app_netutil::Options;
use app_netutil::doctor::{self, Check, Diagnosis, Status};

fn diagnose(root: &Path) -> Diagnosis {
    doctor::run(&Options::new().root(root)).unwrap()
}

fn fixture(case: &str) -> Diagnosis {
    diagnose(&common::pods_dir().join(case))
}

/// `id` or `id (subject)` -> status; a check listed twice would be a bug.
fn statuses(d: &Diagnosis) -> BTreeMap<String, Status> {
    let mut map = BTreeMap::new();
    for c in &d.checks {
        let key = match &c.subject {
            Some(s) => format!("{} ({s})", c.id),
            None => c.id.to_owned(),
        };
        assert!(map.insert(key.clone(), c.status).is_none(), "{key} twice");
    }
    map
}

fn check<'a>(d: &'a Diagnosis, key: &str) -> &'a Check {
    d.checks
        .iter()
        .find(|c| match &c.subject {
            Some(s) => format!("{} ({s})", c.id) == key,
            None => c.id == key,
        })
        .unwrap_or_else(|| panic!("no check {key}: {:#?}", d.checks))
}

fn assert_statuses(d: &Diagnosis, want: &[(&str, Status)]) {
    let got = statuses(d);
    for (key, status) in want {
        assert_eq!(got.get(*key), Some(status), "{key}: {got:#?}");
    }
}

#[test]
fn a_complete_pod_passes_every_check() {
    let d = fixture("doctor_all_pass");
    let got = statuses(&d);
    assert_eq!(
        got.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "annotations-file",
            "cpus-exclusive",
            "device-nodes (net1)",
            "downward-api-volume",
            "hugepage-files (dpdk-app)",
            "hugetlbfs-mounts (1Gi)",
            "network-status",
            "numa-alignment",
            "pci-device (net1)",
            "report-warnings",
            "vfio (net1)",
            "vfio-container",
            "virtualization",
        ]
    );
    assert!(got.values().all(|s| *s == Status::Pass), "{:#?}", d.checks);
    assert!(d.checks.iter().all(|c| c.fix.is_none()));
    assert!(!d.failed(true));
}

#[test]
fn missing_device_nodes_sockets_and_mounts_fail() {
    let d = fixture("doctor_missing_devices");
    assert_statuses(
        &d,
        &[
            ("pci-device (net1)", Status::Pass),
            ("vfio (net1)", Status::Fail),
            ("device-nodes (net1)", Status::Fail),
            ("vfio-container", Status::Fail),
            ("pci-device (net2)", Status::Pass),
            ("rdma (net2)", Status::Fail),
            ("socket (net3)", Status::Fail),
            ("socket (net4)", Status::Fail),
            ("vdpa-device (net5)", Status::Fail),
            ("pci-device (net6)", Status::Fail),
            ("hugepage-files", Status::Warn),
            ("hugetlbfs-mounts (2Mi)", Status::Fail),
            ("numa-alignment", Status::Warn),
            ("report-warnings", Status::Pass),
        ],
    );
    // Every problem comes with a fix.
    for c in &d.checks {
        assert_eq!(c.fix.is_some(), c.status >= Status::Warn, "{c:?}");
    }
    let vfio = check(&d, "vfio (net1)");
    assert!(vfio.message.contains("/dev/vfio/120"), "{vfio:?}");
    let nodes = check(&d, "device-nodes (net1)");
    assert!(
        nodes.message.contains("/dev/vfio/vfio (vfio mount)"),
        "{nodes:?}"
    );
    let rdma = check(&d, "rdma (net2)");
    assert!(rdma.fix.as_deref().unwrap().contains("isRdma"), "{rdma:?}");
    // A client-mode vhost-user socket must exist; a memif master's
    // directory must.
    assert!(
        check(&d, "socket (net3)")
            .message
            .contains("does not exist")
    );
    assert!(
        check(&d, "socket (net4)")
            .message
            .contains("the directory /run/memif does not exist")
    );
    let numa = &check(&d, "numa-alignment").message;
    assert!(numa.contains("net2 is on NUMA node 1"), "{numa}");
    assert!(numa.contains("no 2Mi hugepages on NUMA node 1"), "{numa}");
    let files = check(&d, "hugepage-files");
    assert!(
        files
            .fix
            .as_deref()
            .unwrap()
            .contains("-injectHugepageDownApi")
    );
    assert!(d.failed(false));
}

#[test]
fn no_volume_fails_and_a_vm_is_information() {
    let d = fixture("doctor_no_podnetinfo");
    assert_statuses(
        &d,
        &[
            ("downward-api-volume", Status::Fail),
            ("annotations-file", Status::Skip),
            ("network-status", Status::Skip),
            ("hugepage-files", Status::Skip),
            ("hugetlbfs-mounts", Status::Skip),
            ("pci-device (0000:3b:02.6)", Status::Fail),
            ("virtualization", Status::Info),
            ("cpus-exclusive", Status::Warn),
            ("report-warnings", Status::Warn),
        ],
    );
    assert!(
        check(&d, "downward-api-volume")
            .fix
            .as_deref()
            .unwrap()
            .contains("app-netutil inject")
    );
    // In a VM, the missing PCI device's fix says why.
    let pci = check(&d, "pci-device (0000:3b:02.6)");
    assert!(
        pci.fix.as_deref().unwrap().contains("virtual machine"),
        "{pci:?}"
    );
}

#[test]
fn missing_annotations_item_fails() {
    let d = fixture("doctor_no_annotations_file");
    assert_statuses(
        &d,
        &[
            ("downward-api-volume", Status::Pass),
            ("annotations-file", Status::Fail),
            ("network-status", Status::Skip),
            ("hugepage-files", Status::Warn),
            ("hugetlbfs-mounts", Status::Info),
        ],
    );
    assert!(
        check(&d, "hugepage-files")
            .fix
            .as_deref()
            .unwrap()
            .contains("CONTAINER_NAME")
    );
}

#[test]
fn late_network_status_fails_with_wait_as_the_fix() {
    let d = fixture("doctor_network_status_late");
    assert_statuses(
        &d,
        &[
            ("network-status", Status::Fail),
            ("hugepage-files (dpdk-app)", Status::Warn),
            ("pci-device (0000:3b:02.6)", Status::Pass),
            ("vfio (0000:3b:02.6)", Status::Pass),
            ("vfio-container", Status::Pass),
        ],
    );
    let ns = check(&d, "network-status");
    assert!(ns.fix.as_deref().unwrap().contains("app-netutil wait"));
    assert!(ns.message.contains("sriov-dpdk-a"));
}

#[test]
fn kata_guest_warns_and_explains_the_missing_device() {
    let d = fixture("doctor_kata_guest");
    assert_statuses(
        &d,
        &[
            ("virtualization", Status::Warn),
            ("pci-device (net1)", Status::Fail),
        ],
    );
    let v = &check(&d, "virtualization").message;
    for sign in [
        "/run/kata-containers",
        "agent.log=debug",
        "QEMU",
        "hypervisor",
    ] {
        assert!(v.contains(sign), "{sign}: {v}");
    }
    assert!(
        check(&d, "pci-device (net1)")
            .fix
            .as_deref()
            .unwrap()
            .contains("Kata")
    );
}

#[test]
fn network_status_from_the_old_key_or_malformed() {
    let d = fixture("networks_status_only_old_multus");
    assert_statuses(&d, &[("network-status", Status::Info)]);
    let d = fixture("malformed_json_network_status");
    assert_statuses(&d, &[("network-status", Status::Fail)]);
    let d = fixture("empty_annotations_file");
    assert_statuses(&d, &[("network-status", Status::Warn)]);
}

#[test]
fn every_fixture_pod_can_be_diagnosed() {
    for case in common::cases() {
        let d = diagnose(&case);
        assert!(!d.checks.is_empty(), "{}", case.display());
        for c in &d.checks {
            assert!(!c.message.is_empty(), "{}: {c:?}", case.display());
            if c.status >= Status::Warn {
                assert!(c.fix.is_some(), "{}: {c:?}", case.display());
            }
        }
    }
}

/// A socket path the report could not resolve (no userspace CNI data) fails
/// the socket check; resolved, the check looks at the resolved path.
#[test]
fn a_relative_socket_path_fails_unless_resolved() {
    let socket = |case: &str| {
        fixture(case)
            .checks
            .into_iter()
            .find(|c| c.id == "socket")
            .unwrap()
    };
    let c = socket("relative_vhost_socket_kubevirt_no_userspace");
    assert_eq!(c.status, Status::Fail, "{c:?}");
    assert!(c.message.contains("a relative path"), "{c:?}");
    assert!(c.fix.as_deref().unwrap().contains("userspace/mapped-dir"));
    let c = socket("relative_vhost_socket_kubevirt_with_mapped_dir");
    assert!(
        c.message
            .starts_with("/var/lib/cni/usrcni/2ea1931c-2935-net1"),
        "{c:?}"
    );
}

fn write(root: &Path, path: &str, data: &str) {
    let p = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

/// A pod of userspace and mlx5 devices in a temporary root: real sockets,
/// device nodes stood in for by files.
#[test]
fn sockets_rdma_and_vdpa_nodes_that_exist_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let info = r#"{"mlx5_core.sf.4":{"generic":{"deviceID":"mlx5_core.sf.4"},"rdma":{"rdma_cm":"/dev/infiniband/rdma_cm","uverbs":"/dev/infiniband/uverbs4","rdma_dev":"mlx5_4"}}}"#;
    write(
        root,
        "proc/self/environ",
        &format!("PCIDEVICE_NVIDIA_COM_SF=mlx5_core.sf.4\0PCIDEVICE_NVIDIA_COM_SF_INFO={info}\0"),
    );
    write(root, "proc/self/status", "Cpus_allowed_list:\t1\n");
    let status = r#"[{"name":"vhost","interface":"net1","dns":{},"device-info":{"type":"vhost-user","version":"1.1.0","vhost-user":{"mode":"client","path":"/run/vhost/net1.sock"}}},{"name":"memif","interface":"net2","dns":{},"device-info":{"type":"memif","version":"1.1.0","memif":{"role":"master","mode":"ethernet","path":"/run/memif/net2.sock"}}},{"name":"vhost-server","interface":"net3","dns":{},"device-info":{"type":"vhost-user","version":"1.1.0","vhost-user":{"mode":"client","path":"/run/memif/plain-file"}}},{"name":"vdpa","interface":"net4","dns":{},"device-info":{"type":"vdpa","version":"1.1.0","vdpa":{"parent-device":"vdpa0","driver":"vhost","path":"/dev/vhost-vdpa-0","pci-address":"0000:3b:05.1"}}}]"#;
    write(
        root,
        "etc/podnetinfo/annotations",
        &format!(
            "k8s.v1.cni.cncf.io/network-status=\"{}\"",
            status.replace('"', "\\\"")
        ),
    );
    std::fs::create_dir_all(root.join("run/vhost")).unwrap();
    let _listener = UnixListener::bind(root.join("run/vhost/net1.sock")).unwrap();
    write(root, "run/memif/plain-file", "");
    write(root, "dev/vhost-vdpa-0", "");
    write(root, "dev/infiniband/rdma_cm", "");
    write(root, "dev/infiniband/uverbs4", "");
    write(root, "sys/bus/auxiliary/devices/mlx5_core.sf.4/uevent", "");

    let d = diagnose(root);
    assert_statuses(
        &d,
        &[
            ("socket (net1)", Status::Pass),
            ("socket (net2)", Status::Pass),
            ("socket (net3)", Status::Warn),
            ("vdpa-device (net4)", Status::Pass),
            ("auxiliary-device (mlx5_core.sf.4)", Status::Pass),
            ("rdma (mlx5_core.sf.4)", Status::Pass),
            ("device-nodes (mlx5_core.sf.4)", Status::Pass),
        ],
    );
    assert!(
        check(&d, "socket (net3)")
            .message
            .contains("is a regular file, not a socket")
    );

    std::fs::remove_file(root.join("dev/infiniband/uverbs4")).unwrap();
    std::fs::remove_dir_all(root.join("sys/bus/auxiliary")).unwrap();
    let d = diagnose(root);
    assert_statuses(
        &d,
        &[
            ("auxiliary-device (mlx5_core.sf.4)", Status::Fail),
            ("rdma (mlx5_core.sf.4)", Status::Fail),
            ("device-nodes (mlx5_core.sf.4)", Status::Fail),
        ],
    );
    assert!(
        check(&d, "rdma (mlx5_core.sf.4)")
            .message
            .contains("/dev/infiniband/uverbs4")
    );
}
