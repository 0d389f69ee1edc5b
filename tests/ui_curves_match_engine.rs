//! What the window draws is what the engine plays: the EQ and compressor curves the strips and
//! the editor draw (`ui::curves`) equal the response measured through the engine's mix graph,
//! within 0.1 dB, for settings far outside every range (so the clamps must agree too).
//!
//! EQ: one sine per drawn frequency through a track with the EQ, against the same track with
//! the EQ off (which cancels pan law and bus gains). Compressor: steady sines at drawn input
//! levels through an RMS-detecting compressor (the detector level of a sine whose period
//! divides the 10 ms window is constant), against the compressor off.

mod common;

use common::{fit_sine, sine};
use std::f64::consts::PI;
use std::sync::Arc;
use stemmix::engine::graph::MixGraph;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::media::StemAudio;
use stemmix::project::{
    CompressorSettings, Detector, EqBand, EqSettings, PassBand, Project, Slope, Track,
};
use stemmix::ui::curves::{self, COMPRESSOR_POINTS, EDITOR_POINTS};
use stemmix::ui::widgets::curve::{comp_input_db, eq_frequency};

const RATE: u32 = 48_000;
/// Length of each render; the fit uses the last part, after every filter has settled.
const FRAMES: usize = 48_000;
const FIT_FROM: usize = 28_800;
const TOLERANCE_DB: f64 = 0.1;

/// A project with one mono track playing `signal`, master limiter off.
fn project(eq: EqSettings, compressor: CompressorSettings) -> Project {
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    p.master.limiter.enabled = false;
    p.tracks.push(Track {
        eq,
        compressor,
        ..Track::for_source("sine.wav".into())
    });
    p
}

/// Amplitude of the `freq` sine in the left output of `p` playing `signal`.
fn amplitude_through(p: &Project, signal: &[f32], freq: f64) -> f64 {
    let stem = Arc::new(StemAudio::from_channels(vec![signal.to_vec()], RATE));
    let mut graph = MixGraph::from_project(p, &|_| Some(stem.clone()), 512);
    let opts = RenderOptions::playback(0, FRAMES as u64);
    let (out, _) = render::render_to_memory(&mut graph, &opts, &mut RenderControl::default())
        .expect("an in-memory render cannot fail");
    let [left, _] = out.audio;
    let omega = 2.0 * PI * freq / f64::from(RATE);
    let fit = fit_sine(&left, omega, FIT_FROM..FRAMES);
    assert!(
        fit.residual_rms < 1e-3 * fit.amplitude.max(1e-9),
        "{freq} Hz: not a clean sine at the output ({fit:?})"
    );
    fit.amplitude
}

/// `x` faded in over 50 ms (raised cosine), so the filters' start-up transients stay small.
fn faded_in(mut x: Vec<f32>) -> Vec<f32> {
    let n = (RATE / 20) as usize;
    for (i, s) in x.iter_mut().take(n).enumerate() {
        *s *= (0.5 - 0.5 * (PI * i as f64 / n as f64).cos()) as f32;
    }
    x
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

#[test]
fn drawn_eq_curve_is_the_engines_response() {
    // The bell sits on a drawn frequency so the test looks at the top of its resonance.
    let bell_at = 120;
    let eq = EqSettings {
        // 5 Hz: below the EQ's 10 Hz floor.
        high_pass: PassBand {
            enabled: true,
            freq_hz: 5.0,
            q: 0.7,
            slope: Slope::Db24,
        },
        // Q 0.01: below the EQ's 0.1.
        low_shelf: EqBand {
            enabled: true,
            freq_hz: 120.0,
            gain_db: -40.0,
            q: 0.01,
        },
        // +40 dB and Q 100: beyond the EQ's ±24 dB and Q 20.
        peak1: EqBand {
            enabled: true,
            freq_hz: eq_frequency(bell_at, EDITOR_POINTS),
            gain_db: 40.0,
            q: 100.0,
        },
        peak2: EqBand {
            enabled: true,
            freq_hz: 3_000.0,
            gain_db: -40.0,
            q: 3.0,
        },
        // 30 kHz: above 0.49 × 48 kHz.
        high_shelf: EqBand {
            enabled: true,
            freq_hz: 30_000.0,
            gain_db: 40.0,
            q: 0.7,
        },
        low_pass: PassBand {
            enabled: true,
            freq_hz: 30_000.0,
            q: 0.7,
            slope: Slope::Db24,
        },
    };
    let off = CompressorSettings::default();
    let with_eq = project(eq, off);
    let flat = project(EqSettings::default(), off);
    let drawn = curves::eq_db(&eq, RATE, EDITOR_POINTS);

    let mut points: Vec<usize> = (0..EDITOR_POINTS).step_by(12).collect();
    points.extend(bell_at - 3..=bell_at + 3);
    points.push(EDITOR_POINTS - 1);
    let mut worst = (0.0f64, 0.0f32);
    for &i in &points {
        let f = eq_frequency(i, EDITOR_POINTS);
        let x = faded_in(sine(f64::from(f), RATE, FRAMES, 0.01));
        let heard = db(amplitude_through(&with_eq, &x, f64::from(f))
            / amplitude_through(&flat, &x, f64::from(f)));
        let error = (heard - f64::from(drawn[i])).abs();
        assert!(
            error <= TOLERANCE_DB,
            "{f:.1} Hz: drawn {:.3} dB, heard {heard:.3} dB",
            drawn[i]
        );
        if error > worst.0 {
            worst = (error, f);
        }
    }
    // The settings reach far enough to matter: the bell stands 20 dB above its neighbourhood,
    // and the curve spans more than 40 dB.
    assert!(drawn[bell_at] - drawn[bell_at + 12] > 20.0, "{drawn:?}");
    let (lo, hi) = drawn
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &d| {
            (a.min(d), b.max(d))
        });
    assert!(hi - lo > 40.0, "{lo} … {hi}");
    eprintln!(
        "EQ: {} frequencies, worst difference {:.6} dB at {:.1} Hz",
        points.len(),
        worst.0,
        worst.1
    );
}

