//! The pod's identity: its host name, and its name, namespace and uid from
//! downward-API files.
//!
//! Kubelet writes a downward-API item for `metadata.name`,
//! `metadata.namespace` or `metadata.uid` as the bare value, with no
//! newline (`fieldpath.ExtractFieldPathAsString`). `app-netutil inject`
//! adds them to the podnetinfo volume as the files `name`, `namespace` and
//! `uid`; pods made without them simply have no such files, which is not a
//! problem.

use crate::report::PodIdentity;
use crate::report::warning::{WarningCode, Warnings};
use crate::source::PodView;

/// The downward-API file holding `metadata.name`.
pub(crate) const NAME_FILE: &str = "name";
/// The downward-API file holding `metadata.namespace`.
pub(crate) const NAMESPACE_FILE: &str = "namespace";
/// The downward-API file holding `metadata.uid`.
pub(crate) const UID_FILE: &str = "uid";
/// The longest value kept: a Kubernetes object name (a DNS subdomain) has at
/// most 253 characters; namespaces (63) and uids (36) are shorter.
pub(crate) const MAX_VALUE_BYTES: usize = 253;

/// Reads the pod's identity. A missing file is simply unknown; a file that
/// cannot be read or holds something that cannot be a name is unknown with
/// a warning.
#[must_use]
pub(crate) fn read(pod: &PodView, warnings: &mut Warnings) -> PodIdentity {
    let mut file = |name: &str| {
        let display = format!("{}/{name}", pod.podinfo_display().trim_end_matches('/'));
        match pod.read_podinfo(name) {
            Ok(Some(data)) => {
                let mut w = Vec::new();
                let value = parse_value(&data, &display, &mut w);
                for message in w {
                    warnings.push(WarningCode::Dropped, &display, message);
                }
                value
            }
            Ok(None) => None,
            Err(e) if e.is_not_found() => None,
            Err(e) => {
                warnings.push(WarningCode::Missing, &display, format!("{e}; not used"));
                None
            }
        }
    };
    PodIdentity {
        hostname: hostname(pod),
        name: file(NAME_FILE),
        namespace: file(NAMESPACE_FILE),
        uid: file(UID_FILE),
    }
}

/// The value of a single-value downward-API file: trimmed of surrounding
/// white space (a hand-written file may end in a newline); `None`, with a
/// warning naming `file`, when it is empty, not UTF-8, longer than
/// [`MAX_VALUE_BYTES`] or holds control characters.
#[must_use]
pub(crate) fn parse_value(data: &[u8], file: &str, warnings: &mut Vec<String>) -> Option<String> {
    let Ok(text) = std::str::from_utf8(data) else {
        warnings.push(format!("{file} is not UTF-8; not used"));
        return None;
    };
    let value = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let problem = if value.is_empty() {
        Some("is empty".to_owned())
    } else if value.len() > MAX_VALUE_BYTES {
        Some(format!(
            "holds {} bytes, more than the {MAX_VALUE_BYTES} of a Kubernetes name",
            value.len()
        ))
    } else if value.chars().any(char::is_control) {
        Some("holds control characters".to_owned())
    } else {
        None
    };
    match problem {
        Some(p) => {
            warnings.push(format!("{file} {p}; not used"));
            None
        }
        None => Some(value.to_owned()),
    }
}

/// The pod's host name: the first line of the `HOSTNAME` variable (which
/// Kubernetes sets to the pod name, or `spec.hostname`), else the first line
/// of `/etc/hostname`; surrounding white space removed.
#[must_use]
pub(crate) fn hostname(pod: &PodView) -> Option<String> {
    let clean = |s: &str| {
        let s = s.lines().next().unwrap_or("").trim();
        (!s.is_empty()).then(|| s.to_owned())
    };
    pod.env_var("HOSTNAME").and_then(clean).or_else(|| {
        pod.read_string("/etc/hostname", 4096)
            .ok()
            .and_then(|s| clean(&s))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let mut w = Vec::new();
        assert_eq!(
            parse_value(b"dpdk-app-6f9c7d5b8-x2kqv", "f", &mut w).as_deref(),
            Some("dpdk-app-6f9c7d5b8-x2kqv")
        );
        assert_eq!(
            parse_value(b"default\n", "f", &mut w).as_deref(),
            Some("default")
        );
        assert_eq!(
            parse_value(b"8d3f6c2a-41b7-4e0d-9a55-2c7e1f0b6d93", "f", &mut w).as_deref(),
            Some("8d3f6c2a-41b7-4e0d-9a55-2c7e1f0b6d93")
        );
        assert!(w.is_empty());
        assert_eq!(parse_value(b"", "f", &mut w), None);
        assert_eq!(parse_value(b" \n", "f", &mut w), None);
        assert_eq!(parse_value(b"a\nb", "f", &mut w), None);
        assert_eq!(parse_value(b"a\x1b[31m", "f", &mut w), None);
        assert_eq!(parse_value(b"\xff", "f", &mut w), None);
        assert_eq!(parse_value(&[b'a'; 254], "f", &mut w), None);
        assert_eq!(w.len(), 6, "{w:?}");
        assert!(w.iter().all(|m| m.starts_with("f ")), "{w:?}");
        assert!(parse_value(&[b'a'; 253], "f", &mut w).is_some());
    }
}
