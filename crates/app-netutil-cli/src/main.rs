//! `app-netutil`: show what a Kubernetes pod was given and start DPDK
//! applications with matching EAL arguments.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use app_netutil::{LogLevel, Options, Report};
use clap::{Args, Parser, Subcommand};

mod show;

/// Exit status when the report was produced but `--strict` found warnings.
const EXIT_STRICT: u8 = 3;
/// Exit status for unusable arguments (clap uses it too).
const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "app-netutil",
    version,
    about = "Show what a Kubernetes pod was given (CPUs, hugepages, network interfaces and devices) and build DPDK EAL arguments from it",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the pod report: a table by default, the JSON contract with --json.
    Show(ShowArgs),
}

/// Where the pod is and how to report problems.
#[derive(Args, Debug, Clone)]
struct PodArgs {
    /// Read the pod below DIR instead of / (a fixture tree or a copy).
    #[arg(long, value_name = "DIR", default_value = "/")]
    root: PathBuf,
    /// Read the downward-API files from DIR (default: <root>/etc/podnetinfo, or <root>/etc/podinfo when only that exists).
    #[arg(long, value_name = "DIR")]
    podinfo_dir: Option<PathBuf>,
    /// Exit with status 3 when the report has warnings.
    #[arg(long)]
    strict: bool,
    /// Do not print warnings to standard error.
    #[arg(long, short)]
    quiet: bool,
    /// Log what is read and decided to standard error (-v info, -vv debug).
    #[arg(long, short, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Args, Debug)]
struct ShowArgs {
    #[command(flatten)]
    pod: PodArgs,
    /// Print the report as JSON (contract v1, docs/report.md).
    #[arg(long)]
    json: bool,
}

impl PodArgs {
    fn options(&self) -> Options {
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
    fn collect(&self) -> Result<Report, ExitCode> {
        app_netutil::collect(&self.options()).map_err(|e| {
            eprintln!("app-netutil: {e}");
            ExitCode::from(EXIT_USAGE)
        })
    }

    /// Prints the warnings to stderr and picks the exit status.
    fn finish(&self, report: &Report) -> ExitCode {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Show(args) => run_show(&args),
    }
}

fn run_show(args: &ShowArgs) -> ExitCode {
    let report = match args.pod.collect() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let text = if args.json {
        let mut s = report.to_json_pretty();
        s.push('\n');
        s
    } else {
        show::render(&report)
    };
    if let Err(code) = write_stdout(&text) {
        return code;
    }
    args.pod.finish(&report)
}

/// Writes to stdout; a closed pipe is not an error worth a message.
fn write_stdout(text: &str) -> Result<(), ExitCode> {
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
