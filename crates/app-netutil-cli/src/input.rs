//! Reading an input the user names — a saved report (`--report FILE`,
//! `--report -`), a manifest for `inject` (files or standard input) —
//! without trusting what FILE is or what it holds.
//!
//! - At most a byte cap ([`Limit`]: [`REPORT`], [`MANIFEST`]); a regular file that says it is larger is
//!   refused without being read, a stream (a pipe, standard input) as soon
//!   as it has given one byte more.
//! - Directories, device nodes and sockets named as FILE are refused before
//!   they are opened (opening a device can have side effects); on standard
//!   input, a device other than a terminal is refused (`< /dev/zero`).
//! - Pipes work as they always did (`show --json | dpdk-args --report -`,
//!   `--report <(...)`, which is `/dev/fd/N`): the reader waits for the
//!   writer for as long as it takes.
//! - A named FIFO is opened without blocking; when no program has opened it
//!   for writing within [`FIFO_WRITER_TIMEOUT`] (or the time that the
//!   environment variable [`FIFO_TIMEOUT_VAR`] gives), that is an error
//!   instead of a hang. Once a writer came, the reader waits for its data.
//! - A saved report's JSON is then checked in one linear pass before it is decoded: at
//!   most [`MAX_REPORT_VALUES`] values and [`MAX_REPORT_OBJECTS`] objects,
//!   which bounds the memory the decoded report takes (an object of the
//!   free-form `device-plugin-info` costs a few hundred bytes for seven of
//!   text).

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;
use thiserror::Error;

/// A byte cap and the name of what it is the cap of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    /// The most bytes read.
    pub(crate) bytes: u64,
    /// What is read, for messages: "a saved report".
    pub(crate) what: &'static str,
}

/// Saved reports: [`MAX_REPORT_BYTES`].
pub(crate) const REPORT: Limit = Limit {
    bytes: MAX_REPORT_BYTES,
    what: "a saved report",
};

/// Manifests for `inject`: 8 MiB, eight times the most a Kubernetes object
/// may be (etcd's default request limit is 1.5 MiB), so that a whole `List`
/// or multi-document stream fits.
pub(crate) const MANIFEST: Limit = Limit {
    bytes: 8 << 20,
    what: "a manifest",
};

/// The largest saved report read, in bytes: 16 times the largest report a
/// pod can give (Kubernetes caps a pod's annotations at 256 KiB, and the
/// report is at most about twice the size of its network-status).
pub(crate) const MAX_REPORT_BYTES: u64 = 4 << 20;

/// The most JSON values (objects, arrays, strings, numbers, `true`,
/// `false`, `null`; object keys included) a saved report may hold. A
/// report of 256 interfaces has about 20,000.
pub(crate) const MAX_REPORT_VALUES: usize = 1 << 18;

/// The most JSON objects a saved report may hold. A report of 256
/// interfaces has about 2,000.
pub(crate) const MAX_REPORT_OBJECTS: usize = 1 << 15;

/// How long a named FIFO may go without a writer.
pub(crate) const FIFO_WRITER_TIMEOUT: Duration = Duration::from_secs(10);

/// Overrides [`FIFO_WRITER_TIMEOUT`] (a duration as `--timeout` takes it:
/// `10`, `500ms`); for tests.
pub(crate) const FIFO_TIMEOUT_VAR: &str = "APP_NETUTIL_FIFO_TIMEOUT";

/// `statfs` type of the kernel's pipe file system: anonymous pipes.
const PIPEFS_MAGIC: i64 = 0x5049_5045;

