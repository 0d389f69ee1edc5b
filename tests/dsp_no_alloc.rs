//! Every dsp processor is real-time safe after construction: processing, parameter changes,
//! meter readings and resets never allocate or free. The global allocator below aborts the test
//! binary on any (de)allocation inside `assert_no_alloc`.

use assert_no_alloc::{AllocDisabler, assert_no_alloc};
use stemmix::dsp::{
    BandKind, BandParams, ChannelEq, Compressor, CompressorParams, Detector, EqParams,
    FlushDenormals, LevelMeter, LimiterParams, LoudnessMeter, Ramp, Reverb, ReverbParams, Slope,
    SpectrumAnalyzer, TruePeakLimiter, TruePeakMeter, mono_pan, stereo_balance,
};

#[global_allocator]
static A: AllocDisabler = AllocDisabler;

const FS: f64 = 48_000.0;

/// Deterministic noise.
fn fill_noise(buf: &mut [f32], seed: &mut u64, amp: f32) {
    for x in buf.iter_mut() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *x = ((*seed >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * amp;
    }
}

#[test]
fn processors_never_allocate_after_construction() {
    let band = |kind, enabled, freq_hz, gain_db, slope| BandParams {
        kind,
        enabled,
        freq_hz,
        gain_db,
        q: 1.0,
        slope,
    };
    let eq_a = EqParams {
        bands: [
            band(BandKind::HighPass, true, 40.0, 0.0, Slope::Db24),
            band(BandKind::LowShelf, true, 120.0, 3.0, Slope::Db12),
            band(BandKind::Peak, true, 700.0, -4.0, Slope::Db12),
            band(BandKind::Peak, false, 3000.0, 2.0, Slope::Db12),
            band(BandKind::HighShelf, true, 9000.0, -2.0, Slope::Db12),
            band(BandKind::LowPass, true, 16_000.0, 0.0, Slope::Db12),
        ],
    };
    let mut eq_b = eq_a;
    eq_b.bands[0].slope = Slope::Db12;
    eq_b.bands[3].enabled = true;
    eq_b.bands[2].freq_hz = 2500.0;
    eq_b.bands[5].slope = Slope::Db24;

    let comp_a = CompressorParams {
        threshold_db: -30.0,
        ..Default::default()
    };
    let comp_b = CompressorParams {
        threshold_db: -10.0,
        ratio: 8.0,
        makeup_db: 6.0,
        detector: Detector::Rms,
        ..Default::default()
    };
    let comp_off = CompressorParams {
        enabled: false,
        ..comp_b
    };
    let rev_b = ReverbParams {
        size: 0.1,
        decay_s: 0.3,
        pre_delay_ms: 100.0,
        damping: 1.0,
        width: 0.3,
    };
    let rev_a = ReverbParams::default();
    let lim_a = LimiterParams::default();
    let lim_b = LimiterParams {
        enabled: true,
        ceiling_dbtp: -6.0,
        release_ms: 10.0,
    };

    // Everything is built (and so allocated) up front.
    let mut eq = ChannelEq::new(FS, &eq_a);
    let mut eq_mono = ChannelEq::new(FS, &eq_a);
    let mut comp = Compressor::new(FS, &comp_a);
    let mut rev = Reverb::new(FS, &ReverbParams::default());
    let mut lim = TruePeakLimiter::new(FS, 2, &LimiterParams::default());
    let mut tp = TruePeakMeter::new(2);
    let mut levels = LevelMeter::new(2);
    let mut loudness = LoudnessMeter::new(FS as u32, 2).unwrap();
    let mut spectrum = SpectrumAnalyzer::new(2048);
    let mut ramp = Ramp::new(FS, 20.0, 1.0);
    let mut l = vec![0.0f32; 1024];
    let mut r = vec![0.0f32; 1024];
    let mut spec = vec![0.0f32; spectrum.bins()];
    let mut seed = 0x1234_5678_9abc_def1u64;
    let sizes = [1usize, 7, 64, 128, 333, 1024, 16, 2];

    assert_no_alloc(|| {
        let _ftz = FlushDenormals::new();
        for round in 0..120 {
            let n = sizes[round % sizes.len()];
            let (l, r) = (&mut l[..n], &mut r[..n]);
            if round % 40 < 25 {
                fill_noise(l, &mut seed, 0.8);
                fill_noise(r, &mut seed, 0.8);
            } else {
                // Silence: lets the reverb fall idle and the compressor release.
                l.fill(0.0);
                r.fill(0.0);
            }
            if round % 10 == 3 {
                let odd = round % 20 == 3;
                eq.set_params(if odd { &eq_b } else { &eq_a });
                eq_mono.set_params(if odd { &eq_a } else { &eq_b });
                comp.set_params(match round % 30 {
                    3 => &comp_b,
                    13 => &comp_off,
                    _ => &comp_a,
                });
                rev.set_params(if odd { &rev_b } else { &rev_a });
                lim.set_params(if odd { &lim_b } else { &lim_a });
                ramp.set_target(if odd { 0.1 } else { 1.0 });
            }
            eq_mono.process_mono(l);
            eq.process_stereo(l, r);
            comp.process_stereo(l, r);
            ramp.apply_stereo(l, r);
            let (pl, pr) = mono_pan(0.3);
            let (bl, br) = stereo_balance(-0.2);
            l.iter_mut().for_each(|x| *x *= pl * bl);
            r.iter_mut().for_each(|x| *x *= pr * br);
            levels.process_stereo(l, r);
            let mut send_l = [0.0f32; 1024];
            let mut send_r = [0.0f32; 1024];
            send_l[..n].copy_from_slice(l);
            send_r[..n].copy_from_slice(r);
            rev.process(&mut send_l[..n], &mut send_r[..n]);
            lim.process_stereo(l, r);
            tp.process_stereo(l, r);
            loudness.process(&[l, r]);
            spectrum.push(l);
            if round % 5 == 0 {
                let report = levels.take();
                let reading = loudness.reading();
                spectrum.compute(&mut spec);
                std::hint::black_box((
                    report,
                    reading,
                    comp.gain_reduction_db(),
                    lim.gain_reduction_db(),
                ));
                std::hint::black_box((tp.take_interval_peak(), tp.peak_dbtp(), rev.is_idle()));
            }
        }
        // Resets are real-time safe too.
        eq.reset();
        comp.reset();
        rev.reset();
        lim.reset();
        tp.reset();
        loudness.reset();
    });
    // Reset cleared the loudness meter.
    assert!(loudness.integrated_lufs() == f64::NEG_INFINITY);
}

/// The loudness meter keeps its fixed memory over a long run (histogram mode): a minute of
/// audio in 10 ms blocks with readings at 30 Hz.
#[test]
fn loudness_meter_is_allocation_free_over_a_long_run() {
    let mut m = LoudnessMeter::new(48_000, 2).unwrap();
    let mut l = vec![0.0f32; 480];
    let mut r = vec![0.0f32; 480];
    let mut seed = 99u64;
    let mut last = 0.0;
    assert_no_alloc(|| {
        for block in 0..6000 {
            fill_noise(&mut l, &mut seed, 0.3);
            fill_noise(&mut r, &mut seed, 0.3);
            m.process(&[&l, &r]);
            if block % 3 == 0 {
                last = m.reading().integrated_lufs;
            }
        }
    });
    assert!(last.is_finite() && last < 0.0 && last > -30.0, "{last}");
}
