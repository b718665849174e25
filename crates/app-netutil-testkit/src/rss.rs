//! Peak memory of a child process, so that cost tests assert memory rather
//! than time.
//!
//! The figure is the `ru_maxrss` that `wait4(2)` gives for the child. It
//! must not come from a child of the test process itself: the kernel folds
//! the old address space's peak into `ru_maxrss` at `execve`, and a child
//! started by the test process (`posix_spawn` shares its address space until
//! the `execve`; `fork` copies it) starts from the peak of the test process,
//! whose tests hold large inputs. So [`measure`] starts the running test
//! binary again to run only the helper test that [`rss_helper!`]
//! (`crate::rss_helper`) defines: that small, fresh process starts the
//! command, waits for it with `wait4` and writes down its exit status, peak
//! and times. The command's peak then includes at most that of the fresh
//! test binary (a few MiB).
//!
//! A test binary that calls [`measure`] invokes `app_netutil_testkit::rss_helper!();`
//! once, at its top level.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The helper test that [`rss_helper!`](crate::rss_helper) defines, as
/// `--exact` names it.
pub const HELPER: &str = "rss_measuring_helper";
/// The command to measure, as a JSON array (program first).
const ARGV_VAR: &str = "RSS_HELPER_ARGV";
/// Where the helper writes the command's output and its figures.
const OUT_VAR: &str = "RSS_HELPER_OUT";

/// Defines the helper test that [`measure`] runs in a fresh copy of the
/// test binary (an ordinary test run finds it does nothing).
#[macro_export]
macro_rules! rss_helper {
    () => {
        /// The measuring helper of `app_netutil_testkit::rss`.
        #[test]
        fn rss_measuring_helper() {
            $crate::rss::helper_main();
        }
    };
}

/// What a measured child did.
#[derive(Debug)]
pub struct Measured {
    /// Its exit status, or `128 + signal` when a signal ended it.
    pub code: i32,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
    /// Its peak resident set size, in KiB.
    pub max_rss_kib: u64,
    /// Its user plus system CPU time, in milliseconds.
    pub cpu_ms: f64,
    /// The wall time from its start to its end, in milliseconds.
    pub wall_ms: f64,
}

impl Measured {
    /// Standard error as text.
    #[must_use]
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The peak resident set size in MiB.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn max_rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// Runs `program args` with the extra environment `envs` and standard
/// input `stdin` to its end, and measures it. The calling test binary must
/// have invoked [`rss_helper!`](crate::rss_helper).
#[must_use]
pub fn measure(program: &str, args: &[&str], envs: &[(&str, &str)], stdin: Stdio) -> Measured {
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
    let fields: Vec<&str> = figures.split_whitespace().collect();
    Measured {
        code: fields[0].parse().unwrap(),
        max_rss_kib: fields[1].parse().unwrap(),
        cpu_ms: fields[2].parse().unwrap(),
        wall_ms: fields[3].parse().unwrap(),
        stdout: std::fs::read(out.path().join("stdout")).unwrap(),
        stderr: std::fs::read(out.path().join("stderr")).unwrap(),
    }
}

/// The body of the helper test: when started by [`measure`], runs the
/// command it was given and writes its figures; else does nothing.
pub fn helper_main() {
    if let (Some(argv), Some(out)) = (std::env::var_os(ARGV_VAR), std::env::var_os(OUT_VAR)) {
        let argv: Vec<String> = serde_json::from_str(argv.to_str().unwrap()).unwrap();
        run_and_wait(&argv, Path::new(&out));
    }
}

/// Runs `argv` with the standard input given, its output into files in
/// `out`; waits with `wait4` and writes "STATUS MAXRSS_KIB CPU_MS WALL_MS"
/// to `out/figures`.
// The child is reaped by `wait4`, which std's `Child` cannot do.
#[allow(clippy::zombie_processes, clippy::cast_precision_loss)]
fn run_and_wait(argv: &[String], out: &Path) {
    let start = Instant::now();
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
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    let cpu_ms = ms(usage.ru_utime) + ms(usage.ru_stime);
    std::fs::write(
        out.join("figures"),
        format!("{code} {} {cpu_ms:.1} {wall_ms:.1}\n", usage.ru_maxrss),
    )
    .unwrap();
}
