//! Hugepage sizes in every spelling, mapped to one canonical form.
//!
//! The same 1 GiB page is `hugepages-1Gi` in a Kubernetes resource name,
//! `1G` in a Network Resources Injector file name, `1GB` in a hugetlb cgroup
//! file, `hugepages-1048576kB` in sysfs and `pagesize=1024M` in a hugetlbfs
//! mount. [`PageSize`] parses all of them and prints the Kubernetes spelling.

use std::fmt;

/// A hugepage size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageSize(u64);

impl PageSize {
    /// A size of `bytes` bytes.
    #[must_use]
    pub const fn from_bytes(bytes: u64) -> Self {
        Self(bytes)
    }

    /// The size in bytes.
    #[must_use]
    pub const fn bytes(self) -> u64 {
        self.0
    }

    /// The size in KiB, rounded down.
    #[must_use]
    pub const fn kib(self) -> u64 {
        self.0 / 1024
    }

    /// Parses a size with a unit: `1Gi`, `1G`, `1GB`, `1048576kB`, `2048KB`,
    /// `1024M`, `2Mi`, `64K`, `hugepages-1Gi` and `hugepages-2048kB` (the
    /// prefix is optional). Every unit is binary (`1G` = 2^30 bytes), as in
    /// the kernel and the injector. A bare number is taken as bytes. Returns
    /// `None` for zero, an unknown unit or overflow.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let s = s.strip_prefix("hugepages-").unwrap_or(s);
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        if digits.is_empty() {
            return None;
        }
        let n: u64 = digits.parse().ok()?;
        let shift = match unit.to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "k" | "ki" | "kb" | "kib" => 10,
            "m" | "mi" | "mb" | "mib" => 20,
            "g" | "gi" | "gb" | "gib" => 30,
            "t" | "ti" | "tb" | "tib" => 40,
            _ => return None,
        };
        let bytes = n.checked_mul(1u64 << shift)?;
        (bytes > 0).then_some(Self(bytes))
    }

    /// The Kubernetes spelling: the largest binary unit that divides the
    /// size exactly (`1Gi`, `2Mi`, `32Mi`, `64Ki`, `16Gi`).
    #[must_use]
    pub fn k8s_name(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u32, &str); 4] = [(40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki")];
        for (shift, unit) in UNITS {
            let div = 1u64 << shift;
            if self.0 >= div && self.0 % div == 0 {
                return write!(f, "{}{unit}", self.0 / div);
            }
        }
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_spellings_of_one_size() {
        for s in [
            "1Gi",
            "1G",
            "1GB",
            "1048576kB",
            "1048576KB",
            "1024M",
            "hugepages-1Gi",
            "hugepages-1048576kB",
        ] {
            assert_eq!(
                PageSize::parse(s).map(PageSize::k8s_name).as_deref(),
                Some("1Gi"),
                "{s}"
            );
        }
        for s in ["2Mi", "2M", "2MB", "2048kB", "2048K", "hugepages-2048kB"] {
            assert_eq!(
                PageSize::parse(s).map(PageSize::k8s_name).as_deref(),
                Some("2Mi"),
                "{s}"
            );
        }
        assert_eq!(PageSize::parse("32M").unwrap().k8s_name(), "32Mi");
        assert_eq!(PageSize::parse("64KB").unwrap().k8s_name(), "64Ki");
        assert_eq!(PageSize::parse("16GB").unwrap().k8s_name(), "16Gi");
        assert_eq!(PageSize::parse("1536M").unwrap().k8s_name(), "1536Mi");
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "G",
            "0M",
            "1X",
            "-1G",
            "1.5G",
            "99999999999999999999G",
            "18446744073709551615T",
        ] {
            assert_eq!(PageSize::parse(s), None, "{s}");
        }
    }
}
