//! Every input with which a fuzz target found a bug (`tests/fixtures/fuzz/`, written by
//! `fuzz/keep.sh`; a few `review_*` inputs were crafted by hand for bugs of the kind the fuzzer's
//! limits are there to catch), replayed: held to the checks the fuzzer applied
//! (`support/fuzz_checks.rs`) and to the outcome listed for it in [`CASES`]. Every file in the
//! folder must be listed.
//!
//! Audio inputs are decoded from disk and from memory (the same code must give the same
//! result), then analysed like `stemmix analyze` does; no single allocation may be larger than
//! [`MAX_ALLOCATION`] (the fuzzer's limit was 1 GB of heap in all). Project inputs are loaded
//! and, when they load, saved and reloaded.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/fuzz_checks.rs"]
mod fuzz_checks;

use counting_alloc::{Counting, measure};
use fuzz_checks::{check_decoded, check_loudness, check_project_text};
use std::path::{Path, PathBuf};
use stemmix::media::{MediaError, decode_bytes, decode_file};

/// What a regression input must give now.
#[derive(Debug)]
#[allow(dead_code)] // every outcome a finding may need, whether or not one needs it today
enum Outcome {
    /// Decodes to this many channels and frames.
    Audio { channels: usize, frames: usize },
    /// Fails with the error of this kind (the variant's name).
    MediaError(&'static str),
    /// Loads as a project with this many tracks.
    Project { tracks: usize },
    /// Refused by the project loader.
    ProjectError,
}

/// The inputs, by file name, with the outcome each must have and what it found.
const CASES: &[(&str, Outcome, &str)] = &[
    (
        "riff_3074_channels_mask.wav",
        Outcome::MediaError("TooManyChannels"),
        "media_decode: symphonia's WAV reader overflows a shift fixing the channel mask of a \
         WAVE_FORMAT_EXTENSIBLE header with more than 32 channels (panic with overflow checks)",
    ),
    (
        "riff_66_channels_mask.wav",
        Outcome::MediaError("TooManyChannels"),
        "media_decode: the same shift, 66 channels",
    ),
    (
        "riff_58623_channels_pcm.wav",
        Outcome::MediaError("TooManyChannels"),
        "media_decode: symphonia's WAV reader overflows channels × bytes per sample (u16) \
         checking a plain PCM header's block align",
    ),
    (
        "caf_huge_packets.caf",
        Outcome::MediaError("Corrupt"),
        "media_decode: symphonia's CAF reader overflows bytes_per_packet × 8 (u32) for a desc \
         chunk stating packets of 2^29 bytes or more",
    ),
    (
        "flac_named_wav_3074_channels.flac",
        Outcome::MediaError("TooManyChannels"),
        "media_decode (an earlier run's artifact): a WAV named .flac, \
         so the format is found by probing past the wrong hint, with the 3074-channel mask",
    ),
    (
        "unnamed_wav_258_channels",
        Outcome::MediaError("TooManyChannels"),
        "media_decode (an earlier run's artifact): the same header \
         with no file extension at all (no format hint)",
    ),
    (
        "wav_65535_channels.wav",
        Outcome::MediaError("TooManyChannels"),
        "media_decode (an earlier run's artifact): a plain PCM header with u16::MAX channels",
    ),
    (
        "review_stts_gap.m4a",
        Outcome::MediaError("Corrupt"),
        "review (crafted from signal_aac.m4a, the kind of input media_decode's heap limit \
         catches): an MP4 sample table stating 2^28 frames per packet made the decoder fill \
         each timestamp jump with silence up to the stated 5.9·10^9 frames (2 GB at once)",
    ),
    (
        "review_elst_silence.m4a",
        Outcome::Audio {
            channels: 2,
            frames: 22_050,
        },
        "review (crafted from signal_aac.m4a): an edit list of 40,000 s of silence made the \
         decoder reserve 1.76·10^9 frames per channel; now an edit list adding more silence \
         than the file could hold is ignored, and the delay and length the container states \
         otherwise apply",
    ),
];

/// The largest single allocation a regression input may cause, in bytes.
const MAX_ALLOCATION: usize = 64 << 20;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn folder() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz"))
}

/// The variant name of a media error.
fn kind(e: &MediaError) -> &'static str {
    match e {
        MediaError::Io { .. } => "Io",
        MediaError::NotAudio { .. } => "NotAudio",
        MediaError::Unsupported { .. } => "Unsupported",
        MediaError::Corrupt { .. } => "Corrupt",
        MediaError::Empty { .. } => "Empty",
        MediaError::TooManyChannels { .. } => "TooManyChannels",
    }
}

fn replay(path: &Path, outcome: &Outcome) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(path).unwrap();
    let ((), usage) = measure(|| check_outcome(path, &name, &bytes, outcome));
    assert!(
        usage.largest <= MAX_ALLOCATION,
        "{name}: an allocation of {} bytes",
        usage.largest
    );
}

fn check_outcome(path: &Path, name: &str, bytes: &[u8], outcome: &Outcome) {
    match outcome {
        Outcome::Project { .. } | Outcome::ProjectError => {
            let text = std::str::from_utf8(bytes).expect("project inputs are UTF-8");
            let result = check_project_text(text);
            match (outcome, &result) {
                (Outcome::Project { tracks }, Ok(p)) => assert_eq!(p.tracks.len(), *tracks),
                (Outcome::ProjectError, Err(e)) => eprintln!("{name}: {e}"),
                _ => panic!("{name}: expected {outcome:?}, got {result:?}"),
            }
        }
        Outcome::Audio { .. } | Outcome::MediaError(_) => {
            let from_disk = decode_file(path);
            let from_memory = decode_bytes(bytes, path);
            check_decoded(path, &from_disk);
            check_decoded(path, &from_memory);
            match (&from_disk, &from_memory) {
                (Ok(a), Ok(b)) => assert!(a == b, "{name}: disk and memory decode differently"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
                _ => panic!("{name}: {from_disk:?} from disk, {from_memory:?} from memory"),
            }
            match (outcome, &from_disk) {
                (Outcome::Audio { channels, frames }, Ok(a)) => {
                    assert_eq!(
                        (a.channels.len(), a.frames()),
                        (*channels, *frames),
                        "{name}"
                    );
                    check_loudness(a);
                }
                (Outcome::MediaError(want), Err(e)) => {
                    assert_eq!(kind(e), *want, "{name}: {e}");
                    eprintln!("{e}");
                }
                _ => panic!(
                    "{name}: expected {outcome:?}, got {:?}",
                    from_disk.map(|a| a.frames())
                ),
            }
        }
    }
}

#[test]
fn every_fuzz_finding_stays_fixed() {
    for (name, outcome, _found) in CASES {
        replay(&folder().join(name), outcome);
    }
}

#[test]
fn every_input_in_the_folder_is_listed() {
    let mut files: Vec<String> = std::fs::read_dir(folder())
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(n, ..)| n.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "tests/fixtures/fuzz and CASES differ");
}
