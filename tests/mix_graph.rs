//! The mix graph as a whole: routing (solo-in-place, mute, pre/post sends), smoothing at the
//! output, fault isolation, block-partition invariance, and the project→command sync.

use std::sync::Arc;
use stemmix::engine::command::{GraphCommand, TrackParam};
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::{MixGraph, sync};
use stemmix::media::StemAudio;
use stemmix::project::{Project, Track, TrackId};
mod common;
use common::noise;

const RATE: u32 = 48_000;

/// A project plus the audio of each track (by id).
struct Fixture {
    project: Project,
    audio: Vec<(TrackId, Arc<StemAudio>)>,
}

impl Fixture {
    fn new(stems: Vec<Vec<Vec<f32>>>) -> Fixture {
        let mut project = Project {
            sample_rate: RATE,
            ..Project::default()
        };
        let mut audio = Vec::new();
        for (i, ch) in stems.into_iter().enumerate() {
            let t = Track::for_source(format!("/virtual/stem{i}.wav").into());
            audio.push((t.id, Arc::new(StemAudio::from_channels(ch, RATE))));
            project.tracks.push(t);
        }
        Fixture { project, audio }
    }

    fn stem(&self, t: &Track) -> Option<Arc<StemAudio>> {
        self.audio
            .iter()
            .find(|(id, _)| *id == t.id)
            .map(|(_, a)| a.clone())
    }

    fn graph(&self, max_block: usize) -> MixGraph {
        MixGraph::from_project(&self.project, &|t| self.stem(t), max_block)
    }

    fn render(&self, frames: usize) -> [Vec<f32>; 2] {
        play(&mut self.graph(1024), 0, frames)
    }
}

/// `frames` frames from `start` through the render driver, as playback hears them.
fn play(g: &mut MixGraph, start: u64, frames: usize) -> [Vec<f32>; 2] {
    let opts = RenderOptions::playback(start, frames as u64);
    render::render_to_memory(g, &opts, &mut RenderControl::default())
        .expect("an in-memory render cannot fail")
        .0
        .audio
}

fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

#[test]
fn solo_in_place_silences_the_others_and_their_sends() {
    let len = 48_000;
    let mut f = Fixture::new(vec![vec![noise(1, len, 0.3)], vec![noise(2, len, 0.3)]]);
    for t in &mut f.project.tracks {
        t.reverb_send_db = 0.0;
    }
    f.project.tracks[0].solo = true;
    let solo = f.render(len);
    // Reference: only track 0 exists.
    let mut only = Fixture::new(vec![vec![noise(1, len, 0.3)]]);
    only.project.tracks[0].reverb_send_db = 0.0;
    let reference = only.render(len);
    for c in 0..2 {
        let diff = solo[c]
            .iter()
            .zip(&reference[c])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(
            diff < 1e-6,
            "solo differs from the soloed track alone by {diff}"
        );
    }
}

#[test]
fn mute_silences_pre_fader_sends_too_and_pre_fader_sends_ignore_the_fader() {
    let len = 24_000;
    let mut f = Fixture::new(vec![vec![noise(3, len, 0.5), noise(4, len, 0.5)]]);
    let t = &mut f.project.tracks[0];
    t.reverb_send_db = 0.0;
    t.reverb_send_pre_fader = true;
    t.gain_db = f32::NEG_INFINITY;
    let out = f.render(len);
    assert!(
        peak(&out[0]) > 1e-3,
        "a pre-fader send feeds the reverb with the fader closed"
    );

    f.project.tracks[0].reverb_send_pre_fader = false;
    let out = f.render(len);
    assert_eq!(
        peak(&out[0]).max(peak(&out[1])),
        0.0,
        "post-fader send follows the closed fader"
    );

    let t = &mut f.project.tracks[0];
    t.reverb_send_pre_fader = true;
    t.gain_db = 0.0;
    t.mute = true;
    let out = f.render(len);
    assert_eq!(
        peak(&out[0]).max(peak(&out[1])),
        0.0,
        "mute silences the track and its sends"
    );
}

#[test]
fn a_20_db_fader_jump_is_a_ramp_with_bounded_steps() {
    let len = 9_600;
    let dc = vec![0.5f32; len];
    let f = Fixture::new(vec![vec![dc.clone(), dc]]);
    let mut g = f.graph(4_800);
    let id = f.project.tracks[0].id;
    g.seek(0, false);
    g.preroll();
    let (mut l, mut r) = (vec![0.0f32; 4_800], vec![0.0f32; 4_800]);
    g.process(&mut l[..1000], &mut r[..1000]);
    assert!((l[999] - 0.5).abs() < 1e-6);
    g.apply(GraphCommand::Track(id, TrackParam::GainDb(-20.0)));
    g.process(&mut l, &mut r);
    let ramp = (RATE as f32 * 0.020).round(); // 20 ms
    let allowed = 0.5 * (1.0 - 0.1) / ramp * 1.0001;
    let mut prev = 0.5f32;
    let mut worst = 0.0f32;
    for &x in &l {
        worst = worst.max((x - prev).abs());
        prev = x;
    }
    assert!(worst <= allowed, "largest step {worst:e} > {allowed:e}");
    assert!(
        (l[4_799] - 0.05).abs() < 1e-6,
        "lands on −20 dB: {}",
        l[4_799]
    );
}

