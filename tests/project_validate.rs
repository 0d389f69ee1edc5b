//! Values are never trusted (issue 15, item 2): every number a project file gives is checked
//! against its range (`project::ranges`) when it loads. NaN and infinities become the default,
//! values outside the range the nearest limit, and each correction names the track, the field
//! and the line; the corrected project saves and plays as what it says. A `sample_rate` the
//! engine cannot run at is an error about that field.

mod common;

use stemmix::project::file::{from_ron_str, from_ron_str_checked};
use stemmix::project::{Correction, ParseError, Project, ranges};

/// Loads `text`, returning the project and its corrections.
fn load(text: &str) -> (Project, Vec<Correction>) {
    from_ron_str_checked(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The one correction of `field` (panics unless there is exactly one).
fn only<'a>(cs: &'a [Correction], field: &str) -> &'a Correction {
    let found: Vec<_> = cs.iter().filter(|c| c.field == field).collect();
    assert_eq!(found.len(), 1, "corrections of {field}: {cs:#?}");
    found[0]
}

/// A project with one track "drums" whose body is `fields`, on lines from 4 on.
fn track_project(fields: &str) -> String {
    format!(
        "(\n    tracks: [\n        (\n{fields}\n            source: \"drums.wav\",\n        ),\n    ],\n)\n"
    )
}

#[test]
fn track_levels_and_pan_are_clamped_and_nan_and_infinity_become_the_default() {
    let text = track_project(
        "            gain_db: 1e30,\n            pan: 5.0,\n            trim_db: NaN,\n            \
         width: -inf,\n            reverb_send_db: inf,",
    );
    let (p, cs) = load(&text);
    let t = &p.tracks[0];
    assert_eq!(t.gain_db, ranges::TRACK_GAIN_DB.max);
    assert_eq!(t.pan, 1.0);
    assert_eq!(t.trim_db, ranges::TRIM_DB.default);
    assert_eq!(t.width, ranges::TRACK_WIDTH.default);
    assert_eq!(t.reverb_send_db, ranges::SEND_DB.default);
    assert_eq!(cs.len(), 5, "{cs:#?}");
    let gain = only(&cs, "gain_db");
    assert_eq!(
        (gain.track.as_deref(), gain.line, gain.now),
        (Some("drums"), Some(4), Some(12.0))
    );
    assert_eq!(
        gain.to_string(),
        "line 4: track \"drums\": gain_db 1000000015047466200000000000000 is above 12; using 12"
    );
    assert_eq!(only(&cs, "pan").line, Some(5));
    assert_eq!(
        only(&cs, "pan").to_string(),
        "line 5: track \"drums\": pan 5 is above 1; using 1"
    );
    let trim = only(&cs, "trim_db");
    assert_eq!((trim.line, trim.reason.as_str()), (Some(6), "not a number"));
    assert_eq!(only(&cs, "width").reason, "infinite");
    assert_eq!(only(&cs, "reverb_send_db").line, Some(8));
    // In file order.
    let lines: Vec<_> = cs.iter().map(|c| c.line.unwrap()).collect();
    assert_eq!(lines, vec![4, 5, 6, 7, 8]);
}

#[test]
fn silence_and_values_inside_their_ranges_are_not_corrections() {
    let text = track_project(
        "            gain_db: -inf,\n            reverb_send_db: -300,\n            pan: -1,\n            \
         trim_db: 24,\n            width: 0,",
    );
    let (p, cs) = load(&text);
    assert!(cs.is_empty(), "{cs:#?}");
    assert_eq!(p.tracks[0].gain_db, f32::NEG_INFINITY);
    assert_eq!(
        p.tracks[0].reverb_send_db, -300.0,
        "kept as written: silence"
    );
    // A level with a finite lower limit has no "off": −∞ is out of range there.
    let (p, cs) = load(&track_project("            trim_db: -inf,"));
    assert_eq!(p.tracks[0].trim_db, 0.0);
    assert_eq!(only(&cs, "trim_db").reason, "infinite");
}

