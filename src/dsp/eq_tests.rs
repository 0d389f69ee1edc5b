//! Tests of the channel EQ against the analytic responses of its designs.

use super::*;
use crate::dsp::test_util::{Rng, random_partition};
use std::f64::consts::PI;

/// The channel strip's band layout (what the engine maps `project::Band::ALL` onto).
const LAYOUT: [BandKind; EQ_BANDS] = [
    BandKind::HighPass,
    BandKind::LowShelf,
    BandKind::Peak,
    BandKind::Peak,
    BandKind::HighShelf,
    BandKind::LowPass,
];

/// The strip layout with every band off.
fn strip_eq() -> EqParams {
    EqParams {
        bands: LAYOUT.map(|kind| BandParams {
            kind,
            ..BandParams::default()
        }),
    }
}

/// Band `i` of the strip layout, off.
fn band(i: usize) -> BandParams {
    strip_eq().bands[i]
}

fn full_eq(hp24: bool) -> EqParams {
    let slope = if hp24 { Slope::Db24 } else { Slope::Db12 };
    EqParams {
        bands: [
            BandParams {
                enabled: true,
                freq_hz: 40.0,
                q: 0.9,
                slope,
                ..band(0)
            },
            BandParams {
                enabled: true,
                freq_hz: 120.0,
                gain_db: 4.0,
                q: 0.7,
                ..band(1)
            },
            BandParams {
                enabled: true,
                freq_hz: 700.0,
                gain_db: -6.0,
                q: 2.5,
                ..band(2)
            },
            BandParams {
                enabled: true,
                freq_hz: 3200.0,
                gain_db: 5.0,
                q: 1.2,
                ..band(3)
            },
            BandParams {
                enabled: true,
                freq_hz: 9000.0,
                gain_db: -3.0,
                q: 0.8,
                ..band(4)
            },
            BandParams {
                enabled: true,
                freq_hz: 16_000.0,
                q: 0.7,
                slope,
                ..band(5)
            },
        ],
    }
}

/// DTFT magnitude (dB) of `h` at `f` Hz, by complex rotation.
fn dtft_db(h: &[f64], f: f64, fs: f64) -> f64 {
    let w = 2.0 * PI * f / fs;
    let (s, c) = w.sin_cos();
    let (mut zr, mut zi) = (1.0f64, 0.0f64); // e^{-jwn}
    let (mut re, mut im) = (0.0, 0.0);
    for (n, &x) in h.iter().enumerate() {
        re += x * zr;
        im += x * zi;
        let nr = zr * c + zi * s;
        zi = zi * c - zr * s;
        zr = nr;
        if n % 4096 == 4095 {
            // Renormalise the rotator so rounding cannot drift its length.
            let m = (zr * zr + zi * zi).sqrt();
            zr /= m;
            zi /= m;
        }
    }
    10.0 * (re * re + im * im).log10()
}

/// Butterworth 4th-order |H|² in the warped domain: independent of the cookbook formulas.
fn butterworth4_db(high: bool, f: f64, f0: f64, fs: f64) -> f64 {
    let omega = (PI * f / fs).tan() / (PI * f0 / fs).tan();
    let o = if high { 1.0 / omega } else { omega };
    -10.0 * (1.0 + o.powi(8)).log10()
}

/// Measured response of the processed cascade (impulse response → DTFT) against the product
/// of the analytic band responses, at 200 log-spaced frequencies, at 44.1/48/96 kHz.
#[test]
fn processed_response_matches_analytic_within_0_05_db() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for hp24 in [false, true] {
            let params = full_eq(hp24);
            let mut eq = ChannelEq::new(fs, &params);
            let n = 1 << 16;
            let mut l = vec![0.0f32; n];
            let mut r = vec![0.0f32; n];
            l[0] = 1.0;
            r[0] = 0.5;
            eq.process_stereo(&mut l, &mut r);
            // The tail has decayed far below the tolerance by the end.
            assert!(l[n - 64..].iter().all(|x| x.abs() < 1e-9));
            let hl: Vec<f64> = l.iter().map(|&x| x as f64).collect();
            let hr: Vec<f64> = r.iter().map(|&x| x as f64 * 2.0).collect();
            let mut worst: f64 = 0.0;
            for i in 0..200 {
                let f = 20.0 * (0.45 * fs / 20.0f64).powf(i as f64 / 199.0);
                let analytic = eq.response_db(f);
                if analytic < -80.0 {
                    // Far in the stop band the f32 impulse response is at its noise floor.
                    continue;
                }
                for h in [&hl, &hr] {
                    let measured = dtft_db(h, f, fs);
                    let err = (measured - analytic).abs();
                    worst = worst.max(err);
                    assert!(
                        err < 0.05,
                        "fs {fs} hp24 {hp24} f {f}: {measured} vs {analytic}"
                    );
                }
            }
            eprintln!("eq fs={fs} 24dB={hp24}: worst error {worst:.4} dB");
        }
    }
}

