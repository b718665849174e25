//! End to end with the real DPDK: a "switch" started with plain
//! `dpdk-testpmd` and an "app" started only through
//! `app-netutil exec --root <pod> -- dpdk-testpmd ...`, connected by a
//! memif or vhost-user socket described in the app pod's device-info.
//! Both must receive packets. A PCI pod's arguments must pass the real EAL
//! option parser.
//!
//! The tests run one at a time (polling lcores starve each other on a
//! small machine), each under a minute, and clean up their processes,
//! sockets, hugetlbfs mount and hugepage reservation on every path.
//! The ordinary tests use `--no-huge` and leave the machine as it was; the
//! `*_on_real_hugepages` variants, `#[ignore]`d because they change the
//! machine (`scripts/test` runs them as root with `--include-ignored`),
//! grow the 2 MiB pool and use real hugepages on a private hugetlbfs mount
//! when the machine lets them (root, writable `nr_hugepages`, `mount`);
//! otherwise, or with `APP_NETUTIL_E2E_NO_HUGE=1`, they print a note and
//! use `--no-huge`. Without `dpdk-testpmd` they print `SKIP:` and return.

// Test helpers outside #[test] functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[path = "support/dpdk.rs"]
mod support;

use support::{Proc, RuntimeDirs, remove_runtime_dir};

static SERIAL: Mutex<()> = Mutex::new(());

/// Prints to the real standard error, past the test harness's capture, so
/// that SKIP and NOTE lines show in a normal `cargo test` run.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hugepage memory of each side, MiB.
const MEM_MIB: u64 = 128;
/// Every test must finish within this.
const BUDGET: Duration = Duration::from_secs(60);
/// testpmd's application arguments that keep its memory small.
const SMALL: [&str; 2] = ["--no-mlockall", "--total-num-mbufs=8192"];

fn testpmd() -> Option<PathBuf> {
    let found = support::find_testpmd();
    if found.is_none() {
        say!("SKIP: dpdk-testpmd not installed");
    }
    found
}

/// Two CPUs this test may run on.
fn two_cpus() -> Option<(u32, u32)> {
    let cpus = support::two_cpus();
    if cpus.is_none() {
        say!("SKIP: testpmd needs two lcores and this process may use one CPU only");
    }
    cpus
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|u| u.split_whitespace().nth(1))
            == Some("0")
    })
}

// ---- hugepages -----------------------------------------------------------

const POOL: &str = "/sys/kernel/mm/hugepages/hugepages-2048kB";

fn read_u64(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// A private hugetlbfs mount, unmounted (and the pages we added to the
/// pool given back) on drop.
struct HugeMount {
    dir: PathBuf,
    added: u64,
}

impl Drop for HugeMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
        give_back(self.added);
    }
}

fn give_back(added: u64) {
    if added > 0
        && let Some(nr) = read_u64(&format!("{POOL}/nr_hugepages"))
    {
        let _ = std::fs::write(
            format!("{POOL}/nr_hugepages"),
            nr.saturating_sub(added).to_string(),
        );
    }
}

enum Memory {
    Huge(HugeMount),
    NoHuge,
}

