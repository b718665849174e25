//! `app-netutil dpdk-args`: print the EAL arguments.

use std::borrow::Cow;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::common::{PodArgs, write_stdout};
use crate::dpdk_opts::{self, DpdkArgs};

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
            let mut line = shell_join(eal.args.iter().map(String::as_str));
            line.push('\n');
            line
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

/// Quotes `s` for a POSIX shell: unchanged when it is made only of
/// characters no shell treats specially, else in single quotes (a `'`
/// becomes `'\''`).
pub(crate) fn shell_quote(s: &str) -> Cow<'_, str> {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b));
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', r"'\''")))
    }
}

/// The words quoted and joined by spaces.
pub(crate) fn shell_join<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words
        .into_iter()
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("-a"), "-a");
        assert_eq!(shell_quote("0000:3b:02.4"), "0000:3b:02.4");
        assert_eq!(
            shell_quote("--vdev=net_memif0,socket=/run/m.sock,role=client"),
            "--vdev=net_memif0,socket=/run/m.sock,role=client"
        );
        assert_eq!(shell_quote("--lcores=0@130,1@131"), "--lcores=0@130,1@131");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote("~x"), "'~x'");
        assert_eq!(shell_quote("a*"), "'a*'");
        assert_eq!(shell_quote("(1-3)@(31-33)"), "'(1-3)@(31-33)'");
        assert_eq!(shell_join(["-l", "0-3", "x y"]), "-l 0-3 'x y'");
    }

    /// What `sh` makes of the quoted line is the original argv.
    #[test]
    fn quoting_round_trips_through_sh() {
        let words = [
            "plain",
            "",
            "a b",
            "it's",
            "$HOME",
            "`id`",
            "\"q\"",
            "back\\slash",
            "new\nline",
            "*",
            "~",
            "#c",
            "x;y",
            "a|b&c",
            "é",
        ];
        let script = format!("printf '%s\\0' {}", shell_join(words));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert!(out.status.success());
        let got: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .split_terminator('\0')
            .map(str::to_owned)
            .collect();
        assert_eq!(got, words);
    }
}
