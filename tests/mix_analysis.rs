//! `engine::analysis`: a project is measured exactly as the render driver renders it (whole
//! song and loop region in one streaming pass), a generated mix reads what the math says,
//! references are measured as heard and matched, and the background job cancels.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use stemmix::dsp::analysis::analyze_stereo;
use stemmix::dsp::loudness::analyze;
use stemmix::dsp::ltas::ltas_of;
use stemmix::engine::MixGraph;
use stemmix::engine::analysis::{
    AnalysisError, AnalysisOptions, analyze_audio, analyze_project, compare, match_gain_db,
};
use stemmix::engine::analysis_job::{
    AnalysisJob, Debounced, Freshness, JobState, MATCH_DEBOUNCE, spawn_project_analysis,
    spawn_reference_analysis,
};
use stemmix::engine::render::{self, RenderControl, RenderOptions, Tail};
use stemmix::media::StemAudio;
use stemmix::project::{Project, Region, Track};

#[path = "support/signals.rs"]
mod signals;

use signals::noise;

const RATE: u32 = 48_000;

fn sine(n: usize, freq: f64, amp: f64) -> Vec<f32> {
    let w = 2.0 * std::f64::consts::PI * freq / f64::from(RATE);
    (0..n)
        .map(|i| (amp * (w * i as f64).sin()) as f32)
        .collect()
}

/// A one-track project playing `stem` at unity gain, centred, with an optional loop region.
fn project(loop_region: Option<Region>) -> Project {
    Project {
        sample_rate: RATE,
        tracks: vec![Track::for_source("stem.wav".into())],
        loop_region,
        ..Project::default()
    }
}

/// 3 s of a 1 kHz sine at −20 dBFS on both channels, then 3 s of independent noise.
fn varied_stem() -> Arc<StemAudio> {
    let n = 3 * RATE as usize;
    let mut l = sine(n, 1000.0, 0.1);
    let mut r = l.clone();
    l.extend(noise(1, n, 0.05));
    r.extend(noise(2, n, 0.02));
    Arc::new(StemAudio::from_channels(vec![l, r], RATE))
}

#[test]
fn a_project_is_measured_as_the_render_driver_renders_it() {
    let stem = varied_stem();
    let p = project(Some(Region {
        start_s: 2.0,
        end_s: 4.5,
    }));
    let lookup = |_: &Track| Some(stem.clone());
    let opts = AnalysisOptions::whole_song(&p);
    let mut fractions = Vec::new();
    let mut progress = |f: f32| fractions.push(f);
    let a = analyze_project(&p, &lookup, &opts, Some(&mut progress), None).unwrap();
    assert_eq!(fractions.last(), Some(&1.0));

    // The same render into memory, measured in one piece.
    let mut g = MixGraph::from_project(&p, &lookup, render::RENDER_BLOCK);
    let ropts = RenderOptions::range(0, g.length(), Tail::Auto);
    let (mem, _) = render::render_to_memory(&mut g, &ropts, &mut RenderControl::default()).unwrap();
    let [l, r] = &mem.audio;
    assert!(
        l.len() > 6 * RATE as usize,
        "the tail is part of the whole render"
    );
    assert_eq!(a.analysis.whole.report, analyze_stereo(l, r, RATE).unwrap());
    assert_eq!(a.analysis.whole.ltas, ltas_of(l, r, RATE).unwrap());
    assert_eq!(a.range, (0, 6 * RATE as u64));
    // The loop region: exactly the frames 2.0 s … 4.5 s of that render.
    let (s, e) = (2 * RATE as usize, 9 * RATE as usize / 2);
    let region = a.analysis.region.unwrap();
    assert_eq!(
        region.report,
        analyze_stereo(&l[s..e], &r[s..e], RATE).unwrap()
    );
    assert_eq!(region.ltas, ltas_of(&l[s..e], &r[s..e], RATE).unwrap());
    assert_eq!(region.report.frames, (e - s) as u64);
}

