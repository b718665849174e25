//! The library's front door: collecting a report from the pod that the
//! options name, and DPDK EAL arguments from it.

use crate::dpdk::{self, DpdkError, EalArgs};
use crate::error::Error;
use crate::options::Options;
use crate::report::Report;
use crate::source::PodView;

/// Collects the report of the pod that `opts` names.
///
/// # Errors
///
/// Only when the root directory, or an explicitly given downward-API
/// directory, is not a directory. Everything else is a warning in the report.
pub fn collect(opts: &Options) -> Result<Report, Error> {
    let pod = PodView::from_options(opts)?;
    Ok(collect_from(&pod, opts))
}

/// Collects the report from an existing pod view.
#[must_use]
pub fn collect_from(pod: &PodView, opts: &Options) -> Report {
    crate::assemble::report(pod, opts.log())
}

/// Collects the report of the pod that `opts` names and builds its EAL
/// arguments from `opts.dpdk`: the same arguments as [`dpdk::eal_args`]
/// gives for the collected report (or for that report saved as JSON and
/// read back).
///
/// # Errors
///
/// [`DpdkError::Collect`] when the pod cannot be read at all, else as
/// [`dpdk::eal_args`].
pub fn collect_eal_args(opts: &Options) -> Result<(Report, EalArgs), DpdkError> {
    let report = collect(opts)?;
    let eal = dpdk::eal_args(&report, &opts.dpdk)?;
    Ok((report, eal))
}
