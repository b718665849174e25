//! The pod view: every file and variable the library reads goes through it.
//!
//! A [`PodView`] knows the pod's root directory (`/` in a real pod, a fixture
//! tree or a copy otherwise), the downward-API directory and the
//! environment. Paths are given as the pod sees them
//! (`/sys/class/net/net1/device`) and read below the root.
//!
//! # Confinement
//!
//! Under a root other than `/`, every lookup stays inside the root: the root
//! is opened once (`O_PATH`) and each path is resolved relative to it with
//! `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`, so that an absolute
//! link target is taken relative to the root and `..` never climbs above
//! it, whether it comes from a link (`../../..`), a path in the pod's data
//! (a cgroup path, a socket path, a `dev-mount`) or the first component.
//! Where the kernel has no `openat2` (before Linux 5.6, or a seccomp filter
//! answering `ENOSYS` or `EPERM`), the same resolution is done in user
//! space by the *jailed walk*: one component at a time, each opened with
//! `O_NOFOLLOW` relative to its parent's descriptor, links read and their
//! components walked in turn, `..` taken back to the previous descriptor and
//! never above the root. [`crate::Options::jailed_walk`] (or the environment
//! variable [`JAILED_WALK_VAR`]) forces the jailed walk where `openat2` works,
//! for tests. A downward-API directory given with `--podinfo-dir` outside
//! the root is a second such root: its files resolve inside it.
//!
//! Under the root `/` (the live pod), paths are looked up as they are: the
//! whole machine is the pod's view.
//!
//! Reading is defensive: only regular files are opened (a FIFO or device
//! node where a data file is expected would block or have side effects; the
//! type is checked on an `O_PATH` descriptor before the open), with
//! `O_NONBLOCK`, and never more than a cap. At most [`MAX_LINK_HOPS`] links
//! are followed per path. Under a root other than `/`, a small file that
//! holds a relative link target instead of being a link (what `git` checks
//! out where symlinks are disabled) is followed as the link it stands for,
//! inside the root, with a warning.

pub(crate) mod cgroup;
mod dra;
mod environment;
mod error;
pub(crate) mod files;
mod query;
mod read;
pub(crate) mod sysfs;
mod walk;

pub use environment::{Environment, parse_environ};
pub use error::{FileKind, PodViewError, ReadError};

use crate::report::warning::{Warning, WarningCode};

use environment::is_relevant_var;
use read::{io_error, podinfo_names};
use walk::{Jail, openat2_missing};

use std::cell::{Cell, OnceCell};
use std::path::{Component, Path, PathBuf};

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

/// The largest data file read (annotations, labels, environ), in bytes.
pub const MAX_DATA_FILE_BYTES: u64 = 8 << 20;
/// The largest proc or sysfs file read, in bytes.
pub const MAX_ATTR_FILE_BYTES: u64 = 4 << 20;
/// How many symbolic links one path may pass through.
pub const MAX_LINK_HOPS: usize = 40;

/// The default downward-API directory (Network Resources Injector).
pub const PODNETINFO_DIR: &str = "/etc/podnetinfo";
/// The alternative downward-API directory the userspace CNI documents.
pub const PODINFO_DIR: &str = "/etc/podinfo";

/// The environment variable that forces the jailed walk (see
/// [`crate::Options::jailed_walk`]) when set to anything but empty or `0`.
/// Meant for tests: the walk is slower than `openat2` and confines the same
/// way, so setting it never makes a lookup less confined.
pub const JAILED_WALK_VAR: &str = "APP_NETUTIL_JAILED_WALK";

/// How many directories the jailed walk may hold open at once (the depth of
/// a path below the root, after links).
pub const MAX_WALK_DEPTH: usize = 64;

/// How many path components one jailed walk may visit or have pending,
/// links included.
pub const MAX_WALK_STEPS: usize = 4096;

