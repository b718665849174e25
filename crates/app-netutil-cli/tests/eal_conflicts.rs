//! Issue 16, item 7: every pair of the options `dpdk-args` offers, run
//! through the installed DPDK's EAL option parser (`dpdk-testpmd`).
//!
//! For each option alone and each pair, on a pod made for this machine
//! (two of its CPUs, 64 MiB of 2 MiB hugepages requested, one vhost-user
//! device, which brings `--single-file-segments`), `app-netutil
//! dpdk-args --format json` gives the arguments and their warnings, and
//! testpmd runs them with `-- --help` (it prints its usage and exits once
//! EAL is up; without hugepages EAL stops earlier, after the options are
//! checked). The test asserts:
//!
//! - the options of `dpdk-args` themselves never produce arguments EAL
//!   refuses (`--no-huge --in-memory` becomes `--no-huge --no-shconf`);
//! - with extra arguments (`--eal-arg`), EAL refuses exactly the argument
//!   lists the library warned about as conflicting, so no conflict goes
//!   unwarned and no warning is false;
//! - a pair the command line itself refuses exits with status 2 and says
//!   why.
//!
//! About 150 short testpmd runs, well under two minutes; run it (like
//! `cargo test --workspace`) under `flock /tmp/netutil-heavy.lock` on a
//! shared machine. Without `dpdk-testpmd` it prints `SKIP:` and returns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/dpdk.rs"]
mod support;

use support::{Proc, RuntimeDirs, remove_runtime_dir};

macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// A pod on CPUs `cpus` with a 64 MiB 2 MiB-page grant and one vhost-user
/// device (client, a socket nobody serves).
fn pod(dir: &Path, hostname: &str, cpus: (u32, u32)) -> PathBuf {
    let root = dir.join("pod");
    let status = serde_json::json!([
        {"name": "ovn-kubernetes", "interface": "eth0", "ips": ["10.128.2.15"],
         "mac": "0a:58:0a:80:02:0f", "default": true, "dns": {}},
        {"name": "default/vhost-a", "interface": "net1", "dns": {},
         "device-info": {"type": "vhost-user", "version": "1.1.0",
             "vhost-user": {"mode": "client", "path": dir.join("vhost.sock").display().to_string()}}}
    ]);
    let quoted = status
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    write(
        &root.join("etc/podnetinfo/annotations"),
        format!("k8s.v1.cni.cncf.io/network-status=\"{quoted}\"\n").as_bytes(),
    );
    for f in ["hugepages_2M_request_app", "hugepages_2M_limit_app"] {
        write(&root.join("etc/podnetinfo").join(f), b"64\n");
    }
    write(
        &root.join("proc/self/status"),
        format!("Name:\tapp\nCpus_allowed_list:\t{},{}\n", cpus.0, cpus.1).as_bytes(),
    );
    write(
        &root.join("proc/self/environ"),
        format!("HOSTNAME={hostname}\0CONTAINER_NAME=app\0").as_bytes(),
    );
    root
}

/// Whether EAL refused the argument list while parsing it.
fn refused_by_eal(out: &str) -> bool {
    out.contains("Invalid 'command line' arguments") || out.contains("unrecognized option")
}

fn is_conflict_warning(w: &str) -> bool {
    w.contains("conflict: DPDK's EAL stops with")
}

/// Outcome of one combination.
#[derive(Debug, Default)]
struct Tally {
    runs: usize,
    cli_refused: usize,
    warned_and_refused: usize,
    accepted: usize,
    substituted: usize,
}

