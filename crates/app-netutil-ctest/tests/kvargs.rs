//! The devargs values app-netutil accepts from a pod, checked against the
//! installed DPDK's own parser (`rte_kvargs_parse` of librte_kvargs, which
//! every PMD uses on the text after the device name): a small C program
//! (`tests/kvargs/pairs.c`) parses what the library builds, and the pairs it
//! finds must be exactly the ones intended. The characters the library
//! refuses are checked too: `,` `=` and `[` change what DPDK parses, `]`
//! ends a list, and control characters (which kvargs keeps as they are)
//! would break the shell and `--format nul` outputs.
//!
//! Without a C compiler or `pkg-config libdpdk` the test says SKIP loudly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use app_netutil::Report;
use app_netutil::dpdk::{self, DpdkOptions};
use app_netutil_ctest::{cc, run_ok, say};

/// Builds the parser program; `None` (after a SKIP line) without DPDK.
fn parser(dir: &std::path::Path) -> Option<PathBuf> {
    let cflags = Command::new("pkg-config")
        .args(["--cflags", "libdpdk"])
        .output()
        .ok()
        .filter(|o| o.status.success());
    let Some(cflags) = cflags else {
        say!("SKIP: pkg-config libdpdk not found: devargs not checked against rte_kvargs");
        return None;
    };
    let cflags = String::from_utf8(cflags.stdout).unwrap();
    let exe = dir.join("pairs");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/kvargs/pairs.c");
    run_ok(
        Command::new(cc())
            .args(cflags.split_whitespace())
            .arg("-o")
            .arg(&exe)
            .arg(src)
            .arg("-lrte_kvargs"),
    );
    Some(exe)
}

/// What kvargs makes of a string: its pairs (`None` value for a key
/// without `=`), or `None` when it refuses the string.
type Parsed = Option<Vec<(String, Option<String>)>>;

fn to_hex(s: &str) -> String {
    s.bytes().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn from_hex(s: &str) -> Option<String> {
    match s {
        "-" => None,
        "=" => Some(String::new()),
        _ => Some(
            String::from_utf8(
                (0..s.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                    .collect(),
            )
            .unwrap(),
        ),
    }
}

/// Parses every string with rte_kvargs in one run of the program.
fn kvargs(exe: &std::path::Path, inputs: &[String]) -> Vec<Parsed> {
    let mut child = Command::new(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text: String = inputs.iter().map(|s| to_hex(s) + "\n").collect();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut results = Vec::new();
    let mut pairs = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        match line {
            "error" => results.push(None),
            "end" => results.push(Some(std::mem::take(&mut pairs))),
            _ => {
                let (k, v) = line.split_once(' ').unwrap();
                pairs.push((from_hex(k).unwrap(), from_hex(v)));
            }
        }
    }
    assert_eq!(results.len(), inputs.len());
    results
}

fn pairs(list: &[(&str, &str)]) -> Parsed {
    Some(
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), Some((*v).to_owned())))
            .collect(),
    )
}

/// A report whose devices hold `path` where devargs carry it: a vhost-user
/// server socket, a memif master socket, a vhost vDPA device, plus a PCI
/// device with the MAC of each.
fn report(path: &str) -> Report {
    let text = serde_json::json!({
        "cpus": {"list": [2], "cpuset": "2", "source": "affinity", "exclusive": true},
        "hugepages": {"container": null, "containers": [], "cgroup-limit-mib": {},
            "mounts": [], "host-pools": {}},
        "interfaces": [
            iface("net1", "vhost-user", &serde_json::json!({"type": "vhost-user",
                "vhost-user": {"mode": "server", "path": path}})),
            iface("net2", "memif", &serde_json::json!({"type": "memif",
                "memif": {"role": "master", "mode": "ethernet", "path": path}})),
            iface("net3", "vdpa", &serde_json::json!({"type": "vdpa",
                "vdpa": {"driver": "vhost", "path": path, "pci-address": "0000:65:00.2"}})),
        ],
        "warnings": []
    });
    Report::from_json(&text.to_string()).unwrap()
}

fn iface(name: &str, kind: &str, info: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({"interface": name, "network": format!("default/{name}"),
        "default": false, "device-type": kind, "mac": "02:00:00:00:00:01",
        "ips": [], "mtu": null, "gateway": [],
        "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
        "device-info": info, "device-id": null, "resource-env": null,
        "device-plugin-info": null, "pci-device": null, "sources": ["network-status"]})
}

/// The devargs of each `--vdev`, after the device name (what EAL hands
/// to the PMD), for a report with `path`; empty when the library left the
/// devices out.
fn devargs_of(path: &str) -> Vec<String> {
    let opts = DpdkOptions::new().file_prefix("t").no_huge(true);
    let eal = dpdk::eal_args(&report(path), &opts).unwrap();
    eal.args
        .iter()
        .filter_map(|a| a.strip_prefix("--vdev="))
        .map(|v| v.split_once(',').unwrap().1.to_owned())
        .collect()
}

/// What the library means each device's devargs to be.
fn intended(path: &str) -> Vec<Parsed> {
    vec![
        pairs(&[
            ("path", path),
            ("server", "1"),
            ("mac", "02:00:00:00:00:01"),
        ]),
        pairs(&[
            ("socket", path),
            ("role", "server"),
            ("socket-abstract", "no"),
            ("mac", "02:00:00:00:00:01"),
        ]),
        pairs(&[("path", path), ("mac", "02:00:00:00:00:01")]),
    ]
}

