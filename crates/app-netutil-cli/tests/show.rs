//! `app-netutil show` as a process: exit statuses, JSON, text, errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pods() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
        .args(args)
        .output()
        .expect("run app-netutil")
}

fn root(case: &str) -> String {
    pods().join(case).to_string_lossy().into_owned()
}

#[test]
fn json_for_every_fixture_exits_zero() {
    let mut cases: Vec<_> = std::fs::read_dir(pods())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for case in cases {
        let out = run(&["show", "--json", "--root", case.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}: {out:?}", case.display());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // Warnings go to stderr too, one line each.
        let warnings = doc["warnings"].as_array().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr.lines().filter(|l| l.contains("warning:")).count(),
            warnings.len()
        );
        // The table form works on every case as well.
        let out = run(&["show", "-q", "--root", case.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        assert!(out.stderr.is_empty());
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("Interfaces:")
        );
    }
}

#[test]
fn strict_turns_warnings_into_status_3() {
    let out = run(&[
        "show",
        "--json",
        "--strict",
        "--root",
        &root("more_pci_than_interfaces"),
    ]);
    assert_eq!(out.status.code(), Some(3));
    // The report is still printed.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["interfaces"].as_array().unwrap().len(), 4);
    let out = run(&["show", "--strict", "--root", &root("clean_full_pod")]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unusable_arguments_exit_2_with_one_line() {
    let out = run(&["show", "--root", "/no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/no/such/dir"));
    let out = run(&[
        "show",
        "--podinfo-dir",
        "/no/such/dir",
        "--root",
        &root("devinfo_memif"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["show", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn table_shows_the_essentials() {
    let out = run(&["show", "--root", &root("clean_full_pod")]);
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "CPUs: 4-7",
        "dpdk-app *",
        "1Gi",
        "2048",
        "net1",
        "0000:3b:02.6",
        "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK (by device-info)",
        "default/sriov-net-a",
        "4a:0b:3c:aa:bb:cc",
        "Warnings: 0",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let out = run(&[
        "show",
        "--root",
        &root("devinfo_vhostuser_server_memif_slave"),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("/var/lib/cni/usrspcni/3f2a9c1d7e0b-net1 (server)"),
        "{text}"
    );
    assert!(text.contains("(slave, ethernet)"), "{text}");
}

#[test]
fn verbose_logs_to_stderr() {
    let out = run(&["show", "-vv", "--json", "--root", &root("clean_full_pod")]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("debug: collecting from root"), "{err}");
    assert!(err.contains("info: found 2 interfaces"), "{err}");
}

#[test]
fn strict_passes_over_the_codes_allow_names() {
    // Two positional guesses (code guessed) and nothing else.
    let pod = root("mixed_default_two_sriov_one_resource");
    let json = run(&["show", "--json", "-q", "--root", &pod]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let codes: Vec<&str> = doc["warning-details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["guessed", "guessed"]);
    let status = |extra: &[&str]| {
        let mut args = vec!["show", "-q", "--root", &pod];
        args.extend_from_slice(extra);
        run(&args).status.code()
    };
    assert_eq!(status(&["--strict"]), Some(3));
    assert_eq!(status(&["--strict", "--allow", "guessed"]), Some(0));
    assert_eq!(status(&["--strict", "--allow", "dropped"]), Some(3));
    assert_eq!(
        status(&["--strict", "--allow", "dropped", "--allow", "guessed"]),
        Some(0)
    );
    // The same for dpdk-args, whose own EAL warnings have no code.
    let args = |extra: &[&str]| {
        let mut a = vec!["dpdk-args", "-q", "--root", &pod];
        a.extend_from_slice(extra);
        run(&a)
    };
    // This pod grants no hugepages: an EAL warning, which still counts.
    let loud = args(&["--strict", "--allow", "guessed"]);
    assert_eq!(loud.status.code(), Some(3));
    let mut no_q = vec!["dpdk-args", "--root", pod.as_str()];
    no_q.extend_from_slice(&["--strict", "--allow", "guessed"]);
    let stderr = String::from_utf8_lossy(&run(&no_q).stderr).into_owned();
    assert!(stderr.contains("no hugepages are granted"), "{stderr}");
    // With --no-huge there is none: only the allowed guesses remain.
    let quiet = args(&["--strict", "--allow", "guessed", "--no-huge"]);
    assert_eq!(
        quiet.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    // An unknown code, and --allow without --strict, are usage errors.
    let bad = run(&["show", "--strict", "--allow", "bogus", "--root", &pod]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the codes are missing, dropped"));
    assert_eq!(status(&["--allow", "guessed"]), Some(2));
}
