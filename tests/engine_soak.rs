//! Engine soak (issue 15, item 8): a seeded random run through the real-time renderer (the
//! `AudioEngine` in its slot, called as the device callback calls it) with blocks of random
//! sizes, and between blocks random commands of every kind — transport, loops, seeks past the
//! end, sources that do not exist, every strip parameter, the buses, structural changes — with
//! values that are often extreme: NaN, ±∞, ±1e30, 0, subnormals. Every block must render
//! without a panic and without allocating (`assert_no_alloc` around the callback), and every
//! output sample must be finite and below +24 dBFS.
//!
//! The default run renders 10 s of audio; `STEMMIX_LONG_TESTS=1` renders 10 minutes, and
//! `STEMMIX_SOAK_SECONDS=N` / `STEMMIX_SOAK_SEED=S` choose the length and the seed.

#[path = "support/synth_project.rs"]
mod synth;

use assert_no_alloc::{AllocDisabler, assert_no_alloc};
use stemmix::engine::command::{Command, GraphCommand, Source, TrackParam};
use stemmix::engine::graph::TrackNode;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::slot::Render;
use stemmix::engine::{MonitorMode, MonitorSettings, RefSetup};
use stemmix::project::{
    CompressorSettings, Detector, EqSettings, LimiterSettings, RefId, RefMode, ReverbBus, Slope,
    Track, TrackId,
};
use synth::Rng;

#[global_allocator]
static A: AllocDisabler = AllocDisabler;

const RATE: u32 = 48_000;
const MAX_BLOCK: usize = 512;
/// +24 dBFS (the engine's `OUTPUT_CEILING`, written out: the test checks the number).
const CEILING: f32 = 15.848_932;

/// A value for a setting whose sensible range is `lo..hi`: usually inside it, often a value
/// no control would send.
fn nasty(rng: &mut Rng, lo: f32, hi: f32) -> f32 {
    const EXTREMES: [f32; 12] = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e30,
        -1e30,
        f32::MAX,
        f32::MIN,
        0.0,
        -0.0,
        1e-40, // subnormal
        -1e-40,
        f32::EPSILON,
    ];
    if rng.unit() < 0.3 {
        EXTREMES[rng.int(0, EXTREMES.len() - 1)]
    } else if rng.unit() < 0.2 {
        // Just outside the range.
        if rng.unit() < 0.5 {
            lo - rng.range(0.0, 100.0)
        } else {
            hi + rng.range(0.0, 100.0)
        }
    } else {
        rng.range(lo, hi)
    }
}

fn eq(rng: &mut Rng) -> EqSettings {
    let mut eq = EqSettings::default();
    for b in [&mut eq.high_pass, &mut eq.low_pass] {
        b.enabled = rng.unit() < 0.7;
        b.freq_hz = nasty(rng, 20.0, 20_000.0);
        b.q = nasty(rng, 0.1, 18.0);
        b.slope = if rng.unit() < 0.5 {
            Slope::Db12
        } else {
            Slope::Db24
        };
    }
    for b in [
        &mut eq.low_shelf,
        &mut eq.peak1,
        &mut eq.peak2,
        &mut eq.high_shelf,
    ] {
        b.enabled = rng.unit() < 0.7;
        b.freq_hz = nasty(rng, 20.0, 20_000.0);
        b.gain_db = nasty(rng, -24.0, 24.0);
        b.q = nasty(rng, 0.1, 18.0);
    }
    eq
}

fn compressor(rng: &mut Rng) -> CompressorSettings {
    CompressorSettings {
        enabled: rng.unit() < 0.8,
        threshold_db: nasty(rng, -60.0, 0.0),
        ratio: nasty(rng, 1.0, 100.0),
        attack_ms: nasty(rng, 0.05, 1000.0),
        release_ms: nasty(rng, 1.0, 5000.0),
        knee_db: nasty(rng, 0.0, 24.0),
        makeup_db: nasty(rng, -24.0, 36.0),
        detector: if rng.unit() < 0.5 {
            Detector::Peak
        } else {
            Detector::Rms
        },
    }
}

/// Every strip parameter.
fn track_param(rng: &mut Rng) -> TrackParam {
    match rng.int(0, 11) {
        0 => TrackParam::TrimDb(nasty(rng, -24.0, 24.0)),
        1 => TrackParam::GainDb(nasty(rng, -60.0, 12.0)),
        2 => TrackParam::Pan(nasty(rng, -1.0, 1.0)),
        3 => TrackParam::Mute(rng.unit() < 0.2),
        4 => TrackParam::Solo(rng.unit() < 0.1),
        5 => TrackParam::Polarity(rng.unit() < 0.5),
        6 => TrackParam::SendDb(nasty(rng, -60.0, 6.0)),
        7 => TrackParam::SendPreFader(rng.unit() < 0.5),
        8 => TrackParam::Eq(eq(rng)),
        9 => TrackParam::Width(nasty(rng, 0.0, 1.0)),
        10 => TrackParam::PanLaw(rng.pan_law()),
        _ => TrackParam::Compressor(compressor(rng)),
    }
}

