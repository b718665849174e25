//! CPU topology from sysfs, restricted to the pod's CPUs: NUMA nodes
//! (`/sys/devices/system/node/node<N>/cpulist`), SMT siblings
//! (`/sys/devices/system/cpu/cpu<N>/topology/thread_siblings_list`),
//! isolated CPUs (`/sys/devices/system/cpu/isolated`) and whether the pod's
//! CPUs are dedicated (compared with `/sys/devices/system/cpu/online`).
//!
//! A file that is absent (a pod without that part of sysfs) leaves the
//! answer unknown without a warning; a file that cannot be parsed is a
//! warning naming it.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::parse::cpulist;
use crate::report::MAX_NUMA_NODES;
use crate::report::warning::{WarningCode, Warnings};
use crate::source::PodView;
use crate::source::files::{self, FileError};

/// The NUMA node directory of sysfs.
pub(crate) const NODE_DIR: &str = "/sys/devices/system/node";
/// The CPU directory of sysfs.
pub(crate) const CPU_DIR: &str = "/sys/devices/system/cpu";
/// The parent of [`NODE_DIR`] and [`CPU_DIR`].
pub(crate) const SYSTEM_DIR: &str = "/sys/devices/system";

/// The node number of a `node<N>` directory name.
#[must_use]
pub(crate) fn node_number(name: &str) -> Option<u32> {
    let n = name.strip_prefix("node")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || (n.len() > 1 && n.starts_with('0'))
    {
        return None;
    }
    n.parse().ok()
}

