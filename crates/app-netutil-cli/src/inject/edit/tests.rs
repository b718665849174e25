//! Tests of the in-place editor, through `inject_stream`.

use super::super::{StreamError, inject_stream};
use super::plain_is_safe;

fn out(input: &str) -> String {
    match inject_stream(input) {
        Ok(r) => r.text,
        Err(e) => panic!("{e}\n--- input:\n{input}"),
    }
}

fn err(input: &str) -> String {
    match inject_stream(input) {
        Ok(r) => panic!("expected an error, got:\n{}", r.text),
        Err(e) => e.to_string(),
    }
}

/// The lines `output` has beyond `input`, after checking that `output` is
/// `input` with whole lines inserted and nothing else changed.
fn inserted_lines(input: &str, output: &str) -> Vec<String> {
    let mut want = input.split_inclusive('\n').peekable();
    let mut extra = Vec::new();
    for line in output.split_inclusive('\n') {
        if want.peek() == Some(&line) {
            want.next();
        } else {
            extra.push(line.to_owned());
        }
    }
    let left: Vec<&str> = want.collect();
    assert!(
        left.is_empty(),
        "input lines missing from the output: {left:?}\n--- output:\n{output}"
    );
    extra
}

/// Injecting the output again changes nothing, byte for byte.
fn assert_idempotent(output: &str) {
    let again = inject_stream(output).unwrap_or_else(|e| panic!("{e}\n{output}"));
    assert!(again.changed.is_empty(), "{output}");
    assert_eq!(again.text, output);
}

#[test]
fn commented_multi_document_stream_changes_only_by_the_inserted_lines() {
    let input = "\
# A stream with comments everywhere.
%YAML 1.2
---
# The config, not a workload: stays byte for byte.
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}   # flow style stays
data:
  k: |
    text

...
---
apiVersion: apps/v1   # trailing comment
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2  # two
  template:
    metadata: {labels: {app: web}}
    spec:
      # the containers
      containers:
      - name: app   # the app
        image: app:1
        resources:
          limits: {hugepages-2Mi: 64Mi, cpu: '1'}

        # a comment after a blank line, at the container's indentation
      - name: side
        image: side:1
      # a comment at the list's indentation
      volumes:
      - name: data
        emptyDir: {}
      # a comment after the last volume
...
# a comment between documents
---
apiVersion: v1
kind: Service
metadata: {name: web}
";
    let output = out(input);
    let extra = inserted_lines(input, &output);
    let want = "        volumeMounts:
        - name: podnetinfo
          mountPath: /etc/podnetinfo
          readOnly: true
        env:
        - name: CONTAINER_NAME
          value: app
        volumeMounts:
        - name: podnetinfo
          mountPath: /etc/podnetinfo
          readOnly: true
      - name: podnetinfo
        downwardAPI:
          items:
          - path: labels
            fieldRef:
              fieldPath: metadata.labels
          - path: annotations
            fieldRef:
              fieldPath: metadata.annotations
          - path: hugepages_2M_limit_app
            resourceFieldRef:
              containerName: app
              resource: limits.hugepages-2Mi
              divisor: 1Mi
          - path: name
            fieldRef:
              fieldPath: metadata.name
          - path: namespace
            fieldRef:
              fieldPath: metadata.namespace
          - path: uid
            fieldRef:
              fieldPath: metadata.uid
";
    assert_eq!(extra.concat(), want, "{output}");
    // Where they went: the first container's keys right after its last
    // line, before the blank line and the comment; the volume after the
    // last volume, before the comment that follows it.
    assert!(
        output
            .contains("          limits: {hugepages-2Mi: 64Mi, cpu: '1'}\n        volumeMounts:\n")
    );
    assert!(output.contains("          value: app\n\n        # a comment after a blank line"));
    assert!(output.contains("        emptyDir: {}\n      - name: podnetinfo\n"));
    assert!(output.contains(
        "              fieldPath: metadata.uid\n      # a comment after the last volume\n...\n"
    ));
    assert_idempotent(&output);
}

