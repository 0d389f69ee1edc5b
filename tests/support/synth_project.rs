//! Synthetic projects for the real-time tests and benches: deterministic noise and sines, mono
//! and stereo stems of different lengths, built in code (no files unless asked).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;
use stemmix::engine::graph::MixGraph;
use stemmix::media::StemAudio;
use stemmix::project::{Project, Track, TrackId};

/// A tiny deterministic generator (xorshift), so every run renders the same bits.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform integer in [lo, hi].
    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    /// Any pan law.
    pub fn pan_law(&mut self) -> stemmix::project::PanLaw {
        use stemmix::project::{MonoPanLaw, PanLaw, StereoPanLaw};
        let mono = [
            MonoPanLaw::Db0,
            MonoPanLaw::Db3,
            MonoPanLaw::Db4_5,
            MonoPanLaw::Db6,
        ];
        PanLaw {
            mono: mono[self.int(0, 3)],
            stereo: if self.unit() < 0.5 {
                StereoPanLaw::Balance
            } else {
                StereoPanLaw::WidthPosition
            },
        }
    }
}

/// Stem audio at `rate` from planar channels.
pub fn stem(channels: Vec<Vec<f32>>, rate: u32) -> Arc<StemAudio> {
    let frames = channels.first().map_or(0, Vec::len);
    Arc::new(StemAudio {
        channels: channels.into_iter().map(Into::into).collect(),
        sample_rate: rate,
        source_rate: rate,
        frames,
        ..StemAudio::default()
    })
}

/// The `i`-th synthetic stem: alternating mono/stereo, lengths from 0.6 s to 2.1 s, noise and
/// sines at about −12 dBFS.
pub fn synth_stem(i: usize, rate: u32) -> Arc<StemAudio> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let frames = (rate as f64 * (0.6 + 0.3 * (i % 6) as f64)) as usize;
    let stereo = i % 2 == 1;
    let f = 110.0 * (1.0 + i as f32 * 0.37);
    let mut make = |phase: f32| -> Vec<f32> {
        (0..frames)
            .map(|n| {
                let t = n as f32 / rate as f32;
                0.15 * (std::f32::consts::TAU * f * t + phase).sin() + 0.1 * rng.range(-1.0, 1.0)
            })
            .collect()
    };
    let channels = if stereo {
        vec![make(0.0), make(1.0)]
    } else {
        vec![make(0.0)]
    };
    stem(channels, rate)
}

/// A project of `n` synthetic tracks with varied strip settings, and their stems by id.
pub fn project(n: usize, rate: u32) -> (Project, HashMap<TrackId, Arc<StemAudio>>) {
    let mut p = Project {
        sample_rate: rate,
        ..Project::default()
    };
    let mut stems = HashMap::new();
    for i in 0..n {
        let mut t = Track::for_source(format!("stems/synth{i}.wav").into());
        t.gain_db = -3.0 + i as f32 * 0.5;
        t.pan = ((i as f32 * 0.7).sin() * 0.8).clamp(-1.0, 1.0);
        t.polarity_invert = i % 5 == 3;
        t.reverb_send_db = if i % 3 == 0 { -12.0 } else { f32::NEG_INFINITY };
        stems.insert(t.id, synth_stem(i, rate));
        p.tracks.push(t);
    }
    (p, stems)
}

/// Turns on every EQ band, the compressor and the reverb send of every track (the full chain
/// the benches must measure once the dsp branch has landed).
pub fn full_chain(p: &mut Project) {
    for t in &mut p.tracks {
        t.eq.high_pass.enabled = true;
        t.eq.low_shelf.enabled = true;
        t.eq.low_shelf.gain_db = 2.0;
        t.eq.peak1.enabled = true;
        t.eq.peak1.gain_db = -3.0;
        t.eq.peak2.enabled = true;
        t.eq.peak2.gain_db = 2.5;
        t.eq.high_shelf.enabled = true;
        t.eq.high_shelf.gain_db = -1.5;
        t.eq.low_pass.enabled = true;
        t.compressor.enabled = true;
        t.reverb_send_db = -14.0;
    }
    p.master.limiter.enabled = true;
}

/// The graph of a synthetic project.
pub fn graph(p: &Project, stems: &HashMap<TrackId, Arc<StemAudio>>, max_block: usize) -> MixGraph {
    MixGraph::from_project(p, &|t| stems.get(&t.id).cloned(), max_block)
}
