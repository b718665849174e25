//! `app-netutil completions SHELL` and the hidden `app-netutil man DIR`:
//! shell completion scripts and manual pages, both generated from the
//! command-line definition itself, so they cannot drift from it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Command, ValueEnum};

use crate::common::write_stdout;
use crate::output;

/// A shell to complete for.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shell {
    /// Bash (bash-completion): `source <(app-netutil completions bash)`.
    Bash,
    /// Zsh: a `_app-netutil` file in a directory of `$fpath`.
    Zsh,
    /// Fish: `app-netutil completions fish | source`.
    Fish,
}

/// `app-netutil completions`.
#[derive(Args, Debug)]
pub(crate) struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

/// `app-netutil man`.
#[derive(Args, Debug)]
pub(crate) struct ManArgs {
    /// Directory to write app-netutil.1 and app-netutil-<subcommand>.1 into (created if missing).
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,
}

/// The completion script for `shell`.
pub(crate) fn completion_script(mut cmd: Command, shell: Shell) -> Vec<u8> {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let name = cmd.get_name().to_owned();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, name.as_str(), &mut out);
    if shell == clap_complete::Shell::Bash && name.contains('-') {
        // clap_complete 4.6 spells the state of a hyphenated binary's
        // subcommands two ways in bash (clap-rs/clap issue 6421): the
        // loop reaches `app__netutil__subcmd__inject`, the case arm says
        // `app__subcmd__netutil__subcmd__inject`, so no subcommand's
        // options complete. Spell the arms as the loop does.
        let text = String::from_utf8_lossy(&out)
            .replace(&name.replace('-', "__subcmd__"), &name.replace('-', "__"));
        return text.into_bytes();
    }
    out
}

/// The manual pages: the file name and its roff text, the command's own
/// page first, then one per visible subcommand.
pub(crate) fn man_pages(cmd: Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    let mut page = |c: Command| -> std::io::Result<()> {
        let man = clap_mangen::Man::new(c);
        let mut text = Vec::new();
        man.render(&mut text)?;
        pages.push((man.get_filename(), text));
        Ok(())
    };
    page(cmd.clone())?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        page(sub.clone())?;
    }
    Ok(pages)
}

/// Runs `app-netutil completions`.
pub(crate) fn run_completions(cmd: Command, args: &CompletionsArgs) -> ExitCode {
    let script = completion_script(cmd, args.shell);
    match write_stdout(&String::from_utf8_lossy(&script)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// Runs `app-netutil man`.
pub(crate) fn run_man(cmd: Command, args: &ManArgs) -> ExitCode {
    let pages = match man_pages(cmd) {
        Ok(pages) => pages,
        Err(e) => {
            crate::common::say(&format!("man: {e}"));
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        crate::common::say(&format!("man: {}: {e}", args.dir.display()));
        return ExitCode::FAILURE;
    }
    for (name, text) in pages {
        let path = args.dir.join(&name);
        if let Err(e) = output::replace_file(&path, &text, output::Target::Exact) {
            crate::common::say(&format!("man: writing the page: {e}"));
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
