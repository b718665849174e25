//! The CPUs this process may run on.
//!
//! The usable set is the process affinity: `sched_getaffinity(2)` in a live
//! pod (source `affinity`; `Cpus_allowed_list` of `/proc/self/status` when
//! the kernel's mask is wider than the 1024 CPUs the call can return), or
//! the pod's `Cpus_allowed_list` under another root (`proc-status`). The
//! cgroup cpuset (v2 `cpuset.cpus.effective`, v1 `cpuset.effective_cpus` or
//! `cpuset.cpus`) is what the container owns; it is the answer only when
//! the affinity cannot be read (`cgroup-v2`, `cgroup-v1`), and a difference
//! between the two is a warning.

use crate::assemble::topology;
use crate::parse::{cpulist, sysfile};
use crate::report::warning::{WarningCode, Warnings};
use crate::report::{CpuSource, Cpus};
use crate::source::cgroup::Layout;
use crate::source::files;
use crate::source::{MAX_ATTR_FILE_BYTES, PodView};

/// The `Cpus_allowed_list` value of a `/proc/<pid>/status` file.
#[must_use]
pub(crate) fn status_cpus_allowed_list(status: &str) -> Option<&str> {
    const KEY: &str = "Cpus_allowed_list:";
    // The key starts a line; lines are found with memchr (`str::lines`
    // costs twice as much here).
    sysfile::split_bytes(status.as_bytes(), b'\n')
        .find_map(|line| line.strip_prefix(KEY.as_bytes()))
        .map(|value| std::str::from_utf8(value).unwrap_or_default().trim())
}

/// The affinity of this thread through `sched_getaffinity(2)`. `None` when
/// the call fails, which it does when the kernel's mask is wider than the
/// 1024 CPUs of the fixed-size set.
#[must_use]
pub fn process_affinity() -> Option<Vec<u32>> {
    let set = rustix::thread::sched_getaffinity(None).ok()?;
    Some(
        (0..rustix::thread::CpuSet::MAX_CPU)
            .filter(|&cpu| set.is_set(cpu))
            .filter_map(|cpu| u32::try_from(cpu).ok())
            .collect(),
    )
}

/// Reads `Cpus_allowed_list` of the pod's `/proc/self/status`.
fn proc_status(pod: &PodView, warnings: &mut Warnings) -> Option<Vec<u32>> {
    let path = "/proc/self/status";
    let status = match pod.read_string(path, MAX_ATTR_FILE_BYTES) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                path,
                format!("{e}; CPU affinity unknown"),
            );
            return None;
        }
    };
    let Some(list) = status_cpus_allowed_list(&status) else {
        warnings.push(
            WarningCode::Missing,
            path,
            format!("{path}: no Cpus_allowed_list line; CPU affinity unknown"),
        );
        return None;
    };
    match cpulist::parse(list) {
        Ok(cpus) => Some(cpus),
        Err(e) => {
            warnings.push(
                WarningCode::Dropped,
                path,
                format!("{path}: Cpus_allowed_list: {e}; CPU affinity unknown"),
            );
            None
        }
    }
}

/// A CPU set read from a cgroup cpuset file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) struct CgroupCpus {
    /// The CPUs, ascending.
    pub list: Vec<u32>,
    /// `cgroup-v2` or `cgroup-v1`.
    pub source: CpuSource,
    /// The file, as the pod sees it.
    pub path: String,
}

/// What a cpuset file gave.
enum CpusetFile {
    /// The file does not exist.
    Absent,
    /// It exists but cannot be used (a warning was given).
    Unusable,
    /// Its CPUs (not empty).
    Cpus(Vec<u32>),
}

/// Reads a cpuset file; unreadable, malformed or empty content is a
/// warning.
fn read_cpuset_file(pod: &PodView, path: &str, warnings: &mut Warnings) -> CpusetFile {
    match files::read_cpulist(pod, path) {
        Ok(None) => CpusetFile::Absent,
        Ok(Some(list)) if list.is_empty() => {
            warnings.push(
                WarningCode::Dropped,
                path,
                format!("{path}: holds no CPUs; ignored"),
            );
            CpusetFile::Unusable
        }
        Ok(Some(list)) => CpusetFile::Cpus(list),
        Err(e) => {
            warnings.push(WarningCode::Dropped, path, format!("{e}; ignored"));
            CpusetFile::Unusable
        }
    }
}

