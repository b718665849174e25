//! `/proc/self/mountinfo` (proc_pid_mountinfo(5)).
//!
//! Each line is `id parent major:minor root mount-point options
//! [optional fields...] - fstype source super-options`. The root and the
//! mount point (and the source) escape space, tab, newline and backslash as
//! `\ooo` octal (`\040` is a space). A mount whose root dentry was removed
//! shows `//deleted` after the root; a mount point that was removed shows
//! ` (deleted)` (escaped `\040(deleted)`) after it.

use crate::parse::sysfile::{self, LineError, ValueError};

/// The file this module reads.
pub const PATH: &str = "/proc/self/mountinfo";

/// One mount.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MountEntry {
    /// Mount id.
    pub mount_id: u64,
    /// Parent mount id.
    pub parent_id: u64,
    /// The directory of the filesystem that is mounted (unescaped, without a
    /// `//deleted` suffix), e.g. `/` or `/kubepods/pod1/ctr`.
    pub root: String,
    /// Where it is mounted, as the process sees it (unescaped, without a
    /// ` (deleted)` suffix).
    pub mount_point: String,
    /// Per-mount options (`rw,relatime`).
    pub mount_options: String,
    /// Filesystem type (`cgroup`, `cgroup2`, `hugetlbfs`, ...).
    pub fs_type: String,
    /// Mount source (unescaped).
    pub source: String,
    /// Per-superblock options (`rw,cpuset`, `rw,pagesize=2M`).
    pub super_options: String,
    /// Whether the root or the mount point carried a deleted marker.
    pub deleted: bool,
}

impl MountEntry {
    /// Whether the super options hold `name` as a whole option (`cpuset` in
    /// `rw,cpuset`, not in `rw,cpuset_v2_mode`).
    #[must_use]
    pub fn has_super_option(&self, name: &str) -> bool {
        self.super_options.split(',').any(|o| o == name)
    }

    /// The value of a `key=value` super option (`pagesize` → `2M`).
    #[must_use]
    pub fn super_option(&self, key: &str) -> Option<&str> {
        self.super_options.split(',').find_map(|o| {
            let (k, v) = o.split_once('=')?;
            (k == key).then_some(v)
        })
    }
}

