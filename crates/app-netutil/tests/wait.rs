//! `wait`: late network-status written the way kubelet's atomic writer does
//! it, the settle time, the timeout and the polling fallback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use app_netutil::Options;
use app_netutil::report::Source;
use app_netutil::wait::{self, WaitError, WaitOptions, WatchMode, Watcher};

const NETWORKS: &str = r#"k8s.v1.cni.cncf.io/networks="sriov-a""#;

fn status(mac: &str) -> String {
    let json = format!(
        r#"[{{"name":"ovn","interface":"eth0","ips":["10.128.2.15"],"default":true,"dns":{{}}}},{{"name":"default/sriov-a","interface":"net1","mac":"{mac}","dns":{{}},"device-info":{{"type":"pci","version":"1.1.0","pci":{{"pci-address":"0000:3b:02.6"}}}}}}]"#
    );
    // Go %q of the JSON: only `"` needs escaping here.
    format!(
        "k8s.v1.cni.cncf.io/network-status=\"{}\"\n{NETWORKS}",
        json.replace('"', "\\\"")
    )
}

/// A pod root with an environment naming one SR-IOV device.
fn pod_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let proc = dir.path().join("proc/self");
    std::fs::create_dir_all(&proc).unwrap();
    std::fs::write(
        proc.join("environ"),
        b"HOSTNAME=pod-1\0PCIDEVICE_INTEL_COM_SRIOV_A=0000:3b:02.6\0",
    )
    .unwrap();
    std::fs::write(proc.join("status"), "Name:\tapp\nCpus_allowed_list:\t2-3\n").unwrap();
    dir
}

fn podinfo(root: &Path) -> PathBuf {
    root.join("etc/podnetinfo")
}

static SEQ: AtomicU32 = AtomicU32::new(0);

/// Writes `files` into the downward-API directory `dir` as kubelet's
/// AtomicWriter does: a new timestamped directory, a `..data_tmp` link to
/// it renamed over `..data`, visible names as links into `..data`, the old
/// timestamped directory removed.
fn kubelet_write(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    let seq = SEQ.fetch_add(1, Ordering::SeqCst);
    let ts = format!("..2026_03_02_14_07_{:02}.{}", seq % 60, 1_000_000 + seq);
    std::fs::create_dir(dir.join(&ts)).unwrap();
    for (name, content) in files {
        std::fs::write(dir.join(&ts).join(name), content).unwrap();
    }
    let old = std::fs::read_link(dir.join("..data")).ok();
    symlink(&ts, dir.join("..data_tmp")).unwrap();
    std::fs::rename(dir.join("..data_tmp"), dir.join("..data")).unwrap();
    for (name, _) in files {
        let visible = dir.join(name);
        if std::fs::symlink_metadata(&visible).is_err() {
            symlink(format!("..data/{name}"), &visible).unwrap();
        }
    }
    if let Some(old) = old {
        std::fs::remove_dir_all(dir.join(old)).unwrap();
    }
}

fn opts(root: &Path) -> Options {
    Options::new().root(root)
}

fn mac_of_net1(report: &app_netutil::Report) -> Option<String> {
    report
        .interfaces
        .iter()
        .find(|i| i.interface.as_deref() == Some("net1"))
        .and_then(|i| i.mac.clone())
}

/// Runs `f` on a thread after `delay`; the thread returns when it started
/// `f` (the data cannot be there before that).
fn later(delay: Duration, f: impl FnOnce() + Send + 'static) -> thread::JoinHandle<Instant> {
    thread::spawn(move || {
        thread::sleep(delay);
        let at = Instant::now();
        f();
        at
    })
}

