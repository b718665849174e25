//! The human-readable form of a report.

use std::fmt::Write;

use std::process::ExitCode;

use app_netutil::report::SizeKey;
use app_netutil::{Cpus, DeviceType, Hugepages, Interface, PageSize, PciDevice, Report, Source};
use clap::Args;

use std::borrow::Cow;

use crate::common::{PodArgs, printable, write_stdout};
use crate::table::Table;

/// `app-netutil show`.
#[derive(Args, Debug)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    /// Print the report as JSON (contract v1, docs/report.md).
    #[arg(long)]
    pub(crate) json: bool,
    /// Print tables at full width on a terminal too. By default, on a terminal, tables are fitted to its width (COLUMNS, else the terminal's size), long cells cut with "…"; output that is not a terminal is always full width.
    #[arg(long)]
    pub(crate) wide: bool,
}

pub(crate) fn run(args: &ShowArgs) -> ExitCode {
    let report = match args.pod.collect() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let text = if args.json {
        let mut s = report.to_json_pretty();
        s.push('\n');
        s
    } else {
        let width = if args.wide {
            None
        } else {
            crate::term::columns(&std::io::stdout())
        };
        render(&report, width)
    };
    if let Err(code) = write_stdout(&text) {
        return code;
    }
    args.pod.finish(&report)
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_owned()
}

/// What identifies the interface's device: PCI address, auxiliary name or
/// socket path.
fn device_cell(iface: &Interface) -> String {
    match iface.device_type {
        DeviceType::VhostUser | DeviceType::Memif => {
            let info = iface.device_info.as_ref();
            let role = match iface.device_type {
                DeviceType::VhostUser => info
                    .and_then(|i| i.vhost_user.as_ref())
                    .and_then(|v| v.mode.clone()),
                _ => info
                    .and_then(|i| i.memif.as_ref())
                    .and_then(|m| match (&m.role, &m.mode) {
                        (Some(r), Some(mode)) => Some(format!("{r}, {mode}")),
                        (r, m) => r.clone().or_else(|| m.clone()),
                    }),
            };
            let path = or_dash(iface.socket_path());
            match role {
                Some(r) => format!("{path} ({r})"),
                None => path,
            }
        }
        DeviceType::Vdpa => {
            let pci = iface.pci_address();
            match (iface.socket_path(), pci) {
                (Some(p), Some(a)) => format!("{a} {p}"),
                (p, a) => or_dash(p.or(a)),
            }
        }
        DeviceType::Auxiliary => or_dash(iface.device_id.as_deref()),
        DeviceType::Unknown => iface
            .device_info
            .as_ref()
            .map_or_else(|| "-".to_owned(), |i| format!("type {}", i.kind)),
        _ => {
            let mut s = or_dash(iface.pci_address());
            if let Some(pci) = &iface.pci_device {
                let details = pci_details(pci);
                if !details.is_empty() {
                    let _ = write!(s, " ({})", details.join(", "));
                }
            }
            s
        }
    }
}

/// What sysfs says about a PCI device, briefly: driver, NUMA node, the
/// VFIO group device or the kernel interfaces, and the PF of a VF.
fn pci_details(pci: &PciDevice) -> Vec<String> {
    let mut details = Vec::new();
    details.push(pci.driver.clone().unwrap_or_else(|| "no driver".to_owned()));
    details.push(match pci.numa_node {
        Some(n) => format!("NUMA {n}"),
        None => "NUMA ?".to_owned(),
    });
    match (&pci.vfio_device, pci.iommu_group) {
        (Some(dev), _) => details.push(dev.clone()),
        (None, Some(g)) if pci.driver.as_deref() == Some("vfio-pci") => {
            details.push(format!("IOMMU group {g}, no /dev/vfio/{g}"));
        }
        _ => {}
    }
    if !pci.netdevs.is_empty() {
        details.push(pci.netdevs.join(" "));
    }
    if let Some(pf) = &pci.physfn {
        details.push(format!("PF {pf}"));
    }
    details
}

/// How the device was tied to the interface.
fn match_cell(iface: &Interface) -> String {
    let Some(env) = &iface.resource_env else {
        return "-".to_owned();
    };
    let how = if iface.has_source(Source::Positional) {
        "guessed by position"
    } else if iface.has_source(Source::Sysfs) {
        "by sysfs"
    } else if iface.interface.is_none() {
        "no interface"
    } else {
        "by device-info"
    };
    format!("{env} ({how})")
}

