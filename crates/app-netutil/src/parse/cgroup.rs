//! Where the process's cgroups are: `/proc/self/cgroup` joined with
//! `/proc/self/mountinfo`.
//!
//! `/proc/self/cgroup` has one `hierarchy-id:controllers:path` line per
//! hierarchy: cgroup v1 lines name their controllers (`3:cpuset:/kubepods/…`),
//! the cgroup v2 line is always `0::<path>`; hybrid hosts have both. A
//! zombie's path may end with ` (deleted)`.
//!
//! The directory of a cgroup is the mount point of a mount of its hierarchy
//! (fs type `cgroup` with the controller among its super options, or
//! `cgroup2`) followed by the cgroup path with the mount's root removed.
//! Without a cgroup namespace the path is the host path
//! (`/kubepods.slice/…/cri-containerd-<id>.scope`) and the mount root is `/`;
//! inside one (or with the container's cgroup bind-mounted) the path equals
//! the mount root and the directory is the mount point itself.

use crate::parse::sysfile::{self, LineError, ValueError, join};

/// The file this module reads besides mountinfo.
pub const PATH: &str = "/proc/self/cgroup";

/// One line of `/proc/self/cgroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CgroupEntry {
    /// Hierarchy id; 0 for cgroup v2.
    pub hierarchy_id: u32,
    /// Controllers bound to the hierarchy (`cpuset`, `name=systemd`); empty
    /// for cgroup v2.
    pub controllers: Vec<String>,
    /// The cgroup path, without a ` (deleted)` suffix.
    pub path: String,
    /// Whether the path carried ` (deleted)`.
    pub deleted: bool,
}

impl CgroupEntry {
    /// Whether this is the cgroup v2 line.
    #[must_use]
    pub fn is_v2(&self) -> bool {
        self.hierarchy_id == 0 && self.controllers.is_empty()
    }

    /// Whether the v1 hierarchy has `controller`.
    #[must_use]
    pub fn has_controller(&self, controller: &str) -> bool {
        self.controllers.iter().any(|c| c == controller)
    }
}

/// Parses one line of `/proc/self/cgroup`.
///
/// # Errors
///
/// A `LineError` saying what is wrong.
pub fn parse_line(line: &str) -> Result<CgroupEntry, LineError> {
    let mut parts = line.splitn(3, ':');
    let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(LineError::NotACgroupLine);
    };
    let hierarchy_id = id.parse::<u32>().map_err(|_| LineError::NotANumber {
        what: "hierarchy id",
        value: id.to_owned(),
    })?;
    let controllers: Vec<String> = controllers
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if hierarchy_id == 0 && !controllers.is_empty() {
        return Err(LineError::V2WithControllers);
    }
    let (path, deleted) = match path.strip_suffix(" (deleted)") {
        Some(p) => (p, true),
        None => (path, false),
    };
    if !path.starts_with('/') {
        return Err(LineError::RelativeCgroupPath(path.to_owned()));
    }
    Ok(CgroupEntry {
        hierarchy_id,
        controllers,
        path: path.to_owned(),
        deleted,
    })
}

/// Parses a whole `/proc/self/cgroup`; malformed lines are skipped and
/// returned as errors.
#[must_use]
pub fn parse(text: &str) -> (Vec<CgroupEntry>, Vec<ValueError>) {
    sysfile::parse_lines(text, parse_line)
}

