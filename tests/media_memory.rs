//! Memory stays bounded by what a file holds, not by what its header claims: a header claiming
//! 10^9 frames must not make the decoder allocate them up front (issue 14, item 2).
//!
//! A counting global allocator (`support/counting_alloc.rs`) records the largest single request
//! and the reallocations of big blocks; it is its own test binary so nothing else runs alongside,
//! and its tests take turns.

mod common;
#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use common::fixture;
use counting_alloc::{Counting, exclusive, measure};
use stemmix::media::{MediaError, decode_file};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Decodes `path`; returns the frame count (or error), the largest single allocation and the
/// number of big reallocations made meanwhile.
fn decode_measured(path: &std::path::Path) -> (Result<usize, MediaError>, usize, usize) {
    let (result, usage) = measure(|| decode_file(path).map(|d| d.frames()));
    (result, usage.largest, usage.big_reallocs)
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
