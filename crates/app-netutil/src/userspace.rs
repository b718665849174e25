//! Userspace CNI configuration data: the `userspace/configuration-data`
//! annotation, the `configData-*.json` files of the CNI's shared-directory
//! mode, and the directory the socket files are in (`userspace/mapped-dir`).
//!
//! Each interface is one `ConfigurationData` object holding the *container*
//! side configuration: `config.iftype` (`vhostuser` or `memif`),
//! `config.vhost` {`mode`, `group`, `socketfile`}, `config.memif` {`role`,
//! `mode`, `socketfile`} and `ipResult`, a CNI result of any version (CNI 1.0
//! results carry no `version` in their IP entries).
//!
//! The userspace CNI and its consumers decode this data with Go's
//! `encoding/json`, which matches keys case-insensitively: `IfName`, `Name`
//! and `ContainerId` are the same keys as `ifName`, `name` and
//! `containerId`. This reader matches keys the same way.

use std::collections::HashSet;

use serde_json::value::RawValue;

use crate::devinfo::DeviceInfo;
use crate::downward::Selected;
use crate::json::{self, Arr, Capped, Obj};
use crate::model::{DeviceType, Interface, Route};
use crate::netstatus::{Dns, MAX_VALUE_BYTES, decode_dns, json_error_message};
use crate::pod::PodView;
use crate::warnings::{About, Warnings};

/// Annotation holding the interfaces' configuration.
pub const CONFIGURATION_DATA_KEY: &str = "userspace/configuration-data";
/// The warnings source of [`CONFIGURATION_DATA_KEY`].
pub(crate) const CONFIGURATION_DATA_SOURCE: &str = "annotation userspace/configuration-data";
/// Annotation holding the container directory of the socket files.
pub const MAPPED_DIR_KEY: &str = "userspace/mapped-dir";
/// The warnings source of [`MAPPED_DIR_KEY`].
pub(crate) const MAPPED_DIR_SOURCE: &str = "annotation userspace/mapped-dir";
/// The spelling of [`MAPPED_DIR_KEY`] that the userspace CNI's examples and
/// its `SharedDir` documentation tell users to write by hand.
pub const MAPPED_DIR_ALIAS_KEY: &str = "userspace/mappedDir";
/// The userspace CNI's default container directory (`DefaultBaseCNIDir`).
pub const DEFAULT_MAPPED_DIR: &str = "/var/lib/cni/usrspcni";
/// Start of the names of the files the CNI writes in its shared-directory
/// mode: `configData-<containerId[:12]>-<ifName>.json`.
pub const CONFIG_FILE_PREFIX: &str = "configData-";
/// End of those names.
pub const CONFIG_FILE_SUFFIX: &str = ".json";
/// At most this many `configData-*.json` files are read; more are named in a
/// warning.
pub const MAX_CONFIG_FILES: usize = 256;
/// A `configData-*.json` file larger than this is not read (one interface's
/// data is a few KiB).
pub const MAX_CONFIG_FILE_BYTES: u64 = 1 << 20;
/// The most interfaces decoded from one annotation value or file; the rest
/// are skipped with a warning.
pub const MAX_ENTRIES: usize = crate::netstatus::MAX_ENTRIES;

/// One interface described by the userspace CNI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserspaceInterface {
    /// Interface name in the pod (`ifName`); `None` for an entry without
    /// one that is kept for its device.
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
    /// The other routes of the CNI result.
    pub routes: Vec<Route>,
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

/// The directory relative socket files are taken to be in: the mapped-dir
/// annotation, else the userspace CNI's default (with one warning, the first
/// time it is needed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketDir {
    annotated: Option<String>,
    warned: bool,
}

impl SocketDir {
    /// A directory from a decoded mapped-dir value (`None`: the default).
    #[must_use]
    pub fn new(mapped_dir: Option<&str>) -> Self {
        Self {
            annotated: mapped_dir
                .filter(|d| !d.trim().is_empty())
                .map(str::to_owned),
            warned: false,
        }
    }

    /// The directory given by an annotation, if any.
    #[must_use]
    pub fn annotated(&self) -> Option<&str> {
        self.annotated.as_deref()
    }

