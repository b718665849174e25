//! The Multus / NPWG `network-status` annotation.
//!
//! The value is a JSON array with one object per attachment. Every field any
//! producer wrote is accepted: `name`, `interface`, `ips` (bare addresses or
//! CIDRs), `mac`, `mtu` (NAD client v1.7.0+), `default`, `dns`, `gateway`
//! (NAD client v1.4.0+), `default-route` (the spec's name, and Multus 3.x's),
//! `device-info` (v1.2.0+), `infiniband-guid` (the multi-net-spec's status
//! example) and `device`, the name device-info had before the NAD client
//! released it (the multi-net-spec v1.3 example still uses it). Other keys
//! are ignored: the spec reserves dotted keys for vendor extensions.
//!
//! Values are repaired where the producer's own habits call for it: MACs
//! are trimmed and written in one canonical form (`hwaddr::mac`), and the
//! gateway `"<nil>"` (how the NAD client prints a default route without a
//! gateway, Go's `net.IP(nil).String()`) or `""` (Multus 3.x's marshalling
//! of the same) is no gateway.
//!
//! Each entry is decoded on its own: a field of the wrong type is dropped
//! with a warning and the rest of the entry is kept; an entry that is not an
//! object is dropped with a warning.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::devinfo::{DeviceInfo, InfoFields};
use crate::hwaddr;
use crate::json::{self, Capped, Elem, Field, FromJson, Obj};
use crate::warnings::{About, Warnings};
use serde::de::MapAccess;
use serde::de::value::MapAccessDeserializer;

/// The current annotation key.
pub const NETWORK_STATUS_KEY: &str = "k8s.v1.cni.cncf.io/network-status";
/// The deprecated key, the only one Multus wrote before 2020 and written
/// beside the current one until NAD client v1.3.0.
pub const NETWORKS_STATUS_KEY: &str = "k8s.v1.cni.cncf.io/networks-status";

/// The warnings source of [`NETWORK_STATUS_KEY`].
pub(crate) const NETWORK_STATUS_SOURCE: &str = "annotation k8s.v1.cni.cncf.io/network-status";
/// The warnings source of [`NETWORKS_STATUS_KEY`].
pub(crate) const NETWORKS_STATUS_SOURCE: &str = "annotation k8s.v1.cni.cncf.io/networks-status";

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
    /// MAC address, canonical (lower-case hex octets separated by `:`).
    pub mac: Option<String>,
    /// MTU.
    pub mtu: Option<u64>,
    /// Whether this is the pod's default network.
    pub default: bool,
    /// Whether the entry had a `default` key at all (Multus 3.x wrote none,
    /// the NAD client omits it when false).
    pub default_given: bool,
    /// InfiniBand GUID (`infiniband-guid`), canonical like a MAC.
    pub infiniband_guid: Option<String>,
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
    /// Longer than [`MAX_VALUE_BYTES`].
    #[error(
        "{bytes} bytes long, more than the {MAX_VALUE_BYTES} bytes Kubernetes allows for all annotations together"
    )]
    TooLarge {
        /// The value's length.
        bytes: usize,
    },
    /// Valid JSON, but not an array of entries.
    #[error("expected a JSON array of network status objects, found {found}")]
    NotAnArray {
        /// What was found instead.
        found: &'static str,
    },
}

/// The most network-status entries decoded; the rest are skipped with a
/// warning. A value as large as Kubernetes allows (256 KiB) holds about
/// 6,500 entries of a realistic size.
pub const MAX_ENTRIES: usize = 8192;

/// The longest value decoded, in bytes: Kubernetes' limit for all the
/// annotations of a pod together (`TotalAnnotationSizeLimitB`, 256 KiB), so
/// no value the API server accepted is longer.
pub const MAX_VALUE_BYTES: usize = 256 * 1024;

/// Parses a network-status value. `key` names the annotation in warnings
/// (at most [`crate::MAX_WARNINGS_PER_SOURCE`], then a count of the rest).
/// At most [`MAX_ENTRIES`] entries are decoded.
///
/// # Errors
///
/// Returns [`NetworkStatusError`] when the value is not JSON, not an array
/// or longer than [`MAX_VALUE_BYTES`]; the caller then does not use it.
pub fn parse(
    value: &[u8],
    key: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<NetworkStatusEntry>, NetworkStatusError> {
    let mut w = Warnings::new();
    let source = format!("annotation {key}");
    let result = parse_about(value, key, &mut w.source(&source));
    warnings.extend(w.into_vec());
    result
}

/// [`parse`] into the warnings of a collection.
pub(crate) fn parse_about(
    value: &[u8],
    key: &str,
    warnings: &mut About<'_>,
) -> Result<Vec<NetworkStatusEntry>, NetworkStatusError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(NetworkStatusError::TooLarge { bytes: value.len() });
    }
    let text = std::str::from_utf8(value).map_err(|e| {
        let before = &value[..e.valid_up_to()];
        NetworkStatusError::InvalidJson {
            message: "invalid UTF-8".to_owned(),
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            column: before.len()
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1,
        }
    })?;
    // One pass straight into typed fields; a document the typed pass
    // refuses (a key repeated in an entry, invalid JSON) takes the general
    // path, which also gives the error's position.
    match parse_typed(text, key, warnings) {
        Some(entries) => Ok(entries),
        None => parse_general(text, key, warnings),
    }
}

