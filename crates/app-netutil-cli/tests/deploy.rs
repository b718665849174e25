//! Checks of `deploy/` that need no container engine: the Containerfile's
//! COPY sources exist and its stages refer to each other correctly, and the
//! example manifests are valid Kubernetes objects that fit together and are
//! already injected.

// Test helpers outside #[test] fns: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{
    all_containers, app_netutil, documents, hugepage_item, identity_items, meta_items, pod_spec,
    podnetinfo_volume, repo_root, typed_round_trip,
};
use serde_json::{Value, json};

/// One instruction of a Containerfile, continuation lines joined.
#[derive(Debug)]
struct Instruction {
    line: usize,
    keyword: String,
    args: String,
}

fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut current: Option<Instruction> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        // Comments (and parser directives) may also sit inside a continued
        // instruction; they are dropped either way.
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_none()) {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body.trim_end(), true),
            None => (trimmed, false),
        };
        match current.as_mut() {
            Some(ins) => {
                ins.args.push(' ');
                ins.args.push_str(body);
            }
            None => {
                let (keyword, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
                current = Some(Instruction {
                    line: i + 1,
                    keyword: keyword.to_ascii_uppercase(),
                    args: args.trim().to_owned(),
                });
            }
        }
        if !continues {
            out.extend(current.take());
        }
    }
    assert!(
        current.is_none(),
        "Containerfile ends inside a continued instruction"
    );
    out
}

/// Splits COPY/ADD arguments into flags and paths (shell or JSON form).
fn copy_parts(args: &str) -> (Vec<String>, Vec<String>) {
    let mut flags = Vec::new();
    let mut rest = args.trim();
    while let Some(stripped) = rest.strip_prefix("--") {
        let (flag, tail) = stripped
            .split_once(char::is_whitespace)
            .unwrap_or((stripped, ""));
        flags.push(flag.to_owned());
        rest = tail.trim_start();
    }
    let paths = if rest.starts_with('[') {
        serde_json::from_str::<Vec<String>>(rest).unwrap()
    } else {
        rest.split_whitespace().map(str::to_owned).collect()
    };
    (flags, paths)
}

/// Expands `${NAME}` / `$NAME` with the ARG defaults given before FROM.
fn expand(s: &str, args: &BTreeMap<String, String>) -> String {
    let mut out = s.to_owned();
    for (k, v) in args {
        out = out
            .replace(&format!("${{{k}}}"), v)
            .replace(&format!("${k}"), v);
    }
    out
}

