//! The pod view: every file and variable the library reads goes through it.
//!
//! A [`PodView`] knows the pod's root directory (`/` in a real pod, a fixture
//! tree in tests), the downward-API directory and the environment. Paths are
//! given as the pod sees them (`/sys/class/net/net1/device`) and read below
//! the root.
//!
//! Under a root other than `/`, the root is opened once (`O_PATH`) and every
//! path is looked up relative to it, so the kernel walks only the pod's part
//! of each path.
//!
//! Reading is defensive: only regular files are opened (a FIFO or device
//! node where a data file is expected would block or have side effects), with
//! `O_NONBLOCK`, and never more than a cap. Symbolic links are followed, with
//! absolute targets taken relative to the pod root (`openat2` with
//! `RESOLVE_IN_ROOT` tells a missing file from one behind such a link) and a
//! bound on the number of links. Under a root other than `/`, a small file that holds a relative
//! link target instead of being a link (what `git` checks out where symlinks
//! are disabled) is followed as the link it stands for, with a warning.

use std::cell::Cell;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
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
    /// The root directory does not exist or is not a directory.
    #[error("pod root {0}: not a directory")]
    RootNotADirectory(PathBuf),
    /// An explicitly given downward-API directory does not exist.
    #[error("downward-API directory {0}: not a directory")]
    PodinfoNotADirectory(PathBuf),
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

/// The pod as seen from a root directory.
#[derive(Debug)]
pub struct PodView {
    root: PathBuf,
    live: bool,
    podinfo: Option<PathBuf>,
    podinfo_display: String,
    /// Whether the downward-API directory is the pod's own (not an
    /// override on the machine).
    podinfo_in_pod: bool,
    /// The downward-API directory's names (as [`Self::list_podinfo`] gives
    /// them), listed when the view was made; `None` when it was found by
    /// following link placeholders, and is listed on demand.
    podinfo_names: Option<Vec<String>>,
    env: Environment,
    env_warnings: Vec<String>,
    placeholder_seen: Cell<bool>,
    /// The root with every link resolved, to map kernel-resolved paths back
    /// to pod paths.
    root_real: std::cell::OnceCell<Option<PathBuf>>,
    /// The root directory, opened once (`O_PATH`): paths below it are looked
    /// up relative to it, so the kernel walks only the pod's part of them.
    /// `None` for the live root, whose paths are short already.
    root_fd: Option<OwnedFd>,
}

