//! Hostile pods through the command line: nothing from outside `--root`
//! in any output, with `openat2` and with the jailed walk
//! (`APP_NETUTIL_JAILED_WALK=1`); no raw control characters from the pod
//! on the terminal; `wait --settle` not shorter than the timeout refused;
//! a failed write to standard output is an error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app_netutil_testkit::hostile;

use std::process::{Command, Output, Stdio};

use hostile::{Hostile, forbidden};

const BIN: &str = env!("CARGO_BIN_EXE_app-netutil");

fn run(args: &[&str], jailed: bool) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdin(Stdio::null());
    if jailed {
        cmd.env("APP_NETUTIL_JAILED_WALK", "1");
    } else {
        cmd.env_remove("APP_NETUTIL_JAILED_WALK");
    }
    cmd.output().unwrap()
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_subcommand_shows_anything_from_outside_the_root() {
    for case in hostile::cases() {
        let h = Hostile::new();
        (case.plant)(&h);
        let root = h.root.to_str().unwrap();
        for jailed in [false, true] {
            for args in [
                &["show", "-vv", "--root", root][..],
                &["show", "--json", "--root", root],
                &["doctor", "-vv", "--root", root],
                &["doctor", "--json", "--root", root],
                &["dpdk-args", "--root", root],
                &["env", "--root", root],
                &[
                    "wait",
                    "--json",
                    "--timeout",
                    "0.5",
                    "--settle",
                    "0",
                    "--without-network-status",
                    "--poll",
                    "--root",
                    root,
                ],
            ] {
                let out = run(args, jailed);
                let text = all_output(&out).to_lowercase();
                for bad in forbidden() {
                    assert!(
                        !text.contains(&bad.to_lowercase()),
                        "{} (jailed walk: {jailed}), {args:?}: {bad:?} in\n{text}",
                        case.name
                    );
                }
            }
        }
    }
}

#[test]
fn both_ways_give_the_same_output_on_every_fixture() {
    let pods = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods");
    let mut cases: Vec<_> = std::fs::read_dir(pods)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 50);
    for case in cases {
        let root = case.to_str().unwrap();
        for args in [
            &["show", "--json", "--root", root][..],
            &["doctor", "--json", "--root", root],
        ] {
            let kernel = run(args, false);
            let walked = run(args, true);
            assert_eq!(kernel.status.code(), walked.status.code(), "{args:?}");
            assert_eq!(all_output(&kernel), all_output(&walked), "{args:?}");
        }
    }
}

/// Characters a terminal acts on.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn terminal_control_characters_from_the_pod_are_escaped() {
    let h = Hostile::new();
    // A network name and an interface name with escape sequences (a screen
    // clear, a title change, a bell, a C1 CSI, a bidi override, a newline).
    let evil = r"evil\u001b[2J\u001b]0;owned\u0007\u009b31m\u202e\nX";
    let json = format!(
        r#"[{{"name":"default/{evil}","interface":"net1{evil}","mac":"4a:0b:3c:aa:bb:cc","dns":{{}},"device-info":{{"type":"pci{evil}","version":"1.1.0"}}}},{{"name":"n2","interface":"net2","dns":{{}},"device-info":{{"type":"vhost-user","version":"1.1.0","vhost-user":{{"mode":"client","path":"/var/run/s{evil}.sock"}}}}}}]"#
    );
    h.write(
        "/etc/podnetinfo/annotations",
        format!(
            "k8s.v1.cni.cncf.io/network-status=\"{}\"\nbad line \u{1b}[5m\n",
            json.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    );
    h.write(
        "/proc/self/environ",
        "CONTAINER_NAME=app\u{1b}[2Jx\0PCIDEVICE_X=0000:3b:02.6\u{1b}[1m\0",
    );
    h.write(
        "/etc/podnetinfo/hugepages_1G_request_app\u{1b}[2Jx",
        "1024\n",
    );
    let root = h.root.to_str().unwrap();
    for args in [
        &["show", "-vv", "--root", root][..],
        &["doctor", "-vv", "--root", root],
        &["dpdk-args", "-vv", "--root", root],
    ] {
        let out = run(args, false);
        // `dpdk-args` prints arguments for a shell (a machine format: the
        // arguments themselves are checked where they are built); its
        // messages are for the terminal.
        let stdout = if args[0] == "dpdk-args" {
            String::new()
        } else {
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            raw_controls(&stdout),
            [] as [char; 0],
            "{args:?} stdout:\n{stdout}"
        );
        assert_eq!(
            raw_controls(&stderr),
            [] as [char; 0],
            "{args:?} stderr:\n{stderr}"
        );
        // Escaped visibly, not dropped.
        let both = format!("{stdout}{stderr}");
        assert!(
            both.contains(r"\x1b") || both.contains(r"\u{1b}"),
            "{args:?}:\n{both}"
        );
    }
    // The table shows the names, escaped.
    let out = run(&["show", "--root", root], false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(r"net1evil\x1b[2J\x1b]0;owned\x07\u{9b}31m\u{202e}\nX"),
        "{stdout}"
    );
    assert!(stdout.contains(r"app\x1b[2Jx"), "{stdout}");
    // JSON keeps the exact text (escaped by JSON).
    let out = run(&["show", "--json", "--root", root], false);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["interfaces"][0]["interface"],
        "net1evil\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m\u{202e}\nX"
    );
}

