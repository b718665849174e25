//! Shell completions and manual pages, generated from the command-line
//! definition: they load in the real shells and complete real words, and
//! every page renders with `man -l`. A shell or `man` that is not
//! installed is a loud SKIP (scripts/test installs them).

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_app-netutil")
}

fn bin_dir() -> PathBuf {
    Path::new(bin()).parent().unwrap().to_owned()
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip(what: &str) {
    eprintln!("########################################################################");
    eprintln!("SKIP: {what}");
    eprintln!("########################################################################");
}

/// Runs `shell -c script` with the binary on PATH.
fn shell(shell: &str, args: &[&str], script: &str) -> Output {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(shell)
        .args(args)
        .arg("-c")
        .arg(script)
        .env("PATH", path)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{:?}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn bash_completion_loads_and_completes_subcommands_and_options() {
    if !have("bash") {
        return skip("bash not installed: bash completion not tested");
    }
    let out = ok(&shell(
        "bash",
        &["--norc", "--noprofile"],
        "source <(app-netutil completions bash) && complete -p app-netutil",
    ));
    assert!(out.starts_with("complete "), "{out}");
    assert!(
        out.trim_end().ends_with(" -F _app__netutil app-netutil"),
        "{out}"
    );
    // Ask the function what it completes, as bash would on TAB.
    let complete = |words: &str| {
        ok(&shell(
            "bash",
            &["--norc", "--noprofile"],
            &format!(
                "source <(app-netutil completions bash)
                 COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
                 COMP_LINE=\"{words}\"; COMP_POINT=${{#COMP_LINE}}
                 _app__netutil app-netutil \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"
                 printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        ))
    };
    assert_eq!(complete("app-netutil inj").trim(), "inject");
    let options = complete("app-netutil inject --");
    for option in ["--check", "--in-place", "--output", "--quiet"] {
        assert!(options.lines().any(|l| l == option), "{option}: {options}");
    }
    let shells = complete("app-netutil completions ''");
    for s in ["bash", "zsh", "fish"] {
        assert!(shells.lines().any(|l| l == s), "{shells}");
    }
    let subcommands = complete("app-netutil ''");
    for s in [
        "show",
        "dpdk-args",
        "exec",
        "inject",
        "wait",
        "doctor",
        "env",
        "schema",
        "completions",
    ] {
        assert!(subcommands.lines().any(|l| l == s), "{s}: {subcommands}");
    }
}

#[test]
fn zsh_completion_loads_through_compinit() {
    if !have("zsh") {
        return skip("zsh not installed: zsh completion not tested");
    }
    let dir = tempfile::tempdir().unwrap();
    let script = Command::new(bin())
        .args(["completions", "zsh"])
        .output()
        .unwrap();
    let text = ok(&script);
    assert!(text.starts_with("#compdef app-netutil"), "{text}");
    std::fs::write(dir.path().join("_app-netutil"), &text).unwrap();
    ok(&shell("zsh", &["-f", "-n"], &text));
    let out = ok(&shell(
        "zsh",
        &["-f"],
        &format!(
            "fpath=({} $fpath); autoload -U compinit; compinit -u -D; print -r -- ${{_comps[app-netutil]}}",
            dir.path().display()
        ),
    ));
    assert_eq!(out.trim(), "_app-netutil");
}

#[test]
fn fish_completion_loads_and_completes() {
    if !have("fish") {
        return skip("fish not installed: fish completion not tested");
    }
    let out = ok(&shell(
        "fish",
        &["--no-config"],
        "app-netutil completions fish | source; complete -C'app-netutil inj'; complete -C'app-netutil inject --ch'",
    ));
    let words: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert!(words.contains(&"inject"), "{out}");
    assert!(words.contains(&"--check"), "{out}");
}

#[test]
fn man_pages_for_every_subcommand_render() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .arg("man")
        .arg(dir.path().join("man1"))
        .output()
        .unwrap();
    ok(&out);
    let mut pages: Vec<String> = std::fs::read_dir(dir.path().join("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    let subcommands = [
        "completions",
        "doctor",
        "dpdk-args",
        "env",
        "exec",
        "inject",
        "schema",
        "show",
        "wait",
    ];
    let mut want: Vec<String> = subcommands
        .iter()
        .map(|s| format!("app-netutil-{s}.1"))
        .collect();
    want.push("app-netutil.1".into());
    want.sort();
    assert_eq!(pages, want);
    // Written again over the old pages: the same files.
    ok(&Command::new(bin())
        .arg("man")
        .arg(dir.path().join("man1"))
        .output()
        .unwrap());
    assert_eq!(
        std::fs::read_dir(dir.path().join("man1")).unwrap().count(),
        want.len()
    );

    if !have("man") {
        return skip("man not installed: the pages were not rendered");
    }
    for page in &pages {
        let path = dir.path().join("man1").join(page);
        let out = Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANWIDTH", "100")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        let text = ok(&out);
        // Justified text: compare with single spaces.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("warning"), "{page}: {stderr}");
        let name = page.trim_end_matches(".1");
        assert!(text.contains("NAME"), "{page}: {text}");
        assert!(
            text.contains(&format!("{name} - ")) || text.contains(&format!("{name} \\- ")),
            "{page}: {text}"
        );
        assert!(text.contains("SYNOPSIS"), "{page}");
    }
    let main = dir.path().join("man1/app-netutil.1");
    let text = ok(&Command::new("man")
        .arg("-l")
        .arg(&main)
        .env("MANPAGER", "cat")
        .output()
        .unwrap());
    for s in subcommands {
        assert!(text.contains(&format!("app-netutil-{s}(1)")), "{s}: {text}");
    }
    assert!(
        !text.contains("app-netutil-man"),
        "the hidden subcommand has no page: {text}"
    );
}
