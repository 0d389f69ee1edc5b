//! Tests of the compressor against its static curve and time constants.

use super::*;
use crate::dsp::test_util::{Rng, random_partition, sine};

fn rms_db(x: &[f32]) -> f64 {
    let s: f64 = x.iter().map(|&v| v as f64 * v as f64).sum();
    10.0 * (s / x.len() as f64).log10()
}

fn peak_db(x: &[f32]) -> f64 {
    20.0 * (x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64).log10()
}

#[test]
fn static_curve_formula_regions() {
    // Hard knee.
    assert_eq!(static_gain_reduction_db(-30.0, -20.0, 0.0, 0.75), 0.0);
    assert_eq!(static_gain_reduction_db(-10.0, -20.0, 0.0, 0.75), 7.5);
    // Soft knee: zero at the knee start, continuous at both knee edges, half-slope midpoint.
    let (t, w, s) = (-20.0, 10.0, 0.5);
    assert_eq!(static_gain_reduction_db(-25.0, t, w, s), 0.0);
    let inside = static_gain_reduction_db(-15.0 - 1e-9, t, w, s);
    let above = static_gain_reduction_db(-15.0, t, w, s);
    assert!((inside - above).abs() < 1e-6 && (above - 2.5).abs() < 1e-12);
    assert!((static_gain_reduction_db(-20.0, t, w, s) - s * 25.0 / 20.0).abs() < 1e-12);
}

/// Settled sines across thresholds, ratios and knees: the output level follows the textbook
/// static curve within 0.1 dB, for both detectors.
///
/// Peak detector: attack 0.5 ms, release 2 s, so the gain reduction holds the value of the
/// sine's peaks (it droops by GR·T/τ ≈ 0.01% between peaks) and the output peak is compared
/// with input peak − GR(peak level). RMS detector: attack 5 ms, release 500 ms on a 1 kHz sine
/// whose 10 ms window holds whole periods; output RMS vs input RMS − GR(RMS level).
#[test]
fn static_curve_of_settled_sines_matches_formula() {
    let fs = 48_000.0;
    let mut worst: f64 = 0.0;
    for detector in [Detector::Peak, Detector::Rms] {
        for (threshold, ratio, knee) in [
            (-20.0f32, 4.0f32, 0.0f32),
            (-20.0, 4.0, 12.0),
            (-30.0, 2.0, 6.0),
            (-10.0, 10.0, 20.0),
            (-40.0, 100.0, 3.0),
        ] {
            let params = CompressorParams {
                enabled: true,
                threshold_db: threshold,
                ratio,
                knee_db: knee,
                makeup_db: 3.0,
                attack_ms: if detector == Detector::Peak { 0.5 } else { 5.0 },
                release_ms: if detector == Detector::Peak {
                    2000.0
                } else {
                    500.0
                },
                detector,
            };
            let mut level = threshold as f64 - 15.0;
            while level <= (threshold as f64 + 15.0).min(0.0) {
                // `level` is the detector's level: peak for Peak, RMS for Rms.
                let amp = if detector == Detector::Peak {
                    10f64.powf(level / 20.0)
                } else {
                    10f64.powf(level / 20.0) * 2f64.sqrt()
                };
                let mut l = sine(24_000, 1000.0, fs, amp, 0.3);
                let mut r = sine(24_000, 1000.0, fs, amp, 0.3);
                let input = l.clone();
                let mut c = Compressor::new(fs, &params);
                c.process_stereo(&mut l, &mut r);
                let tail = 19_200..24_000;
                let measured = if detector == Detector::Peak {
                    peak_db(&l[tail.clone()]) - peak_db(&input[tail])
                } else {
                    rms_db(&l[tail.clone()]) - rms_db(&input[tail])
                };
                let s = 1.0 - 1.0 / ratio as f64;
                let expected =
                    3.0 - static_gain_reduction_db(level, threshold as f64, knee as f64, s);
                let err = (measured - expected).abs();
                worst = worst.max(err);
                assert!(
                    err < 0.1,
                    "{detector:?} T{threshold} R{ratio} K{knee} level {level}: {measured} vs {expected}"
                );
                level += 2.5;
            }
        }
    }
    eprintln!("compressor static curve: worst error {worst:.4} dB");
}

