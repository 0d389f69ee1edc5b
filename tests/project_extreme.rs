//! Extreme projects (issue 15, item 7, the project half; the stems themselves — a 1-sample
//! stem, 8 kHz with 192 kHz, a 3-hour stem, 5.1 and 8-channel files — are in
//! `media_extreme.rs`): a project without tracks, 200 tracks over stems from 1 frame to 5 s
//! long, and multi-channel files among good stems. Nothing panics, the mix is the sum the math
//! gives, and memory stays near the decoded size: tracks share their stem's audio, none copies
//! it.
//!
//! A counting global allocator measures the heap; its tests take turns (one lock).

mod common;
#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{Counting, measure};
use std::path::Path;
use std::sync::Mutex;
use stemmix::engine::graph::MixGraph;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::stems::ProjectStems;
use stemmix::engine::{EngineHandle, Tail};
use stemmix::project::{Project, Track};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const RATE: u32 = 48_000;

/// The `i`-th test signal: a sine per file so that every file's part of the mix is distinct.
fn signal(i: usize, frames: usize) -> Vec<f32> {
    common::sine(100.0 + 37.0 * i as f64, RATE, frames, 0.5)
}

fn project_of(dir: &Path, files: &[(String, usize)], tracks: usize) -> Project {
    for (i, (name, frames)) in files.iter().enumerate() {
        common::write_f32_wav(&dir.join(name), RATE, &[signal(i, *frames)]);
    }
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    for i in 0..tracks {
        let mut t = Track::for_source(dir.join(&files[i % files.len()].0));
        // Quiet enough that 200 of them stay far from clipping.
        t.gain_db = -40.0;
        p.tracks.push(t);
    }
    p
}

fn render_all(graph: &mut MixGraph, frames: u64) -> [Vec<f32>; 2] {
    let opts = RenderOptions::range(0, frames, Tail::Seconds(0.0));
    let (sink, outcome) =
        render::render_to_memory(graph, &opts, &mut RenderControl::default()).unwrap();
    assert_eq!(outcome.frames, frames);
    sink.audio
}

#[test]
fn a_project_without_tracks_renders_plays_and_saves() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let p = Project::default();
    let stems = ProjectStems::load(&p, &|_, _| {});
    assert!(stems.audio.is_empty() && stems.offline.is_empty());
    let mut g = MixGraph::from_project(&p, &|t| stems.get(t), 512);
    assert_eq!(g.length(), 0);
    let [l, r] = render_all(&mut g, 4_800);
    assert!(l.iter().chain(&r).all(|&s| s == 0.0));
    // The real-time renderer: play at the end of nothing stops at once, silence comes out.
    let mut h = EngineHandle::new(g);
    let slot = h.renderer();
    h.play();
    let mut buf = vec![1.0f32; 512 * 2];
    use stemmix::engine::slot::Render;
    for _ in 0..10 {
        slot.with(|e| e.render(&mut buf, 2)).unwrap();
        assert!(buf.iter().all(|&s| s == 0.0));
        h.tick();
    }
    // Saves and loads back as it was.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.stemmix");
    stemmix::project::save(&p, &path).unwrap();
    assert!(stemmix::project::load(&path).unwrap().same_content(&p));
}

#[test]
fn two_hundred_tracks_over_stems_of_very_different_lengths_mix_to_their_sum_in_one_copy() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // 1 frame to 5 s: ten files, each used by 20 tracks.
    let lengths = [
        1, 2, 10, 100, 1_000, 4_800, 48_000, 96_000, 144_000, 240_000,
    ];
    let files: Vec<(String, usize)> = lengths
        .iter()
        .enumerate()
        .map(|(i, &n)| (format!("stem{i}.wav"), n))
        .collect();
    let p = project_of(dir.path(), &files, 200);
    let decoded_bytes: usize = lengths.iter().map(|n| n * 4).sum();

    let (stems, load) = measure(|| ProjectStems::load(&p, &|_, _| {}));
    assert!(stems.offline.is_empty(), "{:?}", stems.offline);
    assert_eq!(stems.audio.len(), 200);
    let (mut g, build) = measure(|| MixGraph::from_project(&p, &|t| stems.get(t), 512));
    assert_eq!(g.length(), 240_000, "the longest stem sets the length");
    eprintln!(
        "200 tracks over {decoded_bytes} decoded bytes: loading peaked at {} bytes, building the \
         graph added {} bytes ({} per track)",
        load.peak,
        build.peak,
        build.peak / 200
    );
    // The stems: decoded once per file (plus overviews and decoder buffers), not per track.
    assert!(
        load.peak < decoded_bytes * 2 + (8 << 20),
        "loading peaked at {} bytes for {decoded_bytes} bytes of audio",
        load.peak
    );
    // The graph: strip buffers and DSP state only, no copy of any stem (the largest stem
    // alone is 0.96 MB, and every track's share of the graph is far below it).
    assert!(
        build.peak / 200 < 256 << 10,
        "{} bytes per track",
        build.peak / 200
    );

    let [l, r] = render_all(&mut g, 240_000);
    // Math: a centred mono track under the default −3 dB law sends cos(π/4) of its level to
    // each side; each file plays through 20 tracks at −40 dB, then stops at its end.
    let per_track = 10f64.powf(-40.0 / 20.0) * std::f64::consts::FRAC_1_SQRT_2;
    let signals: Vec<Vec<f32>> = files
        .iter()
        .enumerate()
        .map(|(i, (_, n))| signal(i, *n))
        .collect();
    let mut worst = 0f64;
    for n in 0..240_000 {
        let expected: f64 = signals
            .iter()
            .map(|s| s.get(n).map_or(0.0, |&x| f64::from(x)) * 20.0 * per_track)
            .sum();
        worst = worst
            .max((f64::from(l[n]) - expected).abs())
            .max((f64::from(r[n]) - expected).abs());
    }
    assert!(worst < 1e-5, "the mix is off its sum by up to {worst}");
}

#[test]
fn multichannel_files_among_good_stems_go_offline_with_a_clear_reason() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let tone = signal(0, 4_800);
    common::write_f32_wav(
        &dir.path().join("good.wav"),
        RATE,
        std::slice::from_ref(&tone),
    );
    for (name, n) in [("surround.wav", 6), ("octo.wav", 8)] {
        common::write_f32_wav(&dir.path().join(name), RATE, &vec![tone.clone(); n]);
    }
    let mut p = Project::default();
    for name in ["good.wav", "surround.wav", "octo.wav"] {
        p.tracks.push(Track::for_source(dir.path().join(name)));
    }
    let stems = ProjectStems::load(&p, &|_, _| {});
    assert_eq!(stems.audio.len(), 1);
    let reasons: Vec<String> = stems.offline.iter().map(|(_, e)| e.to_string()).collect();
    assert_eq!(
        reasons,
        [
            "surround.wav: 6 channels; stemmix takes mono or stereo stems",
            "octo.wav: 8 channels; stemmix takes mono or stereo stems",
        ]
        .map(|s| s.to_string())
        .to_vec(),
        "{reasons:?}"
    );
    // The good track still plays; the offline ones keep their place and settings.
    let mut g = MixGraph::from_project(&p, &|t| stems.get(t), 512);
    assert_eq!(g.tracks().count(), 3);
    let [l, _] = render_all(&mut g, 4_800);
    assert!(l.iter().any(|&s| s.abs() > 0.1));
}
