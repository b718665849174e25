//! The pod's userspace CNI data: the configuration-data annotation and the
//! `configData-*.json` files of the shared directory, read through the pod
//! view and parsed by [`crate::parse::userspace`]; relative socket paths
//! resolved once the interfaces are known.

use crate::parse::downward::Selected;
use crate::parse::userspace::{
    CONFIG_FILE_PREFIX, CONFIG_FILE_SUFFIX, CONFIGURATION_DATA_KEY, CONFIGURATION_DATA_SOURCE,
    MAPPED_DIR_ALIAS_KEY, MAPPED_DIR_KEY, MAPPED_DIR_SOURCE, MAX_CONFIG_FILE_BYTES,
    MAX_CONFIG_FILES, SocketDir, UserspaceInterface, dedupe, mapped_dir, parse_entries,
};
use crate::report::warning::{WarningCode, Warnings};
use crate::report::{DeviceType, Interface};
use crate::source::PodView;

/// Everything the pod's userspace CNI data says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) struct UserspaceData {
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
                Err(e) => warnings.push(
                    WarningCode::Missing,
                    &path,
                    format!("{e}; userspace CNI data in it not used"),
                ),
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
        warnings.push(WarningCode::Dropped, dir, format!(
            "{dir}: {} userspace CNI configData files; only the first {MAX_CONFIG_FILES} by name are read",
            files.len()
        ));
        files.truncate(MAX_CONFIG_FILES);
    }
    files
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
        // The warnings' subject: the interface's name, else its network.
        let subject = iface
            .interface
            .clone()
            .or_else(|| iface.network.clone())
            .unwrap_or_default();
        let subject = subject.as_str();
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
            warnings.push(WarningCode::Unsupported, subject, format!(
                "{label}: device-info vdpa path {path:?} is not an absolute path; kept as given and left out of DPDK arguments"
            ));
        } else if userspace.present {
            let resolved = userspace
                .socket_dir
                .resolve(path, &mut warnings.source(MAPPED_DIR_SOURCE));
            warnings.push(WarningCode::Repaired, subject, format!(
                "{label}: device-info {kind} path {path:?} is relative; taken to be {resolved:?} in the userspace CNI directory"
            ));
            *path = resolved;
        } else {
            warnings.push(WarningCode::Unsupported, subject, format!(
                "{label}: device-info {kind} path {path:?} is relative and the pod has no userspace CNI directory ({MAPPED_DIR_KEY}) to resolve it against; kept as given and left out of DPDK arguments"
            ));
        }
    }
}
