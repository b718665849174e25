//! The parsers, for the fuzz targets (`fuzz/`) and the benchmarks only.
//!
//! Not part of the library's API: anything here may change or go away in
//! any release, without notice.

pub use crate::parse::{
    cgroup, cpulist, devinfo, devplugin, downward, dra, goquote, hugepages, hugetlb, hwaddr,
    mountinfo, netstatus, userspace,
};
pub use crate::source::parse_environ;

pub use crate::assemble::cpus::process_affinity;
