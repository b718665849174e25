//! The pure part of `inject`: one Kubernetes object in, the same object with
//! the `podnetinfo` downward-API volume, its mounts and `CONTAINER_NAME` out.
//!
//! What is added matches what the Network Resources Injector (NRI) webhook
//! adds with hugepage injection on, so a pod set up by this command reads the
//! same as one the webhook mutated:
//!
//! * a `downwardAPI` volume `podnetinfo` with the items `labels`
//!   (`metadata.labels`), `annotations` (`metadata.annotations`), per
//!   container and hugepage size it requests or limits with a non-zero
//!   quantity, `hugepages_<size>_request_<container>` /
//!   `hugepages_<size>_limit_<container>` (`resourceFieldRef`, divisor `1Mi`,
//!   so the files hold MiB; `<size>` is the resource suffix without `i`:
//!   `hugepages-1Gi` gives `1G`), and then the pod's identity, which NRI
//!   does not add: `name` (`metadata.name`), `namespace`
//!   (`metadata.namespace`) and `uid` (`metadata.uid`), read into the
//!   report's `pod` object;
//! * a read-only mount of it at `/etc/podnetinfo` in every container;
//! * `CONTAINER_NAME=<name>` in every container that got a hugepage item,
//!   unless the variable is already set.
//!
//! Unlike NRI, init containers are handled like containers (mount, hugepage
//! items, `CONTAINER_NAME`): an init container that runs `app-netutil` to hand
//! arguments to the main container needs the same files. Kubelet resolves a
//! `resourceFieldRef.containerName` among containers and init containers.
//!
//! Everything already there is kept; running it again changes nothing.
//!
//! Names that end up in item paths are checked as the API server checks
//! them, so that nothing written here can name a file outside the volume:
//! container names must be DNS-1123 labels, a hugepage resource's size a
//! Kubernetes quantity, and every item path relative without a `..`
//! element.

use super::value::{Map, Value};

/// Name of the downward-API volume (NRI `podnetinfo`).
pub(crate) const VOLUME_NAME: &str = "podnetinfo";
/// Where the volume is mounted; the library's default downward-API directory.
pub(crate) const MOUNT_PATH: &str = "/etc/podnetinfo";
/// The variable that tells a container its own name.
pub(crate) const CONTAINER_NAME_ENV: &str = "CONTAINER_NAME";
/// Divisor of the hugepage items: the files hold MiB, rounded up.
pub(crate) const HUGEPAGE_DIVISOR: &str = "1Mi";

/// Why an object could not be injected.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InjectError {
    /// The document is not a mapping at all.
    #[error("it is {found}, not a Kubernetes object (a mapping with apiVersion and kind)")]
    NotAnObject {
        /// What it is instead ("a string", "a sequence", ...).
        found: &'static str,
    },
    /// A mapping without `apiVersion` or `kind`.
    #[error("it has no {missing}, so it is not a Kubernetes object")]
    NoTypeMeta {
        /// The missing field, `apiVersion` or `kind`.
        missing: &'static str,
    },
    /// A field of a workload has the wrong shape.
    #[error("{object}: {path}: {problem}")]
    Malformed {
        /// The object, e.g. `Deployment "web"`.
        object: String,
        /// Where, e.g. `spec.template.spec.containers[1].name`.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A volume named `podnetinfo` exists but is not a downward-API volume.
    #[error(
        "{object}: {path}: volume `podnetinfo` exists but is not a downwardAPI volume; rename it or make it one"
    )]
    ForeignVolume {
        /// The object, e.g. `Pod "dpdk"`.
        object: String,
        /// Where the volume is.
        path: String,
    },
    /// A container already mounts another volume at `/etc/podnetinfo`.
    #[error(
        "{object}: {path}: container `{container}` already mounts volume `{volume}` at /etc/podnetinfo; name that volume `podnetinfo` or move it"
    )]
    MountPathTaken {
        /// The object, e.g. `Pod "dpdk"`.
        object: String,
        /// Where the container is.
        path: String,
        /// The container.
        container: String,
        /// The volume mounted there.
        volume: String,
    },
}

