//! The loudness match against independent figures: a reference that is the mix at a known
//! gain offset (written to a file, decoded and resampled by the stem code) gets that offset as
//! its match gain; EBU Tech 3341 signals match by the standard's expected loudness; the shared
//! stems and reference match by FFmpeg's figures; the loop-only match uses the loop regions;
//! and a project's analysis is that of the file its bounce writes.
//!
//! Each test prints the errors it measured (`cargo test --test loudness_match -- --nocapture`):
//! the README quotes them.

mod common;
#[path = "support/signals.rs"]
mod signals;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use stemmix::engine::MixGraph;
use stemmix::engine::analysis::{
    Analysis, AnalysisOptions, analyze_audio, analyze_project, match_gain, match_gain_db,
};
use stemmix::engine::bounce::{BounceOptions, bounce};
use stemmix::engine::render::{self, RenderControl, RenderOptions, Tail};
use stemmix::engine::stems::ProjectStems;
use stemmix::media::{StemAudio, WavFormat, WavWriter, load_stem};
use stemmix::project::{self, MonoPanLaw, Project, Region, Track};

const RATE: u32 = 48_000;

/// The example project and its decoded stems.
fn demo() -> (Project, ProjectStems) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo/demo.stemmix");
    let p = project::load(&path).unwrap();
    let stems = ProjectStems::load(&p, &|_, _| {});
    assert!(stems.offline.is_empty(), "{:?}", stems.offline);
    (p, stems)
}

/// A project playing each of `stems` on its own track at unity gain, centred.
fn project_of(count: usize, loop_region: Option<Region>) -> Project {
    Project {
        sample_rate: RATE,
        tracks: (0..count)
            .map(|i| Track::for_source(format!("stem{i}.wav").into()))
            .collect(),
        loop_region,
        ..Project::default()
    }
}

/// Renders and measures `p` with `stems` in track order (no tail: the generated stems end in
/// silence anyway).
fn analyze_generated(p: &Project, stems: &[Arc<StemAudio>]) -> Analysis {
    let lookup = |t: &Track| {
        let i = p.tracks.iter().position(|x| x.id == t.id)?;
        stems.get(i).cloned()
    };
    let opts = AnalysisOptions {
        tail: Tail::Seconds(0.0),
        ..AnalysisOptions::whole_song(p)
    };
    analyze_project(p, &lookup, &opts, None, None)
        .unwrap()
        .analysis
}

/// Writes planar `channels` at `rate` through the bounce's WAV writer (integer formats are
/// dithered), decodes the file at the project rate and measures it as a reference.
fn reference_file(
    dir: &Path,
    name: &str,
    rate: u32,
    format: WavFormat,
    channels: &[Vec<f32>],
    span: Option<(u64, u64)>,
) -> (PathBuf, Analysis) {
    let path = dir.join(name);
    let mut w = WavWriter::create(&path, rate, format, 1).unwrap();
    let right = channels.last().unwrap();
    w.write(&channels[0], right).unwrap();
    w.finish().unwrap();
    let audio = load_stem(&path, RATE).unwrap();
    assert_eq!(audio.sample_rate, RATE);
    let a = analyze_audio(&audio, span).unwrap();
    (path, a)
}

fn scaled<C: AsRef<[f32]>>(channels: &[C], db: f64) -> Vec<Vec<f32>> {
    let g = 10f64.powf(db / 20.0);
    channels
        .iter()
        .map(|c| {
            c.as_ref()
                .iter()
                .map(|&v| (f64::from(v) * g) as f32)
                .collect()
        })
        .collect()
}

