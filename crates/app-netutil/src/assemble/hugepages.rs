//! Hugepage amounts granted through the downward API: the
//! `hugepages_*` files of the downward-API directory, named and valued as
//! [`crate::parse::hugepages`] reads them.

use std::collections::BTreeMap;

use crate::parse::hugepages::{Amount, parse_file_name, parse_mib};
use crate::report::ContainerHugepages;
use crate::report::warning::{WarningCode, Warnings};
use crate::source::PodView;

/// Reads every hugepage file of the downward-API directory.
pub(crate) fn read_downward(pod: &PodView, warnings: &mut Warnings) -> Vec<ContainerHugepages> {
    let names = match pod.list_podinfo() {
        Ok(n) => n,
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                pod.podinfo_display().trim_end_matches('/'),
                format!("{e}; hugepage files not read"),
            );
            return Vec::new();
        }
    };
    // The directory is the source: it can hold any number of files.
    let dir = pod.podinfo_display().trim_end_matches('/').to_owned();
    let mut containers: BTreeMap<String, ContainerHugepages> = BTreeMap::new();
    for name in names {
        let parsed = match parse_file_name(&name) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(reason) => {
                warnings.about_as(
                    WarningCode::Dropped,
                    &dir,
                    &format!("{dir}/{name}"),
                    format!("{}/{reason}; ignored", pod.podinfo_display()),
                );
                continue;
            }
        };
        let entry = containers
            .entry(parsed.container.clone())
            .or_insert_with(|| ContainerHugepages {
                name: parsed.container.clone(),
                ..ContainerHugepages::default()
            });
        let value = match pod.read_podinfo(&name) {
            Ok(Some(data)) => parse_mib(&data)
                .map_err(|r| format!("{}/{name}: {r}; left out", pod.podinfo_display())),
            Ok(None) => continue,
            Err(e) => Err(format!("{e}; left out")),
        };
        match value {
            Ok(mib) => {
                let map = match parsed.amount {
                    Amount::Request => &mut entry.request_mib,
                    Amount::Limit => &mut entry.limit_mib,
                };
                map.insert(parsed.size, mib);
            }
            Err(w) => warnings.about_as(WarningCode::Dropped, &dir, &format!("{dir}/{name}"), w),
        }
    }
    containers.into_values().collect()
}
