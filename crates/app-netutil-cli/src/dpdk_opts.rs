//! DPDK options every DPDK subcommand shares, and building the EAL
//! arguments from the pod (or a saved report).

use std::path::PathBuf;
use std::process::ExitCode;

use app_netutil::dpdk::{self, DEFAULT_MAX_LCORE, DpdkOptions, DpdkVersion, EalArgs};
use app_netutil::{PageSize, Report};
use clap::Args;

use crate::common::{ArgValueError, EXIT_STRICT, EXIT_USAGE, PodArgs};

/// How to build the EAL arguments (`DpdkOptions`, flag by flag).
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "DPDK options")]
pub(crate) struct DpdkArgs {
    /// Read the report from FILE (the output of `app-netutil show --json`; `-` for standard input, a pipe works) instead of reading the pod. At most 4 MiB; directories and devices are refused, and a named FIFO that no program opens for writing within 10 s is an error.
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
    /// DPDK release the arguments are for (22.11, 20.08, 25.07). Default: spellings that every release from 21.11 on accepts.
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub(crate) dpdk_version: Option<DpdkVersion>,
    /// Use the interfaces on network NAME (namespace/name, or a name in any namespace). Repeatable; default: every interface with a device.
    #[arg(long, value_name = "NAME")]
    pub(crate) network: Vec<String>,
    /// Use interface IF: an interface name, PCI address or device id. Repeatable. A selected PCI device is used even when bound to a kernel driver.
    #[arg(long, value_name = "IF")]
    pub(crate) interface: Vec<String>,
    /// Append DEVARGS to the device(s) TARGET names (interface, network, PCI address or device id), e.g. net1=rxq_cqe_comp_en=1. Repeatable.
    #[arg(long, value_name = "TARGET=DEVARGS", value_parser = parse_devargs)]
    pub(crate) devargs: Vec<(String, String)>,
    /// Number of lcores, main plus workers. Default: one per CPU of the pod.
    #[arg(long, value_name = "N")]
    pub(crate) lcore_count: Option<u32>,
    /// DPDK's RTE_MAX_LCORE: CPUs at or above it are mapped with --lcores.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_LCORE)]
    pub(crate) max_lcore: u32,
    /// Run the main lcore on CPU (one of the pod's). Default: the pod's lowest CPU.
    #[arg(long, value_name = "CPU")]
    pub(crate) main_cpu: Option<u32>,
    /// Use hugepages of SIZE (1Gi, 2Mi). Default: the largest size granted.
    #[arg(long, value_name = "SIZE", value_parser = parse_page_size)]
    pub(crate) page_size: Option<PageSize>,
    /// Hugepage memory in MiB, instead of the container's grant (with --no-huge: the -m size).
    #[arg(long, value_name = "MIB")]
    pub(crate) memory: Option<u64>,
    /// Pass --huge-dir=DIR instead of the hugetlbfs mount found for the page size.
    #[arg(long, value_name = "DIR")]
    pub(crate) huge_dir: Option<String>,
    /// Pass --in-memory (no shared runtime files; a single process). With --no-huge, which DPDK refuses together with it: --no-shconf instead, and a warning.
    #[arg(long)]
    pub(crate) in_memory: bool,
    /// Pass --no-huge (anonymous memory, for tests) instead of hugepage memory options.
    #[arg(long, conflicts_with_all = ["page_size", "huge_dir"])]
    pub(crate) no_huge: bool,
    /// Pass --file-prefix=PREFIX. Default: derived from the host name and container name.
    #[arg(long, value_name = "PREFIX")]
    pub(crate) file_prefix: Option<String>,
    /// Append ARG to the EAL arguments, e.g. --eal-arg=--log-level=8. Repeatable. An option given here replaces the derived one.
    #[arg(long = "eal-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub(crate) eal_arg: Vec<String>,
}

fn parse_version(s: &str) -> Result<DpdkVersion, ArgValueError> {
    s.parse()
        .map_err(|e: dpdk::DpdkError| ArgValueError::DpdkVersion(e.to_string()))
}

