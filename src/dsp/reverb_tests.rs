//! Tests of the reverb: RT60, damping, stability, silence, width, block partitions.

use super::*;
use crate::dsp::biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad, butterworth_q};
use crate::dsp::simd::F64x2;
use crate::dsp::test_util::{Rng, random_partition};

/// Octave band around 1 kHz (707–1414 Hz): 4th-order Butterworth high-pass and low-pass.
fn octave_band_1k(x: &[f64], fs: f64) -> Vec<f64> {
    let mut secs: Vec<StereoBiquad> = Vec::new();
    for (kind, f) in [
        (FilterKind::HighPass, 1000.0 / 2f64.sqrt()),
        (FilterKind::LowPass, 1000.0 * 2f64.sqrt()),
    ] {
        for k in 0..2 {
            let c = Coeffs::design(
                kind,
                &BiquadParams {
                    freq_hz: f,
                    q: butterworth_q(4, k),
                    gain_db: 0.0,
                },
                fs,
            );
            secs.push(StereoBiquad::new(c));
        }
    }
    x.iter()
        .map(|&v| {
            let mut y = F64x2::new(v, 0.0);
            for s in secs.iter_mut() {
                y = s.tick(y);
            }
            y.l()
        })
        .collect()
}

/// RT60 by Schroeder backward integration and a straight-line fit of the energy decay
/// curve between −5 and −25 dB (T20, extrapolated to 60 dB).
fn rt60_t20(h: &[f64], fs: f64) -> f64 {
    let mut edc = vec![0.0; h.len()];
    let mut acc = 0.0;
    for i in (0..h.len()).rev() {
        acc += h[i] * h[i];
        edc[i] = acc;
    }
    let e0 = edc[0];
    let db: Vec<f64> = edc.iter().map(|&e| 10.0 * (e / e0).log10()).collect();
    let start = db.iter().position(|&d| d <= -5.0).unwrap();
    let end = db.iter().position(|&d| d <= -25.0).unwrap();
    let n = (end - start) as f64;
    let (mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0);
    for (i, &y) in db[start..end].iter().enumerate() {
        let x = i as f64 / fs;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    -60.0 / slope
}

fn impulse_response(params: &ReverbParams, fs: f64, seconds: f64) -> (Vec<f32>, Vec<f32>) {
    let n = (seconds * fs) as usize;
    let mut l = vec![0.0f32; n];
    let mut r = vec![0.0f32; n];
    l[0] = 1.0;
    r[0] = 1.0;
    let mut rev = Reverb::new(fs, params);
    rev.process(&mut l, &mut r);
    (l, r)
}

/// RT60 at 1 kHz (octave band, Schroeder, T20) within ±15% of the setting from 0.3 to 8 s,
/// at the default damping, and at damping 0 and 1 for a few settings.
#[test]
fn rt60_at_1khz_matches_the_setting() {
    let mut cases = Vec::new();
    for t in [0.3f32, 0.5, 1.0, 2.0, 4.0, 8.0] {
        cases.push((48_000.0, t, 0.4f32, 0.6f32));
    }
    cases.extend([
        (48_000.0, 0.5, 0.0, 0.2),
        (48_000.0, 2.0, 1.0, 1.0),
        (48_000.0, 8.0, 1.0, 0.0),
        (48_000.0, 1.0, 0.0, 1.0),
        (44_100.0, 0.3, 0.4, 0.6),
        (96_000.0, 2.0, 0.4, 0.6),
    ]);
    for (fs, t, damping, size) in cases {
        let p = ReverbParams {
            pre_delay_ms: 10.0,
            decay_s: t,
            damping,
            size,
            width: 1.0,
        };
        let (l, r) = impulse_response(&p, fs, 1.5 * t as f64 + 0.2);
        let mono: Vec<f64> = l
            .iter()
            .zip(&r)
            .map(|(a, b)| *a as f64 + *b as f64)
            .collect();
        let band = octave_band_1k(&mono, fs);
        let measured = rt60_t20(&band, fs);
        let err = measured / t as f64 - 1.0;
        eprintln!(
            "reverb RT60 {t} s at {fs} Hz (damping {damping}, size {size}): measured {measured:.3} s ({:+.1}%)",
            err * 100.0
        );
        assert!(err.abs() < 0.15, "RT60 {t}: measured {measured}");
    }
}

#[test]
fn damping_filter_meets_its_design() {
    let fs = 44_100.0;
    for (delay, t60, damping) in [
        (2000.0, 2.0, 0.4),
        (4000.0, 8.0, 1.0),
        (600.0, 0.3, 0.0),
        (3000.0, 20.0, 1.0),
        (500.0, 0.1, 1.0),
    ] {
        let d = design_damping(delay, t60, damping, fs);
        let mag = |f: f64| {
            let w = 2.0 * PI * f / fs;
            let (s, c) = w.sin_cos();
            let den = ((1.0 - d.p * c).powi(2) + (d.p * s).powi(2)).sqrt();
            d.b / den
        };
        let g1k = 10f64.powf(-3.0 * delay / (t60 * fs));
        assert!(
            (mag(1000.0) / g1k - 1.0).abs() < 1e-9,
            "1 kHz loss {delay} {t60} {damping}"
        );
        assert!(mag(0.0) < 1.0 && mag(fs / 2.0) <= mag(1000.0) * (1.0 + 1e-12));
        // Low frequencies never ring longer than twice the RT60.
        assert!(mag(0.0) <= g1k.powf(0.5) * (1.0 + 1e-9));
    }
}

#[test]
fn stable_for_extreme_and_rapidly_changing_parameters() {
    let fs = 44_100.0;
    let mut rng = Rng::new(12);
    let mut rev = Reverb::new(fs, &ReverbParams::default());
    let wild = [f32::NAN, f32::INFINITY, -1.0, 0.0, 1e9, 1.0];
    let mut energy_in = 0.0f64;
    let mut peak_out = 0.0f32;
    for round in 0..300 {
        let pick = |rng: &mut Rng, lo: f64, hi: f64| {
            if rng.below(4) == 0 {
                wild[rng.below(6) as usize]
            } else {
                rng.uniform(lo, hi) as f32
            }
        };
        rev.set_params(&ReverbParams {
            pre_delay_ms: pick(&mut rng, 0.0, 300.0),
            decay_s: pick(&mut rng, 0.0, 30.0),
            damping: pick(&mut rng, 0.0, 1.0),
            size: pick(&mut rng, 0.0, 1.0),
            width: pick(&mut rng, 0.0, 1.0),
        });
        let len = 1 + rng.below(400) as usize;
        let mut l: Vec<f32> = (0..len)
            .map(|_| {
                if round < 150 {
                    rng.uniform(-1.0, 1.0) as f32
                } else {
                    0.0
                }
            })
            .collect();
        let mut r = l.clone();
        energy_in += l.iter().map(|v| (*v as f64).powi(2)).sum::<f64>();
        rev.process(&mut l, &mut r);
        for v in l.iter().chain(&r) {
            assert!(v.is_finite());
            peak_out = peak_out.max(v.abs());
        }
    }
    // Bounded: a lossless network cannot build up more than the energy put in.
    assert!(
        (peak_out as f64) < 4.0 * energy_in.sqrt(),
        "peak {peak_out}"
    );
    // At the maximal settings it still decays.
    let mut rev = Reverb::new(
        fs,
        &ReverbParams {
            pre_delay_ms: 250.0,
            decay_s: 20.0,
            damping: 0.0,
            size: 1.0,
            width: 1.0,
        },
    );
    let (mut l, mut r) = (vec![1.0f32; 64], vec![-1.0f32; 64]);
    rev.process(&mut l, &mut r);
    let mut last = 0.0;
    for s in 0..30 {
        let (mut l, mut r) = (vec![0.0f32; 44_100], vec![0.0f32; 44_100]);
        rev.process(&mut l, &mut r);
        let e: f64 = l.iter().chain(&r).map(|v| (*v as f64).powi(2)).sum();
        if s > 2 {
            assert!(e < last, "energy must fall: {e} after {last}");
        }
        last = e;
    }
}

/// After a burst and a long silence the state is exact zeros (no subnormals) even without
/// flush-to-zero, and the reverb is idle (processing silence is skipped).
#[test]
fn silence_after_a_burst_leaves_exact_zeros() {
    assert!(!crate::dsp::FlushDenormals::is_active());
    let fs = 48_000.0;
    let mut rev = Reverb::new(
        fs,
        &ReverbParams {
            decay_s: 0.5,
            ..Default::default()
        },
    );
    let mut rng = Rng::new(1);
    let mut l: Vec<f32> = (0..4800).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
    let mut r = l.clone();
    rev.process(&mut l, &mut r);
    assert!(!rev.is_idle());
    // 0.5 s RT60: −200 dB after about 1.7 s; give it 4 s.
    let mut subnormal_seen = false;
    for _ in 0..40 {
        let (mut l, mut r) = (vec![0.0f32; 4800], vec![0.0f32; 4800]);
        rev.process(&mut l, &mut r);
        subnormal_seen |= l.iter().chain(&r).any(|v| v.is_subnormal());
        let state = rev
            .lines
            .iter()
            .flat_map(|l| l.buf.iter())
            .chain(rev.pre.iter().flat_map(|l| l.buf.iter()));
        let state = state
            .chain(rev.diffusers.iter().flatten().flat_map(|a| a.buf.iter()))
            .chain(rev.lp.iter());
        subnormal_seen |= state.clone().any(|v| v.is_subnormal());
    }
    assert!(!subnormal_seen);
    assert!(rev.is_idle());
    // Cleared: every line, pre-delay and all-pass reads back zeros.
    assert!(rev.lines.iter().chain(&rev.pre).all(|l| l.fresh == 0));
    assert!(rev.diffusers.iter().flatten().all(|a| !a.full));
    assert!(rev.lp.iter().all(|&v| v == 0.0));
    // And it wakes up again (the output starts after the 20 ms pre-delay).
    let (mut l, mut r) = (vec![0.0f32; 4800], vec![0.0f32; 4800]);
    l[10] = 1.0;
    rev.process(&mut l, &mut r);
    assert!(!rev.is_idle());
    assert!(l.iter().any(|&v| v != 0.0) || r.iter().any(|&v| v != 0.0));
}

#[test]
fn width_zero_is_mono_and_output_is_wet_only() {
    let fs = 48_000.0;
    let p = ReverbParams {
        width: 0.0,
        pre_delay_ms: 5.0,
        ..Default::default()
    };
    let (l, r) = impulse_response(&p, fs, 0.3);
    assert_eq!(l, r);
    // 100% wet: nothing before the pre-delay (240 samples).
    assert!(l[..240].iter().all(|&v| v == 0.0));
    assert!(l[240..].iter().any(|&v| v != 0.0));
    let p = ReverbParams { width: 1.0, ..p };
    let (l, r) = impulse_response(&p, fs, 0.3);
    let dot: f64 = l.iter().zip(&r).map(|(a, b)| *a as f64 * *b as f64).sum();
    let el: f64 = l.iter().map(|a| (*a as f64).powi(2)).sum();
    let er: f64 = r.iter().map(|a| (*a as f64).powi(2)).sum();
    assert!(
        dot.abs() / (el * er).sqrt() < 0.5,
        "left and right decorrelated"
    );
}

#[test]
fn block_partition_invariance() {
    let fs = 44_100.0;
    let n = 30_000;
    let mut rng = Rng::new(77);
    let il: Vec<f32> = (0..n)
        .map(|i| {
            if i < 5000 || (12_000..13_000).contains(&i) {
                rng.uniform(-1.0, 1.0) as f32
            } else {
                0.0
            }
        })
        .collect();
    let ir: Vec<f32> = il.iter().map(|v| -v * 0.5).collect();
    let changes = [
        (
            3000usize,
            ReverbParams {
                size: 0.1,
                ..Default::default()
            },
        ),
        (
            3001,
            ReverbParams {
                size: 0.9,
                decay_s: 0.7,
                pre_delay_ms: 90.0,
                ..Default::default()
            },
        ),
        (
            9000,
            ReverbParams {
                damping: 1.0,
                width: 0.2,
                decay_s: 0.2,
                ..Default::default()
            },
        ),
    ];
    let cuts: Vec<usize> = changes.iter().map(|c| c.0).collect();
    let render = |parts: &[usize]| {
        let mut rev = Reverb::new(fs, &ReverbParams::default());
        let (mut l, mut r) = (il.clone(), ir.clone());
        let mut pos = 0;
        for &len in parts {
            for (cp, p) in &changes {
                if *cp == pos {
                    rev.set_params(p);
                }
            }
            rev.process(&mut l[pos..pos + len], &mut r[pos..pos + len]);
            pos += len;
        }
        (l, r)
    };
    let reference = render(&random_partition(&mut Rng::new(3), n, &cuts, 1));
    for seed in 4..6 {
        assert_eq!(
            render(&random_partition(&mut Rng::new(seed), n, &cuts, 2000)),
            reference
        );
    }
}

/// Reset is O(1) (issue 14 item 6: it ran on the audio thread at every stop, zeroing ~2 MB at
/// 192 kHz in one callback): it only forgets what the lines hold. After a loud tail is reset,
/// the reverb must answer new input bit for bit as a fresh one does — including while a size
/// glide moves its read positions across the forgotten region — and leave no trace of the old
/// tail.
#[test]
fn reset_forgets_the_tail_exactly_like_a_fresh_reverb() {
    let fs = 192_000.0;
    let params = ReverbParams {
        decay_s: 8.0,
        pre_delay_ms: 250.0,
        size: 1.0,
        ..Default::default()
    };
    let mut rng = Rng::new(7);
    let mut used = Reverb::new(fs, &params);
    // Fill every line with a loud tail (longer than the longest line and the pre-delay).
    for _ in 0..20 {
        let mut l: Vec<f32> = (0..19_200).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
        let mut r: Vec<f32> = (0..19_200).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
        used.process(&mut l, &mut r);
    }
    // Align the 16-sample coefficient grid with a fresh reverb's, then reset.
    let pad = (16 - used.pos % 16) as usize % 16;
    let (mut l, mut r) = (vec![0.5f32; pad], vec![0.5f32; pad]);
    used.process(&mut l, &mut r);
    used.reset();
    let mut fresh = Reverb::new(fs, &params);
    // A click, then a size change mid-tail (its glide reads fractional positions), then noise.
    let n = 192_000;
    let mut input_l = vec![0.0f32; n];
    input_l[5] = 1.0;
    let input_r: Vec<f32> = (0..n)
        .map(|i| {
            if i > 120_000 {
                rng.uniform(-0.1, 0.1) as f32
            } else {
                0.0
            }
        })
        .collect();
    let run = |rev: &mut Reverb| {
        let (mut l, mut r) = (input_l.clone(), input_r.clone());
        let (a, b) = (l.split_at_mut(60_000), r.split_at_mut(60_000));
        rev.process(a.0, b.0);
        rev.set_params(&ReverbParams {
            size: 0.2,
            ..params
        });
        rev.process(a.1, b.1);
        (l, r)
    };
    let got = run(&mut used);
    let want = run(&mut fresh);
    assert!(got.0.iter().any(|&v| v != 0.0), "the click reverberates");
    assert!(got == want, "a reset reverb differs from a fresh one");
}