/// The example project (compressors, reverb, limiter) rendered, scaled by a known offset,
/// written as a 16-bit and a 24-bit file and decoded: the match gain undoes the offset.
#[test]
fn a_reference_that_is_the_mix_at_a_known_offset_matches_by_that_offset() {
    let dir = tempfile::tempdir().unwrap();
    let (p, stems) = demo();
    let lookup = |t: &Track| stems.get(t);
    let mix = analyze_project(&p, &lookup, &AnalysisOptions::whole_song(&p), None, None)
        .unwrap()
        .analysis;
    let mut g = MixGraph::from_project(&p, &lookup, render::RENDER_BLOCK);
    let ropts = RenderOptions::range(0, g.length(), Tail::Auto);
    let (mem, _) = render::render_to_memory(&mut g, &ropts, &mut RenderControl::default()).unwrap();
    let rendered = mem.audio.to_vec();
    for (offset_db, format) in [
        (-6.5, WavFormat::Int24),
        (-17.3, WavFormat::Int16),
        (-0.7, WavFormat::Float32),
    ] {
        let (_, reference) = reference_file(
            dir.path(),
            "copy.wav",
            RATE,
            format,
            &scaled(&rendered, offset_db),
            None,
        );
        let gain = match_gain(&mix, &reference, false).unwrap();
        let err = gain + offset_db;
        eprintln!(
            "mix at {offset_db:+} dB, {format:?}: match gain {gain:+.4} dB, error {err:+.6} dB"
        );
        assert!(err.abs() <= 0.05, "offset {offset_db} dB: gain {gain} dB");
    }
}

/// Pink noise against scaled copies of it, and a multi-tone against the same tones written at
/// 44.1 kHz (resampled to the project's 48 kHz on decoding): the match gain is the offset.
#[test]
fn pink_noise_and_resampled_tones_match_by_their_offset() {
    let dir = tempfile::tempdir().unwrap();
    let n = 12 * RATE as usize;
    let pink = vec![signals::pink(11, n, 0.05), signals::pink(12, n, 0.05)];
    let mix = analyze_generated(
        &project_of(1, None),
        &[Arc::new(StemAudio::from_channels(pink.clone(), RATE))],
    );
    for offset_db in [-12.0, 4.5] {
        let (_, r) = reference_file(
            dir.path(),
            "pink.wav",
            RATE,
            WavFormat::Int24,
            &scaled(&pink, offset_db),
            None,
        );
        let err = match_gain(&mix, &r, false).unwrap() + offset_db;
        eprintln!("pink noise at {offset_db:+} dB: error {err:+.6} dB");
        assert!(err.abs() <= 0.05, "{err}");
    }

    // Tones well inside the resampler's passband, incommensurate so their powers add.
    let tones = |rate: u32, seconds: usize, db: f64| -> Vec<Vec<f32>> {
        let amp = 10f64.powf(db / 20.0);
        let left = [(97.0, 0.25), (1013.0, 0.2), (6007.0, 0.1)];
        let right = [(211.0, 0.25), (2999.0, 0.15), (9001.0, 0.1)];
        [left, right]
            .iter()
            .map(|parts| {
                (0..seconds * rate as usize)
                    .map(|i| {
                        let t = i as f64 / f64::from(rate);
                        let v: f64 = parts
                            .iter()
                            .map(|(f, a)| a * (std::f64::consts::TAU * f * t).sin())
                            .sum();
                        (amp * v) as f32
                    })
                    .collect()
            })
            .collect()
    };
    let mix_tones = tones(RATE, 10, 0.0);
    let mix = analyze_generated(
        &project_of(1, None),
        &[Arc::new(StemAudio::from_channels(mix_tones, RATE))],
    );
    let (_, r) = reference_file(
        dir.path(),
        "tones44.wav",
        44_100,
        WavFormat::Float32,
        &tones(44_100, 10, -9.3),
        None,
    );
    let err = match_gain(&mix, &r, false).unwrap() - 9.3;
    eprintln!("tones at 44.1 kHz, -9.3 dB, resampled: error {err:+.6} dB");
    assert!(err.abs() <= 0.05, "{err}");
}

/// 1 kHz stereo sine of `len` s at `dbfs` on both channels, EBU Tech 3341 style.
fn ebu_sine(parts: &[(f64, f64)]) -> Vec<Vec<f32>> {
    let w = std::f64::consts::TAU * 1000.0 / f64::from(RATE);
    let mut x = Vec::new();
    for &(dbfs, seconds) in parts {
        let amp = 10f64.powf(dbfs / 20.0);
        let start = x.len();
        x.extend(
            (0..(seconds * f64::from(RATE)) as usize)
                .map(|i| (amp * (w * (start + i) as f64).sin()) as f32),
        );
    }
    vec![x.clone(), x]
}