#[test]
fn fourth_order_pass_bands_are_butterworth() {
    let fs = 48_000.0;
    let mut p = strip_eq();
    p.bands[0] = BandParams {
        enabled: true,
        freq_hz: 200.0,
        slope: Slope::Db24,
        ..band(0)
    };
    p.bands[5] = BandParams {
        enabled: true,
        freq_hz: 5000.0,
        slope: Slope::Db24,
        ..band(5)
    };
    let eq = ChannelEq::new(fs, &p);
    for i in 0..200 {
        let f = 20.0 * (0.45 * fs / 20.0f64).powf(i as f64 / 199.0);
        let expect = butterworth4_db(true, f, 200.0, fs) + butterworth4_db(false, f, 5000.0, fs);
        assert!((eq.response_db(f) - expect).abs() < 1e-6, "{f}");
    }
    // −3.01 dB at each corner (the other band contributes almost nothing there).
    assert!((butterworth4_db(false, 5000.0, 5000.0, fs) + 3.0103).abs() < 1e-3);
}

#[test]
fn coefficients_are_recomputed_only_while_moving() {
    let fs = 48_000.0;
    let mut params = full_eq(false);
    let mut eq = ChannelEq::new(fs, &params);
    let mut l = vec![0.1f32; 4800];
    let mut r = vec![0.1f32; 4800];
    let base = eq.recompute_count();
    eq.process_stereo(&mut l, &mut r);
    assert_eq!(eq.recompute_count(), base, "settled EQ never redesigns");

    params.bands[2].freq_hz = 1500.0;
    params.bands[2].gain_db = 3.0;
    eq.set_params(&params);
    let mut count_per_tick = Vec::new();
    for _ in 0..200 {
        let before = eq.recompute_count();
        let mut l = [0.0f32; 16];
        let mut r = [0.0f32; 16];
        eq.process_stereo(&mut l, &mut r);
        count_per_tick.push(eq.recompute_count() - before);
    }
    // One band moves: at most one redesign per 16-sample tick, for the 20 ms glide
    // (960 samples = 60 ticks at 48 kHz), then none.
    assert!(count_per_tick.iter().all(|&c| c <= 1));
    let total: u64 = count_per_tick.iter().sum();
    assert_eq!(total, 60);
    assert!(count_per_tick[70..].iter().all(|&c| c == 0));
    // And the band landed exactly on the target.
    let expect = Coeffs::design(
        FilterKind::Peak,
        &BiquadParams {
            freq_hz: (1500.0f64).log2().exp2(),
            q: (2.5f32 as f64).log2().exp2(),
            gain_db: 3.0,
        },
        fs,
    );
    let mut probe = StereoBiquad::new(expect);
    let mut eq_probe = eq.sections[eq.first[2]];
    eq_probe.reset();
    for n in 0..64 {
        let x = F64x2::splat(if n == 0 { 1.0 } else { 0.0 });
        let a = probe.tick(x);
        let b = eq_probe.tick(x);
        assert_eq!(a.l(), b.l());
    }
}