    /// `file` in the directory; an absolute `file` is returned as it is.
    pub(crate) fn resolve(&mut self, file: &str, warnings: &mut About<'_>) -> String {
        let dir = match &self.annotated {
            Some(d) => d.as_str(),
            None => {
                if !file.starts_with('/') && !self.warned {
                    self.warned = true;
                    warnings.push(format_args!(
                        "annotation {MAPPED_DIR_KEY} is missing: socket files are taken to be in the userspace CNI default {DEFAULT_MAPPED_DIR}"
                    ));
                }
                DEFAULT_MAPPED_DIR
            }
        };
        socket_path(dir, file)
    }
}

/// The mapped directory the annotations give: `userspace/mapped-dir`, else
/// `userspace/mappedDir`. A value that is not an absolute path is not used
/// (warning). `None` when neither annotation gives a usable directory.
pub(crate) fn mapped_dir(annotations: &Selected, warnings: &mut Warnings) -> Option<String> {
    let value = |key: &str| {
        annotations
            .get(key)
            .map(|v| String::from_utf8_lossy(v).trim().to_owned())
    };
    let main = value(MAPPED_DIR_KEY);
    let alias = value(MAPPED_DIR_ALIAS_KEY);
    let (key, dir) = match (main, alias) {
        (Some(main), Some(alias)) if !main.is_empty() => {
            if !alias.is_empty() && clean_dir(&main) != clean_dir(&alias) {
                warnings.push(format!(
                    "annotations {MAPPED_DIR_KEY} ({main:?}) and {MAPPED_DIR_ALIAS_KEY} ({alias:?}) differ; {MAPPED_DIR_KEY} is used"
                ));
            }
            (MAPPED_DIR_KEY, main)
        }
        (Some(main), None) => (MAPPED_DIR_KEY, main),
        (_, Some(alias)) => (MAPPED_DIR_ALIAS_KEY, alias),
        (None, None) => return None,
    };
    if dir.is_empty() {
        warnings.push(format!("annotation {key} is empty; not used"));
        return None;
    }
    if !dir.starts_with('/') {
        warnings.push(format!(
            "annotation {key} {dir:?} is not an absolute path; not used"
        ));
        return None;
    }
    Some(dir)
}

/// A directory without its trailing slashes (`/` stays `/`).
fn clean_dir(d: &str) -> &str {
    let t = d.trim_end_matches('/');
    if t.is_empty() { "/" } else { t }
}

/// Everything the pod's userspace CNI data says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserspaceData {
    /// The interfaces, one per interface name (the later description of a
    /// name wins), in the order they were first described.
    pub interfaces: Vec<UserspaceInterface>,
    /// Whether the pod has userspace CNI data at all: configuration data, a
    /// mapped-dir annotation or a `configData-*.json` file.
    pub present: bool,
    /// The directory relative socket paths are resolved against.
    pub socket_dir: SocketDir,
}

/// Reads the pod's userspace CNI data: the configuration-data annotation,
/// then (when a mapped-dir annotation names the shared directory) every
/// `configData-*.json` file in that directory, sorted by name.
pub(crate) fn read(
    pod: &PodView,
    annotations: &Selected,
    warnings: &mut Warnings,
) -> UserspaceData {
    let dir = mapped_dir(annotations, warnings);
    let mut data = UserspaceData {
        present: dir.is_some()
            || annotations.contains_key(MAPPED_DIR_KEY)
            || annotations.contains_key(MAPPED_DIR_ALIAS_KEY),
        socket_dir: SocketDir::new(dir.as_deref()),
        interfaces: Vec::new(),
    };
    let mut entries = Vec::new();
    if let Some(value) = annotations.get(CONFIGURATION_DATA_KEY) {
        data.present = true;
        entries = parse_entries(
            value,
            CONFIGURATION_DATA_SOURCE,
            &mut data.socket_dir,
            &mut warnings.source(CONFIGURATION_DATA_SOURCE),
        );
    }
    if let Some(dir) = &dir {
        let files = config_files(pod, dir, warnings);
        data.present |= !files.is_empty();
        for path in files {
            match pod.read(&path, MAX_CONFIG_FILE_BYTES) {
                Ok(bytes) => {
                    let what = format!("file {path}");
                    entries.extend(parse_entries(
                        &bytes,
                        &what,
                        &mut data.socket_dir,
                        &mut warnings.source(&what),
                    ));
                }
                Err(e) => warnings.push(format!("{e}; userspace CNI data in it not used")),
            }
        }
    }
    data.interfaces = dedupe(entries, warnings);
    data
}

