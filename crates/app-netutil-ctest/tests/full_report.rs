//! Every getter on a report with every optional field filled in (the
//! NUMA, hugetlb and sysfs details no fixture pod has yet): the C dump
//! (`tests/c/dump.c`, linked into this test) of a report built from JSON
//! on the Rust side, and the NULL out-pointers of the getters that only
//! such a report exercises.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::{CString, c_char, c_int, c_void};
use std::ptr;

use app_netutil::Report;
use app_netutil_ctest::{assert_same_lines, expected_dump};

// SAFETY: `ctest_dump_path` is defined in tests/c/dump.c, compiled by
// build.rs into this crate, with exactly this signature.
unsafe extern "C" {
    fn ctest_dump_path(r: *const c_void, path: *const c_char) -> c_int;
}

/// A report with every optional part filled in (the NUMA, hugetlb and sysfs
/// details, which no fixture pod fills yet).
const FULL_REPORT: &str = r#"{
  "pod": {"hostname": "dpdk-app-6f9c7d5b8-x2kqv", "name": "dpdk-app-6f9c7d5b8-x2kqv",
    "namespace": "cnf-\u00e9", "uid": null},
  "cpus": {"list": [2,3,34,35], "cpuset": "2-3,34-35", "source": "cgroup-v2",
    "numa-nodes": {"0": [2,34], "1": [3,35]}, "exclusive": true, "isolated": [3,35],
    "smt-siblings": [[2,34],[3,35]]},
  "hugepages": {"container": "app",
    "containers": [
      {"name": "", "request-mib": {"unspecified": 64}, "limit-mib": {}},
      {"name": "app", "request-mib": {"1Gi": 2048, "2Mi": 512}, "limit-mib": {"1Gi": 4096}},
      {"name": "side", "request-mib": {}, "limit-mib": {"32Mi": 96}}],
    "cgroup-limit-mib": {"1Gi": 4096, "2Mi": 1024},
    "mounts": [{"path": "/dev/hugepages", "page-size": "2Mi"},
               {"path": "/mnt/huge-1G", "page-size": "1Gi"}],
    "host-pools": {"2Mi": {"total": 1024, "free": 512,
                           "numa-nodes": {"0": {"total": 512, "free": 256}, "1": {"total": 512, "free": 256}}},
                   "1Gi": {"total": 8, "free": 4, "numa-nodes": {}}}},
  "interfaces": [
    {"interface": "net1", "network": "ns/sriov-a", "default": false, "device-type": "pci",
     "mac": "02:00:00:00:00:01", "infiniband-guid": "24:8a:07:03:00:8d:ae:2f",
     "ips": ["192.0.2.1/24", "2001:db8::1/64"], "mtu": 9000,
     "gateway": ["192.0.2.254"],
     "routes": [{"dst": "10.96.0.0/12", "gw": "192.0.2.253"}, {"dst": "198.51.100.0/24", "gw": null}],
     "dns": {"nameservers": ["192.0.2.53"], "search": ["a.example", "b.example"],
             "options": ["ndots:2"], "domain": "example"},
     "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": "0000:3b:02.4",
       "vhost-net": "/dev/vhost-net", "rdma-device": "mlx5_2", "pf-pci-address": "0000:3b:00.0",
       "representor-device": "pf0vf4"}},
     "device-id": "0000:3b:02.4", "resource-env": "PCIDEVICE_X",
     "device-plugin-info": {"generic": {"deviceID": "0000:3b:02.4"},
                            "vfio": {"dev-mount": "/dev/vfio/169", "mount": "/dev/vfio/vfio"}},
     "pci-device": {"numa-node": 1, "driver": "vfio-pci", "iommu-group": 169,
                    "vfio-device": "/dev/vfio/169", "netdevs": ["ens1f0v4", "x\"y\\z\tw"],
                    "vendor": "0x8086", "device": "0x154c", "physfn": "0000:3b:00.0"},
     "sources": ["network-status", "device-plugin-env", "sysfs"]},
    {"interface": "net2", "network": null, "default": false, "device-type": "vdpa",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "vdpa", "version": "1.1.0", "vdpa": {"parent-device": "vdpa3",
       "driver": "vhost", "path": "/dev/vhost-vdpa-0", "pci-address": "0000:af:00.2",
       "pf-pci-address": "0000:af:00.0", "representor-device": "eth7"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": {"numa-node": null, "driver": null, "iommu-group": null, "vfio-device": null,
                    "netdevs": [], "vendor": null, "device": null, "physfn": null},
     "sources": ["networks-status"]},
    {"interface": null, "network": null, "default": false, "device-type": "auxiliary",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": null, "device-id": "mlx5_core.sf.4", "resource-env": "PCIDEVICE_SF",
     "device-plugin-info": null, "pci-device": null, "sources": ["device-plugin-env"]},
    {"interface": "vu0", "network": "vhost", "default": false, "device-type": "vhost-user",
     "mac": null, "ips": [], "mtu": 1500, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "vhost-user", "version": null,
                     "vhost-user": {"mode": "server", "path": "/run/vu0.sock", "group": "hugetlbfs"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null, "pci-device": null,
     "sources": ["userspace-cni"]},
    {"interface": "mif0", "network": "memif", "default": false, "device-type": "memif",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "memif", "version": "1.0.0",
                     "memif": {"role": "master", "mode": "inject-punt", "path": "/run/mif0.sock"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null, "pci-device": null,
     "sources": ["userspace-cni", "positional"]},
    {"interface": "eth0", "network": "ovn", "default": true, "device-type": "host",
     "mac": null, "ips": ["10.0.0.1"], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": null, "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": null, "sources": ["network-status"]},
    {"interface": "weird", "network": null, "default": false, "device-type": "unknown",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "fpga", "version": "1.0.0"},
     "device-id": null, "resource-env": null, "device-plugin-info": null, "pci-device": null,
     "sources": ["network-status"]}],
  "warnings": ["one", "two \u00e9"]
}"#;

