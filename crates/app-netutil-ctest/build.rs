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
    let mut build = cc::Build::new();
    build
        .files(&files)
        .include(&include)
        .flag("-std=c11")
        .flag("-pedantic")
        .flag("-pthread")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .debug(true)
        // Only the archive is wanted; it is not linked into this crate.
        .cargo_metadata(false);
    let compiler = build.get_compiler();
    build.compile("netutil_ctest");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    println!(
        "cargo:rustc-env=NETUTIL_CTEST_ARCHIVE={}",
        out.join("libnetutil_ctest.a").display()
    );
    println!(
        "cargo:rustc-env=NETUTIL_CTEST_CC={}",
        compiler.path().display()
    );
}