#[test]
fn returns_after_the_late_annotation_and_the_settle_time() {
    let root = pod_root();
    let dir = podinfo(root.path());
    kubelet_write(&dir, &[("annotations", NETWORKS)]);
    let writer = {
        later(Duration::from_millis(400), move || {
            kubelet_write(&dir, &[("annotations", &status("4a:0b:3c:aa:bb:cc"))]);
        })
    };
    let settle = Duration::from_millis(300);
    let ready = wait::wait(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(settle),
    )
    .unwrap();
    let returned = Instant::now();
    let written = writer.join().unwrap();
    // Not before the data was there, and not before it settled.
    assert!(returned >= written + settle, "returned too early");
    // inotify noticed the ..data swap at once (the rescan is 2 s).
    assert!(
        returned < written + settle + Duration::from_millis(1800),
        "took {:?} after the write",
        returned - written
    );
    assert_eq!(ready.watcher, Watcher::Inotify);
    let report = &ready.report;
    assert_eq!(mac_of_net1(report).as_deref(), Some("4a:0b:3c:aa:bb:cc"));
    let net1 = &report.interfaces[1];
    assert!(net1.has_source(Source::NetworkStatus));
    assert_eq!(net1.device_id.as_deref(), Some("0000:3b:02.6"));
}

#[test]
fn a_change_during_the_settle_time_restarts_it() {
    let root = pod_root();
    let dir = podinfo(root.path());
    kubelet_write(&dir, &[("annotations", &status("02:00:00:00:00:01"))]);
    let start = Instant::now();
    let writer = {
        later(Duration::from_millis(300), move || {
            kubelet_write(&dir, &[("annotations", &status("02:00:00:00:00:02"))]);
        })
    };
    let settle = Duration::from_millis(800);
    let ready = wait::wait(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(settle),
    )
    .unwrap();
    let returned = Instant::now();
    let written = writer.join().unwrap();
    // The first version was complete, but it changed 300 ms in: the settle
    // time started again, and the second version is the answer.
    assert!(
        written < start + settle,
        "the change came after the settle time"
    );
    assert!(returned >= written + settle);
    assert_eq!(
        mac_of_net1(&ready.report).as_deref(),
        Some("02:00:00:00:00:02")
    );
    assert!(ready.reads >= 3, "{} reads", ready.reads);
}

#[test]
fn timeout_says_what_is_missing() {
    let root = pod_root();
    kubelet_write(&podinfo(root.path()), &[("annotations", NETWORKS)]);
    let start = Instant::now();
    let err = wait::wait(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_millis(500)))
            .settle(Duration::from_millis(100)),
    )
    .unwrap_err();
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let WaitError::Timeout {
        pending, report, ..
    } = &err
    else {
        panic!("{err}");
    };
    assert!(
        pending.iter().any(|p| p.contains("no network-status")),
        "{pending:?}"
    );
    // The device is not tied to an interface while network-status is absent.
    assert!(
        pending.iter().any(|p| p.contains("0000:3b:02.6")),
        "{pending:?}"
    );
    assert_eq!(report.as_ref().unwrap().interfaces.len(), 1);
    assert!(err.to_string().starts_with("timed out after 0."), "{err}");
}

#[test]
fn polling_picks_up_the_late_annotation() {
    let root = pod_root();
    let dir = podinfo(root.path());
    kubelet_write(&dir, &[("annotations", NETWORKS)]);
    let writer = {
        later(Duration::from_millis(300), move || {
            kubelet_write(&dir, &[("annotations", &status("4a:0b:3c:aa:bb:cc"))]);
        })
    };
    let settle = Duration::from_millis(200);
    let ready = wait::wait(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(settle)
            .poll_interval(Duration::from_millis(50))
            .watch(WatchMode::Poll),
    )
    .unwrap();
    let returned = Instant::now();
    let written = writer.join().unwrap();
    assert_eq!(ready.watcher, Watcher::Poll);
    assert!(returned >= written + settle);
    assert!(ready.reads >= 5, "polled {} times", ready.reads);
    assert_eq!(
        mac_of_net1(&ready.report).as_deref(),
        Some("4a:0b:3c:aa:bb:cc")
    );
}