/// The CPUs of the process's cgroup cpuset: the cgroup v1 `cpuset`
/// hierarchy when the controller is mounted there (`cpuset.effective_cpus`,
/// else `cpuset.cpus`), else cgroup v2 `cpuset.cpus.effective` of the
/// process's cgroup, or of its nearest visible ancestor when the cpuset
/// controller is not enabled on it.
pub(crate) fn cgroup_cpuset(
    pod: &PodView,
    layout: &Layout,
    warnings: &mut Warnings,
) -> Option<CgroupCpus> {
    // Directories that cannot be located were warned about by
    // `Layout::read`.
    if let Some(dir) = layout.v1("cpuset").ok().flatten() {
        for name in ["cpuset.effective_cpus", "cpuset.cpus"] {
            let path = dir.file(name);
            if let CpusetFile::Cpus(list) = read_cpuset_file(pod, &path, warnings) {
                return Some(CgroupCpus {
                    list,
                    source: CpuSource::CgroupV1,
                    path,
                });
            }
        }
        return None;
    }
    let dir = layout.v2().ok().flatten()?;
    let own = dir.dir.clone();
    let mut current = Some(dir);
    while let Some(d) = current {
        let path = d.file("cpuset.cpus.effective");
        match read_cpuset_file(pod, &path, warnings) {
            CpusetFile::Cpus(list) => {
                return Some(CgroupCpus {
                    list,
                    source: CpuSource::CgroupV2,
                    path,
                });
            }
            CpusetFile::Unusable => return None,
            // Ancestors only stand in for a visible cgroup of this process
            // that lacks the file (cpuset not enabled on it).
            CpusetFile::Absent if d.dir == own && !pod.exists(&own) => return None,
            CpusetFile::Absent => current = d.parent(),
        }
    }
    None
}

/// Picks the usable CPU set (contract: `cpus.source`). The process affinity
/// wins whenever it could be read; the cgroup cpuset is used only without
/// it. When both are known and differ, the second value is a warning.
#[must_use]
pub(crate) fn choose(
    affinity: Option<(Vec<u32>, CpuSource)>,
    cgroup: Option<CgroupCpus>,
) -> (Option<(Vec<u32>, CpuSource)>, Option<String>) {
    match (affinity, cgroup) {
        (Some((list, source)), Some(cg)) => {
            let warning = (list != cg.list).then(|| {
                let what = match source {
                    CpuSource::Affinity => "the process affinity (sched_getaffinity)",
                    _ => "Cpus_allowed_list of /proc/self/status",
                };
                let relation = if topology::restrict(&list, &cg.list).len() == list.len() {
                    "; the affinity is narrower and is used"
                } else {
                    "; the affinity is used"
                };
                format!(
                    "cpus: CPU sources disagree: {what} is {} but {} says {}{relation}",
                    display(&list),
                    cg.path,
                    display(&cg.list)
                )
            });
            (Some((list, source)), warning)
        }
        (Some(a), None) => (Some(a), None),
        (None, Some(cg)) => (Some((cg.list, cg.source)), None),
        (None, None) => (None, None),
    }
}

fn display(list: &[u32]) -> String {
    if list.is_empty() {
        "empty".to_owned()
    } else {
        cpulist::format(list)
    }
}

