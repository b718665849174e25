//! Waiting until the pod's network data is present and stable.
//!
//! Kubelet fills the downward-API volume from its cached copy of the Pod
//! when the container starts, often before Multus has written
//! `network-status` (multus-cni issue 1113), and rewrites it on a later
//! sync by swapping the `..data` link of the directory. [`wait`] collects
//! reports until the data is *ready* and has not changed for a settle time:
//!
//! 1. `network-status` (or the deprecated `networks-status`) is present in
//!    the `annotations` file and usable (unless
//!    [`WaitOptions::require_network_status`] is off);
//! 2. every device-plugin device is accounted for: tied to an interface by
//!    any rule (device-info, sysfs, position), or reported on its own while
//!    network-status is present. Once network-status is there, the matching
//!    rules have already offered a left-over device to every interface that
//!    could take it, so a device on its own is final (a resource requested
//!    without a network). While network-status is absent, every device is
//!    on its own only because the interfaces are not known yet, so it is
//!    not accounted for; when network-status is not required, a device on
//!    its own is accepted as the answer;
//! 3. the report (its JSON without the host hugepage pools, whose free
//!    counts change with other pods) has not changed for
//!    [`WaitOptions::settle`]. A change restarts the settle time.
//!
//! A pod that requests no Multus networks (no `k8s.v1.cni.cncf.io/networks`
//! annotation) and has DRA inputs (a metadata file, a
//! `SRIOVNETWORK_VF_DEVICE_*` variable) never gets a network-status for
//! them: conditions 1 and 2 are replaced by "every DRA metadata file is
//! usable" (`docs/dra.md`).
//!
//! Changes are noticed through inotify on the downward-API directory itself
//! (not its files: the atomic writer replaces `..data`, which is seen as
//! `IN_CREATE`/`IN_MOVED_TO`/`IN_DELETE` in the directory), with a rescan
//! every [`INOTIFY_RESCAN`] for everything outside it and for file systems
//! that send no events; the DRA metadata files read are watched one by one.
//! Where inotify cannot be used (no such directory
//! yet, `inotify_init` or `inotify_add_watch` failing) or
//! [`WatchMode::Poll`] is asked for, the pod is read every
//! [`WaitOptions::poll_interval`]. No thread is started: the calling
//! thread sleeps in `poll(2)`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rustix::fs::inotify;
use thiserror::Error;

use crate::assemble::annotations::{
    ANNOTATION_KEYS, NetworkStatusState, network_status_state, read_annotations,
};
use crate::assemble::dra::read::DraInputs;
use crate::error::Error;
use crate::log::LogLevel;
use crate::options::Options;
use crate::parse::downward::Selected;
use crate::parse::netstatus::NETWORKS_KEY;
use crate::report::Report;
use crate::source::{PodView, PodViewError};

mod watch;
use self::watch::Inotify;

/// With inotify, the pod is read again at least this often even without
/// events (sysfs and device nodes send none; some file systems neither).
pub const INOTIFY_RESCAN: Duration = Duration::from_secs(2);

/// How changes are noticed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WatchMode {
    /// inotify on the downward-API directory where possible, else polling.
    #[default]
    Auto,
    /// Read the pod every [`WaitOptions::poll_interval`]; never inotify.
    Poll,
}

/// What was used to notice changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Watcher {
    /// inotify on the downward-API directory (for at least part of the wait).
    Inotify,
    /// Polling only.
    Poll,
}

impl Watcher {
    /// `inotify` or `poll`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inotify => "inotify",
            Self::Poll => "poll",
        }
    }
}

/// How to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long; `None` waits for ever.
    pub timeout: Option<Duration>,
    /// The data must stay unchanged this long.
    pub settle: Duration,
    /// How often to read the pod when polling.
    pub poll_interval: Duration,
    /// inotify or polling.
    pub watch: WatchMode,
    /// Whether network-status must be present (condition 1 of the module
    /// documentation). Off for pods without Multus.
    pub require_network_status: bool,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Some(Duration::from_secs(60)),
            settle: Duration::from_secs(1),
            poll_interval: Duration::from_millis(250),
            watch: WatchMode::Auto,
            require_network_status: true,
        }
    }
}

impl WaitOptions {
    /// Defaults: 60 s timeout, 1 s settle time, 250 ms polling, inotify
    /// where possible, network-status required.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the timeout (`None`: for ever).
    #[must_use]
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the settle time.
    #[must_use]
    pub fn settle(mut self, settle: Duration) -> Self {
        self.settle = settle;
        self
    }