impl PodView {
    /// A view of the pod at `root`. `podinfo_dir` overrides the
    /// downward-API directory (a path on the machine, not below the root).
    ///
    /// With root `/` the environment is this process's; otherwise it is read
    /// from `<root>/proc/self/environ`.
    ///
    /// # Errors
    ///
    /// Fails when `root` is not a directory, or `podinfo_dir` is given and is
    /// not a directory.
    pub fn new(root: &Path, podinfo_dir: Option<&Path>) -> Result<Self, PodViewError> {
        // The live pod is `/` (spelled `/`, `//` or `/.`); any other
        // directory is a copy or fixture, even a link to `/`.
        let live = root.has_root()
            && root
                .components()
                .all(|c| matches!(c, Component::RootDir | Component::CurDir));
        let mut view = Self {
            root: root.to_path_buf(),
            live,
            podinfo: None,
            podinfo_display: PODNETINFO_DIR.to_owned(),
            podinfo_in_pod: false,
            podinfo_names: None,
            env: Environment::default(),
            env_warnings: Vec::new(),
            placeholder_seen: Cell::new(false),
            root_real: std::cell::OnceCell::new(),
            root_fd: None,
        };
        if !live {
            // Opening it also proves it is a directory.
            let fd = rustix::fs::open(
                root,
                OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|_| PodViewError::RootNotADirectory(root.to_path_buf()))?;
            view.root_fd = Some(fd);
        }
        if let Some(dir) = podinfo_dir {
            if !dir.is_dir() {
                return Err(PodViewError::PodinfoNotADirectory(dir.to_path_buf()));
            }
            view.podinfo = Some(dir.to_path_buf());
            view.podinfo_display = dir.display().to_string();
        } else {
            for candidate in [PODNETINFO_DIR, PODINFO_DIR] {
                // Listing the directory is also the check that it is one.
                let (at, path) = view.at_pod(candidate);
                let (host, names) = match list_names_at(at, path) {
                    Ok(names) => (view.host_path(candidate), Some(podinfo_names(names))),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(_) => match view.resolve_dir(candidate) {
                        Some(host) => (host, None),
                        None => continue,
                    },
                };
                view.podinfo = Some(host);
                view.podinfo_names = names;
                view.podinfo_display = candidate.to_owned();
                view.podinfo_in_pod = true;
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

    /// The downward-API directory on the machine, when it exists.
    #[must_use]
    pub fn podinfo_dir(&self) -> Option<&Path> {
        self.podinfo.as_deref()
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

    /// Where the kernel should look a machine path up: relative to the root
    /// descriptor when the path is below the root, else as it is.
    fn at<'a>(&'a self, host: &'a Path) -> (BorrowedFd<'a>, &'a Path) {
        use std::os::unix::ffi::OsStrExt;
        if let Some(fd) = &self.root_fd {
            let root = self.root.as_os_str().as_bytes();
            let root = root.strip_suffix(b"/").unwrap_or(root);
            let bytes = host.as_os_str().as_bytes();
            if let Some(rest) = bytes.strip_prefix(root) {
                if rest.is_empty() || rest.starts_with(b"/") {
                    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                    let rel = if rest.is_empty() { b"." } else { rest };
                    return (fd.as_fd(), Path::new(std::ffi::OsStr::from_bytes(rel)));
                }
            }
        }
        (rustix::fs::CWD, host)
    }

    /// [`Self::at`] for a pod path, without building the machine path.
    fn at_pod<'a>(&'a self, pod_path: &'a str) -> (BorrowedFd<'a>, &'a Path) {
        match &self.root_fd {
            Some(fd) => {
                let rel = pod_path.trim_start_matches('/');
                (
                    fd.as_fd(),
                    Path::new(if rel.is_empty() { "." } else { rel }),
                )
            }
            None => (rustix::fs::CWD, Path::new(pod_path)),
        }
    }

    /// Whether `pod_path` exists when links are resolved inside the root
    /// (`openat2` with `RESOLVE_IN_ROOT`): tells a missing file from one
    /// behind an absolute link, which the kernel otherwise resolves against
    /// the machine's root. `true` when the kernel cannot say.
    fn exists_in_root(&self, pod_path: &str) -> bool {
        let (dir, rel) = self.at_pod(pod_path);
        match rustix::fs::openat2(
            dir,
            rel,
            OFlags::PATH | OFlags::CLOEXEC,
            Mode::empty(),
            rustix::fs::ResolveFlags::IN_ROOT | rustix::fs::ResolveFlags::NO_MAGICLINKS,
        ) {
            Ok(_) => true,
            Err(rustix::io::Errno::NOENT) => false,
            Err(_) => true,
        }
    }

    /// The machine path of a pod path.
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
        let (dir, rel) = self.at_pod(pod_path);
        // A live pod's /sys is sysfs, whose attributes read whole at once.
        let sysfs = self.live && pod_path.starts_with("/sys/");
        match read_regular_at(dir, rel, pod_path, cap, sysfs) {
            Ok(data) if self.live || !is_link_placeholder(&data) => Ok(data),
            Err(e @ (ReadError::NotRegular { .. } | ReadError::TooLarge { .. })) => Err(e),
            // Missing for the kernel and for a lookup inside the root.
            Err(e @ ReadError::NotFound { .. }) if !self.exists_in_root(pod_path) => Err(e),
            Err(e) if self.live => Err(e),
            // A link placeholder, an absolute link, or a path through them.
            _ => {
                let host = self.host_path(pod_path);
                self.read_following(&self.root, &host, pod_path, cap)
            }
        }
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
        let Some(dir) = &self.podinfo else {
            return Ok(None);
        };
        let display = format!("{}/{name}", self.podinfo_display.trim_end_matches('/'));
        if let Some(names) = &self.podinfo_names {
            if names.binary_search_by(|n| n.as_str().cmp(name)).is_err() {
                return Err(ReadError::NotFound { path: display });
            }
        }
        if self.podinfo_in_pod {
            // The display name is the pod path.
            return self.read(&display, MAX_DATA_FILE_BYTES).map(Some);
        }
        self.read_following(
            Path::new("/"),
            &dir.join(name),
            &display,
            MAX_DATA_FILE_BYTES,
        )
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
        let Some(dir) = &self.podinfo else {
            return Ok(Vec::new());
        };
        if let Some(names) = &self.podinfo_names {
            return Ok(names.clone());
        }
        let (at, path) = self.at(dir);
        list_names_at(at, path)
            .map(podinfo_names)
            .map_err(|e| io_error(self.podinfo_display.clone(), e))
    }

    /// Lists a directory of the pod (sorted names); `None` when it cannot be
    /// read.
    #[must_use]
    pub fn list_dir(&self, pod_path: &str) -> Option<Vec<String>> {
        let (at, path) = self.at_pod(pod_path);
        match list_names_at(at, path) {
            Ok(names) => Some(names),
            // Absent, or a path through link placeholders.
            Err(e) if self.live || e.kind() == io::ErrorKind::NotFound => None,
            Err(_) => {
                let host = self.resolve_dir(pod_path)?;
                let (at, path) = self.at(&host);
                list_names_at(at, path).ok()
            }
        }
    }

    /// Whether a path exists in the pod (following links).
    #[must_use]
    pub fn exists(&self, pod_path: &str) -> bool {
        let (at, path) = self.at_pod(pod_path);
        match rustix::fs::statat(at, path, AtFlags::SYMLINK_NOFOLLOW) {
            // A link must lead somewhere (inside the root).
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                self.resolve(pod_path).is_some()
            }
            Ok(_) => true,
            Err(_) if self.live => false,
            Err(_) => self.resolve(pod_path).is_some(),
        }
    }