#[test]
fn every_eq_field_is_checked_against_its_bands_range() {
    let text = track_project(
        "            eq: (\n                high_pass: (freq_hz: 5, q: 0),\n                \
         low_shelf: (gain_db: 40, freq_hz: NaN),\n                peak1: (q: 100, gain_db: -1e9),\n                \
         peak2: (freq_hz: 1e6),\n                high_shelf: (gain_db: NaN),\n                \
         low_pass: (freq_hz: inf, q: -3),\n            ),",
    );
    let (p, cs) = load(&text);
    let eq = &p.tracks[0].eq;
    assert_eq!((eq.high_pass.freq_hz, eq.high_pass.q), (20.0, 0.1));
    assert_eq!(eq.low_shelf.gain_db, 24.0);
    assert_eq!(eq.low_shelf.freq_hz, 100.0, "NaN: the band's own default");
    assert_eq!((eq.peak1.q, eq.peak1.gain_db), (18.0, -24.0));
    assert_eq!(eq.peak2.freq_hz, 20_000.0);
    assert_eq!(eq.high_shelf.gain_db, 0.0);
    assert_eq!((eq.low_pass.freq_hz, eq.low_pass.q), (18_000.0, 0.1));
    assert_eq!(cs.len(), 10, "{cs:#?}");
    for (field, line) in [
        ("eq.high_pass.freq_hz", 5),
        ("eq.high_pass.q", 5),
        ("eq.low_shelf.gain_db", 6),
        ("eq.low_shelf.freq_hz", 6),
        ("eq.peak1.q", 7),
        ("eq.peak1.gain_db", 7),
        ("eq.peak2.freq_hz", 8),
        ("eq.high_shelf.gain_db", 9),
        ("eq.low_pass.freq_hz", 10),
        ("eq.low_pass.q", 10),
    ] {
        let c = only(&cs, field);
        assert_eq!(c.line, Some(line), "{c}");
        assert_eq!(c.track.as_deref(), Some("drums"));
    }
}

#[test]
fn every_compressor_field_is_checked() {
    let text = track_project(
        "            compressor: (\n                enabled: true,\n                threshold_db: 10,\n                \
         ratio: 0.5,\n                attack_ms: 0,\n                release_ms: 1e7,\n                \
         knee_db: -1,\n                makeup_db: NaN,\n            ),",
    );
    let (p, cs) = load(&text);
    let c = &p.tracks[0].compressor;
    assert_eq!(
        [
            c.threshold_db,
            c.ratio,
            c.attack_ms,
            c.release_ms,
            c.knee_db,
            c.makeup_db
        ],
        [0.0, 1.0, 0.05, 5000.0, 0.0, 0.0]
    );
    assert_eq!(cs.len(), 6, "{cs:#?}");
    for (i, f) in [
        "threshold_db",
        "ratio",
        "attack_ms",
        "release_ms",
        "knee_db",
        "makeup_db",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(only(&cs, &format!("compressor.{f}")).line, Some(6 + i));
    }
}

#[test]
fn reverb_master_and_limiter_fields_are_named_by_their_path() {
    let text = "(\n    reverb: (pre_delay_ms: 900, decay_s: 0, damping: 2, size: -1, width: NaN, \
                return_db: 99),\n    master: (\n        gain_db: inf,\n        limiter: (ceiling_dbtp: 3, \
                release_ms: 0),\n    ),\n)\n";
    let (p, cs) = load(text);
    let r = &p.reverb;
    assert_eq!(
        [
            r.pre_delay_ms,
            r.decay_s,
            r.damping,
            r.size,
            r.width,
            r.return_db
        ],
        [250.0, 0.1, 1.0, 0.0, 1.0, 12.0]
    );
    assert_eq!(p.master.gain_db, 0.0);
    assert_eq!(p.master.limiter.ceiling_dbtp, 0.0);
    assert_eq!(p.master.limiter.release_ms, 1.0);
    assert_eq!(cs.len(), 9, "{cs:#?}");
    assert!(cs.iter().all(|c| c.track.is_none()));
    assert_eq!(only(&cs, "reverb.size").line, Some(2));
    assert_eq!(only(&cs, "master.gain_db").line, Some(4));
    let ceiling = only(&cs, "master.limiter.ceiling_dbtp");
    assert_eq!(ceiling.line, Some(5));
    assert_eq!(
        ceiling.to_string(),
        "line 5: master.limiter.ceiling_dbtp 3 is above 0; using 0"
    );
}

#[test]
fn loop_and_marker_times_and_references_are_checked() {
    let text = "(\n    loop_region: Some((start_s: -5, end_s: 1e9)),\n    loop_enabled: true,\n    \
                markers: [(name: \"a\", time_s: NaN), (name: \"b\", time_s: 3)],\n    \
                references: [(path: \"ref.wav\", trim_db: 50,\n        loop_region: Some((start_s: inf, end_s: 2)))],\n)\n";
    let (p, cs) = load(text);
    let l = p.loop_region.unwrap();
    assert_eq!((l.start_s, l.end_s), (0.0, 86_400.0));
    assert!(p.loop_enabled);
    assert_eq!(p.markers[0].time_s, 0.0);
    assert_eq!(p.markers[1].time_s, 3.0);
    assert_eq!(p.references[0].trim_db, 24.0);
    assert_eq!(
        p.references[0].loop_region, None,
        "a region with an infinite bound is dropped"
    );
    assert_eq!(cs.len(), 5, "{cs:#?}");
    assert_eq!(only(&cs, "loop_region.start_s").line, Some(2));
    assert_eq!(only(&cs, "markers[0].time_s").line, Some(4));
    assert_eq!(only(&cs, "references[0].trim_db").line, Some(5));
    let dropped = only(&cs, "references[0].loop_region.start_s");
    assert_eq!((dropped.line, dropped.now), (Some(6), None));
    assert!(
        dropped
            .to_string()
            .ends_with("is infinite; removed the region"),
        "{dropped}"
    );
    // A loop region that is dropped cannot stay enabled.
    let (p, _) = load("(loop_region: Some((start_s: NaN, end_s: 2)), loop_enabled: true)");
    assert_eq!((p.loop_region, p.loop_enabled), (None, false));
}