/// The `configData-*.json` files of `dir`, as pod paths sorted by name.
fn config_files(pod: &PodView, dir: &str, warnings: &mut Warnings) -> Vec<String> {
    let Some(names) = pod.list_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<String> = names
        .into_iter()
        .filter(|n| {
            n.len() > CONFIG_FILE_PREFIX.len() + CONFIG_FILE_SUFFIX.len()
                && n.starts_with(CONFIG_FILE_PREFIX)
                && n.ends_with(CONFIG_FILE_SUFFIX)
        })
        .map(|n| format!("{}/{n}", dir.trim_end_matches('/')))
        .collect();
    if files.len() > MAX_CONFIG_FILES {
        warnings.push(format!(
            "{dir}: {} userspace CNI configData files; only the first {MAX_CONFIG_FILES} by name are read",
            files.len()
        ));
        files.truncate(MAX_CONFIG_FILES);
    }
    files
}

/// Parses the configuration-data annotation. `mapped_dir` is the decoded
/// mapped-dir value, if present; without it the default directory is used,
/// with a warning, for relative socket files. Interfaces described twice
/// are merged as [`read`] merges them.
#[must_use]
pub fn parse(
    value: &[u8],
    mapped_dir: Option<&str>,
    warnings: &mut Vec<String>,
) -> Vec<UserspaceInterface> {
    let mut w = Warnings::new();
    let mut dir = SocketDir::new(mapped_dir);
    let entries = parse_entries(
        value,
        CONFIGURATION_DATA_SOURCE,
        &mut dir,
        &mut w.source(CONFIGURATION_DATA_SOURCE),
    );
    let out = dedupe(entries, &mut w);
    warnings.extend(w.into_vec());
    out
}

/// One parsed entry and where it was found, for warnings about repeats.
struct Entry {
    origin: String,
    iface: UserspaceInterface,
}

/// The entries of one annotation value or file: a JSON array of
/// `ConfigurationData` objects, or a single object (what a `configData`
/// file holds).
fn parse_entries(
    value: &[u8],
    what: &str,
    dir: &mut SocketDir,
    warnings: &mut About<'_>,
) -> Vec<Entry> {
    if value.len() > MAX_VALUE_BYTES {
        warnings.push(format_args!(
            "{what} is {} bytes long, more than the {MAX_VALUE_BYTES} bytes Kubernetes allows for all annotations together; not used",
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
            warnings.push(format_args!("{what} is not valid JSON ({e}); not used"));
            return Vec::new();
        }
    };
    let single = raw.get().trim_start().starts_with('{');
    let (items, skipped) =
        if let Ok(items) = serde_json::from_str::<Capped<&RawValue, MAX_ENTRIES>>(raw.get()) {
            let skipped = items.skipped();
            (items.items, skipped)
        } else if single {
            (vec![raw], 0)
        } else {
            warnings.push(format_args!(
                "{what}: expected a JSON array, found {}; not used",
                json::kind(raw)
            ));
            return Vec::new();
        };
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let origin = if single {
            what.to_owned()
        } else {
            format!("{what} entry {index}")
        };
        let Some(obj) = Obj::parse_go(item) else {
            warnings.push(format_args!(
                "{origin}: expected an object, found {}; entry dropped",
                json::kind(item)
            ));
            continue;
        };
        if let Some(iface) = entry(&obj, &origin, dir, warnings) {
            out.push(Entry { origin, iface });
        }
    }
    if skipped > 0 {
        let (noun, verb) = if skipped == 1 {
            ("entry", "is")
        } else {
            ("entries", "are")
        };
        warnings.push(format_args!(
            "{what}: {skipped} {noun} after the first {MAX_ENTRIES} {verb} not read"
        ));
    }
    out
}

