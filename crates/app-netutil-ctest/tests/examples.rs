//! The examples, built with their own Makefiles against the libappnetutil
//! that cargo built for this crate:
//!
//! - `examples/c/app_sample` prints what `app-netutil show` prints, byte
//!   for byte, on every fixture pod and on pods derived from fixtures to
//!   reach what no fixture shows;
//! - `examples/dpdk/netutil_fwd` takes its EAL arguments from the library,
//!   starts DPDK and forwards packets from a `dpdk-testpmd` peer over memif
//!   (`--no-huge`, a pod root made here, bounded time, cleaned up).
//!
//! Without `make`, `pkg-config libdpdk` or `dpdk-testpmd` the tests that
//! need them print `SKIP:` and return.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use app_netutil::Options;
use app_netutil_ctest::{NATIVE_STATIC_LIBS, include_dir, pods, repo, run_ok, say, static_lib};

/// DPDK tests of this binary run one at a time (polling lcores starve each
/// other on a small machine).
#[path = "../../app-netutil-cli/tests/support/dpdk.rs"]
mod support;

use support::{Proc, RuntimeDirs, find_testpmd as testpmd, two_cpus};

static SERIAL: Mutex<()> = Mutex::new(());

fn have(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Builds an example with its Makefile into `out`, against this build's
/// header and static library.
fn make_example(dir: &str, out: &Path) {
    run_ok(
        Command::new("make")
            .arg("-s")
            .arg("-C")
            .arg(repo().join("examples").join(dir))
            .arg(format!("O={}", out.display()))
            .arg(format!("NETUTIL_CFLAGS=-I{}", include_dir().display()))
            .arg(format!(
                "NETUTIL_LIBS={} {}",
                static_lib().display(),
                NATIVE_STATIC_LIBS.join(" ")
            )),
    );
}

// ---- examples/c ------------------------------------------------------------

fn newest_source(dirs: &[PathBuf]) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(t) = e.metadata().and_then(|m| m.modified()) {
                newest = newest.max(t);
            }
        }
    }
    newest
}

/// The `app-netutil` binary of this target directory, when it is there and
/// newer than the sources (`cargo test --workspace` builds it first).
fn cli() -> Option<PathBuf> {
    let bin = app_netutil_ctest::deps_dir().join("../app-netutil");
    let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
    let sources = newest_source(&[
        repo().join("crates/app-netutil/src"),
        repo().join("crates/app-netutil-cli/src"),
    ]);
    match built {
        Some(t) if t >= sources => Some(bin),
        Some(_) => {
            say!(
                "SKIP: {} is older than its sources: app_sample not compared with it (cargo test --workspace builds it)",
                bin.display()
            );
            None
        }
        None => {
            say!(
                "SKIP: {} not built: app_sample not compared with it (cargo test --workspace builds it)",
                bin.display()
            );
            None
        }
    }
}

