//! Helpers for the C tests of libappnetutil.
//!
//! The C test program (`tests/c/*.c`, compiled by `build.rs` into an
//! archive) and the examples are linked against the C artifacts cargo built
//! for this crate's dependency `app-netutil-capi` — `libappnetutil.a` and
//! `libappnetutil.so` in `target/<profile>/deps` — so they test exactly
//! what a C program links, and no nested cargo is started (it would wait
//! forever on the lock of the running `cargo test`).

// Test helpers: failing loudly is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Prints to the real standard error, past the test harness's capture, so
/// that SKIP and NOTE lines show in a normal `cargo test` run.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The libraries a program linking `libappnetutil.a` needs on Linux with
/// glibc (what `rustc --print native-static-libs` prints; the Makefile asks
/// rustc itself for `appnetutil.pc`).
pub const NATIVE_STATIC_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// The repository's top directory.
#[must_use]
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `fixtures/pods`.
#[must_use]
pub fn pods() -> PathBuf {
    repo().join("fixtures/pods")
}

/// The directory of `appnetutil.h`.
#[must_use]
pub fn include_dir() -> PathBuf {
    repo().join("crates/app-netutil-capi/include")
}

/// `target/<profile>/deps`, where cargo put `libappnetutil.{a,so}`.
#[must_use]
pub fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap();
    assert!(
        dir.join("libappnetutil.a").is_file(),
        "{} has no libappnetutil.a",
        dir.display()
    );
    dir.to_path_buf()
}

/// The static library.
#[must_use]
pub fn static_lib() -> PathBuf {
    deps_dir().join("libappnetutil.a")
}

/// The shared library (SONAME `libappnetutil.so.<ABI>`).
#[must_use]
pub fn shared_lib() -> PathBuf {
    deps_dir().join("libappnetutil.so")
}

/// The C compiler the build script used.
#[must_use]
pub fn cc() -> &'static str {
    env!("NETUTIL_CTEST_CC")
}

/// The archive of the compiled C tests (`tests/c/*.c`, with `main`).
#[must_use]
pub fn archive() -> &'static str {
    env!("NETUTIL_CTEST_ARCHIVE")
}

/// A directory for programs linked by the tests.
fn out_dir() -> PathBuf {
    let dir = deps_dir().join("../netutil-ctest");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a command and panics with its output when it fails.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n--- stdout:\n{}\n--- stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The C test program, linked statically against `libappnetutil.a` once
/// per test process.
#[must_use]
pub fn ctest() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let dir = out_dir();
        let exe = dir.join("ctest");
        let tmp = dir.join(format!("ctest-{}.tmp", std::process::id()));
        run_ok(
            Command::new(cc())
                .arg("-pthread")
                .arg("-o")
                .arg(&tmp)
                .arg(archive())
                .arg(static_lib())
                .args(NATIVE_STATIC_LIBS),
        );
        std::fs::rename(&tmp, &exe).unwrap();
        exe
    })
}

/// Runs `ctest <args>`; panics when it fails.
pub fn ctest_ok(args: &[&std::ffi::OsStr]) -> Output {
    run_ok(Command::new(ctest()).args(args))
}

// ---- the dump format of tests/c/dump.c -------------------------------------

use app_netutil::Report;
use serde_json::Value;

/// A string as dump.c prints it (after the C API replaced NUL by U+FFFD).
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.replace('\0', "\u{FFFD}").chars() {
        match ch {
            '\\' | '"' => {
                out.push('\\');
                out.push(ch);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn flatten(path: &str, v: &Value, out: &mut Vec<String>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let dra_json = path.ends_with(".dra") && (k == "network-data");
                if (k == "device-plugin-info" || dra_json) && !v.is_null() {
                    out.push(format!("{}={}", join(k), serde_json::to_string(v).unwrap()));
                } else if path.ends_with(".dra") && k == "attributes" {
                    // Each attribute's typed value as its JSON text.
                    for (name, value) in v.as_object().into_iter().flatten() {
                        out.push(format!(
                            "{}.{name}={}",
                            join(k),
                            serde_json::to_string(value).unwrap()
                        ));
                    }
                } else {
                    flatten(&join(k), v, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), v, out);
            }
        }
        Value::Null => out.push(format!("{path}=null")),
        Value::Bool(b) => out.push(format!("{path}={b}")),
        Value::Number(n) => out.push(format!("{path}={n}")),
        Value::String(s) => out.push(format!("{path}={}", quote(s))),
    }
}

/// What `ctest dump` must print for `report`: every value of its JSON,
/// plus the convenience getters (`x.` lines), sorted.
pub fn expected_dump(report: &Report, extra_warnings: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    flatten("", &serde_json::to_value(report).unwrap(), &mut lines);
    // `apiVersion` and `kind` are constants of contract v1: in the JSON
    // (`netutil_report_json`), with no getter of their own.
    lines.retain(|l| {
        !l.starts_with("apiVersion=\"app-netutil/v1\"") && !l.starts_with("kind=\"PodReport\"")
    });
    let kinds = [
        "host",
        "pci",
        "vdpa",
        "vhost-user",
        "memif",
        "auxiliary",
        "unknown",
    ];
    for (i, it) in report.interfaces.iter().enumerate() {
        let n = kinds
            .iter()
            .position(|k| *k == it.device_type.as_str())
            .unwrap();
        lines.push(format!("x.interfaces[{i}].device-type-enum={n}"));
        if let Some(a) = it.pci_address() {
            lines.push(format!("interfaces[{i}].x.pci-address={}", quote(a)));
        }
        if let Some(p) = it.socket_path() {
            lines.push(format!("interfaces[{i}].x.socket-path={}", quote(p)));
        }
    }
    if let Some(own) = report.hugepages.own() {
        lines.push(format!("x.own-container={}", quote(&own.name)));
    }
    for (k, w) in extra_warnings.iter().enumerate() {
        let i = report.warnings.len() + k;
        lines.push(format!("warnings[{i}]={}", quote(w)));
        // The C API's own warnings: a repaired string, about its field.
        let field = w.split(": contains a NUL byte").next().unwrap_or_default();
        lines.push(format!("warning-details[{i}].code={}", quote("repaired")));
        lines.push(format!("warning-details[{i}].subject={}", quote(field)));
        lines.push(format!("warning-details[{i}].message={}", quote(w)));
    }
    lines.sort();
    lines
}

/// Panics with the first differences when the C dump `got` is not `want`.
pub fn assert_same_lines(case: &str, got: &[String], want: &[String]) {
    if got != want {
        let g: std::collections::BTreeSet<&String> = got.iter().collect();
        let w: std::collections::BTreeSet<&String> = want.iter().collect();
        let missing: Vec<_> = w.difference(&g).take(10).collect();
        let extra: Vec<_> = g.difference(&w).take(10).collect();
        panic!(
            "{case}: C getters differ from the library\n  missing: {missing:#?}\n  extra: {extra:#?}"
        );
    }
}
