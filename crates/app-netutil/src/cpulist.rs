//! The kernel's CPU list ("cpulist") format.
//!
//! Kernel files print `n` and `a-b` regions joined by commas, ascending, then
//! a newline (`bitmap_print_to_pagebuf`). The kernel's parser
//! (`bitmap_parselist`) also accepts `a-b:used/group` (in each group of
//! `group` CPUs starting at `a`, the first `used`), and whitespace between
//! regions. [`parse`] accepts all of that; [`format()`] prints the canonical
//! form.

use thiserror::Error;

/// The largest CPU id accepted. Linux's `NR_CPUS` is at most 8192; the margin
/// keeps a hostile `0-4294967295` from allocating gigabytes.
pub const MAX_CPU_ID: u32 = 65_535;

/// Why a cpulist could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CpuListError {
    /// A region is not a number, range or stride range.
    #[error("invalid cpulist region {region:?}")]
    InvalidRegion {
        /// The offending region.
        region: String,
    },
    /// A range ends before it starts.
    #[error("cpulist range {region:?} ends before it starts")]
    Reversed {
        /// The offending region.
        region: String,
    },
    /// A CPU id above [`MAX_CPU_ID`].
    #[error("CPU id in {region:?} is above the supported maximum {MAX_CPU_ID}")]
    TooLarge {
        /// The offending region.
        region: String,
    },
}

/// Parses a cpulist into ascending, de-duplicated CPU ids. An empty or
/// all-whitespace string is the empty set.
///
/// # Errors
///
/// Returns [`CpuListError`] naming the first region that is not valid.
pub fn parse(s: &str) -> Result<Vec<u32>, CpuListError> {
    let mut bits: Vec<bool> = Vec::new();
    for region in s.split(',') {
        let region = region.trim();
        if region.is_empty() {
            continue;
        }
        let bad = || CpuListError::InvalidRegion {
            region: region.to_owned(),
        };
        let (range, stride) = match region.split_once(':') {
            Some((range, stride)) => {
                let (used, group) = stride.split_once('/').ok_or_else(bad)?;
                let used = number(used).ok_or_else(bad)?;
                let group = number(group).ok_or_else(bad)?;
                if used == 0 || group == 0 || used > group {
                    return Err(bad());
                }
                (range, Some((used, group)))
            }
            None => (region, None),
        };
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (number(a).ok_or_else(bad)?, number(b).ok_or_else(bad)?),
            None if stride.is_none() => {
                let n = number(range).ok_or_else(bad)?;
                (n, n)
            }
            None => return Err(bad()),
        };
        if last < first {
            return Err(CpuListError::Reversed {
                region: region.to_owned(),
            });
        }
        if last > MAX_CPU_ID {
            return Err(CpuListError::TooLarge {
                region: region.to_owned(),
            });
        }
        let (used, group) = stride.unwrap_or((1, 1));
        let len = last as usize + 1;
        if bits.len() < len {
            bits.resize(len, false);
        }
        let mut start = first;
        while start <= last {
            let end = start.saturating_add(used - 1).min(last);
            for cpu in start..=end {
                bits[cpu as usize] = true;
            }
            match start.checked_add(group) {
                Some(next) => start = next,
                None => break,
            }
        }
    }
    Ok(bits
        .iter()
        .enumerate()
        .filter(|(_, set)| **set)
        .filter_map(|(cpu, _)| u32::try_from(cpu).ok())
        .collect())
}

fn number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Prints CPU ids as a canonical kernel cpulist (`1,3,5-7`), without a
/// newline. The input may be in any order and hold duplicates.
#[must_use]
pub fn format(cpus: &[u32]) -> String {
    let mut sorted = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kernel_forms() {
        assert_eq!(parse("").unwrap(), Vec::<u32>::new());
        assert_eq!(parse("\n").unwrap(), Vec::<u32>::new());
        assert_eq!(parse("4-7\n").unwrap(), vec![4, 5, 6, 7]);
        assert_eq!(
            parse("1,3,5-7,64-71").unwrap(),
            vec![1, 3, 5, 6, 7, 64, 65, 66, 67, 68, 69, 70, 71]
        );
        assert_eq!(parse(" 0 , 2-3 ").unwrap(), vec![0, 2, 3]);
        assert_eq!(parse("3,1,1-2").unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn stride_form() {
        assert_eq!(
            parse("0-1023:2/256").unwrap(),
            vec![0, 1, 256, 257, 512, 513, 768, 769]
        );
        assert_eq!(parse("0-9:1/3").unwrap(), vec![0, 3, 6, 9]);
        assert_eq!(parse("2-4:3/3").unwrap(), vec![2, 3, 4]);
        assert!(parse("0-9:0/3").is_err());
        assert!(parse("0-9:4/3").is_err());
        assert!(parse("0-9:2").is_err());
        assert!(parse("5:1/2").is_err());
    }

    #[test]
    fn errors() {
        assert!(matches!(parse("7-4"), Err(CpuListError::Reversed { .. })));
        assert!(matches!(
            parse("0-4294967295"),
            Err(CpuListError::TooLarge { .. })
        ));
        assert!(parse("a").is_err());
        assert!(parse("1-").is_err());
        assert!(parse("-1").is_err());
        assert!(parse("1--2").is_err());
        assert!(parse("+1").is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(format(&[]), "");
        assert_eq!(format(&[7, 5, 6, 1, 3, 3]), "1,3,5-7");
        assert_eq!(format(&[0]), "0");
        assert_eq!(format(&[0, 1]), "0-1");
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(set in proptest::collection::btree_set(0u32..2048, 0..200)) {
            let cpus: Vec<u32> = set.into_iter().collect();
            let text = format(&cpus);
            prop_assert_eq!(parse(&text).unwrap(), cpus);
        }

        #[test]
        fn parse_then_format_is_identity_on_canonical_lists(set in proptest::collection::btree_set(0u32..512, 0..100)) {
            let canonical = format(&set.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(&format(&parse(&canonical).unwrap()), &canonical);
            let with_newline = format!("{canonical}\n");
            prop_assert_eq!(format(&parse(&with_newline).unwrap()), canonical);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }
    }
}