#[test]
fn flow_style_pod_spec_gets_flow_style_additions_on_the_same_line() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}  # all flow\n";
    let output = out(input);
    assert_eq!(
        output,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x, volumeMounts: [{name: podnetinfo, mountPath: /etc/podnetinfo, readOnly: true}]}], volumes: [{name: podnetinfo, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}, {path: annotations, fieldRef: {fieldPath: metadata.annotations}}, {path: name, fieldRef: {fieldPath: metadata.name}}, {path: namespace, fieldRef: {fieldPath: metadata.namespace}}, {path: uid, fieldRef: {fieldPath: metadata.uid}}]}}]}  # all flow\n"
    );
    assert_idempotent(&output);
}

#[test]
fn flow_collections_over_several_lines_get_one_entry_per_line() {
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [
    {name: c, resources: {limits: {hugepages-1Gi: 1Gi}}},
  ]
  volumes: [
    {name: a, emptyDir: {}}
  ]
";
    let output = out(input);
    // One-line items: the new one on a line of its own, on one line too.
    assert!(
        output.contains("  volumes: [\n    {name: a, emptyDir: {}},\n    {name: podnetinfo, downwardAPI: {items: [{path: labels, "),
        "{output}"
    );
    assert!(
        output.ends_with("{path: uid, fieldRef: {fieldPath: metadata.uid}}]}}\n  ]\n"),
        "{output}"
    );
    // The container is a one-line flow mapping: its additions stay on its line.
    assert!(output.contains("    {name: c, resources: {limits: {hugepages-1Gi: 1Gi}}, volumeMounts: [{name: podnetinfo, mountPath: /etc/podnetinfo, readOnly: true}], env: [{name: CONTAINER_NAME, value: c}]},\n"), "{output}");
    assert_idempotent(&output);

    // Items written over several lines: the new one too, indented alike.
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c}]
  volumes: [
    {
      name: a,
      emptyDir: {}
    }
  ]
";
    let output = out(input);
    assert!(
        output.contains("      emptyDir: {}\n    },\n    {\n      name: podnetinfo,\n      downwardAPI: {\n        items: [\n          {\n            path: labels,\n            fieldRef: {\n              fieldPath: metadata.labels\n            }\n          },\n"),
        "{output}"
    );
    assert!(
        output.ends_with("          }\n        ]\n      }\n    }\n  ]\n"),
        "{output}"
    );
    assert_idempotent(&output);

    // A mapping over several lines whose first key shares the brace's
    // line: new keys at the column of the last one.
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, # comment\n  image: x,}], volumes: []}\n";
    let output = out(input);
    assert!(
        output.starts_with("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, # comment\n  image: x,\n  volumeMounts: [{name: podnetinfo, mountPath: /etc/podnetinfo, readOnly: true}],}], volumes: [{name: podnetinfo, "),
        "{output}"
    );
    assert_idempotent(&output);
}

#[test]
fn indentation_style_of_the_document_is_followed() {
    // Four-space mappings, sequences indented under their key.
    let input = "\
apiVersion: v1
kind: Pod
metadata:
    name: p
spec:
    containers:
        -   name: c
            image: x
";
    let output = out(input);
    let extra = inserted_lines(input, &output).concat();
    assert!(
        extra.starts_with(
            "            volumeMounts:\n                -   name: podnetinfo\n                    mountPath: /etc/podnetinfo\n"
        ),
        "{output}"
    );
    assert!(
        extra.contains("    volumes:\n        -   name: podnetinfo\n            downwardAPI:\n                items:\n                    -   path: labels\n                        fieldRef:\n                            fieldPath: metadata.labels\n"),
        "{output}"
    );
    assert_idempotent(&output);
}

#[test]
fn crlf_line_ends_are_kept_in_the_new_lines() {
    let input = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: c\r\n";
    let output = out(input);
    let extra = inserted_lines(input, &output);
    assert!(!extra.is_empty());
    for line in &extra {
        assert!(line.ends_with("\r\n"), "{line:?}");
        assert!(!line[..line.len() - 2].contains('\r'), "{line:?}");
    }
    assert_idempotent(&output);
}

#[test]
fn no_newline_at_the_end_of_the_file() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c";
    let output = out(input);
    assert!(
        output.starts_with(&format!("{input}\n    volumeMounts:\n")),
        "{output}"
    );
    assert_idempotent(&output);
}

