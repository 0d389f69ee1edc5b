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