#[test]
fn every_getter_on_a_report_with_every_field() {
    let report = Report::from_json(FULL_REPORT).unwrap();
    let r = appnetutil::testing::report_from_json(FULL_REPORT).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dump.txt");
    let c_path = CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: `r` is a live report and `c_path` a C string.
    assert_eq!(unsafe { ctest_dump_path(r.cast(), c_path.as_ptr()) }, 0);
    let mut got: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    got.sort();
    let want = expected_dump(&report, &[]);
    // Parts a fixture pod cannot show yet.
    for line in [
        "cpus.numa-nodes.1[1]=35",
        "cpus.isolated[1]=35",
        "cpus.smt-siblings[1][0]=3",
        "hugepages.containers[0].request-mib.unspecified=64",
        "hugepages.cgroup-limit-mib.2Mi=1024",
        "hugepages.mounts[1].path=\"/mnt/huge-1G\"",
        "hugepages.host-pools.2Mi.numa-nodes.1.free=256",
        "interfaces[0].pci-device.numa-node=1",
        "interfaces[0].pci-device.netdevs[1]=\"x\\\"y\\\\z\\x09w\"",
        "interfaces[1].pci-device.numa-node=null",
        "interfaces[0].infiniband-guid=\"24:8a:07:03:00:8d:ae:2f\"",
        "interfaces[1].infiniband-guid=null",
        "interfaces[0].device-info.pci.representor-device=\"pf0vf4\"",
        "interfaces[1].device-info.vdpa.parent-device=\"vdpa3\"",
        "interfaces[1].x.socket-path=\"/dev/vhost-vdpa-0\"",
        "interfaces[3].device-info.version=null",
        "x.own-container=\"app\"",
        "pod.namespace=\"cnf-\u{e9}\"",
        "pod.uid=null",
        "interfaces[0].routes[0].gw=\"192.0.2.253\"",
        "interfaces[0].routes[1].gw=null",
        "interfaces[3].device-info.vhost-user.group=\"hugetlbfs\"",
    ] {
        assert!(want.iter().any(|l| l == line), "{line} not expected");
    }
    assert_same_lines("FULL_REPORT", &got, &want);
    // SAFETY: `r` came from report_from_json and is freed once.
    unsafe { appnetutil::netutil_report_free(r) };
}