#[test]
fn containerfile_copies_files_that_exist_from_stages_that_exist() {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("deploy/Containerfile")).unwrap();
    let ignore = std::fs::read_to_string(root.join(".dockerignore")).unwrap();
    let ignored: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();

    let mut global_args = BTreeMap::new();
    let mut stages: Vec<(Option<String>, String)> = Vec::new();
    let mut copies_from_context = 0;
    let mut run_in_stage: BTreeMap<usize, String> = BTreeMap::new();
    for ins in instructions(&text) {
        let at = format!("Containerfile:{}", ins.line);
        match ins.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                let (k, v) = ins.args.split_once('=').unwrap_or((&ins.args, ""));
                global_args.insert(k.to_owned(), v.to_owned());
            }
            "FROM" => {
                let words: Vec<&str> = ins
                    .args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let image = expand(words[0], &global_args);
                let name = match words.as_slice() {
                    [_, kw, name] if kw.eq_ignore_ascii_case("as") => Some((*name).to_owned()),
                    [_] => None,
                    _ => panic!("{at}: cannot read FROM {}", ins.args),
                };
                assert!(!image.contains('$'), "{at}: unexpanded variable in {image}");
                if let Some(n) = &name {
                    assert!(
                        stages.iter().all(|(other, _)| other.as_ref() != Some(n)),
                        "{at}: stage name {n} used twice"
                    );
                }
                stages.push((name, image));
            }
            "COPY" | "ADD" => {
                assert!(!stages.is_empty(), "{at}: {} before FROM", ins.keyword);
                let (flags, paths) = copy_parts(&ins.args);
                assert!(
                    paths.len() >= 2,
                    "{at}: {} needs a source and a destination",
                    ins.keyword
                );
                let from = flags.iter().find_map(|f| f.strip_prefix("from="));
                match from {
                    Some(stage) => {
                        let earlier = &stages[..stages.len() - 1];
                        let index = earlier
                            .iter()
                            .position(|(name, _)| name.as_deref() == Some(stage))
                            .unwrap_or_else(|| {
                                panic!(
                                    "{at}: --from={stage} names no earlier `FROM ... AS {stage}`"
                                )
                            });
                        // What is copied out of a stage must be made there.
                        let made = run_in_stage.get(&index).cloned().unwrap_or_default();
                        for src in &paths[..paths.len() - 1] {
                            let src = src.trim_end_matches('/');
                            assert!(
                                made.contains(src),
                                "{at}: {src} is not created by a RUN of stage {stage}"
                            );
                        }
                    }
                    None => {
                        for src in &paths[..paths.len() - 1] {
                            assert!(!src.contains(['*', '?', '$']), "{at}: pattern source {src}");
                            assert!(
                                root.join(src).exists(),
                                "{at}: COPY source {src} does not exist in the repository"
                            );
                            let first = Path::new(src).components().next().unwrap();
                            let first = first.as_os_str().to_str().unwrap();
                            assert!(
                                !ignored.contains(&src.trim_end_matches('/'))
                                    && !ignored.contains(&first),
                                "{at}: COPY source {src} is excluded by .dockerignore"
                            );
                            copies_from_context += 1;
                        }
                    }
                }
            }
            "RUN" => {
                let stage = stages
                    .len()
                    .checked_sub(1)
                    .unwrap_or_else(|| panic!("{at}: RUN before FROM"));
                let text = run_in_stage.entry(stage).or_default();
                text.push_str(&ins.args);
                text.push('\n');
            }
            _ => assert!(
                !stages.is_empty() || ins.keyword == "ARG",
                "{at}: {} before FROM",
                ins.keyword
            ),
        }
    }

    assert_eq!(stages.len(), 2, "a builder and a runtime stage: {stages:?}");
    let (builder, builder_image) = &stages[0];
    let (_, runtime_image) = &stages[1];
    assert_eq!(builder.as_deref(), Some("builder"));
    // Same Debian release in both stages, so the binary finds its glibc.
    assert!(
        builder_image.contains("rust:") && builder_image.ends_with("-bookworm"),
        "{builder_image}"
    );
    assert!(
        runtime_image.ends_with("debian:bookworm-slim"),
        "{runtime_image}"
    );
    assert!(
        copies_from_context >= 2,
        "the workspace is copied into the builder"
    );
    let build = &run_in_stage[&0];
    assert!(
        build.contains("cargo build --release --locked -p app-netutil-cli"),
        "{build}"
    );
    let runtime = &run_in_stage[&1];
    assert!(
        runtime.contains("dpdk-dev"),
        "dpdk-testpmd is in dpdk-dev on Debian 12: {runtime}"
    );
    // The C library is built, installed and copied into the runtime image.
    assert!(
        build.contains("make install PREFIX=/usr/local DESTDIR=/out"),
        "{build}"
    );
    assert!(runtime.contains("ldconfig"), "{runtime}");
    assert!(text.contains("COPY --from=builder /out/usr/local/include/ /usr/local/include/"));
    // `make install` also installs the command, its manual pages and
    // completions; the runtime image gets them.
    for installed in [
        "/out/usr/local/bin/app-netutil /usr/local/bin/app-netutil",
        "/out/usr/local/share/man/ /usr/local/share/man/",
        "/out/usr/local/share/bash-completion/ /usr/local/share/bash-completion/",
        "/out/usr/local/share/zsh/ /usr/local/share/zsh/",
        "/out/usr/local/share/fish/ /usr/local/share/fish/",
    ] {
        assert!(
            text.contains(&format!("COPY --from=builder {installed}")),
            "{installed}"
        );
    }
    for path in [
        "share/man/man1/app-netutil.1",
        "share/bash-completion/completions/app-netutil",
        "share/zsh/site-functions/_app-netutil",
        "share/fish/vendor_completions.d/app-netutil.fish",
    ] {
        assert!(build.contains(&format!("/out/usr/local/{path}")), "{path}");
    }
}

