//! The A/B switch, the reference player and the monitor section, tested on the function the
//! audio stream calls (`Render::render` through the slot) against math and against the render
//! driver the bounce uses:
//! - a switch changes the source at the requested block, with an equal-power crossfade of the
//!   stated length (`cos θ_k`, `sin θ_k`, `θ_k = (π/2)(k+1)/N`), gains whose squares sum to 1,
//!   and no sample step above the analytic bound of such a fade; a switch during a fade starts
//!   from the current blend;
//! - a Sync reference that is a copy of the mix (rendered by `engine::render`) plays exactly the
//!   mix's samples after the fade, and follows its seeks and loop wraps (latency included);
//! - a Free reference has its own playhead (advancing only while heard), its own loop, and stops
//!   at its end;
//! - the monitor modes are `(L+R)/2`, `(L−R)/2`, L, R; monitor and A/B never reach the meters'
//!   view of the mix, nor the bounce.

#[path = "support/synth_project.rs"]
mod synth;

use std::collections::HashMap;
use std::f64::consts::FRAC_PI_2;
use std::sync::Arc;
use stemmix::engine::command::Source;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::realtime::AudioEngine;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::slot::{Render, RenderSlot};
use stemmix::engine::strip::JUMP_FADE_MS;
use stemmix::engine::switch::{CROSSFADE_MS, crossfade_frames};
use stemmix::engine::{MonitorMode, MonitorSettings, RefSetup};
use stemmix::media::StemAudio;
use stemmix::project::{Project, RefId, RefMode, Track, TrackId};

const RATE: u32 = 48_000;
const MAX_BLOCK: usize = 512;

type Stems = HashMap<TrackId, Arc<StemAudio>>;
type Stereo = [Vec<f32>; 2];

/// Callbacks of `chunk` frames (the last one shorter) until `n` frames were rendered.
fn play(slot: &RenderSlot<AudioEngine>, n: usize, chunk: usize, out: &mut Stereo) {
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
fn bounce(p: &Project, stems: &Stems, frames: usize) -> Stereo {
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

fn sine(frames: usize, hz: f64, amp: f64, phase: f64, dc: f64) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            let t = n as f64 / f64::from(RATE);
            (dc + amp * (std::f64::consts::TAU * hz * t + phase).sin()) as f32
        })
        .collect()
}

