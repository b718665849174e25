//! `--report FILE` and `--report -`: pipes keep working; directories,
//! devices, oversized input and a FIFO nobody writes are errors (exit
//! status 2) in bounded memory and without a hang.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app_netutil_testkit::rss;

app_netutil_testkit::rss_helper!();

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_app-netutil");
/// The cap documented in `docs/hostile-input.md`.
const MAX_REPORT_BYTES: usize = 4 << 20;
/// Peak RSS allowed for any input up to the caps.
const RSS_LIMIT_MIB: f64 = 64.0;

fn pod() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods/clean_full_pod")
}

fn app(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdin(Stdio::null());
    cmd
}

/// The report of the clean pod, and the EAL line `dpdk-args` gives for it
/// when it reads that report from a plain file.
fn report_and_line() -> (String, String) {
    let root = pod();
    let out = app(&["show", "--json", "-q", "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let line = app(&["dpdk-args", "-q", "--report", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(line.status.success());
    let line = String::from_utf8(line.stdout).unwrap();
    assert!(line.contains("-a 0000:3b:02.6"), "{line}");
    (String::from_utf8(out.stdout).unwrap(), line)
}

fn with_stdin(cmd: &mut Command, input: &[u8]) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn pipes_and_files_work() {
    let (report, line) = report_and_line();
    // show --json | dpdk-args --report -
    let out = with_stdin(
        &mut app(&["dpdk-args", "-q", "--report", "-"]),
        report.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
    // A regular file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    std::fs::write(&file, &report).unwrap();
    for sub in ["dpdk-args", "env"] {
        let out = app(&[sub, "-q", "--report", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{sub}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // --report <(...): /dev/fd/N, an anonymous pipe.
    let script = format!(
        "{BIN} dpdk-args -q --report <(cat {})",
        file.to_str().unwrap()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
    // A slow writer on a pipe is waited for (the FIFO timeout is not for
    // pipes).
    let script = format!(
        "(sleep 0.5; cat {}) | APP_NETUTIL_FIFO_TIMEOUT=100ms {BIN} dpdk-args -q --report -",
        file.to_str().unwrap()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = format!(
        "APP_NETUTIL_FIFO_TIMEOUT=100ms {BIN} dpdk-args -q --report <(sleep 0.5; cat {})",
        file.to_str().unwrap()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
}

fn refused(args: &[&str], stdin: Stdio, what: &str) {
    let out = app(args).stdin(stdin).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(what), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
}

#[test]
fn directories_and_devices_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    for sub in ["dpdk-args", "env"] {
        refused(&[sub, "--report", d], Stdio::null(), "is a directory");
        refused(
            &[sub, "--report", "/dev/zero"],
            Stdio::null(),
            "is a character device",
        );
        refused(
            &[sub, "--report", "/dev/null"],
            Stdio::null(),
            "is a character device",
        );
        refused(
            &[sub, "--report", "-"],
            Stdio::from(std::fs::File::open("/dev/zero").unwrap()),
            "standard input is a character device",
        );
    }
    // exec refuses before running anything.
    refused(
        &["exec", "--report", "/dev/zero", "--", "true"],
        Stdio::null(),
        "is a character device",
    );
}

#[test]
fn a_fifo_without_a_writer_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let out = app(&["dpdk-args", "--report", fifo.to_str().unwrap()])
        .env("APP_NETUTIL_FIFO_TIMEOUT", "200ms")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("FIFO that no program opened for writing"),
        "{err}"
    );

    // A writer that comes in time is read.
    let (report, line) = report_and_line();
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::fs::write(&path, report).unwrap();
    });
    let out = app(&["dpdk-args", "-q", "--report", fifo.to_str().unwrap()])
        .env("APP_NETUTIL_FIFO_TIMEOUT", "30")
        .output()
        .unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
}

#[test]
fn oversized_input_is_refused_in_bounded_memory() {
    // A sparse 1 GiB file: refused by its size, without reading it.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let m = rss::measure(
        BIN,
        &["dpdk-args", "--report", big.to_str().unwrap()],
        &[],
        Stdio::null(),
    );
    assert_eq!(m.code, 2, "{}", m.stderr_text());
    assert!(
        m.stderr_text().contains("larger than 4 MiB"),
        "{}",
        m.stderr_text()
    );
    assert!(m.max_rss_mib() < 16.0, "{} MiB", m.max_rss_mib());

    // An endless pipe: stops one byte past the cap.
    let mut zero = Command::new("cat")
        .arg("/dev/zero")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let m = rss::measure(
        BIN,
        &["dpdk-args", "--report", "-"],
        &[],
        Stdio::from(zero.stdout.take().unwrap()),
    );
    let _ = zero.kill();
    let _ = zero.wait();
    assert_eq!(m.code, 2, "{}", m.stderr_text());
    assert!(
        m.stderr_text().contains("larger than 4 MiB"),
        "{}",
        m.stderr_text()
    );
    assert!(m.max_rss_mib() < RSS_LIMIT_MIB, "{} MiB", m.max_rss_mib());

    // The same through a file of exactly one byte too many.
    let over = dir.path().join("over.json");
    std::fs::write(&over, vec![b' '; MAX_REPORT_BYTES + 1]).unwrap();
    let m = rss::measure(
        BIN,
        &["dpdk-args", "--report", over.to_str().unwrap()],
        &[],
        Stdio::null(),
    );
    assert_eq!(m.code, 2, "{}", m.stderr_text());
}

/// A valid report of the clean pod with `extra` as the device-plugin-info
/// of its interface, padded with spaces to `size` bytes.
fn report_with(extra: &Value, size: usize) -> Vec<u8> {
    let (report, _) = report_and_line();
    let mut v: Value = serde_json::from_str(&report).unwrap();
    v["interfaces"][1]["device-plugin-info"]["x"] = extra.clone();
    let mut text = serde_json::to_vec(&v).unwrap();
    assert!(text.len() <= size, "{} > {size}", text.len());
    text.resize(size, b' ');
    text
}

#[test]
fn reports_at_the_caps_stay_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    // Each shape as large as the caps allow: the decoder's worst cases.
    let shapes: Vec<(&str, Value)> = vec![
        // Objects of the free-form device-plugin-info (a B-tree node each).
        (
            "32,000 objects",
            Value::Array((0..32_000).map(|i| serde_json::json!({"k": i})).collect()),
        ),
        // Values: numbers in an array (a JSON value each).
        (
            "250,000 numbers",
            Value::Array((0..250_000).map(|_| Value::from(0)).collect()),
        ),
        // Nearly 4 MiB in one string.
        (
            "a 4 MiB string",
            Value::String("x".repeat(MAX_REPORT_BYTES - 8192)),
        ),
    ];
    for (name, shape) in shapes {
        let text = report_with(&shape, MAX_REPORT_BYTES);
        let file = dir.path().join("r.json");
        std::fs::write(&file, &text).unwrap();
        let m = rss::measure(
            BIN,
            &["dpdk-args", "-q", "--report", file.to_str().unwrap()],
            &[],
            Stdio::null(),
        );
        assert_eq!(m.code, 0, "{name}: {}", m.stderr_text());
        assert!(
            m.max_rss_mib() < RSS_LIMIT_MIB,
            "{name}: {} MiB",
            m.max_rss_mib()
        );
        // From a pipe too.
        let m = rss::measure(
            BIN,
            &["dpdk-args", "-q", "--report", "-"],
            &[],
            Stdio::from(std::fs::File::open(&file).unwrap()),
        );
        assert_eq!(m.code, 0, "{name} on standard input: {}", m.stderr_text());
        assert!(
            m.max_rss_mib() < RSS_LIMIT_MIB,
            "{name}: {} MiB",
            m.max_rss_mib()
        );
    }
    // One more object or value than the caps: refused before decoding.
    for (name, shape, what) in [
        (
            "32,769 objects",
            Value::Array((0..32_769).map(|_| serde_json::json!({})).collect()),
            "JSON objects",
        ),
        (
            "262,145 values",
            Value::Array((0..262_145).map(|_| Value::from(0)).collect()),
            "JSON values",
        ),
    ] {
        let text = report_with(&shape, MAX_REPORT_BYTES);
        let out = with_stdin(&mut app(&["dpdk-args", "--report", "-"]), &text);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(what), "{name}: {err}");
    }
}

/// Issue 16, item 10: the report says what it is. `show --json` and
/// `env --format json` open with `apiVersion` and `kind`; `--report`
/// takes a report without them (saved by an older version) and gives the
/// same arguments, and refuses another apiVersion or kind with status 2
/// and a message that names the value; `schema` prints the JSON Schema.
#[test]
fn the_report_is_self_describing() {
    let (report, line) = report_and_line();
    let root = pod();
    let root = root.to_str().unwrap();
    let head = "{\n  \"apiVersion\": \"app-netutil/v1\",\n  \"kind\": \"PodReport\",\n";
    assert!(report.starts_with(head), "{}", &report[..80]);
    let env = app(&["env", "--format", "json", "-q", "--root", root])
        .output()
        .unwrap();
    assert!(env.status.success());
    assert!(String::from_utf8_lossy(&env.stdout).starts_with(head));

    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Map<String, Value> = serde_json::from_str(&report).unwrap();
    doc.remove("apiVersion");
    doc.remove("kind");
    let old = dir.path().join("old.json");
    std::fs::write(&old, Value::Object(doc.clone()).to_string()).unwrap();
    let out = app(&["dpdk-args", "-q", "--report", old.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);

    for (key, value) in [("apiVersion", "app-netutil/v2"), ("kind", "PodList")] {
        let mut other = doc.clone();
        other.insert("apiVersion".into(), "app-netutil/v1".into());
        other.insert(key.into(), value.into());
        let file = dir.path().join("other.json");
        std::fs::write(&file, Value::Object(other).to_string()).unwrap();
        let out = app(&["dpdk-args", "-q", "--report", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{key} \"{value}\"")) && err.contains("other.json"),
            "{err}"
        );
    }

    let schema = app(&["schema"]).output().unwrap();
    assert!(schema.status.success());
    let printed: Value = serde_json::from_slice(&schema.stdout).unwrap();
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/report-v1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(printed, file);
    let help = app(&["schema", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("JSON Schema"));
}
