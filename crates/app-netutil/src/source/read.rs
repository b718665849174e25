//! Reading what a lookup found: regular files only, never more than a cap,
//! never blocking; directory listings.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use rustix::fd::{BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::walk::READ_FLAGS;
use super::{FileKind, ReadError};

impl FileKind {
    pub(super) fn of(st: &Stat) -> Self {
        match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => Self::Regular,
            FileType::Directory => Self::Directory,
            FileType::Socket => Self::Socket,
            FileType::CharacterDevice => Self::CharDevice,
            FileType::BlockDevice => Self::BlockDevice,
            FileType::Fifo => Self::Fifo,
            _ => Self::Other,
        }
    }
}

pub(super) fn io_error(path: String, source: io::Error) -> ReadError {
    if source.kind() == io::ErrorKind::NotFound {
        ReadError::NotFound { path }
    } else {
        ReadError::Io { path, source }
    }
}

/// A downward-API listing without the entries kubelet's atomic writer
/// keeps for itself (names starting with `..`).
pub(super) fn podinfo_names(mut names: Vec<String>) -> Vec<String> {
    names.retain(|n| !n.starts_with(".."));
    names
}

/// Sorted entry names of an open directory (without `.` and `..`).
pub(super) fn list_names(fd: OwnedFd) -> Result<Vec<String>, Errno> {
    let mut names = Vec::new();
    // One page holds any entry (names are at most 255 bytes), and on the
    // stack it costs no allocation per listing.
    let mut buf = [std::mem::MaybeUninit::uninit(); 4096];
    let mut dir = rustix::fs::RawDir::new(fd, &mut buf);
    while let Some(entry) = dir.next() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        if let Ok(name) = std::str::from_utf8(name) {
            names.push(name.to_owned());
        }
    }
    names.sort_unstable();
    Ok(names)
}

/// Reads a regular file (`path` relative to `dir`, links followed as the
/// kernel does: for the live root), refusing anything else without opening
/// it. The open uses `O_NONBLOCK`, so even a FIFO swapped in after the check
/// cannot block the reader.
///
/// `sysfs` says the file is on sysfs: an attribute there reports a size of
/// one page (4096) whatever it holds and gives all of it to the first read,
/// so a shorter first read is its end (one `read` call instead of two).
pub(super) fn read_regular_at(
    dir: BorrowedFd<'_>,
    path: &Path,
    display: &str,
    cap: u64,
    sysfs: bool,
) -> Result<Vec<u8>, ReadError> {
    let st = rustix::fs::statat(dir, path, AtFlags::empty())
        .map_err(|e| io_error(display.to_owned(), e.into()))?;
    if let Some(kind) = not_regular(&st) {
        return Err(ReadError::NotRegular {
            path: display.to_owned(),
            kind,
        });
    }
    let fd = rustix::fs::openat(dir, path, READ_FLAGS | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| io_error(display.to_owned(), e.into()))?;
    read_fd(
        fd,
        u64::try_from(st.st_size).unwrap_or(0),
        display,
        cap,
        sysfs,
    )
}

/// Reads an open file whose `stat` gave `size`, at most `cap` bytes.
pub(super) fn read_fd(
    fd: OwnedFd,
    size: u64,
    display: &str,
    cap: u64,
    sysfs: bool,
) -> Result<Vec<u8>, ReadError> {
    let mut file = File::from(fd);
    // proc files report size 0, sysfs attributes 4096: start with a page.
    let initial = if size == 0 { 4096 } else { size.min(cap) + 1 };
    // Holding `cap + 1` bytes is enough to know the file is too large.
    let limit = usize::try_from(cap).unwrap_or(usize::MAX).saturating_add(1);
    let mut data = Vec::with_capacity(usize::try_from(initial).unwrap_or(4096).min(limit));
    while data.len() < limit {
        if data.len() == data.capacity() {
            data.reserve(data.capacity().max(4096));
        }
        let start = data.len();
        let room = (data.capacity() - start).min(limit - start);
        data.resize(start + room, 0);
        let n = loop {
            match file.read(&mut data[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(display.to_owned(), e)),
            }
        };
        data.truncate(start + n);
        // A short read once the known size is reached is the end of the
        // file; proc files (size 0) are read until a read returns nothing.
        if n == 0 || (size > 0 && n < room && data.len() as u64 >= size) {
            break;
        }
        if sysfs && size == 4096 && start == 0 && n < room {
            break;
        }
    }
    if data.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            path: display.to_owned(),
            cap,
        });
    }
    Ok(data)
}

/// A machine path read the way the live root reads.
#[cfg(test)]
pub(super) fn read_regular(host: &Path, display: &str, cap: u64) -> Result<Vec<u8>, ReadError> {
    read_regular_at(rustix::fs::CWD, host, display, cap, false)
}

/// What a file is in words, when it is not a regular file.
pub(super) fn not_regular(st: &Stat) -> Option<&'static str> {
    Some(match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => return None,
        FileType::Directory => "directory",
        FileType::Fifo => "FIFO",
        FileType::Socket => "socket",
        FileType::CharacterDevice => "character device",
        FileType::BlockDevice => "block device",
        _ => "special file",
    })
}
