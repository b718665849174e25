use super::*;

#[test]
fn socket_paths() {
    assert_eq!(
        socket_path("/var/lib/cni/usrspcni/", "a"),
        "/var/lib/cni/usrspcni/a"
    );
    assert_eq!(
        socket_path("/var/lib/cni/usrspcni", "a"),
        "/var/lib/cni/usrspcni/a"
    );
    assert_eq!(socket_path("/x//", "/abs/s.sock"), "/abs/s.sock");
    assert_eq!(
        socket_path("/run/my pod/", "memif net2.sock"),
        "/run/my pod/memif net2.sock"
    );
}

#[test]
fn cni_0_4_and_1_0_results() {
    let data = br#"[{"containerId":"037ecb","ifName":"net1","name":"userspace-ovs-net-1",
      "config":{"engine":"ovs-dpdk","iftype":"vhostuser","netType":"interface","memif":{},
        "vhost":{"mode":"server","socketfile":"037ecb6703b0-net1"},"bridge":{}},
      "ipResult":{"cniVersion":"0.4.0","interfaces":[{"name":"net1","mac":"aa:bb:cc:dd:ee:ff","sandbox":"/proc/1/ns/net"}],
         "ips":[{"version":"4","address":"10.56.217.136/24"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.56.217.1"}],"dns":{}}},
      {"ifName":"net2","name":"vpp","config":{"iftype":"memif","memif":{"role":"slave","mode":"ethernet","socketfile":"memif-x-net2.sock"}},
       "ipResult":{"cniVersion":"1.0.0","ips":[{"interface":0,"address":"192.168.220.5/24"},{"address":"fd00:220::5/64"}]}}]"#;
    let mut w = Vec::new();
    let r = parse(data, Some("/var/lib/cni/usrspcni"), &mut w);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(r.len(), 2);
    let v = r[0]
        .device_info
        .as_ref()
        .unwrap()
        .vhost_user
        .as_ref()
        .unwrap();
    assert_eq!(v.mode.as_deref(), Some("server"));
    assert_eq!(
        v.path.as_deref(),
        Some("/var/lib/cni/usrspcni/037ecb6703b0-net1")
    );
    assert_eq!(v.group, None);
    assert_eq!(r[0].mac.as_deref(), Some("aa:bb:cc:dd:ee:ff"));
    assert_eq!(r[0].gateway, ["10.56.217.1"]);
    assert!(r[0].routes.is_empty());
    assert_eq!(r[1].ips, ["192.168.220.5/24", "fd00:220::5/64"]);
    let m = r[1].device_info.as_ref().unwrap().memif.as_ref().unwrap();
    assert_eq!(
        m.path.as_deref(),
        Some("/var/lib/cni/usrspcni/memif-x-net2.sock")
    );
}

#[test]
fn missing_mapped_dir_warns_once() {
    let data = br#"[{"ifName":"a","config":{"iftype":"vhostuser","vhost":{"socketfile":"s1"}}},
                     {"ifName":"b","config":{"iftype":"memif","memif":{"socketfile":"s2"}}}]"#;
    let mut w = Vec::new();
    let r = parse(data, None, &mut w);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        r[1].device_info
            .as_ref()
            .unwrap()
            .memif
            .as_ref()
            .unwrap()
            .path
            .as_deref(),
        Some("/var/lib/cni/usrspcni/s2")
    );
}

#[test]
fn bad_input() {
    let mut w = Vec::new();
    assert!(parse(b"[{", None, &mut w).is_empty());
    assert!(parse(b"3", None, &mut w).is_empty());
    let r = parse(
        br#"[1, {"ifName":"x","config":{"iftype":"tap"}}]"#,
        None,
        &mut w,
    );
    assert_eq!(r.len(), 1);
    assert!(r[0].device_info.is_none());
    assert_eq!(w.len(), 4, "{w:?}");
}