/// Runs `app_sample` and `app-netutil show` on `root` (with `--json` or
/// not) and asserts the same standard output, standard error and exit
/// status; returns the CLI's standard output.
fn compare(sample: &Path, cli: &Path, root: &Path, json: bool) -> String {
    let run = |exe: &Path| {
        let mut cmd = Command::new(exe);
        if exe != sample {
            cmd.arg("show");
        }
        cmd.arg("--root").arg(root);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let (c, r) = (run(sample), run(cli));
    assert_eq!(
        String::from_utf8_lossy(&c.stdout),
        String::from_utf8_lossy(&r.stdout),
        "{}",
        root.display()
    );
    assert_eq!(
        String::from_utf8_lossy(&c.stderr),
        String::from_utf8_lossy(&r.stderr),
        "{}",
        root.display()
    );
    assert_eq!(c.status.code(), r.status.code(), "{}", root.display());
    String::from_utf8_lossy(&r.stdout).into_owned()
}

/// Removes a file, symbolic link or directory tree of a copied pod.
fn remove(path: &Path) {
    let meta =
        std::fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if meta.is_dir() {
        std::fs::remove_dir_all(path).unwrap();
    } else {
        std::fs::remove_file(path).unwrap();
    }
}

/// Pods made from fixtures, each with what `show` prints only for it:
/// CPUs without NUMA nodes (isolated CPUs and cores on one line), a PCI
/// device with no driver and two netdevs, the cgroup v1 cpuset as the CPU
/// source, CPUs unknown, an empty CPU set.
fn variant_pods(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let copy = |fixture: &str, name: &str| {
        let to = dir.join(name);
        run_ok(
            Command::new("cp")
                .arg("-a")
                .arg(pods().join(fixture))
                .arg(&to),
        );
        to
    };
    let no_numa = copy("numa_256cpu_2node_smt", "no_numa");
    remove(&no_numa.join("sys/devices/system/node"));
    let vf = no_numa.join("sys/devices/pci0000:d7/0000:d7:00.0/0000:d8:02.0");
    remove(&vf.join("driver"));
    for netdev in ["ens1f0v0", "ens1f0v1"] {
        std::fs::create_dir_all(vf.join("net").join(netdev)).unwrap();
    }
    let v1 = copy("cgroupv1_bind_mounted_container", "cgroup_v1_source");
    remove(&v1.join("proc/self/status"));
    let unknown = copy("clean_full_pod", "cpus_unknown");
    for p in ["proc/self/status", "proc/self/cgroup", "sys/fs/cgroup"] {
        remove(&unknown.join(p));
    }
    let none = copy("clean_full_pod", "cpus_none");
    let status = none.join("proc/self/status");
    let text = std::fs::read_to_string(&status).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("Cpus_allowed_list:") {
                "Cpus_allowed_list:\t\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&status, text).unwrap();
    // Escape sequences, a C1 control and a bidi override in a network name,
    // an interface name and the container name: escaped on the terminal.
    let controls = copy("clean_full_pod", "control_characters");
    let annotations = controls.join("etc/podnetinfo/annotations");
    let text = std::fs::read_to_string(&annotations)
        .unwrap()
        .replace(r#"\"net1\""#, r#"\"net1\\u001b[2J\\u009b\\u202e\\n\""#)
        .replace("sriov-net-a", r"sriov\\u001b]0;t\\u0007");
    std::fs::write(&annotations, text).unwrap();
    let environ = controls.join("proc/self/environ");
    let text = std::fs::read_to_string(&environ)
        .unwrap()
        .replace("CONTAINER_NAME=dpdk-app", "CONTAINER_NAME=dpdk\u{1b}[5m");
    std::fs::write(&environ, text).unwrap();
    vec![
        (controls.clone(), r"  net1\x1b[2J\u{9b}\u{202e}\n  pci "),
        (controls.clone(), r"default/sriov\x1b]0;t\x07"),
        (controls, "this container is dpdk\\x1b[5m\n"),
        (
            no_numa.clone(),
            "\n  60-67,188-195; isolated 64-67,192-195; 8 cores: 60,188 61,189 ",
        ),
        (
            no_numa,
            " (no driver, NUMA 1, /dev/vfio/201, ens1f0v0 ens1f0v1, PF 0000:d8:00.0) ",
        ),
        (v1, "CPUs: 4-7 (4 CPUs, from the cgroup v1 cpuset)\n"),
        (unknown, "CPUs: unknown\n"),
        (none, "CPUs: none (0 CPUs, from "),
    ]
}

#[test]
fn app_sample_prints_what_app_netutil_show_prints() {
    if !have("make", "--version") {
        say!("SKIP: make not found: examples/c not built");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    make_example("c", out.path());
    let sample = out.path().join("app_sample");
    let cli = cli();
    let mut compared = 0;
    for case in std::fs::read_dir(pods()).unwrap() {
        let root = case.unwrap().path();
        // The JSON is the library's, byte for byte.
        let json = Command::new(&sample)
            .arg("--root")
            .arg(&root)
            .arg("--json")
            .output()
            .unwrap();
        let mut want = app_netutil::collect(&Options::new().root(&root))
            .unwrap()
            .to_json_pretty();
        want.push('\n');
        assert_eq!(
            String::from_utf8(json.stdout).unwrap(),
            want,
            "{}",
            root.display()
        );
        if let Some(cli) = &cli {
            for json in [false, true] {
                compare(&sample, cli, &root, json);
                compared += 1;
            }
        }
    }
    if let Some(cli) = &cli {
        assert!(compared > 100);
        let variants = tempfile::tempdir().unwrap();
        for (root, shows) in variant_pods(variants.path()) {
            let text = compare(&sample, cli, &root, false);
            assert!(
                text.contains(shows),
                "{}: {shows:?} not in\n{text}",
                root.display()
            );
        }
    }
    // Every field and the EAL arguments print too.
    let root = pods().join("devinfo_pci_full");
    let details = run_ok(
        Command::new(&sample)
            .args(["--details", "--eal", "--root"])
            .arg(&root),
    );
    let text = String::from_utf8(details.stdout).unwrap();
    for want in [
        "pci rdma-device            mlx5_2",
        "pci pf-pci-address         0000:3b:00.0",
        "EAL arguments: -l 4-7 --main-lcore=4",
        "-a 0000:3b:00.2",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    // The pod identity, routes and the vhost-user group.
    let root = pods().join("userspace_vhost_group_and_host_local_routes");
    let details = run_ok(
        Command::new(&sample)
            .args(["--details", "--root"])
            .arg(&root),
    );
    let text = String::from_utf8(details.stdout).unwrap();
    for want in [
        "    hostname                   dpdk-app-6f9c7d5b8-x2kqv\n",
        "    routes                     192.168.0.0/16 via 10.10.5.1\n",
        "                               3ffe:ffff:0:01ff::1/64\n",
        "    vhost-user group           hugetlbfs\n",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    // An unusable root: exit status 2 and one line, as the CLI.
    let bad = Command::new(&sample)
        .args(["--root", "/no/such/pod"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "app-netutil: pod root /no/such/pod: does not exist\n"
    );
}

// ---- examples/dpdk -----------------------------------------------------------

/// A pod whose net1 is a memif interface (role slave: the host side, here
/// testpmd, creates the socket) on CPUs `cpus`.
fn memif_pod(dir: &Path, sock: &Path, cpus: (u32, u32)) -> PathBuf {
    let root = dir.join("pod");
    let status = serde_json::json!([
        {"name": "ovn-kubernetes", "interface": "eth0", "ips": ["10.128.2.15"],
         "default": true, "dns": {}},
        {"name": "default/memif-net", "interface": "net1", "dns": {},
         "device-info": {"type": "memif", "version": "1.0.0",
           "memif": {"role": "slave", "mode": "ethernet", "path": sock.display().to_string()}}}
    ])
    .to_string();
    let quoted = status.replace('\\', "\\\\").replace('"', "\\\"");
    std::fs::create_dir_all(root.join("etc/podnetinfo")).unwrap();
    std::fs::create_dir_all(root.join("proc/self")).unwrap();
    std::fs::write(
        root.join("etc/podnetinfo/annotations"),
        format!("k8s.v1.cni.cncf.io/network-status=\"{quoted}\"\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("proc/self/status"),
        format!(
            "Name:\tnetutil_fwd\nCpus_allowed_list:\t{},{}\n",
            cpus.0, cpus.1
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("proc/self/environ"),
        "HOSTNAME=fwd-pod\0CONTAINER_NAME=app\0",
    )
    .unwrap();
    root
}

/// `port 0: RX-packets: N TX-packets: M ...` lines of netutil_fwd.
fn port_stats(out: &str) -> Vec<(u64, u64)> {
    out.lines()
        .filter(|l| l.starts_with("port "))
        .filter_map(|l| {
            let num = |key: &str| {
                l.split(key)
                    .nth(1)?
                    .split_whitespace()
                    .next()?
                    .parse::<u64>()
                    .ok()
            };
            Some((num("RX-packets: ")?, num("TX-packets: ")?))
        })
        .collect()
}

#[test]
fn dpdk_example_forwards_packets_from_a_testpmd_peer_over_memif() {
    if !have("pkg-config", "--version") || !have("make", "--version") {
        say!("SKIP: make or pkg-config not found: examples/dpdk not run");
        return;
    }
    if !Command::new("pkg-config")
        .args(["--exists", "libdpdk"])
        .status()
        .is_ok_and(|s| s.success())
    {
        say!(
            "SKIP: pkg-config libdpdk not found (apt-get install dpdk-dev): examples/dpdk not run"
        );
        return;
    }
    let Some(testpmd) = testpmd() else {
        say!("SKIP: dpdk-testpmd not found (apt-get install dpdk): examples/dpdk not run");
        return;
    };
    let Some((c0, c1)) = two_cpus() else {
        say!("SKIP: fewer than two CPUs: examples/dpdk not run");
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let started = Instant::now();
    // Short paths: UNIX socket paths must stay below 108 bytes.
    let tmp = tempfile::Builder::new()
        .prefix("an-fwd-")
        .tempdir_in("/tmp")
        .unwrap();
    make_example("dpdk", tmp.path());
    let sock = tmp.path().join("sock");
    let tag = std::process::id();
    let (peer_prefix, app_prefix) = (format!("fwd-peer-{tag}"), format!("fwd-app-{tag}"));
    let _runtime = RuntimeDirs(vec![peer_prefix.clone(), app_prefix.clone()]);

    // The peer: testpmd, memif server, sends first, forwards what it gets.
    let mut peer = Proc::spawn(
        "testpmd peer",
        Command::new(&testpmd)
            .arg("-l")
            .arg(format!("{c0},{c1}"))
            .arg(format!("--main-lcore={c0}"))
            .arg(format!("--file-prefix={peer_prefix}"))
            .args(["--no-huge", "-m", "256", "--no-pci"])
            .arg(format!(
                "--vdev=net_memif0,role=server,socket={},socket-abstract=no",
                sock.display()
            ))
            .args(["--", "--auto-start", "--tx-first", "--stats-period=1"])
            .args(["--no-mlockall", "--total-num-mbufs=8192"]),
    );
    let until = Instant::now() + Duration::from_secs(15);
    while !sock.exists() && !peer.exited() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(sock.exists(), "testpmd made no socket:\n{}", peer.text());

    // The app: its EAL arguments come from the library, from the pod root.
    let root = memif_pod(tmp.path(), &sock, (c0, c1));
    let mut app = Proc::spawn(
        "netutil_fwd",
        Command::new(tmp.path().join("netutil_fwd"))
            .arg("--root")
            .arg(&root)
            .args([
                "--no-huge",
                "--memory",
                "256",
                "--main-cpu",
                &c1.to_string(),
            ])
            .args(["--file-prefix", &app_prefix])
            .args(["--", "--seconds", "5", "--tx-first"]),
    );
    let ended = app.finish(Duration::from_secs(40));
    peer.finish(Duration::ZERO);
    let (app_out, peer_out) = (app.text(), peer.text());
    drop(app);
    drop(peer);
    let elapsed = started.elapsed();

    assert!(ended, "netutil_fwd did not end by itself:\n{app_out}");
    let eal_line = app_out
        .lines()
        .find(|l| l.starts_with("EAL arguments: "))
        .unwrap_or_else(|| panic!("no EAL arguments line:\n{app_out}"));
    for want in [
        format!("-l {c1} --main-lcore={c1}"),
        format!("--file-prefix={app_prefix}"),
        format!(
            "--vdev=net_memif0,socket={},role=client,socket-abstract=no",
            sock.display()
        ),
        "--no-huge".to_owned(),
    ] {
        assert!(eal_line.contains(&want), "{want} not in {eal_line}");
    }
    let stats = port_stats(&app_out);
    assert_eq!(stats.len(), 1, "one port expected:\n{app_out}");
    let (rx, tx) = stats[0];
    say!(
        "examples/dpdk: netutil_fwd received {rx} and sent {tx} packets over memif in {:.1} s",
        elapsed.as_secs_f64()
    );
    assert!(
        rx > 0 && tx > 0,
        "no traffic\n--- netutil_fwd:\n{app_out}\n--- testpmd:\n{peer_out}"
    );
    assert!(elapsed < Duration::from_secs(90), "took {elapsed:?}");
}
