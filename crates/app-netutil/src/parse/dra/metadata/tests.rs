use super::*;
use crate::parse::dra::{OVSDPDK_DRIVER, SRIOV_DRIVER};

const FILE: &str = "/var/run/kubernetes.io/dra-device-attributes/resourceclaimtemplates/vf/vf/sriovnetwork.k8snetworkplumbingwg.io-metadata.json";

fn run(text: &str) -> (Result<Stream, MetadataError>, Vec<String>) {
    run_bytes(text.as_bytes(), None)
}

fn run_bytes(data: &[u8], driver: Option<&str>) -> (Result<Stream, MetadataError>, Vec<String>) {
    let mut w = Vec::new();
    let out = parse(data, FILE, driver, &mut w);
    (out, w)
}

fn ok(text: &str) -> (DeviceMetadata, Vec<String>) {
    let (out, w) = run(text);
    (out.unwrap_or_else(|e| panic!("{e}")).metadata, w)
}

/// One object of `version` with one device whose attributes are `attrs`.
fn object(version: &str, attrs: &str) -> String {
    format!(
        r#"{{"kind":"DeviceMetadata","apiVersion":"{version}","metadata":{{"name":"c","namespace":"ns","uid":"u","generation":2}},"requests":[{{"name":"vf","devices":[{{"driver":"d.example.com","pool":"node","name":"dev","attributes":{attrs}}}]}}]}}"#
    )
}

fn v1alpha1(attrs: &str) -> String {
    object(KNOWN_VERSIONS[1], attrs)
}

fn only_device(md: &DeviceMetadata) -> &MetadataDevice {
    assert_eq!(md.requests.len(), 1);
    assert_eq!(md.requests[0].devices.len(), 1);
    &md.requests[0].devices[0]
}

/// The shape the kubelet-plugin library writes (pretty, `kind` first,
/// one newline after each object), values of a standalone vfio-pci VF
/// after the NRI update.
const SRIOV_STANDALONE: &str = r#"{
  "kind": "DeviceMetadata",
  "apiVersion": "metadata.resource.k8s.io/v1alpha1",
  "metadata": {
    "name": "dpdk-app-vf-x7k2p",
    "namespace": "dpdk",
    "uid": "6f1c1f7e-2b7a-4c55-9d1e-0c8b3f0a9e21",
    "generation": 2
  },
  "podClaimName": "vf",
  "requests": [
    {
      "name": "vf",
      "devices": [
        {
          "driver": "sriovnetwork.k8snetworkplumbingwg.io",
          "pool": "worker-1",
          "name": "0000-3b-02-1",
          "attributes": {
            "dra.net/numaNode": {
              "int": 0
            },
            "k8s.cni.cncf.io/deviceID": {
              "string": "0000:3b:02.1"
            },
            "resource.kubernetes.io/pciBusID": {
              "string": "0000:3b:02.1"
            },
            "sriovnetwork.k8snetworkplumbingwg.io/interfaceName": {
              "string": "net1"
            },
            "sriovnetwork.k8snetworkplumbingwg.io/pciAddress": {
              "string": "0000:3b:02.1"
            },
            "sriovnetwork.k8snetworkplumbingwg.io/rdmaCapable": {
              "bool": false
            },
            "sriovnetwork.k8snetworkplumbingwg.io/vfID": {
              "int": 1
            }
          },
          "networkData": {
            "interfaceName": "net1"
          }
        }
      ]
    }
  ]
}
"#;