/// Adds what the library needs to every pod template in `doc` and returns
/// the result with notes for the user.
///
/// Pods, pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets,
/// ReplicationControllers, Jobs, CronJobs and PodTemplates, and the items of
/// `List` kinds are handled; other objects come back unchanged with a note
/// saying so.
pub(crate) fn inject(mut doc: Value) -> Result<(Value, Vec<String>), InjectError> {
    let mut notes = Vec::new();
    let Value::Map(object) = &mut doc else {
        return Err(InjectError::NotAnObject { found: doc.kind() });
    };
    let api_version = type_meta(object, "apiVersion")?.to_owned();
    let kind = type_meta(object, "kind")?.to_owned();
    inject_object(object, &api_version, &kind, "", &mut notes)?;
    Ok((doc, notes))
}

/// An upper bound on the nodes [`inject`] can add to `doc`, from its
/// shape alone: for every container list, a mount and a variable per
/// container; for every hugepage resource, an item; for every pod spec,
/// the volume and its fixed items. Lets the caller refuse a stream that
/// would grow too large before any of it is built.
pub(crate) fn growth_bound(doc: &Value) -> usize {
    match doc {
        Value::Seq(items) => items.iter().map(growth_bound).sum(),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| {
                let here = match (k, v) {
                    ("containers" | "initContainers", Value::Seq(items)) => 48 + 16 * items.len(),
                    (k, _) if k.starts_with("hugepages-") => 12,
                    _ => 0,
                };
                here + growth_bound(v)
            })
            .sum(),
        _ => 0,
    }
}

fn type_meta<'a>(object: &'a Map, field: &'static str) -> Result<&'a str, InjectError> {
    match object.get_str(field) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(InjectError::NoTypeMeta { missing: field }),
    }
}

/// Where the pod spec of a kind lives, for the kinds that have one.
fn pod_spec_path(api_version: &str, kind: &str) -> Option<&'static [&'static str]> {
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    match (group, kind) {
        ("", "Pod") => Some(&["spec"]),
        ("", "PodTemplate") => Some(&["template", "spec"]),
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job") => Some(&["spec", "template", "spec"]),
        ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

fn describe(object: &Map, kind: &str) -> String {
    let metadata = match object.get("metadata") {
        Some(Value::Map(m)) => Some(m),
        _ => None,
    };
    match metadata.and_then(|m| m.get_str("name").or_else(|| m.get_str("generateName"))) {
        Some(name) => format!("{kind} {name:?}"),
        None => format!("{kind} (unnamed)"),
    }
}

fn inject_object(
    object: &mut Map,
    api_version: &str,
    kind: &str,
    prefix: &str,
    notes: &mut Vec<String>,
) -> Result<(), InjectError> {
    if let Some(path) = pod_spec_path(api_version, kind) {
        let name = describe(object, kind);
        let spec = walk_to(object, path, &name, prefix)?;
        return inject_pod_spec(spec, &name, &format!("{prefix}{}", path.join(".")), notes);
    }
    let name = describe(object, kind);
    if kind.ends_with("List")
        && let Some(Value::Seq(items)) = object.get_mut("items")
    {
        // Items of a typed list (`DeploymentList`) may leave out their own
        // apiVersion and kind.
        let item_kind = kind.strip_suffix("List").unwrap_or(kind);
        for (i, item) in items.iter_mut().enumerate() {
            let at = format!("{prefix}items[{i}]");
            let Value::Map(item) = item else {
                return Err(malformed(
                    &name,
                    at,
                    format!("is {}, not an object", item.kind()),
                ));
            };
            let api_version = item.get_str("apiVersion").unwrap_or(api_version).to_owned();
            let kind = item.get_str("kind").unwrap_or(item_kind).to_owned();
            inject_object(item, &api_version, &kind, &format!("{at}."), notes)?;
        }
        return Ok(());
    }
    notes.push(format!(
        "{prefix}{name} ({api_version}) has no pod template: passed through unchanged"
    ));
    Ok(())
}

/// Follows `path` down from `object`; every step must be a mapping.
fn walk_to<'a>(
    object: &'a mut Map,
    path: &[&str],
    name: &str,
    prefix: &str,
) -> Result<&'a mut Map, InjectError> {
    let mut here = object;
    for (depth, key) in path.iter().enumerate() {
        let at = || format!("{prefix}{}", path[..=depth].join("."));
        here = match here.get_mut(key) {
            Some(Value::Map(m)) => m,
            Some(other) => {
                return Err(malformed(
                    name,
                    at(),
                    format!("is {}, not a mapping", other.kind()),
                ));
            }
            None => return Err(malformed(name, at(), "is missing".to_owned())),
        };
    }
    Ok(here)
}

