//! The kernel's CPU list ("cpulist") format.
//!
//! Kernel files print `n` and `a-b` regions joined by commas, ascending, then
//! a newline (`bitmap_print_to_pagebuf`). The kernel's parser
//! (`bitmap_parselist`) also accepts `a-b:used/group` (in each group of
//! `group` CPUs starting at `a`, the first `used`), and whitespace between
//! regions. [`parse`] accepts all of that; [`format()`] prints the canonical
//! form.
//!
//! **Cost.** Regions are merged as ranges, never expanded one by one: a
//! list of `r` plain regions costs `O(r log r)` whatever their widths (40,000
//! regions of `0-65535` are one range). The stride form, which the kernel
//! accepts as input but never prints, is expanded: at most
//! [`MAX_STRIDE_REGIONS`] such regions per list, each at most
//! [`MAX_CPU_ID`]` + 1` CPUs wide. A result holds at most
//! [`MAX_CPU_ID`]` + 1` ids.

use std::ops::RangeInclusive;

use thiserror::Error;

/// The largest CPU id accepted. Linux's `NR_CPUS` is at most 8192; the margin
/// keeps a hostile `0-4294967295` from allocating gigabytes.
pub const MAX_CPU_ID: u32 = 65_535;

/// The most stride regions (`a-b:used/group`) in one list; more is an
/// error. 512 is about as many as fit in the 4 KiB page that the kernel
/// accepts as a cpulist to parse.
pub const MAX_STRIDE_REGIONS: usize = 512;

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
    /// More than [`MAX_STRIDE_REGIONS`] stride regions.
    #[error("more than {MAX_STRIDE_REGIONS} stride regions (a-b:used/group)")]
    TooManyStrides,
}

/// Parses a cpulist into ascending, de-duplicated CPU ids. An empty or
/// all-whitespace string is the empty set.
///
/// # Errors
///
/// Returns [`CpuListError`] naming the first region that is not valid.
pub fn parse(s: &str) -> Result<Vec<u32>, CpuListError> {
    let ranges = parse_ranges(s)?;
    let len: usize = ranges
        .iter()
        .map(|r| (r.end() - r.start()) as usize + 1)
        .sum();
    let mut out = Vec::with_capacity(len);
    for r in ranges {
        out.extend(r);
    }
    Ok(out)
}

/// Parses a cpulist into its CPUs as ascending, disjoint and non-adjacent
/// ranges (`0-3,5` is `[0..=3, 5..=5]`), without expanding them.
///
/// # Errors
///
/// As [`parse`].
pub fn parse_ranges(s: &str) -> Result<Vec<RangeInclusive<u32>>, CpuListError> {
    let mut plain: Vec<(u32, u32)> = Vec::new();
    let mut strided: Option<Bits> = None;
    let mut strides = 0usize;
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
        match stride {
            // Every CPU of the range is used: a plain range.
            None => plain.push((first, last)),
            Some((used, group)) if used == group => plain.push((first, last)),
            Some((used, group)) => {
                strides += 1;
                if strides > MAX_STRIDE_REGIONS {
                    return Err(CpuListError::TooManyStrides);
                }
                let bits = strided.get_or_insert_with(Bits::default);
                let mut start = first;
                loop {
                    let end = start.saturating_add(used - 1).min(last);
                    bits.set(start, end);
                    match start.checked_add(group) {
                        Some(next) if next <= last => start = next,
                        _ => break,
                    }
                }
            }
        }
    }
    plain.sort_unstable();
    let merged = merge(plain.into_iter());
    Ok(match strided {
        None => merged,
        Some(mut bits) => {
            for r in merged {
                bits.set(*r.start(), *r.end());
            }
            bits.ranges()
        }
    })
}

/// Merges ascending (by start) ranges into disjoint, non-adjacent ones.
fn merge(sorted: impl Iterator<Item = (u32, u32)>) -> Vec<RangeInclusive<u32>> {
    let mut out: Vec<RangeInclusive<u32>> = Vec::new();
    for (a, b) in sorted {
        if let Some(last) = out.last_mut() {
            if a <= last.end().saturating_add(1) {
                if b > *last.end() {
                    *last = *last.start()..=b;
                }
                continue;
            }
        }
        out.push(a..=b);
    }
    out
}