/// Where the downward-API directory is.
#[derive(Debug)]
enum Podinfo {
    /// A directory of the pod: a pod path, resolved inside the root.
    Pod(String),
    /// A directory on the machine (`--podinfo-dir` outside the root). Under a
    /// root other than `/` it is opened once and its files resolve inside it
    /// (`fd`); under `/` they are looked up as they are.
    Dir { host: PathBuf, fd: Option<OwnedFd> },
}

/// The pod as seen from a root directory.
#[derive(Debug)]
pub struct PodView {
    root: PathBuf,
    live: bool,
    podinfo: Option<Podinfo>,
    podinfo_display: String,
    /// The downward-API directory's names (as [`Self::list_podinfo`] gives
    /// them), listed when the view was made; `None` when it was found by
    /// following link placeholders, or given with `--podinfo-dir`, and is
    /// listed on demand.
    podinfo_names: Option<Vec<String>>,
    /// The downward-API directory on the machine, found on first use.
    podinfo_host: OnceCell<Option<PathBuf>>,
    env: Environment,
    env_warnings: Vec<Warning>,
    placeholder_seen: Cell<bool>,
    /// The root with every link resolved, to map kernel-resolved paths back
    /// to pod paths.
    root_real: OnceCell<Option<PathBuf>>,
    /// The root directory, opened once (`O_PATH`): paths below it are
    /// resolved relative to it and inside it. `None` for the live root.
    root_fd: Option<OwnedFd>,
    /// Whether lookups below the root use the jailed walk instead of
    /// `openat2` (no `openat2`, or forced).
    jailed: bool,
    /// The DRA device metadata directory.
    dra: dra::DraDir,
}

impl PodView {
    /// A view of the pod at `root`. `podinfo_dir` overrides the
    /// downward-API directory: a path on the machine (a directory inside
    /// `root` is read as the pod's own).
    ///
    /// With root `/` the environment is this process's; otherwise it is read
    /// from `<root>/proc/self/environ`.
    ///
    /// The jailed walk is used where `openat2` is missing, or when the
    /// environment variable [`JAILED_WALK_VAR`] asks for it.
    ///
    /// # Errors
    ///
    /// Fails when `root` is not a directory, or `podinfo_dir` is given and is
    /// not a directory.
    pub fn new(root: &Path, podinfo_dir: Option<&Path>) -> Result<Self, PodViewError> {
        Self::open(root, podinfo_dir, false)
    }

