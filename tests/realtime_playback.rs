//! Playback equals bounce: the very function the audio stream calls (`Render::render` of the
//! engine in its `RenderSlot`, through `slot.with`, exactly as the cpal callback does) is driven
//! with random buffer sizes from 1 to 2048 frames and compared bit for bit with the render
//! driver `engine::render::render` (which `stemmix bounce` runs) — also across parameter and
//! structural changes landing at the same sample positions (applied by the driver through a
//! `Schedule`), pause/resume, stop/play, loops, the end of the project and source switching.

#[path = "support/synth_project.rs"]
mod synth;

use std::collections::HashMap;
use std::sync::Arc;
use stemmix::engine::command::{GraphCommand, Source, TrackParam};
use stemmix::engine::feedback::{EndReason, PlayState};
use stemmix::engine::graph::{MixGraph, TrackNode};
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::realtime::AudioEngine;
use stemmix::engine::render::{self, RenderControl, RenderOptions, Schedule};
use stemmix::engine::slot::{Render, RenderSlot};
use stemmix::engine::switch::crossfade_frames;
use stemmix::project::{CompressorSettings, LimiterSettings, Project, RefId, ReverbBus, TrackId};
use synth::Rng;

const RATE: u32 = 48_000;
const MAX_BLOCK: usize = 512;

type Stems = HashMap<TrackId, Arc<stemmix::media::StemAudio>>;

/// One callback of `n` frames, stereo, through the slot like the stream callback.
fn callback(slot: &RenderSlot<AudioEngine>, n: usize, out: &mut [Vec<f32>; 2]) {
    let mut buf = vec![0.0f32; n * 2];
    slot.with(|e| e.render(&mut buf, 2))
        .expect("renderer in its slot");
    for f in buf.chunks_exact(2) {
        out[0].push(f[0]);
        out[1].push(f[1]);
    }
}

fn assert_bits_eq(got: &[Vec<f32>; 2], want: &[Vec<f32>; 2], what: &str) {
    for side in 0..2 {
        assert_eq!(got[side].len(), want[side].len(), "{what}: length");
        if let Some(i) =
            (0..got[side].len()).find(|&i| got[side][i].to_bits() != want[side][i].to_bits())
        {
            panic!(
                "{what}: side {side} differs first at frame {i}: {} vs {}",
                got[side][i], want[side][i]
            );
        }
    }
}

fn setup(n: usize) -> (Project, Stems) {
    synth::project(n, RATE)
}

/// The render driver's output for `frames` frames from `start`, as playback hears them, with
/// `schedule` (if any) changing the graph at exact frames.
fn driver(
    g: &mut MixGraph,
    start: u64,
    frames: usize,
    schedule: Option<&mut dyn Schedule>,
) -> [Vec<f32>; 2] {
    let opts = RenderOptions {
        // Another block size than the callbacks': the output must not depend on it.
        block: 1000,
        ..RenderOptions::playback(start, frames as u64)
    };
    let mut ctl = RenderControl {
        schedule,
        ..RenderControl::default()
    };
    render::render_to_memory(g, &opts, &mut ctl)
        .expect("an in-memory render cannot fail")
        .0
        .audio
}

/// [`driver`] without changes.
fn bounce_of(g: &mut MixGraph, start: u64, frames: usize) -> [Vec<f32>; 2] {
    driver(g, start, frames, None)
}

#[test]
fn playback_equals_bounce_with_random_buffer_sizes() {
    let (p, stems) = setup(7);
    for (seed, start) in [(1u64, 0u64), (2, 12_345), (3, 48_000)] {
        let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
        let slot = h.renderer();
        let length = slot.with(|e| e.graph().length()).unwrap();
        let frames = (length - start) as usize;
        h.seek(start);
        h.play();
        let mut rng = Rng(seed);
        let mut got = [Vec::new(), Vec::new()];
        while got[0].len() < frames {
            let n = rng.int(1, 2048).min(frames - got[0].len());
            callback(&slot, n, &mut got);
            h.tick();
        }
        let mut reference = synth::graph(&p, &stems, MAX_BLOCK);
        let want = bounce_of(&mut reference, start, frames);
        assert_bits_eq(&got, &want, &format!("start {start}"));
        assert!(
            want[0].iter().any(|&x| x != 0.0),
            "the test signal is not silent"
        );
        assert_eq!(slot.with(|e| e.position()), Some(start + frames as u64));
    }
}