/// Why an input was not read. The text says what was wrong without the
/// path, which the caller names.
#[derive(Debug, Error)]
pub(crate) enum InputError {
    /// A system call failed (the file does not exist, no permission, ...).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The path names something other than a file or a pipe.
    #[error("is {}; not read (a file, a pipe or standard input is)", kind_name(*.0))]
    NotAFile(FileType),
    /// Standard input is a device other than a terminal (`< /dev/zero`).
    #[error("standard input is {} other than a terminal; not read", kind_name(*.0))]
    StdinDevice(FileType),
    /// Standard input is a block device or a directory.
    #[error("standard input is {}; not read", kind_name(*.0))]
    StdinNotAFile(FileType),
    /// More bytes than the limit.
    #[error(
        "larger than {} MiB ({} bytes), the most {} may hold; not read",
        .0.bytes >> 20,
        .0.bytes,
        .0.what
    )]
    TooLarge(Limit),
    /// A named FIFO that no program opened for writing in time.
    #[error(
        "a FIFO that no program opened for writing within {:.1} s; not read",
        .0.as_secs_f64()
    )]
    NoWriter(Duration),
    /// Bytes that are not UTF-8.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// A saved report with more JSON values than [`MAX_REPORT_VALUES`].
    #[error(
        "more than {MAX_REPORT_VALUES} JSON values, the most a saved report may hold; not read"
    )]
    TooManyValues,
    /// A saved report with more JSON objects than [`MAX_REPORT_OBJECTS`].
    #[error(
        "more than {MAX_REPORT_OBJECTS} JSON objects, the most a saved report may hold; not read"
    )]
    TooManyObjects,
}

fn errno(e: Errno) -> InputError {
    InputError::Io(io::Error::from(e))
}

/// Reads a saved report: the file at `path`, or standard input for `-`.
///
/// # Errors
///
/// An [`InputError`] saying what was wrong (without the path, which the
/// caller names).
pub(crate) fn read_report(path: &Path) -> Result<String, InputError> {
    let bytes = if path.as_os_str() == "-" {
        read_stdin(REPORT)?
    } else {
        read_path(path, REPORT)?
    };
    let text = String::from_utf8(bytes).map_err(|_| InputError::NotUtf8)?;
    check_json_size(&text)?;
    Ok(text)
}

fn fifo_timeout() -> Duration {
    std::env::var(FIFO_TIMEOUT_VAR)
        .ok()
        .and_then(|v| crate::waiting::parse_duration(&v).ok())
        .unwrap_or(FIFO_WRITER_TIMEOUT)
}

fn kind_name(t: FileType) -> &'static str {
    match t {
        FileType::Directory => "a directory",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Socket => "a socket",
        FileType::Fifo => "a FIFO",
        FileType::RegularFile => "a regular file",
        _ => "a special file",
    }
}

/// Reads the file at `path`: a regular file, or a FIFO or pipe. A named
/// FIFO that no program opens for writing within [`FIFO_WRITER_TIMEOUT`]
/// (or [`FIFO_TIMEOUT_VAR`]) is an error.
///
/// # Errors
///
/// An [`InputError`] saying what was wrong, without the path.
pub(crate) fn read_path(path: &Path, limit: Limit) -> Result<Vec<u8>, InputError> {
    let cap = limit.bytes;
    let st = rustix::fs::stat(path).map_err(errno)?;
    let kind = FileType::from_raw_mode(st.st_mode);
    if !matches!(kind, FileType::RegularFile | FileType::Fifo) {
        return Err(InputError::NotAFile(kind));
    }
    if kind == FileType::RegularFile && u64::try_from(st.st_size).unwrap_or(0) > cap {
        return Err(InputError::TooLarge(limit));
    }
    // Without blocking: opening a FIFO for reading waits for a writer.
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(errno)?;
    // What was opened, which may not be what was looked at.
    let st = rustix::fs::fstat(&fd).map_err(errno)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => read_capped(File::from(fd), limit),
        FileType::Fifo => {
            // An anonymous pipe (`<(...)` is `/dev/fd/N`) has its writer
            // already; a named FIFO may never get one.
            // (`f_type` is 32 bits wide on some targets.)
            #[allow(clippy::useless_conversion)]
            let named = rustix::fs::fstatfs(&fd)
                .map(|s| i64::from(s.f_type) != PIPEFS_MAGIC)
                .unwrap_or(true);
            read_nonblocking(&fd, limit, named.then_some(fifo_timeout()))
        }
        other => Err(InputError::NotAFile(other)),
    }
}