    pub(crate) fn open(
        root: &Path,
        podinfo_dir: Option<&Path>,
        force_jailed: bool,
    ) -> Result<Self, PodViewError> {
        // The live pod is `/` (spelled `/`, `//` or `/.`); any other
        // directory is a copy or fixture, even a link to `/`.
        let live = root.has_root()
            && root
                .components()
                .all(|c| matches!(c, Component::RootDir | Component::CurDir));
        let forced = force_jailed
            || std::env::var_os(JAILED_WALK_VAR).is_some_and(|v| !v.is_empty() && v != "0");
        let mut view = Self {
            root: root.to_path_buf(),
            live,
            podinfo: None,
            podinfo_display: PODNETINFO_DIR.to_owned(),
            podinfo_names: None,
            podinfo_host: OnceCell::new(),
            env: Environment::default(),
            env_warnings: Vec::new(),
            placeholder_seen: Cell::new(false),
            root_real: OnceCell::new(),
            root_fd: None,
            jailed: forced,
            dra: dra::DraDir::default(),
        };
        if !live {
            // Opening it proves it is a directory, and tells whether the
            // kernel has `openat2` (the root is the caller's own path: its
            // links are followed as usual).
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let not_dir = |e| {
                if e == Errno::NOENT {
                    PodViewError::RootNotFound(root.to_path_buf())
                } else {
                    PodViewError::RootNotADirectory(root.to_path_buf())
                }
            };
            let fd = match rustix::fs::openat2(
                rustix::fs::CWD,
                root,
                flags,
                Mode::empty(),
                ResolveFlags::empty(),
            ) {
                Ok(fd) => fd,
                Err(e) if openat2_missing(e) => {
                    view.jailed = true;
                    rustix::fs::open(root, flags, Mode::empty()).map_err(not_dir)?
                }
                Err(e) => return Err(not_dir(e)),
            };
            view.root_fd = Some(fd);
        }
        if let Some(dir) = podinfo_dir {
            view.podinfo_display = dir.display().to_string();
            let podinfo = view.dir_option(dir).map_err(|missing| {
                if missing {
                    PodViewError::PodinfoNotFound(dir.to_path_buf())
                } else {
                    PodViewError::PodinfoNotADirectory(dir.to_path_buf())
                }
            })?;
            view.podinfo = Some(podinfo);
        } else {
            for candidate in [PODNETINFO_DIR, PODINFO_DIR] {
                // Listing the directory is also the check that it is one.
                let names = match view.list_in(view.root_jail(), view.rel(candidate)) {
                    Ok(names) => Some(podinfo_names(names)),
                    Err(Errno::NOENT) => continue,
                    // Unreadable: known to exist, listed on demand.
                    Err(_) if view.is_dir(candidate) => None,
                    Err(_) => continue,
                };
                view.podinfo = Some(Podinfo::Pod(candidate.to_owned()));
                view.podinfo_names = names;
                view.podinfo_display = candidate.to_owned();
                break;
            }
        }
        if live {
            view.load_live_env();
        } else {
            view.load_environ_file();
        }
        Ok(view)
    }

    /// A directory given on the machine (`--podinfo-dir`, `--dra-dir`): the
    /// pod's own when it lies inside the root, else a root of its own.
    /// `Err(true)` when it does not exist, `Err(false)` when it is not a
    /// directory.
    fn dir_option(&self, dir: &Path) -> Result<Podinfo, bool> {
        Ok(match self.pod_path_of(dir) {
            // Inside the root: the pod's own directory.
            Some(pod_path) => {
                if !self.exists(&pod_path) {
                    return Err(true);
                }
                if !self.is_dir(&pod_path) {
                    return Err(false);
                }
                Podinfo::Pod(pod_path)
            }
            None if self.live => {
                if std::fs::symlink_metadata(dir).is_err() {
                    return Err(true);
                }
                if !dir.is_dir() {
                    return Err(false);
                }
                Podinfo::Dir {
                    host: dir.to_path_buf(),
                    fd: None,
                }
            }
            None => {
                let fd = rustix::fs::open(
                    dir,
                    OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(|e| e == Errno::NOENT)?;
                Podinfo::Dir {
                    host: dir.to_path_buf(),
                    fd: Some(fd),
                }
            }
        })
    }

    /// The pod path of a machine path that lies (by its spelling) inside
    /// the root; `None` under the live root or for a path outside it.
    fn pod_path_of(&self, dir: &Path) -> Option<String> {
        if self.live {
            return None;
        }
        let cwd = std::env::current_dir().ok()?;
        let dir = normalize(&cwd.join(dir));
        let mut roots = vec![normalize(&cwd.join(&self.root))];
        if let Ok(real) = self.root.canonicalize() {
            roots.push(real);
        }
        roots.iter().find_map(|root| {
            let rest = dir.strip_prefix(root).ok()?;
            let mut out = String::new();
            for c in rest.components() {
                out.push('/');
                out.push_str(c.as_os_str().to_str()?);
            }
            if out.is_empty() {
                out.push('/');
            }
            Some(out)
        })
    }

    /// The root directory.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the root is `/`, so the process's own state (environment,
    /// affinity) is the pod's.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// Whether lookups below the root use the jailed walk in user space
    /// instead of `openat2` (always `false` for the live root, where nothing
    /// is confined).
    #[must_use]
    pub fn uses_jailed_walk(&self) -> bool {
        !self.live && self.jailed
    }

    /// The downward-API directory on the machine, when it exists. For the
    /// pod's own directory under a root other than `/`, links are resolved
    /// inside the root.
    #[must_use]
    pub fn podinfo_dir(&self) -> Option<&Path> {
        self.podinfo_host
            .get_or_init(|| match self.podinfo.as_ref()? {
                Podinfo::Pod(p) if !self.live => {
                    Some(self.resolve(p).unwrap_or_else(|| self.host_path(p)))
                }
                Podinfo::Pod(p) => Some(self.host_path(p)),
                Podinfo::Dir { host, .. } => Some(host.clone()),
            })
            .as_deref()
    }

    /// Whether the downward-API directory is the pod's own (below the root)
    /// rather than a directory given on the machine.
    pub(crate) fn podinfo_in_pod(&self) -> bool {
        matches!(self.podinfo, Some(Podinfo::Pod(_)))
    }

    /// The downward-API directory as named in messages.
    #[must_use]
    pub fn podinfo_display(&self) -> &str {
        &self.podinfo_display
    }

    /// The environment: the variables whose name and value are UTF-8, in
    /// their original order.
    #[must_use]
    pub fn env(&self) -> &Environment {
        &self.env
    }

    /// The first value of an environment variable.
    #[must_use]
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env.get(name)
    }

