//! The command line as a user meets it: `new`, `analyze`, `bounce`, their output, their errors
//! (one `error:` line, exit 1; usage errors exit 2; never a panic), and Ctrl-C during a bounce.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn stemmix(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .args(args)
        .current_dir(dir)
        .env("STEMMIX_HOME", dir.join(".stemmix-home"))
        .output()
        .expect("run stemmix")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A user error: exit 1, exactly one `error:` line, no panic or backtrace.
fn assert_user_error(o: &Output, needle: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
}

fn write_wav(path: &Path, rate: u32, channels: &[Vec<f32>]) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..channels[0].len() {
        for c in channels {
            w.write_sample((c[i] * 32767.0) as i16).unwrap();
        }
    }
    w.finalize().unwrap();
}

#[test]
fn new_makes_a_six_track_project_from_the_shared_stems() {
    let Some(data) = common::shared_testdata() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let o = stemmix(
        &["new", "song.stemmix", data.join("stems").to_str().unwrap()],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let p = stemmix::project::load(&dir.path().join("song.stemmix")).unwrap();
    assert_eq!(p.tracks.len(), 6);
    assert_eq!(p.sample_rate, 48_000, "five of the six stems are at 48 kHz");
    let names: Vec<_> = p.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["bass", "drums", "guitar", "keys", "perc", "vocal"],
        "name order"
    );
    assert!(p.tracks.iter().all(|t| t.gain_db == 0.0 && t.pan == 0.0));
    // Refuses to replace it without --force.
    let again = stemmix(
        &["new", "song.stemmix", data.join("stems").to_str().unwrap()],
        dir.path(),
    );
    assert_user_error(&again, "already exists");
}

#[test]
fn new_skips_unreadable_files_and_fails_only_when_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let stems = dir.path().join("stems");
    std::fs::create_dir(&stems).unwrap();
    std::fs::write(stems.join("broken.wav"), b"RIFF\x10\0\0\0WAVEjunk").unwrap();
    std::fs::write(stems.join("notes.txt"), b"not audio").unwrap();
    let o = stemmix(&["new", "a.stemmix", "stems"], dir.path());
    assert_user_error(&o, "none of the files");
    assert!(
        text(&o.stderr).contains("broken.wav"),
        "the bad file is named"
    );
    assert!(!dir.path().join("a.stemmix").exists());

    write_wav(
        &stems.join("good.wav"),
        44_100,
        &[common::sine(440.0, 44_100, 4410, 0.5)],
    );
    write_wav(
        &stems.join("also good.wav"),
        44_100,
        &[common::sine(220.0, 44_100, 4410, 0.5)],
    );
    let o = stemmix(
        &["new", "a.stemmix", "stems", "--rate", "48000"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("skipped: broken.wav"),
        "{}",
        text(&o.stderr)
    );
    let p = stemmix::project::load(&dir.path().join("a.stemmix")).unwrap();
    assert_eq!(p.tracks.len(), 2);
    assert_eq!(p.sample_rate, 48_000);
    let text = std::fs::read_to_string(dir.path().join("a.stemmix")).unwrap();
    assert!(
        text.contains("\"stems/good.wav\""),
        "stems below the project are relative:\n{text}"
    );
}

