//! Full-argv tests of [`super::eal_args`]: every device type, each DPDK
//! release family, NUMA layouts, large CPU ids and missing hugepages.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::report::PageSize;
use crate::report::PciAddress;
use crate::report::{ContainerHugepages, SizeKey};
use crate::report::{
    CpuSource, Cpus, DeviceType, Hugepages, HugetlbfsMount, Interface, PciDevice, Report,
};
use crate::report::{DeviceInfo, MemifInfo, VdpaInfo, VhostUserInfo};
use crate::report::{MAX_NUMA_NODES, MAX_WARNINGS_PER_SOURCE};
use crate::{Options, collect_eal_args};

// ---- report builders -------------------------------------------------

fn size(s: &str) -> PageSize {
    PageSize::parse(s).unwrap()
}

fn cpus(list: &[u32]) -> Cpus {
    Cpus {
        list: list.to_vec(),
        cpuset: crate::parse::cpulist::format(list),
        source: CpuSource::Affinity,
        numa_nodes: None,
        exclusive: Some(true),
        isolated: None,
        smt_siblings: None,
    }
}

fn numa_cpus(nodes: &[(u32, &[u32])]) -> Cpus {
    let list: Vec<u32> = nodes.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let mut c = cpus(&list);
    let mut list = c.list.clone();
    list.sort_unstable();
    c.list = list;
    c.numa_nodes = Some(nodes.iter().map(|(n, cs)| (*n, cs.to_vec())).collect());
    c
}

fn hugepages(container: &str, grants: &[(&str, u64)]) -> Hugepages {
    let mut map = BTreeMap::new();
    for (s, mib) in grants {
        let key = if *s == "unspecified" {
            SizeKey::Unspecified
        } else {
            SizeKey::Size(size(s))
        };
        map.insert(key, *mib);
    }
    Hugepages {
        container: Some(container.to_owned()),
        containers: vec![ContainerHugepages {
            name: container.to_owned(),
            request_mib: map.clone(),
            limit_mib: map,
        }],
        ..Hugepages::default()
    }
}

fn with_mounts(mut hp: Hugepages, mounts: &[(&str, &str)]) -> Hugepages {
    hp.mounts = mounts
        .iter()
        .map(|(path, s)| HugetlbfsMount {
            path: (*path).to_owned(),
            page_size: size(s),
        })
        .collect();
    hp
}

fn eth0() -> Interface {
    Interface {
        interface: Some("eth0".to_owned()),
        network: Some("ovn-kubernetes".to_owned()),
        default: true,
        device_type: DeviceType::Host,
        mac: Some("0a:58:0a:80:02:0f".to_owned()),
        ..Interface::default()
    }
}

fn named(name: &str, network: &str, device_type: DeviceType) -> Interface {
    Interface {
        interface: Some(name.to_owned()),
        network: Some(network.to_owned()),
        device_type,
        ..Interface::default()
    }
}

fn pci(
    name: &str,
    network: &str,
    addr: &str,
    driver: Option<&str>,
    node: Option<u32>,
) -> Interface {
    let mut i = named(name, network, DeviceType::Pci);
    i.device_info = Some(DeviceInfo::synthesized_pci(
        &PciAddress::parse(addr).unwrap(),
    ));
    i.pci_device = Some(PciDevice {
        numa_node: node,
        driver: driver.map(str::to_owned),
        ..PciDevice::default()
    });
    i
}

fn aux(id: &str) -> Interface {
    Interface {
        device_type: DeviceType::Auxiliary,
        device_id: Some(id.to_owned()),
        resource_env: Some("PCIDEVICE_NVIDIA_COM_BF3_SF".to_owned()),
        ..Interface::default()
    }
}

fn vdpa(name: &str, driver: Option<&str>, path: Option<&str>) -> Interface {
    let mut i = named(name, "default/vdpa-net", DeviceType::Vdpa);
    i.device_info = Some(DeviceInfo {
        kind: "vdpa".to_owned(),
        version: Some("1.1.0".to_owned()),
        vdpa: Some(VdpaInfo {
            parent_device: Some("vdpa0".to_owned()),
            driver: driver.map(str::to_owned),
            path: path.map(str::to_owned),
            pci_address: Some("0000:65:00.2".to_owned()),
            ..VdpaInfo::default()
        }),
        ..DeviceInfo::default()
    });
    i
}

fn vhost(name: &str, mode: Option<&str>, path: &str) -> Interface {
    let mut i = named(name, "default/vhost-net", DeviceType::VhostUser);
    i.device_info = Some(DeviceInfo {
        kind: "vhost-user".to_owned(),
        version: Some("1.0.0".to_owned()),
        vhost_user: Some(VhostUserInfo {
            mode: mode.map(str::to_owned),
            path: Some(path.to_owned()),
            group: None,
        }),
        ..DeviceInfo::default()
    });
    i
}

fn memif(name: &str, role: Option<&str>, mode: Option<&str>, path: &str) -> Interface {
    let mut i = named(name, "default/memif-net", DeviceType::Memif);
    i.device_info = Some(DeviceInfo {
        kind: "memif".to_owned(),
        version: Some("1.0.0".to_owned()),
        memif: Some(MemifInfo {
            role: role.map(str::to_owned),
            mode: mode.map(str::to_owned),
            path: Some(path.to_owned()),
        }),
        ..DeviceInfo::default()
    });
    i
}

fn report(cpus: Option<Cpus>, hugepages: Hugepages, interfaces: Vec<Interface>) -> Report {
    Report {
        cpus,
        hugepages,
        interfaces,
        ..Report::default()
    }
}

/// A plain pod: CPUs 2-5 on unknown nodes, 1 GiB of 2 MiB pages, a known
/// host name, plus the given interfaces after eth0.
fn plain(interfaces: Vec<Interface>) -> Report {
    let mut all = vec![eth0()];
    all.extend(interfaces);
    report(
        Some(cpus(&[2, 3, 4, 5])),
        hugepages("app", &[("2Mi", 1024)]),
        all,
    )
}

fn opts() -> DpdkOptions {
    DpdkOptions::new().hostname("pod-1")
}

fn run(report: &Report, opts: &DpdkOptions) -> EalArgs {
    eal_args(report, opts).unwrap()
}

fn argv(report: &Report, opts: &DpdkOptions) -> Vec<String> {
    let eal = run(report, opts);
    assert!(
        eal.warnings.is_empty(),
        "unexpected warnings {:?}",
        eal.warnings
    );
    eal.args
}

fn has_warning(eal: &EalArgs, needle: &str) -> bool {
    eal.warnings.iter().any(|w| w.contains(needle))
}

const BASE: [&str; 6] = [
    "-l",
    "2-5",
    "--main-lcore=2",
    "-m",
    "1024",
    "--file-prefix=pod-1_app",
];

fn with_base(rest: &[&str]) -> Vec<String> {
    BASE.iter().chain(rest).map(|s| (*s).to_owned()).collect()
}

// ---- devices --------------------------------------------------------

#[test]
fn pci_vfio_device() {
    let r = plain(vec![pci(
        "net1",
        "default/sriov-a",
        "3b:02.4",
        Some("vfio-pci"),
        None,
    )]);
    assert_eq!(argv(&r, &opts()), with_base(&["-a", "0000:3b:02.4"]));
}

#[test]
fn pci_uio_and_bifurcated_drivers_are_used() {
    let r = plain(vec![
        pci(
            "net1",
            "default/a",
            "0000:3b:02.4",
            Some("uio_pci_generic"),
            None,
        ),
        pci("net2", "default/b", "0000:3b:02.5", Some("igb_uio"), None),
        pci("net3", "default/c", "0000:5e:00.2", Some("mlx5_core"), None),
    ]);
    assert_eq!(
        argv(&r, &opts()),
        with_base(&[
            "-a",
            "0000:3b:02.4",
            "-a",
            "0000:3b:02.5",
            "-a",
            "0000:5e:00.2"
        ])
    );
}

#[test]
fn pci_kernel_driver_left_out_unless_selected() {
    let r = plain(vec![
        pci(
            "net1",
            "default/sriov-a",
            "0000:3b:02.4",
            Some("vfio-pci"),
            None,
        ),
        pci(
            "net2",
            "default/sriov-b",
            "0000:3b:02.5",
            Some("iavf"),
            None,
        ),
    ]);
    let eal = run(&r, &opts());
    assert_eq!(eal.args, with_base(&["-a", "0000:3b:02.4"]));
    assert_eq!(eal.warnings.len(), 1, "{:?}", eal.warnings);
    assert!(has_warning(
        &eal,
        "net2 (default/sriov-b): bound to the kernel driver iavf"
    ));

    // Only the kernel-bound one is there: no PCI device is used at all.
    let r = plain(vec![pci(
        "net2",
        "default/sriov-b",
        "0000:3b:02.5",
        Some("iavf"),
        None,
    )]);
    let eal = run(&r, &opts());
    assert_eq!(eal.args, with_base(&["--no-pci"]));

    // Selected explicitly: used, with a warning.
    let eal = run(&r, &opts().interface("net2"));
    assert_eq!(eal.args, with_base(&["-a", "0000:3b:02.5"]));
    assert!(has_warning(&eal, "used because it was selected"));
    let eal = run(&r, &opts().network("sriov-b"));
    assert_eq!(eal.args, with_base(&["-a", "0000:3b:02.5"]));
}

