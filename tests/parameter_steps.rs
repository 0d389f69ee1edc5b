//! No EQ parameter change steps the output (issue 14, item 1: gain to or from exactly 0 dB,
//! band on/off, slope, frequency and Q).
//!
//! Each case plays a sine (faded in, so its onset rings nowhere) through a project, applies one
//! edit at a known output frame through the command path the GUI uses (`sync::diff` of the
//! project before and after, applied by the render driver's `Schedule` hook), and bounds every
//! sample-to-sample change around the edit by what a sine of that frequency can do at the level
//! it has there: |y[k] − y[k−1]| ≤ 2·sin(π·f/fs)·A(k), with A(k) the largest |y| within (about) one
//! period of k (Bernstein's inequality for a signal of bandwidth f), plus a 10% margin for the
//! 20 ms glides' own bandwidth. A click — a state cleared, a source switched, a gain applied at
//! once — is broadband and breaks the bound by far.
//!
//! Run with `--nocapture` for the table of the worst step per edit kind.

use std::collections::HashMap;
use std::f64::consts::PI;
use std::sync::Arc;
use stemmix::engine::MixGraph;
use stemmix::engine::render::{self, RenderControl, RenderOptions, Schedule};
use stemmix::engine::sync;
use stemmix::media::StemAudio;
use stemmix::project::{Project, Slope, Track, TrackId};

const RATE: u32 = 48_000;
/// Output frame at which the edit lands.
const EDIT_AT: usize = 24_000;
/// Frames rendered after the edit (longer than every glide and most tails).
const AFTER: usize = 36_000;
/// Allowance for the bandwidth of a 20 ms glide on top of the sine's own slope.
const MARGIN: f64 = 1.10;
/// Absolute allowance (−100 dBFS): rounding of quiet signals.
const FLOOR: f64 = 1e-5;

/// A stem holding a full-scale sine of `f` Hz (phase `phase`), faded in over 100 ms.
fn sine_stem(f: f64, phase: f64, frames: usize, mono: bool) -> Arc<StemAudio> {
    let fade = (0.1 * RATE as f64) as usize;
    let ch: Vec<f32> = (0..frames)
        .map(|i| {
            let env = if i < fade {
                0.5 - 0.5 * (PI * i as f64 / fade as f64).cos()
            } else {
                1.0
            };
            (env * (2.0 * PI * f * i as f64 / RATE as f64 + phase).sin()) as f32
        })
        .collect();
    let channels = if mono { vec![ch] } else { vec![ch.clone(), ch] };
    Arc::new(StemAudio::from_channels(channels, RATE))
}

/// One edit: a name, the project before it, and what it changes.
struct Case {
    name: &'static str,
    /// Sets up the project before the edit (track 0 plays the sine; `f` is its frequency).
    before: fn(&mut Project, f32),
    /// The edit itself.
    edit: fn(&mut Project, f32),
    /// A mono stem instead of a stereo one.
    mono: bool,
    /// Highest frequency the edit moves a resonance to, relative to the sine's: its ringing
    /// there is the filter's own response, not a click, so the bound allows that bandwidth.
    modes: f64,
}

fn track(p: &mut Project) -> &mut Track {
    &mut p.tracks[0]
}

fn bell(p: &mut Project, f: f32, q: f32, gain_db: f32) {
    let b = &mut track(p).eq.peak1;
    b.enabled = true;
    b.freq_hz = f;
    b.q = q;
    b.gain_db = gain_db;
}

const CASES: &[Case] = &[
    Case {
        name: "EQ bell +12 → 0 dB (Q 4)",
        before: |p, f| bell(p, f, 4.0, 12.0),
        edit: |p, _| track(p).eq.peak1.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell −12 → 0 dB (Q 8)",
        before: |p, f| bell(p, f, 8.0, -12.0),
        edit: |p, _| track(p).eq.peak1.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell 0 → +12 dB (Q 4)",
        before: |p, f| bell(p, f, 4.0, 0.0),
        edit: |p, _| track(p).eq.peak1.gain_db = 12.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ low shelf +12 → 0 dB (Q 2)",
        before: |p, f| {
            let b = &mut track(p).eq.low_shelf;
            (b.enabled, b.freq_hz, b.q, b.gain_db) = (true, 1.5 * f, 2.0, 12.0);
        },
        edit: |p, _| track(p).eq.low_shelf.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ high shelf −12 → 0 dB (Q 2)",
        before: |p, f| {
            let b = &mut track(p).eq.high_shelf;
            (b.enabled, b.freq_hz, b.q, b.gain_db) = (true, 0.7 * f, 2.0, -12.0);
        },
        edit: |p, _| track(p).eq.high_shelf.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell on → off",
        before: |p, f| bell(p, f, 4.0, 12.0),
        edit: |p, _| track(p).eq.peak1.enabled = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell off → on",
        before: |p, f| {
            bell(p, f, 4.0, 12.0);
            track(p).eq.peak1.enabled = false;
        },
        edit: |p, _| track(p).eq.peak1.enabled = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell frequency ×4, Q 8 → 0.5",
        before: |p, f| bell(p, f, 8.0, 12.0),
        edit: |p, f| {
            let b = &mut track(p).eq.peak1;
            (b.freq_hz, b.q) = ((4.0 * f).min(20_000.0), 0.5);
        },
        mono: false,
        modes: 4.0,
    },
    Case {
        name: "EQ high-pass off → on (Q 4)",
        before: |p, f| {
            let b = &mut track(p).eq.high_pass;
            (b.enabled, b.freq_hz, b.q) = (false, f, 4.0);
        },
        edit: |p, _| track(p).eq.high_pass.enabled = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ high-pass on → off (Q 4)",
        before: |p, f| {
            let b = &mut track(p).eq.high_pass;
            (b.enabled, b.freq_hz, b.q) = (true, f, 4.0);
        },
        edit: |p, _| track(p).eq.high_pass.enabled = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ high-pass 12 → 24 dB/oct",
        before: |p, f| {
            let b = &mut track(p).eq.high_pass;
            (b.enabled, b.freq_hz, b.q) = (true, f, 4.0);
        },
        edit: |p, _| track(p).eq.high_pass.slope = Slope::Db24,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ low-pass 24 → 12 dB/oct",
        before: |p, f| {
            let b = &mut track(p).eq.low_pass;
            (b.enabled, b.freq_hz, b.q, b.slope) = (true, f, 4.0, Slope::Db24);
        },
        edit: |p, _| track(p).eq.low_pass.slope = Slope::Db12,
        mono: false,
        modes: 1.0,
    },
];

