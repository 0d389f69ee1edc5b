//! The background mix analysis (`engine::analysis::analyze_project`: a render through the
//! render driver measured block by block, what the loudness match waits for): wall-clock and
//! CPU time for the example project and for a synthetic 32-track, 5-minute project with every
//! processor on, on one thread and on the default thread count, beside the bare render (a sink
//! that measures nothing) so the cost of the measuring itself shows.
//! Run with `cargo bench --bench analysis` (release build). `STEMMIX_BENCH_MINUTES` sets the
//! synthetic project's length (default 5).

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use stemmix::engine::MixGraph;
use stemmix::engine::analysis::{AnalysisOptions, analyze_project};
use stemmix::engine::render::{self, RENDER_BLOCK, RenderControl, RenderOptions};
use stemmix::engine::stems::ProjectStems;
use stemmix::media::StemAudio;
use stemmix::project::{self, Project, Track, TrackId};
use support::{RATE, cpu_time_s, full_chain_project, noise_stem};

/// Distinct stems of the synthetic project; its tracks reuse them in turn (32 distinct
/// 5-minute stereo stems would take 3.7 GB; the work per track is the same).
const DISTINCT_STEMS: usize = 8;

/// Best of this many runs.
const RUNS: usize = 3;

/// Seconds (wall, CPU) of the best of [`RUNS`] runs of `f`.
fn timed(mut f: impl FnMut()) -> (f64, f64) {
    (0..RUNS)
        .map(|_| {
            let (wall0, cpu0) = (Instant::now(), cpu_time_s());
            f();
            (wall0.elapsed().as_secs_f64(), cpu_time_s() - cpu0)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or_default()
}

/// Prints the analysis and the bare render of `project` on 1 and on the default threads.
fn bench(label: &str, project: &Project, lookup: &dyn Fn(&Track) -> Option<Arc<StemAudio>>) {
    let length = MixGraph::from_project(project, lookup, RENDER_BLOCK).length();
    let song_s = length as f64 / f64::from(project.sample_rate);
    println!("{label}: {} tracks, {song_s:.1} s", project.tracks.len());
    for threads in [1, render::default_threads()] {
        let opts = AnalysisOptions {
            threads,
            ..AnalysisOptions::whole_song(project)
        };
        let (wall, cpu) = timed(|| {
            let a = analyze_project(project, lookup, &opts, None, None);
            assert!(a.is_ok_and(|a| a.analysis.whole.report.integrated_lufs.is_finite()));
        });
        let (bare_wall, _) = timed(|| {
            let mut g = MixGraph::from_project(project, lookup, RENDER_BLOCK);
            let ropts = RenderOptions {
                threads,
                ..RenderOptions::range(0, length, opts.tail)
            };
            let mut sink = |_: &MixGraph, l: &[f32], _: &[f32]| {
                std::hint::black_box(l);
                Ok(())
            };
            assert!(
                render::render(&mut g, &ropts, &mut sink, &mut RenderControl::default()).is_ok()
            );
        });
        println!(
            "  {threads} thread(s): analysis {wall:7.2} s wall ({:6.1}x real time, {cpu:7.2} s CPU); \
             bare render {bare_wall:7.2} s; measuring {:5.1} % of the analysis",
            song_s / wall,
            (wall - bare_wall) / wall * 100.0
        );
    }
}

fn main() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo/demo.stemmix");
    match project::load(&demo) {
        Ok(p) => {
            let stems = ProjectStems::load(&p, &|_, _| {});
            assert!(stems.offline.is_empty(), "demo stems: {:?}", stems.offline);
            bench("example project", &p, &|t| stems.get(t));
        }
        Err(e) => println!("example project: cannot load: {e}"),
    }

    let minutes: f64 = std::env::var("STEMMIX_BENCH_MINUTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let frames = (minutes * 60.0 * f64::from(RATE)) as usize;
    let stems: Vec<_> = (0..DISTINCT_STEMS)
        .map(|i| noise_stem(i as u64 + 1, frames))
        .collect();
    let p = full_chain_project(32);
    let ids: Vec<TrackId> = p.tracks.iter().map(|t| t.id).collect();
    let lookup = |t: &Track| {
        let i = ids.iter().position(|id| *id == t.id).unwrap_or(0);
        Some(stems[i % stems.len()].clone())
    };
    bench(
        "synthetic project, every processor on (6 EQ bands, compressor, send; reverb, limiter)",
        &p,
        &lookup,
    );
}
