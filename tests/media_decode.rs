//! Decoding: the shared test material, one fixture per supported format against its lossless
//! master, WAV variants written in code, and every kind of bad input.

mod common;

use common::{best_lag, db, fixture, hound_planar, master, rms, rms_diff, shared_testdata};
use std::path::Path;
use stemmix::media::{MediaError, decode_file, probe_info};

fn assert_bit_identical(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = (0..got.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!("{what}: frame {i} is {} but should be {}", got[i], want[i]);
    }
}

// ---- the shared test material ------------------------------------------------------------

#[test]
fn shared_testdata_decodes_to_the_documented_lengths() {
    let Some(dir) = shared_testdata() else { return };
    // (file, rate, channels, frames) from ../shared/testdata/README.md.
    let table = [
        ("stems/drums.wav", 48_000, 2, 720_000),
        ("stems/bass.wav", 48_000, 1, 720_000),
        ("stems/keys.wav", 48_000, 2, 720_000),
        ("stems/guitar.wav", 44_100, 2, 661_500),
        ("stems/vocal.flac", 48_000, 2, 720_000),
        ("stems/perc.wav", 48_000, 2, 720_000),
        ("reference/reference.flac", 44_100, 2, 705_600),
        ("reference/reference.mp3", 44_100, 2, 705_600),
    ];
    for (name, rate, channels, frames) in table {
        let path = dir.join(name);
        let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.sample_rate, rate, "{name}");
        assert_eq!(d.channels.len(), channels, "{name}");
        assert!(
            d.channels.iter().all(|c| c.len() == frames),
            "{name}: {} frames",
            d.frames()
        );
        assert!(d.warnings.is_empty(), "{name}: {:?}", d.warnings);
        let info = probe_info(&path).unwrap();
        assert_eq!(
            (info.sample_rate, info.channels, info.frames),
            (rate, channels, Some(frames as u64))
        );
    }
}

#[test]
fn shared_wav_stems_equal_an_independent_reader() {
    let Some(dir) = shared_testdata() else { return };
    for name in ["stems/bass.wav", "stems/guitar.wav", "stems/drums.wav"] {
        let path = dir.join(name);
        let (want, rate) = hound_planar(&path);
        let got = decode_file(&path).unwrap();
        assert_eq!(got.sample_rate, rate);
        assert_eq!(got.channels.len(), want.len());
        for (c, (g, w)) in got.channels.iter().zip(&want).enumerate() {
            assert_bit_identical(&format!("{name} ch {c}"), g, w);
        }
    }
}

#[test]
fn reference_mp3_is_gapless_and_aligned_with_its_flac() {
    let Some(dir) = shared_testdata() else { return };
    let flac = decode_file(&dir.join("reference/reference.flac")).unwrap();
    let mp3 = decode_file(&dir.join("reference/reference.mp3")).unwrap();
    assert_eq!(mp3.frames(), 705_600);
    for c in 0..2 {
        // ±3000 covers every wrong answer the README lists (1,105 and 2,257 samples late).
        let (lag, corr) = best_lag(&flac.channels[c], &mp3.channels[c], 3000);
        let residual = db(rms_diff(&flac.channels[c], &mp3.channels[c]) / rms(&flac.channels[c]));
        eprintln!(
            "reference.mp3 ch {c}: lag {lag}, correlation {corr:.5}, residual {residual:.1} dB"
        );
        assert_eq!(lag, 0, "channel {c}");
        assert!(corr > 0.99, "correlation {corr}");
        assert!(residual < -20.0, "residual {residual:.1} dB");
    }
}

// ---- fixtures in every format --------------------------------------------------------------

#[test]
fn lossless_fixtures_equal_the_master_bit_for_bit() {
    let m = master();
    for name in [
        "signal_s24.wav",
        "signal.aiff",
        "signal.caf",
        "signal.flac",
        "signal_alac.m4a",
    ] {
        let d = decode_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((d.sample_rate, d.channels.len()), (44_100, 2), "{name}");
        assert!(d.warnings.is_empty(), "{name}: {:?}", d.warnings);
        for (c, (got, want)) in d.channels.iter().zip(&m).enumerate() {
            assert_bit_identical(&format!("{name} ch {c}"), got, want);
        }
    }
    // Mono files carry the master's left channel unchanged.
    let d = decode_file(&fixture("signal_f64_mono.wav")).unwrap();
    assert_eq!(d.channels.len(), 1);
    assert_bit_identical("64-bit float mono", &d.channels[0], &m[0][..11_025]);
    let d = decode_file(&fixture("signal_alac_mono_as_stereo.m4a")).unwrap();
    assert_eq!(d.channels.len(), 1, "ALAC mono whose container says stereo");
    assert_bit_identical("ALAC mono", &d.channels[0], &m[0]);
}

