use super::*;

fn p(
    s: &str,
) -> (
    Result<Vec<NetworkStatusEntry>, NetworkStatusError>,
    Vec<String>,
) {
    let mut w = Vec::new();
    (parse(s.as_bytes(), NETWORK_STATUS_KEY, &mut w), w)
}

#[test]
fn sources_name_the_annotations() {
    assert_eq!(
        NETWORK_STATUS_SOURCE,
        format!("annotation {NETWORK_STATUS_KEY}")
    );
    assert_eq!(
        NETWORKS_STATUS_SOURCE,
        format!("annotation {NETWORKS_STATUS_KEY}")
    );
    assert_eq!(
        crate::parse::userspace::CONFIGURATION_DATA_SOURCE,
        format!(
            "annotation {}",
            crate::parse::userspace::CONFIGURATION_DATA_KEY
        )
    );
}

#[test]
fn multus_indented() {
    let (r, w) = p(r#"[{
"name": "ovn-kubernetes",
"interface": "eth0",
"ips": [
    "10.128.2.15"
],
"mac": "0a:58:0a:80:02:0f",
"default": true,
"dns": {}
},{
"name": "default/sriov-net-a",
"interface": "net1",
"ips": ["192.168.1.10"],
"mac": "4a:0b:3c:aa:bb:cc",
"mtu": 1500,
"dns": {},
"device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": "0000:3b:02.6"}}
}]"#);
    assert!(w.is_empty(), "{w:?}");
    let r = r.unwrap();
    assert_eq!(r.len(), 2);
    assert!(r[0].default);
    assert_eq!(r[0].name.as_deref(), Some("ovn-kubernetes"));
    assert_eq!(r[1].mtu, Some(1500));
    assert_eq!(
        r[1].device_info.as_ref().unwrap().pci_address(),
        Some("0000:3b:02.6")
    );
}

#[test]
fn newer_and_spec_fields() {
    let (r, w) = p(
        r#"[{"name":"","interface":"eth0","ips":["10.0.0.2/24","fd00::2"],"gateway":["10.0.0.1"],
        "default-route":["10.0.0.1","fd00::1"],"dns":{"nameservers":["1.1.1.1"],"domain":"x","search":["a"],"options":["ndots:5"]},
        "infiniband-guid":"24:8A:07:03:00:8d:ae:2f","org.example.vendor":{"a":1}}]"#,
    );
    assert!(w.is_empty(), "{w:?}");
    let e = &r.unwrap()[0];
    assert_eq!(e.name, None);
    assert_eq!(e.ips, ["10.0.0.2/24", "fd00::2"]);
    assert_eq!(e.gateway, ["10.0.0.1", "fd00::1"]);
    assert_eq!(e.dns.domain.as_deref(), Some("x"));
    assert_eq!(e.dns.options, ["ndots:5"]);
    assert_eq!(
        e.infiniband_guid.as_deref(),
        Some("24:8a:07:03:00:8d:ae:2f")
    );
    assert!(!e.default_given);
}

#[test]
fn nil_and_empty_gateways_are_no_gateways() {
    // The NAD client's `route.GW.String()` of a default route without a
    // gateway, and Multus 3.x's marshalling of a nil net.IP.
    let (r, w) = p(r#"[{"name":"a","interface":"net1","gateway":["<nil>"]},
            {"name":"b","interface":"net2","gateway":["<nil>","10.56.217.1",""],"default-route":["","<nil>","fd00::1","10.56.217.1"]},
            {"name":"c","interface":"net3","default-route":[""]}]"#);
    assert!(w.is_empty(), "{w:?}");
    let r = r.unwrap();
    assert!(r[0].gateway.is_empty());
    assert_eq!(r[1].gateway, ["10.56.217.1", "fd00::1"]);
    assert!(r[2].gateway.is_empty());
}

