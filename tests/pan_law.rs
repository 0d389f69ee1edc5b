//! The project's pan laws as the mix plays them: constant stems through the render driver (what
//! playback and the bounce run), their output against each law's formula; and a pan-law change
//! sent to a live graph sounds like a graph built with the new law.

use std::f64::consts::FRAC_PI_4;
use std::sync::Arc;
use stemmix::engine::command::GraphCommand;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::{MixGraph, sync};
use stemmix::media::StemAudio;
use stemmix::project::{MonoPanLaw, PanLaw, Project, StereoPanLaw, Track};

const RATE: u32 = 48_000;
const FRAMES: usize = 4_096;

/// A project of one track playing constant `channels` (one value per channel).
fn constant(values: &[f32], pan: f32, width: f32, law: PanLaw) -> (Project, Arc<StemAudio>) {
    let t = Track {
        pan,
        width,
        ..Track::for_source("/virtual/constant.wav".into())
    };
    let p = Project {
        sample_rate: RATE,
        tracks: vec![t],
        pan_law: law,
        ..Project::default()
    };
    let audio = values.iter().map(|v| vec![*v; FRAMES]).collect();
    (p, Arc::new(StemAudio::from_channels(audio, RATE)))
}

fn render(g: &mut MixGraph, frames: usize) -> [Vec<f32>; 2] {
    let opts = RenderOptions::playback(0, frames as u64);
    render::render_to_memory(g, &opts, &mut RenderControl::default())
        .expect("an in-memory render cannot fail")
        .0
        .audio
}

/// The output (left, right) in the middle of the render of `values` at `pan`.
fn out(values: &[f32], pan: f32, width: f32, law: PanLaw) -> (f64, f64) {
    let (p, stem) = constant(values, pan, width, law);
    let mut g = MixGraph::from_project(&p, &|_| Some(stem.clone()), 512);
    let [l, r] = render(&mut g, FRAMES);
    (f64::from(l[FRAMES / 2]), f64::from(r[FRAMES / 2]))
}

/// The mono laws' gains, written out from their definitions.
fn mono_formula(law: MonoPanLaw, p: f64) -> (f64, f64) {
    let theta = (p + 1.0) * FRAC_PI_4;
    match law {
        MonoPanLaw::Db0 => ((1.0 - p).min(1.0), (1.0 + p).min(1.0)),
        MonoPanLaw::Db3 => (theta.cos(), theta.sin()),
        MonoPanLaw::Db4_5 => (
            (theta.cos() * (1.0 - p) / 2.0).sqrt(),
            (theta.sin() * (1.0 + p) / 2.0).sqrt(),
        ),
        MonoPanLaw::Db6 => ((1.0 - p) / 2.0, (1.0 + p) / 2.0),
    }
}

const MONO_LAWS: [MonoPanLaw; 4] = [
    MonoPanLaw::Db0,
    MonoPanLaw::Db3,
    MonoPanLaw::Db4_5,
    MonoPanLaw::Db6,
];

#[test]
fn a_mono_track_plays_each_law_at_the_centre_and_the_sides() {
    for law in MONO_LAWS {
        let pan_law = PanLaw {
            mono: law,
            ..PanLaw::default()
        };
        for p in [-1.0, -0.5, 0.0, 0.3, 1.0] {
            let (l, r) = out(&[0.5], p as f32, 1.0, pan_law);
            let (fl, fr) = mono_formula(law, p);
            assert!(
                (l - 0.5 * fl).abs() < 1e-6,
                "{law:?} at {p}: left {l}, not {}",
                0.5 * fl
            );
            assert!((r - 0.5 * fr).abs() < 1e-6, "{law:?} at {p}: right {r}");
        }
        // The centre in dB, as the law is named.
        let (l, _) = out(&[1.0], 0.0, 1.0, pan_law);
        let named = match law {
            MonoPanLaw::Db0 => 0.0,
            MonoPanLaw::Db3 => -3.0103,
            MonoPanLaw::Db4_5 => -4.515,
            MonoPanLaw::Db6 => -6.0206,
        };
        assert!((20.0 * l.log10() - named).abs() < 1e-3, "{law:?}: {l}");
    }
}

#[test]
fn a_stereo_track_balances_or_is_placed_by_width_and_position() {
    let (left, right) = (0.5, 0.25);
    // Balance: the far side fades, whatever the mono law.
    for mono in MONO_LAWS {
        let law = PanLaw {
            mono,
            stereo: StereoPanLaw::Balance,
        };
        let (l, r) = out(&[left, right], -0.6, 0.3, law);
        assert!(
            (l - 0.5).abs() < 1e-6 && (r - 0.25 * 0.4).abs() < 1e-6,
            "{l} {r}"
        );
    }
    // Width + position: each side a mono source at pan ∓ width.
    for mono in MONO_LAWS {
        let law = PanLaw {
            mono,
            stereo: StereoPanLaw::WidthPosition,
        };
        for (pan, width) in [(0.0f64, 1.0f64), (0.25, 0.5), (-0.4, 0.0), (0.9, 0.6)] {
            let (ll, lr) = mono_formula(mono, (pan - width).clamp(-1.0, 1.0));
            let (rl, rr) = mono_formula(mono, (pan + width).clamp(-1.0, 1.0));
            let expect_l = f64::from(left) * ll + f64::from(right) * rl;
            let expect_r = f64::from(left) * lr + f64::from(right) * rr;
            let (l, r) = out(&[left, right], pan as f32, width as f32, law);
            assert!(
                (l - expect_l).abs() < 1e-6 && (r - expect_r).abs() < 1e-6,
                "{mono:?} pan {pan} width {width}: ({l}, {r}), not ({expect_l}, {expect_r})"
            );
        }
    }
    // Full width at the centre plays the stem as it is.
    let law = PanLaw {
        mono: MonoPanLaw::Db6,
        stereo: StereoPanLaw::WidthPosition,
    };
    let (l, r) = out(&[left, right], 0.0, 1.0, law);
    assert!((l - 0.5).abs() < 1e-7 && (r - 0.25).abs() < 1e-7);
}

#[test]
fn a_pan_law_sent_to_a_live_graph_sounds_like_a_graph_built_with_it() {
    let (old, stem) = constant(&[0.5, -0.3], 0.4, 1.0, PanLaw::default());
    let mut new = old.clone();
    new.pan_law = PanLaw {
        mono: MonoPanLaw::Db6,
        stereo: StereoPanLaw::WidthPosition,
    };
    new.tracks[0].width = 0.35;
    let stems = |_: &Track| Some(stem.clone());
    let mut live = MixGraph::from_project(&old, &stems, 512);
    let cmds = sync::diff(&old, &new, &stems, 512);
    assert!(!cmds.is_empty());
    for c in cmds {
        assert!(
            matches!(c, GraphCommand::Track(..)),
            "a pan-law change needs only strip parameters, not {c:?}"
        );
        let _ = live.apply(c);
    }
    let mut fresh = MixGraph::from_project(&new, &stems, 512);
    let [ll, lr] = render(&mut live, FRAMES);
    let [fl, fr] = render(&mut fresh, FRAMES);
    // After the gain ramps (20 ms), the two play the same.
    let settled = 2_000;
    for i in settled..FRAMES {
        assert!(
            (ll[i] - fl[i]).abs() < 1e-6 && (lr[i] - fr[i]).abs() < 1e-6,
            "frame {i}"
        );
    }
    // And they differ from the old law's output (the test sees a change).
    let [ol, _] = render(&mut MixGraph::from_project(&old, &stems, 512), FRAMES);
    assert!((ol[settled] - fl[settled]).abs() > 0.01);
}
