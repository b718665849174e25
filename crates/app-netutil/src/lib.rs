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

pub mod cgroup;
pub mod cpulist;
pub mod cpus;
pub mod devinfo;
pub mod devplugin;
pub mod doctor;
pub mod downward;
pub mod dpdk;
pub mod error;
pub mod goquote;
pub mod hugepages;
pub mod hugetlb;
pub mod hwaddr;
pub mod identity;
pub mod interfaces;
mod json;
pub mod model;
pub mod mountinfo;
pub mod netstatus;
pub mod options;
pub mod pagesize;
pub mod pci;
pub mod pod;
pub mod sysfile;
pub mod sysfs;
pub mod topology;
pub mod userspace;
pub mod wait;
mod warnings;

mod collect;

pub use collect::{collect, collect_from};
pub use devinfo::DeviceInfo;
pub use error::Error;
pub use model::{
    CpuSource, Cpus, DeviceType, Hugepages, Interface, PciDevice, PodIdentity, Report, Route,
    Source,
};
pub use options::{LogLevel, Options};
pub use pagesize::PageSize;
pub use pci::{DeviceId, PciAddress};
pub use warnings::MAX_WARNINGS_PER_SOURCE;