#[test]
fn drawn_compressor_curve_is_the_engines_static_curve() {
    // 1 kHz: 48 samples per period, so the 10 ms RMS window holds exactly ten periods.
    let freq = 1_000.0;
    let settings = [
        // Threshold +10 dB, ratio 1000 and knee 60 dB: above their ranges (0 dB, 100:1, 24 dB),
        // so both sides must clamp alike.
        CompressorSettings {
            enabled: true,
            threshold_db: 10.0,
            ratio: 1000.0,
            attack_ms: 1.0,
            release_ms: 40.0,
            knee_db: 60.0,
            makeup_db: 0.0,
            detector: Detector::Rms,
        },
        // A hard knee at −30 dB, ratio below 1 (compressors do not expand: 1:1).
        CompressorSettings {
            enabled: true,
            threshold_db: -30.0,
            ratio: 1000.0,
            attack_ms: 1.0,
            release_ms: 40.0,
            knee_db: -5.0,
            makeup_db: 0.0,
            detector: Detector::Rms,
        },
    ];
    let mut worst = 0.0f64;
    for c in settings {
        let on = project(EqSettings::default(), c);
        let off = project(
            EqSettings::default(),
            CompressorSettings {
                enabled: false,
                ..c
            },
        );
        let drawn = curves::compressor_db(&c, COMPRESSOR_POINTS);
        for i in [10, 20, 30, 35, 40, 45, 50, 55, 58, 60] {
            // The drawn input level is the detector's: the RMS of the sine.
            let level = f64::from(comp_input_db(i, COMPRESSOR_POINTS));
            let amplitude = 10f64.powf(level / 20.0) * std::f64::consts::SQRT_2;
            let x = sine(freq, RATE, FRAMES, amplitude);
            let heard =
                level + db(amplitude_through(&on, &x, freq) / amplitude_through(&off, &x, freq));
            let error = (heard - f64::from(drawn[i])).abs();
            assert!(
                error <= TOLERANCE_DB,
                "{c:?}\ninput {level} dB: drawn {:.3} dB, heard {heard:.3} dB",
                drawn[i]
            );
            worst = worst.max(error);
        }
        // Compression happened at the clamped settings. For the first: 0 dB in sits 12 dB into a
        // 24 dB knee at 0 dB threshold, slope 1 − 1/100, so GR = 0.99·12²/(2·24) = 2.97 dB.
        if c.threshold_db > 0.0 {
            assert!((drawn[60] + 2.97).abs() < 1e-3, "{:?}", &drawn[50..]);
        } else {
            assert!(drawn[60] < -20.0, "{:?}", &drawn[50..]);
        }
    }
    eprintln!("compressor: worst difference {worst:.6} dB");
}