#[test]
fn result_macs_are_canonical_or_null_with_a_warning() {
    let data = br#"[{"ifName":"net1","config":{"iftype":"vhostuser","vhost":{"mode":"client","socketfile":"/s1"}},
       "ipResult":{"cniVersion":"1.0.0","interfaces":[{"name":"net1","mac":" 00:AA:BB:CC:DD:01","sandbox":"/proc/1/ns/net"}]}},
      {"ifName":"net2","config":{"iftype":"vhostuser","vhost":{"mode":"client","socketfile":"/s2"}},
       "ipResult":{"cniVersion":"1.0.0","interfaces":[{"name":"net2","mac":"00:ZZ:BB:CC:DD:01","sandbox":"/proc/1/ns/net"}]}}]"#;
    let mut w = Vec::new();
    let r = parse(data, Some("/d"), &mut w);
    assert_eq!(r[0].mac.as_deref(), Some("00:aa:bb:cc:dd:01"));
    assert_eq!(r[1].mac, None);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("00:ZZ:BB:CC:DD:01"), "{w:?}");
}

/// Go's decoder matches keys case-insensitively; the userspace CNI's own
/// test data (pkg/configdata/configdata_test.go) writes `"Name"`.
#[test]
fn keys_match_as_go_matches_them() {
    let data = br#"[{"Name":"Container New Name","ContainerId":"123-456-789-007","IfName":"eth7",
        "Config":{"IfType":"memif","Memif":{"Role":"master","SocketFile":"m.sock"}},
        "IPResult":{"IPs":[{"Address":"10.1.1.2/24"}],"Routes":[{"Dst":"10.2.0.0/16","GW":"10.1.1.1"}]}}]"#;
    let mut w = Vec::new();
    let r = parse(data, Some("/run/u"), &mut w);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].interface.as_deref(), Some("eth7"));
    assert_eq!(r[0].network.as_deref(), Some("Container New Name"));
    let m = r[0].device_info.as_ref().unwrap().memif.as_ref().unwrap();
    assert_eq!(m.role.as_deref(), Some("master"));
    assert_eq!(m.path.as_deref(), Some("/run/u/m.sock"));
    assert_eq!(r[0].ips, ["10.1.1.2/24"]);
    assert_eq!(
        r[0].routes,
        [Route::new("10.2.0.0/16", Some("10.1.1.1".to_owned()))]
    );
    // The last key that matches wins, whatever its case.
    let r = parse(
        br#"[{"ifName":"a","IFNAME":"b","config":{"iftype":"memif","memif":{"socketfile":"s"}}}]"#,
        Some("/d"),
        &mut w,
    );
    assert_eq!(r[0].interface.as_deref(), Some("b"));
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn an_entry_without_ifname_is_kept_only_for_its_device() {
    let data = br#"[{"name":"net-a","config":{"iftype":"vhostuser","vhost":{"mode":"client","socketfile":"s"}}},
                    {"name":"net-b","config":{"iftype":"memif","memif":{"role":"slave"}}},
                    {"name":"net-c"}]"#;
    let mut w = Vec::new();
    let r = parse(data, Some("/d"), &mut w);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].interface, None);
    assert_eq!(r[0].network.as_deref(), Some("net-a"));
    assert!(r[0].device_info.as_ref().unwrap().is_usable());
    assert_eq!(
        w.iter().filter(|m| m.contains("no \"ifName\"")).count(),
        3,
        "{w:?}"
    );
    assert!(w[0].contains("kept as a device"), "{w:?}");
}

