//! Many threads collecting at once get identical reports: collection keeps
//! no shared state.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use app_netutil::{Options, collect, dpdk};

#[test]
fn threads_collect_identical_reports() {
    for case in [
        "huge_annotation_256_interfaces",
        "sysfs_kernel_vf_env_order",
        "clean_full_pod",
    ] {
        let opts = Arc::new(Options::new().root(common::pods_dir().join(case)));
        let want = collect(&opts).unwrap().to_json();
        let want_args = dpdk::eal_args(&collect(&opts).unwrap(), &opts.dpdk).unwrap();
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let opts = Arc::clone(&opts);
                std::thread::spawn(move || {
                    (0..20)
                        .map(|_| {
                            let r = collect(&opts).unwrap();
                            (r.to_json(), dpdk::eal_args(&r, &opts.dpdk).unwrap())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (json, args) in h.join().unwrap() {
                assert_eq!(json, want, "{case}");
                assert_eq!(args, want_args, "{case}");
            }
        }
    }
}
