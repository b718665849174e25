//! What the largest and most hostile inputs cost (issue 11, findings 5-8
//! and 10). No test here measures time.
//!
//! * **Peak memory.** Each input is as large as the library reads (the file
//!   caps of `docs/hostile-input.md`: 8 MiB for the annotations file and
//!   `environ`, 4 MiB for a proc or sysfs file, and the other bounds), in the
//!   shape that costs the most memory; every subcommand that reads it runs
//!   as a child process, and its peak RSS (`wait4(2)`) must stay under
//!   64 MiB.
//! * **Growth.** For each input that was quadratic, the instruction count
//!   of the whole process (valgrind's cachegrind, deterministic whatever
//!   else the machine does) at sizes n, 2n and 4n: the work added by
//!   doubling the input from 2n to 4n is at most 2.6 times the work added
//!   from n to 2n (twice for linear work, about 2.2 for n log n, four times
//!   for quadratic). Without valgrind these tests say SKIP loudly.
//!
//! `APP_NETUTIL_COST_BIN=PATH` measures another build of app-netutil (a
//! release build, or one from before a change) instead of the one cargo
//! built for this test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};

use app_netutil_testkit::rss::{self, Measured};

use app_netutil_testkit::go_quote;
use app_netutil_testkit::pod::{NS, Pod};

/// The peak RSS every run must stay under.
const MAX_RSS_KIB: u64 = 64 * 1024;

/// The file caps of the library (`app_netutil::pod`).
const DATA_CAP: usize = 8 << 20;
const ATTR_CAP: usize = 4 << 20;

/// The app-netutil binary measured.
fn app_bin() -> String {
    std::env::var("APP_NETUTIL_COST_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_app-netutil").to_owned())
}

app_netutil_testkit::rss_helper!();

/// Runs app-netutil `args` (the subcommand first, then `--root ROOT`) to
/// its end with standard input empty, and measures it (see
/// `app_netutil_testkit::rss` for why in a fresh copy of this test binary).
fn measure(root: &Path, args: &[&str]) -> Measured {
    let mut argv = vec![args[0], "--root", root.to_str().unwrap(), "-q"];
    argv.extend_from_slice(&args[1..]);
    rss::measure(&app_bin(), &argv, &[], Stdio::null())
}

/// Runs every subcommand that reads the pod and checks its peak RSS.
fn assert_bounded(name: &str, p: &Pod) {
    for args in [
        &["show", "--json"][..],
        &["show"],
        &["env"],
        &["dpdk-args", "--format", "json"],
        &["doctor"],
    ] {
        let m = measure(p.root(), args);
        println!(
            "{name}: {}: peak RSS {} KiB, CPU {:.0} ms, wall {:.0} ms, {} bytes out, exit {:?}",
            args.join(" "),
            m.max_rss_kib,
            m.cpu_ms,
            m.wall_ms,
            m.stdout.len(),
            m.code
        );
        // doctor exits 1 when a check fails; nothing may crash.
        assert!(
            matches!(m.code, 0 | 1),
            "{name}: {args:?} exited {:?}",
            m.code
        );
        assert!(
            m.max_rss_kib < MAX_RSS_KIB,
            "{name}: {args:?} peaked at {} KiB",
            m.max_rss_kib
        );
    }
}

/// Lines from `line(i)` until the next would pass `cap` bytes.
fn fill(cap: usize, mut line: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(cap);
    for i in 0.. {
        let l = line(i);
        if out.len() + l.len() > cap {
            break;
        }
        out.push_str(&l);
    }
    out
}

/// The largest network-status value the library decodes.
const VALUE_CAP: usize = 256 * 1024;

/// A JSON array of `item(i)` elements, just under `cap` bytes.
fn json_array(cap: usize, mut item: impl FnMut(usize) -> String) -> String {
    let mut out = String::from("[");
    for i in 0.. {
        let it = item(i);
        if out.len() + it.len() + 2 > cap {
            break;
        }
        if i > 0 {
            out.push(',');
        }
        out.push_str(&it);
    }
    out.push(']');
    out
}

// ---- peak memory at the caps ---------------------------------------------

#[test]
fn annotations_file_of_junk_lines() {
    let p = Pod::in_memory();
    p.write(
        "etc/podnetinfo/annotations",
        fill(DATA_CAP, |_| "junk\n".to_owned()).as_bytes(),
    );
    assert_bounded("8 MiB of junk annotation lines", &p);
}

