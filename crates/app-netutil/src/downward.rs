//! Kubelet downward-API `annotations` and `labels` files.
//!
//! Kubelet writes one `key="Go-quoted value"` record per map entry, joined by
//! `\n`, with no trailing newline (`fieldpath.FormatMap`). Keys are
//! Kubernetes qualified names and never contain `=`, so each line is split at
//! its first `=` and the rest is undone with [`crate::goquote::unquote`].
//!
//! The reader is tolerant where that loses nothing: CRLF line endings, a
//! trailing newline, blank lines and hand-written unquoted values (taken as
//! they are, with a warning). A line it cannot use is skipped with a warning
//! that names the line; the rest of the file is still read.

use std::collections::BTreeMap;

use crate::goquote;

/// The entries of one downward-API map file: key -> decoded value bytes.
///
/// Values are bytes because a Go-quoted value may hold `\xHH` escapes that
/// are not UTF-8.
pub type DownwardMap = BTreeMap<String, Vec<u8>>;

/// Parses a downward-API map file. `file` names the file in warnings, which
/// are appended to `warnings`.
#[must_use]
pub fn parse(data: &[u8], file: &str, warnings: &mut Vec<String>) -> DownwardMap {
    let mut map = DownwardMap::new();
    // Where each key was first seen, to name both lines of a repeat; the
    // keys borrow from `data`.
    let mut first_line: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, raw) in crate::sysfile::split_bytes(data, b'\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(eq) = memchr::memchr(b'=', line) else {
            warnings.push(format!(
                "{file} line {line_no}: no '=' in the line; line ignored"
            ));
            continue;
        };
        let Ok(key) = std::str::from_utf8(&line[..eq]) else {
            warnings.push(format!(
                "{file} line {line_no}: key is not UTF-8; line ignored"
            ));
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            warnings.push(format!("{file} line {line_no}: empty key; line ignored"));
            continue;
        }
        let raw_value = &line[eq + 1..];
        let value = if raw_value.first() == Some(&b'"') {
            match goquote::unquote(raw_value) {
                Ok(v) => v,
                Err(e) => {
                    warnings.push(format!(
                        "{file} line {line_no}: value of {key} is not a valid quoted string ({e}); annotation skipped"
                    ));
                    continue;
                }
            }
        } else {
            warnings.push(format!(
                "{file} line {line_no}: value of {key} is not quoted as kubelet writes it; taken as it is"
            ));
            raw_value.to_vec()
        };
        if let Some(previous) = first_line.insert(key, line_no) {
            warnings.push(format!(
                "{file} line {line_no}: key {key} repeats line {previous}; the last value is used"
            ));
        }
        map.insert(key.to_owned(), value);
    }
    map
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