    /// Sets the polling interval.
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Sets how changes are noticed.
    #[must_use]
    pub fn watch(mut self, watch: WatchMode) -> Self {
        self.watch = watch;
        self
    }

    /// Sets whether network-status must be present.
    #[must_use]
    pub fn require_network_status(mut self, require: bool) -> Self {
        self.require_network_status = require;
        self
    }
}

/// The data is ready.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Ready {
    /// The last report, the one that stayed unchanged for the settle time.
    pub report: Report,
    /// How long the wait took.
    pub waited: Duration,
    /// What noticed changes.
    pub watcher: Watcher,
    /// How many reports were collected.
    pub reads: u64,
}

/// Why waiting ended without ready data.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The timeout passed first.
    #[error("timed out after {:.1} s: {}", waited.as_secs_f64(), describe_pending(pending))]
    Timeout {
        /// How long was waited.
        waited: Duration,
        /// What was still missing; empty when the data was complete but
        /// kept changing.
        pending: Vec<String>,
        /// The last report, when one could be collected.
        report: Option<Box<Report>>,
    },
    /// The pod cannot be read at all (its root is not a directory).
    #[error(transparent)]
    Collect(#[from] Error),
}

fn describe_pending(pending: &[String]) -> String {
    if pending.is_empty() {
        "the data kept changing".to_owned()
    } else {
        pending.join("; ")
    }
}

/// What is still missing before `report` (collected from `pod`) counts as
/// ready; empty when nothing is (the settle time aside).
#[must_use]
pub fn pending(pod: &PodView, report: &Report, wait: &WaitOptions) -> Vec<String> {
    let mut scratch = crate::report::warning::Warnings::new();
    let annotations = pod
        .podinfo_dir()
        .map(|_| read_annotations(pod, &mut scratch));
    let dra = crate::assemble::dra::read::read(pod, crate::log::Log(None), &mut scratch);
    pending_in(pod, report, annotations.as_ref(), &dra, wait)
}

/// [`pending`] with the annotations the report was made from (`None` when
/// the pod has no downward-API directory): judging the report by a second
/// read of the file could see data the report does not hold, and declare
/// an old report ready.
fn pending_in(
    pod: &PodView,
    report: &Report,
    annotations: Option<&Selected>,
    dra: &DraInputs,
    wait: &WaitOptions,
) -> Vec<String> {
    let mut missing = Vec::new();
    // DRA standalone mode: a pod that requests no Multus networks and has
    // DRA inputs never gets a network-status for them; the DRA inputs
    // being usable is the condition instead.
    let requests_networks = annotations.is_some_and(|a| a.contains_key(NETWORKS_KEY));
    if wait.require_network_status && !requests_networks && dra.any() {
        for (path, why) in &dra.unusable {
            missing.push(format!("DRA metadata file {path} is not usable yet: {why}"));
        }
        return missing;
    }
    let annotations_file = format!(
        "{}/annotations",
        pod.podinfo_display().trim_end_matches('/')
    );
    let status = if pod.podinfo_dir().is_none() {
        if wait.require_network_status {
            missing.push(format!(
                "downward-API directory {} does not exist",
                pod.podinfo_display()
            ));
        }
        NetworkStatusState::Absent
    } else {
        let none = Selected::none(ANNOTATION_KEYS);
        let state = network_status_state(annotations.unwrap_or(&none));
        if wait.require_network_status {
            match &state {
                NetworkStatusState::Present { .. } => {}
                NetworkStatusState::Absent => missing.push(format!(
                    "no network-status annotation in {annotations_file} yet"
                )),
                NetworkStatusState::Unusable(why) => missing.push(why.clone()),
            }
        }
        state
    };
    let status_present = matches!(status, NetworkStatusState::Present { .. });
    if status_present || !wait.require_network_status {
        return missing;
    }
    for iface in &report.interfaces {
        if iface.interface.is_some() || iface.resource_env.is_none() {
            continue;
        }
        missing.push(format!(
            "device {} ({}) is not tied to an interface yet",
            iface.device_id.as_deref().unwrap_or("?"),
            iface.resource_env.as_deref().unwrap_or("?"),
        ));
    }
    missing
}

/// What is compared between reads: the report without the host pools.
fn fingerprint(report: &Report) -> String {
    let mut r = report.clone();
    r.hugepages.host_pools.clear();
    r.to_json()
}

