//! Reading an input file or standard input with a byte cap, without
//! hanging on a FIFO that nobody writes, and refusing what is no file of
//! text (directories, device nodes, sockets).

use std::io::{IsTerminal, Read};
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags};
use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;

/// How long a named FIFO may stay silent before the first byte: a FIFO
/// that no program opened for writing would otherwise block for ever.
pub(crate) const FIFO_FIRST_BYTE_WAIT: Duration = Duration::from_secs(5);

/// An input that could not be read; the message names it.
#[derive(Debug, thiserror::Error)]
#[error("{label}: {problem}")]
pub(crate) struct InputError {
    /// The file name, or `<stdin>`.
    pub(crate) label: String,
    /// What was wrong.
    pub(crate) problem: String,
}

fn error(label: &str, problem: impl Into<String>) -> InputError {
    InputError {
        label: label.to_owned(),
        problem: problem.into(),
    }
}

fn kind_problem(kind: FileType) -> Option<&'static str> {
    match kind {
        FileType::Directory => Some("is a directory, not a file"),
        FileType::CharacterDevice => Some("is a character device, not a file"),
        FileType::BlockDevice => Some("is a block device, not a file"),
        FileType::Socket => Some("is a socket, not a file"),
        _ => None,
    }
}

/// Reads at most `cap` bytes from `reader`; more is an error.
fn read_capped(mut reader: impl Read, cap: u64, label: &str) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    (&mut reader)
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(label, e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(error(
            label,
            format!("is larger than the limit of {cap} bytes; split it"),
        ));
    }
    Ok(bytes)
}

/// Reads standard input: a pipe, a file or a terminal. Directories and
/// device nodes (`< /dev/zero`) are refused.
pub(crate) fn read_stdin(cap: u64) -> Result<Vec<u8>, InputError> {
    const LABEL: &str = "<stdin>";
    let stdin = std::io::stdin();
    if let Ok(st) = rustix::fs::fstat(stdin.as_fd()) {
        let kind = FileType::from_raw_mode(st.st_mode);
        if let Some(problem) = kind_problem(kind)
            && !(kind == FileType::CharacterDevice && stdin.is_terminal())
        {
            return Err(error(LABEL, problem));
        }
        if kind == FileType::RegularFile && st.st_size as u64 > cap {
            return Err(error(
                LABEL,
                format!("is larger than the limit of {cap} bytes; split it"),
            ));
        }
    }
    read_capped(stdin.lock(), cap, LABEL)
}

/// Reads the file at `path`: a regular file, a pipe or a FIFO (whose
/// first byte must come within [`FIFO_FIRST_BYTE_WAIT`]). Directories,
/// device nodes and sockets are refused before anything is read.
pub(crate) fn read_file(path: &Path, cap: u64) -> Result<Vec<u8>, InputError> {
    let label = path.display().to_string();
    // Non-blocking open: opening a FIFO for reading does not wait for a
    // writer then.
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .map_err(|e| error(&label, std::io::Error::from(e).to_string()))?;
    let st =
        rustix::fs::fstat(&fd).map_err(|e| error(&label, std::io::Error::from(e).to_string()))?;
    let kind = FileType::from_raw_mode(st.st_mode);
    if let Some(problem) = kind_problem(kind) {
        return Err(error(&label, problem));
    }
    if kind == FileType::Fifo {
        wait_for_first_byte(&fd, &label)?;
    } else if kind == FileType::RegularFile && st.st_size as u64 > cap {
        return Err(error(
            &label,
            format!("is larger than the limit of {cap} bytes; split it"),
        ));
    }
    // Blocking reads from here on: a writer that is there may be slow.
    let flags = rustix::fs::fcntl_getfl(&fd).map_err(|e| error(&label, e.to_string()))?;
    rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK)
        .map_err(|e| error(&label, e.to_string()))?;
    read_capped(std::fs::File::from(fd), cap, &label)
}

/// Waits until a FIFO has data or its writer left, at most
/// [`FIFO_FIRST_BYTE_WAIT`].
fn wait_for_first_byte(fd: &impl AsFd, label: &str) -> Result<(), InputError> {
    let deadline = std::time::Instant::now() + FIFO_FIRST_BYTE_WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(error(
                label,
                format!(
                    "is a FIFO and nothing was written to it within {} s (no writer?)",
                    FIFO_FIRST_BYTE_WAIT.as_secs()
                ),
            ));
        }
        let timeout = rustix::event::Timespec {
            tv_sec: left.as_secs() as i64,
            tv_nsec: i64::from(left.subsec_nanos()),
        };
        let mut fds = [PollFd::new(fd, PollFlags::IN)];
        match rustix::event::poll(&mut fds, Some(&timeout)) {
            Ok(0) | Err(Errno::INTR) => {}
            Ok(_) => return Ok(()),
            Err(e) => return Err(error(label, e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_and_refuses_more_than_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        assert_eq!(read_file(&path, 5).unwrap(), b"a: 1\n");
        let e = read_file(&path, 4).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: is larger than the limit of 4 bytes; split it",
                path.display()
            )
        );
    }

    #[test]
    fn directories_devices_and_sockets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            read_file(dir.path(), 10)
                .unwrap_err()
                .to_string()
                .ends_with(": is a directory, not a file")
        );
        assert!(
            read_file(Path::new("/dev/zero"), 10)
                .unwrap_err()
                .to_string()
                .ends_with(": is a character device, not a file")
        );
        let sock = dir.path().join("s");
        let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        // Opening a socket fails before fstat (ENXIO); either way an error.
        assert!(read_file(&sock, 10).is_err());
    }

    #[test]
    fn a_fifo_with_a_writer_is_read_and_one_without_is_an_error() {
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
        assert_eq!(read_file(&fifo, 100).unwrap(), b"kind: Pod\n");
        writer.join().unwrap();

        let start = std::time::Instant::now();
        let e = read_file(&fifo, 100).unwrap_err().to_string();
        assert!(
            e.ends_with("is a FIFO and nothing was written to it within 5 s (no writer?)"),
            "{e}"
        );
        assert!(start.elapsed() >= FIFO_FIRST_BYTE_WAIT);
    }
}
