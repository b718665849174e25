//! Userspace CNI annotations (`userspace/configuration-data`,
//! `userspace/mapped-dir`).
//!
//! The configuration data is a JSON array with one object per interface,
//! holding the *container* side configuration: `config.iftype` (`vhostuser`
//! or `memif`), `config.vhost` {`mode`, `socketfile`}, `config.memif`
//! {`role`, `mode`, `socketfile`} and `ipResult`, a CNI result of any version
//! (CNI 1.0 results carry no `version` in their IP entries).

use std::collections::HashSet;

use serde_json::value::RawValue;

use crate::devinfo::DeviceInfo;
use crate::json::{self, Arr, Capped, Obj};
use crate::netstatus::{Dns, MAX_VALUE_BYTES, decode_dns, json_error_message};
use crate::warnings::{About, Warnings};

/// Annotation holding the interfaces' configuration.
pub const CONFIGURATION_DATA_KEY: &str = "userspace/configuration-data";
/// The warnings source of [`CONFIGURATION_DATA_KEY`].
pub(crate) const CONFIGURATION_DATA_SOURCE: &str = "annotation userspace/configuration-data";
/// Annotation holding the container directory of the socket files.
pub const MAPPED_DIR_KEY: &str = "userspace/mapped-dir";
/// The userspace CNI's default container directory (`DefaultBaseCNIDir`).
pub const DEFAULT_MAPPED_DIR: &str = "/var/lib/cni/usrspcni";

/// One interface described by the userspace CNI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserspaceInterface {
    /// Interface name in the pod (`ifName`).
    pub interface: Option<String>,
    /// Network name (`name`).
    pub network: Option<String>,
    /// The device-info built from the configuration.
    pub device_info: Option<DeviceInfo>,
    /// Addresses from the CNI result, as given.
    pub ips: Vec<String>,
    /// MAC address from the CNI result.
    pub mac: Option<String>,
    /// Default-route gateways from the CNI result.
    pub gateway: Vec<String>,
    /// DNS from the CNI result.
    pub dns: Dns,
}

/// Joins a socket file name to the mapped directory with exactly one `/`;
/// an absolute socket file is used as it is.
#[must_use]
pub fn socket_path(mapped_dir: &str, socketfile: &str) -> String {
    if socketfile.starts_with('/') {
        return socketfile.to_owned();
    }
    let dir = mapped_dir.trim_end_matches('/');
    format!("{dir}/{}", socketfile.trim_start_matches("./"))
}

/// The most interfaces decoded from the configuration data; the rest are
/// skipped with a warning.
pub const MAX_ENTRIES: usize = crate::netstatus::MAX_ENTRIES;

/// Parses the configuration data. `mapped_dir` is the decoded
/// `userspace/mapped-dir` value, if present; without it the default
/// directory is used, with a warning, for relative socket files. A value
/// longer than [`crate::netstatus::MAX_VALUE_BYTES`] (more than Kubernetes
/// allows) is not used, and at most [`MAX_ENTRIES`] interfaces are read.
#[must_use]
pub fn parse(
    value: &[u8],
    mapped_dir: Option<&str>,
    warnings: &mut Vec<String>,
) -> Vec<UserspaceInterface> {
    let mut w = Warnings::new();
    let source = format!("annotation {CONFIGURATION_DATA_KEY}");
    let out = parse_about(value, mapped_dir, &mut w.source(&source));
    warnings.extend(w.into_vec());
    out
}

