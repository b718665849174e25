//! Where this process's cgroups are: `/proc/self/cgroup` joined with
//! `/proc/self/mountinfo`, both read through the pod view and parsed by
//! [`crate::parse::cgroup`] and [`crate::parse::mountinfo`].

use crate::parse::cgroup::{CgroupEntry, PATH, dir_below_mount, parse_line};
use crate::parse::mountinfo::{self, MountEntry, parse_used_with};
use crate::parse::sysfile;
use crate::parse::sysfile::join;
use crate::report::warning::{WarningCode, Warnings};
use crate::source::PodView;
use crate::source::files::{self, FileError};

/// The cgroup version of a hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// cgroup v1 (one hierarchy per controller group).
    V1,
    /// cgroup v2 (the unified hierarchy).
    V2,
}

/// A cgroup directory of this process, as the pod sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) struct CgroupDir {
    /// The hierarchy's version.
    pub version: Version,
    /// The directory (`/sys/fs/cgroup/cpuset/kubepods/pod1/ctr`).
    pub dir: String,
    /// The mount point it is below; nothing above it is visible.
    pub mount_point: String,
}

impl CgroupDir {
    /// A file of the directory.
    #[must_use]
    pub(crate) fn file(&self, name: &str) -> String {
        join(&self.dir, name)
    }

    /// The parent cgroup (for a container cgroup, the pod cgroup), when it
    /// is visible: not above the mount point.
    #[must_use]
    pub(crate) fn parent(&self) -> Option<Self> {
        let mp = self.mount_point.trim_end_matches('/');
        let dir = self.dir.trim_end_matches('/');
        if dir == mp || !dir.starts_with(mp) {
            return None;
        }
        let (parent, _) = dir.rsplit_once('/')?;
        if parent.len() < mp.len() {
            return None;
        }
        Some(Self {
            version: self.version,
            dir: if parent.is_empty() {
                "/".to_owned()
            } else {
                parent.to_owned()
            },
            mount_point: self.mount_point.clone(),
        })
    }
}

/// Why a hierarchy's directory could not be found although the process is
/// in it and it is mounted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) struct LocateError {
    /// The cgroup path from `/proc/self/cgroup`.
    pub path: String,
    /// The mount's root.
    pub mount_root: String,
    /// The mount point.
    pub mount_point: String,
}

impl std::fmt::Display for LocateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{PATH}: cgroup path {:?} is not below the root {:?} of the cgroup mount at {} ({}); its files are not read",
            self.path,
            self.mount_root,
            self.mount_point,
            mountinfo::PATH
        )
    }
}

impl std::error::Error for LocateError {}

/// The process's cgroup membership and the cgroup mounts it can see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) struct Layout {
    /// Every mount of mountinfo.
    pub mounts: Vec<MountEntry>,
    /// The lines of `/proc/self/cgroup` (without deleted cgroups).
    pub cgroups: Vec<CgroupEntry>,
}

impl Layout {
    /// A layout from parsed files.
    #[must_use]
    #[cfg(test)]
    pub(crate) fn new(mounts: Vec<MountEntry>, cgroups: Vec<CgroupEntry>) -> Self {
        Self { mounts, cgroups }
    }

    /// The process's cgroup v2 directory; `Ok(None)` when there is no v2
    /// line or no `cgroup2` mount.
    ///
    /// # Errors
    ///
    /// [`LocateError`] when the path is not below any `cgroup2` mount.
    pub(crate) fn v2(&self) -> Result<Option<CgroupDir>, LocateError> {
        let Some(entry) = self.cgroups.iter().find(|c| c.is_v2()) else {
            return Ok(None);
        };
        self.locate(entry, Version::V2, |m| m.fs_type == "cgroup2")
    }