#[test]
fn every_pair_of_dpdk_args_options_passes_the_eal_parser_or_is_warned() {
    let Some(testpmd) = support::find_testpmd() else {
        say!("SKIP: dpdk-testpmd not installed: the EAL conflict matrix was not run");
        return;
    };
    let Some((c0, c1)) = support::two_cpus() else {
        say!("SKIP: the EAL conflict matrix needs two CPUs");
        return;
    };
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("an-eal-matrix-")
        .tempdir_in("/tmp")
        .unwrap();
    let host = format!("eal-matrix-{}", std::process::id());
    let prefix = format!("{host}-p");
    // EAL's runtime directories of the derived and the given prefix.
    let _dirs = RuntimeDirs(vec![format!("{host}_app"), prefix.clone()]);
    let root = pod(tmp.path(), &host, (c0, c1));
    let huge_dir = tmp.path().join("huge");
    std::fs::create_dir(&huge_dir).unwrap();
    let huge_dir = huge_dir.display().to_string();
    let (c1s, prefix_s) = (c1.to_string(), prefix.as_str());

    // The options of `dpdk-args` (each with a value that fits this pod),
    // then extra EAL arguments that touch the same EAL checks.
    let own: Vec<Vec<&str>> = vec![
        vec!["--lcore-count", "1"],
        vec!["--main-cpu", &c1s],
        vec!["--max-lcore", "1"],
        vec!["--memory", "64"],
        vec!["--page-size", "2Mi"],
        vec!["--huge-dir", &huge_dir],
        vec!["--in-memory"],
        vec!["--no-huge"],
        vec!["--file-prefix", prefix_s],
        vec!["--dpdk-version", "22.11"],
        vec!["--interface", "net1"],
        vec!["--devargs", "net1=queues=1"],
    ];
    let extra: Vec<Vec<&str>> = [
        "--eal-arg=--no-huge",
        "--eal-arg=--in-memory",
        "--eal-arg=--legacy-mem",
        "--eal-arg=--socket-mem=64",
        "--eal-arg=-m64",
        "--eal-arg=--huge-unlink",
        "--eal-arg=--match-allocations",
        "--eal-arg=--no-shconf",
    ]
    .iter()
    .map(|a| vec![*a])
    .collect();
    let all: Vec<&Vec<&str>> = own.iter().chain(&extra).collect();

    let mut combos: Vec<(Vec<&str>, bool)> = Vec::new();
    for (i, a) in all.iter().enumerate() {
        combos.push(((*a).clone(), i < own.len()));
        for (j, b) in all.iter().enumerate().skip(i + 1) {
            let mut v = (*a).clone();
            v.extend(b.iter());
            combos.push((v, j < own.len()));
        }
    }

    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for (opts, only_own) in &combos {
        tally.runs += 1;
        let out = Command::new(env!("CARGO_BIN_EXE_app-netutil"))
            .args(["dpdk-args", "-q", "--format", "json", "--root"])
            .arg(&root)
            .args(opts)
            .output()
            .unwrap();
        if !out.status.success() {
            // Refused by the command line: status 2 and a reason.
            let err = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(2) || err.trim().is_empty() {
                failures.push(format!(
                    "{opts:?}: dpdk-args failed: {:?} {err}",
                    out.status
                ));
            }
            tally.cli_refused += 1;
            continue;
        }
        let eal: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let args: Vec<String> = eal["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        let warnings: Vec<&str> = eal["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        if warnings.iter().any(|w| w.contains("--no-shconf instead")) {
            tally.substituted += 1;
        }
        let warned = warnings.iter().any(|w| is_conflict_warning(w));
        let mut p = Proc::spawn(
            "testpmd",
            Command::new(&testpmd).args(&args).args(["--", "--help"]),
        );
        p.finish(Duration::from_secs(20));
        let text = p.text();
        remove_runtime_dir(&format!("{host}_app"));
        remove_runtime_dir(&prefix);
        let refused = refused_by_eal(&text);
        if refused {
            tally.warned_and_refused += 1;
        } else {
            tally.accepted += 1;
        }
        let tail: String = text
            .lines()
            .filter(|l| l.starts_with("EAL:"))
            .take(8)
            .collect::<Vec<_>>()
            .join(" | ");
        if *only_own && refused {
            failures.push(format!(
                "{opts:?}: dpdk-args produced {args:?}, which EAL refuses: {tail}"
            ));
        } else if refused && !warned {
            failures.push(format!(
                "{opts:?}: EAL refuses {args:?} and no warning said so: {tail}"
            ));
        } else if warned && !refused {
            failures.push(format!(
                "{opts:?}: warned of a conflict in {args:?}, but EAL accepts them: {warnings:?}"
            ));
        }
    }
    say!(
        "EAL conflict matrix: {} combinations in {:.1} s: {} refused by the command line, {} accepted by EAL ({} with --no-shconf for --in-memory), {} warned and refused by EAL",
        tally.runs,
        started.elapsed().as_secs_f64(),
        tally.cli_refused,
        tally.accepted,
        tally.substituted,
        tally.warned_and_refused
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The matrix did reach both outcomes, and the substitution.
    assert!(tally.accepted > 0 && tally.warned_and_refused > 0 && tally.substituted > 0);
    assert!(tally.cli_refused > 0, "{tally:?}");
}
