//! [`app_netutil_testkit::rss::measure`] reports a child's own peak, not
//! the test process's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Stdio;

use app_netutil_testkit::rss::measure;

app_netutil_testkit::rss_helper!();

#[test]
fn a_child_is_measured_and_not_its_parent() {
    // A child that takes 64 MiB is measured as such.
    let big = measure(
        "dd",
        &["if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"],
        &[],
        Stdio::null(),
    );
    assert_eq!(big.code, 0, "{}", big.stderr_text());
    assert!(big.max_rss_mib() >= 64.0, "{} MiB", big.max_rss_mib());
    assert!(big.cpu_ms >= 0.0 && big.wall_ms > 0.0);
    // While this process holds 256 MiB, a small child is still small.
    let mut held = vec![1u8; 256 << 20];
    held[12345] = 2;
    let small = measure("true", &[], &[], Stdio::null());
    assert_eq!(small.code, 0);
    assert!(small.max_rss_mib() < 32.0, "{} MiB", small.max_rss_mib());
    assert_eq!(std::hint::black_box(&held)[12345], 2);
    // The exit status and the output come back.
    let out = measure(
        "sh",
        &["-c", "echo out; echo err >&2; exit 3"],
        &[],
        Stdio::null(),
    );
    assert_eq!(out.code, 3);
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr_text(), "err\n");
}
