use super::super::value::{Format, emit, parse};
use super::*;

fn one(yaml: &str) -> Value {
    let (_, mut docs) = parse(yaml).unwrap();
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn injected(yaml: &str) -> (String, Vec<String>) {
    let (doc, notes) = inject(one(yaml)).unwrap();
    (emit(Format::Yaml, &[doc]).unwrap(), notes)
}

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: dpdk
spec:
  containers:
  - name: app
    image: app:1
    resources:
      requests:
        hugepages-1Gi: 2Gi
        memory: 1Gi
      limits:
        hugepages-1Gi: 2Gi
        memory: 1Gi
";

#[test]
fn pod_gets_volume_items_mount_and_container_name() {
    let (out, notes) = injected(POD);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        out,
        "\
apiVersion: v1
kind: Pod
metadata:
  name: dpdk
spec:
  containers:
  - name: app
    image: app:1
    resources:
      requests:
        hugepages-1Gi: 2Gi
        memory: 1Gi
      limits:
        hugepages-1Gi: 2Gi
        memory: 1Gi
    volumeMounts:
    - name: podnetinfo
      mountPath: /etc/podnetinfo
      readOnly: true
    env:
    - name: CONTAINER_NAME
      value: app
  volumes:
  - name: podnetinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: annotations
        fieldRef:
          fieldPath: metadata.annotations
      - path: hugepages_1G_request_app
        resourceFieldRef:
          containerName: app
          resource: requests.hugepages-1Gi
          divisor: 1Mi
      - path: hugepages_1G_limit_app
        resourceFieldRef:
          containerName: app
          resource: limits.hugepages-1Gi
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
"
    );
}

#[test]
fn injecting_twice_changes_nothing() {
    let (once, _) = inject(one(POD)).unwrap();
    let (twice, notes) = inject(once.clone()).unwrap();
    assert_eq!(twice, once);
    assert!(notes.is_empty());
}

#[test]
fn container_without_hugepages_gets_only_the_mount() {
    let (out, _) = injected(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: side\n    image: x\n",
    );
    assert!(
        out.contains("  - name: side\n    image: x\n    volumeMounts:\n    - name: podnetinfo\n"),
        "{out}"
    );
    assert!(!out.contains("CONTAINER_NAME"), "{out}");
    assert!(!out.contains("hugepages_"), "{out}");
}

#[test]
fn sizes_lose_their_i_and_zero_quantities_are_skipped() {
    let (out, _) = injected(
        "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    resources:
      requests: {hugepages-2Mi: 512Mi, hugepages-1Gi: '0', hugepages-32Mi: 64Mi}
      limits: {hugepages-2Mi: 512Mi, hugepages-1Gi: 0Gi, hugepages-32Mi: 64Mi}
",
    );
    let paths: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- path: "))
        .collect();
    assert_eq!(
        paths,
        [
            "labels",
            "annotations",
            "hugepages_2M_request_c",
            "hugepages_32M_request_c",
            "hugepages_2M_limit_c",
            "hugepages_32M_limit_c",
            "name",
            "namespace",
            "uid"
        ]
    );
    assert!(out.contains("resource: limits.hugepages-32Mi\n"), "{out}");
}

#[test]
fn existing_volume_gets_only_missing_items_and_existing_mount_and_env_are_kept() {
    let (out, notes) = injected(
        "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    env:
    - name: CONTAINER_NAME
      value: other
    volumeMounts:
    - name: podnetinfo
      mountPath: /etc/podnetinfo
    resources:
      limits: {hugepages-1Gi: 1Gi}
  volumes:
  - name: podnetinfo
    downwardAPI:
      items:
      - path: annotations
        fieldRef: {fieldPath: metadata.annotations}
",
    );
    assert_eq!(
        out,
        "\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    env:
    - name: CONTAINER_NAME
      value: other
    volumeMounts:
    - name: podnetinfo
      mountPath: /etc/podnetinfo
    resources:
      limits:
        hugepages-1Gi: 1Gi
  volumes:
  - name: podnetinfo
    downwardAPI:
      items:
      - path: annotations
        fieldRef:
          fieldPath: metadata.annotations
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: hugepages_1G_limit_app
        resourceFieldRef:
          containerName: app
          resource: limits.hugepages-1Gi
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
"
    );
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("CONTAINER_NAME is already set"),
        "{notes:?}"
    );
}

