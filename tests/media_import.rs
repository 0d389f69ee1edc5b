//! Loading stems at the project rate and importing many at once.

mod common;

use common::{best_lag, fixture, padded_master, shared_testdata, write_f32_wav};
use std::sync::Mutex;
use stemmix::media::{
    ImportProgress, MediaError, decode_file, import_stems, load_stem, resample, resampled_len,
};

#[test]
fn a_stem_at_the_project_rate_is_the_decoded_audio() {
    let path = fixture("signal.flac");
    let stem = load_stem(&path, 44_100).unwrap();
    let decoded = decode_file(&path).unwrap();
    assert_eq!(stem.channels, decoded.channels);
    assert_eq!(
        (stem.sample_rate, stem.source_rate, stem.frames),
        (44_100, 44_100, 22_050)
    );
    assert_eq!(stem.overview.frames(), 22_050);
    assert_eq!(stem.overview.bins(0).len(), 22_050usize.div_ceil(32));
}

#[test]
fn a_stem_at_another_rate_is_resampled_in_time() {
    let stem = load_stem(&fixture("signal_s24.wav"), 48_000).unwrap();
    assert_eq!(
        (stem.sample_rate, stem.source_rate, stem.frames),
        (48_000, 44_100, 24_000)
    );
    assert!(stem.channels.iter().all(|c| c.len() == 24_000));
    // The same as resampling the decoded file, and still aligned with it: the 1 ms fade-in
    // starts at 50 ms in both (2,205 frames at 44.1 kHz, 2,400 at 48 kHz).
    let decoded = decode_file(&fixture("signal_s24.wav")).unwrap();
    assert_eq!(
        stem.channels,
        resample(&decoded.channels, 44_100, 48_000).unwrap()
    );
    let onset = |x: &[f32]| x.iter().position(|s| s.abs() > 1e-3).unwrap();
    assert!((2_205..2_250).contains(&onset(&decoded.channels[0])));
    let (o44, o48) = (
        onset(&decoded.channels[0]) as f64 / 44_100.0,
        onset(&stem.channels[0]) as f64 / 48_000.0,
    );
    assert!(
        (o44 - o48).abs() < 2.0 / 44_100.0,
        "onset {o44} s vs {o48} s"
    );
}

#[test]
fn import_returns_good_stems_and_errors_in_input_order() {
    let names = [
        "signal.flac",
        "notes.txt",
        "signal_aac_mono.m4a",
        "signal.opus",
        "truncated.wav",
        "signal.mp3",
        "six_channels.wav",
        "empty.wav",
        "signal_alac.m4a",
    ];
    let paths: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    let reports = Mutex::new(Vec::<ImportProgress>::new());
    let results = import_stems(&paths, 48_000, &|p| reports.lock().unwrap().push(p));
    assert_eq!(results.len(), names.len());
    for (name, result) in names.iter().zip(&results) {
        match result {
            Ok(stem) => {
                assert_eq!(
                    (stem.sample_rate, stem.source_rate, stem.frames),
                    (48_000, 44_100, 24_000),
                    "{name}"
                );
                let want_channels = if name.contains("mono") { 1 } else { 2 };
                assert_eq!(stem.channels.len(), want_channels, "{name}");
            }
            Err(e) => assert!(
                e.to_string().starts_with(&format!("{name}: ")),
                "{name}: {e}"
            ),
        }
    }
    let ok: Vec<bool> = results.iter().map(Result::is_ok).collect();
    assert_eq!(
        ok,
        [true, false, true, false, false, true, false, false, true]
    );
    assert!(matches!(results[1], Err(MediaError::NotAudio { .. })));
    assert!(matches!(results[3], Err(MediaError::Unsupported { .. })));
    assert!(matches!(results[4], Err(MediaError::Corrupt { .. })));
    assert!(matches!(
        results[6],
        Err(MediaError::TooManyChannels { channels: 6, .. })
    ));
    assert!(matches!(results[7], Err(MediaError::Empty { .. })));

    // The lossy stems stay aligned with the lossless one after resampling too.
    let flac = &results[0].as_ref().unwrap().channels;
    for i in [2, 5, 8] {
        let other = &results[i].as_ref().unwrap().channels;
        let (lag, _) = best_lag(&flac[0], &other[0], 3000);
        assert_eq!(lag, 0, "{}", names[i]);
    }

    let reports = reports.into_inner().unwrap();
    assert!(reports.iter().all(|r| r.files_total == names.len()));
    assert!(
        reports
            .iter()
            .all(|r| (0.0..=1.0).contains(&r.file_fraction) && (0.0..=1.0).contains(&r.overall))
    );
    assert_eq!(
        reports.iter().map(|r| r.files_done).max(),
        Some(names.len())
    );
    for (i, name) in names.iter().enumerate() {
        let last = |r: &&ImportProgress| r.file == i && r.file_fraction == 1.0;
        assert!(
            reports.iter().any(|r| last(&r)),
            "no final report for {name}"
        );
    }
    let last_overall = reports.iter().map(|r| r.overall).fold(0.0, f32::max);
    assert_eq!(last_overall, 1.0);
}

