//! What `wait` and `--wait` show while they wait, on standard error.
//!
//! - On a terminal: one line, rewritten in place, with the elapsed time and
//!   what is awaited; erased when the wait ends.
//! - Otherwise (a log, a pipe), or with `-v` (whose log lines would break
//!   a line rewritten in place): a line when waiting starts, one every
//!   [`INTERVAL`] while it lasts, and one when the data is ready.
//! - With `-q`: nothing.
//!
//! The library's wait reads the pod on the calling thread and reports
//! after every read ([`wait::wait_with_progress`]); a thread of this
//! module prints on its own clock, so the time keeps moving between reads.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use app_netutil::wait::{self, Ready, WaitError, WaitOptions};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::common::{PodArgs, printable};

/// How often a line is printed when standard error is not a terminal.
pub(crate) const INTERVAL: Duration = Duration::from_secs(10);

/// Overrides [`INTERVAL`] (a duration as `--timeout` takes it: `10`,
/// `200ms`); for tests.
pub(crate) const INTERVAL_VAR: &str = "APP_NETUTIL_PROGRESS_INTERVAL";

/// How often the terminal line is redrawn.
const REDRAW: Duration = Duration::from_millis(250);

/// Erases the terminal line: to its start, then clear to its end.
const ERASE: &str = "\r\x1b[K";

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing (`-q`).
    Off,
    /// One line rewritten in place, fitted to this many columns.
    Terminal(usize),
    /// A line at the start, one every interval, one at the end.
    Lines(Duration),
}

impl Mode {
    fn choose(pod: &PodArgs) -> Self {
        if pod.quiet {
            return Self::Off;
        }
        match crate::term::columns(&std::io::stderr()) {
            Some(width) if pod.verbose == 0 => Self::Terminal(width),
            _ => Self::Lines(
                std::env::var(INTERVAL_VAR)
                    .ok()
                    .and_then(|v| crate::waiting::parse_duration(&v).ok())
                    .filter(|d| !d.is_zero())
                    .unwrap_or(INTERVAL),
            ),
        }
    }
}

/// What the printing thread knows.
struct State {
    /// What is missing after the last read; `None` before the first.
    pending: Option<Vec<String>>,
    /// The wait is over.
    done: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

/// Waits as [`wait::wait`] does, showing progress on standard error as
/// the module documentation says. `timeout` is the one in `options`
/// (`None`: for ever), named in the lines.
pub(crate) fn wait_showing_progress(
    pod: &PodArgs,
    options: &WaitOptions,
) -> Result<Ready, WaitError> {
    let mode = Mode::choose(pod);
    if mode == Mode::Off {
        return wait::wait(&pod.options(), options);
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            pending: None,
            done: false,
        }),
        changed: Condvar::new(),
    });
    let started = Instant::now();
    let printer = {
        let shared = Arc::clone(&shared);
        let about = About {
            timeout: options.timeout,
            settle: options.settle,
        };
        std::thread::spawn(move || print_loop(&shared, mode, about, started))
    };
    let result = wait::wait_with_progress(&pod.options(), options, &mut |p| {
        let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        let first = state.pending.is_none();
        state.pending = Some(p.pending.to_vec());
        drop(state);
        if first {
            shared.changed.notify_all();
        }
    });
    stop(&shared, printer);
    if let (Mode::Lines(_), Ok(ready), 0) = (mode, &result, pod.verbose) {
        // (With -v the library logs the same.)
        say(&format!(
            "wait: ready after {:.1} s",
            ready.waited.as_secs_f64()
        ));
    }
    result
}

/// The wait's settings, for the lines.
#[derive(Debug, Clone, Copy)]
struct About {
    timeout: Option<Duration>,
    settle: Duration,
}

impl About {
    fn timeout_text(self) -> String {
        match self.timeout {
            Some(t) => format!("timeout {}", secs(t)),
            None => "no timeout".to_owned(),
        }
    }

    /// What is awaited, in words.
    fn awaited(self, pending: &[String]) -> String {
        if pending.is_empty() {
            format!(
                "the data is complete and must stay unchanged for {}",
                secs(self.settle)
            )
        } else {
            pending.join("; ")
        }
    }
}

/// `12 s`, `1.5 s`, `0.2 s`.
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

fn stop(shared: &Shared, printer: JoinHandle<()>) {
    shared
        .state
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .done = true;
    shared.changed.notify_all();
    let _ = printer.join();
}

fn say(line: &str) {
    crate::common::say(line);
}

/// Prints until the wait is over.
fn print_loop(shared: &Shared, mode: Mode, about: About, started: Instant) {
    let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
    // The first read comes at once; wait for it (briefly) so that the
    // first line says what is awaited.
    while state.pending.is_none() && !state.done && started.elapsed() < REDRAW {
        let left = REDRAW.saturating_sub(started.elapsed());
        state = shared
            .changed
            .wait_timeout(state, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    let mut shown = false;
    let mut first = true;
    let mut next_line = started;
    while !state.done {
        let what = match &state.pending {
            Some(pending) => about.awaited(pending),
            None => "reading the pod".to_owned(),
        };
        let elapsed = started.elapsed();
        let tick = match mode {
            Mode::Terminal(width) => {
                let line = format!(
                    "app-netutil: waiting {} s{}: {}",
                    elapsed.as_secs(),
                    match about.timeout {
                        Some(t) => format!(" of {}", secs(t)),
                        None => " (no timeout)".to_owned(),
                    },
                    printable(&what)
                );
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "{ERASE}{}", fit(&line, width));
                let _ = err.flush();
                shown = true;
                REDRAW
            }
            Mode::Lines(interval) => {
                if Instant::now() >= next_line {
                    if first {
                        say(&format!(
                            "wait: waiting for the pod's network data ({}): {what}",
                            about.timeout_text()
                        ));
                        first = false;
                    } else {
                        say(&format!(
                            "wait: still waiting after {:.1} s ({}): {what}",
                            elapsed.as_secs_f64(),
                            about.timeout_text()
                        ));
                    }
                    next_line += interval;
                }
                next_line.saturating_duration_since(Instant::now())
            }
            Mode::Off => return,
        };
        state = shared
            .changed
            .wait_timeout(state, tick)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    if shown {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{ERASE}");
        let _ = err.flush();
    }
}

/// `line` within `width - 1` columns (a line as wide as the terminal
/// wraps on some terminals), cut with an ellipsis.
fn fit(line: &str, width: usize) -> String {
    let room = width.saturating_sub(1).max(1);
    if line.width() <= room {
        return line.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_to_the_terminal() {
        assert_eq!(fit("abcdef", 10), "abcdef");
        assert_eq!(fit("abcdef", 7), "abcdef");
        assert_eq!(fit("abcdef", 6), "abcd…");
        assert_eq!(fit("abcdef", 1), "…");
    }

    #[test]
    fn seconds() {
        assert_eq!(secs(Duration::from_secs(60)), "60 s");
        assert_eq!(secs(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(secs(Duration::from_millis(200)), "0.2 s");
    }

    #[test]
    fn what_is_awaited() {
        let about = About {
            timeout: Some(Duration::from_secs(60)),
            settle: Duration::from_secs(1),
        };
        assert_eq!(about.timeout_text(), "timeout 60 s");
        assert_eq!(
            about.awaited(&[]),
            "the data is complete and must stay unchanged for 1 s"
        );
        assert_eq!(about.awaited(&["a".into(), "b".into()]), "a; b");
        let forever = About {
            timeout: None,
            ..about
        };
        assert_eq!(forever.timeout_text(), "no timeout");
    }
}