#[test]
fn glides_are_smooth_no_step_larger_than_the_signal_allows() {
    // A 100 Hz sine through a peak band whose gain jumps from −12 to +12 dB and frequency
    // from 100 Hz to 2 kHz: the output's sample-to-sample change stays within what a 100 Hz
    // sine at the largest amplitude reached can do (no click).
    let fs = 48_000.0;
    let mut p = strip_eq();
    p.bands[2] = BandParams {
        enabled: true,
        freq_hz: 100.0,
        gain_db: -12.0,
        q: 1.0,
        ..band(2)
    };
    let mut eq = ChannelEq::new(fs, &p);
    let n = 48_000;
    let mut x: Vec<f32> = (0..n)
        .map(|i| (2.0 * PI * 100.0 * i as f64 / fs).sin() as f32)
        .collect();
    let (a, b) = x.split_at_mut(10_000);
    eq.process_mono(a);
    p.bands[2].gain_db = 12.0;
    p.bands[2].freq_hz = 2000.0;
    eq.set_params(&p);
    eq.process_mono(b);
    let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64;
    let max_slope = peak * 2.0 * PI * 100.0 / fs;
    let worst = x[9000..]
        .windows(2)
        .map(|w| ((w[1] - w[0]) as f64).abs())
        .fold(0.0, f64::max);
    eprintln!("glide: peak {peak}, worst step {worst}, sine bound {max_slope}");
    assert!(worst <= max_slope * 1.05 + 1e-6);
}

#[test]
fn gliding_to_exactly_0_db_and_back_does_not_click() {
    // Issue 14 item 1: a shelf or bell that reaches exactly 0 dB is a pass-through in steady
    // state only; its state still rings with the old resonance. Clearing it there stepped the
    // output (1.44 FS for a 100 Hz bell, Q 4, +12 → 0 dB on a full-scale 100 Hz sine). Each
    // band glides to 0 dB, rests there, glides back; every sample-to-sample change stays within
    // what a sine of that frequency can do at the largest amplitude reached (2·sin(π·f/fs)·peak,
    // Bernstein), and the band is skipped (bypassed) once its state has rung out.
    let fs = 48_000.0;
    let cases = [
        (2, 100.0, 100.0, 4.0, 12.0),
        (2, 60.0, 60.0, 8.0, -12.0),
        (3, 1000.0, 1000.0, 20.0, 24.0),
        (1, 150.0, 100.0, 2.0, 12.0),
        (4, 70.0, 100.0, 2.0, -12.0),
    ];
    let mut clicks = Vec::new();
    for (b, freq, f, q, gain_db) in cases {
        let mut p = strip_eq();
        p.bands[b] = BandParams {
            enabled: true,
            freq_hz: freq,
            gain_db,
            q,
            ..band(b)
        };
        let mut eq = ChannelEq::new(fs, &p);
        let n = 5 * 48_000;
        let mut x: Vec<f32> = (0..n)
            .map(|i| (2.0 * PI * f * i as f64 / fs).sin() as f32)
            .collect();
        let (at_zero, back) = (24_000, 4 * 48_000);
        eq.process_mono(&mut x[..at_zero]);
        p.bands[b].gain_db = 0.0;
        eq.set_params(&p);
        eq.process_mono(&mut x[at_zero..back]);
        let skipped = eq.is_bypassed();
        p.bands[b].gain_db = gain_db;
        eq.set_params(&p);
        eq.process_mono(&mut x[back..]);
        // Local amplitude: the largest |y| within two periods (blocks of one period) of k.
        let period = (fs / f).ceil() as usize;
        let block_max: Vec<f64> = x
            .chunks(period)
            .map(|c| c.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64)
            .collect();
        let slope = 2.0 * (PI * f / fs).sin() * 1.05;
        let (mut worst, mut at, mut bound) = (0.0f64, 0, 0.0f64);
        for k in 12_000..n {
            let j = k / period;
            let a = block_max[j.saturating_sub(2)..(j + 3).min(block_max.len())]
                .iter()
                .fold(0.0f64, |m, &v| m.max(v));
            let step = ((x[k] - x[k - 1]) as f64).abs();
            let limit = slope * a + 1e-6;
            if step / limit > worst / bound.max(1e-12) || k == 12_000 {
                (worst, at, bound) = (step, k, limit);
            }
        }
        eprintln!(
            "band {b} {freq} Hz Q {q} {gain_db:+} dB ↔ 0 dB on {f} Hz: worst step {worst:.4} at \
             {at} (bound {bound:.4})"
        );
        if worst > bound || !skipped {
            clicks.push((b, freq, q, gain_db, worst, bound, skipped));
        }
    }
    assert!(
        clicks.is_empty(),
        "steps (band, Hz, Q, dB, step, bound, skipped): {clicks:?}"
    );
}

