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

use std::cell::{Cell, OnceCell};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;
use thiserror::Error;

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

/// Why a file could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file does not exist.
    #[error("{path}: does not exist")]
    NotFound {
        /// The file, as the pod sees it.
        path: String,
    },
    /// Something other than a regular file is at the path.
    #[error("{path}: is a {kind}, not a regular file; not read")]
    NotRegular {
        /// The file, as the pod sees it.
        path: String,
        /// What was found (`FIFO`, `directory`, ...).
        kind: &'static str,
    },
    /// The file is larger than the cap.
    #[error("{path}: larger than {cap} bytes; not read")]
    TooLarge {
        /// The file, as the pod sees it.
        path: String,
        /// The cap in bytes.
        cap: u64,
    },
    /// Any other I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The file, as the pod sees it.
        path: String,
        /// The error.
        source: io::Error,
    },
}

impl ReadError {
    /// Whether the file is simply absent.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}

/// Errors that make a pod view unusable.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PodViewError {
    /// The root exists but is not a directory (or cannot be opened as one).
    #[error("pod root {0}: not a directory")]
    RootNotADirectory(PathBuf),
    /// An explicitly given downward-API directory exists but is not a
    /// directory (or cannot be opened as one).
    #[error("downward-API directory {0}: not a directory")]
    PodinfoNotADirectory(PathBuf),
    /// The root does not exist.
    #[error("pod root {0}: does not exist")]
    RootNotFound(PathBuf),
    /// An explicitly given downward-API directory does not exist.
    #[error("downward-API directory {0}: does not exist")]
    PodinfoNotFound(PathBuf),
}

/// What kind of file a path of the pod leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A UNIX socket.
    Socket,
    /// A character device node.
    CharDevice,
    /// A block device node.
    BlockDevice,
    /// A FIFO.
    Fifo,
    /// Anything else.
    Other,
}

impl FileKind {
    /// The kind in words (`directory`, `socket`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regular => "regular file",
            Self::Directory => "directory",
            Self::Socket => "socket",
            Self::CharDevice => "character device",
            Self::BlockDevice => "block device",
            Self::Fifo => "FIFO",
            Self::Other => "special file",
        }
    }
}

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

impl FileKind {
    fn of(st: &Stat) -> Self {
        match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => Self::Regular,
            FileType::Directory => Self::Directory,
            FileType::Socket => Self::Socket,
            FileType::CharacterDevice => Self::CharDevice,
            FileType::BlockDevice => Self::BlockDevice,
            FileType::Fifo => Self::Fifo,
            _ => Self::Other,
        }
    }
}

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

/// Where lookups start, and whether they must stay below that directory.
#[derive(Clone, Copy)]
struct Jail<'a> {
    /// The directory relative paths start from (the current directory for
    /// an unconfined lookup of an absolute path).
    fd: BorrowedFd<'a>,
    /// Whether links and `..` must stay below `fd` (and link placeholders
    /// are followed).
    confined: bool,
}

/// A path resolved by the jailed walk.
struct Walked {
    /// The open directories from below the jail to the final entry's parent.
    dirs: Vec<OwnedFd>,
    /// The final entry's name in its parent (`.` for the jail itself).
    name: OsString,
    /// The path's components below the jail, every link resolved.
    comps: Vec<OsString>,
    /// The final entry, opened with `O_PATH`.
    fd: OwnedFd,
    /// What the final entry is.
    stat: Stat,
}

impl Walked {
    fn parent<'a>(&'a self, jail: BorrowedFd<'a>) -> BorrowedFd<'a> {
        self.dirs.last().map_or(jail, AsFd::as_fd)
    }

    fn is_dir(&self) -> bool {
        FileType::from_raw_mode(self.stat.st_mode) == FileType::Directory
    }