#[test]
fn a_directory_that_appears_later_is_found() {
    let root = pod_root();
    let dir = podinfo(root.path());
    let writer = later(Duration::from_millis(300), move || {
        kubelet_write(&dir, &[("annotations", &status("4a:0b:3c:aa:bb:cc"))]);
    });
    let ready = wait::wait(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(Duration::from_millis(100))
            .poll_interval(Duration::from_millis(50)),
    )
    .unwrap();
    writer.join().unwrap();
    assert_eq!(ready.report.interfaces.len(), 2);
}

#[test]
fn an_explicit_directory_that_does_not_exist_yet_is_waited_for() {
    let root = pod_root();
    let dir = root.path().join("later/podnetinfo");
    let opts = Options::new().root(root.path()).podinfo_dir(&dir);
    let err = wait::wait(
        &opts,
        &WaitOptions::new().timeout(Some(Duration::from_millis(200))),
    )
    .unwrap_err();
    let WaitError::Timeout { pending, .. } = &err else {
        panic!("{err}");
    };
    assert!(pending[0].contains("does not exist"), "{pending:?}");
    let writer = later(Duration::from_millis(200), move || {
        kubelet_write(&dir, &[("annotations", &status("4a:0b:3c:aa:bb:cc"))]);
    });
    let ready = wait::wait(
        &opts,
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(Duration::from_millis(100))
            .poll_interval(Duration::from_millis(50)),
    )
    .unwrap();
    writer.join().unwrap();
    assert_eq!(
        mac_of_net1(&ready.report).as_deref(),
        Some("4a:0b:3c:aa:bb:cc")
    );
}

#[test]
fn without_network_status_a_device_on_its_own_is_the_answer() {
    let root = pod_root();
    let ready = wait::wait(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(Duration::from_millis(100))
            .require_network_status(false),
    )
    .unwrap();
    let ifaces = &ready.report.interfaces;
    assert_eq!(ifaces.len(), 1);
    assert_eq!(ifaces[0].interface, None);
    assert_eq!(ifaces[0].device_id.as_deref(), Some("0000:3b:02.6"));
}

#[test]
fn an_unusable_root_is_an_error_at_once() {
    let err = wait::wait(
        &Options::new().root("/no/such/pod/root"),
        &WaitOptions::new(),
    )
    .unwrap_err();
    assert!(matches!(err, WaitError::Collect(_)), "{err}");
}

/// `wait_with_progress` reports what is missing after each read, then an
/// empty list while the data settles; elapsed time and reads only grow.
#[test]
fn progress_says_what_is_awaited() {
    let root = pod_root();
    let dir = podinfo(root.path());
    kubelet_write(&dir, &[("annotations", NETWORKS)]);
    let writer = later(Duration::from_millis(300), move || {
        kubelet_write(&dir, &[("annotations", &status("4a:0b:3c:aa:bb:cc"))]);
    });
    let mut seen: Vec<(Duration, Vec<String>, u64)> = Vec::new();
    let ready = wait::wait_with_progress(
        &opts(root.path()),
        &WaitOptions::new()
            .timeout(Some(Duration::from_secs(20)))
            .settle(Duration::from_millis(200)),
        &mut |p| seen.push((p.elapsed, p.pending.to_vec(), p.reads)),
    )
    .unwrap();
    writer.join().unwrap();
    assert!(seen.len() >= 2, "{seen:?}");
    let (_, first, reads) = &seen[0];
    assert_eq!(*reads, 1);
    assert_eq!(
        first,
        &[
            "no network-status annotation in /etc/podnetinfo/annotations yet",
            "device 0000:3b:02.6 (PCIDEVICE_INTEL_COM_SRIOV_A) is not tied to an interface yet"
        ]
    );
    let (_, last, _) = seen.last().unwrap();
    assert!(last.is_empty(), "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].2 < w[1].2),
        "{seen:?}"
    );
    assert_eq!(seen.last().unwrap().2, ready.reads);
}