#[test]
fn accepted_devargs_values_parse_exactly_as_intended() {
    let dir = tempfile::tempdir().unwrap();
    let Some(exe) = parser(dir.path()) else {
        return;
    };
    // Every printable ASCII character and some beyond ASCII, alone and in
    // longer paths.
    let mut paths: Vec<String> = (0x20u8..0x7f)
        .map(char::from)
        .chain(['é', 'ß', '中', '\u{a0}', '\u{2028}', '🦀'])
        .map(|c| format!("/run/sock/a{c}b{c}.sock"))
        .collect();
    paths.push("/var/lib/cni/usrspcni/5d2e8c1f0a9b-net1".to_owned());
    paths.push("/run/x y/'quoted' \"too\";$(x)`y`&|<>*?~#%!\\".to_owned());
    paths.push(format!("/{}", "s".repeat(200)));
    // And 300 random paths over every accepted printable character.
    let alphabet: Vec<char> = (0x20u8..0x7f)
        .map(char::from)
        .filter(|c| !matches!(c, ',' | '=' | '[' | ']'))
        .chain(['é', '中', '🦀'])
        .collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % 1_000_003).unwrap()
    };
    for _ in 0..300 {
        let len = 1 + next() % 60;
        let path: String = std::iter::once('/')
            .chain((0..len).map(|_| alphabet[next() % alphabet.len()]))
            .collect();
        paths.push(path);
    }
    let mut accepted = 0;
    let mut refused = Vec::new();
    let mut inputs = Vec::new();
    let mut want = Vec::new();
    for path in &paths {
        let devargs = devargs_of(path);
        if devargs.is_empty() {
            refused.push(path.clone());
            continue;
        }
        accepted += 1;
        assert_eq!(devargs.len(), 3, "{path:?}");
        inputs.extend(devargs);
        want.extend(intended(path));
    }
    let got = kvargs(&exe, &inputs);
    for ((input, got), want) in inputs.iter().zip(&got).zip(&want) {
        assert_eq!(got, want, "rte_kvargs on {input:?}");
    }
    // Exactly the four syntax characters of the ASCII set were refused.
    let refused_chars: Vec<char> = refused
        .iter()
        .map(|p| p.chars().nth("/run/sock/a".len()).unwrap())
        .collect();
    assert_eq!(refused_chars, [',', '=', '[', ']'], "{refused:?}");
    say!(
        "rte_kvargs parsed the devargs of {accepted} accepted paths ({} strings) exactly as intended",
        inputs.len()
    );
}

#[test]
fn refused_characters_change_what_dpdk_parses() {
    let dir = tempfile::tempdir().unwrap();
    let Some(exe) = parser(dir.path()) else {
        return;
    };
    // What the devargs would be if the library passed these paths.
    let cases = [
        // A second `=`: the pair is split at the last one, so the device
        // is re-targeted while report and doctor show the original path.
        "/x/net1=path=/tmp/attacker.sock",
        // A comma ends the value and adds pairs.
        "/x/a,server=0",
        // `[` opens a list that swallows every pair after it.
        "/x/[a",
    ];
    let inputs: Vec<String> = cases.iter().map(|p| format!("path={p},server=1")).collect();
    let got = kvargs(&exe, &inputs);
    for ((path, input), got) in cases.iter().zip(&inputs).zip(&got) {
        assert_ne!(
            *got,
            pairs(&[("path", path), ("server", "1")]),
            "rte_kvargs parses {input:?} as intended; the character need not be refused"
        );
        // The library never builds such devargs.
        assert!(devargs_of(path).is_empty(), "{path:?} was accepted");
    }
    // The re-targeting itself, as the installed DPDK does it.
    assert_eq!(
        got[0].as_ref().unwrap()[0],
        ("path".to_owned(), Some("/tmp/attacker.sock".to_owned()))
    );
    // `]` alone does not change what 22.11 parses; it closes a list, whose
    // brackets keep commas inside one value: it is refused so that no value
    // holds half of a list.
    let lists = kvargs(
        &exe,
        &[
            "path=/x/a]b,server=1".to_owned(),
            "path=[/x/a,server=0],server=1".to_owned(),
        ],
    );
    assert_eq!(lists[0], pairs(&[("path", "/x/a]b"), ("server", "1")]));
    assert_ne!(
        lists[1],
        pairs(&[("path", "[/x/a,server=0]"), ("server", "1")])
    );
    say!(
        "rte_kvargs on path=[/x/a,server=0],server=1: {:?}",
        lists[1]
    );
    assert!(devargs_of("/x/a]b").is_empty());
    // Control characters are kept by kvargs as they are; the library
    // refuses them because of its outputs (a newline splits shell output
    // and terminal escapes reach the screen). A NUL ends a C string: the
    // value DPDK would see is cut there.
    for c in ['\n', '\t', '\u{1b}', '\u{7f}'] {
        let path = format!("/x/a{c}b");
        let got = kvargs(&exe, &[format!("path={path}")]);
        assert_eq!(got[0], pairs(&[("path", &path)]), "{c:?}");
        assert!(devargs_of(&path).is_empty(), "{c:?} was accepted");
    }
    assert!(devargs_of("/x/a\0-d\0/tmp/evil.so").is_empty());
    let cut = std::ffi::CString::new("path=/x/a\0-d").map(|_| ());
    assert!(cut.is_err(), "a C string cannot hold a NUL");
}
