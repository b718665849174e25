//! Parsers: one module per input format, pure functions of bytes or text.

pub mod cgroup;
pub mod cpulist;
pub mod devinfo;
pub mod devplugin;
pub mod downward;
pub mod dra;
pub mod goquote;
pub mod hugepages;
pub mod hugetlb;
pub mod hwaddr;
pub(crate) mod json;
pub mod mountinfo;
pub mod netstatus;
pub(crate) mod sysfile;
pub mod userspace;