/// [`parse`] into the warnings of a collection.
pub(crate) fn parse_about(
    value: &[u8],
    mapped_dir: Option<&str>,
    warnings: &mut About<'_>,
) -> Vec<UserspaceInterface> {
    let key = CONFIGURATION_DATA_KEY;
    if value.len() > MAX_VALUE_BYTES {
        warnings.push(format_args!(
            "annotation {key} is {} bytes long, more than the {MAX_VALUE_BYTES} bytes Kubernetes allows for all annotations together; not used",
            value.len()
        ));
        return Vec::new();
    }
    let raw = match std::str::from_utf8(value)
        .map_err(|_| "invalid UTF-8".to_owned())
        .and_then(|t| {
            serde_json::from_str::<&RawValue>(t).map_err(|e| {
                format!(
                    "{} at line {} column {}",
                    json_error_message(&e),
                    e.line(),
                    e.column()
                )
            })
        }) {
        Ok(v) => v,
        Err(e) => {
            warnings.push(format_args!(
                "annotation {key} is not valid JSON ({e}); not used"
            ));
            return Vec::new();
        }
    };
    // A single object (one interface) is accepted as a one-element list.
    let (items, skipped) =
        if let Ok(items) = serde_json::from_str::<Capped<&RawValue, MAX_ENTRIES>>(raw.get()) {
            let skipped = items.skipped();
            (items.items, skipped)
        } else if raw.get().trim_start().starts_with('{') {
            (vec![raw], 0)
        } else {
            warnings.push(format_args!(
                "annotation {key}: expected a JSON array, found {}; not used",
                json::kind(raw)
            ));
            return Vec::new();
        };
    let mut warned_dir = false;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let Some(obj) = Obj::parse(item) else {
            warnings.push(format_args!(
                "annotation {key} entry {index}: expected an object, found {}; entry dropped",
                json::kind(item)
            ));
            continue;
        };
        let interface = obj.string(
            "ifName",
            &format_args!("annotation {key} entry {index}"),
            warnings,
        );
        let context = match &interface {
            Some(i) => format!("annotation {key} entry {index} ({i})"),
            None => format!("annotation {key} entry {index}"),
        };
        let mut entry = UserspaceInterface {
            interface,
            network: obj.string("name", &context, warnings),
            ..UserspaceInterface::default()
        };
        let mut resolve = |socketfile: &str, warnings: &mut About<'_>| {
            let dir = match mapped_dir {
                Some(d) if !d.trim().is_empty() => d,
                _ => {
                    if !socketfile.starts_with('/') && !warned_dir {
                        warned_dir = true;
                        warnings.push(format_args!(
                            "annotation {MAPPED_DIR_KEY} is missing: socket files are taken to be in the userspace CNI default {DEFAULT_MAPPED_DIR}"
                        ));
                    }
                    DEFAULT_MAPPED_DIR
                }
            };
            socket_path(dir, socketfile)
        };
        match obj.get("config") {
            None => warnings.push(format_args!(
                "{context}: no \"config\" object; the interface has no device"
            )),
            Some(_) => match obj.object("config", &context, warnings) {
                Some(config) => {
                    entry.device_info = device_info(&config, &context, warnings, &mut resolve);
                }
                None => warnings.push(format_args!("{context}: the interface has no device")),
            },
        }
        if let Some(result) = obj.object("ipResult", &context, warnings) {
            cni_result(&result, &mut entry, &context, warnings);
        }
        out.push(entry);
    }
    if skipped > 0 {
        warnings.push(format_args!(
            "annotation {key}: {skipped} entries after the first {MAX_ENTRIES} are not read"
        ));
    }
    out
}