#[test]
fn pci_unknown_driver_is_used() {
    let mut no_sysfs = pci("net1", "default/a", "0000:3b:02.4", None, None);
    no_sysfs.pci_device = None;
    let no_driver = pci("net2", "default/b", "0000:3b:02.5", None, None);
    // A device known only from a device-plugin variable.
    let env_only = Interface {
        device_type: DeviceType::Pci,
        device_id: Some("0000:d8:00.1".to_owned()),
        resource_env: Some("PCIDEVICE_INTEL_COM_SRIOV_C".to_owned()),
        ..Interface::default()
    };
    let r = plain(vec![no_sysfs, no_driver, env_only]);
    assert_eq!(
        argv(&r, &opts()),
        with_base(&[
            "-a",
            "0000:3b:02.4",
            "-a",
            "0000:3b:02.5",
            "-a",
            "0000:d8:00.1"
        ])
    );
}

#[test]
fn pci_device_listed_twice_is_allowed_once() {
    let r = plain(vec![
        pci("net1", "default/a", "0000:5e:00.0", Some("mlx5_core"), None),
        pci("net2", "default/b", "0000:5e:00.0", Some("mlx5_core"), None),
    ]);
    assert_eq!(argv(&r, &opts()), with_base(&["-a", "0000:5e:00.0"]));
}

#[test]
fn auxiliary_subfunction() {
    let r = plain(vec![aux("mlx5_core.sf.4")]);
    assert_eq!(
        argv(&r, &opts()),
        with_base(&["-a", "auxiliary:mlx5_core.sf.4", "--no-pci"])
    );
    let eal = run(&r, &opts().version(DpdkVersion::new(21, 5)));
    assert!(has_warning(&eal, "auxiliary bus"));
    // Selected by its id, with devargs.
    let eal = run(
        &r,
        &opts()
            .interface("mlx5_core.sf.4")
            .devargs("mlx5_core.sf.4", "class=eth,dv_flow_en=1"),
    );
    assert_eq!(
        eal.args,
        with_base(&[
            "-a",
            "auxiliary:mlx5_core.sf.4,class=eth,dv_flow_en=1",
            "--no-pci"
        ])
    );
}

#[test]
fn vdpa_vhost_character_device() {
    let mut v = vdpa("net1", Some("vhost"), Some("/dev/vhost-vdpa-0"));
    v.mac = Some("02:00:00:AA:BB:01".to_owned());
    let r = plain(vec![v]);
    assert_eq!(
        argv(&r, &opts()),
        with_base(&[
            "--vdev=virtio_user0,path=/dev/vhost-vdpa-0,mac=02:00:00:aa:bb:01",
            "--no-pci"
        ])
    );
    let eal = run(&r, &opts().version(DpdkVersion::new(20, 8)));
    assert!(has_warning(&eal, "20.11"));
}

/// A saved report may hold a MAC in any spelling: the EAL argument carries
/// the report's canonical form, the same the parsers write.
#[test]
fn mac_of_a_saved_report_is_written_canonically() {
    for (mac, want) in [
        (" 64:1F:74:32:2E:6D", Some("64:1f:74:32:2e:6d")),
        ("02-00-00-AA-bb-01\n", Some("02:00:00:aa:bb:01")),
        ("00:ZZ:BB:CC:DD:01", None),
        ("   ", None),
    ] {
        let mut v = vdpa("net1", Some("vhost"), Some("/dev/vhost-vdpa-0"));
        v.mac = Some(mac.to_owned());
        let eal = run(&plain(vec![v]), &opts());
        let vdev = match want {
            Some(m) => format!("--vdev=virtio_user0,path=/dev/vhost-vdpa-0,mac={m}"),
            None => "--vdev=virtio_user0,path=/dev/vhost-vdpa-0".to_owned(),
        };
        assert_eq!(eal.args, with_base(&[vdev.as_str(), "--no-pci"]), "{mac:?}");
        assert_eq!(
            has_warning(&eal, "is not an Ethernet address"),
            mac == "00:ZZ:BB:CC:DD:01",
            "{mac:?}"
        );
        if let Some(m) = want {
            assert_eq!(crate::parse::hwaddr::mac(mac).as_deref(), Some(m));
        }
    }
}

#[test]
fn vdpa_virtio_driver_or_no_path_is_left_out() {
    let r = plain(vec![
        vdpa("net1", Some("virtio"), None),
        vdpa("net2", Some("vhost"), None),
    ]);
    let eal = run(&r, &opts());
    assert_eq!(eal.args, with_base(&["--no-pci"]));
    assert!(has_warning(
        &eal,
        "net1 (default/vdpa-net): vDPA device bound to the virtio driver"
    ));
    assert!(has_warning(
        &eal,
        "net2 (default/vdpa-net): vDPA device without a character device path"
    ));
}

#[test]
fn vhost_user_client_and_server() {
    let mut client = vhost("net1", Some("client"), "/var/lib/cni/usrspcni/abc-net1");
    client.mac = Some("02:00:00:00:00:01".to_owned());
    let server = vhost("net2", Some("server"), "/var/lib/cni/usrspcni/abc-net2");
    let r = plain(vec![client, server]);
    assert_eq!(
        argv(&r, &opts()),
        with_base(&[
            "--single-file-segments",
            "--vdev=virtio_user0,path=/var/lib/cni/usrspcni/abc-net1,mac=02:00:00:00:00:01",
            "--vdev=virtio_user1,path=/var/lib/cni/usrspcni/abc-net2,server=1",
            "--no-pci"
        ])
    );
}

#[test]
fn vhost_user_without_mode_or_with_odd_path() {
    let long = format!("/{}", "s".repeat(120));
    let r = plain(vec![
        vhost("net1", None, "/run/vhu/net1.sock"),
        vhost("net2", Some("client"), "/run/vhu/a,b.sock"),
        vhost("net3", Some("bridge"), "/run/vhu/net3.sock"),
        vhost("net4", Some("client"), &long),
    ]);
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        with_base(&[
            "--single-file-segments",
            "--vdev=virtio_user0,path=/run/vhu/net1.sock",
            &format!("--vdev=virtio_user1,path={long}"),
            "--no-pci"
        ])
    );
    assert!(has_warning(
        &eal,
        "net1 (default/vhost-net): vhost-user mode not given; assuming client"
    ));
    assert!(has_warning(&eal, "contains a comma"));
    assert!(has_warning(&eal, "\"bridge\" is neither client nor server"));
    assert!(has_warning(&eal, "121 bytes long"));
}

/// A relative socket or device path is relative to nothing EAL knows (the
/// report resolves what it can): the device is left out, with a warning.
#[test]
fn relative_paths_are_left_out() {
    let r = plain(vec![
        vhost("net1", Some("server"), "2ea1931c-2935-net1"),
        memif("net2", Some("slave"), None, "./memif.sock"),
        vdpa("net3", Some("vhost"), Some("vhost-vdpa-0")),
        vhost("net4", Some("client"), "/run/vhu/net4.sock"),
    ]);
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        with_base(&[
            "--single-file-segments",
            "--vdev=virtio_user0,path=/run/vhu/net4.sock",
            "--no-pci"
        ])
    );
    assert!(has_warning(
        &eal,
        "\"2ea1931c-2935-net1\" is relative; left out"
    ));
    assert!(has_warning(&eal, "\"./memif.sock\" is relative; left out"));
    assert!(has_warning(
        &eal,
        "\"vhost-vdpa-0\" is not absolute; left out"
    ));
}

#[test]
fn memif_master_slave_and_ip_mode() {
    let mut master = memif(
        "net1",
        Some("master"),
        Some("ethernet"),
        "/run/memif/net1.sock",
    );
    master.mac = Some("02:fe:00:00:00:01".to_owned());
    let slave = memif("net2", Some("slave"), None, "/run/memif/net2.sock");
    let ip = memif("net3", Some("master"), Some("ip"), "/run/memif/net3.sock");
    let punt = memif(
        "net4",
        Some("slave"),
        Some("inject-punt"),
        "/run/memif/net4.sock",
    );
    let r = plain(vec![master, slave, ip, punt]);
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        with_base(&[
            "--vdev=net_memif0,socket=/run/memif/net1.sock,role=server,socket-abstract=no,mac=02:fe:00:00:00:01",
            "--vdev=net_memif1,socket=/run/memif/net2.sock,role=client,socket-abstract=no",
            "--no-pci"
        ])
    );
    assert_eq!(eal.warnings.len(), 2, "{:?}", eal.warnings);
    assert!(has_warning(
        &eal,
        "net3 (default/memif-net): memif mode ip is not supported"
    ));
    assert!(has_warning(
        &eal,
        "net4 (default/memif-net): memif mode inject-punt is not supported"
    ));
    // Selecting an unsupported mode explicitly still leaves it out.
    let eal = run(&r, &opts().interface("net3"));
    assert_eq!(eal.args, with_base(&["--no-pci"]));
    assert!(has_warning(&eal, "memif mode ip"));
}

