//! Throughput of the dsp processors in ns per frame (stereo unless noted), on one core.
//!
//! `cargo bench --bench dsp` (release build). Each processor runs 128-frame blocks of noise,
//! 15 rounds of 0.2 s of audio; the figure is the best round, so other load on the machine
//! inflates it as little as possible.

use std::hint::black_box;
use std::time::Instant;
use stemmix::dsp::{
    BandKind, BandParams, ChannelEq, Compressor, CompressorParams, Detector, EqParams,
    FlushDenormals, LevelMeter, LimiterParams, LoudnessMeter, Ramp, Reverb, ReverbParams, Slope,
    TruePeakLimiter, TruePeakMeter,
};

const FS: f64 = 48_000.0;
const BLOCK: usize = 128;

fn noise(n: usize, seed: u64, amp: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) as f32 * amp
        })
        .collect()
}

/// Runs `f` over the buffers block by block and prints ns per frame (best of 5 rounds).
/// Arguments after `--` filter by name (substring); `STEMMIX_BENCH_SECONDS` sets the length of
/// a round (default 0.5 s of audio), e.g. for profiling one processor.
fn measure(name: &str, mut f: impl FnMut(&mut [f32], &mut [f32])) {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return;
    }
    let seconds: f64 = std::env::var("STEMMIX_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.2);
    let frames = (FS * seconds) as usize / BLOCK * BLOCK;
    // One second of noise feeds a cache-resident block buffer, as the engine's blocks are.
    let src_l = noise(FS as usize, 1, 0.5);
    let src_r = noise(FS as usize, 2, 0.5);
    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let mut best = f64::INFINITY;
    let mut pos = 0;
    // Many short rounds: the minimum is the run least disturbed by other work on the machine.
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..frames / BLOCK {
            if pos + BLOCK > src_l.len() {
                pos = 0;
            }
            l.copy_from_slice(&src_l[pos..pos + BLOCK]);
            r.copy_from_slice(&src_r[pos..pos + BLOCK]);
            pos += BLOCK;
            f(&mut l, &mut r);
            black_box((&l, &r));
        }
        let ns = t.elapsed().as_nanos() as f64 / frames as f64;
        best = best.min(ns);
    }
    println!("{name:<48} {best:>8.2} ns/frame");
}

/// One `LoudnessMeter::reading()` (the short-term window is re-summed on each call).
fn loudness_reading_cost(m: &mut LoudnessMeter) {
    let name = "loudness meter reading() (per call)";
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return;
    }
    let mut best = f64::INFINITY;
    for _ in 0..50 {
        let t = Instant::now();
        black_box(m.reading());
        best = best.min(t.elapsed().as_nanos() as f64);
    }
    println!("{name:<48} {:>8.1} µs", best / 1e3);
}

/// The decaying tail after the input stops (before the reverb falls idle), with flush-to-zero
/// off: must cost no more than processing signal.
fn reverb_tail_without_ftz() {
    let name = "reverb, decaying tail, no FTZ guard";
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return;
    }
    {
        assert!(!FlushDenormals::is_active());
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let mut rev = Reverb::new(
                FS,
                &ReverbParams {
                    decay_s: 0.3,
                    ..Default::default()
                },
            );
            let mut l = noise(BLOCK, 3, 0.5);
            let mut r = noise(BLOCK, 4, 0.5);
            for _ in 0..100 {
                rev.process(&mut l, &mut r);
            }
            // 1 s of silence: the tail decays by 200 dB.
            let frames = FS as usize / BLOCK * BLOCK;
            let t = Instant::now();
            for _ in 0..frames / BLOCK {
                l.fill(0.0);
                r.fill(0.0);
                rev.process(&mut l, &mut r);
            }
            best = best.min(t.elapsed().as_nanos() as f64 / frames as f64);
        }
        println!("{name:<48} {best:>8.2} ns/frame");
    }
}

fn main() {
    with_ftz();
    // After the guard is gone: the real-time path without flush-to-zero.
    reverb_tail_without_ftz();
}