fn malformed(object: &str, path: String, problem: String) -> InjectError {
    InjectError::Malformed {
        object: object.to_owned(),
        path,
        problem,
    }
}

/// A sequence field that may be absent or null (then it is created empty).
fn seq_field<'a>(
    map: &'a mut Map,
    key: &str,
    name: &str,
    at: &str,
) -> Result<&'a mut Vec<Value>, InjectError> {
    let slot = map.get_or_insert_with(key, || Value::Seq(Vec::new()));
    if matches!(slot, Value::Null) {
        *slot = Value::Seq(Vec::new());
    }
    match slot {
        Value::Seq(items) => Ok(items),
        other => Err(malformed(
            name,
            format!("{at}.{key}"),
            format!("is {}, not a list", other.kind()),
        )),
    }
}

/// One container of the pod spec, as far as `inject` cares.
struct ContainerRef {
    /// `containers` or `initContainers`.
    list: &'static str,
    index: usize,
    name: String,
    hugepage_items: Vec<Value>,
}

fn inject_pod_spec(
    spec: &mut Map,
    object: &str,
    at: &str,
    notes: &mut Vec<String>,
) -> Result<(), InjectError> {
    let mut containers = Vec::new();
    for list in ["containers", "initContainers"] {
        let items = match spec.get(list) {
            Some(Value::Seq(items)) => items,
            None | Some(Value::Null) if list == "initContainers" => continue,
            None => {
                return Err(malformed(
                    object,
                    format!("{at}.{list}"),
                    "is missing".into(),
                ));
            }
            Some(other) => {
                return Err(malformed(
                    object,
                    format!("{at}.{list}"),
                    format!("is {}, not a list", other.kind()),
                ));
            }
        };
        for (index, container) in items.iter().enumerate() {
            let here = format!("{at}.{list}[{index}]");
            let Value::Map(container) = container else {
                return Err(malformed(
                    object,
                    here,
                    format!("is {}, not a container", container.kind()),
                ));
            };
            let Some(name) = container.get_str("name").filter(|n| !n.is_empty()) else {
                return Err(malformed(
                    object,
                    format!("{here}.name"),
                    "is missing".into(),
                ));
            };
            if let Err(problem) = check_dns1123_label(name) {
                return Err(malformed(
                    object,
                    format!("{here}.name"),
                    format!("{name:?} is not a valid container name: {problem}"),
                ));
            }
            containers.push(ContainerRef {
                list,
                index,
                name: name.to_owned(),
                hugepage_items: hugepage_items(container, name, object, &here)?,
            });
        }
    }

    let mut wanted = vec![
        field_item("labels", "metadata.labels"),
        field_item("annotations", "metadata.annotations"),
    ];
    wanted.extend(
        containers
            .iter()
            .flat_map(|c| c.hugepage_items.iter().cloned()),
    );
    wanted.extend(IDENTITY_ITEMS.iter().map(|(p, f)| field_item(p, f)));
    for item in &wanted {
        if let Some(path) = item_path(item)
            && let Err(problem) = check_item_path(path)
        {
            // Unreachable with checked names; kept as the last line of defence.
            return Err(malformed(
                object,
                format!("{at}.volumes"),
                format!("downward-API item path {path:?} {problem}"),
            ));
        }
    }
    add_volume(spec, object, at, wanted)?;

    for c in &containers {
        let here = format!("{at}.{}[{}]", c.list, c.index);
        let Some(Value::Seq(list)) = spec.get_mut(c.list) else {
            continue;
        };
        let Some(Value::Map(container)) = list.get_mut(c.index) else {
            continue;
        };
        add_mount(container, object, &here, &c.name)?;
        if !c.hugepage_items.is_empty() {
            add_container_name(container, object, &here, &c.name, notes)?;
        }
    }
    Ok(())
}

