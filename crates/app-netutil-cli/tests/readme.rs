//! The README's examples stay true: its pod spec is complete for the
//! library (`inject --check` finds nothing to add) and its command output
//! is what the commands print.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap()
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_app-netutil"));
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    c
}

#[test]
fn readme_pod_spec_needs_no_injection() {
    let text = readme();
    let start = text
        .find("```yaml\napiVersion: v1\nkind: Pod")
        .expect("pod spec in README")
        + 8;
    let end = start + text[start..].find("```").unwrap();
    let mut child = bin()
        .args(["inject", "--check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&text.as_bytes()[start..end])
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn readme_command_outputs_are_current() {
    let text = readme();
    // Every "$ app-netutil ... --root fixtures/pods/..." line in a text
    // block is followed by exactly what the command prints.
    let mut checked = 0;
    for block in text.split("```text\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let mut lines = block.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(cmd) = line.strip_prefix("$ app-netutil ") else {
                continue;
            };
            let mut want = Vec::new();
            while let Some(next) = lines.peek() {
                if next.starts_with("$ ") {
                    break;
                }
                want.push(*next);
                lines.next();
            }
            let out = bin()
                .args(cmd.split_whitespace())
                .arg("-q")
                .output()
                .unwrap();
            let got = String::from_utf8(out.stdout).unwrap();
            assert_eq!(
                got.trim_end(),
                want.join("\n").trim_end(),
                "$ app-netutil {cmd}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} README commands checked");
}

// The README's C example is built with the README's own build line in
// crates/app-netutil-ctest/tests/docs.rs, which has the library to link.

/// The README's `inject --check deploy/examples/*.yaml` runs as written
/// (the shell expands the pattern to several files) and passes.
#[test]
fn readme_inject_check_command_runs_as_written() {
    let text = readme();
    let line = text
        .lines()
        .find(|l| l.starts_with("app-netutil inject --check deploy/examples/*.yaml"))
        .expect("the command is in the README");
    let command = line.split('#').next().unwrap().trim();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_app-netutil"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", command])
        .env("PATH", path)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let examples =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/examples"))
            .unwrap()
            .count();
    assert!(examples >= 2, "the pattern names several files");
}

/// The size of libappnetutil.so is published in one place, the marked row
/// of docs/performance.md (which `scripts/figures` checks against a
/// build); the README and the other guides link there (issue 16, item 13).
#[test]
fn the_library_size_is_stated_in_one_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("README.md")];
    for dir in [
        "docs",
        "bindings/go",
        "examples/c",
        "examples/dpdk",
        "deploy",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        files.extend(
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    let marker = "<!-- figure:so-stripped -->";
    let mut marked = 0;
    let mut stated = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        marked += lines.iter().filter(|l| l.contains(marker)).count();
        // Two lines at a time: a sentence may wrap between the number and
        // "stripped".
        for pair in lines.windows(2) {
            let line = pair.join(" ");
            if line.contains(marker) {
                continue;
            }
            // A size of this library: a number of bytes, KB or MB next to
            // "stripped", other than openshift/app-netutil's 24.6 MB.
            let lower = line.to_ascii_lowercase();
            let sizes = lower.contains(" bytes") || lower.contains(" mb") || lower.contains(" kb");
            if lower.contains("stripped") && sizes && !line.contains("24.6 MB stripped") {
                stated.push(format!("{}: {line}", file.display()));
            }
        }
    }
    assert_eq!(marked, 1, "one row of docs/performance.md carries {marker}");
    assert!(
        stated.is_empty(),
        "the library's size stated outside docs/performance.md's marked row (link there instead):\n{}",
        stated.join("\n")
    );
}
