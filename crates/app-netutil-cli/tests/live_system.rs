//! Tests on the real machine (they need root): the CLI binary runs inside a
//! real cpuset cgroup, next to a real hugetlbfs mount and inside a real
//! hugetlb cgroup, and its live report (`--root /`) must show them.
//!
//! They change the machine, so a plain `cargo test` does not run them:
//! each is `#[ignore]`d with the reason, and `scripts/test` runs them as
//! root with `cargo test -- --include-ignored`.
//!
//! Everything created is removed again by Drop guards, also when an
//! assertion fails. Where the machine refuses (not root, no cgroup
//! controller, EPERM, no 2 MiB hugepages), a test prints `SKIP: <why>` to
//! standard error and returns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failure should panic

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_app-netutil");

fn skip(why: &str) {
    eprintln!("SKIP: {why}");
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

fn read_trim(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

fn cpus(path: &Path) -> Option<Vec<u32>> {
    app_netutil::internal::cpulist::parse(&read_trim(path)?).ok()
}

/// Runs `sh -c` with the CLI as `$0`, after writing the shell's pid into
/// `procs` (the child then `exec`s into the CLI inside that cgroup). `Err`
/// when the kernel refused to move the shell.
fn run_in_cgroup(procs: &Path, prefix: &str) -> Result<Value, String> {
    let script = format!(
        "echo $$ > '{}' || exit 97; exec {prefix} \"$0\" show --json -q",
        procs.display()
    );
    let out = Command::new("sh")
        .args(["-c", &script, BIN])
        .output()
        .expect("sh runs");
    if out.status.code() == Some(97) {
        return Err(format!(
            "cannot move a process into {}: {}",
            procs.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    assert!(
        out.status.success(),
        "{script}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout).expect("the report is JSON"))
}

fn warnings(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect()
}

/// Removes a cgroup directory (retrying while the kernel finishes the exit
/// of its last task), and undoes controller changes made for it.
struct CgroupGuard {
    dir: PathBuf,
    /// `cgroup.subtree_control` file and the controller enabled for the
    /// test, to disable again afterwards.
    enabled: Option<(PathBuf, String)>,
}

impl Drop for CgroupGuard {
    fn drop(&mut self) {
        for _ in 0..50 {
            if fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        if self.dir.exists() {
            eprintln!("warning: could not remove {}", self.dir.display());
        }
        if let Some((file, ctrl)) = &self.enabled {
            // Fails harmlessly when other cgroups still use it.
            let _ = fs::write(file, format!("-{ctrl}"));
        }
    }
}

/// Where a cpuset cgroup can be created: (cgroup v1?, directory).
fn cpuset_hierarchy() -> Option<(bool, PathBuf)> {
    let v1 = PathBuf::from("/sys/fs/cgroup/cpuset");
    if v1.join("cpuset.cpus").exists() {
        return Some((true, v1));
    }
    let v2 = PathBuf::from("/sys/fs/cgroup");
    let controllers = read_trim(&v2.join("cgroup.controllers"))?;
    controllers
        .split_whitespace()
        .any(|c| c == "cpuset")
        .then_some((false, v2))
}

/// Creates a cpuset cgroup with `cpu_list`; `Err` with the reason to skip.
fn make_cpuset_cgroup(tag: &str, cpu_list: &str) -> Result<(CgroupGuard, PathBuf), String> {
    let (v1, parent) = cpuset_hierarchy().ok_or("no cpuset controller (v1 or v2)")?;
    let mut enabled = None;
    if !v1 {
        let ctl = parent.join("cgroup.subtree_control");
        let on = read_trim(&ctl).unwrap_or_default();
        if !on.split_whitespace().any(|c| c == "cpuset") {
            fs::write(&ctl, "+cpuset")
                .map_err(|e| format!("enabling cpuset in {}: {e}", ctl.display()))?;
            enabled = Some((ctl, "cpuset".to_owned()));
        }
    }
    let dir = parent.join(format!("app-netutil-test-{tag}-{}", std::process::id()));
    fs::create_dir(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    let guard = CgroupGuard {
        dir: dir.clone(),
        enabled,
    };
    let write = |name: &str, value: &str| {
        fs::write(dir.join(name), value)
            .map_err(|e| format!("{}/{name} = {value}: {e}", dir.display()))
    };
    if v1 {
        let mems = read_trim(&parent.join("cpuset.mems")).unwrap_or_else(|| "0".into());
        write("cpuset.mems", &mems)?;
    }
    write("cpuset.cpus", cpu_list)?;
    let procs = if v1 {
        dir.join("tasks")
    } else {
        dir.join("cgroup.procs")
    };
    Ok((guard, procs))
}

fn available_cpus() -> Option<Vec<u32>> {
    let (v1, parent) = cpuset_hierarchy()?;
    let file = if v1 {
        "cpuset.effective_cpus"
    } else {
        "cpuset.cpus.effective"
    };
    cpus(&parent.join(file)).filter(|c| !c.is_empty())
}

#[test]
#[ignore = "needs root: creates a cpuset cgroup on this machine (scripts/test runs it as root)"]
fn cpuset_cgroup_limited_to_one_cpu() {
    if !is_root() {
        return skip("not root: cannot create a cpuset cgroup");
    }
    let Some(available) = available_cpus() else {
        return skip(
            "no cpuset controller with CPUs (v1 /sys/fs/cgroup/cpuset or v2 /sys/fs/cgroup)",
        );
    };
    let cpu = *available.last().unwrap();
    let (guard, procs) = match make_cpuset_cgroup("one-cpu", &cpu.to_string()) {
        Ok(g) => g,
        Err(why) => return skip(&why),
    };
    let report = match run_in_cgroup(&procs, "") {
        Ok(r) => r,
        Err(why) => return skip(&why),
    };
    let c = &report["cpus"];
    assert_eq!(c["list"], serde_json::json!([cpu]), "{report:#}");
    assert_eq!(c["cpuset"], cpu.to_string());
    assert_eq!(c["source"], "affinity");
    let w = warnings(&report);
    assert!(!w.iter().any(|w| w.contains("disagree")), "{w:#?}");
    let online = cpus(Path::new("/sys/devices/system/cpu/online")).unwrap();
    assert_eq!(c["exclusive"], Value::Bool(online.len() > 1), "{report:#}");
    if Path::new("/sys/devices/system/node/node0").exists() {
        let nodes = c["numa-nodes"].as_object().unwrap();
        let holding: Vec<_> = nodes
            .values()
            .filter(|v| v.as_array().unwrap().contains(&Value::from(cpu)))
            .collect();
        assert_eq!(holding.len(), 1, "{report:#}");
    }
    drop(guard);
}

/// The affinity narrowed inside a wider cpuset: the process's cgroup
/// directory is found through /proc/self/cgroup and mountinfo, and the
/// difference is a warning naming its cpuset file.
#[test]
#[ignore = "needs root: creates a cpuset cgroup on this machine (scripts/test runs it as root)"]
fn affinity_narrower_than_cpuset_cgroup() {
    if !is_root() {
        return skip("not root: cannot create a cpuset cgroup");
    }
    let Some(available) = available_cpus() else {
        return skip("no cpuset controller with CPUs");
    };
    if available.len() < 2 {
        return skip("fewer than 2 CPUs: the affinity cannot be narrower than the cgroup");
    }
    if Command::new("taskset").arg("--version").output().is_err() {
        return skip("taskset (util-linux) is not installed");
    }
    let pair = &available[available.len() - 2..];
    let list = app_netutil::report::format_cpulist(pair);
    let (guard, procs) = match make_cpuset_cgroup("narrow", &list) {
        Ok(g) => g,
        Err(why) => return skip(&why),
    };
    let narrow = pair[1];
    let report = match run_in_cgroup(&procs, &format!("taskset -c {narrow}")) {
        Ok(r) => r,
        Err(why) => return skip(&why),
    };
    let c = &report["cpus"];
    assert_eq!(c["list"], serde_json::json!([narrow]), "{report:#}");
    assert_eq!(c["source"], "affinity");
    let name = guard.dir.file_name().unwrap().to_str().unwrap().to_owned();
    let w = warnings(&report);
    assert!(
        w.iter().any(|w| w.contains("disagree")
            && w.contains(&format!("/{name}/cpuset."))
            && w.contains(&format!("says {list}"))),
        "no disagreement warning naming the cgroup {name}: {w:#?}"
    );
    drop(guard);
}

/// Unmounts a mount point on drop.
struct MountGuard(PathBuf);

impl Drop for MountGuard {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// Restores a sysfs/procfs value on drop.
struct RestoreGuard {
    file: PathBuf,
    value: String,
}

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        if let Err(e) = fs::write(&self.file, &self.value) {
            eprintln!(
                "warning: could not restore {} to {}: {e}",
                self.file.display(),
                self.value
            );
        }
    }
}

#[test]
#[ignore = "needs root: mounts hugetlbfs and grows the 2 MiB hugepage pool (scripts/test runs it as root)"]
fn hugetlbfs_mount_and_pool() {
    if !is_root() {
        return skip("not root: cannot mount hugetlbfs");
    }
    let pool = PathBuf::from("/sys/kernel/mm/hugepages/hugepages-2048kB");
    if !pool.exists() {
        return skip("the kernel has no 2 MiB hugepages");
    }
    let tmp = tempfile::tempdir().unwrap();
    // A space in the mount point: mountinfo escapes it as \040.
    let point = tmp.path().canonicalize().unwrap().join("huge pages");
    fs::create_dir(&point).unwrap();
    let out = Command::new("mount")
        .args(["-t", "hugetlbfs", "-o", "pagesize=2M", "app-netutil-test"])
        .arg(&point)
        .output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return skip(&format!(
                "mount -t hugetlbfs refused: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Err(e) => return skip(&format!("mount: {e}")),
    }
    let _mount = MountGuard(point.clone());

    // Reserve a few pages if the kernel allows it.
    let nr_file = pool.join("nr_hugepages");
    let before: u64 = read_trim(&nr_file).unwrap().parse().unwrap();
    let _restore = RestoreGuard {
        file: nr_file.clone(),
        value: before.to_string(),
    };
    let reserved = match fs::write(&nr_file, (before + 4).to_string()) {
        Ok(()) => read_trim(&nr_file).unwrap().parse::<u64>().unwrap(),
        Err(e) => {
            eprintln!("note: could not reserve hugepages ({e}); checking the mount only");
            before
        }
    };

    let out = Command::new(BIN)
        .args(["show", "--json", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hp = &report["hugepages"];
    let path = point.to_str().unwrap();
    let mounts = hp["mounts"].as_array().unwrap();
    assert!(
        mounts.contains(&serde_json::json!({"path": path, "page-size": "2Mi"})),
        "{path} not among {mounts:#?}"
    );
    let p = &hp["host-pools"]["2Mi"];
    let total = p["total"].as_u64().unwrap();
    let free = p["free"].as_u64().unwrap();
    assert!(free <= total, "{p}");
    // Other processes may resize the pool concurrently: compare only when
    // it did not change around the run.
    let after: u64 = read_trim(&nr_file).unwrap().parse().unwrap();
    if after == reserved {
        assert_eq!(total, reserved, "{p}");
    } else {
        eprintln!("note: the 2 MiB pool changed during the test ({reserved} -> {after})");
    }
    if Path::new("/sys/devices/system/node/node0/hugepages/hugepages-2048kB").exists() {
        let nodes = p["numa-nodes"].as_object().unwrap();
        assert!(!nodes.is_empty(), "{p}");
        let sum: u64 = nodes.values().map(|n| n["total"].as_u64().unwrap()).sum();
        assert_eq!(sum, total, "per-node totals add up: {p}");
    }
}

/// Finds a hierarchy with the hugetlb controller: (v1?, mount point).
fn hugetlb_hierarchy() -> Option<(bool, PathBuf)> {
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mut v2 = None;
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let point = left.split(' ').nth(4)?;
        let mut r = right.split(' ');
        let (fstype, _src, opts) = (r.next()?, r.next()?, r.next().unwrap_or(""));
        if point.contains('\\') {
            continue;
        }
        if fstype == "cgroup" && opts.split(',').any(|o| o == "hugetlb") {
            return Some((true, PathBuf::from(point)));
        }
        if fstype == "cgroup2" && v2.is_none() {
            let ctl = read_trim(&Path::new(point).join("cgroup.controllers")).unwrap_or_default();
            if ctl.split_whitespace().any(|c| c == "hugetlb") {
                v2 = Some((false, PathBuf::from(point)));
            }
        }
    }
    v2
}

#[test]
#[ignore = "needs root: creates a hugetlb cgroup on this machine (scripts/test runs it as root)"]
fn hugetlb_cgroup_limit() {
    if !is_root() {
        return skip("not root: cannot create a hugetlb cgroup");
    }
    if !Path::new("/sys/kernel/mm/hugepages/hugepages-2048kB").exists() {
        return skip("the kernel has no 2 MiB hugepages");
    }
    let Some((v1, parent)) = hugetlb_hierarchy() else {
        return skip("no hugetlb cgroup controller mounted");
    };
    let mut enabled = None;
    if !v1 {
        let ctl = parent.join("cgroup.subtree_control");
        let on = read_trim(&ctl).unwrap_or_default();
        if !on.split_whitespace().any(|c| c == "hugetlb") {
            if let Err(e) = fs::write(&ctl, "+hugetlb") {
                return skip(&format!("enabling hugetlb in {}: {e}", ctl.display()));
            }
            enabled = Some((ctl, "hugetlb".to_owned()));
        }
    }
    let dir = parent.join(format!("app-netutil-test-hugetlb-{}", std::process::id()));
    if let Err(e) = fs::create_dir(&dir) {
        drop(CgroupGuard {
            dir: PathBuf::new(),
            enabled,
        });
        return skip(&format!("mkdir {}: {e}", dir.display()));
    }
    let guard = CgroupGuard {
        dir: dir.clone(),
        enabled,
    };
    let (file, procs) = if v1 {
        ("hugetlb.2MB.limit_in_bytes", "tasks")
    } else {
        ("hugetlb.2MB.max", "cgroup.procs")
    };
    if let Err(e) = fs::write(dir.join(file), (6u64 << 20).to_string()) {
        return skip(&format!("{}/{file}: {e}", dir.display()));
    }
    let report = match run_in_cgroup(&dir.join(procs), "") {
        Ok(r) => r,
        Err(why) => return skip(&why),
    };
    let limits = &report["hugepages"]["cgroup-limit-mib"];
    // The parent is the hierarchy's root here (no limit files) or a cgroup
    // of this test process that does not limit 2 MiB pages further.
    assert_eq!(limits["2Mi"], 6, "{report:#}");
    drop(guard);
}
