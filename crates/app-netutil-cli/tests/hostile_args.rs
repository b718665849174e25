//! Hostile pods (issue 11, findings 2, 3, 5, 6, 7, 8 and 10), run as a user
//! runs the tool: each asserts the exact arguments, the warnings and the
//! exit status. The cost of the same inputs at their caps is in
//! `tests/cost.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/hostile_pod.rs"]
mod pod;

use std::os::unix::fs::PermissionsExt;

use pod::{BASE, Pod, base_and, run, stdout, warnings};
use serde_json::json;

/// The arguments of `dpdk-args --format nul`, split at the NUL bytes
/// (what `xargs -0` does).
fn nul_args(p: &Pod, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["dpdk-args", "--format", "nul", "-q"];
    args.extend_from_slice(extra);
    let out = run(p, &args);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.ends_with('\0'), "{text:?}");
    text[..text.len() - 1]
        .split('\0')
        .map(str::to_owned)
        .collect()
}

/// The arguments of `dpdk-args --format json`.
fn json_args(p: &Pod, extra: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut args = vec!["dpdk-args", "--format", "json", "-q"];
    args.extend_from_slice(extra);
    let out = run(p, &args);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let list = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect()
    };
    (list("args"), list("warnings"))
}

fn vhost(iface: &str, mode: &str, path: &str) -> serde_json::Value {
    json!({"name": format!("default/{iface}"), "interface": iface,
        "device-info": {"type": "vhost-user", "version": "1.0.0",
            "vhost-user": {"mode": mode, "path": path}}})
}

fn memif(iface: &str, path: &str) -> serde_json::Value {
    json!({"name": format!("default/{iface}"), "interface": iface,
        "device-info": {"type": "memif", "version": "1.0.0",
            "memif": {"role": "master", "mode": "ethernet", "path": path}}})
}

/// Finding 2: a socket path that would re-target the device (`=`), add
/// pairs (`,`) or swallow the rest (`[`) leaves its device out, with a
/// warning that names the device and the character; the other devices
/// keep their exact arguments, in every output format.
#[test]
fn devargs_injection_is_refused() {
    let mut p = Pod::new();
    p.network_status(&json!([
        vhost("net1", "server", "/x/net1=path=/tmp/attacker.sock"),
        vhost("net2", "client", "/var/lib/cni/usrspcni/net2.sock"),
        memif("net3", "/run/memif/a,role=server"),
        memif("net4", "/run/memif/[x"),
        vhost("net5", "client", "/run/vhu/x]"),
    ]));
    let want = base_and(&[
        "--single-file-segments",
        "--vdev=virtio_user0,path=/var/lib/cni/usrspcni/net2.sock",
        "--no-pci",
    ]);
    assert_eq!(nul_args(&p, &[]), want);
    let (args, _) = json_args(&p, &[]);
    assert_eq!(args, want);
    let out = run(&p, &["dpdk-args"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "-l 2-3 --main-lcore=2 -m 512 --file-prefix=pod-1_app --single-file-segments --vdev=virtio_user0,path=/var/lib/cni/usrspcni/net2.sock --no-pci\n"
    );
    let w = warnings(&out);
    for (device, what) in [
        ("net1 (default/net1)", "'='"),
        ("net3 (default/net3)", "a comma"),
        ("net4 (default/net4)", "'['"),
        ("net5 (default/net5)", "']'"),
    ] {
        assert!(
            w.iter().any(|l| l.starts_with(device)
                && l.contains(&format!(
                    "contains {what}, which devargs cannot carry; left out"
                ))),
            "{device}: {w:?}"
        );
    }
    // The report still shows what the pod says, and --strict fails.
    let out = run(&p, &["dpdk-args", "--strict", "-q"]);
    assert_eq!(out.status.code(), Some(3));
    // The user's own devargs pass as given.
    let args = nul_args(&p, &["--devargs", "net2=queues=[0-3],x=y=z"]);
    assert!(
        args.contains(
            &"--vdev=virtio_user0,path=/var/lib/cni/usrspcni/net2.sock,queues=[0-3],x=y=z"
                .to_owned()
        ),
        "{args:?}"
    );
}

/// Finding 3: a NUL byte (JSON `\u0000`) in a socket path never becomes
/// an argument of its own (`-d /tmp/evil.so` would make EAL load a shared
/// object): the device is left out in every format, `env` and `exec`.
#[test]
fn nul_in_a_socket_path_never_reaches_an_argument() {
    let mut p = Pod::new();
    p.network_status(&json!([
        vhost("net1", "client", "/run/vhu/a\u{0}-d\u{0}/tmp/evil.so"),
        vhost("net2", "client", "/run/vhu/net2.sock"),
    ]));
    let want = base_and(&[
        "--single-file-segments",
        "--vdev=virtio_user0,path=/run/vhu/net2.sock",
        "--no-pci",
    ]);
    assert_eq!(nul_args(&p, &[]), want);
    let (args, w) = json_args(&p, &[]);
    assert_eq!(args, want);
    assert!(
        w.iter()
            .any(|l| l.starts_with("net1 (default/net1)") && l.contains("a NUL byte")),
        "{w:?}"
    );
    // env: no NUL anywhere; the socket variable is left out, with a warning.
    let out = run(&p, &["env"]);
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0));
    let text = stdout(&out);
    assert!(text.contains("export NETUTIL_NET2_SOCKET='/run/vhu/net2.sock'\n"));
    assert!(!text.contains("NETUTIL_NET1_SOCKET="), "{text}");
    assert!(
        warnings(&out)
            .iter()
            .any(|l| l.starts_with("NETUTIL_NET1_SOCKET: the value holds a NUL byte")),
        "{:?}",
        warnings(&out)
    );
    // exec: the program gets exactly the arguments.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("args.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run(
        &p,
        &["exec", "-q", "--", script.to_str().unwrap(), "app-arg"],
    );
    assert!(out.status.success(), "{out:?}");
    let mut want_exec = want;
    want_exec.extend(["--".to_owned(), "app-arg".to_owned()]);
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), want_exec);
}