#[test]
fn unsigned_8_bit_wav_equals_an_independent_reader() {
    let path = fixture("signal_u8.wav");
    let (want, _) = hound_planar(&path);
    let got = decode_file(&path).unwrap();
    for (c, (g, w)) in got.channels.iter().zip(&want).enumerate() {
        assert_bit_identical(&format!("u8 ch {c}"), g, w);
    }
    // And it is the master to within 8-bit precision.
    assert!(rms_diff(&got.channels[0], &master()[0]) < 1.0 / 128.0);
}

/// Writes `frames` of a deterministic signal in the given WAV layout with hound; returns the
/// integer (or float) values written, planar.
fn write_wav(path: &Path, channels: u16, bits: u16, float: bool) -> Vec<Vec<f64>> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: 48_000,
        bits_per_sample: bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let full = (1i64 << (bits - 1)) as f64;
    let mut planar = vec![Vec::new(); channels as usize];
    for i in 0..2000 {
        for (c, p) in planar.iter_mut().enumerate() {
            // A sweep that visits the extremes, including full-scale negative.
            let x = if i == 7 {
                -1.0
            } else {
                ((i * (c + 3)) as f64 * 0.0123).sin() * 0.99
            };
            if float {
                w.write_sample(x as f32).unwrap();
                p.push(f64::from(x as f32));
            } else {
                let v = if i == 7 {
                    -full
                } else {
                    (x * full).round().min(full - 1.0)
                };
                match bits {
                    8 => w.write_sample(v as i8).unwrap(),
                    16 => w.write_sample(v as i16).unwrap(),
                    _ => w.write_sample(v as i32).unwrap(),
                }
                p.push(v / full + 0.0); // + 0.0 turns −0 (from rounding) into 0
            }
        }
    }
    w.finalize().unwrap();
    planar
}

#[test]
fn wav_variants_decode_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut saw_extensible = false;
    for (bits, float) in [
        (8, false),
        (16, false),
        (24, false),
        (32, false),
        (32, true),
    ] {
        for channels in [1u16, 2] {
            let path = dir.path().join(format!(
                "v{bits}{}_{channels}.wav",
                if float { "f" } else { "" }
            ));
            let want = write_wav(&path, channels, bits, float);
            let bytes = std::fs::read(&path).unwrap();
            saw_extensible |= bytes[20..22] == [0xFE, 0xFF];
            let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                (d.sample_rate, d.channels.len(), d.frames()),
                (48_000, channels as usize, 2000)
            );
            for (c, w) in want.iter().enumerate() {
                // Exact: f64 → f32 of value/2^(bits−1) rounds once, as the decoder's scaling does.
                let w: Vec<f32> = w.iter().map(|&v| v as f32).collect();
                assert_bit_identical(
                    &format!("{bits}-bit float={float} ch {c}"),
                    &d.channels[c],
                    &w,
                );
            }
            assert_eq!(d.channels[0][7], -1.0, "{bits}-bit: full-scale negative");
        }
    }
    assert!(
        saw_extensible,
        "no WAVE_FORMAT_EXTENSIBLE file among the variants"
    );
}

#[test]
fn non_finite_float_samples_become_silence_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nan.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for s in [
        0.5,
        f32::NAN,
        f32::INFINITY,
        -0.25,
        f32::NEG_INFINITY,
        0.125,
    ] {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    let d = decode_file(&path).unwrap();
    assert_eq!(
        d.channels,
        vec![vec![0.5, 0.0, 0.0], vec![0.0, -0.25, 0.125]]
    );
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].contains("3 samples"), "{}", d.warnings[0]);
}

