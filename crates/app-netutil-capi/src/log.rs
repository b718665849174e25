//! Logging as C programs want it: a level, and any of standard error, a
//! file and a callback, all set on the options object. Messages are
//! produced synchronously, on the thread that called the library, during
//! the call; there is no global logger, no thread and no buffering.

use std::ffi::{c_char, c_void};
use std::fs::File;
use std::io::Write;
use std::sync::Arc;

use app_netutil::LogLevel;
use app_netutil::{LogFn, Logger};

use crate::ffi::cstring_lossy;

/// Log levels, for `netutil_options_set_log_level()` and the level given to
/// a log callback. Each level includes the ones above it.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum netutil_log_level {
    /// No messages at all.
    NETUTIL_LOG_NONE = 0,
    /// Something failed.
    NETUTIL_LOG_ERROR = 1,
    /// An input was ignored, repaired or guessed at (each report warning is
    /// also logged at this level), and each warning of the EAL arguments.
    NETUTIL_LOG_WARNING = 2,
    /// What was found, and the EAL arguments built.
    NETUTIL_LOG_INFO = 3,
    /// Every file read and decision taken.
    NETUTIL_LOG_DEBUG = 4,
}

impl netutil_log_level {
    pub(crate) fn from_u32(level: u32) -> Option<Self> {
        Some(match level {
            0 => Self::NETUTIL_LOG_NONE,
            1 => Self::NETUTIL_LOG_ERROR,
            2 => Self::NETUTIL_LOG_WARNING,
            3 => Self::NETUTIL_LOG_INFO,
            4 => Self::NETUTIL_LOG_DEBUG,
            _ => return None,
        })
    }

    fn to_rust(self) -> Option<LogLevel> {
        match self {
            Self::NETUTIL_LOG_NONE => None,
            Self::NETUTIL_LOG_ERROR => Some(LogLevel::Error),
            Self::NETUTIL_LOG_WARNING => Some(LogLevel::Warning),
            Self::NETUTIL_LOG_INFO => Some(LogLevel::Info),
            Self::NETUTIL_LOG_DEBUG => Some(LogLevel::Debug),
        }
    }
}

fn level_number(level: LogLevel) -> u32 {
    match level {
        LogLevel::Error => 1,
        LogLevel::Warning => 2,
        LogLevel::Info => 3,
        _ => 4,
    }
}

/// A log callback: `level` is a `netutil_log_level` value, `message` one
/// line without a trailing newline, borrowed for the duration of the call
/// only. It is called on the thread that called the library, during that
/// call; when several threads collect with the same options at once, it is
/// called from each of them. It must not free the options it belongs to.
pub type netutil_log_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: u32, message: *const c_char)>;

/// A callback with its user data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Callback {
    pub(crate) f: unsafe extern "C" fn(*mut c_void, u32, *const c_char),
    pub(crate) user_data: *mut c_void,
}

// SAFETY: the callback and its user data are only ever called on the thread
// that calls the library, during that call; the header tells the C caller
// that a callback set on options shared between threads is called from each
// of them, so the caller has agreed to make it thread-safe in that case.
unsafe impl Send for Callback {}
// SAFETY: as for Send: the pointer is only passed back to the caller's code.
unsafe impl Sync for Callback {}

/// Where messages go.
#[derive(Debug, Clone)]
pub(crate) struct LogSettings {
    pub(crate) level: netutil_log_level,
    pub(crate) stderr: bool,
    pub(crate) file: Option<Arc<File>>,
    pub(crate) callback: Option<Callback>,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: netutil_log_level::NETUTIL_LOG_WARNING,
            stderr: false,
            file: None,
            callback: None,
        }
    }
}

impl LogSettings {
    /// The library logger for these settings; `None` when nothing would be
    /// written anywhere.
    pub(crate) fn logger(&self) -> Option<Logger> {
        let max_level = self.level.to_rust()?;
        if !self.stderr && self.file.is_none() && self.callback.is_none() {
            return None;
        }
        let sinks = self.clone();
        let sink: LogFn = Arc::new(move |level, message| sinks.write(level, message));
        Some(Logger { sink, max_level })
    }

    /// Logs `message` at `level`, if the settings want it.
    pub(crate) fn log(&self, level: LogLevel, message: impl FnOnce() -> String) {
        if self.level.to_rust().is_some_and(|max| level <= max)
            && (self.stderr || self.file.is_some() || self.callback.is_some())
        {
            self.write(level, &message());
        }
    }

    fn write(&self, level: LogLevel, message: &str) {
        if self.stderr || self.file.is_some() {
            // One write per line, so lines from several threads do not mix.
            let line = format!("app-netutil: {}: {message}\n", level.as_str());
            if self.stderr {
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
            if let Some(file) = &self.file {
                let _ = (&**file).write_all(line.as_bytes());
            }
        }
        if let Some(cb) = self.callback {
            let text = cstring_lossy(message);
            // SAFETY: the caller gave this function and user data for this
            // purpose; `text` outlives the call.
            unsafe { (cb.f)(cb.user_data, level_number(level), text.as_ptr()) };
        }
    }
}
