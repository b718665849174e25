//! The report: everything the pod was given, in the shape of the JSON
//! contract v1 (`docs/report.md`, `schema/report-v1.json`), and the
//! warnings about its inputs.
//!
//! This is the model every stage of the library shares: the parsers
//! (`crate::parse`) produce its parts, assembly fills a [`Report`], and
//! the outputs (`dpdk`, `doctor`, the command-line tool and the C ABI)
//! read it. It imports nothing else of the library.

mod device_info;
mod dra;
mod header;
mod model;
mod pagesize;
mod pci;
mod read_error;
mod value;
pub(crate) mod warning;

pub use device_info::{
    DeviceInfo, MemifInfo, PciInfo, SYNTHESIZED_VERSION, VdpaInfo, VhostUserInfo,
};
pub use dra::{Dra, DraClaim, NUMA_NODE_ATTRIBUTE};
pub use header::{API_VERSION, KIND};
pub use model::*;
pub use pagesize::PageSize;
pub use pci::{DeviceId, PciAddress};
pub use read_error::ReportJsonError;
pub use value::{Number, Object, Value};
pub use warning::{MAX_WARNINGS_PER_SOURCE, Warning, WarningCode};