impl Memory {
    /// With `huge`, reserves enough 2 MiB pages for both sides and mounts
    /// a private hugetlbfs, or falls back to `--no-huge`; without, is
    /// `--no-huge` and leaves the machine alone.
    fn reserve(dir: &Path, huge: bool) -> Self {
        let fallback = |why: &str| {
            say!("NOTE: {why}: running testpmd with --no-huge");
            Self::NoHuge
        };
        if !huge {
            return fallback(
                "real hugepages are for the #[ignore]d *_on_real_hugepages tests (scripts/test as root)",
            );
        }
        if std::env::var_os("APP_NETUTIL_E2E_NO_HUGE").is_some() {
            return fallback("APP_NETUTIL_E2E_NO_HUGE is set");
        }
        if !is_root() {
            return fallback("not root, cannot reserve hugepages");
        }
        let need = 2 * MEM_MIB / 2 + 16;
        let (Some(free), Some(nr)) = (
            read_u64(&format!("{POOL}/free_hugepages")),
            read_u64(&format!("{POOL}/nr_hugepages")),
        ) else {
            return fallback("no 2 MiB hugepage pool");
        };
        let added = need.saturating_sub(free);
        if added > 0
            && std::fs::write(format!("{POOL}/nr_hugepages"), (nr + added).to_string()).is_err()
        {
            return fallback("cannot grow the 2 MiB hugepage pool");
        }
        if read_u64(&format!("{POOL}/free_hugepages")).unwrap_or(0) < need {
            give_back(added);
            return fallback("the kernel did not provide enough 2 MiB hugepages");
        }
        let mnt = dir.join("huge");
        let mounted = std::fs::create_dir(&mnt).is_ok()
            && Command::new("mount")
                .args(["-t", "hugetlbfs", "-o", "pagesize=2M", "nodev"])
                .arg(&mnt)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if !mounted {
            give_back(added);
            return fallback("cannot mount hugetlbfs");
        }
        say!(
            "NOTE: real 2 MiB hugepages on a private hugetlbfs at {}",
            mnt.display()
        );
        Self::Huge(HugeMount { dir: mnt, added })
    }

    /// The switch's memory arguments.
    fn switch_args(&self) -> Vec<String> {
        match self {
            Self::Huge(m) => vec![
                format!("--huge-dir={}", m.dir.display()),
                "-m".to_owned(),
                MEM_MIB.to_string(),
            ],
            Self::NoHuge => vec!["--no-huge".to_owned(), "-m".to_owned(), "256".to_owned()],
        }
    }

    /// app-netutil options for the app side: its memory comes from the
    /// pod's hugepage files; only the mount (or --no-huge) is given.
    fn app_netutil_args(&self) -> Vec<String> {
        match self {
            Self::Huge(m) => vec!["--huge-dir".to_owned(), m.dir.display().to_string()],
            Self::NoHuge => vec![
                "--no-huge".to_owned(),
                "--memory".to_owned(),
                "256".to_owned(),
            ],
        }
    }
}

// ---- processes -----------------------------------------------------------

/// The largest `RX-packets:` count testpmd printed.
fn rx_packets(out: &str) -> u64 {
    out.split("RX-packets:")
        .skip(1)
        .filter_map(|rest| {
            rest.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0)
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

// ---- pod roots -----------------------------------------------------------

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// A pod root directory: network-status with `device_infos` (interface
/// name, device-info JSON) after the default eth0, the CPUs, HOSTNAME and
/// CONTAINER_NAME, and a hugepage grant of `hugepages_mib` 2 MiB pages.
fn pod_root(
    dir: &Path,
    hostname: &str,
    cpus: (u32, u32),
    device_infos: &[(&str, serde_json::Value)],
    hugepages_mib: Option<u64>,
) -> PathBuf {
    let root = dir.join("pod");
    let mut status = vec![serde_json::json!({
        "name": "ovn-kubernetes", "interface": "eth0", "ips": ["10.128.2.15"],
        "mac": "0a:58:0a:80:02:0f", "default": true, "dns": {}
    })];
    for (i, (name, info)) in device_infos.iter().enumerate() {
        status.push(serde_json::json!({
            "name": format!("default/net-{i}"), "interface": name, "dns": {},
            "device-info": info
        }));
    }
    let value = serde_json::to_string(&status).unwrap();
    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
    write(
        &root.join("etc/podnetinfo/annotations"),
        format!("k8s.v1.cni.cncf.io/network-status=\"{quoted}\"\n").as_bytes(),
    );
    if let Some(mib) = hugepages_mib {
        for f in ["hugepages_2M_request_app", "hugepages_2M_limit_app"] {
            write(
                &root.join("etc/podnetinfo").join(f),
                format!("{mib}\n").as_bytes(),
            );
        }
    }
    write(
        &root.join("proc/self/status"),
        format!(
            "Name:\tdpdk-testpmd\nCpus_allowed_list:\t{},{}\n",
            cpus.0, cpus.1
        )
        .as_bytes(),
    );
    write(
        &root.join("proc/self/environ"),
        format!("HOSTNAME={hostname}\0CONTAINER_NAME=app\0").as_bytes(),
    );
    root
}

fn app_netutil() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

// ---- socket pairs ------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Link {
    Memif,
    VhostUser,
    /// A dra-driver-ovsdpdk port known only from a KEP-5304 metadata file:
    /// the pod is the vhost-user server, the switch the client.
    DraVhostUser,
}

impl Link {
    fn name(self) -> &'static str {
        match self {
            Self::Memif => "memif",
            Self::VhostUser => "vhost",
            Self::DraVhostUser => "dra-vhost",
        }
    }
}