/// Reads standard input, as it is (its flags are shared with the caller's
/// shell: they are not changed). A device other than a terminal
/// (`< /dev/zero`) and a directory are refused.
///
/// # Errors
///
/// An [`InputError`] saying what was wrong.
pub(crate) fn read_stdin(limit: Limit) -> Result<Vec<u8>, InputError> {
    let stdin = io::stdin();
    let fd = stdin.as_fd();
    if let Ok(st) = rustix::fs::fstat(fd) {
        let kind = FileType::from_raw_mode(st.st_mode);
        match kind {
            FileType::CharacterDevice if !stdin.is_terminal() => {
                return Err(InputError::StdinDevice(kind));
            }
            FileType::BlockDevice | FileType::Directory => {
                return Err(InputError::StdinNotAFile(kind));
            }
            FileType::RegularFile if u64::try_from(st.st_size).unwrap_or(0) > limit.bytes => {
                return Err(InputError::TooLarge(limit));
            }
            _ => {}
        }
    }
    read_capped(stdin.lock(), limit)
}

/// Reads at most the limit's bytes, failing when there is more.
fn read_capped(reader: impl Read, limit: Limit) -> Result<Vec<u8>, InputError> {
    let mut data = Vec::new();
    reader
        .take(limit.bytes.saturating_add(1))
        .read_to_end(&mut data)?;
    if data.len() as u64 > limit.bytes {
        return Err(InputError::TooLarge(limit));
    }
    Ok(data)
}

/// Reads a FIFO opened with `O_NONBLOCK`. A read that finds no data gives
/// `EAGAIN` while a writer has it open and 0 when none has: before any
/// writer came that means "not yet" (wait, at most `writer_timeout`), after
/// one came the end of the data. Without `writer_timeout` (an anonymous
/// pipe, whose writer was there from the start) 0 is the end at once.
fn read_nonblocking(
    fd: &OwnedFd,
    limit: Limit,
    writer_timeout: Option<Duration>,
) -> Result<Vec<u8>, InputError> {
    let cap = limit.bytes;
    let deadline = writer_timeout.map(|t| Instant::now() + t);
    let mut writer_seen = writer_timeout.is_none();
    let max_len = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut data: Vec<u8> = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        match rustix::io::read(fd, &mut buf) {
            Ok(0) if writer_seen => break,
            Ok(0) => {
                let left = deadline
                    .map(|d| d.saturating_duration_since(Instant::now()))
                    .unwrap_or_default();
                if left.is_zero() {
                    return Err(InputError::NoWriter(writer_timeout.unwrap_or_default()));
                }
                // No event tells that a writer opened the FIFO: look again
                // shortly.
                std::thread::sleep(left.min(Duration::from_millis(20)));
            }
            Ok(n) => {
                writer_seen = true;
                if data.len() + n > max_len {
                    return Err(InputError::TooLarge(limit));
                }
                data.extend_from_slice(&buf[..n]);
            }
            Err(Errno::AGAIN) => {
                writer_seen = true;
                wait_readable(fd.as_fd())?;
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(errno(e)),
        }
    }
    Ok(data)
}

/// Waits until a read will not find the pipe empty (data, or its writers
/// gone).
fn wait_readable(fd: BorrowedFd<'_>) -> Result<(), InputError> {
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    loop {
        match rustix::event::poll(&mut fds, None::<&Timespec>) {
            Ok(_) => return Ok(()),
            Err(Errno::INTR) => {}
            Err(e) => return Err(errno(e)),
        }
    }
}

/// Counts the values and objects of a JSON text in one pass (strings
/// skipped with their escapes), so that a report too large in memory is
/// refused before it is decoded. Malformed JSON is left to the decoder.
pub(crate) fn check_json_size(text: &str) -> Result<(), InputError> {
    let bytes = text.as_bytes();
    let mut values = 0usize;
    let mut objects = 0usize;
    let mut i = 0;
    let mut in_scalar = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                values += 1;
                in_scalar = false;
                i += 1;
                // The closing quote: the next one not escaped.
                while i < bytes.len() {
                    match memchr_quote_or_backslash(&bytes[i..]) {
                        Some(at) if bytes[i + at] == b'\\' => i += at + 2,
                        Some(at) => {
                            i += at;
                            break;
                        }
                        None => i = bytes.len(),
                    }
                }
            }
            b'{' => {
                values += 1;
                objects += 1;
                in_scalar = false;
            }
            b'[' => {
                values += 1;
                in_scalar = false;
            }
            b',' | b':' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t' => in_scalar = false,
            _ => {
                if !in_scalar {
                    values += 1;
                    in_scalar = true;
                }
            }
        }
        if values > MAX_REPORT_VALUES {
            return Err(InputError::TooManyValues);
        }
        if objects > MAX_REPORT_OBJECTS {
            return Err(InputError::TooManyObjects);
        }
        i += 1;
    }
    Ok(())
}

