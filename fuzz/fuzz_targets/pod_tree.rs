//! Whole pods: the input is split into the files of a pod root (see
//! `FILES`), written to a temporary directory, and collected; the report
//! is then turned into EAL arguments and JSON. Nothing may panic, and the
//! JSON must read back into the same report.
//!
//! Input format: records of `[file index byte][2-byte little-endian
//! length][content]`; `fuzz/seed-corpus` writes fixture pods this way.
#![no_main]
use libfuzzer_sys::fuzz_target;

const FILES: &[&str] = &[
    "etc/podnetinfo/annotations",
    "etc/podnetinfo/labels",
    "etc/podnetinfo/hugepages_1G_request_app",
    "etc/podnetinfo/hugepages_2M_limit_app",
    "proc/self/environ",
    "proc/self/status",
    "proc/self/cgroup",
    "proc/self/mountinfo",
    "proc/meminfo",
    "sys/fs/cgroup/cpuset.cpus.effective",
    "sys/fs/cgroup/hugetlb.1GB.max",
    "sys/fs/cgroup/cpuset/cpuset.effective_cpus",
    "sys/devices/system/cpu/online",
    "sys/devices/system/cpu/isolated",
    "sys/devices/system/node/node0/cpulist",
    "sys/devices/system/node/node1/cpulist",
    "sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
    "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
    "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
    "sys/bus/pci/devices/0000:18:02.2/numa_node",
    "sys/bus/pci/devices/0000:18:02.2/vendor",
    "sys/class/net/net1/ifindex",
    "etc/podnetinfo/name",
    "etc/podnetinfo/namespace",
    "etc/podnetinfo/uid",
    "var/lib/cni/usrspcni/configData-0123456789ab-net1.json",
];

fuzz_target!(|data: &[u8]| {
    // tmpfs keeps thousands of small trees a second cheap.
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        "/dev/shm"
    } else {
        "/tmp"
    };
    let Ok(dir) = tempfile::tempdir_in(base) else {
        return;
    };
    let mut rest = data;
    while rest.len() >= 3 {
        let file = FILES[usize::from(rest[0]) % FILES.len()];
        let len = usize::from(u16::from_le_bytes([rest[1], rest[2]])).min(rest.len() - 3);
        let content = &rest[3..3 + len];
        rest = &rest[3 + len..];
        let path = dir.path().join(file);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, content);
    }
    let opts = app_netutil::Options::new().root(dir.path());
    let report = app_netutil::collect(&opts).expect("a directory root always gives a report");
    let _ = app_netutil::dpdk::eal_args(&report, &opts.dpdk);
    let json = report.to_json();
    let back = app_netutil::Report::from_json(&json).expect("report JSON reads back");
    assert_eq!(back, report);
});
