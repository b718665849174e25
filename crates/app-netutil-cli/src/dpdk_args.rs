//! `app-netutil dpdk-args`: print the EAL arguments.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::common::{PodArgs, write_stdout};
use crate::dpdk_opts::{self, DpdkArgs};
use crate::shquote;

/// How to print the arguments.
#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Format {
    /// One line, each argument quoted for a POSIX shell where needed.
    #[default]
    Shell,
    /// `{"args": [...], "warnings": [...]}` on one line.
    Json,
    /// Each argument followed by a NUL byte (for `xargs -0`, `mapfile -d ''`).
    Nul,
}

/// `app-netutil dpdk-args`.
#[derive(Args, Debug)]
pub(crate) struct DpdkArgsArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    #[command(flatten)]
    pub(crate) dpdk: DpdkArgs,
    #[command(flatten)]
    pub(crate) wait: crate::waiting::WaitFirst,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Shell)]
    pub(crate) format: Format,
}

pub(crate) fn run(args: &DpdkArgsArgs) -> ExitCode {
    let (_report, eal, strict) = match dpdk_opts::prepare(&args.pod, &args.wait, &args.dpdk) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let text = match args.format {
        Format::Shell => {
            // The library refuses a NUL byte in every argument.
            match shquote::join(eal.args.iter().map(String::as_str)) {
                Ok(mut line) => {
                    line.push('\n');
                    line
                }
                Err(e) => {
                    crate::common::say(&format!("dpdk-args: an EAL argument holds {e}"));
                    return ExitCode::FAILURE;
                }
            }
        }
        Format::Json => {
            let mut s = serde_json::to_string(&eal).unwrap_or_else(|_| "{}".to_owned());
            s.push('\n');
            s
        }
        Format::Nul => eal.args.iter().map(|a| format!("{a}\0")).collect(),
    };
    if let Err(code) = write_stdout(&text) {
        return code;
    }
    strict.unwrap_or(ExitCode::SUCCESS)
}
