//! Bad input gets an error of the right kind that names the file, whether it is decoded from disk,
//! from memory or imported as a stem (issue 15, "Done when").
//!
//! The kinds of bad input and where each is tested:
//!
//! | input                   | result                         | test                                              |
//! |-------------------------|--------------------------------|---------------------------------------------------|
//! | zero-byte file          | `Empty`                        | media_decode::bad_files_give_the_right_error      |
//! | truncated WAV           | `Corrupt` ("… of 22050 frames")| media_decode::bad_files_give_the_right_error      |
//! | text renamed `.flac`    | `NotAudio`                     | here: text_renamed_flac_is_not_audio              |
//! | random bytes as `.mp3`  | `NotAudio`                     | here: random_bytes_named_mp3_are_not_audio        |
//! | Opus file               | `Unsupported` ("codec (Opus)") | media_decode::bad_files_give_the_right_error      |
//! | WAV with broken header  | `Corrupt` / `Unsupported`      | here: damaged_wav_headers_are_reported_by_kind    |
//! | 5.1 WAV                 | `TooManyChannels { 6 }`        | media_decode::bad_files_give_the_right_error,     |
//! |                         |                                | media_extreme::five_one_and_eight_channel_files_… |
//! | 0.1 s stem              | imports, 4,410 → 4,800 frames  | here: a_tenth_of_a_second_stem_imports_whole      |
//! | 8 kHz mono              | imports, mono, 48 kHz          | here: an_8_khz_mono_stem_imports_at_the_project_rate |
//!
//! Every bad fixture also fails the same way from memory and as an import:
//! every_bad_fixture_fails_alike_from_disk_memory_and_import.

mod common;

use common::{fixture, sine, write_f32_wav};
use std::mem::discriminant;
use std::path::Path;
use stemmix::media::{MediaError, decode_bytes, decode_file, import_stems, load_stem};

/// The error for `path` from all three entry points, checked to be the same error naming the
/// file; returns it.
fn error_everywhere(path: &Path) -> MediaError {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let from_disk = decode_file(path).expect_err(&name);
    let bytes = std::fs::read(path).unwrap();
    let from_memory = decode_bytes(&bytes, path).expect_err(&name);
    let as_stem = load_stem(path, 48_000).expect_err(&name);
    let imported = import_stems(&[path.to_path_buf()], 48_000, &|_| {})
        .pop()
        .unwrap()
        .expect_err(&name);
    for e in [&from_memory, &as_stem, &imported] {
        assert_eq!(discriminant(e), discriminant(&from_disk), "{name}: {e:?}");
        assert_eq!(e.to_string(), from_disk.to_string(), "{name}");
    }
    let msg = from_disk.to_string();
    assert!(
        msg.starts_with(&format!("{name}: ")),
        "the message should name the file: {msg}"
    );
    assert_eq!(from_disk.path(), path);
    eprintln!("{msg}");
    from_disk
}

#[test]
fn text_renamed_flac_is_not_audio() {
    let err = error_everywhere(&fixture("text_renamed.flac"));
    assert!(matches!(err, MediaError::NotAudio { .. }), "{err:?}");
    assert_eq!(err.to_string(), "text_renamed.flac: not an audio file");
}

#[test]
fn random_bytes_named_mp3_are_not_audio() {
    // The MP3 reader hunts for frame syncs in the whole file; random bytes have many false ones.
    let err = error_everywhere(&fixture("random_bytes.mp3"));
    assert!(matches!(err, MediaError::NotAudio { .. }), "{err:?}");
}

