//! What a report says it is: the `apiVersion` and `kind` keys that open
//! the report's JSON (the Kubernetes convention for self-describing
//! documents), and the check of them when a saved report is read back.

use std::borrow::Cow;
use std::fmt;

use crate::report::ReportJsonError;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The `apiVersion` of every report this library writes, and the only one
/// it reads.
pub const API_VERSION: &str = "app-netutil/v1";

/// The `kind` of a report.
pub const KIND: &str = "PodReport";

/// The two keys, when present, read without reading the rest of the
/// document into memory.
#[derive(Deserialize)]
struct Header<'a> {
    #[serde(rename = "apiVersion", default, borrow)]
    api_version: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    kind: Option<Cow<'a, str>>,
}

/// Checks the `apiVersion` and `kind` of a report's JSON text: absent
/// (a report saved before they existed) or this version's. `Ok` also when
/// the text does not parse at all: the full parse then says why.
/// `Report::from_json` calls it only when its parse failed.
pub(crate) fn check(text: &str) -> Result<(), ReportJsonError> {
    let Ok(header) = serde_json::from_str::<Header<'_>>(text) else {
        return Ok(());
    };
    if let Some(v) = header.api_version.filter(|v| v != API_VERSION) {
        return Err(ReportJsonError::ApiVersion {
            found: v.into_owned(),
        });
    }
    if let Some(k) = header.kind.filter(|k| k != KIND) {
        return Err(ReportJsonError::Kind {
            found: k.into_owned(),
        });
    }
    Ok(())
}

/// A key of fixed value: written as `VALUE`, read back only as `VALUE`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fixed<const K: bool>;

/// The `apiVersion` key.
pub(crate) type ApiVersion = Fixed<true>;
/// The `kind` key.
pub(crate) type Kind = Fixed<false>;

impl<const K: bool> Fixed<K> {
    const VALUE: &'static str = if K { API_VERSION } else { KIND };
    const NAME: &'static str = if K { "apiVersion" } else { "kind" };
}

impl<const K: bool> Serialize for Fixed<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(Self::VALUE)
    }
}

impl<'de, const K: bool> Deserialize<'de> for Fixed<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const K: bool>;
        impl<const K: bool> Visitor<'_> for V<K> {
            type Value = Fixed<K>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {:?}", Fixed::<K>::NAME, Fixed::<K>::VALUE)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Fixed<K>, E> {
                if v == Fixed::<K>::VALUE {
                    Ok(Fixed)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_str(V::<K>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;

    #[test]
    fn api_version_and_kind_open_the_json_and_are_checked_on_reading() {
        let r = Report::default();
        let json = r.to_json();
        let head = r#"{"apiVersion":"app-netutil/v1","kind":"PodReport","#;
        assert!(json.starts_with(head), "{json}");
        assert!(
            r.to_json_pretty().starts_with(
                "{\n  \"apiVersion\": \"app-netutil/v1\",\n  \"kind\": \"PodReport\",\n"
            )
        );
        // Saved before the keys existed: read as contract v1.
        let old = json.replacen(head, "{", 1);
        assert_eq!(Report::from_json(&old).unwrap(), r);
        assert_eq!(Report::from_json(&json).unwrap(), r);
        let v2 = json.replace("app-netutil/v1", "app-netutil/v2");
        assert!(matches!(
            Report::from_json(&v2),
            Err(ReportJsonError::ApiVersion { found }) if found == "app-netutil/v2"
        ));
        let pod = json.replace("PodReport", "Pod");
        assert!(matches!(
            Report::from_json(&pod),
            Err(ReportJsonError::Kind { found }) if found == "Pod"
        ));
        let number = json.replace("\"app-netutil/v1\"", "1");
        assert!(matches!(
            Report::from_json(&number),
            Err(ReportJsonError::NotAReport { .. })
        ));
        assert!(matches!(
            Report::from_json("[]"),
            Err(ReportJsonError::NotAReport { .. })
        ));
    }

    #[test]
    fn absent_or_this_version_passes_other_values_are_refused() {
        assert!(check("{}").is_ok());
        assert!(check("not json").is_ok());
        assert!(check(r#"{"apiVersion":"app-netutil/v1","kind":"PodReport"}"#).is_ok());
        assert!(matches!(
            check(r#"{"apiVersion":"app-netutil/v2"}"#),
            Err(ReportJsonError::ApiVersion { found }) if found == "app-netutil/v2"
        ));
        assert!(matches!(
            check(r#"{"kind":"Pod","apiVersion":"app-netutil/v1"}"#),
            Err(ReportJsonError::Kind { found }) if found == "Pod"
        ));
        // Escapes are decoded before the comparison.
        assert!(check(r#"{"apiVersion":"app-netutil\/v1"}"#).is_ok());
        let e = check(r#"{"apiVersion":"v1"}"#).unwrap_err().to_string();
        assert!(e.contains("\"v1\"") && e.contains("app-netutil/v1"), "{e}");
    }

    #[test]
    fn fixed_keys_write_and_read_only_their_value() {
        assert_eq!(
            serde_json::to_string(&ApiVersion::default()).unwrap(),
            "\"app-netutil/v1\""
        );
        assert_eq!(
            serde_json::to_string(&Kind::default()).unwrap(),
            "\"PodReport\""
        );
        assert!(serde_json::from_str::<Kind>("\"PodReport\"").is_ok());
        assert!(serde_json::from_str::<Kind>("\"Pod\"").is_err());
        assert!(serde_json::from_str::<ApiVersion>("1").is_err());
    }
}
