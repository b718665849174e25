//! Helpers shared by the CLI integration tests: running the binary, reading
//! manifests, and checking them against the Kubernetes API types.

// Test helpers: a failed unwrap is a failed test.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, Pod, PodTemplate, ReplicationController, Service, ServiceAccount,
};
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaim, ResourceClaimTemplate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `app-netutil ARGS`, feeding `stdin` when given.
pub fn app_netutil(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_app-netutil"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        // The command may exit before reading (a usage error): ignore EPIPE.
        let _ = child.stdin.take().unwrap().write_all(input);
    }
    child.wait_with_output().unwrap()
}

/// Reads every document of a YAML or JSON text into `serde_json::Value`s
/// (keys sorted; order is checked separately on the text).
pub fn documents(text: &str) -> Vec<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .unwrap();
    }
    let options = serde_saphyr::options! { legacy_octal_numbers: true };
    serde_saphyr::from_multiple_with_options(text, options).unwrap()
}

fn round_trip<T: DeserializeOwned + Serialize>(doc: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(doc.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// A NetworkAttachmentDefinition is a CRD, not in k8s-openapi: check its
/// shape by hand (name, resourceName annotation if any, spec.config is a
/// CNI config with cniVersion, name or type).
fn check_nad(doc: &Value) -> Result<Value, String> {
    let name = doc["metadata"]["name"]
        .as_str()
        .ok_or("NetworkAttachmentDefinition without metadata.name")?;
    if let Some(annotations) = doc["metadata"].get("annotations") {
        for (k, v) in annotations.as_object().ok_or("annotations not a map")? {
            v.as_str()
                .ok_or(format!("annotation {k} is not a string"))?;
        }
    }
    let config = doc["spec"]["config"]
        .as_str()
        .ok_or(format!("{name}: spec.config is not a string"))?;
    let cni: Value =
        serde_json::from_str(config).map_err(|e| format!("{name}: spec.config: {e}"))?;
    for key in ["cniVersion", "type"] {
        if cni.get(key).and_then(Value::as_str).is_none() && cni.get("plugins").is_none() {
            return Err(format!("{name}: spec.config has no {key}"));
        }
    }
    let mut top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    top.sort();
    if top != ["apiVersion", "kind", "metadata", "spec"] {
        return Err(format!("{name}: unexpected top-level keys {top:?}"));
    }
    Ok(doc.clone())
}

/// Deserializes `doc` into its k8s-openapi type and serializes it back.
/// Returns the paths where the round trip differs from `doc`: fields the
/// type does not know (typos, made-up fields) show up there.
pub fn typed_round_trip(doc: &Value) -> Result<Vec<String>, String> {
    let api = doc["apiVersion"].as_str().ok_or("no apiVersion")?;
    let kind = doc["kind"].as_str().ok_or("no kind")?;
    let back = match (api, kind) {
        ("v1", "Pod") => round_trip::<Pod>(doc),
        ("v1", "PodTemplate") => round_trip::<PodTemplate>(doc),
        ("v1", "ReplicationController") => round_trip::<ReplicationController>(doc),
        ("v1", "ConfigMap") => round_trip::<ConfigMap>(doc),
        ("v1", "Service") => round_trip::<Service>(doc),
        ("v1", "ServiceAccount") => round_trip::<ServiceAccount>(doc),
        ("v1", "Namespace") => round_trip::<Namespace>(doc),
        ("apps/v1", "Deployment") => round_trip::<Deployment>(doc),
        ("apps/v1", "StatefulSet") => round_trip::<StatefulSet>(doc),
        ("apps/v1", "DaemonSet") => round_trip::<DaemonSet>(doc),
        ("apps/v1", "ReplicaSet") => round_trip::<ReplicaSet>(doc),
        ("batch/v1", "Job") => round_trip::<Job>(doc),
        ("batch/v1", "CronJob") => round_trip::<CronJob>(doc),
        ("resource.k8s.io/v1", "DeviceClass") => round_trip::<DeviceClass>(doc),
        ("resource.k8s.io/v1", "ResourceClaim") => round_trip::<ResourceClaim>(doc),
        ("resource.k8s.io/v1", "ResourceClaimTemplate") => round_trip::<ResourceClaimTemplate>(doc),
        ("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition") => check_nad(doc),
        _ => Err(format!("no type known to the test for {api} {kind}")),
    }
    .map_err(|e| format!("{api} {kind}: {e}"))?;
    let mut diffs = Vec::new();
    diff("", doc, &back, &mut diffs);
    Ok(diffs)
}

fn diff(at: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diff(&here, p, q, out),
                    _ => out.push(here),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(&format!("{at}[{i}]"), p, q, out);
            }
        }
        _ if a == b => {}
        _ => out.push(at.to_owned()),
    }
}

/// The pod spec of a workload document, wherever its kind keeps it.
pub fn pod_spec(doc: &Value) -> &Value {
    match doc["kind"].as_str().unwrap() {
        "Pod" => &doc["spec"],
        "CronJob" => &doc["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        "PodTemplate" => &doc["template"]["spec"],
        _ => &doc["spec"]["template"]["spec"],
    }
}

/// The `podnetinfo` volume of a pod spec.
pub fn podnetinfo_volume(spec: &Value) -> &Value {
    let volumes = spec["volumes"].as_array().expect("volumes");
    let found: Vec<&Value> = volumes
        .iter()
        .filter(|v| v["name"] == "podnetinfo")
        .collect();
    assert_eq!(found.len(), 1, "exactly one podnetinfo volume in {spec}");
    found[0]
}

/// The hugepage item NRI writes for one container, size and field.
pub fn hugepage_item(container: &str, size: &str, field: &str) -> Value {
    let word = if field == "requests" {
        "request"
    } else {
        "limit"
    };
    let short = size.replace('i', "");
    serde_json::json!({
        "path": format!("hugepages_{short}_{word}_{container}"),
        "resourceFieldRef": {
            "containerName": container,
            "resource": format!("{field}.hugepages-{size}"),
            "divisor": "1Mi",
        },
    })
}

/// The `labels` and `annotations` items.
pub fn meta_items() -> [Value; 2] {
    [
        serde_json::json!({"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}),
        serde_json::json!({"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}}),
    ]
}

/// The pod identity items `name`, `namespace` and `uid`, after the
/// hugepage items.
pub fn identity_items() -> [Value; 3] {
    [
        serde_json::json!({"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}),
        serde_json::json!({"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}}),
        serde_json::json!({"path": "uid", "fieldRef": {"fieldPath": "metadata.uid"}}),
    ]
}

/// Every container and init container of a pod spec.
pub fn all_containers(spec: &Value) -> Vec<&Value> {
    ["initContainers", "containers"]
        .iter()
        .filter_map(|k| spec[*k].as_array())
        .flatten()
        .collect()
}
