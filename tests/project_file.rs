//! The project file format: round trip, defaults, migration, version refusal, error positions,
//! relative paths and safe saving.

use std::path::{Path, PathBuf};
use stemmix::project::{
    self, Color, CompressorSettings, Detector, EqBand, EqSettings, LimiterSettings, Marker, Master,
    MatchSettings, MonoPanLaw, PanLaw, PassBand, Project, RefMode, Reference, Region, ReverbBus,
    Slope, StereoPanLaw, Track, file,
};

fn rich_project(dir: &Path) -> Project {
    let eq = EqSettings {
        high_pass: PassBand {
            enabled: true,
            freq_hz: 80.0,
            slope: Slope::Db24,
            q: 0.7,
        },
        peak2: EqBand {
            enabled: true,
            freq_hz: 2500.0,
            gain_db: -3.5,
            q: 2.0,
        },
        ..EqSettings::default()
    };
    let vocal = Track {
        name: "Lead vocal".into(),
        source: dir.join("stems/vocal.flac"),
        trim_db: -2.0,
        gain_db: -4.5,
        pan: -0.25,
        mute: false,
        solo: true,
        polarity_invert: true,
        color: Color::rgb(1, 2, 3),
        eq,
        compressor: CompressorSettings {
            enabled: true,
            threshold_db: -20.0,
            ratio: 3.0,
            attack_ms: 5.0,
            release_ms: 80.0,
            knee_db: 4.0,
            makeup_db: 2.0,
            detector: Detector::Rms,
        },
        reverb_send_db: -12.0,
        reverb_send_pre_fader: true,
        width: 0.6,
        ..Track::default()
    };
    let bass = Track {
        name: "Bass".into(),
        source: PathBuf::from("/elsewhere/bass.wav"),
        gain_db: f32::NEG_INFINITY,
        mute: true,
        ..Track::default()
    };
    Project {
        sample_rate: 44_100,
        tracks: vec![vocal, bass],
        reverb: ReverbBus {
            decay_s: 3.2,
            return_db: -6.0,
            ..ReverbBus::default()
        },
        master: Master {
            gain_db: -1.0,
            limiter: LimiterSettings {
                enabled: true,
                ceiling_dbtp: -1.5,
                release_ms: 80.0,
            },
        },
        references: vec![
            Reference {
                name: "Their single".into(),
                path: dir.join("refs/ref.flac"),
                trim_db: -1.0,
                mode: RefMode::Free,
                loop_region: Some(Region {
                    start_s: 10.0,
                    end_s: 20.0,
                }),
                loop_enabled: true,
                ..Reference::default()
            },
            Reference {
                mode: RefMode::Sync,
                ..Reference::for_path(PathBuf::from("/masters/song_master.wav"))
            },
        ],
        reference_match: MatchSettings {
            enabled: false,
            loop_only: true,
        },
        loop_region: Some(Region {
            start_s: 1.5,
            end_s: 4.0,
        }),
        loop_enabled: true,
        markers: vec![Marker {
            name: "Chorus".into(),
            time_s: 7.5,
        }],
        pan_law: PanLaw {
            mono: MonoPanLaw::Db4_5,
            stereo: StereoPanLaw::WidthPosition,
        },
        ..Project::default()
    }
}

#[test]
fn round_trip_through_a_file_keeps_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.stemmix");
    let p = rich_project(dir.path());
    project::save(&p, &path).unwrap();
    let back = project::load(&path).unwrap();
    assert!(p.same_content(&back), "{p:#?}\n!=\n{back:#?}");
    // Readable text with the contract's field names, and stems below the folder stored relative.
    let text = std::fs::read_to_string(&path).unwrap();
    for key in [
        "gain_db:",
        "pan:",
        "mute:",
        "solo:",
        "version: 3",
        "mono: Db4_5",
        "stereo: WidthPosition",
        "width: 0.6",
        "\"stems/vocal.flac\"",
        "\"refs/ref.flac\"",
        "mode: Sync",
        "reference_match:",
    ] {
        assert!(text.contains(key), "missing {key} in\n{text}");
    }
    assert!(
        text.contains("\"/elsewhere/bass.wav\""),
        "outside path kept absolute"
    );
    assert!(text.contains("gain_db: -inf"), "−∞ fader written as -inf");
}

