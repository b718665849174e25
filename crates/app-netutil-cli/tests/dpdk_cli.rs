//! `app-netutil dpdk-args` and `app-netutil exec`, run as a user runs them.

// Test helpers outside #[test] functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const PCI_ARGS: [&str; 10] = [
    "-l",
    "4-7",
    "--main-lcore=4",
    "-m",
    "1024",
    "--file-prefix=dpdk-app-6f9c7d5b8-x2kqv_dpdk-app",
    "-a",
    "0000:01:02.5",
    "-a",
    "0000:01:0a.4",
];

#[test]
fn dpdk_args_formats() {
    let root = fixture("sample_deviceinfo_pci");
    let root = root.to_str().unwrap();
    let base = ["dpdk-args", "--root", root, "--memory", "1024"];

    let out = run(&base);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(text(&out.stdout), format!("{}\n", PCI_ARGS.join(" ")));
    assert_eq!(text(&out.stderr), "");

    let mut json = base.to_vec();
    json.extend(["--format", "json"]);
    let out = run(&json);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["args"], serde_json::json!(PCI_ARGS));
    assert_eq!(v["warnings"], serde_json::json!([]));

    let mut nul = base.to_vec();
    nul.extend(["--format", "nul"]);
    let out = run(&nul);
    let words: Vec<String> = text(&out.stdout)
        .split_terminator('\0')
        .map(str::to_owned)
        .collect();
    assert_eq!(words, PCI_ARGS);
}

