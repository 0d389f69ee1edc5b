//! A storm of 100,000 parameter commands sent while another thread renders in real time: the
//! ring fills, parameter updates coalesce on the control side, and afterwards every parameter
//! holds exactly the last value sent. Neither thread ever blocks: the longest `send` and the
//! longest callback are measured and bounded.

#[path = "support/synth_project.rs"]
mod synth;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use stemmix::engine::command::TrackParam;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::slot::Render;
use stemmix::project::{CompressorSettings, LimiterSettings, ReverbBus, TrackId};
use synth::Rng;

const RATE: u32 = 48_000;
const BLOCK: usize = 256;
const COMMANDS: usize = 100_000;

fn param(rng: &mut Rng, eq: stemmix::project::EqSettings) -> TrackParam {
    match rng.int(0, 11) {
        0 => TrackParam::TrimDb(rng.range(-12.0, 12.0)),
        1 => TrackParam::GainDb(rng.range(-60.0, 6.0)),
        2 => TrackParam::Pan(rng.range(-1.0, 1.0)),
        3 => TrackParam::Mute(rng.unit() < 0.5),
        4 => TrackParam::Solo(rng.unit() < 0.5),
        5 => TrackParam::Polarity(rng.unit() < 0.5),
        6 => TrackParam::SendDb(rng.range(-40.0, 0.0)),
        7 => TrackParam::SendPreFader(rng.unit() < 0.5),
        8 => {
            let mut eq = eq;
            eq.peak1.enabled = true;
            eq.peak1.gain_db = rng.range(-12.0, 12.0);
            eq.peak2.freq_hz = rng.range(200.0, 8000.0);
            TrackParam::Eq(eq)
        }
        9 => TrackParam::Width(rng.unit()),
        10 => TrackParam::PanLaw(rng.pan_law()),
        _ => TrackParam::Compressor(CompressorSettings {
            enabled: true,
            threshold_db: rng.range(-40.0, 0.0),
            ratio: rng.range(1.0, 10.0),
            ..CompressorSettings::default()
        }),
    }
}

#[test]
fn a_hundred_thousand_commands_lose_no_final_value_and_block_nobody() {
    let (project, stems) = synth::project(16, RATE);
    let mut h = EngineHandle::new(synth::graph(&project, &stems, BLOCK));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    h.set_loop(true, 0, length);
    h.play();

    // The audio side: one callback per block period on absolute deadlines, like a device.
    let stop = Arc::new(AtomicBool::new(false));
    let audio = {
        let slot = slot.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0.0f32; BLOCK * 2];
            let period = Duration::from_secs_f64(BLOCK as f64 / f64::from(RATE));
            let t0 = Instant::now();
            let (mut k, mut longest, mut callbacks) = (0u32, Duration::ZERO, 0u64);
            while !stop.load(Ordering::Acquire) {
                let t = Instant::now();
                slot.with(|e| e.render(&mut buf, 2)).expect("renderer");
                longest = longest.max(t.elapsed());
                callbacks += 1;
                k += 1;
                if let Some(wait) = (t0 + period * k).checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            (longest, callbacks)
        })
    };

    // The control side: 100,000 parameter changes as fast as it can, ticking now and then.
    let ids: Vec<TrackId> = project.tracks.iter().map(|t| t.id).collect();
    let mut expected: HashMap<(TrackId, u8), TrackParam> = HashMap::new();
    let mut rng = Rng(99);
    let mut longest_send = Duration::ZERO;
    let mut last_loop = (false, 0, 0);
    let t0 = Instant::now();
    for i in 0..COMMANDS {
        let t = Instant::now();
        match i % 50 {
            0 => h.set_master_gain_db(rng.range(-12.0, 0.0)),
            1 => h.set_limiter(LimiterSettings {
                ceiling_dbtp: rng.range(-3.0, 0.0),
                ..LimiterSettings::default()
            }),
            2 => h.set_reverb(ReverbBus {
                return_db: rng.range(-20.0, 0.0),
                ..ReverbBus::default()
            }),
            3 => {
                let a = rng.int(0, length as usize / 2) as u64;
                last_loop = (true, a, a + 1 + rng.int(0, 20_000) as u64);
                h.set_loop(last_loop.0, last_loop.1, last_loop.2);
            }
            _ => {
                let id = ids[rng.int(0, ids.len() - 1)];
                let p = param(&mut rng, project.tracks[0].eq);
                expected.insert((id, p.key()), p);
                h.set_track(id, p);
            }
        }
        longest_send = longest_send.max(t.elapsed());
        if i % 1_000 == 999 {
            h.tick();
        }
    }
    let send_time = t0.elapsed();
    let coalesced = h.coalesced_commands();

    // Let the audio side catch up: nothing pending, nothing left in the ring.
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.pending_commands() > 0 || h.commands_in_flight() > 0 {
        assert!(Instant::now() < deadline, "commands never drained");
        h.tick();
        std::thread::sleep(Duration::from_millis(5));
    }
    let drained = t0.elapsed();
    stop.store(true, Ordering::Release);
    let (longest_callback, callbacks) = audio.join().expect("audio thread");
    h.tick();

    let engine = h.take_engine().expect("engine back from the slot");
    for t in engine.graph().tracks() {
        let p = t.params();
        for ((id, key), v) in expected.iter().filter(|((id, _), _)| *id == t.id()) {
            let ok = match *v {
                TrackParam::TrimDb(x) => p.trim_db == x,
                TrackParam::GainDb(x) => p.gain_db == x,
                TrackParam::Pan(x) => p.pan == x,
                TrackParam::Mute(x) => p.mute == x,
                TrackParam::Solo(x) => p.solo == x,
                TrackParam::Polarity(x) => p.polarity_invert == x,
                TrackParam::SendDb(x) => p.send_db == x,
                TrackParam::SendPreFader(x) => p.send_pre_fader == x,
                TrackParam::Eq(x) => p.eq == x,
                TrackParam::Compressor(x) => p.compressor == x,
                TrackParam::Width(x) => p.width == x,
                TrackParam::PanLaw(x) => p.pan_law == x,
            };
            assert!(ok, "track {id:?} key {key}: expected {v:?}, have {p:?}");
        }
    }
    assert_eq!(
        expected.len(),
        16 * 12,
        "every parameter of every track was stormed"
    );
    assert_eq!(engine.loop_settings(), last_loop);

    eprintln!(
        "storm: {COMMANDS} commands sent in {send_time:?} (longest send {longest_send:?}), \
         {coalesced} coalesced, all applied after {drained:?}; {callbacks} callbacks, \
         longest {longest_callback:?}"
    );
    // The full-ring path really ran.
    assert!(coalesced > 0, "the ring never filled");
    // Bounded, i.e. nobody blocked (generous: this is an unoptimised test build on a shared
    // 2-core machine; a blocked thread would take seconds).
    assert!(
        longest_send < Duration::from_millis(50),
        "send took {longest_send:?}"
    );
    assert!(
        longest_callback < Duration::from_millis(100),
        "callback took {longest_callback:?}"
    );
}
