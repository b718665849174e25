//! Collecting a report from a pod view.

use crate::cgroup::Layout;
use crate::downward::{self, Selected};
use crate::error::Error;
use crate::hugepages::{self, CONTAINER_NAME_VAR};
use crate::interfaces::{self, Inputs};
use crate::model::{Hugepages, Report, Source};
use crate::netstatus::{self, NETWORK_STATUS_KEY, NETWORKS_STATUS_KEY, NetworkStatusEntry};
use crate::options::{LogLevel, Options};
use crate::pci::PciAddress;
use crate::pod::PodView;
use crate::warnings::Warnings;
use crate::{cpus, devplugin, hugetlb, identity, sysfs, topology, userspace};

/// Every annotation the library reads; the other keys of the annotations
/// file are checked and counted, but their values are not kept.
pub(crate) const ANNOTATION_KEYS: &[&str] = &[
    NETWORK_STATUS_KEY,
    NETWORKS_STATUS_KEY,
    userspace::CONFIGURATION_DATA_KEY,
    userspace::MAPPED_DIR_KEY,
    userspace::MAPPED_DIR_ALIAS_KEY,
    crate::doctor::NETWORKS_KEY,
];

/// Collects the report of the pod that `opts` names.
///
/// # Errors
///
/// Only when the root directory, or an explicitly given downward-API
/// directory, is not a directory. Everything else is a warning in the report.
pub fn collect(opts: &Options) -> Result<Report, Error> {
    let pod = PodView::from_options(opts)?;
    Ok(collect_from(&pod, opts))
}

/// Collects the report from an existing pod view.
#[must_use]
pub fn collect_from(pod: &PodView, opts: &Options) -> Report {
    collect_with_annotations(pod, opts).0
}

/// [`collect_from`], also giving the annotations the report was made from,
/// so that a caller judging the report (`wait`) judges the same data
/// instead of reading the file again.
pub(crate) fn collect_with_annotations(pod: &PodView, opts: &Options) -> (Report, Selected) {
    let mut warnings = Warnings::new();
    opts.log(LogLevel::Debug, || {
        format!(
            "collecting from root {} (downward-API directory {})",
            pod.root().display(),
            pod.podinfo_dir()
                .map_or_else(|| "absent".to_owned(), |d| d.display().to_string())
        )
    });
    let pod_identity = identity::read(pod, &mut warnings);
    let annotations = read_annotations(pod, &mut warnings);
    let (network_status, network_status_source) = network_status(&annotations, &mut warnings);

    let mut userspace_data = userspace::read(pod, &annotations, &mut warnings);
    let userspace = std::mem::take(&mut userspace_data.interfaces);

    let resources = devplugin::parse_into(pod.env().iter(), &mut warnings);

    let inputs = Inputs {
        network_status,
        network_status_source,
        userspace,
        resources,
    };
    // One directory listing tells which interfaces sysfs can say anything
    // about; most pods have no PCI netdevs, so most lookups end here.
    let netdevs = pod.list_dir("/sys/class/net").unwrap_or_default();
    let mut interfaces = interfaces::build(
        inputs,
        &mut |name| {
            if netdevs.binary_search_by(|n| n.as_str().cmp(name)).is_ok() {
                sysfs::netdev_backing(pod, name)
            } else {
                interfaces::Backing::Unknown
            }
        },
        &mut warnings,
    );
    userspace::resolve_relative_paths(&mut interfaces, &mut userspace_data, &mut warnings);
    // One listing says which PCI devices the pod's sysfs shows at all.
    let pci_devices = pod.list_dir(sysfs::PCI_DEVICES_DIR).unwrap_or_default();
    for iface in &mut interfaces {
        let Some(addr) = iface.pci_address().and_then(PciAddress::parse) else {
            continue;
        };
        if pci_devices
            .binary_search_by(|d| d.as_str().cmp(addr.as_str()))
            .is_ok()
        {
            iface.pci_device = sysfs::pci_device(pod, &addr, &mut warnings);
        }
        if iface.pci_device.is_none() {
            opts.log(LogLevel::Debug, || {
                format!("PCI device {addr}: not in the pod's sysfs; pci-device is null")
            });
        }
    }

    let layout = Layout::read(pod, &mut warnings);
    // A copy of a pod often has no CPU or NUMA part of sysfs at all: one
    // look at their common parent then stands for a lookup per file. A
    // live pod's sysfs always has it.
    let system_sysfs = pod.is_live() || pod.is_dir(topology::SYSTEM_DIR);
    // The NUMA nodes serve both the hugepage pools and the CPU topology.
    let node_names = if system_sysfs {
        pod.list_dir(topology::NODE_DIR)
            .map(|names| topology::usable_node_names(names, &mut warnings))
    } else {
        None
    };

    let hugepages = Hugepages {
        container: pod
            .env_var(CONTAINER_NAME_VAR)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        containers: hugepages::read_downward(pod, &mut warnings),
        cgroup_limit_mib: hugetlb::cgroup_limits(pod, &layout, &mut warnings),
        mounts: hugetlb::mounts(pod, &layout, &mut warnings),
        host_pools: hugetlb::host_pools(pod, node_names.as_deref(), &mut warnings),
    };
    let cpus = cpus::collect(
        pod,
        &layout,
        system_sysfs.then_some(node_names.as_deref()),
        &mut warnings,
    );

    let mut all = pod.warnings();
    all.append(&mut warnings.into_vec());
    for w in &all {
        opts.log(LogLevel::Warning, || w.clone());
    }
    opts.log(LogLevel::Info, || {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "found {}, {}, {} with hugepages",
            count(interfaces.len(), "interface", "interfaces"),
            count(cpus.as_ref().map_or(0, |c| c.list.len()), "CPU", "CPUs"),
            count(hugepages.containers.len(), "container", "containers")
        )
    });
    let report = Report {
        pod: pod_identity,
        cpus,
        hugepages,
        interfaces,
        warnings: all,
    };
    (report, annotations)
}

