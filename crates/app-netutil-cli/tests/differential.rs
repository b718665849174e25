//! The differential test of `app-netutil dpdk-args`: on every fixture pod,
//! reading the pod and reading the report that `show --json` saved from it
//! give the same arguments, warnings and exit status, and both are what the
//! library gives. (The C ABI's argv is compared with the library on every
//! pod in `crates/app-netutil-ctest/tests/c_api.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use app_netutil::Options;
use app_netutil::dpdk::DpdkOptions;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

fn pods() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.txt").is_file())
        .collect();
    cases.sort();
    cases
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    bin().args(args).output().unwrap()
}

/// Exit status, standard output and standard error.
fn outcome(o: &Output) -> (Option<i32>, String, String) {
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn dpdk_args_on_the_pod_equals_dpdk_args_on_its_saved_report() {
    let dir = tempfile::tempdir().unwrap();
    let cases = pods();
    assert!(cases.len() > 60, "{} pods", cases.len());
    // The default options, and a set that changes what is derived.
    let variants: [&[&str]; 2] = [&[], &["--no-huge", "--dpdk-version", "20.08"]];
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let show = run(&[
            "show".as_ref(),
            "--json".as_ref(),
            "--root".as_ref(),
            case.as_os_str(),
        ]);
        assert!(show.status.success(), "{name}: {show:?}");
        let saved = dir.path().join(format!("{name}.json"));
        std::fs::write(&saved, &show.stdout).unwrap();
        for extra in variants {
            let mut live: Vec<&std::ffi::OsStr> =
                vec!["dpdk-args".as_ref(), "--format".as_ref(), "json".as_ref()];
            live.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
            let mut from_report = live.clone();
            live.extend(["--root".as_ref(), case.as_os_str()]);
            from_report.extend(["--report".as_ref(), saved.as_os_str()]);
            let a = outcome(&run(&live));
            let b = outcome(&run(&from_report));
            assert_eq!(
                a, b,
                "{name} {extra:?}: the pod and its saved report differ"
            );
            if extra.is_empty() {
                // The library's own answer for the pod.
                let opts = Options::new().root(case).dpdk(DpdkOptions::new());
                match app_netutil::collect_eal_args(&opts) {
                    Ok((_, eal)) => {
                        assert_eq!(a.0, Some(0), "{name}: {a:?}");
                        let want = format!("{}\n", serde_json::to_string(&eal).unwrap());
                        assert_eq!(a.1, want, "{name}: the command and the library differ");
                    }
                    Err(e) => {
                        assert_ne!(a.0, Some(0), "{name}");
                        assert!(a.2.contains(&e.to_string()), "{name}: {a:?}");
                    }
                }
            }
        }
    }
}

/// A saved report carries the pod's identity, so the file prefix is the
/// live pod's: `<hostname>_<container>`.
#[test]
fn the_file_prefix_survives_the_saved_report() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pods/sample_deviceinfo_pci");
    let show = run(&[
        "show".as_ref(),
        "--json".as_ref(),
        "--root".as_ref(),
        case.as_os_str(),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("r.json");
    std::fs::write(&saved, &show.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["pod"]["hostname"], "dpdk-app-6f9c7d5b8-x2kqv");
    let out = run(&["dpdk-args".as_ref(), "--report".as_ref(), saved.as_os_str()]);
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.contains("--file-prefix=dpdk-app-6f9c7d5b8-x2kqv_dpdk-app "),
        "{line}"
    );
}