#[test]
fn memif_without_role_and_bad_mac() {
    let mut m = memif("net1", None, None, "/run/memif/net1.sock");
    m.mac = Some("not-a-mac".to_owned());
    let eal = run(&plain(vec![m]), &opts());
    assert_eq!(
        eal.args,
        with_base(&[
            "--vdev=net_memif0,socket=/run/memif/net1.sock,role=client,socket-abstract=no",
            "--no-pci"
        ])
    );
    assert!(has_warning(&eal, "memif role not given"));
    assert!(has_warning(
        &eal,
        "\"not-a-mac\" is not an Ethernet address"
    ));
}

#[test]
fn unknown_device_type_is_left_out() {
    let mut u = named("net1", "default/x", DeviceType::Unknown);
    u.device_info = Some(DeviceInfo {
        kind: "smartnic-thing".to_owned(),
        ..DeviceInfo::default()
    });
    let eal = run(&plain(vec![u]), &opts());
    assert_eq!(eal.args, with_base(&["--no-pci"]));
    assert!(has_warning(&eal, "\"smartnic-thing\""));
}

#[test]
fn no_device_at_all() {
    let eal = run(&plain(vec![]), &opts());
    assert_eq!(eal.args, with_base(&["--no-pci"]));
    assert!(has_warning(&eal, "the pod has no device for DPDK"));
}

#[test]
fn mixed_pod_keeps_report_order() {
    let r = plain(vec![
        memif("net1", Some("slave"), Some("ethernet"), "/run/m1.sock"),
        pci(
            "net2",
            "default/sriov-a",
            "0000:3b:02.4",
            Some("vfio-pci"),
            None,
        ),
        vhost("net3", Some("server"), "/run/v1.sock"),
        aux("mlx5_core.sf.2"),
    ]);
    assert_eq!(
        argv(&r, &opts()),
        with_base(&[
            "--single-file-segments",
            "--vdev=net_memif0,socket=/run/m1.sock,role=client,socket-abstract=no",
            "-a",
            "0000:3b:02.4",
            "--vdev=virtio_user0,path=/run/v1.sock,server=1",
            "-a",
            "auxiliary:mlx5_core.sf.2",
        ])
    );
}

// ---- selection and devargs ------------------------------------------

fn two_vfs() -> Report {
    plain(vec![
        pci(
            "net1",
            "default/sriov-a",
            "0000:3b:02.4",
            Some("vfio-pci"),
            None,
        ),
        pci(
            "net2",
            "tenant/sriov-b",
            "0000:3b:02.5",
            Some("vfio-pci"),
            None,
        ),
        memif("net3", Some("master"), None, "/run/m.sock"),
    ])
}

#[test]
fn selection_by_network_interface_or_address() {
    let r = two_vfs();
    let only_b = with_base(&["-a", "0000:3b:02.5", "--no-pci"]);
    // --no-pci is not there: a PCI device is used.
    let only_b: Vec<String> = only_b.into_iter().filter(|a| a != "--no-pci").collect();
    assert_eq!(argv(&r, &opts().network("tenant/sriov-b")), only_b);
    assert_eq!(argv(&r, &opts().network("sriov-b")), only_b);
    assert_eq!(argv(&r, &opts().interface("net2")), only_b);
    assert_eq!(argv(&r, &opts().interface("3B:02.5")), only_b);
    // Union of both kinds of selection, in report order.
    assert_eq!(
        argv(&r, &opts().interface("net3").network("sriov-a")),
        with_base(&[
            "-a",
            "0000:3b:02.4",
            "--vdev=net_memif0,socket=/run/m.sock,role=server,socket-abstract=no"
        ])
    );
    // A namespace-qualified selector must match exactly.
    assert!(matches!(
        eal_args(&r, &opts().network("other/sriov-b")),
        Err(DpdkError::UnknownNetwork(n)) if n == "other/sriov-b"
    ));
}