#[test]
fn nulls_and_empty_lists_become_lists() {
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    volumeMounts: ~   # none yet
    env:
    resources: {limits: {hugepages-1Gi: 1Gi}}
  volumes: []
";
    let output = out(input);
    assert!(
        output.contains("    volumeMounts:   # none yet\n    - name: podnetinfo\n      mountPath: /etc/podnetinfo\n      readOnly: true\n    env:\n    - name: CONTAINER_NAME\n      value: c\n    resources: {limits: {hugepages-1Gi: 1Gi}}\n"),
        "{output}"
    );
    assert!(
        output.contains("  volumes: [{name: podnetinfo, downwardAPI: {items: [{path: labels, "),
        "{output}"
    );
    assert_idempotent(&output);
}

#[test]
fn block_scalars_at_the_end_keep_their_value() {
    for chomp in ["|", "|+", "|-", ">"] {
        let input = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    args:\n    - {chomp}\n      line one\n\n      line two\n\n# end\n"
        );
        let output = out(&input);
        inserted_lines(&input, &output);
        assert_idempotent(&output);
    }
}

#[test]
fn documents_without_a_pod_template_and_separators_stay_as_they_are() {
    let input = "---\n# only a comment\n...\n---\napiVersion: v1\nkind: Service   # svc\nmetadata: {name: s}\n...\n";
    let result = inject_stream(input).unwrap();
    assert!(result.changed.is_empty());
    assert_eq!(result.text, input);
}

#[test]
fn list_items_are_edited_in_place() {
    let input = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers:
    - name: c
- apiVersion: v1
  kind: Service
  metadata: {name: s}
";
    let output = out(input);
    let extra = inserted_lines(input, &output).concat();
    assert!(
        extra.starts_with("      volumeMounts:\n      - name: podnetinfo\n"),
        "{output}"
    );
    assert!(
        output.contains("          fieldPath: metadata.uid\n- apiVersion: v1\n  kind: Service\n"),
        "{output}"
    );
    assert_idempotent(&output);
}

#[test]
fn aliases_are_refused_with_the_place_and_anchors_without_aliases_are_fine() {
    let aliased_container = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - &app
    name: app
  containers:
  - *app
";
    let e = err(aliased_container);
    assert_eq!(
        e,
        "document 1: spec.initContainers[0]: cannot add here without changing other parts of the document: it is anchored (&) and repeated by an alias (*) elsewhere; write the copies out in full"
    );

    let alias_list = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
x-mounts: &mounts
- {name: data, mountPath: /data}
spec:
  containers:
  - name: c
    volumeMounts: *mounts
";
    let e = err(alias_list);
    assert!(
        e.starts_with("document 1: spec.containers[0].volumeMounts: cannot add here"),
        "{e}"
    );

    let merged = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
x-base: &base
  name: c
  volumeMounts: [{name: data, mountPath: /data}]
spec:
  containers:
  - <<: *base
    image: x
";
    assert_eq!(
        err(merged),
        "document 1: spec.containers[0].volumeMounts: cannot add here without changing other parts of the document: the key comes from a merge key (<<); write it out in full"
    );

    // An anchor nobody refers to is just a name.
    let anchored =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: &spec\n  containers:\n  - name: c\n";
    let output = out(anchored);
    assert!(output.starts_with(anchored), "{output}");
    assert_idempotent(&output);
}

#[test]
fn tabs_for_indentation_are_refused_as_invalid_yaml() {
    let e = err("apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n");
    assert!(e.starts_with("invalid YAML: "), "{e}");
    assert!(matches!(
        inject_stream("apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n"),
        Err(StreamError::Parse(_))
    ));
}

#[test]
fn json_is_edited_in_place_in_its_own_indentation() {
    let input = r#"{
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "p"
    },
    "spec": {
        "containers": [
            {
                "name": "c",
                "resources": {"limits": {"hugepages-1Gi": "1Gi"}}
            }
        ]
    }
}
"#;
    let output = out(input);
    assert!(
        output.contains(
            "                \"resources\": {\"limits\": {\"hugepages-1Gi\": \"1Gi\"}},\n                \"volumeMounts\": [\n                    {\n                        \"name\": \"podnetinfo\",\n"
        ),
        "{output}"
    );
    assert!(
        output.contains("        ],\n        \"volumes\": [\n            {\n                \"name\": \"podnetinfo\",\n                \"downwardAPI\": {\n"),
        "{output}"
    );
    assert!(output.ends_with("        ]\n    }\n}\n"), "{output}");
    let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
    assert_eq!(parsed["spec"]["containers"][0]["env"][0]["value"], "c");
    assert_idempotent(&output);

    // Compact JSON stays compact, and several texts are edited each.
    let compact = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}\n{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}\n";
    let output = out(compact);
    assert!(
        output.starts_with("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"volumeMounts\":[{\"name\":\"podnetinfo\",\"mountPath\":\"/etc/podnetinfo\",\"readOnly\":true}]}],\"volumes\":[{\"name\":\"podnetinfo\","),
        "{output}"
    );
    assert!(
        output.ends_with(
            "}}]}}]}}\n{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}\n"
        ),
        "{output}"
    );
    assert_idempotent(&output);
}

