//! Human output says what it means (issue 16): counts agree with their
//! nouns ("1 CPU", "1 annotation"), a program given to `exec` without
//! `--` gets a hint, a missing `--root` "does not exist", and an option
//! that an `--eal-arg` replaces is warned about.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

fn run(args: &[&str], root: Option<&Path>) -> Output {
    let mut c = bin();
    c.args(args);
    if let Some(root) = root {
        c.arg("--root").arg(root);
    }
    c.output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(path: &Path, data: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// A pod with one of everything: one CPU, one annotation (network-status
/// with one interface), one container with hugepages.
fn one_of_everything(dir: &Path) -> PathBuf {
    let root = dir.join("one");
    write(
        &root.join("proc/self/status"),
        "Name:\tapp\nCpus_allowed_list:\t3\n",
    );
    write(&root.join("proc/self/environ"), "CONTAINER_NAME=app\0");
    write(
        &root.join("etc/podnetinfo/annotations"),
        r#"k8s.v1.cni.cncf.io/network-status="[{\"name\":\"ovn-kubernetes\",\"interface\":\"eth0\",\"ips\":[\"10.128.2.15\"],\"default\":true}]""#,
    );
    write(
        &root.join("etc/podnetinfo/hugepages_1G_request_app"),
        "1024\n",
    );
    write(
        &root.join("etc/podnetinfo/hugepages_1G_limit_app"),
        "1024\n",
    );
    root
}

/// Words that end in `s` without being plurals.
const NOT_PLURALS: &[&str] = &["pass", "is", "was", "has", "does", "this"];

/// Every "1 <word>s" in `text` where the word is a plural noun.
fn one_with_plural(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        let word = pair[1].trim_end_matches([',', ')', ';', ':', '.']);
        if pair[0].trim_start_matches('(') == "1"
            && word.len() > 2
            && word.ends_with('s')
            && word.chars().all(|c| c.is_ascii_alphabetic())
            && !NOT_PLURALS.contains(&word)
        {
            found.push(format!("1 {word}"));
        }
    }
    found
}

#[test]
fn one_is_singular_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let root = one_of_everything(dir.path());
    let show = run(&["show", "-v"], Some(&root));
    let (out, err) = text(&show);
    assert!(
        out.contains("CPUs: 3 (1 CPU, from Cpus_allowed_list in /proc/self/status)"),
        "{out}"
    );
    assert!(
        err.contains("info: found 1 interface, 1 CPU, 1 container with hugepages"),
        "{err}"
    );
    let doctor = run(&["doctor"], Some(&root));
    let (out, _) = text(&doctor);
    assert!(
        out.contains("/etc/podnetinfo/annotations: 1 annotation\n"),
        "{out}"
    );
    assert!(
        out.contains("k8s.v1.cni.cncf.io/network-status lists 1 interface\n"),
        "{out}"
    );
    let dpdk = run(&["dpdk-args", "--lcore-count", "2"], Some(&root));
    let (_, err) = text(&dpdk);
    assert!(
        err.contains("2 lcores asked for but the pod has 1 CPU (3); using 1"),
        "{err}"
    );
    let wait = run(
        &["wait", "-v", "--settle", "0", "--without-network-status"],
        Some(&root),
    );
    let (_, err) = text(&wait);
    assert!(err.contains(" (1 read, "), "{err}");

    // Nothing else says "1 <plural>" either.
    for (cmd, out) in [
        ("show -v", show),
        ("doctor", doctor),
        ("dpdk-args", dpdk),
        ("wait -v", wait),
    ] {
        let (o, e) = text(&out);
        let bad = one_with_plural(&format!("{o}\n{e}"));
        assert!(bad.is_empty(), "{cmd}: {bad:?} in\n{o}\n{e}");
    }
}

#[test]
fn one_core_of_two_siblings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("smt");
    write(
        &root.join("proc/self/status"),
        "Name:\tapp\nCpus_allowed_list:\t2-3\n",
    );
    for cpu in [2, 3] {
        write(
            &root.join(format!(
                "sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list"
            )),
            "2-3\n",
        );
    }
    let (out, _) = text(&run(&["show", "-q"], Some(&root)));
    assert!(out.contains("  2-3; 1 core: 2-3\n"), "{out}");
}

/// The sweep's own check: it finds what it is meant to find.
#[test]
fn the_plural_sweep_finds_plurals() {
    assert_eq!(
        one_with_plural("found 1 interfaces, (1 CPUs, x): 1 pass 2 CPUs 1 CPU"),
        ["1 interfaces", "1 CPUs"]
    );
}

