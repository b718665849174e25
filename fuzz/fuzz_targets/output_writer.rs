//! The CLI's output writer (`inject -i`/`-o`, `env -o`) in a scratch
//! directory full of traps: whatever is at the target name (nothing, a
//! file, links to a file outside, a dangling link, a FIFO, a directory),
//! temporary names that are already taken (files, links to the outside),
//! odd names and any content. Checks: a regular or missing target ends up
//! holding exactly the data with its mode kept; with links followed, the
//! file a link leads to does; anything else is refused; nothing else in
//! the directory changes, and the file outside only when a followed link
//! leads to it.
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../crates/app-netutil-cli/src/output.rs"]
mod output;

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use libfuzzer_sys::fuzz_target;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>, u32),
    Link(OsString),
    Fifo,
    Dir,
    Other,
}

fn snapshot(dir: &Path) -> BTreeMap<OsString, Entry> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let md = std::fs::symlink_metadata(e.path()).unwrap();
            let t = md.file_type();
            let entry = if t.is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).unwrap().into_os_string())
            } else if t.is_file() {
                Entry::File(
                    std::fs::read(e.path()).unwrap(),
                    md.permissions().mode() & 0o7777,
                )
            } else if t.is_fifo() {
                Entry::Fifo
            } else if t.is_dir() {
                Entry::Dir
            } else {
                Entry::Other
            };
            (e.file_name(), entry)
        })
        .collect()
}

const NAMES: &[&str] = &[
    "m.yaml",
    "a",
    ".hidden",
    "é ü.yaml",
    "new\nline",
    "-x",
    "...",
];

fuzz_target!(|data: &[u8]| {
    let [what, name_pick, mode, plant, follow, rest @ ..] = data else {
        return;
    };
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let long = "l".repeat(200 + usize::from(name_pick % 50));
    let name: &str = match usize::from(*name_pick) % (NAMES.len() + 1) {
        i if i < NAMES.len() => NAMES[i],
        _ => &long,
    };
    let target = dir.path().join(name);
    let real = dir.path().join("real");
    let file_mode = 0o600 | u32::from(*mode & 0o77);
    let follow = follow & 1 == 1;

    // What is at the target name.
    match what % 7 {
        0 => {}
        1 => {
            std::fs::write(&target, b"old").unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(file_mode)).unwrap();
        }
        2 => std::os::unix::fs::symlink(&victim, &target).unwrap(),
        3 => std::os::unix::fs::symlink(outside.path().join("nowhere"), &target).unwrap(),
        4 => rustix::fs::mknodat(
            rustix::fs::CWD,
            &target,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap(),
        5 => std::fs::create_dir(&target).unwrap(),
        _ => {
            // A link to a regular file in the same directory.
            std::fs::write(&real, b"old").unwrap();
            std::fs::set_permissions(&real, std::fs::Permissions::from_mode(file_mode)).unwrap();
            std::os::unix::fs::symlink("real", &target).unwrap();
        }
    }
    // Temporary names that are taken: the writer is told to try these
    // first, as if an attacker had guessed them.
    let planted: Vec<OsString> = (0..(plant % 4))
        .map(|i| OsString::from(format!(".t{i}")))
        .collect();
    for (i, p) in planted.iter().enumerate() {
        let path = dir.path().join(p);
        match i % 3 {
            0 => std::os::unix::fs::symlink(&victim, &path).unwrap(),
            1 => std::os::unix::fs::symlink(outside.path().join("created"), &path).unwrap(),
            _ => std::fs::write(&path, b"decoy").unwrap(),
        }
    }
    let before = snapshot(dir.path());
    let mut names = |_: &OsStr, attempt: u32| {
        planted
            .get(attempt as usize)
            .cloned()
            .unwrap_or_else(|| OsString::from(format!(".fresh{attempt}")))
    };
    let mode_of = if follow {
        output::Target::FollowLinks
    } else {
        output::Target::Exact
    };
    let result = output::replace_file_named(&target, rest, mode_of, &mut names);
    let after = snapshot(dir.path());

    assert!(!outside.path().join("created").exists());
    assert!(!outside.path().join("nowhere").exists());
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    if what % 7 == 2 && follow {
        // Following links is asked for: the file the link leads to is
        // replaced, the link and the directory stay as they were.
        result.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&victim).unwrap(), rest);
        assert_eq!(before, after);
        return;
    }
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");

    let key = OsString::from(name);
    let ok_expected = match (what % 7, follow) {
        (0, false) | (1, _) | (6, true) => true,
        _ => false,
    };
    if !ok_expected {
        assert!(result.is_err(), "{what} {follow}: {result:?}");
        assert_eq!(before, after);
        return;
    }
    let written = result.unwrap_or_else(|e| panic!("{what} {follow}: {e}"));
    // Only the written file differs.
    let written_name = written.path.file_name().unwrap().to_owned();
    let mut expected = before.clone();
    let mode = match before.get(&written_name) {
        Some(Entry::File(_, m)) => *m,
        None => {
            // New file: 0666 less the umask, whatever it is here.
            match after.get(&written_name) {
                Some(Entry::File(_, m)) => *m,
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    };
    expected.insert(written_name.clone(), Entry::File(rest.to_vec(), mode));
    assert_eq!(after, expected);
    if what % 7 == 6 {
        assert_eq!(written_name, "real");
        assert_eq!(after.get(&key), Some(&Entry::Link("real".into())));
    }
});
