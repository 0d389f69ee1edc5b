//! Tests of the sliding-window maxima: EBU Tech 3341 cases 10, 11, 13 and 14, generated here as
//! Table 1 of Tech 3341 (V3 2016 / V4 2023) defines them, and a direct computation of the
//! definition.

use super::*;
use crate::dsp::LoudnessMeter;
use crate::dsp::test_util::{Rng, ebu_segments, random_partition};

const RATES: [u32; 3] = [44_100, 48_000, 96_000];
const SILENCE: f64 = f64::NEG_INFINITY;

/// Which maximum a case checks.
#[derive(Clone, Copy)]
enum Window {
    Momentary,
    ShortTerm,
}

/// The (momentary, short-term) maxima as a pair; `w` picks one.
fn pick(w: Window, (m, s): (f64, f64)) -> f64 {
    match w {
        Window::Momentary => m,
        Window::ShortTerm => s,
    }
}

/// A file-based case: 20 signals, i = 0…19, each i·`step` s of silence, `burst` s of the
/// 1 kHz stereo sine at −23.0 dBFS, 1 s of silence, measured from a fresh meter each. The
/// maximum is −23.0 ±0.1 LUFS for each.
fn file_based_case(case: u32, w: Window, step: f64, burst: f64) {
    for fs in RATES {
        for i in 0..20 {
            let x = ebu_segments(
                fs,
                &[(SILENCE, i as f64 * step), (-23.0, burst), (SILENCE, 1.0)],
            );
            let mut m = LoudnessMaxima::new(2, fs).unwrap();
            m.push(&[&x, &x]).unwrap();
            let v = pick(w, (m.momentary_max_lufs(), m.short_term_max_lufs()));
            eprintln!("EBU 3341 case {case}-{} at {fs}: max = {v:.4} LUFS", i + 1);
            assert!(
                (v + 23.0).abs() <= 0.1,
                "case {case}-{} at {fs}: {v}",
                i + 1
            );
        }
    }
}

/// A live case: one signal of 20 parts of 2·`burst` s, i = 0…19, each i·`step` s of silence,
/// `burst` s of the sine at (−38 + i) dBFS, then silence to the end of the part. The maxima read
/// after each part are −38.0, −37.0, …, −19.0 ±0.1 LUFS.
fn live_case(case: u32, w: Window, step: f64, burst: f64) {
    for fs in RATES {
        let mut m = LoudnessMaxima::new(2, fs).unwrap();
        for i in 0..20 {
            let t = i as f64 * step;
            let level = -38.0 + i as f64;
            let x = ebu_segments(fs, &[(SILENCE, t), (level, burst), (SILENCE, burst - t)]);
            assert_eq!(x.len(), (2.0 * burst * f64::from(fs)).round() as usize);
            m.push(&[&x, &x]).unwrap();
            let v = pick(w, m.take_maxima());
            eprintln!(
                "EBU 3341 case {case}, part {} at {fs}: max = {v:.4} LUFS",
                i + 1
            );
            assert!(
                (v - level).abs() <= 0.1,
                "case {case}, part {} at {fs}: {v}",
                i + 1
            );
        }
        let overall = pick(w, (m.momentary_max_lufs(), m.short_term_max_lufs()));
        assert!((overall + 19.0).abs() <= 0.1);
    }
}

/// Case 10 (file-based meters): bursts of 3 s after i·0.15 s of silence; max S.
#[test]
fn ebu_tech_3341_case_10_short_term_max() {
    file_based_case(10, Window::ShortTerm, 0.15, 3.0);
}

/// Case 11 (live meters): i·0.15 s of silence, 3 s at (−38 + i) dBFS, 3 − i·0.15 s of
/// silence; max S after each part.
#[test]
fn ebu_tech_3341_case_11_short_term_max_successive() {
    live_case(11, Window::ShortTerm, 0.15, 3.0);
}

/// Case 13 (file-based meters): bursts of 400 ms after i·20 ms of silence; max M.
#[test]
fn ebu_tech_3341_case_13_momentary_max() {
    file_based_case(13, Window::Momentary, 0.02, 0.4);
}

/// Case 14 (live meters): i·20 ms of silence, 400 ms at (−38 + i) dBFS, 400 − i·20 ms of
/// silence; max M after each part.
#[test]
fn ebu_tech_3341_case_14_momentary_max_successive() {
    live_case(14, Window::Momentary, 0.02, 0.4);
}

/// Case 13 tells the two kinds of meter apart: the live meter, whose momentary reading moves
/// every 100 ms, misses a burst that starts between its updates by more than the tolerance.
#[test]
fn case_13_defeats_a_meter_on_a_100_ms_grid() {
    let fs = 48_000;
    let mut worst: f64 = 0.0;
    for i in 0..20 {
        let x = ebu_segments(
            fs,
            &[(SILENCE, i as f64 * 0.02), (-23.0, 0.4), (SILENCE, 1.0)],
        );
        let mut live = LoudnessMeter::new(fs, 2).unwrap();
        let mut max = f64::NEG_INFINITY;
        for chunk in x.chunks(fs as usize / 10) {
            live.process(&[chunk, chunk]);
            max = max.max(live.momentary_lufs());
        }
        worst = worst.max((max + 23.0).abs());
    }
    // Bursts 40 or 60 ms off the grid: 10·log10(0.36 / 0.4) = −0.46 LU.
    assert!(worst > 0.4, "a 100 ms grid reads case 13 within {worst} LU");
}

