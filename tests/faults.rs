//! Faults reach the user: a NaN or infinity caught in a channel strip or the reverb return is
//! reported — in playback as a message of the engine handle (what the GUI shows as a notice
//! and `stemmix play` prints), in a render through its outcome, in a bounce through its summary
//! and a warning line of `stemmix bounce`. No parameter can produce one (every setting is
//! clamped to its range first), so the faults come in through stem samples: a NaN, a huge
//! finite sample whose square overflows, and one that only overflows in a boosted pre-fader
//! send.

mod common;
#[path = "support/synth_project.rs"]
mod synth;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use stemmix::engine::bounce::{self, BounceOptions, Tail};
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::slot::Render;
use stemmix::engine::{FaultSource, MixGraph};
use stemmix::media::StemAudio;
use stemmix::project::{Project, Track, TrackId};

const RATE: u32 = 48_000;

type Stems = HashMap<TrackId, Arc<StemAudio>>;

/// Two tracks of noise; track 2's stem holds `value` at frame 5000 of its left channel.
/// With `via_send`, track 2 is heard only through a +6 dB pre-fader reverb send.
fn project_with(value: f32, via_send: bool) -> (Project, Stems) {
    let (mut p, mut stems) = synth::project(2, RATE);
    let t = &mut p.tracks[1];
    let mut channels: Vec<Vec<f32>> = stems[&t.id].channels.iter().map(|c| c.to_vec()).collect();
    channels[0][5_000] = value;
    stems.insert(t.id, synth::stem(channels, RATE));
    if via_send {
        t.gain_db = f32::NEG_INFINITY;
        t.reverb_send_db = 6.0;
        t.reverb_send_pre_fader = true;
    }
    (p, stems)
}

/// Plays `frames` frames through the engine's callback (as the stream does), ticking the
/// handle; returns the messages it gathered.
fn play(h: &mut EngineHandle, frames: usize) -> Vec<String> {
    let slot = h.renderer();
    h.play();
    let mut buf = vec![0.0f32; 512 * 2];
    let mut messages = Vec::new();
    for _ in 0..frames.div_ceil(512) {
        slot.with(|e| e.render(&mut buf, 2))
            .expect("renderer in its slot");
        assert!(
            buf.iter().all(|x| x.is_finite()),
            "nothing non-finite is heard"
        );
        h.tick();
        messages.extend(h.take_messages());
    }
    messages
}

#[test]
fn playback_reports_a_nan_in_a_stem_once_as_a_message_about_its_track() {
    let (p, stems) = project_with(f32::NAN, false);
    let id = p.tracks[1].id;
    let mut h = EngineHandle::new(synth::graph(&p, &stems, 512));
    let messages = play(&mut h, 20_000);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("track 2 produced an invalid sample"),
        "{messages:?}"
    );
    assert!(h.meters().track(id).is_some_and(|m| m.faulted));
    assert!(!h.meters().track(p.tracks[0].id).unwrap().faulted);
    // The light stays on until cleared; clearing it and playing on reports nothing new (the
    // NaN is behind the playhead).
    h.clear_clip(id);
    assert!(play(&mut h, 5_000).is_empty());
}

#[test]
fn playback_reports_a_send_overflow_caught_by_the_reverb_return() {
    // 3e38 is finite, and silent behind the closed fader; the send doubles it past f32::MAX.
    let (p, stems) = project_with(3e38, true);
    let mut h = EngineHandle::new(synth::graph(&p, &stems, 512));
    let messages = play(&mut h, 20_000);
    assert!(
        messages.iter().any(|m| m.contains("the reverb return")),
        "{messages:?}"
    );
    assert!(h.meters().master.reverb.faulted);
    assert!(!h.meters().track(p.tracks[1].id).unwrap().faulted);
    h.clear_master_clip();
    assert!(!h.meters().master.reverb.faulted);
}

#[test]
fn a_render_counts_what_each_fault_silenced() {
    let (p, stems) = project_with(3e38, true);
    let mut g: MixGraph = synth::graph(&p, &stems, 1024);
    let opts = RenderOptions::playback(0, 20_000);
    let (audio, outcome) =
        render::render_to_memory(&mut g, &opts, &mut RenderControl::default()).unwrap();
    assert!(audio.audio.iter().flatten().all(|x| x.is_finite()));
    let silenced = outcome.faults.frames(FaultSource::Reverb);
    assert!(silenced > 0 && silenced <= 20_000, "{:?}", outcome.faults);
    assert_eq!(outcome.faults.frames(FaultSource::Track(p.tracks[1].id)), 0);

    let (p, stems) = project_with(f32::NAN, false);
    let mut g = synth::graph(&p, &stems, 1024);
    let (_, outcome) =
        render::render_to_memory(&mut g, &opts, &mut RenderControl::default()).unwrap();
    let faults: Vec<_> = outcome.faults.iter().collect();
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0].0, FaultSource::Track(p.tracks[1].id));
    let lines = outcome.faults.describe(&p);
    assert!(lines[0].starts_with("track 2 \"synth1\""), "{lines:?}");
}

#[test]
fn a_bounce_reports_an_overflow_in_its_summary_and_the_cli_warns() {
    // The decoder already turns NaN in a file into silence (with a warning); a finite sample
    // whose square overflows is caught by the strip.
    let dir = tempfile::tempdir().unwrap();
    let mut bad = vec![0.25f32; 24_000];
    bad[6_000] = 3e38;
    common::write_f32_wav(&dir.path().join("good.wav"), RATE, &[vec![0.1f32; 24_000]]);
    common::write_f32_wav(&dir.path().join("bad.wav"), RATE, &[bad]);
    let p = Project {
        sample_rate: RATE,
        tracks: vec![
            Track::for_source(dir.path().join("good.wav")),
            Track::for_source(dir.path().join("bad.wav")),
        ],
        ..Project::default()
    };
    let project_path = dir.path().join("faults.stemmix");
    stemmix::project::save(&p, &project_path).unwrap();

    let stems = stemmix::engine::stems::ProjectStems::load(&p, &|_, _| {});
    assert!(stems.offline.is_empty());
    let opts = BounceOptions {
        tail: Tail::Seconds(0.0),
        ..BounceOptions::default()
    };
    let out = dir.path().join("mix.wav");
    let summary = bounce::bounce(
        &p,
        &|t| stems.get(t),
        &out,
        &opts,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let id = p.tracks[1].id;
    assert!(summary.faults.frames(FaultSource::Track(id)) > 0);
    assert_eq!(summary.faults.iter().count(), 1, "{:?}", summary.faults);

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .args(["bounce", project_path.to_str().unwrap(), "-o"])
        .arg(dir.path().join("cli.wav"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: track 2 \"bad\" produced an invalid sample"),
        "{stderr}"
    );
}