/// One `ConfigurationData` object; `None` when it is dropped.
fn entry(
    obj: &Obj<'_>,
    origin: &str,
    dir: &mut SocketDir,
    warnings: &mut About<'_>,
) -> Option<UserspaceInterface> {
    let interface = obj.string("ifName", &origin, warnings);
    let context = match &interface {
        Some(i) => format!("{origin} ({i})"),
        None => origin.to_owned(),
    };
    let mut iface = UserspaceInterface {
        interface,
        network: obj.string("name", &context, warnings),
        ..UserspaceInterface::default()
    };
    match obj.get("config") {
        None => warnings.push(format_args!(
            "{context}: no \"config\" object; the interface has no device"
        )),
        Some(_) => match obj.object("config", &context, warnings) {
            Some(config) => iface.device_info = device_info(&config, &context, dir, warnings),
            None => warnings.push(format_args!("{context}: the interface has no device")),
        },
    }
    if let Some(result) = obj.object("ipResult", &context, warnings) {
        cni_result(&result, &mut iface, &context, warnings);
    }
    if iface.interface.is_none() {
        // The CNI always writes the interface name it was called with
        // (CNI_IFNAME is mandatory), so this entry was made by hand or
        // damaged. A socket is still a device DPDK can use; without one
        // the entry names nothing.
        if iface
            .device_info
            .as_ref()
            .is_some_and(DeviceInfo::is_usable)
        {
            warnings.push(format_args!(
                "{context}: no \"ifName\"; kept as a device without an interface name"
            ));
        } else {
            warnings.push(format_args!(
                "{context}: no \"ifName\" and no device; entry dropped"
            ));
            return None;
        }
    }
    Some(iface)
}

/// Keeps one entry per interface name: the later description of a name
/// replaces the earlier one (the CNI appends to its annotation, so a retried
/// ADD leaves both), with a warning naming the one dropped. Entries without
/// a name are all kept. The order is that of the entries kept.
fn dedupe(entries: Vec<Entry>, warnings: &mut Warnings) -> Vec<UserspaceInterface> {
    // From the end: the first time a name is seen there is its last entry.
    let mut keep = vec![true; entries.len()];
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, e) in entries.iter().enumerate().rev() {
        if let Some(name) = e.iface.interface.as_deref() {
            keep[i] = seen.insert(name);
        }
    }
    // The warnings in input order, each about the source that lost.
    for (e, k) in entries.iter().zip(&keep) {
        if !k {
            let name = e.iface.interface.as_deref().unwrap_or_default();
            warnings.about(
                e.origin.split(" entry ").next().unwrap_or(&e.origin),
                format_args!(
                    "userspace CNI data describes interface {name} more than once; {} is replaced by a later entry",
                    e.origin
                ),
            );
        }
    }
    let mut out = Vec::with_capacity(entries.len());
    for (e, k) in entries.into_iter().zip(keep) {
        if k {
            out.push(e.iface);
        }
    }
    out
}

fn device_info(
    config: &Obj<'_>,
    context: &str,
    dir: &mut SocketDir,
    warnings: &mut About<'_>,
) -> Option<DeviceInfo> {
    let iftype = config.string("iftype", &context, warnings);
    let sub = |name: &str, warnings: &mut About<'_>| {
        config.object(name, &format_args!("{context} config"), warnings)
    };
    match iftype.as_deref() {
        Some("vhostuser") => {
            let ctx = format_args!("{context} config vhost");
            let vhost = sub("vhost", warnings);
            let get = |key: &str, warnings: &mut About<'_>| {
                vhost.as_ref().and_then(|v| v.string(key, &ctx, warnings))
            };
            let mode = get("mode", warnings);
            let group = get("group", warnings);
            let Some(file) = get("socketfile", warnings) else {
                warnings.push(format_args!(
                    "{context}: vhostuser interface has no socketfile; the interface has no device"
                ));
                return None;
            };
            let mut info = DeviceInfo::synthesized_vhost_user(mode, dir.resolve(&file, warnings));
            if let Some(v) = info.vhost_user.as_mut() {
                v.group = group;
            }
            Some(info)
        }
        Some("memif") => {
            let ctx = format_args!("{context} config memif");
            let memif = sub("memif", warnings);
            let get = |key: &str, warnings: &mut About<'_>| {
                memif.as_ref().and_then(|m| m.string(key, &ctx, warnings))
            };
            let role = get("role", warnings);
            let mode = get("mode", warnings);
            let Some(file) = get("socketfile", warnings) else {
                warnings.push(format_args!(
                    "{context}: memif interface has no socketfile; the interface has no device"
                ));
                return None;
            };
            Some(DeviceInfo::synthesized_memif(
                role,
                mode,
                dir.resolve(&file, warnings),
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
            Some(o) => out.push(o.folding(obj.folds())),
            None => warnings.push(format_args!(
                "{context}: an element of \"{key}\" should be an object; dropped"
            )),
        }
    }
    out
}

