//! The measurement behind the parameter-step tests (issue 14, item 1): no parameter change of
//! any processor steps the output.
//!
//! Each case plays a sine (faded in, so its onset rings nowhere) on two tracks (phases 0 and 1
//! rad) through a project, applies one edit at a known output frame through the command path
//! the GUI uses (`sync::diff` of the project before and after, applied by the render driver's
//! `Schedule` hook), and bounds every sample-to-sample change around the edit by what a sine of
//! that frequency can do at the level it has there: |y[k] − y[k−1]| ≤ 2·sin(π·f/fs)·A(k), with
//! A(k) the largest |y| within (about) one period of k (Bernstein's inequality for a signal of
//! bandwidth f), plus a 10% margin for the 20 ms glides' own bandwidth. A click — a state
//! cleared, a source switched, a gain applied at once — is broadband and breaks the bound by
//! far.

use std::collections::HashMap;
use std::f64::consts::PI;
use std::sync::Arc;
use stemmix::engine::MixGraph;
use stemmix::engine::command::GraphCommand;
use stemmix::engine::render::{self, RenderControl, RenderOptions, Schedule};
use stemmix::engine::sync;
use stemmix::media::StemAudio;
use stemmix::project::{Project, Track, TrackId};

/// Sample rate of every case.
pub const RATE: u32 = 48_000;
/// Output frame at which the edit lands.
pub const EDIT_AT: usize = 24_000;
/// Frames rendered after the edit (longer than every glide and most tails).
const AFTER: usize = 36_000;
/// Allowance for the bandwidth of a 20 ms glide on top of the sine's own slope.
const MARGIN: f64 = 1.10;
/// Absolute allowance (−100 dBFS): rounding of quiet signals.
const FLOOR: f64 = 1e-5;
/// The sine frequencies every case is measured at.
pub const FREQS: [f32; 3] = [60.0, 100.0, 1000.0];

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
pub struct Case {
    /// What the edit is, for the table.
    pub name: &'static str,
    /// Sets up the project before the edit (tracks 0 and 1 play the sine; `f` is its
    /// frequency).
    pub before: fn(&mut Project, f32),
    /// The edit itself.
    pub edit: fn(&mut Project, f32),
    /// Track 0 plays a mono stem instead of a stereo one.
    pub mono: bool,
    /// Highest frequency the edit moves a resonance to, relative to the sine's: its ringing
    /// there is the filter's own response, not a click, so the bound allows that bandwidth.
    pub modes: f64,
}

/// Track 0, the one most cases edit.
pub fn track(p: &mut Project) -> &mut Track {
    &mut p.tracks[0]
}

/// Applies the edit's commands once the render reaches `at`.
struct Edit {
    at: u64,
    commands: Vec<GraphCommand>,
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

/// The worst step of one case at one frequency: its ratio to the sine's bound (≤ 1 passes),
/// the step itself (full scale) and where it happened (frames after the edit).
#[derive(Clone, Copy, Debug, Default)]
pub struct Worst {
    /// Step over bound.
    pub ratio: f64,
    /// |y[k] − y[k−1]|, full scale.
    pub step: f64,
    /// k − the edit's frame.
    pub at: i64,
    /// The sine's frequency.
    pub freq: f32,
}

/// Renders `case` at sine frequency `f` and measures its worst step around the edit.
pub fn measure(case: &Case, f: f32) -> Worst {
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
    let mut worst = Worst {
        freq: f,
        ..Worst::default()
    };
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
            if step / bound > worst.ratio {
                worst = Worst {
                    ratio: step / bound,
                    step,
                    at: k as i64 - EDIT_AT as i64,
                    freq: f,
                };
            }
        }
    }
    worst
}

/// Measures every case at every frequency in [`FREQS`], prints the worst of each (run with
/// `--nocapture` for the table) and fails naming every case whose worst ratio exceeds 1.
pub fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    eprintln!("worst sample step around each edit (ratio to the sine's own bound; ≤ 1 passes)");
    for case in cases {
        let worst = FREQS
            .iter()
            .map(|&f| measure(case, f))
            .fold(
                Worst::default(),
                |a, b| if b.ratio > a.ratio { b } else { a },
            );
        let Worst {
            ratio,
            step,
            at,
            freq,
        } = worst;
        eprintln!(
            "{:<42} {ratio:6.3}  (step {step:.4} FS at {freq} Hz, {at:+} frames)",
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
