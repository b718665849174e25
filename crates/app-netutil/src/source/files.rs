//! Reading proc, cgroup and sysfs files through the pod view, with errors
//! that name the file.

use thiserror::Error;

use crate::parse::cpulist;
use crate::parse::sysfile::{ValueError, parse_u64};
use crate::source::{MAX_ATTR_FILE_BYTES, PodView, ReadError};

/// A file that could not be read, or whose content is not what the kernel
/// writes. Its text names the file as the pod sees it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub(crate) enum FileError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file was read but its content is wrong.
    #[error("{path}: {error}")]
    Value {
        /// The file, as the pod sees it.
        path: String,
        /// What is wrong.
        error: ValueError,
    },
}

impl FileError {
    /// A content error of `path`.
    #[must_use]
    pub(crate) fn value(path: &str, error: ValueError) -> Self {
        Self::Value {
            path: path.to_owned(),
            error,
        }
    }
}

/// Reads a small proc or sysfs file as text; `Ok(None)` when it does not
/// exist.
///
/// # Errors
///
/// [`FileError::Read`] for anything but absence.
pub(crate) fn read_optional(pod: &PodView, path: &str) -> Result<Option<String>, FileError> {
    match pod.read_string(path, MAX_ATTR_FILE_BYTES) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads a cpulist file; `Ok(None)` when it does not exist.
///
/// # Errors
///
/// [`FileError`] when it cannot be read or is not a cpulist.
pub(crate) fn read_cpulist(pod: &PodView, path: &str) -> Result<Option<Vec<u32>>, FileError> {
    let Some(text) = read_optional(pod, path)? else {
        return Ok(None);
    };
    cpulist::parse(&text)
        .map(Some)
        .map_err(|e| FileError::value(path, e.into()))
}

/// Reads a cpulist file as ranges ([`cpulist::parse_ranges`]); `Ok(None)`
/// when it does not exist.
///
/// # Errors
///
/// [`FileError`] when it cannot be read or is not a cpulist.
pub(crate) fn read_cpulist_ranges(
    pod: &PodView,
    path: &str,
) -> Result<Option<Vec<std::ops::RangeInclusive<u32>>>, FileError> {
    let Some(text) = read_optional(pod, path)? else {
        return Ok(None);
    };
    cpulist::parse_ranges(&text)
        .map(Some)
        .map_err(|e| FileError::value(path, e.into()))
}

/// Reads a file holding one non-negative integer; `Ok(None)` when it does
/// not exist.
///
/// # Errors
///
/// [`FileError`] when it cannot be read or is not such a number.
pub(crate) fn read_u64(pod: &PodView, path: &str) -> Result<Option<u64>, FileError> {
    let Some(text) = read_optional(pod, path)? else {
        return Ok(None);
    };
    parse_u64(&text)
        .map(Some)
        .map_err(|e| FileError::value(path, e))
}
