//! Gives the shared library its SONAME, `libappnetutil.so.<ABI>`.
//!
//! A plain cargo cdylib has no SONAME, so a program linked with
//! `-lappnetutil` would record the unversioned file name and a later
//! incompatible library would load silently. The ABI number is read from
//! `NETUTIL_ABI_VERSION` in `src/lib.rs`, the one place it is written (the
//! header's `#define` is generated from the same constant).

use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=build.rs");
    let lib = fs::read_to_string("src/lib.rs").unwrap_or_default();
    let abi = lib
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("pub const NETUTIL_ABI_VERSION: u32 = ")
        })
        .and_then(|rest| rest.strip_suffix(';'))
        .and_then(|n| n.trim().parse::<u32>().ok());
    let Some(abi) = abi else {
        println!("cargo:warning=NETUTIL_ABI_VERSION not found in src/lib.rs");
        std::process::exit(1);
    };
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" || os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libappnetutil.so.{abi}");
    }
}
