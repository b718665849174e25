//! Pre-flight checks: is what the pod was given really usable?
//!
//! [`diagnose`] looks at a report and probes the pod (through its
//! [`PodView`], so fixture trees work like a live pod) for what the report
//! alone cannot say: whether the downward-API volume is mounted, whether
//! each device's nodes and sockets exist in the container, whether a
//! hugetlbfs is mounted for each granted page size, whether CPUs, devices
//! and hugepages share a NUMA node, and whether the pod runs in a virtual
//! machine or Kata guest, where host PCI addresses do not apply.
//!
//! Every [`Check`] has a stable `id`, an optional subject (an interface, a
//! device, a page size), a [`Status`], a message and, unless it passed, a
//! one-line fix.

mod devices;
mod dra;
mod hugepages;
mod numa;
mod podinfo;
mod system;

use std::fmt;

use serde::Serialize;

use crate::assemble::annotations::{self, Annotations};
use crate::assemble::dra::read::DraInputs;
use crate::error::Error;
use crate::options::Options;
use crate::report::Report;
use crate::report::warning::Warnings;
use crate::source::PodView;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// Fine.
    Pass,
    /// Not applicable to this pod (nothing to check).
    Skip,
    /// Worth knowing; not a problem by itself.
    Info,
    /// Works, but not as well as it could, or only by luck.
    Warn,
    /// Will not work as given.
    Fail,
}

impl Status {
    /// `pass`, `skip`, `info`, `warn` or `fail`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Skip => "skip",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Check {
    /// What was checked (`downward-api-volume`, `vfio`, `socket`, ...).
    pub id: &'static str,
    /// What it was checked for: an interface, device or page size; `None`
    /// for checks of the whole pod.
    pub subject: Option<String>,
    /// The outcome.
    pub status: Status,
    /// What was found, in one line.
    pub message: String,
    /// How to fix it, in one line; `None` when nothing needs fixing.
    pub fix: Option<String>,
}

impl Check {
    pub(super) fn new(
        id: &'static str,
        subject: Option<&str>,
        status: Status,
        message: String,
    ) -> Self {
        Self {
            id,
            subject: subject.map(str::to_owned),
            status,
            message,
            fix: None,
        }
    }

    pub(super) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The report and the checks made on it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The report the checks looked at.
    pub report: Report,
    /// The checks, in a fixed order: volume and annotations, network-status,
    /// hugepages, devices, NUMA, virtualization, CPUs, report warnings.
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// How many checks have `status`.
    #[must_use]
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Whether any check failed, or, with `strict`, warned.
    #[must_use]
    pub fn failed(&self, strict: bool) -> bool {
        self.checks
            .iter()
            .any(|c| c.status == Status::Fail || (strict && c.status == Status::Warn))
    }
}

/// Collects the report of the pod `opts` names and checks it. The
/// annotations read for the report are the ones checked: the file is read
/// once.
///
/// # Errors
///
/// As [`crate::collect`]: only when the pod root (or an explicit
/// downward-API directory) is not a directory.
pub fn run(opts: &Options) -> Result<Diagnosis, Error> {
    let pod = PodView::from_options(opts)?;
    let (report, annotations, dra) = crate::assemble::report_with_annotations(&pod, opts.log());
    let checks = checks(&pod, &report, &annotations, &dra);
    Ok(Diagnosis { report, checks })
}

/// Checks `report`, collected from `pod`, probing the pod where the report
/// does not say enough. The annotations file is read again; [`run`]
/// collects and checks with one reading.
#[must_use]
pub fn diagnose(pod: &PodView, report: &Report) -> Vec<Check> {
    let mut scratch = Warnings::new();
    let annotations = annotations::read(pod, &mut scratch);
    let dra = crate::assemble::dra::read::read(pod, crate::log::Log(None), &mut scratch);
    checks(pod, report, &annotations, &dra)
}

fn checks(
    pod: &PodView,
    report: &Report,
    annotations: &Annotations,
    dra: &DraInputs,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let guest = system::guest(pod);
    let selected = podinfo::podinfo_checks(pod, annotations, dra.any(), &mut checks);
    podinfo::network_status_check(selected, dra.any(), &mut checks);
    hugepages::hugepage_checks(report, &mut checks);
    devices::device_checks(pod, report, guest.as_ref(), &mut checks);
    dra::dra_checks(pod, dra, &mut checks);
    numa::numa_check(report, &mut checks);
    checks.push(system::guest_check(guest.as_ref()));
    checks.push(system::cpus_check(report));
    checks.push(system::warnings_check(report));
    checks
}

/// `n` and the noun for it: "1 annotation", "2 annotations".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
