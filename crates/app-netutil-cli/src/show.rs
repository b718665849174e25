//! The human-readable form of a report.

use std::fmt::Write;

use std::process::ExitCode;

use app_netutil::{DeviceType, Interface, Report, Source};
use clap::Args;

use crate::common::{PodArgs, write_stdout};

/// `app-netutil show`.
#[derive(Args, Debug)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    /// Print the report as JSON (contract v1, docs/report.md).
    #[arg(long)]
    pub(crate) json: bool,
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
        render(&report)
    };
    if let Err(code) = write_stdout(&text) {
        return code;
    }
    args.pod.finish(&report)
}

/// A plain-text table: columns padded to their widest cell.
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Self {
        Self {
            rows: vec![header.iter().map(|s| (*s).to_owned()).collect()],
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self, indent: &str, out: &mut String) {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &self.rows {
            let mut line = String::from(indent);
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    let _ = write!(line, "{cell:<w$}  ", w = widths[c]);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
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
                let mut details = Vec::new();
                if let Some(d) = &pci.driver {
                    details.push(d.clone());
                }
                if let Some(n) = pci.numa_node {
                    details.push(format!("NUMA {n}"));
                }
                if !details.is_empty() {
                    let _ = write!(s, " ({})", details.join(", "));
                }
            }
            s
        }
    }
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

/// Renders the report as text.
pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    match &report.cpus {
        Some(cpus) => {
            let _ = writeln!(
                out,
                "CPUs: {} ({} CPUs, from {})",
                if cpus.cpuset.is_empty() {
                    "none"
                } else {
                    &cpus.cpuset
                },
                cpus.list.len(),
                serde_json::to_value(cpus.source)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            );
            if let Some(nodes) = &cpus.numa_nodes {
                for (node, list) in nodes {
                    let _ = writeln!(
                        out,
                        "  NUMA node {node}: {}",
                        app_netutil::cpulist::format(list)
                    );
                }
            }
            match cpus.exclusive {
                Some(true) => out.push_str("  dedicated to this pod\n"),
                Some(false) => out.push_str("  shared with other pods (every online CPU)\n"),
                None => {}
            }
            if let Some(iso) = cpus.isolated.as_ref().filter(|i| !i.is_empty()) {
                let _ = writeln!(out, "  isolated: {}", app_netutil::cpulist::format(iso));
            }
            if let Some(smt) = cpus
                .smt_siblings
                .as_ref()
                .filter(|s| s.iter().any(|g| g.len() > 1))
            {
                let groups: Vec<String> = smt
                    .iter()
                    .map(|g| app_netutil::cpulist::format(g))
                    .collect();
                let _ = writeln!(out, "  SMT siblings: {}", groups.join(" "));
            }
        }
        None => out.push_str("CPUs: unknown\n"),
    }

    let hp = &report.hugepages;
    let _ = writeln!(
        out,
        "\nHugepages: this container is {}",
        hp.container
            .as_deref()
            .unwrap_or("unknown (CONTAINER_NAME not set)")
    );
    if hp.containers.is_empty()
        && hp.cgroup_limit_mib.is_empty()
        && hp.mounts.is_empty()
        && hp.host_pools.is_empty()
    {
        out.push_str("  none found\n");
    }
    if !hp.containers.is_empty() {
        let mut t = Table::new(&["CONTAINER", "PAGE SIZE", "REQUEST MiB", "LIMIT MiB"]);
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
        t.render("  ", &mut out);
    }
    if !hp.cgroup_limit_mib.is_empty() {
        let limits: Vec<String> = hp
            .cgroup_limit_mib
            .iter()
            .map(|(size, mib)| format!("{size}: {mib} MiB"))
            .collect();
        let _ = writeln!(out, "  pod cgroup limit: {}", limits.join(", "));
    }
    for m in &hp.mounts {
        let _ = writeln!(out, "  hugetlbfs {} ({} pages)", m.path, m.page_size);
    }
    for (size, pool) in &hp.host_pools {
        let nodes: Vec<String> = pool
            .numa_nodes
            .iter()
            .map(|(n, p)| format!("node {n}: {}/{}", p.free, p.total))
            .collect();
        let _ = write!(
            out,
            "  host pool {size}: {} free of {}",
            pool.free, pool.total
        );
        if !nodes.is_empty() {
            let _ = write!(out, " ({})", nodes.join(", "));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "\nInterfaces: {}", report.interfaces.len());
    if !report.interfaces.is_empty() {
        let mut t = Table::new(&[
            "INTERFACE",
            "TYPE",
            "NETWORK",
            "MAC",
            "IPS",
            "DEVICE",
            "DEVICE PLUGIN",
        ]);
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
        t.render("  ", &mut out);
        out.push_str("  (* default network)\n");
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