/// Time for the gain reduction to cover 63.2% of a step, measured from the output/input
/// ratio of a constant-level signal (peak detector, hard knee), at 44.1 and 96 kHz.
#[test]
fn attack_and_release_time_constants() {
    for fs in [44_100.0, 96_000.0] {
        for (attack_ms, release_ms) in [(1.0f32, 50.0f32), (10.0, 120.0), (30.0, 1000.0)] {
            let params = CompressorParams {
                enabled: true,
                threshold_db: -20.0,
                ratio: 4.0,
                knee_db: 0.0,
                makeup_db: 0.0,
                attack_ms,
                release_ms,
                detector: Detector::Peak,
            };
            let mut c = Compressor::new(fs, &params);
            let quiet = 10f32.powf(-40.0 / 20.0);
            let loud = 1.0f32; // 0 dBFS: 20 dB over → 15 dB of reduction
            let settle = (fs * 6.0 * (release_ms.max(attack_ms) as f64) * 1e-3) as usize;
            let n = 2 * settle;
            let mut x: Vec<f32> = (0..n)
                .map(|i| if i < settle { loud } else { quiet })
                .collect();
            let mut pre = vec![quiet; 4800];
            c.process_mono(&mut pre);
            let input = x.clone();
            c.process_mono(&mut x);
            let gr: Vec<f64> = x
                .iter()
                .zip(&input)
                .map(|(y, i)| -20.0 * (*y as f64 / *i as f64).log10())
                .collect();
            let full = gr[settle - 1];
            assert!((full - 15.0).abs() < 1e-3, "settled GR {full}");
            let t_attack = gr.iter().position(|&g| g >= 0.632 * 15.0).unwrap() as f64 + 1.0;
            let t_release = gr[settle..]
                .iter()
                .position(|&g| g <= (1.0 - 0.632) * 15.0)
                .unwrap() as f64
                + 1.0;
            let ta = t_attack / fs * 1e3;
            let tr = t_release / fs * 1e3;
            eprintln!(
                "fs {fs}: attack {attack_ms} ms → {ta:.3} ms, release {release_ms} ms → {tr:.3} ms"
            );
            assert!(
                (ta / attack_ms as f64 - 1.0).abs() < 0.1,
                "attack {ta} vs {attack_ms}"
            );
            assert!(
                (tr / release_ms as f64 - 1.0).abs() < 0.1,
                "release {tr} vs {release_ms}"
            );
            assert!((c.gain_reduction_db() as f64 - gr[n - 1]).abs() < 1e-3);
        }
    }
}

#[test]
fn threshold_and_makeup_moves_glide_without_clicks() {
    let fs = 48_000.0;
    let mut p = CompressorParams {
        enabled: true,
        threshold_db: 0.0,
        ratio: 8.0,
        knee_db: 0.0,
        makeup_db: 0.0,
        attack_ms: 0.05,
        release_ms: 5.0,
        detector: Detector::Peak,
    };
    let mut c = Compressor::new(fs, &p);
    let level = 10f32.powf(-10.0 / 20.0);
    let mut x = vec![level; 9600];
    c.process_mono(&mut x[..2000]);
    // Threshold −40 dB: the target reduction jumps by 26.25 dB and makeup by +12 dB, but both
    // arrive over the 20 ms glide (960 samples), never faster.
    p.threshold_db = -40.0;
    p.makeup_db = 12.0;
    c.set_params(&p);
    c.process_mono(&mut x[2000..]);
    let total = 26.25 + 12.0;
    let max_step_db = total / 960.0 * 1.01;
    for w in x.windows(2) {
        let step = 20.0 * (w[1] as f64 / w[0] as f64).log10();
        assert!(step.abs() <= max_step_db, "step {step} dB");
    }
    let final_db = 20.0 * (x[9599] as f64 / level as f64).log10();
    assert!((final_db - (12.0 - 26.25)).abs() < 1e-3, "{final_db}");
}

