//! Hugepages granted through the downward API.
//!
//! The Network Resources Injector adds one file per container, page size and
//! request/limit: `hugepages_<size>_request_<container>` and
//! `hugepages_<size>_limit_<container>`, where `<size>` is the Kubernetes
//! size without its `i` (`1G`, `2M`, `32M`), holding MiB (divisor `1Mi`).
//! Users also wrote `hugepages_request` / `hugepages_limit` by hand, with or
//! without a container suffix; their size is `unspecified`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::pagesize::PageSize;
use crate::pod::PodView;
use crate::warnings::Warnings;

/// The variable the injector sets to the container's name.
pub const CONTAINER_NAME_VAR: &str = "CONTAINER_NAME";

/// The page-size key of a hugepage amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SizeKey {
    /// A known page size.
    Size(PageSize),
    /// The legacy `hugepages_request` / `hugepages_limit` files, which do
    /// not say which size they mean.
    Unspecified,
}

impl fmt::Display for SizeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Size(s) => s.fmt(f),
            Self::Unspecified => f.write_str("unspecified"),
        }
    }
}

impl Serialize for SizeKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SizeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "unspecified" {
            return Ok(Self::Unspecified);
        }
        PageSize::parse(&s)
            .map(Self::Size)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid page size {s:?}")))
    }
}

impl Serialize for PageSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PageSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid page size {s:?}")))
    }
}

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
/// A description of what is wrong with the name.
pub fn parse_file_name(name: &str) -> Result<Option<HugepageFileName>, String> {
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
        return Err(format!(
            "{name}: not a hugepage file name the injector writes"
        ));
    };
    let (amount, container) = if let Some(c) = tail.strip_prefix("request") {
        (Amount::Request, c)
    } else if let Some(c) = tail.strip_prefix("limit") {
        (Amount::Limit, c)
    } else {
        return Err(format!(
            "{name}: expected request or limit after the page size"
        ));
    };
    let container = match container {
        "" => "",
        c => c
            .strip_prefix('_')
            .filter(|c| !c.is_empty())
            .ok_or_else(|| format!("{name}: unexpected text after {tail}"))?,
    };
    let size =
        PageSize::parse(size).ok_or_else(|| format!("{name}: {size:?} is not a page size"))?;
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
/// A description of the content when it is not such a number.
pub fn parse_mib(data: &[u8]) -> Result<u64, String> {
    let text = std::str::from_utf8(data).map_err(|_| "content is not text".to_owned())?;
    let t = text.trim();
    t.parse::<u64>()
        .map_err(|_| format!("{t:?} is not a whole number of MiB"))
}

/// Hugepages of one container from the downward-API files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct ContainerHugepages {
    /// The container name; empty for the legacy unsuffixed files.
    pub name: String,
    /// Page size -> MiB requested.
    pub request_mib: BTreeMap<SizeKey, u64>,
    /// Page size -> MiB limit.
    pub limit_mib: BTreeMap<SizeKey, u64>,
}

/// Reads every hugepage file of the downward-API directory.
pub(crate) fn read_downward(pod: &PodView, warnings: &mut Warnings) -> Vec<ContainerHugepages> {
    let names = match pod.list_podinfo() {
        Ok(n) => n,
        Err(e) => {
            warnings.push(format!("{e}; hugepage files not read"));
            return Vec::new();
        }
    };
    // The directory is the source: it can hold any number of files.
    let dir = pod.podinfo_display().trim_end_matches('/').to_owned();
    let mut containers: BTreeMap<String, ContainerHugepages> = BTreeMap::new();
    for name in names {
        let parsed = match parse_file_name(&name) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(reason) => {
                warnings.about(
                    &dir,
                    format_args!("{}/{reason}; ignored", pod.podinfo_display()),
                );
                continue;
            }
        };
        let entry = containers
            .entry(parsed.container.clone())
            .or_insert_with(|| ContainerHugepages {
                name: parsed.container.clone(),
                ..ContainerHugepages::default()
            });
        let value = match pod.read_podinfo(&name) {
            Ok(Some(data)) => parse_mib(&data)
                .map_err(|r| format!("{}/{name}: {r}; left out", pod.podinfo_display())),
            Ok(None) => continue,
            Err(e) => Err(format!("{e}; left out")),
        };
        match value {
            Ok(mib) => {
                let map = match parsed.amount {
                    Amount::Request => &mut entry.request_mib,
                    Amount::Limit => &mut entry.limit_mib,
                };
                map.insert(parsed.size, mib);
            }
            Err(w) => warnings.about_string(&dir, w),
        }
    }
    containers.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(parse_file_name("hugepages_1X_request_a").is_err());
        assert!(parse_file_name("hugepages_1G_foo_a").is_err());
        assert!(parse_file_name("hugepages_1G_request_").is_err());
        assert!(parse_file_name("hugepages_").is_err());
    }

    #[test]
    fn values() {
        assert_eq!(parse_mib(b"1024"), Ok(1024));
        assert_eq!(parse_mib(b"1024\n"), Ok(1024));
        assert!(parse_mib(b"-1").is_err());
        assert!(parse_mib(b"1Gi").is_err());
        assert!(parse_mib(b"").is_err());
        assert!(parse_mib(b"\xff").is_err());
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
