//! The bounce writer, checked by decoding its files back (symphonia for the content, hound's
//! header parsing for the format).

mod common;

use common::{db, fit_sine, sine, spectrum_blackman_harris};
use std::f64::consts::PI;
use std::path::Path;
use stemmix::media::{MediaError, WavFormat, WavWriter, decode_file};

fn write(path: &Path, format: WavFormat, seed: u64, left: &[f32], right: &[f32]) {
    let mut w = WavWriter::create(path, 48_000, format, seed).unwrap();
    // In uneven pieces, as the engine would deliver them.
    let mut at = 0;
    for piece in [1usize, 1000, 4096, 7].iter().cycle() {
        if at >= left.len() {
            break;
        }
        let end = (at + piece).min(left.len());
        w.write(&left[at..end], &right[at..end]).unwrap();
        at = end;
    }
    let summary = w.finish().unwrap();
    assert_eq!(summary.frames, left.len() as u64);
    assert_eq!(summary.path, path);
}

/// The median bin of a Blackman-Harris spectrum: the noise floor (tones occupy few bins).
fn median_bin(spec: &[f64]) -> f64 {
    let mut sorted = spec.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Largest harmonic (2nd…10th) of `f0` in `spec` relative to `floor`, in dB.
fn worst_harmonic(spec: &[f64], floor: f64, f0: f64, hz_per_bin: f64) -> f64 {
    (2..=10)
        .map(|k| {
            let centre = (k as f64 * f0 / hz_per_bin).round() as usize;
            // The window's main lobe spreads a tone over ±4 bins.
            let peak = spec[centre - 4..=centre + 4]
                .iter()
                .copied()
                .fold(0.0, f64::max);
            db(peak / floor)
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

#[test]
fn dithered_16_bit_sine_at_minus_60_dbfs_has_no_harmonics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sine16.wav");
    let x = sine(1000.0, 48_000, 48_000, 0.001); // −60 dBFS; 1 s gives 1 Hz per bin
    write(&path, WavFormat::Int16, 1, &x, &x);
    let d = decode_file(&path).unwrap();
    assert_eq!(
        (d.sample_rate, d.channels.len(), d.frames()),
        (48_000, 2, 48_000)
    );
    let spec = spectrum_blackman_harris(&d.channels[0]);
    let floor = median_bin(&spec);
    let worst = worst_harmonic(&spec, floor, 1000.0, 1.0);
    eprintln!("dithered: worst harmonic {worst:+.1} dB over the median noise bin");
    // Noise bins follow a Rayleigh law: 12 dB over the median has p ≈ 2·10⁻⁵ per bin.
    assert!(
        worst < 12.0,
        "a harmonic stands {worst:.1} dB above the dither noise"
    );
    // The tone itself survives at the right level.
    let fit = fit_sine(&d.channels[0], 2.0 * PI * 1000.0 / 48_000.0, 0..48_000);
    assert!(
        (db(fit.amplitude / 0.001)).abs() < 0.1,
        "level {:.2} dB",
        db(fit.amplitude / 0.001)
    );
    // The check is sensitive: the same sine merely rounded to 16 bits has harmonics far above
    // that noise floor.
    let rounded: Vec<f32> = x
        .iter()
        .map(|&s| (s * 32_768.0).round() / 32_768.0)
        .collect();
    let undithered = worst_harmonic(&spectrum_blackman_harris(&rounded), floor, 1000.0, 1.0);
    eprintln!("undithered: worst harmonic {undithered:+.1} dB over the dithered noise floor");
    assert!(
        undithered > 20.0,
        "test cannot see truncation distortion ({undithered:.1} dB)"
    );
}

#[test]
fn float_32_round_trips_exactly_without_dither_or_clipping() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f32.wav");
    let mut left = sine(440.0, 48_000, 10_000, 0.5);
    let right = sine(3000.0, 48_000, 10_000, 0.25);
    left[5] = 1.5; // over full scale: float keeps it
    left[6] = -2.0;
    write(&path, WavFormat::Float32, 9, &left, &right);
    let spec = hound::WavReader::open(&path).unwrap().spec();
    assert_eq!(
        (spec.bits_per_sample, spec.sample_format),
        (32, hound::SampleFormat::Float)
    );
    let d = decode_file(&path).unwrap();
    assert_eq!(d.channels, vec![left, right]);
}

#[test]
fn int_24_round_trips_within_one_lsb_with_zero_mean_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s24.wav");
    let left = sine(440.0, 48_000, 20_000, 0.5);
    let right = sine(1234.0, 48_000, 20_000, 0.7);
    write(&path, WavFormat::Int24, 3, &left, &right);
    let spec = hound::WavReader::open(&path).unwrap().spec();
    assert_eq!(
        (spec.bits_per_sample, spec.sample_format, spec.channels),
        (24, hound::SampleFormat::Int, 2)
    );
    let d = decode_file(&path).unwrap();
    let lsb = 1.0 / 8_388_608.0;
    for (got, want) in d.channels.iter().zip([&left, &right]) {
        let mut sum = 0.0;
        for (&g, &w) in got.iter().zip(want.iter()) {
            let e = f64::from(g) - f64::from(w);
            // Dither (< 1 LSB) plus rounding (≤ ½ LSB).
            assert!(e.abs() <= 1.5 * lsb, "error {} LSB", e / lsb);
            sum += e;
        }
        let mean = sum / got.len() as f64 / lsb;
        assert!(mean.abs() < 0.02, "mean error {mean} LSB");
    }
}

#[test]
fn integer_formats_clip_to_their_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.wav");
    let mut w = WavWriter::create(&path, 44_100, WavFormat::Int16, 0).unwrap();
    w.write(
        &[2.0, -3.0, 0.0, f32::NAN],
        &[1.0, -1.0, 0.5, f32::INFINITY],
    )
    .unwrap();
    let s = w.finish().unwrap();
    assert_eq!(s.clipped_samples, 4); // 2.0, −3.0, 1.0 (→ 32768) and +∞
    assert_eq!(s.peak, f32::INFINITY);
    let raw: Vec<i16> = hound::WavReader::open(&path)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(raw[0], 32_767);
    assert_eq!(raw[1], 32_767);
    assert_eq!(raw[2], -32_768);
    assert_eq!(raw[3], -32_768); // −1.0 fits exactly, even with dither it cannot go below
    assert!(
        raw[4].abs() <= 1,
        "silence within one LSB of dither: {}",
        raw[4]
    );
    assert!((raw[5] - 16_384).abs() <= 1);
    assert!(raw[6].abs() <= 1, "NaN written as silence: {}", raw[6]);
    assert_eq!(raw[7], 32_767);
}

