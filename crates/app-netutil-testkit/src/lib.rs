//! Test helpers shared by the tests of the app-netutil crates, so that each
//! exists once: pods built in temporary directories ([`pod`]), pods beside
//! a marked "outside" for the confinement tests ([`hostile`]), Go's quoting
//! of annotation values ([`go_quote`]) and the peak memory of a child
//! process ([`rss`]).
//!
//! A development dependency only (`publish = false`); helpers panic on
//! failure, as test code does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod hostile;
pub mod pod;
pub mod rss;

use std::path::Path;

/// Go's `strconv.Quote` as kubelet applies it to annotation values: `"`
/// and `\` escaped, control characters as `\n`, `\t`, `\r` or `\xHH`.
#[must_use]
pub fn go_quote(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a file, creating its directories.
pub fn write_file(path: &Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// The sysfs files of a PCI device below a pod root `base`: `numa_node`
/// (as given), vendor 0x8086 and device 0x154c (an Intel VF).
pub fn pci_device_files(base: &Path, addr: &str, numa_node: &str) {
    let dev = base.join("sys/bus/pci/devices").join(addr);
    write_file(&dev.join("numa_node"), numa_node);
    write_file(&dev.join("vendor"), "0x8086\n");
    write_file(&dev.join("device"), "0x154c\n");
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn go_quoting() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("x\ny\tz\r"), r#""x\ny\tz\r""#);
        assert_eq!(go_quote("\u{1}\u{7f}é"), "\"\\x01\\x7fé\"");
    }
}
