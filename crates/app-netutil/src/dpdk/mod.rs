//! DPDK EAL arguments from a pod report.
//!
//! [`eal_args`] is a pure function of a [`Report`] and [`DpdkOptions`]: it
//! returns the EAL part of a DPDK application's command line as an argv
//! vector, with a warning for every choice it could not make well. A flag
//! and its value are either two elements (`-a`, `0000:3b:02.4`) or one
//! `--flag=value` element, never one element with a space.
//!
//! ```
//! use app_netutil::Report;
//! use app_netutil::dpdk::{self, DpdkOptions};
//!
//! let report = Report::from_json(r#"{
//!   "cpus": {"list": [2,3,4], "cpuset": "2-4", "source": "affinity", "exclusive": true},
//!   "hugepages": {"container": "app", "containers": [
//!       {"name": "app", "request-mib": {"1Gi": 2048}, "limit-mib": {"1Gi": 2048}}],
//!     "cgroup-limit-mib": {}, "mounts": [], "host-pools": {}},
//!   "interfaces": [{"interface": "net1", "network": "default/sriov-a", "default": false,
//!     "device-type": "pci", "mac": null, "ips": [], "mtu": null, "gateway": [],
//!     "dns": {"nameservers": [], "search": [], "options": [], "domain": null},
//!     "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": "0000:3b:02.4"}},
//!     "device-id": null, "resource-env": null, "device-plugin-info": null,
//!     "pci-device": null, "sources": ["network-status"]}],
//!   "warnings": []
//! }"#)?;
//! let eal = dpdk::eal_args(&report, &DpdkOptions::new().file_prefix("app"))?;
//! assert_eq!(
//!     eal.args,
//!     ["-l", "2-4", "--main-lcore=2", "-m", "2048", "--file-prefix=app", "-a", "0000:3b:02.4"]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! How each argument is chosen is described in `docs/dpdk.md`.

mod conflicts;
mod cores;
mod devices;
mod memory;
mod options;
mod version;

#[cfg(test)]
mod tests;

use serde::Serialize;
use thiserror::Error;

use crate::report::Report;

pub use options::{DEFAULT_MAX_LCORE, DpdkOptions, MAX_MEMORY_MIB};
pub use version::DpdkVersion;

use version::Spelling;

/// EAL arguments and what the caller should know about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EalArgs {
    /// The EAL arguments, without the program name and without `--`.
    pub args: Vec<String>,
    /// Every choice that could not be made well, and every device left
    /// out, in words.
    pub warnings: Vec<String>,
}