#[test]
fn dpdk_args_options_and_old_release() {
    let root = fixture("devinfo_vhostuser_server_memif_slave");
    let out = run(&[
        "dpdk-args",
        "--root",
        root.to_str().unwrap(),
        "--dpdk-version",
        "20.08",
        "--interface",
        "net2",
        "--lcore-count",
        "2",
        "--main-cpu",
        "6",
        "--no-huge",
        "--memory",
        "256",
        "--file-prefix",
        "t1",
        "--devargs",
        "net2=rsize=11",
        "--eal-arg=--log-level=8",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        text(&out.stdout),
        "-l 4,6 --master-lcore=6 --no-huge -m 256 --file-prefix=t1 --vdev=net_memif0,socket=/var/lib/cni/usrspcni/memif-3f2a9c1d7e0b-net2.sock,role=slave,rsize=11 --no-pci --log-level=8\n"
    );
}

#[test]
fn dpdk_args_quotes_for_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let report = r#"{"cpus":null,"hugepages":{"container":null,"containers":[],"cgroup-limit-mib":{},"mounts":[],"host-pools":{}},
      "interfaces":[{"interface":"net1","network":null,"default":false,"device-type":"vhost-user","mac":null,"ips":[],"mtu":null,"gateway":[],
      "dns":{"nameservers":[],"search":[],"options":[],"domain":null},
      "device-info":{"type":"vhost-user","version":"1.0.0","vhost-user":{"mode":"client","path":"/run/my sock's dir/x.sock"}},
      "device-id":null,"resource-env":null,"device-plugin-info":null,"pci-device":null,"sources":["network-status"]}],"warnings":[]}"#;
    let path = dir.path().join("report.json");
    std::fs::write(&path, report).unwrap();
    let out = run(&[
        "dpdk-args",
        "-q",
        "--report",
        path.to_str().unwrap(),
        "--no-huge",
    ]);
    assert!(out.status.success(), "{out:?}");
    let line = text(&out.stdout);
    assert_eq!(
        line,
        "--no-huge --single-file-segments '--vdev=virtio_user0,path=/run/my sock'\\''s dir/x.sock' --no-pci\n"
    );
    // The shell gives back the original words.
    let echo = Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\n' {line}"))
        .output()
        .unwrap();
    assert_eq!(
        text(&echo.stdout),
        "--no-huge\n--single-file-segments\n--vdev=virtio_user0,path=/run/my sock's dir/x.sock\n--no-pci\n"
    );

    // The same report on standard input; warnings go to stderr.
    let mut child = bin()
        .args([
            "dpdk-args",
            "--report",
            "-",
            "--no-huge",
            "--format",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(report.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["args"][2],
        "--vdev=virtio_user0,path=/run/my sock's dir/x.sock"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("app-netutil: warning: the pod's CPUs are unknown"),
        "{err}"
    );
    assert!(
        err.contains("app-netutil: warning: neither the host name nor the container name"),
        "{err}"
    );
}

#[test]
fn dpdk_args_errors_and_strict() {
    let root = fixture("sample_deviceinfo_pci");
    let root = root.to_str().unwrap();
    let out = run(&["dpdk-args", "--root", root, "--network", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "app-netutil: network \"nope\" matches no interface of the pod\n"
    );
    assert!(out.stdout.is_empty());

    let out = run(&["dpdk-args", "--root", root, "--dpdk-version", "22"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected a release such as 22.11"));

    let out = run(&["dpdk-args", "--root", root, "--main-cpu", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "app-netutil: main CPU 1 is not one of the pod's CPUs (4-7)\n"
    );

    // No hugepages: a warning; --strict turns it into status 3, -q hides it.
    let out = run(&["dpdk-args", "--root", root, "--strict", "-q"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stderr.is_empty());
    assert!(!out.stdout.is_empty());
}

/// A stand-in DPDK program: writes its argv, one per line, and exits 7.
fn fake_program(dir: &Path) -> PathBuf {
    let prog = dir.join("fake-testpmd");
    std::fs::write(
        &prog,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexit 7\n",
            dir.join("argv").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).unwrap();
    prog
}

#[test]
fn exec_replaces_itself_with_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let prog = fake_program(dir.path());
    let root = fixture("sample_deviceinfo_pci");
    let out = run(&[
        "exec",
        "--root",
        root.to_str().unwrap(),
        "--memory",
        "1024",
        "--",
        prog.to_str().unwrap(),
        "--forward-mode=io",
        "a b",
    ]);
    // The program's exit status is ours: it replaced the process.
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let argv = std::fs::read_to_string(dir.path().join("argv")).unwrap();
    let mut want: Vec<&str> = PCI_ARGS.to_vec();
    want.extend(["--", "--forward-mode=io", "a b"]);
    assert_eq!(argv, format!("{}\n", want.join("\n")));

    // A `--` already written is not doubled; no app args: no `--`.
    let out = run(&[
        "exec",
        "-q",
        "--root",
        root.to_str().unwrap(),
        "--",
        prog.to_str().unwrap(),
        "--",
        "-i",
    ]);
    assert_eq!(out.status.code(), Some(7));
    let argv = std::fs::read_to_string(dir.path().join("argv")).unwrap();
    assert!(argv.ends_with("0000:01:0a.4\n--\n-i\n"), "{argv}");
    let out = run(&[
        "exec",
        "-q",
        "--root",
        root.to_str().unwrap(),
        "--",
        prog.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(7));
    let argv = std::fs::read_to_string(dir.path().join("argv")).unwrap();
    assert!(argv.ends_with("0000:01:0a.4\n"), "{argv}");
}

#[test]
fn exec_failures() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture("sample_deviceinfo_pci");
    let root = root.to_str().unwrap();
    let missing = dir.path().join("no-such-program");
    let out = run(&[
        "exec",
        "-q",
        "--root",
        root,
        "--",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(127));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("app-netutil: exec: cannot run "), "{err}");

    let plain = dir.path().join("not-executable");
    std::fs::write(&plain, "x").unwrap();
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&["exec", "-q", "--root", root, "--", plain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(126));

    // --strict with warnings: the program is not started.
    let prog = fake_program(dir.path());
    let out = run(&[
        "exec",
        "--strict",
        "--root",
        root,
        "--",
        prog.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!dir.path().join("argv").exists());
    assert!(text(&out.stderr).contains("not starting the program"));

    // No program at all is a usage error.
    let out = run(&["exec", "--root", root]);
    assert_eq!(out.status.code(), Some(2));
}
