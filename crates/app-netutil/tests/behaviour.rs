//! Whole-pod behaviour beyond the per-case expectations: interface order
//! (contract rule 1), silence on clean pods, options.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};

use app_netutil::{LogLevel, Options, collect};

fn names(case: &str) -> Vec<Option<String>> {
    let r = collect(&Options::new().root(common::pods_dir().join(case))).unwrap();
    r.interfaces.into_iter().map(|i| i.interface).collect()
}

#[test]
fn order_network_status_then_userspace_then_device_plugin() {
    assert_eq!(
        names("interface_order_all_sources"),
        [
            Some("eth0".into()),
            Some("net1".into()),
            Some("net2".into()),
            None
        ]
    );
}

#[test]
fn order_follows_the_annotation() {
    let got = names("annotation_line_65536_bytes");
    let want: Vec<Option<String>> = std::iter::once(Some("eth0".to_owned()))
        .chain((1..=60).map(|n| Some(format!("net{n}"))))
        .collect();
    assert_eq!(got, want);
    // Nameless devices come last, in variable-name then listed order.
    assert_eq!(
        names("more_pci_than_interfaces"),
        [Some("eth0".into()), Some("net1".into()), None, None]
    );
    let r =
        collect(&Options::new().root(common::pods_dir().join("more_pci_than_interfaces"))).unwrap();
    let ids: Vec<_> = r.interfaces.iter().map(|i| i.device_id.clone()).collect();
    assert_eq!(
        ids,
        [
            None,
            Some("0000:18:02.2".into()),
            Some("0000:18:02.3".into()),
            Some("0000:18:02.4".into())
        ]
    );
}

#[test]
fn clean_pods_have_no_warnings() {
    for case in [
        "annotation_line_65535_bytes",
        "annotation_line_65536_bytes",
        "atomic_writer_layout",
        "atomic_writer_layout_hugepages",
        "auxiliary_subfunction_env",
        "cgroupv2_no_cpuset_file",
        "clean_full_pod",
        "cpuset_list_format",
        "crlf_line_endings",
        "default_interface_with_pci_devinfo",
        "devinfo_memif",
        "devinfo_pci_full",
        "devinfo_vdpa_representor",
        "devinfo_vhostuser",
        "devinfo_vhostuser_server_memif_slave",
        "empty_annotations_file",
        "empty_downward_dir_no_env",
        "huge_annotation_256_interfaces",
        "hugepages_any_size_32m",
        "hugepages_legacy_request_limit",
        "hugepages_two_containers",
        "network_status_compact_newer_fields",
        "networks_status_only_old_multus",
        "pci_address_without_domain",
        "pcidevice_info_env_current_shape",
        "sample_deviceinfo_pci",
        "sample_deviceinfo_vhost",
        "sample_no_networkstatus",
        "sample_userspace_no_deviceinfo",
        "sriov_env_only_no_annotations",
        "sysfs_kernel_vf_env_order",
        "userspace_cni1_result_absolute_socketfile",
        "userspace_vhostuser_mapped_dir",
        "value_with_equals_sign",
        "value_with_escaped_quotes",
        "value_with_spaces",
    ] {
        let r = collect(&Options::new().root(common::pods_dir().join(case))).unwrap();
        assert!(r.warnings.is_empty(), "{case}: {:?}", r.warnings);
    }
}

/// Issue 16, item 5: a pod without the downward-API volume says so, in one
/// warning that names the paths looked for and points at `doctor`; an
/// empty volume is not a missing one.
#[test]
fn a_missing_downward_api_volume_is_one_warning() {
    let r = collect(&Options::new().root(common::pods_dir().join("missing_downward_dir"))).unwrap();
    let details = r.warning_details();
    assert_eq!(details.len(), 1, "{:?}", r.warnings);
    assert_eq!(details[0].code, app_netutil::report::WarningCode::Missing);
    assert_eq!(details[0].subject, "/etc/podnetinfo");
    for part in ["/etc/podnetinfo", "/etc/podinfo", "app-netutil doctor"] {
        assert!(details[0].message.contains(part), "{}", details[0].message);
    }
    let empty = collect(&Options::new().root(common::pods_dir().join("empty_downward_dir_no_env")))
        .unwrap();
    assert!(empty.warnings.is_empty(), "{:?}", empty.warnings);
}

#[test]
fn podinfo_dir_override() {
    let pods = common::pods_dir();
    // The downward-API files of one case read with the rest of another.
    let r = collect(
        &Options::new()
            .root(pods.join("missing_downward_dir"))
            .podinfo_dir(pods.join("devinfo_memif/etc/podnetinfo")),
    )
    .unwrap();
    assert!(
        r.interfaces
            .iter()
            .any(|i| i.interface.as_deref() == Some("net1")
                && i.device_type == app_netutil::DeviceType::Memif)
    );
    let err = collect(
        &Options::new()
            .root(pods.join("missing_downward_dir"))
            .podinfo_dir(pods.join("no/such/dir")),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no/such/dir"), "{err}");
}

#[test]
fn bad_root_is_an_error() {
    let err = collect(&Options::new().root("/no/such/root")).unwrap_err();
    assert!(err.to_string().contains("/no/such/root"), "{err}");
}

#[test]
fn logger_receives_warnings_and_levels_filter() {
    let lines: Arc<Mutex<Vec<(LogLevel, String)>>> = Arc::default();
    let sink = Arc::clone(&lines);
    let opts = Options::new()
        .root(common::pods_dir().join("more_pci_than_interfaces"))
        .logger(
            LogLevel::Warning,
            Arc::new(move |l, m| sink.lock().unwrap().push((l, m.to_owned()))),
        );
    let r = collect(&opts).unwrap();
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), r.warnings.len());
    assert!(lines.iter().all(|(l, _)| *l == LogLevel::Warning));
    assert!(lines.iter().zip(&r.warnings).all(|((_, m), w)| m == w));
}

#[test]
fn live_root_reads_this_process() {
    // Collecting the real pod (this machine) works and reports the
    // affinity of this process.
    let r = collect(&Options::new()).unwrap();
    let cpus = r.cpus.expect("affinity readable");
    assert_eq!(cpus.source, app_netutil::CpuSource::Affinity);
    assert_eq!(
        cpus.list,
        app_netutil::internal::process_affinity().unwrap()
    );
}