#[test]
fn selection_errors() {
    let r = two_vfs();
    assert!(matches!(
        eal_args(&r, &opts().interface("net9")),
        Err(DpdkError::UnknownInterface(n)) if n == "net9"
    ));
    assert!(matches!(
        eal_args(&r, &opts().network("sriov-z")),
        Err(DpdkError::UnknownNetwork(_))
    ));
    assert!(matches!(
        eal_args(&r, &opts().interface("eth0")),
        Err(DpdkError::NoDevice(n)) if n == "eth0"
    ));
    assert!(matches!(
        eal_args(&r, &opts().devargs("net7", "x=1")),
        Err(DpdkError::UnknownDevargsTarget(n)) if n == "net7"
    ));
    // Devargs for a device outside the selection.
    assert!(matches!(
        eal_args(&r, &opts().interface("net1").devargs("net2", "x=1")),
        Err(DpdkError::UnknownDevargsTarget(_))
    ));
    let msg = eal_args(&r, &opts().interface("net9"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "interface \"net9\" matches no interface, PCI address or device id of the pod"
    );
}

#[test]
fn devargs_per_device() {
    let r = two_vfs();
    assert_eq!(
        argv(
            &r,
            &opts()
                .devargs("net1", "rxq_cqe_comp_en=1")
                .devargs("0000:3b:02.4", ",txq_inline_max=128")
                .devargs("memif-net", "rsize=11")
        ),
        with_base(&[
            "-a",
            "0000:3b:02.4,rxq_cqe_comp_en=1,txq_inline_max=128",
            "-a",
            "0000:3b:02.5",
            "--vdev=net_memif0,socket=/run/m.sock,role=server,socket-abstract=no,rsize=11"
        ])
    );
}

// ---- DPDK release families -------------------------------------------

/// A PCI VF on node 1, a memif master and a sub-function; CPUs on two
/// nodes; 2 GiB of 1 GiB pages.
fn family_pod() -> Report {
    let mut sf = aux("mlx5_core.sf.4");
    sf.pci_device = Some(PciDevice {
        numa_node: Some(1),
        ..PciDevice::default()
    });
    report(
        Some(numa_cpus(&[(0, &[0, 1]), (1, &[2, 3])])),
        with_mounts(
            hugepages("app", &[("1Gi", 2048)]),
            &[("/dev/hugepages-1Gi", "1Gi")],
        ),
        vec![
            eth0(),
            pci(
                "net1",
                "default/sriov-a",
                "0000:86:02.1",
                Some("vfio-pci"),
                Some(1),
            ),
            memif("net2", Some("master"), Some("ethernet"), "/run/memif.sock"),
            sf,
        ],
    )
}

fn family(version: Option<&str>) -> EalArgs {
    let mut o = opts();
    if let Some(v) = version {
        o = o.version(v.parse().unwrap());
    }
    run(&family_pod(), &o)
}

fn family_argv(allow: &str, main: &str, mem: &str, memif_tail: &str) -> Vec<String> {
    [
        "-l",
        "0-3",
        &format!("{main}=0"),
        &format!("{mem}=0,2048"),
        "--huge-dir=/dev/hugepages-1Gi",
        "--file-prefix=pod-1_app",
        allow,
        "0000:86:02.1",
        &format!("--vdev=net_memif0,socket=/run/memif.sock,{memif_tail}"),
        allow,
        "auxiliary:mlx5_core.sf.4",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn release_20_08_and_older() {
    for v in ["20.08", "19.11", "v18.11.11"] {
        let eal = family(Some(v));
        assert_eq!(
            eal.args,
            family_argv("-w", "--master-lcore", "--socket-mem", "role=master"),
            "{v}"
        );
        // Only the sub-function is a problem for these releases.
        assert_eq!(eal.warnings.len(), 1, "{v}: {:?}", eal.warnings);
        assert!(has_warning(&eal, "auxiliary bus"));
    }
}

#[test]
fn releases_20_11_to_21_08() {
    for v in ["20.11", "21.02", "21.08"] {
        let eal = family(Some(v));
        assert_eq!(
            eal.args,
            family_argv(
                "-a",
                "--main-lcore",
                "--socket-mem",
                "role=server,socket-abstract=no"
            ),
            "{v}"
        );
        assert_eq!(
            eal.warnings.len(),
            usize::from(v != "21.08"),
            "{v}: {:?}",
            eal.warnings
        );
    }
}

#[test]
fn releases_21_11_to_25_03_and_default() {
    let want = family_argv(
        "-a",
        "--main-lcore",
        "--socket-mem",
        "role=server,socket-abstract=no",
    );
    for v in [
        Some("21.11"),
        Some("22.11"),
        Some("23.11.2"),
        Some("25.03"),
        None,
    ] {
        let eal = family(v);
        assert_eq!(eal.args, want, "{v:?}");
        assert!(eal.warnings.is_empty(), "{v:?}: {:?}", eal.warnings);
    }
}

#[test]
fn releases_25_07_and_later() {
    let want = family_argv(
        "-a",
        "--main-lcore",
        "--numa-mem",
        "role=server,socket-abstract=no",
    );
    for v in ["25.07", "25.11", "26.07"] {
        let eal = family(Some(v));
        assert_eq!(eal.args, want, "{v}");
        assert!(eal.warnings.is_empty(), "{v}: {:?}", eal.warnings);
    }
}

// ---- cores and NUMA ----------------------------------------------------

fn node1_pod() -> Report {
    report(
        Some(numa_cpus(&[(0, &[0, 1, 2, 3]), (1, &[4, 5, 6, 7])])),
        with_mounts(
            hugepages("app", &[("1Gi", 2048), ("2Mi", 512)]),
            &[("/dev/hugepages", "2Mi"), ("/mnt/huge-1G", "1Gi")],
        ),
        vec![
            eth0(),
            pci(
                "net1",
                "default/sriov-a",
                "0000:d8:02.0",
                Some("vfio-pci"),
                Some(1),
            ),
            pci(
                "net2",
                "default/sriov-a",
                "0000:d8:02.1",
                Some("vfio-pci"),
                Some(1),
            ),
        ],
    )
}

#[test]
fn devices_on_node_1_with_cpus_on_both() {
    let r = node1_pod();
    let tail = [
        "--socket-mem=0,2048",
        "--huge-dir=/mnt/huge-1G",
        "--file-prefix=pod-1_app",
        "-a",
        "0000:d8:02.0",
        "-a",
        "0000:d8:02.1",
    ];
    let expect = |cores: &[&str]| -> Vec<String> {
        cores.iter().chain(&tail).map(|s| (*s).to_owned()).collect()
    };
    // Every CPU by default.
    assert_eq!(argv(&r, &opts()), expect(&["-l", "0-7", "--main-lcore=0"]));
    // Four lcores: the main lcore on the lowest CPU, workers on node 1.
    assert_eq!(
        argv(&r, &opts().lcore_count(4)),
        expect(&["-l", "0,4-6", "--main-lcore=0"])
    );
    // The main lcore chosen on node 1 as well.
    assert_eq!(
        argv(&r, &opts().lcore_count(3).main_cpu(7)),
        expect(&["-l", "4-5,7", "--main-lcore=7"])
    );
    // More workers than node 1 has: the rest from node 0.
    assert_eq!(
        argv(&r, &opts().lcore_count(6)),
        expect(&["-l", "0-1,4-7", "--main-lcore=0"])
    );
}

#[test]
fn devices_on_node_1_choose_page_size() {
    let r = node1_pod();
    assert_eq!(
        argv(&r, &opts().lcore_count(2).page_size(size("2Mi"))),
        [
            "-l",
            "0,4",
            "--main-lcore=0",
            "--socket-mem=0,512",
            "--huge-dir=/dev/hugepages",
            "--file-prefix=pod-1_app",
            "-a",
            "0000:d8:02.0",
            "-a",
            "0000:d8:02.1"
        ]
    );
}

#[test]
fn devices_on_node_1_without_pod_cpus_there() {
    let mut r = node1_pod();
    r.cpus = Some(numa_cpus(&[(0, &[0, 1, 2, 3])]));
    let eal = run(&r, &opts());
    assert_eq!(eal.args[..3], ["-l", "0-3", "--main-lcore=0"]);
    assert!(has_warning(
        &eal,
        "no CPU of the pod is on the devices' NUMA node 1"
    ));
}

#[test]
fn cpu_numa_unknown_with_fewer_lcores() {
    let mut r = node1_pod();
    r.cpus = Some(cpus(&[0, 1, 2, 3, 4, 5, 6, 7]));
    let eal = run(&r, &opts().lcore_count(3));
    assert_eq!(eal.args[..3], ["-l", "0-2", "--main-lcore=0"]);
    assert!(has_warning(
        &eal,
        "NUMA nodes of the pod's CPUs are unknown"
    ));
}

#[test]
fn two_numa_nodes_with_devices_on_both() {
    let r = report(
        Some(numa_cpus(&[(0, &[2, 3]), (1, &[34, 35])])),
        with_mounts(
            hugepages("app", &[("1Gi", 4096)]),
            &[("/dev/hugepages", "1Gi")],
        ),
        vec![
            eth0(),
            pci(
                "net1",
                "default/a",
                "0000:3b:02.0",
                Some("vfio-pci"),
                Some(0),
            ),
            pci(
                "net2",
                "default/b",
                "0000:d8:02.0",
                Some("vfio-pci"),
                Some(1),
            ),
        ],
    );
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        [
            "-l",
            "2-3,34-35",
            "--main-lcore=2",
            "--socket-mem=2048,2048",
            "--huge-dir=/dev/hugepages",
            "--file-prefix=pod-1_app",
            "-a",
            "0000:3b:02.0",
            "-a",
            "0000:d8:02.0"
        ]
    );
    assert_eq!(eal.warnings.len(), 1, "{:?}", eal.warnings);
    assert!(has_warning(&eal, "the devices are on NUMA nodes 0, 1"));

    // 3 GiB of 1 GiB pages cannot split evenly: whole pages, the extra one
    // on node 0.
    let mut r3 = r.clone();
    r3.hugepages = with_mounts(
        hugepages("app", &[("1Gi", 3072)]),
        &[("/dev/hugepages", "1Gi")],
    );
    let eal = run(&r3, &opts());
    assert!(eal.args.contains(&"--socket-mem=2048,1024".to_owned()));
    assert!(has_warning(&eal, "do not split evenly"));

    // 2 MiB pages split in whole pages too.
    let mut r2 = r.clone();
    r2.hugepages = hugepages("app", &[("2Mi", 1026)]);
    let eal = run(&r2, &opts());
    assert!(
        eal.args.contains(&"--socket-mem=514,512".to_owned()),
        "{:?}",
        eal.args
    );

    // One device with an unknown node next to one on node 1.
    let mut r4 = r;
    r4.interfaces[1].pci_device = None;
    let eal = run(&r4, &opts());
    assert!(eal.args.contains(&"--socket-mem=0,4096".to_owned()));
    assert!(has_warning(
        &eal,
        "net1 (default/a): NUMA node unknown; memory and lcores follow the other devices (node 1)"
    ));
}

/// Issue 16, item 15: one warning per device whose NUMA node is unknown,
/// each naming that device only, at most MAX_WARNINGS_PER_SOURCE listed.
#[test]
fn one_numa_warning_per_device_of_unknown_node() {
    let mut ifaces = vec![
        eth0(),
        pci(
            "net1",
            "default/a",
            "0000:3b:02.0",
            Some("vfio-pci"),
            Some(0),
        ),
    ];
    let count = MAX_WARNINGS_PER_SOURCE + 3;
    for i in 0..count {
        ifaces.push(pci(
            &format!("net{}", i + 2),
            "default/b",
            &format!("0000:af:{:02x}.{}", 2 + i / 8, i % 8),
            Some("vfio-pci"),
            None,
        ));
    }
    let two = report(
        Some(cpus(&[2, 3])),
        hugepages("app", &[("2Mi", 1024)]),
        ifaces[..4].to_vec(),
    );
    let eal = run(&two, &opts());
    let numa: Vec<&String> = eal
        .warnings
        .iter()
        .filter(|w| w.contains("NUMA node unknown"))
        .collect();
    assert_eq!(
        numa,
        [
            "net2 (default/b): NUMA node unknown; memory and lcores follow the other devices (node 0)",
            "net3 (default/b): NUMA node unknown; memory and lcores follow the other devices (node 0)"
        ],
        "{:?}",
        eal.warnings
    );
    let many = report(
        Some(cpus(&[2, 3])),
        hugepages("app", &[("2Mi", 1024)]),
        ifaces,
    );
    let eal = run(&many, &opts());
    let numa: Vec<&String> = eal
        .warnings
        .iter()
        .filter(|w| w.contains("NUMA node unknown"))
        .collect();
    assert_eq!(numa.len(), MAX_WARNINGS_PER_SOURCE + 1, "{numa:?}");
    assert!(
        numa[..MAX_WARNINGS_PER_SOURCE]
            .iter()
            .all(|w| w.matches("net").count() == 1)
    );
    assert_eq!(
        numa[MAX_WARNINGS_PER_SOURCE].as_str(),
        "NUMA node unknown: 3 more devices not listed; memory and lcores follow the other devices (node 0)"
    );
}

#[test]
fn cpu_ids_above_max_lcore_are_mapped() {
    let r = report(
        Some(cpus(&[126, 127, 128, 129, 130, 131])),
        hugepages("app", &[("2Mi", 1024)]),
        vec![pci(
            "net1",
            "default/a",
            "0000:3b:02.0",
            Some("vfio-pci"),
            None,
        )],
    );
    let tail = [
        "-m",
        "1024",
        "--file-prefix=pod-1_app",
        "-a",
        "0000:3b:02.0",
    ];
    let expect = |cores: &[&str]| -> Vec<String> {
        cores.iter().chain(&tail).map(|s| (*s).to_owned()).collect()
    };
    assert_eq!(
        argv(&r, &opts()),
        expect(&[
            "--lcores=0@126,1@127,2@128,3@129,4@130,5@131",
            "--main-lcore=0"
        ])
    );
    // Two lcores from the top of the set.
    assert_eq!(
        argv(&r, &opts().lcore_count(2).main_cpu(130)),
        expect(&["--lcores=0@130,1@126", "--main-lcore=0"])
    );
    // Ids below the limit still use -l.
    assert_eq!(
        argv(&r, &opts().lcore_count(2)),
        expect(&["-l", "126-127", "--main-lcore=126"])
    );
    // A DPDK built with a larger RTE_MAX_LCORE.
    assert_eq!(
        argv(&r, &opts().max_lcore(256)),
        expect(&["-l", "126-131", "--main-lcore=126"])
    );
    // Old releases spell the main lcore differently in both forms.
    let eal = run(&r, &opts().version(DpdkVersion::new(20, 8)));
    assert_eq!(eal.args[1], "--master-lcore=0");
    // More lcores than RTE_MAX_LCORE allows.
    let eal = run(&r, &opts().max_lcore(4));
    assert_eq!(
        eal.args[..2],
        ["--lcores=0@126,1@127,2@128,3@129", "--main-lcore=0"]
    );
    assert!(has_warning(&eal, "exceed the maximum lcore count 4"));
}

#[test]
fn shared_cpus_and_too_few_cpus_warn() {
    let mut r = plain(vec![pci("net1", "default/a", "0000:3b:02.0", None, None)]);
    if let Some(c) = r.cpus.as_mut() {
        c.exclusive = Some(false);
    }
    let eal = run(&r, &opts().lcore_count(8));
    assert_eq!(eal.args, with_base(&["-a", "0000:3b:02.0"]));
    assert_eq!(eal.warnings.len(), 2, "{:?}", eal.warnings);
    assert!(has_warning(&eal, "no dedicated CPUs"));
    assert!(has_warning(
        &eal,
        "8 lcores asked for but the pod has 4 CPUs (2-5); using 4"
    ));
}

#[test]
fn cpus_unknown() {
    let mut r = plain(vec![pci("net1", "default/a", "0000:3b:02.0", None, None)]);
    r.cpus = None;
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        [
            "-m",
            "1024",
            "--file-prefix=pod-1_app",
            "-a",
            "0000:3b:02.0"
        ]
    );
    assert!(has_warning(&eal, "the pod's CPUs are unknown"));
    assert!(matches!(
        eal_args(&r, &opts().main_cpu(3)),
        Err(DpdkError::InvalidOption(_))
    ));
}

#[test]
fn main_cpu_outside_the_set() {
    let r = plain(vec![]);
    let err = eal_args(&r, &opts().main_cpu(9)).unwrap_err();
    assert!(matches!(err, DpdkError::MainCpuNotInSet { cpu: 9, .. }));
    assert_eq!(
        err.to_string(),
        "main CPU 9 is not one of the pod's CPUs (2-5)"
    );
    let eal = run(&r, &opts().main_cpu(4).lcore_count(2));
    assert_eq!(eal.args[..3], ["-l", "2,4", "--main-lcore=4"]);
}

// ---- memory ----------------------------------------------------------

#[test]
fn no_hugepages_granted() {
    let mut r = plain(vec![memif("net1", Some("slave"), None, "/run/m.sock")]);
    r.hugepages = Hugepages {
        container: Some("app".to_owned()),
        ..Hugepages::default()
    };
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        [
            "-l",
            "2-5",
            "--main-lcore=2",
            "--file-prefix=pod-1_app",
            "--vdev=net_memif0,socket=/run/m.sock,role=client,socket-abstract=no",
            "--no-pci"
        ]
    );
    assert_eq!(eal.warnings.len(), 1, "{:?}", eal.warnings);
    assert!(has_warning(
        &eal,
        "no hugepages are granted to this container"
    ));

    // --no-huge asked for: no warning, -m only when given.
    assert_eq!(
        argv(&r, &opts().no_huge(true))[..4],
        ["-l", "2-5", "--main-lcore=2", "--no-huge"]
    );
    let a = argv(&r, &opts().no_huge(true).memory_mib(256));
    assert_eq!(a[3..6], ["--no-huge", "-m", "256"]);

    // A memory amount without a grant: used as given.
    let eal = run(&r, &opts().memory_mib(512));
    assert_eq!(eal.args[3..5], ["-m", "512"]);
    assert!(eal.warnings.is_empty(), "{:?}", eal.warnings);
}

