//! A global allocator for the tests that measure memory: it forwards every call to the system
//! allocator and counts the largest single request, the bytes live and their peak, and the
//! reallocations of big blocks (a growing decoded plane). A test binary that includes this file
//! installs it with `#[global_allocator]`; its tests must take turns ([`exclusive`]).

#![allow(dead_code)] // each includer uses a different subset

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The counting allocator.
pub struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BIG_REALLOCS: AtomicUsize = AtomicUsize::new(0);

/// A block this large is a decoded plane, not a packet buffer.
pub const BIG: usize = 128 << 10;

fn grow(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        grow(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        if layout.size() >= BIG {
            BIG_REALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p == ptr {
            // Resized in place: never more than the larger of the two.
            grow(new_size.saturating_sub(layout.size()));
            LIVE.fetch_sub(layout.size().saturating_sub(new_size), Ordering::Relaxed);
        } else {
            // Moved: counted as if the old and the new block coexisted, as they do in a copy.
            grow(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// What was allocated while a closure ran.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// The largest single request, in bytes.
    pub largest: usize,
    /// The peak of the live heap above what was live before, in bytes.
    pub peak: usize,
    /// Reallocations of blocks of at least [`BIG`] bytes.
    pub big_reallocs: usize,
}

/// Runs `f` and measures what it allocates.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    LARGEST.store(0, Ordering::Relaxed);
    BIG_REALLOCS.store(0, Ordering::Relaxed);
    let out = f();
    let usage = Usage {
        largest: LARGEST.load(Ordering::Relaxed),
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(before),
        big_reallocs: BIG_REALLOCS.load(Ordering::Relaxed),
    };
    (out, usage)
}

/// The counters are shared, so each measuring test holds this for its whole run.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Waits for the other measuring tests of this binary to finish.
pub fn exclusive() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}
