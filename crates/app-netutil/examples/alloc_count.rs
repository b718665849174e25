//! Counts heap allocations and peak heap use of collecting one report:
//! `cargo run --release --example alloc_count -- ROOT`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to the system allocator; the
// counters are only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "/".to_owned());
    let opts = app_netutil::Options::new().root(&root);
    // Once to warm up what the process allocates once (environment, locale).
    drop(app_netutil::collect(&opts));
    let (a0, l0) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        LIVE.load(Ordering::Relaxed),
    );
    PEAK.store(l0, Ordering::Relaxed);
    let report = app_netutil::collect(&opts);
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - a0;
    let peak = PEAK.load(Ordering::Relaxed) - l0;
    let interfaces = report.map(|r| r.interfaces.len()).unwrap_or(0);
    println!(
        "{root}: {allocations} allocations, peak heap {:.1} KiB, {interfaces} interfaces ({:.1} allocations per interface)",
        peak as f64 / 1024.0,
        allocations as f64 / interfaces.max(1) as f64
    );
}