/// The changes a test applies at given output frames; made fresh for each side because
/// commands carry owned objects.
fn change(k: usize, p: &Project, stems: &Stems, extra: &mut Vec<TrackId>) -> GraphCommand {
    let ids: Vec<TrackId> = p.tracks.iter().map(|t| t.id).collect();
    let id = ids[k % ids.len()];
    match k {
        0 => GraphCommand::Track(id, TrackParam::GainDb(-9.5)),
        1 => GraphCommand::Track(id, TrackParam::Pan(-0.6)),
        2 => GraphCommand::Track(id, TrackParam::Mute(true)),
        3 => GraphCommand::Track(id, TrackParam::Solo(true)),
        4 => GraphCommand::Track(id, TrackParam::Polarity(true)),
        5 => GraphCommand::Track(id, TrackParam::TrimDb(4.0)),
        6 => GraphCommand::Track(id, TrackParam::SendDb(-6.0)),
        7 => GraphCommand::Track(id, TrackParam::SendPreFader(true)),
        8 => {
            let mut eq = p.tracks[0].eq;
            eq.peak1.enabled = true;
            eq.peak1.gain_db = 6.0;
            GraphCommand::Track(id, TrackParam::Eq(eq))
        }
        9 => GraphCommand::Track(
            id,
            TrackParam::Compressor(CompressorSettings {
                enabled: true,
                threshold_db: -30.0,
                ..CompressorSettings::default()
            }),
        ),
        10 => GraphCommand::MasterGainDb(-2.0),
        11 => GraphCommand::Limiter(LimiterSettings {
            enabled: true,
            ..LimiterSettings::default()
        }),
        12 => GraphCommand::Reverb(ReverbBus {
            return_db: -3.0,
            ..ReverbBus::default()
        }),
        13 => GraphCommand::Track(id, TrackParam::Solo(false)),
        14 => GraphCommand::RemoveTrack(ids[1]),
        15 => {
            // A new track with the stem of track 2, prebuilt on the control side.
            let mut t = p.tracks[2].clone();
            t.id = extra.first().copied().unwrap_or_else(TrackId::fresh);
            if extra.is_empty() {
                extra.push(t.id);
            }
            t.gain_db = -1.0;
            let node = TrackNode::new(
                &t,
                p.pan_law,
                stems.get(&p.tracks[2].id).cloned(),
                RATE,
                MAX_BLOCK,
            );
            GraphCommand::AddTrack {
                index: 0,
                node: Box::new(node),
            }
        }
        16 => GraphCommand::SetStem(ids[3], Some(synth::synth_stem(11, RATE))),
        17 => {
            let mut t = p.tracks[4].clone();
            t.pan = 0.9;
            let node = TrackNode::new(&t, p.pan_law, stems.get(&t.id).cloned(), RATE, MAX_BLOCK);
            GraphCommand::ReplaceTrack(Box::new(node))
        }
        18 => GraphCommand::SetStem(ids[5], None),
        _ => GraphCommand::Track(id, TrackParam::GainDb(2.0)),
    }
}

#[test]
fn playback_equals_bounce_across_changes_at_the_same_sample_positions() {
    let (p, stems) = setup(8);
    let start = 4_000u64;
    let frames = 80_000usize;
    // Output frame at which change k lands (some close together, one at frame 1).
    let at: Vec<usize> = (0..20).map(|k| 1 + k * 3_917 + (k % 3) * 7).collect();

    // Engine side: random buffer sizes, cut so that a buffer starts exactly at each change,
    // which is sent just before that buffer.
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.seek(start);
    h.play();
    let mut rng = Rng(77);
    let mut got = [Vec::new(), Vec::new()];
    let mut extra = Vec::new();
    let mut next = 0;
    while got[0].len() < frames {
        let pos = got[0].len();
        while next < at.len() && at[next] == pos {
            h.apply(change(next, &p, &stems, &mut extra));
            next += 1;
        }
        let limit = at.get(next).map_or(frames, |&a| a.min(frames));
        let n = rng.int(1, 2048).min(limit - pos);
        callback(&slot, n, &mut got);
        h.tick();
    }
    assert_eq!(next, at.len());

    // Reference: the render driver, with the same commands applied at the same output frames.
    struct Changes<'a> {
        at: &'a [usize],
        next: usize,
        p: &'a Project,
        stems: &'a Stems,
        extra: Vec<TrackId>,
    }
    impl Schedule for Changes<'_> {
        fn before_block(&mut self, g: &mut MixGraph, done: u64, n: usize) -> usize {
            let pos = done as usize;
            while self.next < self.at.len() && self.at[self.next] == pos {
                drop(g.apply(change(self.next, self.p, self.stems, &mut self.extra)));
                self.next += 1;
            }
            self.at.get(self.next).map_or(n, |&a| n.min(a - pos))
        }
    }
    let mut changes = Changes {
        at: &at,
        next: 0,
        p: &p,
        stems: &stems,
        extra: extra.clone(),
    };
    let mut g: MixGraph = synth::graph(&p, &stems, MAX_BLOCK);
    let want = driver(&mut g, start, frames, Some(&mut changes));
    assert_eq!(changes.next, at.len());
    assert_bits_eq(&got, &want, "with changes");
}