/// The elements of the ascending list `list` that are in the ascending list
/// `pod`.
#[must_use]
pub(crate) fn restrict(list: &[u32], pod: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < list.len() && j < pod.len() {
        match list[i].cmp(&pod[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(list[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Whether the pod's usable CPUs are dedicated: `Some(false)` when they are
/// every online CPU, `Some(true)` when they are a strict subset, `None` when
/// that cannot be said (CPUs that are not online, or no CPUs).
#[must_use]
pub(crate) fn exclusive_of(usable: &[u32], online: &[u32]) -> Option<bool> {
    if usable.is_empty() || restrict(usable, online).len() != usable.len() {
        return None;
    }
    Some(usable.len() < online.len())
}

/// Groups the pod's CPUs by physical core. `siblings(cpu)` gives the sibling
/// list of `cpu` (ascending, including `cpu`), or `None` when unknown; a CPU
/// whose siblings are unknown is left out. Groups are restricted to the
/// pod's CPUs and sorted by their first CPU. The sibling relation is
/// symmetric, so a CPU already placed in a group is not asked again.
#[cfg(test)]
pub(crate) fn group_siblings(
    pod_cpus: &[u32],
    mut siblings: impl FnMut(u32) -> Option<Vec<u32>>,
) -> Vec<Vec<u32>> {
    group_sibling_ranges(pod_cpus, |cpu| {
        siblings(cpu).map(|list| list.into_iter().map(|c| c..=c).collect())
    })
}

/// [`group_siblings`] with each sibling list given as ranges: each CPU of
/// the pod is placed once, at a cost that does not depend on the width of
/// the ranges (a sibling list of `0-65535` for every CPU costs no more than
/// one of `n`).
fn group_sibling_ranges(
    pod_cpus: &[u32],
    mut siblings: impl FnMut(u32) -> Option<Vec<RangeInclusive<u32>>>,
) -> Vec<Vec<u32>> {
    // The pod's CPUs in order, and the placed ones skipped by "next
    // unplaced position" links with path halving: each CPU is passed over
    // a near-constant number of times, however the ranges overlap.
    let mut order: Vec<u32> = pod_cpus.to_vec();
    order.sort_unstable();
    order.dedup();
    let mut next: Vec<usize> = (0..=order.len()).collect();
    let find = |next: &mut Vec<usize>, mut i: usize| {
        while next[i] != i {
            next[i] = next[next[i]];
            i = next[i];
        }
        i
    };
    let position = |cpu: u32| order.binary_search(&cpu).ok();
    let mut groups = Vec::new();
    for &cpu in pod_cpus {
        let Some(at) = position(cpu) else {
            continue;
        };
        if find(&mut next, at) != at {
            continue;
        }
        let Some(ranges) = siblings(cpu) else {
            continue;
        };
        let mut group = Vec::new();
        for r in ranges {
            let from = order.partition_point(|&c| c < *r.start());
            let to = order.partition_point(|&c| c <= *r.end());
            let mut i = find(&mut next, from);
            while i < to {
                group.push(order[i]);
                next[i] = i + 1;
                i = find(&mut next, i + 1);
            }
        }
        if find(&mut next, at) == at {
            // A sibling list should hold the CPU itself; keep it anyway.
            group.push(cpu);
            next[at] = at + 1;
        }
        group.sort_unstable();
        groups.push(group);
    }
    groups.sort_by_key(|g| g.first().copied());
    groups
}

fn warn(warnings: &mut Warnings, source: &str, e: &FileError, consequence: &str) {
    warnings.about(
        WarningCode::Dropped,
        source,
        format_args!("{e}; {consequence}"),
    );
}

/// The names of [`NODE_DIR`] that the library reads: every name that is
/// not a node directory (`online`, `has_cpu`, ...) and the node directories
/// below [`MAX_NUMA_NODES`], in node order; a node directory with a larger
/// number is a warning.
pub(crate) fn usable_node_names(names: Vec<String>, warnings: &mut Warnings) -> Vec<String> {
    let mut nodes: Vec<(u32, String)> = Vec::new();
    let mut others = Vec::new();
    for name in names {
        match node_number(&name) {
            Some(n) if n < MAX_NUMA_NODES => nodes.push((n, name)),
            Some(_) => warnings.about(WarningCode::Dropped,
                NODE_DIR,
                format_args!(
                    "{NODE_DIR}/{name}: node number at or above {MAX_NUMA_NODES}, more than the kernel can have (MAX_NUMNODES); node ignored"
                ),
            ),
            None if is_node_dir_name(&name) => warnings.about(WarningCode::Dropped,
                NODE_DIR,
                format_args!("{NODE_DIR}/{name}: not a node number; ignored"),
            ),
            None => others.push(name),
        }
    }
    nodes.sort_unstable();
    nodes.into_iter().map(|(_, n)| n).chain(others).collect()
}

/// `node` and digits, whether or not they form a node number.
fn is_node_dir_name(name: &str) -> bool {
    name.strip_prefix("node")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The positions in the ascending list `pod` of its elements that lie in
/// `ranges`.
fn in_ranges<'a>(
    ranges: &'a [RangeInclusive<u32>],
    pod: &'a [u32],
) -> impl Iterator<Item = usize> + 'a {
    ranges.iter().flat_map(move |r| {
        let from = pod.partition_point(|&c| c < *r.start());
        let to = pod.partition_point(|&c| c <= *r.end());
        from..to.max(from)
    })
}

/// NUMA node -> the pod's CPUs on it (nodes without pod CPUs are left out).
/// `node_names` lists [`NODE_DIR`] (as [`usable_node_names`] leaves it);
/// `None` when the pod's sysfs has no node directory, and then so is the
/// result. A CPU is on one node: a CPU that a later node lists again stays
/// on the first, with a warning.
pub(crate) fn numa_nodes(
    pod: &PodView,
    node_names: Option<&[String]>,
    cpus: &[u32],
    warnings: &mut Warnings,
) -> Option<BTreeMap<u32, Vec<u32>>> {
    let names = node_names?;
    let mut nodes = BTreeMap::new();
    let mut any = false;
    // Which of the pod's CPUs (by position in `cpus`) a node already has.
    let mut placed = vec![false; cpus.len()];
    for name in names {
        let Some(node) = node_number(name) else {
            continue;
        };
        let path = format!("{NODE_DIR}/{name}/cpulist");
        match files::read_cpulist_ranges(pod, &path) {
            Ok(Some(ranges)) => {
                any = true;
                let mut mine = Vec::new();
                let mut again = 0usize;
                for i in in_ranges(&ranges, cpus) {
                    if placed[i] {
                        again += 1;
                    } else {
                        placed[i] = true;
                        mine.push(cpus[i]);
                    }
                }
                if again > 0 {
                    warnings.about(WarningCode::Conflict,
                        NODE_DIR,
                        format_args!(
                            "{path}: {again} of the pod's CPUs are already on another node; they stay there"
                        ),
                    );
                }
                if !mine.is_empty() {
                    nodes.insert(node, mine);
                }
            }
            Ok(None) => {}
            Err(e) => warn(warnings, NODE_DIR, &e, "node left out"),
        }
    }
    any.then_some(nodes)
}

/// The pod's CPUs grouped by physical core; `None` when the pod's sysfs
/// has no topology for its first CPU (every online CPU has one in a real
/// sysfs, so the others are not looked for).
pub(crate) fn smt_siblings(
    pod: &PodView,
    cpus: &[u32],
    warnings: &mut Warnings,
) -> Option<Vec<Vec<u32>>> {
    let mut any = false;
    let mut absent = false;
    let groups = group_sibling_ranges(cpus, |cpu| {
        if absent {
            return None;
        }
        let path = format!("{CPU_DIR}/cpu{cpu}/topology/thread_siblings_list");
        match files::read_cpulist_ranges(pod, &path) {
            Ok(Some(list)) => {
                any = true;
                Some(list)
            }
            Ok(None) => {
                // Absent for the first CPU: this sysfs has no topology.
                absent = !any;
                None
            }
            Err(e) => {
                warn(warnings, CPU_DIR, &e, "its siblings are left out");
                None
            }
        }
    });
    any.then_some(groups)
}

/// The pod's CPUs that the kernel isolates; `None` when the file is absent.
pub(crate) fn isolated(pod: &PodView, cpus: &[u32], warnings: &mut Warnings) -> Option<Vec<u32>> {
    let path = format!("{CPU_DIR}/isolated");
    match files::read_cpulist(pod, &path) {
        Ok(list) => list.map(|l| restrict(&l, cpus)),
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                &path,
                format!("{e}; isolated CPUs unknown"),
            );
            None
        }
    }
}

/// Whether the pod's CPUs are dedicated (see [`exclusive_of`]); warns when
/// they are every online CPU.
pub(crate) fn exclusive(pod: &PodView, cpus: &[u32], warnings: &mut Warnings) -> Option<bool> {
    let path = format!("{CPU_DIR}/online");
    let online = match files::read_cpulist(pod, &path) {
        Ok(Some(l)) => l,
        Ok(None) => return None,
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                &path,
                format!("{e}; whether the CPUs are dedicated is unknown"),
            );
            return None;
        }
    };
    let ex = exclusive_of(cpus, &online);
    match ex {
        Some(false) => warnings.push(WarningCode::Missing, "cpus", format!(
            "cpus: the usable CPUs {} are every online CPU ({path}): the pod has no dedicated CPUs, so DPDK lcores compete with other pods and the host",
            cpulist::format(cpus)
        )),
        None if !cpus.is_empty() => warnings.push(WarningCode::Conflict, &path, format!(
            "cpus: the usable CPUs {} are not all online according to {path} ({}); whether they are dedicated is unknown",
            cpulist::format(cpus),
            cpulist::format(&online)
        )),
        _ => {}
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn node_names() {
        assert_eq!(node_number("node0"), Some(0));
        assert_eq!(node_number("node17"), Some(17));
        for n in [
            "node", "nodes", "node-1", "node01", "online", "has_cpu", "node1x",
        ] {
            assert_eq!(node_number(n), None, "{n}");
        }
        assert_eq!(node_number("node99999999999"), None);
    }

    #[test]
    fn restricting() {
        assert_eq!(restrict(&[0, 1, 2, 3, 8], &[1, 3, 4, 8, 9]), vec![1, 3, 8]);
        assert_eq!(restrict(&[], &[1]), Vec::<u32>::new());
        assert_eq!(restrict(&[1], &[]), Vec::<u32>::new());
    }

    #[test]
    fn exclusivity() {
        assert_eq!(exclusive_of(&[0, 1], &[0, 1]), Some(false));
        assert_eq!(exclusive_of(&[1], &[0, 1]), Some(true));
        assert_eq!(exclusive_of(&[2], &[0, 1]), None);
        assert_eq!(exclusive_of(&[], &[0, 1]), None);
        assert_eq!(exclusive_of(&[0], &[]), None);
    }

    #[test]
    fn siblings_grouped_and_restricted() {
        // 4 cores, siblings n and n+4; the pod has 1,2,5 and 7.
        let sib = |c: u32| Some(vec![c % 4, c % 4 + 4]);
        let mut asked = Vec::new();
        let groups = group_siblings(&[1, 2, 5, 7], |c| {
            asked.push(c);
            sib(c)
        });
        assert_eq!(groups, vec![vec![1, 5], vec![2], vec![7]]);
        // 5 was placed with 1 and not read.
        assert_eq!(asked, vec![1, 2, 7]);
        // Unknown siblings leave the CPU out; a list without the CPU itself
        // still holds it.
        let groups = group_siblings(&[0, 1, 2], |c| match c {
            0 => None,
            1 => Some(vec![9]),
            _ => Some(vec![2]),
        });
        assert_eq!(groups, vec![vec![1], vec![2]]);
        // Asymmetric garbage never places a CPU twice.
        let groups = group_siblings(&[0, 1, 2], |c| match c {
            0 => Some(vec![0, 1]),
            _ => Some(vec![0, 1, 2]),
        });
        assert_eq!(groups, vec![vec![0, 1], vec![2]]);
    }

    proptest! {
        #[test]
        fn groups_partition_known_cpus(
            pod in proptest::collection::btree_set(0u32..64, 0..40),
            lists in proptest::collection::vec(proptest::collection::btree_set(0u32..64, 0..5), 64),
        ) {
            let pod: Vec<u32> = pod.into_iter().collect();
            let groups = group_siblings(&pod, |c| Some(lists[c as usize].iter().copied().collect()));
            let mut all: Vec<u32> = groups.iter().flatten().copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, pod);
        }
    }
}
