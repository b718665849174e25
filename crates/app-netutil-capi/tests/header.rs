//! `include/appnetutil.h` is what cbindgen makes of this crate, and its
//! version macro is the library's.
//!
//! `NETUTIL_BLESS=1 cargo test -p app-netutil-capi --test header` rewrites
//! the header after an ABI change; the diff is then part of the commit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen failed");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).unwrap()
}

fn committed_path() -> PathBuf {
    crate_dir().join("include/appnetutil.h")
}

#[test]
fn header_is_up_to_date() {
    let fresh = generate();
    let path = committed_path();
    if std::env::var_os("NETUTIL_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let first = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
        panic!(
            "{} is stale (first difference at line {}): regenerate it with\n  NETUTIL_BLESS=1 cargo test -p app-netutil-capi --test header",
            path.display(),
            first + 1
        );
    }
}

fn header() -> String {
    std::fs::read_to_string(committed_path()).unwrap()
}

#[test]
fn abi_version_macro_is_the_library_constant() {
    let h = header();
    let line = h
        .lines()
        .find(|l| l.starts_with("#define NETUTIL_ABI_VERSION "))
        .expect("no NETUTIL_ABI_VERSION macro");
    let n: u32 = line["#define NETUTIL_ABI_VERSION ".len()..]
        .trim()
        .parse()
        .unwrap();
    assert_eq!(n, appnetutil::NETUTIL_ABI_VERSION);
    assert_eq!(appnetutil::netutil_abi_version(), n);
}

/// The names of the functions the header declares.
fn declared_functions(h: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in h.lines() {
        let l = line.trim_start();
        if l.starts_with('*') || l.starts_with("/*") || l.starts_with('#') {
            continue;
        }
        if let Some(open) = l.find('(') {
            let head = &l[..open];
            if let Some(name) = head.split([' ', '*']).next_back() {
                if name.starts_with("netutil_") && !head.contains("typedef") {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn every_declaration_is_documented_and_prefixed() {
    let h = header();
    let names = declared_functions(&h);
    assert!(names.len() > 100, "only {} functions found", names.len());
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "a function is declared twice");
    // Each declaration follows a doc comment.
    let lines: Vec<&str> = h.lines().collect();
    for name in &names {
        let at = lines
            .iter()
            .position(|l| {
                let t = l.trim_start();
                !t.starts_with('*')
                    && !t.starts_with('/')
                    && (l.contains(&format!(" {name}(")) || l.contains(&format!("*{name}(")))
            })
            .unwrap();
        let before = lines[..at]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap();
        assert!(before.trim_end().ends_with("*/"), "{name} has no comment");
    }
    // Types and macros are prefixed too.
    for line in &lines {
        if let Some(rest) = line.strip_prefix("#define ") {
            let name = rest.split_whitespace().next().unwrap();
            assert!(
                name.starts_with("NETUTIL_") || name == "APPNETUTIL_H",
                "{line}"
            );
        }
        if let Some(rest) = line.strip_prefix("typedef ") {
            let name = rest
                .trim_end_matches(';')
                .split([' ', '*', '(', ')'])
                .rfind(|w| w.starts_with("netutil_"));
            assert!(name.is_some(), "{line}");
        }
    }
}

/// Used by the C test crate to compare with `nm -D`.
#[test]
fn header_path_exists() {
    assert!(Path::new(&committed_path()).is_file());
}
