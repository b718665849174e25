//! Test support: an evaluator of the fixture `expect.json` language and the
//! report schema.
//!
//! `expect.json` is `{"description", "exit", "checks": [CHECK...]}` where a
//! CHECK is `{"at": PATH, "eq"|"contains"|"len"|"absent"|"nonempty"|"matches"}`.
//! PATH is dotted keys; a list step may carry a selector `[key=value]`
//! (the key may be dotted) that must match exactly one element, compared on
//! the value's text form (`null`, `true`, `false`, or Python's `str()`).
//! This mirrors the reference checker in the shared fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository's top-level `fixtures/pods` directory, with the empty
/// directories of its cases made ([`empty_dirs`]).
pub fn pods_dir() -> PathBuf {
    empty_dirs();
    raw_pods_dir()
}

fn raw_pods_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods")
}

/// The empty directories of the fixture pods that `fixtures/empty-dirs`
/// lists, created where missing (git stores no empty directory, so a fresh
/// clone lacks them); once per test process. Panics when one is not empty
/// or not a directory, or when a line names a path outside the pods.
pub fn empty_dirs() -> &'static [PathBuf] {
    static DIRS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    DIRS.get_or_init(|| {
        let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/empty-dirs");
        let text = std::fs::read_to_string(&list).expect("fixtures/empty-dirs");
        let mut dirs = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let rel = Path::new(line);
            assert!(
                rel.is_relative()
                    && rel
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_))),
                "fixtures/empty-dirs: {line} is not a path inside fixtures/pods"
            );
            let dir = raw_pods_dir().join(rel);
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
            assert!(
                std::fs::read_dir(&dir).unwrap().next().is_none(),
                "{} is listed in fixtures/empty-dirs but is not empty",
                dir.display()
            );
            dirs.push(dir);
        }
        dirs
    })
}

/// Every case directory that has an `expect.json`, sorted.
pub fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(pods_dir())
        .expect("fixtures/pods")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("expect.json").is_file())
        .collect();
    cases.sort();
    cases
}

enum Resolved<'a> {
    Found(&'a Value),
    Missing,
    Ambiguous(usize),
}

/// Python's `str()` of a JSON value, as the reference checker prints it.
pub fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if s.contains('\'') && !s.contains('"') {
                format!("\"{s}\"")
            } else {
                format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{}: {}", py_repr(&Value::String(k.clone())), py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The checker's text form: `null`, `true`, `false`, else `str()`.
pub fn as_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        other => py_str(other),
    }
}

fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut buf = String::new();
    let mut depth = 0i32;
    for ch in path.chars() {
        if ch == '.' && depth == 0 {
            parts.push(std::mem::take(&mut buf));
            continue;
        }
        if ch == '[' {
            depth += 1;
        }
        if ch == ']' {
            depth -= 1;
        }
        buf.push(ch);
    }
    parts.push(buf);
    parts
}

fn get_plain<'a>(mut v: &'a Value, dotted: &str) -> Option<&'a Value> {
    for key in dotted.split('.') {
        v = v.as_object()?.get(key)?;
    }
    Some(v)
}

