//! Devices from Dynamic Resource Allocation: the metadata directory and
//! files, the device nodes dra-driver-sriov's variables name, and the
//! pod-wide address list against this container's variables.

use std::collections::BTreeSet;

use crate::assemble::dra::read::{DirState, DraInputs};
use crate::parse::dra::env::{PCI_ADDRESSES_VAR, VF_DEVICE_PREFIX};
use crate::source::PodView;

use super::{Check, Status, count};

/// The DRA checks, in order: `dra-metadata`, then per VF `dra-vfio` and
/// `dra-rdma`, then `dra-pci-addresses`. A pod without any DRA input (no
/// metadata directory, no `SRIOVNETWORK_*` VF) gets none.
pub(super) fn dra_checks(pod: &PodView, dra: &DraInputs, checks: &mut Vec<Check>) {
    if dra.dir == DirState::Absent && dra.env.devices.is_empty() {
        return;
    }
    metadata_check(pod, dra, checks);
    for vf in &dra.env.devices {
        let subject = vf.pci_address.as_str();
        if let Some(path) = &vf.vfio_device {
            checks.push(if pod.exists(path) {
                Check::new("dra-vfio", Some(subject), Status::Pass, format!("{path} exists"))
            } else {
                Check::new(
                    "dra-vfio",
                    Some(subject),
                    Status::Fail,
                    format!("{path}, the VFIO group SRIOVNETWORK_*_VFIO_DEVICE names, does not exist in the container"),
                )
                .fix("the CDI device nodes were not applied: check that the container runtime has CDI enabled and that the container references the claim (resources.claims)")
            });
        }
        let missing: Vec<&str> = vf
            .rdma_char_devices
            .iter()
            .map(String::as_str)
            .filter(|p| !pod.exists(p))
            .collect();
        if !vf.rdma_char_devices.is_empty() {
            checks.push(if missing.is_empty() {
                Check::new(
                    "dra-rdma",
                    Some(subject),
                    Status::Pass,
                    format!(
                        "{} exist",
                        count(vf.rdma_char_devices.len(), "RDMA device node", "RDMA device nodes")
                    ),
                )
            } else {
                Check::new(
                    "dra-rdma",
                    Some(subject),
                    Status::Fail,
                    format!("missing RDMA device nodes: {}", missing.join(", ")),
                )
                .fix("the CDI device nodes were not applied: check the container runtime's CDI support")
            });
        }
    }
    pci_addresses_check(dra, checks);
}

fn metadata_check(pod: &PodView, dra: &DraInputs, checks: &mut Vec<Check>) {
    let dir = pod.dra_display().trim_end_matches('/').to_owned();
    let check = match dra.dir {
        DirState::Absent => Check::new(
            "dra-metadata",
            None,
            Status::Skip,
            format!("no DRA device metadata directory {dir}"),
        ),
        DirState::Unreadable => Check::new(
            "dra-metadata",
            None,
            Status::Fail,
            format!("{dir} cannot be listed"),
        )
        .fix("make the directory readable by the container's user"),
        DirState::Present if !dra.unusable.is_empty() => {
            let list: Vec<String> = dra
                .unusable
                .iter()
                .take(4)
                .map(|(p, why)| format!("{p}: {why}"))
                .collect();
            Check::new(
                "dra-metadata",
                None,
                Status::Fail,
                format!(
                    "{} not usable: {}",
                    count(dra.unusable.len(), "metadata file", "metadata files"),
                    list.join("; ")
                ),
            )
            .fix("the DRA driver wrote metadata this library cannot read: see the warnings of `app-netutil show`; update the driver or app-netutil")
        }
        DirState::Present if dra.files.is_empty() => Check::new(
            "dra-metadata",
            None,
            Status::Warn,
            format!("{dir} exists but holds no */*/*-metadata.json file"),
        )
        .fix("enable device metadata on the DRA driver (--enable-device-metadata) or check the claim's request names"),
        DirState::Present => Check::new(
            "dra-metadata",
            None,
            Status::Pass,
            format!(
                "{dir}: {}",
                count(dra.files.len(), "metadata file", "metadata files")
            ),
        ),
    };
    checks.push(check);
}

fn pci_addresses_check(dra: &DraInputs, checks: &mut Vec<Check>) {
    let Some(listed) = &dra.env.pci_addresses else {
        if !dra.env.devices.is_empty() {
            checks.push(Check::new(
                "dra-pci-addresses",
                None,
                Status::Info,
                format!("{PCI_ADDRESSES_VAR} is not set"),
            ));
        }
        return;
    };
    let listed: BTreeSet<&str> = listed.iter().map(|a| a.as_str()).collect();
    let own: BTreeSet<&str> = dra
        .env
        .devices
        .iter()
        .map(|v| v.pci_address.as_str())
        .collect();
    let unlisted: Vec<&str> = own.difference(&listed).copied().collect();
    let others: Vec<&str> = listed.difference(&own).copied().collect();
    let check = if !unlisted.is_empty() {
        Check::new(
            "dra-pci-addresses",
            None,
            Status::Warn,
            format!(
                "{VF_DEVICE_PREFIX}* names {} that {PCI_ADDRESSES_VAR} does not list: {}",
                count(unlisted.len(), "VF", "VFs"),
                unlisted.join(", ")
            ),
        )
        .fix("the driver's per-pod and per-device edits disagree: check the dra-driver-sriov version and logs")
    } else if !others.is_empty() {
        Check::new(
            "dra-pci-addresses",
            None,
            Status::Info,
            format!(
                "{PCI_ADDRESSES_VAR} lists {} this container has no {VF_DEVICE_PREFIX}* variable for (the list is pod-wide): {}",
                count(others.len(), "VF", "VFs"),
                others.join(", ")
            ),
        )
    } else {
        Check::new(
            "dra-pci-addresses",
            None,
            Status::Pass,
            format!(
                "{PCI_ADDRESSES_VAR} lists exactly this container's {}",
                count(own.len(), "VF", "VFs")
            ),
        )
    };
    checks.push(check);
}