#[test]
fn containerfile_parser_reads_what_the_checks_rely_on() {
    let parsed = instructions(
        "# syntax=docker/dockerfile:1\nFROM a AS b\nRUN x \\\n  # comment\n  && y\ncopy --from=b [\"/o 1\", \"/d\"]\n",
    );
    let keywords: Vec<&str> = parsed.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(keywords, ["FROM", "RUN", "COPY"]);
    assert_eq!(parsed[1].args, "x && y");
    assert_eq!(
        copy_parts(&parsed[2].args),
        (
            vec!["from=b".to_owned()],
            vec!["/o 1".to_owned(), "/d".to_owned()]
        )
    );
    let args = BTreeMap::from([("IMG".to_owned(), "debian:bookworm".to_owned())]);
    assert_eq!(expand("${IMG}-slim", &args), "debian:bookworm-slim");
}

/// Examples whose application container starts through `app-netutil exec`.
const EXAMPLES: &[&str] = &["sriov-dpdk.yaml", "vhostuser-ovs-dpdk.yaml", "vdpa.yaml"];
/// Examples where an init container hands the report to the application.
const INIT_EXAMPLES: &[&str] = &["init-container-env.yaml"];
/// Examples whose devices come from Dynamic Resource Allocation claims.
const DRA_EXAMPLES: &[&str] = &[
    "dra-sriov-standalone.yaml",
    "dra-sriov-multus.yaml",
    "dra-ovsdpdk.yaml",
];

fn all_examples() -> impl Iterator<Item = &'static str> {
    EXAMPLES
        .iter()
        .chain(INIT_EXAMPLES)
        .chain(DRA_EXAMPLES)
        .copied()
}

