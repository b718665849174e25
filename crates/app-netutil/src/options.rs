//! Options shared by the library, the command-line tool and the C ABI.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Severity of a log message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LogLevel {
    /// Something failed.
    Error = 1,
    /// An input was ignored, repaired or guessed at (each report warning is
    /// also logged at this level).
    Warning = 2,
    /// What was found.
    Info = 3,
    /// Every file read and decision taken.
    Debug = 4,
}

impl LogLevel {
    /// The level's name in lower case.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Debug => "debug",
        }
    }
}

/// A log sink: called synchronously, on the calling thread, during
/// [`crate::collect`]. The library keeps no global logger.
pub type LogFn = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// A log sink with the most detailed level it wants.
#[derive(Clone)]
pub struct Logger {
    /// The sink.
    pub sink: LogFn,
    /// Messages above this level are not built at all.
    pub max_level: LogLevel,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger")
            .field("max_level", &self.max_level)
            .finish_non_exhaustive()
    }
}

/// How to collect a report.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The pod's root directory; `/` inside a real pod.
    pub root: PathBuf,
    /// The downward-API directory, overriding `<root>/etc/podnetinfo` (or
    /// `<root>/etc/podinfo`). A path on the machine (not taken relative to
    /// the root); under a root other than `/`, one that lies inside the root
    /// is the pod's own directory, any other is a root of its own, which its
    /// links cannot leave.
    pub podinfo_dir: Option<PathBuf>,
    /// Where log messages go; none by default.
    pub logger: Option<Logger>,
    /// How to build DPDK EAL arguments.
    pub dpdk: crate::dpdk::DpdkOptions,
    /// Resolve paths below a root other than `/` with the jailed walk in
    /// user space even where the kernel has `openat2` (which is otherwise
    /// used). For tests: both confine every lookup to the root; the walk
    /// costs more system calls. The environment variable
    /// [`crate::pod::JAILED_WALK_VAR`] does the same.
    pub jailed_walk: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            root: PathBuf::from("/"),
            podinfo_dir: None,
            logger: None,
            dpdk: crate::dpdk::DpdkOptions::default(),
            jailed_walk: false,
        }
    }
}

impl Options {
    /// Defaults: the live pod at `/`.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the pod below `root` instead of `/`.
    #[must_use]
    pub fn root(mut self, root: impl AsRef<Path>) -> Self {
        self.root = root.as_ref().to_path_buf();
        self
    }

    /// Reads the downward-API files from `dir`.
    #[must_use]
    pub fn podinfo_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.podinfo_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Sends log messages up to `max_level` to `sink`.
    #[must_use]
    pub fn logger(mut self, max_level: LogLevel, sink: LogFn) -> Self {
        self.logger = Some(Logger { sink, max_level });
        self
    }

    /// Forces the jailed walk (see [`Options::jailed_walk`]).
    #[must_use]
    pub fn jailed_walk(mut self, jailed: bool) -> Self {
        self.jailed_walk = jailed;
        self
    }

    /// Sets the DPDK options.
    #[must_use]
    pub fn dpdk(mut self, dpdk: crate::dpdk::DpdkOptions) -> Self {
        self.dpdk = dpdk;
        self
    }

    pub(crate) fn log(&self, level: LogLevel, message: impl FnOnce() -> String) {
        if let Some(logger) = &self.logger {
            if level <= logger.max_level {
                (logger.sink)(level, &message());
            }
        }
    }
}
