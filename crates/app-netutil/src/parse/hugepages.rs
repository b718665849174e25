//! Hugepages granted through the downward API.
//!
//! The Network Resources Injector adds one file per container, page size and
//! request/limit: `hugepages_<size>_request_<container>` and
//! `hugepages_<size>_limit_<container>`, where `<size>` is the Kubernetes
//! size without its `i` (`1G`, `2M`, `32M`), holding MiB (divisor `1Mi`).
//! Users also wrote `hugepages_request` / `hugepages_limit` by hand, with or
//! without a container suffix; their size is `unspecified`.

use thiserror::Error;

use crate::report::PageSize;
use crate::report::SizeKey;

/// What is wrong with a downward-API file name that starts like a hugepage
/// file (`hugepages_`) but is not one the injector or a user writes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HugepageNameError {
    /// No `_` after the page size.
    #[error("{name}: not a hugepage file name the injector writes")]
    NotInjectorName {
        /// The file name.
        name: String,
    },
    /// Neither `request` nor `limit` after the page size.
    #[error("{name}: expected request or limit after the page size")]
    NoAmount {
        /// The file name.
        name: String,
    },
    /// Text after `request`/`limit` that is not `_<container>`.
    #[error("{name}: unexpected text after {tail}")]
    TrailingText {
        /// The file name.
        name: String,
        /// The part of the name after the page size.
        tail: String,
    },
    /// The size part is not a page size.
    #[error("{name}: {size:?} is not a page size")]
    NotAPageSize {
        /// The file name.
        name: String,
        /// The size part of the name.
        size: String,
    },
}

/// What is wrong with the content of a downward-API hugepage file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HugepageValueError {
    /// The content is not UTF-8.
    #[error("content is not text")]
    NotText,
    /// The content (trimmed) is not a non-negative decimal integer.
    #[error("{0:?} is not a whole number of MiB")]
    NotANumber(String),
}

/// The variable the injector sets to the container's name.
pub const CONTAINER_NAME_VAR: &str = "CONTAINER_NAME";

/// Request or limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// `requests.hugepages-<size>`.
    Request,
    /// `limits.hugepages-<size>`.
    Limit,
}

/// What a hugepage file name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HugepageFileName {
    /// The page size.
    pub size: SizeKey,
    /// Request or limit.
    pub amount: Amount,
    /// The container; empty for the unsuffixed legacy files.
    pub container: String,
}

/// Parses a downward-API hugepage file name. Returns `None` for a name that
/// is not a hugepage file, and `Err` with a reason for one that starts like
/// one but cannot be understood.
///
/// # Errors
///
/// A [`HugepageNameError`] naming the file and what is wrong with its name.
pub fn parse_file_name(name: &str) -> Result<Option<HugepageFileName>, HugepageNameError> {
    let Some(rest) = name.strip_prefix("hugepages_") else {
        return Ok(None);
    };
    for (word, amount) in [("request", Amount::Request), ("limit", Amount::Limit)] {
        // Legacy: hugepages_request[_<container>]
        if let Some(tail) = rest.strip_prefix(word) {
            let container = match tail {
                "" => "",
                t => match t.strip_prefix('_') {
                    Some(c) if !c.is_empty() => c,
                    _ => continue,
                },
            };
            return Ok(Some(HugepageFileName {
                size: SizeKey::Unspecified,
                amount,
                container: container.to_owned(),
            }));
        }
    }
    // hugepages_<size>_(request|limit)[_<container>]; container names are
    // DNS labels (no `_`), sizes have no `_`, so the first `_` ends the size.
    let Some((size, tail)) = rest.split_once('_') else {
        return Err(HugepageNameError::NotInjectorName {
            name: name.to_owned(),
        });
    };
    let (amount, container) = if let Some(c) = tail.strip_prefix("request") {
        (Amount::Request, c)
    } else if let Some(c) = tail.strip_prefix("limit") {
        (Amount::Limit, c)
    } else {
        return Err(HugepageNameError::NoAmount {
            name: name.to_owned(),
        });
    };
    let container = match container {
        "" => "",
        c => c
            .strip_prefix('_')
            .filter(|c| !c.is_empty())
            .ok_or_else(|| HugepageNameError::TrailingText {
                name: name.to_owned(),
                tail: tail.to_owned(),
            })?,
    };
    let size = PageSize::parse(size).ok_or_else(|| HugepageNameError::NotAPageSize {
        name: name.to_owned(),
        size: size.to_owned(),
    })?;
    Ok(Some(HugepageFileName {
        size: SizeKey::Size(size),
        amount,
        container: container.to_owned(),
    }))
}

