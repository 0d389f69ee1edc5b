//! Bounce: the mix written to WAV equals the math (null tests), is deterministic, dithers
//! correctly, honours ranges and tails, and never leaves a partial file.

#![allow(clippy::needless_range_loop)] // index loops read like the math they check

mod common;
use common::noise;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use stemmix::engine::bounce::{self, BounceError, BounceOptions, BounceRange, Tail};
use stemmix::engine::stems::ProjectStems;
use stemmix::media::{StemCache, StemLoad, WavFormat};
use stemmix::project::{self, Project, Track};

fn read_wav(path: &Path) -> (hound::WavSpec, Vec<Vec<f32>>) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    let ch = spec.channels as usize;
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().map(|s| s.unwrap()).collect(),
        hound::SampleFormat::Int => {
            let scale = (1u64 << (spec.bits_per_sample - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.unwrap() as f32 / scale)
                .collect()
        }
    };
    let mut out = vec![Vec::new(); ch];
    for (i, x) in interleaved.into_iter().enumerate() {
        out[i % ch].push(x);
    }
    (spec, out)
}

/// A project in `dir` with one track per stem (written as float WAV at 48 kHz).
fn project_with(dir: &Path, stems: &[Vec<Vec<f32>>]) -> Project {
    let tracks = stems
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            let path = dir.join(format!("stem{i}.wav"));
            common::write_f32_wav(&path, 48_000, ch);
            Track::for_source(path)
        })
        .collect();
    Project {
        sample_rate: 48_000,
        tracks,
        ..Project::default()
    }
}

fn run_bounce(
    p: &Project,
    out: &Path,
    opts: &BounceOptions,
) -> Result<bounce::BounceSummary, BounceError> {
    bounce_loaded(p, &StemLoad::in_memory(), out, opts)
}

/// Bounces `p` with its stems loaded as `how` says (all of them must load, and be mapped
/// exactly when `how` maps).
fn bounce_loaded(
    p: &Project,
    how: &StemLoad,
    out: &Path,
    opts: &BounceOptions,
) -> Result<bounce::BounceSummary, BounceError> {
    let stems = ProjectStems::load_with(p, how, &|_, _| {});
    let offline: Vec<String> = stems.offline.iter().map(|e| e.1.to_string()).collect();
    assert!(offline.is_empty(), "offline stems: {offline:?}");
    for t in &p.tracks {
        let mapped = stems.get(t).is_some_and(|s| s.is_mapped());
        assert_eq!(mapped, how.mapped, "{}", t.name);
    }
    bounce::bounce(
        p,
        &|t| stems.get(t),
        out,
        opts,
        &mut |_| {},
        &AtomicBool::new(false),
    )
}

fn float_opts() -> BounceOptions {
    BounceOptions {
        format: WavFormat::Float32,
        tail: Tail::Seconds(0.0),
        ..BounceOptions::default()
    }
}

#[test]
fn unity_stereo_stems_bounce_to_their_exact_sum() {
    let dir = tempfile::tempdir().unwrap();
    let len = 48_000;
    let stems: Vec<Vec<Vec<f32>>> = (0..4)
        .map(|i| {
            vec![
                noise(i * 2 + 1, len - i as usize * 1000, 0.2),
                noise(i * 2 + 2, len - i as usize * 1000, 0.2),
            ]
        })
        .collect();
    let p = project_with(dir.path(), &stems);
    let out = dir.path().join("mix.wav");
    let summary = run_bounce(&p, &out, &float_opts()).unwrap();
    assert_eq!(
        summary.frames, len as u64,
        "range all = longest stem, no tail"
    );
    let (spec, mix) = read_wav(&out);
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 48_000, 32)
    );
    let mut worst = 0.0f32;
    for c in 0..2 {
        for i in 0..len {
            let sum: f32 = stems
                .iter()
                .map(|s| s[c].get(i).copied().unwrap_or(0.0))
                .sum();
            worst = worst.max((mix[c][i] - sum).abs());
        }
    }
    assert!(worst <= 1e-6, "largest difference from the sum: {worst:e}");
}

