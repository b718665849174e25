//! [`DpdkOptions`]: how to build EAL arguments.

use super::{DpdkError, DpdkVersion};
use crate::report::PageSize;

/// DPDK's default `RTE_MAX_LCORE`: lcore ids must be below it.
pub const DEFAULT_MAX_LCORE: u32 = 128;

/// The largest hugepage amount passed, in MiB: EAL reads `-m` with
/// `atoi()`, so a larger number wraps around (and no machine has 2 PiB of
/// hugepages). A larger grant in the report is a warning and no `-m`; a
/// larger [`DpdkOptions::memory_mib`] is an error.
pub const MAX_MEMORY_MIB: u64 = i32::MAX as u64;

/// How to build EAL arguments from a report.
///
/// One options type serves the library, the command-line tool and the C
/// ABI. Every field has a builder method; the defaults select every device
/// of the pod, every CPU and this container's whole hugepage grant, and use
/// spellings that every DPDK release from 21.11 on accepts.
///
/// ```
/// use app_netutil::dpdk::{DpdkOptions, DpdkVersion};
///
/// let opts = DpdkOptions::new()
///     .version(DpdkVersion::new(22, 11))
///     .network("default/sriov-net-a")
///     .lcore_count(3)
///     .devargs("net1", "rxq_cqe_comp_en=1");
/// assert_eq!(opts.networks, ["default/sriov-net-a"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DpdkOptions {
    /// The DPDK release the arguments are for. `None`: spellings accepted
    /// by every release from 21.11 on (`-a`, `--main-lcore`, memif
    /// `server`/`client`, `--socket-mem`).
    pub version: Option<DpdkVersion>,
    /// Use the interfaces on these networks (network-status `name`,
    /// `namespace/name`; a name without `/` also matches any namespace).
    /// Together with [`Self::interfaces`]: the union. Both empty: every
    /// interface that carries a device.
    pub networks: Vec<String>,
    /// Use these interfaces: an interface name (`net1`), a PCI address or a
    /// device-plugin device id (`mlx5_core.sf.4`). An interface selected
    /// here or through [`Self::networks`] is used even when its PCI device
    /// is bound to a kernel network driver.
    pub interfaces: Vec<String>,
    /// Extra devargs per device, in order: (target, devargs). The target is
    /// matched like [`Self::interfaces`] and [`Self::networks`]; the devargs
    /// (`rxq_cqe_comp_en=1,txq_inline_max=128`) are appended after a comma.
    pub devargs: Vec<(String, String)>,
    /// How many lcores (main plus workers); `None`: one per CPU of the pod.
    pub lcore_count: Option<u32>,
    /// Lcore ids must be below this (DPDK's build-time `RTE_MAX_LCORE`,
    /// default 128). CPUs at or above it are mapped with `--lcores`.
    pub max_lcore: u32,
    /// The CPU that runs the main lcore; it must be one of the pod's.
    /// `None`: the pod's lowest CPU.
    pub main_cpu: Option<u32>,
    /// Use hugepages of this size; `None`: the largest size granted.
    pub page_size: Option<PageSize>,
    /// Hugepage memory in MiB, replacing the container's grant.
    pub memory_mib: Option<u64>,
    /// `--huge-dir`, replacing the hugetlbfs mount found in the report.
    pub huge_dir: Option<String>,
    /// Add `--in-memory` (no shared files; one process only). With
    /// `--no-huge`, which EAL refuses together with `--in-memory`,
    /// `--no-shconf` instead, and a warning.
    pub in_memory: bool,
    /// Add `--no-huge` (anonymous memory, for tests): no hugepage memory
    /// arguments are derived, `-m` only from [`Self::memory_mib`].
    pub no_huge: bool,
    /// `--file-prefix`; `None`: derived from the host name and the
    /// container name.
    pub file_prefix: Option<String>,
    /// The pod's host name (its `HOSTNAME`), used for the default file
    /// prefix. [`crate::collect_eal_args`] fills it from the pod.
    pub hostname: Option<String>,
    /// Arguments appended after the derived ones. When they set an option
    /// this library would derive (lcores, memory, `--huge-dir`,
    /// `--file-prefix`, ...), the derived one is left out.
    pub extra_args: Vec<String>,
}

impl Default for DpdkOptions {
    fn default() -> Self {
        Self {
            version: None,
            networks: Vec::new(),
            interfaces: Vec::new(),
            devargs: Vec::new(),
            lcore_count: None,
            max_lcore: DEFAULT_MAX_LCORE,
            main_cpu: None,
            page_size: None,
            memory_mib: None,
            huge_dir: None,
            in_memory: false,
            no_huge: false,
            file_prefix: None,
            hostname: None,
            extra_args: Vec::new(),
        }
    }
}

