//! A bounce never writes over the project's own files and never leaves a partial file
//! (issue 15 items 1 and 5), and clipping is never silent (issue 14 item 4).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;
use stemmix::engine::bounce::{
    self, BounceError, BounceInputs, BounceOptions, BounceRange, BounceTarget, StemsTarget, Tail,
};
use stemmix::engine::stems::ProjectStems;
use stemmix::media::WavFormat;
use stemmix::project::{self, Project, Reference, Track};

fn stemmix_in(dir: &Path, args: &[&str]) -> Output {
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

/// `dir/song.stemmix` with the track “Drums” on `dir/stems/01 Drums.wav` (a 1 s sine) and a
/// reference `dir/ref.wav`.
fn song(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("stems")).unwrap();
    let sine = common::sine(440.0, 48_000, 48_000, 0.25);
    common::write_f32_wav(
        &dir.join("stems/01 Drums.wav"),
        48_000,
        std::slice::from_ref(&sine),
    );
    common::write_f32_wav(&dir.join("ref.wav"), 48_000, &[sine]);
    let p = Project {
        sample_rate: 48_000,
        tracks: vec![Track {
            name: "Drums".into(),
            ..Track::for_source(dir.join("stems/01 Drums.wav"))
        }],
        references: vec![Reference {
            path: dir.join("ref.wav"),
            ..Reference::default()
        }],
        ..Project::default()
    };
    let path = dir.join("song.stemmix");
    project::save(&p, &path).unwrap();
    path
}

/// Every file below `dir` with its bytes (hidden temporary files included).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == ".stemmix-home") {
            continue;
        }
        if p.is_dir() {
            v.extend(snapshot(&p));
        } else {
            v.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
        }
    }
    v.sort();
    v
}

fn assert_refused(o: &Output, needle: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_project_its_stems_references_backup_and_autosaves_are_never_written() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let song = song(dir);
    std::fs::write(dir.join("song.stemmix.bak"), "an earlier save").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("stems/01 Drums.wav"), dir.join("alias.wav")).unwrap();
        std::fs::hard_link(dir.join("stems/01 Drums.wav"), dir.join("hard.wav")).unwrap();
    }
    // An autosave of this project, as the window writes it.
    let autosave = dir.join(".stemmix-home/data/autosave");
    std::fs::create_dir_all(&autosave).unwrap();
    std::fs::write(autosave.join("session-1.stemmix"), "autosaved").unwrap();
    let info = format!(
        "(project_path: Some({:?}), pid: 1, saved_at: 0)",
        song.display().to_string()
    );
    std::fs::write(autosave.join("session-1.info.ron"), info).unwrap();
    let autosaved = autosave.join("session-1.stemmix");
    let before = snapshot(dir);
    let autosave_before = std::fs::read(&autosaved).unwrap();

    let mut cases: Vec<(String, &str)> = vec![
        ("song.stemmix".into(), "that is the project file"),
        ("./stems/../song.stemmix".into(), "that is the project file"),
        ("stems/01 Drums.wav".into(), "the stem of track “Drums”"),
        ("ref.wav".into(), "a reference track"),
        ("song.stemmix.bak".into(), "the project's backup"),
        (
            autosaved.display().to_string(),
            "an autosave of the project",
        ),
    ];
    #[cfg(unix)]
    cases.extend([
        ("alias.wav".into(), "the stem of track “Drums”"),
        ("hard.wav".into(), "the stem of track “Drums”"),
    ]);
    for (dest, why) in &cases {
        for force in [false, true] {
            let mut args = vec!["bounce", "song.stemmix", "-o", dest.as_str()];
            if force {
                args.push("--force");
            }
            let o = stemmix_in(dir, &args);
            assert_refused(&o, why);
            assert!(
                text(&o.stderr).contains(dest.trim_start_matches("./")),
                "{dest}"
            );
        }
    }
    // A stems folder whose file names lead onto a stem.
    let o = stemmix_in(
        dir,
        &[
            "bounce",
            "song.stemmix",
            "-o",
            "mix.wav",
            "--stems",
            "stems",
            "--force",
        ],
    );
    assert_refused(&o, "the stem of track “Drums”");
    assert_eq!(snapshot(dir), before, "nothing was written or removed");
    assert_eq!(std::fs::read(&autosaved).unwrap(), autosave_before);
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    song(dir);
    std::fs::write(dir.join("mix.wav"), "keep me").unwrap();
    let o = stemmix_in(dir, &["bounce", "song.stemmix", "-o", "mix.wav"]);
    assert_refused(&o, "already exists (use --force to replace it)");
    assert_eq!(std::fs::read(dir.join("mix.wav")).unwrap(), b"keep me");
    let o = stemmix_in(
        dir,
        &[
            "bounce",
            "song.stemmix",
            "-o",
            "mix.wav",
            "--force",
            "--tail",
            "0",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        hound::WavReader::open(dir.join("mix.wav"))
            .unwrap()
            .duration(),
        48_000
    );
}