/// A one-track project of smooth sines (small sample steps, so that a click shows).
fn smooth_project() -> (Project, Stems) {
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
fn smooth_reference(frames: usize) -> Arc<StemAudio> {
    synth::stem(
        vec![
            sine(frames, 70.0, 0.2, 0.0, 0.5),
            sine(frames, 90.0, 0.2, 2.0, -0.5),
        ],
        RATE,
    )
}

fn setup(mode: RefMode) -> RefSetup {
    RefSetup {
        mode,
        gain_db: 0.0,
        loop_frames: None,
        loop_enabled: false,
    }
}

fn theta(k: usize, n: usize) -> (f64, f64) {
    let t = FRAC_PI_2 * (k + 1) as f64 / n as f64;
    (t.cos(), t.sin())
}

fn max_step(x: &[f32]) -> f64 {
    x.windows(2)
        .map(|w| f64::from((w[1] - w[0]).abs()))
        .fold(0.0, f64::max)
}

fn peak(x: &[f32]) -> f64 {
    x.iter().map(|v| f64::from(v.abs())).fold(0.0, f64::max)
}

/// The largest step between consecutive output samples `y_k = g_k·a_k + h_k·b_k` for the gain
/// sequence `gains` = `(g_k, h_k)` over sources `a` and `b` (same length), from
/// `Δy_k = g_k·Δa_k + h_k·Δb_k + Δg_k·a_{k−1} + Δh_k·b_{k−1}`. For an equal-power fade of `n`
/// frames (`|Δg|, |Δh| ≤ π/(2n)`, `g² + h² = 1`) it is at most `√(Da² + Db²) + π/(2n)·(A + B)`
/// (`D`: largest step of a source, `A`, `B`: their peaks).
fn step_bound(gains: &[(f64, f64)], a: &[f32], b: &[f32]) -> f64 {
    (1..gains.len())
        .map(|k| {
            let (g, h) = gains[k];
            let (g0, h0) = gains[k - 1];
            let (da, db) = (a[k] - a[k - 1], b[k] - b[k - 1]);
            g.abs() * f64::from(da.abs())
                + h.abs() * f64::from(db.abs())
                + (g - g0).abs() * f64::from(a[k - 1].abs())
                + (h - h0).abs() * f64::from(b[k - 1].abs())
        })
        .fold(0.0, f64::max)
}

/// Gains of a switch from `a` to `b` over `window = f−1 … f+n` (one frame either side).
fn switch_gains(n: usize) -> Vec<(f64, f64)> {
    std::iter::once((1.0, 0.0))
        .chain((0..n).map(|k| theta(k, n)))
        .chain(std::iter::once((0.0, 1.0)))
        .collect()
}

fn assert_bits(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = (0..got.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!("{what}: differs first at {i}: {} vs {}", got[i], want[i]);
    }
}

#[test]
fn a_switch_changes_the_source_at_the_requested_block_with_an_equal_power_fade() {
    let (p, stems) = smooth_project();
    let n = crossfade_frames(RATE);
    assert_eq!(n, 240, "the stated length: {CROSSFADE_MS} ms at 48 kHz");
    const { assert!(CROSSFADE_MS <= 10.0) };
    let reference = smooth_reference(RATE as usize);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let id = RefId::fresh();
    assert!(h.set_reference(id, reference.clone(), setup(RefMode::Free)));
    h.play();
    let f = 1_000; // the switch is requested here, between two callbacks
    let total = 4_000;
    let mut got = [Vec::new(), Vec::new()];
    play(&slot, f, 250, &mut got);
    h.select_source(Source::Reference(id));
    // Odd callback sizes: the fade must not depend on how the device splits the audio.
    play(&slot, total - f, 97, &mut got);
    let mix = bounce(&p, &stems, total);
    let r = &reference.channels;

    for side in 0..2 {
        // Before the requested block: the mix, bit for bit.
        assert_bits(&got[side][..f], &mix[side][..f], "before the switch");
        // After the fade: the reference alone, from its start (Free: it was never heard).
        assert_bits(
            &got[side][f + n..],
            &r[side][n..total - f],
            "after the fade",
        );
        // During the fade: cos θ_k · mix + sin θ_k · reference.
        for k in 0..n {
            let (c, s) = theta(k, n);
            let want = c * f64::from(mix[side][f + k]) + s * f64::from(r[side][k]);
            let y = f64::from(got[side][f + k]);
            assert!(
                (y - want).abs() < 2e-6,
                "side {side} fade frame {k}: {y} vs {want}"
            );
        }
        // No sample step above the bound of such a fade, while a hard cut would exceed it.
        let window = f - 1..f + n + 1;
        // Aligned with the window; the reference frame at f−1 is never heard (gain 0).
        let b: Vec<f32> = std::iter::once(r[side][0])
            .chain(r[side][..n + 1].iter().copied())
            .collect();
        let a = &mix[side][window.clone()];
        let bound = step_bound(&switch_gains(n), a, &b) + 1e-6;
        let (da, db) = (max_step(a), max_step(&b));
        let pi_2n = std::f64::consts::PI / (2 * n) as f64;
        assert!(bound <= (da * da + db * db).sqrt() + pi_2n * (peak(a) + peak(&b)) + 1e-6);
        let step = max_step(&got[side][window]);
        assert!(
            step <= bound,
            "side {side}: step {step} above the bound {bound}"
        );
        let cut = f64::from((r[side][0] - mix[side][f - 1]).abs());
        assert!(
            cut > 4.0 * bound,
            "the bound {bound} would not catch a cut of {cut}"
        );
    }
    // The gains solved from the output (two equations per frame: left and right) are an
    // equal-power pair.
    let mut solved = 0;
    for k in 0..n {
        let (ml, mr) = (f64::from(mix[0][f + k]), f64::from(mix[1][f + k]));
        let (rl, rr) = (f64::from(r[0][k]), f64::from(r[1][k]));
        let (yl, yr) = (f64::from(got[0][f + k]), f64::from(got[1][f + k]));
        let det = ml * rr - mr * rl;
        if det.abs() < 0.05 {
            continue;
        }
        let c = (yl * rr - yr * rl) / det;
        let s = (ml * yr - mr * yl) / det;
        assert!(
            (c * c + s * s - 1.0).abs() < 1e-3,
            "frame {k}: c² + s² = {}",
            c * c + s * s
        );
        solved += 1;
    }
    assert!(solved > n / 2, "only {solved} frames were well conditioned");
    h.tick();
    assert_eq!(h.meters().source(), Source::Reference(id));
    assert!(!h.meters().reference.crossfading);
    assert_eq!(
        h.meters().reference.position,
        Some((id, (total - f) as u64)),
        "the Free playhead advanced only while heard"
    );
}

#[test]
fn a_switch_during_a_fade_starts_from_the_current_blend_and_the_mix_runs_on() {
    let (p, stems) = smooth_project();
    let n = crossfade_frames(RATE);
    let reference = smooth_reference(RATE as usize);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let id = RefId::fresh();
    h.set_reference(id, reference.clone(), setup(RefMode::Free));
    h.play();
    let (f, back) = (1_000, 100);
    let total = 6_000;
    let mut got = [Vec::new(), Vec::new()];
    play(&slot, f, 500, &mut got);
    h.select_source(Source::Reference(id));
    play(&slot, back, 64, &mut got);
    h.select_source(Source::Mix);
    play(&slot, total - f - back, 333, &mut got);
    let mix = bounce(&p, &stems, total);
    let r = &reference.channels;
    let (c0, s0) = theta(back - 1, n);
    // Frames f−1 … f+back+n: the mix, the first fade, the second one from the blend, the mix.
    let gains: Vec<(f64, f64)> = std::iter::once((1.0, 0.0))
        .chain((0..back + n).map(|k| {
            if k < back {
                theta(k, n)
            } else {
                let (c, s) = theta(k - back, n);
                (c0 * c + s, s0 * c)
            }
        }))
        .chain(std::iter::once((1.0, 0.0)))
        .collect();
    for side in 0..2 {
        for k in 0..back + n {
            let (gm, gr) = gains[k + 1];
            let want = gm * f64::from(mix[side][f + k]) + gr * f64::from(r[side][k]);
            let y = f64::from(got[side][f + k]);
            assert!(
                (y - want).abs() < 2e-6,
                "side {side} frame {k}: {y} vs {want}"
            );
        }
        // Continuous through both switches: within the bound of a fade between the two.
        let window = f - 1..f + back + n + 1;
        // The reference frame "before" f−1 is never heard (gain 0); any value does.
        let b: Vec<f32> = std::iter::once(r[side][0])
            .chain(r[side][..back + n + 1].iter().copied())
            .collect();
        let bound = step_bound(&gains, &mix[side][window.clone()], &b);
        let cut = f64::from((r[side][0] - mix[side][f - 1]).abs());
        assert!(
            cut > 4.0 * bound,
            "the bound {bound} would not catch a cut of {cut}"
        );
        let step = max_step(&got[side][window]);
        assert!(
            step <= bound + 1e-6,
            "side {side}: step {step} above {bound}"
        );
        // The mix went on running while the reference played: back on it, bit for bit.
        assert_bits(
            &got[side][f + back + n..],
            &mix[side][f + back + n..],
            "the mix after switching back",
        );
    }
}

/// The Sync reference's expected index for output frame `t`, and for the first frames after a
/// jump the index the old position would have read (the declick fades from it).
struct Heard {
    /// `(output frame, first new index, old index at that frame)` of each jump.
    jumps: Vec<(usize, usize, usize)>,
}

impl Heard {
    fn at(&self, t: usize) -> usize {
        let mut idx = t;
        for &(at, to, _) in &self.jumps {
            if t >= at {
                idx = to + (t - at);
            }
        }
        idx
    }
}

#[test]
fn a_sync_reference_copy_of_the_mix_plays_the_mix_exactly_and_follows_seeks_and_loops() {
    let (mut p, stems) = synth::project(4, RATE);
    synth::full_chain(&mut p); // the limiter's look-ahead gives the graph a latency
    let g = synth::graph(&p, &stems, MAX_BLOCK);
    let latency = g.latency();
    assert!(latency > 0, "the test needs a graph with latency");
    let length = g.length() as usize;
    let copy = bounce(&p, &stems, length);
    let reference = synth::stem(copy.to_vec(), RATE);
    let mut h = EngineHandle::new(g);
    let slot = h.renderer();
    let id = RefId::fresh();
    h.set_reference(id, reference, setup(RefMode::Sync));
    let n = crossfade_frames(RATE);
    let jump_fade = (JUMP_FADE_MS / 1000.0 * RATE as f32).round() as usize;

    h.play();
    let mut got = [Vec::new(), Vec::new()];
    let f = 5_000;
    play(&slot, f, 300, &mut got);
    h.select_source(Source::Reference(id));
    let t_seek = 20_000;
    play(&slot, t_seek - f, 211, &mut got);
    // A seek while the reference is heard, then a loop around the new position.
    let (s, a, b) = (30_000, 29_000, 40_000);
    h.seek(s as u64);
    h.set_loop(true, a as u64, b as u64);
    // Up to well after the wrap (and before the next one).
    let total = t_seek + (b - s) + latency + 8_000;
    play(&slot, total - t_seek, 173, &mut got);
    // The read head jumps at once; what is heard jumps a latency later.
    let seek_heard = t_seek + latency;
    let wrap_heard = t_seek + (b - s) + latency;
    let heard = Heard {
        jumps: vec![(seek_heard, s, seek_heard), (wrap_heard, a, b)],
    };
    assert!(total > wrap_heard + jump_fade && total - wrap_heard < b - a);
    assert!(length > b + jump_fade);

    for side in 0..2 {
        let c = &copy[side];
        // After the A/B fade, until the heard position jumps: the mix's own samples, exactly.
        assert_bits(
            &got[side][f + n..seek_heard],
            &c[f + n..seek_heard],
            "the copy of the mix after the fade",
        );
        for (t, &y) in got[side].iter().enumerate().take(total).skip(f + n) {
            let idx = heard.at(t);
            match heard.jumps.iter().find(|j| t >= j.0 && t < j.0 + jump_fade) {
                None => assert_eq!(
                    y.to_bits(),
                    c[idx].to_bits(),
                    "side {side} frame {t}: want the copy at {idx}"
                ),
                Some(&(at, to, old)) => {
                    // The declick: linear from where it would have gone on to the new place.
                    let i = t - at;
                    let g = (i + 1) as f32 / jump_fade as f32;
                    let (o, nw) = (c[old + i], c[to + i]);
                    let want = o + (nw - o) * g;
                    assert!(
                        (y - want).abs() < 1e-6,
                        "side {side} declick {t}: {y} vs {want}"
                    );
                }
            }
        }
    }
}

/// Expected index of a Free reference after `heard` frames heard from `start`, looping over
/// `[a, b)`.
fn free_index(start: usize, heard: usize, (a, b): (usize, usize)) -> usize {
    let pos = start + heard;
    if pos < b {
        pos
    } else {
        a + (pos - b) % (b - a)
    }
}

#[test]
fn a_free_reference_has_its_own_playhead_and_loop_and_stops_at_its_end() {
    let (p, stems) = smooth_project();
    let n = crossfade_frames(RATE);
    let jump_fade = (JUMP_FADE_MS / 1000.0 * RATE as f32).round() as usize;
    let ref_len = 10_000;
    // Distinct values at every index, so a wrong index shows.
    let reference = synth::stem(
        vec![
            (0..ref_len).map(|i| 0.1 + i as f32 * 1e-5).collect(),
            (0..ref_len).map(|i| -0.1 - i as f32 * 1e-5).collect(),
        ],
        RATE,
    );
    let lp = (2_000, 6_000);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let id = RefId::fresh();
    h.set_reference(
        id,
        reference.clone(),
        RefSetup {
            loop_frames: Some((lp.0 as u64, lp.1 as u64)),
            loop_enabled: true,
            ..setup(RefMode::Free)
        },
    );
    let r = &reference.channels;
    h.play();
    let mut got = [Vec::new(), Vec::new()];
    let f = 1_000;
    play(&slot, f, 256, &mut got);
    h.select_source(Source::Reference(id));
    // Heard for 7 000 frames: through the loop end (6 000) and on from 2 000.
    let heard1 = 7_000;
    play(&slot, heard1, 256, &mut got);
    for side in 0..2 {
        for j in n..heard1 {
            let t = f + j;
            let y = got[side][t];
            if (lp.1..lp.1 + jump_fade).contains(&j) {
                let i = j - lp.1;
                let g = (i + 1) as f32 / jump_fade as f32;
                let (o, nw) = (r[side][lp.1 + i], r[side][lp.0 + i]);
                assert!((y - (o + (nw - o) * g)).abs() < 1e-6, "loop declick {j}");
            } else {
                let idx = free_index(0, j, lp);
                assert_eq!(y.to_bits(), r[side][idx].to_bits(), "side {side} heard {j}");
            }
        }
    }
    h.tick();
    let at = free_index(0, heard1, lp) as u64;
    assert_eq!(h.meters().reference.position, Some((id, at)));

    // Switched away for a while: the playhead moves on only during the fade-out.
    h.select_source(Source::Mix);
    play(&slot, 5_000, 512, &mut got);
    h.tick();
    let kept = free_index(0, heard1 + n, lp);
    assert_eq!(h.meters().reference.position, None, "the mix is selected");
    h.select_source(Source::Reference(id));
    let t0 = got[0].len();
    play(&slot, 1_000, 128, &mut got);
    for side in 0..2 {
        for j in n..1_000 {
            let idx = free_index(kept, j, lp);
            assert_eq!(
                got[side][t0 + j].to_bits(),
                r[side][idx].to_bits(),
                "resumed {j}"
            );
        }
    }
    // A seek of its own playhead while heard (declicked), then the loop off: it plays to its
    // end and stops there.
    h.seek_reference(id, 8_000);
    h.set_reference_loop(id, false, lp.0 as u64, lp.1 as u64);
    let t1 = got[0].len();
    play(&slot, 4_000, 300, &mut got);
    for side in 0..2 {
        for j in jump_fade..4_000 {
            let want = r[side].get(8_000 + j).copied().unwrap_or(0.0);
            assert_eq!(
                got[side][t1 + j].to_bits(),
                want.to_bits(),
                "after the seek {j}"
            );
        }
    }
    h.tick();
    assert_eq!(h.meters().reference.position, Some((id, ref_len as u64)));
    assert!(h.meters().reference.at_end);
}

#[test]
fn monitor_modes_and_level_act_on_the_output_only() {
    let (p, stems) = synth::project(3, RATE);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    h.play();
    // Twin engine without any monitor setting: its meters are what the mix measures.
    let mut twin = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let twin_slot = twin.renderer();
    twin.play();
    let settle = crossfade_frames(RATE).max((0.020 * RATE as f32) as usize) + 1;
    let seg = 6_000;
    let mut got = [Vec::new(), Vec::new()];
    let mut plain = [Vec::new(), Vec::new()];
    let cases: [(MonitorMode, f32); 7] = [
        (MonitorMode::Mono, 0.0),
        (MonitorMode::Side, 0.0),
        (MonitorMode::Left, 0.0),
        (MonitorMode::Right, 0.0),
        (MonitorMode::Stereo, -6.0),
        (MonitorMode::Stereo, f32::NEG_INFINITY),
        (MonitorMode::Stereo, 0.0),
    ];
    for (mode, level_db) in cases {
        h.set_monitor(MonitorSettings { level_db, mode });
        play(&slot, seg, 400, &mut got);
        play(&twin_slot, seg, 400, &mut plain);
    }
    let mix = bounce(&p, &stems, seg * cases.len());
    // Without a monitor, the real-time output is the bounce (the monitor is nowhere else).
    assert_bits(&plain[0], &mix[0], "left without monitor");
    assert_bits(&plain[1], &mix[1], "right without monitor");
    for (i, (mode, level_db)) in cases.into_iter().enumerate() {
        let g = 10f64.powf(f64::from(level_db) / 20.0) as f32;
        for t in i * seg + settle..(i + 1) * seg {
            let (l, r) = (mix[0][t], mix[1][t]);
            let want = match mode {
                MonitorMode::Stereo => (g * l, g * r),
                MonitorMode::Mono => ((l + r) / 2.0, (l + r) / 2.0),
                MonitorMode::Side => ((l - r) / 2.0, (l - r) / 2.0),
                MonitorMode::Left => (l, l),
                MonitorMode::Right => (r, r),
            };
            let (yl, yr) = (got[0][t], got[1][t]);
            assert!(
                (yl - want.0).abs() <= 1e-6 && (yr - want.1).abs() <= 1e-6,
                "{mode:?} {level_db} dB frame {t}: ({yl}, {yr}) vs {want:?}"
            );
        }
    }
    // The master meters measure what is heard before the monitor: identical in both engines.
    h.tick();
    twin.tick();
    let (m, w) = (&h.meters().master, &twin.meters().master);
    assert_eq!(m.integrated_lufs, w.integrated_lufs);
    assert!(
        m.integrated_lufs > -40.0,
        "the mix was measured: {}",
        m.integrated_lufs
    );
    assert_eq!(m.short_term_lufs, w.short_term_lufs);
}

#[test]
fn the_master_meters_follow_what_is_heard_and_the_mix_loudness_is_reported_on_its_own() {
    let (p, stems) = smooth_project();
    let quiet = synth::stem(
        vec![sine(RATE as usize * 4, 1000.0, 0.01, 0.0, 0.0); 2],
        RATE,
    );
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let id = RefId::fresh();
    h.set_reference(id, quiet, setup(RefMode::Free));
    // Selected while stopped: heard from the first frame.
    h.select_source(Source::Reference(id));
    h.play();
    let mut twin = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let twin_slot = twin.renderer();
    twin.play();
    let mut got = [Vec::new(), Vec::new()];
    let mut plain = [Vec::new(), Vec::new()];
    // Longer than the 3 s short-term window.
    play(&slot, 4 * RATE as usize, 480, &mut got);
    play(&twin_slot, 4 * RATE as usize, 480, &mut plain);
    h.tick();
    twin.tick();
    let (heard, mix) = (h.meters(), twin.meters());
    // The mix's own short-term loudness equals what the twin's master measures of the mix.
    assert!(mix.master.short_term_lufs > -30.0);
    assert_eq!(
        heard.reference.mix_short_term_lufs,
        mix.master.short_term_lufs
    );
    assert_eq!(
        heard.reference.mix_momentary_lufs,
        mix.master.momentary_lufs
    );
    // The master measures the quiet reference: a 1 kHz sine at −40 dBFS on both sides reads
    // −40 LUFS (EBU Tech 3341 case 1 at another level).
    let st = heard.master.short_term_lufs;
    assert!((st - (-40.0)).abs() < 0.2, "heard short-term {st} LUFS");
    assert!(got[0].iter().all(|x| x.abs() <= 0.0101));
}

#[test]
fn replaced_and_removed_reference_audio_leaves_over_the_retire_ring() {
    let (p, stems) = smooth_project();
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let id = RefId::fresh();
    let first = smooth_reference(RATE as usize);
    let first_alive = Arc::downgrade(&first);
    h.set_reference(id, first, setup(RefMode::Free));
    h.play();
    h.select_source(Source::Reference(id));
    let mut got = [Vec::new(), Vec::new()];
    play(&slot, 2_000, 256, &mut got);
    // Replaced while heard: the old audio is declicked away, then handed back.
    let second = smooth_reference(RATE as usize / 2);
    let second_alive = Arc::downgrade(&second);
    h.set_reference(id, second, setup(RefMode::Free));
    play(&slot, 2_000, 256, &mut got);
    assert!(
        first_alive.upgrade().is_some(),
        "the audio thread let go of it without freeing it"
    );
    assert!(h.tick().retired >= 1);
    assert!(
        first_alive.upgrade().is_none(),
        "dropped on the control side"
    );
    // Removed while heard: the output fades to the mix, the audio comes back.
    h.remove_reference(id);
    assert_eq!(h.source(), Source::Mix);
    let t0 = got[0].len();
    play(&slot, 2_000, 256, &mut got);
    h.tick();
    assert!(second_alive.upgrade().is_none());
    assert!(h.references().is_empty());
    let mix = bounce(&p, &stems, t0 + 2_000);
    let n = crossfade_frames(RATE);
    for side in 0..2 {
        assert_bits(
            &got[side][t0 + n..],
            &mix[side][t0 + n..],
            "the mix after removal",
        );
    }
    // Every slot taken: one more is refused on the control side, with a message.
    let tiny = || synth::stem(vec![vec![0.0; 16]], RATE);
    for _ in 0..stemmix::engine::MAX_REFERENCES {
        assert!(h.set_reference(RefId::fresh(), tiny(), setup(RefMode::Free)));
    }
    assert!(!h.set_reference(RefId::fresh(), tiny(), setup(RefMode::Free)));
    assert_eq!(h.references().len(), stemmix::engine::MAX_REFERENCES);
    assert!(h.take_messages().iter().any(|m| m.contains("at most")));
}
