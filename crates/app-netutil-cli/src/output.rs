//! Writing an output file safely: `inject -i`, `inject -o` and `env -o`.
//!
//! [`replace_file`] never writes into an existing file and never follows a
//! link it did not mean to follow:
//!
//! 1. The target's directory is opened once; everything after happens
//!    relative to it, so a directory swapped in the meantime does not
//!    redirect the write.
//! 2. What is at the target name now is looked at without following links:
//!    nothing (a new file), or a regular file, whose mode and owner the new
//!    file gets. Anything else — a directory, a symbolic link (unless the
//!    caller resolved it first, see [`Target::FollowLinks`]), a FIFO, a
//!    socket, a device node such as `/dev/full` — is refused and left as it
//!    is.
//! 3. The new content goes into a new temporary file in the same directory,
//!    created with `O_CREAT|O_EXCL|O_NOFOLLOW` (a name planted there, link
//!    or not, makes the create fail and another name is tried), written,
//!    given the mode and owner, and synced.
//! 4. It is swapped in with `renameat2(RENAME_EXCHANGE)`, and what came out
//!    is checked to be the regular file seen in step 2 (same device and
//!    inode); if not (it was replaced in between), the swap is undone and
//!    the write refused. A new file is moved in with `RENAME_NOREPLACE`, so
//!    a name created in between is not overwritten either. On file systems
//!    without these flags, a plain `rename` after checking again.
//! 5. The old file (now under the temporary name) is removed and the
//!    directory synced.
//!
//! On any error the temporary file is removed and the target is as it was.
//!
//! This file is self-contained (std and rustix) so that the fuzz target
//! `output_writer` can include it.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use rustix::fs::{AtFlags, FileType, Mode, OFlags, RenameFlags, Stat};
use rustix::io::Errno;

/// How the target path is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The path names the file to replace; a symbolic link there is refused
    /// (`env -o`, `inject -o`).
    Exact,
    /// Symbolic links are resolved first and the file they lead to is
    /// replaced; the links stay (`inject -i`, like `sed -i
    /// --follow-symlinks`). The file must exist.
    FollowLinks,
}

/// Why an output file was not written.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The target exists and is not a regular file.
    NotRegular {
        /// The target.
        path: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// The target was replaced by something else while it was written.
    Raced {
        /// The target.
        path: PathBuf,
    },
    /// The new file cannot be given the replaced file's owner.
    Owner {
        /// The target.
        path: PathBuf,
        /// The owner to keep.
        uid: u32,
        /// The group to keep.
        gid: u32,
        /// Why not.
        source: std::io::Error,
    },
    /// A system call failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done.
        doing: &'static str,
        /// The error.
        source: std::io::Error,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotRegular { path, what } => write!(
                f,
                "{}: is {what}, not a regular file: not replaced",
                path.display()
            ),
            Self::Raced { path } => write!(
                f,
                "{}: was replaced by something else while it was written: not replaced",
                path.display()
            ),
            Self::Owner {
                path,
                uid,
                gid,
                source,
            } => write!(
                f,
                "{}: cannot give the new file the owner {uid}:{gid} of the one it replaces ({source}): not replaced",
                path.display()
            ),
            Self::Io {
                path,
                doing,
                source,
            } => write!(f, "{}: {doing}: {source}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Owner { source, .. } | Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    /// The file that now holds the data (the link's target with
    /// [`Target::FollowLinks`]).
    pub(crate) path: PathBuf,
    /// Whether a file was replaced (else one was created).
    pub(crate) replaced: bool,
}

/// What a file type is called in messages.
pub(crate) fn describe(file_type: FileType) -> &'static str {
    match file_type {
        FileType::RegularFile => "a regular file",
        FileType::Directory => "a directory",
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Unknown => "of an unknown type",
    }
}

fn io<'p>(path: &'p Path, doing: &'static str) -> impl FnOnce(Errno) -> WriteError + 'p {
    move |e| WriteError::Io {
        path: path.to_owned(),
        doing,
        source: e.into(),
    }
}