fn parse_devargs(s: &str) -> Result<(String, String), ArgValueError> {
    match s.split_once('=') {
        Some((target, args)) if !target.is_empty() && !args.is_empty() => {
            Ok((target.to_owned(), args.to_owned()))
        }
        _ => Err(ArgValueError::Devargs),
    }
}

fn parse_page_size(s: &str) -> Result<PageSize, ArgValueError> {
    PageSize::parse(s).ok_or_else(|| ArgValueError::PageSize(s.to_owned()))
}

impl DpdkArgs {
    /// The library options these flags stand for.
    pub(crate) fn options(&self) -> DpdkOptions {
        let mut o = DpdkOptions::new()
            .max_lcore(self.max_lcore)
            .in_memory(self.in_memory)
            .no_huge(self.no_huge)
            .extra_args(self.eal_arg.iter().cloned());
        o.version = self.dpdk_version;
        o.networks.clone_from(&self.network);
        o.interfaces.clone_from(&self.interface);
        o.devargs.clone_from(&self.devargs);
        o.lcore_count = self.lcore_count;
        o.main_cpu = self.main_cpu;
        o.page_size = self.page_size;
        o.memory_mib = self.memory;
        o.huge_dir.clone_from(&self.huge_dir);
        o.file_prefix.clone_from(&self.file_prefix);
        o
    }
}

/// Builds the report (from the pod or `--report`) and its EAL arguments;
/// prints a one-line error on failure.
pub(crate) fn build(pod: &PodArgs, args: &DpdkArgs) -> Result<(Report, EalArgs), ExitCode> {
    let fail = |msg: String| {
        crate::common::say(&msg);
        ExitCode::from(EXIT_USAGE)
    };
    match &args.report {
        Some(path) => {
            let text = crate::input::read_report(path)
                .map_err(|e| fail(format!("reading report {}: {e}", path.display())))?;
            let report = Report::from_json(&text)
                .map_err(|e| fail(format!("report {}: {e}", path.display())))?;
            let eal = dpdk::eal_args(&report, &args.options()).map_err(|e| fail(e.to_string()))?;
            Ok((report, eal))
        }
        None => {
            let opts = pod.options().dpdk(args.options());
            app_netutil::collect_eal_args(&opts).map_err(|e| fail(e.to_string()))
        }
    }
}

/// Prints the report's and the EAL warnings to stderr (unless `-q`), and
/// returns the strict-mode exit status when there were any and `--strict`
/// is set.
/// The common start of `dpdk-args`, `exec` and `env`: wait for the pod's
/// data when asked, build the report and EAL arguments, print the warnings.
/// `Ok` carries the exit status `--strict` asks for, if any.
pub(crate) fn prepare(
    pod: &PodArgs,
    wait: &crate::waiting::WaitFirst,
    args: &DpdkArgs,
) -> Result<(Report, EalArgs, Option<ExitCode>), ExitCode> {
    crate::waiting::wait_first(pod, wait)?;
    let (report, eal) = build(pod, args)?;
    let strict = warn(pod, &report, &eal);
    Ok((report, eal, strict))
}

pub(crate) fn warn(pod: &PodArgs, report: &Report, eal: &EalArgs) -> Option<ExitCode> {
    let all = report.warnings.iter().chain(&eal.warnings);
    if !pod.quiet {
        for w in all {
            crate::common::say(&format!("warning: {w}"));
        }
    }
    // The EAL warnings have no code: `--allow` never passes them over.
    let counted = pod.counted(report) + eal.warnings.len();
    (pod.strict && counted > 0).then(|| ExitCode::from(EXIT_STRICT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devargs_flag() {
        assert_eq!(
            parse_devargs("net1=rxq_cqe_comp_en=1,txq_inline_max=128"),
            Ok((
                "net1".to_owned(),
                "rxq_cqe_comp_en=1,txq_inline_max=128".to_owned()
            ))
        );
        assert!(parse_devargs("net1").is_err());
        assert!(parse_devargs("=x").is_err());
        assert!(parse_devargs("net1=").is_err());
    }
}