/// Reads and parses the downward-API `annotations` file; an absent file or
/// directory gives an empty map.
pub(crate) fn read_annotations(pod: &PodView, warnings: &mut Warnings) -> Selected {
    let display = format!(
        "{}/annotations",
        pod.podinfo_display().trim_end_matches('/')
    );
    match pod.read_podinfo("annotations") {
        Ok(Some(data)) => downward::parse_selected(&data, &display, ANNOTATION_KEYS, warnings),
        Ok(None) => Selected::none(ANNOTATION_KEYS),
        Err(e) if e.is_not_found() => Selected::none(ANNOTATION_KEYS),
        Err(e) => {
            warnings.push(format!("{e}; annotations not read"));
            Selected::none(ANNOTATION_KEYS)
        }
    }
}

/// Picks `network-status`, falling back to the deprecated `networks-status`
/// when the current key is absent or unusable.
fn network_status(
    annotations: &Selected,
    warnings: &mut Warnings,
) -> (Vec<NetworkStatusEntry>, Option<Source>) {
    let mut current_warnings = Warnings::new();
    let current = annotations.get(NETWORK_STATUS_KEY).map(|v| {
        netstatus::parse_about(
            v,
            NETWORK_STATUS_KEY,
            &mut current_warnings.source(netstatus::NETWORK_STATUS_SOURCE),
        )
        .map_err(|e| format!("annotation {NETWORK_STATUS_KEY}: {e}; not used"))
    });
    let old = annotations.get(NETWORKS_STATUS_KEY);
    match current {
        Some(Ok(entries)) => {
            warnings.append(current_warnings);
            if let (Some(old), Some(new)) = (old, annotations.get(NETWORK_STATUS_KEY)) {
                if !same_json(old, new) {
                    warnings.push(format!(
                        "annotations {NETWORK_STATUS_KEY} and {NETWORKS_STATUS_KEY} differ; the deprecated {NETWORKS_STATUS_KEY} is ignored"
                    ));
                }
            }
            (entries, Some(Source::NetworkStatus))
        }
        current => {
            if let Some(Err(e)) = current {
                warnings.push(e);
            }
            let Some(old) = old else {
                return (Vec::new(), None);
            };
            match netstatus::parse_about(
                old,
                NETWORKS_STATUS_KEY,
                &mut warnings.source(netstatus::NETWORKS_STATUS_SOURCE),
            ) {
                Ok(mut entries) => {
                    // Multus 3.x wrote only this key, and no `default` key
                    // at all: its first entry is always the cluster network.
                    if !entries.iter().any(|e| e.default_given) {
                        if let Some(first) = entries.first_mut() {
                            first.default = true;
                        }
                    }
                    (entries, Some(Source::NetworksStatus))
                }
                Err(e) => {
                    warnings.push(format!("annotation {NETWORKS_STATUS_KEY}: {e}; not used"));
                    (Vec::new(), None)
                }
            }
        }
    }
}