fn resolve<'a>(doc: &'a Value, path: &str) -> Resolved<'a> {
    let mut obj = doc;
    for step in split_path(path) {
        let (key, selector) = match step.find('[') {
            Some(i) => {
                let sel = step[i + 1..].trim_end_matches(']');
                let (k, v) = sel.split_once('=').expect("selector key=value");
                (&step[..i], Some((k.to_owned(), v.to_owned())))
            }
            None => (step.as_str(), None),
        };
        let Some(next) = obj.as_object().and_then(|o| o.get(key)) else {
            return Resolved::Missing;
        };
        obj = next;
        if let Some((sk, sv)) = selector {
            let Some(items) = obj.as_array() else {
                return Resolved::Missing;
            };
            let hits: Vec<&Value> = items
                .iter()
                .filter(|e| match get_plain(e, &sk) {
                    Some(v) => as_text(v) == sv,
                    None => false,
                })
                .collect();
            match hits.len() {
                1 => obj = hits[0],
                0 => return Resolved::Missing,
                n => return Resolved::Ambiguous(n),
            }
        }
    }
    Resolved::Found(obj)
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Runs one check; `Err` describes the failure.
pub fn check(doc: &Value, c: &Value) -> Result<(), String> {
    let path = c["at"].as_str().expect("check has at");
    let resolved = resolve(doc, path);
    if c.get("absent").and_then(Value::as_bool) == Some(true) {
        return match resolved {
            Resolved::Missing => Ok(()),
            _ => Err(format!("{path}: expected absent")),
        };
    }
    let value = match resolved {
        Resolved::Found(v) => v,
        Resolved::Missing => return Err(format!("{path}: not found")),
        Resolved::Ambiguous(n) => return Err(format!("{path}: {n} elements match")),
    };
    if let Some(want) = c.get("eq") {
        if !json_eq(value, want) {
            return Err(format!("{path}: expected {want}, got {value}"));
        }
    }
    if let Some(want) = c.get("contains") {
        let ok = match value {
            Value::Array(items) => items.iter().any(|i| json_eq(i, want)),
            Value::String(s) => want.as_str().is_some_and(|w| s.contains(w)),
            Value::Object(o) => want.as_str().is_some_and(|w| o.contains_key(w)),
            _ => false,
        };
        if !ok {
            return Err(format!("{path}: {value} lacks {want}"));
        }
    }
    if let Some(want) = c.get("len").and_then(Value::as_u64) {
        let len = match value {
            Value::Array(a) => Some(a.len()),
            Value::Object(o) => Some(o.len()),
            Value::String(s) => Some(s.chars().count()),
            _ => None,
        };
        if len != Some(want as usize) {
            return Err(format!("{path}: expected length {want}, got {value}"));
        }
    }
    if c.get("nonempty").and_then(Value::as_bool) == Some(true) && !truthy(value) {
        return Err(format!("{path}: expected non-empty"));
    }
    if let Some(re) = c.get("matches").and_then(Value::as_str) {
        let regex = fancy_regex::Regex::new(re).expect("valid regex");
        if !regex.is_match(&as_text(value)).unwrap_or(false) {
            return Err(format!("{path}: {value} does not match /{re}/"));
        }
    }
    Ok(())
}

/// Runs every check of an `expect.json` document; returns the failures.
pub fn run_checks(expect: &Value, doc: &Value) -> Vec<String> {
    expect["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .filter_map(|c| check(doc, c).err())
        .collect()
}

/// The report schema as JSON.
pub fn schema_json() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/report-v1.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema file"))
        .expect("schema is JSON")
}

/// The compiled report schema.
pub fn schema() -> jsonschema::Validator {
    jsonschema::validator_for(&schema_json()).expect("schema compiles")
}

/// A schema node with its `$ref` followed.
fn deref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            deref(root, &root["$defs"][name])
        }
        None => node,
    }
}

/// Whether a schema node's `type` admits the value's JSON type.
fn type_admits(node: &Value, v: &Value) -> bool {
    let name = match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    match node.get("type") {
        None => true,
        Some(Value::String(t)) => t == name || (t == "number" && name == "integer"),
        Some(Value::Array(ts)) => ts.iter().any(|t| t == name),
        Some(_) => false,
    }
}

/// What the serializer wrote that the schema does not declare: keys of
/// objects that have `properties`, and strings outside the `examples` of an
/// enumerated string. The schema is open (so that a consumer holding it
/// accepts later reports); this keeps the serializer and the schema in step.
pub fn undeclared(root: &Value, node: &Value, doc: &Value, path: &str, out: &mut Vec<String>) {
    let node = deref(root, node);
    if let Some(branches) = node.get("oneOf").and_then(Value::as_array) {
        let branch = branches
            .iter()
            .map(|b| deref(root, b))
            .find(|b| type_admits(b, doc));
        match branch {
            Some(b) => undeclared(root, b, doc, path, out),
            None => out.push(format!("{path}: no branch admits {doc}")),
        }
        return;
    }
    match doc {
        Value::Object(map) => {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                for (k, v) in map {
                    match props.get(k) {
                        Some(p) => undeclared(root, p, v, &format!("{path}.{k}"), out),
                        None => out.push(format!("{path}.{k}: not declared in the schema")),
                    }
                }
            } else if let Some(each) = node.get("additionalProperties").filter(|a| a.is_object()) {
                for (k, v) in map {
                    undeclared(root, each, v, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(each) = node.get("items") {
                for (i, v) in items.iter().enumerate() {
                    undeclared(root, each, v, &format!("{path}[{i}]"), out);
                }
            }
        }
        Value::String(s) => {
            if let Some(known) = node.get("examples").and_then(Value::as_array) {
                if !known.iter().any(|k| k == s) {
                    out.push(format!("{path}: {s:?} is not among the listed values"));
                }
            }
        }
        _ => {}
    }
}

/// Schema errors of a report, as text.
pub fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}
