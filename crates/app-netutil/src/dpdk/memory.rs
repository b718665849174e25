//! Memory and process options: `-m` / `--socket-mem`, `--huge-dir`,
//! `--no-huge`, `--in-memory` (`--no-shconf` with `--no-huge`),
//! `--single-file-segments`.

use std::collections::{BTreeMap, BTreeSet};

use super::devices::{DevicePlan, describe_char, join_nodes, path_problem};
use super::options::MAX_MEMORY_MIB;
use super::version::{DpdkVersion, Spelling};
use super::{DpdkOptions, Given};
use crate::report::Report;
use crate::report::{ContainerHugepages, SizeKey};

/// Hugepage memory granted to this container, by page size, in MiB.
struct Grant {
    sizes: BTreeMap<SizeKey, u64>,
}

/// Pushes the memory arguments.
pub(super) fn push(
    report: &Report,
    opts: &DpdkOptions,
    sp: Spelling,
    devices: &DevicePlan,
    given: &Given<'_>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let memory_given = given.has(&["--socket-mem", "--numa-mem"], &['m']);
    let no_huge_given = given.has(&["--no-huge"], &[]);
    if opts.no_huge || no_huge_given {
        if !no_huge_given {
            args.push("--no-huge".to_owned());
        }
        if let (Some(mib), false) = (opts.memory_mib, memory_given) {
            args.push("-m".to_owned());
            args.push(mib.to_string());
        }
    } else {
        hugepage_memory(report, opts, sp, &devices.numa_nodes, given, args, warnings);
    }
}

/// Pushes `--single-file-segments` (for vhost-user) and `--in-memory`.
pub(super) fn push_process_flags(
    opts: &DpdkOptions,
    sp: Spelling,
    devices: &DevicePlan,
    given: &Given<'_>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    if devices.vhost_user && !given.has(&["--single-file-segments"], &[]) {
        // virtio-user shares memory with the vhost-user back end one file
        // descriptor per segment, and the protocol carries only a few.
        args.push("--single-file-segments".to_owned());
    }
    if opts.in_memory && !given.has(&["--in-memory"], &[]) {
        if super::conflicts::in_memory_without_hugepages(opts.no_huge, given) {
            warnings.push(
                "--in-memory cannot go with --no-huge (DPDK's EAL takes --no-huge for --legacy-mem and stops with \"--legacy-mem is not compatible with --in-memory\"): --no-shconf instead, which keeps the process's runtime files private as --in-memory would"
                    .to_owned(),
            );
            if !given.has(&["--no-shconf"], &[]) {
                args.push("--no-shconf".to_owned());
            }
            return;
        }
        if sp.older_than(DpdkVersion::V18_08) {
            warnings.push(
                "--in-memory exists since DPDK 18.08; the target release rejects it".to_owned(),
            );
        }
        args.push("--in-memory".to_owned());
    }
}

fn hugepage_memory(
    report: &Report,
    opts: &DpdkOptions,
    sp: Spelling,
    device_nodes: &BTreeSet<u32>,
    given: &Given<'_>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let grant = grant(report, warnings);
    let granted = |k: SizeKey| grant.as_ref().and_then(|g| g.sizes.get(&k).copied());
    let (size, amount) = match opts.page_size {
        Some(ps) => {
            let amount = granted(SizeKey::Size(ps));
            if amount.is_none() && opts.memory_mib.is_none() {
                warnings.push(format!(
                    "no {ps} hugepages are granted to this container ({}): no memory amount; give one",
                    describe(grant.as_ref())
                ));
            }
            (Some(SizeKey::Size(ps)), amount)
        }
        None => match grant.as_ref().and_then(|g| {
            g.sizes
                .iter()
                .filter(|(k, _)| matches!(k, SizeKey::Size(_)))
                .max_by_key(|(k, _)| **k)
                .or_else(|| g.sizes.get_key_value(&SizeKey::Unspecified))
        }) {
            Some((k, v)) => (Some(*k), Some(*v)),
            None => (None, None),
        },
    };
    if size == Some(SizeKey::Unspecified) {
        warnings.push(
            "the hugepage grant comes from legacy hugepages_request/hugepages_limit files, which do not name a page size: EAL takes the memory from whatever hugepages it finds; no --huge-dir"
                .to_owned(),
        );
    }
    if let (Some(mib), Some(granted)) = (opts.memory_mib, amount) {
        if mib > granted {
            warnings.push(format!(
                "{mib} MiB of hugepage memory asked for but {granted} MiB granted: EAL will fail to get the rest"
            ));
        }
    }
    let total = opts.memory_mib.or(amount);
    if total.is_none() && size.is_none() && opts.memory_mib.is_none() {
        warnings.push(
            "no hugepages are granted to this container (no downward-API hugepage files, no hugetlb cgroup limit): no memory arguments; EAL will try whatever hugepages it finds, which fails in a pod without hugepages; request hugepages, or use --no-huge for a test"
                .to_owned(),
        );
    }
    if let (Some(total), false) = (total, given.has(&["--socket-mem", "--numa-mem"], &['m'])) {
        push_amount(total, size, sp, device_nodes, args, warnings);
    }
    if !given.has(&["--huge-dir"], &[]) {
        push_huge_dir(report, opts, size, args, warnings);
    }
}