/// Parses a hugepage file's content: a non-negative integer (MiB), with
/// surrounding whitespace allowed.
///
/// # Errors
///
/// A [`HugepageValueError`] saying what the content is instead.
pub fn parse_mib(data: &[u8]) -> Result<u64, HugepageValueError> {
    let text = std::str::from_utf8(data).map_err(|_| HugepageValueError::NotText)?;
    let t = text.trim();
    t.parse::<u64>()
        .map_err(|_| HugepageValueError::NotANumber(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn name(s: &str) -> HugepageFileName {
        parse_file_name(s).unwrap().unwrap()
    }

    #[test]
    fn injector_names() {
        let n = name("hugepages_1G_request_dpdk-app");
        assert_eq!(n.size.to_string(), "1Gi");
        assert_eq!(n.amount, Amount::Request);
        assert_eq!(n.container, "dpdk-app");
        let n = name("hugepages_32M_limit_app");
        assert_eq!(n.size.to_string(), "32Mi");
        assert_eq!(n.amount, Amount::Limit);
        let n = name("hugepages_2M_limit");
        assert_eq!(n.container, "");
    }

    #[test]
    fn legacy_names() {
        let n = name("hugepages_request");
        assert_eq!(
            (n.size, n.amount, n.container.as_str()),
            (SizeKey::Unspecified, Amount::Request, "")
        );
        let n = name("hugepages_limit_app");
        assert_eq!(
            (n.size, n.amount, n.container.as_str()),
            (SizeKey::Unspecified, Amount::Limit, "app")
        );
    }

    #[test]
    fn other_names() {
        assert_eq!(parse_file_name("annotations").unwrap(), None);
        assert_eq!(parse_file_name("labels").unwrap(), None);
        let err = |s: &str| parse_file_name(s).unwrap_err().to_string();
        assert_eq!(
            err("hugepages_1X_request_a"),
            "hugepages_1X_request_a: \"1X\" is not a page size"
        );
        assert_eq!(
            err("hugepages_1G_foo_a"),
            "hugepages_1G_foo_a: expected request or limit after the page size"
        );
        assert_eq!(
            err("hugepages_1G_request_"),
            "hugepages_1G_request_: unexpected text after request_"
        );
        assert_eq!(
            err("hugepages_"),
            "hugepages_: not a hugepage file name the injector writes"
        );
    }

    #[test]
    fn values() {
        assert_eq!(parse_mib(b"1024"), Ok(1024));
        assert_eq!(parse_mib(b"1024\n"), Ok(1024));
        assert_eq!(
            parse_mib(b"-1"),
            Err(HugepageValueError::NotANumber("-1".into()))
        );
        assert_eq!(
            parse_mib(b" 1Gi\n").unwrap_err().to_string(),
            "\"1Gi\" is not a whole number of MiB"
        );
        assert_eq!(
            parse_mib(b""),
            Err(HugepageValueError::NotANumber(String::new()))
        );
        assert_eq!(parse_mib(b"\xff"), Err(HugepageValueError::NotText));
    }

    #[test]
    fn size_keys_serialize() {
        let mut m = BTreeMap::new();
        m.insert(SizeKey::Size(PageSize::parse("1G").unwrap()), 2048u64);
        m.insert(SizeKey::Size(PageSize::parse("2M").unwrap()), 512u64);
        m.insert(SizeKey::Unspecified, 1u64);
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(s, r#"{"2Mi":512,"1Gi":2048,"unspecified":1}"#);
        let back: BTreeMap<SizeKey, u64> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, m);
    }
}