fn socket_pair(link: Link, huge: bool) {
    let Some(testpmd) = testpmd() else { return };
    let Some((c0, c1)) = two_cpus() else { return };
    let _serial = serial();
    let started = Instant::now();
    let tag = format!("{}-{}", link.name(), std::process::id());
    // Short paths: UNIX socket paths must stay below 108 bytes.
    let tmp = tempfile::Builder::new()
        .prefix("an-e2e-")
        .tempdir_in("/tmp")
        .unwrap();
    let memory = Memory::reserve(tmp.path(), huge);
    let sock = tmp.path().join("sock");
    let sock_s = sock.display().to_string();
    let switch_prefix = format!("e2e-sw-{tag}");
    let app_prefix = format!("e2e-{tag}_app");
    let _runtime_dirs = RuntimeDirs(vec![switch_prefix.clone(), app_prefix.clone()]);

    // The switch: plain testpmd, server side of the socket.
    let mut sw_cmd = Command::new(&testpmd);
    sw_cmd
        .arg("-l")
        .arg(format!("{c0},{c1}"))
        .arg(format!("--main-lcore={c0}"))
        .arg(format!("--file-prefix={switch_prefix}"))
        .args(memory.switch_args())
        .arg("--no-pci");
    match link {
        Link::Memif => {
            sw_cmd.arg(format!(
                "--vdev=net_memif0,role=server,socket={sock_s},socket-abstract=no"
            ));
        }
        Link::VhostUser => {
            sw_cmd
                .arg(format!("--vdev=net_vhost0,iface={sock_s}"))
                .arg("--single-file-segments");
        }
        // OVS's dpdkvhostuserclient: the switch connects (and reconnects
        // until the app has created the socket).
        Link::DraVhostUser => {
            sw_cmd
                .arg(format!("--vdev=net_vhost0,iface={sock_s},client=1"))
                .arg("--single-file-segments");
        }
    }
    sw_cmd
        .args(["--", "--auto-start", "--stats-period=1"])
        // With the app as the vhost-user server, the app's one burst of 32
        // packets goes out before its receive queue is set up on the
        // switch's side, and the switch's echo of it is dropped (every run
        // without hugepages here); a burst from the switch too keeps
        // traffic going in both directions.
        .args(if matches!(link, Link::DraVhostUser) {
            &["--tx-first"][..]
        } else {
            &[][..]
        })
        .args(SMALL);
    let mut switch = Proc::spawn("switch", &mut sw_cmd);
    if !matches!(link, Link::DraVhostUser) {
        let until = Instant::now() + Duration::from_secs(15);
        while !sock.exists() && !switch.exited() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            sock.exists(),
            "the switch did not create {sock_s}:\n{}",
            tail(&switch.text())
        );
    }

    // The app: only through app-netutil exec, from its pod root.
    let info = match link {
        // The host side (our switch) creates the socket: the pod is slave.
        Link::Memif => serde_json::json!({
            "type": "memif", "version": "1.0.0",
            "memif": {"role": "slave", "mode": "ethernet", "path": sock_s}
        }),
        // The host side is the vhost-user server: the pod is a client.
        Link::VhostUser => serde_json::json!({
            "type": "vhost-user", "version": "1.0.0",
            "vhost-user": {"mode": "client", "path": sock_s}
        }),
        Link::DraVhostUser => serde_json::Value::Null,
    };
    let grant = matches!(memory, Memory::Huge(_)).then_some(MEM_MIB);
    let root = if matches!(link, Link::DraVhostUser) {
        dra_pod_root(tmp.path(), &format!("e2e-{tag}"), (c0, c1), &sock_s, grant)
    } else {
        pod_root(
            tmp.path(),
            &format!("e2e-{tag}"),
            (c0, c1),
            &[("net1", info)],
            grant,
        )
    };
    let mut app_cmd = app_netutil();
    app_cmd
        .args(["exec", "-v", "--root"])
        .arg(&root)
        .args(["--main-cpu", &c1.to_string()])
        .args(memory.app_netutil_args())
        .arg("--")
        .arg(&testpmd)
        .args(["--auto-start", "--tx-first", "--stats-period=1"])
        .args(SMALL);
    let mut app = Proc::spawn("app", &mut app_cmd);

    let until = started + Duration::from_secs(40);
    while Instant::now() < until && !switch.exited() && !app.exited() {
        if rx_packets(&switch.text()) > 0 && rx_packets(&app.text()) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    app.stop(Duration::from_secs(5));
    switch.stop(Duration::from_secs(5));
    let (sw_out, app_out) = (switch.text(), app.text());
    drop(app);
    drop(switch);
    remove_runtime_dir(&switch_prefix);
    remove_runtime_dir(&app_prefix);
    drop(memory);
    let tmp_path = tmp.path().to_path_buf();
    drop(tmp);
    assert!(!tmp_path.exists(), "{} left behind", tmp_path.display());
    let elapsed = started.elapsed();

    let exec_line = app_out
        .lines()
        .find(|l| l.starts_with("app-netutil: info: exec "))
        .unwrap_or_else(|| panic!("no exec line from app-netutil:\n{}", tail(&app_out)));
    let vdev = match link {
        Link::Memif => format!("--vdev=net_memif0,socket={sock_s},role=client,socket-abstract=no"),
        Link::VhostUser => format!("--vdev=virtio_user0,path={sock_s}"),
        Link::DraVhostUser => format!("--vdev=virtio_user0,path={sock_s},server=1"),
    };
    for want in [
        format!("-l {}", app_cmd_cpus(c0, c1)),
        format!("--main-lcore={c1}"),
        format!("--file-prefix={app_prefix}"),
        vdev,
        "--no-pci".to_owned(),
        " -- --auto-start".to_owned(),
    ] {
        assert!(exec_line.contains(&want), "{want:?} not in {exec_line}");
    }
    if grant.is_some() {
        assert!(exec_line.contains(&format!("-m {MEM_MIB}")), "{exec_line}");
    }
    let (sw_rx, app_rx) = (rx_packets(&sw_out), rx_packets(&app_out));
    say!(
        "{}: switch received {sw_rx} packets, app received {app_rx}, in {:.1} s",
        link.name(),
        elapsed.as_secs_f64()
    );
    assert!(
        sw_rx > 0,
        "the switch received nothing\n--- switch:\n{}\n--- app:\n{}",
        tail(&sw_out),
        tail(&app_out)
    );
    assert!(
        app_rx > 0,
        "the app received nothing\n--- app:\n{}\n--- switch:\n{}",
        tail(&app_out),
        tail(&sw_out)
    );
    assert!(elapsed < BUDGET, "took {elapsed:?}");
}