/// Temporary names differ within one process too.
static COUNTER: AtomicU32 = AtomicU32::new(0);

fn temp_name(name: &OsStr, attempt: u32) -> OsString {
    // Keep the whole name within NAME_MAX (255 bytes).
    let bytes = name.as_bytes();
    let keep = &bytes[..bytes.len().min(180)];
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut out = OsString::from(".");
    out.push(OsStr::from_bytes(keep));
    out.push(format!(
        ".{}-{nanos:x}-{count}-{attempt}.app-netutil.tmp",
        std::process::id()
    ));
    out
}

/// Replaces (or creates) the file at `path` with `data`; see the module
/// documentation for how.
pub(crate) fn replace_file(
    path: &Path,
    data: &[u8],
    target: Target,
) -> Result<Written, WriteError> {
    replace_file_named(path, data, target, &mut temp_name)
}

/// [`replace_file`] with the temporary names chosen by `names` (the file
/// name and the attempt number), so that tests can plant files there.
pub(crate) fn replace_file_named(
    path: &Path,
    data: &[u8],
    target: Target,
    names: &mut dyn FnMut(&OsStr, u32) -> OsString,
) -> Result<Written, WriteError> {
    let resolved = match target {
        Target::Exact => path.to_owned(),
        Target::FollowLinks => std::fs::canonicalize(path).map_err(|e| WriteError::Io {
            path: path.to_owned(),
            doing: "resolving the path",
            source: e,
        })?,
    };
    let name = resolved
        .file_name()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| WriteError::Io {
            path: resolved.clone(),
            doing: "naming the file",
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file"),
        })?
        .to_owned();
    let dir_path = match resolved.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let dir = rustix::fs::open(
        &dir_path,
        OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(io(&dir_path, "opening the directory"))?;

    let existing = look(&dir, &name, &resolved)?;
    if target == Target::FollowLinks && existing.is_none() {
        return Err(WriteError::Io {
            path: resolved,
            doing: "opening the file",
            source: std::io::ErrorKind::NotFound.into(),
        });
    }

    let (tmp, file) = create_temp(&dir, &name, &resolved, names)?;
    if let Err(e) = fill_and_swap(&dir, &name, &tmp, file, data, existing.as_ref(), &resolved) {
        let _ = rustix::fs::unlinkat(&dir, &tmp, AtFlags::empty());
        return Err(e);
    }
    // Make the rename durable; not every file system can.
    let _ = rustix::fs::fsync(&dir);
    Ok(Written {
        path: resolved,
        replaced: existing.is_some(),
    })
}

/// The regular file at `name`, or nothing there; anything else is refused.
fn look(dir: &OwnedFd, name: &OsStr, path: &Path) -> Result<Option<Stat>, WriteError> {
    match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => {
            let kind = FileType::from_raw_mode(st.st_mode);
            if kind == FileType::RegularFile {
                Ok(Some(st))
            } else {
                Err(WriteError::NotRegular {
                    path: path.to_owned(),
                    what: describe(kind),
                })
            }
        }
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(io(path, "looking at the file")(e)),
    }
}

fn create_temp(
    dir: &OwnedFd,
    name: &OsStr,
    path: &Path,
    names: &mut dyn FnMut(&OsStr, u32) -> OsString,
) -> Result<(OsString, std::fs::File), WriteError> {
    let mut attempt = 0;
    loop {
        let tmp = names(name, attempt);
        match rustix::fs::openat(
            dir,
            &tmp,
            OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::WRONLY | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o666),
        ) {
            Ok(fd) => return Ok((tmp, std::fs::File::from(fd))),
            // Taken (by anything, a planted link included): another name.
            Err(Errno::EXIST) if attempt < 100 => attempt += 1,
            Err(e) => return Err(io(path, "creating a temporary file next to it")(e)),
        }
    }
}