#[test]
fn macs_are_canonical_or_null_with_a_warning() {
    let (r, w) = p(
        r#"[{"name":"a","interface":"net1","mac":" 64:1f:74:32:2e:6d"},
            {"name":"b","interface":"eth0","mac":"00:AA:BB:CC:DD:01"},
            {"name":"c","interface":"eth1","mac":"00:ZZ:BB:CC:DD:01"},
            {"name":"d","interface":"net4","mac":"02-00-00-AA-BB-01"},
            {"name":"e","interface":"net5","mac":"   "},
            {"name":"f","interface":"ib0","mac":"80:00:00:48:fe:80:00:00:00:00:00:00:24:8a:07:03:00:8d:ae:2f"},
            {"name":"g","interface":"net7","mac":""},
            {"name":"h","interface":"net8","mac":7}]"#,
    );
    let r = r.unwrap();
    let macs: Vec<Option<&str>> = r.iter().map(|e| e.mac.as_deref()).collect();
    assert_eq!(
        macs,
        [
            Some("64:1f:74:32:2e:6d"),
            Some("00:aa:bb:cc:dd:01"),
            None,
            Some("02:00:00:aa:bb:01"),
            None,
            None,
            None,
            None
        ]
    );
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(
        w[0].contains("(eth1)") && w[0].contains("\"00:ZZ:BB:CC:DD:01\""),
        "{w:?}"
    );
    assert!(
        w[1].contains("(ib0)") && w[1].contains("not an Ethernet MAC"),
        "{w:?}"
    );
    assert!(
        w[2].contains("(net8)") && w[2].contains("a number"),
        "{w:?}"
    );
}

#[test]
fn infiniband_guid() {
    let (r, w) = p(
        r#"[{"name":"namespace-a/an-ip-over-infiniband-network","interface":"ib0","ips":["198.51.100.1/24"],
             "infiniband-guid":"80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22"},
            {"name":"b","interface":"ib1","infiniband-guid":"24:8A:07:03:00:8D:AE:2F"},
            {"name":"c","interface":"ib2","infiniband-guid":"24:8a:07:03:00:8d"},
            {"name":"d","interface":"ib3","infiniband-guid":["x"]},
            {"name":"e","interface":"ib4","infiniband-guid":null}]"#,
    );
    let r = r.unwrap();
    assert_eq!(
        r[0].infiniband_guid.as_deref(),
        Some("80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22")
    );
    assert_eq!(
        r[1].infiniband_guid.as_deref(),
        Some("24:8a:07:03:00:8d:ae:2f")
    );
    assert!(r[2..].iter().all(|e| e.infiniband_guid.is_none()));
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("(ib2)") && w[0].contains("InfiniBand GUID"),
        "{w:?}"
    );
    assert!(w[1].contains("(ib3)") && w[1].contains("an array"), "{w:?}");
}

#[test]
fn empty_device_info_is_absent_silently() {
    // What CreateNetworkStatuses writes for `&v1.DeviceInfo{}`.
    let (r, w) = p(
        r#"[{"name":"test-network","interface":"eth0","mac":"b1:aa:aa:aa:a5:ee","dns":{},"device-info":{}},
            {"name":"x","interface":"net1","device-info":{ }}]"#,
    );
    assert!(w.is_empty(), "{w:?}");
    assert!(r.unwrap().iter().all(|e| e.device_info.is_none()));
}

#[test]
fn default_key_presence_is_recorded() {
    let (r, w) = p(
        r#"[{"name":"a"},{"name":"b","default":null},{"name":"c","default":false},
            {"name":"d","default":true},{"name":"e","default":"yes"}]"#,
    );
    let r = r.unwrap();
    let given: Vec<(bool, bool)> = r.iter().map(|e| (e.default_given, e.default)).collect();
    assert_eq!(
        given,
        [
            (false, false),
            (false, false),
            (true, false),
            (true, true),
            (true, false)
        ]
    );
    assert_eq!(w.len(), 1, "{w:?}");
}