#[test]
fn a_nan_in_one_stem_silences_and_flags_only_that_track() {
    let len = 8_192;
    let mut bad = noise(5, len, 0.3);
    bad[3_000] = f32::NAN;
    bad[3_001] = f32::INFINITY;
    let good = noise(6, len, 0.3);
    let f = Fixture::new(vec![
        vec![bad.clone(), bad],
        vec![good.clone(), good.clone()],
    ]);
    let mut g = f.graph(1024);
    let (mut l, mut r) = (vec![0.0f32; len], vec![0.0f32; len]);
    g.seek(0, false);
    g.preroll();
    let mut faulted = [false, false];
    for (cl, cr) in l.chunks_mut(1024).zip(r.chunks_mut(1024)) {
        g.process(cl, cr);
        for (i, t) in g.tracks_mut().enumerate() {
            faulted[i] |= t.take_levels().1;
        }
    }
    assert!(
        l.iter().chain(&r).all(|x| x.is_finite()),
        "nothing non-finite reaches the master"
    );
    assert_eq!(
        faulted,
        [true, false],
        "only the offending track is flagged"
    );
    // The healthy track plays on untouched in the block that had the NaN (source frames
    // 2120..3144: blocks start after the 72-frame latency pre-roll).
    assert_eq!(g.latency(), 72);
    for i in 2_120..3_144 {
        assert!(
            (l[i] - good[i]).abs() < 1e-6,
            "frame {i}: {} vs {}",
            l[i],
            good[i]
        );
    }
}

fn full_chain(f: &mut Fixture) {
    for (i, t) in f.project.tracks.iter_mut().enumerate() {
        t.eq.high_pass.enabled = true;
        t.eq.peak1.enabled = true;
        t.eq.peak1.gain_db = 4.0;
        t.eq.high_shelf.enabled = true;
        t.eq.high_shelf.gain_db = -3.0;
        t.compressor.enabled = true;
        t.compressor.threshold_db = -24.0;
        t.reverb_send_db = -6.0;
        t.pan = 0.3 * i as f32 - 0.3;
    }
    f.project.master.limiter.enabled = true;
    f.project.master.limiter.ceiling_dbtp = -6.0;
}

#[test]
fn any_block_partition_gives_the_same_bits() {
    let len = 30_000;
    let mut f = Fixture::new(vec![
        vec![noise(7, len, 0.6), noise(8, len, 0.6)],
        vec![noise(9, len - 5_000, 0.6)],
    ]);
    full_chain(&mut f);
    let reference = play(&mut f.graph(2048), 0, len);
    let mut g = f.graph(2048);
    g.seek(0, false);
    g.preroll();
    let (mut l, mut r) = (vec![0.0f32; len], vec![0.0f32; len]);
    let mut pos = 0;
    let mut seed = 12345u64;
    while pos < len {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = ((seed >> 33) as usize % 2048 + 1).min(len - pos);
        g.process(&mut l[pos..pos + n], &mut r[pos..pos + n]);
        pos += n;
    }
    assert!(
        l == reference[0] && r == reference[1],
        "random block sizes changed the output"
    );
}

#[test]
fn a_live_graph_synced_by_commands_sounds_like_one_built_from_the_new_project() {
    let len = 48_000;
    let mut f = Fixture::new(vec![
        vec![noise(10, len, 0.4), noise(11, len, 0.4)],
        vec![noise(12, len, 0.4)],
    ]);
    full_chain(&mut f);
    for t in &mut f.project.tracks {
        t.reverb_send_db = f32::NEG_INFINITY; // reverb memory would keep the transient for seconds
    }
    let old = f.project.clone();
    let mut new = old.clone();
    new.tracks[0].gain_db = -7.0;
    new.tracks[0].eq.peak2.enabled = true;
    new.tracks[0].eq.peak2.gain_db = 6.0;
    new.tracks[1].pan = 0.8;
    new.tracks[1].compressor.ratio = 8.0;
    new.tracks[1].polarity_invert = true;
    new.master.gain_db = -2.0;
    // A track added and one removed.
    let extra = Track::for_source("/virtual/extra.wav".into());
    f.audio.push((
        extra.id,
        Arc::new(StemAudio::from_channels(vec![noise(13, len, 0.2)], RATE)),
    ));
    new.tracks.push(extra);
    new.tracks.remove(0);

    let mut live = MixGraph::from_project(&old, &|t| f.stem(t), 1024);
    for cmd in sync::diff(&old, &new, &|t| f.stem(t), 1024) {
        drop(live.apply(cmd));
    }
    let live_out = play(&mut live, 0, len);
    let fresh_out = play(
        &mut MixGraph::from_project(&new, &|t| f.stem(t), 1024),
        0,
        len,
    );
    // Ramps and glides take 20 ms; filter memories then converge. Compare the second half.
    for c in 0..2 {
        let worst = live_out[c][len / 2..]
            .iter()
            .zip(&fresh_out[c][len / 2..])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(
            worst < 1e-5,
            "channel {c}: synced graph differs by {worst:e}"
        );
    }
}
