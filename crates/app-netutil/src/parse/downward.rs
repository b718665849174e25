//! Kubelet downward-API `annotations` and `labels` files.
//!
//! Kubelet writes one `key="Go-quoted value"` record per map entry, joined by
//! `\n`, with no trailing newline (`fieldpath.FormatMap`). Keys are
//! Kubernetes qualified names and never contain `=`, so each line is split at
//! its first `=` and the rest is undone with [`crate::parse::goquote::unquote`].
//!
//! The reader is tolerant where that loses nothing: CRLF line endings, a
//! trailing newline, blank lines and hand-written unquoted values (taken as
//! they are, with a warning). A line it cannot use is skipped with a warning
//! that names the line; the rest of the file is still read.

use std::collections::BTreeMap;

use crate::parse::goquote;
use crate::report::warning::{WarningCode, Warnings};

/// The entries of one downward-API map file: key -> decoded value bytes.
///
/// Values are bytes because a Go-quoted value may hold `\xHH` escapes that
/// are not UTF-8.
pub type DownwardMap = BTreeMap<String, Vec<u8>>;

/// Parses a downward-API map file. `file` names the file in warnings, which
/// are appended to `warnings` (at most [`crate::MAX_WARNINGS_PER_SOURCE`]
/// about the file, then a count of the rest).
#[must_use]
pub fn parse(data: &[u8], file: &str, warnings: &mut Vec<String>) -> DownwardMap {
    let mut w = Warnings::new();
    let (map, _) = scan(data, file, &mut w, |_| true);
    warnings.extend(w.into_vec());
    map
}

/// The entries of a downward-API map file that the library reads.
#[derive(Debug)]
pub(crate) struct Selected {
    /// The kept keys and their values.
    map: DownwardMap,
    /// How many lines held a key, repeats of a kept key counted once.
    keys: usize,
    /// The keys that were asked for.
    wanted: &'static [&'static str],
}

impl Selected {
    /// No entries (no file).
    pub(crate) fn none(wanted: &'static [&'static str]) -> Self {
        Self {
            map: DownwardMap::new(),
            keys: 0,
            wanted,
        }
    }

    /// The value of `key`, which must be one of the keys asked for.
    pub(crate) fn get(&self, key: &str) -> Option<&Vec<u8>> {
        debug_assert!(
            self.wanted.contains(&key),
            "annotation {key} is read but was not asked for"
        );
        self.map.get(key)
    }

    /// Whether `key` (one of the keys asked for) is present.
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Entries given as pairs (for tests).
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)], wanted: &'static [&'static str]) -> Self {
        Self {
            map: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            keys: pairs.len(),
            wanted,
        }
    }

    /// How many keys the file holds (a repeated key that is not read counts
    /// each time).
    pub(crate) fn key_count(&self) -> usize {
        self.keys
    }
}

/// Parses a downward-API map file keeping only the values of `wanted`:
/// every line is still checked (and warned about), but the memory kept is
/// that of the wanted values, whatever the number of other keys.
pub(crate) fn parse_selected(
    data: &[u8],
    file: &str,
    wanted: &'static [&'static str],
    warnings: &mut Warnings,
) -> Selected {
    let (map, keys) = scan(data, file, warnings, |k| wanted.contains(&k));
    Selected { map, keys, wanted }
}