/// EBU Tech 3341 case 5 (−26, −20, −26 dBFS for 20, 20.1, 20 s: −23.0 ±0.1 LUFS) as the mix,
/// cases 1 (−23 dBFS: −23.0 LUFS) and 2 (−33 dBFS: −33.0 LUFS) as references: match gains of
/// 0 and +10 dB within the standard's ±0.1 LU, and within 0.05 dB of each other's offset.
#[test]
fn ebu_3341_signals_match_by_their_stated_loudness() {
    let dir = tempfile::tempdir().unwrap();
    let case5 = ebu_sine(&[(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)]);
    let mix = analyze_generated(
        &project_of(1, None),
        &[Arc::new(StemAudio::from_channels(case5, RATE))],
    );
    let i = mix.whole.report.integrated_lufs;
    assert!((i + 23.0).abs() <= 0.1, "case 5 through the mix: {i} LUFS");
    let (_, case1) = reference_file(
        dir.path(),
        "case1.wav",
        RATE,
        WavFormat::Int24,
        &ebu_sine(&[(-23.0, 20.0)]),
        None,
    );
    let (_, case2) = reference_file(
        dir.path(),
        "case2.wav",
        RATE,
        WavFormat::Int24,
        &ebu_sine(&[(-33.0, 20.0)]),
        None,
    );
    let g1 = match_gain(&mix, &case1, false).unwrap();
    let g2 = match_gain(&mix, &case2, false).unwrap();
    eprintln!("EBU 3341 case 5 mix ({i:.3} LUFS) vs case 1: {g1:+.4} dB, vs case 2: {g2:+.4} dB");
    assert!(g1.abs() <= 0.1 && (g2 - 10.0).abs() <= 0.1, "{g1} {g2}");
    assert!((g2 - g1 - 10.0).abs() <= 0.05, "{g1} {g2}");
}

/// With "loop regions only", the match compares the mix's loop with the reference's: a mix that
/// is quiet outside its loop and a reference whose second half is quieter than its loop get the
/// loop's 6.02 dB ratio, which the whole-song match does not give.
#[test]
fn the_loop_only_match_compares_the_loop_regions() {
    let dir = tempfile::tempdir().unwrap();
    let half = 4 * RATE as usize;
    let body = [signals::noise(21, half, 1.0), signals::noise(22, half, 1.0)];
    let join = |a: f32, b: f32| -> Vec<Vec<f32>> {
        body.iter()
            .map(|c| {
                c.iter()
                    .map(|v| v * a)
                    .chain(c.iter().map(|v| v * b))
                    .collect()
            })
            .collect()
    };
    // The mix: quiet (0.03), then the loop at 0.2; the reference: its loop at 0.1, then 0.05.
    let loop_region = Region {
        start_s: 4.0,
        end_s: 8.0,
    };
    let mix = analyze_generated(
        &project_of(1, Some(loop_region)),
        &[Arc::new(StemAudio::from_channels(join(0.03, 0.2), RATE))],
    );
    assert_eq!(mix.region.as_ref().unwrap().report.frames, half as u64);
    let (_, reference) = reference_file(
        dir.path(),
        "ref.wav",
        RATE,
        WavFormat::Float32,
        &join(0.1, 0.05),
        Some((0, half as u64)),
    );
    let expected = 20.0 * (0.2f64 / 0.1).log10();
    let looped = match_gain(&mix, &reference, true).unwrap();
    let whole = match_gain(&mix, &reference, false).unwrap();
    eprintln!(
        "loop-only match: {looped:+.4} dB (expected {expected:+.4}), whole song: {whole:+.4} dB"
    );
    assert!((looped - expected).abs() <= 0.05, "{looped}");
    assert!((whole - looped).abs() > 1.0, "whole {whole}, loop {looped}");
    assert_eq!(
        whole,
        match_gain_db(&mix.whole.report, &reference.whole.report).unwrap()
    );
    // A side without a region falls back to its whole signal.
    let no_loop = analyze_audio(&StemAudio::from_channels(join(0.1, 0.05), RATE), None).unwrap();
    assert_eq!(
        match_gain(&mix, &no_loop, true),
        match_gain_db(&mix.region.unwrap().report, &no_loop.whole.report)
    );
}