    /// Warnings found while reading the environment, and about link
    /// placeholders followed so far.
    #[must_use]
    pub fn warnings(&self) -> Vec<Warning> {
        let mut w = self.env_warnings.clone();
        if self.placeholder_seen.get() {
            let root = self.root.display().to_string();
            let message = format!(
                "{root}: some symbolic links are stored as files that hold their target (a checkout without symlinks); they were followed as links"
            );
            w.push(Warning::new(WarningCode::Repaired, root, message));
        }
        w
    }

    fn load_live_env(&mut self) {
        for (k, v) in std::env::vars_os() {
            match (k.into_string(), v.into_string()) {
                (Ok(k), Ok(v)) => self.env.push(&k, &v),
                (Ok(k), Err(_)) if is_relevant_var(&k) => {
                    let message = format!("environment variable {k}: value is not UTF-8; ignored");
                    self.env_warnings
                        .push(Warning::new(WarningCode::Dropped, k, message));
                }
                _ => {}
            }
        }
    }

    fn load_environ_file(&mut self) {
        let data = match self.read("/proc/self/environ", MAX_DATA_FILE_BYTES) {
            Ok(d) => d,
            Err(e) => {
                let message =
                    format!("{e}; device-plugin variables and CONTAINER_NAME are unknown");
                self.env_warnings.push(Warning::new(
                    WarningCode::Missing,
                    "/proc/self/environ",
                    message,
                ));
                return;
            }
        };
        let (env, warnings) = parse_environ(&data);
        self.env = env;
        self.env_warnings.extend(warnings);
    }