/// `-m <MiB>`, or the per-node list when the devices' nodes are known.
fn push_amount(
    total: u64,
    size: Option<SizeKey>,
    sp: Spelling,
    device_nodes: &BTreeSet<u32>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    if total > MAX_MEMORY_MIB {
        // EAL reads `-m` with atoi(): a larger amount wraps around. No
        // machine has this much memory: it came from a broken or hostile
        // grant.
        warnings.push(format!(
            "the hugepage grant of {total} MiB is more than EAL can take ({MAX_MEMORY_MIB} MiB): no memory amount; give one"
        ));
        return;
    }
    let page_mib = match size {
        Some(SizeKey::Size(ps)) => ps.bytes() >> 20,
        _ => 0,
    };
    let mut total = total;
    if page_mib > 1 && total % page_mib != 0 {
        let down = total - total % page_mib;
        warnings.push(format!(
            "{total} MiB is not a whole number of {page_mib} MiB pages; using {down} MiB"
        ));
        total = down;
        if total == 0 {
            return;
        }
    }
    let Some(&last) = device_nodes.last() else {
        args.push("-m".to_owned());
        args.push(total.to_string());
        return;
    };
    // Whole pages per node, the remainder on the lowest nodes.
    let unit = page_mib.max(1);
    let units = total / unit;
    let k = device_nodes.len() as u64;
    let mut per_node: BTreeMap<u32, u64> = BTreeMap::new();
    for (i, node) in device_nodes.iter().enumerate() {
        let extra = u64::from((i as u64) < units % k);
        per_node.insert(*node, (units / k + extra) * unit);
    }
    if k > 1 && units % k != 0 {
        warnings.push(format!(
            "{total} MiB do not split evenly over NUMA nodes {}: {}",
            join_nodes(device_nodes),
            per_node
                .iter()
                .map(|(n, m)| format!("node {n} {m} MiB"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let list: Vec<String> = (0..=last)
        .map(|n| per_node.get(&n).copied().unwrap_or(0).to_string())
        .collect();
    args.push(format!("{}={}", sp.numa_mem, list.join(",")));
}

fn push_huge_dir(
    report: &Report,
    opts: &DpdkOptions,
    size: Option<SizeKey>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    if let Some(dir) = &opts.huge_dir {
        args.push(format!("--huge-dir={dir}"));
        return;
    }
    let Some(SizeKey::Size(ps)) = size else {
        return;
    };
    let mounts = &report.hugepages.mounts;
    match mounts.iter().find(|m| m.page_size == ps) {
        Some(m) => match path_problem(&m.path) {
            None => args.push(format!("--huge-dir={}", m.path)),
            Some(c) => warnings.push(format!(
                "the hugetlbfs mount {:?} contains {}, which no argument may carry: no --huge-dir, EAL looks for one itself",
                m.path,
                describe_char(c)
            )),
        },
        None if !mounts.is_empty() => warnings.push(format!(
            "no hugetlbfs mount of page size {ps} (mounted: {}): no --huge-dir, EAL looks for one itself",
            mounts
                .iter()
                .map(|m| format!("{} {}", m.path, m.page_size))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => {}
    }
}

fn describe(grant: Option<&Grant>) -> String {
    match grant {
        None => "none granted".to_owned(),
        Some(g) => {
            let v: Vec<String> = g
                .sizes
                .iter()
                .map(|(k, m)| format!("{k}: {m} MiB"))
                .collect();
            format!("granted: {}", v.join(", "))
        }
    }
}

/// This container's hugepage grant: its downward-API files, else the
/// hugetlb cgroup limit.
fn grant(report: &Report, warnings: &mut Vec<String>) -> Option<Grant> {
    let hp = &report.hugepages;
    let unsuffixed = || hp.containers.iter().find(|c| c.name.is_empty());
    let entry: Option<&ContainerHugepages> = match hp.container.as_deref() {
        Some(name) => hp.own().or_else(unsuffixed).or_else(|| {
            if !hp.containers.is_empty() {
                warnings.push(format!(
                    "the downward-API hugepage files name {} {} but not this one ({name}): not used",
                    if hp.containers.len() == 1 { "container" } else { "containers" },
                    names(&hp.containers)
                ));
            }
            None
        }),
        None => match hp.containers.as_slice() {
            [] => None,
            [only] => {
                if !only.name.is_empty() {
                    warnings.push(format!(
                        "CONTAINER_NAME is not set: using the hugepage files of container {}, the only one listed",
                        only.name
                    ));
                }
                Some(only)
            }
            many => unsuffixed().or_else(|| {
                warnings.push(format!(
                    "CONTAINER_NAME is not set and the hugepage files name containers {}: not used",
                    names(many)
                ));
                None
            }),
        },
    };
    if let Some(e) = entry {
        let mut sizes = BTreeMap::new();
        for key in e.limit_mib.keys().chain(e.request_mib.keys()) {
            let mib = e
                .limit_mib
                .get(key)
                .or_else(|| e.request_mib.get(key))
                .copied()
                .unwrap_or(0);
            if mib > 0 {
                sizes.insert(*key, mib);
            }
        }
        if !sizes.is_empty() {
            return Some(Grant { sizes });
        }
    }
    let sizes: BTreeMap<SizeKey, u64> = hp
        .cgroup_limit_mib
        .iter()
        .filter(|(_, m)| **m > 0)
        .map(|(k, m)| (SizeKey::Size(*k), *m))
        .collect();
    (!sizes.is_empty()).then_some(Grant { sizes })
}

fn names(containers: &[ContainerHugepages]) -> String {
    containers
        .iter()
        .map(|c| {
            if c.name.is_empty() {
                "(unsuffixed)".to_owned()
            } else {
                c.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
