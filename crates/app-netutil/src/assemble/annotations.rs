//! The annotations the library reads, from the downward-API `annotations`
//! file, and the choice between `network-status` and the deprecated
//! `networks-status`.

use crate::parse::downward::{self, Selected};
use crate::parse::netstatus::{
    self, NETWORK_STATUS_KEY, NETWORKS_KEY, NETWORKS_STATUS_KEY, NetworkStatusEntry,
};
use crate::parse::userspace;
use crate::report::Source;
use crate::report::warning::{WarningCode, Warnings};
use crate::source::{PODINFO_DIR, PODNETINFO_DIR, PodView};

/// Every annotation the library reads; the other keys of the annotations
/// file are checked and counted, but their values are not kept.
pub(crate) const ANNOTATION_KEYS: &[&str] = &[
    NETWORK_STATUS_KEY,
    NETWORKS_STATUS_KEY,
    userspace::CONFIGURATION_DATA_KEY,
    userspace::MAPPED_DIR_KEY,
    userspace::MAPPED_DIR_ALIAS_KEY,
    NETWORKS_KEY,
];

/// What became of the downward-API `annotations` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AnnotationsFile {
    /// There is no downward-API directory.
    NoVolume,
    /// The directory has no `annotations` file.
    NotFound,
    /// The file could not be read: why.
    Unreadable(String),
    /// The file was read and parsed.
    Read,
}

/// The annotations the library reads, and what became of their file.
#[derive(Debug)]
pub(crate) struct Annotations {
    /// The annotations of [`ANNOTATION_KEYS`] (all keys counted).
    pub(crate) selected: Selected,
    /// Whether and how the file was read.
    pub(crate) file: AnnotationsFile,
}

/// Reads and parses the downward-API `annotations` file; an absent file or
/// directory gives an empty map.
pub(crate) fn read_annotations(pod: &PodView, warnings: &mut Warnings) -> Selected {
    read(pod, warnings).selected
}

/// [`read_annotations`], saying what became of the file.
pub(crate) fn read(pod: &PodView, warnings: &mut Warnings) -> Annotations {
    read_with(pod, warnings, true)
}

/// [`read`]; `warn_no_volume` false when the pod's devices come from
/// elsewhere (DRA), where a pod without the downward-API volume is normal.
pub(crate) fn read_with(
    pod: &PodView,
    warnings: &mut Warnings,
    warn_no_volume: bool,
) -> Annotations {
    let display = format!(
        "{}/annotations",
        pod.podinfo_display().trim_end_matches('/')
    );
    let none = |file| Annotations {
        selected: Selected::none(ANNOTATION_KEYS),
        file,
    };
    match pod.read_podinfo("annotations") {
        Ok(Some(data)) => Annotations {
            selected: downward::parse_selected(&data, &display, ANNOTATION_KEYS, warnings),
            file: AnnotationsFile::Read,
        },
        Ok(None) => {
            // The volume is where every interface name, the network-status
            // and the hugepage requests come from: without it a report
            // looks empty, not broken, unless it says why. A pod whose
            // devices DRA gives (dra-driver-sriov standalone,
            // dra-driver-ovsdpdk) need not have one.
            if warn_no_volume {
                warnings.push(
                WarningCode::Missing,
                PODNETINFO_DIR,
                format!(
                    "no downward-API volume: neither {PODNETINFO_DIR} nor {PODINFO_DIR} exists, so interface names, network status and hugepage requests are unknown; run `app-netutil doctor`"
                ),
            );
            }
            none(AnnotationsFile::NoVolume)
        }
        Err(e) if e.is_not_found() => none(AnnotationsFile::NotFound),
        Err(e) => {
            warnings.push(
                WarningCode::Missing,
                &display,
                format!("{e}; annotations not read"),
            );
            none(AnnotationsFile::Unreadable(e.to_string()))
        }
    }
}

/// Picks `network-status`, falling back to the deprecated `networks-status`
/// when the current key is absent or unusable.
pub(crate) fn network_status(
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
                    warnings.push(WarningCode::Conflict, NETWORKS_STATUS_KEY, format!(
                        "annotations {NETWORK_STATUS_KEY} and {NETWORKS_STATUS_KEY} differ; the deprecated {NETWORKS_STATUS_KEY} is ignored"
                    ));
                }
            }
            (entries, Some(Source::NetworkStatus))
        }
        current => {
            if let Some(Err(e)) = current {
                warnings.push(WarningCode::Dropped, NETWORK_STATUS_KEY, e);
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
                    warnings.push(
                        WarningCode::Dropped,
                        NETWORKS_STATUS_KEY,
                        format!("annotation {NETWORKS_STATUS_KEY}: {e}; not used"),
                    );
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
