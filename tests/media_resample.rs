//! Resampler quality against analytic sines: passband flatness, THD+N, timing (phase) and length.

mod common;

use common::{db, fit_sine, sine};
use std::f64::consts::PI;
use stemmix::media::{resample, resampled_len};

const RATES: [u32; 4] = [44100, 48000, 88200, 96000];

/// Resamples a sine of `freq` and fits the analytic output sine over the middle (away from the
/// start and end transients). Returns (gain dB, timing error in output samples, THD+N dB).
fn measure(freq: f64, from: u32, to: u32, seconds: f64) -> (f64, f64, f64) {
    let len = (seconds * f64::from(from)) as usize;
    let amplitude = 0.5;
    let input = sine(freq, from, len, amplitude);
    let out = resample(&[input], from, to).unwrap();
    let out = &out[0];
    assert_eq!(out.len(), resampled_len(len, from, to));
    let w = 2.0 * PI * freq / f64::from(to);
    let edge = out.len() / 5;
    let fit = fit_sine(out, w, edge..out.len() - edge);
    let timing = -fit.phase / w; // positive: output late
    (
        db(fit.amplitude / amplitude),
        timing,
        db(fit.residual_rms / fit.amplitude * 2f64.sqrt()),
    )
}

#[test]
fn passband_is_flat_to_20_khz() {
    for (from, to) in [
        (44100, 48000),
        (48000, 44100),
        (96000, 44100),
        (44100, 96000),
    ] {
        for freq in [
            20.0, 100.0, 1000.0, 5000.0, 10000.0, 15000.0, 18000.0, 19000.0, 20000.0,
        ] {
            let (gain, _, _) = measure(freq, from, to, 0.25);
            eprintln!("{from}→{to} {freq} Hz: {gain:+.6} dB");
            assert!(gain.abs() <= 0.1, "{from}→{to} at {freq} Hz: {gain:+.3} dB");
        }
    }
}

#[test]
fn thd_n_of_1_khz_after_44k1_to_48k() {
    let (_, _, thdn) = measure(1000.0, 44100, 48000, 1.0);
    eprintln!("THD+N 1 kHz 44.1→48 kHz: {thdn:.1} dB");
    assert!(thdn <= -100.0, "THD+N {thdn:.1} dB");
}

#[test]
fn timing_matches_the_analytic_phase_for_every_rate_pair() {
    for from in RATES {
        for to in RATES {
            if from == to {
                continue;
            }
            for freq in [997.0, 9973.0] {
                let (_, timing, _) = measure(freq, from, to, 0.25);
                eprintln!("{from}→{to} {freq} Hz: {timing:+.2e} samples");
                assert!(
                    timing.abs() < 0.01,
                    "{from}→{to} at {freq} Hz: {timing:+.4} samples"
                );
            }
        }
    }
}

#[test]
fn content_above_the_new_nyquist_is_removed() {
    // Downsampling: a tone above the output's Nyquist must not alias back into the audio band.
    for (from, to, freq) in [
        (48000, 44100, 23000.0),
        (96000, 44100, 30000.0),
        (96000, 48000, 26000.0),
    ] {
        let len = from as usize / 4;
        let out = resample(&[sine(freq, from, len, 0.5)], from, to).unwrap();
        let edge = out[0].len() / 5;
        let level = db(common::rms(&out[0][edge..out[0].len() - edge]) * 2f64.sqrt() / 0.5);
        eprintln!("{from}→{to}: {freq} Hz tone comes out at {level:.1} dB");
        assert!(
            level < -100.0,
            "{from}→{to}: {freq} Hz leaks at {level:.1} dB"
        );
    }
}

#[test]
fn output_length_is_rounded_ratio() {
    for from in RATES {
        for to in RATES {
            for len in [0usize, 1, 2, 146, 147, 1000, 4801, 44_101] {
                let out = resample(&[vec![0.1; len], vec![-0.1; len]], from, to).unwrap();
                let want = ((len as f64) * f64::from(to) / f64::from(from)).round() as usize;
                assert_eq!(out[0].len(), want, "{from}→{to} len {len}");
                assert_eq!(out[1].len(), want);
            }
        }
    }
}

#[test]
fn an_impulse_lands_at_its_time() {
    // A click at input frame 14_700 (1/3 s at 44.1 kHz) must peak at output frame 16_000.
    let mut x = vec![0f32; 44100];
    x[14_700] = 1.0;
    let out = resample(&[x], 44100, 48000).unwrap();
    let peak = (0..out[0].len())
        .max_by(|&a, &b| out[0][a].total_cmp(&out[0][b]))
        .unwrap();
    assert_eq!(peak, 16_000);
    // Symmetric around the peak: a linear-phase filter with no fractional offset.
    for k in 1..50 {
        let (l, r) = (out[0][16_000 - k], out[0][16_000 + k]);
        assert!((l - r).abs() < 1e-6, "asymmetric at ±{k}: {l} vs {r}");
    }
}

#[test]
fn deterministic_and_channels_independent() {
    let a = sine(440.0, 44100, 30_000, 0.3);
    let b = sine(3000.0, 44100, 30_000, 0.2);
    let stereo = resample(&[a.clone(), b.clone()], 44100, 48000).unwrap();
    let again = resample(&[a.clone(), b], 44100, 48000).unwrap();
    assert_eq!(stereo, again);
    let mono = resample(&[a], 44100, 48000).unwrap();
    assert_eq!(mono[0], stereo[0]);
}
