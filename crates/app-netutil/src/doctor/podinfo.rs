//! The downward-API volume, its `annotations` file and network-status.

use crate::assemble::annotations::{
    Annotations, AnnotationsFile, NetworkStatusState, network_status_state,
};
use crate::parse::downward::Selected;
use crate::parse::netstatus::NETWORKS_KEY;
use crate::source::PodView;

use super::{Check, Status, count};

/// The downward-API volume and its `annotations` file; returns the
/// annotations when they could be read.
pub(super) fn podinfo_checks<'a>(
    pod: &PodView,
    annotations: &'a Annotations,
    dra: bool,
    checks: &mut Vec<Check>,
) -> Option<&'a Selected> {
    let display = pod.podinfo_display().trim_end_matches('/').to_owned();
    if pod.podinfo_dir().is_none() {
        // With DRA devices the volume is not needed for the devices; only
        // the hugepage files come from it.
        let (status, also) = if dra {
            (
                Status::Warn,
                "; the devices come from DRA, hugepage requests are not known",
            )
        } else {
            (Status::Fail, "")
        };
        checks.push(
            Check::new(
                "downward-api-volume",
                None,
                status,
                format!("no downward-API volume at {display} (nor /etc/podinfo){also}"),
            )
            .fix("mount the podnetinfo downward-API volume at /etc/podnetinfo: run the manifest through `app-netutil inject`, or let the Network Resources Injector add it"),
        );
        checks.push(Check::new(
            "annotations-file",
            None,
            Status::Skip,
            "no downward-API volume".to_owned(),
        ));
        return None;
    }
    checks.push(Check::new(
        "downward-api-volume",
        None,
        Status::Pass,
        format!("downward-API volume at {display}"),
    ));
    let file = format!("{display}/annotations");
    match &annotations.file {
        AnnotationsFile::Read => {
            checks.push(Check::new(
                "annotations-file",
                None,
                Status::Pass,
                format!(
                    "{file}: {}",
                    count(
                        annotations.selected.key_count(),
                        "annotation",
                        "annotations"
                    )
                ),
            ));
            Some(&annotations.selected)
        }
        AnnotationsFile::NoVolume => None,
        AnnotationsFile::NotFound => {
            checks.push(
                Check::new(
                    "annotations-file",
                    None,
                    Status::Fail,
                    format!("{file} does not exist"),
                )
                .fix("add the item {path: annotations, fieldRef: {fieldPath: metadata.annotations}} to the podnetinfo volume (`app-netutil inject` does)"),
            );
            None
        }
        AnnotationsFile::Unreadable(why) => {
            checks.push(
                Check::new("annotations-file", None, Status::Fail, why.clone())
                    .fix("make the file a readable regular file: check the volume's items and the container's user"),
            );
            None
        }
    }
}

pub(super) fn network_status_check(
    annotations: Option<&Selected>,
    dra: bool,
    checks: &mut Vec<Check>,
) {
    let standalone = || {
        Check::new(
            "network-status",
            None,
            Status::Pass,
            "no Multus networks requested; the devices come from DRA (standalone mode)".to_owned(),
        )
    };
    let Some(annotations) = annotations else {
        if dra {
            checks.push(standalone());
            return;
        }
        checks.push(Check::new(
            "network-status",
            None,
            Status::Skip,
            "no annotations to read".to_owned(),
        ));
        return;
    };
    let check = match network_status_state(annotations) {
        NetworkStatusState::Present { key, entries } if key == crate::parse::netstatus::NETWORKS_STATUS_KEY => Check::new(
            "network-status",
            None,
            Status::Info,
            format!(
                "only the deprecated {key} is present ({}): an old Multus",
                count(entries, "interface", "interfaces")
            ),
        )
        .fix("nothing needs to change; Multus 3.5 and newer also write k8s.v1.cni.cncf.io/network-status"),
        NetworkStatusState::Present { key, entries } => Check::new(
            "network-status",
            None,
            Status::Pass,
            format!("{key} lists {}", count(entries, "interface", "interfaces")),
        ),
        NetworkStatusState::Unusable(why) => Check::new("network-status", None, Status::Fail, why)
            .fix("the annotation is malformed: see the warnings of `app-netutil show`, and the CNI plugin that wrote it"),
        NetworkStatusState::Absent => match annotations.get(NETWORKS_KEY) {
            Some(requested) => Check::new(
                "network-status",
                None,
                Status::Fail,
                format!(
                    "{NETWORKS_KEY} requests {:?}, but network-status is not in the annotations file yet",
                    String::from_utf8_lossy(requested)
                ),
            )
            .fix("Multus writes it after the container starts (multus-cni issue 1113): start the application with `app-netutil exec --wait`, or run `app-netutil wait` first"),
            None if dra => standalone(),
            None => Check::new(
                "network-status",
                None,
                Status::Warn,
                "no network-status and no k8s.v1.cni.cncf.io/networks annotation: no secondary networks".to_owned(),
            )
            .fix("request networks with the pod annotation k8s.v1.cni.cncf.io/networks (Multus must be installed); without it devices are tied to interfaces only by sysfs or position"),
        },
    };
    checks.push(check);
}
