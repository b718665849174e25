//! `app-netutil inject` on real-world manifests, through the binary.
//!
//! Each `tests/data/inject/NAME.yaml` has the exact expected output next to
//! it as `NAME.expected.yaml` (review it as a diff). Set
//! `APP_NETUTIL_BLESS=1` to rewrite the expected files after an intended
//! change.

// Test helpers outside #[test] fns: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::{
    all_containers, app_netutil, documents, hugepage_item, identity_items, meta_items, pod_spec,
    podnetinfo_volume, typed_round_trip,
};
use serde_json::json;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inject")
        .join(name)
}

const CASES: &[(&str, &str)] = &[
    (
        "deployment-two-containers.yaml",
        "deployment-two-containers.expected.yaml",
    ),
    ("cronjob.yaml", "cronjob.expected.yaml"),
    ("multi-document.yaml", "multi-document.expected.yaml"),
    (
        "pod-existing-podnetinfo.yaml",
        "pod-existing-podnetinfo.expected.yaml",
    ),
    ("deployment.json", "deployment.expected.json"),
];

/// Injects a test input file and returns stdout.
fn inject_file(name: &str) -> String {
    let path = data(name);
    let out = app_netutil(&["inject", path.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{name}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn expected(name: &str, actual: &str) -> String {
    let path = data(name);
    if std::env::var_os("APP_NETUTIL_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn outputs_match_the_expected_files_and_injecting_again_changes_nothing() {
    for (input, want) in CASES {
        let once = inject_file(input);
        assert_eq!(once, expected(want, &once), "{input}");
        // Idempotent, byte for byte.
        let twice = inject_file(want);
        assert_eq!(twice, once, "{input}: second run changed the output");
        // --check agrees: the input needs injecting, the output does not.
        let check_in = app_netutil(&["inject", "--check", data(input).to_str().unwrap()], None);
        assert_eq!(check_in.status.code(), Some(1), "{input}");
        let check_out = app_netutil(&["inject", "--check", data(want).to_str().unwrap()], None);
        assert_eq!(check_out.status.code(), Some(0), "{want}");
    }
}

/// `output` is `input` with lines inserted and nothing else changed,
/// except that a JSON line that gets an entry after it also gets its comma.
fn assert_only_lines_inserted(name: &str, input: &str, output: &str) {
    let mut want = input.split_inclusive('\n').peekable();
    let mut inserted = 0;
    for line in output.split_inclusive('\n') {
        let same = want.peek().is_some_and(|w| {
            *w == line
                || (name.ends_with(".json")
                    && w.trim_end() == line.trim_end().trim_end_matches(','))
        });
        if same {
            want.next();
        } else {
            inserted += 1;
        }
    }
    let left: Vec<&str> = want.collect();
    assert!(left.is_empty(), "{name}: input lines lost: {left:?}");
    assert!(inserted > 0, "{name}: nothing inserted");
}

#[test]
fn outputs_are_the_inputs_with_lines_inserted() {
    for (input, want) in CASES {
        let before = std::fs::read_to_string(data(input)).unwrap();
        let after = std::fs::read_to_string(data(want)).unwrap();
        assert_only_lines_inserted(input, &before, &after);
    }
}

#[test]
fn every_result_is_a_valid_kubernetes_object() {
    for (input, _) in CASES {
        for (i, doc) in documents(&inject_file(input)).iter().enumerate() {
            let diffs = typed_round_trip(doc).unwrap_or_else(|e| panic!("{input} #{i}: {e}"));
            // The one made-up field of the Deployment test is kept by inject
            // and, being unknown, dropped by the typed round trip.
            let allowed: &[&str] = if *input == "deployment-two-containers.yaml" {
                &["spec.template.spec.exampleUnknownField"]
            } else {
                &[]
            };
            assert_eq!(diffs, allowed, "{input} #{i}");
        }
    }
}

#[test]
fn deployment_with_two_containers_gets_exact_items_mounts_and_env() {
    let text = inject_file("deployment-two-containers.yaml");
    let doc = &documents(&text)[0];
    let spec = pod_spec(doc);
    let [labels, annotations] = meta_items();
    let [name, namespace, uid] = identity_items();
    assert_eq!(
        podnetinfo_volume(spec),
        &json!({
            "name": "podnetinfo",
            "downwardAPI": {"items": [
                labels,
                annotations,
                hugepage_item("fwd", "1Gi", "requests"),
                hugepage_item("fwd", "2Mi", "requests"),
                hugepage_item("fwd", "1Gi", "limits"),
                hugepage_item("fwd", "2Mi", "limits"),
                name,
                namespace,
                uid,
            ]},
        })
    );
    let fwd = &spec["containers"][0];
    assert_eq!(
        fwd["volumeMounts"],
        json!([
            {"name": "hugepages-1gi", "mountPath": "/hugepages-1Gi"},
            {"name": "hugepages-2mi", "mountPath": "/hugepages-2Mi"},
            {"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true},
        ])
    );
    assert_eq!(
        fwd["env"],
        json!([
            {"name": "LOG_LEVEL", "value": "7"},
            {"name": "TRACE", "value": "false"},
            {"name": "CONTAINER_NAME", "value": "fwd"},
        ])
    );
    let metrics = &spec["containers"][1];
    assert_eq!(
        metrics["volumeMounts"],
        json!([{"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true}])
    );
    assert!(
        metrics.get("env").is_none(),
        "no hugepages, no CONTAINER_NAME: {metrics}"
    );

    // Unknown fields and every other value are kept; 0644 is read as kubectl
    // reads it (octal) and written as the number it is.
    assert_eq!(spec["exampleUnknownField"], json!({"keep": "me"}));
    assert_eq!(spec["volumes"][2]["configMap"]["defaultMode"], json!(420));
    let mut input =
        documents(&std::fs::read_to_string(data("deployment-two-containers.yaml")).unwrap())
            .remove(0);
    input["spec"]["template"]["spec"]["volumes"][2]["configMap"]["defaultMode"] = json!(420);
    for pointer in [
        "/metadata",
        "/spec/replicas",
        "/spec/selector",
        "/spec/template/metadata",
    ] {
        assert_eq!(doc.pointer(pointer), input.pointer(pointer), "{pointer}");
    }

    // Key order is the input's: `kind` before `apiVersion`, and the added
    // keys come after the existing ones.
    assert_eq!(
        keys_at(&text, 0),
        ["kind", "apiVersion", "metadata", "spec"]
    );
    let pod = section(&text, "    spec:\n", "");
    assert_eq!(
        keys_at(pod, 6),
        [
            "serviceAccountName",
            "containers",
            "volumes",
            "exampleUnknownField"
        ]
    );
    let fwd = section(&text, "      - name: fwd\n", "      - name: metrics\n");
    assert_eq!(
        keys_at(fwd, 8),
        [
            "image",
            "imagePullPolicy",
            "securityContext",
            "resources",
            "volumeMounts",
            "env"
        ]
    );
}

/// The text from `start` up to `end` (or the end).
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap() + start.len();
    let rest = &text[from..];
    match rest.find(end) {
        Some(to) if !end.is_empty() => &rest[..to],
        _ => rest,
    }
}

/// The mapping keys written at exactly `indent` spaces in a YAML text.
fn keys_at(text: &str, indent: usize) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.strip_prefix(&" ".repeat(indent)))
        .filter(|l| !l.starts_with([' ', '-', '#']))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k))
        .collect()
}

#[test]
fn cronjob_pod_template_is_injected() {
    let doc = &documents(&inject_file("cronjob.yaml"))[0];
    let spec = pod_spec(doc);
    let [labels, annotations] = meta_items();
    let [name, namespace, uid] = identity_items();
    assert_eq!(
        podnetinfo_volume(spec)["downwardAPI"]["items"],
        json!([
            labels,
            annotations,
            hugepage_item("testpmd", "2Mi", "requests"),
            hugepage_item("testpmd", "2Mi", "limits"),
            name,
            namespace,
            uid,
        ])
    );
    let c = &spec["containers"][0];
    assert_eq!(
        c["volumeMounts"],
        json!([{"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true}])
    );
    assert_eq!(
        c["env"],
        json!([{"name": "CONTAINER_NAME", "value": "testpmd"}])
    );
    assert_eq!(doc["spec"]["schedule"], "0 3 * * *");
}

#[test]
fn multi_document_file_keeps_separators_and_other_kinds() {
    let path = data("multi-document.yaml");
    let out = app_netutil(&["inject", path.to_str().unwrap()], None);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // Edited in place: the comment and all five separators are still there.
    assert_eq!(text.lines().filter(|l| *l == "---").count(), 5, "{text}");
    assert!(
        text.starts_with(
            "# A network, its config, a service and two workloads in one file.\n---\n"
        )
    );

    let input = documents(&std::fs::read_to_string(&path).unwrap());
    let output = documents(&text);
    assert_eq!(output.len(), 5);
    // The NetworkAttachmentDefinition, ConfigMap and Service are untouched,
    // and stderr says so, one note each.
    assert_eq!(output[..3], input[..3]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let notes: Vec<&str> = stderr.lines().collect();
    assert_eq!(notes.len(), 3, "{stderr}");
    for (note, what) in notes.iter().zip([
        "document 1: NetworkAttachmentDefinition \"sriov-dpdk-a\"",
        "document 2: ConfigMap \"l3fwd-routes\"",
        "document 3: Service \"l3fwd-metrics\"",
    ]) {
        assert!(note.starts_with("app-netutil: inject: note: "), "{note}");
        assert!(note.contains(what), "{note}");
        assert!(
            note.ends_with("has no pod template: passed through unchanged"),
            "{note}"
        );
    }
    // The ConfigMap's multi-line value is still a literal block.
    assert!(text.contains("  routes.cfg: |\n    R 10.0.0.0/24 0\n    R 10.0.1.0/24 1\n"));

    // The Pod and the StatefulSet are injected; the StatefulSet's init
    // container is mounted too but, without hugepages, gets no CONTAINER_NAME.
    let [labels, annotations] = meta_items();
    let [name, namespace, uid] = identity_items();
    assert_eq!(
        podnetinfo_volume(pod_spec(&output[3]))["downwardAPI"]["items"],
        json!([
            labels,
            annotations,
            hugepage_item("l3fwd", "1Gi", "limits"),
            name,
            namespace,
            uid
        ])
    );
    let sts = pod_spec(&output[4]);
    assert_eq!(
        podnetinfo_volume(sts)["downwardAPI"]["items"],
        json!([
            labels,
            annotations,
            hugepage_item("pktgen", "2Mi", "limits"),
            name,
            namespace,
            uid,
        ])
    );
    for c in all_containers(sts) {
        let mounts = c["volumeMounts"].as_array().unwrap();
        assert_eq!(
            mounts.last().unwrap(),
            &json!({"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true}),
            "{c}"
        );
    }
    assert!(sts["initContainers"][0].get("env").is_none());
    assert_eq!(
        sts["containers"][0]["env"],
        json!([{"name": "CONTAINER_NAME", "value": "pktgen"}])
    );
}

#[test]
fn existing_podnetinfo_volume_gets_only_the_missing_items() {
    let doc = &documents(&inject_file("pod-existing-podnetinfo.yaml"))[0];
    let spec = pod_spec(doc);
    let [labels, annotations] = meta_items();
    let [name, namespace, uid] = identity_items();
    assert_eq!(
        spec["volumes"],
        json!([{
            "name": "podnetinfo",
            "downwardAPI": {"items": [
                annotations,
                labels,
                hugepage_item("app", "1Gi", "requests"),
                hugepage_item("app", "1Gi", "limits"),
                name,
                namespace,
                uid,
            ]},
        }])
    );
    // The existing mount is left as it is (not made read-only, not doubled),
    // the existing CONTAINER_NAME is not doubled; the sidecar gets a mount.
    let app = &spec["containers"][0];
    assert_eq!(
        app["volumeMounts"],
        json!([{"name": "podnetinfo", "mountPath": "/etc/podnetinfo"}])
    );
    assert_eq!(
        app["env"],
        json!([{"name": "CONTAINER_NAME", "value": "app"}])
    );
    assert_eq!(
        spec["containers"][1]["volumeMounts"],
        json!([{"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true}])
    );
}

#[test]
fn json_in_gives_json_out_in_input_key_order() {
    let text = inject_file("deployment.json");
    assert!(
        text.starts_with(
            "{\n    \"apiVersion\": \"apps/v1\",\n    \"kind\": \"Deployment\",\n    \"metadata\""
        ),
        "{text}"
    );
    let doc = &documents(&text)[0];
    let [labels, annotations] = meta_items();
    let [name, namespace, uid] = identity_items();
    assert_eq!(
        podnetinfo_volume(pod_spec(doc))["downwardAPI"]["items"],
        json!([
            labels,
            annotations,
            hugepage_item("app", "2Mi", "limits"),
            name,
            namespace,
            uid
        ])
    );
}

#[test]
fn input_that_is_not_a_manifest_is_refused_with_status_2() {
    for (input, message) in [
        (
            "just a plain string\n",
            "document 1: it is a string, not a Kubernetes object",
        ),
        (
            "- 1\n- 2\n- 3\n",
            "document 1: it is a sequence, not a Kubernetes object",
        ),
        (
            "[1, 2, 3]\n",
            "document 1: it is a sequence, not a Kubernetes object",
        ),
        (
            "42\n",
            "document 1: it is a number, not a Kubernetes object",
        ),
        (
            "replicas: 3\nimage: nginx\n",
            "document 1: it has no apiVersion, so it is not a Kubernetes object",
        ),
        (
            "apiVersion: v1\nkind: Service\n---\nhello\n",
            "document 2: it is a string, not a Kubernetes object",
        ),
        ("kind: Pod\nmetadata: [unclosed\n", "invalid YAML: "),
        ("", "no document in the input"),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n",
            "document 1: Pod \"p\": spec.containers: is missing",
        ),
    ] {
        let out = app_netutil(&["inject"], Some(input.as_bytes()));
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert!(out.stdout.is_empty(), "{input:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr.lines().count(),
            1,
            "one line for {input:?}: {stderr}"
        );
        assert!(
            stderr.starts_with("app-netutil: inject: <stdin>: "),
            "{stderr}"
        );
        assert!(stderr.contains(message), "{input:?}: {stderr}");
    }
    let out = app_netutil(&["inject", "/nonexistent/manifest.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_file_and_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read_to_string(data("cronjob.yaml")).unwrap();
    let want = std::fs::read_to_string(data("cronjob.expected.yaml")).unwrap();

    let out_file = dir.path().join("out.yaml");
    let out = app_netutil(
        &["inject", "-o", out_file.to_str().unwrap()],
        Some(input.as_bytes()),
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), want);

    let file = dir.path().join("cronjob.yaml");
    std::fs::write(&file, &input).unwrap();
    let out = app_netutil(&["inject", "-i", file.to_str().unwrap()], None);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), want);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left"
    );

    // Already injected: -i leaves the file, comments and all, as it is.
    let commented = format!("# keep this comment\n{want}");
    std::fs::write(&file, &commented).unwrap();
    let out = app_netutil(&["inject", "-i", file.to_str().unwrap()], None);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), commented);

    let out = app_netutil(&["inject", "-i"], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(2), "-i needs a file");
}

#[test]
fn check_reports_the_documents_that_need_injecting() {
    let path = data("multi-document.yaml");
    let out = app_netutil(&["inject", "--check", "-q", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].ends_with("document 4 is not injected"), "{stderr}");
    assert!(lines[1].ends_with("document 5 is not injected"), "{stderr}");
}
