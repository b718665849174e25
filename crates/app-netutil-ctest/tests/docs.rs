//! The C examples of the README and docs/c-api.md are true as written
//! (issue 16, items 11 and 12):
//!
//! - the README's C program is built with the README's own build line, run
//!   by `sh` as it stands, against a pkg-config file for the library cargo
//!   built (what `make install` would have installed);
//! - docs/c-api.md's example of the two warning lists compiles and prints
//!   exactly what the guide shows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use app_netutil_ctest::{
    NATIVE_STATIC_LIBS, cc, deps_dir, include_dir, repo, run_ok, say, static_lib,
};

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

/// The body of the first fenced block of `lang` after `from` in `text`.
fn block_after<'a>(text: &'a str, from: &str, lang: &str) -> &'a str {
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not found"));
    let fence = format!("```{lang}\n");
    let start = at + text[at..].find(&fence).unwrap() + fence.len();
    let end = start + text[start..].find("```").unwrap();
    &text[start..end]
}

/// A pkg-config file for the library cargo built: what `make install`
/// writes from `appnetutil.pc.in`, pointing at this build.
fn write_pc(dir: &Path) {
    let template = read("crates/app-netutil-capi/appnetutil.pc.in");
    let pc = template
        .replace("@PREFIX@", &deps_dir().display().to_string())
        .replace("@LIBDIR@", &deps_dir().display().to_string())
        .replace("@INCLUDEDIR@", &include_dir().display().to_string())
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@LIBS_PRIVATE@", &NATIVE_STATIC_LIBS.join(" "));
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("appnetutil.pc"), pc).unwrap();
}

#[test]
fn readme_c_example_builds_with_the_readmes_command() {
    let readme = read("README.md");
    let program = block_after(&readme, "\n## C\n", "c");
    let commands = block_after(&readme, "\n## C\n", "sh");
    let build = commands
        .lines()
        .find(|l| l.starts_with("cc app.c "))
        .expect("the README's build line for app.c");
    if !Command::new("pkg-config")
        .args(["--exists", "libdpdk"])
        .status()
        .is_ok_and(|s| s.success())
    {
        say!(
            "SKIP: pkg-config libdpdk not found (apt-get install dpdk-dev): the README's C example was not built"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.c"), program).unwrap();
    write_pc(&dir.path().join("pkgconfig"));
    let pc_path = match std::env::var("PKG_CONFIG_PATH") {
        Ok(p) if !p.is_empty() => format!("{}:{p}", dir.path().join("pkgconfig").display()),
        _ => dir.path().join("pkgconfig").display().to_string(),
    };
    // The line as written, by sh, with `cc` meaning the C compiler.
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    std::os::unix::fs::symlink(which(cc()), bin_dir.join("cc")).unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run_ok(
        Command::new("sh")
            .args(["-ec", build])
            .current_dir(dir.path())
            .env("PKG_CONFIG_PATH", pc_path)
            .env("PATH", path),
    );
    let exe = dir.path().join("a.out");
    assert!(exe.is_file(), "{build} made no a.out");
    // It links the library and DPDK's EAL.
    let needed = run_ok(Command::new("readelf").arg("-d").arg(&exe));
    let needed = String::from_utf8_lossy(&needed.stdout);
    assert!(needed.contains("[libappnetutil.so.0]"), "{needed}");
    assert!(needed.contains("librte_eal"), "{needed}");
    // The line the README gave before (without libdpdk) does not build it:
    // the test would notice the line regressing.
    let without = build.replace(" libdpdk", "");
    let out = Command::new("sh")
        .args(["-ec", &without])
        .current_dir(dir.path())
        .env("PKG_CONFIG_PATH", dir.path().join("pkgconfig"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "{without} built the DPDK example");
}

/// The full path of a program on the `PATH` (or `name` when it is one).
fn which(name: &str) -> std::path::PathBuf {
    if name.contains('/') {
        return name.into();
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} not on the PATH"))
}

#[test]
fn c_api_warnings_example_prints_what_the_guide_shows() {
    let guide = read("docs/c-api.md");
    let program = block_after(&guide, "\n## Warnings\n", "c");
    let shown = block_after(&guide, "\n## Warnings\n", "text");
    let mut lines = shown.lines();
    let command = lines.next().unwrap();
    let pod = command
        .strip_prefix("$ ./warnings ")
        .expect("the guide runs ./warnings POD");
    let want: Vec<&str> = lines.collect();

    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("warnings.c");
    std::fs::write(&src, program).unwrap();
    let exe = dir.path().join("warnings");
    run_ok(
        Command::new(cc())
            .args([
                "-std=c11",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-pthread",
            ])
            .arg(format!("-I{}", include_dir().display()))
            .arg("-o")
            .arg(&exe)
            .arg(&src)
            .arg(static_lib())
            .args(NATIVE_STATIC_LIBS),
    );
    let out = run_ok(Command::new(&exe).arg(pod).current_dir(repo()));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let got: Vec<&str> = stderr.lines().chain(stdout.lines()).collect();
    assert_eq!(got, want);
    assert!(
        stderr.contains("warning: no hugepages are granted to this container"),
        "{stderr}"
    );
}