/// The directory of `cgroup_path` below a mount whose root is `mount_root`
/// and mount point `mount_point`: mount point + (path minus root), compared
/// by whole components. `None` when the path is not below the root.
#[must_use]
pub fn dir_below_mount(mount_root: &str, mount_point: &str, cgroup_path: &str) -> Option<String> {
    let root = mount_root.trim_end_matches('/');
    let rest = if root.is_empty() {
        cgroup_path
    } else {
        let rest = cgroup_path.strip_prefix(root)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        rest
    };
    if rest.split('/').any(|c| c == "..") {
        return None;
    }
    Some(join(mount_point, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::mountinfo::{self, MountEntry};
    use crate::source::cgroup::{CgroupDir, Layout, Version};
    use proptest::prelude::*;

    fn mounts(text: &str) -> Vec<MountEntry> {
        let (m, e) = mountinfo::parse(text);
        assert!(e.is_empty(), "{e:?}");
        m
    }

    fn cgroups(text: &str) -> Vec<CgroupEntry> {
        let (c, e) = parse(text);
        assert!(e.is_empty(), "{e:?}");
        c
    }

    #[test]
    fn lines() {
        let c = parse_line("3:cpuset:/kubepods/pod1/abc").unwrap();
        assert_eq!(c.hierarchy_id, 3);
        assert!(c.has_controller("cpuset"));
        assert!(!c.is_v2());
        let c = parse_line("2:cpu,cpuacct:/").unwrap();
        assert!(c.has_controller("cpuacct"));
        let c = parse_line("1:name=systemd:/user.slice").unwrap();
        assert!(c.has_controller("name=systemd"));
        let c = parse_line("0::/").unwrap();
        assert!(c.is_v2());
        assert_eq!(c.path, "/");
        let c = parse_line("0::/a:b/c (deleted)").unwrap();
        assert_eq!(c.path, "/a:b/c");
        assert!(c.deleted);
    }

    #[test]
    fn bad_lines() {
        for l in [
            "",
            "garbage",
            "x::/",
            "0:cpuset:/",
            "3:cpuset:relative",
            "-1::/",
            "3:cpuset",
        ] {
            assert!(parse_line(l).is_err(), "{l:?}");
        }
        let (entries, errors) = parse("garbage\n\n0::/\n3:cpuset\n");
        assert_eq!(entries.len(), 1);
        assert_eq!(errors.len(), 2);
        assert!(matches!(errors[1], ValueError::Line { line: 4, .. }));
        assert_eq!(
            errors[1].to_string(),
            "line 4: not hierarchy-id:controllers:path"
        );
        assert_eq!(parse_line("0:cpuset:/"), Err(LineError::V2WithControllers));
        assert_eq!(
            parse_line("-1::/"),
            Err(LineError::NotANumber {
                what: "hierarchy id",
                value: "-1".into()
            })
        );
        assert_eq!(
            parse_line("3:cpuset:relative").unwrap_err().to_string(),
            "path \"relative\" is not absolute"
        );
    }

    #[test]
    fn dirs() {
        let p = "/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope";
        assert_eq!(
            dir_below_mount("/", "/sys/fs/cgroup", p).as_deref(),
            Some("/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope")
        );
        assert_eq!(
            dir_below_mount(p, "/sys/fs/cgroup", p).as_deref(),
            Some("/sys/fs/cgroup")
        );
        assert_eq!(
            dir_below_mount("/kubepods.slice", "/sys/fs/cgroup/", p).as_deref(),
            Some("/sys/fs/cgroup/kubepods-pod1.slice/cri-containerd-abc.scope")
        );
        assert_eq!(dir_below_mount("/kube", "/sys/fs/cgroup", p), None);
        assert_eq!(dir_below_mount("/other", "/sys/fs/cgroup", p), None);
        assert_eq!(dir_below_mount("/", "/sys/fs/cgroup", "/a/../../etc"), None);
        assert_eq!(dir_below_mount("/", "/", "/").as_deref(), Some("/"));
    }

    #[test]
    fn parents_stay_inside_the_mount() {
        let d = CgroupDir {
            version: Version::V1,
            dir: "/sys/fs/cgroup/hugetlb/kubepods/pod1/ctr".into(),
            mount_point: "/sys/fs/cgroup/hugetlb".into(),
        };
        let p = d.parent().unwrap();
        assert_eq!(p.dir, "/sys/fs/cgroup/hugetlb/kubepods/pod1");
        let top = p.parent().unwrap().parent().unwrap();
        assert_eq!(top.dir, "/sys/fs/cgroup/hugetlb");
        assert_eq!(top.parent(), None);
        let root = CgroupDir {
            version: Version::V2,
            dir: "/a".into(),
            mount_point: "/".into(),
        };
        assert_eq!(root.parent().unwrap().dir, "/");
        assert_eq!(root.parent().unwrap().parent(), None);
    }

    #[test]
    fn hybrid_layout() {
        let l = Layout::new(
            mounts(
                "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n\
                 34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n\
                 35 31 0:32 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n\
                 41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
            ),
            cgroups("4:cpu,cpuacct:/k/p\n3:cpuset:/k/p/c\n0::/k/p/c\n"),
        );
        let v1 = l.v1("cpuset").unwrap().unwrap();
        assert_eq!(v1.dir, "/sys/fs/cgroup/cpuset/k/p/c");
        assert_eq!(v1.version, Version::V1);
        assert_eq!(
            l.v1("cpu").unwrap().unwrap().dir,
            "/sys/fs/cgroup/cpu,cpuacct/k/p"
        );
        assert_eq!(l.v1("hugetlb").unwrap(), None);
        assert_eq!(l.v2().unwrap().unwrap().dir, "/sys/fs/cgroup/unified/k/p/c");
    }

    #[test]
    fn namespaced_and_bind_mounted() {
        // cgroup namespace: both show `/`.
        let l = Layout::new(
            mounts("1 0 0:27 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n"),
            cgroups("0::/\n"),
        );
        assert_eq!(l.v2().unwrap().unwrap().dir, "/sys/fs/cgroup");
        // Bind-mounted container cgroup, host path in /proc/self/cgroup.
        let l = Layout::new(
            mounts(
                "1 0 0:31 /kubepods/pod1/ctr /sys/fs/cgroup/cpuset ro - cgroup cgroup rw,cpuset\n",
            ),
            cgroups("3:cpuset:/kubepods/pod1/ctr\n"),
        );
        let d = l.v1("cpuset").unwrap().unwrap();
        assert_eq!(d.dir, "/sys/fs/cgroup/cpuset");
        assert_eq!(d.parent(), None);
        // A path outside the mount's root cannot be placed.
        let l = Layout::new(
            mounts("1 0 0:27 /../.. /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n"),
            cgroups("0::/\n"),
        );
        let e = l.v2().unwrap_err();
        assert!(e.to_string().contains("not below the root"), "{e}");
        // No v2 mount, or no v2 line.
        let l = Layout::new(vec![], cgroups("0::/\n"));
        assert_eq!(l.v2().unwrap(), None);
        let l = Layout::new(
            mounts("1 0 0:27 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n"),
            vec![],
        );
        assert_eq!(l.v2().unwrap(), None);
    }

    #[test]
    fn most_specific_mount_wins() {
        let l = Layout::new(
            mounts(
                "1 0 0:27 / /host/cgroup ro - cgroup2 cgroup2 rw\n\
                 2 0 0:27 /k/p /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n\
                 3 0 0:27 /k/x /elsewhere ro - cgroup2 cgroup2 rw\n",
            ),
            cgroups("0::/k/p/c\n"),
        );
        assert_eq!(l.v2().unwrap().unwrap().dir, "/sys/fs/cgroup/c");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,120}") {
            let _ = parse(&s);
        }

        #[test]
        fn dir_is_below_mount_point(root in "(/[a-z.]{0,3}){0,3}", path in "(/[a-z.]{0,3}){0,4}") {
            let path = if path.is_empty() { "/".to_owned() } else { path };
            if let Some(d) = dir_below_mount(&root, "/sys/fs/cgroup", &path) {
                prop_assert!(d.starts_with("/sys/fs/cgroup"));
                prop_assert!(!d.split('/').any(|c| c == ".."));
            }
        }
    }
}