/// A 1 kHz stereo sine at −23 dBFS (EBU Tech 3341 case 1) through the mix: −23.0 ±0.1 LUFS
/// integrated, momentary and short-term maxima, a crest factor of √2 (3.01 dB), correlation +1,
/// no side signal, and all its energy in the "mid" band.
#[test]
fn a_sine_mix_reads_what_the_math_says() {
    let x = sine(10 * RATE as usize, 1000.0, 10f64.powf(-23.0 / 20.0));
    let stem = Arc::new(StemAudio::from_channels(vec![x.clone(), x], RATE));
    let p = project(None);
    let opts = AnalysisOptions {
        tail: Tail::Seconds(0.0),
        ..AnalysisOptions::whole_song(&p)
    };
    let a = analyze_project(&p, &|_: &Track| Some(stem.clone()), &opts, None, None).unwrap();
    assert!(a.analysis.region.is_none());
    let r = a.analysis.whole.report;
    for v in [
        r.integrated_lufs,
        r.momentary_max_lufs,
        r.short_term_max_lufs,
    ] {
        assert!((v + 23.0).abs() <= 0.1, "{r:?}");
    }
    assert!((r.crest_db - 3.0103).abs() < 0.02, "{r:?}");
    assert!((r.correlation - 1.0).abs() < 1e-9 && r.width_db == f64::NEG_INFINITY);
    assert!(
        (r.true_peak_dbtp + 23.0).abs() < 0.1 && r.plr_db.abs() < 0.2,
        "{r:?}"
    );
    assert!(r.lra_lu < 0.1);
    let bands = a.analysis.whole.ltas.bands_db();
    assert!(
        bands
            .iter()
            .enumerate()
            .all(|(i, b)| i == 3 || *b < bands[3] - 40.0)
    );
}

/// References are measured as heard (a mono file on both loudspeakers), and the match gain
/// brings each to the mix's integrated loudness: quiet and loud, mono and stereo.
#[test]
fn references_are_measured_as_heard_and_matched() {
    let n = 8 * RATE as usize;
    let mix_l = noise(3, n, 0.1);
    let mix_r = noise(4, n, 0.1);
    let mix_stem = StemAudio::from_channels(vec![mix_l, mix_r], RATE);
    let mix = analyze_audio(&mix_stem, None).unwrap().whole;
    for (rms, mono) in [(0.005, true), (0.005, false), (0.7, true), (0.7, false)] {
        let channels = if mono {
            vec![noise(5, n, rms)]
        } else {
            vec![noise(5, n, rms), noise(6, n, rms)]
        };
        let stem = StemAudio::from_channels(channels.clone(), RATE);
        let reference = analyze_audio(&stem, None).unwrap().whole;
        if mono {
            // Two identical channels: BS.1770's mono reading + 10·log10(2).
            let alone = analyze(&[&channels[0]], RATE).unwrap().integrated_lufs;
            let heard = reference.report.integrated_lufs;
            assert!((heard - alone - 3.0103).abs() < 0.01, "{heard} vs {alone}");
            assert!((reference.report.correlation - 1.0).abs() < 1e-9);
        }
        let c = compare(&mix, &reference);
        let g = c.match_gain_db.unwrap();
        assert_eq!(Some(g), match_gain_db(&mix.report, &reference.report));
        let gain = 10f64.powf(g / 20.0);
        let matched: Vec<Vec<f32>> = channels
            .iter()
            .map(|c| c.iter().map(|&v| (f64::from(v) * gain) as f32).collect())
            .collect();
        let after = analyze_audio(&StemAudio::from_channels(matched, RATE), None).unwrap();
        let err = after.whole.report.integrated_lufs - mix.report.integrated_lufs;
        assert!(err.abs() < 0.01, "rms {rms}, mono {mono}: {err} LU");
    }
    // Silence has no loudness to match.
    let silent = StemAudio::from_channels(vec![vec![0.0; RATE as usize]], RATE);
    let s = analyze_audio(&silent, None).unwrap().whole;
    assert_eq!(match_gain_db(&mix.report, &s.report), None);
}

#[test]
fn regions_outside_the_audio_and_empty_input() {
    let stem = StemAudio::from_channels(vec![noise(7, RATE as usize, 0.1)], RATE);
    let a = analyze_audio(&stem, Some((2 * RATE as u64, 3 * RATE as u64))).unwrap();
    assert!(a.region.is_none());
    let a = analyze_audio(&stem, Some((RATE as u64 / 2, 5 * RATE as u64))).unwrap();
    assert_eq!(a.region.unwrap().report.frames, RATE as u64 / 2);
    let empty = StemAudio::from_channels(vec![Vec::new()], RATE);
    assert!(matches!(
        analyze_audio(&empty, None),
        Err(AnalysisError::NoAudio)
    ));
    let p = project(None);
    let none = analyze_project(
        &p,
        &|_: &Track| None,
        &AnalysisOptions::whole_song(&p),
        None,
        None,
    );
    assert!(matches!(none, Err(AnalysisError::NoAudio)));
}