impl DpdkOptions {
    /// The defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Targets DPDK release `version`.
    #[must_use]
    pub fn version(mut self, version: DpdkVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Adds a network to the selection.
    #[must_use]
    pub fn network(mut self, name: impl Into<String>) -> Self {
        self.networks.push(name.into());
        self
    }

    /// Adds an interface (name, PCI address or device id) to the selection.
    #[must_use]
    pub fn interface(mut self, name: impl Into<String>) -> Self {
        self.interfaces.push(name.into());
        self
    }

    /// Appends `devargs` to the device(s) that `target` names.
    #[must_use]
    pub fn devargs(mut self, target: impl Into<String>, devargs: impl Into<String>) -> Self {
        self.devargs.push((target.into(), devargs.into()));
        self
    }

    /// Uses `count` lcores (main plus workers).
    #[must_use]
    pub fn lcore_count(mut self, count: u32) -> Self {
        self.lcore_count = Some(count);
        self
    }

    /// Sets DPDK's `RTE_MAX_LCORE`.
    #[must_use]
    pub fn max_lcore(mut self, max: u32) -> Self {
        self.max_lcore = max;
        self
    }

    /// Runs the main lcore on `cpu`.
    #[must_use]
    pub fn main_cpu(mut self, cpu: u32) -> Self {
        self.main_cpu = Some(cpu);
        self
    }

    /// Uses hugepages of `size`.
    #[must_use]
    pub fn page_size(mut self, size: PageSize) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Uses `mib` MiB of hugepage memory.
    #[must_use]
    pub fn memory_mib(mut self, mib: u64) -> Self {
        self.memory_mib = Some(mib);
        self
    }

    /// Passes `--huge-dir=<dir>`.
    #[must_use]
    pub fn huge_dir(mut self, dir: impl Into<String>) -> Self {
        self.huge_dir = Some(dir.into());
        self
    }

    /// Adds `--in-memory` or not.
    #[must_use]
    pub fn in_memory(mut self, on: bool) -> Self {
        self.in_memory = on;
        self
    }

    /// Adds `--no-huge` or not.
    #[must_use]
    pub fn no_huge(mut self, on: bool) -> Self {
        self.no_huge = on;
        self
    }

    /// Passes `--file-prefix=<prefix>`.
    #[must_use]
    pub fn file_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.file_prefix = Some(prefix.into());
        self
    }

    /// Sets the pod's host name, for the default file prefix.
    #[must_use]
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// Appends one EAL argument.
    #[must_use]
    pub fn extra_arg(mut self, arg: impl Into<String>) -> Self {
        self.extra_args.push(arg.into());
        self
    }

    /// Appends EAL arguments.
    #[must_use]
    pub fn extra_args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extra_args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Checks the options that do not depend on the report.
    pub(super) fn validate(&self) -> Result<(), DpdkError> {
        let bad = |what: String| Err(DpdkError::InvalidOption(what));
        if self.lcore_count == Some(0) {
            return bad("the lcore count must be at least 1".to_owned());
        }
        if self.max_lcore == 0 {
            return bad("the maximum lcore id must be at least 1".to_owned());
        }
        if self.memory_mib == Some(0) {
            return bad("the hugepage memory must be at least 1 MiB".to_owned());
        }
        if let Some(mib) = self.memory_mib.filter(|&m| m > MAX_MEMORY_MIB) {
            return bad(format!(
                "{mib} MiB of hugepage memory is more than EAL can take ({MAX_MEMORY_MIB} MiB)"
            ));
        }
        // No argument may hold a NUL byte: it would end the string in C and
        // split the argument in `--format nul` output. The user's own
        // values are otherwise passed as given.
        let nul = |what: &str, v: &str| {
            if v.contains('\0') {
                Err(DpdkError::InvalidOption(format!(
                    "{what} {v:?} contains a NUL byte, which no argument can carry"
                )))
            } else {
                Ok(())
            }
        };
        for a in &self.extra_args {
            nul("EAL argument", a)?;
        }
        for (target, args) in &self.devargs {
            nul("devargs target", target)?;
            nul("devargs", args)?;
        }
        for n in self.networks.iter().chain(&self.interfaces) {
            nul("selection", n)?;
        }
        if let Some(d) = &self.huge_dir {
            nul("hugetlbfs directory", d)?;
        }
        if self.networks.iter().any(|n| n.trim().is_empty()) {
            return bad("an empty network name selects nothing".to_owned());
        }
        if self.interfaces.iter().any(|n| n.trim().is_empty()) {
            return bad("an empty interface name selects nothing".to_owned());
        }
        for (target, args) in &self.devargs {
            if target.trim().is_empty() {
                return bad(format!("devargs {args:?}: no device named"));
            }
            if args.trim_matches(',').is_empty() {
                return bad(format!("devargs for {target}: empty"));
            }
        }
        if matches!(&self.huge_dir, Some(d) if d.is_empty()) {
            return bad("the hugetlbfs directory is empty".to_owned());
        }
        if let Some(prefix) = &self.file_prefix {
            check_file_prefix(prefix)?;
        }
        Ok(())
    }
}

/// A file prefix names files and directories: no `%` (EAL rejects it), no
/// `/`, not empty, not `.` or `..`, no whitespace or control characters.
pub(super) fn check_file_prefix(prefix: &str) -> Result<(), DpdkError> {
    let reason = if prefix.is_empty() {
        Some("empty")
    } else if prefix == "." || prefix == ".." {
        Some("names a directory, not a file")
    } else if prefix.contains('%') {
        Some("contains %, which EAL rejects")
    } else if prefix.contains('/') {
        Some("contains /")
    } else if prefix.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains white space or control characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(DpdkError::InvalidFilePrefix {
            prefix: prefix.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}