/// The maxima equal the definition computed directly: K-weighted powers, then every window
/// summed from prefix sums (the maxima lie in the loud part), for a signal that is loud, then 80 dB quieter (where drift in a
/// running sum would show), mono and stereo, in any block partition.
#[test]
fn maxima_equal_the_direct_definition() {
    let fs = 48_000;
    let n = 8 * fs as usize;
    let mut rng = Rng::new(11);
    let gain = |i: usize| if i < n / 2 { 0.5 } else { 5e-5 };
    let l: Vec<f32> = (0..n).map(|i| (rng.gauss() * gain(i)) as f32).collect();
    let r: Vec<f32> = (0..n)
        .map(|i| (rng.gauss() * gain(i) * 0.3) as f32)
        .collect();
    for channels in [1usize, 2] {
        let [shelf, hp] = k_weighting(f64::from(fs));
        let (mut a, mut b) = (StereoBiquad::new(shelf), StereoBiquad::new(hp));
        let mut power = vec![0.0f64; n];
        let mut prefix = vec![0.0f64; n + 1];
        for i in 0..n {
            let rr = if channels == 2 { f64::from(r[i]) } else { 0.0 };
            let y = b.tick(a.tick(F64x2::new(f64::from(l[i]), rr)));
            power[i] = y.l() * y.l() + y.r() * y.r();
            prefix[i + 1] = prefix[i] + power[i];
        }
        let direct = |w: usize| {
            (1..=n)
                .map(|end| prefix[end] - prefix[end.saturating_sub(w)])
                .fold(0.0, f64::max)
                / w as f64
        };
        let (wm, ws) = (19_200, 144_000);
        // Summed directly: a difference of two long prefix sums would lose the quiet part's
        // precision.
        let last = |w: usize| power[n - w..].iter().sum::<f64>() / w as f64;
        let chans: Vec<&[f32]> = [&l[..], &r[..]][..channels].to_vec();
        let mut whole = LoudnessMaxima::new(channels, fs).unwrap();
        whole.push(&chans).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-5;
        assert!(close(
            whole.momentary_max_lufs(),
            energy_to_lufs(direct(wm))
        ));
        assert!(close(
            whole.short_term_max_lufs(),
            energy_to_lufs(direct(ws))
        ));
        // The current windows, deep in the quiet part, after the loud half left them.
        assert!(close(whole.momentary_lufs(), energy_to_lufs(last(wm))));
        assert!(close(whole.short_term_lufs(), energy_to_lufs(last(ws))));
        for seed in 0..2 {
            let mut parts = LoudnessMaxima::new(channels, fs).unwrap();
            let mut pos = 0;
            for len in random_partition(&mut Rng::new(seed), n, &[], 9_000) {
                let block: Vec<&[f32]> = chans.iter().map(|c| &c[pos..pos + len]).collect();
                parts.push(&block).unwrap();
                pos += len;
            }
            assert_eq!(parts.momentary_max_lufs(), whole.momentary_max_lufs());
            assert_eq!(parts.short_term_max_lufs(), whole.short_term_max_lufs());
            assert_eq!(parts.momentary_lufs(), whole.momentary_lufs());
            assert_eq!(parts.frames(), n as u64);
        }
    }
}

#[test]
fn mono_counts_once_silence_reset_and_bad_input() {
    let fs = 48_000;
    let x = ebu_segments(fs, &[(-23.0, 4.0)]);
    let mut m = LoudnessMaxima::new(1, fs).unwrap();
    m.push(&[&x]).unwrap();
    // One channel at −23 dBFS carries half the power of the stereo case: −26.0 LUFS.
    assert!((m.momentary_max_lufs() + 26.01).abs() < 0.1);
    assert!((m.short_term_max_lufs() + 26.01).abs() < 0.1);
    m.reset();
    assert_eq!(m.momentary_max_lufs(), f64::NEG_INFINITY);
    assert_eq!(m.short_term_lufs(), f64::NEG_INFINITY);
    m.push(&[&[0.0; 1000]]).unwrap();
    assert_eq!(m.short_term_max_lufs(), f64::NEG_INFINITY);
    assert!(m.push(&[&x, &x]).is_err());
    let mut s = LoudnessMaxima::new(2, fs).unwrap();
    assert!(s.push(&[&x, &x[..10]]).is_err());
    assert!(LoudnessMaxima::new(0, fs).is_err());
    assert!(LoudnessMaxima::new(3, fs).is_err());
    assert!(LoudnessMaxima::new(2, 100).is_err());
}
