//! One channel of a stem's samples: owned in memory (synthesised audio, tests, the window) or
//! a read-only memory mapping of a decoded-stem cache file ([`super::cache`]). Both read as a
//! plain `[f32]`, so the engine's slice reads do not care which it is.

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
    },
}

impl Samples {
    /// A mapped channel: `len` native-endian `f32`s at byte `offset` of `map`. `None` when the
    /// range is outside the mapping or not 4-byte aligned.
    pub(crate) fn mapped(map: Arc<Mmap>, offset: usize, len: usize) -> Option<Samples> {
        let end = offset.checked_add(len.checked_mul(4)?)?;
        let aligned = (map.as_ptr() as usize + offset).is_multiple_of(std::mem::align_of::<f32>());
        (end <= map.len() && aligned).then_some(Samples(Store::Mapped { map, offset, len }))
    }

    /// The samples as a slice.
    pub fn as_slice(&self) -> &[f32] {
        self
    }

    /// Whether the samples are a file mapping (paged in from disk on first touch) rather than
    /// memory of their own.
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
        if let Store::Mapped { map, offset, len } = &self.0 {
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
}

#[cfg(unix)]
fn page_size() -> usize {
    use std::sync::OnceLock;
    static PAGE: OnceLock<usize> = OnceLock::new();
    *PAGE.get_or_init(|| {
        // SAFETY: sysconf has no preconditions.
        let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
    })
}

impl Deref for Samples {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        match &self.0 {
            Store::Owned(v) => v,
            Store::Mapped { map, offset, len } => {
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