fn with_ftz() {
    // The engine holds this guard around every graph process call; measure the same way.
    let _ftz = FlushDenormals::new();
    println!("dsp bench: {FS} Hz, {BLOCK}-frame blocks");

    let band = |kind: BandKind, freq_hz: f32, gain_db: f32, q: f32| BandParams {
        kind,
        enabled: true,
        freq_hz,
        gain_db,
        q,
        slope: Slope::Db24,
    };
    let eq_params = EqParams {
        bands: [
            band(BandKind::HighPass, 40.0, 0.0, 0.7),
            band(BandKind::LowShelf, 120.0, 3.0, 0.7),
            band(BandKind::Peak, 700.0, -4.0, 2.0),
            band(BandKind::Peak, 3000.0, 2.0, 1.0),
            band(BandKind::HighShelf, 9000.0, -2.0, 0.7),
            band(BandKind::LowPass, 16_000.0, 0.0, 0.7),
        ],
    };
    let mut eq = ChannelEq::new(FS, &eq_params);
    measure("EQ, 6 bands (HP/LP 24 dB), stereo", |l, r| {
        eq.process_stereo(l, r)
    });
    let mut eq_sse = ChannelEq::new(FS, &eq_params);
    eq_sse.force_sse2();
    measure("EQ, 6 bands (HP/LP 24 dB), stereo, SSE2 only", |l, r| {
        eq_sse.process_stereo(l, r)
    });
    let mut eq_mono = ChannelEq::new(FS, &eq_params);
    measure("EQ, 6 bands (HP/LP 24 dB), mono", |l, _| {
        eq_mono.process_mono(l)
    });
    let mut eq_off = ChannelEq::new(FS, &EqParams::default());
    measure("EQ, all bands off", |l, r| eq_off.process_stereo(l, r));

    let comp_params = CompressorParams {
        threshold_db: -30.0,
        ratio: 4.0,
        attack_ms: 5.0,
        release_ms: 100.0,
        knee_db: 6.0,
        makeup_db: 3.0,
        ..Default::default()
    };
    let mut comp = Compressor::new(FS, &comp_params);
    measure("compressor, peak, compressing, stereo", |l, r| {
        comp.process_stereo(l, r)
    });
    let mut comp_rms = Compressor::new(
        FS,
        &CompressorParams {
            detector: Detector::Rms,
            ..comp_params
        },
    );
    measure("compressor, RMS, compressing, stereo", |l, r| {
        comp_rms.process_stereo(l, r)
    });
    let mut comp_idle = Compressor::new(
        FS,
        &CompressorParams {
            threshold_db: 0.0,
            makeup_db: 0.0,
            ..comp_params
        },
    );
    measure("compressor, below threshold, stereo", |l, r| {
        comp_idle.process_stereo(l, r)
    });

    let mut lim = TruePeakLimiter::new(
        FS,
        2,
        &LimiterParams {
            enabled: true,
            ceiling_dbtp: -12.0,
            release_ms: 50.0,
        },
    );
    measure("true-peak limiter, limiting, stereo", |l, r| {
        lim.process_stereo(l, r)
    });

    let mut rev = Reverb::new(FS, &ReverbParams::default());
    measure("reverb, noise input", |l, r| rev.process(l, r));
    let mut rev_idle = Reverb::new(FS, &ReverbParams::default());
    measure("reverb, silent input (idle)", |l, r| {
        l.fill(0.0);
        r.fill(0.0);
        rev_idle.process(l, r)
    });

    let mut tp = TruePeakMeter::new(2);
    measure("true-peak meter, stereo", |l, r| tp.process_stereo(l, r));

    let mut loud = LoudnessMeter::new(FS as u32, 2).unwrap();
    measure("loudness meter (M/S/I + true peak), stereo", |l, r| {
        loud.process(&[l, r])
    });
    loudness_reading_cost(&mut loud);

    let mut levels = LevelMeter::new(2);
    measure("level meter (peak/RMS/clip), stereo", |l, r| {
        levels.process_stereo(l, r)
    });
    let mut fader = Ramp::new(FS, 20.0, 1.0);
    let mut flip = false;
    measure("gain ramp, moving every block, stereo", |l, r| {
        flip = !flip;
        fader.set_target(if flip { 0.5 } else { 1.0 });
        fader.apply_stereo(l, r);
    });
}
