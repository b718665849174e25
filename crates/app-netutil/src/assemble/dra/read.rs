//! Reading the DRA inputs of a pod: the metadata files below the metadata
//! directory and the `SRIOVNETWORK_*` variables.
//!
//! Only `resourceclaims/<claim>/<request>/<driver>-metadata.json` and
//! `resourceclaimtemplates/<claim>/<request>/<driver>-metadata.json` are
//! read, in byte order of their paths, each through the pod view (regular
//! files only, at most [`MAX_DATA_FILE_BYTES`], confined to the root).

use crate::log::{Log, LogLevel};
use crate::parse::dra::env::{self, SriovEnv};
use crate::parse::dra::metadata::{self, MetadataError, Stream};
use crate::parse::dra::{METADATA_FILE_SUFFIX, RESOURCE_CLAIM_TEMPLATES_DIR, RESOURCE_CLAIMS_DIR};
use crate::report::warning::{WarningCode, Warnings};
use crate::source::{MAX_DATA_FILE_BYTES, PodView, ReadError};

/// The most claim directories read in each of the two layouts.
pub(crate) const MAX_CLAIMS: usize = 32;
/// The most request directories read per claim (a claim has at most 32
/// requests).
pub(crate) const MAX_REQUESTS: usize = 32;
/// The most metadata files read per request directory (one per driver).
pub(crate) const MAX_FILES_PER_REQUEST: usize = 16;
/// The most metadata files read in all.
pub(crate) const MAX_FILES: usize = 128;
/// The most bytes of metadata files read in all; files past it are not
/// read.
pub(crate) const MAX_TOTAL_BYTES: u64 = 32 << 20;

/// Whether the metadata directory is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DirState {
    /// No metadata directory.
    #[default]
    Absent,
    /// It exists (its files are in [`DraInputs::files`] and
    /// [`DraInputs::unusable`]).
    Present,
    /// It exists but cannot be listed.
    Unreadable,
}

/// One metadata file that could be used.
#[derive(Debug, Clone)]
pub(crate) struct MetadataFile {
    /// The file as the pod sees it (or below the given directory).
    pub(crate) path: String,
    /// Whether it is below `resourceclaimtemplates/`.
    pub(crate) template: bool,
    /// The claim directory's name.
    pub(crate) claim_dir: String,
    /// The request directory's name.
    pub(crate) request_dir: String,
    /// The driver its name says it is for.
    pub(crate) driver: String,
    /// What it holds.
    pub(crate) stream: Stream,
}

/// Everything DRA gave the container.
#[derive(Debug, Clone, Default)]
pub(crate) struct DraInputs {
    /// Whether the metadata directory exists.
    pub(crate) dir: DirState,
    /// The usable metadata files, in path order.
    pub(crate) files: Vec<MetadataFile>,
    /// The metadata files that could not be used: path, and why.
    pub(crate) unusable: Vec<(String, String)>,
    /// Every metadata file read, usable or not, by its path below the
    /// metadata directory (for `wait` to watch).
    pub(crate) read: Vec<String>,
    /// What the `SRIOVNETWORK_*` variables say.
    pub(crate) env: SriovEnv,
}

impl DraInputs {
    /// Whether there is any DRA input at all (a metadata file, usable or
    /// not, or a VF variable).
    pub(crate) fn any(&self) -> bool {
        !self.files.is_empty() || !self.unusable.is_empty() || !self.env.devices.is_empty()
    }
}

/// Reads the DRA inputs of the pod.
pub(crate) fn read(pod: &PodView, log: Log<'_>, warnings: &mut Warnings) -> DraInputs {
    let mut out = DraInputs {
        env: env::parse_into(pod.env().iter(), warnings),
        ..DraInputs::default()
    };
    let top = match pod.list_dra("") {
        Ok(names) => names,
        Err(ReadError::NotFound { .. }) => {
            log.log(LogLevel::Debug, || {
                format!("{}: absent; no DRA device metadata", pod.dra_display())
            });
            return out;
        }
        Err(e) => {
            out.dir = DirState::Unreadable;
            warnings.push(
                WarningCode::Missing,
                pod.dra_display(),
                format!("{e}; DRA device metadata is not read"),
            );
            return out;
        }
    };
    out.dir = DirState::Present;
    let mut budget = Budget {
        files: MAX_FILES,
        bytes: MAX_TOTAL_BYTES,
        skipped: 0,
    };
    for layout in [RESOURCE_CLAIMS_DIR, RESOURCE_CLAIM_TEMPLATES_DIR] {
        if top.binary_search_by(|n| n.as_str().cmp(layout)).is_err() {
            continue;
        }
        read_layout(pod, log, layout, &mut budget, &mut out, warnings);
    }
    for name in &top {
        if name != RESOURCE_CLAIMS_DIR && name != RESOURCE_CLAIM_TEMPLATES_DIR {
            log.log(LogLevel::Debug, || {
                format!(
                    "{}: not a metadata layout directory; ignored",
                    pod.dra_display_path(name)
                )
            });
        }
    }
    if budget.skipped > 0 {
        warnings.push(
            WarningCode::Dropped,
            pod.dra_display(),
            format!(
                "{}: {} metadata files past the first {MAX_FILES} or {} MiB are not read",
                pod.dra_display(),
                budget.skipped,
                MAX_TOTAL_BYTES >> 20
            ),
        );
    }
    out
}

/// How much more may be read.
struct Budget {
    files: usize,
    bytes: u64,
    skipped: usize,
}