/// The single-pass decoder; `None` when serde refuses the document.
fn parse_typed(text: &str, key: &str, warnings: &mut About<'_>) -> Option<Vec<NetworkStatusEntry>> {
    let items = serde_json::from_str::<Capped<Field<EntryFields>, MAX_ENTRIES>>(text).ok()?;
    let skipped = items.skipped();
    let mut entries = Vec::with_capacity(items.items.len());
    for (index, item) in items.items.into_iter().enumerate() {
        match item {
            Field::Value(fields) => entries.push(fields.decode(key, index, warnings)),
            Field::Null => warnings.push(format_args!(
                "{key} entry {index}: expected an object, found null; entry dropped"
            )),
            Field::Wrong(found) => warnings.push(format_args!(
                "{key} entry {index}: expected an object, found {found}; entry dropped"
            )),
        }
    }
    warn_skipped(key, skipped, warnings);
    Some(entries)
}

fn warn_skipped(key: &str, skipped: usize, warnings: &mut About<'_>) {
    if skipped > 0 {
        let (noun, verb) = if skipped == 1 {
            ("entry", "is")
        } else {
            ("entries", "are")
        };
        warnings.push(format_args!(
            "{key}: {skipped} {noun} after the first {MAX_ENTRIES} {verb} not read"
        ));
    }
}

/// The general decoder: splits each entry into raw fields first, so it
/// copes with repeated keys (the last wins) and locates syntax errors.
fn parse_general(
    text: &str,
    key: &str,
    warnings: &mut About<'_>,
) -> Result<Vec<NetworkStatusEntry>, NetworkStatusError> {
    let items = json::parse_objects::<MAX_ENTRIES>(text).map_err(|e| match e {
        Ok(found) => NetworkStatusError::NotAnArray { found },
        Err(e) => NetworkStatusError::InvalidJson {
            message: json_error_message(&e),
            line: e.line(),
            column: e.column(),
        },
    })?;
    let skipped = items.skipped();
    let mut entries = Vec::with_capacity(items.items.len());
    for (index, item) in items.items.into_iter().enumerate() {
        let obj = match item {
            Elem::Obj(obj) => obj,
            Elem::Other(found) => {
                warnings.push(format_args!(
                    "{key} entry {index}: expected an object, found {found}; entry dropped"
                ));
                continue;
            }
        };
        entries.push(EntryFields::from_obj(&obj).decode(key, index, warnings));
    }
    warn_skipped(key, skipped, warnings);
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

/// Names an entry in warnings: `<key> entry <n> (<interface>)`.
struct EntryContext<'a> {
    key: &'a str,
    index: usize,
    interface: Option<&'a str>,
}

impl fmt::Display for EntryContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} entry {}", self.key, self.index)?;
        if let Some(i) = self.interface {
            write!(f, " ({i})")?;
        }
        Ok(())
    }
}

/// The fields of one network-status entry, each decoded leniently.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EntryFields {
    name: Field<String>,
    interface: Field<String>,
    ips: Field<Vec<Field<String>>>,
    mac: Field<String>,
    mtu: Field<u64>,
    default: Field<bool>,
    dns: Field<DnsFields>,
    gateway: Field<Vec<Field<String>>>,
    #[serde(rename = "default-route")]
    default_route: Field<Vec<Field<String>>>,
    #[serde(rename = "device-info")]
    device_info: Field<InfoFields>,
    #[serde(rename = "infiniband-guid")]
    infiniband_guid: Field<String>,
    /// The pre-release name of `device-info`.
    device: Field<InfoFields>,
}

impl<'de> FromJson<'de> for EntryFields {
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        Self::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
}

/// The fields of a DNS object, each decoded leniently.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DnsFields {
    nameservers: Field<Vec<Field<String>>>,
    domain: Field<String>,
    search: Field<Vec<Field<String>>>,
    options: Field<Vec<Field<String>>>,
}

impl<'de> FromJson<'de> for DnsFields {
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        Self::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
}

impl DnsFields {
    /// The same fields from an object split by the general path.
    pub(crate) fn from_obj(obj: &Obj<'_>) -> Self {
        Self {
            nameservers: obj.field("nameservers"),
            domain: obj.field("domain"),
            search: obj.field("search"),
            options: obj.field("options"),
        }
    }

    pub(crate) fn decode(self, context: &dyn fmt::Display, warnings: &mut About<'_>) -> Dns {
        Dns {
            nameservers: self
                .nameservers
                .string_list("nameservers", context, warnings),
            domain: self.domain.string("domain", context, warnings),
            search: self.search.string_list("search", context, warnings),
            options: self.options.string_list("options", context, warnings),
        }
    }
}

