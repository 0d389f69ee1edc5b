//! The A/B switch and the reference player, tested on the function the audio stream calls
//! (`Render::render` through the slot) against math and against the render driver the bounce
//! uses:
//! - a switch changes the source at the requested block, with an equal-power crossfade of the
//!   stated length (`cos θ_k`, `sin θ_k`, `θ_k = (π/2)(k+1)/N`), gains whose squares sum to 1,
//!   and no sample step above the analytic bound of such a fade; a switch during a fade starts
//!   from the current blend;
//! - a Sync reference that is a copy of the mix (rendered by `engine::render`) plays exactly the
//!   mix's samples after the fade, and follows its seeks and loop wraps (latency included);
//! - a Free reference has its own playhead (advancing only while heard), its own loop, and stops
//!   at its end.

#[path = "support/ab.rs"]
mod ab;
#[path = "support/synth_project.rs"]
mod synth;

use ab::*;
use std::f64::consts::FRAC_PI_2;
use stemmix::engine::RefSetup;
use stemmix::engine::command::Source;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::strip::JUMP_FADE_MS;
use stemmix::engine::switch::{CROSSFADE_MS, crossfade_frames};
use stemmix::project::{RefId, RefMode};

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
fn a_free_reference_sought_or_looped_at_absurd_frames_plays_on_without_overflow() {
    // Found by the long engine soak: a Free playhead at u64::MAX overflowed when it advanced
    // (a panic on the audio thread). Positions are now kept below MAX_FRAME, like the mix's.
    let (p, stems) = smooth_project();
    let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let id = RefId::fresh();
    h.set_reference(id, smooth_reference(RATE as usize), setup(RefMode::Free));
    h.select_source(Source::Reference(id));
    h.play();
    let mut out = [Vec::new(), Vec::new()];
    for (enabled, start, end, seek) in [
        (false, 0, 0, u64::MAX),
        (true, u64::MAX - 1, u64::MAX, u64::MAX),
        (true, 0, u64::MAX, u64::MAX - 3),
        (true, 10, 100, u64::MAX),
    ] {
        h.set_reference_loop(id, enabled, start, end);
        h.seek_reference(id, seek);
        play(&slot, 3 * MAX_BLOCK + 7, 256, &mut out);
    }
    assert!(out[0].iter().chain(&out[1]).all(|s| s.is_finite()));
}
