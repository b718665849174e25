//! `app-netutil show` renders CPUs by NUMA node, hugepages per size and
//! source, and PCI device details.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failure should panic

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(name)
}

fn show(case: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_app-netutil"))
        .args(["show", "-q", "--root"])
        .arg(fixture(case))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn line_with<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start:?} in\n{text}"))
}

#[test]
fn numa_smt_and_pools() {
    let text = show("numa_256cpu_2node_smt");
    assert!(text.starts_with("CPUs: 60-67,188-195 (16 CPUs, from Cpus_allowed_list"));
    assert!(text.contains("  dedicated to this pod\n"), "{text}");
    assert_eq!(
        line_with(&text, "NUMA node 0:"),
        "  NUMA node 0: 60-63,188-191; 4 cores: 60,188 61,189 62,190 63,191"
    );
    assert_eq!(
        line_with(&text, "NUMA node 1:"),
        "  NUMA node 1: 64-67,192-195; isolated 64-67,192-195; 4 cores: 64,192 65,193 66,194 67,195"
    );
    let one_g: Vec<&str> = line_with(&text, "1Gi")
        .split("  ")
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        one_g,
        [
            "1Gi",
            "8192 (downward API)",
            "8192",
            "/dev/hugepages",
            "16/32 (node 0: 12/16, node 1: 4/16)"
        ]
    );
    assert!(
        line_with(&text, "net1")
            .contains("0000:d8:02.0 (vfio-pci, NUMA 1, /dev/vfio/201, PF 0000:d8:00.0)"),
        "{text}"
    );
}

#[test]
fn cgroup_grant_and_kernel_devices() {
    let text = show("cgroupv1_bind_mounted_container");
    let two_m: Vec<&str> = line_with(&text, "2Mi")
        .split("  ")
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        two_m,
        ["2Mi", "1024 (cgroup)", "1024", "/dev/hugepages", "-"]
    );
    let text = show("pci_numa1_vfio_and_kernel_driver");
    assert!(
        line_with(&text, "net2").contains("0000:af:02.2 (iavf, NUMA 1, net2, PF 0000:af:00.0)"),
        "{text}"
    );
    assert!(
        line_with(&text, "net3").contains("0000:00:05.0 (vfio-pci, NUMA ?, /dev/vfio/noiommu-0)"),
        "{text}"
    );
}

#[test]
fn shared_cpus() {
    let text = show("cpus_not_guaranteed_all_online");
    assert!(
        text.contains("  shared: every online CPU (no dedicated CPUs)\n"),
        "{text}"
    );
}
