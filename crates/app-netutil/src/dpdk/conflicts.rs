//! EAL options that DPDK refuses together.
//!
//! EAL checks some options against each other after parsing them
//! (`eal_check_common_options` in DPDK's `eal_common_options.c`) and stops
//! with "Invalid 'command line' arguments" when two do not go together.
//! The arguments this library derives never form such a pair on their own
//! (`--no-huge` with `--in-memory` is spelled `--no-huge --no-shconf`, see
//! [`in_memory_without_hugepages`]); an extra argument can, and each pair
//! found in the final arguments is a warning that names both options and
//! what EAL says. The pairs are those of DPDK 22.11, and a test runs every
//! pair of the options `dpdk-args` offers through the installed
//! `dpdk-testpmd` (`crates/app-netutil-cli/tests/eal_conflicts.rs`).

use super::Given;

/// Whether `--in-memory` must not be passed: hugepages are off
/// (`--no-huge` asked for or among the extra arguments), and EAL takes
/// `--no-huge` for `--legacy-mem`, which it refuses with `--in-memory`.
/// What `--in-memory` would add without hugepages (no shared runtime
/// files) is `--no-shconf`, which is passed instead.
pub(super) fn in_memory_without_hugepages(no_huge: bool, given: &Given<'_>) -> bool {
    no_huge || given.has(&["--no-huge"], &[])
}

/// One option as EAL sees it in an argument list.
#[derive(Clone, Copy)]
enum Opt {
    NoHuge,
    /// `--legacy-mem`, or `--no-huge`, which implies it.
    LegacyMem,
    InMemory,
    MatchAllocations,
    SocketMem,
    MemoryAmount,
    /// `--huge-unlink` that unlinks before mapping: bare or `=always`.
    HugeUnlinkAlways,
    SingleFileSegments,
}

impl Opt {
    /// The argument that sets the option, if one does.
    fn find<'a>(self, args: &'a Given<'a>) -> Option<&'a str> {
        match self {
            Self::NoHuge => args.find(&["--no-huge"], &[]),
            Self::LegacyMem => args.find(&["--legacy-mem", "--no-huge"], &[]),
            Self::InMemory => args.find(&["--in-memory"], &[]),
            Self::MatchAllocations => args.find(&["--match-allocations"], &[]),
            Self::SocketMem => args.find(&["--socket-mem", "--numa-mem"], &[]),
            Self::MemoryAmount => args.find(&[], &['m']),
            Self::HugeUnlinkAlways => args
                .0
                .iter()
                .map(String::as_str)
                .find(|a| matches!(*a, "--huge-unlink" | "--huge-unlink=always")),
            Self::SingleFileSegments => args.find(&["--single-file-segments"], &[]),
        }
    }
}

/// The pairs DPDK 22.11's EAL refuses, with what it says; `unless`: a
/// third option that makes the pair acceptable.
const PAIRS: &[(Opt, Opt, Option<Opt>, &str)] = &[
    (
        Opt::LegacyMem,
        Opt::InMemory,
        None,
        "--legacy-mem is not compatible with --in-memory (--no-huge implies --legacy-mem)",
    ),
    (
        Opt::LegacyMem,
        Opt::MatchAllocations,
        None,
        "--legacy-mem is not compatible with --match-allocations (--no-huge implies --legacy-mem)",
    ),
    (
        Opt::NoHuge,
        Opt::SocketMem,
        None,
        "--socket-mem cannot be specified together with --no-huge",
    ),
    (
        Opt::NoHuge,
        Opt::HugeUnlinkAlways,
        Some(Opt::InMemory),
        "--huge-unlink cannot be specified together with --no-huge",
    ),
    (
        Opt::MemoryAmount,
        Opt::SocketMem,
        None,
        "-m and --socket-mem cannot be specified at the same time",
    ),
    (
        Opt::SingleFileSegments,
        Opt::HugeUnlinkAlways,
        Some(Opt::InMemory),
        "--single-file-segments is not compatible with --huge-unlink",
    ),
];

/// A warning for each pair of options in `args` that EAL refuses together.
pub(super) fn warn(args: &[String], warnings: &mut Vec<String>) {
    let given = Given(args);
    for &(a, b, unless, says) in PAIRS {
        let (Some(x), Some(y)) = (a.find(&given), b.find(&given)) else {
            continue;
        };
        if x == y || unless.is_some_and(|u| u.find(&given).is_some()) {
            continue;
        }
        warnings.push(format!(
            "the EAL arguments {x} and {y} conflict: DPDK's EAL stops with \"{says}\"; drop one of them (an extra EAL argument, or the option that derives the other)"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str]) -> Vec<String> {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let mut w = Vec::new();
        warn(&args, &mut w);
        w
    }

    #[test]
    fn each_pair_eal_refuses_is_one_warning() {
        for (args, names) in [
            (
                &["--no-huge", "--in-memory"][..],
                "--no-huge and --in-memory",
            ),
            (
                &["--legacy-mem", "--in-memory"],
                "--legacy-mem and --in-memory",
            ),
            (
                &["--no-huge", "--match-allocations"],
                "--no-huge and --match-allocations",
            ),
            (
                &["--no-huge", "--socket-mem=64"],
                "--no-huge and --socket-mem=64",
            ),
            (
                &["--no-huge", "--huge-unlink=always"],
                "--no-huge and --huge-unlink=always",
            ),
            (&["-m", "64", "--socket-mem=64"], "-m and --socket-mem=64"),
            (
                &["--single-file-segments", "--huge-unlink"],
                "--single-file-segments and --huge-unlink",
            ),
        ] {
            let w = check(args);
            assert_eq!(w.len(), 1, "{args:?}: {w:?}");
            assert!(w[0].contains(names), "{w:?}");
            assert!(w[0].contains("DPDK's EAL stops with"), "{w:?}");
        }
    }

    #[test]
    fn pairs_eal_accepts_are_not_warned() {
        for args in [
            &["--no-huge", "-m", "64", "--no-shconf"][..],
            &["--in-memory", "--socket-mem=64,0", "--single-file-segments"],
            &["--no-huge", "--huge-unlink=never"],
            &["--no-huge", "--huge-unlink=existing"],
            &["--huge-unlink", "--single-file-segments", "--in-memory"],
            &[
                "-l",
                "0-1",
                "--main-lcore=1",
                "--file-prefix=p",
                "-a",
                "0000:00:01.0",
            ],
            &["--legacy-mem", "--socket-limit=64"],
        ] {
            assert!(check(args).is_empty(), "{args:?}");
        }
    }
}
