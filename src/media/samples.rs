//! One channel of a stem's samples: owned in memory (synthesised audio, tests, the window) or
//! a read-only memory mapping of a decoded-stem cache file ([`super::cache`]). Both read as a
//! plain `[f32]`, so the engine's slice reads do not care which it is.

use super::residency::{CHUNK_FRAMES, Residency};
use memmap2::Mmap;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// A channel of `f32` samples; derefs to `[f32]`.
#[derive(Clone)]
pub struct Samples(Store);

#[derive(Clone)]
enum Store {
    Owned(Vec<f32>),
    /// `len` samples starting `offset` bytes into `map` (4-byte aligned: the cache lays each
    /// channel out on a page boundary).
    Mapped {
        map: Arc<Mmap>,
        offset: usize,
        len: usize,
        /// Which chunks the prefetcher holds in memory (what the audio thread may read).
        resident: Arc<Residency>,
    },
}

impl Samples {
    /// A mapped channel: `len` native-endian `f32`s at byte `offset` of `map`. `None` when the
    /// range is outside the mapping or not 4-byte aligned.
    pub(crate) fn mapped(map: Arc<Mmap>, offset: usize, len: usize) -> Option<Samples> {
        let end = offset.checked_add(len.checked_mul(4)?)?;
        let aligned = (map.as_ptr() as usize + offset).is_multiple_of(std::mem::align_of::<f32>());
        (end <= map.len() && aligned).then(|| {
            Samples(Store::Mapped {
                map,
                offset,
                len,
                resident: Arc::new(Residency::new(len)),
            })
        })
    }

    /// The samples as a slice.
    pub fn as_slice(&self) -> &[f32] {
        self
    }

    /// Whether the samples are a file mapping (paged in from disk on first touch) rather than
    /// memory of their own.
    #[inline]
    pub fn is_mapped(&self) -> bool {
        matches!(self.0, Store::Mapped { .. })
    }

    /// The samples as an owned vector (a copy for a mapping).
    pub fn into_vec(self) -> Vec<f32> {
        match self.0 {
            Store::Owned(v) => v,
            Store::Mapped { .. } => self.to_vec(),
        }
    }

