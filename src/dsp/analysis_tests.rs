//! Tests of the stereo readouts against their definitions.

use super::*;
use crate::dsp::loudness::analyze;
use crate::dsp::test_util::{Rng, ebu_segments, random_partition, sine};

const FS: u32 = 48_000;

fn noise(seed: u64, n: usize, amp: f64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| (rng.gauss() * amp) as f32).collect()
}

#[test]
fn correlation_identical_inverted_independent_and_mixed() {
    let n = 10 * FS as usize;
    let l = noise(1, n, 0.1);
    let inv: Vec<f32> = l.iter().map(|&x| -x).collect();
    let other = noise(2, n, 0.1);
    let same = analyze_stereo(&l, &l, FS).unwrap();
    assert!((same.correlation - 1.0).abs() < 1e-12, "{same:?}");
    let opposite = analyze_stereo(&l, &inv, FS).unwrap();
    assert!((opposite.correlation + 1.0).abs() < 1e-12, "{opposite:?}");
    // Independent noise: the estimate's standard deviation is 1/√n ≈ 0.0014.
    let unrelated = analyze_stereo(&l, &other, FS).unwrap();
    assert!(unrelated.correlation.abs() < 0.01, "{unrelated:?}");
    // R = L + N with N independent of L at the same level: ρ = 1/√2.
    let mixed: Vec<f32> = l.iter().zip(&other).map(|(a, b)| a + b).collect();
    let half = analyze_stereo(&l, &mixed, FS).unwrap();
    assert!(
        (half.correlation - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.01,
        "{half:?}"
    );
    // A DC offset does not change Pearson's coefficient.
    let shifted: Vec<f32> = l.iter().map(|&x| x + 0.2).collect();
    let dc = analyze_stereo(&l, &shifted, FS).unwrap();
    assert!((dc.correlation - 1.0).abs() < 1e-9, "{dc:?}");
}

#[test]
fn width_is_side_over_mid_energy() {
    let n = 10 * FS as usize;
    let l = noise(3, n, 0.1);
    let other = noise(4, n, 0.1);
    let inv: Vec<f32> = l.iter().map(|&x| -x).collect();
    assert_eq!(
        analyze_stereo(&l, &l, FS).unwrap().width_db,
        f64::NEG_INFINITY
    );
    assert_eq!(
        analyze_stereo(&l, &inv, FS).unwrap().width_db,
        f64::INFINITY
    );
    // Unrelated channels of equal level: as much side as mid energy (±1/√n in energy).
    let w = analyze_stereo(&l, &other, FS).unwrap().width_db;
    assert!(w.abs() < 0.05, "{w}");
    // R = g·L: M = (1+g)/2·L, S = (1−g)/2·L, so the ratio is 20·log10((1−g)/(1+g)).
    for g in [0.5f32, -0.25, 0.9] {
        let r: Vec<f32> = l.iter().map(|&x| x * g).collect();
        let w = analyze_stereo(&l, &r, FS).unwrap().width_db;
        let g = f64::from(g);
        let expected = 20.0 * ((1.0 - g) / (1.0 + g)).log10();
        assert!((w - expected).abs() < 1e-4, "g {g}: {w} vs {expected}");
    }
}

#[test]
fn crest_factor_plr_and_loudness_fields() {
    // A sine: peak/RMS = √2, 3.01 dB; a square wave: 0 dB.
    let x = sine(FS as usize * 5, 997.0, f64::from(FS), 0.5, 0.1);
    let r = analyze_stereo(&x, &x, FS).unwrap();
    assert!((r.crest_db - 3.0103).abs() < 0.01, "{r:?}");
    let sq: Vec<f32> = x.iter().map(|&v| 0.25f32.copysign(v)).collect();
    let q = analyze_stereo(&sq, &sq, FS).unwrap();
    assert!(q.crest_db.abs() < 1e-6, "{q:?}");
    // The loudness fields are those of the loudness analyzer, PLR their difference.
    let a = analyze(&[&x, &x], FS).unwrap();
    assert_eq!(r.integrated_lufs, a.integrated_lufs);
    assert_eq!(r.lra_lu, a.lra_lu);
    assert_eq!(r.true_peak_dbtp, a.true_peak_dbtp);
    assert_eq!(r.sample_peak_dbfs, a.sample_peak_dbfs);
    assert_eq!(r.plr_db, a.true_peak_dbtp - a.integrated_lufs);
    assert_eq!((r.frames, r.rate), (FS as u64 * 5, FS));
    // A steady sine: M and S maxima equal the integrated loudness.
    assert!((r.momentary_max_lufs - r.integrated_lufs).abs() < 0.01);
    assert!((r.short_term_max_lufs - r.integrated_lufs).abs() < 0.01);
}

/// EBU Tech 3341 case 13, signal 2 (20 ms of silence, 400 ms at −23 dBFS, 1 s of silence),
/// through the whole analyzer: momentary max −23.0 ±0.1 LUFS.
#[test]
fn report_carries_exact_momentary_max() {
    let x = ebu_segments(
        FS,
        &[
            (f64::NEG_INFINITY, 0.02),
            (-23.0, 0.4),
            (f64::NEG_INFINITY, 1.0),
        ],
    );
    let r = analyze_stereo(&x, &x, FS).unwrap();
    assert!((r.momentary_max_lufs + 23.0).abs() <= 0.1, "{r:?}");
}

#[test]
fn report_does_not_depend_on_block_partition() {
    let n = 4 * FS as usize;
    let l = noise(5, n, 0.2);
    let r = noise(6, n, 0.05);
    let whole = analyze_stereo(&l, &r, FS).unwrap();
    for seed in 0..3 {
        let mut a = SignalAnalyzer::new(FS).unwrap();
        let mut pos = 0;
        for len in random_partition(&mut Rng::new(seed), n, &[], 5_000) {
            a.push(&l[pos..pos + len], &r[pos..pos + len]).unwrap();
            pos += len;
        }
        assert_eq!(a.report(), whole);
        assert_eq!(a.frames(), n as u64);
    }
}

#[test]
fn silence_and_bad_input() {
    let z = vec![0.0f32; FS as usize];
    let r = analyze_stereo(&z, &z, FS).unwrap();
    assert_eq!(r.integrated_lufs, f64::NEG_INFINITY);
    assert_eq!(r.momentary_max_lufs, f64::NEG_INFINITY);
    assert_eq!(r.correlation, 0.0);
    assert!(r.crest_db.is_nan() && r.width_db.is_nan() && r.plr_db.is_nan());
    // One silent channel: no correlation to measure.
    let x = noise(7, FS as usize, 0.1);
    assert_eq!(analyze_stereo(&x, &z, FS).unwrap().correlation, 0.0);
    assert!(analyze_stereo(&z, &z[..10], FS).is_err());
    assert!(SignalAnalyzer::new(1_000).is_err());
}