#[test]
fn the_later_entry_for_an_interface_wins_with_one_warning() {
    let data = br#"[{"ifName":"net1","name":"old","config":{"iftype":"vhostuser","vhost":{"mode":"client","socketfile":"old"}}},
                    {"ifName":"net2","name":"b","config":{"iftype":"memif","memif":{"socketfile":"m"}}},
                    {"ifName":"net1","name":"new","config":{"iftype":"vhostuser","vhost":{"mode":"server","socketfile":"new"}}}]"#;
    let mut w = Vec::new();
    let r = parse(data, Some("/d/"), &mut w);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].interface.as_deref(), Some("net2"));
    assert_eq!(r[1].interface.as_deref(), Some("net1"));
    assert_eq!(r[1].network.as_deref(), Some("new"));
    let v = r[1].device_info.as_ref().unwrap();
    let v = v.vhost_user.as_ref().unwrap();
    assert_eq!(v.path.as_deref(), Some("/d/new"));
    assert_eq!(v.mode.as_deref(), Some("server"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "net1 more than once; annotation userspace/configuration-data entry 0 is replaced"
        ),
        "{w:?}"
    );
    // Three descriptions: two warnings, in input order.
    let mut w = Vec::new();
    let one = r#"{"ifName":"a","config":{"iftype":"memif","memif":{"socketfile":"s"}}}"#;
    let r = parse(
        format!("[{one},{one},{one}]").as_bytes(),
        Some("/d"),
        &mut w,
    );
    assert_eq!(r.len(), 1);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("entry 0 is") && w[1].contains("entry 1 is"),
        "{w:?}"
    );
}

#[test]
fn vhost_group_and_routes() {
    let data = br#"{"containerId":"c","ifName":"net1","name":"n",
        "config":{"iftype":"vhostuser","vhost":{"mode":"server","group":"hugetlbfs","socketfile":"c-net1"}},
        "ipResult":{"cniVersion":"1.0.0","ips":[{"address":"10.56.217.136/24","gateway":"10.56.217.1"}],
          "routes":[{"dst":"0.0.0.0/0","gw":"10.56.217.1"},{"dst":"::/0"},{"dst":"192.168.0.0/16","gw":"10.56.217.254"},
                    {"dst":"10.96.0.0/12"},{"dst":"10.96.0.0/12"},{"gw":"1.2.3.4"}]}}"#;
    let mut w = Vec::new();
    let r = parse(data, Some("/var/lib/cni/usrspcni/"), &mut w);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("without \"dst\""));
    let v = r[0]
        .device_info
        .as_ref()
        .unwrap()
        .vhost_user
        .as_ref()
        .unwrap();
    assert_eq!(v.group.as_deref(), Some("hugetlbfs"));
    assert_eq!(r[0].gateway, ["10.56.217.1"]);
    assert_eq!(
        r[0].routes,
        [
            Route::new("192.168.0.0/16", Some("10.56.217.254".to_owned())),
            Route::new("10.96.0.0/12", None)
        ]
    );
}

#[test]
fn mapped_dir_annotations() {
    let map = |pairs: &[(&str, &str)]| -> Selected {
        Selected::from_pairs(
            pairs,
            &[CONFIGURATION_DATA_KEY, MAPPED_DIR_KEY, MAPPED_DIR_ALIAS_KEY],
        )
    };
    let mut w = Warnings::new();
    assert_eq!(
        mapped_dir(
            &map(&[(MAPPED_DIR_ALIAS_KEY, "/var/lib/cni/usrspcni/")]),
            &mut w
        )
        .as_deref(),
        Some("/var/lib/cni/usrspcni/")
    );
    assert!(w.is_empty());
    // Both, the same directory spelled differently: no warning.
    assert_eq!(
        mapped_dir(
            &map(&[(MAPPED_DIR_KEY, "/a/"), (MAPPED_DIR_ALIAS_KEY, "/a")]),
            &mut w
        )
        .as_deref(),
        Some("/a/")
    );
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(
        mapped_dir(
            &map(&[(MAPPED_DIR_KEY, "/a"), (MAPPED_DIR_ALIAS_KEY, "/b")]),
            &mut w
        )
        .as_deref(),
        Some("/a")
    );
    assert_eq!(w.len(), 1);
    assert_eq!(
        mapped_dir(&map(&[(MAPPED_DIR_KEY, "shared")]), &mut w),
        None
    );
    assert_eq!(mapped_dir(&map(&[(MAPPED_DIR_KEY, " ")]), &mut w), None);
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(mapped_dir(&map(&[]), &mut w), None);
    assert_eq!(w.len(), 3);
}