#[test]
fn tracks_without_a_name_are_named_and_corrections_of_many_tracks_find_their_own_lines() {
    let text = "(\n    tracks: [\n        (source: \"a.wav\"),\n        (name: \"\", source: \"\",\n         pan: 2),\n        (name: \"keys\", source: \"k.wav\", gain_db: 13),\n    ],\n)\n";
    let (_, cs) = load(text);
    assert_eq!(cs.len(), 2, "{cs:#?}");
    assert_eq!(cs[0].track.as_deref(), Some("track 2"));
    assert_eq!(cs[0].line, Some(5));
    assert_eq!(cs[1].track.as_deref(), Some("keys"));
    assert_eq!(cs[1].line, Some(6));
}

#[test]
fn a_migrated_version_1_file_is_checked_too() {
    // Version 1 wrote pan in percent; NaN survives the conversion and is caught after it.
    let text = "(\n    version: 1,\n    tracks: [(name: \"gtr\", source: \"g.wav\",\n        pan: NaN, gain_db: 40)],\n    master_gain_db: 1e30,\n)\n";
    let (p, cs) = load(text);
    assert_eq!(p.tracks[0].pan, 0.0);
    assert_eq!(p.tracks[0].gain_db, 12.0);
    assert_eq!(p.master.gain_db, 12.0);
    assert_eq!(only(&cs, "pan").line, Some(4));
    // Named `master_gain_db` in version 1: reported on the master's line or, unwritten in
    // this schema, with no line rather than a wrong one.
    assert_eq!(only(&cs, "master.gain_db").line, None);
}

#[test]
fn a_corrected_project_saves_as_corrected_and_reloads_without_corrections() {
    let text = track_project("            gain_db: 1e30,\n            pan: NaN,");
    let (p, _) = load(&text);
    let saved = stemmix::project::file::to_ron_string(&p, std::path::Path::new("/x"));
    let (again, cs) = load(&saved);
    assert!(cs.is_empty(), "{cs:#?}");
    assert!(again.same_content(&p));
}

#[test]
fn a_sample_rate_outside_8_to_384_khz_is_an_error_about_the_field() {
    for rate in [0u32, 7_999, 384_001, 4_000_000] {
        let text = format!("(\n    version: 3,\n    sample_rate: {rate},\n    tracks: [],\n)\n");
        match from_ron_str(&text) {
            Err(ParseError::Syntax { line, message, .. }) => {
                assert_eq!(line, 3);
                assert!(
                    message.contains("sample_rate") && message.contains("8000–384000"),
                    "{message}"
                );
            }
            other => panic!("{rate} Hz: {other:?}"),
        }
    }
    assert!(from_ron_str("(sample_rate: 8000)").is_ok());
    assert!(from_ron_str("(sample_rate: 384000)").is_ok());
}

/// The command line prints each correction once, as a warning naming the file, the track, the
/// field and the line, and bounces the corrected project: `gain_db: 1e30` plays at +12 dB,
/// not as silence.
#[test]
fn bounce_warns_about_corrected_values_and_plays_them_at_their_limits() {
    let dir = tempfile::tempdir().unwrap();
    let tone = common::sine(1000.0, 48_000, 4_800, 0.01);
    common::write_f32_wav(&dir.path().join("drums.wav"), 48_000, &[tone]);
    std::fs::write(
        dir.path().join("song.stemmix"),
        track_project("            gain_db: 1e30,\n            pan: 5.0,"),
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .args([
            "bounce",
            "song.stemmix",
            "-o",
            "mix.wav",
            "--bits",
            "32f",
            "--tail",
            "0",
        ])
        .current_dir(dir.path())
        .env("STEMMIX_HOME", dir.path().join(".home"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let warnings: Vec<_> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        warnings,
        [
            "warning: song.stemmix: line 4: track \"drums\": gain_db 1000000015047466200000000000000 \
             is above 12; using 12",
            "warning: song.stemmix: line 5: track \"drums\": pan 5 is above 1; using 1",
        ],
        "{err}"
    );
    let (mix, _) = common::hound_planar(&dir.path().join("mix.wav"));
    // Hard right at +12 dB: the right channel peaks near 0.01 · 10^(12/20) ≈ 0.0398 (the mono
    // law puts a hard-panned track at unity on its side), the left is silent.
    let peak = |c: &[f32]| c.iter().fold(0f32, |m, s| m.max(s.abs()));
    assert!(peak(&mix[0]) < 1e-6, "left {}", peak(&mix[0]));
    let right = peak(&mix[1]) as f64;
    assert!(
        (right - 0.01 * 10f64.powf(0.6)).abs() < 0.002,
        "right {right}"
    );
}
