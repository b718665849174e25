//! `app-netutil`: show what a Kubernetes pod was given and start DPDK
//! applications with matching EAL arguments.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod common;
mod inject;
mod show;

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
    /// Add the podnetinfo downward-API volume, its mounts and CONTAINER_NAME to Kubernetes manifests.
    Inject(inject::InjectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Show(args) => show::run(&args),
        Command::Inject(args) => inject::run(&args),
    }
}
