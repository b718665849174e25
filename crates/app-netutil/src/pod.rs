//! The pod view: every file and variable the library reads goes through a
//! [`PodView`], rooted at `/` in a real pod or at a copy of one.
//!
//! Below a root other than `/` every lookup stays inside the root (links,
//! `..` and paths taken from the pod's own data included); files are read
//! only when they are regular files, never more than a cap. The module
//! documentation of `PodView` says how.

pub use crate::source::{
    Environment, FileKind, JAILED_WALK_VAR, MAX_ATTR_FILE_BYTES, MAX_DATA_FILE_BYTES,
    MAX_LINK_HOPS, MAX_WALK_DEPTH, MAX_WALK_STEPS, PODINFO_DIR, PODNETINFO_DIR, PodView,
    PodViewError, ReadError,
};
