//! The CPUs this process may run on.

use crate::cpulist;
use crate::model::{CpuSource, Cpus};
use crate::pod::{MAX_ATTR_FILE_BYTES, PodView};

/// The `Cpus_allowed_list` value of a `/proc/<pid>/status` file.
#[must_use]
pub fn status_cpus_allowed_list(status: &str) -> Option<&str> {
    status.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "Cpus_allowed_list").then(|| value.trim())
    })
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
fn proc_status(pod: &PodView, warnings: &mut Vec<String>) -> Option<Vec<u32>> {
    let path = "/proc/self/status";
    let status = match pod.read_string(path, MAX_ATTR_FILE_BYTES) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{e}; CPU affinity unknown"));
            return None;
        }
    };
    let Some(list) = status_cpus_allowed_list(&status) else {
        warnings.push(format!(
            "{path}: no Cpus_allowed_list line; CPU affinity unknown"
        ));
        return None;
    };
    match cpulist::parse(list) {
        Ok(cpus) => Some(cpus),
        Err(e) => {
            warnings.push(format!(
                "{path}: Cpus_allowed_list: {e}; CPU affinity unknown"
            ));
            None
        }
    }
}

/// The usable CPU set: the process affinity when the root is `/`, else the
/// pod's `Cpus_allowed_list`.
pub(crate) fn collect(pod: &PodView, warnings: &mut Vec<String>) -> Option<Cpus> {
    let (list, source) = if pod.is_live() {
        match process_affinity() {
            Some(list) => (list, CpuSource::Affinity),
            None => (proc_status(pod, warnings)?, CpuSource::ProcStatus),
        }
    } else {
        (proc_status(pod, warnings)?, CpuSource::ProcStatus)
    };
    Some(Cpus {
        cpuset: cpulist::format(&list),
        list,
        source,
        numa_nodes: None,
        exclusive: None,
        isolated: None,
        smt_siblings: None,
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
    }

    #[test]
    fn live_affinity_is_not_empty() {
        let cpus = process_affinity().unwrap();
        assert!(!cpus.is_empty());
    }
}
