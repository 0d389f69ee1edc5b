//! Tests of the long-term average spectrum against Parseval, exact pink noise and the analytic
//! response of a shelf filter.

use super::*;
use crate::dsp::biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad};
use crate::dsp::loudness::analyze;
use crate::dsp::test_util::{Rng, random_partition, sine};
use realfft::ComplexToReal;

/// `n` (a power of two) samples of periodic pink noise with an exact 1/f power spectrum: every
/// FFT bin k > 0 has magnitude 1/√k and a random phase; scaled to an RMS of `rms`.
fn pink(n: usize, seed: u64, rms: f64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let ifft: Arc<dyn ComplexToReal<f64>> = RealFftPlanner::<f64>::new().plan_fft_inverse(n);
    let mut spec = ifft.make_input_vec();
    for (k, c) in spec.iter_mut().enumerate() {
        if k > 0 && k < n / 2 {
            let phase = rng.uniform(0.0, 2.0 * std::f64::consts::PI);
            *c = Complex::from_polar(1.0 / (k as f64).sqrt(), phase);
        }
    }
    let mut x = ifft.make_output_vec();
    ifft.process(&mut spec, &mut x).unwrap();
    let ms = x.iter().map(|v| v * v).sum::<f64>() / n as f64;
    let g = rms / ms.sqrt();
    x.iter().map(|v| (v * g) as f32).collect()
}

#[test]
fn bins_sum_to_the_mean_square() {
    let fs = 48_000;
    let mut rng = Rng::new(1);
    let n = 128 * 8192;
    let l: Vec<f32> = (0..n).map(|_| (rng.gauss() * 0.1) as f32).collect();
    let r: Vec<f32> = (0..n).map(|_| (rng.gauss() * 0.2) as f32).collect();
    // Mean over the channels of the mean square: (0.01 + 0.04) / 2.
    let noise = ltas_of(&l, &r, fs).unwrap();
    assert!(
        (noise.mean_square() / 0.025 - 1.0).abs() < 0.02,
        "{}",
        noise.mean_square()
    );
    // White noise: a flat density of σ² / (fs/2) per Hz (±0.3 dB over 1/6-octave bands).
    let c = noise.curve(false);
    let flat = 10.0 * (0.025 / 24_000.0f64).log10();
    let first_wide = c.hz.iter().position(|&f| f > 500.0).unwrap();
    for (f, db) in c.hz.iter().zip(&c.db).skip(first_wide) {
        assert!((db - flat).abs() < 0.3, "{f} Hz: {db} vs {flat}");
    }
    // A sine of amplitude 0.5 holds 0.125 of mean square, all of it in its band.
    let x = sine(n, 1_000.0, f64::from(fs), 0.5, 0.0);
    let s = ltas_of(&x, &x, fs).unwrap();
    assert!(
        (s.mean_square() / 0.125 - 1.0).abs() < 1e-3,
        "{}",
        s.mean_square()
    );
    let bands = s.bands_db();
    assert!(
        (bands[3] - 10.0 * 0.125f64.log10()).abs() < 0.01,
        "{bands:?}"
    );
    assert!(bands[1] < bands[3] - 60.0 && bands[5] < bands[3] - 60.0);
}

/// Pink noise draws flat within ±0.5 dB from 20 Hz to 20 kHz once the +3 dB/octave pink slope
/// is applied, and falls 3.01 dB per octave without it.
#[test]
fn pink_noise_is_flat_after_the_pink_slope() {
    for fs in [44_100u32, 48_000] {
        let n = 1 << 22;
        let (l, r) = (pink(n, 2, 0.1), pink(n, 3, 0.1));
        let ltas = ltas_of(&l, &r, fs).unwrap();
        let c = ltas.curve(true);
        assert!(
            c.hz[0] < 21.0 && *c.hz.last().unwrap() > 19_000.0,
            "{:?}",
            c.hz
        );
        let mean = c.db.iter().sum::<f64>() / c.db.len() as f64;
        for (f, db) in c.hz.iter().zip(&c.db) {
            assert!(
                (db - mean).abs() <= 0.5,
                "{fs}: {f:.1} Hz at {:.2} dB",
                db - mean
            );
        }
        let raw = ltas.curve(false);
        let at = |hz: f64| raw.db[raw.hz.iter().position(|&f| (f - hz).abs() < 0.01).unwrap()];
        // 1 kHz is a grid point; 125 Hz and 8 kHz are three octaves away.
        let down = at(PIVOT_HZ * 8.0) - at(PIVOT_HZ);
        let up = at(PIVOT_HZ / 8.0) - at(PIVOT_HZ);
        assert!(
            (down + 9.03).abs() < 0.2 && (up - 9.03).abs() < 0.2,
            "{down} {up}"
        );
    }
}

