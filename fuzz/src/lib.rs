//! What the fuzz targets share: how an input names its format, and the checks every result must
//! pass (the same file the regression tests in `tests/fuzz_regressions.rs` use).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;
pub use checks::{check_decoded, check_loudness, check_project_text};

/// The longest extension an input may name.
const MAX_EXTENSION: usize = 8;

/// Splits a media input into the file name it goes by and the file's bytes.
///
/// An input may start with an extension and a newline (`flac\n…`): the decoder gets it as the
/// file name's extension, its format hint, as it would from a file on disk. Inputs without one
/// are decoded as `fuzz` (no hint). The seeds in `fuzz/seeds/media` start this way, and
/// `fuzz/keep.sh` turns the line back into an extension.
pub fn split_name(data: &[u8]) -> (PathBuf, &[u8]) {
    let head = &data[..data.len().min(MAX_EXTENSION + 1)];
    if let Some(nl) = head.iter().position(|&b| b == b'\n')
        && nl > 0
        && data[..nl].iter().all(u8::is_ascii_alphanumeric)
    {
        let ext = String::from_utf8_lossy(&data[..nl]);
        return (PathBuf::from(format!("fuzz.{ext}")), &data[nl + 1..]);
    }
    (PathBuf::from("fuzz"), data)
}

/// The most heap a fuzz input may use, in bytes, live at once (one request included). The
/// targets are built without a sanitizer, so libFuzzer's `-malloc_limit_mb` does nothing and
/// `-rss_limit_mb` only sees memory that was touched; a 4 GB `Vec::with_capacity` on a header's
/// word stays untouched, so [`LimitedHeap`] catches it. [`init`] sets it from `FUZZ_RSS_MB`
/// (what `run.sh` also passes as `-rss_limit_mb`).
static HEAP_LIMIT: AtomicUsize = AtomicUsize::new(1024 << 20);

/// Bytes on the heap now.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Reads the heap limit from `FUZZ_RSS_MB` (in MB; default 1024). Each target calls it first.
pub fn init() {
    if let Some(mb) = std::env::var("FUZZ_RSS_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        HEAP_LIMIT.store(mb << 20, Ordering::Relaxed);
    }
}

/// The system allocator, aborting (a crash libFuzzer saves as a finding) when the heap would
/// pass [`HEAP_LIMIT`].
struct LimitedHeap;

impl LimitedHeap {
    fn take(&self, bytes: usize) {
        let live = LIVE.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes);
        if live > HEAP_LIMIT.load(Ordering::Relaxed) {
            // Nothing that allocates: a fixed message, then abort.
            let _ = std::io::stderr().write_all(
                b"\n==fuzz== heap limit exceeded: this input makes the program ask for more \
                  memory than FUZZ_RSS_MB allows\n",
            );
            std::process::abort();
        }
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for LimitedHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.take(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.take(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // Counted as if old and new coexisted, as they do when the block moves.
        self.take(size);
        let p = unsafe { System.realloc(ptr, layout, size) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        p
    }
}

#[global_allocator]
static HEAP: LimitedHeap = LimitedHeap;