/// Waits until the pod's network data is ready and has not changed for the
/// settle time (see the module documentation), and returns the last report.
///
/// Progress goes to the logger of `opts` at level info (what is missing,
/// what changed); the reports collected on the way log only at debug level.
///
/// # Errors
///
/// [`WaitError::Timeout`] when the timeout passes first (with what was
/// missing and the last report), [`WaitError::Collect`] when the pod root
/// is not a directory.
pub fn wait(opts: &Options, wait: &WaitOptions) -> Result<Ready, WaitError> {
    wait_with_progress(opts, wait, &mut |_| {})
}

/// Where a wait stands, after a read of the pod ([`wait_with_progress`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// Time since the wait started.
    pub elapsed: Duration,
    /// What is still missing ([`pending`]); empty once the data is
    /// complete and only has to stay unchanged for the settle time.
    pub pending: &'a [String],
    /// How many reports were collected so far.
    pub reads: u64,
}

/// [`wait`], calling `progress` on the calling thread after every read of
/// the pod (at least every [`INOTIFY_RESCAN`] or
/// [`WaitOptions::poll_interval`]), so that a caller can show what is
/// awaited.
///
/// # Errors
///
/// As [`wait`].
pub fn wait_with_progress(
    opts: &Options,
    wait: &WaitOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Ready, WaitError> {
    let start = Instant::now();
    let deadline = wait.timeout.map(|t| start + t);
    let mut quiet = opts.clone();
    if quiet
        .logger
        .as_ref()
        .is_some_and(|l| l.max_level < LogLevel::Debug)
    {
        quiet.logger = None;
    }
    let mut watch = match wait.watch {
        WatchMode::Auto => {
            match inotify::init(inotify::CreateFlags::CLOEXEC | inotify::CreateFlags::NONBLOCK) {
                Ok(fd) => Some(Inotify {
                    fd,
                    dir: None,
                    wd: None,
                    files: Vec::new(),
                }),
                Err(e) => {
                    opts.log().log(LogLevel::Info, || {
                        format!("wait: inotify is not available ({e}); polling")
                    });
                    None
                }
            }
        }
        WatchMode::Poll => None,
    };
    let mut used_inotify = false;
    let mut last: Option<(String, Instant)> = None;
    let mut last_pending: Option<Vec<String>> = None;
    let mut last_report: Option<Report> = None;
    let mut reads = 0u64;
    loop {
        let view = PodView::from_options(opts);
        // The watch is set up before the pod's files are read, so that a
        // change made while reading is not missed.
        if let Some(w) = watch.as_mut() {
            let pod = view.as_ref().ok();
            let dir = pod.and_then(PodView::podinfo_dir);
            // The pod's own directory, resolved inside a root other than
            // `/`, is watched where it is, without following a link that
            // appeared since.
            let in_root = pod.is_some_and(|p| !p.is_live() && p.podinfo_in_pod());
            w.watch_dir(dir, in_root, opts);
            used_inotify |= w.wd.is_some();
            w.drain();
        }
        let pending_now = match view {
            Ok(pod) => {
                let (report, read, dra) =
                    crate::assemble::report_with_annotations(&pod, quiet.log());
                let annotations = read.selected;
                reads += 1;
                let pending_now = pending_in(&pod, &report, Some(&annotations), &dra, wait);
                if let Some(w) = watch.as_mut() {
                    let files: Vec<PathBuf> = dra
                        .read
                        .iter()
                        .filter_map(|rel| pod.dra_watch_path(rel))
                        .collect();
                    w.watch_files(&files, opts);
                }
                let fp = fingerprint(&report);
                let now = Instant::now();
                match &last {
                    Some((prev, _)) if *prev == fp => {}
                    Some(_) => {
                        opts.log().log(LogLevel::Info, || {
                            format!(
                                "wait: the pod's data changed; settling for {} again",
                                fmt_duration(wait.settle)
                            )
                        });
                        last = Some((fp, now));
                    }
                    None => last = Some((fp, now)),
                }
                last_report = Some(report);
                pending_now
            }
            Err(PodViewError::PodinfoNotADirectory(dir) | PodViewError::PodinfoNotFound(dir)) => {
                last = None;
                vec![format!(
                    "downward-API directory {} does not exist",
                    dir.display()
                )]
            }
            // A given DRA metadata directory can appear after the start too.
            Err(PodViewError::DraDirNotFound(dir)) => {
                last = None;
                vec![format!(
                    "DRA device metadata directory {} does not exist",
                    dir.display()
                )]
            }
            Err(e) => return Err(WaitError::Collect(e.into())),
        };
        if last_pending.as_ref() != Some(&pending_now) {
            if pending_now.is_empty() {
                opts.log().log(LogLevel::Info, || {
                    format!(
                        "wait: data complete; settling for {}",
                        fmt_duration(wait.settle)
                    )
                });
            } else {
                for p in &pending_now {
                    opts.log()
                        .log(LogLevel::Info, || format!("wait: waiting: {p}"));
                }
            }
            last_pending = Some(pending_now.clone());
        }
        progress(&Progress {
            elapsed: start.elapsed(),
            pending: &pending_now,
            reads,
        });
        let now = Instant::now();
        let settled_at = match (&last, pending_now.is_empty()) {
            (Some((_, since)), true) => Some(*since + wait.settle),
            _ => None,
        };
        if let (Some(at), Some(report)) = (settled_at, &last_report) {
            if now >= at {
                let waited = start.elapsed();
                let watcher = if used_inotify {
                    Watcher::Inotify
                } else {
                    Watcher::Poll
                };
                opts.log().log(LogLevel::Info, || {
                    format!(
                        "wait: ready after {} ({reads} {}, {})",
                        fmt_duration(waited),
                        if reads == 1 { "read" } else { "reads" },
                        watcher.as_str()
                    )
                });
                return Ok(Ready {
                    report: report.clone(),
                    waited,
                    watcher,
                    reads,
                });
            }
        }
        if let Some(d) = deadline {
            if now >= d {
                let waited = start.elapsed();
                opts.log().log(LogLevel::Info, || {
                    format!("wait: timed out after {}", fmt_duration(waited))
                });
                return Err(WaitError::Timeout {
                    waited,
                    pending: pending_now,
                    report: last_report.map(Box::new),
                });
            }
        }
        let watching = watch.as_ref().is_some_and(|w| w.wd.is_some());
        let mut until = now
            + if watching {
                INOTIFY_RESCAN
            } else {
                wait.poll_interval.max(Duration::from_millis(1))
            };
        if let Some(at) = settled_at {
            until = until.min(at);
        }
        if let Some(d) = deadline {
            until = until.min(d);
        }
        match watch.as_mut() {
            Some(w) if w.wd.is_some() => w.wait_until(until),
            _ => std::thread::sleep(until.saturating_duration_since(Instant::now())),
        }
    }
}

fn fmt_duration(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The readiness of a report is judged by the annotations it was made
    /// from: a network-status written between the collection and the check
    /// must not make the older report "ready" (the race that let `wait`
    /// return a report without the network-status).
    #[test]
    fn readiness_is_judged_by_the_data_of_the_report() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("etc/podnetinfo");
        std::fs::create_dir_all(&dir).unwrap();
        let networks = r#"k8s.v1.cni.cncf.io/networks="sriov-a""#;
        std::fs::write(dir.join("annotations"), networks).unwrap();
        let opts = Options::new().root(root.path());
        let pod = PodView::from_options(&opts).unwrap();
        let (report, read, dra) = crate::assemble::report_with_annotations(&pod, opts.log());
        let annotations = read.selected;
        // The status arrives after the collection.
        let status = r#"k8s.v1.cni.cncf.io/network-status="[{\"name\":\"ovn\",\"interface\":\"eth0\",\"default\":true}]""#;
        std::fs::write(dir.join("annotations"), format!("{status}\n{networks}\n")).unwrap();
        let wait = WaitOptions::new();
        let missing = pending_in(&pod, &report, Some(&annotations), &dra, &wait);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].starts_with("no network-status annotation"),
            "{missing:?}"
        );
        // A fresh look at the file (the public `pending`) sees it.
        assert!(pending(&pod, &report, &wait).is_empty());
    }

    #[test]
    fn defaults() {
        let w = WaitOptions::new();
        assert_eq!(w.timeout, Some(Duration::from_secs(60)));
        assert_eq!(w.settle, Duration::from_secs(1));
        assert!(w.require_network_status);
        assert_eq!(w.watch, WatchMode::Auto);
    }

    #[test]
    fn timeout_message_names_what_is_missing() {
        let e = WaitError::Timeout {
            waited: Duration::from_millis(1500),
            pending: vec!["no network-status".into()],
            report: None,
        };
        assert_eq!(e.to_string(), "timed out after 1.5 s: no network-status");
        let e = WaitError::Timeout {
            waited: Duration::from_secs(2),
            pending: vec![],
            report: None,
        };
        assert!(e.to_string().ends_with("the data kept changing"));
    }
}
