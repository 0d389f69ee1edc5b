//! What the window draws is what the engine plays: the curve functions it calls
//! (`engine::params::eq_response_db`, `engine::params::compressor_output_db`) agree within
//! 0.1 dB with sines and steady levels rendered through the mix graph by the render driver —
//! also for settings far outside their ranges, which both sides limit the same way.

use std::sync::Arc;
use stemmix::engine::MixGraph;
use stemmix::engine::params;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::media::StemAudio;
use stemmix::project::{CompressorSettings, Detector, EqSettings, Project, Track};

const RATE: u32 = 48_000;
/// Rendered length; the last `WINDOW` frames are measured (whole periods of every test tone).
const FRAMES: usize = 48_000;
const WINDOW: usize = 12_000;

/// Output level in dB of a stereo stem (`channel` on both sides) through one track with `eq`
/// and `comp`, relative to the stem, over the last `WINDOW` frames.
fn gain_through_engine(channel: Vec<f32>, eq: EqSettings, comp: CompressorSettings) -> f64 {
    let mut t = Track::for_source("/virtual/tone.wav".into());
    t.eq = eq;
    t.compressor = comp;
    let p = Project {
        sample_rate: RATE,
        tracks: vec![t],
        ..Project::default()
    };
    let stem = Arc::new(StemAudio::from_channels(
        vec![channel.clone(), channel.clone()],
        RATE,
    ));
    let mut g = MixGraph::from_project(&p, &|_| Some(stem.clone()), 1024);
    let opts = RenderOptions::playback(0, FRAMES as u64);
    let (out, _) = render::render_to_memory(&mut g, &opts, &mut RenderControl::default()).unwrap();
    let rms =
        |x: &[f32]| (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
    let tail = FRAMES - WINDOW..FRAMES;
    20.0 * (rms(&out.audio[0][tail.clone()]) / rms(&channel[tail])).log10()
}

#[test]
fn the_drawn_eq_curve_is_the_processed_response_even_out_of_range() {
    let mut eq = EqSettings::default();
    eq.low_shelf.enabled = true;
    eq.low_shelf.freq_hz = 5.0; // below the range: 20 Hz
    eq.low_shelf.gain_db = 40.0; // +24 dB
    eq.peak1.enabled = true;
    eq.peak1.freq_hz = 1000.0;
    eq.peak1.gain_db = -50.0; // −24 dB
    eq.peak1.q = 100.0; // 18
    eq.peak2.enabled = true;
    eq.peak2.freq_hz = 30_000.0; // 20 kHz
    eq.peak2.gain_db = 30.0; // +24 dB
    eq.peak2.q = 0.01; // 0.1
    eq.high_shelf.enabled = true;
    eq.high_shelf.freq_hz = 8000.0;
    eq.high_shelf.gain_db = -100.0; // −24 dB
    let freqs = [40.0f32, 100.0, 400.0, 1000.0, 3000.0, 8000.0, 16_000.0];
    let drawn = params::eq_response_db(&eq, RATE, &freqs);
    for (&f, &want) in freqs.iter().zip(&drawn) {
        let tone: Vec<f32> = (0..FRAMES)
            .map(|n| {
                0.01 * (std::f64::consts::TAU * f64::from(f) * n as f64 / RATE as f64).sin() as f32
            })
            .collect();
        let got = gain_through_engine(tone, eq, CompressorSettings::default());
        eprintln!("{f} Hz: drawn {want:.3} dB, processed {got:.3} dB");
        assert!(
            (got - f64::from(want)).abs() < 0.1,
            "{f} Hz: drawn {want} dB, processed {got} dB"
        );
    }
    // The limits did act: without them the drawn curve would show the 40 dB shelf.
    assert!(drawn[0] < 24.5, "{drawn:?}");
}

#[test]
fn the_drawn_compressor_curve_is_the_processed_level_even_out_of_range() {
    let comp = CompressorSettings {
        enabled: true,
        threshold_db: -100.0, // −60 dB
        ratio: 1000.0,        // 100:1
        knee_db: 50.0,        // 24 dB
        makeup_db: 100.0,     // 36 dB
        attack_ms: 0.001,     // 0.05 ms
        release_ms: 20.0,
        detector: Detector::Peak,
    };
    let levels = [-70.0f32, -60.0, -50.0];
    let drawn = params::compressor_output_db(&comp, &levels);
    for (&level, &out) in levels.iter().zip(&drawn) {
        // A steady level: DC, which the peak detector reads as exactly that level.
        let dc = vec![10f32.powf(level / 20.0); FRAMES];
        let got = level as f64 + gain_through_engine(dc, EqSettings::default(), comp);
        eprintln!("{level} dB in: drawn {out:.3} dB, processed {got:.3} dB");
        assert!(
            (got - f64::from(out)).abs() < 0.1,
            "{level} dB in: drawn {out} dB, processed {got} dB"
        );
    }
    assert!(drawn[2] < -50.0 + 36.0, "compressed: {drawn:?}");
}
