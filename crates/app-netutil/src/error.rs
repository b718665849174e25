//! Errors that stop a report from being collected at all.
//!
//! Everything else (a missing file, a malformed annotation, a guess) is
//! best-effort: the report is still produced and carries a warning.

use thiserror::Error;

pub(crate) use crate::source::PodViewError;

/// Why no report could be collected.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The pod root or downward-API directory is unusable.
    #[error(transparent)]
    PodView(#[from] PodViewError),
}
