//! KEP-5304 device metadata files.
//!
//! A file holds a *stream* of JSON objects: the same `DeviceMetadata`
//! encoded once per API version the driver was configured with, in the
//! driver's order, each followed by a newline. A reader takes the first
//! object of a version it knows and stops there; objects of versions of the
//! `metadata.resource.k8s.io` group it does not know (newer ones, from an
//! upgraded driver) are skipped (upstream `DecodeMetadataFromStream`).
//!
//! One object describes one ResourceClaim (`metadata`: name, namespace,
//! uid, generation), the pod's name for it when it came from a template
//! (`podClaimName`), and `requests[]`, each with the `devices[]` one driver
//! allocated for it: `driver`, `pool`, `name`, typed `attributes` (exactly
//! one of `int`, `bool`, `string`, `version`, `ints`, `bools`, `strings`,
//! `versions` each) and `networkData` (`interfaceName`, `ips`,
//! `hardwareAddress`).
//!
//! The writer validates nothing, so every field is checked here: a field of
//! the wrong type is dropped with a warning and the rest kept; an attribute
//! without exactly one value of a known type is dropped with a warning.
//! Invalid JSON before the first usable object makes the file unusable.
//! Reading is linear in the size of the file, and nesting is bounded by the
//! JSON parser's recursion limit.

mod decode;
mod model;

pub use decode::{MAX_ATTRIBUTES, MAX_DEVICES, MAX_REQUESTS};
pub use model::{
    Attribute, ClaimRef, DeviceMetadata, MetadataDevice, MetadataRequest, NetworkData,
};

use std::borrow::Cow;

use serde_json::value::RawValue;
use thiserror::Error;

use crate::parse::json::{self, Field, Obj};
use crate::parse::netstatus::json_error_message;
use crate::report::warning::{WarningCode, Warnings};

/// The API group of the metadata objects.
pub const API_GROUP: &str = "metadata.resource.k8s.io";

/// The `kind` of a metadata object.
pub const KIND: &str = "DeviceMetadata";

/// The versions this library reads, newest first. Both have the same
/// fields (Kubernetes 1.36 writes `v1alpha1`, 1.37 adds `v1beta1`).
pub const KNOWN_VERSIONS: [&str; 2] = [
    "metadata.resource.k8s.io/v1beta1",
    "metadata.resource.k8s.io/v1alpha1",
];

/// How many names of skipped versions are kept (for messages).
pub const MAX_SKIPPED_VERSIONS: usize = 8;

/// What a metadata file gave: the object used, and the versions skipped
/// before it.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Stream {
    /// The first object of a known version.
    pub metadata: DeviceMetadata,
    /// The `apiVersion`s of the group skipped before it (newer versions),
    /// at most [`MAX_SKIPPED_VERSIONS`].
    pub skipped_versions: Vec<String>,
}

/// Why a metadata file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// Only white space.
    #[error("holds no metadata object")]
    Empty,
    /// Invalid JSON before the first object of a known version.
    #[error("not valid JSON: {message} at line {line} column {column}")]
    InvalidJson {
        /// The parser's message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// No object of a version this library knows.
    #[error("holds no metadata object of a known version ({}); found {}", KNOWN_VERSIONS.join(", "), if .found.is_empty() { "none".to_owned() } else { .found.join(", ") })]
    NoKnownVersion {
        /// The `apiVersion`s found instead (at most
        /// [`MAX_SKIPPED_VERSIONS`]).
        found: Vec<String>,
    },
}

