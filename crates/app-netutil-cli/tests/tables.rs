//! `show`'s tables on a terminal fit its width (issue 16, item 9): run
//! through a pseudo-terminal made by util-linux `script`, with `COLUMNS`
//! or the terminal's own size; `--wide` and output that is not a terminal
//! keep every cell whole.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_app-netutil")
}

fn pod(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(name)
}

/// Single-quoted for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Whether util-linux `script` can make a pseudo-terminal here.
fn have_script() -> bool {
    let ok = Command::new("script")
        .args(["-qec", "test -t 1", "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIP: util-linux `script` cannot run a command on a pseudo-terminal here");
    }
    ok
}

/// What `shell_command` prints on a pseudo-terminal, lines without `\r`;
/// `columns` is put in `COLUMNS` (or `COLUMNS` is removed).
fn on_terminal(shell_command: &str, columns: Option<&str>) -> Vec<String> {
    let mut cmd = Command::new("script");
    cmd.args(["-qec", shell_command, "/dev/null"])
        .stdin(std::process::Stdio::null());
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{shell_command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect()
}

fn widest(lines: &[String]) -> usize {
    lines.iter().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn show(root: &Path, extra: &str) -> String {
    format!(
        "{} show -q {extra} --root {}",
        sh_quote(bin()),
        sh_quote(&root.display().to_string())
    )
}

#[test]
fn not_a_terminal_is_full_width_whatever_columns_says() {
    let out = Command::new(bin())
        .args(["show", "-q", "--root"])
        .arg(pod("long_lists_64_interfaces"))
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert!(widest(&lines) > 300, "{}", widest(&lines));
    assert!(!text.contains('…'));
}

#[test]
fn a_terminal_of_columns_width_gets_fitted_tables() {
    if !have_script() {
        return;
    }
    let root = pod("long_lists_64_interfaces");
    for columns in ["100", "132", "200"] {
        let width: usize = columns.parse().unwrap();
        let lines = on_terminal(&show(&root, ""), Some(columns));
        assert!(lines.len() > 64, "{lines:#?}");
        assert!(
            widest(&lines) <= width,
            "COLUMNS={columns}: a line of {} columns:\n{}",
            widest(&lines),
            lines.join("\n")
        );
        let table: Vec<&String> = lines
            .iter()
            .skip_while(|l| !l.starts_with("Interfaces: "))
            .collect();
        assert!(table.iter().any(|l| l.contains('…')), "nothing was cut");
        // The short, telling columns are whole on every row.
        let header = table[1];
        assert!(header.starts_with("  INTERFACE  TYPE "), "{header}");
        for (i, row) in table[2..66].iter().enumerate() {
            let name = if i == 0 {
                "eth0 *".to_owned()
            } else {
                format!("net{i}")
            };
            assert!(row.starts_with(&format!("  {name} ")), "{row}");
            // Every MAC is whole (17 characters, five colons).
            assert!(
                row.split_whitespace()
                    .any(|w| w.len() == 17 && w.matches(':').count() == 5),
                "{row}"
            );
        }
    }
}

#[test]
fn wide_keeps_full_width_on_a_terminal() {
    if !have_script() {
        return;
    }
    let root = pod("long_lists_64_interfaces");
    let lines = on_terminal(&show(&root, "--wide"), Some("100"));
    assert!(widest(&lines) > 300, "{}", widest(&lines));
    assert!(!lines.iter().any(|l| l.contains('…')));
    // What it prints is what a pipe gets.
    let piped = Command::new(bin())
        .args(["show", "-q", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(
        lines.join("\n"),
        String::from_utf8(piped.stdout).unwrap().trim_end()
    );
}

#[test]
fn without_columns_the_terminal_size_counts() {
    if !have_script() {
        return;
    }
    let root = pod("long_lists_64_interfaces");
    let lines = on_terminal(&format!("stty cols 90 && {}", show(&root, "")), None);
    assert!(widest(&lines) <= 90, "{}", lines.join("\n"));
    assert!(widest(&lines) > 80, "{}", lines.join("\n"));
}

#[test]
fn a_table_that_fits_is_unchanged_on_a_terminal() {
    if !have_script() {
        return;
    }
    let root = pod("clean_full_pod");
    let lines = on_terminal(&show(&root, ""), Some("200"));
    let piped = Command::new(bin())
        .args(["show", "-q", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(
        lines.join("\n"),
        String::from_utf8(piped.stdout).unwrap().trim_end()
    );
}
