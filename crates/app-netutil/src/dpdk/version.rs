//! DPDK releases and the EAL spellings each one accepts.

use std::fmt;
use std::str::FromStr;

use super::DpdkError;

/// A DPDK release, `YY.MM` (`22.11`, `20.08`, `25.07`).
///
/// Only the release matters for EAL spellings; a patch level or suffix
/// (`22.11.4`, `v23.11`, `24.03.0-rc1`) is accepted when parsing and
/// dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DpdkVersion {
    major: u16,
    minor: u16,
}

impl DpdkVersion {
    /// 20.11: `-a`/`--allow`, `--main-lcore`, memif `server`/`client` and
    /// abstract sockets (the old spellings are still accepted until 21.08).
    pub const V20_11: Self = Self::new(20, 11);
    /// 21.08: the auxiliary bus (`-a auxiliary:<device>`).
    pub const V21_08: Self = Self::new(21, 8);
    /// 21.11: `-w` and `--master-lcore` removed.
    pub const V21_11: Self = Self::new(21, 11);
    /// 25.07: `--socket-mem` renamed `--numa-mem` (the old name stays as an
    /// alias).
    pub const V25_07: Self = Self::new(25, 7);
    /// 18.08: `--in-memory`.
    pub const V18_08: Self = Self::new(18, 8);

    /// The release `major.minor`.
    #[must_use]
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// The year part (`22` of `22.11`).
    #[must_use]
    pub const fn major(self) -> u16 {
        self.major
    }

    /// The month part (`11` of `22.11`).
    #[must_use]
    pub const fn minor(self) -> u16 {
        self.minor
    }
}

impl fmt::Display for DpdkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.major, self.minor)
    }
}

impl FromStr for DpdkVersion {
    type Err = DpdkError;

    /// Parses `MAJOR.MINOR` with an optional leading `v`, patch level and
    /// `-suffix`: `22.11`, `v22.11`, `22.11.4`, `24.03.0-rc1`, `20.8`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || DpdkError::InvalidVersion(s.to_owned());
        let t = s.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let t = t.split_once('-').map_or(t, |(v, _)| v);
        let mut parts = t.split('.');
        let num = |p: Option<&str>| -> Option<u16> {
            let p = p?;
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let major = num(parts.next()).ok_or_else(invalid)?;
        let minor = num(parts.next()).ok_or_else(invalid)?;
        if let Some(patch) = parts.next() {
            num(Some(patch)).ok_or_else(invalid)?;
        }
        if parts.next().is_some() || !(1..=12).contains(&minor) {
            return Err(invalid());
        }
        Ok(Self::new(major, minor))
    }
}

/// The option and devargs spellings for a target release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spelling {
    /// `-a` (20.11+) or `-w`.
    pub(super) allow: &'static str,
    /// `--main-lcore` (20.11+) or `--master-lcore`.
    pub(super) main_lcore: &'static str,
    /// memif `server`/`client` (20.11+) rather than `master`/`slave`.
    pub(super) memif_new_roles: bool,
    /// memif `socket-abstract=no` (the devarg exists since 20.11, where
    /// abstract sockets became the default).
    pub(super) memif_socket_abstract: bool,
    /// `--numa-mem` (25.07+) or `--socket-mem`.
    pub(super) numa_mem: &'static str,
    /// The release, when the caller named one.
    pub(super) version: Option<DpdkVersion>,
}

impl Spelling {
    /// The spellings for `version`; `None` means "some release from 21.11
    /// on": the spellings every such release accepts (`--socket-mem`, which
    /// 25.07 and later keep as an alias of `--numa-mem`).
    pub(super) fn for_version(version: Option<DpdkVersion>) -> Self {
        let v = version.unwrap_or(DpdkVersion::V21_11);
        let new = v >= DpdkVersion::V20_11;
        Self {
            allow: if new { "-a" } else { "-w" },
            main_lcore: if new {
                "--main-lcore"
            } else {
                "--master-lcore"
            },
            memif_new_roles: new,
            memif_socket_abstract: new,
            numa_mem: if v >= DpdkVersion::V25_07 {
                "--numa-mem"
            } else {
                "--socket-mem"
            },
            version,
        }
    }

    /// Whether the target is known to be older than `v`.
    pub(super) fn older_than(self, v: DpdkVersion) -> bool {
        self.version.is_some_and(|t| t < v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_spellings() {
        for (s, want) in [
            ("22.11", (22, 11)),
            ("20.08", (20, 8)),
            ("20.8", (20, 8)),
            ("25.07", (25, 7)),
            ("v23.11", (23, 11)),
            ("22.11.4", (22, 11)),
            ("24.03.0-rc1", (24, 3)),
            (" 21.11 ", (21, 11)),
        ] {
            let v: DpdkVersion = s.parse().unwrap();
            assert_eq!((v.major(), v.minor()), want, "{s}");
        }
        assert_eq!(DpdkVersion::new(20, 8).to_string(), "20.08");
        assert_eq!(DpdkVersion::new(25, 11).to_string(), "25.11");
    }

    #[test]
    fn rejects_non_versions() {
        for s in [
            "", "22", "22.", ".11", "22.13", "22.0", "latest", "22.11.x", "1.2.3.4", "-22.11",
            "22,11",
        ] {
            assert!(
                matches!(s.parse::<DpdkVersion>(), Err(DpdkError::InvalidVersion(_))),
                "{s}"
            );
        }
    }

    #[test]
    fn spellings_per_family() {
        let at = |s: &str| Spelling::for_version(Some(s.parse().unwrap()));
        let old = at("20.08");
        assert_eq!((old.allow, old.main_lcore), ("-w", "--master-lcore"));
        assert!(!old.memif_new_roles && !old.memif_socket_abstract);
        assert_eq!(old.numa_mem, "--socket-mem");
        for v in ["20.11", "21.08", "21.11", "25.03"] {
            let s = at(v);
            assert_eq!((s.allow, s.main_lcore), ("-a", "--main-lcore"), "{v}");
            assert!(s.memif_new_roles && s.memif_socket_abstract, "{v}");
            assert_eq!(s.numa_mem, "--socket-mem", "{v}");
        }
        assert_eq!(at("25.07").numa_mem, "--numa-mem");
        assert_eq!(at("26.03").numa_mem, "--numa-mem");
        let default = Spelling::for_version(None);
        assert_eq!(default.allow, "-a");
        assert_eq!(default.numa_mem, "--socket-mem");
        assert!(!default.older_than(DpdkVersion::V21_08));
        assert!(old.older_than(DpdkVersion::V21_08));
    }
}