/// Whether a route destination is a default route.
fn is_default_route(dst: &str) -> bool {
    matches!(dst, "0.0.0.0/0" | "::/0")
}

/// Takes addresses, MAC, routes and DNS from a CNI result of any version:
/// the gateways of default routes go to `gateway`, the other routes to
/// `routes`.
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
    entry.mac = crate::hwaddr::checked_mac(
        chosen.and_then(|i| i.string("mac", &ctx, warnings)),
        &ctx,
        warnings,
    );
    for route in objects(result, "routes", &ctx, warnings) {
        let dst = route.string("dst", &ctx, warnings);
        let gw = route.string("gw", &ctx, warnings);
        match dst {
            Some(dst) if is_default_route(&dst) => {
                if let Some(gw) = gw {
                    if !entry.gateway.contains(&gw) {
                        entry.gateway.push(gw);
                    }
                }
            }
            Some(dst) => {
                let route = Route::new(dst, gw);
                if !entry.routes.contains(&route) {
                    entry.routes.push(route);
                }
            }
            None => warnings.push(format_args!("{ctx}: a route without \"dst\"; dropped")),
        }
    }
    if let Some(dns) = result.object("dns", &ctx, &mut quiet) {
        entry.dns = decode_dns(&dns, &format_args!("{ctx} dns"), warnings);
    }
}

/// Applies the one rule for relative socket paths to the finished interface
/// list: a vhost-user or memif path that is not absolute is resolved against
/// the userspace CNI's directory when the pod has userspace CNI data (with a
/// warning naming both); otherwise it stays as given, with a warning, and
/// DPDK arguments leave it out. A vDPA character device path that is not
/// absolute is never resolved: it stays as given, with a warning.
pub(crate) fn resolve_relative_paths(
    ifs: &mut [Interface],
    userspace: &mut UserspaceData,
    warnings: &mut Warnings,
) {
    for iface in ifs {
        let label = match (&iface.interface, &iface.network) {
            (Some(i), _) => format!("interface {i}"),
            (None, Some(n)) => format!("the interface of network {n}"),
            (None, None) => "an interface without a name".to_owned(),
        };
        let Some(info) = iface.device_info.as_mut() else {
            continue;
        };
        let (kind, path) = match iface.device_type {
            DeviceType::VhostUser => (
                "vhost-user",
                info.vhost_user.as_mut().and_then(|v| v.path.as_mut()),
            ),
            DeviceType::Memif => ("memif", info.memif.as_mut().and_then(|m| m.path.as_mut())),
            DeviceType::Vdpa => ("vdpa", info.vdpa.as_mut().and_then(|v| v.path.as_mut())),
            _ => continue,
        };
        let Some(path) = path.filter(|p| !p.starts_with('/')) else {
            continue;
        };
        if kind == "vdpa" {
            warnings.push(format!(
                "{label}: device-info vdpa path {path:?} is not an absolute path; kept as given and left out of DPDK arguments"
            ));
        } else if userspace.present {
            let resolved = userspace
                .socket_dir
                .resolve(path, &mut warnings.source(MAPPED_DIR_SOURCE));
            warnings.push(format!(
                "{label}: device-info {kind} path {path:?} is relative; taken to be {resolved:?} in the userspace CNI directory"
            ));
            *path = resolved;
        } else {
            warnings.push(format!(
                "{label}: device-info {kind} path {path:?} is relative and the pod has no userspace CNI directory ({MAPPED_DIR_KEY}) to resolve it against; kept as given and left out of DPDK arguments"
            ));
        }
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
            Selected::from_pairs(pairs, crate::collect::ANNOTATION_KEYS)
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
}