#[test]
fn a_hand_written_file_may_list_only_sources() {
    let p = file::from_ron_str(
        r#"(tracks: [(source: "drums.wav"), (source: "bass.wav", gain_db: -3)])"#,
    )
    .unwrap();
    assert_eq!(p.version, project::CURRENT_VERSION);
    assert_eq!(p.sample_rate, 48_000);
    assert_eq!(p.tracks.len(), 2);
    let t = &p.tracks[0];
    assert_eq!(t.source, PathBuf::from("drums.wav"));
    assert_eq!((t.gain_db, t.pan, t.mute, t.solo), (0.0, 0.0, false, false));
    assert!(!t.eq.any_enabled() && !t.compressor.enabled);
    assert_eq!(t.reverb_send_db, f32::NEG_INFINITY);
    assert_eq!(p.tracks[1].gain_db, -3.0);
    // Named after their files, each in the next colour of the palette.
    assert_eq!(p.tracks[0].name, "drums");
    assert_eq!(p.tracks[1].name, "bass");
    assert_eq!(p.tracks[0].color, project::Color::nth(0));
    assert_eq!(p.tracks[1].color, project::Color::nth(1));
}

#[test]
fn given_names_and_colours_are_kept_and_only_missing_ones_filled_in() {
    let p = file::from_ron_str(
        r##"(tracks: [
            (name: "Kick", source: "k.wav", color: "#4aa3df"),
            (source: "stems/snare top.flac", color: "#4aa3df"),
            (name: "Hat", source: "h.wav"),
            (source: ""),
        ])"##,
    )
    .unwrap();
    let names: Vec<&str> = p.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Kick", "snare top", "Hat", ""]);
    // The first two keep the colour they were given (the palette's first), the others get
    // the colour of their place.
    assert_eq!(p.tracks[1].color, project::Color::nth(0));
    assert_eq!(p.tracks[2].color, project::Color::nth(2));
    assert_eq!(p.tracks[3].color, project::Color::nth(3));
}

#[test]
fn version_2_files_load_unchanged_with_the_new_fields_at_their_defaults() {
    // A file as stemmix wrote it before schema 3 (references had path, trim and loop only).
    let text = r#"(
        version: 2,
        sample_rate: 44100,
        tracks: [(name: "Gtr", source: "gtr.wav", gain_db: -6.0, pan: -0.5)],
        references: [(path: "refs/a.flac", trim_db: -2.0, loop_region: Some((start_s: 1.0, end_s: 3.0)))],
        loop_region: Some((start_s: 0.5, end_s: 2.5)),
        loop_enabled: true,
    )"#;
    let p = file::from_ron_str(text).unwrap();
    assert_eq!(p.version, project::CURRENT_VERSION);
    assert_eq!(project::CURRENT_VERSION, 3);
    assert_eq!((p.sample_rate, p.loop_enabled), (44_100, true));
    assert_eq!((p.tracks[0].gain_db, p.tracks[0].pan), (-6.0, -0.5));
    let r = &p.references[0];
    assert_eq!(r.path, PathBuf::from("refs/a.flac"));
    assert_eq!(r.trim_db, -2.0);
    assert_eq!(
        r.loop_region.map(|l| (l.start_s, l.end_s)),
        Some((1.0, 3.0))
    );
    assert_eq!(
        (r.mode, r.loop_enabled, r.name.as_str()),
        (RefMode::Free, false, "")
    );
    assert_eq!(
        r.display_name(),
        "a",
        "an unnamed reference shows its file's stem"
    );
    assert_eq!(p.reference_match, MatchSettings::default());
    assert!(p.reference_match.enabled && !p.reference_match.loop_only);
}

#[test]
fn version_1_files_are_migrated() {
    let text = r#"(
        version: 1,
        sample_rate: 44100,
        master_gain_db: -2.0,
        limiter_ceiling_db: Some(-0.5),
        tracks: [
            (name: "Gtr", source: "gtr.wav", gain_db: -6.0, pan: -50.0, send_db: Some(-10.0),
             compressor: Some((threshold_db: -15.0, ratio: 2.0, attack_ms: 3.0, release_ms: 50.0))),
            (name: "Keys", source: "keys.wav", pan: 100.0, mute: true),
        ],
    )"#;
    let p = file::from_ron_str(text).unwrap();
    assert_eq!(p.version, project::CURRENT_VERSION);
    assert_eq!(p.sample_rate, 44_100);
    assert_eq!(p.master.gain_db, -2.0);
    assert!(p.master.limiter.enabled);
    assert_eq!(p.master.limiter.ceiling_dbtp, -0.5);
    let g = &p.tracks[0];
    assert_eq!((g.gain_db, g.pan, g.reverb_send_db), (-6.0, -0.5, -10.0));
    assert!(g.compressor.enabled);
    assert_eq!(g.compressor.knee_db, 0.0, "v1 compressors had a hard knee");
    assert_eq!(g.compressor.threshold_db, -15.0);
    let k = &p.tracks[1];
    assert_eq!((k.pan, k.mute), (1.0, true));
    assert!(!k.compressor.enabled);
    assert_ne!(g.color, k.color, "migrated tracks get distinct colours");
}