#[test]
fn init_containers_are_handled_like_containers() {
    let (out, _) = injected(
        "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: args
    resources: {limits: {hugepages-2Mi: 2Mi}}
  containers:
  - name: app
",
    );
    assert!(out.contains("  initContainers:\n  - name: args\n    resources:\n      limits:\n        hugepages-2Mi: 2Mi\n    volumeMounts:\n    - name: podnetinfo\n      mountPath: /etc/podnetinfo\n      readOnly: true\n    env:\n    - name: CONTAINER_NAME\n      value: args\n"), "{out}");
    assert!(
        out.contains("  containers:\n  - name: app\n    volumeMounts:\n"),
        "{out}"
    );
    assert!(
        out.contains("      - path: hugepages_2M_limit_args\n"),
        "{out}"
    );
}

#[test]
fn workload_kinds_find_their_pod_template() {
    for (api, kind, path) in [
        ("apps/v1", "Deployment", "spec.template.spec"),
        ("apps/v1", "StatefulSet", "spec.template.spec"),
        ("apps/v1", "DaemonSet", "spec.template.spec"),
        ("apps/v1", "ReplicaSet", "spec.template.spec"),
        ("v1", "ReplicationController", "spec.template.spec"),
        ("batch/v1", "Job", "spec.template.spec"),
        ("batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec"),
        ("v1", "PodTemplate", "template.spec"),
        ("v1", "Pod", "spec"),
    ] {
        let doc = one(&format!(
            "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n"
        ));
        let err = inject(doc).unwrap_err().to_string();
        let first = path.split('.').next().unwrap();
        assert_eq!(err, format!("{kind} \"x\": {first}: is missing"), "{kind}");

        let mut doc = Value::Map(Map::from([
            ("apiVersion", api.into()),
            ("kind", kind.into()),
        ]));
        let Value::Map(m) = &mut doc else {
            unreachable!()
        };
        let mut here = m;
        for key in path.split('.') {
            let Value::Map(next) = here.get_or_insert_with(key, || Map::new().into()) else {
                unreachable!()
            };
            here = next;
        }
        *here.get_or_insert_with("containers", || Value::Null) =
            Value::Seq(vec![Map::from([("name", "c".into())]).into()]);
        let (doc, notes) = inject(doc).unwrap();
        assert!(notes.is_empty(), "{kind}: {notes:?}");
        let out = emit(Format::Json, &[doc]).unwrap();
        assert!(
            out.contains("\"mountPath\": \"/etc/podnetinfo\""),
            "{kind}: {out}"
        );
    }
}

#[test]
fn other_kinds_pass_through_with_a_note() {
    for input in [
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
        // Same kind name in another API group: not the built-in workload.
        "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {}}\n",
    ] {
        let before = one(input);
        let (doc, notes) = inject(before.clone()).unwrap();
        assert_eq!(doc, before);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].ends_with("has no pod template: passed through unchanged"),
            "{notes:?}"
        );
    }
}

