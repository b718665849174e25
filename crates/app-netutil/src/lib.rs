//! Discover what a Kubernetes pod was given — CPUs, hugepage memory, network
//! interfaces and devices (SR-IOV VFs, vDPA, vhost-user and memif sockets) —
//! and turn it into DPDK EAL arguments.
//!
//! ```no_run
//! let report = app_netutil::collect(&app_netutil::Options::new())?;
//! for iface in &report.interfaces {
//!     println!(
//!         "{} {} {:?}",
//!         iface.interface.as_deref().unwrap_or("-"),
//!         iface.device_type.as_str(),
//!         iface.pci_address()
//!     );
//! }
//! # Ok::<(), app_netutil::Error>(())
//! ```
//!
//! Collection is best-effort: whatever the pod's files and variables hold,
//! [`collect`] returns a [`Report`] (possibly empty) and lists every input it
//! ignored, repaired or guessed at in [`Report::warnings`]. It only fails
//! when the root directory itself is unusable. Nothing panics on any input,
//! nothing is cached, no thread is started and no global state is kept, so
//! reports can be collected from any number of threads at once.
//!
//! All reading goes through a [`pod::PodView`] rooted at
//! [`Options::root`], so every behaviour can be exercised on a directory
//! tree shaped like a pod (`fixtures/pods/` in the repository).
//!
//! The report's JSON form is a public contract, documented in
//! `docs/report.md` and `schema/report-v1.json`.

#![forbid(unsafe_code)]

// The stages, in the order their imports go (a module imports only the
// ones above it; `tests/layers.rs` checks this): the report model, the
// parsers, the pod view, assembly, then the outputs. docs/data-flow.md
// draws the same pipeline.
mod assemble;
mod collect;
pub mod doctor;
pub mod dpdk;
mod error;
#[doc(hidden)]
pub mod internal;
mod log;
mod options;
mod parse;
pub mod pod;
pub mod report;
mod source;
pub mod wait;

pub use collect::{collect, collect_eal_args, collect_from};
pub use error::Error;
pub use log::{LogFn, LogLevel, Logger};
pub use options::Options;
pub use report::{
    API_VERSION, CpuSource, Cpus, DeviceId, DeviceInfo, DeviceType, Hugepages, Interface, KIND,
    MAX_WARNINGS_PER_SOURCE, PageSize, PciAddress, PciDevice, PodIdentity, Report, ReportJsonError,
    Route, Source,
};
