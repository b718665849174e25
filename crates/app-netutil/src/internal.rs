//! The parsers, for the fuzz targets (`fuzz/`) and the benchmarks only.
//!
//! Not part of the library's API: anything here may change or go away in
//! any release, without notice.

pub use crate::parse::{
    cgroup, cpulist, devinfo, devplugin, downward, dra, goquote, hugepages, hwaddr, mountinfo,
    netstatus, userspace,
};
pub use crate::source::parse_environ;

/// The hugetlb value parsers (`/proc/meminfo`, limit files, pool
/// directories, mount options).
pub mod hugetlb {
    pub use crate::assemble::hugetlb::{
        meminfo_hugepagesize, mount_page_size, parse_limit, pool_dir_size,
    };
}
pub use crate::assemble::cpus::process_affinity;