/// Lists a directory below the metadata directory, keeping the first
/// `max` names with a warning naming how many more there were; `None` (and
/// a debug line) when it is not a directory.
fn list_capped(
    pod: &PodView,
    log: Log<'_>,
    rel: &str,
    max: usize,
    what: &str,
    warnings: &mut Warnings,
) -> Option<Vec<String>> {
    let mut names = match pod.list_dra(rel) {
        Ok(names) => names,
        Err(e) => {
            log.log(LogLevel::Debug, || format!("{e}; not a directory, ignored"));
            return None;
        }
    };
    if names.len() > max {
        let display = pod.dra_display_path(rel);
        warnings.push(
            WarningCode::Dropped,
            &display,
            format!(
                "{display}: {} {what} past the first {max} are not read",
                names.len() - max
            ),
        );
        names.truncate(max);
    }
    Some(names)
}

fn read_layout(
    pod: &PodView,
    log: Log<'_>,
    layout: &str,
    budget: &mut Budget,
    out: &mut DraInputs,
    warnings: &mut Warnings,
) {
    let Some(claims) = list_capped(pod, log, layout, MAX_CLAIMS, "claim directories", warnings)
    else {
        return;
    };
    for claim in claims {
        let claim_rel = format!("{layout}/{claim}");
        let Some(requests) = list_capped(
            pod,
            log,
            &claim_rel,
            MAX_REQUESTS,
            "request directories",
            warnings,
        ) else {
            continue;
        };
        for request in requests {
            let request_rel = format!("{claim_rel}/{request}");
            let Some(files) = list_capped(pod, log, &request_rel, usize::MAX, "files", warnings)
            else {
                continue;
            };
            let mut taken = 0usize;
            for name in files {
                let rel = format!("{request_rel}/{name}");
                let Some(driver) = name
                    .strip_suffix(METADATA_FILE_SUFFIX)
                    .filter(|d| !d.is_empty())
                else {
                    log.log(LogLevel::Debug, || {
                        format!(
                            "{}: not a metadata file; ignored",
                            pod.dra_display_path(&rel)
                        )
                    });
                    continue;
                };
                if taken == MAX_FILES_PER_REQUEST || budget.files == 0 || budget.bytes == 0 {
                    budget.skipped += 1;
                    continue;
                }
                taken += 1;
                budget.files -= 1;
                let path = pod.dra_display_path(&rel);
                out.read.push(rel.clone());
                let data = match pod.read_dra(&rel, MAX_DATA_FILE_BYTES) {
                    Ok(d) => d,
                    Err(e) => {
                        let code = match e {
                            ReadError::TooLarge { .. } | ReadError::NotRegular { .. } => {
                                WarningCode::Dropped
                            }
                            _ => WarningCode::Missing,
                        };
                        warnings.push(code, &path, format!("{e}; its devices are not reported"));
                        out.unusable.push((path, e.to_string()));
                        continue;
                    }
                };
                budget.bytes = budget.bytes.saturating_sub(data.len() as u64);
                match metadata::parse_into(&data, &path, Some(driver), warnings) {
                    Ok(stream) => {
                        check_names(&path, layout, &claim, &request, &stream, warnings);
                        log.log(LogLevel::Debug, || {
                            format!(
                                "{path}: {} ({} devices)",
                                stream.metadata.api_version,
                                stream
                                    .metadata
                                    .requests
                                    .iter()
                                    .map(|r| r.devices.len())
                                    .sum::<usize>()
                            )
                        });
                        out.files.push(MetadataFile {
                            path,
                            template: layout == RESOURCE_CLAIM_TEMPLATES_DIR,
                            claim_dir: claim.clone(),
                            request_dir: request.clone(),
                            driver: driver.to_owned(),
                            stream,
                        });
                    }
                    Err(e) => {
                        let reason = e.to_string();
                        let code = match e {
                            MetadataError::NoKnownVersion { .. } => WarningCode::Unsupported,
                            _ => WarningCode::Dropped,
                        };
                        warnings.push(
                            code,
                            &path,
                            format!("{path}: {reason}; its devices are not reported"),
                        );
                        out.unusable.push((path, reason));
                    }
                }
            }
        }
    }
}

/// Checks that the names in a file agree with the directories it is in.
fn check_names(
    path: &str,
    layout: &str,
    claim: &str,
    request: &str,
    stream: &Stream,
    warnings: &mut Warnings,
) {
    let md = &stream.metadata;
    let (what, named) = if layout == RESOURCE_CLAIM_TEMPLATES_DIR {
        ("podClaimName", md.pod_claim_name.as_deref())
    } else {
        ("metadata.name", md.claim.name.as_deref())
    };
    match named {
        Some(n) if n == claim => {}
        Some(n) => warnings.push(
            WarningCode::Conflict,
            path,
            format!("{path}: {what} {n:?} is not the directory's {claim:?}; the file is used"),
        ),
        None if layout == RESOURCE_CLAIM_TEMPLATES_DIR => warnings.push(
            WarningCode::Missing,
            path,
            format!("{path}: no podClaimName in a file below {RESOURCE_CLAIM_TEMPLATES_DIR}/; the file is used"),
        ),
        None => {}
    }
    for r in &md.requests {
        if let Some(name) = &r.name {
            let base = name.split_once('/').map_or(name.as_str(), |(b, _)| b);
            if base != request {
                warnings.push(
                    WarningCode::Conflict,
                    path,
                    format!(
                        "{path}: request {name:?} is not the directory's {request:?}; the file is used"
                    ),
                );
            }
        }
    }
}
