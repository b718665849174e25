//! Questions about a path of the pod that need no reading: does it exist,
//! what is it, where does it lead.

use std::path::{Component, Path, PathBuf};

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, OFlags};
use rustix::io::Errno;

use super::walk::read_placeholder;
use super::{FileKind, PodView};

impl PodView {
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
