//! Benchmarks: collecting whole reports from fixture pods, and the parsers
//! on their largest inputs. Figures are in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use app_netutil::internal::{downward, netstatus};
use app_netutil::{Options, collect};

fn pod(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/pods")
        .join(case)
}

fn main() {
    divan::main();
}

/// Copies a fixture pod (links as links) into a new temporary directory.
fn copy_pod(case: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let (src, dst) = (entry.path(), to.join(entry.file_name()));
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
            } else if kind.is_dir() {
                copy(&src, &dst);
            } else {
                std::fs::copy(&src, &dst).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&pod(case), dir.path());
    dir
}

fn write(root: &Path, path: &str, content: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// A pod with 32 dedicated CPUs on a 512-CPU host with 8 NUMA nodes and
/// SMT (CPU n and n+256 are siblings; node k holds 32k..32k+31 and their
/// siblings).
fn host_512_cpus_8_nodes() -> tempfile::TempDir {
    let dir = copy_pod("numa_256cpu_2node_smt");
    let root = dir.path();
    let _ = std::fs::remove_dir_all(root.join("sys/devices/system"));
    write(root, "sys/devices/system/cpu/online", "0-511\n");
    write(root, "sys/devices/system/cpu/isolated", "\n");
    for node in 0..8 {
        let (a, b) = (node * 32, node * 32 + 256);
        write(
            root,
            &format!("sys/devices/system/node/node{node}/cpulist"),
            &format!("{a}-{},{b}-{}\n", a + 31, b + 31),
        );
        for size in ["2048", "1048576"] {
            for file in ["nr_hugepages", "free_hugepages"] {
                write(
                    root,
                    &format!(
                        "sys/devices/system/node/node{node}/hugepages/hugepages-{size}kB/{file}"
                    ),
                    "4\n",
                );
            }
        }
    }
    // The pod: 16 cores with their siblings, on nodes 3 and 4.
    let pod_cpus: Vec<u32> = (120..136).chain(376..392).collect();
    for &cpu in &pod_cpus {
        let core = cpu % 256;
        write(
            root,
            &format!("sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list"),
            &format!("{core},{}\n", core + 256),
        );
    }
    let list = app_netutil::report::format_cpulist(&pod_cpus);
    write(
        root,
        "sys/fs/cgroup/cpuset.cpus.effective",
        &format!("{list}\n"),
    );
    let status = std::fs::read_to_string(root.join("proc/self/status")).unwrap();
    let status: String = status
        .lines()
        .map(|l| {
            if l.starts_with("Cpus_allowed_list:") {
                format!("Cpus_allowed_list:\t{list}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    write(root, "proc/self/status", &status);
    dir
}

/// A pod whose downward-API directory holds 200 hugepage files (50
/// containers, request and limit of two page sizes each).
fn pod_200_hugepage_files() -> tempfile::TempDir {
    let dir = copy_pod("clean_full_pod");
    for c in 0..50 {
        for size in ["1G", "2M"] {
            for amount in ["request", "limit"] {
                write(
                    dir.path(),
                    &format!("etc/podnetinfo/hugepages_{size}_{amount}_container-{c}"),
                    &format!("{}", 512 * (c + 1)),
                );
            }
        }
    }
    dir
}

/// A typical SR-IOV pod: three interfaces, two device-plugin variables.
#[divan::bench]
fn report_typical_pod(bencher: divan::Bencher<'_, '_>) {
    let opts = Options::new().root(pod("sample_deviceinfo_pci"));
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// 256 CPUs over 2 NUMA nodes with SMT, cgroup v2, hugetlb limits,
/// hugetlbfs, host pools per node, a vfio-bound VF with sysfs details.
#[divan::bench]
fn report_256_cpus_2_nodes(bencher: divan::Bencher<'_, '_>) {
    let opts = Options::new().root(pod("numa_256cpu_2node_smt"));
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// A 512-CPU host with 8 NUMA nodes and SMT, 32 CPUs for the pod.
#[divan::bench]
fn report_512_cpus_8_nodes(bencher: divan::Bencher<'_, '_>) {
    let dir = host_512_cpus_8_nodes();
    let opts = Options::new().root(dir.path());
    let report = collect(&opts).unwrap();
    assert_eq!(report.cpus.as_ref().unwrap().list.len(), 32);
    assert_eq!(
        report
            .cpus
            .as_ref()
            .unwrap()
            .numa_nodes
            .as_ref()
            .unwrap()
            .len(),
        2
    );
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// 200 hugepage files in the downward-API directory.
#[divan::bench]
fn report_200_hugepage_files(bencher: divan::Bencher<'_, '_>) {
    let dir = pod_200_hugepage_files();
    let opts = Options::new().root(dir.path());
    assert_eq!(collect(&opts).unwrap().hugepages.containers.len(), 51);
    bencher.bench(|| collect(divan::black_box(&opts)).unwrap());
}

/// EAL arguments from a collected report (the pure function alone).
#[divan::bench]
fn eal_args_clean_full_pod(bencher: divan::Bencher<'_, '_>) {
    let opts = Options::new().root(pod("clean_full_pod"));
    let report = collect(&opts).unwrap();
    bencher.bench(|| app_netutil::dpdk::eal_args(divan::black_box(&report), &opts.dpdk).unwrap());
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
