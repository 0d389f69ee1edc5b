//! Which chunks of a mapped channel are held in memory for the audio thread: one bit per
//! [`CHUNK_FRAMES`] frames, set by the prefetcher (`engine::prefetch`) once the chunk's pages
//! are locked (or at least touched) and cleared before it lets them go. The audio thread reads
//! a mapped chunk only while its bit is set, so it never waits for the disk.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// Frames per chunk: 4,096 `f32`s are four pages, so with each channel starting on a page
/// (the cache's layout) chunks are whole pages.
pub const CHUNK_FRAMES: usize = 4096;

/// The ready bits of one channel of `frames` frames.
pub(crate) struct Residency {
    bits: Box<[AtomicU64]>,
    frames: usize,
}

impl Residency {
    /// All chunks not ready.
    pub(crate) fn new(frames: usize) -> Residency {
        let chunks = frames.div_ceil(CHUNK_FRAMES);
        Residency {
            bits: (0..chunks.div_ceil(64))
                .map(|_| AtomicU64::new(0))
                .collect(),
            frames,
        }
    }

    /// Number of chunks.
    pub(crate) fn chunks(&self) -> usize {
        self.frames.div_ceil(CHUNK_FRAMES)
    }

    /// Whether every chunk holding a frame of `frames` is ready (frames past the end count as
    /// ready: they read as silence). Allocation- and lock-free: called on the audio thread.
    #[inline]
    pub(crate) fn is_ready(&self, frames: Range<usize>) -> bool {
        let end = frames.end.min(self.frames);
        if frames.start >= end {
            return true;
        }
        let (first, last) = (frames.start / CHUNK_FRAMES, (end - 1) / CHUNK_FRAMES);
        (first..=last).all(|c| self.is_chunk_ready(c))
    }

    /// Whether chunk `c` is ready.
    #[inline]
    pub(crate) fn is_chunk_ready(&self, c: usize) -> bool {
        self.bits
            .get(c / 64)
            // Acquire: pairs with the prefetcher's Release after it locked the pages.
            .is_some_and(|w| w.load(Ordering::Acquire) & (1 << (c % 64)) != 0)
    }

    /// Marks chunk `c` ready or not.
    pub(crate) fn set(&self, c: usize, ready: bool) {
        if let Some(w) = self.bits.get(c / 64) {
            let bit = 1u64 << (c % 64);
            if ready {
                w.fetch_or(bit, Ordering::Release);
            } else {
                w.fetch_and(!bit, Ordering::Release);
            }
        }
    }
}

impl std::fmt::Debug for Residency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ready = (0..self.chunks())
            .filter(|&c| self.is_chunk_ready(c))
            .count();
        write!(f, "Residency({ready}/{} chunks ready)", self.chunks())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_ranges_follow_the_chunk_bits() {
        let r = Residency::new(CHUNK_FRAMES * 130 + 7);
        assert_eq!(r.chunks(), 131);
        assert!(!r.is_ready(0..1));
        assert!(r.is_ready(5..5), "an empty range needs nothing");
        assert!(
            r.is_ready(CHUNK_FRAMES * 131..CHUNK_FRAMES * 140),
            "past the end is silence"
        );
        r.set(0, true);
        r.set(1, true);
        assert!(r.is_ready(0..2 * CHUNK_FRAMES));
        assert!(!r.is_ready(0..2 * CHUNK_FRAMES + 1));
        // Across a word boundary (chunks 63, 64) and the short last chunk.
        r.set(63, true);
        r.set(64, true);
        assert!(r.is_ready(63 * CHUNK_FRAMES + 100..65 * CHUNK_FRAMES));
        r.set(64, false);
        assert!(!r.is_ready(63 * CHUNK_FRAMES + 100..64 * CHUNK_FRAMES + 1));
        r.set(130, true);
        assert!(r.is_ready(130 * CHUNK_FRAMES..usize::MAX));
        r.set(500, true); // out of range: ignored
        assert_eq!(format!("{r:?}"), "Residency(4/131 chunks ready)");
    }
}
