//! NPWG Device Information Specification objects (versions 1.0.0 and 1.1.0).
//!
//! A device-info object has a `type` (`pci`, `vdpa`, `vhost-user`, `memif`),
//! a `version` and one payload object named after the type. Version 1.1.0
//! only adds `representor-device` to `pci` and `vdpa`. Producers also wrote
//! `v1.0.0`, and the NAD client writes the memif mode `punt` where the spec
//! says `inject-punt`; both are accepted and reported as given.
//!
//! An empty object `{}` is what the NAD client marshals for an empty
//! `DeviceInfo`; it is no device-info at all and is read as absent, without
//! a warning. The multi-net-spec v1.3 example names the vDPA device in a
//! `device` key of the `vdpa` payload, with `parent-device` holding the bus
//! directory `/sys/bus/vdpa/devices`; that form is read as the spec 1.1.0
//! `parent-device`. Any other key this library does not report (an
//! unknown payload key, the payload of another type) is named in a warning.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use serde::de::MapAccess;

use crate::parse::json::{Field, FromJson};
use crate::report::PciAddress;
use crate::report::warning::{About, WarningCode, Warnings};
use crate::report::{DeviceInfo, MemifInfo, PciInfo, VdpaInfo, VhostUserInfo};

/// Decodes a device-info object leniently. Fields of the wrong type are
/// dropped with a warning; `context` names the source (annotation and
/// interface) in warnings. Returns `None`, with a warning, when the value is
/// not an object or has no string `type`.
#[must_use]
pub fn decode(value: &Value, context: &str, warnings: &mut Vec<String>) -> Option<DeviceInfo> {
    let fields = Field::<InfoFields>::deserialize(value).unwrap_or(Field::Wrong("invalid JSON"));
    let mut w = Warnings::new();
    let info = fields.decode(&context, &mut w.source(context));
    warnings.extend(w.into_vec());
    info
}

/// Every key any payload type has (and the multi-net-spec v1.3 vDPA
/// `device`); all their values are strings.
const PAYLOAD_FIELD_KEYS: [&str; 11] = [
    "pci-address",
    "vhost-net",
    "rdma-device",
    "pf-pci-address",
    "representor-device",
    "parent-device",
    "driver",
    "path",
    "mode",
    "role",
    "device",
];

/// The directory that the multi-net-spec v1.3 vDPA example puts in
/// `parent-device` (with the device's name in `device`).
const VDPA_BUS_DIR: &str = "/sys/bus/vdpa/devices";

/// A payload's fields: one slot per key of [`PAYLOAD_FIELD_KEYS`] (which
/// keys a type keeps is decided when decoding), and the names of other
/// keys, which are reported in a warning.
#[derive(Debug, Default)]
pub(crate) struct PayloadFields {
    slots: [Field<String>; 11],
    other: Vec<String>,
}

impl<'de> FromJson<'de> for PayloadFields {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut fields = Self::default();
        while let Some(key) = map.next_key::<crate::parse::json::Key<'de>>()? {
            match PAYLOAD_FIELD_KEYS.iter().position(|k| *k == key.as_str()) {
                // A repeated key keeps its last value.
                Some(i) => fields.slots[i] = map.next_value()?,
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    if !fields.other.iter().any(|k| k == key.as_str()) {
                        fields.other.push(key.as_str().to_owned());
                    }
                }
            }
        }
        Ok(Some(fields))
    }
}

impl PayloadFields {
    /// The keys still holding something after the type took its own: keys
    /// of other payload types and unknown keys (`null` and `""` carry
    /// nothing and are not named).
    fn leftover(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = PAYLOAD_FIELD_KEYS
            .iter()
            .zip(&self.slots)
            .filter(|(_, f)| match f {
                Field::Null => false,
                Field::Value(s) => !s.is_empty(),
                Field::Wrong(_) => true,
            })
            .map(|(k, _)| *k)
            .collect();
        keys.extend(self.other.iter().map(String::as_str));
        keys
    }

    /// Warns about [`PayloadFields::leftover`] keys of a `kind` payload.
    fn warn_leftover(&self, kind: &str, context: &dyn fmt::Display, warnings: &mut About<'_>) {
        let keys = self.leftover();
        if !keys.is_empty() {
            warnings.push(WarningCode::Unsupported, format_args!(
                "{context}: device-info {kind} keys {keys:?} are not part of a {kind} device-info; not reported"
            ));
        }
    }

    /// The value of `key`, one of [`PAYLOAD_FIELD_KEYS`].
    fn take(&mut self, key: &str) -> Field<String> {
        PAYLOAD_FIELD_KEYS
            .iter()
            .position(|k| *k == key)
            .map_or(Field::Null, |i| std::mem::take(&mut self.slots[i]))
    }

