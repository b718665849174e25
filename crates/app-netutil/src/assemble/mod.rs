//! Assembly: the report made from what the parsers found. Devices are
//! matched to interfaces ([`interfaces`]), relative socket paths resolved
//! ([`userspace`]), and the CPU set, hugepage grants and NUMA topology put
//! together from the pod's proc, cgroup and sysfs files.
//!
//! Takes a [`PodView`] (`crate::source`) and the parsers of `crate::parse`;
//! gives a [`Report`].

pub(crate) mod annotations;
pub(crate) mod cpus;
pub(crate) mod dra;
pub(crate) mod hugepages;
pub(crate) mod hugetlb;
pub(crate) mod identity;
pub(crate) mod interfaces;
pub(crate) mod topology;
pub(crate) mod userspace;

use crate::log::{Log, LogLevel};
use crate::parse::devplugin;
use crate::parse::hugepages::CONTAINER_NAME_VAR;
use crate::report::PciAddress;
use crate::report::warning::Warnings;
use crate::report::{Hugepages, Report};
use crate::source::cgroup::Layout;
use crate::source::{PodView, sysfs};
use interfaces::Inputs;

/// Collects the report of the pod seen through `pod`, logging to `log`.
pub(crate) fn report(pod: &PodView, log: Log<'_>) -> Report {
    report_with_annotations(pod, log).0
}

/// [`report`], and the annotations and DRA inputs it read (for `doctor`,
/// which checks them, and `wait`, which judges readiness by them).
pub(crate) fn report_with_annotations(
    pod: &PodView,
    log: Log<'_>,
) -> (Report, annotations::Annotations, dra::read::DraInputs) {
    let mut warnings = Warnings::new();
    log.log(LogLevel::Debug, || {
        format!(
            "collecting from root {} (downward-API directory {})",
            pod.root().display(),
            pod.podinfo_dir()
                .map_or_else(|| "absent".to_owned(), |d| d.display().to_string())
        )
    });
    let pod_identity = identity::read(pod, &mut warnings);
    // DRA inputs are read first (their warnings are listed where they
    // always were, below): with them, a missing downward-API volume is
    // normal, not worth a warning.
    let mut dra_warnings = Warnings::new();
    let dra_inputs = dra::read::read(pod, log, &mut dra_warnings);
    let read = annotations::read_with(pod, &mut warnings, !dra_inputs.any());
    let annotations = &read.selected;
    let (network_status, network_status_source) =
        annotations::network_status(annotations, &mut warnings);

    let mut userspace_data = userspace::read(pod, annotations, &mut warnings);
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
                sysfs::Backing::Unknown
            }
        },
        &mut warnings,
    );
    userspace::resolve_relative_paths(&mut interfaces, &mut userspace_data, &mut warnings);
    warnings.append(dra_warnings);
    let dra_devices = dra::devices::collect(
        &dra_inputs,
        &mut |addr| dra::pci_class(pod, addr),
        log,
        &mut warnings,
    );
    dra::merge::merge(&mut interfaces, dra_devices, &dra_inputs.env, &mut warnings);
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
            log.log(LogLevel::Debug, || {
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

    let mut details = pod.warnings();
    details.append(&mut warnings.into_warnings());
    for w in &details {
        log.log(LogLevel::Warning, || w.message.clone());
    }
    let all = details.iter().map(|w| w.message.clone()).collect();
    log.log(LogLevel::Info, || {
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
        warning_details: details,
        ..Report::default()
    };
    (report, read, dra_inputs)
}
