//! The DRA device metadata directory: [`CONTAINER_DIR`] below the root, or
//! a directory given with `--dra-dir` ([`crate::Options::dra_dir`]), with
//! the same rules as the downward-API directory: a given directory that
//! lies inside the root is the pod's own, any other is a root of its own
//! that its links cannot leave.

use std::path::{Path, PathBuf};

use rustix::io::Errno;

use super::read::io_error;
use super::{PodView, PodViewError, Podinfo, ReadError};
use crate::parse::dra::CONTAINER_DIR;

/// Where the metadata directory is.
#[derive(Debug, Default)]
pub(super) struct DraDir {
    /// The directory given, and its name in messages; `None` for the
    /// default [`CONTAINER_DIR`] of the pod.
    given: Option<(Podinfo, String)>,
}

impl PodView {
    /// Reads the DRA device metadata files from `dir` instead of
    /// [`CONTAINER_DIR`] below the root: a path on the machine, resolved as
    /// [`crate::Options::podinfo_dir`] is.
    ///
    /// # Errors
    ///
    /// [`PodViewError::DraDirNotFound`] when `dir` does not exist,
    /// [`PodViewError::DraDirNotADirectory`] when it is not a directory: it
    /// was asked for explicitly.
    pub fn set_dra_dir(&mut self, dir: &Path) -> Result<(), PodViewError> {
        let found = self.dir_option(dir).map_err(|missing| {
            if missing {
                PodViewError::DraDirNotFound(dir.to_path_buf())
            } else {
                PodViewError::DraDirNotADirectory(dir.to_path_buf())
            }
        })?;
        self.dra.given = Some((found, dir.display().to_string()));
        Ok(())
    }

    /// Whether the metadata directory was given ([`PodView::set_dra_dir`])
    /// rather than the default.
    #[must_use]
    pub fn dra_dir_given(&self) -> bool {
        self.dra.given.is_some()
    }

    /// The metadata directory as named in messages: [`CONTAINER_DIR`], or
    /// the directory given.
    #[must_use]
    pub fn dra_display(&self) -> &str {
        self.dra
            .given
            .as_ref()
            .map_or(CONTAINER_DIR, |(_, d)| d.as_str())
    }

    /// A path below the metadata directory as named in messages.
    #[must_use]
    pub fn dra_display_path(&self, rel: &str) -> String {
        let dir = self.dra_display().trim_end_matches('/');
        if rel.is_empty() {
            dir.to_owned()
        } else {
            format!("{dir}/{rel}")
        }
    }

    /// The jail and path of `rel` below the metadata directory.
    fn dra_jail_path(&self, rel: &str) -> (super::walk::Jail<'_>, PathBuf) {
        match &self.dra.given {
            Some((dir, _)) => self.dir_jail(dir, rel),
            None => {
                let pod_path = if rel.is_empty() {
                    CONTAINER_DIR.to_owned()
                } else {
                    format!("{CONTAINER_DIR}/{rel}")
                };
                (self.root_jail(), self.rel(&pod_path).to_path_buf())
            }
        }
    }

    /// Lists a directory below the metadata directory (`""` for itself):
    /// sorted names.
    ///
    /// # Errors
    ///
    /// [`ReadError::NotFound`] when it does not exist, another
    /// [`ReadError`] when it cannot be listed (not a directory, no right).
    pub fn list_dra(&self, rel: &str) -> Result<Vec<String>, ReadError> {
        let (jail, path) = self.dra_jail_path(rel);
        self.list_in(jail, &path).map_err(|e| {
            let display = self.dra_display_path(rel);
            if e == Errno::NOENT {
                ReadError::NotFound { path: display }
            } else {
                io_error(display, e.into())
            }
        })
    }

    /// Reads a regular file below the metadata directory, at most `cap`
    /// bytes (a FIFO or device node is refused without being opened).
    ///
    /// # Errors
    ///
    /// [`ReadError`] naming the file.
    pub fn read_dra(&self, rel: &str, cap: u64) -> Result<Vec<u8>, ReadError> {
        let (jail, path) = self.dra_jail_path(rel);
        self.read_in(jail, &path, &self.dra_display_path(rel), cap, false)
    }

    /// A file below the metadata directory on the machine, its links
    /// resolved inside the root, for watching it; `None` when it does not
    /// exist or the directory was given outside the root (read through a
    /// jail of its own, which this does not walk).
    #[must_use]
    pub fn dra_watch_path(&self, rel: &str) -> Option<PathBuf> {
        match &self.dra.given {
            Some((Podinfo::Pod(p), _)) => self.resolve(&format!("{p}/{rel}")),
            Some((Podinfo::Dir { .. }, _)) => None,
            None => self.resolve(&format!("{CONTAINER_DIR}/{rel}")),
        }
    }

    /// The metadata directory on the machine (for watching it): the given
    /// directory, or [`CONTAINER_DIR`] below the root with its links
    /// resolved inside the root; `None` when it does not exist.
    #[must_use]
    pub fn dra_host_dir(&self) -> Option<PathBuf> {
        match &self.dra.given {
            Some((Podinfo::Dir { host, .. }, _)) => Some(host.clone()),
            Some((Podinfo::Pod(p), _)) => self.resolve(p.as_str()),
            None if self.is_live() => Some(PathBuf::from(CONTAINER_DIR)).filter(|p| p.is_dir()),
            None => self.resolve(CONTAINER_DIR),
        }
    }
}