/// Finding 3 and the newline item: a hugetlbfs mount point whose
/// mountinfo escape decodes to a NUL (`\000`) or a newline (`\012`) gives
/// no `--huge-dir`, with a warning.
#[test]
fn control_characters_in_a_hugetlbfs_mount_give_no_huge_dir() {
    for (escaped, what) in [
        (r"/dev/hp\000-d\040/tmp/evil.so", "a NUL byte"),
        (r"/dev/hp\012--in-memory", "a newline"),
    ] {
        let p = Pod::new();
        p.write(
            "proc/self/mountinfo",
            format!("600 500 0:52 / {escaped} rw,relatime - hugetlbfs nodev rw,pagesize=2M\n")
                .as_bytes(),
        );
        assert_eq!(nul_args(&p, &[]), base_and(&["--no-pci"]));
        let (_, w) = json_args(&p, &[]);
        assert!(
            w.iter().any(|l| l.starts_with("the hugetlbfs mount")
                && l.contains(&format!("contains {what}, which no argument may carry"))),
            "{w:?}"
        );
    }
    // A plain mount point is passed.
    let p = Pod::new();
    p.write(
        "proc/self/mountinfo",
        b"600 500 0:52 / /dev/hugepages rw,relatime - hugetlbfs nodev rw,pagesize=2M\n",
    );
    assert_eq!(
        nul_args(&p, &[]),
        [
            "-l",
            "2-3",
            "--main-lcore=2",
            "-m",
            "512",
            "--huge-dir=/dev/hugepages",
            "--file-prefix=pod-1_app",
            "--no-pci"
        ]
    );
}

/// The newline item: a socket path with a newline is refused like a
/// devargs character (in shell output it would start a new command).
#[test]
fn newline_in_a_socket_path_is_refused() {
    let mut p = Pod::new();
    p.network_status(&json!([vhost("net1", "client", "/run/vhu/a\nrm -rf /")]));
    let out = run(&p, &["dpdk-args"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "-l 2-3 --main-lcore=2 -m 512 --file-prefix=pod-1_app --no-pci\n"
    );
    assert!(
        warnings(&out)
            .iter()
            .any(|l| l.starts_with("net1 (default/net1)") && l.contains("a newline")),
        "{:?}",
        warnings(&out)
    );
}

fn pci_entry(iface: &str, addr: &str) -> serde_json::Value {
    json!({"name": format!("default/{iface}"), "interface": iface,
        "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": addr}}})
}