/// The CPU section.
fn render_cpus(cpus: Option<&Cpus>, out: &mut String) {
    let Some(cpus) = cpus else {
        out.push_str("CPUs: unknown\n");
        return;
    };
    let source = match cpus.source {
        app_netutil::CpuSource::Affinity => "the process affinity",
        app_netutil::CpuSource::ProcStatus => "Cpus_allowed_list in /proc/self/status",
        app_netutil::CpuSource::CgroupV2 => "the cgroup v2 cpuset",
        app_netutil::CpuSource::CgroupV1 => "the cgroup v1 cpuset",
        _ => "an unknown source",
    };
    let _ = writeln!(
        out,
        "CPUs: {} ({} {}, from {source})",
        if cpus.cpuset.is_empty() {
            Cow::Borrowed("none")
        } else {
            printable(&cpus.cpuset)
        },
        cpus.list.len(),
        if cpus.list.len() == 1 { "CPU" } else { "CPUs" },
    );
    match cpus.exclusive {
        Some(true) => out.push_str("  dedicated to this pod\n"),
        Some(false) => out.push_str("  shared: every online CPU (no dedicated CPUs)\n"),
        None => {}
    }
    let isolated = cpus.isolated.as_deref().unwrap_or_default();
    let siblings_of = |cpu: u32| {
        cpus.smt_siblings
            .as_ref()
            .and_then(|groups| groups.iter().find(|g| g.contains(&cpu)))
    };
    let describe = |list: &[u32]| {
        let mut s = app_netutil::report::format_cpulist(list);
        let iso: Vec<u32> = list
            .iter()
            .copied()
            .filter(|c| isolated.contains(c))
            .collect();
        if !iso.is_empty() {
            let _ = write!(
                s,
                "; isolated {}",
                app_netutil::report::format_cpulist(&iso)
            );
        }
        let mut cores: Vec<&Vec<u32>> = list.iter().filter_map(|&c| siblings_of(c)).collect();
        cores.sort_unstable();
        cores.dedup();
        if cores.iter().any(|g| g.len() > 1) {
            let groups: Vec<String> = cores
                .iter()
                .map(|g| app_netutil::report::format_cpulist(g))
                .collect();
            let noun = if cores.len() == 1 { "core" } else { "cores" };
            let _ = write!(s, "; {} {noun}: {}", cores.len(), groups.join(" "));
        }
        s
    };
    match cpus.numa_nodes.as_ref().filter(|n| !n.is_empty()) {
        Some(nodes) => {
            for (node, list) in nodes {
                let _ = writeln!(out, "  NUMA node {node}: {}", describe(list));
            }
        }
        None => {
            let text = describe(&cpus.list);
            if text != cpus.cpuset {
                let _ = writeln!(out, "  {text}");
            }
        }
    }
}