/// Replaces the kernel's `\ooo` octal escapes. A backslash not followed by
/// three octal digits is kept as it is. Bytes that do not form UTF-8 are
/// replaced.
#[must_use]
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && is_octal_escape(&b[i + 1..i + 4]) {
            let v = u32::from(b[i + 1] - b'0') * 64
                + u32::from(b[i + 2] - b'0') * 8
                + u32::from(b[i + 3] - b'0');
            // Three octal digits can exceed a byte (`\777`); such a sequence
            // is not an escape the kernel writes: keep it literally.
            if let Ok(byte) = u8::try_from(v) {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn is_octal_escape(d: &[u8]) -> bool {
    d.len() == 3 && d.iter().all(|c| (b'0'..=b'7').contains(c))
}

/// Parses one mountinfo line.
///
/// # Errors
///
/// A `LineError` naming the field that is missing or wrong.
pub fn parse_line(line: &str) -> Result<MountEntry, LineError> {
    let mut fields = line.split(' ').filter(|f| !f.is_empty());
    let mut next = |what: &'static str| fields.next().ok_or(LineError::Missing(what));
    let mount_id = next("mount id")?;
    let parent_id = next("parent id")?;
    let _dev = next("major:minor")?;
    let root = next("root")?;
    let mount_point = next("mount point")?;
    let mount_options = next("mount options")?;
    // Optional fields end with a lone `-`.
    loop {
        if next("\" - \" separator")? == "-" {
            break;
        }
    }
    let fs_type = next("filesystem type")?;
    let source = next("mount source").unwrap_or_default();
    let super_options = next("super options").unwrap_or_default();
    let number = |s: &str, what: &'static str| {
        s.parse::<u64>().map_err(|_| LineError::NotANumber {
            what,
            value: s.to_owned(),
        })
    };
    let mount_id = number(mount_id, "mount id")?;
    let parent_id = number(parent_id, "parent id")?;
    let mut root = unescape(root);
    let mut deleted = false;
    if let Some(r) = root.strip_suffix("//deleted") {
        root = if r.is_empty() {
            "/".to_owned()
        } else {
            r.to_owned()
        };
        deleted = true;
    }
    let mut mount_point = unescape(mount_point);
    if let Some(m) = mount_point.strip_suffix(" (deleted)") {
        mount_point = m.to_owned();
        deleted = true;
    }
    if !root.starts_with('/') {
        return Err(LineError::NotAbsolute {
            what: "root",
            path: root,
        });
    }
    if !mount_point.starts_with('/') {
        return Err(LineError::NotAbsolute {
            what: "mount point",
            path: mount_point,
        });
    }
    Ok(MountEntry {
        mount_id,
        parent_id,
        root,
        mount_point,
        mount_options: mount_options.to_owned(),
        fs_type: fs_type.to_owned(),
        source: unescape(source),
        super_options: super_options.to_owned(),
        deleted,
    })
}

/// The filesystem type of a mountinfo line as [`parse_line`] finds it (the
/// field after the lone `-` that follows the six fixed fields), without
/// decoding anything; `None` when the line has no such field.
fn fs_type_of(line: &str) -> Option<&str> {
    // `line.split(' ')` without empty fields, with the spaces found by
    // memchr: the fixed fields hold long option lists (overlayfs).
    let bytes = line.as_bytes();
    let mut at = 0;
    let mut fields = std::iter::from_fn(|| {
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        let start = at;
        let rest = bytes.get(start..).filter(|r| !r.is_empty())?;
        at = start + memchr::memchr(b' ', rest).unwrap_or(rest.len());
        line.get(start..at)
    })
    .skip(6);
    fields.find(|&f| f == "-")?;
    fields.next()
}

/// Parses a whole mountinfo file. Lines that cannot be parsed are skipped
/// and returned as errors; blank lines are ignored.
#[must_use]
pub fn parse(text: &str) -> (Vec<MountEntry>, Vec<ValueError>) {
    sysfile::parse_lines(text, parse_line)
}

/// The mounts of a mountinfo file that this library uses: cgroup, cgroup2
/// and hugetlbfs, the same as [`parse`] keeps of those types. A container
/// sees dozens of other mounts, not worth decoding; a line whose type
/// cannot be found is decoded, so that its problem is reported.
#[must_use]
pub fn parse_used(text: &str) -> (Vec<MountEntry>, Vec<ValueError>) {
    let mut errors = Vec::new();
    let mounts = parse_used_with(text, |e| errors.push(e));
    (mounts, errors)
}

/// [`parse_used`], handing each error to `on_error` as it is found; the
/// other mounts take no memory.
pub(crate) fn parse_used_with(text: &str, mut on_error: impl FnMut(ValueError)) -> Vec<MountEntry> {
    let mut mounts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if let Some("cgroup" | "cgroup2" | "hugetlbfs") | None = fs_type_of(line) {
            match parse_line(line) {
                Ok(m) => mounts.push(m),
                Err(reason) => on_error(ValueError::Line {
                    line: i + 1,
                    reason,
                }),
            }
        }
    }
    mounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn filesystem_type_found_as_parse_line_finds_it() {
        let line =
            "36 35 98:0 /mnt-1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue";
        assert_eq!(fs_type_of(line), Some("ext3"));
        assert_eq!(
            fs_type_of("1 2 0:3 / /a rw - cgroup2 cgroup2 rw"),
            Some("cgroup2")
        );
        assert_eq!(fs_type_of("1 2 0:3 / /a-b rw -"), None);
        assert_eq!(fs_type_of("1 2 0:3 / /a rw - "), None);
        assert_eq!(fs_type_of("- x"), None);
        // Repeated spaces, and a "-" among the fixed fields (which the
        // kernel never writes), are read as parse_line reads them.
        assert_eq!(fs_type_of("1 2 0:3 / /a rw  -  ev x y"), Some("ev"));
        assert_eq!(fs_type_of("1 2 0:3 / /a - x - cgroup s o"), Some("cgroup"));
    }

    #[test]
    fn used_mounts_are_the_used_types_of_all_mounts() {
        let text = "1 2 0:3 / /a rw  -  ev x y\n1 2 0:3 / /a - x - cgroup s o\n\
                    3 1 0:4 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n\
                    4 1 0:5 / /dev/hugepages rw - hugetlbfs nodev rw,pagesize=2M\n\
                    5 1 0:6 / /proc rw - proc proc rw\nbroken line\n";
        let (all, all_errors) = parse(text);
        let (used, used_errors) = parse_used(text);
        let wanted: Vec<&MountEntry> = all
            .iter()
            .filter(|m| matches!(m.fs_type.as_str(), "cgroup" | "cgroup2" | "hugetlbfs"))
            .collect();
        assert_eq!(used.iter().collect::<Vec<_>>(), wanted);
        assert_eq!(used.len(), 3);
        assert_eq!(used_errors, all_errors);
    }

    #[test]
    fn man_page_example() {
        let m = parse_line(
            "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
        )
        .unwrap();
        assert_eq!(m.mount_id, 36);
        assert_eq!(m.parent_id, 35);
        assert_eq!(m.root, "/mnt1");
        assert_eq!(m.mount_point, "/mnt2");
        assert_eq!(m.mount_options, "rw,noatime");
        assert_eq!(m.fs_type, "ext3");
        assert_eq!(m.source, "/dev/root");
        assert_eq!(m.super_options, "rw,errors=continue");
        assert!(!m.deleted);
    }

    #[test]
    fn optional_fields_and_none() {
        let m = parse_line(
            "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime shared:15 master:3 propagate_from:2 - cgroup cgroup rw,cpuset",
        )
        .unwrap();
        assert_eq!(m.fs_type, "cgroup");
        assert!(m.has_super_option("cpuset"));
        assert!(!m.has_super_option("cpu"));
        let m = parse_line("34 31 0:31 / /x rw - cgroup2 cgroup2 rw").unwrap();
        assert_eq!(m.fs_type, "cgroup2");
    }

    #[test]
    fn escapes() {
        let m = parse_line(
            r"50 20 0:47 /a\040b /mnt/huge\040pages\011x\134y rw - hugetlbfs none\040x rw,pagesize=1024M",
        )
        .unwrap();
        assert_eq!(m.root, "/a b");
        assert_eq!(m.mount_point, "/mnt/huge pages\tx\\y");
        assert_eq!(m.source, "none x");
        assert_eq!(m.super_option("pagesize"), Some("1024M"));
        assert_eq!(m.super_option("size"), None);
        assert_eq!(unescape(r"\12"), r"\12");
        assert_eq!(unescape(r"a\"), r"a\");
        assert_eq!(unescape(r"\777"), r"\777");
        assert_eq!(unescape(r"\0121"), "\n1");
        assert_eq!(unescape(r"\377"), "\u{fffd}");
    }

    #[test]
    fn deleted_markers() {
        let m = parse_line(
            r"50 20 0:31 /kubepods/pod1//deleted /sys/fs/cgroup rw - cgroup2 cgroup2 rw",
        )
        .unwrap();
        assert_eq!(m.root, "/kubepods/pod1");
        assert!(m.deleted);
        let m = parse_line(r"50 20 0:47 / /mnt/h\040(deleted) rw - hugetlbfs none rw").unwrap();
        assert_eq!(m.mount_point, "/mnt/h");
        assert!(m.deleted);
        let m = parse_line(r"50 20 0:31 //deleted /x rw - cgroup2 cgroup2 rw").unwrap();
        assert_eq!(m.root, "/");
    }

    #[test]
    fn malformed_lines() {
        for line in [
            "",
            "garbage",
            "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw",
            "36 35 98:0 /mnt1 /mnt2 rw -",
            "x 35 98:0 / /m rw - ext3 s rw",
            "36 35 98:0 relative /m rw - ext3 s rw",
            "36 35 98:0 / relative rw - ext3 s rw",
        ] {
            assert!(parse_line(line).is_err(), "{line:?}");
        }
        let (mounts, errors) = parse(
            "garbage\n\n36 35 98:0 / /m rw - ext3 s rw\r\n36 35 98:0 / /n rw - ext3\n\u{0}\u{1}",
        );
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[1].source, "");
        assert_eq!(errors.len(), 2);
        assert!(matches!(errors[0], ValueError::Line { line: 1, .. }));
        assert!(matches!(errors[1], ValueError::Line { line: 5, .. }));
        assert_eq!(errors[0].to_string(), "line 1: no parent id");
        assert_eq!(
            parse_line("x 35 98:0 / /m rw - ext3 s rw"),
            Err(LineError::NotANumber {
                what: "mount id",
                value: "x".into()
            })
        );
        assert_eq!(
            parse_line("36 35 98:0 / relative rw - ext3 s rw")
                .unwrap_err()
                .to_string(),
            "mount point \"relative\" is not an absolute path"
        );
        assert_eq!(parse(""), (vec![], vec![]));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_mountinfo_shaped_lines(
            root in "[/a-z\\\\0-9 ]{0,12}",
            point in "[/a-z\\\\0-9()]{0,12}",
            opt in "[-a-z:0-9 ]{0,20}",
        ) {
            let _ = parse(&format!("1 2 0:3 {root} {point} rw {opt} - t s o"));
        }
    }
}
