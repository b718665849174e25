//! `inject` at its limits: the 8 MiB input cap and the bound on the
//! nodes it writes. Peak memory is measured with GNU time's `%M` (the
//! child's maximum resident set), run one at a time; nothing here asserts
//! wall-clock time.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

const LIMIT_KIB: u64 = 64 * 1024;

/// Runs `app-netutil inject -q FILE` under GNU time; returns the exit
/// code, stdout length and peak RSS in KiB, or None without GNU time.
fn inject_peak_kib(file: &Path) -> Option<(i32, usize, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = Command::new(time)
        .args(["-f", "peak-kib %M"])
        .arg(env!("CARGO_BIN_EXE_app-netutil"))
        .args(["inject", "-q"])
        .arg(file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .unwrap_or_else(|| panic!("{stderr}"))
        .trim()
        .parse()
        .unwrap();
    Some((out.status.code().unwrap(), out.stdout.len(), kib))
}

fn skip() {
    eprintln!("########################################################################");
    eprintln!("SKIP: /usr/bin/time (GNU time) not installed: inject's peak RSS not measured");
    eprintln!("########################################################################");
}

#[test]
fn peak_memory_at_the_limits_stays_under_64_mib() {
    let dir = tempfile::tempdir().unwrap();

    // 8 MiB of pods, each with a long annotation: bytes at the cap.
    let per = (8 << 20) / 1000;
    let mut text = String::new();
    for n in 0..1000 {
        let head = format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{n}, annotations: {{note: \""
        );
        let tail = "\"}}\nspec:\n  containers:\n  - name: c\n    resources: {limits: {hugepages-1Gi: 1Gi}}\n";
        text.push_str(&head);
        text.push_str(&"y".repeat(per - head.len() - tail.len()));
        text.push_str(tail);
    }
    assert!(text.len() <= 8 << 20);
    let bytes_heavy = dir.path().join("bytes.yaml");
    std::fs::write(&bytes_heavy, &text).unwrap();

    // One pod with as many hugepage containers as the node bound lets
    // through: the most nodes added per input byte.
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
    for n in 0..6500 {
        text.push_str(&format!(
            "  - {{name: c{n}, resources: {{limits: {{hugepages-1Gi: 1}}}}}}\n"
        ));
    }
    let node_heavy = dir.path().join("nodes.yaml");
    std::fs::write(&node_heavy, &text).unwrap();

    for (file, min_out) in [(&bytes_heavy, 8 << 20), (&node_heavy, 2 << 20)] {
        let Some((code, out_len, kib)) = inject_peak_kib(file) else {
            skip();
            return;
        };
        assert_eq!(code, 0, "{}", file.display());
        assert!(out_len > min_out, "{}: {out_len}", file.display());
        eprintln!("{}: peak RSS {kib} KiB", file.display());
        assert!(kib < LIMIT_KIB, "{}: peak RSS {kib} KiB", file.display());
    }

    // A little more and the stream is refused before it is built.
    text.push_str(
        "  - {name: one-more, resources: {limits: {hugepages-1Gi: 1, hugepages-2Mi: 1}}}\n"
            .repeat(200)
            .as_str(),
    );
    std::fs::write(&node_heavy, &text).unwrap();
    let (code, out_len, kib) = inject_peak_kib(&node_heavy).unwrap();
    assert_eq!((code, out_len), (2, 0));
    assert!(kib < LIMIT_KIB, "{kib}");
}
