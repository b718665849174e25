//! What the terminal is: whether a standard stream is one, and how wide.

use std::io::IsTerminal;
use std::os::fd::AsFd;

/// The width assumed for a terminal that does not say (a serial console, a
/// pseudo-terminal nobody sized).
pub(crate) const DEFAULT_COLUMNS: usize = 80;

/// The width to fit output written to `stream`, in columns: `None` when it
/// is not a terminal (output is then never cut). On a terminal, the
/// `COLUMNS` environment variable when it holds a positive number (as `ls`
/// and most tools take it), else the terminal's own size, else
/// [`DEFAULT_COLUMNS`].
pub(crate) fn columns(stream: &(impl AsFd + IsTerminal)) -> Option<usize> {
    if !stream.is_terminal() {
        return None;
    }
    Some(
        columns_var()
            .or_else(|| {
                rustix::termios::tcgetwinsize(stream.as_fd())
                    .ok()
                    .map(|w| usize::from(w.ws_col))
                    .filter(|&c| c > 0)
            })
            .unwrap_or(DEFAULT_COLUMNS),
    )
}

/// `COLUMNS`, when it is a positive number.
fn columns_var() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
}
