//! Device-plugin environment variables.
//!
//! The SR-IOV network device plugin sets `PCIDEVICE_<PREFIX>_<NAME>` to the
//! comma-separated ids of the devices it allocated (`.` in the resource
//! prefix and name becomes `_`, everything is upper-cased, `-` survives).
//! Since v3.6.0 it also sets `PCIDEVICE_<PREFIX>_<NAME>_INFO` to a JSON object
//! `{id: {provider: {key: value}}}` that describes the devices but does not
//! list them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::parse::devinfo::json_type;
use crate::parse::netstatus::json_error_message;
use crate::report::warning::{About, WarningCode, Warnings};
use crate::report::{DeviceId, Object};

/// The prefix of every device-plugin variable.
pub const PREFIX: &str = "PCIDEVICE_";
const INFO_SUFFIX: &str = "_INFO";

/// One device-plugin resource variable and what it lists.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ResourceVar {
    /// The variable name (`PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE`).
    pub name: String,
    /// The devices it lists, in listed order, without duplicates.
    pub ids: Vec<DeviceId>,
    /// Entries of the matching `_INFO` variable, by device id as listed
    /// there (normalised when it is a PCI address).
    pub info: BTreeMap<String, Object>,
}

/// The longest variable value read, in bytes: the kernel's
/// `MAX_ARG_STRLEN` (32 pages), so no variable of a real process
/// environment is longer.
pub const MAX_VALUE_BYTES: usize = 128 * 1024;

/// The most device-plugin variables read (id lists and `_INFO` together,
/// in environment order); the rest are counted in one warning.
pub const MAX_VARIABLES: usize = 1024;

/// The most device ids taken from all device-plugin variables together;
/// the rest are counted in a warning per variable.
pub const MAX_DEVICES: usize = 8192;

/// Finds the device-plugin variables in an environment and returns them
/// sorted by name (byte order), as contract rule 4 takes them. Warnings go
/// to `warnings`, at most [`crate::MAX_WARNINGS_PER_SOURCE`] per variable.
/// See [`MAX_VALUE_BYTES`], [`MAX_VARIABLES`] and [`MAX_DEVICES`] for the
/// bounds.
#[must_use]
pub fn parse<'a, I>(env: I, warnings: &mut Vec<String>) -> Vec<ResourceVar>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut w = Warnings::new();
    let vars = parse_into(env, &mut w);
    warnings.extend(w.into_vec());
    vars
}

