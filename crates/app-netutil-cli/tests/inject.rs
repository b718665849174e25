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
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--in-place needs files, not standard input")
    );
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

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_takes_several_files_and_names_each() {
    let done = data("cronjob.expected.yaml");
    let todo = data("multi-document.yaml");
    let out = app_netutil(
        &[
            "inject",
            "--check",
            "-q",
            done.to_str().unwrap(),
            todo.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "app-netutil: inject: {}: document 4 is not injected",
                todo.display()
            ),
            format!(
                "app-netutil: inject: {}: document 5 is not injected",
                todo.display()
            ),
        ]
    );
    let out = app_netutil(
        &[
            "inject",
            "--check",
            done.to_str().unwrap(),
            data("deployment.expected.json").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn several_files_print_as_one_stream_in_the_order_given() {
    let names = ["cronjob.yaml", "deployment.json", "multi-document.yaml"];
    let paths: Vec<String> = names
        .iter()
        .map(|n| data(n).to_str().unwrap().to_owned())
        .collect();
    let mut args = vec!["inject", "-q"];
    args.extend(paths.iter().map(String::as_str));
    let out = app_netutil(&args, None);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut want = Vec::new();
    for n in names {
        want.extend(documents(&inject_file(n)));
    }
    assert_eq!(documents(&text), want);
    // The first file's text comes first, unchanged; then a separator.
    let first = inject_file("cronjob.yaml");
    assert!(text.starts_with(&format!("{first}---\n{{\n")), "{text}");

    // All JSON: a stream of JSON texts.
    let json = data("deployment.json");
    let out = app_netutil(
        &[
            "inject",
            "-q",
            json.to_str().unwrap(),
            json.to_str().unwrap(),
        ],
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let one = inject_file("deployment.json");
    assert_eq!(text, format!("{one}{one}"));

    // Standard input once, among files.
    let out = app_netutil(
        &["inject", "-", "-"],
        Some(b"apiVersion: v1\nkind: Service\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("standard input (-) can be given once"));
}

#[test]
fn in_place_edits_several_files_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    let bad = dir.path().join("bad.yaml");
    std::fs::copy(data("cronjob.yaml"), &a).unwrap();
    std::fs::copy(data("multi-document.yaml"), &b).unwrap();
    std::fs::write(&bad, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: ../../etc/x}]}\n").unwrap();

    // One unusable file: nothing is written at all.
    let out = app_netutil(
        &[
            "inject",
            "-i",
            a.to_str().unwrap(),
            bad.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("\"../../etc/x\" is not a valid container name"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(data("cronjob.yaml")).unwrap()
    );
    assert_eq!(
        std::fs::read(&b).unwrap(),
        std::fs::read(data("multi-document.yaml")).unwrap()
    );

    let out = app_netutil(
        &[
            "inject",
            "-i",
            "-q",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(data("cronjob.expected.yaml")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&b).unwrap(),
        std::fs::read_to_string(data("multi-document.expected.yaml")).unwrap()
    );
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["a.yaml", "b.yaml", "bad.yaml"]);
}

#[test]
fn in_place_on_a_link_edits_the_file_it_leads_to_and_keeps_mode_and_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    std::fs::copy(data("cronjob.yaml"), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let out = app_netutil(&["inject", "-i", link.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("link.yaml: edited ")
            && stderr_of(&out).contains("real.yaml, where the link leads"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::path::Path::new("real.yaml")
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        std::fs::read_to_string(data("cronjob.expected.yaml")).unwrap()
    );
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o7777,
        0o640
    );
    // --help says so.
    let help = String::from_utf8(app_netutil(&["inject", "--help"], None).stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("the file it points to is edited and the link stays"),
        "{help}"
    );
}

#[test]
fn output_onto_special_files_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let link = dir.path().join("link");
    std::os::unix::fs::symlink("elsewhere", &link).unwrap();
    let input = std::fs::read(data("cronjob.yaml")).unwrap();
    for (target, what) in [
        (&fifo, "a FIFO"),
        (&link, "a symbolic link"),
        (&dir.path().to_path_buf(), "a directory"),
    ] {
        let out = app_netutil(&["inject", "-o", target.to_str().unwrap()], Some(&input));
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert!(
            stderr_of(&out).contains(&format!("is {what}, not a regular file: not replaced")),
            "{}",
            stderr_of(&out)
        );
    }
    assert!(!dir.path().join("elsewhere").exists());
}

#[test]
fn inputs_that_are_no_files_or_too_large_are_refused() {
    let out = app_netutil(&["inject", "/dev/zero"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "app-netutil: inject: /dev/zero: is a character device; not read (a file, a pipe or standard input is)\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = app_netutil(&["inject", dir.path().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out)
            .ends_with(": is a directory; not read (a file, a pipe or standard input is)\n")
    );

    // Standard input from a device (`< /dev/zero`).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_app-netutil"))
        .arg("inject")
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "app-netutil: inject: <stdin>: standard input is a character device other than a terminal; not read\n"
    );

    // 8 MiB is the limit: one byte more is refused, from a file or a pipe.
    let big = dir.path().join("big.yaml");
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: \"");
    text.push_str(&"x".repeat((8 << 20) - text.len() - 2));
    text.push_str("\"\n");
    assert_eq!(text.len(), 8 << 20);
    std::fs::write(&big, &text).unwrap();
    let out = app_netutil(&["inject", "--check", "-q", big.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    text.push('\n');
    std::fs::write(&big, &text).unwrap();
    let out = app_netutil(&["inject", "--check", big.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).ends_with(
            "big.yaml: larger than 8 MiB (8388608 bytes), the most a manifest may hold; not read\n"
        ),
        "{}",
        stderr_of(&out)
    );
    let out = app_netutil(&["inject", "--check"], Some(text.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "app-netutil: inject: <stdin>: larger than 8 MiB (8388608 bytes), the most a manifest may hold; not read\n"
    );
}
