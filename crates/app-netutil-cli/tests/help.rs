//! Every `--help` text says what the command does (issue 16, item 4):
//! each exit status and each default that a help text states is found in
//! the help of every subcommand and checked against the behaviour by an
//! entry of [`table`]. A claim without an entry fails (a new or reworded
//! help text needs its check), and so does an entry that matches no claim
//! (a check of something the help no longer says).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SUBCOMMANDS: [&str; 9] = [
    "show",
    "dpdk-args",
    "exec",
    "inject",
    "wait",
    "doctor",
    "env",
    "schema",
    "completions",
];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pod(name: &str) -> PathBuf {
    repo().join("fixtures/pods").join(name)
}

// ---- the claims of the help texts -------------------------------------------

/// A statement of a help text: the subcommand, the option it is about
/// (`--strict`; `about` for the command's description, `after` for the
/// text after the options), and the claim (`status 3`, `[default: /]`, a
/// sentence with "default").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Claim {
    sub: String,
    item: String,
    text: String,
}

fn help_of(args: &[&str]) -> String {
    let out = bin().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?} --help");
    String::from_utf8(out.stdout).unwrap()
}

/// The help split into items: (`about`|`after`|`--option`|`<ARG>`, text).
fn items(help: &str) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = vec![("about".to_owned(), String::new())];
    let mut in_options = false;
    let mut after_blank = false;
    for line in help.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank_before = std::mem::replace(&mut after_blank, trimmed.is_empty());
        if line.starts_with("Usage:") {
            items.push(("usage".to_owned(), String::new()));
            continue;
        }
        if indent == 0 && trimmed.ends_with(':') && !trimmed.contains(' ')
            || trimmed == "DPDK options:"
        {
            // A heading: Options:, Arguments:, Waiting:, DPDK options:.
            in_options = true;
            continue;
        }
        if in_options
            && (2..=6).contains(&indent)
            && (trimmed.starts_with('-') || trimmed.starts_with('<') || trimmed.starts_with('['))
        {
            let name = trimmed
                .split([' ', ','])
                .find(|w| w.starts_with("--"))
                .or_else(|| trimmed.split_whitespace().next())
                .unwrap()
                .to_owned();
            items.push((name, String::new()));
            // A short help on the same line.
            if let Some((_, rest)) = trimmed.split_once("  ") {
                items.last_mut().unwrap().1.push_str(rest.trim());
            }
            continue;
        }
        // A paragraph after the options (clap may wrap it: its lines
        // are one item until a blank line).
        if in_options && indent == 0 && !trimmed.is_empty() && blank_before {
            items.push(("after".to_owned(), String::new()));
        }
        let text = &mut items.last_mut().unwrap().1;
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(trimmed);
    }
    items
}

/// The exit statuses and defaults an item's text states.
fn claims_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    // "status 3", "status 1"; "Exit status: 0 done ..., 1 ..., 2 ...".
    for (i, _) in text.match_indices("status ") {
        let n: String = text[i + 7..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !n.is_empty() {
            found.push(format!("status {n}"));
        }
    }
    if let Some((_, list)) = text.split_once("Exit status: ") {
        for part in list.split(", ") {
            let n: String = part.chars().take_while(char::is_ascii_digit).collect();
            if !n.is_empty() {
                found.push(format!("status {n}"));
            }
        }
    }
    // "[default: 60]".
    for (i, _) in text.match_indices("[default: ") {
        let end = text[i..].find(']').unwrap();
        found.push(text[i..=i + end].to_owned());
    }
    // "Default: ...", "default: ..." up to the end of the sentence or
    // parenthesis.
    for (i, pattern) in text
        .match_indices("Default: ")
        .chain(text.match_indices("(default: "))
        .chain(text.match_indices("; default: "))
    {
        let rest = &text[i + pattern.len()..];
        let end = rest
            .find([')', ';'])
            .or_else(|| rest.find(". "))
            .unwrap_or(rest.len());
        found.push(rest[..end].trim().trim_end_matches('.').to_owned());
    }
    // A sentence that says what happens "by default".
    for sentence in text.split(". ").flat_map(|s| s.split("; ")) {
        if sentence.to_ascii_lowercase().contains("by default") {
            found.push(sentence.trim().to_owned());
        }
    }
    found.sort();
    found.dedup();
    found
}