/// A set of CPU ids up to [`MAX_CPU_ID`], as a bitmap.
#[derive(Default)]
struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// Sets `a..=b` (`b <= MAX_CPU_ID`), a word at a time.
    fn set(&mut self, a: u32, b: u32) {
        let (a, b) = (a as usize, b as usize);
        if self.words.len() <= b / 64 {
            self.words.resize(b / 64 + 1, 0);
        }
        let (wa, wb) = (a / 64, b / 64);
        let low = u64::MAX << (a % 64);
        let high = u64::MAX >> (63 - b % 64);
        if wa == wb {
            self.words[wa] |= low & high;
            return;
        }
        self.words[wa] |= low;
        for w in &mut self.words[wa + 1..wb] {
            *w = u64::MAX;
        }
        self.words[wb] |= high;
    }

    /// The set as ascending, disjoint, non-adjacent ranges: one step per
    /// run of set or clear bits.
    fn ranges(&self) -> Vec<RangeInclusive<u32>> {
        let mut out = Vec::new();
        let mut open: Option<u32> = None;
        for (wi, &word) in self.words.iter().enumerate() {
            let base = (wi as u32) * 64;
            let mut bit = 0u32;
            while bit < 64 {
                let rest = word >> bit;
                match open {
                    None => {
                        if rest == 0 {
                            break;
                        }
                        bit += rest.trailing_zeros();
                        open = Some(base + bit);
                    }
                    Some(start) => {
                        // The shifted-in high bits of `!rest` are ones, so
                        // this counts the run of set bits from `bit`.
                        let ones = (!rest).trailing_zeros();
                        if ones >= 64 - bit {
                            break;
                        }
                        bit += ones;
                        out.push(start..=base + bit - 1);
                        open = None;
                    }
                }
            }
        }
        if let Some(start) = open {
            out.push(start..=(self.words.len() as u32) * 64 - 1);
        }
        out
    }
}

fn number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub use crate::report::format_cpulist as format;

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

    #[test]
    fn ranges_are_merged_without_expanding() {
        assert_eq!(parse_ranges("0-3,5,4").unwrap(), vec![0..=5]);
        assert_eq!(
            parse_ranges("9,0-2,4-6").unwrap(),
            vec![0..=2, 4..=6, 9..=9]
        );
        assert_eq!(
            parse_ranges("65535,0-65535,0").unwrap(),
            vec![0..=MAX_CPU_ID]
        );
        assert_eq!(
            parse_ranges("0-9:1/3,1-2").unwrap(),
            vec![0..=3, 6..=6, 9..=9]
        );
        assert_eq!(parse_ranges("62-66:2/2").unwrap(), vec![62..=66]);
        assert_eq!(
            parse_ranges("60-70:3/4").unwrap(),
            vec![60..=62, 64..=66, 68..=70]
        );
        assert_eq!(
            parse_ranges("65534-65535:1/1").unwrap(),
            vec![65534..=65535]
        );
        assert_eq!(parse_ranges("63,64").unwrap(), vec![63..=64]);
        // 40,000 full-width regions: one range, found without expanding
        // any of them (the old parser took seconds).
        let hostile = vec!["0-65535"; 40_000].join(",");
        assert_eq!(parse_ranges(&hostile).unwrap(), vec![0..=MAX_CPU_ID]);
        assert_eq!(parse(&hostile).unwrap().len(), 65_536);
    }

    #[test]
    fn stride_regions_are_bounded() {
        let ok = vec!["0-65535:1/2"; MAX_STRIDE_REGIONS].join(",");
        assert_eq!(parse(&ok).unwrap().len(), 32_768);
        let too_many = vec!["0-65535:1/2"; MAX_STRIDE_REGIONS + 1].join(",");
        assert_eq!(parse(&too_many), Err(CpuListError::TooManyStrides));
        // A stride that uses its whole group is a plain range.
        let plain = vec!["0-65535:2/2"; 2 * MAX_STRIDE_REGIONS].join(",");
        assert_eq!(parse(&plain).unwrap().len(), 65_536);
    }

    /// The kernel's meaning, one CPU at a time.
    fn naive(s: &str) -> Option<Vec<u32>> {
        let mut set = std::collections::BTreeSet::new();
        for region in s.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let (range, stride) = match region.split_once(':') {
                Some((r, st)) => {
                    let (u, g) = st.split_once('/')?;
                    (r, Some((u.parse::<u32>().ok()?, g.parse::<u32>().ok()?)))
                }
                None => (region, None),
            };
            let (a, b) = match range.split_once('-') {
                Some((a, b)) => (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?),
                None => {
                    let n = range.parse::<u32>().ok()?;
                    (n, n)
                }
            };
            let (u, g) = stride.unwrap_or((1, 1));
            for cpu in a..=b {
                if (cpu - a) % g < u {
                    set.insert(cpu);
                }
            }
        }
        Some(set.into_iter().collect())
    }

    proptest! {
        #[test]
        fn agrees_with_the_kernel_meaning(
            regions in proptest::collection::vec(
                (0u32..300, 0u32..80, proptest::option::of((1u32..5, 1u32..70))),
                0..20,
            )
        ) {
            let text: Vec<String> = regions
                .iter()
                .map(|&(a, len, stride)| match stride {
                    Some((u, g)) => format!("{a}-{}:{}/{g}", a + len, u.min(g)),
                    None if len % 3 == 0 => format!("{a}"),
                    None => format!("{a}-{}", a + len),
                })
                .collect();
            let text = text.join(",");
            let expected = naive(&text).unwrap();
            prop_assert_eq!(&parse(&text).unwrap(), &expected);
            let ranges = parse_ranges(&text).unwrap();
            for pair in ranges.windows(2) {
                prop_assert!(pair[0].end() + 1 < *pair[1].start());
            }
            let expanded: Vec<u32> = ranges.into_iter().flatten().collect();
            prop_assert_eq!(expanded, expected);
        }

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