/// A copy of the 24-bit master with `patch` applied to its header, written to `dir/name`.
fn patched_master(dir: &Path, name: &str, patch: impl Fn(&mut Vec<u8>)) -> std::path::PathBuf {
    let mut bytes = std::fs::read(fixture("signal_s24.wav")).unwrap();
    // The master's layout: RIFF header (12 bytes), then "fmt " with 40 bytes of payload.
    assert_eq!((&bytes[12..16], bytes[16]), (&b"fmt "[..], 40));
    patch(&mut bytes);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn damaged_wav_headers_are_reported_by_kind() {
    let err = error_everywhere(&fixture("broken_header.wav"));
    assert!(
        matches!(&err, MediaError::Corrupt { detail, .. } if detail.contains("fmt")),
        "{err:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Offsets into the fmt payload (from byte 20): format tag, channels, rate, …, bits per sample.
    let set16 =
        |at: usize, v: u16| move |b: &mut Vec<u8>| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let set32 =
        |at: usize, v: u32| move |b: &mut Vec<u8>| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let corrupt = [
        patched_master(d, "no_channels.wav", set16(22, 0)),
        patched_master(d, "zero_bits.wav", set16(34, 0)),
        patched_master(d, "zero_rate.wav", set32(24, 0)),
        patched_master(d, "no_fmt_chunk.wav", |b| {
            b[12..16].copy_from_slice(b"fmX ")
        }),
    ];
    for path in &corrupt {
        let err = error_everywhere(path);
        assert!(matches!(err, MediaError::Corrupt { .. }), "{err:?}");
    }
    let unsupported = [
        patched_master(d, "unknown_format_tag.wav", set16(20, 0x1234)),
        // A header stating 1 Hz or 4.3 GHz is not a stem; before, it decoded "fine" at that rate
        // and only the resampler refused it.
        patched_master(d, "one_hertz.wav", set32(24, 1)),
        patched_master(d, "four_gigahertz.wav", set32(24, u32::MAX)),
    ];
    for path in &unsupported {
        let err = error_everywhere(path);
        assert!(matches!(err, MediaError::Unsupported { .. }), "{err:?}");
    }
    let err = decode_file(&unsupported[1]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "one_hertz.wav: unsupported sample rate (1 Hz; stemmix reads 1000 to 768000 Hz)"
    );
}

#[test]
fn every_bad_fixture_fails_alike_from_disk_memory_and_import() {
    for name in [
        "empty.wav",
        "truncated.wav",
        "truncated.flac",
        "notes.txt",
        "random_bytes.wav",
        "signal.opus",
        "six_channels.wav",
    ] {
        error_everywhere(&fixture(name));
    }
}

#[test]
fn good_fixtures_decode_the_same_from_memory() {
    for name in [
        "signal_s24.wav",
        "signal.flac",
        "signal.mp3",
        "signal_tail_vbr_no_tag.mp3",
        "signal.ogg",
        "signal_aac.m4a",
        "signal_padded_itunsmpb.m4a",
        "signal_padded_adts.aac",
        "signal_padded_aac.mka",
        "streamed.wav",
    ] {
        let path = fixture(name);
        let from_disk = decode_file(&path).unwrap();
        let from_memory = decode_bytes(&std::fs::read(&path).unwrap(), &path).unwrap();
        assert_eq!(from_memory, from_disk, "{name}");
    }
}

#[test]
fn a_tenth_of_a_second_stem_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blip.wav");
    let tone = sine(1000.0, 44_100, 4_410, 0.5);
    write_f32_wav(&path, 44_100, &[tone.clone(), tone]);
    let decoded = decode_file(&path).unwrap();
    assert_eq!((decoded.frames(), decoded.sample_rate), (4_410, 44_100));
    let stem = load_stem(&path, 48_000).unwrap();
    assert_eq!(
        (
            stem.frames,
            stem.sample_rate,
            stem.source_rate,
            stem.channels.len()
        ),
        (4_800, 48_000, 44_100, 2)
    );
    assert!(stem.channels.iter().all(|c| c.len() == 4_800));
    assert!(stem.warnings.is_empty(), "{:?}", stem.warnings);
}

#[test]
fn an_8_khz_mono_stem_imports_at_the_project_rate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.wav");
    // 0.5 s of 440 Hz.
    write_f32_wav(&path, 8_000, &[sine(440.0, 8_000, 4_000, 0.5)]);
    let stem = load_stem(&path, 48_000).unwrap();
    assert_eq!(
        (
            stem.frames,
            stem.sample_rate,
            stem.source_rate,
            stem.channels.len()
        ),
        (24_000, 48_000, 8_000, 1)
    );
    // Still the tone at its level (away from the edges): 0.5 peak = −9.03 dB RMS.
    let middle = &stem.channels[0][4_800..19_200];
    let rms_db = common::db(common::rms(middle));
    assert!((rms_db - (-9.03)).abs() < 0.1, "{rms_db} dB");
}