fn all_claims() -> BTreeSet<Claim> {
    let mut claims = BTreeSet::new();
    for sub in SUBCOMMANDS {
        for (item, text) in items(&help_of(&[sub])) {
            for text in claims_in(&text) {
                claims.insert(Claim {
                    sub: sub.to_owned(),
                    item: item.clone(),
                    text,
                });
            }
        }
    }
    // The command list of `app-netutil --help` repeats each description.
    let top = help_of(&[]);
    for line in top.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(sub) = words.first().filter(|w| SUBCOMMANDS.contains(w)) {
            let (_, about) = line.trim_start().split_once(' ').unwrap();
            for text in claims_in(about.trim()) {
                claims.insert(Claim {
                    sub: (*sub).to_owned(),
                    item: "about".to_owned(),
                    text,
                });
            }
        }
    }
    claims
}

// ---- running the command ------------------------------------------------------

fn run(sub: &str, args: &[&str]) -> Output {
    let mut c = bin();
    c.arg(sub).args(args);
    if sub == "exec" {
        // exec shows its EAL arguments through a program that prints them.
        c.args(["--", "echo"]);
    }
    c.stdin(Stdio::null()).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn root_args(root: &Path) -> Vec<String> {
    vec!["--root".to_owned(), root.display().to_string()]
}

/// `sub`'s output for `args`: for exec the program's; for env, its export
/// lines; JSON without the host's hugepage pools (their free counts
/// change with other processes).
fn output_of(sub: &str, args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(sub, &args);
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "{sub} {args:?}: {:?} {}",
        out.status,
        stderr(&out)
    );
    let text = stdout(&out);
    match serde_json::from_str::<Value>(&text) {
        Ok(mut v) => {
            if let Some(h) = v.get_mut("hugepages") {
                h["host-pools"] = Value::Null;
            }
            v.to_string()
        }
        Err(_) => text,
    }
}

/// What the pod's EAL arguments are for `sub` (dpdk-args, exec, env).
fn eal(sub: &str, root: &Path, extra: &[&str]) -> String {
    let mut args = root_args(root);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.push("-q".to_owned());
    let text = output_of(sub, &args);
    if sub == "env" {
        text.lines()
            .find_map(|l| l.strip_prefix("export NETUTIL_EAL_ARGS="))
            .unwrap_or_else(|| panic!("no NETUTIL_EAL_ARGS in {text}"))
            .to_owned()
    } else {
        text.trim_end().to_owned()
    }
}