#[test]
fn mono_stems_are_panned_centre_at_minus_3_db_and_minus_6_db_halves() {
    let dir = tempfile::tempdir().unwrap();
    let len = 24_000;
    let mono = noise(7, len, 0.5);
    let stereo = vec![noise(8, len, 0.5), noise(9, len, 0.5)];
    let mut p = project_with(dir.path(), &[vec![mono.clone()]]);
    let out = dir.path().join("mono.wav");
    run_bounce(&p, &out, &float_opts()).unwrap();
    let (_, mix) = read_wav(&out);
    for c in 0..2 {
        for i in 0..len {
            let want = std::f32::consts::FRAC_1_SQRT_2 * mono[i];
            assert!(
                (mix[c][i] - want).abs() <= 1e-6,
                "side {c} frame {i}: {} vs {want}",
                mix[c][i]
            );
        }
    }

    p = project_with(dir.path(), std::slice::from_ref(&stereo));
    p.tracks[0].gain_db = -6.0206;
    run_bounce(&p, &out, &float_opts()).unwrap();
    let (_, mix) = read_wav(&out);
    for c in 0..2 {
        for i in 0..len {
            assert!(
                (mix[c][i] - 0.5 * stereo[c][i]).abs() <= 1e-6,
                "side {c} frame {i}"
            );
        }
    }
}

/// A project with every processor on: all EQ bands, compressor, sends (pre and post), reverb,
/// limiter, pan and trims.
fn full_chain(dir: &Path) -> Project {
    let len = 96_000;
    let mut p = project_with(
        dir,
        &[
            vec![noise(1, len, 0.4), noise(2, len, 0.4)],
            vec![common::sine(220.0, 48_000, len, 0.6)],
            vec![noise(3, len / 2, 0.9), noise(4, len / 2, 0.9)],
        ],
    );
    for (i, t) in p.tracks.iter_mut().enumerate() {
        let eq = &mut t.eq;
        for b in [
            &mut eq.low_shelf,
            &mut eq.peak1,
            &mut eq.peak2,
            &mut eq.high_shelf,
        ] {
            b.enabled = true;
            b.gain_db = 3.0 - i as f32 * 2.0;
        }
        eq.high_pass.enabled = true;
        eq.high_pass.slope = project::Slope::Db24;
        eq.low_pass.enabled = true;
        t.compressor.enabled = true;
        t.compressor.detector = if i == 1 {
            project::Detector::Rms
        } else {
            project::Detector::Peak
        };
        t.reverb_send_db = -10.0;
        t.reverb_send_pre_fader = i == 2;
        t.pan = -0.5 + i as f32 * 0.5;
        t.trim_db = 1.5;
        t.polarity_invert = i == 0;
    }
    p.master.limiter.enabled = true;
    p.master.limiter.ceiling_dbtp = -3.0;
    p.master.gain_db = 6.0;
    p
}

#[test]
fn two_bounces_are_byte_identical_and_parallel_equals_serial() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = full_chain(dir.path());
    // Enough tracks for the bounce to use its parallel path.
    while p.tracks.len() < stemmix::engine::render::PARALLEL_MIN_TRACKS {
        let mut t = p.tracks[p.tracks.len() % 3].clone();
        t.id = project::TrackId::fresh();
        t.gain_db -= 6.0;
        p.tracks.push(t);
    }
    let (a, b, c) = (
        dir.path().join("a.wav"),
        dir.path().join("b.wav"),
        dir.path().join("c.wav"),
    );
    let opts = BounceOptions {
        format: WavFormat::Int24,
        tail: Tail::Seconds(0.5),
        threads: 2,
        ..BounceOptions::default()
    };
    run_bounce(&p, &a, &opts).unwrap();
    run_bounce(&p, &b, &opts).unwrap();
    run_bounce(&p, &c, &BounceOptions { threads: 1, ..opts }).unwrap();
    let (a, b, c) = (
        std::fs::read(a).unwrap(),
        std::fs::read(b).unwrap(),
        std::fs::read(c).unwrap(),
    );
    assert!(a.len() > 1000);
    assert!(a == b, "two bounces differ");
    assert!(a == c, "parallel and serial bounces differ");
}

#[test]
fn a_16_bit_bounce_of_a_quiet_sine_has_no_harmonics_above_the_dither_floor() {
    let dir = tempfile::tempdir().unwrap();
    let len = 48_000;
    let amp = 10f64.powf(-60.0 / 20.0);
    let sine = common::sine(1000.0, 48_000, len, amp);
    let p = project_with(dir.path(), &[vec![sine.clone(), sine]]);
    let out = dir.path().join("q.wav");
    let opts = BounceOptions {
        format: WavFormat::Int16,
        tail: Tail::Seconds(0.0),
        ..BounceOptions::default()
    };
    run_bounce(&p, &out, &opts).unwrap();
    let (spec, mix) = read_wav(&out);
    assert_eq!(spec.bits_per_sample, 16);
    let dithered = worst_harmonic_db(&mix[0]);
    assert!(
        dithered < 10.0,
        "a harmonic stands {dithered:.1} dB above the dither noise floor"
    );
    // The detector itself sees the distortion that plain rounding (no dither) would leave.
    let rounded: Vec<f32> = common::sine(1000.0, 48_000, len, amp)
        .iter()
        .map(|&x| (x * 32768.0).round() / 32768.0)
        .collect();
    let undithered = worst_harmonic_db(&rounded);
    eprintln!(
        "worst harmonic above the floor: dithered {dithered:.1} dB, plain rounding {undithered:.1} dB"
    );
    assert!(
        undithered > 15.0,
        "undithered rounding should show harmonics ({undithered:.1} dB)"
    );
}