#[test]
fn below_threshold_is_makeup_only_and_disabled_is_exact_bypass() {
    let fs = 48_000.0;
    let p = CompressorParams {
        threshold_db: -10.0,
        knee_db: 6.0,
        makeup_db: -6.020_6,
        ..Default::default()
    };
    let mut c = Compressor::new(fs, &p);
    let x = sine(4800, 440.0, fs, 0.25, 0.0);
    // −18 dB peak: below the knee start at −13 dB, so only the makeup (×0.5) applies.
    let mut y = x.iter().map(|v| v * 0.5).collect::<Vec<_>>();
    let y_in = y.clone();
    c.process_mono(&mut y);
    for (a, b) in y.iter().zip(&y_in) {
        assert!((a - b * 0.5).abs() < 1e-6);
    }
    assert_eq!(c.gain_reduction_db(), 0.0);
    let mut off = c.params().to_owned();
    off.enabled = false;
    c.set_params(&off);
    let mut z = x.clone();
    c.process_mono(&mut z); // makeup glides back to 0 dB
    assert!(c.is_bypassed());
    let mut w = x.clone();
    c.process_mono(&mut w);
    assert_eq!(w, x, "disabled and settled: bit-exact bypass");
}

#[test]
fn wild_parameters_stay_finite() {
    let fs = 44_100.0;
    let mut rng = Rng::new(3);
    let mut c = Compressor::new(fs, &CompressorParams::default());
    let wild = [f32::NAN, f32::INFINITY, -f32::INFINITY, 0.0, -1e9, 1e9];
    for round in 0..300 {
        let pick = |rng: &mut Rng| wild[rng.below(wild.len() as u32) as usize];
        let p = CompressorParams {
            enabled: rng.below(5) != 0,
            threshold_db: if rng.below(3) == 0 {
                pick(&mut rng)
            } else {
                rng.uniform(-100.0, 10.0) as f32
            },
            ratio: if rng.below(3) == 0 {
                pick(&mut rng)
            } else {
                rng.uniform(0.0, 200.0) as f32
            },
            attack_ms: if rng.below(3) == 0 {
                pick(&mut rng)
            } else {
                rng.uniform(0.0, 100.0) as f32
            },
            release_ms: if rng.below(3) == 0 {
                pick(&mut rng)
            } else {
                rng.uniform(0.0, 2000.0) as f32
            },
            knee_db: if rng.below(3) == 0 {
                pick(&mut rng)
            } else {
                rng.uniform(-5.0, 50.0) as f32
            },
            makeup_db: if rng.below(3) == 0 {
                pick(&mut rng)
            } else {
                rng.uniform(-40.0, 40.0) as f32
            },
            detector: if rng.below(2) == 0 {
                Detector::Peak
            } else {
                Detector::Rms
            },
        };
        c.set_params(&p);
        let mut l: Vec<f32> = (0..128).map(|_| rng.uniform(-4.0, 4.0) as f32).collect();
        let mut r: Vec<f32> = (0..128).map(|_| rng.uniform(-4.0, 4.0) as f32).collect();
        c.process_stereo(&mut l, &mut r);
        for v in l.iter().chain(&r) {
            assert!(v.is_finite() && v.abs() < 4.0 * 64.0, "round {round}: {v}");
        }
        assert!(c.gain_reduction_db().is_finite() && c.gain_reduction_db() >= 0.0);
    }
}

#[test]
fn block_partition_invariance() {
    let fs = 48_000.0;
    let n = 20_000;
    let mut rng = Rng::new(11);
    let env: Vec<f64> = (0..n)
        .map(|i| if (i / 3000) % 2 == 0 { 1.0 } else { 0.05 })
        .collect();
    let il: Vec<f32> = (0..n)
        .map(|i| (env[i] * rng.uniform(-1.0, 1.0)) as f32)
        .collect();
    let ir: Vec<f32> = (0..n)
        .map(|i| (env[i] * rng.uniform(-1.0, 1.0)) as f32)
        .collect();
    let base = CompressorParams {
        threshold_db: -24.0,
        ratio: 6.0,
        attack_ms: 2.0,
        release_ms: 80.0,
        knee_db: 8.0,
        makeup_db: 4.0,
        ..Default::default()
    };
    let mut changes = Vec::new();
    let mut p = base;
    for (k, pos) in [1500usize, 4444, 9000, 9001, 15_000]
        .into_iter()
        .enumerate()
    {
        p.threshold_db -= 5.0;
        p.ratio += 1.0;
        p.detector = if k % 2 == 0 {
            Detector::Rms
        } else {
            Detector::Peak
        };
        p.enabled = k != 3;
        p.attack_ms *= 1.5;
        changes.push((pos, p));
    }
    let cuts: Vec<usize> = changes.iter().map(|c| c.0).collect();
    let render = |parts: &[usize], mono: bool| {
        let mut c = Compressor::new(fs, &base);
        let (mut l, mut r) = (il.clone(), ir.clone());
        let mut pos = 0;
        for &len in parts {
            for (cp, pp) in &changes {
                if *cp == pos {
                    c.set_params(pp);
                }
            }
            if mono {
                c.process_mono(&mut l[pos..pos + len]);
            } else {
                c.process_stereo(&mut l[pos..pos + len], &mut r[pos..pos + len]);
            }
            pos += len;
        }
        (l, r)
    };
    for mono in [false, true] {
        let reference = render(&random_partition(&mut Rng::new(5), n, &cuts, 1), mono);
        for seed in 6..9 {
            let parts = random_partition(&mut Rng::new(seed), n, &cuts, 1000);
            assert_eq!(render(&parts, mono), reference);
        }
    }
}