fn memchr_quote_or_backslash(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'"' || b == b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_size_counts_values_and_objects() {
        assert!(check_json_size(r#"{"a":[1,2,"x\"y"],"b":{"c":null}}"#).is_ok());
        let many_numbers = format!("[{}0]", "0,".repeat(MAX_REPORT_VALUES));
        assert!(matches!(
            check_json_size(&many_numbers),
            Err(InputError::TooManyValues)
        ));
        let many_objects = format!("[{}{{}}]", "{},".repeat(MAX_REPORT_OBJECTS));
        assert!(matches!(
            check_json_size(&many_objects),
            Err(InputError::TooManyObjects)
        ));
        // Braces inside strings are text.
        let in_string = format!("[\"{}\"]", "{".repeat(MAX_REPORT_OBJECTS * 2));
        assert!(check_json_size(&in_string).is_ok());
        // An escaped quote does not end a string; an escaped backslash does
        // not escape the quote after it.
        assert!(
            check_json_size(&format!(
                "[\"\\\\\",\"\\\"{}\"]",
                "{".repeat(MAX_REPORT_OBJECTS * 2)
            ))
            .is_ok()
        );
        assert!(
            check_json_size(&format!(
                "[\"\\\\\"{}]",
                ",{}".repeat(MAX_REPORT_OBJECTS + 1)
            ))
            .is_err()
        );
    }

    #[test]
    fn a_real_report_is_far_below_the_bounds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/pods/huge_annotation_256_interfaces");
        let report = app_netutil::collect(&app_netutil::Options::new().root(root)).unwrap();
        assert_eq!(report.interfaces.len(), 257);
        let text = report.to_json_pretty();
        assert!(check_json_size(&text).is_ok());
        // Ten times as many interfaces still fit.
        let ten = format!("[{}]", [text.as_str(); 10].join(","));
        assert!(check_json_size(&ten).is_ok());
        assert!((ten.len() as u64) < MAX_REPORT_BYTES);
    }

    #[test]
    fn a_file_up_to_the_cap_is_read_and_one_byte_more_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        let five = Limit {
            bytes: 5,
            what: "a test",
        };
        assert_eq!(read_path(&path, five).unwrap(), b"a: 1\n");
        let four = Limit { bytes: 4, ..five };
        assert_eq!(
            read_path(&path, four).unwrap_err().to_string(),
            "larger than 0 MiB (4 bytes), the most a test may hold; not read"
        );
    }

    #[test]
    fn directories_devices_and_sockets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_path(dir.path(), MANIFEST).unwrap_err().to_string(),
            "is a directory; not read (a file, a pipe or standard input is)"
        );
        assert!(matches!(
            read_path(Path::new("/dev/zero"), MANIFEST),
            Err(InputError::NotAFile(FileType::CharacterDevice))
        ));
        let sock = dir.path().join("s");
        let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        assert!(matches!(
            read_path(&sock, MANIFEST),
            Err(InputError::NotAFile(FileType::Socket))
        ));
        assert!(matches!(
            read_path(&dir.path().join("absent"), MANIFEST),
            Err(InputError::Io(e)) if e.kind() == io::ErrorKind::NotFound
        ));
    }

    #[test]
    fn a_named_fifo_is_read_once_a_writer_comes() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let writer_path = fifo.clone();
        let writer = std::thread::spawn(move || {
            // Blocks until the reader opened it.
            std::fs::write(writer_path, "kind: Pod\n").unwrap();
        });
        assert_eq!(read_path(&fifo, MANIFEST).unwrap(), b"kind: Pod\n");
        writer.join().unwrap();
    }
}
