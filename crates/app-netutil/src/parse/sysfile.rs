//! What is wrong with the value of a proc, cgroup or sysfs file, and the
//! small text helpers their parsers share (numbers, lines, paths).
//!
//! The parsers of [`crate::parse::mountinfo`], [`crate::parse::cgroup`],
//! [`crate::parse::hugetlb`] and [`crate::assemble::topology`] work on `&str` and return a
//! [`ValueError`] saying what is wrong with the content; the glue wraps it in
//! a [`FileError`] that names the file, whose text becomes a report warning.

use thiserror::Error;

use crate::parse::cpulist::CpuListError;

/// What is wrong with the content of a proc, cgroup or sysfs file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The file is empty (or only whitespace) where a value is required.
    #[error("empty")]
    Empty,
    /// A CPU list that does not parse.
    #[error(transparent)]
    CpuList(#[from] CpuListError),
    /// Not a non-negative decimal integer.
    #[error("{0:?} is not a whole number")]
    NotANumber(String),
    /// Not a NUMA node number (a non-negative integer or `-1`).
    #[error("{0:?} is not a NUMA node number")]
    NotANumaNode(String),
    /// A NUMA node number at or above [`crate::report::MAX_NUMA_NODES`].
    #[error("node {0} is beyond the {max} nodes a kernel can have", max = crate::report::MAX_NUMA_NODES)]
    NumaNodeTooLarge(u64),
    /// Not a PCI id in the kernel's `0x` + four hex digits form.
    #[error("{0:?} is not a PCI id like 0x8086")]
    NotAPciId(String),
    /// Not a hugetlb limit: bytes or the literal `max`.
    #[error("{0:?} is neither a number of bytes nor \"max\"")]
    NotALimit(String),
    /// Not a page size.
    #[error("{0:?} is not a page size")]
    NotAPageSize(String),
    /// A line of a line-oriented file that does not have the expected shape.
    #[error("line {line}: {reason}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: LineError,
    },
}

/// What is wrong with one line of a line-oriented proc file
/// (`/proc/self/mountinfo`, `/proc/self/cgroup`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LineError {
    /// A required field is missing (the line ends too early).
    #[error("no {0}")]
    Missing(&'static str),
    /// A field that must be a number is not.
    #[error("{what} {value:?} is not a number")]
    NotANumber {
        /// Which field.
        what: &'static str,
        /// Its text.
        value: String,
    },
    /// A mountinfo root or mount point that is not an absolute path.
    #[error("{what} {path:?} is not an absolute path")]
    NotAbsolute {
        /// Which field.
        what: &'static str,
        /// The path, unescaped.
        path: String,
    },
    /// A cgroup line without three `:`-separated fields.
    #[error("not hierarchy-id:controllers:path")]
    NotACgroupLine,
    /// A cgroup line of hierarchy 0 (cgroup v2), which lists no
    /// controllers, with controllers.
    #[error("hierarchy 0 (cgroup v2) with controllers")]
    V2WithControllers,
    /// A cgroup path that is not absolute.
    #[error("path {0:?} is not absolute")]
    RelativeCgroupPath(String),
}

/// Parses a non-negative decimal integer with surrounding whitespace.
///
/// # Errors
///
/// [`ValueError::Empty`] or [`ValueError::NotANumber`].
pub(crate) fn parse_u64(text: &str) -> Result<u64, ValueError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::NotANumber(t.to_owned()));
    }
    t.parse::<u64>()
        .map_err(|_| ValueError::NotANumber(t.to_owned()))
}

/// The last component of a pod path (`/sys/bus/pci/drivers/iavf` → `iavf`).
#[must_use]
pub(crate) fn basename(path: &str) -> Option<&str> {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
}

/// Joins a directory and a relative path with exactly one `/`.
#[must_use]
pub(crate) fn join(dir: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches('/');
    let dir = dir.trim_end_matches('/');
    if rel.is_empty() {
        if dir.is_empty() {
            "/".to_owned()
        } else {
            dir.to_owned()
        }
    } else {
        format!("{dir}/{rel}")
    }
}

/// `data.split(|&b| b == sep)`, with the separator found by `memchr`
/// rather than byte by byte: the lines of a large annotation are long.
pub(crate) fn split_bytes(data: &[u8], sep: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr(sep, current) {
            Some(at) => {
                rest = current.get(at + 1..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Parses every non-blank line of `text` with `parse_line` (a trailing CR
/// is dropped); lines that cannot be parsed are skipped and returned as
/// errors naming their line number.
pub(crate) fn parse_lines<T>(
    text: &str,
    parse_line: impl Fn(&str) -> Result<T, LineError>,
) -> (Vec<T>, Vec<ValueError>) {
    let mut errors = Vec::new();
    let items = parse_lines_with(text, parse_line, |e| errors.push(e));
    (items, errors)
}

/// [`parse_lines`], handing each error to `on_error` as it is found
/// instead of collecting them.
pub(crate) fn parse_lines_with<T>(
    text: &str,
    parse_line: impl Fn(&str) -> Result<T, LineError>,
    mut on_error: impl FnMut(ValueError),
) -> Vec<T> {
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(item) => items.push(item),
            Err(reason) => on_error(ValueError::Line {
                line: i + 1,
                reason,
            }),
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::files::FileError;

    #[test]
    fn numbers() {
        assert_eq!(parse_u64("12\n"), Ok(12));
        assert_eq!(parse_u64(" 0 "), Ok(0));
        assert_eq!(parse_u64(""), Err(ValueError::Empty));
        assert_eq!(parse_u64("\n"), Err(ValueError::Empty));
        assert!(matches!(parse_u64("-1"), Err(ValueError::NotANumber(_))));
        assert!(matches!(parse_u64("+1"), Err(ValueError::NotANumber(_))));
        assert!(matches!(parse_u64("1 2"), Err(ValueError::NotANumber(_))));
        assert!(matches!(
            parse_u64("99999999999999999999999"),
            Err(ValueError::NotANumber(_))
        ));
    }

    #[test]
    fn splitting_matches_slice_split() {
        for data in [&b""[..], b"\n", b"a", b"a\n", b"\na\n\nb", b"a\nb\n\n"] {
            let ours: Vec<&[u8]> = split_bytes(data, b'\n').collect();
            let std: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            assert_eq!(ours, std, "{data:?}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(basename("/sys/bus/pci/drivers/iavf"), Some("iavf"));
        assert_eq!(basename("/sys/kernel/iommu_groups/42/"), Some("42"));
        assert_eq!(basename("/"), None);
        assert_eq!(join("/sys/fs/cgroup/", "/a/b"), "/sys/fs/cgroup/a/b");
        assert_eq!(join("/sys/fs/cgroup", ""), "/sys/fs/cgroup");
        assert_eq!(join("/", ""), "/");
        assert_eq!(join("/", "/x"), "/x");
    }

    #[test]
    fn errors_name_the_file() {
        let e = FileError::value("/sys/x", ValueError::NotANumber("abc".into()));
        assert_eq!(e.to_string(), "/sys/x: \"abc\" is not a whole number");
    }
}
