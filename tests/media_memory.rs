//! Memory stays bounded by what a file holds, not by what its header claims: a header claiming
//! 10^9 frames must not make the decoder allocate them up front (issue 14, item 2).
//!
//! A counting global allocator records the largest single request and the reallocations of big
//! blocks; it is its own test binary so nothing else runs alongside, and its tests take turns.

mod common;

use common::fixture;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use stemmix::media::{MediaError, decode_file};

/// The system allocator, remembering the largest block asked for since the last reset.
struct LargestRequest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
/// Reallocations of blocks of at least [`BIG`] bytes since the last reset (a growing plane).
static BIG_REALLOCS: AtomicUsize = AtomicUsize::new(0);
/// A block this large is a decoded plane, not a packet buffer.
const BIG: usize = 128 << 10;

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for LargestRequest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        if layout.size() >= BIG {
            BIG_REALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestRequest = LargestRequest;

/// The tests share the counters, so each holds this for its whole run.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Decodes `path`; returns the frame count (or error), the largest single allocation and the
/// number of big reallocations made meanwhile.
fn decode_measured(path: &std::path::Path) -> (Result<usize, MediaError>, usize, usize) {
    LARGEST.store(0, Ordering::Relaxed);
    BIG_REALLOCS.store(0, Ordering::Relaxed);
    let result = decode_file(path).map(|d| d.frames());
    (
        result,
        LARGEST.load(Ordering::Relaxed),
        BIG_REALLOCS.load(Ordering::Relaxed),
    )
}

/// Far below the 4 GB (10^9 frames × 4 bytes) the lying headers below would ask for: what a
/// file of their size could plausibly hold (64 frames per byte of FLAC: 19 MB per channel here)
/// is all a lie may cost.
const BOUND: usize = 64 << 20;

#[test]
fn a_wav_claiming_a_billion_frames_allocates_what_it_holds() {
    let _turn = exclusive();
    // 0.1 s of 16-bit mono, its data chunk claiming 2·10^9 bytes = 10^9 frames.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("liar.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..4800 {
        w.write_sample(((i % 100) * 300) as i16).unwrap();
    }
    w.finalize().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let data = bytes.windows(4).position(|w| w == b"data").unwrap();
    bytes[data + 4..data + 8].copy_from_slice(&2_000_000_000u32.to_le_bytes());
    bytes[4..8].copy_from_slice(&(2_000_000_000u32 + data as u32).to_le_bytes());
    std::fs::write(&path, bytes).unwrap();

    let (result, largest, _) = decode_measured(&path);
    eprintln!("liar.wav: {result:?}, largest allocation {largest} bytes");
    let err = result.unwrap_err();
    assert!(
        err.to_string()
            .contains("stops after 4800 of 1000000000 frames"),
        "{err}"
    );
    assert!(largest < BOUND, "allocated {largest} bytes at once");
}

#[test]
fn a_flac_claiming_a_billion_frames_allocates_what_it_holds() {
    let _turn = exclusive();
    // STREAMINFO's 36-bit total sample count rewritten to 10^9 (the fixture holds 22,050).
    let mut bytes = std::fs::read(fixture("signal.flac")).unwrap();
    assert_eq!(&bytes[..4], b"fLaC");
    // fLaC, the 4-byte block header, then 10 bytes before the bits that hold the count:
    // 4 bits of bits-per-sample − 1 and 36 bits of total samples in bytes 13..18 of the block.
    let at = 4 + 4 + 13;
    let total = 1_000_000_000u64;
    bytes[at] = (bytes[at] & 0xF0) | ((total >> 32) as u8 & 0x0F);
    bytes[at + 1..at + 5].copy_from_slice(&(total as u32).to_be_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("liar.flac");
    std::fs::write(&path, bytes).unwrap();

    let (result, largest, _) = decode_measured(&path);
    eprintln!("liar.flac: {result:?}, largest allocation {largest} bytes");
    let err = result.unwrap_err();
    assert!(err.to_string().contains("of 1000000000 frames"), "{err}");
    assert!(largest < BOUND, "allocated {largest} bytes at once");
}

#[test]
fn an_exact_length_is_preallocated_once_even_for_compressed_files() {
    let _turn = exclusive();
    // Preallocating from an exact length keeps peak memory at one copy of the audio; a cap must
    // not cut it below the real length of a compressed file (this MP3 holds 6 frames per byte).
    for (name, frames) in [
        ("signal_tail_vbr.mp3", 110_250),
        ("signal_padded_itunsmpb.m4a", 198_450),
        ("signal.flac", 22_050),
    ] {
        let (result, largest, big_reallocs) = decode_measured(&fixture(name));
        eprintln!("{name}: largest allocation {largest} bytes, {big_reallocs} big reallocations");
        assert_eq!(result.unwrap(), frames, "{name}");
        assert_eq!(big_reallocs, 0, "{name}: a plane grew while decoding");
        assert!(largest < BOUND, "{name}: {largest}");
    }
}
