//! What can go wrong reading the pod, and what a path leads to.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why a file could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file does not exist.
    #[error("{path}: does not exist")]
    NotFound {
        /// The file, as the pod sees it.
        path: String,
    },
    /// Something other than a regular file is at the path.
    #[error("{path}: is a {kind}, not a regular file; not read")]
    NotRegular {
        /// The file, as the pod sees it.
        path: String,
        /// What was found (`FIFO`, `directory`, ...).
        kind: &'static str,
    },
    /// The file is larger than the cap.
    #[error("{path}: larger than {cap} bytes; not read")]
    TooLarge {
        /// The file, as the pod sees it.
        path: String,
        /// The cap in bytes.
        cap: u64,
    },
    /// Any other I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The file, as the pod sees it.
        path: String,
        /// The error.
        source: io::Error,
    },
}

impl ReadError {
    /// Whether the file is simply absent.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}

/// Errors that make a pod view unusable.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PodViewError {
    /// The root exists but is not a directory (or cannot be opened as one).
    #[error("pod root {0}: not a directory")]
    RootNotADirectory(PathBuf),
    /// An explicitly given downward-API directory exists but is not a
    /// directory (or cannot be opened as one).
    #[error("downward-API directory {0}: not a directory")]
    PodinfoNotADirectory(PathBuf),
    /// The root does not exist.
    #[error("pod root {0}: does not exist")]
    RootNotFound(PathBuf),
    /// An explicitly given downward-API directory does not exist.
    #[error("downward-API directory {0}: does not exist")]
    PodinfoNotFound(PathBuf),
    /// An explicitly given DRA device metadata directory exists but is
    /// not a directory (or cannot be opened as one).
    #[error("DRA device metadata directory {0}: not a directory")]
    DraDirNotADirectory(PathBuf),
    /// An explicitly given DRA device metadata directory does not exist.
    #[error("DRA device metadata directory {0}: does not exist")]
    DraDirNotFound(PathBuf),
}

/// What kind of file a path of the pod leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A UNIX socket.
    Socket,
    /// A character device node.
    CharDevice,
    /// A block device node.
    BlockDevice,
    /// A FIFO.
    Fifo,
    /// Anything else.
    Other,
}

impl FileKind {
    /// The kind in words (`directory`, `socket`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regular => "regular file",
            Self::Directory => "directory",
            Self::Socket => "socket",
            Self::CharDevice => "character device",
            Self::BlockDevice => "block device",
            Self::Fifo => "FIFO",
            Self::Other => "special file",
        }
    }
}