/// Why no EAL arguments could be built.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DpdkError {
    /// A network selection matches no interface of the pod.
    #[error("network {0:?} matches no interface of the pod")]
    UnknownNetwork(String),
    /// An interface selection matches no interface or device of the pod.
    #[error("interface {0:?} matches no interface, PCI address or device id of the pod")]
    UnknownInterface(String),
    /// A selection matches only interfaces without a device (kernel
    /// interfaces such as the default `eth0`).
    #[error("{0:?} selects only kernel interfaces, which have no device for DPDK")]
    NoDevice(String),
    /// Devargs name a device that is not among the selected ones.
    #[error("devargs for {0:?}: no selected device has that name, network, PCI address or id")]
    UnknownDevargsTarget(String),
    /// The main CPU is not one of the pod's CPUs.
    #[error("main CPU {cpu} is not one of the pod's CPUs ({cpuset})")]
    MainCpuNotInSet {
        /// The CPU asked for.
        cpu: u32,
        /// The pod's CPUs.
        cpuset: String,
    },
    /// A DPDK version that is not `YY.MM`.
    #[error("DPDK version {0:?}: expected a release such as 22.11")]
    InvalidVersion(String),
    /// A file prefix EAL cannot use.
    #[error("file prefix {prefix:?}: {reason}")]
    InvalidFilePrefix {
        /// The prefix given.
        prefix: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An option value that can never work.
    #[error("{0}")]
    InvalidOption(String),
    /// The report could not be collected ([`crate::collect_eal_args`] only).
    #[error(transparent)]
    Collect(#[from] crate::error::Error),
}

/// Builds the EAL arguments for `report`.
///
/// The arguments come in this order: lcores, memory and process options,
/// devices, then [`DpdkOptions::extra_args`].
///
/// # Errors
///
/// [`DpdkError`] for options that are invalid on their own (a zero lcore
/// count, a file prefix with `%`) or that do not fit the report (a
/// selection that matches nothing, a main CPU outside the pod's set).
pub fn eal_args(report: &Report, opts: &DpdkOptions) -> Result<EalArgs, DpdkError> {
    opts.validate()?;
    let sp = Spelling::for_version(opts.version);
    let given = Given(&opts.extra_args);
    let mut warnings = Vec::new();
    warn_overridden(opts, &given, &mut warnings);

    let devices = devices::plan(report, opts, sp, &given, &mut warnings)?;
    let mut args = Vec::new();
    cores::push(
        report,
        opts,
        sp,
        &devices.numa_nodes,
        &given,
        &mut args,
        &mut warnings,
    )?;
    memory::push(report, opts, sp, &devices, &given, &mut args, &mut warnings);
    push_file_prefix(report, opts, &given, &mut args, &mut warnings);
    memory::push_process_flags(opts, sp, &devices, &given, &mut args, &mut warnings);
    args.extend(devices.args);
    args.extend(opts.extra_args.iter().cloned());
    conflicts::warn(&args, &mut warnings);
    Ok(EalArgs { args, warnings })
}

/// The longest derived file prefix; longer ones are shortened with a hash.
/// EAL puts the prefix into UNIX socket paths (`/var/run/dpdk/<prefix>/
/// mp_socket_<pid>_<n>`), which must fit in 108 bytes.
const MAX_PREFIX: usize = 40;

fn push_file_prefix(
    report: &Report,
    opts: &DpdkOptions,
    given: &Given<'_>,
    args: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    if given.has(&["--file-prefix"], &[]) {
        return;
    }
    if let Some(prefix) = &opts.file_prefix {
        args.push(format!("--file-prefix={prefix}"));
        return;
    }
    if opts.in_memory {
        // No shared files: nothing to keep apart.
        return;
    }
    // The host name given in the options, else the pod's (as the report
    // holds it, so a saved report gives the same prefix), else the pod's
    // name; one that leaves nothing usable is passed over.
    let candidates = [
        opts.hostname.as_deref(),
        report.pod.hostname.as_deref(),
        report.pod.name.as_deref(),
    ];
    let host = candidates.into_iter().flatten().find(|h| {
        let usable = prefix_part(h).is_some();
        if !usable {
            warnings.push(format!(
                "host name {h:?} has nothing that can be part of a file name; not used for --file-prefix"
            ));
        }
        usable
    });
    match derive_file_prefix(host, report.hugepages.container.as_deref()) {
        Some(prefix) => args.push(format!("--file-prefix={prefix}")),
        None => warnings.push(
            "neither the host name nor the container name is known: no --file-prefix, EAL uses \"rte\"; processes that share a hugetlbfs mount need distinct prefixes".to_owned(),
        ),
    }
}

/// One part of a derived file prefix as a safe file name: every character
/// outside `[A-Za-z0-9._-]` replaced by `-` (so no `/`, white space or
/// control character), leading dots removed (so never `.`, `..` or a hidden
/// name); `None` when nothing is left.
fn prefix_part(s: &str) -> Option<String> {
    let clean: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    (!clean.is_empty()).then(|| clean.to_owned())
}

/// `<hostname>_<container>` (either part alone when the other is unknown or
/// has nothing usable), each part made a safe file name ([`prefix_part`]),
/// and shortened to [`MAX_PREFIX`] characters with a hash of the whole.
pub(crate) fn derive_file_prefix(
    hostname: Option<&str>,
    container: Option<&str>,
) -> Option<String> {
    let raw: Vec<&str> = [hostname, container]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let parts: Vec<String> = raw.iter().filter_map(|s| prefix_part(s)).collect();
    if parts.is_empty() {
        return None;
    }
    let joined = raw.join("_");
    let clean = parts.join("_");
    if clean.len() <= MAX_PREFIX {
        return Some(clean);
    }
    // FNV-1a of the unshortened name keeps shortened prefixes distinct.
    let hash = joined.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let head: String = clean.chars().take(MAX_PREFIX - 9).collect();
    Some(format!("{head}-{:08x}", hash & 0xffff_ffff))
}

/// The extra arguments: which options they already set.
pub(crate) struct Given<'a>(&'a [String]);

impl Given<'_> {
    /// Whether an extra argument is one of the long options (`--x` or
    /// `--x=value`) or short options (`-x` or `-xvalue`).
    pub(crate) fn has(&self, long: &[&str], short: &[char]) -> bool {
        self.find(long, short).is_some()
    }

    /// The first extra argument that is one of these options.
    pub(crate) fn find(&self, long: &[&str], short: &[char]) -> Option<&str> {
        self.0
            .iter()
            .find(|a| {
                if let Some(rest) = a.strip_prefix("--") {
                    let name = rest.split_once('=').map_or(rest, |(n, _)| n);
                    long.iter().any(|l| l.strip_prefix("--") == Some(name))
                } else if let Some(rest) = a.strip_prefix('-') {
                    rest.chars().next().is_some_and(|c| short.contains(&c))
                } else {
                    false
                }
            })
            .map(String::as_str)
    }
}

/// The options an extra argument makes moot (the extra argument replaces
/// what they would have derived): a warning for each that was set, so that
/// none is ignored silently.
fn warn_overridden(opts: &DpdkOptions, given: &Given<'_>, warnings: &mut Vec<String>) {
    let mut moot = |set: Option<String>, by: Option<&str>, decides: &str| {
        if let (Some(option), Some(arg)) = (set, by) {
            warnings.push(format!(
                "{option} is not used: the extra EAL argument {arg} {decides}"
            ));
        }
    };
    let lcores = given.find(
        &["--lcores", "--coremask", "--main-lcore", "--master-lcore"],
        &['l', 'c'],
    );
    moot(
        opts.main_cpu.map(|cpu| format!("the main CPU {cpu}")),
        lcores,
        "chooses the lcores",
    );
    moot(
        opts.lcore_count.map(|n| format!("the lcore count {n}")),
        lcores,
        "chooses the lcores",
    );
    moot(
        opts.memory_mib
            .map(|mib| format!("the memory amount {mib} MiB")),
        given.find(&["--socket-mem", "--numa-mem"], &['m']),
        "sets the memory",
    );
    moot(
        opts.huge_dir
            .as_ref()
            .map(|d| format!("the hugetlbfs directory {d}")),
        given.find(&["--huge-dir"], &[]),
        "sets it",
    );
    moot(
        opts.file_prefix
            .as_ref()
            .map(|p| format!("the file prefix {p}")),
        given.find(&["--file-prefix"], &[]),
        "sets it",
    );
}