#[test]
fn names_yaml_would_read_as_something_else_are_quoted() {
    for safe in [
        "podnetinfo",
        "/etc/podnetinfo",
        "metadata.labels",
        "1Mi",
        "requests.hugepages-1Gi",
        "hugepages_1G_limit_app",
        "app-1",
    ] {
        assert!(plain_is_safe(safe), "{safe}");
    }
    for unsafe_ in [
        "yes", "No", "on", "OFF", "y", "null", "true", "123", "1e3", "0x1f", "1_000", "0o17", "",
        "-a", ".5", "a b", "a:b", "#a", "12-34",
    ] {
        assert!(!plain_is_safe(unsafe_), "{unsafe_}");
    }
    let output = out(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: 'yes'\n    resources: {limits: {hugepages-2Mi: 2Mi}}\n",
    );
    assert!(output.contains("      value: \"yes\"\n"), "{output}");
    assert!(
        output.contains("        containerName: \"yes\"\n"),
        "{output}"
    );
    assert!(
        output.contains("    - path: hugepages_2M_limit_yes\n"),
        "{output}"
    );
}

/// Every combination of styles for a pod: block or flow containers,
/// indentation, comments, existing fields, volumes present or not.
#[test]
fn many_layouts_edit_cleanly_and_idempotently() {
    let containers_styles = [
        "  containers:\n  - name: a\n    image: x\n",
        "  containers:\n    - name: a\n      image: x\n",
        "  containers: [{name: a, image: x}]\n",
        "  containers:\n  - {name: a, image: x}\n",
        "  containers:\n  - name: a\n    resources:\n      limits:\n        hugepages-1Gi: 1Gi\n    env:\n    - {name: X, value: '1'}\n",
        "  containers:\n  - name: a\n    volumeMounts:\n    - name: d\n      mountPath: /d\n    args: [\"-x\"]   # trailing\n",
        "  containers:\n  - name: a\n    command:\n    - sh\n    - -c\n    - |\n      echo hi\n",
    ];
    let volumes_styles = [
        "",
        "  volumes:\n  - name: d\n    emptyDir: {}\n",
        "  volumes:\n    - name: d\n      emptyDir: {}\n",
        "  volumes: [{name: d, emptyDir: {}}]\n",
        "  volumes:\n",
        "  volumes:\n  - name: podnetinfo\n    downwardAPI:\n      items:\n      - {path: labels, fieldRef: {fieldPath: metadata.labels}}\n",
        "  volumes:\n  - name: podnetinfo\n    downwardAPI: {items: []}\n",
    ];
    let tails = ["", "  # tail comment\n", "  restartPolicy: Never\n", "\n\n"];
    let mut count = 0;
    for c in containers_styles {
        for v in volumes_styles {
            for tail in tails {
                for order in [true, false] {
                    let body = if order {
                        format!("{c}{v}{tail}")
                    } else {
                        format!("{v}{c}{tail}")
                    };
                    let input = format!(
                        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{body}---\napiVersion: v1\nkind: Service\nmetadata: {{name: s}}\n"
                    );
                    let output = out(&input);
                    assert!(
                        output
                            .ends_with("---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"),
                        "{output}"
                    );
                    if !input.contains('{') || !input.contains("[{") {
                        // Block only around the additions: whole lines added.
                        if !c.contains('[')
                            && !v.contains('[')
                            && !v.ends_with("volumes:\n")
                            && !v.contains("{items")
                            && !c.contains("- {")
                        {
                            inserted_lines(&input, &output);
                        }
                    }
                    assert_idempotent(&output);
                    count += 1;
                }
            }
        }
    }
    assert_eq!(count, 7 * 7 * 4 * 2);
}
