//! Peak memory of a child process, so that cost tests assert memory rather
//! than time.
//!
//! The figure is the `ru_maxrss` that `wait4(2)` gives for the child. It
//! must not come from a child of the test process itself: the kernel folds
//! the old address space's peak into `ru_maxrss` at `execve`, and a child
//! started by the test process (`posix_spawn` shares its address space until
//! the `execve`; `fork` copies it) starts from the peak of the test process,
//! whose tests hold large inputs. So [`measure`] starts this same test
//! binary again to run only [`measured_child`]: that small, fresh process
//! starts the command, waits for it with `wait4` and writes down its exit
//! status and peak. The command's peak then includes at most that of the
//! fresh test binary (a few MiB).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};

/// The test below, as `--exact` names it.
const HELPER: &str = "rss::measured_child";
/// The command to measure, as a JSON array (program first).
const ARGV_VAR: &str = "RSS_HELPER_ARGV";
/// Where the helper writes the command's output and its figures.
const OUT_VAR: &str = "RSS_HELPER_OUT";

/// What a measured child did.
pub(crate) struct Measured {
    /// Its exit status, or `128 + signal` when a signal ended it.
    pub(crate) code: i32,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    /// Its peak resident set size, in KiB.
    pub(crate) max_rss_kib: u64,
}

impl Measured {
    pub(crate) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The peak resident set size in MiB.
    pub(crate) fn max_rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// Runs `program args` with the extra environment `envs` and standard
/// input `stdin` to its end, and measures it.
pub(crate) fn measure(
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
    stdin: Stdio,
) -> Measured {
    let out = tempfile::tempdir().unwrap();
    let mut argv = vec![program];
    argv.extend_from_slice(args);
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", HELPER, "--test-threads=1", "-q"])
        .env(ARGV_VAR, serde_json::to_string(&argv).unwrap())
        .env(OUT_VAR, out.path())
        .envs(envs.iter().copied())
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "the measuring helper failed: {status}");
    let figures = std::fs::read_to_string(out.path().join("figures")).unwrap();
    let (code, rss) = figures.trim().split_once(' ').unwrap();
    Measured {
        code: code.parse().unwrap(),
        stdout: std::fs::read(out.path().join("stdout")).unwrap(),
        stderr: std::fs::read(out.path().join("stderr")).unwrap(),
        max_rss_kib: rss.parse().unwrap(),
    }
}

/// Runs `argv` with the standard input given, its output into files in
/// `out`; waits with `wait4` and writes "STATUS MAXRSS_KIB" to
/// `out/figures`.
// The child is reaped by `wait4`, which std's `Child` cannot do.
#[allow(clippy::zombie_processes)]
fn run_and_wait(argv: &[String], out: &Path) {
    let child = Command::new(&argv[0])
        .args(&argv[1..])
        .env_remove(ARGV_VAR)
        .env_remove(OUT_VAR)
        .stdout(std::fs::File::create(out.join("stdout")).unwrap())
        .stderr(std::fs::File::create(out.join("stderr")).unwrap())
        .spawn()
        .unwrap();
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not waited for otherwise (`child` is
    // dropped without a wait); both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    std::fs::write(out.join("figures"), format!("{code} {}\n", usage.ru_maxrss)).unwrap();
}

/// In the helper process: measures the command it was given. In the test
/// run: checks that [`measure`] reports a child's own peak and not the
/// test process's.
#[test]
fn measured_child() {
    if let (Some(argv), Some(out)) = (std::env::var_os(ARGV_VAR), std::env::var_os(OUT_VAR)) {
        let argv: Vec<String> = serde_json::from_str(argv.to_str().unwrap()).unwrap();
        run_and_wait(&argv, Path::new(&out));
        return;
    }
    // A child that takes 64 MiB is measured as such.
    let big = measure(
        "dd",
        &["if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"],
        &[],
        Stdio::null(),
    );
    assert_eq!(big.code, 0, "{}", big.stderr_text());
    assert!(big.max_rss_mib() >= 64.0, "{} MiB", big.max_rss_mib());
    // While this process holds 256 MiB, a small child is still small.
    let mut held = vec![1u8; 256 << 20];
    held[12345] = 2;
    let small = measure("true", &[], &[], Stdio::null());
    assert_eq!(small.code, 0);
    assert!(small.max_rss_mib() < 32.0, "{} MiB", small.max_rss_mib());
    assert_eq!(std::hint::black_box(&held)[12345], 2);
}