#[test]
fn analyze_reports_the_reference_at_minus_9_lufs_in_json() {
    let Some(data) = common::shared_testdata() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let flac = data.join("reference/reference.flac");
    let o = stemmix(&["analyze", "--json", flac.to_str().unwrap()], dir.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lufs = v["integrated_lufs"].as_f64().unwrap();
    assert!((lufs + 9.0).abs() <= 0.1, "integrated {lufs}");
    assert!((v["true_peak_dbtp"].as_f64().unwrap() + 0.6).abs() <= 0.2);
    assert!((v["sample_peak_dbfs"].as_f64().unwrap() + 0.7).abs() <= 0.1);
    assert!((v["lra_lu"].as_f64().unwrap() - 0.4).abs() <= 1.0);
    assert!((v["duration_s"].as_f64().unwrap() - 16.0).abs() < 1e-6);
    assert_eq!(v["sample_rate"], 44_100);
    assert_eq!(v["channels"], 2);
    // EBU Mode maxima: at least the integrated loudness, at most the true peak.
    let m = v["momentary_max_lufs"].as_f64().unwrap();
    let st = v["short_term_max_lufs"].as_f64().unwrap();
    assert!(lufs <= st && st <= m && m < -0.6, "M {m}, S {st}");

    // Several files: an array, in order.
    let mp3 = data.join("reference/reference.mp3");
    let o = stemmix(
        &[
            "analyze",
            "--json",
            flac.to_str().unwrap(),
            mp3.to_str().unwrap(),
        ],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!((v[1]["integrated_lufs"].as_f64().unwrap() + 9.0).abs() <= 0.1);
}

/// EBU Tech 3341 (V3 2016 / V4 2023, Table 1) cases 10 and 13 through `analyze --json`: a
/// 1 kHz stereo sine at −23 dBFS for 3 s after 7 × 0.15 s of silence (case 10, signal 8: 50 ms
/// off a 100 ms grid) and for 400 ms after 3 × 20 ms (case 13, signal 4), each followed by 1 s
/// of silence, at 44.1, 48 and 96 kHz: max S and max M = −23.0 ±0.1 LUFS.
#[test]
fn analyze_json_has_exact_momentary_and_short_term_maxima() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [44_100u32, 48_000, 96_000] {
        let burst = |lead_s: f64, burst_s: f64| {
            let n = |s: f64| (s * f64::from(rate)).round() as usize;
            let mut x = vec![0.0f32; n(lead_s)];
            x.extend(common::sine(
                1000.0,
                rate,
                n(burst_s),
                10f64.powf(-23.0 / 20.0),
            ));
            x.extend(vec![0.0f32; n(1.0)]);
            x
        };
        for (case, x, field) in [
            (10, burst(1.05, 3.0), "short_term_max_lufs"),
            (13, burst(0.06, 0.4), "momentary_max_lufs"),
        ] {
            let path = dir.path().join(format!("case{case}-{rate}.wav"));
            common::write_f32_wav(&path, rate, &[x.clone(), x]);
            let o = stemmix(&["analyze", "--json", path.to_str().unwrap()], dir.path());
            assert!(o.status.success(), "{}", text(&o.stderr));
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let got = v[field].as_f64().unwrap();
            assert!(
                (got + 23.0).abs() <= 0.1,
                "case {case} at {rate}: {field} {got}"
            );
        }
    }
}

#[test]
fn user_errors_are_one_line_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_user_error(
        &stemmix(&["analyze", "missing.wav"], dir.path()),
        "missing.wav",
    );
    std::fs::write(dir.path().join("x.txt"), "hello").unwrap();
    assert_user_error(
        &stemmix(&["analyze", "x.txt"], dir.path()),
        "not an audio file",
    );
    assert_user_error(
        &stemmix(&["bounce", "nope.stemmix", "-o", "m.wav"], dir.path()),
        "nope.stemmix",
    );
    std::fs::write(dir.path().join("bad.stemmix"), "(tracks: [(source: 3)])").unwrap();
    assert_user_error(
        &stemmix(&["bounce", "bad.stemmix", "-o", "m.wav"], dir.path()),
        "line 1",
    );
    let usage = stemmix(
        &["bounce", "x.stemmix", "--bits", "12", "-o", "m.wav"],
        dir.path(),
    );
    assert_eq!(usage.status.code(), Some(2));
    let usage = stemmix(&["analyze"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
}

/// Eight 30 s tracks with the full chain: a bounce that takes a while even in a release build.
fn long_project(dir: &Path) -> std::path::PathBuf {
    let len = 44_100 * 30;
    write_wav(
        &dir.join("long.wav"),
        44_100,
        &[
            common::sine(110.0, 44_100, len, 0.3),
            common::sine(165.0, 44_100, len, 0.3),
        ],
    );
    let mut p = stemmix::project::Project {
        sample_rate: 48_000,
        ..Default::default()
    };
    for _ in 0..8 {
        let mut t = stemmix::project::Track::for_source(dir.join("long.wav"));
        t.eq.peak1.enabled = true;
        t.compressor.enabled = true;
        t.reverb_send_db = -12.0;
        p.tracks.push(t);
    }
    let path = dir.join("long.stemmix");
    stemmix::project::save(&p, &path).unwrap();
    path
}

#[test]
fn bounce_prints_a_summary_and_ctrl_c_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = long_project(dir.path());
    let short = dir.path().join("short.wav");
    let o = stemmix(
        &[
            "bounce",
            project.to_str().unwrap(),
            "-o",
            short.to_str().unwrap(),
            "--range",
            "0..1",
            "--tail",
            "0",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("0:01.000")
            && out.contains("LUFS")
            && out.contains("dBTP")
            && out.contains("real time"),
        "{out}"
    );
    let spec = hound::WavReader::open(&short).unwrap().spec();
    assert_eq!((spec.bits_per_sample, spec.sample_rate), (24, 48_000));

    let target = dir.path().join("interrupted.wav");
    let mut child = Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .args([
            "bounce",
            project.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
            "--threads",
            "1",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the bounce is under way (the temporary file exists), then press Ctrl-C.
    let started = std::time::Instant::now();
    let temp_exists = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    };
    while !temp_exists() {
        assert!(started.elapsed().as_secs() < 60, "bounce never started");
        if child.try_wait().unwrap().is_some() {
            panic!("the bounce finished before it could be interrupted");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SAFETY: kill(2) with a child's pid and SIGINT has no memory-safety preconditions.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    assert_user_error(&o, "cancelled");
    assert!(!target.exists(), "no partial file");
    assert!(!temp_exists(), "no temporary file left");
}

/// Parses `compare --json` output and checks its shape: an array, one object per reference,
/// with the nine readouts on each side, `match_gain_db` and the seven bands in order.
fn compare_json(o: &Output) -> Vec<serde_json::Value> {
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = v.as_array().unwrap().clone();
    let keys = [
        "integrated_lufs",
        "short_term_max_lufs",
        "momentary_max_lufs",
        "lra_lu",
        "true_peak_dbtp",
        "plr_db",
        "crest_db",
        "correlation",
        "width_db",
    ];
    for e in &entries {
        for side in ["mix", "reference"] {
            let obj = e[side].as_object().unwrap();
            assert_eq!(obj.len(), keys.len(), "{obj:?}");
            assert!(keys.iter().all(|k| obj.contains_key(*k)), "{obj:?}");
        }
        assert!(e["match_gain_db"].is_number());
        assert_eq!(e["bands"].as_object().unwrap().len(), 7);
    }
    let bands = ["sub", "low", "low-mid", "mid", "high-mid", "high", "air"];
    let at: Vec<usize> = bands
        .iter()
        .map(|b| out.find(&format!("\"{b}\":")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "bands in order: {out}");
    entries
}

fn lufs(v: &serde_json::Value) -> f64 {
    v["integrated_lufs"].as_f64().unwrap()
}

/// `compare` on the example project: its mix readouts are those `analyze` gives for the file
/// `bounce` writes from it (the same render driver), the reference's those of the reference
/// file, the match gain their difference; against the shared reference too.
#[test]
fn compare_measures_a_project_as_bounce_renders_it() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo/demo.stemmix");
    let demo = demo.to_str().unwrap();
    let n = 20 * 48_000;
    let reference = dir.path().join("ref.wav");
    common::write_f32_wav(
        &reference,
        48_000,
        &[
            common::sine(220.0, 48_000, n, 0.5),
            common::sine(3_000.0, 48_000, n, 0.25),
        ],
    );
    let refp = reference.to_str().unwrap();
    let o = stemmix(
        &["bounce", demo, "-o", "mix.wav", "--bits", "32f"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let bounced: serde_json::Value =
        serde_json::from_slice(&stemmix(&["analyze", "--json", "mix.wav"], dir.path()).stdout)
            .unwrap();
    let ref_alone: serde_json::Value =
        serde_json::from_slice(&stemmix(&["analyze", "--json", refp], dir.path()).stdout).unwrap();

    let mut args = vec!["compare", demo, refp, "--json"];
    let shared = common::shared_testdata().map(|d| d.join("reference/reference.flac"));
    let shared_str = shared.as_ref().map(|p| p.to_str().unwrap().to_string());
    if let Some(s) = &shared_str {
        args.push(s);
    }
    let entries = compare_json(&stemmix(&args, dir.path()));
    assert_eq!(entries.len(), args.len() - 3);
    let e = &entries[0];
    for key in [
        "integrated_lufs",
        "momentary_max_lufs",
        "short_term_max_lufs",
        "true_peak_dbtp",
    ] {
        let (a, b) = (
            e["mix"][key].as_f64().unwrap(),
            bounced[key].as_f64().unwrap(),
        );
        assert!(
            (a - b).abs() < 1e-9,
            "mix {key}: compare {a}, analyze of the bounce {b}"
        );
        let (a, b) = (
            e["reference"][key].as_f64().unwrap(),
            ref_alone[key].as_f64().unwrap(),
        );
        assert!((a - b).abs() < 1e-9, "reference {key}: {a} vs {b}");
    }
    let gain = e["match_gain_db"].as_f64().unwrap();
    assert!((gain - (lufs(&e["mix"]) - lufs(&e["reference"]))).abs() < 1e-12);
    if shared.is_some() {
        // The shared master, resampled to the project's 48 kHz: −9.0 LUFS as measured by FFmpeg.
        let s = &entries[1];
        assert!((lufs(&s["reference"]) + 9.0).abs() <= 0.1, "{s}");
        assert_eq!(s["mix"], e["mix"]);
    }
    // The text table says the same.
    let o = stemmix(&["compare", demo, refp], dir.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("integrated") && out.contains("tonal balance"),
        "{out}"
    );
    assert!(out.contains(&format!("match gain: {gain:+.1} dB")), "{out}");
}

/// A mix file against copies of itself: the same readouts, a match gain that is the copy's
/// level offset, and no tonal difference (the spectra are loudness-normalized).
#[test]
fn compare_a_file_with_scaled_copies_of_itself() {
    let dir = tempfile::tempdir().unwrap();
    let n = 10 * 44_100;
    let l: Vec<f32> = (0..n)
        .map(|i| (0.3 * ((i as f64 * 0.0173).sin() * (i as f64 * 0.00031).sin())) as f32)
        .collect();
    let r: Vec<f32> = l
        .iter()
        .enumerate()
        .map(|(i, v)| v * 0.5 + (i % 7) as f32 * 1e-3)
        .collect();
    let half: [Vec<f32>; 2] = [
        l.iter().map(|v| v * 0.5).collect(),
        r.iter().map(|v| v * 0.5).collect(),
    ];
    common::write_f32_wav(&dir.path().join("mix.wav"), 44_100, &[l, r]);
    common::write_f32_wav(&dir.path().join("half.wav"), 44_100, &half);
    let entries = compare_json(&stemmix(
        &["compare", "mix.wav", "mix.wav", "half.wav", "--json"],
        dir.path(),
    ));
    assert_eq!(entries[0]["mix"], entries[0]["reference"]);
    assert_eq!(entries[0]["match_gain_db"].as_f64(), Some(0.0));
    let g = entries[1]["match_gain_db"].as_f64().unwrap();
    assert!((g - 6.0206).abs() < 0.001, "{g}");
    for e in &entries {
        for (name, d) in e["bands"].as_object().unwrap() {
            assert!(d.as_f64().unwrap().abs() < 1e-6, "{name}: {d}");
        }
    }
    // A span of seconds measures that span of both files.
    let part = compare_json(&stemmix(
        &[
            "compare", "mix.wav", "half.wav", "--json", "--range", "2..4.5",
        ],
        dir.path(),
    ));
    assert!((part[0]["match_gain_db"].as_f64().unwrap() - 6.0206).abs() < 0.001);
    assert_ne!(part[0]["mix"], entries[1]["mix"]);
}

#[test]
fn compare_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let x = common::sine(1000.0, 48_000, 48_000, 0.1);
    common::write_f32_wav(&dir.path().join("mix.wav"), 48_000, &[x.clone(), x]);
    assert_user_error(
        &stemmix(&["compare", "mix.wav", "gone.flac"], dir.path()),
        "gone.flac",
    );
    assert_user_error(
        &stemmix(
            &["compare", "mix.wav", "mix.wav", "--range", "loop"],
            dir.path(),
        ),
        "needs a project",
    );
    assert_user_error(
        &stemmix(
            &["compare", "mix.wav", "mix.wav", "--range", "5..6"],
            dir.path(),
        ),
        "beyond its end",
    );
    assert_user_error(
        &stemmix(&["compare", "nope.stemmix", "mix.wav"], dir.path()),
        "nope.stemmix",
    );
    let usage = stemmix(&["compare", "mix.wav"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
}