/// Finding 5: `numa_node` = 4294967295 in sysfs made `dpdk-args` and `env`
/// allocate about 100 GB and abort. It is a warning and an unknown node.
#[test]
fn huge_numa_node_in_sysfs_is_unknown() {
    let mut p = Pod::new();
    p.network_status(&json!([
        pci_entry("net1", "0000:3b:02.4"),
        pci_entry("net2", "0000:3b:02.5")
    ]));
    p.pci_device("0000:3b:02.4", "4294967295\n");
    p.pci_device("0000:3b:02.5", "1\n");
    let args = nul_args(&p, &[]);
    assert_eq!(
        args,
        [
            "-l",
            "2-3",
            "--main-lcore=2",
            "--socket-mem=0,512",
            "--file-prefix=pod-1_app",
            "-a",
            "0000:3b:02.4",
            "-a",
            "0000:3b:02.5"
        ]
    );
    let out = run(&p, &["show", "--json", "-q"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        report["interfaces"][0]["pci-device"]["numa-node"],
        json!(null)
    );
    assert_eq!(report["interfaces"][1]["pci-device"]["numa-node"], json!(1));
    assert!(
        report["warnings"].as_array().unwrap().iter().any(|w| {
            w.as_str().unwrap()
                == "/sys/bus/pci/devices/0000:3b:02.4/numa_node: node 4294967295 is beyond the 1024 nodes a kernel can have; left out"
        }),
        "{}",
        report["warnings"]
    );
    let out = run(&p, &["env", "-q"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("export NETUTIL_NET2_NUMA_NODE='1'\n"));
}

/// Finding 5, through a saved report: the node id and the hugepage
/// amount come from a file someone else wrote.
#[test]
fn huge_numbers_in_a_saved_report() {
    let mut p = Pod::new();
    p.network_status(&json!([pci_entry("net1", "0000:3b:02.4")]));
    p.pci_device("0000:3b:02.4", "0\n");
    let out = run(&p, &["show", "--json", "-q"]);
    let mut report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    report["interfaces"][0]["pci-device"]["numa-node"] = json!(4_294_967_295_u64);
    report["hugepages"]["containers"][0]["limit-mib"]["2Mi"] = json!(u64::MAX);
    report["hugepages"]["containers"][0]["request-mib"]["2Mi"] = json!(u64::MAX);
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("report.json");
    std::fs::write(&saved, report.to_string()).unwrap();
    let (args, w) = json_args(&p, &["--report", saved.to_str().unwrap()]);
    assert_eq!(
        args,
        [
            "-l",
            "2-3",
            "--main-lcore=2",
            // The saved report carries the pod's host name (`pod.hostname`).
            "--file-prefix=pod-1_app",
            "-a",
            "0000:3b:02.4"
        ]
    );
    for needle in [
        "net1 (default/net1): NUMA node 4294967295 is beyond the 1024 nodes a kernel can have; taken as unknown",
        "the hugepage grant of 18446744073709551615 MiB is more than EAL can take (2147483647 MiB): no memory amount; give one",
    ] {
        assert!(w.iter().any(|l| l == needle), "{needle}: {w:?}");
    }
    // The user's own amount beyond EAL's atoi() is a usage error.
    let out = run(&p, &["dpdk-args", "--memory", "18446744073709551615"]);
    assert!(!out.status.success());
    assert!(pod::stderr(&out).contains("more than EAL can take"));
}

/// Finding 8: warnings about one source are capped at 20, then one line
/// counts the rest.
#[test]
fn warnings_are_capped_per_source() {
    let p = Pod::new();
    p.write(
        "etc/podnetinfo/annotations",
        "junk\n".repeat(1000).as_bytes(),
    );
    let ids = vec!["x"; 600].join(",");
    p.env(&[&format!("PCIDEVICE_INTEL_COM_X={ids}")]);
    let out = run(&p, &["show", "--json", "-q"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let w: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let file = "/etc/podnetinfo/annotations";
    let about_file: Vec<&&str> = w.iter().filter(|l| l.starts_with(file)).collect();
    assert_eq!(about_file.len(), 21, "{w:?}");
    assert_eq!(
        *about_file[0],
        format!("{file} line 1: no '=' in the line; line ignored")
    );
    assert_eq!(
        *about_file[19],
        format!("{file} line 20: no '=' in the line; line ignored")
    );
    assert_eq!(
        *about_file[20],
        format!("{file}: 980 more problems not listed")
    );
    let var = "environment variable PCIDEVICE_INTEL_COM_X";
    let about_var: Vec<&&str> = w.iter().filter(|l| l.starts_with(var)).collect();
    assert_eq!(about_var.len(), 21, "{w:?}");
    assert_eq!(
        *about_var[20],
        format!("{var}: 580 more problems not listed")
    );
    assert_eq!(w.len(), 42, "{w:?}");
    // --strict still sees them.
    assert_eq!(run(&p, &["show", "--strict", "-q"]).status.code(), Some(3));
}

/// Finding 6: `env` with a name repeated thousands of times (quadratic
/// before: 6,500 entries took more than 20 s) names every group.
#[test]
fn env_numbers_repeated_names() {
    let mut p = Pod::new();
    let entries: Vec<serde_json::Value> = (0..2000)
        .map(|_| json!({"name": "default/net", "interface": "net1"}))
        .collect();
    p.network_status(&serde_json::Value::Array(entries));
    let out = run(&p, &["env", "-q"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for key in ["NET1", "NET1_2", "NET1_1000", "NET1_2000"] {
        assert!(
            text.contains(&format!("export NETUTIL_{key}_INTERFACE='net1'\n")),
            "{key}"
        );
    }
    for key in ["NETWORK_DEFAULT_NET", "NETWORK_DEFAULT_NET_2000"] {
        assert!(
            text.contains(&format!("export NETUTIL_{key}_NETWORK='default/net'\n")),
            "{key}"
        );
    }
    assert!(!text.contains("NETUTIL_NET1_2001_"));
    assert!(text.contains("export NETUTIL_NETWORKS='default/net'\n"));
}

/// Finding 7: 40,000 regions of `0-65535` (7 s before) are one range.
#[test]
fn cpulist_of_40000_full_regions() {
    let p = Pod::new();
    let list = vec!["0-65535"; 40_000].join(",");
    p.write(
        "proc/self/status",
        format!("Name:\tapp\nCpus_allowed_list:\t{list}\n").as_bytes(),
    );
    let out = run(&p, &["show", "--json", "-q"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["cpus"]["cpuset"], "0-65535");
    assert_eq!(report["cpus"]["list"].as_array().unwrap().len(), 65_536);
}

/// Finding 10: thousands of hugetlbfs lines, a mount point listed again
/// keeps its last listing; node directories beyond the kernel's node
/// limit are warned about and ignored.
#[test]
fn many_mounts_and_node_directories() {
    let p = Pod::new();
    let mut lines = String::new();
    for i in 0..20_000 {
        lines.push_str(&format!(
            "{i} 1 0:{i} / /mnt/h{} rw - hugetlbfs nodev rw,pagesize={}\n",
            i % 10_000,
            if i < 10_000 { "1G" } else { "2M" }
        ));
    }
    p.write("proc/self/mountinfo", lines.as_bytes());
    for n in [0_u64, 1, 1023, 1024, 4_294_967_295] {
        p.write(
            &format!("sys/devices/system/node/node{n}/cpulist"),
            b"2-3\n",
        );
    }
    p.mkdir("sys/devices/system/node/node99999999999");
    let out = run(&p, &["show", "--json", "-q"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mounts = report["hugepages"]["mounts"].as_array().unwrap();
    assert_eq!(mounts.len(), 10_000);
    assert_eq!(mounts[0], json!({"path": "/mnt/h0", "page-size": "2Mi"}));
    assert_eq!(mounts[9_999]["path"], "/mnt/h9999");
    // A CPU is on one node: the lowest that lists it.
    assert_eq!(report["cpus"]["numa-nodes"], json!({"0": [2, 3]}));
    let w: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for needle in [
        "/sys/devices/system/node/node1024: node number at or above 1024",
        "/sys/devices/system/node/node4294967295: node number at or above 1024",
        "/sys/devices/system/node/node99999999999: not a node number; ignored",
        "/sys/devices/system/node/node1/cpulist: 2 of the pod's CPUs are already on another node",
    ] {
        assert!(w.iter().any(|l| l.starts_with(needle)), "{needle}: {w:?}");
    }
    // The human table pads no column past 256 characters and does not
    // panic on a cell of 100,000 characters.
    let out = run(&p, &["show", "-q"]);
    assert!(out.status.success(), "{out:?}");
    // The EAL arguments use the mount of the granted size.
    assert_eq!(
        nul_args(&p, &[]),
        [
            "-l",
            "2-3",
            "--main-lcore=2",
            "-m",
            "512",
            "--huge-dir=/mnt/h0",
            "--file-prefix=pod-1_app",
            "--no-pci"
        ]
    );
    assert_eq!(BASE.len(), 6);
}
