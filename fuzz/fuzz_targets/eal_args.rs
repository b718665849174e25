//! The EAL argument builder on any report: the first byte picks options
//! (DPDK release, `--no-huge`, `--in-memory`, lcore limits), the rest is a
//! report's contract JSON (a saved report is input like any other). When
//! arguments are built, none holds a NUL or another control character,
//! every devargs pair after a device name is one `key=value` with nothing
//! in it that DPDK's kvargs reads as syntax, and the arguments are not
//! larger than the report they come from allows.
#![no_main]
use libfuzzer_sys::fuzz_target;

use app_netutil::Report;
use app_netutil::dpdk::{self, DpdkOptions, DpdkVersion};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(json) else {
        return;
    };
    let Ok(report) = Report::from_json(text) else {
        return;
    };
    let mut opts = DpdkOptions::new().hostname("pod-1");
    opts = match pick & 3 {
        0 => opts,
        1 => opts.version(DpdkVersion::new(20, 8)),
        2 => opts.version(DpdkVersion::new(22, 11)),
        _ => opts.version(DpdkVersion::new(18, 5)),
    };
    if pick & 4 != 0 {
        opts = opts.no_huge(true).memory_mib(64);
    }
    if pick & 8 != 0 {
        opts = opts.in_memory(true);
    }
    if pick & 16 != 0 {
        opts = opts.max_lcore(4).lcore_count(3);
    }
    let Ok(eal) = dpdk::eal_args(&report, &opts) else {
        return;
    };
    let mut iter = eal.args.iter();
    while let Some(arg) = iter.next() {
        assert!(!arg.chars().any(char::is_control), "control character in {arg:?}");
        let device = match arg.as_str() {
            "-a" | "-w" => iter.next().map(String::as_str),
            _ => arg.strip_prefix("--vdev="),
        };
        let Some(device) = device else {
            continue;
        };
        assert!(!device.chars().any(char::is_control), "{device:?}");
        // The device name, then `key=value` pairs only.
        for pair in device.split(',').skip(1) {
            let (key, value) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("pair {pair:?} of {device:?} has no '='"));
            for part in [key, value] {
                assert!(
                    !part.is_empty() && !part.contains(['=', '[', ']']),
                    "pair {pair:?} of {device:?}"
                );
            }
        }
    }
    // Every argument comes from the report or is bounded: a few fixed
    // flags, at most 1024 NUMA nodes, at most max_lcore lcores.
    let total: usize = eal.args.iter().map(|a| a.len() + 1).sum();
    assert!(
        total <= 4 * json.len() + 64 * 1024,
        "{total} bytes of arguments from {} bytes of report",
        json.len()
    );
});