fn device_info(
    config: &Obj<'_>,
    context: &str,
    warnings: &mut About<'_>,
    resolve: &mut dyn FnMut(&str, &mut About<'_>) -> String,
) -> Option<DeviceInfo> {
    let iftype = config.string("iftype", &context, warnings);
    let sub = |name: &str, warnings: &mut About<'_>| {
        config.object(name, &format_args!("{context} config"), warnings)
    };
    match iftype.as_deref() {
        Some("vhostuser") => {
            let ctx = format_args!("{context} config vhost");
            let vhost = sub("vhost", warnings);
            let mode = vhost
                .as_ref()
                .and_then(|v| v.string("mode", &ctx, warnings));
            let Some(file) = vhost
                .as_ref()
                .and_then(|v| v.string("socketfile", &ctx, warnings))
            else {
                warnings.push(format_args!(
                    "{context}: vhostuser interface has no socketfile; the interface has no device"
                ));
                return None;
            };
            Some(DeviceInfo::synthesized_vhost_user(
                mode,
                resolve(&file, warnings),
            ))
        }
        Some("memif") => {
            let ctx = format_args!("{context} config memif");
            let memif = sub("memif", warnings);
            let role = memif
                .as_ref()
                .and_then(|m| m.string("role", &ctx, warnings));
            let mode = memif
                .as_ref()
                .and_then(|m| m.string("mode", &ctx, warnings));
            let Some(file) = memif
                .as_ref()
                .and_then(|m| m.string("socketfile", &ctx, warnings))
            else {
                warnings.push(format_args!(
                    "{context}: memif interface has no socketfile; the interface has no device"
                ));
                return None;
            };
            Some(DeviceInfo::synthesized_memif(
                role,
                mode,
                resolve(&file, warnings),
            ))
        }
        Some(other) => {
            warnings.push(format_args!(
                "{context}: iftype {other:?} is neither vhostuser nor memif; the interface has no device"
            ));
            None
        }
        None => {
            warnings.push(format_args!(
                "{context}: config has no \"iftype\"; the interface has no device"
            ));
            None
        }
    }
}

/// The objects of an array field; anything else is dropped with a warning.
fn objects<'a>(
    obj: &Obj<'a>,
    key: &str,
    context: &dyn std::fmt::Display,
    warnings: &mut About<'_>,
) -> Vec<Obj<'a>> {
    let Some(raw) = obj.get(key).filter(|r| r.get().trim() != "null") else {
        return Vec::new();
    };
    let Ok(Arr(items)) = serde_json::from_str::<Arr<'a>>(raw.get()) else {
        warnings.push(format_args!(
            "{context}: \"{key}\" should be an array, found {}; dropped",
            json::kind(raw)
        ));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match Obj::parse(item) {
            Some(o) => out.push(o),
            None => warnings.push(format_args!(
                "{context}: an element of \"{key}\" should be an object; dropped"
            )),
        }
    }
    out
}

/// Takes addresses, MAC, default-route gateways and DNS from a CNI result of
/// any version.
fn cni_result(
    result: &Obj<'_>,
    entry: &mut UserspaceInterface,
    context: &str,
    warnings: &mut About<'_>,
) {
    let ctx = format!("{context} ipResult");
    for ip in objects(result, "ips", &ctx, warnings) {
        // The family comes from the address itself; the `version` key is
        // absent in CNI 1.0 and sometimes empty.
        if let Some(addr) = ip.string("address", &ctx, warnings) {
            entry.ips.push(addr);
        }
    }
    let mut quiet_sink = Warnings::new();
    let mut quiet = quiet_sink.source("");
    let ifaces = objects(result, "interfaces", &ctx, &mut quiet);
    let mut chosen = None;
    for iface in &ifaces {
        let in_sandbox = iface.string("sandbox", &ctx, &mut quiet).is_some();
        let same_name =
            iface.string("name", &ctx, &mut quiet).as_deref() == entry.interface.as_deref();
        if same_name || (in_sandbox && chosen.is_none()) {
            chosen = Some(iface);
            if same_name {
                break;
            }
        }
    }
    entry.mac = chosen.and_then(|i| i.string("mac", &ctx, warnings));
    let mut listed: HashSet<String> = entry.gateway.iter().cloned().collect();
    for route in objects(result, "routes", &ctx, &mut quiet) {
        let dst = route.string("dst", &ctx, &mut quiet);
        let gw = route.string("gw", &ctx, &mut quiet);
        if let (Some("0.0.0.0/0" | "::/0"), Some(gw)) = (dst.as_deref(), gw) {
            if listed.insert(gw.clone()) {
                entry.gateway.push(gw);
            }
        }
    }
    if let Some(dns) = result.object("dns", &ctx, &mut quiet) {
        entry.dns = decode_dns(&dns, &format_args!("{ctx} dns"), warnings);
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(r[0].mac.as_deref(), Some("aa:bb:cc:dd:ee:ff"));
        assert_eq!(r[0].gateway, ["10.56.217.1"]);
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
}