#[test]
fn pause_resumes_seamlessly_and_stop_play_equals_a_bounce_from_the_cue() {
    let (p, stems) = setup(5);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 10_000, &mut got);
    h.pause();
    let mut paused = [Vec::new(), Vec::new()];
    for _ in 0..5 {
        callback(&slot, 777, &mut paused);
    }
    assert!(paused[0].iter().chain(&paused[1]).all(|&x| x == 0.0));
    h.tick();
    assert_eq!(h.meters().state(), PlayState::Paused);
    assert_eq!(h.meters().position(), 10_000);
    h.play();
    callback(&slot, 9_000, &mut got);
    let mut reference = synth::graph(&p, &stems, MAX_BLOCK);
    let want = bounce_of(&mut reference, 0, 19_000);
    assert_bits_eq(&got, &want, "pause/resume");

    // Stop clears DSP state and cues at the frame heard last; play pre-rolls there.
    h.stop();
    let mut silent = [Vec::new(), Vec::new()];
    callback(&slot, 1_000, &mut silent);
    h.tick();
    assert_eq!(h.meters().state(), PlayState::Stopped);
    assert_eq!(h.meters().position(), 19_000);
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 20_000, &mut got);
    let mut fresh = synth::graph(&p, &stems, MAX_BLOCK);
    let want = bounce_of(&mut fresh, 19_000, 20_000);
    assert_bits_eq(&got, &want, "stop/play");
}

/// What the engine must produce for a loop [a, b) entered from `start`: the render driver
/// reading up to `b`, then jumping (declicked) to `a`, again and again.
fn loop_reference(g: &mut MixGraph, start: u64, a: u64, b: u64, frames: usize) -> [Vec<f32>; 2] {
    struct Wrap(u64, u64);
    impl Schedule for Wrap {
        fn before_block(&mut self, g: &mut MixGraph, _: u64, n: usize) -> usize {
            if g.read_position() == self.1 {
                g.seek(self.0, true);
            }
            n.min((self.1 - g.read_position()) as usize)
        }
    }
    driver(g, start, frames, Some(&mut Wrap(a, b)))
}

#[test]
fn loops_wrap_exactly_even_when_shorter_than_a_buffer() {
    let (p, stems) = setup(4);
    for (a, b, seed) in [
        (10_000u64, 10_100u64, 9u64),
        (2_000, 30_000, 10),
        (5_000, 5_001, 11),
    ] {
        let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
        let slot = h.renderer();
        h.seek(1_000);
        h.set_loop(true, a, b);
        h.play();
        let frames = 100_000;
        let mut rng = Rng(seed);
        let mut got = [Vec::new(), Vec::new()];
        while got[0].len() < frames {
            let n = rng.int(1, 2048).min(frames - got[0].len());
            callback(&slot, n, &mut got);
            h.tick();
        }
        let mut g = synth::graph(&p, &stems, MAX_BLOCK);
        let want = loop_reference(&mut g, 1_000, a, b, frames);
        assert_bits_eq(&got, &want, &format!("loop {a}..{b}"));
        let pos = slot.with(|e| e.position()).unwrap();
        assert!((a..b).contains(&pos), "playhead {pos} in loop {a}..{b}");
    }
}

