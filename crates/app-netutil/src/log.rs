//! Log messages: a sink the caller gives in [`crate::Options`], called on
//! the collecting thread. The library keeps no global logger.

use std::fmt;
use std::sync::Arc;

/// Severity of a log message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LogLevel {
    /// Something failed.
    Error = 1,
    /// An input was ignored, repaired or guessed at (each report warning is
    /// also logged at this level).
    Warning = 2,
    /// What was found.
    Info = 3,
    /// Every file read and decision taken.
    Debug = 4,
}

impl LogLevel {
    /// The level's name in lower case.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Debug => "debug",
        }
    }
}

/// A log sink: called synchronously, on the calling thread, during
/// [`crate::collect`]. The library keeps no global logger.
pub type LogFn = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// A log sink with the most detailed level it wants.
#[derive(Clone)]
pub struct Logger {
    /// The sink.
    pub sink: LogFn,
    /// Messages above this level are not built at all.
    pub max_level: LogLevel,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger")
            .field("max_level", &self.max_level)
            .finish_non_exhaustive()
    }
}

/// Where the stages send log messages: the caller's sink, or nowhere.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Log<'a>(pub(crate) Option<&'a Logger>);

impl Log<'_> {
    /// Sends the message `message()` at `level`; it is built only when the
    /// sink wants that level.
    pub(crate) fn log(self, level: LogLevel, message: impl FnOnce() -> String) {
        if let Some(logger) = self.0 {
            if level <= logger.max_level {
                (logger.sink)(level, &message());
            }
        }
    }
}