#[test]
fn every_aac_form_imports_whole_and_in_time_with_its_wav_twin() {
    // Issue 14: ADTS (no stated length, no gapless info), M4A without an edit list, M4A with
    // iTunSMPB and AAC in Matroska, all of the same source, resampled to 48 kHz like a project
    // import, against the WAV twin imported the same way.
    let dir = tempfile::tempdir().unwrap();
    let twin = dir.path().join("twin.wav");
    write_f32_wav(&twin, 44_100, &padded_master(88_200, 88_200));
    let names = [
        "signal_padded_adts.aac",
        "signal_padded_no_editlist.m4a",
        "signal_padded_itunsmpb.m4a",
        "signal_padded_aac.mka",
    ];
    let mut paths = vec![twin];
    paths.extend(names.iter().map(|n| fixture(n)));
    let results = import_stems(&paths, 48_000, &|_| {});
    let wav = results[0].as_ref().unwrap();
    assert_eq!(wav.frames, 216_000); // 4.5 s at 48 kHz
    for (name, r) in names.iter().zip(&results[1..]) {
        let stem = r.as_ref().unwrap_or_else(|e| panic!("{e}"));
        // All of the audio (ADTS and Matroska keep the encoder's padding to a whole packet).
        assert!(
            (wav.frames..wav.frames + 1200).contains(&stem.frames),
            "{name}: {} frames",
            stem.frames
        );
        for c in 0..2 {
            let (lag, corr) = best_lag(&wav.channels[c], &stem.channels[c], 3000);
            assert_eq!(lag, 0, "{name} ch {c}");
            assert!(corr > 0.99, "{name} ch {c}: {corr}");
        }
    }
}

#[test]
fn a_tagless_vbr_mp3_imports_to_its_end() {
    // 97 MPEG frames of 1,152 = 111,744 frames at 44.1 kHz (121,626 at 48 kHz); the estimate
    // from the first frames' bitrate says 44,928.
    let stem = load_stem(&fixture("signal_tail_vbr_no_tag.mp3"), 48_000).unwrap();
    assert_eq!(stem.frames, resampled_len(111_744, 44_100, 48_000));
}

#[test]
fn importing_nothing_is_fine() {
    let results = import_stems(&[], 48_000, &|_| panic!("no progress for no files"));
    assert!(results.is_empty());
}

#[test]
fn the_shared_stems_import_at_48_khz() {
    let Some(dir) = shared_testdata() else { return };
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("stems"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| stemmix::media::is_audio_extension(p))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 6);
    let results = import_stems(&paths, 48_000, &|_| {});
    for (path, r) in paths.iter().zip(results) {
        let stem = r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stem.frames, 720_000, "{}", path.display());
        let mono = path.ends_with("bass.wav");
        assert_eq!(stem.channels.len(), if mono { 1 } else { 2 });
        let source = if path.ends_with("guitar.wav") {
            44_100
        } else {
            48_000
        };
        assert_eq!(stem.source_rate, source);
    }
}