#[test]
fn same_seed_gives_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let x = sine(997.0, 48_000, 30_000, 0.3);
    let y = sine(2000.0, 48_000, 30_000, 0.2);
    for format in [WavFormat::Int16, WavFormat::Int24, WavFormat::Float32] {
        let (a, b, c) = (
            dir.path().join("a.wav"),
            dir.path().join("b.wav"),
            dir.path().join("c.wav"),
        );
        write(&a, format, 77, &x, &y);
        write(&b, format, 77, &x, &y);
        write(&c, format, 78, &x, &y);
        let (a, b, c) = (
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            std::fs::read(&c).unwrap(),
        );
        assert_eq!(a, b, "{format:?}: same seed, different bytes");
        // The seed matters exactly when there is dither.
        assert_eq!(a == c, format == WavFormat::Float32, "{format:?}");
    }
}

/// Names in a folder, ignoring nothing (a leftover temporary file must show up).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_failed_or_abandoned_write_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    // Into a folder that does not exist: an error naming the file, nothing created.
    let missing = dir.path().join("no/such/folder/mix.wav");
    let err = WavWriter::create(&missing, 48_000, WavFormat::Int24, 0)
        .err()
        .unwrap();
    assert!(matches!(err, MediaError::Io { .. }));
    assert!(err.to_string().starts_with("mix.wav: "), "{err}");
    assert!(listing(dir.path()).is_empty());

    // Abandoned part-way (the bounce was cancelled or the engine failed): no file, no temp.
    let target = dir.path().join("mix.wav");
    let mut w = WavWriter::create(&target, 48_000, WavFormat::Int16, 0).unwrap();
    w.write(&[0.1; 100], &[0.1; 100]).unwrap();
    assert_eq!(
        listing(dir.path()).len(),
        1,
        "the temporary file exists while writing"
    );
    let err = w.write(&[0.1; 3], &[0.1; 2]).unwrap_err(); // mismatched channels
    assert!(err.to_string().starts_with("mix.wav: "), "{err}");
    drop(w);
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));

    // An abandoned re-bounce keeps the previous file untouched.
    std::fs::write(&target, b"previous bounce").unwrap();
    let mut w = WavWriter::create(&target, 48_000, WavFormat::Float32, 0).unwrap();
    w.write(&[0.5; 10], &[0.5; 10]).unwrap();
    drop(w);
    assert_eq!(listing(dir.path()), vec!["mix.wav".to_string()]);
    assert_eq!(std::fs::read(&target).unwrap(), b"previous bounce");

    // And a finished one replaces it, with no backup or temporary left behind.
    let mut w = WavWriter::create(&target, 48_000, WavFormat::Float32, 0).unwrap();
    w.write(&[0.5; 10], &[0.5; 10]).unwrap();
    w.finish().unwrap();
    assert_eq!(listing(dir.path()), vec!["mix.wav".to_string()]);
    assert_eq!(decode_file(&target).unwrap().frames(), 10);
}
