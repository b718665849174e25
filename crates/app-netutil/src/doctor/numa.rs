//! Whether CPUs, devices and hugepages share a NUMA node.

use std::collections::BTreeSet;

use crate::report::Report;

use super::devices::subject;
use super::{Check, Status};

pub(super) fn numa_check(report: &Report, checks: &mut Vec<Check>) {
    let cpu_nodes: Option<BTreeSet<u32>> = report
        .cpus
        .as_ref()
        .and_then(|c| c.numa_nodes.as_ref())
        .map(|n| n.keys().copied().collect());
    let devices: Vec<(String, u32)> = report
        .interfaces
        .iter()
        .filter_map(|i| {
            let node = i.pci_device.as_ref()?.numa_node?;
            Some((subject(i), node))
        })
        .collect();
    let Some(cpu_nodes) = cpu_nodes.filter(|n| !n.is_empty()) else {
        checks.push(Check::new(
            "numa-alignment",
            None,
            Status::Skip,
            "the NUMA nodes of the pod's CPUs are unknown".to_owned(),
        ));
        return;
    };
    // "node 0", "nodes 0,1".
    let nodes_text = |set: &BTreeSet<u32>| {
        let list = set.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        if set.len() == 1 {
            format!("node {list}")
        } else {
            format!("nodes {list}")
        }
    };
    if devices.is_empty() {
        checks.push(Check::new(
            "numa-alignment",
            None,
            Status::Skip,
            format!(
                "CPUs on NUMA {}; no device with a known NUMA node",
                nodes_text(&cpu_nodes)
            ),
        ));
        return;
    }
    let mut problems = Vec::new();
    let cpu_nodes_text = nodes_text(&cpu_nodes);
    let mut unlisted = 0usize;
    for (name, node) in &devices {
        if !cpu_nodes.contains(node) {
            // Each problem names the CPUs' nodes: list a bounded number.
            if problems.len() < crate::MAX_WARNINGS_PER_SOURCE {
                problems.push(format!(
                    "{name} is on NUMA node {node}, the pod's CPUs on {cpu_nodes_text}"
                ));
            } else {
                unlisted += 1;
            }
        }
    }
    if unlisted > 0 {
        problems.push(if unlisted == 1 {
            "1 more device is on a NUMA node without the pod's CPUs".to_owned()
        } else {
            format!("{unlisted} more devices are on a NUMA node without the pod's CPUs")
        });
    }
    let device_nodes: BTreeSet<u32> = devices.iter().map(|(_, n)| *n).collect();
    for size in report.hugepages.granted_sizes() {
        let Some(pool) = report.hugepages.host_pools.get(&size) else {
            continue;
        };
        if pool.numa_nodes.is_empty() {
            continue;
        }
        for node in &device_nodes {
            if pool.numa_nodes.get(node).is_none_or(|p| p.total == 0) {
                problems.push(format!(
                    "the host has no {size} hugepages on NUMA node {node}, where devices are"
                ));
            }
        }
    }
    checks.push(if problems.is_empty() {
        Check::new(
            "numa-alignment",
            None,
            Status::Pass,
            format!(
                "devices on NUMA {}, with the pod's CPUs ({}) and the host's hugepages",
                nodes_text(&device_nodes),
                nodes_text(&cpu_nodes)
            ),
        )
    } else {
        Check::new("numa-alignment", None, Status::Warn, problems.join("; ")).fix(
            "let the kubelet's Topology Manager align CPUs, devices and hugepages (topologyManagerPolicy: single-numa-node, static CPU and memory managers), and reserve hugepages on every node",
        )
    });
}
