//! The Multus / NPWG `network-status` annotation.
//!
//! The value is a JSON array with one object per attachment. Every field any
//! producer wrote is accepted: `name`, `interface`, `ips` (bare addresses or
//! CIDRs), `mac`, `mtu` (NAD client v1.7.0+), `default`, `dns`, `gateway`
//! (NAD client v1.4.0+), `default-route` (the spec's name) and `device-info`
//! (v1.2.0+). Unknown keys are ignored: the spec reserves dotted keys for
//! vendor extensions.
//!
//! Each entry is decoded on its own: a field of the wrong type is dropped
//! with a warning and the rest of the entry is kept; an entry that is not an
//! object is dropped with a warning.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::devinfo::{self, DeviceInfo, json_type, string_field};

/// The current annotation key.
pub const NETWORK_STATUS_KEY: &str = "k8s.v1.cni.cncf.io/network-status";
/// The deprecated key, the only one Multus wrote before 2020 and written
/// beside the current one until NAD client v1.3.0.
pub const NETWORKS_STATUS_KEY: &str = "k8s.v1.cni.cncf.io/networks-status";

/// DNS settings of an attachment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dns {
    /// Name server addresses.
    pub nameservers: Vec<String>,
    /// The local domain, if given.
    pub domain: Option<String>,
    /// Search domains.
    pub search: Vec<String>,
    /// Resolver options.
    pub options: Vec<String>,
}

impl Dns {
    /// Whether no field is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nameservers.is_empty()
            && self.domain.is_none()
            && self.search.is_empty()
            && self.options.is_empty()
    }
}

/// One decoded network-status entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetworkStatusEntry {
    /// The network name; `None` when absent or empty.
    pub name: Option<String>,
    /// The interface name in the pod.
    pub interface: Option<String>,
    /// Addresses as given.
    pub ips: Vec<String>,
    /// MAC address.
    pub mac: Option<String>,
    /// MTU.
    pub mtu: Option<u64>,
    /// Whether this is the pod's default network.
    pub default: bool,
    /// DNS settings.
    pub dns: Dns,
    /// Gateways (`gateway`, then `default-route` entries not already listed).
    pub gateway: Vec<String>,
    /// Device information.
    pub device_info: Option<DeviceInfo>,
}

/// Why a network-status value could not be used at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NetworkStatusError {
    /// The value is not valid JSON.
    #[error("not valid JSON: {message} at line {line} column {column}")]
    InvalidJson {
        /// The parser's message.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// Valid JSON, but not an array of entries.
    #[error("expected a JSON array of network status objects, found {found}")]
    NotAnArray {
        /// What was found instead.
        found: &'static str,
    },
}

/// Parses a network-status value. `key` names the annotation in warnings.
///
/// # Errors
///
/// Returns [`NetworkStatusError`] when the value is not JSON or not an array;
/// the caller then does not use it.
pub fn parse(
    value: &[u8],
    key: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<NetworkStatusEntry>, NetworkStatusError> {
    let json: Value =
        serde_json::from_slice(value).map_err(|e| NetworkStatusError::InvalidJson {
            message: json_error_message(&e),
            line: e.line(),
            column: e.column(),
        })?;
    let Value::Array(items) = json else {
        return Err(NetworkStatusError::NotAnArray {
            found: json_type(&json),
        });
    };
    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            warnings.push(format!(
                "{key} entry {index}: expected an object, found {}; entry dropped",
                json_type(item)
            ));
            continue;
        };
        entries.push(decode_entry(obj, &format!("{key} entry {index}"), warnings));
    }
    Ok(entries)
}

/// serde_json's message without its own " at line X column Y" suffix.
pub(crate) fn json_error_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(pos) => text[..pos].to_owned(),
        None => text,
    }
}

fn decode_entry(
    obj: &Map<String, Value>,
    context: &str,
    warnings: &mut Vec<String>,
) -> NetworkStatusEntry {
    let interface = string_field(obj, "interface", context, warnings);
    // Name the interface in warnings once it is known.
    let context = match &interface {
        Some(i) => format!("{context} ({i})"),
        None => context.to_owned(),
    };
    let context = context.as_str();
    let mut gateway = string_list(obj, "gateway", context, warnings);
    for gw in string_list(obj, "default-route", context, warnings) {
        if !gateway.contains(&gw) {
            gateway.push(gw);
        }
    }
    NetworkStatusEntry {
        name: string_field(obj, "name", context, warnings),
        interface,
        ips: string_list(obj, "ips", context, warnings),
        mac: string_field(obj, "mac", context, warnings),
        mtu: mtu_field(obj, context, warnings),
        default: bool_field(obj, "default", context, warnings),
        dns: match obj.get("dns") {
            None | Some(Value::Null) => Dns::default(),
            Some(Value::Object(d)) => decode_dns(d, &format!("{context} dns"), warnings),
            Some(other) => {
                warnings.push(format!(
                    "{context}: \"dns\" should be an object, found {}; dropped",
                    json_type(other)
                ));
                Dns::default()
            }
        },
        gateway,
        device_info: match obj.get("device-info") {
            None | Some(Value::Null) => None,
            Some(v) => devinfo::decode(v, context, warnings),
        },
    }
}

/// Decodes a DNS object (shared with CNI results).
pub(crate) fn decode_dns(
    obj: &Map<String, Value>,
    context: &str,
    warnings: &mut Vec<String>,
) -> Dns {
    Dns {
        nameservers: string_list(obj, "nameservers", context, warnings),
        domain: string_field(obj, "domain", context, warnings),
        search: string_list(obj, "search", context, warnings),
        options: string_list(obj, "options", context, warnings),
    }
}

/// An array of strings. A value of another type is dropped with a warning;
/// so is each non-string element.
pub(crate) fn string_list(
    obj: &Map<String, Value>,
    key: &str,
    context: &str,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    match obj.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    other => warnings.push(format!(
                        "{context}: an element of \"{key}\" should be a string, found {}; dropped",
                        json_type(other)
                    )),
                }
            }
            out
        }
        Some(other) => {
            warnings.push(format!(
                "{context}: \"{key}\" should be an array of strings, found {}; dropped",
                json_type(other)
            ));
            Vec::new()
        }
    }
}

fn bool_field(
    obj: &Map<String, Value>,
    key: &str,
    context: &str,
    warnings: &mut Vec<String>,
) -> bool {
    match obj.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            warnings.push(format!(
                "{context}: \"{key}\" should be a boolean, found {}; taken as false",
                json_type(other)
            ));
            false
        }
    }
}

fn mtu_field(obj: &Map<String, Value>, context: &str, warnings: &mut Vec<String>) -> Option<u64> {
    match obj.get("mtu")? {
        Value::Null => None,
        Value::Number(n) if n.as_u64().is_some_and(|m| m > 0) => n.as_u64(),
        // The NAD client omits a zero MTU; treat an explicit 0 the same way.
        Value::Number(n) if n.as_u64() == Some(0) => None,
        other => {
            warnings.push(format!(
                "{context}: \"mtu\" should be a positive integer, found {other}; dropped"
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
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
            "infiniband-guid":"x","org.example.vendor":{"a":1}}]"#,
        );
        assert!(w.is_empty(), "{w:?}");
        let e = &r.unwrap()[0];
        assert_eq!(e.name, None);
        assert_eq!(e.ips, ["10.0.0.2/24", "fd00::2"]);
        assert_eq!(e.gateway, ["10.0.0.1", "fd00::1"]);
        assert_eq!(e.dns.domain.as_deref(), Some("x"));
        assert_eq!(e.dns.options, ["ndots:5"]);
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
}