    /// The string `key` (see [`Field::string`]).
    fn string(
        &mut self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<String> {
        self.take(key).string(key, context, warnings)
    }

    /// The PCI address `key`, normalised; a value that is not one is
    /// dropped with a warning.
    fn pci(
        &mut self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<String> {
        let raw = self.string(key, context, warnings)?;
        if let Some(addr) = PciAddress::parse(&raw) {
            Some(addr.into_string())
        } else {
            warnings.push(
                WarningCode::Dropped,
                format_args!("{context}: \"{key}\" {raw:?} is not a PCI address; dropped"),
            );
            None
        }
    }
}

/// A device-info object's fields, read in one pass. Keys other than
/// `type`, `version` and the payloads are remembered by name only.
#[derive(Debug, Default)]
pub(crate) struct InfoFields {
    kind: Field<String>,
    version: Field<String>,
    payloads: Vec<(&'static str, Field<PayloadFields>)>,
    other_keys: Vec<String>,
    /// How many keys the object had (`{}` is no device-info at all).
    keys: usize,
}

impl InfoFields {
    /// Whether the object had no key at all: the NAD client's empty
    /// `DeviceInfo`, `{}`.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys == 0
    }
}

const PAYLOAD_KEYS: [&str; 4] = ["pci", "vdpa", "vhost-user", "memif"];

impl<'de> FromJson<'de> for InfoFields {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut f = Self::default();
        while let Some(key) = map.next_key::<crate::parse::json::Key<'de>>()? {
            f.keys += 1;
            match key.as_str() {
                "type" => f.kind = map.next_value()?,
                "version" => f.version = map.next_value()?,
                k => match PAYLOAD_KEYS.iter().find(|p| **p == k) {
                    Some(p) => {
                        let value = map.next_value::<Field<PayloadFields>>()?;
                        f.payloads.retain(|(q, _)| q != p);
                        f.payloads.push((p, value));
                    }
                    None => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        f.other_keys.push(key.as_str().to_owned());
                    }
                },
            }
        }
        Ok(Some(f))
    }
}

