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

use serde::Deserialize;
use thiserror::Error;

use crate::parse::devinfo::InfoFields;
use crate::parse::hwaddr;
use crate::parse::json::{self, Capped, Elem, Field, FromJson, Obj};
use crate::report::DeviceInfo;
use crate::report::Dns;
use crate::report::warning::{About, WarningCode, Warnings};
use serde::de::MapAccess;
use serde::de::value::MapAccessDeserializer;

/// The current annotation key.
pub const NETWORK_STATUS_KEY: &str = "k8s.v1.cni.cncf.io/network-status";
/// The deprecated key, the only one Multus wrote before 2020 and written
/// beside the current one until NAD client v1.3.0.
pub const NETWORKS_STATUS_KEY: &str = "k8s.v1.cni.cncf.io/networks-status";

/// The request annotation Multus reads: the networks the pod asks for.
pub const NETWORKS_KEY: &str = "k8s.v1.cni.cncf.io/networks";

/// The warnings source of [`NETWORK_STATUS_KEY`].
pub(crate) const NETWORK_STATUS_SOURCE: &str = "annotation k8s.v1.cni.cncf.io/network-status";
/// The warnings source of [`NETWORKS_STATUS_KEY`].
pub(crate) const NETWORKS_STATUS_SOURCE: &str = "annotation k8s.v1.cni.cncf.io/networks-status";

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
            Field::Null => warnings.push(
                WarningCode::Dropped,
                format_args!("{key} entry {index}: expected an object, found null; entry dropped"),
            ),
            Field::Wrong(found) => warnings.push(
                WarningCode::Dropped,
                format_args!(
                    "{key} entry {index}: expected an object, found {found}; entry dropped"
                ),
            ),
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
        warnings.push(
            WarningCode::Dropped,
            format_args!("{key}: {skipped} {noun} after the first {MAX_ENTRIES} {verb} not read"),
        );
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
                warnings.push(
                    WarningCode::Dropped,
                    format_args!(
                        "{key} entry {index}: expected an object, found {found}; entry dropped"
                    ),
                );
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
        let mtu =
            match self.mtu {
                Field::Value(0) | Field::Null => None,
                Field::Value(m) => Some(m),
                Field::Wrong(found) => {
                    warnings.push(WarningCode::Dropped, format_args!(
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
    let legacy =
        match device {
            Field::Null => return device_info,
            Field::Value(f) if f.is_empty() => return device_info,
            Field::Wrong(found) => {
                warnings.push(WarningCode::Dropped, format_args!(
                "{context}: \"device\" should be a device-info object, found {found}; ignored"
            ));
                return device_info;
            }
            device => device.decode(&format_args!("{context} \"device\""), warnings),
        };
    match (device_info, legacy) {
        (None, legacy) => legacy,
        (Some(info), Some(legacy)) if !info.same_device(&legacy) => {
            warnings.push(WarningCode::Conflict, format_args!(
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
mod tests;
