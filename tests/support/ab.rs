//! Shared by the A/B and monitor tests: a callback driver, the render driver's output, smooth
//! test signals and a default reference setup.
#![allow(dead_code)] // each test binary uses a different subset

use super::synth;
use std::collections::HashMap;
use std::sync::Arc;
use stemmix::engine::RefSetup;
use stemmix::engine::realtime::AudioEngine;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::slot::{Render, RenderSlot};
use stemmix::media::StemAudio;
use stemmix::project::{Project, RefMode, Track, TrackId};

pub const RATE: u32 = 48_000;
pub const MAX_BLOCK: usize = 512;

pub type Stems = HashMap<TrackId, Arc<StemAudio>>;
pub type Stereo = [Vec<f32>; 2];

/// Callbacks of `chunk` frames (the last one shorter) until `n` frames were rendered.
pub fn play(slot: &RenderSlot<AudioEngine>, n: usize, chunk: usize, out: &mut Stereo) {
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk);
        let mut buf = vec![0.0f32; k * 2];
        slot.with(|e| e.render(&mut buf, 2))
            .expect("renderer in its slot");
        for f in buf.chunks_exact(2) {
            out[0].push(f[0]);
            out[1].push(f[1]);
        }
        left -= k;
    }
}

/// The render driver's output (what a bounce and playback hear) for `frames` frames from 0.
pub fn bounce(p: &Project, stems: &Stems, frames: usize) -> Stereo {
    let mut g = synth::graph(p, stems, MAX_BLOCK);
    let opts = RenderOptions {
        block: 1000,
        ..RenderOptions::playback(0, frames as u64)
    };
    render::render_to_memory(&mut g, &opts, &mut RenderControl::default())
        .expect("an in-memory render cannot fail")
        .0
        .audio
}

pub fn sine(frames: usize, hz: f64, amp: f64, phase: f64, dc: f64) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            let t = n as f64 / f64::from(RATE);
            (dc + amp * (std::f64::consts::TAU * hz * t + phase).sin()) as f32
        })
        .collect()
}

/// A one-track project of smooth sines (small sample steps, so that a click shows).
pub fn smooth_project() -> (Project, Stems) {
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    let t = Track::for_source("stems/sines.wav".into());
    let frames = 5 * RATE as usize;
    let audio = synth::stem(
        vec![
            sine(frames, 100.0, 0.3, 0.0, 0.0),
            sine(frames, 130.0, 0.3, 1.0, 0.0),
        ],
        RATE,
    );
    let mut stems = HashMap::new();
    stems.insert(t.id, audio);
    p.tracks.push(t);
    (p, stems)
}

/// A smooth stereo reference far from the mix (DC offsets: a hard cut would jump by ~0.5).
pub fn smooth_reference(frames: usize) -> Arc<StemAudio> {
    synth::stem(
        vec![
            sine(frames, 70.0, 0.2, 0.0, 0.5),
            sine(frames, 90.0, 0.2, 2.0, -0.5),
        ],
        RATE,
    )
}

pub fn setup(mode: RefMode) -> RefSetup {
    RefSetup {
        mode,
        gain_db: 0.0,
        loop_frames: None,
        loop_enabled: false,
    }
}

pub fn assert_bits(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = (0..got.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!("{what}: differs first at {i}: {} vs {}", got[i], want[i]);
    }
}