    /// The jail of pod paths: the root descriptor, or the current directory
    /// (unconfined) for the live root.
    fn root_jail(&self) -> Jail<'_> {
        match &self.root_fd {
            Some(fd) => Jail {
                fd: fd.as_fd(),
                confined: true,
            },
            None => Jail {
                fd: rustix::fs::CWD,
                confined: false,
            },
        }
    }

    /// A pod path as the root jail takes it: relative to the root
    /// descriptor, or as it is for the live root.
    fn rel<'a>(&self, pod_path: &'a str) -> &'a Path {
        if self.root_fd.is_some() {
            let rel = pod_path.trim_start_matches('/');
            Path::new(if rel.is_empty() { "." } else { rel })
        } else {
            Path::new(pod_path)
        }
    }

    /// The jail of the downward-API directory's files and the path of
    /// `name` in it.
    fn podinfo_jail<'a>(&'a self, name: &'a str) -> Option<(Jail<'a>, PathBuf)> {
        Some(self.dir_jail(self.podinfo.as_ref()?, name))
    }

    /// The jail of a directory's files and the path of `name` in it.
    fn dir_jail<'a>(&'a self, dir: &'a Podinfo, name: &str) -> (Jail<'a>, PathBuf) {
        match dir {
            Podinfo::Pod(p) => (
                self.root_jail(),
                self.rel(&crate::parse::sysfile::join(p, name))
                    .to_path_buf(),
            ),
            Podinfo::Dir { fd: Some(fd), .. } => (
                Jail {
                    fd: fd.as_fd(),
                    confined: true,
                },
                PathBuf::from(if name.is_empty() { "." } else { name }),
            ),
            Podinfo::Dir { host, fd: None } => (
                Jail {
                    fd: rustix::fs::CWD,
                    confined: false,
                },
                host.join(name),
            ),
        }
    }

    /// The machine path of a pod path (the root joined with it, nothing
    /// resolved).
    #[must_use]
    pub fn host_path(&self, pod_path: &str) -> PathBuf {
        self.root.join(pod_path.trim_start_matches('/'))
    }

    /// Reads a file of the pod, at most `cap` bytes.
    ///
    /// # Errors
    ///
    /// [`ReadError`] naming the pod path.
    pub fn read(&self, pod_path: &str, cap: u64) -> Result<Vec<u8>, ReadError> {
        // A live pod's /sys is sysfs, whose attributes read whole at once.
        let sysfs = self.live && pod_path.starts_with("/sys/");
        self.read_in(self.root_jail(), self.rel(pod_path), pod_path, cap, sysfs)
    }

    /// Reads a file of the pod as UTF-8 text (invalid sequences replaced).
    ///
    /// # Errors
    ///
    /// [`ReadError`] naming the pod path.
    pub fn read_string(&self, pod_path: &str, cap: u64) -> Result<String, ReadError> {
        self.read(pod_path, cap).map(|d| {
            String::from_utf8(d)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        })
    }

    /// Reads a file of the downward-API directory; `Ok(None)` when there is
    /// no such directory. A name the view's listing does not hold (see
    /// [`Self::list_podinfo`]) is not found without a lookup.
    ///
    /// # Errors
    ///
    /// [`ReadError`] naming the file.
    pub fn read_podinfo(&self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let Some((jail, path)) = self.podinfo_jail(name) else {
            return Ok(None);
        };
        let display = format!("{}/{name}", self.podinfo_display.trim_end_matches('/'));
        if let Some(names) = &self.podinfo_names {
            if names.binary_search_by(|n| n.as_str().cmp(name)).is_err() {
                return Err(ReadError::NotFound { path: display });
            }
        }
        self.read_in(jail, &path, &display, MAX_DATA_FILE_BYTES, false)
            .map(Some)
    }

    /// Names in the downward-API directory, sorted, without the entries
    /// kubelet's atomic writer keeps for itself (names starting with `..`).
    /// The pod's own directory is listed once, when the view is made: a
    /// view is a snapshot of which files exist.
    ///
    /// # Errors
    ///
    /// [`ReadError`] when the directory cannot be listed.
    pub fn list_podinfo(&self) -> Result<Vec<String>, ReadError> {
        if let Some(names) = &self.podinfo_names {
            return Ok(names.clone());
        }
        let Some((jail, path)) = self.podinfo_jail("") else {
            return Ok(Vec::new());
        };
        self.list_in(jail, &path)
            .map(podinfo_names)
            .map_err(|e| io_error(self.podinfo_display.clone(), e.into()))
    }

    /// Lists a directory of the pod (sorted names); `None` when it cannot be
    /// read.
    #[must_use]
    pub fn list_dir(&self, pod_path: &str) -> Option<Vec<String>> {
        self.list_in(self.root_jail(), self.rel(pod_path)).ok()
    }
}

/// `path` made absolute-looking without `.` and with `..` taken back
/// lexically (links are not looked at).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests;
