//! The audio callback never allocates or frees: a global allocator that aborts on any
//! allocation or deallocation inside `assert_no_alloc(..)` wraps the render function (through
//! its slot, exactly as the stream calls it) while a control-side driver plays, pauses, stops,
//! seeks, loops (also shorter than a buffer), moves every parameter, adds, removes and replaces
//! tracks, stems and the whole graph (all prebuilt here), switches the source, resets meters,
//! taps tracks for the live spectrum (before and after their EQ) and reads the meters, for
//! thousands of callbacks of random sizes and channel counts; and
//! loads, replaces, removes and clears references (Sync and Free, every slot taken), switches
//! between them and the mix (also during crossfades), moves their gains, modes, loops (shorter
//! than a buffer too) and Free playheads, seeks and loops the mix under them, and changes the
//! monitor mode and level.
//!
//! The guard is thread-local: the driver (this same thread, outside the closure) may allocate;
//! anything the callback lets go of must leave on the retire ring and be dropped by `tick`.

#[path = "support/synth_project.rs"]
mod synth;

use assert_no_alloc::{AllocDisabler, assert_no_alloc};
use stemmix::engine::command::{Command, GraphCommand, Source, TrackParam};
use stemmix::engine::device::{DeviceSample, ResampleStage};
use stemmix::engine::feedback::PlayState;
use stemmix::engine::graph::TrackNode;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::reference::MAX_REFERENCES;
use stemmix::engine::slot::Render;
use stemmix::engine::spectrum_tap::{SpectrumSnapshot, TapPoint};
use stemmix::engine::{MonitorMode, MonitorSettings, RefSetup};
use stemmix::project::{
    CompressorSettings, Detector, LimiterSettings, RefId, RefMode, ReverbBus, Slope, TrackId,
};
use synth::Rng;

#[global_allocator]
static A: AllocDisabler = AllocDisabler;

const RATE: u32 = 48_000;
const MAX_BLOCK: usize = 256;

/// Every strip parameter, with a value drawn from `rng`.
fn any_track_param(rng: &mut Rng, base: &stemmix::project::Track) -> TrackParam {
    match rng.int(0, 11) {
        0 => TrackParam::TrimDb(rng.range(-12.0, 12.0)),
        1 => TrackParam::GainDb(rng.range(-60.0, 6.0)),
        2 => TrackParam::Pan(rng.range(-1.0, 1.0)),
        3 => TrackParam::Mute(rng.unit() < 0.2),
        4 => TrackParam::Solo(rng.unit() < 0.1),
        5 => TrackParam::Polarity(rng.unit() < 0.5),
        6 => TrackParam::SendDb(rng.range(-40.0, 0.0)),
        7 => TrackParam::SendPreFader(rng.unit() < 0.5),
        8 => {
            let mut eq = base.eq;
            eq.high_pass.enabled = true;
            eq.high_pass.slope = if rng.unit() < 0.5 {
                Slope::Db12
            } else {
                Slope::Db24
            };
            eq.high_pass.freq_hz = rng.range(20.0, 200.0);
            eq.low_shelf.enabled = true;
            eq.low_shelf.gain_db = rng.range(-12.0, 12.0);
            eq.peak1.enabled = true;
            eq.peak1.freq_hz = rng.range(100.0, 2000.0);
            eq.peak1.gain_db = rng.range(-12.0, 12.0);
            eq.peak2.enabled = rng.unit() < 0.5;
            eq.peak2.q = rng.range(0.3, 8.0);
            eq.high_shelf.enabled = true;
            eq.high_shelf.gain_db = rng.range(-12.0, 12.0);
            eq.low_pass.enabled = rng.unit() < 0.5;
            eq.low_pass.freq_hz = rng.range(2000.0, 20000.0);
            TrackParam::Eq(eq)
        }
        // The pan laws, and the width the width + position law uses (crosstalk ramps).
        9 => TrackParam::Width(rng.unit()),
        10 => TrackParam::PanLaw(rng.pan_law()),
        _ => TrackParam::Compressor(CompressorSettings {
            enabled: rng.unit() < 0.8,
            threshold_db: rng.range(-40.0, 0.0),
            ratio: rng.range(1.0, 20.0),
            attack_ms: rng.range(0.1, 100.0),
            release_ms: rng.range(10.0, 1000.0),
            knee_db: rng.range(0.0, 12.0),
            makeup_db: rng.range(0.0, 12.0),
            detector: if rng.unit() < 0.5 {
                Detector::Peak
            } else {
                Detector::Rms
            },
        }),
    }
}

