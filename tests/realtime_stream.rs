//! A real cpal stream: `stemmix play` runs as a child process whose default ALSA device is a
//! test-only `file` PCM over `null` (an asoundrc in a temporary HOME, see
//! `shared/docs/headless-audio-and-gui.md`). The captured WAV must match the render driver's
//! output for the same project (`engine::render`, which the bounce runs) after the device's
//! 16-bit conversion: within 1 LSB.
//! The `null` PCM is not clocked, so the run is bounded by `--seconds` (a frame count), not by
//! sleeping.
//!
//! Also: no device at all (an empty ALSA configuration) → `play` says playback is unavailable
//! and still finishes on its silent clock; user errors exit with `error: …`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use stemmix::engine::graph::MixGraph;
use stemmix::engine::render::{self, RenderControl, RenderOptions};
use stemmix::engine::stems::ProjectStems;
use stemmix::project::{self, Project, Track};

const RATE: u32 = 48_000;

/// Why this environment cannot run a real ALSA stream, if it cannot.
fn no_alsa() -> Option<&'static str> {
    if !cfg!(target_os = "linux") {
        return Some("not Linux: the test PCM is an ALSA plugin");
    }
    let confs = ["/usr/share/alsa/alsa.conf", "/etc/alsa/alsa.conf"];
    if !confs.iter().any(|p| Path::new(p).exists()) {
        return Some("no ALSA configuration (alsa.conf) on this machine");
    }
    None
}

/// Three stems (mono 4 s, stereo 3.6 s, mono 2 s) and a project using them.
fn make_project(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("stems")).unwrap();
    let mut seed = 12345u32;
    let mut noise = move || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let sine = |f: f32, n: usize, a: f32| -> Vec<f32> {
        (0..n)
            .map(|i| a * (std::f32::consts::TAU * f * i as f32 / RATE as f32).sin())
            .collect()
    };
    let secs = |s: f32| (s * RATE as f32) as usize;
    let a = sine(220.0, secs(4.0), 0.3);
    let b_l: Vec<f32> = sine(330.0, secs(3.6), 0.2)
        .into_iter()
        .map(|x| x + 0.05 * noise())
        .collect();
    let b_r = sine(495.0, secs(3.6), 0.2);
    let c: Vec<f32> = (0..secs(2.0)).map(|_| 0.2 * noise()).collect();
    common::write_f32_wav(&dir.join("stems/a.wav"), RATE, &[a]);
    common::write_f32_wav(&dir.join("stems/b.wav"), RATE, &[b_l, b_r]);
    common::write_f32_wav(&dir.join("stems/c.wav"), RATE, &[c]);
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    for (name, gain, pan) in [("a", -2.0, -0.4), ("b", -1.0, 0.3), ("c", -6.0, 0.0)] {
        let mut t = Track::for_source(dir.join(format!("stems/{name}.wav")));
        t.gain_db = gain;
        t.pan = pan;
        p.tracks.push(t);
    }
    let path = dir.join("rt.stemmix");
    project::save(&p, &path).unwrap();
    path
}