#[test]
fn switching_a_band_on_and_off_crossfades_without_clicks() {
    let fs = 48_000.0;
    let mut p = strip_eq();
    p.bands[3] = BandParams {
        enabled: false,
        freq_hz: 1000.0,
        gain_db: 12.0,
        q: 2.0,
        ..band(3)
    };
    // The high-pass at 24 dB/oct switched on and off too: its sections start from zero state.
    p.bands[0] = BandParams {
        enabled: false,
        freq_hz: 300.0,
        slope: Slope::Db24,
        ..band(0)
    };
    let mut eq = ChannelEq::new(fs, &p);
    assert!(eq.is_bypassed());
    let n = 30_000;
    let mut x: Vec<f32> = (0..n)
        .map(|i| (0.25 * (2.0 * PI * 1000.0 * i as f64 / fs).sin()) as f32)
        .collect();
    let dry = x.clone();
    eq.process_mono(&mut x[..5000]);
    assert_eq!(&x[..5000], &dry[..5000], "bypassed EQ is bit-exact");
    p.bands[3].enabled = true;
    p.bands[0].enabled = true;
    eq.set_params(&p);
    eq.process_mono(&mut x[5000..15_000]);
    p.bands[3].enabled = false;
    p.bands[0].enabled = false;
    eq.set_params(&p);
    eq.process_mono(&mut x[15_000..]);
    // The boosted sine reaches 4× (+12 dB); a 1 kHz sine of amplitude 1 changes by at most
    // 2π·1000/48000 per sample.
    let max_slope = 1.0 * 2.0 * PI * 1000.0 / fs;
    for w in x.windows(2) {
        assert!(((w[1] - w[0]) as f64).abs() <= max_slope * 1.05);
    }
    // Fully on in the middle: amplitude ≈ 1.0 (+12 dB of 0.25; the HP at 300 Hz is flat at 1 kHz
    // within a fraction of a dB).
    let mid = x[12_000..14_000].iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!((mid - 1.0).abs() < 0.02, "{mid}");
    // Off again and settled: exact bypass.
    assert!(eq.is_bypassed());
    assert_eq!(&x[20_000..], &dry[20_000..]);
}

#[test]
fn extreme_and_invalid_parameters_stay_finite() {
    let fs = 44_100.0;
    let mut rng = Rng::new(7);
    let wild = [
        0.0,
        -1.0,
        1e9,
        f32::NAN,
        f32::INFINITY,
        -f32::INFINITY,
        1e-9,
        5.0,
    ];
    let mut p = strip_eq();
    let mut eq = ChannelEq::new(fs, &p);
    let mut l = vec![0.0f32; 256];
    let mut r = vec![0.0f32; 256];
    for round in 0..400 {
        for b in 0..EQ_BANDS {
            let pick = |rng: &mut Rng| wild[rng.below(wild.len() as u32) as usize];
            p.bands[b] = BandParams {
                kind: LAYOUT[b],
                enabled: rng.below(4) != 0,
                freq_hz: if rng.below(2) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(5.0, 30_000.0) as f32
                },
                gain_db: if rng.below(2) == 0 {
                    pick(&mut rng) * 100.0
                } else {
                    rng.uniform(-40.0, 40.0) as f32
                },
                q: if rng.below(2) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(0.0, 40.0) as f32
                },
                slope: if rng.below(2) == 0 {
                    Slope::Db12
                } else {
                    Slope::Db24
                },
            };
        }
        eq.set_params(&p);
        for i in 0..256 {
            l[i] = rng.uniform(-1.0, 1.0) as f32;
            r[i] = if round % 3 == 0 {
                1.0
            } else {
                rng.uniform(-1.0, 1.0) as f32
            };
        }
        eq.process_stereo(&mut l, &mut r);
        for v in l.iter().chain(r.iter()) {
            // ±24 dB of boost over a few bands bounds the gain; instability would blow up.
            assert!(v.is_finite() && v.abs() < 1e4, "round {round}: {v}");
        }
    }
    for b in &eq.params().bands {
        assert!(b.freq_hz >= 10.0 && b.freq_hz <= 0.49 * 44_100.0);
        assert!((0.1..=20.0).contains(&b.q));
        assert!(b.gain_db.abs() <= 24.0);
    }
}