impl Field<InfoFields> {
    /// The device-info these fields make, with warnings for what is
    /// dropped. An empty object (`{}`) is `None` without a warning.
    pub(crate) fn decode(
        self,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<DeviceInfo> {
        let mut f = match self {
            Field::Value(f) if f.is_empty() => return None,
            Field::Value(f) => f,
            Field::Null | Field::Wrong(_) => {
                warnings.push(
                    WarningCode::Dropped,
                    format_args!("{context}: device-info is not an object; device-info ignored"),
                );
                return None;
            }
        };
        let Field::Value(kind) = std::mem::take(&mut f.kind) else {
            warnings.push(
                WarningCode::Dropped,
                format_args!("{context}: device-info has no string \"type\"; device-info ignored"),
            );
            return None;
        };
        let mut info = DeviceInfo {
            version: f.version.string("version", context, warnings),
            ..DeviceInfo::default()
        };
        if info.version.is_none() {
            warnings.push(
                WarningCode::Missing,
                format_args!("{context}: device-info has no \"version\"; version left null"),
            );
        }
        let mut payload = |key: &str, warnings: &mut About<'_>| {
            let i = f.payloads.iter().position(|(k, _)| *k == key)?;
            let (_, value) = f.payloads.swap_remove(i);
            match value {
                Field::Value(p) => Some(p),
                Field::Null => None,
                Field::Wrong(_) => {
                    warnings.push(
                        WarningCode::Dropped,
                        format_args!("{context}: device-info \"{key}\" is not an object; dropped"),
                    );
                    None
                }
            }
        };
        match kind.as_str() {
            "pci" => {
                info.pci = payload("pci", warnings).map(|mut m| {
                    let ctx = format_args!("{context}: device-info pci");
                    let pci = PciInfo {
                        pci_address: m.pci("pci-address", &ctx, warnings),
                        vhost_net: m.string("vhost-net", &ctx, warnings),
                        rdma_device: m.string("rdma-device", &ctx, warnings),
                        pf_pci_address: m.pci("pf-pci-address", &ctx, warnings),
                        representor_device: m.string("representor-device", &ctx, warnings),
                    };
                    m.warn_leftover("pci", context, warnings);
                    pci
                });
            }
            "vdpa" => {
                info.vdpa = payload("vdpa", warnings).map(|mut m| {
                    let ctx = format_args!("{context}: device-info vdpa");
                    let parent = m.string("parent-device", &ctx, warnings);
                    let device = m.string("device", &ctx, warnings);
                    let vdpa = VdpaInfo {
                        parent_device: vdpa_parent(parent, device, &ctx, warnings),
                        driver: m.string("driver", &ctx, warnings),
                        path: m.string("path", &ctx, warnings),
                        pci_address: m.pci("pci-address", &ctx, warnings),
                        pf_pci_address: m.pci("pf-pci-address", &ctx, warnings),
                        representor_device: m.string("representor-device", &ctx, warnings),
                    };
                    m.warn_leftover("vdpa", context, warnings);
                    vdpa
                });
            }
            "vhost-user" => {
                info.vhost_user = payload("vhost-user", warnings).map(|mut m| {
                    let ctx = format_args!("{context}: device-info vhost-user");
                    let vhost_user = VhostUserInfo {
                        mode: m.string("mode", &ctx, warnings),
                        path: m.string("path", &ctx, warnings),
                        group: None,
                    };
                    m.warn_leftover("vhost-user", context, warnings);
                    vhost_user
                });
            }
            "memif" => {
                info.memif = payload("memif", warnings).map(|mut m| {
                    let ctx = format_args!("{context}: device-info memif");
                    let memif = MemifInfo {
                        role: m.string("role", &ctx, warnings),
                        mode: m.string("mode", &ctx, warnings),
                        path: m.string("path", &ctx, warnings),
                    };
                    m.warn_leftover("memif", context, warnings);
                    memif
                });
            }
            other => {
                let mut dropped: Vec<&str> = f.payloads.iter().map(|(k, _)| *k).collect();
                dropped.extend(f.other_keys.iter().map(String::as_str));
                if !dropped.is_empty() {
                    warnings.push(WarningCode::Unsupported, format_args!(
                        "{context}: device-info type {other:?} is not one this library knows; kept as type only, fields {dropped:?} not reported"
                    ));
                }
            }
        }
        info.kind = kind;
        if info.is_known_type() {
            // Payloads of other types and unknown keys beside the payload.
            let mut dropped: Vec<&str> = f
                .payloads
                .iter()
                .filter(|(_, v)| !matches!(v, Field::Null))
                .map(|(k, _)| *k)
                .collect();
            dropped.extend(f.other_keys.iter().map(String::as_str));
            if !dropped.is_empty() {
                warnings.push(WarningCode::Unsupported, format_args!(
                    "{context}: device-info keys {dropped:?} do not belong to a {} device-info; not reported",
                    info.kind
                ));
            }
        }
        if info.is_known_type() && !has_payload(&info) {
            warnings.push(WarningCode::Missing, format_args!(
                "{context}: device-info of type {:?} has no \"{}\" object; it does not identify a device",
                info.kind, info.kind
            ));
        }
        Some(info)
    }
}

/// The vDPA device name from `parent-device` and the multi-net-spec v1.3
/// `device` key. That example writes the bus directory in `parent-device`
/// and the device's name in `device`; the name is used. A `device` that
/// differs from a real `parent-device` is named in a warning.
fn vdpa_parent(
    parent: Option<String>,
    device: Option<String>,
    context: &dyn fmt::Display,
    warnings: &mut About<'_>,
) -> Option<String> {
    let is_bus_dir = |p: &str| p.trim_end_matches('/') == VDPA_BUS_DIR;
    match (parent, device) {
        (None, device) => device,
        (Some(p), None) if is_bus_dir(&p) => {
            warnings.push(WarningCode::Dropped, format_args!(
                "{context}: \"parent-device\" {p:?} is the vDPA bus directory, not a device, and no \"device\" names one; dropped"
            ));
            None
        }
        (Some(p), Some(d)) if is_bus_dir(&p) => Some(d),
        (Some(p), Some(d)) if p != d => {
            warnings.push(WarningCode::Conflict, format_args!(
                "{context}: \"device\" {d:?} differs from \"parent-device\" {p:?}; \"parent-device\" is used"
            ));
            Some(p)
        }
        (Some(p), _) => Some(p),
    }
}

fn has_payload(info: &DeviceInfo) -> bool {
    info.pci.is_some() || info.vdpa.is_some() || info.vhost_user.is_some() || info.memif.is_some()
}

