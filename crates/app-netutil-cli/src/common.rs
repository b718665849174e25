//! Options every subcommand shares: where the pod is, logging, strictness;
//! and writing to the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use app_netutil::report::WarningCode;
use app_netutil::{LogLevel, Options, Report};
use clap::Args;
use rustix::fs::OFlags;

/// Exit status when the report was produced but `--strict` found warnings.
pub(crate) const EXIT_STRICT: u8 = 3;
/// Exit status for unusable arguments (clap uses it too).
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status when waiting for the pod's data timed out.
pub(crate) const EXIT_TIMEOUT: u8 = 4;

/// Where the pod is and how to report problems.
#[derive(Args, Debug, Clone)]
pub(crate) struct PodArgs {
    /// Read the pod below DIR instead of / (a fixture tree or a copy).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub(crate) root: PathBuf,
    /// Read the downward-API files from DIR (default: <root>/etc/podnetinfo, or <root>/etc/podinfo when only that exists).
    #[arg(long, value_name = "DIR")]
    pub(crate) podinfo_dir: Option<PathBuf>,
    /// Read the DRA device metadata files from DIR (default: <root>/var/run/kubernetes.io/dra-device-attributes).
    #[arg(long, value_name = "DIR")]
    pub(crate) dra_dir: Option<PathBuf>,
    /// Exit with status 3 when the report has warnings.
    #[arg(long)]
    pub(crate) strict: bool,
    /// With --strict: warnings of this code do not count (repeatable). Codes: missing, dropped, repaired, guessed, conflict, unsupported, capped, other (docs/report.md, "Warning codes").
    #[arg(long, value_name = "CODE", requires = "strict", value_parser = parse_code)]
    pub(crate) allow: Vec<WarningCode>,
    /// Do not print warnings to standard error.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Log what is read and decided to standard error (-v info, -vv debug).
    #[arg(long, short, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

impl PodArgs {
    pub(crate) fn options(&self) -> Options {
        let mut opts = Options::new().root(&self.root);
        if let Some(dir) = &self.podinfo_dir {
            opts = opts.podinfo_dir(dir);
        }
        if let Some(dir) = &self.dra_dir {
            opts = opts.dra_dir(dir);
        }
        let level = match self.verbose {
            0 => None,
            1 => Some(LogLevel::Info),
            _ => Some(LogLevel::Debug),
        };
        if let Some(level) = level {
            opts = opts.logger(
                level,
                Arc::new(|level: LogLevel, msg: &str| {
                    // Warnings are printed once, after collection.
                    if level != LogLevel::Warning {
                        say(&format!("{}: {msg}", level.as_str()));
                    }
                }),
            );
        }
        opts
    }

    /// Collects the report, or prints a one-line error.
    pub(crate) fn collect(&self) -> Result<Report, ExitCode> {
        app_netutil::collect(&self.options()).map_err(|e| {
            say(&e.to_string());
            ExitCode::from(EXIT_USAGE)
        })
    }

    /// Prints the warnings to stderr and picks the exit status.
    pub(crate) fn finish(&self, report: &Report) -> ExitCode {
        if !self.quiet {
            for w in &report.warnings {
                say(&format!("warning: {w}"));
            }
        }
        if self.strict && self.counted(report) > 0 {
            ExitCode::from(EXIT_STRICT)
        } else {
            ExitCode::SUCCESS
        }
    }

    /// How many of the report's warnings `--strict` counts: those whose
    /// code `--allow` does not name.
    pub(crate) fn counted(&self, report: &Report) -> usize {
        self.counts(report.warning_details().iter().map(|w| w.code))
    }

    /// How many of these codes `--strict` counts.
    pub(crate) fn counts(&self, codes: impl Iterator<Item = WarningCode>) -> usize {
        codes.filter(|c| !self.allow.contains(c)).count()
    }
}

/// Why the value of a command-line option was refused (clap prints it
/// after naming the option).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArgValueError {
    /// `--dpdk-version`.
    #[error("{0}")]
    DpdkVersion(String),
    /// `--devargs` without `TARGET=DEVARGS`.
    #[error("expected TARGET=DEVARGS, e.g. net1=rxq_cqe_comp_en=1")]
    Devargs,
    /// A page size option.
    #[error("{0:?} is not a page size such as 2Mi or 1Gi")]
    PageSize(String),
    /// A duration option (`--timeout`, `--interval`, ...).
    #[error("{0:?} is not a duration such as 30, 1.5, 500ms, 2m")]
    Duration(String),
    /// `--allow` with a code that does not exist.
    #[error("unknown warning code {0:?}; the codes are {codes}", codes = all_codes())]
    WarningCode(String),
}

fn all_codes() -> String {
    let all: Vec<&str> = WarningCode::ALL.iter().map(|c| c.as_str()).collect();
    all.join(", ")
}

/// A warning code as `--allow` takes it.
fn parse_code(s: &str) -> Result<WarningCode, ArgValueError> {
    WarningCode::parse(s).ok_or_else(|| ArgValueError::WarningCode(s.to_owned()))
}

/// Writes to stdout. Any failure (a closed standard output, a closed pipe,
/// a full disk) is an error: a message on stderr and exit status 1, so that
/// a caller never takes a missing output for an empty one.
pub(crate) fn write_stdout(text: &str) -> Result<(), ExitCode> {
    let stdout = std::io::stdout();
    // Rust's standard output quietly drops writes to a closed descriptor
    // (EBADF): look first.
    let writable = !STDOUT_CLOSED.load(Ordering::Relaxed)
        && rustix::fs::fcntl_getfl(stdout.as_fd()).is_ok_and(|flags| {
            matches!(
                flags & OFlags::ACCMODE,
                f if f == OFlags::WRONLY || f == OFlags::RDWR
            )
        });
    if !writable {
        say("writing output: standard output is closed");
        return Err(ExitCode::FAILURE);
    }
    let mut out = stdout.lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) => {
            say(&format!("writing output: {e}"));
            Err(ExitCode::FAILURE)
        }
    }
}

/// Whether standard output was closed when the program started (`>&-`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Notes whether standard output is closed, before `main`: Rust's runtime
/// puts `/dev/null` on a closed standard descriptor before `main` runs, and
/// output written there would vanish without an error. Without `/proc`
/// nothing is noted.
#[cfg(target_os = "linux")]
#[used]
// SAFETY: an `.init_array` entry runs before `main`, once, on the only
// thread; the function it names only looks up a path and stores an atomic,
// nothing that needs the runtime set up.
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

#[cfg(target_os = "linux")]
extern "C" fn note_closed_stdout() {
    let closed = std::fs::symlink_metadata("/proc/self/fd/1")
        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        && std::fs::symlink_metadata("/proc/self/fd").is_ok();
    STDOUT_CLOSED.store(closed, Ordering::Relaxed);
}

/// Prints `msg` to stderr as one line, `app-netutil: ` first, with the
/// characters a terminal would act on escaped ([`printable`]).
pub(crate) fn say(msg: &str) {
    eprintln!("app-netutil: {}", printable(msg));
}

/// `s` made safe to show on a terminal: control characters (C0, DEL, C1:
/// escape sequences, newlines, carriage returns) and the Unicode
/// bidirectional controls are written as escapes (`\x1b`, `\n`,
/// `\u{202e}`), so that data from the pod cannot move the cursor, rewrite
/// the screen or reorder what is shown. Everything else is unchanged.
pub(crate) fn printable(s: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}
