//! Malformed, empty and hostile proc, cgroup and sysfs content: the report
//! is still produced, nothing panics, and every ignored file is a warning
//! that names it. A clean pod gains no warnings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::os::unix::fs::symlink;
use std::path::Path;

use app_netutil::{Options, PageSize, Report};
use proptest::prelude::*;

const NS: &str = r#"k8s.v1.cni.cncf.io/network-status="[{\"name\":\"ovn\",\"interface\":\"eth0\",\"default\":true,\"dns\":{}},{\"name\":\"default/sriov\",\"interface\":\"net1\",\"dns\":{},\"device-info\":{\"type\":\"pci\",\"version\":\"1.1.0\",\"pci\":{\"pci-address\":\"0000:af:02.1\"}}}]""#;

fn write(root: &Path, path: &str, content: &[u8]) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A well-formed cgroup v2 pod with NUMA, SMT, hugepages and one VF.
fn clean_pod(root: &Path) {
    write(root, "etc/podnetinfo/annotations", NS.as_bytes());
    write(root, "proc/self/environ", b"PATH=/bin\0");
    write(
        root,
        "proc/self/status",
        b"Name:\tx\nCpus_allowed_list:\t2-3\n",
    );
    write(root, "proc/self/cgroup", b"0::/\n");
    write(
        root,
        "proc/self/mountinfo",
        b"1 0 0:1 / / rw - overlay overlay rw\n\
          2 1 0:27 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n\
          3 1 0:47 / /dev/hugepages rw - hugetlbfs nodev rw,pagesize=2M\n\
          4 1 0:48 / /mnt/huge\\0401g rw - hugetlbfs nodev rw\n",
    );
    write(
        root,
        "proc/meminfo",
        b"MemTotal: 1 kB\nHugepagesize:    1048576 kB\n",
    );
    write(root, "sys/fs/cgroup/cpuset.cpus.effective", b"2-3\n");
    write(root, "sys/fs/cgroup/hugetlb.2MB.max", b"1073741824\n");
    write(root, "sys/fs/cgroup/hugetlb.1GB.max", b"max\n");
    write(root, "sys/devices/system/cpu/online", b"0-7\n");
    write(root, "sys/devices/system/cpu/isolated", b"3\n");
    for cpu in 0..8 {
        write(
            root,
            &format!("sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list"),
            format!("{},{}\n", cpu % 4, cpu % 4 + 4).as_bytes(),
        );
    }
    write(root, "sys/devices/system/node/node0/cpulist", b"0-1,4-5\n");
    write(root, "sys/devices/system/node/node1/cpulist", b"2-3,6-7\n");
    write(root, "sys/devices/system/node/online", b"0-1\n");
    for (dir, nr, free) in [
        ("sys/kernel/mm/hugepages/hugepages-2048kB", "8\n", "6\n"),
        (
            "sys/devices/system/node/node1/hugepages/hugepages-2048kB",
            "8\n",
            "6\n",
        ),
    ] {
        write(root, &format!("{dir}/nr_hugepages"), nr.as_bytes());
        write(root, &format!("{dir}/free_hugepages"), free.as_bytes());
    }
    let dev = "sys/devices/pci0000:ae/0000:af:02.1";
    write(root, &format!("{dev}/numa_node"), b"1\n");
    write(root, &format!("{dev}/vendor"), b"0x8086\n");
    write(root, &format!("{dev}/device"), b"0x154c\n");
    std::fs::create_dir_all(root.join("sys/bus/pci/drivers/vfio-pci")).unwrap();
    std::fs::create_dir_all(root.join("sys/kernel/iommu_groups/7")).unwrap();
    symlink(
        "../../../bus/pci/drivers/vfio-pci",
        root.join(dev).join("driver"),
    )
    .unwrap();
    symlink(
        "../../../kernel/iommu_groups/7",
        root.join(dev).join("iommu_group"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("sys/bus/pci/devices")).unwrap();
    symlink(
        "../../../devices/pci0000:ae/0000:af:02.1",
        root.join("sys/bus/pci/devices/0000:af:02.1"),
    )
    .unwrap();
    write(root, "dev/vfio/7", b"");
}

fn collect(root: &Path) -> Report {
    app_netutil::collect(&Options::new().root(root)).unwrap()
}

fn has_warning(report: &Report, needle: &str) -> bool {
    report.warnings.iter().any(|w| w.contains(needle))
}

#[test]
fn clean_pod_has_everything_and_no_warnings() {
    let dir = tempfile::tempdir().unwrap();
    clean_pod(dir.path());
    let r = collect(dir.path());
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
    let cpus = r.cpus.as_ref().unwrap();
    assert_eq!(cpus.list, [2, 3]);
    assert_eq!(cpus.exclusive, Some(true));
    assert_eq!(cpus.isolated.as_deref(), Some(&[3][..]));
    assert_eq!(cpus.smt_siblings.as_deref(), Some(&[vec![2], vec![3]][..]));
    let nodes = cpus.numa_nodes.as_ref().unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[&1], [2, 3]);
    let hp = &r.hugepages;
    let two_m = PageSize::parse("2Mi").unwrap();
    let one_g = PageSize::parse("1Gi").unwrap();
    assert_eq!(hp.cgroup_limit_mib.get(&two_m), Some(&1024));
    assert_eq!(hp.cgroup_limit_mib.get(&one_g), None);
    // No downward-API files: the grant is the cgroup limit.
    assert_eq!(hp.grant_mib(two_m), Some(1024));
    assert_eq!(hp.grant_mib(one_g), None);
    assert_eq!(hp.granted_sizes(), [two_m]);
    // The escaped mount point, and the size from /proc/meminfo.
    assert_eq!(hp.mounts.len(), 2);
    assert_eq!(hp.mounts[1].path, "/mnt/huge 1g");
    assert_eq!(hp.mounts[1].page_size, one_g);
    let pool = &hp.host_pools[&two_m];
    assert_eq!((pool.total, pool.free), (8, 6));
    assert_eq!(pool.numa_nodes.len(), 1);
    assert_eq!(pool.numa_nodes[&1].free, 6);
    let dev = r.interfaces[1].pci_device.as_ref().unwrap();
    assert_eq!(dev.numa_node, Some(1));
    assert_eq!(dev.driver.as_deref(), Some("vfio-pci"));
    assert_eq!(dev.iommu_group, Some(7));
    assert_eq!(dev.vfio_device.as_deref(), Some("/dev/vfio/7"));
    assert_eq!(dev.physfn, None);
}