fn field_item(path: &str, field_path: &str) -> Value {
    Map::from([
        ("path", path.into()),
        (
            "fieldRef",
            Map::from([("fieldPath", field_path.into())]).into(),
        ),
    ])
    .into()
}

/// The hugepage items of one container: requests first, then limits, each
/// in the order the container lists its resources.
fn hugepage_items(
    container: &Map,
    name: &str,
    object: &str,
    at: &str,
) -> Result<Vec<Value>, InjectError> {
    let Some(Value::Map(resources)) = container.get("resources") else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for (field, word) in [("requests", "request"), ("limits", "limit")] {
        let Some(Value::Map(list)) = resources.get(field) else {
            continue;
        };
        for (resource, quantity) in list.iter() {
            let Some(size) = resource.strip_prefix("hugepages-") else {
                continue;
            };
            if let Err(problem) = check_quantity(size) {
                // The API server refuses it too: the size must be a quantity.
                return Err(malformed(
                    object,
                    format!("{at}.resources.{field}"),
                    format!("{resource:?} is not a hugepage resource name: {problem}"),
                ));
            }
            if is_zero_quantity(quantity) {
                continue;
            }
            let size_no_i = size.replace('i', "");
            items.push(
                Map::from([
                    (
                        "path",
                        format!("hugepages_{size_no_i}_{word}_{name}")
                            .as_str()
                            .into(),
                    ),
                    (
                        "resourceFieldRef",
                        Map::from([
                            ("containerName", name.into()),
                            ("resource", format!("{field}.{resource}").as_str().into()),
                            ("divisor", HUGEPAGE_DIVISOR.into()),
                        ])
                        .into(),
                    ),
                ])
                .into(),
            );
        }
    }
    Ok(items)
}

/// The pod identity items, after the hugepage items: file name and field.
pub(crate) const IDENTITY_ITEMS: [(&str, &str); 3] = [
    ("name", "metadata.name"),
    ("namespace", "metadata.namespace"),
    ("uid", "metadata.uid"),
];

/// A Kubernetes DNS-1123 label (what the API server requires of a
/// container name): 1 to 63 characters of `a-z`, `0-9` and `-`, starting
/// and ending with a letter or digit.
pub(crate) fn check_dns1123_label(name: &str) -> Result<(), &'static str> {
    let ok_char = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > 63 {
        return Err("it must be 1 to 63 characters long (DNS-1123 label)");
    }
    if !bytes.iter().all(|&c| ok_char(c) || c == b'-') {
        return Err("only lower-case letters, digits and '-' are allowed (DNS-1123 label)");
    }
    if !ok_char(bytes[0]) || !ok_char(bytes[bytes.len() - 1]) {
        return Err("it must start and end with a letter or digit (DNS-1123 label)");
    }
    Ok(())
}

/// A Kubernetes quantity as the API server parses one (`2Mi`, `1Gi`,
/// `1e3`, `0.5`): an unsigned decimal number, then an optional binary
/// (`Ki`..`Ei`) or decimal (`n`, `u`, `m`, `k`, `M`..`E`) suffix or a
/// decimal exponent. The sign the API server also accepts makes no sense
/// for a page size and is refused.
pub(crate) fn check_quantity(q: &str) -> Result<(), &'static str> {
    const BAD: &str = "the size must be a Kubernetes quantity such as 2Mi or 1Gi";
    let digits_end = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(digits_end);
    let mut parts = number.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let number_ok = match fraction {
        None => !whole.is_empty(),
        Some(f) => !f.contains('.') && (!whole.is_empty() || !f.is_empty()),
    };
    if !number_ok {
        return Err(BAD);
    }
    let suffix_ok = matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.strip_prefix(['+', '-']).unwrap_or(e))
        .is_some_and(|e| !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit()));
    if suffix_ok { Ok(()) } else { Err(BAD) }
}