/// [`parse`] into the warnings of a collection.
pub(crate) fn parse_into<'a, I>(env: I, warnings: &mut Warnings) -> Vec<ResourceVar>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut lists: BTreeMap<&str, &str> = BTreeMap::new();
    let mut infos: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut not_read = 0u64;
    for (name, value) in env {
        if !name.starts_with(PREFIX) || name.len() == PREFIX.len() {
            continue;
        }
        if lists.len() + infos.len() >= MAX_VARIABLES {
            not_read += 1;
            continue;
        }
        if value.len() > MAX_VALUE_BYTES {
            warnings.push(WarningCode::Dropped, name, format!(
                "environment variable {name} is {} bytes long, more than a process environment can hold ({MAX_VALUE_BYTES}); ignored",
                value.len()
            ));
            continue;
        }
        // `_INFO` holds JSON; a resource whose own name ends in `_INFO` still
        // lists ids, which never start with `{`.
        if let Some(base) = name.strip_suffix(INFO_SUFFIX) {
            if value.trim_start().starts_with('{') {
                infos.insert(base, (name, value));
                continue;
            }
        }
        lists.insert(name, value);
    }
    if not_read > 0 {
        warnings.push(
            WarningCode::Dropped,
            PREFIX,
            format!(
                "{not_read} more {PREFIX} variables after the first {MAX_VARIABLES} are not read"
            ),
        );
    }

    let mut seen: BTreeMap<DeviceId, &str> = BTreeMap::new();
    let mut vars = Vec::with_capacity(lists.len());
    for (&name, &value) in &lists {
        // Named only when there is something to say about the variable.
        let named = std::cell::OnceCell::new();
        let source = || -> &str { named.get_or_init(|| format!("environment variable {name}")) };
        let mut var = ResourceVar {
            name: name.to_owned(),
            ..ResourceVar::default()
        };
        if value.trim().is_empty() {
            warnings.push(
                WarningCode::Missing,
                name,
                format!("environment variable {name} is empty: it lists no device"),
            );
        } else {
            let mut over = 0u64;
            for (pos, item) in value.split(',').enumerate() {
                let item_no = pos + 1;
                if item.trim().is_empty() {
                    warnings.about(
                        WarningCode::Dropped,
                        source(),
                        format_args!("{}: item {item_no} is empty; ignored", source()),
                    );
                    continue;
                }
                let Some(id) = DeviceId::parse(item) else {
                    warnings.about(WarningCode::Dropped,
                        source(),
                        format_args!(
                            "{}: item {item_no} {:?} is neither a PCI address nor an auxiliary device name; ignored",
                            source(),
                            item.trim()
                        ),
                    );
                    continue;
                };
                if let Some(first) = seen.get(&id) {
                    warnings.about(
                        WarningCode::Conflict,
                        source(),
                        format_args!(
                            "{}: device {id} is already listed by {first}; ignored here",
                            source()
                        ),
                    );
                    continue;
                }
                if seen.len() >= MAX_DEVICES {
                    over += 1;
                    continue;
                }
                seen.insert(id.clone(), name);
                var.ids.push(id);
            }
            if over > 0 {
                let (noun, verb) = if over == 1 {
                    ("device", "is")
                } else {
                    ("devices", "are")
                };
                warnings.push(WarningCode::Dropped, name, format!(
                    "{}: {over} {noun} past the first {MAX_DEVICES} of all device-plugin variables {verb} not used",
                    source()
                ));
            }
        }
        if let Some((info_name, info_value)) = infos.remove(name) {
            let info_source = format!("environment variable {info_name}");
            var.info = parse_info(
                info_name,
                info_value,
                &var.ids,
                &mut warnings.source(&info_source),
            );
        }
        vars.push(var);
    }
    for (info_name, _) in infos.values() {
        warnings.push(WarningCode::Dropped, info_name, format!(
            "environment variable {info_name} describes devices, but there is no {} listing them; ignored",
            &info_name[..info_name.len() - INFO_SUFFIX.len()]
        ));
    }
    vars
}