#[test]
fn playing_past_the_end_stops_and_play_at_the_end_starts_over() {
    let (p, stems) = setup(3);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    h.seek(length - 1_000);
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 2_048, &mut got);
    callback(&slot, 2_048, &mut got);
    h.tick();
    let mut reference = synth::graph(&p, &stems, MAX_BLOCK);
    let want = bounce_of(&mut reference, length - 1_000, 1_000);
    for side in 0..2 {
        assert_eq!(&got[side][..1_000], &want[side][..]);
        assert!(got[side][1_000..].iter().all(|&x| x == 0.0));
    }
    let m = h.meters_mut();
    assert_eq!(m.take_ended(), Some((length, EndReason::ProjectEnd)));
    assert_eq!(m.state(), PlayState::Stopped);
    assert_eq!(m.position(), length);

    // Play at the end starts from the beginning, like a bounce from 0.
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 3_000, &mut got);
    let mut fresh = synth::graph(&p, &stems, MAX_BLOCK);
    let want = bounce_of(&mut fresh, 0, 3_000);
    assert_bits_eq(&got, &want, "restart");

    // With a loop on, the end wraps to the loop start instead of stopping.
    h.seek(length - 100);
    h.set_loop(true, 0, 1_000);
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 2_048, &mut got);
    h.tick();
    assert_eq!(slot.with(|e| e.state()), Some(PlayState::Playing));
    assert!(slot.with(|e| e.position()).unwrap() < 1_000);
}

#[test]
fn stop_after_counts_output_frames() {
    let (p, stems) = setup(3);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.seek(500);
    h.stop_after(Some(12_345));
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    for _ in 0..10 {
        callback(&slot, 2_000, &mut got);
    }
    h.tick();
    let first_silent = got[0]
        .iter()
        .zip(&got[1])
        .rposition(|(a, b)| *a != 0.0 || *b != 0.0)
        .map_or(0, |i| i + 1);
    assert!(first_silent <= 12_345 && first_silent > 12_000);
    let m = h.meters_mut();
    assert_eq!(m.take_ended(), Some((500 + 12_345, EndReason::FrameLimit)));
    assert_eq!(m.state(), PlayState::Stopped);
}

#[test]
fn an_unloaded_reference_plays_silence_while_the_mix_keeps_time() {
    let (p, stems) = setup(3);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 4_000, &mut got);
    h.select_source(Source::Reference(RefId::fresh()));
    let mut silent = [Vec::new(), Vec::new()];
    callback(&slot, 4_000, &mut silent);
    // After the A/B crossfade (to nothing), silence.
    let fade = crossfade_frames(RATE);
    assert!(
        silent[0][fade..]
            .iter()
            .chain(&silent[1][fade..])
            .all(|&x| x == 0.0)
    );
    h.select_source(Source::Mix);
    callback(&slot, 4_000, &mut got);
    assert_eq!(slot.with(|e| e.position()), Some(12_000));
    let mut reference = synth::graph(&p, &stems, MAX_BLOCK);
    let want = bounce_of(&mut reference, 0, 12_000);
    for side in 0..2 {
        assert_eq!(&got[side][..4_000], &want[side][..4_000]);
        // The mix went on while the reference was selected: back on it after the fade in.
        assert_eq!(&got[side][4_000 + fade..], &want[side][8_000 + fade..]);
    }
}

#[test]
fn at_least_thirty_reports_a_second_with_2048_frame_buffers() {
    let (p, stems) = setup(3);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    let mut sink = [Vec::new(), Vec::new()];
    let before = h.meters().reports;
    for _ in 0..(RATE as usize / 2048) {
        callback(&slot, 2_048, &mut sink);
    }
    h.tick();
    let reports = h.meters().reports - before;
    assert!(reports >= 30, "{reports} reports in about one second");
    for t in &p.tracks {
        let m = h.meters().track(t.id).expect("every track is metered");
        assert!(m.peak_db[0] > -40.0);
    }
    assert!(h.meters().master.momentary_lufs.is_finite());
}

#[test]
fn a_full_feedback_ring_delays_meters_but_never_loses_a_clip() {
    // Track 0 has one full-scale sample at 16 s; the control side does not tick for 20 s of
    // audio, long after the feedback ring filled up.
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    let mut stems = Stems::new();
    for i in 0..3 {
        let t = stemmix::project::Track::default();
        let mut s = vec![0.01f32; RATE as usize * 20];
        if i == 0 {
            s[RATE as usize * 16] = 1.0;
        }
        stems.insert(t.id, synth::stem(vec![s], RATE));
        p.tracks.push(t);
    }
    // Mono stems are panned −3 dB per side at centre; make the clip reach full scale.
    p.tracks[0].gain_db = 3.5;
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    let mut sink = [Vec::new(), Vec::new()];
    for _ in 0..(20 * RATE as usize / 1024) {
        callback(&slot, 1_024, &mut sink);
        sink[0].clear();
        sink[1].clear();
    }
    h.tick();
    assert!(
        !h.meters().track(p.tracks[0].id).unwrap().clip,
        "clip not reported yet"
    );
    callback(&slot, 2_048, &mut sink);
    h.tick();
    let m = h.meters().track(p.tracks[0].id).unwrap();
    assert!(m.clip, "the clip survived the full ring");
    assert!(!h.meters().track(p.tracks[1].id).unwrap().clip);
    h.clear_clip(p.tracks[0].id);
    assert!(!h.meters().track(p.tracks[0].id).unwrap().clip);
}

