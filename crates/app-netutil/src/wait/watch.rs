//! The inotify watches of [`super::wait_with_progress`]: the downward-API
//! directory, and each DRA metadata file read.

use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::fd::OwnedFd;
use rustix::fs::inotify;

use crate::log::LogLevel;
use crate::options::Options;

/// An inotify instance watching (at most) one directory.
pub(super) struct Inotify {
    pub(super) fd: OwnedFd,
    pub(super) dir: Option<PathBuf>,
    pub(super) wd: Option<i32>,
    /// The DRA metadata files watched (their writes happen through the
    /// host's path of the bind-mounted file: only a watch on the file
    /// itself sees them).
    pub(super) files: Vec<(PathBuf, i32)>,
}

impl Inotify {
    /// Watches `dir` (dropping a watch on another directory); without a
    /// directory, or when the watch cannot be added, nothing is watched.
    pub(super) fn watch_dir(&mut self, dir: Option<&Path>, dont_follow: bool, opts: &Options) {
        if self.wd.is_some() && self.dir.as_deref() == dir {
            return;
        }
        if let Some(wd) = self.wd.take() {
            // The watch may already be gone with its directory.
            let _ = inotify::remove_watch(&self.fd, wd);
        }
        self.dir = dir.map(Path::to_path_buf);
        let Some(dir) = dir else {
            return;
        };
        let flags = inotify::WatchFlags::CREATE
            | inotify::WatchFlags::DELETE
            | inotify::WatchFlags::MOVED_FROM
            | inotify::WatchFlags::MOVED_TO
            | inotify::WatchFlags::MODIFY
            | inotify::WatchFlags::CLOSE_WRITE
            | inotify::WatchFlags::ATTRIB
            | inotify::WatchFlags::DELETE_SELF
            | inotify::WatchFlags::MOVE_SELF
            | inotify::WatchFlags::ONLYDIR;
        let flags = if dont_follow {
            flags | inotify::WatchFlags::DONT_FOLLOW
        } else {
            flags
        };
        match inotify::add_watch(&self.fd, dir, flags) {
            Ok(wd) => {
                opts.log().log(LogLevel::Debug, || {
                    format!("wait: watching {} with inotify", dir.display())
                });
                self.wd = Some(wd);
            }
            Err(e) => opts.log().log(LogLevel::Info, || {
                format!(
                    "wait: cannot watch {} with inotify ({e}); polling",
                    dir.display()
                )
            }),
        }
    }

    /// Watches exactly `files` (resolved inside the root, so no link is
    /// followed): new ones are added, gone ones dropped.
    pub(super) fn watch_files(&mut self, files: &[PathBuf], opts: &Options) {
        let (kept, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(path, _)| files.contains(path));
        for (_, wd) in gone {
            // Two paths of one file share a watch.
            if !kept.iter().any(|(_, k)| *k == wd) {
                let _ = inotify::remove_watch(&self.fd, wd);
            }
        }
        self.files = kept;
        let flags = inotify::WatchFlags::MODIFY
            | inotify::WatchFlags::CLOSE_WRITE
            | inotify::WatchFlags::ATTRIB
            | inotify::WatchFlags::DELETE_SELF
            | inotify::WatchFlags::MOVE_SELF
            | inotify::WatchFlags::DONT_FOLLOW;
        for path in files {
            if self.files.iter().any(|(p, _)| p == path) {
                continue;
            }
            match inotify::add_watch(&self.fd, path, flags) {
                Ok(wd) => self.files.push((path.clone(), wd)),
                Err(e) => opts.log().log(LogLevel::Debug, || {
                    format!("wait: cannot watch {} with inotify ({e})", path.display())
                }),
            }
        }
    }

    /// Reads every queued event; forgets the watch when the directory went
    /// away (it is added again, or polling takes over).
    pub(super) fn drain(&mut self) {
        let mut buf = [MaybeUninit::<u8>::uninit(); 4096];
        let mut reader = inotify::Reader::new(&self.fd, &mut buf);
        loop {
            match reader.next() {
                Ok(event) => {
                    let gone = inotify::ReadFlags::IGNORED
                        | inotify::ReadFlags::DELETE_SELF
                        | inotify::ReadFlags::MOVE_SELF
                        | inotify::ReadFlags::UNMOUNT;
                    if event.events().intersects(gone) {
                        if Some(event.wd()) == self.wd {
                            self.wd = None;
                        }
                        self.files.retain(|(_, wd)| *wd != event.wd());
                    }
                }
                Err(rustix::io::Errno::INTR) => {}
                Err(_) => break,
            }
        }
    }

    /// Sleeps until an event arrives or `until` passes.
    pub(super) fn wait_until(&mut self, until: Instant) {
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            let timeout = Timespec::try_from(left).ok();
            let mut fds = [PollFd::new(&self.fd, PollFlags::IN)];
            match rustix::event::poll(&mut fds, timeout.as_ref()) {
                Err(rustix::io::Errno::INTR) => {}
                Ok(_) | Err(_) => return,
            }
        }
    }
}
