//! `app-netutil doctor`: pre-flight checks, one line each.

use std::fmt::Write;
use std::process::ExitCode;

use app_netutil::doctor::{self, Check, Diagnosis, Status};
use clap::Args;
use serde_json::json;

use crate::common::{EXIT_USAGE, PodArgs, printable, write_stdout};

/// Exit status when a check failed (or warned, with --strict).
const EXIT_FAILED: u8 = 1;

/// `app-netutil doctor`.
#[derive(Args, Debug)]
// The shared --strict says status 3 (a report with warnings); doctor's
// statuses are its own.
#[command(mut_arg("strict", |a| a.help("Also exit with status 1 when a check warns (without it, only a failed check does)")))]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    /// Print the checks as JSON: {"checks": [{id, subject, status, message, fix}], "summary": {...}, "failed": bool}.
    #[arg(long)]
    pub(crate) json: bool,
}

const ORDER: [Status; 5] = [
    Status::Pass,
    Status::Info,
    Status::Skip,
    Status::Warn,
    Status::Fail,
];

/// The checks as text: a status, the check and its subject, the message;
/// the fix indented below; a summary line.
pub(crate) fn render(diag: &Diagnosis) -> String {
    // Subjects and messages carry the pod's data: escaped for the terminal.
    let label = |c: &Check| match &c.subject {
        Some(s) => format!("{} ({})", c.id, printable(s)),
        None => c.id.to_owned(),
    };
    let width = diag
        .checks
        .iter()
        .map(|c| label(c).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for c in &diag.checks {
        let _ = writeln!(
            out,
            "{:<4}  {:<width$}  {}",
            c.status.as_str().to_ascii_uppercase(),
            label(c),
            printable(&c.message)
        );
        if let Some(fix) = &c.fix {
            let _ = writeln!(out, "      {:<width$}  fix: {}", "", printable(fix));
        }
    }
    let counts: Vec<String> = ORDER
        .iter()
        .map(|s| format!("{} {}", diag.count(*s), s.as_str()))
        .collect();
    let _ = writeln!(out, "doctor: {}", counts.join(", "));
    out
}

pub(crate) fn run(args: &DoctorArgs) -> ExitCode {
    let diag = match doctor::run(&args.pod.options()) {
        Ok(d) => d,
        Err(e) => {
            crate::common::say(&e.to_string());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let failed = diag.failed(args.pod.strict);
    let text = if args.json {
        let summary: serde_json::Map<String, serde_json::Value> = ORDER
            .iter()
            .map(|s| (s.as_str().to_owned(), json!(diag.count(*s))))
            .collect();
        let mut s = serde_json::to_string_pretty(&json!({
            "checks": diag.checks,
            "summary": summary,
            "failed": failed,
        }))
        .unwrap_or_else(|_| "{}".to_owned());
        s.push('\n');
        s
    } else {
        render(&diag)
    };
    if let Err(code) = write_stdout(&text) {
        return code;
    }
    if failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}
