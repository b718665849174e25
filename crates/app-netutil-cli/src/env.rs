//! `app-netutil env`: the report as shell `export` lines (or the contract
//! JSON), for entrypoint scripts and for init containers that hand the
//! report to an unmodified application through a shared volume.
//!
//! Variable names: `NETUTIL_` and a key made of the upper-cased name with
//! every character outside `[A-Z0-9]` replaced by `_`. Interfaces use their
//! name as key (`net1` → `NETUTIL_NET1_PCI`), devices without an interface
//! `DEVICE<n>` (counted from 0 in report order), networks `NETWORK_` and
//! their name (`default/sriov-net-a` → `NETUTIL_NETWORK_DEFAULT_SRIOV_NET_A_PCI`).
//! Names are given out first come, first served — pod-wide variables,
//! then interfaces and devices in report order, then networks in report
//! order — and a group whose variables would reuse a name that is already
//! given out gets `_2`, `_3`, ... appended to its key (`net-1` and `net_1`:
//! `NETUTIL_NET_1_*` and `NETUTIL_NET_1_2_*`). Every field a group could
//! have counts, so the outcome does not depend on which values are known.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use app_netutil::dpdk::EalArgs;
use app_netutil::report::WarningCode;
use app_netutil::{DeviceType, Interface, Report};
use clap::{Args, ValueEnum};

use crate::common::PodArgs;
use crate::dpdk_opts::{self, DpdkArgs};
use crate::output;
use crate::shquote;
use crate::waiting::WaitFirst;

/// What to write.
#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum EnvFormat {
    /// `export NAME='value'` lines for a POSIX shell (`. FILE`).
    #[default]
    Env,
    /// The report as contract JSON (what `dpdk-args --report FILE` reads).
    Json,
}

/// `app-netutil env`.
#[derive(Args, Debug)]
pub(crate) struct EnvArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    #[command(flatten)]
    pub(crate) dpdk: DpdkArgs,
    #[command(flatten)]
    pub(crate) wait: WaitFirst,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EnvFormat::Env)]
    pub(crate) format: EnvFormat,
    /// Write to FILE instead of standard output, atomically (a new temporary file in the same directory, then renamed over FILE), so a reader never sees half a file. FILE must be a regular file (its mode and owner are kept) or not exist: a symbolic link, FIFO, device node or directory there is refused.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// The fields of an interface, device or network group, in output order.
const FIELDS: &[&str] = &[
    "INTERFACE",
    "NETWORK",
    "DEFAULT",
    "TYPE",
    "PCI",
    "DEVICE_ID",
    "RESOURCE",
    "DRIVER",
    "NUMA_NODE",
    "VFIO",
    "SOCKET",
    "SOCKET_MODE",
    "MAC",
    "IPS",
    "MTU",
];

/// An upper-case shell-safe key: `[A-Z0-9]` kept, everything else `_`.
pub(crate) fn shell_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The variables, in order.
struct Vars {
    list: Vec<(String, String)>,
    taken: HashSet<String>,
    /// Per group key, the first suffix number not yet found taken: names
    /// are only ever taken, so a number that was taken stays taken and
    /// the search for a repeated key resumes where it stopped (linear in
    /// the groups, not quadratic in a repeated name).
    next_suffix: HashMap<String, u32>,
    /// Variables left out because their value holds a NUL byte.
    left_out: Vec<String>,
}

impl Vars {
    fn new() -> Self {
        Self {
            list: Vec::new(),
            taken: HashSet::new(),
            next_suffix: HashMap::new(),
            left_out: Vec::new(),
        }
    }

    /// Adds a variable, unless its value holds a NUL byte, which no
    /// environment variable can carry.
    fn add(&mut self, name: String, value: String) {
        if value.contains('\0') {
            self.left_out.push(name);
        } else {
            self.list.push((name, value));
        }
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        let name = format!("NETUTIL_{name}");
        self.taken.insert(name.clone());
        self.add(name, value.into());
    }