#[test]
fn legacy_device_key() {
    // The multi-net-spec v1.3 example: a device-info under `device`.
    let (r, w) = p(
        r#"[{"name":"namespace-c/userspace_net1","interface":"net3","mac":" 64:1f:74:32:2e:6d",
             "device":{"type":"vhost-user","version":"1.0.0","vhost-user":{"mode":"client","path":"/var/run/net3/vhost.sock"}}},
            {"name":"a","interface":"net1","device":{}},
            {"name":"b","interface":"net2","device":null}]"#,
    );
    assert!(w.is_empty(), "{w:?}");
    let r = r.unwrap();
    let vu = r[0]
        .device_info
        .as_ref()
        .unwrap()
        .vhost_user
        .as_ref()
        .unwrap();
    assert_eq!(vu.mode.as_deref(), Some("client"));
    assert_eq!(vu.path.as_deref(), Some("/var/run/net3/vhost.sock"));
    assert!(r[1].device_info.is_none() && r[2].device_info.is_none());

    // Both keys: device-info wins; the same device is no news.
    let pci =
        |a: &str| format!(r#"{{"type":"pci","version":"1.0.0","pci":{{"pci-address":"{a}"}}}}"#);
    let doc = format!(
        r#"[{{"name":"a","interface":"net1","device-info":{},"device":{}}},
            {{"name":"b","interface":"net2","device-info":{},"device":{}}}]"#,
        pci("0000:18:02.5"),
        pci("18:02.5"),
        pci("0000:18:02.5"),
        pci("0000:18:0a.2")
    );
    let (r, w) = p(&doc);
    let r = r.unwrap();
    assert_eq!(
        r[0].device_info.as_ref().unwrap().pci_address(),
        Some("0000:18:02.5")
    );
    assert_eq!(
        r[1].device_info.as_ref().unwrap().pci_address(),
        Some("0000:18:02.5")
    );
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("(net2)") && w[0].contains("\"device-info\" is used"),
        "{w:?}"
    );

    // Not a device-info: named in a warning, never silently dropped.
    let (r, w) = p(r#"[{"name":"a","interface":"net1","device":"0000:18:02.5"},
            {"name":"b","interface":"net2","device":{"pci-address":"0000:18:02.5"}},
            {"name":"c","interface":"net3","device-info":{"type":"pci","version":"1.0.0"},"device":[1]}]"#);
    let r = r.unwrap();
    assert!(r[0].device_info.is_none() && r[1].device_info.is_none());
    assert_eq!(r[2].device_info.as_ref().unwrap().kind, "pci");
    assert_eq!(w.len(), 4, "{w:?}");
    assert!(
        w[0].contains("(net1)") && w[0].contains("\"device\" should be"),
        "{w:?}"
    );
    assert!(
        w[1].contains("(net2) \"device\"") && w[1].contains("no string \"type\""),
        "{w:?}"
    );
    assert!(
        w[3].contains("(net3)") && w[3].contains("\"device\" should be"),
        "{w:?}"
    );
}

#[test]
fn type_mismatch_drops_field_only() {
    let (r, w) = p(
        r#"[{"name":"a","interface":"net2","ips":"192.168.1.20","mtu":-5,"default":"yes","dns":[]}, 7]"#,
    );
    let r = r.unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].interface.as_deref(), Some("net2"));
    assert!(r[0].ips.is_empty());
    assert_eq!(r[0].mtu, None);
    assert!(!r[0].default);
    assert_eq!(w.len(), 5, "{w:?}");
    assert!(w[0].contains("net2") && w[0].contains("\"ips\""), "{w:?}");
    assert!(w[4].contains("entry 1"));
}