/// Parses a metadata file. `file` names it in warnings; `driver`, when
/// given, is the driver its name says it is for (a device of another
/// driver is kept, with a warning).
///
/// # Errors
///
/// [`MetadataError`] when the file holds no usable object.
pub fn parse(
    data: &[u8],
    file: &str,
    driver: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<Stream, MetadataError> {
    let mut w = Warnings::new();
    let out = parse_into(data, file, driver, &mut w);
    warnings.extend(w.into_vec());
    out
}

/// [`parse`] into the warnings of a collection.
pub(crate) fn parse_into(
    data: &[u8],
    file: &str,
    driver: Option<&str>,
    warnings: &mut Warnings,
) -> Result<Stream, MetadataError> {
    let mut w = warnings.source(file);
    let text = match std::str::from_utf8(data) {
        Ok(t) => Cow::Borrowed(t),
        Err(e) => {
            w.push(
                WarningCode::Repaired,
                format_args!(
                    "{file}: not UTF-8 (first bad byte at offset {}); invalid bytes replaced by U+FFFD",
                    e.valid_up_to()
                ),
            );
            String::from_utf8_lossy(data)
        }
    };
    let mut skipped: Vec<String> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<&RawValue>();
    let mut index = 0usize;
    for item in &mut stream {
        let raw = match item {
            Ok(raw) => raw,
            Err(e) => {
                return Err(MetadataError::InvalidJson {
                    message: json_error_message(&e),
                    line: e.line(),
                    column: e.column(),
                });
            }
        };
        index += 1;
        let Some(obj) = Obj::parse(raw) else {
            w.push(
                WarningCode::Dropped,
                format_args!(
                    "{file}: value {index} of the stream is {}, not a metadata object; skipped",
                    json::kind(raw)
                ),
            );
            continue;
        };
        let api = match obj.field::<String>("apiVersion") {
            Field::Value(v) => v,
            Field::Null => {
                w.push(
                    WarningCode::Dropped,
                    format_args!("{file}: object {index} has no apiVersion; skipped"),
                );
                continue;
            }
            Field::Wrong(found) => {
                w.push(
                    WarningCode::Dropped,
                    format_args!(
                        "{file}: object {index}: apiVersion should be a string, found {found}; skipped"
                    ),
                );
                continue;
            }
        };
        if KNOWN_VERSIONS.contains(&api.as_str()) {
            let kind = obj.field::<String>("kind");
            if !matches!(&kind, Field::Value(k) if k == KIND) {
                let found = match &kind {
                    Field::Value(k) => format!("{k:?}"),
                    Field::Null => "none".to_owned(),
                    Field::Wrong(t) => (*t).to_owned(),
                };
                w.push(
                    WarningCode::Unsupported,
                    format_args!(
                        "{file}: object {index} ({api}) has kind {found}, not {KIND}; skipped"
                    ),
                );
                remember(&mut others, api);
                continue;
            }
            let metadata = decode::decode(&obj, api, file, driver, &mut w);
            return Ok(Stream {
                metadata,
                skipped_versions: skipped,
            });
        }
        let group_version = api
            .strip_prefix(API_GROUP)
            .and_then(|r| r.strip_prefix('/'));
        if group_version.is_some_and(|v| !v.is_empty()) {
            // A newer version: skipped without a word, as upstream readers
            // do; named only when no known version follows.
            remember(&mut skipped, api);
        } else {
            w.push(
                WarningCode::Unsupported,
                format_args!(
                    "{file}: object {index} has apiVersion {api:?}, not one of {API_GROUP}; skipped"
                ),
            );
            remember(&mut others, api);
        }
    }
    if index == 0 {
        return Err(MetadataError::Empty);
    }
    skipped.extend(others);
    skipped.truncate(MAX_SKIPPED_VERSIONS);
    Err(MetadataError::NoKnownVersion { found: skipped })
}

/// Keeps a version name for messages: bounded in number and length.
fn remember(list: &mut Vec<String>, mut api: String) {
    if list.len() < MAX_SKIPPED_VERSIONS && !list.contains(&api) {
        if api.len() > 128 {
            let mut end = 128;
            while !api.is_char_boundary(end) {
                end -= 1;
            }
            api.truncate(end);
            api.push('…');
        }
        list.push(api);
    }
}

#[cfg(test)]
mod tests;