/// The AVX2 kernel gives the same bits as the portable path, for both detectors, both
/// smoother forms (attack faster or slower than release), mono and stereo, and block sizes
/// that leave partial vectors.
#[test]
fn avx2_kernel_is_bit_identical_to_the_portable_path() {
    if !avx2_available() {
        println!("skipped: this CPU has no AVX2, only the portable path runs");
        return;
    }
    let n = 12_000;
    let mut rng = Rng::new(23);
    let il: Vec<f32> = (0..n)
        .map(|i| (rng.uniform(-1.0, 1.0) * (0.02 + (i as f64 * 0.003).sin().abs())) as f32)
        .collect();
    let ir: Vec<f32> = (0..n).map(|i| il[(i * 7) % n] * 0.8).collect();
    let mut checked = 0;
    for detector in [Detector::Peak, Detector::Rms] {
        for (attack_ms, release_ms) in [(1.0, 120.0), (300.0, 5.0)] {
            let params = CompressorParams {
                threshold_db: -30.0,
                ratio: 5.0,
                attack_ms,
                release_ms,
                knee_db: 6.0,
                makeup_db: 3.0,
                detector,
                ..Default::default()
            };
            for mono in [false, true] {
                let render = |c: &mut Compressor| {
                    let (mut l, mut r) = (il.clone(), ir.clone());
                    let (mut pos, mut most) = (0, 0.0f32);
                    for len in [1usize, 63, 64, 5, 127, 3, 1000].iter().cycle() {
                        let end = (pos + len).min(n);
                        if mono {
                            c.process_mono(&mut l[pos..end]);
                        } else {
                            c.process_stereo(&mut l[pos..end], &mut r[pos..end]);
                        }
                        pos = end;
                        most = most.max(c.gain_reduction_db());
                        if pos == n {
                            break;
                        }
                    }
                    (l, r, most)
                };
                let fast = render(&mut Compressor::new(48_000.0, &params));
                let portable = render(&mut Compressor::new(48_000.0, &params).without_avx2());
                assert_eq!(
                    fast, portable,
                    "{detector:?} {attack_ms}/{release_ms} mono {mono}"
                );
                assert!(
                    fast.2 > 2.0,
                    "the test signal must be compressed: {} dB",
                    fast.2
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8);
}

#[test]
fn static_output_follows_the_textbook_curve_with_makeup() {
    let p = CompressorParams {
        threshold_db: -20.0,
        ratio: 4.0,
        knee_db: 0.0,
        makeup_db: 3.0,
        ..CompressorParams::default()
    };
    // Below the threshold: unity plus make-up; above: T + (x − T)/R plus make-up.
    assert!((static_output_db(&p, -40.0) - (-37.0)).abs() < 1e-12);
    assert!((static_output_db(&p, -4.0) - (-20.0 + 16.0 / 4.0 + 3.0)).abs() < 1e-12);
    // Off: the level passes; out-of-bounds settings are limited as the processor limits them.
    let off = CompressorParams {
        enabled: false,
        ..p
    };
    assert_eq!(static_output_db(&off, -4.0), -4.0);
    let wild = CompressorParams { ratio: 0.5, ..p };
    assert!((static_output_db(&wild, -4.0) - (-4.0 + 3.0)).abs() < 1e-12);
}
