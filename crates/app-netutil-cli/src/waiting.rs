//! `app-netutil wait`, and `--wait` for the subcommands that start from
//! the pod's data.

use std::process::ExitCode;
use std::time::Duration;

use app_netutil::Report;
use app_netutil::wait::{WaitError, WaitOptions, WatchMode};
use clap::Args;

use crate::common::{ArgValueError, EXIT_TIMEOUT, EXIT_USAGE, PodArgs, write_stdout};

/// `app-netutil wait`.
#[derive(Args, Debug)]
pub(crate) struct WaitArgs {
    #[command(flatten)]
    pub(crate) pod: PodArgs,
    /// Give up after this long (seconds, or with a unit: 500ms, 2m); 0 waits for ever. Exit status 4 on timeout.
    #[arg(long, value_name = "DURATION", default_value = "60", value_parser = parse_duration)]
    pub(crate) timeout: Duration,
    #[command(flatten)]
    pub(crate) tuning: WaitTuning,
    /// Print the report (contract JSON) once the data is ready.
    #[arg(long)]
    pub(crate) json: bool,
}

/// How to wait; shared by `wait` and `--wait`.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Waiting")]
pub(crate) struct WaitTuning {
    /// The data must stay unchanged this long (seconds, or 500ms, 2s).
    #[arg(long, value_name = "DURATION", default_value = "1", value_parser = parse_duration)]
    pub(crate) settle: Duration,
    /// Read the pod periodically instead of watching the downward-API directory with inotify.
    #[arg(long)]
    pub(crate) poll: bool,
    /// How often to read the pod when polling.
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = parse_duration)]
    pub(crate) poll_interval: Duration,
    /// Do not require network-status (a pod without Multus): wait only for stable data.
    #[arg(long)]
    pub(crate) without_network_status: bool,
}

/// `--wait` and its timeout, for `exec`, `dpdk-args` and `env`.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Waiting")]
pub(crate) struct WaitFirst {
    /// Wait first until the pod's network data is present and stable (as `app-netutil wait`); on timeout exit with status 4 and do nothing else.
    #[arg(long, conflicts_with = "report")]
    pub(crate) wait: bool,
    /// With --wait: give up after this long; 0 waits for ever.
    #[arg(long, value_name = "DURATION", default_value = "60", value_parser = parse_duration)]
    pub(crate) wait_timeout: Duration,
    #[command(flatten)]
    pub(crate) tuning: WaitTuning,
}

impl WaitTuning {
    fn options(&self, timeout: Duration) -> WaitOptions {
        WaitOptions::new()
            .timeout((!timeout.is_zero()).then_some(timeout))
            .settle(self.settle)
            .poll_interval(self.poll_interval)
            .watch(if self.poll {
                WatchMode::Poll
            } else {
                WatchMode::Auto
            })
            .require_network_status(!self.without_network_status)
    }
}

/// Parses `1`, `1.5`, `500ms`, `2s`, `1m`: seconds unless a unit is given.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, ArgValueError> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| ArgValueError::Duration(s.to_owned()))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| ArgValueError::Duration(s.to_owned()))
}

/// Waits; on failure prints one line and returns the exit status.
fn wait_for(pod: &PodArgs, options: &WaitOptions) -> Result<Report, ExitCode> {
    match crate::progress::wait_showing_progress(pod, options) {
        Ok(ready) => Ok(ready.report),
        Err(e @ WaitError::Timeout { .. }) => {
            crate::common::say(&format!("wait: {e}"));
            Err(ExitCode::from(EXIT_TIMEOUT))
        }
        Err(e) => {
            crate::common::say(&e.to_string());
            Err(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// Refuses a settle time that cannot pass before the timeout: the wait
/// would always end in a timeout that blames the data ("kept changing").
fn check_settle(settle: Duration, timeout: Duration, timeout_flag: &str) -> Result<(), ExitCode> {
    if timeout.is_zero() || settle < timeout {
        return Ok(());
    }
    crate::common::say(&format!(
        "--settle {} is not shorter than {timeout_flag} {}: the data could never stay unchanged that long before the time is up; make --settle shorter or {timeout_flag} longer (0 waits for ever)",
        fmt_secs(settle),
        fmt_secs(timeout)
    ));
    Err(ExitCode::from(EXIT_USAGE))
}

fn fmt_secs(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

/// `--wait`: waits when asked to; `Err` carries the exit status.
pub(crate) fn wait_first(pod: &PodArgs, first: &WaitFirst) -> Result<(), ExitCode> {
    if first.wait {
        check_settle(first.tuning.settle, first.wait_timeout, "--wait-timeout")?;
        wait_for(pod, &first.tuning.options(first.wait_timeout))?;
    }
    Ok(())
}

pub(crate) fn run(args: &WaitArgs) -> ExitCode {
    if let Err(code) = check_settle(args.tuning.settle, args.timeout, "--timeout") {
        return code;
    }
    let report = match wait_for(&args.pod, &args.tuning.options(args.timeout)) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if args.json {
        let mut text = report.to_json_pretty();
        text.push('\n');
        if let Err(code) = write_stdout(&text) {
            return code;
        }
    }
    args.pod.finish(&report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_must_be_shorter_than_the_timeout() {
        let s = Duration::from_secs;
        assert!(check_settle(s(1), s(60), "--timeout").is_ok());
        assert!(
            check_settle(s(60), s(0), "--timeout").is_ok(),
            "0 waits for ever"
        );
        assert!(check_settle(s(60), s(60), "--timeout").is_err());
        assert!(check_settle(s(61), s(60), "--timeout").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in ["", "x", "-1", "1d", "ms"] {
            assert_eq!(
                parse_duration(bad),
                Err(ArgValueError::Duration(bad.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(
            parse_duration("1e300").unwrap_err().to_string(),
            "\"1e300\" is not a duration such as 30, 1.5, 500ms, 2m"
        );
    }
}