#[test]
fn lossy_fixtures_are_sample_aligned_with_the_master() {
    let m = master();
    // (file, channels, the master channel each decoded channel twins)
    let cases = [
        ("signal.mp3", vec![0, 1]),
        ("signal.ogg", vec![0, 1]),
        ("signal_aac.m4a", vec![0, 1]),
        ("signal_aac_mono.m4a", vec![0]),
    ];
    for (name, twins) in cases {
        let d = decode_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.sample_rate, 44_100, "{name}");
        assert_eq!(d.channels.len(), twins.len(), "{name}: channels");
        assert_eq!(d.frames(), 22_050, "{name}: frames");
        for (c, &t) in twins.iter().enumerate() {
            let (lag, corr) = best_lag(&m[t], &d.channels[c], 3000);
            let level = db(rms(&d.channels[c]) / rms(&m[t]));
            let residual = db(rms_diff(&m[t], &d.channels[c]) / rms(&m[t]));
            eprintln!(
                "{name} ch {c}: lag {lag}, corr {corr:.5}, level {level:+.2} dB, residual {residual:.1} dB"
            );
            assert_eq!(lag, 0, "{name} ch {c}: offset by {lag} samples");
            assert!(level.abs() < 0.5, "{name} ch {c}: level {level:+.2} dB");
            assert!(residual < -20.0, "{name} ch {c}: residual {residual:.1} dB");
        }
        // Left and right are not swapped: the left twin correlates far better with left.
        if twins.len() == 2 {
            let (_, cross) = best_lag(&m[1], &d.channels[0], 0);
            assert!(
                cross < 0.5,
                "{name}: left looks like the master's right ({cross:.2})"
            );
        }
    }
}

#[test]
fn the_mp4_edit_list_is_read_from_the_file() {
    // Rewrite the AAC fixture's edit list to skip 2,048 frames instead of 1,024 and to last
    // 477 ms: the decoder must follow it, so the audio comes out 1,024 frames early.
    let mut bytes = std::fs::read(fixture("signal_aac.m4a")).unwrap();
    let at = bytes.windows(4).position(|w| w == b"elst").unwrap() + 4;
    assert_eq!(
        bytes[at..at + 8],
        [0, 0, 0, 0, 0, 0, 0, 1],
        "version 0, one entry"
    );
    assert_eq!(
        bytes[at + 8..at + 16],
        [0, 0, 1, 244, 0, 0, 4, 0],
        "500 ms from frame 1024"
    );
    bytes[at + 8..at + 16].copy_from_slice(&[0, 0, 1, 221, 0, 0, 8, 0]); // 477 ms from 2048
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.m4a");
    std::fs::write(&path, bytes).unwrap();
    let d = decode_file(&path).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.frames(), 23_074 - 2048);
    let (lag, _) = best_lag(&master()[0], &d.channels[0], 3000);
    assert_eq!(lag, -1024);
    assert_eq!(probe_info(&path).unwrap().frames, Some(23_074 - 2048));
}

#[test]
fn a_streamed_wav_of_unknown_length_decodes_to_its_end() {
    // Written to a pipe, its RIFF and data sizes are 0xFFFFFFFF: valid, just of unknown length.
    let path = fixture("streamed.wav");
    assert_eq!(std::fs::read(&path).unwrap()[4..8], [0xFF; 4]);
    let d = decode_file(&path).unwrap();
    assert_eq!((d.channels.len(), d.frames()), (2, 22_050));
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let m = master();
    for (got, want) in d.channels.iter().zip(&m) {
        // 16-bit requantisation of the 24-bit master: within one 16-bit step.
        let worst = got
            .iter()
            .zip(want)
            .map(|(g, w)| (g - w).abs())
            .fold(0.0, f32::max);
        assert!(worst <= 1.0 / 32_768.0, "{worst}");
    }
    assert_eq!(probe_info(&path).unwrap().frames, None);
}

#[test]
fn an_mp3_without_delay_information_is_decoded_with_a_warning() {
    let d = decode_file(&fixture("signal_no_lame_header.mp3")).unwrap();
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].contains("encoder-delay"), "{}", d.warnings[0]);
    // The warning is right: without the header the audio is late by the codec delay.
    let (lag, _) = best_lag(&master()[0], &d.channels[0], 3000);
    eprintln!("MP3 without LAME header: {lag} samples late");
    assert_eq!(lag, 1105);
}