    /// Whether `pod_path` is a directory of the pod (following links inside
    /// the root). Usually one lookup.
    #[must_use]
    pub fn is_dir(&self, pod_path: &str) -> bool {
        let (at, path) = self.at_pod(pod_path);
        if !self.live {
            // One lookup that resolves links inside the root answers both
            // "missing" and "a directory".
            match rustix::fs::openat2(
                at,
                path,
                OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
                rustix::fs::ResolveFlags::IN_ROOT | rustix::fs::ResolveFlags::NO_MAGICLINKS,
            ) {
                Ok(_) => return true,
                Err(rustix::io::Errno::NOENT) => return false,
                // Not a directory (maybe a link placeholder), or no openat2.
                Err(_) => {}
            }
        }
        match rustix::fs::statat(at, path, AtFlags::empty()) {
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => true,
            Err(rustix::io::Errno::NOENT) if self.live || !self.exists_in_root(pod_path) => false,
            // A file (maybe a link placeholder), or a path through one.
            _ if self.live => false,
            _ => self.resolve(pod_path).is_some_and(|p| p.is_dir()),
        }
    }

    /// What `pod_path` leads to after following every link, or `None` when
    /// it does not exist. Nothing is opened.
    #[must_use]
    pub fn file_kind(&self, pod_path: &str) -> Option<FileKind> {
        use std::os::unix::fs::FileTypeExt;
        let host = self.resolve(pod_path)?;
        let t = std::fs::symlink_metadata(host).ok()?.file_type();
        Some(if t.is_file() {
            FileKind::Regular
        } else if t.is_dir() {
            FileKind::Directory
        } else if t.is_socket() {
            FileKind::Socket
        } else if t.is_char_device() {
            FileKind::CharDevice
        } else if t.is_block_device() {
            FileKind::BlockDevice
        } else if t.is_fifo() {
            FileKind::Fifo
        } else {
            FileKind::Other
        })
    }

