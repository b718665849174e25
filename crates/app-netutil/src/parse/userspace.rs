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

use crate::parse::downward::Selected;
use crate::parse::json::{self, Arr, Capped, Obj};
use crate::parse::netstatus::{MAX_VALUE_BYTES, decode_dns, json_error_message};
use crate::report::DeviceInfo;
use crate::report::Dns;
use crate::report::Route;
use crate::report::warning::{About, WarningCode, Warnings};

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
pub const MAX_ENTRIES: usize = crate::parse::netstatus::MAX_ENTRIES;

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
                    warnings.push(WarningCode::Guessed, format_args!(
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
                warnings.push(WarningCode::Conflict, MAPPED_DIR_KEY, format!(
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
        warnings.push(
            WarningCode::Dropped,
            key,
            format!("annotation {key} is empty; not used"),
        );
        return None;
    }
    if !dir.starts_with('/') {
        warnings.push(
            WarningCode::Dropped,
            key,
            format!("annotation {key} {dir:?} is not an absolute path; not used"),
        );
        return None;
    }
    Some(dir)
}

/// A directory without its trailing slashes (`/` stays `/`).
fn clean_dir(d: &str) -> &str {
    let t = d.trim_end_matches('/');
    if t.is_empty() { "/" } else { t }
}

/// Parses the configuration-data annotation. `mapped_dir` is the decoded
/// mapped-dir value, if present; without it the default directory is used,
/// with a warning, for relative socket files. Interfaces described twice
/// are merged as `crate::assemble::userspace::read` merges them.
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
pub(crate) struct Entry {
    origin: String,
    iface: UserspaceInterface,
}

/// The entries of one annotation value or file: a JSON array of
/// `ConfigurationData` objects, or a single object (what a `configData`
/// file holds).
pub(crate) fn parse_entries(
    value: &[u8],
    what: &str,
    dir: &mut SocketDir,
    warnings: &mut About<'_>,
) -> Vec<Entry> {
    if value.len() > MAX_VALUE_BYTES {
        warnings.push(WarningCode::Dropped, format_args!(
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
            warnings.push(
                WarningCode::Dropped,
                format_args!("{what} is not valid JSON ({e}); not used"),
            );
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
            warnings.push(
                WarningCode::Dropped,
                format_args!(
                    "{what}: expected a JSON array, found {}; not used",
                    json::kind(raw)
                ),
            );
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
            warnings.push(
                WarningCode::Dropped,
                format_args!(
                    "{origin}: expected an object, found {}; entry dropped",
                    json::kind(item)
                ),
            );
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
        warnings.push(
            WarningCode::Dropped,
            format_args!("{what}: {skipped} {noun} after the first {MAX_ENTRIES} {verb} not read"),
        );
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
        None => warnings.push(
            WarningCode::Missing,
            format_args!("{context}: no \"config\" object; the interface has no device"),
        ),
        Some(_) => match obj.object("config", &context, warnings) {
            Some(config) => iface.device_info = device_info(&config, &context, dir, warnings),
            None => warnings.push(
                WarningCode::Dropped,
                format_args!("{context}: the interface has no device"),
            ),
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
            warnings.push(
                WarningCode::Missing,
                format_args!(
                    "{context}: no \"ifName\"; kept as a device without an interface name"
                ),
            );
        } else {
            warnings.push(
                WarningCode::Dropped,
                format_args!("{context}: no \"ifName\" and no device; entry dropped"),
            );
            return None;
        }
    }
    Some(iface)
}

/// Keeps one entry per interface name: the later description of a name
/// replaces the earlier one (the CNI appends to its annotation, so a retried
/// ADD leaves both), with a warning naming the one dropped. Entries without
/// a name are all kept. The order is that of the entries kept.
pub(crate) fn dedupe(entries: Vec<Entry>, warnings: &mut Warnings) -> Vec<UserspaceInterface> {
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
            warnings.about(WarningCode::Conflict,
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
                warnings.push(WarningCode::Missing, format_args!(
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
                warnings.push(
                    WarningCode::Missing,
                    format_args!(
                        "{context}: memif interface has no socketfile; the interface has no device"
                    ),
                );
                return None;
            };
            Some(DeviceInfo::synthesized_memif(
                role,
                mode,
                dir.resolve(&file, warnings),
            ))
        }
        Some(other) => {
            warnings.push(WarningCode::Unsupported, format_args!(
                "{context}: iftype {other:?} is neither vhostuser nor memif; the interface has no device"
            ));
            None
        }
        None => {
            warnings.push(
                WarningCode::Missing,
                format_args!("{context}: config has no \"iftype\"; the interface has no device"),
            );
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
        warnings.push(
            WarningCode::Dropped,
            format_args!(
                "{context}: \"{key}\" should be an array, found {}; dropped",
                json::kind(raw)
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match Obj::parse(item) {
            Some(o) => out.push(o.folding(obj.folds())),
            None => warnings.push(
                WarningCode::Dropped,
                format_args!("{context}: an element of \"{key}\" should be an object; dropped"),
            ),
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
    entry.mac = crate::parse::hwaddr::checked_mac(
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
            None => warnings.push(
                WarningCode::Dropped,
                format_args!("{ctx}: a route without \"dst\"; dropped"),
            ),
        }
    }
    if let Some(dns) = result.object("dns", &ctx, &mut quiet) {
        entry.dns = decode_dns(&dns, &format_args!("{ctx} dns"), warnings);
    }
}

#[cfg(test)]
mod tests;