/// Runs the stemmix binary with `env`, killing it after a minute.
fn run(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stemmix"));
    cmd.args(args)
        .env_remove("ALSA_CONFIG_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn stemmix");
    let t0 = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if t0.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("stemmix {args:?} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Worktrees sharing one CARGO_TARGET_DIR overwrite each other's `stemmix` binary: say so
/// instead of failing on a binary without `play`.
fn assert_own_binary() {
    let out = Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .args(["play", "--help"])
        .output()
        .expect("run stemmix");
    assert!(
        text(&out.stdout).contains("--buffer"),
        "{} is not this build's binary (another checkout sharing the target dir rebuilt it?)",
        env!("CARGO_BIN_EXE_stemmix")
    );
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What a 16-bit device receives for a float sample (full scale = 32768, rounded, clipped).
fn to_i16(x: f32) -> i32 {
    (f64::from(x) * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i32
}

#[test]
fn a_real_stream_plays_exactly_the_bounce() {
    if let Some(why) = no_alsa() {
        common::skip(why);
        return;
    }
    assert_own_binary();
    let tmp = tempfile::tempdir().unwrap();
    let project_path = make_project(tmp.path());
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let capture = tmp.path().join("capture.wav");
    std::fs::write(
        home.join(".asoundrc"),
        format!(
            "pcm.!default {{\n  type plug\n  slave {{ pcm \"tofile\"; format S16_LE; rate {RATE}; channels 2 }}\n}}\n\
             pcm.tofile {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"wav\"\n}}\n",
            capture.display()
        ),
    )
    .unwrap();

    let (from_s, seconds) = (0.25f64, 3.0f64);
    let out = run(
        &[
            "play",
            project_path.to_str().unwrap(),
            "--from",
            "0.25",
            "--seconds",
            "3",
            "--buffer",
            "256",
        ],
        &[("HOME", &home)],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "play failed:\n{stdout}\n{stderr}");
    assert!(
        stderr.contains("playing on default"),
        "no device stream was opened:\n{stderr}"
    );
    assert!(stdout.contains("played at 0:03.250"), "{stdout}");

    // The capture, as the device got it.
    let mut reader = hound::WavReader::open(&capture).expect("capture file");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, RATE, 16)
    );
    let captured: Vec<i32> = reader
        .samples::<i16>()
        .map(|s| i32::from(s.unwrap()))
        .collect();
    let frames = (seconds * f64::from(RATE)) as usize;

    // The same project through the render driver the bounce uses (stems playing on, as heard).
    let p = project::load(&project_path).unwrap();
    let stems = ProjectStems::load(&p, &|_, _| {});
    assert!(stems.offline.is_empty());
    let mut g = MixGraph::from_project(&p, &|t| stems.get(t), 1024);
    let start = (from_s * f64::from(RATE)).round() as u64;
    let opts = RenderOptions::playback(start, frames as u64);
    let (rendered, _) = render::render_to_memory(&mut g, &opts, &mut RenderControl::default())
        .expect("an in-memory render cannot fail");
    let [l, r] = rendered.audio;
    let want: Vec<i32> = l
        .iter()
        .zip(&r)
        .flat_map(|(a, b)| [to_i16(*a), to_i16(*b)])
        .collect();

    // Where the render starts in the capture: the first callback already plays (the commands
    // are queued before the stream starts), so expect 0; search a little anyway.
    let err_at = |off: usize, n: usize| -> i32 {
        (0..n * 2)
            .map(|i| (captured.get(off * 2 + i).copied().unwrap_or(i32::MAX / 2) - want[i]).abs())
            .max()
            .unwrap_or(0)
    };
    let offset = (0..=4096).min_by_key(|&o| err_at(o, 4_800)).unwrap();
    assert!(captured.len() >= (offset + frames) * 2, "capture too short");
    let max_err = err_at(offset, frames);
    eprintln!(
        "real stream: {} frames captured, bounce found at offset {offset}, max difference {max_err} LSB",
        captured.len() / 2
    );
    assert_eq!(
        offset, 0,
        "the stream should start with the first frame of the bounce"
    );
    assert!(
        max_err <= 1,
        "capture differs from the bounce by {max_err} LSB"
    );
    assert!(
        want.iter().any(|&x| x.abs() > 1000),
        "test signal too quiet"
    );
}

#[test]
fn without_a_device_play_says_so_and_keeps_time() {
    if let Some(why) = no_alsa().filter(|_| cfg!(target_os = "linux")) {
        common::skip(why);
        return;
    }
    assert_own_binary();
    let tmp = tempfile::tempdir().unwrap();
    let project_path = make_project(tmp.path());
    // An empty ALSA configuration: no PCM is defined, so there is no default device.
    let empty = tmp.path().join("empty.conf");
    std::fs::write(&empty, "").unwrap();
    let t0 = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stemmix"));
    let out = cmd
        .args(["play", project_path.to_str().unwrap(), "--seconds", "0.5"])
        .env("ALSA_CONFIG_PATH", &empty)
        .output()
        .unwrap();
    let elapsed = t0.elapsed();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("playback unavailable"), "{stderr}");
    assert!(
        !stderr.contains("ALSA lib"),
        "alsa-lib noise leaked: {stderr}"
    );
    assert!(stdout.contains("played at 0:00.500"), "{stdout}");
    // The dummy clock runs in real time.
    assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
}

#[test]
fn play_and_devices_report_user_errors() {
    assert_own_binary();
    let tmp = tempfile::tempdir().unwrap();
    let project_path = make_project(tmp.path());
    let p = project_path.to_str().unwrap();
    let empty = tmp.path().join("empty.conf");
    std::fs::write(&empty, "").unwrap();
    let env: &[(&str, &Path)] = &[("ALSA_CONFIG_PATH", &empty)];
    let cases: &[(&[&str], i32, &str)] = &[
        (&["play", "/nonexistent/x.stemmix"], 1, "error:"),
        (&["play", p, "--from", "99"], 1, "past the end"),
        (
            &["play", p, "--device", "no-such-device"],
            1,
            "no output device named",
        ),
        (&["play", p, "--buffer", "32"], 2, "64..=2048"),
        (
            &["play", p, "--seconds", "-1"],
            2,
            "not a number of seconds",
        ),
    ];
    for (args, code, msg) in cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stemmix"));
        cmd.args(*args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(stderr.contains(msg), "{args:?}: {stderr}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .arg("devices")
        .env("ALSA_CONFIG_PATH", &empty)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("default"),
        "{}",
        text(&out.stdout)
    );
}