/// The analysis of a project is the analysis of the file `bounce` writes from it (32-bit
/// float, so the samples are the same), for every readout and the spectrum, on one thread and
/// on two.
#[test]
fn a_project_analyses_as_its_bounce_file() {
    let dir = tempfile::tempdir().unwrap();
    let (p, stems) = demo();
    let lookup = |t: &Track| stems.get(t);
    let out = dir.path().join("bounce.wav");
    let opts = BounceOptions {
        format: WavFormat::Float32,
        ..BounceOptions::default()
    };
    bounce(
        &p,
        &lookup,
        &out,
        &opts,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let file = analyze_audio(&load_stem(&out, RATE).unwrap(), None)
        .unwrap()
        .whole;
    for threads in [1, 2] {
        let a = analyze_project(
            &p,
            &lookup,
            &AnalysisOptions {
                threads,
                ..AnalysisOptions::whole_song(&p)
            },
            None,
            None,
        )
        .unwrap()
        .analysis
        .whole;
        assert_eq!(a.report.frames, file.report.frames);
        let (x, y) = (a.report, file.report);
        for (name, u, v) in [
            ("integrated", x.integrated_lufs, y.integrated_lufs),
            (
                "short-term max",
                x.short_term_max_lufs,
                y.short_term_max_lufs,
            ),
            ("momentary max", x.momentary_max_lufs, y.momentary_max_lufs),
            ("LRA", x.lra_lu, y.lra_lu),
            ("true peak", x.true_peak_dbtp, y.true_peak_dbtp),
            ("sample peak", x.sample_peak_dbfs, y.sample_peak_dbfs),
            ("crest", x.crest_db, y.crest_db),
            ("correlation", x.correlation, y.correlation),
            ("width", x.width_db, y.width_db),
        ] {
            assert!(
                (u - v).abs() <= 1e-9,
                "{threads} thread(s), {name}: {u} vs {v}"
            );
        }
        for (u, v) in a.ltas.bands_db().iter().zip(file.ltas.bands_db()) {
            assert!((u - v).abs() <= 1e-9, "band {u} vs {v}");
        }
    }
}

/// The six shared stems at unity gain (mono bass on both sides at 0 dB, as the test data's
/// README sums them) against the shared master as FLAC and as MP3: the sum reads FFmpeg's
/// −18.3 LUFS, the master −9.0 LUFS (both ±0.1: FFmpeg rounds to 0.1), so the match gain is
/// −9.3 dB within their rounding; and the example project against the master: the matched
/// reference reads the mix's loudness.
#[test]
fn the_shared_stems_and_reference_match_by_ffmpegs_figures() {
    let Some(data) = common::shared_testdata() else {
        return;
    };
    let mut stems_p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    stems_p.pan_law.mono = MonoPanLaw::Db0;
    for f in [
        "drums.wav",
        "bass.wav",
        "keys.wav",
        "guitar.wav",
        "vocal.flac",
        "perc.wav",
    ] {
        stems_p
            .tracks
            .push(Track::for_source(data.join("stems").join(f)));
    }
    let stems = ProjectStems::load(&stems_p, &|_, _| {});
    assert!(stems.offline.is_empty(), "{:?}", stems.offline);
    let lookup = |t: &Track| stems.get(t);
    let sum = analyze_project(
        &stems_p,
        &lookup,
        &AnalysisOptions::whole_song(&stems_p),
        None,
        None,
    )
    .unwrap()
    .analysis;
    let sum_i = sum.whole.report.integrated_lufs;
    assert!(
        (sum_i + 18.3).abs() <= 0.1,
        "unity sum of the shared stems: {sum_i} LUFS"
    );
    let (demo_p, demo_stems) = demo();
    let demo_mix = analyze_project(
        &demo_p,
        &|t: &Track| demo_stems.get(t),
        &AnalysisOptions::whole_song(&demo_p),
        None,
        None,
    )
    .unwrap()
    .analysis;
    for f in ["reference.flac", "reference.mp3"] {
        let audio = load_stem(&data.join("reference").join(f), RATE).unwrap();
        let r = analyze_audio(&audio, None).unwrap();
        let ri = r.whole.report.integrated_lufs;
        assert!((ri + 9.0).abs() <= 0.1, "{f}: {ri} LUFS");
        let g = match_gain(&sum, &r, false).unwrap();
        eprintln!(
            "shared stems ({sum_i:.3} LUFS) vs {f} ({ri:.3} LUFS): match gain {g:+.3} dB (FFmpeg: -9.3)"
        );
        assert!((g + 9.3).abs() <= 0.1, "{f}: {g}");

        // The matched reference, measured again, reads the example mix's loudness.
        let g = match_gain(&demo_mix, &r, false).unwrap();
        let matched = StemAudio::from_channels(scaled(&audio.channels, g), RATE);
        let after = analyze_audio(&matched, None)
            .unwrap()
            .whole
            .report
            .integrated_lufs;
        let err = after - demo_mix.whole.report.integrated_lufs;
        eprintln!(
            "example project vs {f}: match gain {g:+.3} dB, matched reference off by {err:+.6} LU"
        );
        assert!(err.abs() <= 0.01, "{f}: {err}");
    }
}

#[test]
fn a_matched_shared_reference_comes_out_of_the_real_time_renderer_as_loud_as_the_example_mix() {
    use stemmix::engine::RefSetup;
    use stemmix::engine::command::Source;
    use stemmix::engine::handle::EngineHandle;
    use stemmix::engine::slot::Render;
    use stemmix::project::{RefId, RefMode};
    let Some(data) = common::shared_testdata() else {
        return;
    };
    let (p, stems) = demo();
    let lookup = |t: &Track| stems.get(t);
    let mix = analyze_project(&p, &lookup, &AnalysisOptions::whole_song(&p), None, None)
        .unwrap()
        .analysis;
    let mix_i = mix.whole.report.integrated_lufs;
    for f in ["reference.flac", "reference.mp3"] {
        let audio = Arc::new(load_stem(&data.join("reference").join(f), p.sample_rate).unwrap());
        let reference = analyze_audio(&audio, None).unwrap();
        let gain_db = match_gain(&mix, &reference, false).unwrap();
        // What the window does: the mix's graph playing, the reference selected at its match
        // gain, through the function the audio stream calls.
        let mut h = EngineHandle::new(MixGraph::from_project(&p, &lookup, 1024));
        let slot = h.renderer();
        let id = RefId::fresh();
        let setup = RefSetup {
            mode: RefMode::Free,
            gain_db: gain_db as f32,
            loop_frames: None,
            loop_enabled: false,
        };
        assert!(h.set_reference(id, audio.clone(), setup));
        h.select_source(Source::Reference(id));
        h.play();
        let mut heard = [Vec::new(), Vec::new()];
        let mut buf = vec![0.0f32; 2 * 1024];
        let mut left = audio.frames;
        while left > 0 {
            let k = left.min(1024);
            slot.with(|e| e.render(&mut buf[..2 * k], 2))
                .expect("renderer in its slot");
            for fr in buf[..2 * k].chunks_exact(2) {
                heard[0].push(fr[0]);
                heard[1].push(fr[1]);
            }
            left -= k;
        }
        let heard_i = stemmix::dsp::analyze(&[&heard[0], &heard[1]], p.sample_rate)
            .unwrap()
            .integrated_lufs;
        let err = heard_i - mix_i;
        eprintln!(
            "example project ({mix_i:.3} LUFS) vs {f} at {gain_db:+.3} dB: the real-time output \
             reads {heard_i:.3} LUFS, match error {err:+.4} LU"
        );
        assert!(err.abs() <= 0.1, "{f}: match error {err:+.4} LU");
    }
}
