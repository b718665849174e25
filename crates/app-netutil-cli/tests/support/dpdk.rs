//! Test support shared by the DPDK end-to-end tests of the CLI
//! (`tests/dpdk_e2e.rs`) and of the C examples
//! (`crates/app-netutil-ctest/tests/examples.rs`, through `#[path]`):
//! processes whose output is collected, EAL runtime directories removed on
//! every path out of a test, and what the machine offers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A child whose stdout and stderr are collected; killed on drop.
pub(crate) struct Proc {
    name: String,
    child: Child,
    out: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Proc {
    /// Starts `cmd` with no standard input; `name` labels messages.
    pub(crate) fn spawn(name: &str, cmd: &mut Command) -> Self {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name} ({cmd:?}): {e}"));
        let out = Arc::new(Mutex::new(Vec::new()));
        let pipes: [Box<dyn Read + Send>; 2] = [
            Box::new(child.stdout.take().unwrap()),
            Box::new(child.stderr.take().unwrap()),
        ];
        let readers = pipes
            .into_iter()
            .map(|mut pipe| {
                let out = Arc::clone(&out);
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = pipe.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        out.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .extend_from_slice(&buf[..n]);
                    }
                })
            })
            .collect();
        Self {
            name: name.to_owned(),
            child,
            out,
            readers,
        }
    }

    /// Everything it printed so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap_or_else(PoisonError::into_inner))
            .into_owned()
    }

    /// Whether it has ended.
    pub(crate) fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGINT (testpmd prints its statistics and exits), SIGKILL after
    /// `grace`; then collects the rest of the output.
    pub(crate) fn stop(&mut self, grace: Duration) -> Option<ExitStatus> {
        if !self.exited() {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            let until = Instant::now() + grace;
            while !self.exited() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        if !self.exited() {
            eprintln!("{}: still running after SIGINT; killed", self.name);
            let _ = self.child.kill();
        }
        let status = self.child.wait().ok();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        status
    }

    /// Waits up to `limit` for it to end by itself, then [`Self::stop`]s
    /// it (five seconds' grace). Returns whether it ended by itself.
    pub(crate) fn finish(&mut self, limit: Duration) -> bool {
        let until = Instant::now() + limit;
        while !self.exited() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        let by_itself = self.exited();
        self.stop(Duration::from_secs(5));
        by_itself
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if !self.exited() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Removes EAL's runtime directories of these file prefixes on drop.
pub(crate) struct RuntimeDirs(pub(crate) Vec<String>);

impl Drop for RuntimeDirs {
    fn drop(&mut self) {
        for prefix in &self.0 {
            remove_runtime_dir(prefix);
        }
    }
}

/// EAL's own runtime directory of a file prefix (testpmd leaves it behind).
pub(crate) fn remove_runtime_dir(prefix: &str) {
    let _ = std::fs::remove_dir_all(Path::new("/var/run/dpdk").join(prefix));
    if let Some(xdg) = std::env::var_os("XDG_RUNTIME_DIR") {
        let _ = std::fs::remove_dir_all(Path::new(&xdg).join("dpdk").join(prefix));
    }
}

/// Two CPUs this process may run on; `None` when it has only one.
pub(crate) fn two_cpus() -> Option<(u32, u32)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))?;
    match app_netutil::internal::cpulist::parse(line.trim())
        .ok()?
        .as_slice()
    {
        [a, b, ..] => Some((*a, *b)),
        _ => None,
    }
}

/// `dpdk-testpmd` on the `PATH`.
pub(crate) fn find_testpmd() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("dpdk-testpmd"))
            .find(|p| p.is_file())
    })
}