/// Every fixture pod, through every command with human output: no count
/// of 1 with a plural noun.
#[test]
fn no_fixture_output_says_one_with_a_plural() {
    let pods = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(pods)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() > 50);
    for case in &cases {
        for args in [&["show", "-v"][..], &["doctor"], &["dpdk-args", "-v"]] {
            let (out, err) = text(&run(args, Some(case)));
            let bad = one_with_plural(&format!("{out}\n{err}"));
            assert!(bad.is_empty(), "{args:?} {}: {bad:?}", case.display());
        }
    }
}

#[test]
fn exec_without_double_dash_says_where_the_program_goes() {
    let out = bin()
        .args(["exec", "dpdk-testpmd", "--auto-start"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert!(err.contains("unexpected argument 'dpdk-testpmd'"), "{err}");
    assert!(
        err.contains(
            "tip: put the program after `--`: app-netutil exec [OPTIONS] -- dpdk-testpmd [APP ARGS]"
        ),
        "{err}"
    );
    // After other options too.
    let out = bin()
        .args(["exec", "--no-huge", "testpmd", "--", "-i"])
        .output()
        .unwrap();
    let (_, err) = text(&out);
    assert!(
        err.contains("tip: put the program after `--`: app-netutil exec [OPTIONS] -- testpmd"),
        "{err}"
    );
    // Other subcommands and misspelt options keep clap's own message.
    let (_, err) = text(&bin().args(["show", "stray"]).output().unwrap());
    assert!(!err.contains("after `--`"), "{err}");
    let (_, err) = text(&bin().args(["exec", "--bogus"]).output().unwrap());
    assert!(!err.contains("put the program"), "{err}");
}

#[test]
fn a_missing_root_does_not_exist_and_a_file_is_not_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-pod");
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    for sub in ["show", "doctor", "dpdk-args", "env", "wait"] {
        let out = run(&[sub], Some(&missing));
        assert_eq!(out.status.code(), Some(2), "{sub}");
        assert_eq!(
            text(&out).1,
            format!(
                "app-netutil: pod root {}: does not exist\n",
                missing.display()
            ),
            "{sub}"
        );
        let out = run(&[sub], Some(&file));
        assert_eq!(out.status.code(), Some(2), "{sub}");
        assert_eq!(
            text(&out).1,
            format!(
                "app-netutil: pod root {}: not a directory\n",
                file.display()
            ),
            "{sub}"
        );
    }
    let root = one_of_everything(dir.path());
    let (_, err) = text(
        &bin()
            .args(["show", "--root"])
            .arg(&root)
            .arg("--podinfo-dir")
            .arg(&missing)
            .output()
            .unwrap(),
    );
    assert_eq!(
        err,
        format!(
            "app-netutil: downward-API directory {}: does not exist\n",
            missing.display()
        )
    );
    let (_, err) = text(
        &bin()
            .args(["show", "--root"])
            .arg(&root)
            .arg("--podinfo-dir")
            .arg(&file)
            .output()
            .unwrap(),
    );
    assert_eq!(
        err,
        format!(
            "app-netutil: downward-API directory {}: not a directory\n",
            file.display()
        )
    );
}

#[test]
fn main_cpu_replaced_by_an_eal_arg_is_warned_about() {
    let pod = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods/clean_full_pod");
    for (extra, given) in [
        (&["--eal-arg=-l", "--eal-arg=4-5"][..], "-l"),
        (&["--eal-arg=--lcores=0@4,1@5"], "--lcores=0@4,1@5"),
        (&["--eal-arg=-c", "--eal-arg=0x30"], "-c"),
        (&["--eal-arg=--main-lcore=4"], "--main-lcore=4"),
    ] {
        let mut args = vec!["dpdk-args", "--main-cpu", "5"];
        args.extend(extra);
        let out = run(&args, Some(&pod));
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let (stdout, err) = text(&out);
        assert!(
            err.contains(&format!(
                "app-netutil: warning: the main CPU 5 is not used: the extra EAL argument {given} chooses the lcores"
            )),
            "{args:?}: {err}"
        );
        assert!(!stdout.contains("--main-lcore=5"), "{stdout}");
        // With --strict the warning counts.
        let mut strict = args.clone();
        strict.push("--strict");
        assert_eq!(
            run(&strict, Some(&pod)).status.code(),
            Some(3),
            "{strict:?}"
        );
    }
    // Without the replacing argument: no warning, the main lcore is used.
    let out = run(&["dpdk-args", "--main-cpu", "5"], Some(&pod));
    let (stdout, err) = text(&out);
    assert!(stdout.contains("--main-lcore=5"), "{stdout}");
    assert!(!err.contains("is not used"), "{err}");
}