/// The JSON type name of a value, for warnings.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(v: &Value) -> (Option<DeviceInfo>, Vec<String>) {
        let mut w = Vec::new();
        (decode(v, "net1", &mut w), w)
    }

    #[test]
    fn pci_full_1_1_0() {
        let (i, w) = d(&json!({"type":"pci","version":"1.1.0","pci":{
            "pci-address":"0000:3B:00.2","vhost-net":"/dev/vhost-net","rdma-device":"mlx5_2",
            "pf-pci-address":"3b:00.0","representor-device":"eth3"}}));
        assert!(w.is_empty(), "{w:?}");
        let i = i.unwrap();
        assert!(i.is_usable());
        let p = i.pci.unwrap();
        assert_eq!(p.pci_address.as_deref(), Some("0000:3b:00.2"));
        assert_eq!(p.pf_pci_address.as_deref(), Some("0000:3b:00.0"));
        assert_eq!(p.representor_device.as_deref(), Some("eth3"));
        assert_eq!(p.rdma_device.as_deref(), Some("mlx5_2"));
        assert_eq!(p.vhost_net.as_deref(), Some("/dev/vhost-net"));
    }

    #[test]
    fn every_type() {
        let (i, w) = d(&json!({"type":"vdpa","version":"1.0.0","vdpa":{
            "parent-device":"vdpa3","driver":"vhost","path":"/dev/vhost-vdpa-0","pci-address":"0000:65:00.5"}}));
        assert!(w.is_empty());
        let i = i.unwrap();
        assert_eq!(i.pci_address(), Some("0000:65:00.5"));
        assert_eq!(i.vdpa.unwrap().path.as_deref(), Some("/dev/vhost-vdpa-0"));

        let (i, _) = d(
            &json!({"type":"vhost-user","version":"1.0.0","vhost-user":{"mode":"server","path":"/s"}}),
        );
        assert_eq!(
            i.unwrap().vhost_user.unwrap().mode.as_deref(),
            Some("server")
        );

        for mode in ["ethernet", "ip", "inject-punt", "punt"] {
            let (i, w) = d(
                &json!({"type":"memif","version":"v1.0.0","memif":{"role":"master","mode":mode,"path":"/m"}}),
            );
            assert!(w.is_empty());
            let i = i.unwrap();
            assert_eq!(i.version.as_deref(), Some("v1.0.0"));
            assert_eq!(i.memif.unwrap().mode.as_deref(), Some(mode));
        }
    }

    #[test]
    fn missing_payload_not_usable() {
        let (i, w) = d(&json!({"type":"pci","version":"1.0.0"}));
        let i = i.unwrap();
        assert!(!i.is_usable());
        assert_eq!(w.len(), 1);
        let (i, _) =
            d(&json!({"type":"vdpa","version":"1.0.0","vdpa":{"path":"/dev/vhost-vdpa-1"}}));
        assert!(!i.unwrap().is_usable());
    }

    #[test]
    fn unknown_type_kept() {
        let (i, w) = d(&json!({"type":"accelerator","version":"1.0.0","accelerator":{"x":1}}));
        let i = i.unwrap();
        assert_eq!(i.kind, "accelerator");
        assert!(i.is_usable());
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn bad_fields_dropped() {
        let (i, w) =
            d(&json!({"type":"pci","version":1,"pci":{"pci-address":"junk","vhost-net":5}}));
        let i = i.unwrap();
        assert_eq!(i.version, None);
        assert_eq!(i.pci.unwrap(), PciInfo::default());
        assert_eq!(w.len(), 4, "{w:?}");
        let (i, w) = d(&json!("pci"));
        assert!(i.is_none() && w.len() == 1);
        let (i, w) = d(&json!({"version":"1.0.0"}));
        assert!(i.is_none() && w.len() == 1);
    }

    #[test]
    fn empty_object_is_no_device_info() {
        let (i, w) = d(&json!({}));
        assert!(i.is_none() && w.is_empty(), "{w:?}");
        // One key is enough to be a (possibly broken) device-info.
        let (i, w) = d(&json!({"version": "1.0.0"}));
        assert!(i.is_none() && w.len() == 1);
    }

    #[test]
    fn vdpa_device_key_of_the_multi_net_spec() {
        let vdpa = |payload: Value| {
            let (i, w) = d(&json!({"type":"vdpa","version":"1.0.0","vdpa": payload}));
            (i.unwrap().vdpa.unwrap().parent_device, w)
        };
        // multi-net-spec v1.3 §5.4: the bus directory and the device's name.
        let (p, w) = vdpa(
            json!({"parent-device":"/sys/bus/vdpa/devices","driver":"vhost",
            "device":"vdpa2","path":"/dev/vhost-vdpa0","pci-address":"0000:04:02.7"}),
        );
        assert_eq!(p.as_deref(), Some("vdpa2"));
        assert!(w.is_empty(), "{w:?}");
        let (p, w) = vdpa(json!({"parent-device":"/sys/bus/vdpa/devices/","device":"vdpa2"}));
        assert_eq!(p.as_deref(), Some("vdpa2"));
        assert!(w.is_empty(), "{w:?}");
        let (p, w) = vdpa(json!({"device":"vdpa2"}));
        assert_eq!(p.as_deref(), Some("vdpa2"));
        assert!(w.is_empty(), "{w:?}");
        let (p, w) = vdpa(json!({"parent-device":"vdpa2","device":"vdpa2"}));
        assert_eq!(p.as_deref(), Some("vdpa2"));
        assert!(w.is_empty(), "{w:?}");
        // Ambiguous: the spec key wins and the other is named.
        let (p, w) = vdpa(json!({"parent-device":"vdpa1","device":"vdpa2"}));
        assert_eq!(p.as_deref(), Some("vdpa1"));
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("\"vdpa2\"") && w[0].contains("\"vdpa1\""),
            "{w:?}"
        );
        // The directory names no device.
        let (p, w) = vdpa(json!({"parent-device":"/sys/bus/vdpa/devices"}));
        assert_eq!(p, None);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("bus directory"), "{w:?}");
        // A `device` of the wrong type is dropped with a warning.
        let (p, w) = vdpa(json!({"parent-device":"vdpa3","device":3}));
        assert_eq!(p.as_deref(), Some("vdpa3"));
        assert_eq!(w.len(), 1, "{w:?}");
    }

    #[test]
    fn keys_not_reported_are_named() {
        // Keys of another payload type and unknown keys in the payload.
        let (i, w) = d(&json!({"type":"pci","version":"1.1.0","pci":{
            "pci-address":"0000:18:02.5","role":"master","device":"x","vendor-key":{"a":1},
            "mode":"","path":null}}));
        assert_eq!(i.unwrap().pci_address(), Some("0000:18:02.5"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains(r#"["role", "device", "vendor-key"]"#)
                && w[0].contains("pci device-info"),
            "{w:?}"
        );
        // A payload of another type and an unknown key beside the payload;
        // a null payload carries nothing.
        let (i, w) = d(&json!({"type":"memif","version":"1.0.0",
            "memif":{"role":"master","mode":"ethernet","path":"/m"},
            "vhost-user":{"mode":"client","path":"/v"},"pci":null,"extra":1}));
        assert_eq!(i.unwrap().memif.unwrap().path.as_deref(), Some("/m"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains(r#"["vhost-user", "extra"]"#), "{w:?}");
        // Clean objects stay silent.
        for v in [
            json!({"type":"vhost-user","version":"1.0.0","vhost-user":{"mode":"client","path":"/v"}}),
            json!({"type":"vdpa","version":"1.1.0","vdpa":{"parent-device":"vdpa3","driver":"vhost",
                "path":"/dev/vhost-vdpa-0","pci-address":"0000:65:00.5","pf-pci-address":"0000:65:00.0",
                "representor-device":"pf0vf5"}}),
        ] {
            let (i, w) = d(&v);
            assert!(i.is_some() && w.is_empty(), "{v}: {w:?}");
        }
    }

    #[test]
    fn same_device_ignores_the_version() {
        let (a, _) = d(&json!({"type":"pci","version":"1.0.0","pci":{"pci-address":"18:02.5"}}));
        let (b, _) =
            d(&json!({"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:18:02.5"}}));
        let (c, _) =
            d(&json!({"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:18:02.6"}}));
        let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
        assert!(a.same_device(&b) && b.same_device(&a));
        assert!(!a.same_device(&c));
    }

    #[test]
    fn complete_with_address() {
        let a = PciAddress::parse("18:02.2").unwrap();
        let mut i = DeviceInfo {
            kind: "pci".into(),
            version: Some("1.0.0".into()),
            ..DeviceInfo::default()
        };
        i.complete_with_address(&a);
        assert_eq!(i.pci_address(), Some("0000:18:02.2"));
        assert_eq!(i.version.as_deref(), Some("1.0.0"));
        let mut v = DeviceInfo {
            kind: "vdpa".into(),
            version: Some("1.1.0".into()),
            vdpa: Some(VdpaInfo {
                path: Some("/dev/vhost-vdpa-0".into()),
                ..VdpaInfo::default()
            }),
            ..DeviceInfo::default()
        };
        v.complete_with_address(&a);
        assert_eq!(v.pci_address(), Some("0000:18:02.2"));
        assert_eq!(v.vdpa.unwrap().path.as_deref(), Some("/dev/vhost-vdpa-0"));
    }
}