#[test]
fn absent_sysfs_parts_are_unknown_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "proc/self/environ", b"");
    write(root, "proc/self/status", b"Cpus_allowed_list:\t0-1\n");
    // An empty downward-API volume: a missing one is a warning of its own.
    std::fs::create_dir_all(root.join("etc/podnetinfo")).unwrap();
    let r = collect(root);
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
    let cpus = r.cpus.unwrap();
    assert_eq!(cpus.exclusive, None);
    assert_eq!(cpus.numa_nodes, None);
    assert_eq!(cpus.isolated, None);
    assert_eq!(cpus.smt_siblings, None);
    assert!(r.hugepages.cgroup_limit_mib.is_empty());
    assert!(r.hugepages.mounts.is_empty());
    assert!(r.hugepages.host_pools.is_empty());
}

/// Every file replaced by garbage: each is named in a warning.
#[test]
fn garbage_everywhere_is_warned_about_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clean_pod(root);
    let garbage: &[(&str, &[u8])] = &[
        ("proc/self/cgroup", b"0::/\nnot a cgroup line\n"),
        ("sys/fs/cgroup/hugetlb.2MB.max", b"lots\n"),
        ("sys/devices/system/cpu/online", b"0-\xff\n"),
        ("sys/devices/system/cpu/isolated", b"7-3\n"),
        (
            "sys/devices/system/cpu/cpu2/topology/thread_siblings_list",
            b"two\n",
        ),
        ("sys/devices/system/node/node1/cpulist", b"\x00\x01\x02"),
        (
            "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
            b"-5\n",
        ),
        ("sys/bus/pci/devices/0000:af:02.1/numa_node", b"north\n"),
        ("sys/bus/pci/devices/0000:af:02.1/vendor", b"intel\n"),
        ("sys/bus/pci/devices/0000:af:02.1/device", b""),
    ];
    for (path, content) in garbage {
        write(root, path, content);
    }
    let mut mountinfo = std::fs::read(root.join("proc/self/mountinfo")).unwrap();
    mountinfo.extend_from_slice(
        b"garbage line\n9 1 0:49 / /mnt/bad rw - hugetlbfs nodev rw,pagesize=12Q\n\
          10 1 0:50 / /mnt/gone\\040(deleted) rw - hugetlbfs nodev rw,pagesize=2M\n",
    );
    write(root, "proc/self/mountinfo", &mountinfo);
    let r = collect(root);
    for (path, _) in garbage {
        assert!(
            has_warning(&r, &format!("/{path}")),
            "no warning names /{path}: {:#?}",
            r.warnings
        );
    }
    assert!(
        has_warning(&r, "/proc/self/mountinfo: line 5"),
        "{:#?}",
        r.warnings
    );
    assert!(has_warning(&r, "/mnt/bad: pagesize="), "{:#?}", r.warnings);
    assert!(
        has_warning(&r, "hugetlbfs at /mnt/gone is marked deleted"),
        "{:#?}",
        r.warnings
    );
    // What could be read is still there.
    let cpus = r.cpus.as_ref().unwrap();
    assert_eq!(cpus.list, [2, 3]);
    assert_eq!(cpus.exclusive, None);
    assert_eq!(cpus.isolated, None);
    // CPU 2's siblings are unknown; CPU 3's list is read.
    assert_eq!(cpus.smt_siblings.as_deref(), Some(&[vec![3]][..]));
    // node1's cpulist is garbage: no node holds the pod's CPUs.
    assert_eq!(cpus.numa_nodes.as_ref().map(|n| n.len()), Some(0));
    assert!(r.hugepages.cgroup_limit_mib.is_empty());
    assert!(r.hugepages.host_pools.is_empty());
    assert_eq!(r.hugepages.mounts.len(), 2);
    let dev = r.interfaces[1].pci_device.as_ref().unwrap();
    assert_eq!(dev.numa_node, None);
    assert_eq!(dev.vendor, None);
    assert_eq!(dev.device, None);
    assert_eq!(dev.driver.as_deref(), Some("vfio-pci"));
}