#[test]
fn annotations_file_of_distinct_keys() {
    let p = Pod::in_memory();
    p.write(
        "etc/podnetinfo/annotations",
        fill(DATA_CAP, |i| format!("k{i:x}=\"\"\n")).as_bytes(),
    );
    assert_bounded("8 MiB of distinct annotation keys", &p);
}

#[test]
fn annotations_file_with_an_8_mib_value() {
    let p = Pod::in_memory();
    // Escapes that decode to NUL bytes, in a key the library does not read.
    let value = "\\x00".repeat((DATA_CAP - 64) / 4);
    p.write(
        "etc/podnetinfo/annotations",
        format!("example.com/big=\"{value}\"").as_bytes(),
    );
    assert_bounded("one 8 MiB annotation value", &p);
}

#[test]
fn network_status_of_the_most_entries() {
    let p = Pod::in_memory();
    let entries = json_array(VALUE_CAP - 64, |i| format!(r#"{{"interface":"n{i}"}}"#));
    let mut text = format!("{NS}={}\n", go_quote(&entries));
    // The rest of the file: more keys.
    let rest = DATA_CAP - text.len();
    text.push_str(&fill(rest, |i| format!("k{i:x}=\"v\"\n")));
    p.write("etc/podnetinfo/annotations", text.as_bytes());
    assert_bounded("network-status of 13,000 entries", &p);
    // And the same with empty objects (more entries, each a host interface).
    let entries = json_array(VALUE_CAP - 64, |_| "{}".to_owned());
    p.write(
        "etc/podnetinfo/annotations",
        format!("{NS}={}", go_quote(&entries)).as_bytes(),
    );
    assert_bounded("network-status of 87,000 empty entries", &p);
}

#[test]
fn network_status_with_the_longest_lists() {
    let p = Pod::in_memory();
    let ips = json_array(VALUE_CAP - 200, |_| "\"a\"".to_owned());
    let entries = format!(
        r#"[{{"interface":"net1","ips":{ips}}},{{"interface":"net2","dns":{{"search":[]}}}}]"#
    );
    p.write(
        "etc/podnetinfo/annotations",
        format!("{NS}={}", go_quote(&entries)).as_bytes(),
    );
    assert_bounded("network-status with 65,000 addresses", &p);
}

#[test]
fn userspace_configuration_of_the_most_entries() {
    let p = Pod::in_memory();
    let entries = json_array(VALUE_CAP - 64, |i| {
        format!(
            r#"{{"ifName":"n{i}","config":{{"iftype":"vhostuser","vhost":{{"mode":"client","socketfile":"s{i}"}}}}}}"#
        )
    });
    p.write(
        "etc/podnetinfo/annotations",
        format!(
            "userspace/configuration-data={}\nuserspace/mapped-dir=\"/var/lib/cni/usrspcni\"",
            go_quote(&entries)
        )
        .as_bytes(),
    );
    assert_bounded("userspace configuration of 2,800 entries", &p);
}

#[test]
fn environ_of_tiny_variables() {
    let p = Pod::in_memory();
    let mut env = b"CONTAINER_NAME=app\0HOSTNAME=pod-1\0".to_vec();
    env.extend_from_slice(fill(DATA_CAP - 64, |i| format!("V{i:x}=\0")).as_bytes());
    p.write("proc/self/environ", &env);
    assert_bounded("8 MiB environ of tiny variables", &p);
}

/// The most devices the device-plugin variables can list (8,192), each
/// becoming an interface of its own.
#[test]
fn environ_of_device_plugin_variables() {
    let p = Pod::in_memory();
    let mut env = b"CONTAINER_NAME=app\0HOSTNAME=pod-1\0".to_vec();
    let mut n = 0usize;
    for var in 0..64 {
        let ids = fill(128 * 1024 - 64, |_| {
            n += 1;
            format!(
                "0000:{:02x}:{:02x}.{:x},",
                (n >> 8) & 0xff,
                (n >> 3) & 0x1f,
                n & 7
            )
        });
        env.extend_from_slice(
            format!("PCIDEVICE_X_{var}={}\0", ids.trim_end_matches(',')).as_bytes(),
        );
    }
    assert!(env.len() <= DATA_CAP);
    p.write("proc/self/environ", &env);
    assert_bounded("64 device-plugin variables of 128 KiB", &p);
    // Junk ids instead: every item a warning.
    let mut env = b"CONTAINER_NAME=app\0".to_vec();
    for var in 0..64 {
        let ids = "x,".repeat(64 * 1024 - 32);
        env.extend_from_slice(format!("PCIDEVICE_Y_{var}={ids}\0").as_bytes());
    }
    p.write("proc/self/environ", &env);
    assert_bounded("64 device-plugin variables of junk ids", &p);
}

#[test]
fn cpulist_of_4_mib() {
    let p = Pod::in_memory();
    let list = fill(ATTR_CAP - 64, |_| "0-65535,".to_owned());
    p.write(
        "proc/self/status",
        format!("Cpus_allowed_list:\t{}\n", list.trim_end_matches(',')).as_bytes(),
    );
    assert_bounded("Cpus_allowed_list of 520,000 regions", &p);
}

#[test]
fn mountinfo_of_4_mib() {
    let p = Pod::in_memory();
    p.write(
        "proc/self/mountinfo",
        fill(ATTR_CAP, |i| {
            format!("{i} 1 0:1 / /h{i:x} rw - hugetlbfs nodev rw,pagesize=2M\n")
        })
        .as_bytes(),
    );
    assert_bounded("mountinfo of 70,000 hugetlbfs mounts", &p);
    p.write(
        "proc/self/mountinfo",
        fill(ATTR_CAP, |_| "x\n".to_owned()).as_bytes(),
    );
    p.write(
        "proc/self/cgroup",
        fill(ATTR_CAP, |_| "x\n".to_owned()).as_bytes(),
    );
    assert_bounded("mountinfo and cgroup of junk lines", &p);
}

#[test]
fn sysfs_with_100000_node_directories() {
    let p = Pod::in_memory();
    let nodes = p.path("sys/devices/system/node");
    std::fs::create_dir_all(&nodes).unwrap();
    for n in 0..100_000 {
        std::fs::create_dir(nodes.join(format!("node{n}"))).unwrap();
    }
    p.write("sys/devices/system/node/node0/cpulist", b"0-65535\n");
    p.write(
        "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
        b"512\n",
    );
    p.write(
        "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
        b"512\n",
    );
    assert_bounded("100,000 node directories", &p);
}

// ---- growth --------------------------------------------------------------

/// Instructions of one run under cachegrind; `None` without valgrind.
fn instructions(root: &Path, args: &[&str]) -> Option<u64> {
    let log = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new("valgrind")
        .arg("--tool=cachegrind")
        .arg("--cache-sim=no")
        .arg("--cachegrind-out-file=/dev/null")
        .arg(format!("--log-file={}", log.path().display()))
        .arg(app_bin())
        .arg(args[0])
        .arg("--root")
        .arg(root)
        .arg("-q")
        .args(&args[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    assert!(matches!(status.code(), Some(0 | 1)), "{args:?}: {status}");
    let text = std::fs::read_to_string(log.path()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("I   refs:") || l.contains("I refs:"))
        .unwrap_or_else(|| panic!("no instruction count in {text}"));
    let digits: String = line
        .rsplit(':')
        .next()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    Some(digits.parse().unwrap())
}

fn have_valgrind() -> bool {
    let ok = Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("########################################################");
        println!("SKIP: valgrind is not installed: growth not measured");
        println!("########################################################");
    }
    ok
}

/// Instructions at sizes n, 2n and 4n (`make(size)` writes the pod);
/// asserts that the second doubling adds at most 2.6 times what the first
/// added, and returns the work added per unit of size by the first.
fn assert_linear(name: &str, n: usize, args: &[&str], make: impl Fn(&Pod, usize)) -> Option<f64> {
    if !have_valgrind() {
        return None;
    }
    let counts: Vec<u64> = [n, 2 * n, 4 * n]
        .iter()
        .map(|&size| {
            let p = Pod::in_memory();
            make(&p, size);
            instructions(p.root(), args).unwrap()
        })
        .collect();
    let d1 = counts[1].saturating_sub(counts[0]) as f64;
    let d2 = counts[2].saturating_sub(counts[1]) as f64;
    let ratio = d2 / d1.max(1.0);
    println!(
        "{name} ({}): n={n}: {} / {} / {} instructions, growth ratio {ratio:.2}, {:.0} per unit",
        args.join(" "),
        counts[0],
        counts[1],
        counts[2],
        d1 / n as f64
    );
    assert!(d1 > 0.0, "{name}: no work added: {counts:?}");
    assert!(
        ratio <= 2.6,
        "{name}: doubling the input from {} to {} added {ratio:.2} times the work the first doubling added ({counts:?})",
        2 * n,
        4 * n
    );
    Some(d1 / n as f64)
}

#[test]
fn growth_env_with_a_repeated_name() {
    let make = |p: &Pod, n: usize| {
        let entry = r#"{"name":"default/net","interface":"net1"}"#;
        let entries = format!("[{}]", vec![entry; n].join(","));
        p.write(
            "etc/podnetinfo/annotations",
            format!("{NS}={}", go_quote(&entries)).as_bytes(),
        );
    };
    assert_linear("network-status entries of one name", 150, &["env"], make);
}

#[test]
fn growth_cpulist_regions() {
    let per_region = assert_linear(
        "Cpus_allowed_list regions of 0-65535",
        2000,
        &["show", "--json"],
        |p, n| {
            let list = vec!["0-65535"; n].join(",");
            p.write(
                "proc/self/status",
                format!("Cpus_allowed_list:\t{list}\n").as_bytes(),
            );
        },
    );
    // Expanding a region costs about 65,536 steps; merging it a few
    // hundred instructions, even in a debug build.
    if let Some(per_region) = per_region {
        assert!(
            per_region < 20_000.0,
            "{per_region} instructions per region"
        );
    }
}

#[test]
fn growth_junk_annotation_lines() {
    assert_linear(
        "junk annotation lines",
        10_000,
        &["show", "--json"],
        |p, n| {
            p.write("etc/podnetinfo/annotations", "junk\n".repeat(n).as_bytes());
        },
    );
}

#[test]
fn growth_junk_device_ids() {
    assert_linear(
        "junk device-plugin ids",
        5_000,
        &["show", "--json"],
        |p, n| {
            p.env(&[&format!("PCIDEVICE_X={}", vec!["x"; n].join(","))]);
        },
    );
}

#[test]
fn growth_hugetlbfs_mounts() {
    assert_linear("hugetlbfs mounts", 1000, &["show", "--json"], |p, n| {
        let text: String = (0..n)
            .map(|i| format!("{i} 1 0:1 / /h{i} rw - hugetlbfs nodev rw,pagesize=2M\n"))
            .collect();
        p.write("proc/self/mountinfo", text.as_bytes());
    });
}

#[test]
fn growth_numa_nodes_and_cpus() {
    // Each node lists every CPU of the pod: the CPUs' nodes and the lcore
    // placement were quadratic in the CPUs.
    assert_linear("CPUs over NUMA nodes", 1024, &["dpdk-args"], |p, n| {
        p.write(
            "proc/self/status",
            format!("Cpus_allowed_list:\t0-{}\n", n - 1).as_bytes(),
        );
        for node in 0..8 {
            p.write(
                &format!("sys/devices/system/node/node{node}/cpulist"),
                format!("0-{}\n", n - 1).as_bytes(),
            );
        }
    });
}

#[test]
fn growth_smt_siblings() {
    // Each CPU its own core: every sibling list was intersected with all
    // the pod's CPUs.
    assert_linear("SMT sibling lists", 300, &["show", "--json"], |p, n| {
        p.write(
            "proc/self/status",
            format!("Cpus_allowed_list:\t0-{}\n", n - 1).as_bytes(),
        );
        for cpu in 0..n {
            p.write(
                &format!("sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list"),
                format!("{cpu}\n").as_bytes(),
            );
        }
    });
}

/// Page sizes by the thousand (a hostile mountinfo, and for `env` a
/// downward-API directory of grants): each size's mounts and grant were
/// searched for in the whole list.
fn many_page_sizes(p: &Pod, n: usize, grants: bool) {
    let mut lines = String::new();
    for i in 0..n {
        let kib = 4 * (i + 1);
        lines.push_str(&format!(
            "{i} 1 0:1 / /h{i} rw - hugetlbfs nodev rw,pagesize={kib}K\n"
        ));
        if grants {
            p.write(
                &format!("etc/podnetinfo/hugepages_{kib}Ki_limit_app"),
                b"64\n",
            );
        }
    }
    p.write("proc/self/mountinfo", lines.as_bytes());
}

#[test]
fn growth_page_sizes_show() {
    assert_linear("hugetlbfs page sizes", 1500, &["show"], |p, n| {
        many_page_sizes(p, n, false);
    });
}

#[test]
fn growth_page_sizes_env() {
    assert_linear("granted page sizes", 400, &["env"], |p, n| {
        many_page_sizes(p, n, true);
    });
}