#[test]
fn no_huge_ignores_the_grant_and_numa() {
    let r = node1_pod();
    let a = argv(&r, &opts().no_huge(true).lcore_count(2));
    assert_eq!(
        a,
        [
            "-l",
            "0,4",
            "--main-lcore=0",
            "--no-huge",
            "--file-prefix=pod-1_app",
            "-a",
            "0000:d8:02.0",
            "-a",
            "0000:d8:02.1"
        ]
    );
}

#[test]
fn hugetlb_cgroup_limit_when_no_downward_files() {
    let mut r = plain(vec![pci(
        "net1",
        "default/a",
        "0000:3b:02.0",
        None,
        Some(0),
    )]);
    r.hugepages = Hugepages {
        container: Some("app".to_owned()),
        cgroup_limit_mib: [(size("2Mi"), 0), (size("1Gi"), 4096)]
            .into_iter()
            .collect(),
        mounts: vec![HugetlbfsMount {
            path: "/hugepages-2Mi".to_owned(),
            page_size: size("2Mi"),
        }],
        ..Hugepages::default()
    };
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        [
            "-l",
            "2-5",
            "--main-lcore=2",
            "--socket-mem=4096",
            "--file-prefix=pod-1_app",
            "-a",
            "0000:3b:02.0"
        ]
    );
    assert_eq!(eal.warnings.len(), 1, "{:?}", eal.warnings);
    assert!(has_warning(
        &eal,
        "no hugetlbfs mount of page size 1Gi (mounted: /hugepages-2Mi 2Mi)"
    ));
}

#[test]
fn legacy_unspecified_grant() {
    let mut r = plain(vec![]);
    r.hugepages = with_mounts(
        hugepages("", &[("unspecified", 1024)]),
        &[("/dev/hugepages", "2Mi")],
    );
    r.hugepages.container = None;
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        [
            "-l",
            "2-5",
            "--main-lcore=2",
            "-m",
            "1024",
            "--file-prefix=pod-1",
            "--no-pci"
        ]
    );
    assert!(has_warning(
        &eal,
        "legacy hugepages_request/hugepages_limit files"
    ));
    // A sized grant wins over the legacy one.
    r.hugepages = hugepages("app", &[("unspecified", 1024), ("2Mi", 256)]);
    let eal = run(&r, &opts());
    assert_eq!(eal.args[3..5], ["-m", "256"]);
}

#[test]
fn container_name_unknown_or_unlisted() {
    let mut r = plain(vec![]);
    r.hugepages.container = None;
    let eal = run(&r, &opts());
    assert_eq!(eal.args[3..6], ["-m", "1024", "--file-prefix=pod-1"]);
    assert!(has_warning(
        &eal,
        "CONTAINER_NAME is not set: using the hugepage files of container app"
    ));

    let mut two = r.clone();
    two.hugepages.containers.push(ContainerHugepages {
        name: "sidecar".to_owned(),
        ..ContainerHugepages::default()
    });
    let eal = run(&two, &opts());
    assert!(!eal.args.contains(&"-m".to_owned()));
    assert!(has_warning(
        &eal,
        "the hugepage files name containers app, sidecar: not used"
    ));

    let mut other = r;
    other.hugepages.container = Some("web".to_owned());
    let eal = run(&other, &opts());
    assert!(!eal.args.contains(&"-m".to_owned()));
    assert!(has_warning(
        &eal,
        "name container app but not this one (web)"
    ));
}