    /// The pod path that `pod_path` leads to after following every link,
    /// or `None` when it does not exist.
    #[must_use]
    pub fn canonical(&self, pod_path: &str) -> Option<String> {
        if let Some(found) = self.kernel_canonical(pod_path) {
            return Some(found);
        }
        let rel = self.resolve_rel(&self.root, Path::new(pod_path))?;
        let mut out = String::new();
        for c in &rel {
            out.push('/');
            out.push_str(&c.to_string_lossy());
        }
        if out.is_empty() {
            out.push('/');
        }
        Some(out)
    }

    /// The target of the link at `pod_path` as written, without following
    /// it (so a link to something absent still has a target). Links in the
    /// parent directories are followed. `None` when it is not a link.
    #[must_use]
    pub fn read_link(&self, pod_path: &str) -> Option<PathBuf> {
        // The kernel resolves the parents in one call when they are real
        // directories and links.
        let (at, path) = self.at_pod(pod_path);
        if let Ok(target) = rustix::fs::readlinkat(at, path, Vec::new()) {
            return target.into_string().ok().map(PathBuf::from);
        }
        let path = Path::new(pod_path);
        let name = path.file_name()?;
        let parent = self.resolve(path.parent()?.to_str()?)?;
        let host = parent.join(name);
        if let Ok(target) = std::fs::read_link(&host) {
            return Some(target);
        }
        if self.live {
            return None;
        }
        let meta = std::fs::symlink_metadata(&host).ok()?;
        if !meta.is_file() || meta.len() >= 4096 {
            return None;
        }
        let data = std::fs::read(&host).ok()?;
        if !is_link_placeholder(&data) {
            return None;
        }
        self.placeholder_seen.set(true);
        String::from_utf8(data).ok().map(PathBuf::from)
    }