#[test]
fn deleted_cgroup_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clean_pod(root);
    write(root, "proc/self/cgroup", b"0::/gone (deleted)\n");
    let r = collect(root);
    assert!(
        has_warning(&r, "/proc/self/cgroup: cgroup /gone has been removed"),
        "{:#?}",
        r.warnings
    );
    assert_eq!(r.warnings.len(), 1, "{:#?}", r.warnings);
    assert!(r.hugepages.cgroup_limit_mib.is_empty());
    assert_eq!(r.cpus.unwrap().list, [2, 3]);
}

#[test]
fn numa_minus_one_is_null_without_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clean_pod(root);
    write(
        root,
        "sys/devices/pci0000:ae/0000:af:02.1/numa_node",
        b"-1\n",
    );
    let r = collect(root);
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
    assert_eq!(r.interfaces[1].pci_device.as_ref().unwrap().numa_node, None);
}

#[test]
fn special_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clean_pod(root);
    let online = root.join("sys/devices/system/cpu/online");
    std::fs::remove_file(&online).unwrap();
    // A FIFO where sysfs has a file would block a naive reader.
    let status = std::process::Command::new("mkfifo").arg(&online).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("SKIP: mkfifo not available");
        return;
    }
    let r = collect(root);
    assert!(
        has_warning(&r, "/sys/devices/system/cpu/online: is a FIFO"),
        "{:#?}",
        r.warnings
    );
    assert_eq!(r.cpus.unwrap().exclusive, None);
}

#[test]
fn empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clean_pod(root);
    for path in [
        "proc/self/mountinfo",
        "proc/self/cgroup",
        "sys/fs/cgroup/cpuset.cpus.effective",
        "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
        "sys/devices/system/cpu/isolated",
    ] {
        write(root, path, b"");
    }
    let r = collect(root);
    // Empty mountinfo/cgroup: no cgroup or mounts known (nothing to warn
    // about); an empty pool count is malformed.
    assert!(
        has_warning(
            &r,
            "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages: empty"
        ),
        "{:#?}",
        r.warnings
    );
    assert_eq!(r.warnings.len(), 1, "{:#?}", r.warnings);
    let cpus = r.cpus.unwrap();
    assert_eq!(cpus.list, [2, 3]);
    assert_eq!(cpus.isolated.as_deref(), Some(&[][..]));
    assert!(r.hugepages.mounts.is_empty());
}

#[test]
fn empty_cgroup_cpuset_without_affinity() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clean_pod(root);
    std::fs::remove_file(root.join("proc/self/status")).unwrap();
    write(root, "sys/fs/cgroup/cpuset.cpus.effective", b"\n");
    let r = collect(root);
    assert!(r.cpus.is_none());
    assert!(
        has_warning(&r, "/sys/fs/cgroup/cpuset.cpus.effective: holds no CPUs"),
        "{:#?}",
        r.warnings
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random bytes in any of the files: a report, never a panic.
    #[test]
    fn random_content_never_panics(
        which in 0usize..12,
        content in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let files = [
            "proc/self/mountinfo",
            "proc/self/cgroup",
            "proc/meminfo",
            "sys/fs/cgroup/cpuset.cpus.effective",
            "sys/fs/cgroup/hugetlb.2MB.max",
            "sys/devices/system/cpu/online",
            "sys/devices/system/cpu/isolated",
            "sys/devices/system/cpu/cpu3/topology/thread_siblings_list",
            "sys/devices/system/node/node1/cpulist",
            "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
            "sys/devices/pci0000:ae/0000:af:02.1/numa_node",
            "sys/devices/pci0000:ae/0000:af:02.1/vendor",
        ];
        let dir = tempfile::tempdir().unwrap();
        clean_pod(dir.path());
        write(dir.path(), files[which], &content);
        let r = collect(dir.path());
        prop_assert_eq!(r.interfaces.len(), 2);
    }
}