    /// The key for a group: `key`, else `key_2`, `key_3`, ... whichever
    /// leaves every possible variable of the group unused; reserves them.
    fn group_key(&mut self, key: &str) -> String {
        let mut n = self.next_suffix.get(key).copied().unwrap_or(1);
        loop {
            let candidate = if n == 1 {
                key.to_owned()
            } else {
                format!("{key}_{n}")
            };
            let names: Vec<String> = FIELDS
                .iter()
                .map(|f| format!("NETUTIL_{candidate}_{f}"))
                .collect();
            if names.iter().all(|v| !self.taken.contains(v)) {
                self.taken.extend(names);
                self.next_suffix.insert(key.to_owned(), n + 1);
                return candidate;
            }
            n += 1;
        }
    }

    fn group(&mut self, key: &str, iface: &Interface) {
        let mut field = |f: &str, v: Option<String>| {
            if let Some(v) = v {
                self.add(format!("NETUTIL_{key}_{f}"), v);
            }
        };
        let pci = iface.pci_device.as_ref();
        let info = iface.device_info.as_ref();
        let mode = match iface.device_type {
            DeviceType::VhostUser => info
                .and_then(|i| i.vhost_user.as_ref())
                .and_then(|v| v.mode.clone()),
            DeviceType::Memif => info
                .and_then(|i| i.memif.as_ref())
                .and_then(|m| m.role.clone()),
            _ => None,
        };
        field("INTERFACE", iface.interface.clone());
        field("NETWORK", iface.network.clone());
        field("DEFAULT", Some(iface.default.to_string()));
        field("TYPE", Some(iface.device_type.as_str().to_owned()));
        field("PCI", iface.pci_address().map(str::to_owned));
        field("DEVICE_ID", iface.device_id.clone());
        field("RESOURCE", iface.resource_env.clone());
        field("DRIVER", pci.and_then(|p| p.driver.clone()));
        field(
            "NUMA_NODE",
            pci.and_then(|p| p.numa_node).map(|n| n.to_string()),
        );
        field("VFIO", pci.and_then(|p| p.vfio_device.clone()));
        field("SOCKET", iface.socket_path().map(str::to_owned));
        field("SOCKET_MODE", mode);
        field("MAC", iface.mac.clone());
        field("IPS", (!iface.ips.is_empty()).then(|| iface.ips.join(" ")));
        field("MTU", iface.mtu.map(|m| m.to_string()));
    }
}