#[test]
fn list_items_are_injected() {
    let doc = one("\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s}
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec: {containers: [{name: c}]}
");
    let (doc, notes) = inject(doc).unwrap();
    assert_eq!(
        notes,
        ["items[0].Service \"s\" (v1) has no pod template: passed through unchanged"]
    );
    let out = emit(Format::Yaml, &[doc]).unwrap();
    assert!(
        out.contains("      volumeMounts:\n      - name: podnetinfo\n"),
        "{out}"
    );

    let typed = one(
        "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata: {name: d}\n  spec: {template: {spec: {containers: [{name: c}]}}}\n",
    );
    let (typed, notes) = inject(typed).unwrap();
    assert!(notes.is_empty());
    assert!(
        emit(Format::Yaml, &[typed])
            .unwrap()
            .contains("name: podnetinfo")
    );
}

#[test]
fn non_objects_are_refused() {
    for (input, want) in [
        (
            "just a string\n",
            "it is a string, not a Kubernetes object (a mapping with apiVersion and kind)",
        ),
        (
            "- 1\n- 2\n",
            "it is a sequence, not a Kubernetes object (a mapping with apiVersion and kind)",
        ),
        (
            "kind: Pod\nspec: {}\n",
            "it has no apiVersion, so it is not a Kubernetes object",
        ),
        (
            "apiVersion: v1\nmetadata: {}\n",
            "it has no kind, so it is not a Kubernetes object",
        ),
    ] {
        assert_eq!(inject(one(input)).unwrap_err().to_string(), want);
    }
}

#[test]
fn malformed_workloads_name_the_field() {
    for (spec, want) in [
        ("{}", "Pod \"p\": spec.containers: is missing"),
        (
            "{containers: 3}",
            "Pod \"p\": spec.containers: is a number, not a list",
        ),
        (
            "{containers: [{image: x}]}",
            "Pod \"p\": spec.containers[0].name: is missing",
        ),
        (
            "{containers: [{name: c, volumeMounts: {}}]}",
            "Pod \"p\": spec.containers[0].volumeMounts: is a mapping, not a list",
        ),
        (
            "{containers: [{name: c}], volumes: [{name: podnetinfo, emptyDir: {}}]}",
            "Pod \"p\": spec.volumes[0]: volume `podnetinfo` exists but is not a downwardAPI volume; rename it or make it one",
        ),
        (
            "{containers: [{name: c, volumeMounts: [{name: info, mountPath: /etc/podnetinfo/}]}]}",
            "Pod \"p\": spec.containers[0]: container `c` already mounts volume `info` at /etc/podnetinfo; name that volume `podnetinfo` or move it",
        ),
    ] {
        let doc = one(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {spec}\n"
        ));
        assert_eq!(inject(doc).unwrap_err().to_string(), want);
    }
}

#[test]
fn names_the_api_server_refuses_are_refused() {
    for name in ["app", "a", "dpdk-app-2", "0", &"a".repeat(63)] {
        assert_eq!(check_dns1123_label(name), Ok(()), "{name}");
    }
    for name in [
        "../../etc/x",
        "App",
        "-a",
        "a-",
        "a.b",
        "a_b",
        "a/b",
        "",
        &"a".repeat(64),
        "é",
    ] {
        assert!(check_dns1123_label(name).is_err(), "{name}");
    }
    for q in [
        "2Mi", "1Gi", "1G", "512Ki", "1e3", "1E+3", "0.5Gi", ".5Gi", "1.Gi", "64",
    ] {
        assert_eq!(check_quantity(q), Ok(()), "{q}");
    }
    for q in [
        "",
        "Gi",
        "../../etc/x",
        "1..2Gi",
        "1Gi/x",
        "-1Gi",
        "1Xi",
        "1e",
        "1 Gi",
        ".",
    ] {
        assert!(check_quantity(q).is_err(), "{q}");
    }
    for p in ["labels", "a/b", "hugepages_1G_limit_app", "a..b"] {
        assert_eq!(check_item_path(p), Ok(()), "{p}");
    }
    for p in ["", "/etc/x", "../x", "..x", "a/../b", "a/..", "a\0b"] {
        assert!(check_item_path(p).is_err(), "{p}");
    }

    for (container, want) in [
        (
            "{name: ../../etc/x}",
            "Pod \"p\": spec.containers[0].name: \"../../etc/x\" is not a valid container name: only lower-case letters, digits and '-' are allowed (DNS-1123 label)",
        ),
        (
            "{name: c, resources: {limits: {hugepages-../../x: 1Gi}}}",
            "Pod \"p\": spec.containers[0].resources.limits: \"hugepages-../../x\" is not a hugepage resource name: the size must be a Kubernetes quantity such as 2Mi or 1Gi",
        ),
    ] {
        let doc = one(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{container}]}}\n"
        ));
        assert_eq!(inject(doc).unwrap_err().to_string(), want);
    }
}

#[test]
fn zero_quantities() {
    for zero in ["0", "0Gi", "0.0", "+0", " 0 "] {
        assert!(is_zero_quantity(&zero.into()), "{zero}");
    }
    assert!(is_zero_quantity(&Value::UInt(0)));
    for nonzero in ["1Gi", "0.5Gi", "512Mi", "x", ""] {
        assert!(!is_zero_quantity(&nonzero.into()), "{nonzero}");
    }
    assert!(!is_zero_quantity(&Value::UInt(2)));
}