/// How far (dB, power) the strongest of harmonics 2–10 of 1 kHz stands above the median noise
/// power; the fundamental must stand far above it.
fn worst_harmonic_db(x: &[f32]) -> f64 {
    let power: Vec<f64> = common::spectrum_blackman_harris(x)
        .iter()
        .map(|m| m * m)
        .collect();
    let bin_hz = 48_000.0 / (2 * (power.len() - 1)) as f64;
    let near = |f: f64| {
        let b = (f / bin_hz).round() as usize;
        power[b - 2..=b + 2].iter().sum::<f64>() / 5.0
    };
    let mut sorted = power.clone();
    sorted.sort_by(f64::total_cmp);
    let floor = sorted[sorted.len() / 2];
    assert!(
        near(1000.0) > floor * 1e6,
        "the sine is far above the noise"
    );
    (2..=10)
        .map(|h| 10.0 * (near(1000.0 * h as f64) / floor).log10())
        .fold(f64::NEG_INFINITY, f64::max)
}

#[test]
fn ranges_and_tails_set_the_length() {
    let dir = tempfile::tempdir().unwrap();
    let len = 48_000;
    let mut p = project_with(dir.path(), &[vec![noise(5, len, 0.3), noise(6, len, 0.3)]]);
    let out = dir.path().join("r.wav");
    let span = BounceOptions {
        range: BounceRange::Span {
            start_s: 0.25,
            end_s: 0.75,
        },
        ..float_opts()
    };
    assert_eq!(run_bounce(&p, &out, &span).unwrap().frames, 24_000);
    let (_, mix) = read_wav(&out);
    let (_, src) = read_wav(&p.tracks[0].source);
    assert_eq!(
        mix[0][..100],
        src[0][12_000..12_100],
        "the range starts at its first frame"
    );

    let tail = BounceOptions {
        tail: Tail::Seconds(0.5),
        ..span
    };
    assert_eq!(run_bounce(&p, &out, &tail).unwrap().frames, 48_000);
    let (_, mix) = read_wav(&out);
    assert!(
        mix[0][24_000..].iter().all(|&x| x == 0.0),
        "sources stop at the end of the range"
    );

    // Automatic tail without reverb: ends within one 100 ms window of silence.
    let auto = BounceOptions {
        tail: Tail::Auto,
        ..span
    };
    let frames = run_bounce(&p, &out, &auto).unwrap().frames;
    assert!((24_000..=24_000 + 9_600).contains(&frames), "{frames}");

    // With a long reverb the tail rings on, but never past 10 s.
    p.tracks[0].reverb_send_db = 0.0;
    p.reverb.decay_s = 2.0;
    let frames = run_bounce(&p, &out, &auto).unwrap().frames;
    assert!(
        frames > 24_000 + 48_000 && frames <= 24_000 + 480_000,
        "{frames}"
    );

    let loop_range = BounceOptions {
        range: BounceRange::Loop,
        ..float_opts()
    };
    assert!(matches!(
        run_bounce(&p, &out, &loop_range),
        Err(BounceError::NoLoopRegion)
    ));
    p.loop_region = Some(project::Region {
        start_s: 0.5,
        end_s: 0.6,
    });
    assert_eq!(run_bounce(&p, &out, &loop_range).unwrap().frames, 4_800);
}

#[test]
fn a_failed_or_cancelled_bounce_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = project_with(dir.path(), &[vec![noise(1, 48_000, 0.3)]]);
    let stems = ProjectStems::load(&p, &|_, _| {});
    let out = dir.path().join("cancelled.wav");
    let cancel = AtomicBool::new(true);
    let r = bounce::bounce(
        &p,
        &|t| stems.get(t),
        &out,
        &float_opts(),
        &mut |_| {},
        &cancel,
    );
    assert!(matches!(r, Err(BounceError::Cancelled)), "{r:?}");
    let missing_dir = dir.path().join("no/such/folder/mix.wav");
    let r = bounce::bounce(
        &p,
        &|t| stems.get(t),
        &missing_dir,
        &float_opts(),
        &mut |_| {},
        &AtomicBool::new(false),
    );
    let msg = r.unwrap_err().to_string();
    assert!(msg.contains("mix.wav"), "{msg}");
    let names: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.extension().is_some_and(|e| e == "wav")
                && n.file_name().unwrap().to_string_lossy().starts_with("stem")),
        "{names:?}"
    );
}