#[test]
fn memory_override_and_page_rounding() {
    let r = plain(vec![]);
    let eal = run(&r, &opts().memory_mib(2048));
    assert_eq!(eal.args[3..5], ["-m", "2048"]);
    assert!(has_warning(
        &eal,
        "2048 MiB of hugepage memory asked for but 1024 MiB granted"
    ));

    let eal = run(&r, &opts().memory_mib(1023));
    assert_eq!(eal.args[3..5], ["-m", "1022"]);
    assert!(has_warning(
        &eal,
        "1023 MiB is not a whole number of 2 MiB pages; using 1022 MiB"
    ));

    // An explicit page size that is not granted.
    let eal = run(&r, &opts().page_size(size("1Gi")));
    assert!(!eal.args.contains(&"-m".to_owned()));
    assert!(has_warning(
        &eal,
        "no 1Gi hugepages are granted to this container (granted: 2Mi: 1024 MiB)"
    ));
}

#[test]
fn huge_dir_in_memory_and_single_file_segments() {
    let r = plain(vec![vhost("net1", Some("client"), "/run/v.sock")]);
    assert_eq!(
        argv(&r, &opts().huge_dir("/mnt/huge").in_memory(true)),
        [
            "-l",
            "2-5",
            "--main-lcore=2",
            "-m",
            "1024",
            "--huge-dir=/mnt/huge",
            "--single-file-segments",
            "--in-memory",
            "--vdev=virtio_user0,path=/run/v.sock",
            "--no-pci"
        ]
    );
    let eal = run(
        &r,
        &opts().in_memory(true).version(DpdkVersion::new(17, 11)),
    );
    assert!(has_warning(&eal, "--in-memory exists since DPDK 18.08"));
}

/// Issue 16, item 7: `--no-huge` with `--in-memory` is refused by EAL
/// (`--legacy-mem is not compatible with --in-memory`): `--no-shconf`
/// instead, with a warning; an extra argument that makes a pair EAL
/// refuses is a warning naming both.
#[test]
fn in_memory_without_hugepages_is_no_shconf() {
    let r = plain(vec![]);
    let eal = run(&r, &opts().no_huge(true).in_memory(true).memory_mib(64));
    assert_eq!(
        eal.args,
        [
            "-l",
            "2-5",
            "--main-lcore=2",
            "--no-huge",
            "-m",
            "64",
            "--no-shconf",
            "--no-pci"
        ]
    );
    assert!(has_warning(&eal, "--in-memory cannot go with --no-huge"));
    let extra = opts().in_memory(true).extra_args(["--no-huge".to_owned()]);
    let eal = run(&r, &extra);
    assert!(
        !eal.args.contains(&"--in-memory".to_owned()),
        "{:?}",
        eal.args
    );
    assert!(eal.args.contains(&"--no-shconf".to_owned()));
    let eal = run(
        &r,
        &opts()
            .no_huge(true)
            .extra_args(["--socket-mem=64".to_owned()]),
    );
    assert!(has_warning(
        &eal,
        "the EAL arguments --no-huge and --socket-mem=64 conflict"
    ));
    let eal = run(
        &r,
        &opts()
            .extra_args(["--legacy-mem".to_owned()])
            .in_memory(true),
    );
    assert!(has_warning(
        &eal,
        "the EAL arguments --legacy-mem and --in-memory conflict"
    ));
}

// ---- file prefix and extra arguments -------------------------------------

#[test]
fn file_prefix_derivation() {
    assert_eq!(
        derive_file_prefix(Some("dpdk-app-7d4b9c6f58-q8w2n"), Some("app")).as_deref(),
        Some("dpdk-app-7d4b9c6f58-q8w2n_app")
    );
    assert_eq!(
        derive_file_prefix(None, Some("app")).as_deref(),
        Some("app")
    );
    assert_eq!(derive_file_prefix(Some(" h "), None).as_deref(), Some("h"));
    assert_eq!(
        derive_file_prefix(Some("a%b/c d"), Some("x:y")).as_deref(),
        Some("a-b-c-d_x-y")
    );
    assert_eq!(derive_file_prefix(None, Some("")), None);
    let long = "a".repeat(60);
    let p = derive_file_prefix(Some(&long), Some("app")).unwrap();
    assert_eq!(p.len(), MAX_PREFIX);
    assert!(p.starts_with(&"a".repeat(31)));
    let other = derive_file_prefix(Some(&long), Some("app2")).unwrap();
    assert_ne!(p, other);

    let mut r = plain(vec![]);
    r.hugepages.container = None;
    r.hugepages.containers.clear();
    let eal = run(&r, &DpdkOptions::new());
    assert!(!eal.args.iter().any(|a| a.starts_with("--file-prefix")));
    assert!(has_warning(&eal, "no --file-prefix"));
}

/// A derived prefix is a safe file name whatever the host name holds.
#[test]
fn file_prefix_is_a_safe_file_name() {
    for (host, want) in [
        ("..", Some("app")),
        (".", Some("app")),
        ("../../etc", Some("-..-etc_app")),
        (".hidden", Some("hidden_app")),
        ("...x", Some("x_app")),
        ("a/../b", Some("a-..-b_app")),
        ("tab\there", Some("tab-here_app")),
        ("nul\0byte", Some("nul-byte_app")),
        ("\u{1b}[31mred", Some("--31mred_app")),
        ("pod\nname", Some("pod-name_app")),
        ("é", Some("-_app")),
    ] {
        assert_eq!(
            derive_file_prefix(Some(host), Some("app")).as_deref(),
            want,
            "{host:?}"
        );
    }
    assert_eq!(derive_file_prefix(Some(".."), Some("..")), None);
    assert_eq!(derive_file_prefix(Some(".."), None), None);
    // Every derived prefix passes the check a given prefix must pass.
    for host in ["..", "a b", "x/y", "%p", "\u{7f}", ".a.", "-"] {
        if let Some(p) = derive_file_prefix(Some(host), Some("c")) {
            assert!(options::check_file_prefix(&p).is_ok(), "{p:?}");
            assert!(!p.starts_with('.'), "{p:?}");
        }
    }
}

/// The host name comes from the options, else the report's `pod`; an
/// unusable one is passed over with a warning.
#[test]
fn file_prefix_from_the_reports_pod_identity() {
    let mut r = plain(vec![]);
    let prefix = |r: &Report, o: &DpdkOptions| {
        let eal = run(r, o);
        let p = eal
            .args
            .iter()
            .find_map(|a| a.strip_prefix("--file-prefix=").map(str::to_owned));
        (p, eal.warnings)
    };
    assert_eq!(prefix(&r, &DpdkOptions::new()).0.as_deref(), Some("app"));
    r.pod.name = Some("web-0".to_owned());
    assert_eq!(
        prefix(&r, &DpdkOptions::new()).0.as_deref(),
        Some("web-0_app")
    );
    r.pod.hostname = Some("web-0.svc".to_owned());
    assert_eq!(
        prefix(&r, &DpdkOptions::new()).0.as_deref(),
        Some("web-0.svc_app")
    );
    assert_eq!(prefix(&r, &opts()).0.as_deref(), Some("pod-1_app"));
    // HOSTNAME=.. must never give --file-prefix=..: the pod name is used.
    r.pod.hostname = Some("..".to_owned());
    let (p, w) = prefix(&r, &DpdkOptions::new());
    assert_eq!(p.as_deref(), Some("web-0_app"));
    assert!(w.iter().any(|m| m.contains("\"..\"")), "{w:?}");
    r.pod.name = None;
    assert_eq!(prefix(&r, &DpdkOptions::new()).0.as_deref(), Some("app"));
    // The report read back from its JSON gives the same prefix.
    r.pod.hostname = Some("dpdk-app-6f9c7d5b8-x2kqv".to_owned());
    let back = Report::from_json(&r.to_json()).unwrap();
    assert_eq!(
        run(&back, &DpdkOptions::new()).args,
        run(&r, &DpdkOptions::new()).args
    );
    // A report saved before `pod` existed reads back with it unknown.
    let mut old: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    old.as_object_mut().unwrap().remove("pod");
    let old = Report::from_json(&old.to_string()).unwrap();
    assert_eq!(old.pod, crate::report::PodIdentity::default());
}

