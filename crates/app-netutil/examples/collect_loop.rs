//! Collects the report of one pod root many times and prints the mean time
//! per report: `cargo run --release --example collect_loop -- ROOT [N]`.
//! Handy under `perf record` or `valgrind --tool=callgrind`.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| "/".to_owned());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let opts = app_netutil::Options::new().root(&root);
    let start = Instant::now();
    let mut interfaces = 0;
    for _ in 0..n {
        interfaces += app_netutil::collect(&opts).unwrap().interfaces.len();
    }
    let per = start.elapsed() / n;
    println!(
        "{root}: {per:?} per report ({} interfaces)",
        interfaces / n as usize
    );
}