#[test]
fn seek_while_playing_moves_the_playhead_sample_accurately() {
    let (p, stems) = setup(3);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    let mut sink = [Vec::new(), Vec::new()];
    callback(&slot, 1_000, &mut sink);
    h.seek(30_000);
    callback(&slot, 1_234, &mut sink);
    // What the graph's latency holds from before the seek still plays out: the playhead
    // reaches the target `latency` frames after the seek landed.
    let latency = slot.with(|e| e.graph().latency()).unwrap() as u64;
    assert!(latency < 1_234);
    assert_eq!(slot.with(|e| e.position()), Some(31_234 - latency));
    assert_eq!(slot.with(|e| e.state()), Some(PlayState::Playing));
}

#[test]
fn replacing_the_graph_plays_the_new_project_like_its_bounce() {
    let (p, stems) = setup(3);
    let (p2, stems2) = setup(5);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    let mut sink = [Vec::new(), Vec::new()];
    callback(&slot, 5_000, &mut sink);

    // Same rate: swapped in between two callbacks; the transport starts over, stopped.
    h.replace_graph(synth::graph(&p2, &stems2, MAX_BLOCK));
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 7_000, &mut got);
    let s = h.tick();
    assert_eq!(s.retired, 1, "the old graph came back to be dropped here");
    let mut reference = synth::graph(&p2, &stems2, MAX_BLOCK);
    let want = bounce_of(&mut reference, 0, 7_000);
    assert_bits_eq(&got, &want, "replaced graph");

    // Another rate: the handle swaps it in with the engine out of its slot.
    let (p3, stems3) = synth::project(2, 44_100);
    h.replace_graph(synth::graph(&p3, &stems3, 1024));
    assert_eq!(h.sample_rate(), 44_100);
    assert_eq!(slot.with(|e| e.sample_rate()), Some(44_100));
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    callback(&slot, 3_000, &mut got);
    let mut reference = synth::graph(&p3, &stems3, 1024);
    let want = bounce_of(&mut reference, 0, 3_000);
    assert_bits_eq(&got, &want, "graph at another rate");
}

#[test]
fn the_reverb_return_meter_reads_what_the_return_adds_to_the_mix() {
    // One track heard only through a pre-fader send: its fader is at −∞, so with the limiter
    // off and the master at 0 dB the output is exactly the reverb return, delayed by the
    // limiter's look-ahead. The return's meter must report the output's peak.
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    let t = stemmix::project::Track {
        gain_db: f32::NEG_INFINITY,
        reverb_send_db: 0.0,
        reverb_send_pre_fader: true,
        ..Default::default()
    };
    let mut rng = Rng(7);
    let mut s: Vec<f32> = (0..RATE as usize / 2)
        .map(|_| rng.range(-0.25, 0.25))
        .collect();
    s.resize(RATE as usize * 3, 0.0);
    let mut stems = Stems::new();
    stems.insert(t.id, synth::stem(vec![s], RATE));
    p.tracks.push(t);
    p.master.limiter = LimiterSettings {
        enabled: false,
        ..LimiterSettings::default()
    };
    for muted in [false, true] {
        p.reverb.mute = muted;
        let mut g = synth::graph(&p, &stems, MAX_BLOCK);
        let mut peak = 0.0f32;
        let (mut l, mut r) = (vec![0.0f32; MAX_BLOCK], vec![0.0f32; MAX_BLOCK]);
        for _ in 0..(3 * RATE as usize / MAX_BLOCK) {
            g.process(&mut l, &mut r);
            peak = l.iter().chain(&r).fold(peak, |m, x| m.max(x.abs()));
        }
        let metered = g.reverb_mut().take_levels();
        let metered_peak = metered.peak[0].max(metered.peak[1]);
        if muted {
            assert_eq!(metered_peak, 0.0, "a muted return reads silence");
            assert_eq!(peak, 0.0);
        } else {
            assert!(peak > 0.01, "the send reaches the reverb ({peak})");
            assert_eq!(metered_peak, peak, "meter vs output peak");
        }
    }
}