/// A +6 dB high shelf on a copy of a signal: in the loudness-normalized band table, the bands
/// above the shelf stand 6 ±0.5 dB above those well below it, and every band difference
/// equals the shelf's analytic response weighted by the signal's spectrum (±0.1 dB).
#[test]
fn high_shelf_shows_in_the_band_table() {
    let fs = 48_000;
    let n = 1 << 21;
    let (l, r) = (pink(n, 4, 0.1), pink(n, 5, 0.1));
    let shelf = Coeffs::design(
        FilterKind::HighShelf,
        &BiquadParams {
            freq_hz: 1_500.0,
            q: std::f64::consts::FRAC_1_SQRT_2,
            gain_db: 6.0,
        },
        f64::from(fs),
    );
    let (mut sl, mut sr) = (l.clone(), r.clone());
    StereoBiquad::new(shelf).process_stereo(&mut sl, &mut sr);
    let mix = ltas_of(&l, &r, fs).unwrap();
    let reference = ltas_of(&sl, &sr, fs).unwrap();
    let mix_i = analyze(&[&l, &r], fs).unwrap().integrated_lufs;
    let ref_i = analyze(&[&sl, &sr], fs).unwrap().integrated_lufs;
    let diff = band_differences(&mix, mix_i, &reference, ref_i);
    let d = |name: &str| diff.iter().find(|(n, _)| *n == name).unwrap().1;
    let tilt = (d("high") + d("air")) / 2.0 - (d("sub") + d("low")) / 2.0;
    assert!((tilt - 6.0).abs() <= 0.5, "{diff:?}");
    // The mix's spectrum through |H|² predicts the reference's band by band.
    let mut filtered = mix.clone();
    for (k, p) in filtered.power.iter_mut().enumerate() {
        let f = k as f64 * mix.bin_hz();
        *p *= 10f64.powf(shelf.magnitude_db(f.max(1e-3), f64::from(fs)) / 10.0);
    }
    let (m, predicted) = (mix.bands_db(), filtered.bands_db());
    for (i, (name, measured)) in diff.iter().enumerate() {
        let expected = (predicted[i] - m[i]) - (ref_i - mix_i);
        assert!(
            (measured - expected).abs() <= 0.1,
            "{name}: {measured} vs {expected}"
        );
    }
}

#[test]
fn loudness_normalization_cancels_gain() {
    let fs = 48_000;
    let (l, r) = (pink(1 << 18, 6, 0.1), pink(1 << 18, 7, 0.05));
    let (l2, r2): (Vec<f32>, Vec<f32>) = (
        l.iter().map(|v| v * 2.0).collect(),
        r.iter().map(|v| v * 2.0).collect(),
    );
    let a = ltas_of(&l, &r, fs).unwrap();
    let b = ltas_of(&l2, &r2, fs).unwrap();
    let ia = analyze(&[&l, &r], fs).unwrap().integrated_lufs;
    let ib = analyze(&[&l2, &r2], fs).unwrap().integrated_lufs;
    assert!((ib - ia - 6.0206).abs() < 0.01);
    for (name, d) in band_differences(&a, ia, &b, ib) {
        assert!(d.abs() < 1e-3, "{name}: {d}");
    }
    let curve = b
        .curve(false)
        .shifted(-ib)
        .minus(&a.curve(false).shifted(-ia));
    assert!(curve.db.iter().all(|d| d.abs() < 1e-3));
    assert_eq!(band_differences(&a, ia, &a, ia).map(|(_, d)| d), [0.0; 7]);
}

#[test]
fn streaming_short_signals_and_grid() {
    let fs = 48_000;
    let n = 50_000;
    let mut rng = Rng::new(8);
    let l: Vec<f32> = (0..n).map(|_| rng.gauss() as f32 * 0.1).collect();
    let r: Vec<f32> = (0..n).map(|_| rng.gauss() as f32 * 0.3).collect();
    let whole = ltas_of(&l, &r, fs).unwrap();
    // (50000 − 8192) / 4096 + 1 full frames.
    assert_eq!(whole.frames, 11);
    for seed in 0..3 {
        let mut a = LtasAnalyzer::new(fs).unwrap();
        let mut pos = 0;
        for len in random_partition(&mut Rng::new(seed), n, &[], 6_000) {
            a.push(&l[pos..pos + len], &r[pos..pos + len]).unwrap();
            pos += len;
        }
        assert_eq!(a.ltas(), whole);
    }
    // Shorter than a frame: one zero-padded frame, the level about right.
    let x = sine(3_000, 2_000.0, f64::from(fs), 0.5, 0.0);
    let short = ltas_of(&x, &x, fs).unwrap();
    assert_eq!(short.frames, 1);
    assert!(
        (short.mean_square() / 0.125 - 1.0).abs() < 0.1,
        "{}",
        short.mean_square()
    );
    assert!(LtasAnalyzer::new(fs).unwrap().push(&x, &x[..5]).is_err());
    assert!(LtasAnalyzer::new(100).is_err());
    assert_eq!(fft_size_for(44_100), 8192);
    assert_eq!(fft_size_for(96_000), 16_384);
    // The grid: 24 points per octave through 1 kHz, 20 Hz up, its bands below Nyquist.
    let g = curve_grid(44_100);
    assert!(g.contains(&1_000.0) && g[0] >= 20.0 && g[0] < 20.0 * 2f64.powf(1.0 / 24.0));
    assert!(
        g.windows(2)
            .all(|w| (w[1] / w[0] - 2f64.powf(1.0 / 24.0)).abs() < 1e-12)
    );
    assert!(g.last().unwrap() * 2f64.powf(1.0 / 12.0) <= 22_050.0);
    assert!(curve_grid(16_000).last().unwrap() < &8_000.0);
}