#[test]
fn sriov_standalone_file() {
    let (out, w) = run_bytes(SRIOV_STANDALONE.as_bytes(), Some(SRIOV_DRIVER));
    assert!(w.is_empty(), "{w:?}");
    let s = out.unwrap();
    assert!(s.skipped_versions.is_empty());
    let md = s.metadata;
    assert_eq!(md.api_version, "metadata.resource.k8s.io/v1alpha1");
    assert_eq!(md.claim.name.as_deref(), Some("dpdk-app-vf-x7k2p"));
    assert_eq!(md.claim.namespace.as_deref(), Some("dpdk"));
    assert_eq!(md.claim.generation, Some(2));
    assert_eq!(md.pod_claim_name.as_deref(), Some("vf"));
    assert_eq!(md.requests[0].name.as_deref(), Some("vf"));
    let d = only_device(&md);
    assert_eq!(d.driver, SRIOV_DRIVER);
    assert_eq!(d.pool.as_deref(), Some("worker-1"));
    assert_eq!(d.name, "0000-3b-02-1");
    assert_eq!(d.attributes.len(), 7);
    assert_eq!(d.attributes["dra.net/numaNode"], Attribute::Int(0));
    assert_eq!(
        d.own_attribute("interfaceName").and_then(Attribute::as_str),
        Some("net1")
    );
    assert_eq!(
        d.own_attribute("rdmaCapable").and_then(Attribute::as_bool),
        Some(false)
    );
    assert_eq!(d.own_attribute("vfID").and_then(Attribute::as_int), Some(1));
    let addrs = d.pci_addresses();
    assert_eq!(addrs.len(), 3);
    assert!(addrs.iter().all(|(_, a)| a.as_str() == "0000:3b:02.1"));
    assert_eq!(addrs[0].0, "resource.kubernetes.io/pciBusID");
    assert!(d.bad_pci_attributes().is_empty());
    let nd = d.network_data.as_ref().unwrap();
    assert_eq!(nd.interface_name.as_deref(), Some("net1"));
    assert!(nd.ips.is_empty());
    assert_eq!(nd.hardware_address, None);
    assert_eq!(
        serde_json::to_string(nd).unwrap(),
        r#"{"interfaceName":"net1"}"#
    );
}

