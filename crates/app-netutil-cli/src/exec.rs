//! `app-netutil exec`: replace this process with a DPDK program that gets
//! the pod's EAL arguments.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

use clap::Args;

use crate::common::PodArgs;
use crate::dpdk_opts::{self, DpdkArgs};
use crate::shquote;

/// Exit status when the program cannot be found (as in POSIX shells).
const EXIT_NOT_FOUND: u8 = 127;
/// Exit status when the program exists but cannot be run.
const EXIT_CANNOT_RUN: u8 = 126;

/// `app-netutil exec`.
#[derive(Args, Debug)]
pub(crate) struct ExecArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    #[command(flatten)]
    pub(crate) dpdk: DpdkArgs,
    #[command(flatten)]
    pub(crate) wait: crate::waiting::WaitFirst,
    /// The DPDK program and its application arguments, after `--`. It is run as PROGRAM <EAL args> -- <APP ARGS>.
    #[arg(last = true, required = true, value_name = "PROGRAM [APP ARGS]")]
    pub(crate) command: Vec<OsString>,
}

/// A command-line error of `exec` made clearer: a program named before
/// `--` (`exec dpdk-testpmd ...`) is an "unexpected argument" to clap; the
/// error then says to put the program after `--`. Any other error is
/// returned as it is.
pub(crate) fn clarify_parse_error(mut err: clap::Error, argv: &[OsString]) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    // `app-netutil exec ...`: the subcommand is the first argument (the
    // command itself has no options that take a value).
    if err.kind() != ErrorKind::UnknownArgument || argv.get(1).is_none_or(|a| a != "exec") {
        return err;
    }
    let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else {
        return err;
    };
    // An option is clap's own business (it suggests `-- --x` itself).
    if arg.starts_with('-') {
        return err;
    }
    let program = arg.clone();
    let tip =
        format!("put the program after `--`: app-netutil exec [OPTIONS] -- {program} [APP ARGS]");
    let tips = match err.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(old)) => {
            let mut all = old.clone();
            all.push(tip.into());
            all
        }
        _ => vec![tip.into()],
    };
    err.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    err
}

pub(crate) fn run(args: &ExecArgs) -> ExitCode {
    let Some((program, app_args)) = args.command.split_first() else {
        crate::common::say("exec: no program given");
        return ExitCode::from(crate::common::EXIT_USAGE);
    };
    // On timeout the program is not started.
    let (_report, eal, strict) = match dpdk_opts::prepare(&args.pod, &args.wait, &args.dpdk) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(code) = strict {
        crate::common::say("exec: not starting the program: warnings and --strict");
        return code;
    }
    // A `--` the user already wrote between program and application
    // arguments is not doubled.
    let app_args = match app_args.split_first() {
        Some((first, rest)) if first == "--" => rest,
        _ => app_args,
    };
    let mut cmd = Command::new(program);
    cmd.args(&eal.args);
    if !app_args.is_empty() {
        cmd.arg("--").args(app_args);
    }
    if args.pod.verbose > 0 {
        // Arguments from the command line and the library hold no NUL
        // byte; were one there, the word is shown as `?`.
        let word = |s: &std::ffi::OsStr| {
            shquote::quote(&s.to_string_lossy()).map_or_else(|_| "?".to_owned(), |q| q.into_owned())
        };
        let mut line = word(program);
        for a in cmd.get_args() {
            line.push(' ');
            line.push_str(&word(a));
        }
        crate::common::say(&format!("info: exec {line}"));
    }
    // Only returns on failure.
    let err = cmd.exec();
    crate::common::say(&format!(
        "exec: cannot run {}: {err}",
        program.to_string_lossy()
    ));
    ExitCode::from(if err.kind() == std::io::ErrorKind::NotFound {
        EXIT_NOT_FOUND
    } else {
        EXIT_CANNOT_RUN
    })
}