#[test]
fn reset_finishes_glides_and_clears_state() {
    let fs = 48_000.0;
    let mut p = full_eq(true);
    let mut eq = ChannelEq::new(fs, &p);
    let mut x = vec![0.5f32; 100];
    eq.process_mono(&mut x);
    p.bands[2].enabled = false;
    p.bands[3].freq_hz = 5000.0;
    eq.set_params(&p);
    eq.process_mono(&mut x[..20]);
    eq.reset();
    // Settled at the new parameters with zero state: identical to a fresh EQ.
    let mut fresh = ChannelEq::new(fs, &p);
    let mut a = vec![0.25f32; 2000];
    let mut b = a.clone();
    eq.process_mono(&mut a);
    fresh.process_mono(&mut b);
    assert_eq!(a, b);
}

/// Bit-identical output for any block partition, with parameter changes at the same sample
/// positions (set between blocks where the partition puts a boundary there).
#[test]
fn block_partition_invariance() {
    let fs = 48_000.0;
    let n = 12_000;
    let mut rng = Rng::new(42);
    let input_l: Vec<f32> = (0..n).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
    let input_r: Vec<f32> = (0..n).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
    // Parameter changes at fixed positions.
    let mut changes = Vec::new();
    let mut p = full_eq(false);
    for (k, pos) in [1000usize, 1003, 2500, 4001, 7777].into_iter().enumerate() {
        p.bands[k % EQ_BANDS].enabled = !p.bands[k % EQ_BANDS].enabled;
        p.bands[(k + 2) % EQ_BANDS].freq_hz *= 1.7;
        p.bands[(k + 3) % EQ_BANDS].gain_db -= 5.0;
        p.bands[5].slope = if k % 2 == 0 { Slope::Db24 } else { Slope::Db12 };
        changes.push((pos, p));
    }
    let render = |parts: &[usize], mono: bool| {
        let mut eq = ChannelEq::new(fs, &full_eq(false));
        let mut l = input_l.clone();
        let mut r = input_r.clone();
        let mut pos = 0;
        for &len in parts {
            for (cpos, cp) in &changes {
                if *cpos == pos {
                    eq.set_params(cp);
                }
            }
            if mono {
                eq.process_mono(&mut l[pos..pos + len]);
            } else {
                eq.process_stereo(&mut l[pos..pos + len], &mut r[pos..pos + len]);
            }
            pos += len;
        }
        (l, r)
    };
    let cut_points: Vec<usize> = changes.iter().map(|c| c.0).collect();
    for mono in [false, true] {
        let reference = render(&random_partition(&mut Rng::new(1), n, &cut_points, 1), mono);
        for seed in 2..6 {
            let parts = random_partition(&mut Rng::new(seed), n, &cut_points, 700);
            assert_eq!(render(&parts, mono), reference, "seed {seed}");
        }
        let whole: Vec<usize> = {
            let mut v = Vec::new();
            let mut last = 0;
            for c in cut_points.iter().chain(std::iter::once(&n)) {
                v.push(c - last);
                last = *c;
            }
            v
        };
        assert_eq!(render(&whole, mono), reference);
    }
}

#[test]
fn a_change_of_band_kind_restarts_settled_at_the_new_layout() {
    let fs = 48_000.0;
    let mut eq = ChannelEq::new(fs, &full_eq(true));
    let mut x: Vec<f32> = (0..512)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    eq.process_mono(&mut x);
    // The high-pass becomes a bell: one section fewer, laid out again.
    let mut p = full_eq(true);
    p.bands[0] = BandParams {
        kind: BandKind::Peak,
        enabled: true,
        freq_hz: 200.0,
        gain_db: 6.0,
        q: 1.0,
        slope: Slope::Db12,
    };
    eq.set_params(&p);
    let mut fresh = ChannelEq::new(fs, &p);
    let input: Vec<f32> = (0..2048)
        .map(|i| ((i * 53 % 97) as f32 / 48.0) - 1.0)
        .collect();
    let (mut a, mut b) = (input.clone(), input);
    eq.process_mono(&mut a);
    fresh.process_mono(&mut b);
    assert_eq!(a, b, "the same as an EQ built with the new kinds");
    assert_eq!(eq.first, fresh.first);
    assert_eq!(eq.used, 7);
}