fn write(path: &Path, data: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

fn network_status(entries: &[(&str, &str, &str)]) -> String {
    // (interface, network, memif socket path or "" for none)
    let list: Vec<String> = entries
        .iter()
        .map(|(iface, net, sock)| {
            let info = if sock.is_empty() {
                String::new()
            } else {
                format!(
                    r#","device-info":{{"type":"memif","version":"1.0.0","memif":{{"role":"slave","mode":"ethernet","path":"{sock}"}}}}"#
                )
            };
            format!(r#"{{"name":"{net}","interface":"{iface}"{info}}}"#)
        })
        .collect();
    let json = format!("[{}]", list.join(","));
    format!(
        "k8s.v1.cni.cncf.io/network-status=\"{}\"\n",
        json.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// A pod on `cpus` with hugepage grants `(size file tag, MiB)` for
/// container app and one memif interface whose socket is `sock`, its
/// downward-API files in `podinfo` (a path below the root).
fn make_pod(
    dir: &Path,
    name: &str,
    cpus: &str,
    grants: &[(&str, u64)],
    podinfo: &str,
    sock: &str,
) -> PathBuf {
    let root = dir.join(name);
    write(
        &root.join("proc/self/status"),
        &format!("Name:\tapp\nCpus_allowed_list:\t{cpus}\n"),
    );
    write(
        &root.join("proc/self/environ"),
        "HOSTNAME=help-pod\0CONTAINER_NAME=app\0",
    );
    write(
        &root.join(podinfo).join("annotations"),
        &network_status(&[
            ("eth0", "ovn-kubernetes", ""),
            ("net1", "default/memif-a", sock),
        ]),
    );
    for (size, mib) in grants {
        for kind in ["request", "limit"] {
            write(
                &root
                    .join(podinfo)
                    .join(format!("hugepages_{size}_{kind}_app")),
                &format!("{mib}\n"),
            );
        }
    }
    root
}

/// Starts `sub` with `args` and returns its first line on standard error
/// (the progress line when waiting starts), killing it then.
fn first_stderr_line(sub: &str, args: &[String]) -> String {
    let mut c = bin();
    c.arg(sub).args(args);
    if sub == "exec" {
        c.args(["--", "true"]);
    }
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    line
}

/// A program for exec that creates `marker` whatever its arguments.
fn toucher(dir: &Path, marker: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let name = marker.file_name().unwrap().to_string_lossy().into_owned();
    let script = dir.join(format!("touch-{name}.sh"));
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The first fixture pod whose doctor finds a warning and no failure.
fn doctor_warn_only() -> PathBuf {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures/pods"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").is_file())
        .collect();
    cases.sort();
    cases
        .into_iter()
        .find(|p| {
            let out = bin()
                .args(["doctor", "--json", "--root"])
                .arg(p)
                .output()
                .unwrap();
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            v["summary"]["fail"] == 0 && v["summary"]["warn"].as_u64() > Some(0)
        })
        .expect("a fixture whose doctor only warns")
}

// ---- the checks --------------------------------------------------------------

/// Temporary pods shared by the checks.
struct Ctx {
    dir: tempfile::TempDir,
}

impl Ctx {
    fn dir(&self) -> &Path {
        self.dir.path()
    }
}

type Check = fn(&Ctx, &str);

/// (subcommands, item, a part of the claim's text, the check).
fn table() -> Vec<(&'static [&'static str], &'static str, &'static str, Check)> {
    const POD: &[&str] = &["show", "dpdk-args", "exec", "env", "wait", "doctor"];
    const REPORT: &[&str] = &["show", "dpdk-args", "exec", "env", "wait"];
    const DPDK: &[&str] = &["dpdk-args", "exec", "env"];
    const WAITS: &[&str] = &["dpdk-args", "exec", "env", "wait"];
    vec![
        (POD, "--root", "[default: /]", root_default),
        (
            POD,
            "--podinfo-dir",
            "<root>/etc/podnetinfo, or <root>/etc/podinfo when only that exists",
            podinfo_default,
        ),
        (
            POD,
            "--dra-dir",
            "<root>/var/run/kubernetes.io/dra-device-attributes",
            dra_default,
        ),
        (REPORT, "--strict", "status 3", strict_is_3),
        (&["doctor"], "--strict", "status 1", doctor_strict_is_1),
        (&["doctor"], "about", "status 1", doctor_fail_is_1),
        (&["wait"], "about", "status 4", wait_timeout_is_4),
        (&["wait"], "--timeout", "status 4", wait_timeout_is_4),
        (&["wait"], "--timeout", "[default: 60]", timeout_default_60),
        (DPDK, "--wait", "status 4", wait_first_timeout_is_4),
        (DPDK, "--wait-timeout", "[default: 60]", timeout_default_60),
        (WAITS, "--settle", "[default: 1]", settle_default_1),
        (
            WAITS,
            "--poll-interval",
            "[default: 250ms]",
            poll_default_250ms,
        ),
        (
            &["dpdk-args"],
            "--format",
            "[default: shell]",
            format_default_shell,
        ),
        (&["env"], "--format", "[default: env]", format_default_env),
        (
            DPDK,
            "--dpdk-version",
            "every release from 21.11 on accepts",
            version_default,
        ),
        (
            DPDK,
            "--network",
            "every interface with a device",
            network_default,
        ),
        (
            DPDK,
            "--lcore-count",
            "one per CPU of the pod",
            lcore_count_default,
        ),
        (DPDK, "--max-lcore", "[default: 128]", max_lcore_default),
        (DPDK, "--main-cpu", "the pod's lowest CPU", main_cpu_default),
        (
            DPDK,
            "--page-size",
            "the largest size granted",
            page_size_default,
        ),
        (
            DPDK,
            "--file-prefix",
            "derived from the host name and container name",
            file_prefix_default,
        ),
        (&["show"], "about", "a table by default", show_table_default),
        (
            &["show"],
            "--wide",
            "By default, on a terminal, tables are fitted",
            show_fitted_default,
        ),
        (&["inject"], "--check", "status 1", inject_check_is_1),
        (&["inject"], "after", "status 0", inject_done_is_0),
        (&["inject"], "after", "status 1", inject_check_is_1),
        (&["inject"], "after", "status 2", inject_unusable_is_2),
    ]
}

fn root_default(_: &Ctx, sub: &str) {
    let (mut plain, mut slash) = (vec!["-q".to_owned()], root_args(Path::new("/")));
    slash.push("-q".to_owned());
    match sub {
        "show" | "doctor" => {
            plain.push("--json".into());
            slash.push("--json".into());
        }
        "wait" => {
            for a in [&mut plain, &mut slash] {
                a.extend(["--json", "--without-network-status", "--settle", "0"].map(String::from));
            }
        }
        _ => {}
    }
    assert_eq!(output_of(sub, &plain), output_of(sub, &slash), "{sub}");
}

fn podinfo_default(ctx: &Ctx, sub: &str) {
    let only_podinfo = make_pod(
        ctx.dir(),
        &format!("pi-{sub}"),
        "4-5",
        &[],
        "etc/podinfo",
        "/run/only-podinfo.sock",
    );
    let both = make_pod(
        ctx.dir(),
        &format!("both-{sub}"),
        "4-5",
        &[],
        "etc/podinfo",
        "/run/old.sock",
    );
    let _ = make_pod(
        ctx.dir(),
        &format!("both-{sub}"),
        "4-5",
        &[],
        "etc/podnetinfo",
        "/run/new.sock",
    );
    let mut extra: Vec<String> = vec!["-q".into()];
    if sub == "wait" {
        extra.extend(["--json", "--settle", "0"].map(String::from));
    }
    if sub == "show" {
        extra.push("--json".into());
    }
    let with = |root: &Path| {
        let mut a = root_args(root);
        a.extend(extra.iter().cloned());
        output_of(sub, &a)
    };
    assert!(
        with(&only_podinfo).contains("/run/only-podinfo.sock"),
        "{sub}"
    );
    let out = with(&both);
    assert!(
        out.contains("/run/new.sock") && !out.contains("/run/old.sock"),
        "{sub}: {out}"
    );
}

/// The DRA metadata directory is `<root>/var/run/...` unless `--dra-dir`
/// names another: a vhost-user port from a metadata file there shows.
fn dra_default(ctx: &Ctx, sub: &str) {
    let root = make_pod(
        ctx.dir(),
        &format!("dra-{sub}"),
        "4-5",
        &[],
        "etc/podnetinfo",
        "/run/memif.sock",
    );
    let metadata = r#"{"kind":"DeviceMetadata","apiVersion":"metadata.resource.k8s.io/v1alpha1","metadata":{"generation":1},"requests":[{"name":"p","devices":[{"driver":"ovsdpdk.k8snetworkplumbingwg.io","pool":"n","name":"br0","attributes":{"vhost-user-path":{"string":"/run/dra-default.sock"}}}]}]}"#;
    write(
        &root.join("var/run/kubernetes.io/dra-device-attributes/resourceclaims/c/p/ovsdpdk.k8snetworkplumbingwg.io-metadata.json"),
        metadata,
    );
    let empty = ctx.dir().join(format!("dra-empty-{sub}"));
    std::fs::create_dir_all(&empty).unwrap();
    let mut extra: Vec<String> = vec!["-q".into()];
    if sub == "wait" {
        extra.extend(["--json", "--settle", "0"].map(String::from));
    }
    if sub == "show" {
        extra.push("--json".into());
    }
    let with = |more: &[String]| {
        let mut a = root_args(&root);
        a.extend(extra.iter().cloned());
        a.extend(more.iter().cloned());
        output_of(sub, &a)
    };
    let default = with(&[]);
    assert!(
        default.contains("/run/dra-default.sock"),
        "{sub}: {default}"
    );
    let other = with(&["--dra-dir".into(), empty.display().to_string()]);
    assert!(!other.contains("/run/dra-default.sock"), "{sub}: {other}");
}

fn strict_is_3(ctx: &Ctx, sub: &str) {
    // One warning: a value kubelet would have quoted.
    let root = pod("annotation_value_unquoted");
    let mut args = root_args(&root);
    args.push("-q".into());
    if sub == "wait" {
        args.extend(["--without-network-status", "--settle", "0"].map(String::from));
    }
    let marker = ctx.dir().join(format!("started-{sub}"));
    let code = |strict: bool| {
        let mut c = bin();
        c.arg(sub).args(&args);
        if strict {
            c.arg("--strict");
        }
        if sub == "exec" {
            c.arg("--").arg(toucher(ctx.dir(), &marker));
        }
        c.stdin(Stdio::null()).output().unwrap().status.code()
    };
    assert_eq!(code(false), Some(0), "{sub}");
    if sub == "exec" {
        assert!(marker.exists());
        std::fs::remove_file(&marker).unwrap();
    }
    assert_eq!(code(true), Some(3), "{sub} --strict");
    assert!(!marker.exists(), "exec --strict started the program");
}

fn doctor_strict_is_1(_: &Ctx, _: &str) {
    let root = doctor_warn_only();
    let code = |strict: &[&str]| {
        bin()
            .args(["doctor", "--root"])
            .arg(&root)
            .args(strict)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--strict"]), Some(1));
}

fn doctor_fail_is_1(_: &Ctx, _: &str) {
    let code = |name: &str| {
        bin()
            .args(["doctor", "--root"])
            .arg(pod(name))
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code("doctor_network_status_late"), Some(1));
    assert_eq!(code("doctor_all_pass"), Some(0));
}

fn wait_timeout_is_4(_: &Ctx, _: &str) {
    let out = bin()
        .args(["wait", "--timeout", "0.4", "--settle", "0.1", "--root"])
        .arg(pod("doctor_network_status_late"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("wait: timed out after"),
        "{}",
        stderr(&out)
    );
}

fn wait_first_timeout_is_4(ctx: &Ctx, sub: &str) {
    let marker = ctx.dir().join(format!("waited-{sub}"));
    let mut c = bin();
    c.args([
        sub,
        "--wait",
        "--wait-timeout",
        "0.4",
        "--settle",
        "0.1",
        "--root",
    ])
    .arg(pod("doctor_network_status_late"));
    match sub {
        "exec" => {
            c.arg("--").arg(toucher(ctx.dir(), &marker));
        }
        "env" => {
            c.arg("-o").arg(&marker);
        }
        _ => {}
    }
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{sub}: {}", stderr(&out));
    // Nothing else was done.
    assert!(out.stdout.is_empty(), "{sub}: {}", stdout(&out));
    assert!(!marker.exists(), "{sub} did more than wait");
}

fn timeout_default_60(_: &Ctx, sub: &str) {
    let mut args = root_args(&pod("doctor_network_status_late"));
    if sub != "wait" {
        args.push("--wait".into());
    }
    let line = first_stderr_line(sub, &args);
    assert!(
        line.starts_with("app-netutil: wait: waiting for the pod's network data (timeout 60 s): "),
        "{sub}: {line}"
    );
    // The line names the timeout the wait uses.
    args.push(
        if sub == "wait" {
            "--timeout"
        } else {
            "--wait-timeout"
        }
        .into(),
    );
    args.push("7".into());
    assert!(
        first_stderr_line(sub, &args).contains("(timeout 7 s)"),
        "{sub}"
    );
}

/// `sub` waiting for a pod whose data is ready, with `extra`; the exit
/// status must be 0. Returns how long it took and its standard error.
fn wait_ready(sub: &str, extra: &[&str]) -> (Duration, String) {
    let mut c = bin();
    c.arg(sub)
        .args(root_args(&pod("clean_full_pod")))
        .args(extra);
    if sub != "wait" {
        c.arg("--wait");
    }
    if sub == "exec" {
        c.args(["--", "true"]);
    }
    let started = Instant::now();
    let out = c.stdin(Stdio::null()).output().unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{sub}: {}", stderr(&out));
    (took, stderr(&out))
}

fn settle_default_1(_: &Ctx, sub: &str) {
    let (took, err) = wait_ready(sub, &[]);
    assert!(
        took >= Duration::from_secs(1),
        "{sub}: ready after {took:?}"
    );
    assert!(err.contains("must stay unchanged for 1 s"), "{sub}: {err}");
    let (short, _) = wait_ready(sub, &["--settle", "0.1"]);
    assert!(
        short < took,
        "{sub}: {short:?} with --settle 0.1, {took:?} without"
    );
}

/// The reads of a polling wait, from its -v line "ready after ... (N reads, poll)".
fn reads(err: &str) -> u64 {
    let line = err
        .lines()
        .find(|l| l.contains("wait: ready after"))
        .unwrap_or_else(|| panic!("no ready line in {err}"));
    let (_, after) = line.split_once(" (").unwrap();
    after.split_whitespace().next().unwrap().parse().unwrap()
}

fn poll_default_250ms(_: &Ctx, sub: &str) {
    // One second of settling read every 250 ms: 5 reads (at 0, 0.25,
    // 0.5, 0.75 and 1 s; fewer on a loaded machine, never more), and more
    // with a shorter interval.
    let (_, err) = wait_ready(sub, &["-v", "--poll"]);
    let n = reads(&err);
    assert!((2..=5).contains(&n), "{sub}: {n} reads:\n{err}");
    let (_, err) = wait_ready(sub, &["-v", "--poll", "--poll-interval", "50ms"]);
    assert!(reads(&err) > n, "{sub}: {err}");
}

fn format_default_shell(_: &Ctx, sub: &str) {
    let root = pod("clean_full_pod");
    assert_eq!(
        eal(sub, &root, &[]),
        eal(sub, &root, &["--format", "shell"])
    );
    assert_ne!(eal(sub, &root, &[]), eal(sub, &root, &["--format", "json"]));
}

fn format_default_env(_: &Ctx, sub: &str) {
    let mut plain = root_args(&pod("clean_full_pod"));
    plain.push("-q".into());
    let mut env = plain.clone();
    env.extend(["--format", "env"].map(String::from));
    let mut json = plain.clone();
    json.extend(["--format", "json"].map(String::from));
    let default = output_of(sub, &plain);
    assert!(
        default.starts_with("# Written by app-netutil env"),
        "{default}"
    );
    assert_eq!(default, output_of(sub, &env));
    assert_ne!(default, output_of(sub, &json));
}

fn version_default(_: &Ctx, sub: &str) {
    let root = pod("clean_full_pod");
    let default = eal(sub, &root, &[]);
    assert_eq!(
        default,
        eal(sub, &root, &["--dpdk-version", "21.11"]),
        "{sub}"
    );
    // 20.08 spells options differently: the default is not for it.
    assert_ne!(
        default,
        eal(sub, &root, &["--dpdk-version", "20.08"]),
        "{sub}"
    );
}

fn network_default(_: &Ctx, sub: &str) {
    let root = pod("devinfo_vhostuser_server_memif_slave");
    let out = bin()
        .args(["show", "--json", "-q", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut named = Vec::new();
    for iface in report["interfaces"].as_array().unwrap() {
        if iface["device-type"] != "host" {
            named.push("--network".to_owned());
            named.push(iface["network"].as_str().unwrap().to_owned());
        }
    }
    assert!(named.len() >= 4, "{named:?}");
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    let default = eal(sub, &root, &[]);
    assert_eq!(default, eal(sub, &root, &named), "{sub}");
    assert_ne!(default, eal(sub, &root, &named[..2]), "{sub}");
}

fn lcore_count_default(_: &Ctx, sub: &str) {
    // CPUs 4-7: four lcores.
    let root = pod("clean_full_pod");
    let default = eal(sub, &root, &[]);
    assert_eq!(default, eal(sub, &root, &["--lcore-count", "4"]), "{sub}");
    assert_ne!(default, eal(sub, &root, &["--lcore-count", "2"]), "{sub}");
}

fn max_lcore_default(ctx: &Ctx, sub: &str) {
    let root = make_pod(
        ctx.dir(),
        &format!("high-{sub}"),
        "130-131",
        &[],
        "etc/podnetinfo",
        "/run/m.sock",
    );
    let default = eal(sub, &root, &[]);
    assert!(default.contains("--lcores="), "{sub}: {default}");
    assert_eq!(default, eal(sub, &root, &["--max-lcore", "128"]), "{sub}");
    assert_ne!(default, eal(sub, &root, &["--max-lcore", "256"]), "{sub}");
}

fn main_cpu_default(_: &Ctx, sub: &str) {
    let root = pod("clean_full_pod");
    let default = eal(sub, &root, &[]);
    assert_eq!(default, eal(sub, &root, &["--main-cpu", "4"]), "{sub}");
    assert_ne!(default, eal(sub, &root, &["--main-cpu", "5"]), "{sub}");
}

fn page_size_default(ctx: &Ctx, sub: &str) {
    let root = make_pod(
        ctx.dir(),
        &format!("sizes-{sub}"),
        "4-5",
        &[("2M", 512), ("1G", 2048)],
        "etc/podnetinfo",
        "/run/m.sock",
    );
    let default = eal(sub, &root, &[]);
    assert!(default.contains("-m 2048"), "{sub}: {default}");
    assert_eq!(default, eal(sub, &root, &["--page-size", "1Gi"]), "{sub}");
    assert_ne!(default, eal(sub, &root, &["--page-size", "2Mi"]), "{sub}");
}

fn file_prefix_default(_: &Ctx, sub: &str) {
    let root = pod("clean_full_pod");
    let environ = std::fs::read(root.join("proc/self/environ")).unwrap();
    let var = |name: &str| {
        environ
            .split(|&b| b == 0)
            .find_map(|kv| kv.strip_prefix(format!("{name}=").as_bytes()))
            .map(|v| String::from_utf8(v.to_vec()).unwrap())
            .unwrap()
    };
    let want = format!(
        "--file-prefix={}_{}",
        var("HOSTNAME"),
        var("CONTAINER_NAME")
    );
    let default = eal(sub, &root, &[]);
    assert!(
        default.split(' ').any(|a| a == want),
        "{sub}: {want} not in {default}"
    );
}

fn show_table_default(_: &Ctx, _: &str) {
    let root = root_args(&pod("clean_full_pod"));
    let table = output_of("show", &root);
    assert!(serde_json::from_str::<Value>(&table).is_err());
    assert!(
        table.contains("\nInterfaces: 2\n  INTERFACE  TYPE"),
        "{table}"
    );
    let mut json = root;
    json.push("--json".into());
    assert!(serde_json::from_str::<Value>(&output_of("show", &json)).is_ok());
}

fn show_fitted_default(_: &Ctx, _: &str) {
    let root = pod("long_lists_64_interfaces");
    let command = |extra: &str| {
        format!(
            "'{}' show -q {extra} --root '{}'",
            env!("CARGO_BIN_EXE_app-netutil"),
            root.display()
        )
    };
    let widest = |cmd: String| -> Option<usize> {
        let out = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env("COLUMNS", "100")
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim_end_matches('\r').chars().count())
            .max()
    };
    let Some(fitted) = widest(command("")) else {
        eprintln!("SKIP: show --wide: util-linux `script` cannot make a pseudo-terminal here");
        return;
    };
    assert!(fitted <= 100, "{fitted}");
    assert!(widest(command("--wide")).unwrap() > 300);
    // Not a terminal: full width.
    let piped = output_of("show", &root_args(&root));
    assert!(piped.lines().any(|l| l.chars().count() > 300));
}

fn inject_in(ctx: &Ctx, name: &str, manifest: &str, args: &[&str]) -> Output {
    let file = ctx.dir().join(name);
    std::fs::write(&file, manifest).unwrap();
    bin().arg("inject").args(args).arg(&file).output().unwrap()
}

const BARE_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: x\n";

fn inject_check_is_1(ctx: &Ctx, _: &str) {
    let out = inject_in(ctx, "bare.yaml", BARE_POD, &["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // An output that cannot be written: a directory.
    let out = bin()
        .args(["inject", "-o"])
        .arg(ctx.dir())
        .arg(ctx.dir().join("bare.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

fn inject_done_is_0(ctx: &Ctx, _: &str) {
    let out = inject_in(ctx, "to-inject.yaml", BARE_POD, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let injected = stdout(&out);
    assert!(injected.contains("podnetinfo"));
    let out = inject_in(ctx, "injected.yaml", &injected, &["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn inject_unusable_is_2(ctx: &Ctx, _: &str) {
    let out = inject_in(ctx, "not-k8s.yaml", "a: 1\n", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

// ---- the test ----------------------------------------------------------------

/// A help text wrapped at any width gives the same claims (clap wraps at
/// the terminal's width when built with its `wrap_help` feature, which
/// feature unification turns on in a workspace build).
#[test]
fn the_help_parser_reads_wrapped_help() {
    let narrow = "About it (exit status 4 on\ntimeout)\n\nUsage: x [OPTIONS]\n\nOptions:\n      --strict\n          Exit with\n          status 3 when\n\n      --timeout <D>\n          Give up\n          [default:\n          60]\n\nExit status: 0 done, 1 found\ndocuments, 2 unusable\ninput.\n";
    let wide = "About it (exit status 4 on timeout)\n\nUsage: x [OPTIONS]\n\nOptions:\n      --strict\n          Exit with status 3 when\n\n      --timeout <D>\n          Give up\n          [default: 60]\n\nExit status: 0 done, 1 found documents, 2 unusable input.\n";
    let claims = |help: &str| -> Vec<(String, Vec<String>)> {
        items(help)
            .into_iter()
            .map(|(item, text)| (item, claims_in(&text)))
            .filter(|(_, c)| !c.is_empty())
            .collect()
    };
    assert_eq!(claims(narrow), claims(wide));
    assert_eq!(
        claims(wide),
        [
            ("about".to_owned(), vec!["status 4".to_owned()]),
            ("--strict".to_owned(), vec!["status 3".to_owned()]),
            ("--timeout".to_owned(), vec!["[default: 60]".to_owned()]),
            (
                "after".to_owned(),
                vec![
                    "status 0".to_owned(),
                    "status 1".to_owned(),
                    "status 2".to_owned()
                ]
            ),
        ]
    );
}

#[test]
fn the_help_parser_finds_claims() {
    assert_eq!(
        claims_in("Exit with status 3 when the report has warnings"),
        ["status 3"]
    );
    assert_eq!(
        claims_in(
            "Give up after this long; 0 waits for ever. Exit status 4 on timeout [default: 60]"
        ),
        ["[default: 60]", "status 4"]
    );
    assert_eq!(
        claims_in("Run it on CPU. Default: the pod's lowest CPU"),
        ["the pod's lowest CPU"]
    );
    assert_eq!(
        claims_in("Read from DIR (default: <root>/x, or <root>/y when only that exists)"),
        ["<root>/x, or <root>/y when only that exists"]
    );
    assert_eq!(
        claims_in("Exit status: 0 done (--check: nothing to add), 1 found, 2 unusable input."),
        ["status 0", "status 1", "status 2"]
    );
    assert_eq!(
        claims_in("A table by default, JSON with --json"),
        ["A table by default, JSON with --json"]
    );
}

#[test]
fn every_status_and_default_in_the_help_is_checked() {
    let claims = all_claims();
    // The help texts do state things: the parser is not blind.
    assert!(claims.len() > 60, "{} claims: {claims:#?}", claims.len());
    let table = table();
    let mut used = vec![false; table.len()];
    let mut work: Vec<(usize, String)> = Vec::new();
    let mut unchecked = Vec::new();
    for claim in &claims {
        let entries: Vec<usize> = (0..table.len())
            .filter(|&i| {
                let (subs, item, text, _) = table[i];
                subs.contains(&claim.sub.as_str())
                    && item == claim.item
                    && claim.text.contains(text)
            })
            .collect();
        match entries.as_slice() {
            [i] => {
                used[*i] = true;
                work.push((*i, claim.sub.clone()));
            }
            [] => unchecked.push(claim),
            _ => panic!("{claim:?} is matched by several entries {entries:?}"),
        }
    }
    assert!(
        unchecked.is_empty(),
        "help claims without a check in table(): {unchecked:#?}"
    );
    let stale: Vec<_> = (0..table.len())
        .filter(|&i| !used[i])
        .map(|i| (table[i].0, table[i].1, table[i].2))
        .collect();
    assert!(
        stale.is_empty(),
        "table() entries that match no help text: {stale:#?}"
    );

    // Each check once per subcommand (a claim the top-level help repeats
    // is the same claim).
    work.sort();
    work.dedup();
    let ctx = Ctx {
        dir: tempfile::Builder::new()
            .prefix("help-")
            .tempdir_in("/tmp")
            .unwrap(),
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((i, sub)) = work.get(n) else { break };
                    (table[*i].3)(&ctx, sub);
                }
            });
        }
    });
}