#[test]
fn unknown_newer_version_first_is_skipped() {
    // A fictional newer version with other field names, then the one this
    // library knows.
    let text = format!(
        "{}\n{}\n",
        r#"{"apiVersion":"metadata.resource.k8s.io/v1000","kind":"DeviceMetadata","metadata":{"claimName":"x"},"requests":"not even an array"}"#,
        v1alpha1(r#"{"model":{"string":"m"}}"#)
    );
    let (out, w) = run(&text);
    assert!(w.is_empty(), "{w:?}");
    let s = out.unwrap();
    assert_eq!(s.skipped_versions, ["metadata.resource.k8s.io/v1000"]);
    assert_eq!(s.metadata.claim.name.as_deref(), Some("c"));
    assert_eq!(
        only_device(&s.metadata).attributes["model"],
        Attribute::String("m".into())
    );
}

#[test]
fn first_known_version_wins_and_the_rest_is_not_read() {
    let text = format!(
        "{}\n{}\nthis is not JSON {{{{",
        object(KNOWN_VERSIONS[0], r#"{"a":{"int":1}}"#),
        v1alpha1(r#"{"a":{"int":2}}"#)
    );
    let (md, w) = ok(&text);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(md.api_version, KNOWN_VERSIONS[0]);
    assert_eq!(only_device(&md).attributes["a"], Attribute::Int(1));
    // An older known version first: it is the one used (the driver's order).
    let text = format!(
        "{}{}",
        v1alpha1(r#"{"a":{"int":2}}"#),
        object(KNOWN_VERSIONS[0], r#"{"a":{"int":1}}"#)
    );
    let (md, _) = ok(&text);
    assert_eq!(md.api_version, KNOWN_VERSIONS[1]);
}

#[test]
fn unusable_streams() {
    for empty in ["", "  \n\t\r\n"] {
        assert_eq!(run(empty).0, Err(MetadataError::Empty));
    }
    let (out, _) = run("{\"apiVersion\": \"metadata.resource.k8s.io/v1alpha1\",\n \"kind\": ");
    match out {
        Err(MetadataError::InvalidJson { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    // Only newer versions, or other groups: nothing known.
    let text = r#"{"apiVersion":"metadata.resource.k8s.io/v2","kind":"DeviceMetadata"}
{"apiVersion":"v1","kind":"ConfigMap"}"#;
    let (out, w) = run(text);
    assert_eq!(
        out,
        Err(MetadataError::NoKnownVersion {
            found: vec!["metadata.resource.k8s.io/v2".into(), "v1".into()]
        })
    );
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(out_text(&run(text).0).contains("found metadata.resource.k8s.io/v2, v1"));
    // Invalid JSON after skipped objects is still invalid JSON.
    let (out, _) = run(r#"{"apiVersion":"metadata.resource.k8s.io/v9"} {"#);
    assert!(matches!(out, Err(MetadataError::InvalidJson { .. })));
    // A bare value, an object without apiVersion, a known version of
    // another kind, a group without a version.
    let text = format!(
        r#"7 "s" [1] {{"kind":"DeviceMetadata"}} {{"apiVersion":5}} {{"apiVersion":"metadata.resource.k8s.io/v1alpha1","kind":"Other"}} {{"apiVersion":"metadata.resource.k8s.io/"}} {}"#,
        v1alpha1("{}")
    );
    let (md, w) = ok(&text);
    assert_eq!(md.api_version, KNOWN_VERSIONS[1]);
    assert_eq!(w.len(), 7, "{w:?}");
    assert!(w[0].contains("value 1 of the stream is a number"), "{w:?}");
    assert!(w[3].contains("object 4 has no apiVersion"), "{w:?}");
    assert!(w[5].contains("kind \"Other\""), "{w:?}");
    assert!(w[6].contains("\"metadata.resource.k8s.io/\""), "{w:?}");
}

fn out_text(out: &Result<Stream, MetadataError>) -> String {
    match out {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn attribute_types() {
    let (md, w) = ok(&v1alpha1(
        r#"{
        "i": {"int": -9223372036854775808},
        "b": {"bool": true},
        "s": {"string": ""},
        "v": {"version": "1.2.3-rc.1"},
        "is": {"ints": [1, -2]},
        "bs": {"bools": []},
        "ss": {"strings": ["a", "b"]},
        "vs": {"versions": ["1.0.0"]},
        "nullint": {"int": null, "bool": false},
        "null": null,
        "str": {"int": "5"},
        "frac": {"int": 1.5},
        "big": {"int": 9223372036854775808},
        "exp": {"int": 1e3},
        "empty": {},
        "two": {"int": 1, "string": "x"},
        "future": {"quantity": "1Gi"},
        "plain": "x",
        "mixed": {"ints": [1, "a"]},
        "nested": {"strings": [["a"]]},
        "scalar-for-list": {"ints": 1},
        "list-for-scalar": {"int": [1]},
        "obj": {"string": {"a": 1}}
    }"#,
    ));
    let a = &only_device(&md).attributes;
    assert_eq!(a["i"], Attribute::Int(i64::MIN));
    assert_eq!(a["b"], Attribute::Bool(true));
    assert_eq!(a["s"], Attribute::String(String::new()));
    assert_eq!(a["v"], Attribute::Version("1.2.3-rc.1".into()));
    assert_eq!(a["is"], Attribute::Ints(vec![1, -2]));
    assert_eq!(a["bs"], Attribute::Bools(vec![]));
    assert_eq!(a["ss"], Attribute::Strings(vec!["a".into(), "b".into()]));
    assert_eq!(a["vs"], Attribute::Versions(vec!["1.0.0".into()]));
    assert_eq!(a["nullint"], Attribute::Bool(false));
    assert_eq!(a.len(), 9, "{a:?}");
    assert!(!a.contains_key("null"));
    let text = w.join("\n");
    assert_eq!(w.len(), 13, "{text}");
    for part in [
        "\"str\": \"int\" should be an integer, found a string; dropped",
        "\"frac\": \"int\" should be an integer, found a number that is not an integer",
        "\"big\": \"int\" should be an integer, found an integer out of range",
        "\"exp\": \"int\" should be an integer, found a number",
        "\"empty\": holds no value",
        "\"two\": holds several values (int, string)",
        "\"future\": holds no value of a known type (found [\"quantity\"])",
        "\"plain\": should be an object, found a string",
        "\"mixed\": \"ints\" should be an array of integers, found an array holding a string",
        "\"nested\": \"strings\" should be an array of strings, found an array holding an array",
        "\"scalar-for-list\": \"ints\" should be an array of integers, found an integer",
        "\"list-for-scalar\": \"int\" should be an integer, found an array",
        "\"obj\": \"string\" should be a string, found an object",
    ] {
        assert!(text.contains(part), "{part:?} not in\n{text}");
    }
    assert!(
        text.contains(": request 1 device 1 (dev): attribute"),
        "{text}"
    );
    // Attributes serialize as the upstream objects.
    assert_eq!(
        serde_json::to_string(&a["is"]).unwrap(),
        r#"{"ints":[1,-2]}"#
    );
    assert_eq!(
        serde_json::to_string(&a["v"]).unwrap(),
        r#"{"version":"1.2.3-rc.1"}"#
    );
}

#[test]
fn wrong_field_types_cost_only_the_field() {
    let text = r#"{"apiVersion":"metadata.resource.k8s.io/v1alpha1","kind":"DeviceMetadata",
      "metadata":{"name":7,"namespace":"ns","generation":"2"},
      "podClaimName":["x"],
      "requests":[
        "not an object",
        {"name":{"x":1},"devices":{"not":"an array"}},
        {"name":"ok","devices":[
          5,
          {"driver":"d","pool":3},
          {"driver":"d","name":"n","pool":"p","attributes":[1],"networkData":"net1","extra":1,"consumedCapacity":{}},
          {"driver":"d","name":"m","networkData":{"interfaceName":5,"ips":["10.0.0.1/24",7],"hardwareAddress":"AA:BB:CC:DD:EE:FF","future":true}}
        ]}
      ]}"#;
    let (md, w) = ok(text);
    assert_eq!(md.claim.name, None);
    assert_eq!(md.claim.namespace.as_deref(), Some("ns"));
    assert_eq!(md.claim.generation, None);
    assert_eq!(md.pod_claim_name, None);
    assert_eq!(md.requests.len(), 2);
    assert_eq!(md.requests[0].name, None);
    assert!(md.requests[0].devices.is_empty());
    let devs = &md.requests[1].devices;
    assert_eq!(devs.len(), 2, "{devs:?}");
    assert_eq!(devs[0].name, "n");
    assert_eq!(devs[0].pool.as_deref(), Some("p"));
    assert!(devs[0].attributes.is_empty());
    assert_eq!(devs[0].network_data, None);
    let nd = devs[1].network_data.as_ref().unwrap();
    assert_eq!(nd.interface_name, None);
    assert_eq!(nd.ips, ["10.0.0.1/24"]);
    // As given: the report's canonical `mac` is made elsewhere.
    assert_eq!(nd.hardware_address.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
    let text = w.join("\n");
    for part in [
        "metadata: \"name\" should be a string, found a number",
        "metadata: \"generation\" should be an integer, found a string",
        "\"podClaimName\" should be a string, found an array",
        "request 1: should be an object, found a string",
        "request 2: \"name\" should be a string, found an object",
        "request 2: \"devices\" should be an array, found an object",
        "request 3 device 1: should be an object, found a number",
        "request 3 device 2: a device needs a \"driver\" and a \"name\"; dropped",
        "device 3 (n): \"attributes\" should be an object, found an array",
        "device 3 (n): \"networkData\" should be an object, found a string",
        "device 3 (n): keys [\"extra\", \"consumedCapacity\"] are not device fields",
        "device 4 (m): networkData: \"interfaceName\" should be a string, found a number",
        "an element of \"ips\" should be a string, found a number",
        "networkData: keys [\"future\"] are not network data fields",
    ] {
        assert!(text.contains(part), "{part:?} not in\n{text}");
    }
    assert_eq!(w.len(), 14, "{text}");
}

#[test]
fn repeated_keys_and_driver_mismatch() {
    let text = format!(
        r#"{{"apiVersion":"v1","apiVersion":"{}","kind":"DeviceMetadata","requests":[{{"devices":[{{"driver":"{OVSDPDK_DRIVER}","name":"br-dpdk0","attributes":{{"mtu":{{"int":1500}},"mtu":{{"int":9000}},"vhost-user-path":{{"string":"/var/run/ovsdpdk/vhost/vhost-port/vhost.sock"}}}}}}]}}]}}"#,
        KNOWN_VERSIONS[1]
    );
    let (out, w) = run_bytes(text.as_bytes(), Some(SRIOV_DRIVER));
    let md = out.unwrap().metadata;
    let d = only_device(&md);
    assert_eq!(d.attributes["mtu"], Attribute::Int(9000));
    assert_eq!(
        d.own_attribute("mtu").and_then(Attribute::as_int),
        Some(9000)
    );
    assert_eq!(
        d.own_attribute(crate::parse::dra::VHOST_USER_PATH_ATTRIBUTE)
            .and_then(Attribute::as_str),
        Some("/var/run/ovsdpdk/vhost/vhost-port/vhost.sock")
    );
    assert!(d.pci_addresses().is_empty());
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("is not the \"sriovnetwork"), "{w:?}");
    assert!(w[1].contains("\"mtu\" is given twice"), "{w:?}");
}

#[test]
fn pci_address_attributes() {
    let (md, _) = ok(&v1alpha1(
        r#"{"resource.kubernetes.io/pciBusID":{"string":"3B:02.1"},"pciAddress":{"string":"0000:3b:02.2"},"k8s.cni.cncf.io/deviceID":{"string":"not-pci"}}"#,
    ));
    let d = only_device(&md);
    let addrs = d.pci_addresses();
    assert_eq!(addrs.len(), 2);
    assert_eq!(addrs[0].1.as_str(), "0000:3b:02.1");
    assert_eq!(addrs[1].0, "pciAddress");
    assert!(d.bad_pci_attributes().is_empty());
    let (md, _) = ok(&v1alpha1(
        r#"{"resource.kubernetes.io/pciBusID":{"int":5},"d.example.com/pciAddress":{"string":"x"}}"#,
    ));
    let d = only_device(&md);
    assert!(d.pci_addresses().is_empty());
    assert_eq!(
        d.bad_pci_attributes(),
        [
            "resource.kubernetes.io/pciBusID",
            "d.example.com/pciAddress"
        ]
    );
}

#[test]
fn not_utf8_is_repaired() {
    let mut data = v1alpha1(r#"{"model":{"string":"AB"}}"#).into_bytes();
    let at = data.windows(2).position(|w| w == b"AB").unwrap();
    data[at] = 0xff;
    let (out, w) = run_bytes(&data, None);
    let md = out.unwrap().metadata;
    assert_eq!(
        only_device(&md).attributes["model"],
        Attribute::String("\u{fffd}B".into())
    );
    assert_eq!(w.len(), 1);
    assert!(w[0].contains("not UTF-8"), "{w:?}");
}

#[test]
fn caps_on_devices_requests_and_attributes() {
    let devices: Vec<String> = (0..MAX_DEVICES + 3)
        .map(|i| format!(r#"{{"driver":"d","name":"dev{i}"}}"#))
        .collect();
    let attrs: Vec<String> = (0..MAX_ATTRIBUTES + 2)
        .map(|i| format!(r#""a{i:04}":{{"int":{i}}}"#))
        .collect();
    let requests: Vec<String> = (0..MAX_REQUESTS + 1)
        .map(|i| {
            if i == 0 {
                format!(
                    r#"{{"name":"r0","devices":[{{"driver":"d","name":"many","attributes":{{{}}}}},{}]}}"#,
                    attrs.join(","),
                    devices.join(",")
                )
            } else {
                format!(r#"{{"name":"r{i}","devices":[{{"driver":"d","name":"x{i}"}}]}}"#)
            }
        })
        .collect();
    let text = format!(
        r#"{{"apiVersion":"{}","kind":"DeviceMetadata","requests":[{}]}}"#,
        KNOWN_VERSIONS[1],
        requests.join(",")
    );
    let (md, w) = ok(&text);
    assert_eq!(md.requests.len(), MAX_REQUESTS);
    let total: usize = md.requests.iter().map(|r| r.devices.len()).sum();
    assert_eq!(total, MAX_DEVICES);
    assert_eq!(md.requests[0].devices[0].attributes.len(), MAX_ATTRIBUTES);
    let text = w.join("\n");
    assert!(text.contains("1 requests past the first 32"), "{text}");
    assert!(text.contains("2 attributes past the first 128"), "{text}");
    // 1 + 131 devices in request 1, 31 more in the others read: 35 over.
    assert!(text.contains("35 devices past the first 128"), "{text}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // Skipped as a value that is not an object, without recursion.
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(
        run(&deep).0,
        Err(MetadataError::NoKnownVersion { found: vec![] })
    );
    let deep = format!("{}{}", "{\"a\":".repeat(200_000), "}".repeat(200_000));
    assert!(run(&deep).0.is_err());
    let inner = format!("{}1{}", "[".repeat(500), "]".repeat(500));
    let (out, w) = run(&v1alpha1(&format!(
        r#"{{"a":{{"ints":{inner}}},"b":{{"int":1}}}}"#
    )));
    let md = out.unwrap().metadata;
    assert_eq!(only_device(&md).attributes.len(), 1);
    assert!(w[0].contains("an array holding an array"), "{w:?}");
}

#[test]
fn adjacent_objects_and_a_large_stream_are_linear() {
    let text = format!("{}{}", v1alpha1("{}"), v1alpha1("{}"));
    assert!(ok(&text).1.is_empty());
    // 4 MB of skipped newer objects before the known one.
    let skipped =
        r#"{"apiVersion":"metadata.resource.k8s.io/v9","kind":"DeviceMetadata","requests":[]}"#;
    let mut text = skipped.repeat(4_000_000 / skipped.len());
    text.push_str(&v1alpha1("{}"));
    let start = std::time::Instant::now();
    let (out, w) = run(&text);
    assert!(out.is_ok());
    assert!(w.is_empty());
    assert_eq!(out.unwrap().skipped_versions.len(), 1);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
