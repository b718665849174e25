//! Compiles the C tests (`tests/c/*.c`) against `appnetutil.h` into an
//! archive. The tests link it with `libappnetutil.a` into a program of its
//! own (`src/lib.rs`, `ctest()`): the library must be a dependency's
//! artifact, which a build script cannot wait for.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let include = manifest.join("../app-netutil-capi/include");
    let dir = manifest.join("tests/c");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "c"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    println!("cargo:rerun-if-changed={}", dir.display());
    println!(
        "cargo:rerun-if-changed={}",
        include.join("appnetutil.h").display()
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    // Two archives: every file, for the C test program; and every file but
    // main.c, linked into this crate so that Rust tests can call the C
    // helpers (dump.c) on reports only Rust can build.
    let without_main: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.file_name().is_none_or(|n| n != "main.c"))
        .collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    configure(&mut cc::Build::new(), &include)
        .files(&without_main)
        .out_dir(out.join("lib"))
        .compile("netutil_ctest_lib");
    let mut build = cc::Build::new();
    configure(&mut build, &include)
        .files(&files)
        // Only the archive is wanted; it is not linked into this crate.
        .cargo_metadata(false);
    let compiler = build.get_compiler();
    build.out_dir(out.join("all")).compile("netutil_ctest");
    println!(
        "cargo:rustc-env=NETUTIL_CTEST_ARCHIVE={}",
        out.join("all/libnetutil_ctest.a").display()
    );
    println!(
        "cargo:rustc-env=NETUTIL_CTEST_CC={}",
        compiler.path().display()
    );
}

fn configure<'a>(build: &'a mut cc::Build, include: &std::path::Path) -> &'a mut cc::Build {
    build
        .include(include)
        .flag("-std=c11")
        .flag("-pedantic")
        .flag("-pthread")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .debug(true)
}