#[test]
fn stemmix_new_never_replaces_a_project_without_force() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let song = song(dir);
    let saved = std::fs::read(&song).unwrap();
    let o = stemmix_in(dir, &["new", "song.stemmix", "ref.wav"]);
    assert_refused(&o, "already exists (use --force to replace it)");
    assert_eq!(std::fs::read(&song).unwrap(), saved);
    let o = stemmix_in(dir, &["new", "song.stemmix", "ref.wav", "--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_ne!(std::fs::read(&song).unwrap(), saved);
}

/// A 1 s stereo stem: 0.5 s of silence, then a 1 kHz sine of amplitude 0.5, on a track at
/// +12 dB with the limiter off.
fn clipping_song(dir: &Path) -> (PathBuf, f64) {
    let mut x = vec![0.0f32; 24_000];
    x.extend(common::sine(1_000.0, 48_000, 24_000, 0.5));
    common::write_f32_wav(&dir.join("hot.wav"), 48_000, &[x.clone(), x]);
    let mut t = Track::for_source(dir.join("hot.wav"));
    t.gain_db = 12.0;
    let p = Project {
        sample_rate: 48_000,
        tracks: vec![t],
        ..Project::default()
    };
    assert!(!p.master.limiter.enabled);
    let path = dir.join("hot.stemmix");
    project::save(&p, &path).unwrap();
    (path, 0.5 * 10f64.powf(12.0 / 20.0))
}

#[test]
fn clipping_is_counted_with_its_first_time_in_the_summary_and_the_json() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let (_, amp) = clipping_song(dir);
    // From the math: samples (both channels) beyond full scale, and the first one's frame.
    let beyond: Vec<usize> = (0..24_000)
        .filter(|&k| {
            (amp * (std::f64::consts::TAU * 1_000.0 * k as f64 / 48_000.0).sin()).abs() > 1.0
        })
        .collect();
    let expected = 2.0 * beyond.len() as f64;
    let first_s = (24_000 + beyond[0]) as f64 / 48_000.0;

    let args = [
        "bounce",
        "hot.stemmix",
        "-o",
        "hot-mix.wav",
        "--bits",
        "16",
        "--tail",
        "0",
    ];
    let o = stemmix_in(dir, &args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert!(out.contains("clipped samples (first at 0:00.5"), "{out}");
    assert!(err.contains("warning: the mix clipped"), "{err}");

    let mut json_args = args.to_vec();
    json_args.extend(["--json", "--force"]);
    let o = stemmix_in(dir, &json_args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = v["clipped_samples"].as_f64().unwrap();
    assert!(
        (n - expected).abs() <= expected * 0.02,
        "{n} clipped, math says {expected}"
    );
    let t = v["first_clip_s"].as_f64().unwrap();
    assert!(
        (t - first_s).abs() <= 2.0 / 48_000.0,
        "first clip at {t} s, math says {first_s}"
    );

    // A float file holds the overs: nothing clipped, and it says so.
    let o = stemmix_in(
        dir,
        &[
            "bounce",
            "hot.stemmix",
            "-o",
            "f.wav",
            "--bits",
            "32f",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["clipped_samples"], 0);
    assert!(v["first_clip_s"].is_null());
}

/// The files left in `dir` besides the inputs `keep`.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<PathBuf> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| !keep.iter().any(|k| p.ends_with(k)))
        .collect()
}

/// A 4 s project in `dir` and its loaded stems.
fn long_song(dir: &Path) -> (Project, ProjectStems) {
    let x = common::sine(220.0, 48_000, 4 * 48_000, 0.3);
    common::write_f32_wav(&dir.join("long.wav"), 48_000, &[x]);
    let mut t = Track::for_source(dir.join("long.wav"));
    t.name = "Long".into();
    t.reverb_send_db = -10.0;
    let p = Project {
        sample_rate: 48_000,
        tracks: vec![t],
        ..Project::default()
    };
    let stems = ProjectStems::load(&p, &|_, _| {});
    assert!(stems.offline.is_empty());
    (p, stems)
}

/// Bounces `p` with its stems into `dir/out`, calling `during` once a third is done.
fn bounce_and(
    p: &Project,
    stems: &ProjectStems,
    dir: &Path,
    during: &mut dyn FnMut(&AtomicBool),
) -> Result<bounce::BounceSummary, BounceError> {
    let inputs = BounceInputs::of(p, Some(&dir.join("long.stemmix")), &[]);
    let target = BounceTarget {
        mix: &dir.join("mix.wav"),
        stems: Some(StemsTarget {
            dir: &dir.join("out/stems"),
            wet: false,
        }),
        inputs: &inputs,
        overwrite: false,
    };
    let cancel = AtomicBool::new(false);
    let mut fired = false;
    let opts = BounceOptions {
        format: WavFormat::Int24,
        range: BounceRange::All,
        tail: Tail::Seconds(1.0),
        threads: 1,
        ..BounceOptions::default()
    };
    bounce::bounce_to(
        p,
        &|t| stems.get(t),
        &target,
        &opts,
        &mut |pr| {
            if !fired && pr.fraction > 0.33 {
                fired = true;
                during(&cancel);
            }
        },
        &cancel,
    )
}

#[test]
fn cancelling_part_way_leaves_no_file_and_no_folder() {
    let d = tempfile::tempdir().unwrap();
    let (p, stems) = long_song(d.path());
    let r = bounce_and(&p, &stems, d.path(), &mut |c| {
        c.store(true, std::sync::atomic::Ordering::Relaxed)
    });
    assert!(matches!(r, Err(BounceError::Cancelled)), "{r:?}");
    assert!(r.unwrap_err().to_string().contains("no file was written"));
    assert_eq!(leftovers(d.path(), &["long.wav"]), Vec::<PathBuf>::new());
    assert!(
        !d.path().join("out").exists(),
        "the stems folder it made is gone"
    );
}

#[test]
fn a_stem_truncated_or_deleted_during_the_bounce_fails_it_with_no_output() {
    for deleted in [false, true] {
        let d = tempfile::tempdir().unwrap();
        let (p, stems) = long_song(d.path());
        let stem = d.path().join("long.wav");
        let r = bounce_and(&p, &stems, d.path(), &mut |_| {
            if deleted {
                std::fs::remove_file(&stem).unwrap();
            } else {
                let f = std::fs::OpenOptions::new().write(true).open(&stem).unwrap();
                f.set_len(1000).unwrap();
            }
        });
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("long.wav"), "{msg}");
        let what = if deleted {
            "was deleted"
        } else {
            "changed size"
        };
        assert!(
            msg.contains(what) && msg.contains("nothing was written"),
            "{msg}"
        );
        assert_eq!(leftovers(d.path(), &["long.wav"]), Vec::<PathBuf>::new());
    }
}

/// Runs `stemmix bounce` in `dir` through `sh -c PREFIX`, so that the shell can set limits.
fn bounce_via_sh(dir: &Path, prefix: &str, out: &str) -> Output {
    let script = format!("{prefix} exec \"$0\" bounce long.stemmix -o {out} --stems stems");
    Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_stemmix")])
        .current_dir(dir)
        .env("STEMMIX_HOME", dir.join(".stemmix-home"))
        .output()
        .expect("run sh")
}

#[test]
fn a_full_disk_gives_a_clear_error_and_no_partial_file() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = long_song(d.path());
    project::save(&p, &d.path().join("long.stemmix")).unwrap();
    // The file size limit stops the writer part-way with a real write error (EFBIG), the
    // way a full disk (ENOSPC) does; SIGXFSZ is ignored so that the write fails instead.
    let o = bounce_via_sh(d.path(), "trap '' XFSZ; ulimit -f 200;", "mix.wav");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("larger than this disk or the system allows"),
        "{err}"
    );
    assert!(err.contains(".wav"), "names the file: {err}");
    assert_eq!(
        leftovers(d.path(), &["long.wav", "long.stemmix"]),
        Vec::<PathBuf>::new()
    );
}

#[cfg(unix)]
#[test]
fn an_unwritable_folder_gives_a_clear_error_and_no_partial_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let (p, _) = long_song(dir);
    project::save(&p, &dir.join("long.stemmix")).unwrap();
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anywhere: then the bounce runs as nobody (the files must be readable).
    let privileged = std::fs::write(locked.join("probe"), b"").is_ok();
    let exe = env!("CARGO_BIN_EXE_stemmix");
    let mut cmd = if privileged {
        std::fs::remove_file(locked.join("probe")).unwrap();
        if Command::new("setpriv").arg("--version").output().is_err() {
            common::skip("running as root and setpriv is missing to drop the privilege");
            return;
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", exe]);
        c
    } else {
        Command::new(exe)
    };
    let o = cmd
        .args(["bounce", "long.stemmix", "-o", "locked/mix.wav"])
        .current_dir(dir)
        .env("STEMMIX_HOME", dir.join(".stemmix-home"))
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("mix.wav") && err.contains("permission denied"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);
}
