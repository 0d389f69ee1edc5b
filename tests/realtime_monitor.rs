//! What is heard around the A/B switch, on the function the audio stream calls: the monitor
//! modes are `(L+R)/2`, `(L−R)/2`, L, R and act on the output only (not the meters, not the
//! bounce); the master meters measure what is heard while the mix's own loudness is reported
//! apart; reference audio leaves over the retire ring; and a reference at its match gain comes
//! out exactly as loud as the mix.

#[path = "support/ab.rs"]
mod ab;
#[path = "support/synth_project.rs"]
mod synth;

use ab::*;
use std::sync::Arc;
use stemmix::engine::command::Source;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::switch::crossfade_frames;
use stemmix::engine::{MonitorMode, MonitorSettings, RefSetup};
use stemmix::project::{RefId, RefMode};

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

/// Integrated loudness (BS.1770, the `dsp` analyzer) of planar channels.
fn integrated(channels: &[Vec<f32>]) -> f64 {
    let refs: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    stemmix::dsp::analyze(&refs, RATE)
        .expect("a supported rate")
        .integrated_lufs
}

#[test]
fn a_reference_at_its_match_gain_comes_out_of_the_real_time_renderer_as_loud_as_the_mix() {
    let (p, stems) = smooth_project();
    let frames = 5 * RATE as usize;
    let mix_lufs = integrated(&bounce(&p, &stems, frames));
    let mut rng = synth::Rng(11);
    let mut noise = |amp: f32| -> Vec<f32> { (0..frames).map(|_| rng.range(-amp, amp)).collect() };
    // Quiet and loud, mono and stereo.
    let cases = [
        ("quiet stereo", vec![noise(0.01), noise(0.01)]),
        ("loud stereo", vec![noise(0.9), noise(0.7)]),
        ("quiet mono", vec![noise(0.02)]),
        ("loud mono", vec![noise(0.8)]),
    ];
    for (what, channels) in cases {
        // The match gain: the mix's integrated loudness minus the reference file's (a mono
        // file counts its one channel once).
        let gain_db = (mix_lufs - integrated(&channels)) as f32;
        let mut h = EngineHandle::new(synth::graph(&p, &stems, MAX_BLOCK));
        let slot = h.renderer();
        let id = RefId::fresh();
        let setup = RefSetup {
            gain_db,
            ..setup(RefMode::Free)
        };
        h.set_reference(id, synth::stem(channels, RATE), setup);
        h.select_source(Source::Reference(id));
        h.play();
        let mut got = [Vec::new(), Vec::new()];
        play(&slot, frames, 1024, &mut got);
        let heard = integrated(&got);
        eprintln!("{what}: match error {:+.4} LU", heard - mix_lufs);
        assert!(
            (heard - mix_lufs).abs() <= 0.1,
            "{what}: {heard:.3} LUFS heard vs the mix's {mix_lufs:.3} (gain {gain_db:+.2} dB)"
        );
    }
}