/// How app-netutil prints two CPUs as a cpulist.
fn app_cmd_cpus(a: u32, b: u32) -> String {
    let (lo, hi) = (a.min(b), a.max(b));
    if hi == lo + 1 {
        format!("{lo}-{hi}")
    } else {
        format!("{lo},{hi}")
    }
}

#[test]
fn memif_pair_through_exec() {
    socket_pair(Link::Memif, false);
}

#[test]
fn vhost_user_pair_through_exec() {
    socket_pair(Link::VhostUser, false);
}

#[test]
#[ignore = "needs root: grows the 2 MiB hugepage pool and mounts hugetlbfs (scripts/test runs it as root)"]
fn memif_pair_on_real_hugepages() {
    socket_pair(Link::Memif, true);
}

#[test]
#[ignore = "needs root: grows the 2 MiB hugepage pool and mounts hugetlbfs (scripts/test runs it as root)"]
fn vhost_user_pair_on_real_hugepages() {
    socket_pair(Link::VhostUser, true);
}

/// Issue 14: the app's only device data is a dra-driver-ovsdpdk metadata
/// file (no network-status, no variables); app-netutil makes the app the
/// vhost-user server, as OVS's `dpdkvhostuserclient` port expects.
#[test]
fn dra_vhost_user_from_metadata_through_exec() {
    socket_pair(Link::DraVhostUser, false);
}

