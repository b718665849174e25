//! `netutil_eal_args_build()` on hostile reports (issue 11, findings 2, 3
//! and 5): it returns, never aborts the host process, and its argv holds
//! exactly the safe arguments — no NUL-repaired string, no injected devarg,
//! no `--socket-mem` with billions of nodes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::{CStr, CString};
use std::ptr;

use appnetutil::*;

/// A report with every hostile value a saved or collected report can
/// carry into the EAL arguments.
const HOSTILE: &str = r#"{
  "cpus": {"list": [2,3], "cpuset": "2-3", "source": "affinity", "exclusive": true,
    "numa-nodes": {"4294967295": [2], "0": [3]}},
  "hugepages": {"container": "app",
    "containers": [{"name": "app", "request-mib": {"2Mi": 18446744073709551615},
      "limit-mib": {"2Mi": 18446744073709551615}}],
    "cgroup-limit-mib": {}, "mounts": [{"path": "/dev/hp\u0000-d", "page-size": "2Mi"}],
    "host-pools": {}},
  "interfaces": [
    {"interface": "net1", "network": "default/a", "default": false, "device-type": "pci",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": "0000:3b:02.4"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": {"numa-node": 4294967295, "driver": "vfio-pci", "iommu-group": null,
       "vfio-device": null, "netdevs": [], "vendor": null, "device": null, "physfn": null},
     "sources": ["network-status"]},
    {"interface": "net2", "network": "default/b", "default": false, "device-type": "vhost-user",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "vhost-user", "version": "1.0.0",
       "vhost-user": {"mode": "client", "path": "/x/a\u0000-d\u0000/tmp/evil.so"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": null, "sources": ["network-status"]},
    {"interface": "net3", "network": "default/c", "default": false, "device-type": "memif",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "memif", "version": "1.0.0",
       "memif": {"role": "master", "mode": "ethernet", "path": "/x/net3=path=/tmp/attacker.sock"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": null, "sources": ["network-status"]}
  ],
  "warnings": []
}"#;

struct Built {
    args: Vec<String>,
    warnings: Vec<String>,
}

/// Builds the EAL arguments of `r` through the C ABI; panics when the call
/// fails.
fn build(r: *const netutil_report) -> Built {
    let o = netutil_options_new();
    assert!(!o.is_null());
    let prefix = CString::new("app").unwrap();
    let name = CString::new("prog").unwrap();
    let mut a: *mut netutil_eal_args = ptr::null_mut();
    let mut err: *mut netutil_error = ptr::null_mut();
    // SAFETY: every pointer is live or NULL as each function allows; the
    // handles are freed once.
    unsafe {
        assert_eq!(
            netutil_options_set_dpdk_file_prefix(o, prefix.as_ptr()),
            netutil_status::NETUTIL_STATUS_OK
        );
        assert_eq!(
            netutil_options_set_dpdk_program_name(o, name.as_ptr()),
            netutil_status::NETUTIL_STATUS_OK
        );
        let status = netutil_eal_args_build(r, o, &raw mut a, &raw mut err);
        assert_eq!(status, netutil_status::NETUTIL_STATUS_OK);
        assert!(err.is_null() && !a.is_null());
        netutil_options_free(o);
        let argc = usize::try_from(netutil_eal_args_argc(a)).unwrap();
        let args = (0..argc)
            .map(|i| {
                CStr::from_ptr(netutil_eal_args_arg(a, i))
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let warnings = (0..netutil_eal_args_warning_count(a))
            .map(|i| {
                CStr::from_ptr(netutil_eal_args_warning(a, i))
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        netutil_eal_args_free(a);
        Built { args, warnings }
    }
}

#[test]
fn hostile_saved_report_never_aborts_and_gives_safe_arguments() {
    let r = testing::report_from_json(HOSTILE).unwrap();
    let built = build(r);
    // SAFETY: `r` came from report_from_json and is freed once.
    unsafe { netutil_report_free(r) };
    assert_eq!(
        built.args,
        [
            "prog",
            "-l",
            "2-3",
            "--main-lcore=2",
            "--file-prefix=app",
            "-a",
            "0000:3b:02.4"
        ]
    );
    // No argument needed repairing: none held a NUL.
    assert!(built.args.iter().all(|a| !a.contains('\u{fffd}')));
    for needle in [
        "net1 (default/a): NUMA node 4294967295 is beyond the 1024 nodes a kernel can have; taken as unknown",
        "the hugepage grant of 18446744073709551615 MiB is more than EAL can take",
        "net2 (default/b): socket path \"/x/a\\0-d\\0/tmp/evil.so\" contains a NUL byte, which devargs cannot carry; left out",
        "net3 (default/c): socket path \"/x/net3=path=/tmp/attacker.sock\" contains '=', which devargs cannot carry; left out",
    ] {
        assert!(
            built.warnings.iter().any(|w| w.starts_with(needle)),
            "{needle}: {:?}",
            built.warnings
        );
    }
}

#[test]
fn hostile_pod_collected_through_the_c_abi_never_aborts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, data: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    };
    write("proc/self/environ", b"CONTAINER_NAME=app\0HOSTNAME=pod-1\0");
    write("proc/self/status", b"Cpus_allowed_list:\t2-3\n");
    write("etc/podnetinfo/hugepages_2M_limit_app", b"512\n");
    write(
        "etc/podnetinfo/annotations",
        br#"k8s.v1.cni.cncf.io/network-status="[{\"name\":\"default/a\",\"interface\":\"net1\",\"device-info\":{\"type\":\"pci\",\"version\":\"1.1.0\",\"pci\":{\"pci-address\":\"0000:3b:02.4\"}}}]""#,
    );
    write(
        "sys/bus/pci/devices/0000:3b:02.4/numa_node",
        b"4294967295\n",
    );
    let o = netutil_options_new();
    let c_root = CString::new(root.to_str().unwrap()).unwrap();
    let mut r: *mut netutil_report = ptr::null_mut();
    // SAFETY: live options, a C string and writable out-pointers; each
    // handle is freed once.
    let built = unsafe {
        assert_eq!(
            netutil_options_set_root(o, c_root.as_ptr()),
            netutil_status::NETUTIL_STATUS_OK
        );
        assert_eq!(
            netutil_report_collect(o, &raw mut r, ptr::null_mut()),
            netutil_status::NETUTIL_STATUS_OK
        );
        netutil_options_free(o);
        let built = build(r);
        netutil_report_free(r);
        built
    };
    assert_eq!(
        built.args,
        [
            "prog",
            "-l",
            "2-3",
            "--main-lcore=2",
            "-m",
            "512",
            "--file-prefix=app",
            "-a",
            "0000:3b:02.4"
        ]
    );
}
