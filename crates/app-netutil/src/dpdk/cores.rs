//! Lcores: `-l` / `--lcores` and `--main-lcore`.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::devices::join_nodes;
use super::version::Spelling;
use super::{DpdkError, DpdkOptions, Given};
use crate::parse::cpulist;
use crate::report::MAX_NUMA_NODES;
use crate::report::Report;

/// Pushes the lcore arguments.
pub(super) fn push(
    report: &Report,
    opts: &DpdkOptions,
    sp: Spelling,
    device_nodes: &BTreeSet<u32>,
    given: &Given<'_>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<(), DpdkError> {
    let Some(cpus) = report.cpus.as_ref().filter(|c| !c.list.is_empty()) else {
        if opts.main_cpu.is_some() {
            return Err(DpdkError::InvalidOption(
                "a main CPU was given but the pod's CPUs are unknown".to_owned(),
            ));
        }
        warnings.push(
            "the pod's CPUs are unknown: no lcore arguments, EAL uses every CPU of its affinity"
                .to_owned(),
        );
        return Ok(());
    };
    let mut list = cpus.list.clone();
    list.sort_unstable();
    list.dedup();
    let main = match opts.main_cpu {
        Some(cpu) if list.binary_search(&cpu).is_ok() => cpu,
        Some(cpu) => {
            return Err(DpdkError::MainCpuNotInSet {
                cpu,
                cpuset: cpulist::format(&list),
            });
        }
        None => list[0],
    };
    if given.has(
        &["--lcores", "--coremask", "--main-lcore", "--master-lcore"],
        &['l', 'c'],
    ) {
        // The caller chose the lcores.
        return Ok(());
    }
    if cpus.exclusive == Some(false) {
        warnings.push(format!(
            "the pod has no dedicated CPUs (its CPUs {} are every online CPU): polling lcores share them with other pods; use a Guaranteed pod with whole CPUs",
            cpus.cpuset
        ));
    }

    let mut count = opts.lcore_count.map_or(list.len(), |n| n as usize);
    if count > list.len() {
        warnings.push(format!(
            "{count} lcores asked for but the pod has {} {} ({}); using {}",
            list.len(),
            if list.len() == 1 { "CPU" } else { "CPUs" },
            cpus.cpuset,
            list.len()
        ));
        count = list.len();
    }
    let max_lcore = opts.max_lcore as usize;
    if count > max_lcore {
        warnings.push(format!(
            "{count} lcores exceed the maximum lcore count {max_lcore} (RTE_MAX_LCORE); using {max_lcore}"
        ));
        count = max_lcore;
    }

    // Workers: CPUs on the devices' NUMA nodes first, then the others,
    // each in ascending order.
    // CPU -> its node (the lowest node that lists it), built once: looking
    // each CPU up in every node's list costs the square of the CPUs.
    let mut cpu_node: Vec<(u32, u32)> = cpus
        .numa_nodes
        .iter()
        .flatten()
        .filter(|&(&node, _)| node < MAX_NUMA_NODES)
        .flat_map(|(&node, node_cpus)| node_cpus.iter().map(move |&cpu| (cpu, node)))
        .collect();
    cpu_node.sort_unstable();
    cpu_node.dedup_by_key(|&mut (cpu, _)| cpu);
    let node_of = |cpu: u32| {
        cpu_node
            .binary_search_by_key(&cpu, |&(c, _)| c)
            .ok()
            .map(|i| cpu_node[i].1)
    };
    let local = |cpu: u32| node_of(cpu).is_some_and(|n| device_nodes.contains(&n));
    let mut others: Vec<u32> = list.iter().copied().filter(|&c| c != main).collect();
    others.sort_by_key(|&c| (!local(c), c));
    let workers: Vec<u32> = others.into_iter().take(count.saturating_sub(1)).collect();

    if !device_nodes.is_empty() && count > 1 {
        if cpus.numa_nodes.is_none() {
            if count < list.len() {
                warnings.push(format!(
                    "the NUMA nodes of the pod's CPUs are unknown: workers picked in CPU order, not by the devices' node {}",
                    join_nodes(device_nodes)
                ));
            }
        } else if !workers.iter().any(|&c| local(c)) {
            warnings.push(format!(
                "no CPU of the pod is on the devices' NUMA node {}: every lcore polls across nodes",
                join_nodes(device_nodes)
            ));
        }
    }

    let max = opts.max_lcore;
    if main < max && workers.iter().all(|&c| c < max) {
        let mut all = workers;
        all.push(main);
        args.push("-l".to_owned());
        args.push(cpulist::format(&all));
        args.push(format!("{}={main}", sp.main_lcore));
    } else {
        // lcore ids 0.. mapped onto the CPUs; the main lcore is 0.
        let mut map = String::from("--lcores=");
        for (lcore, cpu) in std::iter::once(main).chain(workers).enumerate() {
            if lcore > 0 {
                map.push(',');
            }
            let _ = write!(map, "{lcore}@{cpu}");
        }
        args.push(map);
        args.push(format!("{}=0", sp.main_lcore));
    }
    Ok(())
}