/// The parser: every line is decoded and checked; the entries whose key
/// `keep` accepts are returned, with the number of lines that held a key
/// (a repeated kept key counted once).
fn scan(
    data: &[u8],
    file: &str,
    warnings: &mut Warnings,
    keep: impl Fn(&str) -> bool,
) -> (DownwardMap, usize) {
    let mut map = DownwardMap::new();
    let mut keys = 0usize;
    // Where each kept key was last seen, to name both lines of a repeat;
    // the keys borrow from `data`.
    let mut seen_on: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, raw) in crate::parse::sysfile::split_bytes(data, b'\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(eq) = memchr::memchr(b'=', line) else {
            warnings.about(
                WarningCode::Dropped,
                file,
                format_args!("{file} line {line_no}: no '=' in the line; line ignored"),
            );
            continue;
        };
        let Ok(key) = std::str::from_utf8(&line[..eq]) else {
            warnings.about(
                WarningCode::Dropped,
                file,
                format_args!("{file} line {line_no}: key is not UTF-8; line ignored"),
            );
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            warnings.about(
                WarningCode::Dropped,
                file,
                format_args!("{file} line {line_no}: empty key; line ignored"),
            );
            continue;
        }
        let raw_value = &line[eq + 1..];
        let value = if raw_value.first() == Some(&b'"') {
            match goquote::unquote(raw_value) {
                Ok(v) => v,
                Err(e) => {
                    warnings.about(WarningCode::Dropped,
                        file,
                        format_args!(
                            "{file} line {line_no}: value of {key} is not a valid quoted string ({e}); annotation skipped"
                        ),
                    );
                    continue;
                }
            }
        } else {
            warnings.about(WarningCode::Repaired,
                file,
                format_args!(
                    "{file} line {line_no}: value of {key} is not quoted as kubelet writes it; taken as it is"
                ),
            );
            raw_value.to_vec()
        };
        if !keep(key) {
            keys += 1;
            continue;
        }
        match seen_on.insert(key, line_no) {
            Some(previous) => warnings.about(WarningCode::Conflict,
                file,
                format_args!(
                    "{file} line {line_no}: key {key} repeats line {previous}; the last value is used"
                ),
            ),
            None => keys += 1,
        }
        map.insert(key.to_owned(), value);
    }
    (map, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(data: &[u8]) -> (DownwardMap, Vec<String>) {
        let mut w = Vec::new();
        let m = parse(data, "annotations", &mut w);
        (m, w)
    }

    #[test]
    fn kubelet_format() {
        let (m, w) = p(b"a=\"1\"\nb.c/d=\"x=\\\"y\\\"\"");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(m["a"], b"1");
        assert_eq!(m["b.c/d"], b"x=\"y\"");
    }

    #[test]
    fn line_endings_and_blank_lines() {
        let (m, w) = p(b"a=\"1\"\r\nb=\"2\"\r\n\r\n");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(m.len(), 2);
        assert_eq!(m["b"], b"2");
        let (m, w) = p(b"");
        assert!(m.is_empty() && w.is_empty());
    }

    #[test]
    fn unquoted_value_kept_with_warning() {
        let (m, w) = p(b"userspace/mapped-dir=/var/lib/cni/usrspcni/\n");
        assert_eq!(m["userspace/mapped-dir"], b"/var/lib/cni/usrspcni/");
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("line 1"), "{w:?}");
    }

    #[test]
    fn bad_lines_skipped_rest_read() {
        let (m, w) = p(b"k8s.v1.cni.cncf.io/network-status=\"\nnoequals\nok=\"yes\"\nbad=\"a\\q\"");
        assert_eq!(m.len(), 1);
        assert_eq!(m["ok"], b"yes");
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("line 1") && w[0].contains("network-status"));
        assert!(w[1].contains("line 2"));
        assert!(w[2].contains("line 4"));
    }

    #[test]
    fn duplicate_last_wins() {
        let (m, w) = p(b"a=\"1\"\na=\"2\"");
        assert_eq!(m["a"], b"2");
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("line 2") && w[0].contains("line 1"));
    }

    #[test]
    fn long_line() {
        let value = "x".repeat(1 << 20);
        let data = format!("k=\"{value}\"");
        let (m, w) = p(data.as_bytes());
        assert!(w.is_empty());
        assert_eq!(m["k"].len(), 1 << 20);
    }

    #[test]
    fn value_with_equals_and_trailing_garbage() {
        let (m, _) = p(b"k=\"a=b\"");
        assert_eq!(m["k"], b"a=b");
        let (m, w) = p(b"k=\"a\" extra");
        assert!(m.is_empty());
        assert_eq!(w.len(), 1);
    }
}
