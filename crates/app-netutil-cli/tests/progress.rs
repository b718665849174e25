//! Long waits are not silent (issue 16, item 8): `wait` and `--wait` say
//! what they wait for. Standard error not a terminal: a line when waiting
//! starts, one every 10 s (`APP_NETUTIL_PROGRESS_INTERVAL` shortens it for
//! tests), one when the data is ready. On a terminal (through util-linux
//! `script`): one line rewritten in place with the elapsed time, erased at
//! the end. Nothing with `-q`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_app-netutil"));
    c.env_remove("APP_NETUTIL_PROGRESS_INTERVAL")
        .stdin(Stdio::null());
    c
}

fn pod(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(name)
}

/// A pod whose network-status never comes.
fn late() -> PathBuf {
    pod("doctor_network_status_late")
}

const AWAITED: &str = "no network-status annotation in /etc/podnetinfo/annotations yet; device 0000:3b:02.6 (PCIDEVICE_INTEL_COM_SRIOV_DPDK) is not tied to an interface yet";

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The seconds of a "still waiting after N s" line.
fn after(line: &str) -> f64 {
    line.split("still waiting after ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a progress line: {line}"))
}

#[test]
fn not_a_terminal_a_line_at_the_start_and_one_every_interval() {
    let out = bin()
        .args(["wait", "--timeout", "1.3", "--root"])
        .arg(late())
        .env("APP_NETUTIL_PROGRESS_INTERVAL", "300ms")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let lines = stderr_lines(&out);
    assert_eq!(
        lines[0],
        format!("app-netutil: wait: waiting for the pod's network data (timeout 1.3 s): {AWAITED}")
    );
    let still: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("app-netutil: wait: still waiting after "))
        .collect();
    // At 0.3, 0.6, 0.9 and 1.2 s (the last may lose the race with the
    // timeout; a loaded machine wakes the printer late).
    assert!((2..=4).contains(&still.len()), "{lines:#?}");
    for (n, line) in still.iter().enumerate() {
        let at = after(line);
        let want = 0.3 * (n + 1) as f64;
        assert!((want - 0.05..want + 0.6).contains(&at), "{line}");
        assert!(
            line.ends_with(&format!(" (timeout 1.3 s): {AWAITED}")),
            "{line}"
        );
    }
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("app-netutil: wait: timed out after 1.3 s: "),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 2 + still.len(), "{lines:#?}");
}

#[test]
fn not_a_terminal_the_interval_is_ten_seconds() {
    let started = Instant::now();
    let out = bin()
        .args(["wait", "--timeout", "11.5", "--root"])
        .arg(late())
        .output()
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(11_500));
    assert_eq!(out.status.code(), Some(4));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines[0].contains("waiting for the pod's network data (timeout 11.5 s)"));
    let at = after(&lines[1]);
    assert!((10.0..11.0).contains(&at), "{}", lines[1]);
    assert!(lines[2].contains("timed out after 11.5 s"), "{}", lines[2]);
}

#[test]
fn ready_data_gets_a_start_and_a_ready_line() {
    for sub in ["wait", "dpdk-args", "env"] {
        let mut c = bin();
        c.args([sub, "--root"]).arg(pod("clean_full_pod"));
        if sub != "wait" {
            c.arg("--wait");
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let lines = stderr_lines(&out);
        assert_eq!(
            lines[0],
            "app-netutil: wait: waiting for the pod's network data (timeout 60 s): the data is complete and must stay unchanged for 1 s",
            "{sub}"
        );
        assert!(
            lines[1].starts_with("app-netutil: wait: ready after 1."),
            "{sub}: {lines:#?}"
        );
        // Whatever the command prints next is untouched.
        if sub != "wait" {
            assert!(!out.stdout.is_empty(), "{sub}");
        }
    }
}

#[test]
fn exec_wait_says_so_before_the_program_starts() {
    use std::os::unix::fs::PermissionsExt;
    // A program that ignores the EAL arguments it is given.
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("program");
    std::fs::write(&program, "#!/bin/sh\necho started >&2\n").unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = bin()
        .args(["exec", "--wait", "--root"])
        .arg(pod("clean_full_pod"))
        .arg("--")
        .arg(&program)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = stderr_lines(&out);
    let start = lines
        .iter()
        .position(|l| l.contains("wait: waiting for the pod's network data"))
        .unwrap();
    let ready = lines
        .iter()
        .position(|l| l.contains("wait: ready after"))
        .unwrap();
    let program = lines.iter().position(|l| l == "started").unwrap();
    assert!(start < ready && ready < program, "{lines:#?}");
}

#[test]
fn quiet_shows_nothing_but_the_outcome() {
    let out = bin()
        .args(["wait", "-q", "--timeout", "1.2", "--root"])
        .arg(late())
        .env("APP_NETUTIL_PROGRESS_INTERVAL", "100ms")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].starts_with("app-netutil: wait: timed out after"));
    let out = bin()
        .args(["wait", "-q", "--root"])
        .arg(pod("clean_full_pod"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the command writes to a pseudo-terminal made by `script`, sized
/// `cols` columns; `None` where `script` cannot run.
fn on_terminal(args: &str, cols: u16) -> Option<String> {
    let command = format!(
        "stty cols {cols} && '{}' {args}",
        env!("CARGO_BIN_EXE_app-netutil")
    );
    let out = Command::new("script")
        .args(["-qc", &command, "/dev/null"])
        .env_remove("COLUMNS")
        .env_remove("APP_NETUTIL_PROGRESS_INTERVAL")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if text.is_empty() {
        eprintln!("SKIP: util-linux `script` cannot run a command on a pseudo-terminal here");
        return None;
    }
    Some(text)
}

#[test]
fn a_terminal_gets_one_line_rewritten_in_place() {
    let Some(text) = on_terminal(
        &format!("wait --timeout 2.6 --root '{}'", late().display()),
        70,
    ) else {
        return;
    };
    let erase = "\r\x1b[K";
    let draws: Vec<&str> = text.split(erase).skip(1).collect();
    // Redrawn four times a second for 2.6 s.
    assert!(draws.len() >= 6, "{text:?}");
    for (n, want) in ["0", "1", "2"].iter().enumerate() {
        let prefix = format!("app-netutil: waiting {want} s of 2.6 s: no network-status");
        assert!(
            draws.iter().any(|d| d.starts_with(&prefix)),
            "no draw {n} starting {prefix:?} in {draws:#?}"
        );
    }
    // Fitted to the terminal (one column to spare), cut with an ellipsis.
    for d in &draws[..draws.len() - 1] {
        assert!(d.chars().count() <= 69, "{d:?}");
        assert!(d.ends_with('…'), "{d:?}");
    }
    // Erased at the end: the timeout message starts on a clean line.
    let last = draws.last().unwrap();
    assert!(
        last.starts_with("app-netutil: wait: timed out after 2.6 s"),
        "{last:?}"
    );
    assert!(!text.contains("still waiting"), "{text:?}");
}

#[test]
fn a_terminal_with_verbose_logs_gets_lines() {
    let Some(text) = on_terminal(
        &format!("wait -v --timeout 1.5 --root '{}'", late().display()),
        200,
    ) else {
        return;
    };
    assert!(!text.contains("\x1b[K"), "{text:?}");
    assert!(
        text.contains("app-netutil: wait: waiting for the pod's network data (timeout 1.5 s)"),
        "{text:?}"
    );
}
