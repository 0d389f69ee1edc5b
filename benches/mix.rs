//! Mix-graph throughput: the render driver (`engine::render`, what the bounce runs) with the
//! full chain on every track (all six EQ bands, compressor, reverb send) plus the reverb bus and
//! the master limiter.
//!
//! Reports track-seconds of audio per CPU-second for 2 to 256 stereo tracks at 48 kHz on one
//! thread and on two (the small counts show where the second core starts to pay:
//! `render::PARALLEL_MIN_TRACKS`), and the cost of one 128-frame block of the audio callback's
//! serial `MixGraph::process` as a fraction of its real-time budget.
//! Run with `cargo bench --bench mix` (release build). `STEMMIX_BENCH_SECONDS` sets the rendered
//! length (default 10 s).

mod support;

use std::sync::Arc;
use std::time::Instant;
use stemmix::engine::MixGraph;
use stemmix::engine::render::{self, RENDER_BLOCK, RenderControl, RenderOptions};
use stemmix::media::StemAudio;
use stemmix::project::{Track, TrackId};
use support::{RATE, cpu_time_s, full_chain_project, noise_stem};

/// Distinct stems; tracks reuse them in turn (256 distinct 10 s stems would need 1 GB).
const DISTINCT_STEMS: usize = 16;

fn build(tracks: usize, stems: &[Arc<StemAudio>], max_block: usize) -> MixGraph {
    let p = full_chain_project(tracks);
    let ids: Vec<TrackId> = p.tracks.iter().map(|t| t.id).collect();
    MixGraph::from_project(
        &p,
        &|t: &Track| {
            let i = ids.iter().position(|id| *id == t.id).unwrap_or(0);
            Some(stems[i % stems.len()].clone())
        },
        max_block,
    )
}

fn throughput(tracks: usize, stems: &[Arc<StemAudio>], seconds: f64, threads: usize) -> (f64, f64) {
    let mut g = build(tracks, stems, RENDER_BLOCK);
    let frames = (seconds * RATE as f64) as u64;
    let opts = RenderOptions {
        threads,
        ..RenderOptions::playback(0, frames)
    };
    let mut sink = |_: &MixGraph, l: &[f32], _: &[f32]| {
        std::hint::black_box(l);
        Ok(())
    };
    let (wall0, cpu0) = (Instant::now(), cpu_time_s());
    let outcome = render::render(&mut g, &opts, &mut sink, &mut RenderControl::default());
    let (wall, cpu) = (wall0.elapsed().as_secs_f64(), cpu_time_s() - cpu0);
    assert!(outcome.is_ok_and(|o| o.frames == frames));
    let track_seconds = tracks as f64 * seconds;
    (track_seconds / cpu, track_seconds / wall)
}

fn block_cost(tracks: usize, stems: &[Arc<StemAudio>], blocks: usize) -> (f64, f64, f64) {
    let n = 128;
    let mut g = build(tracks, stems, n);
    let (mut l, mut r) = (vec![0.0f32; n], vec![0.0f32; n]);
    for _ in 0..200 {
        g.process(&mut l, &mut r);
    }
    let mut times: Vec<f64> = (0..blocks)
        .map(|_| {
            let t = Instant::now();
            g.process(&mut l, &mut r);
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let budget = n as f64 / RATE as f64;
    let pct = |q: f64| times[((times.len() - 1) as f64 * q) as usize] / budget * 100.0;
    (pct(0.5), pct(0.99), pct(0.999))
}

fn main() {
    let seconds: f64 = std::env::var("STEMMIX_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let stems: Vec<_> = (0..DISTINCT_STEMS)
        .map(|i| {
            noise_stem(
                i as u64 + 1,
                (seconds * RATE as f64) as usize + RATE as usize,
            )
        })
        .collect();
    println!(
        "mix graph, full chain per track (6 EQ bands incl. 24 dB/oct HP/LP, compressor, send),"
    );
    println!("reverb bus and master limiter; stereo stems at {RATE} Hz, {seconds} s rendered");
    println!();
    println!(
        "tracks | 1 thread: track-s per CPU-s (ns/track-frame) | 2 threads: track-s per CPU-s, per wall-s"
    );
    for &tracks in &[2usize, 4, 8, 64, 256] {
        let (cpu1, _) = throughput(tracks, &stems, seconds, 1);
        let (cpu2, wall2) = throughput(tracks, &stems, seconds, 2);
        println!(
            "{tracks:6} | {cpu1:10.0} ({:5.1} ns) | {cpu2:10.0}, {wall2:10.0}",
            1e9 / (cpu1 * RATE as f64)
        );
    }
    println!();
    println!(
        "one 128-frame block (budget {:.3} ms), % of budget: median / p99 / p99.9",
        128.0 / RATE as f64 * 1e3
    );
    for &tracks in &[8usize, 64, 256] {
        let blocks = if tracks >= 256 { 3_000 } else { 10_000 };
        let (m, p99, p999) = block_cost(tracks, &stems, blocks);
        println!("{tracks:6} tracks: {m:6.1}% / {p99:6.1}% / {p999:6.1}%");
    }
}