/// Both decoders give the same entries and warnings on every document
/// the typed one accepts.
fn same_both_ways(text: &str) {
    let (mut w1, mut w2) = (Warnings::new(), Warnings::new());
    if let Some(typed) = parse_typed(text, "k", &mut w1.source("k")) {
        let general = parse_general(text, "k", &mut w2.source("k")).unwrap();
        assert_eq!(typed, general, "{text}");
        assert_eq!(w1.into_vec(), w2.into_vec(), "{text}");
    }
}

#[test]
fn typed_and_general_decoders_agree() {
    for text in [
        r#"[{"name":"a","interface":"net2","ips":"192.168.1.20","mtu":-5,"default":"yes","dns":[]}, 7, null, "x", [1]]"#,
        r#"[{"name":"","ips":["a",1,null,{"x":1},["y"]],"mtu":1.5,"gateway":{},"default-route":"x","dns":{"nameservers":"x","domain":5,"search":[null],"options":[true]}}]"#,
        r#"[{"interface":7,"mac":[],"mtu":9000,"default":true,"device-info":{"type":"pci","version":"1.0.0","pci":{"pci-address":"18:2.2","vhost-net":5}}}]"#,
        r#"[{"device-info":null,"dns":null,"ips":null,"name":null,"mtu":null,"default":null}]"#,
        r#"[{"device-info":"pci","dns":"x","extra":{"deep":[{"a":[1,2,{"b":null}]}]}}]"#,
        r#"[{"mac":" 64:1F:74:32:2E:6D","infiniband-guid":"bad","gateway":["<nil>",""],"device-info":{},"device":{"type":"memif","version":"1.0.0","memif":{"role":"master","path":"/m","x":1}}}]"#,
        r#"[{"mac":"00:ZZ:BB:CC:DD:01","infiniband-guid":7,"default-route":["<nil>","fd00::1"],"device":"x","device-info":{"type":"vdpa","version":"1.0.0","vdpa":{"parent-device":"/sys/bus/vdpa/devices/","device":"vdpa2"}}}]"#,
        "[]",
    ] {
        same_both_ways(text);
    }
    // A repeated key: only the general decoder takes it; the last wins.
    let mut w = Warnings::new();
    assert!(parse_typed(r#"[{"name":"a","name":"b"}]"#, "k", &mut w.source("k")).is_none());
    let (r, _) = p(r#"[{"name":"a","name":"b"}]"#);
    assert_eq!(r.unwrap()[0].name.as_deref(), Some("b"));
}

proptest::proptest! {
    #[test]
    fn decoders_agree_on_generated_entries(
        fields in proptest::collection::vec((
            proptest::sample::select(vec![
                "name", "interface", "ips", "mac", "mtu", "default", "dns",
                "gateway", "default-route", "device-info", "other",
                "infiniband-guid", "device",
            ]),
            proptest::sample::select(vec![
                r#""s""#, r#""""#, "1", "-1", "1.5", "true", "null", "[]",
                r#"["a"]"#, r#"["a",1]"#, "{}",
                r#"{"nameservers":["x"],"domain":1}"#,
                r#"{"type":"pci","version":"1.0.0","pci":{"pci-address":"0000:18:02.2"}}"#,
                r#""0A:58:0A:80:02:0F""#, r#"["<nil>","10.0.0.1",""]"#,
                r#"{"type":"pci","version":"1.0.0","pci":{"pci-address":"0000:18:02.3","role":"x"},"memif":{}}"#,
            ]),
        ), 0..8),
    ) {
        let mut seen = std::collections::BTreeSet::new();
        let body: Vec<String> = fields
            .iter()
            .filter(|(k, _)| seen.insert(*k))
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        same_both_ways(&format!("[{{{}}}]", body.join(",")));
    }
}

#[test]
fn invalid_json_position() {
    let (r, _) = p("[{\"name\": \"x\",\n \"interface\": ");
    match r {
        Err(NetworkStatusError::InvalidJson { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    let (r, _) = p("{}");
    assert!(matches!(r, Err(NetworkStatusError::NotAnArray { .. })));
}