    /// Lets the system drop the resident pages of a mapping that hold `frames` (for a reader
    /// that has gone past them: a page shared with frames just before `frames.start` goes too,
    /// the one holding `frames.end` stays). They stay in the file and are paged in again if
    /// read. Does nothing for owned samples. Only a hint: reads stay correct whatever it does.
    pub fn release(&self, frames: Range<usize>) {
        #[cfg(unix)]
        if let Store::Mapped {
            map, offset, len, ..
        } = &self.0
        {
            let page = page_size();
            let end = frames.end.min(*len);
            if frames.start >= end {
                return;
            }
            let start_byte = (offset + frames.start * 4) / page * page;
            let end_byte = (offset + end * 4) / page * page;
            if end_byte > start_byte {
                // SAFETY: the mapping is a shared read-only file mapping, for which dropping
                // pages only means reading them from the file again (for a private or anonymous
                // one it would zero them). Errors are ignored: the pages then stay resident.
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start_byte,
                        end_byte - start_byte,
                    )
                };
            }
        }
        #[cfg(not(unix))]
        let _ = frames;
    }

    /// Whether the audio thread may read `frames` without waiting for the disk: always for
    /// owned samples; for a mapping, when the prefetcher holds every chunk of them
    /// ([`hold_chunk`](Self::hold_chunk)). Lock- and allocation-free.
    #[inline]
    pub fn is_ready(&self, frames: Range<usize>) -> bool {
        match &self.0 {
            Store::Owned(_) => true,
            Store::Mapped { resident, .. } => resident.is_ready(frames),
        }
    }

    /// Chunks of [`CHUNK_FRAMES`] frames a mapping is held in (0 for owned samples).
    pub fn chunk_count(&self) -> usize {
        match &self.0 {
            Store::Owned(_) => 0,
            Store::Mapped { resident, .. } => resident.chunks(),
        }
    }

    /// Whether chunk `c` of a mapping is held (false for owned samples, which need no holding).
    pub fn is_chunk_held(&self, c: usize) -> bool {
        match &self.0 {
            Store::Owned(_) => false,
            Store::Mapped { resident, .. } => resident.is_chunk_ready(c),
        }
    }

    /// Brings chunk `c` of a mapping into memory and marks it ready for the audio thread: the
    /// pages are locked (`mlock`) where the system allows it, else only read once (then they
    /// stay unless memory runs short). Waits for the disk: never call it on the audio thread.
    /// Returns whether the pages are locked.
    pub fn hold_chunk(&self, c: usize) -> bool {
        let Some((map, resident, bytes)) = self.chunk_bytes(c) else {
            return false;
        };
        #[cfg(unix)]
        // SAFETY: the range lies inside the live mapping; mlock only pins its pages.
        let locked = unsafe {
            libc::mlock(
                map.as_ptr().add(bytes.start).cast(),
                bytes.end - bytes.start,
            ) == 0
        };
        #[cfg(not(unix))]
        let locked = false;
        if !locked {
            // Read the range into the page cache first (waiting for the disk here, not on a
            // fault): a fault on a cold page reads ahead and maps the whole large folio it
            // lands in (512 KB seen on ext4), which dropping this chunk would never release.
            // A fault on a page cached in small folios maps only its fault-around block
            // ([`FAULT_AROUND`]), which `drop_chunks` covers. Pages still cached in the 2 MB
            // folios a fresh write leaves are mapped whole all the same (not solved yet).
            let _ = map.advise_range(
                memmap2::Advice::WillNeed,
                bytes.start,
                bytes.end - bytes.start,
            );
            for i in bytes.clone().step_by(page_size()) {
                // SAFETY: `i` lies inside the live, readable mapping.
                unsafe { std::ptr::read_volatile(map.as_ptr().add(i)) };
            }
        }
        resident.set(c, true);
        locked
    }

    /// Marks chunk `c` not ready: the audio thread stops reading it from its next block on.
    /// Its pages stay until [`drop_chunks`](Self::drop_chunks), which must come later than any
    /// block that may have seen it ready.
    pub fn unready_chunk(&self, c: usize) {
        if let Store::Mapped { resident, .. } = &self.0 {
            resident.set(c, false);
        }
    }

    /// Unlocks the pages of chunks `chunks` and lets the system drop them (they stay in the
    /// file), widened to the fault-around blocks ([`FAULT_AROUND`]) at either end over
    /// neighbouring chunks for which `free` says no reader needs them: a read of one page maps
    /// the cached pages of its whole block, which would otherwise stay mapped for good.
    ///
    /// One call for a run of chunks, not one per chunk: each unlock and drop changes the
    /// mapping and flushes other cores' TLBs, and the audio thread's core pays for every flush
    /// (at 3,000 single-chunk calls per seek, 1–6 ms of its CPU time in the callbacks after
    /// the seek, measured with 64 stems of 5 min).
    pub fn drop_chunks(&self, chunks: Range<usize>, free: &dyn Fn(usize) -> bool) {
        if chunks.is_empty() {
            return;
        }
        let count = self.chunk_count();
        let (Some((map, _, first)), Some((_, _, last))) = (
            self.chunk_bytes(chunks.start),
            self.chunk_bytes(chunks.end - 1),
        ) else {
            return;
        };
        let start_of = |c: usize| self.chunk_bytes(c).map_or(0, |(_, _, b)| b.start);
        let end_of = |c: usize| self.chunk_bytes(c).map_or(0, |(_, _, b)| b.end);
        // Fault-around blocks are aligned in the address space, not in the file.
        let base = map.as_ptr() as usize;
        let lo_block = ((base + first.start) / FAULT_AROUND * FAULT_AROUND).saturating_sub(base);
        let hi_block = ((base + last.end).next_multiple_of(FAULT_AROUND) - base).min(map.len());
        let mut a = chunks.start;
        while a > 0 && start_of(a) > lo_block && free(a - 1) {
            a -= 1;
        }
        let mut b = chunks.end;
        while b < count && end_of(b - 1) < hi_block && free(b) {
            b += 1;
        }
        // The widened chunks' pages only: a partly covered chunk is free, and pages of other
        // chunks in the block (held, or another channel's) are left alone.
        let lo = if a < chunks.start {
            lo_block.max(start_of(a))
        } else {
            first.start
        };
        let hi = if b > chunks.end {
            hi_block.min(end_of(b - 1))
        } else {
            last.end
        };
        let bytes = lo..hi;
        #[cfg(unix)]
        // SAFETY: as in `release`; munlock on pages that are not locked does nothing.
        unsafe {
            libc::munlock(
                map.as_ptr().add(bytes.start).cast(),
                bytes.end - bytes.start,
            );
            let _ = map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                bytes.start,
                bytes.end - bytes.start,
            );
        }
        #[cfg(not(unix))]
        let _ = (map, bytes);
    }

    /// The mapping, the ready bits and the byte range (whole pages) of chunk `c`.
    fn chunk_bytes(&self, c: usize) -> Option<(&Mmap, &Residency, Range<usize>)> {
        let Store::Mapped {
            map,
            offset,
            len,
            resident,
        } = &self.0
        else {
            return None;
        };
        let first = c.checked_mul(CHUNK_FRAMES).filter(|&f| f < *len)?;
        let last = (first + CHUNK_FRAMES).min(*len);
        let page = page_size();
        let start = (offset + first * 4) / page * page;
        let end = (offset + last * 4).next_multiple_of(page).min(map.len());
        Some((map, resident, start..end))
    }
}