/// A track whose every setting may be extreme, as a project file could have had it before
/// validation (the engine must survive it on its own).
fn nasty_track(rng: &mut Rng) -> Track {
    Track {
        trim_db: nasty(rng, -24.0, 24.0),
        gain_db: nasty(rng, -60.0, 12.0),
        pan: nasty(rng, -1.0, 1.0),
        width: nasty(rng, 0.0, 1.0),
        reverb_send_db: nasty(rng, -60.0, 6.0),
        eq: eq(rng),
        compressor: compressor(rng),
        ..Track::default()
    }
}

/// A frame position: inside the project mostly, else past its end or absurd.
fn position(rng: &mut Rng, length: u64) -> u64 {
    match rng.int(0, 9) {
        0 => u64::MAX,
        1 => length + rng.int(0, 100_000) as u64,
        2 => 0,
        _ => rng.int(0, length as usize) as u64,
    }
}

/// What the soak did, for the report.
#[derive(Debug, Default)]
struct Counts {
    blocks: u64,
    frames: u64,
    commands: u64,
    kinds: [u64; 20],
    loudest: f32,
}

fn soak(seconds: u64, seed: u64) -> Counts {
    let (mut project, stems) = synth::project(6, RATE);
    synth::full_chain(&mut project);
    let mut h = EngineHandle::new(synth::graph(&project, &stems, MAX_BLOCK));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    let mut ids: Vec<TrackId> = project.tracks.iter().map(|t| t.id).collect();
    let mut rng = Rng(seed);
    let mut buf = vec![0.0f32; 4096 * 8];
    let mut c = Counts::default();
    let target = seconds * u64::from(RATE);
    h.play();
    while c.frames < target {
        // ---- control side: any commands, any values ----
        for _ in 0..rng.int(0, 4) {
            let kind = rng.int(0, 19);
            c.kinds[kind] += 1;
            c.commands += 1;
            match kind {
                0..=5 => {
                    let id = ids[rng.int(0, ids.len() - 1)];
                    h.set_track(id, track_param(&mut rng));
                }
                6 => h.set_master_gain_db(nasty(&mut rng, -60.0, 12.0)),
                7 => h.set_limiter(LimiterSettings {
                    enabled: rng.unit() < 0.7,
                    ceiling_dbtp: nasty(&mut rng, -24.0, 0.0),
                    release_ms: nasty(&mut rng, 1.0, 2000.0),
                }),
                8 => h.set_reverb(ReverbBus {
                    pre_delay_ms: nasty(&mut rng, 0.0, 250.0),
                    decay_s: nasty(&mut rng, 0.1, 20.0),
                    damping: nasty(&mut rng, 0.0, 1.0),
                    size: nasty(&mut rng, 0.0, 1.0),
                    width: nasty(&mut rng, 0.0, 1.0),
                    return_db: nasty(&mut rng, -60.0, 12.0),
                    mute: rng.unit() < 0.1,
                }),
                // Transport, weighted towards playing.
                9 => h.play(),
                10 => match rng.int(0, 3) {
                    0 => h.pause(),
                    1 => h.stop(),
                    _ => h.play(),
                },
                11 => h.seek(position(&mut rng, length)),
                12 => {
                    let (a, b) = (position(&mut rng, length), position(&mut rng, length));
                    // Ordered, reversed, empty, a frame long, off.
                    match rng.int(0, 4) {
                        0 => h.set_loop(true, a, a),
                        1 => h.set_loop(true, a, a.saturating_add(1)),
                        2 => h.set_loop(rng.unit() < 0.2, a, b),
                        _ => h.set_loop(true, a.min(b), a.max(b)),
                    }
                }
                // A/B: references (some never loaded), the switch and the monitor section.
                13 => {
                    let rid = RefId(rng.int(1, 4) as u64);
                    match rng.int(0, 8) {
                        0 => h.select_source(Source::Reference(rid)),
                        1 => h.select_source(Source::Mix),
                        2 => {
                            let audio = match rng.int(0, 2) {
                                0 => synth::stem(vec![vec![1.0]], RATE),
                                _ => synth::synth_stem(rng.int(0, 20), RATE),
                            };
                            let (a, b) = (position(&mut rng, length), position(&mut rng, length));
                            let setup = RefSetup {
                                mode: if rng.unit() < 0.5 {
                                    RefMode::Sync
                                } else {
                                    RefMode::Free
                                },
                                gain_db: nasty(&mut rng, -24.0, 24.0),
                                loop_frames: (rng.unit() < 0.5).then_some((a, b)),
                                loop_enabled: rng.unit() < 0.5,
                            };
                            h.set_reference(rid, audio, setup);
                        }
                        3 => h.remove_reference(rid),
                        4 => h.set_reference_gain(rid, nasty(&mut rng, -24.0, 48.0)),
                        5 => {
                            let (a, b) = (position(&mut rng, length), position(&mut rng, length));
                            h.set_reference_loop(rid, rng.unit() < 0.7, a, b);
                        }
                        6 => h.seek_reference(rid, position(&mut rng, length)),
                        7 => h.set_monitor(MonitorSettings {
                            level_db: nasty(&mut rng, -60.0, 6.0),
                            mode: MonitorMode::ALL[rng.int(0, 4)],
                        }),
                        _ => h.set_reference_mode(
                            rid,
                            if rng.unit() < 0.5 {
                                RefMode::Sync
                            } else {
                                RefMode::Free
                            },
                        ),
                    }
                }
                14 => h.stop_after(match rng.int(0, 2) {
                    0 => None,
                    1 => Some(0),
                    _ => Some(rng.int(0, 100_000) as u64),
                }),
                15 => h.reset_meters(),
                // Structural changes, built here.
                16 if ids.len() < 12 => {
                    let t = nasty_track(&mut rng);
                    let stem = stems
                        .get(&ids[0])
                        .cloned()
                        .or_else(|| stems.values().next().cloned());
                    let node = TrackNode::new(&t, rng.pan_law(), stem, RATE, MAX_BLOCK);
                    ids.push(t.id);
                    h.add_track(rng.int(0, ids.len() + 2), node);
                }
                16 | 17 => {
                    if ids.len() > 1 {
                        let id = ids.swap_remove(rng.int(0, ids.len() - 1));
                        h.remove_track(id);
                    } else {
                        // Removing a track that does not exist.
                        h.remove_track(TrackId::fresh());
                    }
                }
                18 => {
                    let id = ids[rng.int(0, ids.len() - 1)];
                    let stem = match rng.int(0, 3) {
                        0 => None,
                        // A one-frame stem and a very loud one.
                        1 => Some(synth::stem(vec![vec![1.0]], RATE)),
                        2 => Some(synth::stem(
                            vec![vec![1000.0; 4_800], vec![-1000.0; 4_800]],
                            RATE,
                        )),
                        _ => Some(synth::synth_stem(rng.int(0, 20), RATE)),
                    };
                    h.set_stem(id, stem);
                }
                _ => {
                    let mut t = nasty_track(&mut rng);
                    t.id = ids[rng.int(0, ids.len() - 1)];
                    let node = TrackNode::new(
                        &t,
                        rng.pan_law(),
                        Some(synth::synth_stem(rng.int(0, 20), RATE)),
                        RATE,
                        MAX_BLOCK,
                    );
                    h.replace_track(node);
                }
            }
        }
        if rng.unit() < 0.0005 {
            // A whole new project swapped in between callbacks.
            let (p2, s2) = synth::project(rng.int(1, 5), RATE);
            h.apply(GraphCommand::ReplaceGraph(Box::new(synth::graph(
                &p2, &s2, MAX_BLOCK,
            ))));
            h.send(Command::Play);
            ids = p2.tracks.iter().map(|t| t.id).collect();
        }

        // ---- audio side: one callback of a random size, guarded ----
        let n = match rng.int(0, 9) {
            0 => 1,
            1 => 4096,
            _ => rng.int(1, 2048),
        };
        let channels = [2, 2, 2, 1, 6, 8][rng.int(0, 5)];
        let out = &mut buf[..n * channels];
        out.fill(f32::NAN); // whatever the callback does not write shows up
        assert_no_alloc(|| {
            slot.with(|e| e.render(out, channels))
                .expect("renderer in its slot");
        });
        for (i, &s) in out.iter().enumerate() {
            assert!(
                s.is_finite() && s.abs() <= CEILING,
                "seed {seed}, block {}: sample {i} of {n}×{channels} is {s}",
                c.blocks
            );
            c.loudest = c.loudest.max(s.abs());
        }
        c.blocks += 1;
        c.frames += n as u64;
        if c.blocks % 4 == 0 {
            h.tick();
        }
    }
    h.tick();
    c
}

#[test]
fn random_commands_with_extreme_values_at_random_block_boundaries() {
    let long = std::env::var_os("STEMMIX_LONG_TESTS").is_some();
    let seconds = std::env::var("STEMMIX_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if long { 600 } else { 10 });
    let seed = std::env::var("STEMMIX_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x50a6_2026);
    let t = std::time::Instant::now();
    let c = soak(seconds, seed);
    eprintln!(
        "soak (seed {seed}): {} s of audio in {} blocks, {} commands, in {:?}; loudest sample \
         {:.1} dBFS; commands by kind {:?}",
        c.frames / u64::from(RATE),
        c.blocks,
        c.commands,
        t.elapsed(),
        20.0 * c.loudest.log10(),
        c.kinds
    );
    assert!(
        c.kinds.iter().all(|&k| k > 0),
        "every kind of command was sent"
    );
    assert!(c.loudest > 0.01, "the soak played something");
}