#[test]
fn file_prefix_option() {
    let r = plain(vec![]);
    let a = run(&r, &opts().file_prefix("mine")).args;
    assert_eq!(a[5], "--file-prefix=mine");
    for bad in ["a%d", "a/b", "", "a b", ".", ".."] {
        assert!(
            matches!(
                eal_args(&r, &opts().file_prefix(bad)),
                Err(DpdkError::InvalidFilePrefix { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn invalid_options() {
    let r = plain(vec![]);
    for o in [
        opts().lcore_count(0),
        opts().max_lcore(0),
        opts().memory_mib(0),
        opts().network(" "),
        opts().interface(""),
        opts().devargs("", "x=1"),
        opts().devargs("net1", ","),
        opts().huge_dir(""),
    ] {
        assert!(
            matches!(eal_args(&r, &o), Err(DpdkError::InvalidOption(_))),
            "{o:?}"
        );
    }
}

#[test]
fn extra_args_replace_derived_ones() {
    let r = plain(vec![pci("net1", "default/a", "0000:3b:02.0", None, None)]);
    assert_eq!(
        argv(
            &r,
            &opts().extra_args([
                "-l",
                "3-4",
                "--file-prefix",
                "x",
                "--socket-mem=64",
                "--huge-dir=/h"
            ])
        ),
        [
            "-a",
            "0000:3b:02.0",
            "-l",
            "3-4",
            "--file-prefix",
            "x",
            "--socket-mem=64",
            "--huge-dir=/h"
        ]
    );
    assert_eq!(
        argv(
            &r,
            &opts().extra_args(["--lcores=0@2,1@3", "-m512", "--log-level=8"])
        ),
        [
            "--file-prefix=pod-1_app",
            "-a",
            "0000:3b:02.0",
            "--lcores=0@2,1@3",
            "-m512",
            "--log-level=8"
        ]
    );
    // User devices next to a vdev-only pod: no --no-pci.
    let m = plain(vec![memif("net1", Some("slave"), None, "/run/m.sock")]);
    let a = argv(&m, &opts().extra_args(["-a", "0000:af:00.0"]));
    assert!(!a.contains(&"--no-pci".to_owned()), "{a:?}");
    let a = argv(&m, &opts().extra_arg("--no-pci"));
    assert_eq!(a.iter().filter(|x| *x == "--no-pci").count(), 1);
    // --no-huge among the extra arguments drops the hugepage amount.
    let a = argv(&m, &opts().extra_arg("--no-huge"));
    assert!(!a.contains(&"-m".to_owned()), "{a:?}");
}

/// An option that an extra argument replaces is a warning, not silence
/// (issue 16): the extra argument wins and says so.
#[test]
fn options_replaced_by_extra_args_are_warned_about() {
    let r = plain(vec![pci("net1", "default/a", "0000:3b:02.0", None, None)]);
    for lcores in [
        &["-l", "3-4"][..],
        &["-l3-4"],
        &["--lcores=0@2,1@3"],
        &["-c", "0x18"],
        &["--main-lcore=3"],
        &["--master-lcore", "3"],
    ] {
        let eal = run(
            &r,
            &opts()
                .main_cpu(3)
                .lcore_count(2)
                .extra_args(lcores.iter().copied()),
        );
        assert_eq!(
            eal.warnings,
            [
                format!(
                    "the main CPU 3 is not used: the extra EAL argument {} chooses the lcores",
                    lcores[0]
                ),
                format!(
                    "the lcore count 2 is not used: the extra EAL argument {} chooses the lcores",
                    lcores[0]
                ),
            ],
            "{lcores:?}"
        );
        assert!(
            !eal.args
                .iter()
                .any(|a| a.starts_with("--main-lcore=") && a != lcores[0])
        );
    }
    let eal = run(
        &r,
        &opts()
            .memory_mib(256)
            .huge_dir("/mnt/h")
            .file_prefix("mine")
            .extra_args(["-m512", "--huge-dir=/h", "--file-prefix", "x"]),
    );
    assert_eq!(
        eal.warnings,
        [
            "the memory amount 256 MiB is not used: the extra EAL argument -m512 sets the memory",
            "the hugetlbfs directory /mnt/h is not used: the extra EAL argument --huge-dir=/h sets it",
            "the file prefix mine is not used: the extra EAL argument --file-prefix sets it",
        ]
    );
    // Extra arguments that replace nothing the options set: no warning.
    assert!(
        run(&r, &opts().extra_args(["-l", "3-4", "-m512"]))
            .warnings
            .is_empty()
    );
    assert!(
        run(&r, &opts().main_cpu(3).extra_arg("--log-level=8"))
            .warnings
            .is_empty()
    );
}

#[test]
fn no_element_holds_a_flag_and_a_value() {
    let r = family_pod();
    for v in [None, Some("20.08"), Some("25.07")] {
        for a in family(v).args {
            assert!(!a.contains(' '), "{a:?}");
        }
    }
    let eal = run(&r, &opts().lcore_count(2));
    for a in &eal.args {
        assert!(!a.starts_with(' ') && !a.ends_with(' '), "{a:?}");
    }
}

// ---- whole pods from fixtures -------------------------------------------

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(name)
}

fn from_fixture(name: &str, dpdk: DpdkOptions) -> EalArgs {
    let opts = Options::new().root(fixture(name)).dpdk(dpdk);
    collect_eal_args(&opts).unwrap().1
}

#[test]
fn fixture_memif_master() {
    let eal = from_fixture("devinfo_memif", DpdkOptions::new());
    assert_eq!(
        eal.args,
        [
            "-l",
            "4-7",
            "--main-lcore=4",
            "--file-prefix=dpdk-app-6f9c7d5b8-x2kqv",
            "--vdev=net_memif0,socket=/var/lib/cni/usrspcni/memif-5d2e8c1f0a9b-net1.sock,role=server,socket-abstract=no",
            "--no-pci"
        ]
    );
    assert_eq!(eal.warnings.len(), 1, "{:?}", eal.warnings);
    assert!(has_warning(&eal, "no hugepages are granted"));
}

#[test]
fn fixture_vhost_user_server_and_memif_slave() {
    let eal = from_fixture("devinfo_vhostuser_server_memif_slave", DpdkOptions::new());
    assert_eq!(
        eal.args,
        [
            "-l",
            "4-7",
            "--main-lcore=4",
            "--file-prefix=dpdk-app-7d4b9c6f58-q8w2n",
            "--single-file-segments",
            "--vdev=virtio_user0,path=/var/lib/cni/usrspcni/3f2a9c1d7e0b-net1,server=1",
            "--vdev=net_memif0,socket=/var/lib/cni/usrspcni/memif-3f2a9c1d7e0b-net2.sock,role=client,socket-abstract=no",
            "--no-pci"
        ]
    );
    // The same pod for DPDK 20.08.
    let eal = from_fixture(
        "devinfo_vhostuser_server_memif_slave",
        DpdkOptions::new().version(DpdkVersion::new(20, 8)),
    );
    assert_eq!(eal.args[..3], ["-l", "4-7", "--master-lcore=4"]);
    assert_eq!(
        eal.args[6],
        "--vdev=net_memif0,socket=/var/lib/cni/usrspcni/memif-3f2a9c1d7e0b-net2.sock,role=slave"
    );
}

#[test]
fn fixture_sriov_pci_and_subfunction() {
    let eal = from_fixture("sample_deviceinfo_pci", DpdkOptions::new().memory_mib(1024));
    assert_eq!(
        eal.args,
        [
            "-l",
            "4-7",
            "--main-lcore=4",
            "-m",
            "1024",
            "--file-prefix=dpdk-app-6f9c7d5b8-x2kqv_dpdk-app",
            "-a",
            "0000:01:02.5",
            "-a",
            "0000:01:0a.4"
        ]
    );
    assert!(eal.warnings.is_empty(), "{:?}", eal.warnings);
    let eal = from_fixture(
        "auxiliary_subfunction_env",
        DpdkOptions::new().no_huge(true),
    );
    assert_eq!(
        eal.args,
        [
            "-l",
            "8-11",
            "--main-lcore=8",
            "--no-huge",
            "--file-prefix=dpdk-app-7d4b9c6f58-q8w2n",
            "-a",
            "auxiliary:mlx5_core.sf.4",
            "--no-pci"
        ]
    );
}

#[test]
fn fixture_hugepages_of_this_container_only() {
    // dpdk-app has 2048 MiB of 1Gi and 512 MiB of 2Mi pages; the sidecar
    // has less of both. The pod mounts a 1 GiB hugetlbfs at /dev/hugepages.
    let eal = from_fixture("hugepages_two_containers", DpdkOptions::new().hostname("h"));
    assert_eq!(
        eal.args[3..7],
        [
            "-m",
            "2048",
            "--huge-dir=/dev/hugepages",
            "--file-prefix=h_dpdk-app"
        ]
    );
    let eal = from_fixture(
        "hugepages_two_containers",
        DpdkOptions::new().page_size(size("2Mi")),
    );
    assert_eq!(eal.args[3..5], ["-m", "512"]);
}

// ---- hostile values (issue 11) -------------------------------------------

/// Every devargs value taken from the pod that holds a character DPDK's
/// kvargs would read as syntax, or a control character, leaves its device
/// out with a warning naming the device and the character; the other
/// devices keep their exact arguments.
#[test]
fn pod_devargs_values_with_syntax_characters_are_refused() {
    let cases = [
        ("/x/net1=path=/tmp/attacker.sock", "'='"),
        ("/x/a,server=1", "a comma"),
        ("/x/[a", "'['"),
        ("/x/a]", "']'"),
        ("/x/a\nb", "a newline"),
        ("/x/a\0-d/tmp/evil.so", "a NUL byte"),
        ("/x/a\u{1b}[31m", "the control character U+001B"),
        ("/x/a\u{7f}", "the control character U+007F"),
        ("/x/a\u{85}", "the control character U+0085"),
    ];
    for (path, what) in cases {
        let mut bad_vdpa = vdpa("net2", Some("vhost"), Some(path));
        bad_vdpa.interface = Some("net2".to_owned());
        let r = plain(vec![
            vhost("net1", Some("client"), "/run/vhu/net1.sock"),
            vhost("net3", Some("server"), path),
            memif("net4", Some("master"), None, path),
            bad_vdpa,
        ]);
        let eal = run(&r, &opts());
        assert_eq!(
            eal.args,
            with_base(&[
                "--single-file-segments",
                "--vdev=virtio_user0,path=/run/vhu/net1.sock",
                "--no-pci"
            ]),
            "{path:?}"
        );
        for name in [
            "net3 (default/vhost-net)",
            "net4 (default/memif-net)",
            "net2",
        ] {
            assert!(
                eal.warnings.iter().any(|w| w.starts_with(name)
                    && w.contains(&format!(
                        "contains {what}, which devargs cannot carry; left out"
                    ))),
                "{name} {path:?}: {:?}",
                eal.warnings
            );
        }
        assert!(eal.args.iter().all(|a| !a.contains('\0')));
    }
}

/// Values the kvargs parser reads literally pass unchanged: spaces, `:`,
/// `;`, quotes, `%`, non-ASCII letters.
#[test]
fn pod_devargs_values_without_syntax_characters_pass() {
    let path = "/run/vhu/a b:c;d'e\"f%g\u{e9}.sock";
    let r = plain(vec![vhost("net1", Some("client"), path)]);
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        with_base(&[
            "--single-file-segments",
            &format!("--vdev=virtio_user0,path={path}"),
            "--no-pci"
        ])
    );
}

/// A saved report can hold anything where a PCI address or an auxiliary
/// device name belongs: it never reaches `-a`.
#[test]
fn saved_report_device_names_are_checked() {
    let mut bad_pci = pci("net1", "default/a", "0000:3b:02.4", Some("vfio-pci"), None);
    if let Some(p) = bad_pci.device_info.as_mut().and_then(|d| d.pci.as_mut()) {
        p.pci_address = Some("0000:3b:02.4,class=eth".to_owned());
    }
    let r = plain(vec![
        bad_pci,
        aux("mlx5_core.sf.4,representor=[0-65535]"),
        pci("net2", "default/b", "0000:3b:02.5", Some("vfio-pci"), None),
        aux("mlx5_core.sf.5"),
    ]);
    let eal = run(&r, &opts());
    assert_eq!(
        eal.args,
        with_base(&["-a", "0000:3b:02.5", "-a", "auxiliary:mlx5_core.sf.5"])
    );
    assert!(has_warning(&eal, "is not a PCI address; left out"));
    assert!(has_warning(
        &eal,
        "is not an auxiliary device name; left out"
    ));
}

/// The user's own devargs and extra arguments are passed as given, `=`
/// and `[` included; a NUL byte in any of them is an error.
#[test]
fn user_values_pass_as_given_except_nul() {
    let r = plain(vec![pci(
        "net1",
        "default/a",
        "0000:3b:02.4",
        Some("vfio-pci"),
        None,
    )]);
    let o = opts()
        .devargs("net1", "representor=[0-3],x=y=z")
        .extra_arg("--log-level=lib.eal:debug");
    assert_eq!(
        argv(&r, &o),
        with_base(&[
            "-a",
            "0000:3b:02.4,representor=[0-3],x=y=z",
            "--log-level=lib.eal:debug"
        ])
    );
    for bad in [
        opts().extra_arg("-d\0/tmp/evil.so"),
        opts().devargs("net1", "a=1\0b"),
        opts().huge_dir("/mnt/h\0uge"),
        opts().interface("net1\0"),
    ] {
        let e = eal_args(&r, &bad).unwrap_err().to_string();
        assert!(e.contains("NUL byte"), "{e}");
    }
}

/// A hugetlbfs mount point with a newline, NUL or other control character
/// (mountinfo escapes them as `\012`, `\000`) is never passed.
#[test]
fn huge_dir_with_control_characters_is_refused() {
    for (path, what) in [
        ("/dev/huge\npages", "a newline"),
        ("/dev/huge\0-d/tmp/evil.so", "a NUL byte"),
        ("/dev/huge\tpages", "the control character U+0009"),
    ] {
        let r = report(
            Some(cpus(&[2, 3])),
            with_mounts(hugepages("app", &[("2Mi", 512)]), &[(path, "2Mi")]),
            vec![eth0()],
        );
        let eal = run(&r, &opts());
        assert_eq!(
            eal.args,
            [
                "-l",
                "2-3",
                "--main-lcore=2",
                "-m",
                "512",
                "--file-prefix=pod-1_app",
                "--no-pci"
            ]
        );
        assert!(
            has_warning(
                &eal,
                &format!("contains {what}, which no argument may carry")
            ),
            "{:?}",
            eal.warnings
        );
    }
    // A mount point with a comma or '=' is an ordinary path here.
    let r = report(
        Some(cpus(&[2, 3])),
        with_mounts(
            hugepages("app", &[("2Mi", 512)]),
            &[("/dev/huge,x=1", "2Mi")],
        ),
        vec![eth0()],
    );
    assert!(
        run(&r, &opts())
            .args
            .contains(&"--huge-dir=/dev/huge,x=1".to_owned())
    );
}

/// A NUMA node id from a saved report beyond what a kernel can have is an
/// unknown node: no `--socket-mem` list of four billion entries.
#[test]
fn huge_numa_node_is_unknown() {
    for node in [MAX_NUMA_NODES, u32::MAX] {
        let r = plain(vec![pci(
            "net1",
            "default/a",
            "0000:3b:02.4",
            Some("vfio-pci"),
            Some(node),
        )]);
        let eal = run(&r, &opts());
        assert_eq!(eal.args, with_base(&["-a", "0000:3b:02.4"]));
        assert!(has_warning(&eal, &format!("NUMA node {node} is beyond")));
    }
    // The largest valid node still gets its list.
    let r = plain(vec![pci(
        "net1",
        "default/a",
        "0000:3b:02.4",
        Some("vfio-pci"),
        Some(MAX_NUMA_NODES - 1),
    )]);
    let eal = run(&r, &opts());
    let mem = eal
        .args
        .iter()
        .find(|a| a.starts_with("--socket-mem="))
        .unwrap();
    assert_eq!(mem.split(',').count(), MAX_NUMA_NODES as usize);
    assert!(mem.ends_with(",1024"));
    // Nodes of the CPUs from a saved report beyond the bound are ignored.
    let mut r = plain(vec![pci(
        "net1",
        "default/a",
        "0000:3b:02.4",
        Some("vfio-pci"),
        Some(0),
    )]);
    r.cpus = Some(numa_cpus(&[(u32::MAX, &[2, 3]), (0, &[4, 5])]));
    let eal = run(&r, &opts());
    assert_eq!(&eal.args[..3], ["-l", "2-5", "--main-lcore=2"]);
}

/// A grant that no machine has gives a warning and no `-m`; the user's
/// own amount beyond EAL's `atoi()` is an error.
#[test]
fn memory_amounts_beyond_eal_are_refused() {
    for mib in [u64::MAX, MAX_MEMORY_MIB + 1] {
        let r = report(
            Some(cpus(&[2, 3])),
            hugepages("app", &[("2Mi", mib)]),
            vec![eth0()],
        );
        let eal = run(&r, &opts());
        assert_eq!(
            eal.args,
            [
                "-l",
                "2-3",
                "--main-lcore=2",
                "--file-prefix=pod-1_app",
                "--no-pci"
            ]
        );
        assert!(
            has_warning(&eal, "more than EAL can take"),
            "{:?}",
            eal.warnings
        );
    }
    let r = report(
        Some(cpus(&[2, 3])),
        hugepages("app", &[("1Mi", MAX_MEMORY_MIB)]),
        vec![eth0()],
    );
    assert!(run(&r, &opts()).args.contains(&MAX_MEMORY_MIB.to_string()));
    let e = eal_args(&r, &opts().memory_mib(MAX_MEMORY_MIB + 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("more than EAL can take"), "{e}");
}