/// Every DRA pod: its claims are defined in the same file (a template of
/// resource.k8s.io/v1 whose requests name a DeviceClass of the file), the
/// container uses every claim, requests no device-plugin resource, and
/// starts through `app-netutil exec --wait`; Multus networks are named only
/// where the file defines them.
#[test]
fn dra_example_pods_fit_their_claims() {
    for name in DRA_EXAMPLES {
        let docs = example_docs(name);
        let of_kind = |kind: &str| -> BTreeMap<&str, &Value> {
            docs.iter()
                .filter(|d| d["kind"] == kind)
                .map(|d| (d["metadata"]["name"].as_str().unwrap(), d))
                .collect()
        };
        let classes = of_kind("DeviceClass");
        let templates = of_kind("ResourceClaimTemplate");
        let nads = of_kind("NetworkAttachmentDefinition");
        let pods: Vec<&Value> = docs.iter().filter(|d| d["kind"] == "Pod").collect();
        assert_eq!(pods.len(), 1, "{name}");
        let spec = pod_spec(pods[0]);
        let claims = spec["resourceClaims"].as_array().unwrap();
        assert!(!claims.is_empty(), "{name}");
        for claim in claims {
            let template = templates
                .get(claim["resourceClaimTemplateName"].as_str().unwrap())
                .unwrap_or_else(|| panic!("{name}: template not defined"));
            assert_eq!(template["apiVersion"], "resource.k8s.io/v1", "{name}");
            for request in template["spec"]["spec"]["devices"]["requests"]
                .as_array()
                .unwrap()
            {
                let class = request["exactly"]["deviceClassName"].as_str().unwrap();
                assert!(classes.contains_key(class), "{name}: class {class}");
            }
        }
        let container = &spec["containers"][0];
        let used: BTreeSet<&str> = container["resources"]["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        let declared: BTreeSet<&str> = claims.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(used, declared, "{name}");
        let limits = container["resources"]["limits"].as_object().unwrap();
        assert!(
            limits.keys().all(|k| !k.contains('/')),
            "{name}: no device-plugin resource"
        );
        assert_eq!(
            container["command"].as_array().unwrap()[..5],
            [
                json!("app-netutil"),
                json!("exec"),
                json!("--wait"),
                json!("--"),
                json!("dpdk-testpmd")
            ],
            "{name}"
        );
        if let Some(networks) =
            pods[0]["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"].as_str()
        {
            for net in networks.split(',').map(str::trim) {
                assert!(nads.contains_key(net), "{name}: network {net}");
            }
        }
    }
}

fn example_docs(name: &str) -> Vec<Value> {
    documents(&std::fs::read_to_string(repo_root().join("deploy/examples").join(name)).unwrap())
}

#[test]
fn every_example_is_listed() {
    let found: BTreeSet<String> = std::fs::read_dir(repo_root().join("deploy/examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let listed: BTreeSet<String> = all_examples().map(str::to_owned).collect();
    assert_eq!(found, listed);
}

#[test]
fn examples_are_valid_kubernetes_objects() {
    for name in all_examples() {
        for (i, doc) in example_docs(name).iter().enumerate() {
            let diffs = typed_round_trip(doc).unwrap_or_else(|e| panic!("{name} #{i}: {e}"));
            assert!(
                diffs.is_empty(),
                "{name} #{i}: fields the API does not know: {diffs:?}"
            );
        }
    }
}

#[test]
fn examples_are_already_injected() {
    for name in all_examples() {
        let path = repo_root().join("deploy/examples").join(name);
        let out = app_netutil(
            &["inject", "--check", "--quiet", path.to_str().unwrap()],
            None,
        );
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // And the injected form is a valid object too.
        let out = app_netutil(&["inject", "--quiet", path.to_str().unwrap()], None);
        assert!(out.status.success());
        for doc in documents(&String::from_utf8(out.stdout).unwrap()) {
            assert_eq!(
                typed_round_trip(&doc).unwrap(),
                Vec::<String>::new(),
                "{name}"
            );
        }
    }
}

/// Every pod: networks defined in the same file, device-plugin resources
/// requested, Guaranteed QoS, hugepages mounted, the podnetinfo volume as
/// `inject` writes it, and the app started through `app-netutil exec`.
#[test]
fn example_pods_fit_their_networks() {
    for name in EXAMPLES {
        let docs = example_docs(name);
        let nads: BTreeMap<&str, &Value> = docs
            .iter()
            .filter(|d| d["kind"] == "NetworkAttachmentDefinition")
            .map(|d| (d["metadata"]["name"].as_str().unwrap(), d))
            .collect();
        let pods: Vec<&Value> = docs.iter().filter(|d| d["kind"] == "Pod").collect();
        assert_eq!(pods.len(), 1, "{name}");
        let pod = pods[0];
        let networks = pod["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"]
            .as_str()
            .unwrap();
        let spec = pod_spec(pod);
        let container = &spec["containers"][0];
        let limits = &container["resources"]["limits"];
        let mut wanted_devices: BTreeMap<String, u64> = BTreeMap::new();
        for net in networks.split(',').map(str::trim) {
            let nad = nads
                .get(net)
                .unwrap_or_else(|| panic!("{name}: network {net} is not defined"));
            if let Some(resource) =
                nad["metadata"]["annotations"]["k8s.v1.cni.cncf.io/resourceName"].as_str()
            {
                *wanted_devices.entry(resource.to_owned()).or_default() += 1;
            }
        }
        for (resource, count) in &wanted_devices {
            assert_eq!(
                limits[resource],
                json!(count.to_string()),
                "{name}: {resource}"
            );
        }

        for c in all_containers(spec) {
            let r = &c["resources"];
            assert_eq!(
                r["requests"], r["limits"],
                "{name}: Guaranteed QoS needs requests == limits"
            );
            let cpu = r["limits"]["cpu"].as_str().unwrap();
            assert!(
                cpu.parse::<u32>().is_ok(),
                "{name}: whole CPUs for the static CPU manager"
            );
            assert!(
                r["limits"]["hugepages-1Gi"].is_string(),
                "{name}: 1Gi hugepages"
            );
            let command = c["command"].as_array().unwrap();
            assert_eq!(
                command[..4],
                [
                    json!("app-netutil"),
                    json!("exec"),
                    json!("--"),
                    json!("dpdk-testpmd")
                ],
                "{name}"
            );
            let mounts = c["volumeMounts"].as_array().unwrap();
            assert!(
                mounts.contains(
                    &json!({"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true})
                ),
                "{name}"
            );
            let hugepages_volume = mounts
                .iter()
                .find(|m| m["mountPath"] == "/dev/hugepages")
                .unwrap_or_else(|| panic!("{name}: hugepages mounted"));
            let volume = spec["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["name"] == hugepages_volume["name"])
                .unwrap();
            assert_eq!(volume["emptyDir"]["medium"], "HugePages-1Gi", "{name}");
        }
        let [labels, annotations] = meta_items();
        let [name, namespace, uid] = identity_items();
        assert_eq!(
            podnetinfo_volume(spec),
            &json!({"name": "podnetinfo", "downwardAPI": {"items": [
                labels,
                annotations,
                hugepage_item("testpmd", "1Gi", "requests"),
                hugepage_item("testpmd", "1Gi", "limits"),
                name,
                namespace,
                uid,
            ]}}),
            "{name}"
        );
    }
}

#[test]
fn vhostuser_example_shares_the_socket_directory() {
    let docs = example_docs("vhostuser-ovs-dpdk.yaml");
    let nad = &docs[0];
    let config: Value = serde_json::from_str(nad["spec"]["config"].as_str().unwrap()).unwrap();
    assert_eq!(config["type"], "userspace");
    assert_eq!(config["host"]["iftype"], "vhostuser");
    // Host and container sides are opposite vhost-user roles.
    assert_ne!(
        config["host"]["vhost"]["mode"],
        config["container"]["vhost"]["mode"]
    );
    assert!(
        config["kubeconfig"].is_string(),
        "annotations are only written with a kubeconfig"
    );
    let spec = pod_spec(&docs[1]);
    let mount = spec["containers"][0]["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "shared-dir")
        .expect("the userspace CNI looks for a mount named shared-dir");
    assert!(mount["mountPath"].is_string());
    let volume = spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "shared-dir")
        .unwrap();
    assert!(
        volume["hostPath"]["path"]
            .as_str()
            .unwrap()
            .starts_with("/var/run/openvswitch/"),
        "OVS must reach the socket"
    );
}

/// The init-container example: the init container waits and writes the
/// report into a volume the application container reads; it asks for the
/// same devices and names the application container for the hugepage
/// grant.
#[test]
fn init_container_example_hands_the_report_over() {
    let docs = example_docs("init-container-env.yaml");
    let pod = docs.iter().find(|d| d["kind"] == "Pod").unwrap();
    let spec = pod_spec(pod);
    let init = &spec["initContainers"].as_array().unwrap()[0];
    let apps = spec["containers"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    let app = &apps[0];
    let app_name = app["name"].as_str().unwrap();

    let script = init["command"].as_array().unwrap().last().unwrap();
    let script = script.as_str().unwrap();
    assert!(script.contains("app-netutil env --wait"), "{script}");
    let env_file = "/shared/netutil.env";
    assert!(script.contains(&format!("--output {env_file}")), "{script}");
    assert!(script.contains("--format json --output /shared/netutil.json"));
    let app_script = app["command"].as_array().unwrap().last().unwrap();
    let app_script = app_script.as_str().unwrap();
    assert!(
        app_script.contains(&format!(". {env_file}")),
        "{app_script}"
    );
    assert!(app_script.contains(r#"eval "set -- $NETUTIL_EAL_ARGS""#));
    assert!(app_script.contains(r#"exec dpdk-testpmd "$@" --"#));

    // The same shared volume, written by the init container.
    let mount = |c: &Value, name: &str| {
        c["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .cloned()
    };
    assert_eq!(mount(init, "shared").unwrap()["mountPath"], "/shared");
    assert_eq!(mount(app, "shared").unwrap()["mountPath"], "/shared");
    let shared = spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "shared")
        .unwrap();
    assert!(shared["emptyDir"].is_object());
    for c in [init, app] {
        assert_eq!(
            mount(c, "podnetinfo").unwrap(),
            json!({"name": "podnetinfo", "mountPath": "/etc/podnetinfo", "readOnly": true})
        );
    }

    // The same device-plugin resources; Guaranteed QoS for both.
    let device = "intel.com/intel_sriov_dpdk";
    for c in [init, app] {
        let r = &c["resources"];
        assert_eq!(r["requests"], r["limits"]);
        assert_eq!(r["limits"][device], app["resources"]["limits"][device]);
        assert_eq!(r["limits"]["cpu"], app["resources"]["limits"]["cpu"]);
    }
    // CONTAINER_NAME names the application container in both.
    for c in [init, app] {
        assert!(
            c["env"]
                .as_array()
                .unwrap()
                .contains(&json!({"name": "CONTAINER_NAME", "value": app_name})),
            "{c}"
        );
    }
    let [labels, annotations] = meta_items();
    let [name, namespace, uid] = identity_items();
    assert_eq!(
        podnetinfo_volume(spec)["downwardAPI"]["items"],
        json!([
            labels,
            annotations,
            hugepage_item(app_name, "1Gi", "requests"),
            hugepage_item(app_name, "1Gi", "limits"),
            name,
            namespace,
            uid,
        ])
    );
}