fn same_json(a: &[u8], b: &[u8]) -> bool {
    // Producers write both keys from one value: equal bytes are the rule.
    if a == b {
        return true;
    }
    if a.len().max(b.len()) > netstatus::MAX_VALUE_BYTES {
        return false;
    }
    match (
        serde_json::from_slice::<serde_json::Value>(a),
        serde_json::from_slice::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Whether the pod's annotations carry a usable network-status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NetworkStatusState {
    /// Neither key is present.
    Absent,
    /// A key is present and parses (possibly as an empty list); `key` is
    /// the one used.
    Present {
        /// The annotation key used.
        key: &'static str,
        /// How many entries it lists.
        entries: usize,
    },
    /// A key is present but neither value can be used.
    Unusable(String),
}

/// What the annotations say about network-status, with the same fallback
/// from `network-status` to `networks-status` that [`collect`] uses.
pub(crate) fn network_status_state(annotations: &Selected) -> NetworkStatusState {
    let mut ignored = Warnings::new();
    let (entries, source) = network_status(annotations, &mut ignored);
    match source {
        Some(Source::NetworkStatus) => NetworkStatusState::Present {
            key: NETWORK_STATUS_KEY,
            entries: entries.len(),
        },
        Some(_) => NetworkStatusState::Present {
            key: NETWORKS_STATUS_KEY,
            entries: entries.len(),
        },
        None if annotations.contains_key(NETWORK_STATUS_KEY)
            || annotations.contains_key(NETWORKS_STATUS_KEY) =>
        {
            NetworkStatusState::Unusable(
                ignored
                    .into_vec()
                    .into_iter()
                    .last()
                    .unwrap_or_else(|| "network-status is not usable".to_owned()),
            )
        }
        None => NetworkStatusState::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotations(pairs: &[(&str, &str)]) -> Selected {
        Selected::from_pairs(pairs, ANNOTATION_KEYS)
    }

    /// What Multus 3.4 wrote (types.go: no `default` field, `default-route`;
    /// k8sclient.go: only the deprecated key).
    const MULTUS_34: &str = "[{\n    \"name\": \"cbr0\",\n    \"interface\": \"eth0\",\n    \"ips\": [\n        \"10.244.0.169\"\n    ],\n    \"dns\": {}\n},{\n    \"name\": \"macvlan-conf\",\n    \"interface\": \"net1\",\n    \"ips\": [\n        \"192.168.2.200\"\n    ],\n    \"dns\": {},\n    \"default-route\": [\n        \"192.168.2.1\"\n    ]\n}]";

    #[test]
    fn multus_3_networks_status_first_entry_is_the_default() {
        let mut w = Warnings::new();
        let (entries, source) =
            network_status(&annotations(&[(NETWORKS_STATUS_KEY, MULTUS_34)]), &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(source, Some(Source::NetworksStatus));
        let defaults: Vec<bool> = entries.iter().map(|e| e.default).collect();
        assert_eq!(defaults, [true, false]);
        assert_eq!(entries[1].gateway, ["192.168.2.1"]);
    }

    #[test]
    fn a_default_key_anywhere_is_taken_as_written() {
        // NAD-client era copies of the status carry `default` themselves.
        let nad = r#"[{"name":"a","interface":"net1","default":false},{"name":"cbr0","interface":"eth0","default":true}]"#;
        let mut w = Warnings::new();
        let (entries, _) = network_status(&annotations(&[(NETWORKS_STATUS_KEY, nad)]), &mut w);
        assert_eq!(
            entries.iter().map(|e| e.default).collect::<Vec<_>>(),
            [false, true]
        );
        // `"default": false` alone is a default key too: nothing is inferred.
        let none =
            r#"[{"name":"a","interface":"eth0","default":false},{"name":"b","interface":"net1"}]"#;
        let (entries, _) = network_status(&annotations(&[(NETWORKS_STATUS_KEY, none)]), &mut w);
        assert!(entries.iter().all(|e| !e.default));
        // The current key never infers a default (the NAD client omits it
        // when false, and always writes it for the cluster network).
        let (entries, source) =
            network_status(&annotations(&[(NETWORK_STATUS_KEY, MULTUS_34)]), &mut w);
        assert_eq!(source, Some(Source::NetworkStatus));
        assert!(entries.iter().all(|e| !e.default));
        // Nor does an empty list panic or invent an entry.
        let (entries, _) = network_status(&annotations(&[(NETWORKS_STATUS_KEY, "[]")]), &mut w);
        assert!(entries.is_empty());
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn fallback_to_networks_status_also_infers_the_default() {
        let mut w = Warnings::new();
        let (entries, source) = network_status(
            &annotations(&[(NETWORK_STATUS_KEY, "[{"), (NETWORKS_STATUS_KEY, MULTUS_34)]),
            &mut w,
        );
        assert_eq!(source, Some(Source::NetworksStatus));
        assert!(entries[0].default);
        assert_eq!(w.len(), 1, "{w:?}");
    }
}
