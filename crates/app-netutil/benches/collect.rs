//! Benchmarks: collecting whole reports from fixture pods, and the parsers
//! on their largest inputs. Figures are in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use app_netutil::{Options, collect, downward, netstatus};

fn pod(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(case)
}

fn main() {
    divan::main();
}

/// A typical SR-IOV pod: three interfaces, two device-plugin variables.
#[divan::bench]
fn report_typical_pod(bencher: divan::Bencher<'_, '_>) {
    let opts = Options::new().root(pod("sample_deviceinfo_pci"));
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// A complete clean pod with hugepage files and `_INFO`.
#[divan::bench]
fn report_clean_full_pod(bencher: divan::Bencher<'_, '_>) {
    let opts = Options::new().root(pod("clean_full_pod"));
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// 257 interfaces from a 242 KB annotations file, 256 device ids.
#[divan::bench]
fn report_256_interfaces(bencher: divan::Bencher<'_, '_>) {
    let opts = Options::new().root(pod("huge_annotation_256_interfaces"));
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// The whole report serialized to contract JSON (what `show --json` does).
#[divan::bench]
fn report_256_interfaces_to_json(bencher: divan::Bencher<'_, '_>) {
    let report = collect(&Options::new().root(pod("huge_annotation_256_interfaces"))).unwrap();
    bencher.bench(|| divan::black_box(&report).to_json());
}

/// Only the downward-API parser on the 242 KB annotations file.
#[divan::bench]
fn parse_annotations_242kb(bencher: divan::Bencher<'_, '_>) {
    let data =
        std::fs::read(pod("huge_annotation_256_interfaces").join("etc/podnetinfo/annotations"))
            .unwrap();
    bencher.bench(|| {
        let mut w = Vec::new();
        downward::parse(divan::black_box(&data), "annotations", &mut w)
    });
}

/// Only the network-status decoder on the 214 KB value.
#[divan::bench]
fn parse_network_status_256(bencher: divan::Bencher<'_, '_>) {
    let data =
        std::fs::read(pod("huge_annotation_256_interfaces").join("etc/podnetinfo/annotations"))
            .unwrap();
    let mut w = Vec::new();
    let map = downward::parse(&data, "annotations", &mut w);
    let value = map[netstatus::NETWORK_STATUS_KEY].clone();
    bencher.bench(|| {
        let mut w = Vec::new();
        netstatus::parse(
            divan::black_box(&value),
            netstatus::NETWORK_STATUS_KEY,
            &mut w,
        )
        .unwrap()
    });
}