impl EntryFields {
    /// The same fields from an object split by the general path.
    fn from_obj(obj: &Obj<'_>) -> Self {
        Self {
            name: obj.field("name"),
            interface: obj.field("interface"),
            ips: obj.field("ips"),
            mac: obj.field("mac"),
            mtu: obj.field("mtu"),
            default: obj.field("default"),
            dns: match obj.get("dns") {
                None => Field::Null,
                Some(raw) => match Obj::parse(raw) {
                    Some(d) => Field::Value(DnsFields::from_obj(&d)),
                    None if raw.get().trim() == "null" => Field::Null,
                    None => Field::Wrong(json::kind(raw)),
                },
            },
            gateway: obj.field("gateway"),
            default_route: obj.field("default-route"),
            device_info: obj.field("device-info"),
            infiniband_guid: obj.field("infiniband-guid"),
            device: obj.field("device"),
        }
    }

    fn decode(self, key: &str, index: usize, warnings: &mut About<'_>) -> NetworkStatusEntry {
        let mut context = EntryContext {
            key,
            index,
            interface: None,
        };
        let interface = self.interface.string("interface", &context, warnings);
        // Name the interface in warnings once it is known.
        context.interface = interface.as_deref();
        let context = &context;
        let mut gateway = self.gateway.string_list("gateway", context, warnings);
        gateway.retain(|gw| is_gateway(gw));
        let routes = self
            .default_route
            .string_list("default-route", context, warnings);
        if !routes.is_empty() {
            // A set, so that a long list costs its length, not its square.
            let mut listed: HashSet<String> = gateway.iter().cloned().collect();
            for gw in routes {
                if is_gateway(&gw) && listed.insert(gw.clone()) {
                    gateway.push(gw);
                }
            }
        }
        // Warnings come in the order of the fields below.
        let name = self.name.string("name", context, warnings);
        let ips = self.ips.string_list("ips", context, warnings);
        let mac = hwaddr::checked_mac(self.mac.string("mac", context, warnings), context, warnings);
        let mtu = match self.mtu {
            Field::Value(0) | Field::Null => None,
            Field::Value(m) => Some(m),
            Field::Wrong(found) => {
                warnings.push(format_args!(
                    "{context}: \"mtu\" should be a positive integer, found {found}; dropped"
                ));
                None
            }
        };
        let default_given = !matches!(self.default, Field::Null);
        let default = self.default.boolean("default", context, warnings);
        let dns = self
            .dns
            .object("dns", context, warnings)
            .map(|d| d.decode(&format_args!("{context} dns"), warnings))
            .unwrap_or_default();
        let device_info = match self.device_info {
            Field::Null => None,
            info => info.decode(context, warnings),
        };
        let device_info = legacy_device(device_info, self.device, context, warnings);
        let infiniband_guid = hwaddr::checked_guid(
            self.infiniband_guid
                .string("infiniband-guid", context, warnings),
            context,
            warnings,
        );
        NetworkStatusEntry {
            name,
            ips,
            mac,
            mtu,
            default,
            default_given,
            infiniband_guid,
            dns,
            gateway,
            device_info,
            interface,
        }
    }
}

/// Whether a gateway string names a gateway: the NAD client writes
/// `"<nil>"` for a default route without one, Multus 3.x wrote `""`.
fn is_gateway(gw: &str) -> bool {
    !gw.is_empty() && gw != "<nil>"
}

/// Reads the pre-release `device` key (a device-info under its first name)
/// when the entry has no `device-info`; when it has both and they differ,
/// `device-info` is used and a warning names the other. An empty `device`
/// (`{}`, what that pre-release wrote for no device) is no device.
fn legacy_device(
    device_info: Option<DeviceInfo>,
    device: Field<InfoFields>,
    context: &dyn fmt::Display,
    warnings: &mut About<'_>,
) -> Option<DeviceInfo> {
    let legacy = match device {
        Field::Null => return device_info,
        Field::Value(f) if f.is_empty() => return device_info,
        Field::Wrong(found) => {
            warnings.push(format_args!(
                "{context}: \"device\" should be a device-info object, found {found}; ignored"
            ));
            return device_info;
        }
        device => device.decode(&format_args!("{context} \"device\""), warnings),
    };
    match (device_info, legacy) {
        (None, legacy) => legacy,
        (Some(info), Some(legacy)) if !info.same_device(&legacy) => {
            warnings.push(format_args!(
                "{context}: \"device\" (the old name of device-info) describes another device than \"device-info\"; \"device-info\" is used"
            ));
            Some(info)
        }
        (info, _) => info,
    }
}

/// Decodes a DNS object (shared with CNI results).
pub(crate) fn decode_dns(
    obj: &Obj<'_>,
    context: &dyn fmt::Display,
    warnings: &mut About<'_>,
) -> Dns {
    DnsFields::from_obj(obj).decode(context, warnings)
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
            crate::userspace::CONFIGURATION_DATA_SOURCE,
            format!("annotation {}", crate::userspace::CONFIGURATION_DATA_KEY)
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
        let pci = |a: &str| {
            format!(r#"{{"type":"pci","version":"1.0.0","pci":{{"pci-address":"{a}"}}}}"#)
        };
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
}