/// The usable CPU set and its topology: the process affinity when the root
/// is `/` (falling back to `/proc/self/status` when the mask is wider than
/// `sched_getaffinity` can return), else the pod's `Cpus_allowed_list`;
/// the cgroup cpuset when neither can be read.
///
/// `topology` is `None` when the pod's sysfs has no `/sys/devices/system`
/// (so no topology file is looked for), else the listing of
/// [`topology::NODE_DIR`] (`None` when absent).
pub(crate) fn collect(
    pod: &PodView,
    layout: &Layout,
    topology: Option<Option<&[String]>>,
    warnings: &mut Warnings,
) -> Option<Cpus> {
    let affinity = if pod.is_live() {
        match process_affinity() {
            Some(list) => Some((list, CpuSource::Affinity)),
            None => proc_status(pod, warnings).map(|l| (l, CpuSource::ProcStatus)),
        }
    } else {
        proc_status(pod, warnings).map(|l| (l, CpuSource::ProcStatus))
    };
    let cgroup = cgroup_cpuset(pod, layout, warnings);
    let (chosen, warning) = choose(affinity, cgroup);
    if let Some(w) = warning {
        warnings.push(WarningCode::Conflict, "cpus", w);
    }
    let (list, source) = chosen?;
    let (numa_nodes, smt_siblings, isolated, exclusive) = match topology {
        Some(node_names) => (
            topology::numa_nodes(pod, node_names, &list, warnings),
            topology::smt_siblings(pod, &list, warnings),
            topology::isolated(pod, &list, warnings),
            topology::exclusive(pod, &list, warnings),
        ),
        None => (None, None, None, None),
    };
    Some(Cpus {
        cpuset: cpulist::format(&list),
        list,
        source,
        numa_nodes,
        exclusive,
        isolated,
        smt_siblings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line() {
        let s = "Name:\tx\nCpus_allowed:\tff\nCpus_allowed_list:\t0-7\nMems_allowed_list:\t0\n";
        assert_eq!(status_cpus_allowed_list(s), Some("0-7"));
        assert_eq!(status_cpus_allowed_list("Name: x\n"), None);
        // Only at the start of a line, and the first such line.
        assert_eq!(
            status_cpus_allowed_list(
                "X: Cpus_allowed_list:\t1\nCpus_allowed_list:\t2-3\r\nCpus_allowed_list: 9"
            ),
            Some("2-3")
        );
        assert_eq!(status_cpus_allowed_list("Cpus_allowed_list:"), Some(""));
    }

    fn cg(list: &[u32]) -> Option<CgroupCpus> {
        Some(CgroupCpus {
            list: list.to_vec(),
            source: CpuSource::CgroupV2,
            path: "/sys/fs/cgroup/cpuset.cpus.effective".into(),
        })
    }

    #[test]
    fn choosing() {
        // Agreement: the affinity, no warning.
        let (c, w) = choose(Some((vec![2, 3], CpuSource::ProcStatus)), cg(&[2, 3]));
        assert_eq!(c, Some((vec![2, 3], CpuSource::ProcStatus)));
        assert_eq!(w, None);
        // Narrowed affinity: still the affinity, with a warning naming the file.
        let (c, w) = choose(Some((vec![2], CpuSource::Affinity)), cg(&[2, 3]));
        assert_eq!(c, Some((vec![2], CpuSource::Affinity)));
        let w = w.unwrap();
        assert!(w.contains("disagree") && w.contains("narrower"), "{w}");
        assert!(w.contains("/sys/fs/cgroup/cpuset.cpus.effective"), "{w}");
        assert!(w.contains("is 2 but") && w.contains("says 2-3"), "{w}");
        // Wider affinity.
        let (_, w) = choose(Some((vec![1, 2, 3], CpuSource::ProcStatus)), cg(&[2, 3]));
        let w = w.unwrap();
        assert!(w.contains("disagree") && !w.contains("narrower"), "{w}");
        // Without the affinity: the cgroup with its source.
        let (c, w) = choose(None, cg(&[4, 5]));
        assert_eq!(c, Some((vec![4, 5], CpuSource::CgroupV2)));
        assert_eq!(w, None);
        assert_eq!(choose(None, None), (None, None));
        let (c, _) = choose(Some((vec![7], CpuSource::Affinity)), None);
        assert_eq!(c, Some((vec![7], CpuSource::Affinity)));
    }

    #[test]
    fn live_affinity_is_not_empty() {
        let cpus = process_affinity().unwrap();
        assert!(!cpus.is_empty());
    }
}
