//! Tests of the output writer on a real file system (the temporary
//! directory), including the hostile cases: planted links, special files.

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::Path;

use super::{Target, WriteError, replace_file, replace_file_named};

fn is_root() -> bool {
    // The effective uid, the second field of the Uid line.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2) == Some("0")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn umask() -> u32 {
    // Read it without changing it: /proc/self/status has a Umask line.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}

#[test]
fn creates_a_new_file_with_the_usual_mode_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.env");
    let w = replace_file(&path, b"export A=1\n", Target::Exact).unwrap();
    assert!(!w.replaced);
    assert_eq!(std::fs::read(&path).unwrap(), b"export A=1\n");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o666 & !umask());
    assert_eq!(entries(dir.path()), ["out.env"]);
}

#[test]
fn keeps_the_mode_and_owner_of_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, "old\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let owner = if is_root() {
        std::os::unix::fs::chown(&path, Some(4321), Some(8765)).unwrap();
        (4321, 8765)
    } else {
        eprintln!("SKIP (part): not root, the owner kept is our own");
        let md = std::fs::metadata(&path).unwrap();
        (md.uid(), md.gid())
    };
    let before_ino = std::fs::metadata(&path).unwrap().ino();
    let w = replace_file(&path, b"new\n", Target::Exact).unwrap();
    assert!(w.replaced);
    let md = std::fs::metadata(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new\n");
    assert_eq!(md.permissions().mode() & 0o7777, 0o640);
    assert_eq!((md.uid(), md.gid()), owner);
    assert_ne!(
        md.ino(),
        before_ino,
        "a new file, not the old one rewritten"
    );
    assert_eq!(entries(dir.path()), ["m.yaml"]);
}

#[test]
fn a_link_planted_at_the_temporary_name_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim_dir = tempfile::tempdir().unwrap();
    let victim = victim_dir.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let path = dir.path().join("out.yaml");
    // The first two names tried are taken: a link to the victim and a
    // dangling link to where the victim could be created.
    symlink(&victim, dir.path().join(".planted-0")).unwrap();
    symlink(
        victim_dir.path().join("new-victim"),
        dir.path().join(".planted-1"),
    )
    .unwrap();
    let mut names = |_: &OsStr, attempt: u32| OsString::from(format!(".planted-{attempt}"));
    replace_file_named(&path, b"data\n", Target::Exact, &mut names).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"data\n");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!victim_dir.path().join("new-victim").exists());
    assert_eq!(
        entries(dir.path()),
        [".planted-0", ".planted-1", "out.yaml"]
    );
    assert_eq!(
        std::fs::read_link(dir.path().join(".planted-0")).unwrap(),
        victim
    );
}

#[test]
fn special_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let sub = dir.path().join("dir");
    std::fs::create_dir(&sub).unwrap();
    let sock = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let link = dir.path().join("link");
    std::fs::write(dir.path().join("real"), "real\n").unwrap();
    symlink("real", &link).unwrap();

    for (path, what) in [
        (&fifo, "a FIFO"),
        (&sub, "a directory"),
        (&sock, "a socket"),
        (&link, "a symbolic link"),
    ] {
        let e = replace_file(path, b"x", Target::Exact).unwrap_err();
        assert!(matches!(e, WriteError::NotRegular { .. }), "{e}");
        assert_eq!(
            e.to_string(),
            format!(
                "{}: is {what}, not a regular file: not replaced",
                path.display()
            )
        );
    }
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real")).unwrap(),
        "real\n"
    );
    assert_eq!(entries(dir.path()), ["dir", "fifo", "link", "real", "sock"]);

    // The file a FIFO or device leads to is refused when links are followed too.
    let fifo_link = dir.path().join("fifo-link");
    symlink("fifo", &fifo_link).unwrap();
    let e = replace_file(&fifo_link, b"x", Target::FollowLinks).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("is a FIFO, not a regular file: not replaced"),
        "{e}"
    );
}

#[test]
fn device_nodes_are_refused_as_root() {
    if !is_root() {
        eprintln!("######## SKIP: not root, cannot make a device node to refuse ########");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A node like /dev/full (1:7), made here rather than touching /dev.
    let dev = dir.path().join("full");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &dev,
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o666),
        rustix::fs::makedev(1, 7),
    )
    .unwrap();
    let e = replace_file(&dev, b"x", Target::Exact).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: is a character device, not a regular file: not replaced",
            dev.display()
        )
    );
    let md = std::fs::symlink_metadata(&dev).unwrap();
    assert!(md.file_type().is_char_device());
    assert_eq!(md.rdev(), rustix::fs::makedev(1, 7));
    assert_eq!(entries(dir.path()), ["full"]);
}

#[test]
fn following_links_edits_the_file_and_keeps_the_links() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("manifest.yaml");
    std::fs::write(&real, "old\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A chain of two links, the first relative.
    let hop = dir.path().join("hop.yaml");
    symlink(&real, &hop).unwrap();
    let link = dir.path().join("link.yaml");
    symlink("hop.yaml", &link).unwrap();

    let w = replace_file(&link, b"new\n", Target::FollowLinks).unwrap();
    assert_eq!(w.path, std::fs::canonicalize(&real).unwrap());
    assert!(w.replaced);
    assert_eq!(std::fs::read(&real).unwrap(), b"new\n");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("hop.yaml"));
    assert_eq!(std::fs::read_link(&hop).unwrap(), real);
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    assert_eq!(entries(&real_dir), ["manifest.yaml"]);

    // A dangling link: nothing to edit.
    let dangling = dir.path().join("dangling.yaml");
    symlink("nowhere.yaml", &dangling).unwrap();
    assert!(replace_file(&dangling, b"x", Target::FollowLinks).is_err());
    assert!(!dir.path().join("nowhere.yaml").exists());
}

#[test]
fn paths_without_a_file_name_are_refused() {
    for path in ["/", ".", "..", "dir/.."] {
        let e = replace_file(Path::new(path), b"x", Target::Exact).unwrap_err();
        assert!(
            matches!(e, WriteError::Io { .. } | WriteError::NotRegular { .. }),
            "{path}: {e}"
        );
    }
}
