//! The C API from C: every getter against the Rust library on every fixture
//! pod, EAL argv, threads, NULL arguments, logging, errors and the exported
//! symbols. Each C test runs as a process of its own (`tests/c/*.c`,
//! linked against `libappnetutil.a`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use app_netutil::dpdk::{self, DpdkOptions, DpdkVersion};
use app_netutil::{Options, PageSize, Report};
use app_netutil_ctest::{assert_same_lines, ctest_ok, expected_dump, pods, run_ok, say};

fn collect(root: &Path) -> Report {
    app_netutil::collect(&Options::new().root(root)).unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn c_dump(args: &[&OsStr]) -> Vec<String> {
    let mut full: Vec<&OsStr> = vec![OsStr::new("dump")];
    full.extend_from_slice(args);
    let text = stdout(&ctest_ok(&full));
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

fn every_pod() -> Vec<std::path::PathBuf> {
    let mut cases: Vec<_> = std::fs::read_dir(pods())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.txt").is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_getter_matches_the_library_on_every_fixture_pod() {
    let cases = every_pod();
    assert!(cases.len() > 60, "{} pods", cases.len());
    let mut types = BTreeSet::new();
    for case in &cases {
        let report = collect(case);
        for it in &report.interfaces {
            types.insert(it.device_type.as_str());
        }
        let got = c_dump(&[case.as_os_str()]);
        assert_same_lines(
            &case.display().to_string(),
            &got,
            &expected_dump(&report, &[]),
        );
    }
    // The pods cover every device type.
    assert_eq!(types.len(), 7, "{types:?}");
}

#[test]
fn the_json_is_what_app_netutil_show_json_prints() {
    for case in [
        "clean_full_pod",
        "devinfo_pci_full",
        "long_lists_64_interfaces",
    ] {
        let root = pods().join(case);
        let got = stdout(&ctest_ok(&[OsStr::new("json"), root.as_os_str()]));
        // `app-netutil show --json` prints `to_json_pretty()` and a newline.
        let mut want = collect(&root).to_json_pretty();
        want.push('\n');
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn long_lists_through_count_and_index() {
    let root = pods().join("long_lists_64_interfaces");
    let out = ctest_ok(&[OsStr::new("long-lists"), root.as_os_str()]);
    assert!(stdout(&out).contains("64 interfaces"));
}

#[test]
fn nul_bytes_become_u_fffd_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let status = r#"[{"name":"ns/a\u0000b","interface":"net\u00001","dns":{"nameservers":["1.1.1.1\u0000"]},"device-info":{"type":"memif","version":"1.0.0","memif":{"role":"slave","path":"/run/m\u0000.sock"}}}]"#;
    let quoted = status.replace('\\', "\\\\").replace('"', "\\\"");
    std::fs::create_dir_all(root.join("etc/podnetinfo")).unwrap();
    std::fs::write(
        root.join("etc/podnetinfo/annotations"),
        format!("k8s.v1.cni.cncf.io/network-status=\"{quoted}\"\n"),
    )
    .unwrap();
    let report = collect(root);
    assert_eq!(report.interfaces[0].interface.as_deref(), Some("net\u{0}1"));
    let repaired: Vec<String> = [
        "interfaces[0].interface",
        "interfaces[0].network",
        "interfaces[0].dns.nameservers[0]",
        "interfaces[0].device-info.memif.path",
    ]
    .iter()
    .map(|f| format!("{f}: contains a NUL byte, which a C string cannot hold; the C API gives U+FFFD in its place (the JSON keeps it)"))
    .collect();
    let got = c_dump(&[root.as_os_str()]);
    assert_same_lines("NUL pod", &got, &expected_dump(&report, &repaired));
    assert!(got.contains(&"interfaces[0].interface=\"net\u{FFFD}1\"".to_owned()));
    // The JSON keeps the NUL, escaped.
    let json = stdout(&ctest_ok(&[OsStr::new("json"), root.as_os_str()]));
    assert!(json.contains(r#""interface": "net\u00001""#), "{json}");
}

// ---- EAL arguments -------------------------------------------------------

fn lines(out: &std::process::Output) -> Vec<String> {
    stdout(out).lines().map(str::to_owned).collect()
}

#[test]
fn eal_argv_is_mutable_null_terminated_and_freed_after_permutation() {
    for case in [
        "clean_full_pod",
        "devinfo_vhostuser_server_memif_slave",
        "long_lists_64_interfaces",
    ] {
        let root = pods().join(case);
        let got = lines(&ctest_ok(&[OsStr::new("argv"), root.as_os_str()]));
        let eal = dpdk::eal_args(
            &collect(&root),
            &DpdkOptions::new()
                .no_huge(true)
                .memory_mib(64)
                .file_prefix("ctest"),
        )
        .unwrap();
        let mut want = vec!["ctest-app".to_owned()];
        want.extend(eal.args);
        assert_eq!(got, want, "{case}");
    }
}

fn rust_eal(root: &Path, opts: DpdkOptions) -> Vec<String> {
    let (_, eal) = app_netutil::collect_eal_args(&Options::new().root(root).dpdk(opts)).unwrap();
    let mut out = eal.args;
    out.extend(eal.warnings.iter().map(|w| format!("warning: {w}")));
    out
}

#[test]
fn every_dpdk_option_reaches_the_eal_arguments() {
    let root = pods().join("clean_full_pod");
    let c = |mode: &str| {
        lines(&ctest_ok(&[
            OsStr::new("options"),
            root.as_os_str(),
            OsStr::new(mode),
        ]))
    };
    let all = DpdkOptions::new()
        .version(DpdkVersion::new(22, 11))
        .network("sriov-net-a")
        .interface("net1")
        .devargs("net1", "rxq_cqe_comp_en=1")
        .lcore_count(2)
        .max_lcore(5)
        .main_cpu(5)
        .page_size(PageSize::parse("1Gi").unwrap())
        .memory_mib(1024)
        .huge_dir("/mnt/huge")
        .in_memory(true)
        .file_prefix("pfx")
        .extra_args(["--log-level=8", "-n", "4"]);
    let got = c("all");
    assert_eq!(got, rust_eal(&root, all));
    for want in [
        "--lcores=0@5,1@4",
        "--in-memory",
        "--file-prefix=pfx",
        "0000:3b:02.6,rxq_cqe_comp_en=1",
        "-n",
    ] {
        assert!(
            got.iter().any(|a| a.contains(want)),
            "{want} not in {got:?}"
        );
    }
    let got = c("hostname");
    assert_eq!(
        got,
        rust_eal(&root, DpdkOptions::new().hostname("my-pod").no_huge(true))
    );
    assert!(
        got.contains(&"--file-prefix=my-pod_dpdk-app".to_owned()),
        "{got:?}"
    );
    // Defaults: the host name comes from the pod, as collect_eal_args does.
    let default = c("default");
    assert_eq!(default, rust_eal(&root, DpdkOptions::new()));
    assert!(
        default
            .iter()
            .any(|a| a.starts_with("--file-prefix=dpdk-app-")),
        "{default:?}"
    );
    assert_eq!(c("reset"), default);
}

/// EAL arguments as lines: the arguments, then `warning: ` lines, or one
/// `error: ` line (what `ctest options ROOT default` prints).
fn eal_lines(eal: Result<dpdk::EalArgs, dpdk::DpdkError>) -> Vec<String> {
    match eal {
        Ok(eal) => {
            let mut out = eal.args;
            out.extend(eal.warnings.iter().map(|w| format!("warning: {w}")));
            out
        }
        Err(e) => vec![format!("error: {e}")],
    }
}

/// The differential test of the three ways to get EAL arguments, on every
/// fixture pod with the default options: the library reading the pod (what
/// `app-netutil dpdk-args` does), the library on the report saved as JSON
/// and read back (what `dpdk-args --report` does), and the C ABI's argv.
/// The file prefix, which needs the pod's host name, is the part that used
/// to differ. (`crates/app-netutil-cli/tests/differential.rs` compares the
/// command itself, live and with `--report`.)
#[test]
fn eal_arguments_are_the_same_from_the_pod_a_saved_report_and_the_c_abi() {
    let cases = every_pod();
    let mut prefixes = 0;
    for case in &cases {
        let name = case.display().to_string();
        let opts = Options::new().root(case);
        let live = eal_lines(app_netutil::collect_eal_args(&opts).map(|(_, e)| e));
        let saved = Report::from_json(&collect(case).to_json_pretty()).unwrap();
        let from_saved = eal_lines(dpdk::eal_args(&saved, &DpdkOptions::new()));
        assert_eq!(live, from_saved, "{name}: live pod vs saved report");
        let c = lines(&ctest_ok(&[
            OsStr::new("options"),
            case.as_os_str(),
            OsStr::new("default"),
        ]));
        assert_eq!(c, live, "{name}: C ABI vs library");
        if live.iter().any(|a| a.starts_with("--file-prefix=")) {
            prefixes += 1;
        }
    }
    // Most pods get a derived prefix; the comparison covers it.
    assert!(prefixes > cases.len() / 2, "{prefixes} of {}", cases.len());
}

// ---- threads ---------------------------------------------------------------

#[test]
fn eight_threads_collect_a_thousand_times_each_with_identical_results() {
    let root = pods().join("clean_full_pod");
    let out = ctest_ok(&[
        OsStr::new("threads"),
        root.as_os_str(),
        OsStr::new("8"),
        OsStr::new("1000"),
    ]);
    say!("{}", stdout(&out).trim());
}

#[test]
fn the_library_starts_no_thread() {
    let root = pods().join("long_lists_64_interfaces");
    let out = ctest_ok(&[
        OsStr::new("thread-count"),
        root.as_os_str(),
        OsStr::new("200"),
    ]);
    assert!(stdout(&out).contains("threads before: 1, after 200 collections: 1"));
}

// ---- NULL, errors, logging -------------------------------------------------

/// The names of the functions `appnetutil.h` declares.
fn header_functions() -> BTreeSet<String> {
    let h = std::fs::read_to_string(app_netutil_ctest::include_dir().join("appnetutil.h")).unwrap();
    let mut names = BTreeSet::new();
    for line in h.lines() {
        let t = line.trim_start();
        if t.starts_with('*')
            || t.starts_with('/')
            || t.starts_with('#')
            || t.starts_with("typedef")
        {
            continue;
        }
        if let Some(open) = line.find('(') {
            if let Some(name) = line[..open].split([' ', '*']).next_back() {
                if name.starts_with("netutil_") {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn null_arguments_to_every_entry_point() {
    let root = pods().join("long_lists_64_interfaces");
    ctest_ok(&[OsStr::new("null-args"), root.as_os_str()]);
    // The C test calls every function of the header.
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/null.c"))
            .unwrap();
    let functions = header_functions();
    assert!(functions.len() > 130, "{}", functions.len());
    let missing: Vec<_> = functions
        .iter()
        .filter(|f| !source.contains(&format!("{f}(")))
        .collect();
    assert!(missing.is_empty(), "null.c does not call {missing:?}");
}

#[test]
fn every_failure_has_its_status_and_message() {
    let root = pods().join("clean_full_pod");
    ctest_ok(&[OsStr::new("errors"), root.as_os_str()]);
}

#[test]
fn logging_levels_callback_file_and_stderr() {
    let root = pods().join("devinfo_pci_full");
    let dir = tempfile::tempdir().unwrap();
    let out = ctest_ok(&[
        OsStr::new("logging"),
        root.as_os_str(),
        dir.path().as_os_str(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    // Only the last step writes to standard error, at info level.
    assert!(
        err.contains("app-netutil: info: found 3 interfaces"),
        "{err}"
    );
    assert!(!err.contains("debug:"), "{err}");
    assert!(err.lines().all(|l| l.starts_with("app-netutil: ")), "{err}");
}

// ---- the shared library ------------------------------------------------------

#[test]
fn the_shared_library_exports_exactly_the_header_functions() {
    let so = app_netutil_ctest::shared_lib();
    let nm = match Command::new("nm")
        .arg("-D")
        .arg("--defined-only")
        .arg(&so)
        .output()
    {
        Ok(o) if o.status.success() => o,
        _ => {
            say!("SKIP: nm (binutils) not found: exported symbols not checked");
            return;
        }
    };
    let exported: BTreeSet<String> = stdout(&nm)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .map(str::to_owned)
        .collect();
    let declared = header_functions();
    let extra: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(
        extra.is_empty(),
        "exported but not in the header: {extra:?}"
    );
    assert!(
        missing.is_empty(),
        "in the header but not exported: {missing:?}"
    );

    let readelf = run_ok(Command::new("readelf").arg("-d").arg(&so));
    let want = format!(
        "Library soname: [libappnetutil.so.{}]",
        appnetutil::NETUTIL_ABI_VERSION
    );
    assert!(stdout(&readelf).contains(&want), "{}", stdout(&readelf));
}

#[test]
fn a_program_linked_against_the_shared_library_runs() {
    let so = app_netutil_ctest::shared_lib();
    let dir = tempfile::tempdir().unwrap();
    // The loader looks for the SONAME.
    std::os::unix::fs::symlink(
        &so,
        dir.path().join(format!(
            "libappnetutil.so.{}",
            appnetutil::NETUTIL_ABI_VERSION
        )),
    )
    .unwrap();
    std::os::unix::fs::symlink(&so, dir.path().join("libappnetutil.so")).unwrap();
    let exe = dir.path().join("ctest-shared");
    run_ok(
        Command::new(app_netutil_ctest::cc())
            .arg("-pthread")
            .arg("-o")
            .arg(&exe)
            .arg(app_netutil_ctest::archive())
            .arg(format!("-L{}", dir.path().display()))
            .arg("-lappnetutil")
            .arg(format!("-Wl,-rpath,{}", dir.path().display())),
    );
    let ldd = run_ok(Command::new("ldd").arg(&exe));
    assert!(
        stdout(&ldd).contains("libappnetutil.so.0 =>"),
        "{}",
        stdout(&ldd)
    );
    run_ok(
        Command::new(&exe)
            .arg("null-args")
            .arg(pods().join("long_lists_64_interfaces")),
    );
    let root = pods().join("devinfo_pci_full");
    let got = stdout(&run_ok(Command::new(&exe).arg("dump").arg(&root)));
    let mut got: Vec<String> = got.lines().map(str::to_owned).collect();
    got.sort();
    assert_same_lines("shared", &got, &expected_dump(&collect(&root), &[]));
}