/// The hugepage section: one row per page size with each source, then the
/// downward-API amounts of every container.
fn render_hugepages(hp: &Hugepages, width: Option<usize>, out: &mut String) {
    let _ = writeln!(
        out,
        "\nHugepages: this container is {}",
        hp.container
            .as_deref()
            .map_or(Cow::Borrowed("unknown (CONTAINER_NAME not set)"), printable)
    );
    let mut sizes: Vec<PageSize> = hp
        .cgroup_limit_mib
        .keys()
        .chain(hp.host_pools.keys())
        .copied()
        .chain(hp.mounts.iter().map(|m| m.page_size))
        .chain(hp.containers.iter().flat_map(|c| {
            c.request_mib
                .keys()
                .chain(c.limit_mib.keys())
                .filter_map(|k| match k {
                    SizeKey::Size(s) => Some(*s),
                    SizeKey::Unspecified => None,
                })
        }))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.is_empty() && hp.containers.is_empty() {
        out.push_str("  none found\n");
        return;
    }
    if !sizes.is_empty() {
        // On a narrow terminal the host's pools per NUMA node are cut
        // first, then the mounts.
        let mut t = Table::new(&[
            "PAGE SIZE",
            "GRANTED MiB",
            "CGROUP LIMIT MiB",
            "HUGETLBFS",
            "HOST FREE/TOTAL PAGES",
        ])
        .shrink_order(&[0, 1, 1, 2, 3]);
        // Found once: a hostile mountinfo can give thousands of sizes.
        let by_size = hp.mounts_by_size();
        let grants = hp.grants();
        let own = hp.own();
        for size in sizes {
            let from_own = own.is_some_and(|o| {
                let k = SizeKey::Size(size);
                o.limit_mib.contains_key(&k) || o.request_mib.contains_key(&k)
            });
            let granted = match grants.get(&size) {
                Some(mib) if from_own => format!("{mib} (downward API)"),
                Some(mib) => format!("{mib} (cgroup)"),
                None => "-".to_owned(),
            };
            let mounts: &[&str] = by_size.get(&size).map_or(&[], Vec::as_slice);
            let pool = hp.host_pools.get(&size).map_or("-".to_owned(), |p| {
                let mut s = format!("{}/{}", p.free, p.total);
                if !p.numa_nodes.is_empty() {
                    let nodes: Vec<String> = p
                        .numa_nodes
                        .iter()
                        .map(|(n, np)| format!("node {n}: {}/{}", np.free, np.total))
                        .collect();
                    let _ = write!(s, " ({})", nodes.join(", "));
                }
                s
            });
            t.row(vec![
                size.to_string(),
                granted,
                hp.cgroup_limit_mib
                    .get(&size)
                    .map_or("-".into(), u64::to_string),
                if mounts.is_empty() {
                    "-".to_owned()
                } else {
                    mounts.join(" ")
                },
                pool,
            ]);
        }
        t.render("  ", width, out);
    }
    if !hp.containers.is_empty() {
        out.push_str("  downward API:\n");
        let mut t = Table::new(&["CONTAINER", "PAGE SIZE", "REQUEST MiB", "LIMIT MiB"])
            .shrink_order(&[1, 0, 0, 0]);
        for c in &hp.containers {
            let mut sizes: Vec<_> = c.request_mib.keys().chain(c.limit_mib.keys()).collect();
            sizes.sort();
            sizes.dedup();
            for size in sizes {
                let name = if c.name.is_empty() {
                    "(any)"
                } else {
                    c.name.as_str()
                };
                let mark = if Some(c.name.as_str()) == hp.container.as_deref() {
                    " *"
                } else {
                    ""
                };
                t.row(vec![
                    format!("{name}{mark}"),
                    size.to_string(),
                    c.request_mib.get(size).map_or("-".into(), u64::to_string),
                    c.limit_mib.get(size).map_or("-".into(), u64::to_string),
                ]);
            }
        }
        t.render("    ", width, out);
    }
}

/// Renders the report as text; tables fitted to `width` columns when
/// given (a terminal's).
pub(crate) fn render(report: &Report, width: Option<usize>) -> String {
    let mut out = String::new();
    render_cpus(report.cpus.as_ref(), &mut out);
    render_hugepages(&report.hugepages, width, &mut out);

    let _ = writeln!(out, "\nInterfaces: {}", report.interfaces.len());
    if !report.interfaces.is_empty() {
        // On a narrow terminal, cells are cut from the least telling
        // column on: the device plugin's variable, the IPs, the network,
        // the device; the interface, type and MAC last.
        let mut t = Table::new(&[
            "INTERFACE",
            "TYPE",
            "NETWORK",
            "MAC",
            "IPS",
            "DEVICE",
            "DEVICE PLUGIN",
        ])
        .shrink_order(&[0, 0, 3, 0, 4, 2, 5]);
        for iface in &report.interfaces {
            let mut name = or_dash(iface.interface.as_deref());
            if iface.default {
                name.push_str(" *");
            }
            t.row(vec![
                name,
                iface.device_type.as_str().to_owned(),
                or_dash(iface.network.as_deref()),
                or_dash(iface.mac.as_deref()),
                if iface.ips.is_empty() {
                    "-".to_owned()
                } else {
                    iface.ips.join(",")
                },
                device_cell(iface),
                match_cell(iface),
            ]);
        }
        t.render("  ", width, &mut out);
        // The footnote explains a mark: only when a row has it.
        if report.interfaces.iter().any(|i| i.default) {
            out.push_str("  (* default network)\n");
        }
    }
    let _ = writeln!(
        out,
        "\nWarnings: {}{}",
        report.warnings.len(),
        if report.warnings.is_empty() {
            ""
        } else {
            " (on standard error)"
        }
    );
    out
}