#[test]
fn settle_not_shorter_than_the_timeout_is_refused() {
    let h = Hostile::new();
    let root = h.root.to_str().unwrap();
    for args in [
        &["wait", "--settle", "5", "--timeout", "5", "--root", root][..],
        &["wait", "--settle", "10", "--timeout", "2s", "--root", root],
        &[
            "dpdk-args",
            "--wait",
            "--settle",
            "3",
            "--wait-timeout",
            "3",
            "--root",
            root,
        ],
        &[
            "env",
            "--wait",
            "--settle",
            "2m",
            "--wait-timeout",
            "1m",
            "--root",
            root,
        ],
        &[
            "exec",
            "--wait",
            "--settle",
            "3",
            "--wait-timeout",
            "1",
            "--root",
            root,
            "--",
            "true",
        ],
    ] {
        let out = run(args, false);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("is not shorter than"), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    // 0 waits for ever: any settle time can pass. (A short one ends at once
    // on a pod whose data is there.)
    let out = run(
        &[
            "wait",
            "--settle",
            "0.1",
            "--timeout",
            "0",
            "--without-network-status",
            "--root",
            root,
        ],
        false,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `args` with standard output `stdout`.
fn with_stdout(args: &[&str], stdout: Stdio) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let h = Hostile::new();
    let root = h.root.to_str().unwrap();
    let subcommands: [&[&str]; 7] = [
        &["dpdk-args", "-q", "--root", root],
        &["dpdk-args", "-q", "--format", "json", "--root", root],
        &["dpdk-args", "-q", "--format", "nul", "--root", root],
        &["show", "-q", "--root", root],
        &["show", "-q", "--json", "--root", root],
        &["doctor", "-q", "--root", root],
        &["env", "-q", "--root", root],
    ];
    for args in subcommands {
        // A full device.
        let out = with_stdout(
            args,
            Stdio::from(std::fs::File::create("/dev/full").unwrap()),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?} > /dev/full");
        assert!(err.contains("writing output"), "{args:?}: {err}");
        // A pipe whose reader is gone.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = with_stdout(args, Stdio::from(writer));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?} | (closed)");
        assert!(err.contains("writing output"), "{args:?}: {err}");
        // A closed standard output (`>&-`).
        let script = format!(
            "exec {BIN} {} >&-",
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let out = Command::new("sh").args(["-c", &script]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?} >&-");
        assert!(err.contains("standard output is closed"), "{args:?}: {err}");
    }
    // `>/dev/null` is a choice, not an error.
    let out = with_stdout(&["dpdk-args", "-q", "--root", root], Stdio::null());
    assert_eq!(out.status.code(), Some(0));
}
