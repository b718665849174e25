//! Options every subcommand shares: where the pod is, logging, strictness.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use app_netutil::{LogLevel, Options, Report};
use clap::Args;

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
    /// Exit with status 3 when the report has warnings.
    #[arg(long)]
    pub(crate) strict: bool,
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
                        eprintln!("app-netutil: {}: {msg}", level.as_str());
                    }
                }),
            );
        }
        opts
    }

    /// Collects the report, or prints a one-line error.
    pub(crate) fn collect(&self) -> Result<Report, ExitCode> {
        app_netutil::collect(&self.options()).map_err(|e| {
            eprintln!("app-netutil: {e}");
            ExitCode::from(EXIT_USAGE)
        })
    }

    /// Prints the warnings to stderr and picks the exit status.
    pub(crate) fn finish(&self, report: &Report) -> ExitCode {
        if !self.quiet {
            for w in &report.warnings {
                eprintln!("app-netutil: warning: {w}");
            }
        }
        if self.strict && !report.warnings.is_empty() {
            ExitCode::from(EXIT_STRICT)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// Writes to stdout; a closed pipe is not an error worth a message.
pub(crate) fn write_stdout(text: &str) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("app-netutil: writing output: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}