    /// The process's directory in the cgroup v1 hierarchy of `controller`;
    /// `Ok(None)` when no hierarchy has it or it is not mounted.
    ///
    /// # Errors
    ///
    /// [`LocateError`] when the path is not below any of its mounts.
    pub(crate) fn v1(&self, controller: &str) -> Result<Option<CgroupDir>, LocateError> {
        let Some(entry) = self
            .cgroups
            .iter()
            .find(|c| !c.is_v2() && c.has_controller(controller))
        else {
            return Ok(None);
        };
        self.locate(entry, Version::V1, |m| {
            m.fs_type == "cgroup" && m.has_super_option(controller)
        })
    }

    fn locate(
        &self,
        entry: &CgroupEntry,
        version: Version,
        is_mount: impl Fn(&MountEntry) -> bool,
    ) -> Result<Option<CgroupDir>, LocateError> {
        let mut candidates: Vec<&MountEntry> = self
            .mounts
            .iter()
            .filter(|m| is_mount(m) && !m.deleted)
            .collect();
        if candidates.is_empty() {
            return Ok(None);
        }
        // The most specific mount first (the longest root below which the
        // path lies); among equals, the first listed.
        candidates.sort_by_key(|m| std::cmp::Reverse(m.root.trim_end_matches('/').len()));
        for m in &candidates {
            if let Some(dir) = dir_below_mount(&m.root, &m.mount_point, &entry.path) {
                return Ok(Some(CgroupDir {
                    version,
                    dir,
                    mount_point: m.mount_point.clone(),
                }));
            }
        }
        let m = candidates[candidates.len() - 1];
        Err(LocateError {
            path: entry.path.clone(),
            mount_root: m.root.clone(),
            mount_point: m.mount_point.clone(),
        })
    }

    /// Reads the pod's mountinfo and `/proc/self/cgroup`. Absent files give
    /// an empty layout without a warning; malformed lines and deleted
    /// cgroups are warnings.
    pub(crate) fn read(pod: &PodView, warnings: &mut Warnings) -> Self {
        let mounts = read_mountinfo(pod, warnings);
        let mut cgroups = Vec::new();
        match files::read_optional(pod, PATH) {
            Ok(Some(text)) => {
                let entries = sysfile::parse_lines_with(&text, parse_line, |e| {
                    warnings.about(
                        WarningCode::Dropped,
                        PATH,
                        format_args!("{}; line ignored", FileError::value(PATH, e)),
                    );
                });
                for e in entries {
                    if e.deleted {
                        warnings.about(WarningCode::Missing,
                            PATH,
                            format_args!(
                                "{PATH}: cgroup {} has been removed (\"(deleted)\"); its files are not read",
                                e.path
                            ),
                        );
                    } else {
                        cgroups.push(e);
                    }
                }
            }
            Ok(None) => {}
            Err(e) => warnings.push(
                WarningCode::Missing,
                PATH,
                format!("{e}; cgroup files not read"),
            ),
        }
        let layout = Self {
            mounts: mounts.unwrap_or_default(),
            cgroups,
        };
        // The hierarchies the library reads, each warned about once.
        let mut errors: Vec<String> = Vec::new();
        for located in [layout.v2(), layout.v1("cpuset"), layout.v1("hugetlb")] {
            if let Err(e) = located {
                let e = e.to_string();
                if !errors.contains(&e) {
                    errors.push(e);
                }
            }
        }
        for e in errors {
            warnings.push(WarningCode::Missing, PATH, e);
        }
        layout
    }
}

/// Reads the pod's mountinfo: `None` when the file is absent or cannot be
/// read (a warning then says why). A malformed line is a warning about
/// the file; the other lines are still used.
pub(crate) fn read_mountinfo(pod: &PodView, warnings: &mut Warnings) -> Option<Vec<MountEntry>> {
    match files::read_optional(pod, mountinfo::PATH) {
        Ok(Some(text)) => Some(parse_used_with(&text, |e| {
            warnings.about(
                WarningCode::Dropped,
                mountinfo::PATH,
                format_args!("{}; line ignored", FileError::value(mountinfo::PATH, e)),
            );
        })),
        Ok(None) => None,
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                mountinfo::PATH,
                format!("{e}; line ignored"),
            );
            None
        }
    }
}