/// The `export` lines for `report` and its EAL arguments; `main_cpu` is
/// the main lcore's CPU when one was chosen (else the lowest CPU, DPDK's
/// default).
/// Also returns the variables left out because their value holds a NUL
/// byte.
pub(crate) fn render(
    report: &Report,
    eal: &EalArgs,
    main_cpu: Option<u32>,
) -> (String, Vec<String>) {
    let mut v = Vars::new();
    if let Some(cpus) = &report.cpus {
        v.set("CPUS", cpus.cpuset.clone());
        v.set("CPU_COUNT", cpus.list.len().to_string());
        if let Some(main) = main_cpu.or_else(|| cpus.list.first().copied()) {
            v.set("MAIN_CPU", main.to_string());
        }
        if let Some(ex) = cpus.exclusive {
            v.set("CPUS_EXCLUSIVE", ex.to_string());
        }
        if let Some(nodes) = &cpus.numa_nodes {
            v.set(
                "NUMA_NODES",
                nodes
                    .keys()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
    }
    let hp = &report.hugepages;
    if let Some(c) = &hp.container {
        v.set("CONTAINER", c.clone());
    }
    let sizes = hp.granted_sizes();
    v.set(
        "HUGEPAGE_SIZES",
        sizes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let mounts = hp.mounts_by_size();
    let grants = hp.grants();
    for size in &sizes {
        let key = shell_key(&size.to_string());
        if let Some(mib) = grants.get(size) {
            v.set(&format!("HUGEPAGES_{key}_MIB"), mib.to_string());
        }
        if let Some(path) = mounts.get(size).and_then(|m| m.first()) {
            v.set(&format!("HUGE_DIR_{key}"), (*path).to_owned());
        }
    }
    let names: Vec<&str> = report
        .interfaces
        .iter()
        .filter_map(|i| i.interface.as_deref())
        .collect();
    v.set("INTERFACES", names.join(" "));
    let mut networks: Vec<&str> = Vec::new();
    let mut listed: HashSet<&str> = HashSet::new();
    for n in report
        .interfaces
        .iter()
        .filter_map(|i| i.network.as_deref())
    {
        if !n.is_empty() && listed.insert(n) {
            networks.push(n);
        }
    }
    v.set("NETWORKS", networks.join(" "));
    let pci: Vec<&str> = report
        .interfaces
        .iter()
        .filter_map(Interface::pci_address)
        .collect();
    v.set("PCI_DEVICES", pci.join(" "));
    v.set("WARNINGS", report.warnings.len().to_string());
    // The library refuses a NUL byte in every EAL argument; were one
    // there, EAL_ARGS would be left out as any value holding one is.
    match shquote::join(eal.args.iter().map(String::as_str)) {
        Ok(line) => v.set("EAL_ARGS", line),
        Err(_) => v.left_out.push("NETUTIL_EAL_ARGS".to_owned()),
    }

    let mut unnamed = 0usize;
    for iface in &report.interfaces {
        let base = match &iface.interface {
            Some(name) => shell_key(name),
            None => {
                unnamed += 1;
                format!("DEVICE{}", unnamed - 1)
            }
        };
        let key = v.group_key(&base);
        v.group(&key, iface);
    }
    for iface in &report.interfaces {
        let Some(net) = iface.network.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let key = v.group_key(&format!("NETWORK_{}", shell_key(net)));
        v.group(&key, iface);
    }

    let mut out = String::from(
        "# Written by app-netutil env: what this pod was given. Load with `. FILE`.\n",
    );
    for (name, value) in &v.list {
        // `Vars::add` kept out every value holding a NUL byte.
        let Ok(value) = shquote::quote_always(value) else {
            v.left_out.push(name.clone());
            continue;
        };
        out.push_str("export ");
        out.push_str(name);
        out.push('=');
        out.push_str(&value);
        out.push('\n');
    }
    (out, v.left_out)
}

pub(crate) fn run(args: &EnvArgs) -> ExitCode {
    let (report, eal, strict) = match dpdk_opts::prepare(&args.pod, &args.wait, &args.dpdk) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut strict = strict;
    let text = match args.format {
        EnvFormat::Env => {
            let (text, left_out) = render(&report, &eal, args.dpdk.main_cpu);
            for name in &left_out {
                if !args.pod.quiet {
                    eprintln!(
                        "app-netutil: warning: {name}: the value holds a NUL byte, which no environment variable can carry; left out"
                    );
                }
                // A value left out of the output: dropped.
                if args.pod.strict && args.pod.counts(std::iter::once(WarningCode::Dropped)) > 0 {
                    strict = Some(ExitCode::from(crate::common::EXIT_STRICT));
                }
            }
            text
        }
        EnvFormat::Json => {
            let mut s = report.to_json_pretty();
            s.push('\n');
            s
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = output::replace_file(path, text.as_bytes(), output::Target::Exact) {
                crate::common::say(&format!("env: writing the output: {e}"));
                return ExitCode::FAILURE;
            }
        }
        None => {
            if let Err(code) = crate::common::write_stdout(&text) {
                return code;
            }
        }
    }
    strict.unwrap_or(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_quotes() {
        assert_eq!(shell_key("default/sriov-net-a"), "DEFAULT_SRIOV_NET_A");
        assert_eq!(shell_key("net1"), "NET1");
        assert_eq!(shell_key("é.x"), "__X");
    }

    #[test]
    fn colliding_groups_get_numbered_keys() {
        let mut v = Vars::new();
        v.set("CPUS", "1");
        assert_eq!(v.group_key("NET_1"), "NET_1");
        assert_eq!(v.group_key("NET_1"), "NET_1_2");
        // `net_1_2` comes later and finds its key taken.
        assert_eq!(v.group_key("NET_1_2"), "NET_1_2_2");
        assert_eq!(v.group_key("NET_1"), "NET_1_3");
    }
}