/// A downward-API item path as the API server accepts it: not empty, not
/// absolute, no `..` element and not starting with `..` (reserved for the
/// kubelet's atomic writer).
pub(crate) fn check_item_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') {
        return Err("is absolute");
    }
    if path.starts_with("..") {
        return Err("starts with '..'");
    }
    if path.split('/').any(|element| element == "..") {
        return Err("has a '..' element");
    }
    if path.contains('\0') {
        return Err("contains NUL");
    }
    Ok(())
}

/// Whether a Kubernetes quantity (`0`, `0Gi`, `0.0`, a number) is zero.
/// Anything unparsable counts as non-zero and is left for the API server
/// to judge.
fn is_zero_quantity(quantity: &Value) -> bool {
    match quantity {
        Value::UInt(u) => *u == 0,
        Value::Int(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => {
            let s = s.trim().trim_start_matches(['+', '-']);
            let number: String = s
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            !number.is_empty() && number.parse::<f64>().is_ok_and(|n| n == 0.0)
        }
        _ => false,
    }
}

fn item_path(item: &Value) -> Option<&str> {
    match item {
        Value::Map(m) => m.get_str("path"),
        _ => None,
    }
}

fn add_volume(
    spec: &mut Map,
    object: &str,
    at: &str,
    wanted: Vec<Value>,
) -> Result<(), InjectError> {
    let volumes = seq_field(spec, "volumes", object, at)?;
    let existing = volumes.iter().position(|v| match v {
        Value::Map(m) => m.get_str("name") == Some(VOLUME_NAME),
        _ => false,
    });
    let Some(index) = existing else {
        volumes.push(
            Map::from([
                ("name", VOLUME_NAME.into()),
                (
                    "downwardAPI",
                    Map::from([("items", Value::Seq(wanted))]).into(),
                ),
            ])
            .into(),
        );
        return Ok(());
    };
    let here = format!("{at}.volumes[{index}]");
    let Some(Value::Map(volume)) = volumes.get_mut(index) else {
        return Ok(());
    };
    let Some(Value::Map(source)) = volume.get_mut("downwardAPI") else {
        return Err(InjectError::ForeignVolume {
            object: object.to_owned(),
            path: here,
        });
    };
    let items = seq_field(source, "items", object, &format!("{here}.downwardAPI"))?;
    for item in wanted {
        let path = item_path(&item);
        if !items.iter().any(|have| item_path(have) == path) {
            items.push(item);
        }
    }
    Ok(())
}

fn add_mount(container: &mut Map, object: &str, at: &str, name: &str) -> Result<(), InjectError> {
    let mounts = seq_field(container, "volumeMounts", object, at)?;
    let mut taken_by = None;
    for mount in mounts.iter() {
        let Value::Map(mount) = mount else { continue };
        if mount.get_str("name") == Some(VOLUME_NAME) {
            return Ok(());
        }
        if mount
            .get_str("mountPath")
            .is_some_and(|p| p.trim_end_matches('/') == MOUNT_PATH)
        {
            taken_by = Some(mount.get_str("name").unwrap_or("?").to_owned());
        }
    }
    if let Some(volume) = taken_by {
        return Err(InjectError::MountPathTaken {
            object: object.to_owned(),
            path: at.to_owned(),
            container: name.to_owned(),
            volume,
        });
    }
    mounts.push(
        Map::from([
            ("name", VOLUME_NAME.into()),
            ("mountPath", MOUNT_PATH.into()),
            ("readOnly", Value::Bool(true)),
        ])
        .into(),
    );
    Ok(())
}

fn add_container_name(
    container: &mut Map,
    object: &str,
    at: &str,
    name: &str,
    notes: &mut Vec<String>,
) -> Result<(), InjectError> {
    let env = seq_field(container, "env", object, at)?;
    let existing = env.iter().find_map(|e| match e {
        Value::Map(m) if m.get_str("name") == Some(CONTAINER_NAME_ENV) => Some(m),
        _ => None,
    });
    match existing {
        Some(var) => {
            if var.get_str("value") != Some(name) {
                notes.push(format!(
                    "{object}: {at}: {CONTAINER_NAME_ENV} is already set and is not {name:?}; left as it is"
                ));
            }
        }
        None => env
            .push(Map::from([("name", CONTAINER_NAME_ENV.into()), ("value", name.into())]).into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
