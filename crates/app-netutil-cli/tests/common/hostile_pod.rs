//! The CLI side of the generated hostile pods of `app-netutil-testkit`
//! (`tests/hostile_args.rs`, `tests/cost.rs`): running the binary on them
//! and reading its output.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

pub(crate) use app_netutil_testkit::pod::Pod;

/// The app-netutil binary this test was built with.
pub(crate) fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_app-netutil"))
}

/// Runs app-netutil with `args` and `--root ROOT` after the subcommand.
pub(crate) fn run(pod: &Pod, args: &[&str]) -> Output {
    let mut cmd = bin();
    cmd.arg(args[0])
        .arg("--root")
        .arg(pod.root())
        .args(&args[1..]);
    cmd.output().unwrap()
}

/// Standard output as text.
pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Standard error as text.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The warning lines of standard error, without their prefix.
pub(crate) fn warnings(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter_map(|l| l.strip_prefix("app-netutil: warning: "))
        .map(str::to_owned)
        .collect()
}

/// The base pod's EAL arguments before the devices.
pub(crate) const BASE: [&str; 6] = [
    "-l",
    "2-3",
    "--main-lcore=2",
    "-m",
    "512",
    "--file-prefix=pod-1_app",
];

/// `BASE` followed by `rest`.
pub(crate) fn base_and(rest: &[&str]) -> Vec<String> {
    BASE.iter().chain(rest).map(|s| (*s).to_owned()).collect()
}