#[test]
fn null_out_pointers_of_the_numa_pool_and_sysfs_getters() {
    use appnetutil::*;
    let r = testing::report_from_json(FULL_REPORT).unwrap();
    let (mut node, mut len, mut total, mut free) = (0u32, 0usize, 0u64, 0u64);
    // SAFETY: `r` is live; every pointer is NULL or a valid local.
    unsafe {
        assert!(netutil_report_cpu_numa_node(r, 1, ptr::null_mut(), &raw mut len).is_null());
        assert!(netutil_report_cpu_numa_node(r, 1, &raw mut node, ptr::null_mut()).is_null());
        let cpus = netutil_report_cpu_numa_node(r, 1, &raw mut node, &raw mut len);
        assert_eq!(
            (node, std::slice::from_raw_parts(cpus, len)),
            (1, &[3, 35][..])
        );
        assert!(netutil_report_cpus_isolated(r, ptr::null_mut()).is_null());
        assert!(netutil_report_cpu_smt_group(r, 0, ptr::null_mut()).is_null());
        assert!(!netutil_report_host_pool(
            r,
            0,
            ptr::null_mut(),
            &raw mut free
        ));
        assert!(!netutil_report_host_pool(
            r,
            0,
            &raw mut total,
            ptr::null_mut()
        ));
        assert!(netutil_report_host_pool(
            r,
            0,
            &raw mut total,
            &raw mut free
        ));
        assert_eq!((total, free), (1024, 512));
        assert!(!netutil_report_host_pool_node(
            r,
            0,
            0,
            ptr::null_mut(),
            &raw mut total,
            &raw mut free
        ));
        assert!(!netutil_report_host_pool_node(
            r,
            0,
            0,
            &raw mut node,
            ptr::null_mut(),
            &raw mut free
        ));
        assert!(!netutil_report_host_pool_node(
            r,
            0,
            0,
            &raw mut node,
            &raw mut total,
            ptr::null_mut()
        ));
        assert!(netutil_report_host_pool_node(
            r,
            0,
            1,
            &raw mut node,
            &raw mut total,
            &raw mut free
        ));
        assert_eq!((node, total, free), (1, 512, 256));
        let it = netutil_report_interface(r, 0);
        assert!(!netutil_interface_pcidev_numa_node(it, ptr::null_mut()));
        assert!(!netutil_interface_pcidev_iommu_group(it, ptr::null_mut()));
        assert!(netutil_interface_pcidev_iommu_group(it, &raw mut node));
        assert_eq!(node, 169);
        let unspecified = c"unspecified";
        let legacy = netutil_report_container(r, 0);
        let mut mib = 0u64;
        assert!(netutil_container_request_mib_for(
            legacy,
            unspecified.as_ptr(),
            &raw mut mib
        ));
        assert_eq!(mib, 64);
        assert!(!netutil_container_request_mib_for(
            legacy,
            unspecified.as_ptr(),
            ptr::null_mut()
        ));
        netutil_report_free(r);
    }
}

/// Issue 16, item 10: `netutil_report_json` opens with `apiVersion` and
/// `kind`, also for a report read from JSON saved without them; the C
/// reader refuses another `apiVersion`.
#[test]
fn report_json_is_self_describing() {
    use appnetutil::*;
    assert!(!FULL_REPORT.contains("apiVersion"));
    let r = testing::report_from_json(FULL_REPORT).unwrap();
    let mut len = 0usize;
    // SAFETY: `r` is live; the string it returns lives as long as `r`.
    let json = unsafe {
        let p = netutil_report_json(r, &raw mut len);
        assert!(!p.is_null());
        String::from_utf8(std::slice::from_raw_parts(p.cast::<u8>(), len).to_vec()).unwrap()
    };
    assert!(
        json.starts_with("{\n  \"apiVersion\": \"app-netutil/v1\",\n  \"kind\": \"PodReport\",\n"),
        "{}",
        &json[..80]
    );
    // SAFETY: `r` came from report_from_json and is freed once.
    unsafe { netutil_report_free(r) };
    let other = json.replacen("app-netutil/v1", "app-netutil/v9", 1);
    let err = testing::report_from_json(&other).unwrap_err();
    assert!(err.contains("\"app-netutil/v9\""), "{err}");
}
