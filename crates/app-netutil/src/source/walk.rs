//! Resolving a pod path below the root: `openat2(RESOLVE_IN_ROOT)` where
//! the kernel has it, else the jailed walk in user space (one component at
//! a time, links followed inside the jail, `..` never above it), and
//! opening what was found without following anything outside.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;

use super::read::{io_error, list_names, not_regular, read_fd, read_regular_at};
use super::{MAX_LINK_HOPS, MAX_WALK_DEPTH, MAX_WALK_STEPS, PodView, ReadError};

/// Where lookups start, and whether they must stay below that directory.
#[derive(Clone, Copy)]
pub(super) struct Jail<'a> {
    /// The directory relative paths start from (the current directory for
    /// an unconfined lookup of an absolute path).
    pub(super) fd: BorrowedFd<'a>,
    /// Whether links and `..` must stay below `fd` (and link placeholders
    /// are followed).
    pub(super) confined: bool,
}

/// A path resolved by the jailed walk.
pub(super) struct Walked {
    /// The open directories from below the jail to the final entry's parent.
    pub(super) dirs: Vec<OwnedFd>,
    /// The final entry's name in its parent (`.` for the jail itself).
    pub(super) name: OsString,
    /// The path's components below the jail, every link resolved.
    pub(super) comps: Vec<OsString>,
    /// The final entry, opened with `O_PATH`.
    pub(super) fd: OwnedFd,
    /// What the final entry is.
    pub(super) stat: Stat,
}

impl Walked {
    fn parent<'a>(&'a self, jail: BorrowedFd<'a>) -> BorrowedFd<'a> {
        self.dirs.last().map_or(jail, AsFd::as_fd)
    }

    pub(super) fn is_dir(&self) -> bool {
        FileType::from_raw_mode(self.stat.st_mode) == FileType::Directory
    }

    pub(super) fn pod_path(&self) -> String {
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
pub(super) enum Opened {
    File(OwnedFd, u64),
    NotRegular(&'static str),
    Failed(Errno),
}

impl PodView {
    /// Opens `path` with `flags`, following links inside the jail (only
    /// `O_PATH`, `O_DIRECTORY` and read-only flags are used here). Link
    /// placeholders are not followed.
    pub(super) fn lookup(
        &self,
        jail: Jail<'_>,
        path: &Path,
        flags: OFlags,
    ) -> Result<OwnedFd, Errno> {
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
    pub(super) fn walk(
        &self,
        jail: BorrowedFd<'_>,
        path: &Path,
        placeholders: bool,
    ) -> Result<Walked, Errno> {
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
    pub(super) fn open_regular(&self, jail: Jail<'_>, path: &Path) -> Opened {
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
    pub(super) fn read_in(
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
    pub(super) fn list_in(&self, jail: Jail<'_>, path: &Path) -> Result<Vec<String>, Errno> {
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
}

/// The flags every data file is opened with: read-only, never blocking
/// (a FIFO swapped in after the check), never a controlling terminal.
pub(super) const READ_FLAGS: OFlags = OFlags::RDONLY.union(OFlags::NONBLOCK).union(OFlags::NOCTTY);

/// Whether an `openat2` error says the system call is missing or filtered
/// (not an answer about the path).
pub(super) fn openat2_missing(e: Errno) -> bool {
    matches!(e, Errno::NOSYS | Errno::PERM | Errno::INVAL | Errno::TOOBIG)
}

/// Opens a walked entry again with `flags`: the same directory through its
/// own descriptor, a file by name in its parent (`O_NOFOLLOW`), checked to
/// be the same file.
pub(super) fn reopen(
    jail: BorrowedFd<'_>,
    walked: Walked,
    flags: OFlags,
) -> Result<OwnedFd, Errno> {
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
pub(super) fn open_walked(jail: BorrowedFd<'_>, walked: Walked) -> Opened {
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
pub(super) fn read_placeholder(
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

/// Pushes the components of `path` so that popping yields them in order.
pub(super) fn push_components(stack: &mut Vec<OsString>, path: &Path) {
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
pub(super) fn is_link_placeholder(data: &[u8]) -> bool {
    data.len() < 4096
        && data.starts_with(b"..")
        && !data
            .iter()
            .any(|b| b.is_ascii_whitespace() || matches!(b, 0 | b'=' | b'"'))
        && std::str::from_utf8(data).is_ok()
}
