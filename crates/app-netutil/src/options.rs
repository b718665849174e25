//! Options shared by the library, the command-line tool and the C ABI.

use std::path::{Path, PathBuf};

use crate::dpdk::DpdkOptions;
use crate::log::{Log, LogFn, LogLevel, Logger};
use crate::source::{PodView, PodViewError};

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
    /// The DRA device metadata directory, overriding
    /// `<root>/var/run/kubernetes.io/dra-device-attributes`; resolved as
    /// [`Options::podinfo_dir`] is. When given and not a directory,
    /// collection fails; a missing default is no error.
    pub dra_dir: Option<PathBuf>,
    /// Where log messages go; none by default.
    pub logger: Option<Logger>,
    /// How to build DPDK EAL arguments.
    pub dpdk: DpdkOptions,
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
            dra_dir: None,
            logger: None,
            dpdk: DpdkOptions::default(),
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

    /// Reads the DRA device metadata files from `dir`.
    #[must_use]
    pub fn dra_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.dra_dir = Some(dir.as_ref().to_path_buf());
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
    pub fn dpdk(mut self, dpdk: DpdkOptions) -> Self {
        self.dpdk = dpdk;
        self
    }

    /// The log sink of these options, for the stages that log.
    pub(crate) fn log(&self) -> Log<'_> {
        Log(self.logger.as_ref())
    }
}

impl PodView {
    /// A view of the pod that `opts` names ([`Options::root`],
    /// [`Options::podinfo_dir`], [`Options::dra_dir`],
    /// [`Options::jailed_walk`]).
    ///
    /// # Errors
    ///
    /// As [`PodView::new`] and [`PodView::set_dra_dir`].
    pub fn from_options(opts: &Options) -> Result<Self, PodViewError> {
        let mut view = Self::open(&opts.root, opts.podinfo_dir.as_deref(), opts.jailed_walk)?;
        if let Some(dir) = &opts.dra_dir {
            view.set_dra_dir(dir)?;
        }
        Ok(view)
    }
}