/// Applies the edit's commands once the render reaches `at`.
struct Edit {
    at: u64,
    commands: Vec<stemmix::engine::command::GraphCommand>,
}

impl Schedule for Edit {
    fn before_block(&mut self, g: &mut MixGraph, done: u64, n: usize) -> usize {
        if done == self.at {
            for c in self.commands.drain(..) {
                drop(g.apply(c));
            }
        }
        if done < self.at {
            n.min((self.at - done) as usize)
        } else {
            n
        }
    }
}

/// The worst step around the edit relative to the sine's bound (≤ 1 passes), the step itself,
/// and where it happened (frames after the edit).
fn measure(case: &Case, f: f32) -> (f64, f64, i64) {
    let frames = EDIT_AT + AFTER;
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    let mut stems: HashMap<TrackId, Arc<StemAudio>> = HashMap::new();
    for (i, phase) in [0.0, 1.0].into_iter().enumerate() {
        let t = Track::for_source(format!("/virtual/sine{i}.wav").into());
        let mono = case.mono && i == 0;
        stems.insert(
            t.id,
            sine_stem(f as f64, phase, frames + RATE as usize, mono),
        );
        p.tracks.push(t);
    }
    (case.before)(&mut p, f);
    let mut edited = p.clone();
    (case.edit)(&mut edited, f);
    let lookup = |t: &Track| stems.get(&t.id).cloned();
    let max_block = 1024;
    let commands = sync::diff(&p, &edited, &lookup, max_block);
    assert!(
        !commands.is_empty(),
        "{}: the edit changes nothing",
        case.name
    );
    let mut g = MixGraph::from_project(&p, &lookup, max_block);
    let mut edit = Edit {
        at: EDIT_AT as u64,
        commands,
    };
    let opts = RenderOptions::playback(0, frames as u64);
    let mut ctl = RenderControl {
        schedule: Some(&mut edit),
        ..RenderControl::default()
    };
    let (out, _) = render::render_to_memory(&mut g, &opts, &mut ctl).expect("in-memory render");
    assert!(edit.commands.is_empty(), "the edit was applied");

    let period = (RATE as f64 / f as f64).ceil() as usize;
    let slope = 2.0 * (PI * case.modes.max(1.0) * f as f64 / RATE as f64).sin();
    let from = EDIT_AT - 2 * period;
    let mut worst = (0.0f64, 0.0f64, 0i64);
    for y in &out.audio {
        // A(k) from maxima of one-period blocks: the blocks around k's cover ±1 period of k.
        let blocks: Vec<f64> = y
            .chunks(period)
            .map(|c| c.iter().fold(0.0f64, |m, v| m.max(v.abs() as f64)))
            .collect();
        for k in from..frames {
            let j = k / period;
            let a = blocks[j.saturating_sub(1)..(j + 2).min(blocks.len())]
                .iter()
                .fold(0.0f64, |m, &v| m.max(v));
            let step = (y[k] as f64 - y[k - 1] as f64).abs();
            let bound = slope * a * MARGIN + FLOOR;
            if step / bound > worst.0 {
                worst = (step / bound, step, k as i64 - EDIT_AT as i64);
            }
        }
    }
    worst
}

#[test]
fn no_parameter_change_steps_the_output() {
    let mut failures = Vec::new();
    eprintln!("worst sample step around each edit (ratio to the sine's own bound; ≤ 1 passes)");
    for case in CASES {
        let mut worst = (0.0f64, 0.0f64, 0i64, 0.0f32);
        for f in [60.0f32, 100.0, 1000.0] {
            let (ratio, step, at) = measure(case, f);
            if ratio > worst.0 {
                worst = (ratio, step, at, f);
            }
        }
        let (ratio, step, at, f) = worst;
        eprintln!(
            "{:<42} {ratio:6.3}  (step {step:.4} FS at {f} Hz, {at:+} frames)",
            case.name
        );
        if ratio > 1.0 {
            failures.push(case.name);
        }
    }
    assert!(
        failures.is_empty(),
        "these edits step the output: {failures:?}"
    );
}
