//! Every fixture pod in `fixtures/pods/` through the library: the
//! assertions of its `expect.json`, the JSON schema, determinism and no
//! panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use app_netutil::{Options, Report, collect};
use serde_json::Value;

fn report_of(case: &std::path::Path) -> Report {
    collect(&Options::new().root(case)).unwrap_or_else(|e| panic!("{}: {e}", case.display()))
}

#[test]
fn every_case_meets_its_expectations() {
    let cases = common::cases();
    assert!(
        cases.len() >= 50,
        "only {} fixture cases found",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("expect.json")).unwrap())
                .unwrap();
        assert_eq!(expect.get("exit").and_then(Value::as_u64).unwrap_or(0), 0);
        let doc = serde_json::to_value(report_of(case)).unwrap();
        for f in common::run_checks(&expect, &doc) {
            failures.push(format!(
                "{}: {f}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_report_matches_the_schema() {
    let validator = common::schema();
    let mut failures = Vec::new();
    for case in common::cases() {
        let doc = serde_json::to_value(report_of(&case)).unwrap();
        for e in common::schema_errors(&validator, &doc) {
            failures.push(format!("{}: {e}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reports_are_deterministic_and_round_trip() {
    for case in common::cases() {
        let a = report_of(&case);
        let b = report_of(&case);
        assert_eq!(a, b, "{}", case.display());
        let json = a.to_json();
        assert_eq!(json, b.to_json());
        let back = Report::from_json(&json).unwrap();
        assert_eq!(back, a, "{} does not round-trip", case.display());
    }
}

/// The schema is open: no object forbids keys it does not know, so a
/// consumer holding today's schema accepts a report with a key added later.
#[test]
fn schema_accepts_keys_added_later() {
    let schema = common::schema_json();
    let text = schema.to_string();
    assert!(
        !text.contains("\"additionalProperties\":false"),
        "an object of the schema is closed"
    );
    let validator = common::schema();
    let case = common::pods_dir().join("devinfo_pci_full");
    let mut doc = serde_json::to_value(report_of(&case)).unwrap();
    assert!(common::schema_errors(&validator, &doc).is_empty());
    doc["surprise"] = Value::Bool(true);
    doc["pod"]["surprise"] = Value::Null;
    doc["hugepages"]["surprise"] = Value::Null;
    doc["cpus"]["surprise"] = Value::Null;
    for iface in doc["interfaces"].as_array_mut().unwrap() {
        iface["surprise"] = serde_json::json!({"x": 1});
        iface["dns"]["surprise"] = Value::Null;
        if let Some(info) = iface["device-info"].as_object_mut() {
            info.insert("surprise".into(), Value::Null);
            if let Some(Value::Object(p)) = info.get_mut("pci") {
                p.insert("surprise".into(), Value::Null);
            }
        }
        if let Some(dev) = iface["pci-device"].as_object_mut() {
            dev.insert("surprise".into(), Value::Null);
        }
    }
    // New values of enumerated strings too.
    doc["interfaces"][1]["device-type"] = Value::from("future-type");
    doc["interfaces"][1]["sources"][0] = Value::from("future-source");
    assert_eq!(
        common::schema_errors(&validator, &doc),
        Vec::<String>::new()
    );
    // It still checks the types of the keys it knows.
    doc["interfaces"][1]["mtu"] = Value::from("big");
    assert!(!common::schema_errors(&validator, &doc).is_empty());
}

/// Every key and enumerated value the serializer writes is declared in the
/// schema, on every fixture pod.
#[test]
fn every_key_the_serializer_writes_is_declared() {
    let schema = common::schema_json();
    let mut failures = Vec::new();
    for case in common::cases() {
        let doc = serde_json::to_value(report_of(&case)).unwrap();
        let mut out = Vec::new();
        common::undeclared(&schema, &schema, &doc, "", &mut out);
        for f in out {
            failures.push(format!("{}: {f}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The check itself sees an undeclared key and value.
    let case = common::pods_dir().join("devinfo_pci_full");
    let mut doc = serde_json::to_value(report_of(&case)).unwrap();
    doc["interfaces"][0]["surprise"] = Value::Null;
    doc["interfaces"][0]["sources"][0] = Value::from("guess");
    let mut out = Vec::new();
    common::undeclared(&schema, &schema, &doc, "", &mut out);
    assert_eq!(out.len(), 2, "{out:?}");
}

#[test]
fn evaluator_detects_failures() {
    let doc: Value = serde_json::json!({
        "interfaces": [
            {"interface": "eth0", "sources": ["network-status"], "default": true, "mtu": 1500},
            {"interface": null, "sources": ["device-plugin-env", "positional"], "default": false}
        ]
    });
    let ok = |c: Value| common::check(&doc, &c).is_ok();
    assert!(ok(serde_json::json!({"at": "interfaces", "len": 2})));
    assert!(!ok(serde_json::json!({"at": "interfaces", "len": 3})));
    assert!(ok(
        serde_json::json!({"at": "interfaces[interface=eth0].default", "eq": true})
    ));
    assert!(!ok(
        serde_json::json!({"at": "interfaces[interface=eth0].default", "eq": 1})
    ));
    assert!(ok(
        serde_json::json!({"at": "interfaces[interface=eth0].mtu", "eq": 1500.0})
    ));
    assert!(ok(
        serde_json::json!({"at": "interfaces[interface=null].sources", "contains": "positional"})
    ));
    assert!(ok(
        serde_json::json!({"at": "interfaces[interface=eth0].sources", "matches": "^(?!.*positional)"})
    ));
    assert!(!ok(
        serde_json::json!({"at": "interfaces[interface=null].sources", "matches": "^(?!.*positional)"})
    ));
    assert!(ok(
        serde_json::json!({"at": "interfaces[interface=net9]", "absent": true})
    ));
    assert!(!ok(
        serde_json::json!({"at": "interfaces[interface=eth0]", "absent": true})
    ));
    assert!(!ok(
        serde_json::json!({"at": "interfaces[default=false].x", "nonempty": true})
    ));
    assert_eq!(
        common::as_text(&serde_json::json!(["a", "b"])),
        "['a', 'b']"
    );
}

/// Cases about an empty directory test what their case.txt says in a
/// fresh clone too: the directories `fixtures/empty-dirs` lists exist and
/// are empty when the cases are read (git stores none of them).
#[test]
fn empty_directories_of_the_cases_exist_and_are_empty() {
    let dirs = common::empty_dirs();
    assert!(!dirs.is_empty());
    for dir in dirs {
        assert!(dir.is_dir(), "{}", dir.display());
        assert_eq!(
            std::fs::read_dir(dir).unwrap().count(),
            0,
            "{}",
            dir.display()
        );
    }
    // empty_downward_dir_no_env: the volume is there (doctor finds it) and
    // holds nothing (no annotations file).
    let case = common::pods_dir().join("empty_downward_dir_no_env");
    let diag = app_netutil::doctor::run(&Options::new().root(&case)).unwrap();
    let status = |id: &str| {
        diag.checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
            .unwrap_or_else(|| panic!("no {id} check"))
    };
    assert_eq!(
        status("downward-api-volume"),
        app_netutil::doctor::Status::Pass
    );
    assert_eq!(
        status("annotations-file"),
        app_netutil::doctor::Status::Fail
    );
}