    fn pod_path(&self) -> String {
        let mut out = String::new();
        for c in &self.comps {
            out.push('/');
            out.push_str(&c.to_string_lossy());
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

/// A regular file opened for reading, or why not.
enum Opened {
    File(OwnedFd, u64),
    NotRegular(&'static str),
    Failed(Errno),
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
    env_warnings: Vec<String>,
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

    /// A view of the pod that `opts` names ([`crate::Options::root`],
    /// [`crate::Options::podinfo_dir`], [`crate::Options::jailed_walk`]).
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn from_options(opts: &crate::Options) -> Result<Self, PodViewError> {
        Self::open(&opts.root, opts.podinfo_dir.as_deref(), opts.jailed_walk)
    }

    fn open(
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
            let podinfo = match view.pod_path_of(dir) {
                // Inside the root: the pod's own directory.
                Some(pod_path) => {
                    if !view.exists(&pod_path) {
                        return Err(PodViewError::PodinfoNotFound(dir.to_path_buf()));
                    }
                    if !view.is_dir(&pod_path) {
                        return Err(PodViewError::PodinfoNotADirectory(dir.to_path_buf()));
                    }
                    Podinfo::Pod(pod_path)
                }
                None if live => {
                    if std::fs::symlink_metadata(dir).is_err() {
                        return Err(PodViewError::PodinfoNotFound(dir.to_path_buf()));
                    }
                    if !dir.is_dir() {
                        return Err(PodViewError::PodinfoNotADirectory(dir.to_path_buf()));
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
                    .map_err(|e| {
                        if e == Errno::NOENT {
                            PodViewError::PodinfoNotFound(dir.to_path_buf())
                        } else {
                            PodViewError::PodinfoNotADirectory(dir.to_path_buf())
                        }
                    })?;
                    Podinfo::Dir {
                        host: dir.to_path_buf(),
                        fd: Some(fd),
                    }
                }
            };
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
    pub fn warnings(&self) -> Vec<String> {
        let mut w = self.env_warnings.clone();
        if self.placeholder_seen.get() {
            w.push(format!(
                "{}: some symbolic links are stored as files that hold their target (a checkout without symlinks); they were followed as links",
                self.root.display()
            ));
        }
        w
    }

    fn load_live_env(&mut self) {
        for (k, v) in std::env::vars_os() {
            match (k.into_string(), v.into_string()) {
                (Ok(k), Ok(v)) => self.env.push(&k, &v),
                (Ok(k), Err(_)) if is_relevant_var(&k) => self.env_warnings.push(format!(
                    "environment variable {k}: value is not UTF-8; ignored"
                )),
                _ => {}
            }
        }
    }

    fn load_environ_file(&mut self) {
        let data = match self.read("/proc/self/environ", MAX_DATA_FILE_BYTES) {
            Ok(d) => d,
            Err(e) => {
                self.env_warnings.push(format!(
                    "{e}; device-plugin variables and CONTAINER_NAME are unknown"
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
        Some(match self.podinfo.as_ref()? {
            Podinfo::Pod(p) => (
                self.root_jail(),
                self.rel(&crate::sysfile::join(p, name)).to_path_buf(),
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
        })
    }

    /// Opens `path` with `flags`, following links inside the jail (only
    /// `O_PATH`, `O_DIRECTORY` and read-only flags are used here). Link
    /// placeholders are not followed.
    fn lookup(&self, jail: Jail<'_>, path: &Path, flags: OFlags) -> Result<OwnedFd, Errno> {
        if !jail.confined {
            return rustix::fs::openat(jail.fd, path, flags | OFlags::CLOEXEC, Mode::empty());
        }
        if !self.jailed {
            for _ in 0..4 {
                match rustix::fs::openat2(
                    jail.fd,
                    path,
                    flags | OFlags::CLOEXEC,
                    Mode::empty(),
                    ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
                ) {
                    // A rename or mount raced with a `..`: try again, then
                    // walk.
                    Err(Errno::AGAIN) => {}
                    other => return other,
                }
            }
        }
        let walked = self.walk(jail.fd, path, false)?;
        reopen(jail.fd, walked, flags)
    }

    /// The jailed walk: resolves `path` below `jail` one component at a
    /// time, each opened with `O_NOFOLLOW` relative to its parent, links
    /// read and walked in turn (an absolute target from the jail, `..` never
    /// above it). With `placeholders`, a small regular file holding a
    /// relative link target is followed as that link.
    fn walk(&self, jail: BorrowedFd<'_>, path: &Path, placeholders: bool) -> Result<Walked, Errno> {
        let mut pending: Vec<OsString> = Vec::new();
        push_components(&mut pending, path);
        let mut dirs: Vec<OwnedFd> = Vec::new();
        let mut comps: Vec<OsString> = Vec::new();
        let mut hops = 0usize;
        let mut steps = 0usize;
        loop {
            let Some(name) = pending.pop() else {
                // The path ends at a directory, or at the jail itself.
                let fd = match dirs.pop() {
                    Some(fd) => fd,
                    None => rustix::fs::openat(
                        jail,
                        ".",
                        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                        Mode::empty(),
                    )?,
                };
                let stat = rustix::fs::fstat(&fd)?;
                let name = comps.last().cloned().unwrap_or_else(|| OsString::from("."));
                return Ok(Walked {
                    dirs,
                    name,
                    comps,
                    fd,
                    stat,
                });
            };
            steps += 1;
            if steps > MAX_WALK_STEPS {
                return Err(Errno::NAMETOOLONG);
            }
            if name == ".." {
                dirs.pop();
                comps.pop();
                continue;
            }
            let parent = dirs.last().map_or(jail, AsFd::as_fd);
            let fd = rustix::fs::openat(
                parent,
                &name,
                OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            let stat = rustix::fs::fstat(&fd)?;
            let target = match FileType::from_raw_mode(stat.st_mode) {
                FileType::Directory => {
                    if dirs.len() >= MAX_WALK_DEPTH {
                        return Err(Errno::NAMETOOLONG);
                    }
                    dirs.push(fd);
                    comps.push(name);
                    continue;
                }
                FileType::Symlink => {
                    Some(rustix::fs::readlinkat(&fd, "", Vec::new())?.into_bytes())
                }
                FileType::RegularFile if placeholders => {
                    let target = read_placeholder(parent, &name, &stat)?;
                    if target.is_some() {
                        self.placeholder_seen.set(true);
                    }
                    target
                }
                _ => None,
            };
            match target {
                Some(target) => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(Errno::LOOP);
                    }
                    let target = Path::new(OsStr::from_bytes(&target));
                    if target.has_root() {
                        dirs.clear();
                        comps.clear();
                    }
                    push_components(&mut pending, target);
                    if pending.len() > MAX_WALK_STEPS {
                        return Err(Errno::NAMETOOLONG);
                    }
                }
                None if pending.is_empty() => {
                    comps.push(name.clone());
                    return Ok(Walked {
                        dirs,
                        name,
                        comps,
                        fd,
                        stat,
                    });
                }
                None => return Err(Errno::NOTDIR),
            }
        }
    }

    /// Opens the regular file at `path` (links followed inside the jail,
    /// placeholders not) for reading, after checking on an `O_PATH`
    /// descriptor that it is one.
    fn open_regular(&self, jail: Jail<'_>, path: &Path) -> Opened {
        if self.jailed {
            return match self.walk(jail.fd, path, false) {
                Ok(walked) => open_walked(jail.fd, walked),
                Err(e) => Opened::Failed(e),
            };
        }
        let stat = match self
            .lookup(jail, path, OFlags::PATH)
            .and_then(rustix::fs::fstat)
        {
            Ok(st) => st,
            Err(e) => return Opened::Failed(e),
        };
        if let Some(kind) = not_regular(&stat) {
            return Opened::NotRegular(kind);
        }
        match self.lookup(jail, path, READ_FLAGS) {
            Ok(fd) => Opened::File(fd, u64::try_from(stat.st_size).unwrap_or(0)),
            Err(e) => Opened::Failed(e),
        }
    }

    /// Reads a regular file of a jail, at most `cap` bytes.
    fn read_in(
        &self,
        jail: Jail<'_>,
        path: &Path,
        display: &str,
        cap: u64,
        sysfs: bool,
    ) -> Result<Vec<u8>, ReadError> {
        if !jail.confined {
            return read_regular_at(jail.fd, path, display, cap, sysfs);
        }
        let not_regular = |kind| ReadError::NotRegular {
            path: display.to_owned(),
            kind,
        };
        let first = match self.open_regular(jail, path) {
            Opened::File(fd, size) => match read_fd(fd, size, display, cap, false)? {
                data if is_link_placeholder(&data) => Ok(data),
                data => return Ok(data),
            },
            Opened::NotRegular(kind) => return Err(not_regular(kind)),
            Opened::Failed(Errno::NOENT) => {
                return Err(ReadError::NotFound {
                    path: display.to_owned(),
                });
            }
            Opened::Failed(e) => Err(e),
        };
        // A link placeholder, or a path through one.
        let followed = match self.walk(jail.fd, path, true) {
            Ok(walked) => open_walked(jail.fd, walked),
            Err(e) => Opened::Failed(e),
        };
        match (followed, first) {
            (Opened::File(fd, size), _) => read_fd(fd, size, display, cap, false),
            (Opened::NotRegular(kind), _) => Err(not_regular(kind)),
            // A placeholder whose target cannot be followed is its text.
            (Opened::Failed(_), Ok(data)) => Ok(data),
            (Opened::Failed(_), Err(e)) => Err(io_error(display.to_owned(), e.into())),
        }
    }

    /// Lists a directory of a jail (sorted names, without `.` and `..`).
    fn list_in(&self, jail: Jail<'_>, path: &Path) -> Result<Vec<String>, Errno> {
        match self.lookup(jail, path, OFlags::RDONLY | OFlags::DIRECTORY) {
            Ok(fd) => list_names(fd),
            Err(e @ Errno::NOENT) => Err(e),
            Err(e) if !jail.confined => Err(e),
            // A path through link placeholders.
            Err(e) => match self.walk(jail.fd, path, true) {
                Ok(walked) if walked.is_dir() => {
                    reopen(jail.fd, walked, OFlags::RDONLY | OFlags::DIRECTORY).and_then(list_names)
                }
                _ => Err(e),
            },
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

    /// Whether a path exists in the pod (following links inside the root).
    #[must_use]
    pub fn exists(&self, pod_path: &str) -> bool {
        let jail = self.root_jail();
        let path = self.rel(pod_path);
        if !jail.confined {
            return rustix::fs::statat(jail.fd, path, AtFlags::empty()).is_ok();
        }
        match self.lookup(jail, path, OFlags::PATH) {
            Ok(_) => true,
            Err(Errno::NOENT) => false,
            // A path through link placeholders.
            Err(_) => self.walk(jail.fd, path, true).is_ok(),
        }
    }

    /// Whether `pod_path` is a directory of the pod (following links inside
    /// the root). Usually one lookup.
    #[must_use]
    pub fn is_dir(&self, pod_path: &str) -> bool {
        let jail = self.root_jail();
        let path = self.rel(pod_path);
        if !jail.confined {
            return rustix::fs::statat(jail.fd, path, AtFlags::empty())
                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
        }
        match self.lookup(jail, path, OFlags::PATH | OFlags::DIRECTORY) {
            Ok(_) => true,
            Err(Errno::NOENT) => false,
            // Not a directory (maybe a link placeholder).
            Err(_) => self
                .walk(jail.fd, path, true)
                .is_ok_and(|walked| walked.is_dir()),
        }
    }

    /// What `pod_path` leads to after following every link (and, under a
    /// root other than `/`, link placeholder) inside the root, or `None`
    /// when it does not exist. Nothing is opened but with `O_PATH`.
    #[must_use]
    pub fn file_kind(&self, pod_path: &str) -> Option<FileKind> {
        let jail = self.root_jail();
        let path = self.rel(pod_path);
        if !jail.confined {
            return rustix::fs::statat(jail.fd, path, AtFlags::empty())
                .ok()
                .map(|st| FileKind::of(&st));
        }
        let walk = || {
            self.walk(jail.fd, path, true)
                .ok()
                .map(|walked| FileKind::of(&walked.stat))
        };
        match self
            .lookup(jail, path, OFlags::PATH)
            .and_then(rustix::fs::fstat)
        {
            // A small file may be a link placeholder.
            Ok(st)
                if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile
                    && st.st_size < 4096 =>
            {
                walk()
            }
            Ok(st) => Some(FileKind::of(&st)),
            Err(Errno::NOENT) => None,
            Err(_) => walk(),
        }
    }

    /// The pod path that `pod_path` leads to after following every link
    /// inside the root, or `None` when it does not exist.
    #[must_use]
    pub fn canonical(&self, pod_path: &str) -> Option<String> {
        let jail = self.root_jail();
        let path = self.rel(pod_path);
        if !jail.confined {
            let fd = self.lookup(jail, path, OFlags::PATH).ok();
            return fd
                .and_then(|fd| self.fd_pod_path(&fd))
                .or_else(|| Some(std::fs::canonicalize(path).ok()?.to_str()?.to_owned()));
        }
        let first = if self.jailed {
            self.walk(jail.fd, path, false)
                .map(|walked| walked.pod_path())
        } else {
            self.lookup(jail, path, OFlags::PATH).map(|fd| {
                self.fd_pod_path(&fd).unwrap_or_else(|| {
                    // The kernel's answer cannot be mapped to the pod: walk.
                    self.walk(jail.fd, path, false)
                        .map_or_else(|_| String::new(), |walked| walked.pod_path())
                })
            })
        };
        match first {
            Ok(found) if !found.is_empty() => Some(found),
            Ok(_) => None,
            Err(Errno::NOENT) => None,
            // A path through link placeholders.
            Err(_) => self
                .walk(jail.fd, path, true)
                .ok()
                .map(|walked| walked.pod_path()),
        }
    }

    /// Where an `O_PATH` descriptor of the root jail leads, as a pod path
    /// (the kernel's name for it in `/proc/self/fd`, the resolved root
    /// taken off). `None` when that cannot be said.
    fn fd_pod_path(&self, fd: &OwnedFd) -> Option<String> {
        let root = self
            .root_real
            .get_or_init(|| self.root.canonicalize().ok())
            .as_deref()?;
        let real = rustix::fs::readlinkat(
            rustix::fs::CWD,
            format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(fd)),
            Vec::new(),
        )
        .ok()?;
        let real = real.into_string().ok()?;
        if root == Path::new("/") {
            return real.starts_with('/').then_some(real);
        }
        let rest = Path::new(&real).strip_prefix(root).ok()?;
        let mut out = String::with_capacity(real.len());
        for c in rest.components() {
            match c {
                Component::Normal(n) => {
                    out.push('/');
                    out.push_str(n.to_str()?);
                }
                _ => return None,
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        Some(out)
    }

    /// The target of the link at `pod_path` as written, without following
    /// it (so a link to something absent still has a target). Links in the
    /// parent directories are followed (inside the root). `None` when it is
    /// not a link.
    #[must_use]
    pub fn read_link(&self, pod_path: &str) -> Option<PathBuf> {
        let jail = self.root_jail();
        if !jail.confined {
            return rustix::fs::readlinkat(jail.fd, pod_path, Vec::new())
                .ok()?
                .into_string()
                .ok()
                .map(PathBuf::from);
        }
        let path = Path::new(pod_path);
        let name = path.file_name()?;
        let parent = self.rel(path.parent()?.to_str()?);
        let dir = match self.lookup(jail, parent, OFlags::PATH | OFlags::DIRECTORY) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return None,
            // A parent reached through link placeholders.
            Err(_) => {
                let walked = self.walk(jail.fd, parent, true).ok()?;
                if !walked.is_dir() {
                    return None;
                }
                walked.fd
            }
        };
        if let Ok(target) = rustix::fs::readlinkat(&dir, name, Vec::new()) {
            return target.into_string().ok().map(PathBuf::from);
        }
        let stat = rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        let target = read_placeholder(dir.as_fd(), name, &stat).ok()??;
        self.placeholder_seen.set(true);
        String::from_utf8(target).ok().map(PathBuf::from)
    }

    /// The machine path a pod path leads to, following links inside the
    /// root (and link placeholders under a root other than `/`); `None`
    /// when it does not exist.
    #[must_use]
    pub fn resolve(&self, pod_path: &str) -> Option<PathBuf> {
        let jail = self.root_jail();
        if !jail.confined {
            return std::fs::canonicalize(pod_path).ok();
        }
        let walked = self.walk(jail.fd, self.rel(pod_path), true).ok()?;
        Some(
            walked
                .comps
                .iter()
                .fold(self.root.clone(), |p, c| p.join(c)),
        )
    }
}

/// The flags every data file is opened with: read-only, never blocking
/// (a FIFO swapped in after the check), never a controlling terminal.
const READ_FLAGS: OFlags = OFlags::RDONLY.union(OFlags::NONBLOCK).union(OFlags::NOCTTY);

/// Whether an `openat2` error says the system call is missing or filtered
/// (not an answer about the path).
fn openat2_missing(e: Errno) -> bool {
    matches!(e, Errno::NOSYS | Errno::PERM | Errno::INVAL | Errno::TOOBIG)
}

/// Opens a walked entry again with `flags`: the same directory through its
/// own descriptor, a file by name in its parent (`O_NOFOLLOW`), checked to
/// be the same file.
fn reopen(jail: BorrowedFd<'_>, walked: Walked, flags: OFlags) -> Result<OwnedFd, Errno> {
    let is_dir = walked.is_dir();
    if flags.contains(OFlags::DIRECTORY) && !is_dir {
        return Err(Errno::NOTDIR);
    }
    if flags.contains(OFlags::PATH) {
        return Ok(walked.fd);
    }
    if is_dir {
        return rustix::fs::openat(&walked.fd, ".", flags | OFlags::CLOEXEC, Mode::empty());
    }
    let fd = rustix::fs::openat(
        walked.parent(jail),
        &walked.name,
        flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let st = rustix::fs::fstat(&fd)?;
    if st.st_dev != walked.stat.st_dev || st.st_ino != walked.stat.st_ino {
        // Replaced between the walk and the open.
        return Err(Errno::STALE);
    }
    Ok(fd)
}

/// Opens a walked entry for reading when it is a regular file.
fn open_walked(jail: BorrowedFd<'_>, walked: Walked) -> Opened {
    if let Some(kind) = not_regular(&walked.stat) {
        return Opened::NotRegular(kind);
    }
    let size = u64::try_from(walked.stat.st_size).unwrap_or(0);
    match reopen(jail, walked, READ_FLAGS) {
        Ok(fd) => Opened::File(fd, size),
        Err(e) => Opened::Failed(e),
    }
}

/// The target a link placeholder holds: `name` in `dir`, whose `stat` is
/// known, when it is a small regular file holding a relative link target.
fn read_placeholder(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    stat: &Stat,
) -> Result<Option<Vec<u8>>, Errno> {
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile || stat.st_size >= 4096 {
        return Ok(None);
    }
    let fd = rustix::fs::openat(
        dir,
        name,
        READ_FLAGS | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let st = rustix::fs::fstat(&fd)?;
    if st.st_dev != stat.st_dev || st.st_ino != stat.st_ino {
        return Err(Errno::STALE);
    }
    let data = read_fd(fd, u64::try_from(st.st_size).unwrap_or(0), "", 4096, false)
        .map_err(|_| Errno::IO)?;
    Ok(is_link_placeholder(&data).then_some(data))
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

/// Pushes the components of `path` so that popping yields them in order.
fn push_components(stack: &mut Vec<OsString>, path: &Path) {
    let start = stack.len();
    stack.extend(path.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        _ => None,
    }));
    stack[start..].reverse();
}

/// A small file holding a relative link target, as git writes a symlink
/// where symlinks are disabled.
fn is_link_placeholder(data: &[u8]) -> bool {
    data.len() < 4096
        && data.starts_with(b"..")
        && !data
            .iter()
            .any(|b| b.is_ascii_whitespace() || matches!(b, 0 | b'=' | b'"'))
        && std::str::from_utf8(data).is_ok()
}

fn is_relevant_var(name: &str) -> bool {
    name.starts_with(crate::devplugin::PREFIX) || name == crate::hugepages::CONTAINER_NAME_VAR
}

/// Environment variables, in their original order, held in one string as
/// the kernel's `environ` holds them (`NAME=VALUE` records, each ended by a
/// NUL), with the offsets of each record's `=` and NUL: 8 bytes per
/// variable beside the text, and no search when iterating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    text: String,
    /// Per variable, the offsets in `text` of its `=` and of its NUL.
    marks: Vec<(u32, u32)>,
}

impl Environment {
    /// Appends a variable. A name holding `=` or NUL, or a value holding
    /// NUL, cannot be a variable and is not stored; neither is one that
    /// would make the whole environment larger than 4 GiB.
    pub fn push(&mut self, name: &str, value: &str) {
        if memchr::memchr2(b'=', 0, name.as_bytes()).is_some()
            || memchr::memchr(0, value.as_bytes()).is_some()
        {
            return;
        }
        self.push_unchecked(name, value);
    }

    /// [`Environment::push`] of a name without `=` or NUL and a value
    /// without NUL.
    fn push_unchecked(&mut self, name: &str, value: &str) {
        let eq = self.text.len() + name.len();
        let end = eq + 1 + value.len();
        let (Ok(eq), Ok(end)) = (u32::try_from(eq), u32::try_from(end)) else {
            return;
        };
        self.text.reserve(name.len() + value.len() + 2);
        self.text.push_str(name);
        self.text.push('=');
        self.text.push_str(value);
        self.text.push('\0');
        self.marks.push((eq, end));
    }

    /// The variables as `(name, value)` pairs, in their original order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut start = 0usize;
        self.marks.iter().map(move |&(eq, end)| {
            let (eq, end) = (eq as usize, end as usize);
            // `=` and NUL are ASCII: the slices fall on character boundaries.
            let name = self.text.get(start..eq).unwrap_or_default();
            let value = self.text.get(eq + 1..end).unwrap_or_default();
            start = end + 1;
            (name, value)
        })
    }

    /// The first value of the variable `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|&(n, _)| n == name).map(|(_, v)| v)
    }

    /// How many variables there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }
}

/// Splits the kernel's `environ` format: NUL-terminated `KEY=VALUE` records
/// whose values may contain `=` and newlines. Returns the UTF-8 variables
/// and warnings about relevant records that could not be used (at most
/// [`crate::MAX_WARNINGS_PER_SOURCE`], then a count of the rest).
#[must_use]
pub fn parse_environ(data: &[u8]) -> (Environment, Vec<String>) {
    let mut warnings = crate::warnings::Warnings::new();
    // The variables fit in the data's length, and there is one mark per
    // NUL at most: one allocation each.
    let mut env = Environment {
        text: String::with_capacity(data.len() + 1),
        marks: Vec::with_capacity(memchr::memchr_iter(0, data).count() + 1),
    };
    for record in crate::sysfile::split_bytes(data, 0) {
        let Some(eq) = memchr::memchr(b'=', record) else {
            continue;
        };
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        let Ok(key) = std::str::from_utf8(key) else {
            continue;
        };
        match std::str::from_utf8(value) {
            // The record was split at its NUL and its first `=`.
            Ok(v) => env.push_unchecked(key, v),
            Err(_) if is_relevant_var(key) => warnings.about(
                "/proc/self/environ",
                format_args!("environment variable {key}: value is not UTF-8; ignored"),
            ),
            Err(_) => {}
        }
    }
    (env, warnings.into_vec())
}

fn io_error(path: String, source: io::Error) -> ReadError {
    if source.kind() == io::ErrorKind::NotFound {
        ReadError::NotFound { path }
    } else {
        ReadError::Io { path, source }
    }
}

/// A downward-API listing without the entries kubelet's atomic writer
/// keeps for itself (names starting with `..`).
fn podinfo_names(mut names: Vec<String>) -> Vec<String> {
    names.retain(|n| !n.starts_with(".."));
    names
}

/// Sorted entry names of an open directory (without `.` and `..`).
fn list_names(fd: OwnedFd) -> Result<Vec<String>, Errno> {
    let mut names = Vec::new();
    // One page holds any entry (names are at most 255 bytes), and on the
    // stack it costs no allocation per listing.
    let mut buf = [std::mem::MaybeUninit::uninit(); 4096];
    let mut dir = rustix::fs::RawDir::new(fd, &mut buf);
    while let Some(entry) = dir.next() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        if let Ok(name) = std::str::from_utf8(name) {
            names.push(name.to_owned());
        }
    }
    names.sort_unstable();
    Ok(names)
}

/// Reads a regular file (`path` relative to `dir`, links followed as the
/// kernel does: for the live root), refusing anything else without opening
/// it. The open uses `O_NONBLOCK`, so even a FIFO swapped in after the check
/// cannot block the reader.
///
/// `sysfs` says the file is on sysfs: an attribute there reports a size of
/// one page (4096) whatever it holds and gives all of it to the first read,
/// so a shorter first read is its end (one `read` call instead of two).
fn read_regular_at(
    dir: BorrowedFd<'_>,
    path: &Path,
    display: &str,
    cap: u64,
    sysfs: bool,
) -> Result<Vec<u8>, ReadError> {
    let st = rustix::fs::statat(dir, path, AtFlags::empty())
        .map_err(|e| io_error(display.to_owned(), e.into()))?;
    if let Some(kind) = not_regular(&st) {
        return Err(ReadError::NotRegular {
            path: display.to_owned(),
            kind,
        });
    }
    let fd = rustix::fs::openat(dir, path, READ_FLAGS | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| io_error(display.to_owned(), e.into()))?;
    read_fd(
        fd,
        u64::try_from(st.st_size).unwrap_or(0),
        display,
        cap,
        sysfs,
    )
}

/// Reads an open file whose `stat` gave `size`, at most `cap` bytes.
fn read_fd(
    fd: OwnedFd,
    size: u64,
    display: &str,
    cap: u64,
    sysfs: bool,
) -> Result<Vec<u8>, ReadError> {
    let mut file = File::from(fd);
    // proc files report size 0, sysfs attributes 4096: start with a page.
    let initial = if size == 0 { 4096 } else { size.min(cap) + 1 };
    // Holding `cap + 1` bytes is enough to know the file is too large.
    let limit = usize::try_from(cap).unwrap_or(usize::MAX).saturating_add(1);
    let mut data = Vec::with_capacity(usize::try_from(initial).unwrap_or(4096).min(limit));
    while data.len() < limit {
        if data.len() == data.capacity() {
            data.reserve(data.capacity().max(4096));
        }
        let start = data.len();
        let room = (data.capacity() - start).min(limit - start);
        data.resize(start + room, 0);
        let n = loop {
            match file.read(&mut data[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(display.to_owned(), e)),
            }
        };
        data.truncate(start + n);
        // A short read once the known size is reached is the end of the
        // file; proc files (size 0) are read until a read returns nothing.
        if n == 0 || (size > 0 && n < room && data.len() as u64 >= size) {
            break;
        }
        if sysfs && size == 4096 && start == 0 && n < room {
            break;
        }
    }
    if data.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            path: display.to_owned(),
            cap,
        });
    }
    Ok(data)
}

/// A machine path read the way the live root reads.
#[cfg(test)]
fn read_regular(host: &Path, display: &str, cap: u64) -> Result<Vec<u8>, ReadError> {
    read_regular_at(rustix::fs::CWD, host, display, cap, false)
}

/// What a file is in words, when it is not a regular file.
fn not_regular(st: &Stat) -> Option<&'static str> {
    Some(match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => return None,
        FileType::Directory => "directory",
        FileType::Fifo => "FIFO",
        FileType::Socket => "socket",
        FileType::CharacterDevice => "character device",
        FileType::BlockDevice => "block device",
        _ => "special file",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn environ_records() {
        let (env, w) = parse_environ(
            b"A=1\0JAVA_TOOL_OPTIONS=-Dfile.encoding=UTF-8\0MULTI=line1\nline2\0NOEQ\0\0PCIDEVICE_X=\xff\0",
        );
        assert_eq!(
            env.iter().collect::<Vec<_>>(),
            [
                ("A", "1"),
                ("JAVA_TOOL_OPTIONS", "-Dfile.encoding=UTF-8"),
                ("MULTI", "line1\nline2"),
            ]
        );
        assert_eq!(env.len(), 3);
        assert_eq!(env.get("MULTI"), Some("line1\nline2"));
        assert_eq!(env.get("NOEQ"), None);
        assert_eq!(env.get("PCIDEVICE_X"), None);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("PCIDEVICE_X"), "{w:?}");
        // An empty name and an empty value are kept as they are.
        let (env, _) = parse_environ(b"=x\0E=\0");
        assert_eq!(env.iter().collect::<Vec<_>>(), [("", "x"), ("E", "")]);
    }

    #[test]
    fn placeholder_detection() {
        assert!(is_link_placeholder(b"..data/annotations"));
        assert!(is_link_placeholder(
            b"../../devices/pci0000:3a/0000:3a:00.0"
        ));
        assert!(!is_link_placeholder(b"..data/annotations\n"));
        assert!(!is_link_placeholder(b"k=\"v\""));
        assert!(!is_link_placeholder(b"1024"));
    }

    #[test]
    fn live_sysfs_attributes_read_whole() {
        // Read with one call (a short first read ends a sysfs attribute);
        // the content must equal what reading to the end gives.
        let view = PodView::new(Path::new("/"), None).unwrap();
        let mut compared = 0;
        for path in [
            "/sys/devices/system/cpu/online",
            "/sys/devices/system/cpu/possible",
            "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
            "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
            "/sys/devices/system/node/node0/cpulist",
        ] {
            let Ok(expected) = std::fs::read(path) else {
                continue;
            };
            assert_eq!(view.read(path, 4096).unwrap(), expected, "{path}");
            compared += 1;
        }
        assert!(
            compared > 0,
            "no sysfs attribute to compare: is /sys mounted?"
        );
    }

    #[test]
    fn refuses_fifo_and_caps_size() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, Mode::from_raw_mode(0o600)).unwrap();
        let err = read_regular(&fifo, "/fifo", 10).unwrap_err();
        assert!(
            matches!(err, ReadError::NotRegular { kind: "FIFO", .. }),
            "{err}"
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 11]).unwrap();
        assert!(matches!(
            read_regular(&big, "/big", 10),
            Err(ReadError::TooLarge { cap: 10, .. })
        ));
        assert_eq!(read_regular(&big, "/big", 11).unwrap().len(), 11);
        assert!(matches!(
            read_regular(dir.path(), "/", 10),
            Err(ReadError::NotRegular {
                kind: "directory",
                ..
            })
        ));
    }

    #[test]
    fn links_resolve_inside_root_and_loops_end() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/real")).unwrap();
        std::fs::write(root.join("etc/real/f"), b"data").unwrap();
        // An absolute link is taken relative to the pod root.
        symlink("/etc/real", root.join("etc/abs")).unwrap();
        symlink("loop2", root.join("etc/loop1")).unwrap();
        symlink("loop1", root.join("etc/loop2")).unwrap();
        std::fs::create_dir_all(root.join("proc/self")).unwrap();
        std::fs::write(root.join("proc/self/environ"), b"").unwrap();
        let view = PodView::new(root, None).unwrap();
        assert_eq!(view.read("/etc/abs/f", 100).unwrap(), b"data");
        assert_eq!(view.canonical("/etc/abs/f").as_deref(), Some("/etc/real/f"));
        assert!(view.read("/etc/loop1", 100).is_err());
        assert!(view.canonical("/etc/loop1").is_none());
        // `..` never leaves the root.
        assert_eq!(
            view.canonical("/../../etc/real/f").as_deref(),
            Some("/etc/real/f")
        );
    }

    #[test]
    fn placeholders_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let pi = root.join("etc/podnetinfo");
        std::fs::create_dir_all(pi.join("..2026_01_01")).unwrap();
        std::fs::write(pi.join("..2026_01_01/annotations"), b"a=\"1\"").unwrap();
        std::fs::write(pi.join("..data"), b"..2026_01_01").unwrap();
        std::fs::write(pi.join("annotations"), b"..data/annotations").unwrap();
        let view = PodView::new(root, None).unwrap();
        assert_eq!(
            view.read_podinfo("annotations").unwrap().unwrap(),
            b"a=\"1\""
        );
        assert_eq!(view.list_podinfo().unwrap(), ["annotations"]);
        let w = view.warnings();
        assert!(w.iter().any(|w| w.contains("symbolic links")), "{w:?}");
    }
}