#[test]
fn the_callback_never_allocates_or_frees() {
    let (mut project, stems) = synth::project(8, RATE);
    synth::full_chain(&mut project);
    let mut h = EngineHandle::new(synth::graph(&project, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    let mut tracks = project.tracks.clone();
    let mut rng = Rng(2024);
    let mut buf = vec![0.0f32; 2048 * 6];
    let mut retired = 0;
    let mut feedback = 0;
    let mut added: Vec<TrackId> = Vec::new();
    let mut tapped_ticks = 0;
    let blocks = 3_000;

    for block in 0..blocks {
        // ---- control side: allocation allowed here ----
        let step = block % 200;
        match step {
            0 => h.play(),
            17 => h.pause(),
            23 => h.play(),
            41 => h.seek(rng.int(0, length as usize) as u64),
            60 => {
                // A loop shorter than any buffer, then a long one, then off.
                let a = rng.int(0, length as usize - 100) as u64;
                h.set_loop(true, a, a + rng.int(1, 60) as u64);
            }
            80 => {
                let a = rng.int(0, length as usize / 2) as u64;
                h.set_loop(true, a, a + 20_000);
            }
            95 => h.set_loop(false, 0, 0),
            100 => h.stop(),
            101 => h.seek(length - 500),
            102 => h.play(), // plays past the end
            130 => {
                // Structural: add a prebuilt track, replace another, swap stems.
                let mut t = tracks[rng.int(0, tracks.len() - 1)].clone();
                let stem = stems.get(&project.tracks[rng.int(0, 7)].id).cloned();
                t.id = TrackId::fresh();
                added.push(t.id);
                let node = TrackNode::new(&t, Default::default(), stem, RATE, MAX_BLOCK);
                h.add_track(rng.int(0, 10), node);
                tracks.push(t);
            }
            140 => {
                let t = &tracks[rng.int(0, tracks.len() - 1)];
                let node = TrackNode::new(
                    t,
                    Default::default(),
                    stems.get(&t.id).cloned(),
                    RATE,
                    MAX_BLOCK,
                );
                h.replace_track(node);
            }
            150 => {
                let id = tracks[rng.int(0, tracks.len() - 1)].id;
                h.set_stem(id, Some(synth::synth_stem(rng.int(0, 20), RATE)));
            }
            155 => h.set_stem(tracks[rng.int(0, tracks.len() - 1)].id, None),
            160 => {
                if let Some(id) = added.pop() {
                    h.remove_track(id);
                    tracks.retain(|t| t.id != id);
                }
            }
            170 => h.select_source(Source::Reference(RefId::fresh())),
            175 => h.select_source(Source::Mix),
            180 => h.stop_after(Some(rng.int(1, 5_000) as u64)),
            185 => h.reset_meters(),
            // The live spectrum taps a track (one that may be removed or replaced later), at
            // either point, or none.
            5 | 66 | 145 => {
                let id = tracks[rng.int(0, tracks.len() - 1)].id;
                let point = if rng.unit() < 0.5 {
                    TapPoint::PreEq
                } else {
                    TapPoint::PostEq
                };
                h.spectrum_mut().select(Some((id, point)));
            }
            190 => h.spectrum_mut().select(None),
            _ => {}
        }
        // Parameters move all the time.
        for _ in 0..rng.int(0, 6) {
            match rng.int(0, 9) {
                0 => h.set_master_gain_db(rng.range(-12.0, 3.0)),
                1 => h.set_limiter(LimiterSettings {
                    enabled: rng.unit() < 0.7,
                    ceiling_dbtp: rng.range(-6.0, 0.0),
                    release_ms: rng.range(5.0, 500.0),
                }),
                2 => h.set_reverb(ReverbBus {
                    pre_delay_ms: rng.range(0.0, 100.0),
                    decay_s: rng.range(0.3, 8.0),
                    damping: rng.unit(),
                    size: rng.unit(),
                    width: rng.unit(),
                    return_db: rng.range(-30.0, 0.0),
                    mute: rng.unit() < 0.1,
                }),
                _ => {
                    let t = &tracks[rng.int(0, tracks.len() - 1)];
                    let p = any_track_param(&mut rng, t);
                    h.set_track(t.id, p);
                }
            }
        }
        if block == blocks / 2 {
            // A whole new project (same rate), built here and swapped in between callbacks.
            let (p2, s2) = synth::project(5, RATE);
            h.apply(GraphCommand::ReplaceGraph(Box::new(synth::graph(
                &p2, &s2, MAX_BLOCK,
            ))));
            h.send(Command::Play);
            tracks = p2.tracks.clone();
            added.clear();
        }
        let n = rng.int(1, 2048);
        let channels = [2, 2, 2, 1, 6][rng.int(0, 4)];
        let out = &mut buf[..n * channels];

        // ---- audio side: the callback, guarded ----
        assert_no_alloc(|| {
            slot.with(|e| e.render(out, channels))
                .expect("renderer in its slot");
        });

        // ---- control side again: read meters, drop what came back ----
        if block % 3 == 0 {
            let s = h.tick();
            retired += s.retired;
            feedback += s.feedback;
            let _ = h.meters().master.momentary_lufs;
            let mut snap = Default::default();
            h.spectrum().snapshot_into(&mut snap);
            let snap: SpectrumSnapshot = snap;
            tapped_ticks += usize::from(snap.live);
        }
    }
    let s = h.tick();
    retired += s.retired;
    feedback += s.feedback;
    // The driver really exercised the paths it claims to.
    assert!(retired > 40, "only {retired} objects retired");
    assert!(feedback > 5_000, "only {feedback} feedback messages");
    assert!(h.meters().reports > 500);
    // The tap really carried audio through the guarded callbacks.
    assert!(
        tapped_ticks > 50,
        "only {tapped_ticks} ticks with a live spectrum"
    );
}

/// Reference audio made fresh for each `Set` (the engine holds the only handle on it, so a
/// drop on the audio thread would free and abort): mono or stereo, 0.05 s to 1.5 s.
fn reference_audio(rng: &mut Rng) -> std::sync::Arc<stemmix::media::StemAudio> {
    let frames = rng.int(RATE as usize / 20, RATE as usize * 3 / 2);
    let channels = (0..rng.int(1, 2))
        .map(|_| (0..frames).map(|_| rng.range(-0.5, 0.5)).collect())
        .collect();
    synth::stem(channels, RATE)
}

#[test]
fn references_switching_seeks_free_loops_and_the_monitor_never_allocate() {
    let (project, stems) = synth::project(4, RATE);
    let mut h = EngineHandle::new(synth::graph(&project, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    let mut rng = Rng(77);
    let ids: Vec<RefId> = (0..6).map(|_| RefId::fresh()).collect();
    let mut buf = vec![0.0f32; 2048 * 6];
    let (mut retired, mut feedback, mut heard) = (0, 0, 0);
    let modes = [RefMode::Sync, RefMode::Free];
    let blocks = 2_500;
    for block in 0..blocks {
        // ---- control side ----
        if block == 300 {
            // Every slot taken (and one more, refused on the control side), then all gone.
            for _ in 0..MAX_REFERENCES + 1 {
                let audio = synth::stem(vec![vec![0.1; 64]], RATE);
                let setup = RefSetup {
                    mode: RefMode::Free,
                    gain_db: 0.0,
                    loop_frames: Some((0, 32)),
                    loop_enabled: true,
                };
                h.set_reference(RefId::fresh(), audio, setup);
            }
        }
        if block == 320 {
            h.clear_references();
        }
        for _ in 0..rng.int(0, 3) {
            let id = ids[rng.int(0, ids.len() - 1)];
            match rng.int(0, 14) {
                0 | 1 => {
                    let loop_start = rng.int(0, 20_000) as u64;
                    let setup = RefSetup {
                        mode: modes[rng.int(0, 1)],
                        gain_db: rng.range(-20.0, 6.0),
                        // Loops shorter than a buffer too.
                        loop_frames: Some((loop_start, loop_start + rng.int(1, 30_000) as u64)),
                        loop_enabled: rng.unit() < 0.6,
                    };
                    h.set_reference(id, reference_audio(&mut rng), setup);
                }
                2 => h.remove_reference(id),
                3 => h.set_reference_gain(id, rng.range(-30.0, 10.0)),
                4 => h.set_reference_mode(id, modes[rng.int(0, 1)]),
                5 => {
                    let a = rng.int(0, 40_000) as u64;
                    h.set_reference_loop(id, rng.unit() < 0.7, a, a + rng.int(1, 5_000) as u64);
                }
                6 => h.seek_reference(id, rng.int(0, 80_000) as u64),
                7..=9 => h.select_source(Source::Reference(id)),
                10 => h.select_source(Source::Mix),
                11 => h.set_monitor(MonitorSettings {
                    level_db: if rng.unit() < 0.1 {
                        f32::NEG_INFINITY
                    } else {
                        rng.range(-30.0, 6.0)
                    },
                    mode: MonitorMode::ALL[rng.int(0, 4)],
                }),
                12 => h.seek(rng.int(0, length as usize) as u64),
                13 => {
                    let a = rng.int(0, length as usize - 100) as u64;
                    h.set_loop(rng.unit() < 0.7, a, a + rng.int(1, 3_000) as u64);
                }
                _ => match rng.int(0, 3) {
                    0 => h.pause(),
                    1 => h.stop(),
                    _ => h.play(),
                },
            }
        }
        let n = rng.int(1, 2048);
        let channels = [2, 2, 1, 6][rng.int(0, 3)];
        let out = &mut buf[..n * channels];
        // ---- audio side, guarded ----
        assert_no_alloc(|| {
            slot.with(|e| e.render(out, channels))
                .expect("renderer in its slot");
        });
        if block % 3 == 0 {
            let s = h.tick();
            retired += s.retired;
            feedback += s.feedback;
            let m = h.meters();
            if m.state() == PlayState::Playing && m.reference.position.is_some() {
                heard += 1;
            }
        }
    }
    let s = h.tick();
    retired += s.retired;
    feedback += s.feedback;
    assert!(
        heard > 50,
        "a loaded reference was heard in only {heard} reports"
    );
    // Reference audio came back to be dropped here: replaced, removed, cleared.
    assert!(retired > 100, "only {retired} objects retired");
    assert!(feedback > 2_000, "only {feedback} feedback messages");
}

#[test]
fn the_resampling_output_stage_never_allocates() {
    let (project, stems) = synth::project(4, RATE);
    let mut h = EngineHandle::new(synth::graph(&project, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    h.set_loop(true, 0, length);
    h.play();
    let mut stage = ResampleStage::new(RATE, 44_100).unwrap();
    let mut pull = |b: &mut [f32], ch: usize| {
        slot.with(|e| e.render(b, ch));
    };
    let mut out = vec![0.0f32; 2048 * 2];
    let mut dev = vec![0i16; 2048 * 2];
    let mut rng = Rng(3);
    for _ in 0..2_000 {
        let n = rng.int(1, 2048);
        assert_no_alloc(|| {
            stage.fill(&mut pull, &mut out[..n * 2], 2);
            for (d, x) in dev.iter_mut().zip(&out[..n * 2]) {
                *d = i16::from_f32(*x);
            }
        });
        h.tick();
    }
    // And the steady 64-frame callbacks of a low-latency device (two resampler steps each).
    for _ in 0..2_000 {
        assert_no_alloc(|| stage.fill(&mut pull, &mut out[..64 * 2], 2));
    }
    assert!(out.iter().any(|&x| x != 0.0));
}