#[test]
#[ignore = "needs root: grows the 2 MiB hugepage pool and mounts hugetlbfs (scripts/test runs it as root)"]
fn dra_vhost_user_on_real_hugepages() {
    socket_pair(Link::DraVhostUser, true);
}

/// A pod root whose only device data is a KEP-5304 metadata file of
/// dra-driver-ovsdpdk naming the vhost-user socket `sock`: the CPUs,
/// HOSTNAME and CONTAINER_NAME and the hugepage grant as [`pod_root`], no
/// network-status.
fn dra_pod_root(
    dir: &Path,
    hostname: &str,
    cpus: (u32, u32),
    sock: &str,
    hugepages_mib: Option<u64>,
) -> PathBuf {
    let root = pod_root(dir, hostname, cpus, &[], hugepages_mib);
    std::fs::remove_file(root.join("etc/podnetinfo/annotations")).unwrap();
    let metadata = serde_json::json!({
        "kind": "DeviceMetadata",
        "apiVersion": "metadata.resource.k8s.io/v1alpha1",
        "metadata": {"name": "app-vhost-x1", "namespace": "default", "uid": "u-1", "generation": 1},
        "podClaimName": "vhost",
        "requests": [{"name": "vhost-port", "devices": [{
            "driver": "ovsdpdk.k8snetworkplumbingwg.io", "pool": "node-1", "name": "br-dpdk0",
            "attributes": {"vhost-user-path": {"string": sock}, "mtu": {"int": 1500}}
        }]}]
    });
    write(
        &root.join(
            "var/run/kubernetes.io/dra-device-attributes/resourceclaimtemplates/vhost/vhost-port/ovsdpdk.k8snetworkplumbingwg.io-metadata.json",
        ),
        serde_json::to_string_pretty(&metadata).unwrap().as_bytes(),
    );
    root
}

// ---- the EAL option parser -------------------------------------------------

/// Whether EAL or testpmd refused an option (getopt messages, EAL's
/// "invalid" messages, or the usage text it prints after them).
fn rejected(out: &str) -> bool {
    let lower = out.to_ascii_lowercase();
    lower.contains("unrecognized option")
        || lower.contains("invalid option")
        || lower.contains("invalid parameter")
        || lower.contains("usage:")
}

fn run_bounded(cmd: &mut Command) -> String {
    let mut p = Proc::spawn("testpmd", cmd);
    let until = Instant::now() + Duration::from_secs(30);
    while !p.exited() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    p.stop(Duration::from_secs(5));
    p.text()
}

