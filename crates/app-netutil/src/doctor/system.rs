//! The machine: a virtual machine or Kata guest, dedicated CPUs, and the
//! report's own warnings.

use crate::report::Report;
use crate::source::PodView;

use super::{Check, Status};

/// Signs that the pod runs in a virtual machine or a Kata guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Guest {
    kata: Vec<String>,
    vm: Vec<String>,
}

impl Guest {
    pub(super) fn what(&self) -> &'static str {
        if !self.kata.is_empty() {
            "a Kata Containers guest"
        } else {
            "a virtual machine"
        }
    }
}

const VM_VENDORS: &[&str] = &[
    "QEMU",
    "KVM",
    "VMware",
    "Xen",
    "innotek",
    "VirtualBox",
    "Bochs",
    "Parallels",
    "Microsoft Corporation",
    "Amazon EC2",
    "Google Compute Engine",
    "OpenStack",
    "Cloud Hypervisor",
    "Firecracker",
];

pub(super) fn guest(pod: &PodView) -> Option<Guest> {
    let mut vm = Vec::new();
    for file in [
        "/sys/class/dmi/id/sys_vendor",
        "/sys/class/dmi/id/product_name",
    ] {
        if let Ok(text) = pod.read_string(file, 4096) {
            let value = text.trim();
            if VM_VENDORS.iter().any(|v| value.contains(v)) {
                vm.push(format!("{file} is {value:?}"));
            }
        }
    }
    if let Ok(cpuinfo) = pod.read_string("/proc/cpuinfo", crate::source::MAX_ATTR_FILE_BYTES) {
        let flagged = cpuinfo
            .lines()
            .find(|l| l.starts_with("flags"))
            .and_then(|l| l.split_once(':'))
            .is_some_and(|(_, flags)| flags.split_whitespace().any(|f| f == "hypervisor"));
        if flagged {
            vm.push("/proc/cpuinfo has the hypervisor flag".to_owned());
        }
    }
    let mut kata = Vec::new();
    if pod.exists("/run/kata-containers") {
        kata.push("/run/kata-containers exists".to_owned());
    }
    // The Kata agent takes its options from the guest kernel's command line.
    if let Ok(cmdline) = pod.read_string("/proc/cmdline", 65536) {
        if let Some(word) = cmdline.split_whitespace().find(|w| w.starts_with("agent.")) {
            kata.push(format!("the kernel command line has {word}"));
        }
    }
    (!kata.is_empty() || !vm.is_empty()).then_some(Guest { kata, vm })
}

pub(super) fn guest_check(guest: Option<&Guest>) -> Check {
    match guest {
        None => Check::new(
            "virtualization",
            None,
            Status::Pass,
            "no sign of a virtual machine or Kata guest".to_owned(),
        ),
        Some(g) => {
            let signs: Vec<String> = g.kata.iter().chain(&g.vm).cloned().collect();
            if !g.kata.is_empty() {
                Check::new(
                    "virtualization",
                    None,
                    Status::Warn,
                    format!("a Kata Containers guest ({}): the PCI addresses in network-status and PCIDEVICE_* are the host's, not the guest's", signs.join(", ")),
                )
                .fix("find the devices' guest addresses with `lspci` in the container and pass them to DPDK yourself (`dpdk-args --eal-arg=-a --eal-arg=ADDR`)")
            } else {
                Check::new(
                    "virtualization",
                    None,
                    Status::Info,
                    format!(
                        "a virtual machine ({}): host PCI addresses apply only if the node itself is this VM",
                        signs.join(", ")
                    ),
                )
            }
        }
    }
}

pub(super) fn cpus_check(report: &Report) -> Check {
    let Some(cpus) = &report.cpus else {
        return Check::new(
            "cpus-exclusive",
            None,
            Status::Warn,
            "the pod's CPUs are unknown".to_owned(),
        )
        .fix("check that /proc/self/status (or the cgroup cpuset) is readable");
    };
    match cpus.exclusive {
        Some(true) => Check::new(
            "cpus-exclusive",
            None,
            Status::Pass,
            format!("CPUs {} are dedicated to this container", cpus.cpuset),
        ),
        Some(false) => Check::new(
            "cpus-exclusive",
            None,
            Status::Warn,
            format!("CPUs {} are every online CPU: shared with other pods", cpus.cpuset),
        )
        .fix("give the pod Guaranteed QoS with whole CPUs (requests == limits, integer cpu) on a node with the kubelet's static CPU manager policy"),
        None => Check::new(
            "cpus-exclusive",
            None,
            Status::Info,
            format!("CPUs {}; whether they are dedicated is unknown (no /sys/devices/system/cpu/online)", cpus.cpuset),
        ),
    }
}

pub(super) fn warnings_check(report: &Report) -> Check {
    match report.warnings.len() {
        0 => Check::new(
            "report-warnings",
            None,
            Status::Pass,
            "the report has no warnings".to_owned(),
        ),
        n => Check::new(
            "report-warnings",
            None,
            Status::Warn,
            format!(
                "the report has {n} warning{}",
                if n == 1 { "" } else { "s" }
            ),
        )
        .fix("`app-netutil show` prints each one, naming the file or variable"),
    }
}