#[test]
fn probe_reports_rate_channels_length_and_codec() {
    let cases = [
        ("signal_s24.wav", 2, Some(22_050), "PCM 24-bit"),
        ("signal_f64_mono.wav", 1, Some(11_025), "PCM 64-bit float"),
        ("signal.flac", 2, Some(22_050), "FLAC"),
        ("signal.aiff", 2, Some(22_050), "PCM 24-bit"),
        ("signal.caf", 2, Some(22_050), "PCM 24-bit"),
        ("signal_alac.m4a", 2, Some(22_050), "ALAC"),
        ("signal_alac_mono_as_stereo.m4a", 1, Some(22_050), "ALAC"),
        ("signal.mp3", 2, Some(22_050), "MP3"),
        ("signal.ogg", 2, Some(22_050), "Vorbis"),
        ("signal_aac.m4a", 2, Some(22_050), "AAC"),
        ("signal_aac_mono.m4a", 1, Some(22_050), "AAC"),
    ];
    for (name, channels, frames, codec) in cases {
        let info = probe_info(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(info.sample_rate, 44_100, "{name}");
        assert_eq!(info.channels, channels, "{name}");
        assert_eq!(info.frames, frames, "{name}");
        assert_eq!(info.codec, codec, "{name}");
    }
}

// ---- bad input -----------------------------------------------------------------------------

/// A copy of fixture `name` in `dir` with `len` bytes at `at` overwritten by noise.
fn damaged_copy(dir: &Path, name: &str, at: usize, len: usize) -> std::path::PathBuf {
    let mut bytes = std::fs::read(fixture(name)).unwrap();
    let mut x = 0x2545_F491u32;
    for b in &mut bytes[at..at + len] {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let path = dir.join(format!("damaged-{name}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_damaged_flac_frame_becomes_silence_and_the_rest_stays_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = damaged_copy(dir.path(), "signal.flac", 30_000, 100);
    let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.frames(), 22_050);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].contains("damaged"), "{}", d.warnings[0]);
    let m = master();
    let mut silenced = 0;
    for (got, want) in d.channels.iter().zip(&m) {
        for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
            // Every frame is either the original, bit for bit, or silence in the lost block.
            assert!(
                g.to_bits() == w.to_bits() || g == 0.0,
                "frame {i}: {g} vs {w}"
            );
            silenced += usize::from(g == 0.0 && w != 0.0);
        }
    }
    assert!(
        silenced > 1000,
        "the damaged block was not lost? ({silenced} frames)"
    );
}

#[test]
fn a_damaged_aac_packet_becomes_silence_and_the_rest_stays_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = damaged_copy(dir.path(), "signal_aac.m4a", 9_000, 100);
    let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.frames(), 22_050);
    assert!(
        d.warnings.iter().any(|w| w.contains("damaged")),
        "{:?}",
        d.warnings
    );
    // After the damage the audio is still sample-aligned with the master.
    let m = master();
    let tail = 22_050 - 4096..22_050;
    let (lag, corr) = best_lag(&m[0][tail.clone()], &d.channels[0][tail], 2000);
    assert_eq!(lag, 0);
    assert!(corr > 0.99, "{corr}");
}

fn error_of(name: &str) -> MediaError {
    let path = fixture(name);
    let err = decode_file(&path).expect_err(name);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{name}: ")),
        "message should name the file: {msg}"
    );
    assert_eq!(err.path(), path);
    eprintln!("{msg}");
    err
}

#[test]
fn bad_files_give_the_right_error() {
    assert!(matches!(error_of("empty.wav"), MediaError::Empty { .. }));
    assert!(matches!(error_of("notes.txt"), MediaError::NotAudio { .. }));
    assert!(matches!(
        error_of("random_bytes.wav"),
        MediaError::NotAudio { .. }
    ));
    for name in ["truncated.wav", "truncated.flac"] {
        let err = error_of(name);
        assert!(matches!(err, MediaError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("of 22050 frames"), "{err}");
    }
    assert!(matches!(
        error_of("six_channels.wav"),
        MediaError::TooManyChannels { channels: 6, .. }
    ));
    let opus = error_of("signal.opus");
    assert!(
        matches!(&opus, MediaError::Unsupported { what, .. } if what.contains("Opus")),
        "{opus}"
    );
    assert_eq!(opus.to_string(), "signal.opus: unsupported codec (Opus)");
    let missing = decode_file(&fixture("no_such_file.wav")).unwrap_err();
    assert!(matches!(missing, MediaError::Io { .. }));
    assert_eq!(missing.to_string(), "no_such_file.wav: file not found");
    // The cheap probe rejects the same files.
    assert!(matches!(
        probe_info(&fixture("notes.txt")),
        Err(MediaError::NotAudio { .. })
    ));
    assert!(matches!(
        probe_info(&fixture("signal.opus")),
        Err(MediaError::Unsupported { .. })
    ));
    assert!(matches!(
        probe_info(&fixture("empty.wav")),
        Err(MediaError::Empty { .. })
    ));
}

#[test]
fn a_wav_with_no_frames_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silent.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    hound::WavWriter::create(&path, spec)
        .unwrap()
        .finalize()
        .unwrap();
    let err = decode_file(&path).unwrap_err();
    assert!(matches!(err, MediaError::Empty { .. }), "{err}");
}