fn fill_and_swap(
    dir: &OwnedFd,
    name: &OsStr,
    tmp: &OsStr,
    mut file: std::fs::File,
    data: &[u8],
    existing: Option<&Stat>,
    path: &Path,
) -> Result<(), WriteError> {
    let write_err = |e: std::io::Error| WriteError::Io {
        path: path.to_owned(),
        doing: "writing the temporary file",
        source: e,
    };
    file.write_all(data).map_err(write_err)?;
    if let Some(st) = existing {
        let (uid, gid) = (st.st_uid, st.st_gid);
        let fstat = rustix::fs::fstat(&file).map_err(io(path, "looking at the temporary file"))?;
        if fstat.st_uid != uid || fstat.st_gid != gid {
            rustix::fs::fchown(
                &file,
                Some(rustix::fs::Uid::from_raw(uid)),
                Some(rustix::fs::Gid::from_raw(gid)),
            )
            .map_err(|e| WriteError::Owner {
                path: path.to_owned(),
                uid,
                gid,
                source: e.into(),
            })?;
        }
        // After fchown, which clears set-user-ID and set-group-ID bits.
        rustix::fs::fchmod(&file, Mode::from_raw_mode(st.st_mode & 0o7777))
            .map_err(io(path, "setting the mode"))?;
    }
    file.sync_all().map_err(write_err)?;
    drop(file);

    match existing {
        Some(before) => {
            match rustix::fs::renameat_with(dir, tmp, dir, name, RenameFlags::EXCHANGE) {
                Ok(()) => {
                    // `tmp` now holds what was at `name`: was it the file
                    // looked at?
                    let out = rustix::fs::statat(dir, tmp, AtFlags::SYMLINK_NOFOLLOW);
                    let same = out.as_ref().is_ok_and(|st| {
                        FileType::from_raw_mode(st.st_mode) == FileType::RegularFile
                            && st.st_dev == before.st_dev
                            && st.st_ino == before.st_ino
                    });
                    if !same {
                        // Put it back; the new file is removed by the caller.
                        let _ =
                            rustix::fs::renameat_with(dir, tmp, dir, name, RenameFlags::EXCHANGE);
                        return Err(WriteError::Raced {
                            path: path.to_owned(),
                        });
                    }
                    rustix::fs::unlinkat(dir, tmp, AtFlags::empty())
                        .map_err(io(path, "removing the replaced file"))?;
                    Ok(())
                }
                Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
                    plain_rename(dir, name, tmp, Some(before), path)
                }
                Err(Errno::NOENT) => Err(WriteError::Raced {
                    path: path.to_owned(),
                }),
                Err(e) => Err(io(path, "renaming the temporary file over it")(e)),
            }
        }
        None => match rustix::fs::renameat_with(dir, tmp, dir, name, RenameFlags::NOREPLACE) {
            Ok(()) => Ok(()),
            Err(Errno::EXIST) => Err(WriteError::Raced {
                path: path.to_owned(),
            }),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
                plain_rename(dir, name, tmp, None, path)
            }
            Err(e) => Err(io(path, "renaming the temporary file")(e)),
        },
    }
}

/// For file systems without `renameat2` flags: check again, then rename.
fn plain_rename(
    dir: &OwnedFd,
    name: &OsStr,
    tmp: &OsStr,
    before: Option<&Stat>,
    path: &Path,
) -> Result<(), WriteError> {
    let now = look(dir, name, path)?;
    let same = match (before, &now) {
        (None, None) => true,
        (Some(b), Some(n)) => b.st_dev == n.st_dev && b.st_ino == n.st_ino,
        _ => false,
    };
    if !same {
        return Err(WriteError::Raced {
            path: path.to_owned(),
        });
    }
    rustix::fs::renameat(dir, tmp, dir, name).map_err(io(path, "renaming the temporary file"))
}

// An explicit path: the fuzz target includes this file by path, where
// `mod tests;` would be looked for beside it.
#[cfg(test)]
#[path = "output/tests.rs"]
mod tests;
