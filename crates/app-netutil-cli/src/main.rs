//! `app-netutil`: show what a Kubernetes pod was given and start DPDK
//! applications with matching EAL arguments.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod common;
mod doctor;
mod dpdk_args;
mod dpdk_opts;
mod env;
mod exec;
mod inject;
mod input;
mod output;
mod progress;
mod schema;
mod shell;
mod show;
mod shquote;
mod table;
mod term;
mod waiting;

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
    Show(show::ShowArgs),
    /// Print the DPDK EAL arguments for the pod's CPUs, hugepages and devices.
    DpdkArgs(dpdk_args::DpdkArgsArgs),
    /// Run a DPDK program with the pod's EAL arguments: exec PROGRAM <EAL args> -- <APP ARGS>.
    Exec(exec::ExecArgs),
    /// Add the podnetinfo downward-API volume, its mounts and CONTAINER_NAME to Kubernetes manifests.
    Inject(inject::InjectArgs),
    /// Wait until the pod's network data is present and stable (exit status 4 on timeout).
    Wait(waiting::WaitArgs),
    /// Check that what the pod was given is usable: volumes, device nodes, sockets, hugetlbfs, NUMA, VM (exit status 1 when a check fails).
    Doctor(doctor::DoctorArgs),
    /// Print the report as shell export lines (or JSON) for entrypoint scripts and init containers.
    Env(env::EnvArgs),
    /// Print the JSON Schema of the report (`show --json`), contract app-netutil/v1.
    Schema(schema::SchemaArgs),
    /// Print the shell completion script for bash, zsh or fish.
    Completions(shell::CompletionsArgs),
    /// Write the manual pages (app-netutil.1, app-netutil-<subcommand>.1) into DIR (used by `make install`).
    #[command(hide = true)]
    Man(shell::ManArgs),
}

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => exec::clarify_parse_error(e, &argv).exit(),
    };
    match cli.command {
        Command::Show(args) => show::run(&args),
        Command::DpdkArgs(args) => dpdk_args::run(&args),
        Command::Exec(args) => exec::run(&args),
        Command::Inject(args) => inject::run(&args),
        Command::Wait(args) => waiting::run(&args),
        Command::Doctor(args) => doctor::run(&args),
        Command::Env(args) => env::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => shell::run_completions(Cli::command(), &args),
        Command::Man(args) => shell::run_man(Cli::command(), &args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
