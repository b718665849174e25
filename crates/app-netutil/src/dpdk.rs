//! DPDK EAL arguments from a pod report.

/// How to build EAL arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DpdkOptions {}