#[test]
fn the_background_job_reports_finishes_and_cancels() {
    let stem = varied_stem();
    let p = project(Some(Region {
        start_s: 1.0,
        end_s: 2.0,
    }));
    let stems = std::collections::HashMap::from([("stem.wav".into(), stem.clone())]);
    let opts = AnalysisOptions::whole_song(&p);
    let mut job = spawn_project_analysis(p.clone(), stems.clone(), opts).unwrap();
    let done = loop {
        match job.state() {
            JobState::Running(f) => assert!((0.0..=1.0).contains(&f)),
            JobState::Done(r) => break r.as_ref().unwrap().analysis.clone(),
            JobState::Lost => panic!("the worker died"),
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let direct = analyze_project(&p, &|_: &Track| Some(stem.clone()), &opts, None, None).unwrap();
    assert_eq!(done, direct.analysis);

    // A long project, cancelled at once, stops with Cancelled.
    let long = Arc::new(StemAudio::from_channels(
        vec![noise(8, 120 * RATE as usize, 0.1)],
        RATE,
    ));
    let stems = std::collections::HashMap::from([("stem.wav".into(), long)]);
    let job = spawn_project_analysis(p.clone(), stems, opts).unwrap();
    job.cancel();
    assert!(matches!(job.wait(), Some(Err(AnalysisError::Cancelled))));
    // The cancel flag as a plain argument does the same.
    let stop = AtomicBool::new(true);
    let r = analyze_project(
        &p,
        &|_: &Track| Some(stem.clone()),
        &opts,
        None,
        Some(&stop),
    );
    assert!(matches!(r, Err(AnalysisError::Cancelled)));
}

/// Polls `d` at `now` (starting nothing) until `done` holds, for at most 20 s.
fn poll_until(d: &mut Debounced<u32>, now: Instant, done: impl Fn(&Debounced<u32>) -> bool) {
    let give_up = Instant::now() + Duration::from_secs(20);
    while !done(d) {
        assert!(Instant::now() < give_up, "timed out: {:?}", d.freshness());
        d.poll(now, || panic!("nothing is due")).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The GUI's schedule: nothing starts while edits keep coming less than the delay apart; a job
/// starts once they pause; a new edit cancels the running job (its stale result never shows);
/// a worker that dies leaves the last result and says so.
#[test]
fn debounced_analysis_waits_for_the_edits_to_pause_and_drops_stale_work() {
    let ms = Duration::from_millis;
    let mut d: Debounced<u32> = Debounced::new(MATCH_DEBOUNCE);
    assert_eq!(MATCH_DEBOUNCE, ms(500));
    assert_eq!((d.freshness(), d.due()), (Freshness::Current, None));
    let t0 = Instant::now();
    d.edited(t0);
    assert_eq!(d.freshness(), Freshness::Waiting);
    d.edited(t0 + ms(300));
    assert_eq!(d.due(), Some(t0 + ms(800)));
    let too_early = || -> std::io::Result<AnalysisJob<u32>> { panic!("started too early") };
    assert!(!d.poll(t0 + ms(799), too_early).unwrap());

    // A job that works until it is cancelled, and records that it saw the cancel flag.
    let cancelled = Arc::new(AtomicBool::new(false));
    let seen = cancelled.clone();
    let slow = move || {
        AnalysisJob::spawn("test-slow", move |_, cancel| {
            while !cancel.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
            seen.store(true, Ordering::Relaxed);
            1
        })
    };
    assert!(!d.poll(t0 + ms(800), slow).unwrap());
    assert!(matches!(d.freshness(), Freshness::Running(_)));
    d.edited(t0 + ms(900));
    assert_eq!(d.freshness(), Freshness::Waiting);
    let give_up = Instant::now() + Duration::from_secs(20);
    while !cancelled.load(Ordering::Relaxed) {
        assert!(Instant::now() < give_up, "the stale job was not cancelled");
        std::thread::sleep(Duration::from_millis(2));
    }

    let quick = || {
        AnalysisJob::spawn("test-quick", |p, _| {
            p(1.0);
            7
        })
    };
    d.poll(t0 + ms(1400), quick).unwrap();
    poll_until(&mut d, t0 + ms(1400), |d| {
        d.freshness() == Freshness::Current
    });
    assert_eq!(
        d.latest(),
        Some(&7),
        "the cancelled job's result never shows"
    );

    d.edited(t0 + ms(2000));
    let dies = || AnalysisJob::spawn("test-dies", |_, _| -> u32 { panic!("worker dies") });
    d.poll(t0 + ms(2500), dies).unwrap();
    poll_until(&mut d, t0 + ms(2500), |d| {
        d.freshness() == Freshness::Failed
    });
    assert_eq!(d.latest(), Some(&7));
}

/// A reference measured on a worker thread reads as it does measured directly.
#[test]
fn the_reference_job_measures_as_analyze_audio() {
    let stem = varied_stem();
    let span = Some((RATE as u64, 2 * RATE as u64));
    let job = spawn_reference_analysis(stem.clone(), span).unwrap();
    let background = job.wait().unwrap().unwrap();
    assert_eq!(background, analyze_audio(&stem, span).unwrap());
    assert!(background.region.is_some());
}