#[test]
fn version_2_files_load_unchanged_and_pan_as_before() {
    // The bundled example is a version 2 file.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo/demo.stemmix");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("version: 2,"),
        "the example is still a version 2 file"
    );
    let p = project::load(&path).unwrap();
    assert_eq!(p.version, project::CURRENT_VERSION);
    // What version 2 played: −3 dB constant power for mono tracks, balance for stereo ones.
    assert_eq!(p.pan_law.mono, MonoPanLaw::Db3);
    assert_eq!(p.pan_law.stereo, StereoPanLaw::Balance);
    assert!(p.tracks.iter().all(|t| t.width == 1.0));
    // Everything the file says is kept as it says it.
    let names: Vec<&str> = p.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Drums", "Bass", "Keys", "Lead"]);
    let gains: Vec<(f32, f32)> = p.tracks.iter().map(|t| (t.gain_db, t.pan)).collect();
    assert_eq!(
        gains,
        [(-1.5, 0.0), (-3.0, 0.0), (-4.0, -0.2), (-5.0, 0.15)]
    );
    assert_eq!(p.tracks[0].color, Color::parse("#e08a3c").unwrap());
    assert_eq!(p.reverb.return_db, -2.0);
    assert_eq!(p.markers[0].name, "Bar 3");
    // The same text read as version 3 gives the same project, and saving writes version 3
    // that reads back equal.
    let as_v3 = file::from_ron_str(&text.replace("version: 2,", "version: 3,")).unwrap();
    let as_v2 = file::from_ron_str(&text).unwrap();
    assert!(as_v2.same_content(&as_v3));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.stemmix");
    project::save(&p, &out).unwrap();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("version: 3")
    );
    assert!(project::load(&out).unwrap().same_content(&p));
}

#[test]
fn a_newer_version_is_refused_naming_both_versions() {
    let err = file::from_ron_str("(version: 7, tracks: [])").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains('7') && msg.contains(&project::CURRENT_VERSION.to_string()),
        "{msg}"
    );
    assert!(matches!(
        err,
        project::ParseError::TooNew {
            file_version: 7,
            ..
        }
    ));
}

#[test]
fn malformed_text_reports_line_and_column() {
    let text = "(\n    sample_rate: 48000,\n    tracks: [\n        (source: \"a.wav\", gain_db: loud),\n    ],\n)";
    match file::from_ron_str(text).unwrap_err() {
        project::ParseError::Syntax { line, column, .. } => {
            assert_eq!(line, 4);
            assert!((26..=40).contains(&column), "column {column}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // A misspelt field is an error too, not silently ignored.
    let err = file::from_ron_str("(tracks: [(source: \"a.wav\", gain_bd: 1.0)])").unwrap_err();
    assert!(err.to_string().contains("gain_bd"), "{err}");
}

#[test]
fn save_keeps_a_backup_and_refuses_to_overwrite_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.stemmix");
    let mut p = rich_project(dir.path());
    project::save(&p, &path).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    p.master.gain_db = -3.0;
    project::save(&p, &path).unwrap();
    let bak = dir.path().join("song.stemmix.bak");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), first);
    assert!(project::load(&path).unwrap().same_content(&p));

    // A file that does not parse (or is from a newer stemmix) is never written over.
    for foreign in ["my notes, not a project", "(version: 99)"] {
        std::fs::write(&path, foreign).unwrap();
        let err = project::save(&p, &path).unwrap_err();
        assert!(err.to_string().contains("not overwriting"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), foreign);
    }
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn load_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.stemmix");
    std::fs::write(&path, "(tracks: [").unwrap();
    let msg = project::load(&path).unwrap_err().to_string();
    assert!(
        msg.contains("bad.stemmix") && msg.contains("line 1"),
        "{msg}"
    );
    let msg = project::load(&dir.path().join("missing.stemmix"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("missing.stemmix"), "{msg}");
}

#[test]
fn a_sample_rate_the_engine_cannot_run_at_is_refused_with_its_line() {
    let text = "(\n    tracks: [],\n    sample_rate: 0,\n)";
    let e = stemmix::project::file::from_ron_str(text).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("line 3"), "{msg}");
    assert!(
        msg.contains("sample_rate 0 Hz is outside 8000–384000 Hz"),
        "{msg}"
    );
    for ok in ["8000", "384000"] {
        let text = format!("(sample_rate: {ok})");
        assert!(stemmix::project::file::from_ron_str(&text).is_ok(), "{ok}");
    }
}