/// The span a page fault maps around the faulting page when its neighbours are cached (Linux's
/// `fault_around_bytes`, 64 KB by default, aligned in the address space). It is not readable
/// without debugfs; a larger setting only leaves more pages mapped, never a wrong read.
const FAULT_AROUND: usize = 64 * 1024;

/// The page size (4,096 where it cannot be asked).
fn page_size() -> usize {
    #[cfg(unix)]
    {
        use std::sync::OnceLock;
        static PAGE: OnceLock<usize> = OnceLock::new();
        *PAGE.get_or_init(|| {
            // SAFETY: sysconf has no preconditions.
            let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
        })
    }
    #[cfg(not(unix))]
    4096
}

impl Deref for Samples {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        match &self.0 {
            Store::Owned(v) => v,
            Store::Mapped {
                map, offset, len, ..
            } => {
                let bytes = &map[*offset..*offset + *len * 4];
                // SAFETY: `mapped` checked that the range lies inside the mapping and is aligned
                // for f32; every bit pattern is a valid f32; the mapping is read-only and lives
                // as long as `map`.
                unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<f32>(), *len) }
            }
        }
    }
}

impl AsRef<[f32]> for Samples {
    fn as_ref(&self) -> &[f32] {
        self
    }
}

impl From<Vec<f32>> for Samples {
    fn from(v: Vec<f32>) -> Samples {
        Samples(Store::Owned(v))
    }
}

impl Default for Samples {
    fn default() -> Samples {
        Samples::from(Vec::new())
    }
}

impl std::fmt::Debug for Samples {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_mapped() {
            write!(f, "Samples(mapped, {} frames)", self.len())
        } else {
            f.debug_list().entries(self.iter()).finish()
        }
    }
}

impl PartialEq for Samples {
    fn eq(&self, other: &Samples) -> bool {
        **self == **other
    }
}

impl PartialEq<Vec<f32>> for Samples {
    fn eq(&self, other: &Vec<f32>) -> bool {
        **self == other[..]
    }
}

impl PartialEq<Samples> for Vec<f32> {
    fn eq(&self, other: &Samples) -> bool {
        self[..] == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn owned_and_mapped_read_the_same() {
        let want: Vec<f32> = (0..5000).map(|i| i as f32 * 0.25).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&[0u8; 4096]).unwrap();
        for s in &want {
            file.write_all(&s.to_ne_bytes()).unwrap();
        }
        // SAFETY: a private temporary file nobody else writes.
        let map = Arc::new(unsafe { Mmap::map(&file) }.unwrap());
        let mapped = Samples::mapped(map.clone(), 4096, want.len()).unwrap();
        assert!(mapped.is_mapped());
        assert_eq!(mapped, want);
        assert_eq!(mapped, Samples::from(want.clone()));
        // Released pages read back the same from the file.
        mapped.release(0..4000);
        assert_eq!(&mapped[..], &want[..]);
        assert_eq!(mapped.clone().into_vec(), want);
        // Out of range or misaligned: refused.
        assert!(Samples::mapped(map.clone(), 4096, want.len() + 1).is_none());
        assert!(Samples::mapped(map, 4097, 10).is_none());
    }
}