#[test]
fn normalize_reaches_the_target_loudness_under_the_true_peak_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    let len = 48_000 * 4;
    // Noise bursts with a high crest factor: reaching −10 LUFS needs the limiter.
    let mut l = noise(21, len, 0.25);
    let mut r = noise(22, len, 0.25);
    for i in (0..len).step_by(4_800) {
        l[i] = 0.9;
        r[i] = -0.9;
    }
    let p = project_with(dir.path(), &[vec![l, r]]);
    let out = dir.path().join("n.wav");
    for (target, ceiling) in [(-16.0, -1.0), (-10.0, -1.5)] {
        let opts = BounceOptions {
            format: WavFormat::Float32,
            normalize: Some(bounce::Normalize {
                target_lufs: target,
                ceiling_dbtp: ceiling,
            }),
            tail: Tail::Seconds(0.0),
            ..BounceOptions::default()
        };
        let summary = run_bounce(&p, &out, &opts).unwrap();
        let (_, mix) = read_wav(&out);
        let report = stemmix::dsp::analyze(&[&mix[0], &mix[1]], 48_000).unwrap();
        assert!(
            (report.integrated_lufs - target).abs() <= 0.1,
            "{target}: {report:?}"
        );
        assert!(
            report.true_peak_dbtp <= ceiling as f64,
            "{ceiling}: true peak {}",
            report.true_peak_dbtp
        );
        let mut meter = stemmix::dsp::TruePeakMeter::new(2);
        meter.process_stereo(&mix[0], &mix[1]);
        assert!(
            meter.peak_dbtp() <= ceiling as f64,
            "BS.1770 meter: {}",
            meter.peak_dbtp()
        );
        assert!((summary.integrated_lufs - report.integrated_lufs).abs() < 0.05);
    }
}

/// Bounces `p` with its stems loaded as `how` says; the file's bytes.
fn bounce_bytes(p: &Project, how: &StemLoad, out: &Path, opts: &BounceOptions) -> Vec<u8> {
    bounce_loaded(p, how, out, opts).unwrap();
    std::fs::read(out).unwrap()
}

#[test]
fn stems_read_from_the_cache_bounce_byte_identical_to_stems_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    // Several seconds, so the render releases pages behind itself as it goes (every second);
    // one stem at 44.1 kHz (resampled into the cache), one mono, lengths not page multiples.
    let len = 48_000 * 5 + 123;
    let mut p = project_with(
        dir.path(),
        &[
            vec![noise(1, len, 0.3), noise(2, len, 0.3)],
            vec![noise(3, len - 7_777, 0.3)],
        ],
    );
    let resampled = dir.path().join("at44k.wav");
    common::write_f32_wav(
        &resampled,
        44_100,
        &[noise(4, 44_100 * 4, 0.3), noise(5, 44_100 * 4, 0.3)],
    );
    let mut t = Track::for_source(resampled);
    t.pan = -0.4;
    t.eq.peak1.enabled = true;
    t.eq.peak1.gain_db = 6.0;
    t.reverb_send_db = -12.0;
    p.tracks.push(t);
    p.tracks[0].compressor.enabled = true;
    p.tracks[0].compressor.threshold_db = -20.0;
    let opts = BounceOptions {
        format: WavFormat::Int24,
        tail: Tail::Auto,
        ..BounceOptions::default()
    };
    let cache = StemCache::new(dir.path().join("cache"), u64::MAX);
    let memory = bounce_bytes(&p, &StemLoad::in_memory(), &dir.path().join("m.wav"), &opts);
    let how = StemLoad::streaming(Some(cache));
    let cold = bounce_bytes(&p, &how, &dir.path().join("cold.wav"), &opts);
    let warm = bounce_bytes(&p, &how, &dir.path().join("warm.wav"), &opts);
    assert!(memory.len() > len * 6, "{} bytes", memory.len());
    assert!(
        memory == cold,
        "cold cache bounce differs from the in-memory one"
    );
    assert!(
        memory == warm,
        "warm cache bounce differs from the in-memory one"
    );
}
