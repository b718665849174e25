//! Hugepage files, grants and hugetlbfs mounts.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::PageSize;
use crate::report::Report;

use super::{Check, Status};

fn mib_list(sizes: &BTreeMap<PageSize, u64>) -> String {
    sizes
        .iter()
        .map(|(s, m)| format!("{s} {m} MiB"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn hugepage_checks(report: &Report, checks: &mut Vec<Check>) {
    let hp = &report.hugepages;
    let limits: BTreeMap<PageSize, u64> = hp
        .cgroup_limit_mib
        .iter()
        .filter(|(_, m)| **m > 0)
        .map(|(s, m)| (*s, *m))
        .collect();
    // hugepage-files: the downward-API files for this container.
    let files = if hp.containers.is_empty() {
        if limits.is_empty() && hp.mounts.is_empty() {
            Check::new(
                "hugepage-files",
                None,
                Status::Skip,
                "no hugepages: no downward-API hugepage files, hugetlb limits or hugetlbfs mounts"
                    .to_owned(),
            )
        } else {
            let mut seen = Vec::new();
            if !limits.is_empty() {
                seen.push(format!("hugetlb cgroup allows {}", mib_list(&limits)));
            }
            if !hp.mounts.is_empty() {
                seen.push(format!(
                    "hugetlbfs mounted at {}",
                    hp.mounts
                        .iter()
                        .map(|m| format!("{} ({})", m.path, m.page_size))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Check::new(
                "hugepage-files",
                None,
                Status::Warn,
                format!(
                    "the pod has hugepages ({}) but the downward-API volume has no hugepage files",
                    seen.join("; ")
                ),
            )
            .fix("add the hugepages_<size>_request|limit_<container> items: `app-netutil inject` the manifest, or run the Network Resources Injector with -injectHugepageDownApi")
        }
    } else {
        let names: Vec<&str> = hp
            .containers
            .iter()
            .map(|c| {
                if c.name.is_empty() {
                    "(unnamed)"
                } else {
                    c.name.as_str()
                }
            })
            .collect();
        match (hp.container.as_deref(), hp.own()) {
            (Some(name), Some(own)) => {
                let sizes: Vec<String> = own
                    .limit_mib
                    .iter()
                    .chain(&own.request_mib)
                    .map(|(s, m)| format!("{s} {m} MiB"))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                Check::new(
                    "hugepage-files",
                    Some(name),
                    Status::Pass,
                    format!("hugepage files for this container: {}", sizes.join(", ")),
                )
            }
            (Some(name), None) => Check::new(
                "hugepage-files",
                Some(name),
                Status::Warn,
                format!(
                    "hugepage files name {} {} but not this one ({name})",
                    if names.len() == 1 { "container" } else { "containers" },
                    names.join(", ")
                ),
            )
            .fix(format!("add the hugepage items for container {name}: `app-netutil inject` adds them for every container with hugepages")),
            (None, _) => Check::new(
                "hugepage-files",
                None,
                Status::Warn,
                format!(
                    "hugepage files name {} {} but CONTAINER_NAME is not set, so none is known to be this one",
                    if names.len() == 1 { "container" } else { "containers" },
                    names.join(", ")
                ),
            )
            .fix("set the env variable CONTAINER_NAME to the container's name (`app-netutil inject` adds it)"),
        }
    };
    checks.push(files);

    // hugetlbfs-mounts: one per granted size.
    let sizes = hp.granted_sizes();
    if sizes.is_empty() {
        checks.push(if hp.mounts.is_empty() {
            Check::new(
                "hugetlbfs-mounts",
                None,
                Status::Skip,
                "no hugepages granted".to_owned(),
            )
        } else {
            Check::new(
                "hugetlbfs-mounts",
                None,
                Status::Info,
                format!(
                    "hugetlbfs mounted at {}, but no grant is known (no downward-API files for this container, no hugetlb limit)",
                    hp.mounts.iter().map(|m| m.path.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        });
        return;
    }
    let by_size = hp.mounts_by_size();
    let grants = hp.grants();
    for size in sizes {
        let subject = size.to_string();
        let mib = grants.get(&size).copied().unwrap_or(0);
        let at: &[&str] = by_size.get(&size).map_or(&[], Vec::as_slice);
        checks.push(if at.is_empty() {
            Check::new(
                "hugetlbfs-mounts",
                Some(&subject),
                Status::Fail,
                format!("{mib} MiB of {size} pages granted, but no hugetlbfs of that page size is mounted"),
            )
            .fix(format!("mount an emptyDir volume with medium: HugePages-{size} (e.g. at /dev/hugepages)"))
        } else {
            Check::new(
                "hugetlbfs-mounts",
                Some(&subject),
                Status::Pass,
                format!("{mib} MiB of {size} pages granted, hugetlbfs at {}", at.join(", ")),
            )
        });
    }
}