    /// [`Self::canonical`] by the kernel: open the path without reading it
    /// (`O_PATH`) and ask `/proc/self/fd` where it led. `None` when that is
    /// not possible or the path left the pod root (then the caller walks the
    /// path itself, keeping links inside the root).
    fn kernel_canonical(&self, pod_path: &str) -> Option<String> {
        let root = self
            .root_real
            .get_or_init(|| self.root.canonicalize().ok())
            .as_deref()?;
        let (at, path) = self.at_pod(pod_path);
        let fd =
            rustix::fs::openat(at, path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).ok()?;
        let real = rustix::fs::readlinkat(
            rustix::fs::CWD,
            format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&fd)),
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
            out.push('/');
            out.push_str(c.as_os_str().to_str()?);
        }
        if out.is_empty() {
            out.push('/');
        }
        Some(out)
    }

    /// The machine path a pod path leads to, following links.
    #[must_use]
    pub fn resolve(&self, pod_path: &str) -> Option<PathBuf> {
        let rel = self.resolve_rel(&self.root, Path::new(pod_path))?;
        Some(rel.iter().fold(self.root.clone(), |p, c| p.join(c)))
    }

    fn resolve_dir(&self, pod_path: &str) -> Option<PathBuf> {
        let direct = self.host_path(pod_path);
        let (at, path) = self.at(&direct);
        match rustix::fs::statat(at, path, AtFlags::empty()) {
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
                return Some(direct);
            }
            // Absent: nothing to follow.
            Err(rustix::io::Errno::NOENT) => return None,
            // A file or a path through a file: maybe link placeholders.
            _ if !self.live => {}
            _ => return None,
        }
        self.resolve(pod_path).filter(|p| p.is_dir())
    }

    fn read_following(
        &self,
        jail: &Path,
        host: &Path,
        display: &str,
        cap: u64,
    ) -> Result<Vec<u8>, ReadError> {
        let read = |path: &Path| {
            let (dir, path) = self.at(path);
            read_regular_at(dir, path, display, cap, false)
        };
        match read(host) {
            Ok(data) if !self.live && is_link_placeholder(&data) => {
                match self.resolve_host(jail, host) {
                    Some(target) if target != host => {
                        self.placeholder_seen.set(true);
                        read(&target)
                    }
                    _ => Ok(data),
                }
            }
            Err(e)
                if !self.live && matches!(e, ReadError::NotFound { .. } | ReadError::Io { .. }) =>
            {
                match self.resolve_host(jail, host) {
                    Some(target) if target != host => read(&target),
                    _ => Err(e),
                }
            }
            other => other,
        }
    }

    fn resolve_host(&self, jail: &Path, host: &Path) -> Option<PathBuf> {
        let rel = host.strip_prefix(jail).ok()?;
        let comps = self.resolve_rel(jail, rel)?;
        Some(comps.iter().fold(jail.to_path_buf(), |p, c| p.join(c)))
    }

    /// Walks `rel` below `jail`, following links and placeholders; returns
    /// the components of the final path relative to `jail`.
    fn resolve_rel(&self, jail: &Path, rel: &Path) -> Option<Vec<OsString>> {
        let mut pending: Vec<OsString> = Vec::new();
        push_components(&mut pending, rel);
        let mut current: Vec<OsString> = Vec::new();
        let mut hops = 0usize;
        while let Some(name) = pending.pop() {
            if name == ".." {
                current.pop();
                continue;
            }
            if name == "." || name.is_empty() {
                continue;
            }
            let candidate = current
                .iter()
                .fold(jail.to_path_buf(), |p, c| p.join(c))
                .join(&name);
            let (at, path) = self.at(&candidate);
            let st = rustix::fs::statat(at, path, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            let kind = FileType::from_raw_mode(st.st_mode);
            let target = if kind == FileType::Symlink {
                let t = rustix::fs::readlinkat(at, path, Vec::new()).ok()?;
                Some(PathBuf::from(t.into_string().ok()?))
            } else if kind == FileType::RegularFile && !self.live && st.st_size < 4096 {
                let data = read_regular_at(at, path, "", 4096, false).ok()?;
                if is_link_placeholder(&data) {
                    self.placeholder_seen.set(true);
                    Some(PathBuf::from(String::from_utf8(data).ok()?))
                } else if !pending.is_empty() {
                    return None;
                } else {
                    None
                }
            } else {
                None
            };
            match target {
                Some(t) => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return None;
                    }
                    if t.is_absolute() {
                        current.clear();
                    }
                    push_components(&mut pending, &t);
                }
                None => current.push(name),
            }
        }
        Some(current)
    }
}

/// Pushes the components of `path` so that popping yields them in order.
fn push_components(stack: &mut Vec<OsString>, path: &Path) {
    let comps: Vec<OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect();
    stack.extend(comps.into_iter().rev());
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

/// Sorted entry names of a directory (without `.` and `..`).
fn list_names_at(dir: BorrowedFd<'_>, path: &Path) -> io::Result<Vec<String>> {
    let fd = rustix::fs::openat(
        dir,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
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

/// Reads a regular file (`path` relative to `dir`), refusing anything else
/// without opening it. The open uses `O_NONBLOCK`, so even a FIFO swapped in
/// after the check cannot block the reader.
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
    check_regular(FileType::from_raw_mode(st.st_mode), display)?;
    let fd = rustix::fs::openat(
        dir,
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| io_error(display.to_owned(), e.into()))?;
    let mut file = File::from(fd);
    // proc files report size 0, sysfs attributes 4096: start with a page.
    let size = u64::try_from(st.st_size).unwrap_or(0);
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

/// A machine path read the same way.
#[cfg(test)]
fn read_regular(host: &Path, display: &str, cap: u64) -> Result<Vec<u8>, ReadError> {
    read_regular_at(rustix::fs::CWD, host, display, cap, false)
}

fn check_regular(t: FileType, display: &str) -> Result<(), ReadError> {
    let kind = match t {
        FileType::RegularFile => return Ok(()),
        FileType::Directory => "directory",
        FileType::Fifo => "FIFO",
        FileType::Socket => "socket",
        FileType::CharacterDevice => "character device",
        FileType::BlockDevice => "block device",
        _ => "special file",
    };
    Err(ReadError::NotRegular {
        path: display.to_owned(),
        kind,
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
