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
use app_netutil_ctest::{ctest_ok, pods, run_ok, say};
use serde_json::Value;

fn collect(root: &Path) -> Report {
    app_netutil::collect(&Options::new().root(root)).unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

// ---- the dump format of tests/c/dump.c -------------------------------------

/// A string as dump.c prints it (after the C API replaced NUL by U+FFFD).
fn quote(s: &str) -> String {
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
                if k == "device-plugin-info" && !v.is_null() {
                    out.push(format!("{}={}", join(k), serde_json::to_string(v).unwrap()));
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
fn expected_dump(report: &Report, extra_warnings: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    flatten("", &serde_json::to_value(report).unwrap(), &mut lines);
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
    }
    lines.sort();
    lines
}

fn c_dump(args: &[&OsStr]) -> Vec<String> {
    let mut full: Vec<&OsStr> = vec![OsStr::new("dump")];
    full.extend_from_slice(args);
    let text = stdout(&ctest_ok(&full));
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

fn assert_same_lines(case: &str, got: &[String], want: &[String]) {
    if got != want {
        let g: BTreeSet<&String> = got.iter().collect();
        let w: BTreeSet<&String> = want.iter().collect();
        let missing: Vec<_> = w.difference(&g).take(10).collect();
        let extra: Vec<_> = g.difference(&w).take(10).collect();
        panic!(
            "{case}: C getters differ from the library\n  missing: {missing:#?}\n  extra: {extra:#?}"
        );
    }
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

/// A report with every optional part filled in (the NUMA, hugetlb and sysfs
/// details), read with `netutil_report_from_json`.
const FULL_REPORT: &str = r#"{
  "cpus": {"list": [2,3,34,35], "cpuset": "2-3,34-35", "source": "cgroup-v2",
    "numa-nodes": {"0": [2,34], "1": [3,35]}, "exclusive": true, "isolated": [3,35],
    "smt-siblings": [[2,34],[3,35]]},
  "hugepages": {"container": "app",
    "containers": [
      {"name": "", "request-mib": {"unspecified": 64}, "limit-mib": {}},
      {"name": "app", "request-mib": {"1Gi": 2048, "2Mi": 512}, "limit-mib": {"1Gi": 4096}},
      {"name": "side", "request-mib": {}, "limit-mib": {"32Mi": 96}}],
    "cgroup-limit-mib": {"1Gi": 4096, "2Mi": 1024},
    "mounts": [{"path": "/dev/hugepages", "page-size": "2Mi"},
               {"path": "/mnt/huge-1G", "page-size": "1Gi"}],
    "host-pools": {"2Mi": {"total": 1024, "free": 512,
                           "numa-nodes": {"0": {"total": 512, "free": 256}, "1": {"total": 512, "free": 256}}},
                   "1Gi": {"total": 8, "free": 4, "numa-nodes": {}}}},
  "interfaces": [
    {"interface": "net1", "network": "ns/sriov-a", "default": false, "device-type": "pci",
     "mac": "02:00:00:00:00:01", "ips": ["192.0.2.1/24", "2001:db8::1/64"], "mtu": 9000,
     "gateway": ["192.0.2.254"],
     "dns": {"nameservers": ["192.0.2.53"], "search": ["a.example", "b.example"],
             "options": ["ndots:2"], "domain": "example"},
     "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": "0000:3b:02.4",
       "vhost-net": "/dev/vhost-net", "rdma-device": "mlx5_2", "pf-pci-address": "0000:3b:00.0",
       "representor-device": "pf0vf4"}},
     "device-id": "0000:3b:02.4", "resource-env": "PCIDEVICE_X",
     "device-plugin-info": {"generic": {"deviceID": "0000:3b:02.4"},
                            "vfio": {"dev-mount": "/dev/vfio/169", "mount": "/dev/vfio/vfio"}},
     "pci-device": {"numa-node": 1, "driver": "vfio-pci", "iommu-group": 169,
                    "vfio-device": "/dev/vfio/169", "netdevs": ["ens1f0v4", "x\"y\\z\tw"],
                    "vendor": "0x8086", "device": "0x154c", "physfn": "0000:3b:00.0"},
     "sources": ["network-status", "device-plugin-env", "sysfs"]},
    {"interface": "net2", "network": null, "default": false, "device-type": "vdpa",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "vdpa", "version": "1.1.0", "vdpa": {"parent-device": "vdpa3",
       "driver": "vhost", "path": "/dev/vhost-vdpa-0", "pci-address": "0000:af:00.2",
       "pf-pci-address": "0000:af:00.0", "representor-device": "eth7"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": {"numa-node": null, "driver": null, "iommu-group": null, "vfio-device": null,
                    "netdevs": [], "vendor": null, "device": null, "physfn": null},
     "sources": ["networks-status"]},
    {"interface": null, "network": null, "default": false, "device-type": "auxiliary",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": null, "device-id": "mlx5_core.sf.4", "resource-env": "PCIDEVICE_SF",
     "device-plugin-info": null, "pci-device": null, "sources": ["device-plugin-env"]},
    {"interface": "vu0", "network": "vhost", "default": false, "device-type": "vhost-user",
     "mac": null, "ips": [], "mtu": 1500, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "vhost-user", "version": null,
                     "vhost-user": {"mode": "server", "path": "/run/vu0.sock"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null, "pci-device": null,
     "sources": ["userspace-cni"]},
    {"interface": "mif0", "network": "memif", "default": false, "device-type": "memif",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "memif", "version": "1.0.0",
                     "memif": {"role": "master", "mode": "inject-punt", "path": "/run/mif0.sock"}},
     "device-id": null, "resource-env": null, "device-plugin-info": null, "pci-device": null,
     "sources": ["userspace-cni", "positional"]},
    {"interface": "eth0", "network": "ovn", "default": true, "device-type": "host",
     "mac": null, "ips": ["10.0.0.1"], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": null, "device-id": null, "resource-env": null, "device-plugin-info": null,
     "pci-device": null, "sources": ["network-status"]},
    {"interface": "weird", "network": null, "default": false, "device-type": "unknown",
     "mac": null, "ips": [], "mtu": null, "gateway": [],
     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
     "device-info": {"type": "fpga", "version": "1.0.0"},
     "device-id": null, "resource-env": null, "device-plugin-info": null, "pci-device": null,
     "sources": ["network-status"]}],
  "warnings": ["one", "two \u00e9"]
}"#;

#[test]
fn every_getter_on_a_report_with_every_field() {
    let report = Report::from_json(FULL_REPORT).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    std::fs::write(&file, FULL_REPORT).unwrap();
    let got = c_dump(&[OsStr::new("--json"), file.as_os_str()]);
    let want = expected_dump(&report, &[]);
    // Parts a fixture pod cannot show yet.
    for line in [
        "cpus.numa-nodes.1[1]=35",
        "cpus.isolated[1]=35",
        "cpus.smt-siblings[1][0]=3",
        "hugepages.containers[0].request-mib.unspecified=64",
        "hugepages.cgroup-limit-mib.2Mi=1024",
        "hugepages.mounts[1].path=\"/mnt/huge-1G\"",
        "hugepages.host-pools.2Mi.numa-nodes.1.free=256",
        "interfaces[0].pci-device.numa-node=1",
        "interfaces[0].pci-device.netdevs[1]=\"x\\\"y\\\\z\\x09w\"",
        "interfaces[1].pci-device.numa-node=null",
        "interfaces[0].device-info.pci.representor-device=\"pf0vf4\"",
        "interfaces[1].device-info.vdpa.parent-device=\"vdpa3\"",
        "interfaces[1].x.socket-path=\"/dev/vhost-vdpa-0\"",
        "interfaces[3].device-info.version=null",
        "x.own-container=\"app\"",
    ] {
        assert!(want.iter().any(|l| l == line), "{line} not expected");
    }
    assert_same_lines("FULL_REPORT", &got, &want);
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
    let (_, eal) = dpdk::collect_eal_args(&Options::new().root(root).dpdk(opts)).unwrap();
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
    ctest_ok(&[OsStr::new("null-args")]);
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
    run_ok(Command::new(&exe).arg("null-args"));
    let root = pods().join("devinfo_pci_full");
    let got = stdout(&run_ok(Command::new(&exe).arg("dump").arg(&root)));
    let mut got: Vec<String> = got.lines().map(str::to_owned).collect();
    got.sort();
    assert_same_lines("shared", &got, &expected_dump(&collect(&root), &[]));
}