/// Parses an `_INFO` value: `{id: {provider: {key: value}}}`. Unknown
/// providers and non-string values are kept as given.
fn parse_info(
    name: &str,
    value: &str,
    ids: &[DeviceId],
    warnings: &mut About<'_>,
) -> BTreeMap<String, Object> {
    let mut out = BTreeMap::new();
    let json: Value = match serde_json::from_str(value) {
        Ok(v) => v,
        Err(e) => {
            warnings.push(WarningCode::Dropped, format_args!(
                "environment variable {name} is not valid JSON ({} at line {} column {}); device-plugin-info not reported",
                json_error_message(&e),
                e.line(),
                e.column()
            ));
            return out;
        }
    };
    let Value::Object(devices) = json else {
        warnings.push(
            WarningCode::Dropped,
            format_args!(
                "environment variable {name}: expected a JSON object, found {}; ignored",
                json_type(&json)
            ),
        );
        return out;
    };
    let listed: BTreeSet<&str> = ids.iter().map(DeviceId::as_str).collect();
    for (id, providers) in devices {
        let key = DeviceId::parse(&id).map_or_else(|| id.clone(), |d| d.as_str().to_owned());
        let Value::Object(providers) = providers else {
            warnings.push(WarningCode::Dropped, format_args!(
                "environment variable {name}: entry for {id} should be an object, found {}; ignored",
                json_type(&providers)
            ));
            continue;
        };
        let mut providers = providers;
        providers.retain(|provider, inner| {
            let keep = inner.is_object();
            if !keep {
                warnings.push(WarningCode::Dropped, format_args!(
                    "environment variable {name}: provider {provider:?} of {id} should be an object, found {}; dropped",
                    json_type(inner)
                ));
            }
            keep
        });
        if !listed.contains(key.as_str()) {
            warnings.push(WarningCode::Dropped, format_args!(
                "environment variable {name} describes {id}, which its id list does not hold; ignored"
            ));
            continue;
        }
        out.insert(key, Object::from(providers));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(env: &[(&str, &str)]) -> (Vec<ResourceVar>, Vec<String>) {
        let mut w = Vec::new();
        let v = parse(env.iter().copied(), &mut w);
        (v, w)
    }

    fn ids(v: &ResourceVar) -> Vec<&str> {
        v.ids.iter().map(DeviceId::as_str).collect()
    }

    #[test]
    fn exact_names_sorted() {
        let (v, w) = p(&[
            ("PCIDEVICE_INTEL_COM_SRIOV_NET_B", "0000:18:0a.3"),
            ("PATH", "/bin"),
            ("PCIDEVICE_INTEL_COM_SRIOV_NET_A", "18:02.2, 0000:18:02.3"),
            ("PCIDEVICE_INTEL_COM_SRIOV-NET_0", "0000:af:06.2"),
        ]);
        assert!(w.is_empty(), "{w:?}");
        let names: Vec<&str> = v.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "PCIDEVICE_INTEL_COM_SRIOV-NET_0",
                "PCIDEVICE_INTEL_COM_SRIOV_NET_A",
                "PCIDEVICE_INTEL_COM_SRIOV_NET_B"
            ]
        );
        assert_eq!(ids(&v[1]), ["0000:18:02.2", "0000:18:02.3"]);
    }

    #[test]
    fn info_is_not_a_list() {
        let info = r#"{"0000:3b:02.6":{"generic":{"deviceID":"0000:3b:02.6"},"vfio":{"dev-mount":"/dev/vfio/169","mount":"/dev/vfio/vfio"}},"0000:3b:02.7":{"generic":{}}}"#;
        let (v, w) = p(&[
            ("PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK", "0000:3b:02.6"),
            ("PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK_INFO", info),
        ]);
        assert_eq!(v.len(), 1);
        assert_eq!(ids(&v[0]), ["0000:3b:02.6"]);
        assert_eq!(
            v[0].info["0000:3b:02.6"]
                .get("vfio")
                .and_then(|m| m.get("dev-mount"))
                .and_then(crate::report::Value::as_str),
            Some("/dev/vfio/169")
        );
        // The entry for a device the list does not hold is reported.
        assert_eq!(w.len(), 1, "{w:?}");
    }

    #[test]
    fn resource_named_info() {
        let (v, w) = p(&[("PCIDEVICE_INTEL_COM_NIC_INFO", "0000:01:00.1")]);
        assert!(w.is_empty());
        assert_eq!(ids(&v[0]), ["0000:01:00.1"]);
    }

    #[test]
    fn bad_items() {
        let (v, w) = p(&[
            (
                "PCIDEVICE_A",
                "0000:18:02.2,,0000:18:0a.3;vlan=100,mlx5_core.sf.4,18:02.2",
            ),
            ("PCIDEVICE_B", ""),
            ("PCIDEVICE_C_INFO", "{bad json"),
            ("PCIDEVICE_C", "0000:01:00.0"),
            ("PCIDEVICE_D_INFO", "{}"),
        ]);
        assert_eq!(ids(&v[0]), ["0000:18:02.2", "mlx5_core.sf.4"]);
        assert!(v[1].ids.is_empty());
        assert!(v[2].info.is_empty());
        // empty item, garbage item, duplicate, empty var, bad JSON, orphan _INFO
        assert_eq!(w.len(), 6, "{w:?}");
    }
}
