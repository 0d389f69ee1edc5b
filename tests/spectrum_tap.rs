//! The live spectrum against math: the real-time renderer taps one track (before or after its
//! EQ) while it plays, the control side computes the spectrum, and a sine of amplitude A at f
//! shows its peak at the FFT bin of f with level 20·log10(A) (plus the EQ's gain at f after the
//! EQ), within 0.1 dB for a bin-centred tone and 1.5 dB (the Hann window's worst scalloping,
//! 1.42 dB) for any other. The other tracks never leak into it.

mod common;
#[path = "support/synth_project.rs"]
mod synth;

use std::collections::HashMap;
use stemmix::engine::graph::MixGraph;
use stemmix::engine::handle::{EngineHandle, SPECTRUM_POINTS};
use stemmix::engine::slot::Render;
use stemmix::engine::spectrum_tap::{FFT_SIZE, TapPoint, display_hz};
use stemmix::project::{EqBand, Project, Track};

const RATE: u32 = 48_000;

/// Index of the largest value.
fn argmax(v: &[f32]) -> usize {
    (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap()
}

/// Plays `seconds` of `project` (track `i` a mono sine at `freqs[i]`, amplitude `amp`) with
/// track 0 tapped at `point`; returns the handle after its last tick.
fn play(freqs: &[f64], amp: f64, point: TapPoint, boost_db: f32) -> (EngineHandle, f64) {
    let mut p = Project::default();
    let mut stems = HashMap::new();
    for (i, f) in freqs.iter().enumerate() {
        let mut t = Track::for_source(format!("t{i}.wav").into());
        t.eq.peak1 = EqBand {
            enabled: true,
            freq_hz: freqs[0] as f32,
            gain_db: boost_db,
            q: 1.0,
        };
        stems.insert(
            t.id,
            synth::stem(vec![common::sine(*f, RATE, RATE as usize * 2, amp)], RATE),
        );
        p.tracks.push(t);
    }
    let id = p.tracks[0].id;
    let mut h = EngineHandle::new(MixGraph::from_project(
        &p,
        &|t| stems.get(&t.id).cloned(),
        512,
    ));
    h.spectrum_mut().select(Some((id, TapPoint::PreEq)));
    h.spectrum_mut().select(Some((id, point)));
    h.play();
    let slot = h.renderer();
    let mut buf = vec![0.0f32; 512 * 2];
    // One second of 512-frame callbacks, a display tick every eight of them (~12 Hz).
    for i in 0..(RATE as usize / 512) {
        slot.with(|e| e.render(&mut buf, 2)).unwrap();
        if i % 8 == 7 {
            h.tick();
        }
    }
    h.tick();
    let bin_hz = h.spectrum().bin_hz(1);
    (h, bin_hz)
}

#[test]
fn a_sine_peaks_at_its_bin_with_its_level_before_and_after_the_eq() {
    let bin_hz = f64::from(RATE) / FFT_SIZE as f64;
    let k = 100;
    let f = k as f64 * bin_hz; // bin-centred: 1171.875 Hz
    let amp: f64 = 0.5;
    let want = 20.0 * amp.log10(); // −6.02 dB
    // A second track at 5 kHz, louder, must not show.
    let (h, b) = play(&[f, 5000.0], amp, TapPoint::PreEq, 6.0);
    assert!((b - bin_hz).abs() < 1e-9);
    let s = h.spectrum().bins_db();
    assert_eq!(argmax(s), k);
    assert!((f64::from(s[k]) - want).abs() < 0.1, "pre-EQ {} dB", s[k]);
    let other = (5000.0 / bin_hz).round() as usize;
    assert!(
        s[other] < -90.0,
        "the untapped track leaks: {} dB",
        s[other]
    );

    // After a +6 dB bell at f the same tone reads 6 dB higher.
    let (h, _) = play(&[f, 5000.0], amp, TapPoint::PostEq, 6.0);
    let s = h.spectrum().bins_db();
    assert_eq!(argmax(s), k);
    assert!(
        (f64::from(s[k]) - (want + 6.0)).abs() < 0.1,
        "post-EQ {} dB",
        s[k]
    );
    // The compressor's input (after the EQ): peak 2·0.5 = 0 dBFS, RMS 3 dB lower.
    let mut snap = Default::default();
    h.spectrum().snapshot_into(&mut snap);
    let snap: stemmix::engine::spectrum_tap::SpectrumSnapshot = snap;
    assert!(snap.live);
    assert!(snap.comp_peak_db.abs() < 0.2, "{}", snap.comp_peak_db);
    assert!(
        (snap.comp_rms_db + 3.01).abs() < 0.2,
        "{}",
        snap.comp_rms_db
    );
    // The display point nearest f shows the tone's level too.
    let n = SPECTRUM_POINTS;
    let i = (0..n)
        .min_by(|&a, &b| {
            let d = |i| (f64::from(display_hz(i, n)) / f).ln().abs();
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    assert_eq!(argmax(&snap.display_db), i);
    assert!((f64::from(snap.display_db[i]) - (want + 6.0)).abs() < 1.5);
    assert!(snap.peak_db[i] >= snap.display_db[i]);
}

#[test]
fn an_off_bin_sine_peaks_at_the_nearest_bin_within_the_scalloping_loss() {
    let amp: f64 = 0.25;
    for f in [440.0, 1000.0, 3333.3, 12_345.0] {
        let (h, bin_hz) = play(&[f], amp, TapPoint::PreEq, 0.0);
        let s = h.spectrum().bins_db();
        let k = (f / bin_hz).round() as usize;
        assert_eq!(argmax(s), k, "{f} Hz");
        let err = f64::from(s[k]) - 20.0 * amp.log10();
        assert!((-1.5..0.05).contains(&err), "{f} Hz: {err} dB off");
    }
}

#[test]
fn stopping_lets_the_display_fall() {
    let (mut h, _) = play(&[1000.0], 0.5, TapPoint::PostEq, 0.0);
    h.stop();
    let later = std::time::Instant::now() + std::time::Duration::from_secs(30);
    h.tick_at(later);
    let mut snap = stemmix::engine::spectrum_tap::SpectrumSnapshot::default();
    h.spectrum().snapshot_into(&mut snap);
    assert!(!snap.live);
    assert!(snap.settled(), "{:?}", &snap.display_db[..4]);
}