/// "DPDK 22.11.4" from EAL's `-v` banner.
fn rte_version(out: &str) -> Option<(u32, u32)> {
    let v = out.split("RTE Version: 'DPDK ").nth(1)?;
    let mut it = v.split(['.', '\'']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

#[test]
fn pci_arguments_pass_the_eal_parser() {
    let Some(testpmd) = testpmd() else { return };
    let Some((c0, c1)) = two_cpus() else { return };
    let _serial = serial();
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("an-e2e-")
        .tempdir_in("/tmp")
        .unwrap();
    let prefix = format!("e2e-pci-{}", std::process::id());
    let _runtime_dirs = RuntimeDirs(vec![prefix.clone()]);
    let pci = |addr: &str| serde_json::json!({"type": "pci", "version": "1.1.0", "pci": {"pci-address": addr}});
    // Devices that do not exist here.
    let root = pod_root(
        tmp.path(),
        &format!("e2e-pci-{}", std::process::id()),
        (c0, c1),
        &[("net1", pci("0000:ff:1f.7")), ("net2", pci("ff:1f.6"))],
        Some(64),
    );

    // 1. --no-huge: EAL initialises, finds no port, testpmd ends at EOF.
    let out = run_bounded(
        app_netutil()
            .args(["exec", "-v", "--root"])
            .arg(&root)
            .args(["--no-huge", "--memory", "128", "--file-prefix", &prefix])
            .args(["--devargs", "net2=rxq_cqe_comp_en=1"])
            .arg("--")
            .arg(&testpmd)
            .args(SMALL),
    );
    remove_runtime_dir(&prefix);
    assert!(
        out.contains("-a 0000:ff:1f.7 -a 0000:ff:1f.6,rxq_cqe_comp_en=1"),
        "{}",
        tail(&out)
    );
    assert!(!rejected(&out), "EAL rejected an option:\n{}", tail(&out));
    assert!(
        out.contains("No probed ethernet devices"),
        "EAL did not initialise:\n{}",
        tail(&out)
    );

    // 2. Hugepage arguments from a report with NUMA and a mount: the
    //    options parse; EAL then stops because the "mount" is a plain
    //    directory.
    let show = app_netutil()
        .args(["show", "--json", "-q", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let mut report: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    for iface in report["interfaces"].as_array_mut().unwrap() {
        if iface["device-type"] == "pci" {
            iface["pci-device"] = serde_json::json!({
                "numa-node": 0, "driver": "vfio-pci", "iommu-group": null,
                "vfio-device": null, "netdevs": [], "vendor": "0x8086",
                "device": "0x154c", "physfn": null
            });
        }
    }
    let fake_mount = tmp.path().join("hugepages-2Mi");
    std::fs::create_dir(&fake_mount).unwrap();
    report["hugepages"]["mounts"] =
        serde_json::json!([{"path": fake_mount.display().to_string(), "page-size": "2Mi"}]);
    let report_path = tmp.path().join("report.json");
    std::fs::write(&report_path, report.to_string()).unwrap();
    let with_version = |version: Option<&str>| {
        let mut cmd = app_netutil();
        cmd.args(["exec", "-v", "--report"])
            .arg(&report_path)
            .args(["--file-prefix", &prefix, "--eal-arg=-v"]);
        if let Some(v) = version {
            cmd.args(["--dpdk-version", v]);
        }
        cmd.arg("--").arg(&testpmd).args(SMALL);
        let out = run_bounded(&mut cmd);
        remove_runtime_dir(&prefix);
        out
    };
    let out = with_version(None);
    for want in [
        "--socket-mem=64".to_owned(),
        format!("--huge-dir={}", fake_mount.display()),
        "--main-lcore=".to_owned(),
    ] {
        assert!(out.contains(&want), "{want} not passed:\n{}", tail(&out));
    }
    assert!(!rejected(&out), "EAL rejected an option:\n{}", tail(&out));
    assert!(
        out.to_ascii_lowercase().contains("hugepage"),
        "EAL did not get as far as hugepages:\n{}",
        tail(&out)
    );

    // 3. The check above can fail: spellings the installed release does
    //    not know are refused (-w and --master-lcore before 21.11,
    //    --numa-mem from 25.07).
    match rte_version(&out) {
        Some(v) if ((21, 11)..(25, 7)).contains(&v) => {
            for old_or_new in ["20.08", "25.07"] {
                let out = with_version(Some(old_or_new));
                assert!(
                    rejected(&out),
                    "DPDK {}.{} accepted arguments for {old_or_new}:\n{}",
                    v.0,
                    v.1,
                    tail(&out)
                );
            }
        }
        v => say!("NOTE: DPDK release {v:?}: negative checks skipped"),
    }
    say!(
        "pci: EAL accepted the arguments, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(started.elapsed() < BUDGET, "took {:?}", started.elapsed());
}

// ---- docs/dpdk.md, "Try it on one machine" ---------------------------------

/// The three commands of docs/dpdk.md's "Try it on one machine", run as
/// written from the top of the repository (the second in the background,
/// as its `&` says), with this build's `app-netutil` first on the `PATH`:
/// both testpmds must receive packets.
#[test]
fn the_documented_try_recipe_forwards_packets() {
    let Some(_testpmd) = testpmd() else { return };
    let Some(_cpus) = two_cpus() else { return };
    let _serial = serial();
    let started = Instant::now();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let guide = std::fs::read_to_string(repo.join("docs/dpdk.md")).unwrap();
    let at = guide
        .find("\n## Try it on one machine\n")
        .expect("the recipe in docs/dpdk.md");
    let start = at + guide[at..].find("```sh\n").unwrap() + 6;
    let end = start + guide[start..].find("```").unwrap();
    let commands: Vec<&str> = guide[start..end]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(commands.len(), 3, "{commands:#?}");
    let switch_cmd = commands[1]
        .strip_suffix(" &")
        .expect("the switch runs in the background");

    let bin_dir = Path::new(env!("CARGO_BIN_EXE_app-netutil"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sh = |line: &str| {
        let mut c = Command::new("sh");
        // `exec`: the signals for testpmd reach testpmd.
        c.args(["-c", &format!("exec {line}")])
            .current_dir(&repo)
            .env("PATH", &path);
        c
    };
    let try_dir = repo.join("target/try");
    let out = sh(commands[0]).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        commands[0],
        String::from_utf8_lossy(&out.stderr)
    );
    // The EAL runtime directories the two leave behind.
    let app_args = app_netutil()
        .args(["dpdk-args", "--no-huge", "--root"])
        .arg(try_dir.join("pod"))
        .output()
        .unwrap();
    let app_args = String::from_utf8(app_args.stdout).unwrap();
    let app_prefix = app_args
        .split_whitespace()
        .find_map(|a| a.strip_prefix("--file-prefix="))
        .unwrap()
        .to_owned();
    let switch_prefix = switch_cmd
        .split_whitespace()
        .find_map(|a| a.strip_prefix("--file-prefix="))
        .unwrap()
        .to_owned();
    let _runtime_dirs = RuntimeDirs(vec![switch_prefix, app_prefix]);

    let mut switch = Proc::spawn("switch", &mut sh(switch_cmd));
    let mut app = Proc::spawn("app", &mut sh(commands[2]));
    let until = started + Duration::from_secs(45);
    while Instant::now() < until && !switch.exited() && !app.exited() {
        if rx_packets(&switch.text()) > 0 && rx_packets(&app.text()) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    app.stop(Duration::from_secs(5));
    switch.stop(Duration::from_secs(5));
    let (sw_out, app_out) = (switch.text(), app.text());
    let _ = std::fs::remove_dir_all(&try_dir);
    let (sw_rx, app_rx) = (rx_packets(&sw_out), rx_packets(&app_out));
    say!(
        "try recipe: switch received {sw_rx} packets, app received {app_rx}, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        sw_rx > 0 && app_rx > 0,
        "--- switch:\n{}\n--- app:\n{}",
        tail(&sw_out),
        tail(&app_out)
    );
    assert!(started.elapsed() < BUDGET, "took {:?}", started.elapsed());
}
