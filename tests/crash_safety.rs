//! Crash-safe saving (issue 15, item 4): a child process saves a project over and over and is
//! killed with SIGKILL at random moments; after every kill the project file is one complete
//! version the child wrote (never empty, truncated or mixed) and the `.bak` a complete earlier
//! one. The same for the autosave: a child runs the mixer window's state (headless), edits and
//! autosaves, is killed, and the next start restores every edit the last autosave before the
//! kill had.
//!
//! The children are this test binary run again with `STEMMIX_CRASH_CHILD` set; their "tests"
//! (`child_*`) do nothing in a normal run. `STEMMIX_LONG_TESTS=1` kills 5 times as often.

#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use stemmix::project::file::{from_ron_str, to_ron_string};
use stemmix::project::{self, Marker, Project, Track};

/// Set in a child to the folder it works in; its value names what the child does.
const CHILD_ENV: &str = "STEMMIX_CRASH_CHILD";
const CHILD_DIR_ENV: &str = "STEMMIX_CRASH_DIR";

/// A small deterministic generator (xorshift64*), so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn rounds(short: usize) -> usize {
    if std::env::var_os("STEMMIX_LONG_TESTS").is_some() {
        short * 5
    } else {
        short
    }
}

/// Starts this test binary as a child running test `name` in `dir`.
fn spawn_child(name: &str, dir: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .env(CHILD_DIR_ENV, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// The folder of a child, if this process is the child `name`.
fn child_dir(name: &str) -> Option<PathBuf> {
    (std::env::var(CHILD_ENV).ok()? == name)
        .then(|| std::env::var_os(CHILD_DIR_ENV).map(PathBuf::from))?
}

/// The lines a child acknowledged in `log` (appended after each finished step).
fn acknowledged(log: &Path) -> Vec<u64> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect()
}

/// Appends `n` to the log (one write, so a kill never leaves half a line that parses).
fn acknowledge(log: &Path, n: u64) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    f.write_all(format!("{n}\n").as_bytes()).unwrap();
}

/// Kills `child` with SIGKILL once it has acknowledged `min_new` more steps in `log`, after a
/// further random delay of up to `jitter`.
fn kill_at_random(mut child: Child, log: &Path, min_new: usize, jitter: Duration, rng: &mut Rng) {
    let before = acknowledged(log).len();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acknowledged(log).len() < before + min_new {
        assert!(Instant::now() < deadline, "the child made no progress");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child ended by itself: {status}");
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    std::thread::sleep(Duration::from_micros(
        rng.below(jitter.as_micros() as u64 + 1),
    ));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Project saves

/// Version `k` of the project the save child writes: 32 tracks (about 50 kB of text, so a
/// kill can land in the middle of writing it) whose values and marker name depend on `k`.
fn version(k: u64) -> Project {
    let tracks = (0..32)
        .map(|i| Track {
            gain_db: -(((k + i) % 40) as f32),
            pan: ((k * 7 + i) % 21) as f32 / 10.0 - 1.0,
            ..Track::for_source(PathBuf::from(format!("/stems/{i:02}.wav")))
        })
        .collect();
    Project {
        tracks,
        markers: vec![Marker {
            name: format!("save {k}"),
            time_s: k as f64,
        }],
        ..Project::default()
    }
}

/// The text of version `k` as a save writes it into `dir`.
fn version_text(k: u64, dir: &Path) -> String {
    to_ron_string(&version(k), dir)
}

/// Which version a file's text is, checking that it is exactly that version's whole text.
fn which_version(text: &str, dir: &Path, what: &str) -> u64 {
    assert!(!text.is_empty(), "{what} is empty");
    let p = from_ron_str(text).unwrap_or_else(|e| panic!("{what} does not load: {e}"));
    let k = p.markers[0].time_s as u64;
    assert!(
        text == version_text(k, dir),
        "{what} is not the complete version {k}"
    );
    k
}

#[test]
fn child_saves_until_killed() {
    let Some(dir) = child_dir("child_saves_until_killed") else {
        return;
    };
    let path = dir.join("song.stemmix");
    let log = dir.join("saves.log");
    let mut k = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| from_ron_str(&t).ok())
        .map_or(0, |p| p.markers[0].time_s as u64 + 1);
    loop {
        project::save(&version(k), &path).unwrap();
        acknowledge(&log, k);
        k += 1;
    }
}

#[test]
fn saves_killed_at_random_moments_leave_the_old_or_the_new_file_and_a_complete_backup() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let path = dir.join("song.stemmix");
    let bak = dir.join("song.stemmix.bak");
    let log = dir.join("saves.log");
    project::save(&version(0), &path).unwrap();
    acknowledge(&log, 0);
    let mut rng = Rng(0x05ee_d0f5_a7e5);
    // How long one save takes here, so the kills spread over whole saves.
    let start = Instant::now();
    for k in 1..=5 {
        project::save(&version(k), &path).unwrap();
        acknowledge(&log, k);
    }
    let save_time = start.elapsed() / 5;
    let (mut last, mut backup_is_current, mut leftovers) = (0, 0, 0);
    let n = rounds(40);
    for round in 0..n {
        let child = spawn_child("child_saves_until_killed", dir);
        // After 1 to 8 saves of this child, at any moment of the next one or two.
        let saves = 1 + rng.below(8) as usize;
        kill_at_random(child, &log, saves, save_time * 2, &mut rng);
        let acked = *acknowledged(&log).last().unwrap();
        let text = std::fs::read_to_string(&path).expect("the project file exists");
        let k = which_version(&text, dir, &format!("round {round}: the project file"));
        // The file is the last version a save returned from, or the one being saved.
        assert!(
            k == acked || k == acked + 1,
            "round {round}: file {k}, acknowledged {acked}"
        );
        assert!(k >= last, "round {round}: went back from {last} to {k}");
        let b = which_version(
            &std::fs::read_to_string(&bak).expect("a backup exists"),
            dir,
            &format!("round {round}: the backup"),
        );
        // The version the last save replaced, or (killed between the two renames) the same.
        assert!(b + 1 == k || b == k, "round {round}: backup {b}, file {k}");
        backup_is_current += usize::from(b == k);
        last = k;
        // Whatever else is in the folder is a temporary file of an interrupted save, which
        // nothing reads.
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if !["song.stemmix", "song.stemmix.bak", "saves.log"].contains(&name.as_str()) {
                assert!(
                    name.starts_with(".song.stemmix.") && name.ends_with(".tmp"),
                    "{name}"
                );
                leftovers += 1;
                std::fs::remove_file(dir.join(&name)).unwrap();
            }
        }
    }
    let saves = acknowledged(&log).len();
    eprintln!(
        "{n} kills during {saves} saves ({save_time:?} each); {backup_is_current} between the backup's and the file's \
         rename, {leftovers} temporary files left by kills while writing"
    );
    assert!(saves >= 4 * n, "only {saves} saves in {n} rounds");
}

// ---------------------------------------------------------------------------------------------
// Autosave

/// The fader level edit `i` of the autosave child sets, and the track (by index, of `tracks`)
/// it sets it on.
fn edit(i: u64, tracks: usize) -> (usize, f32) {
    ((i % tracks as u64) as usize, -((i % 97) as f32) / 4.0)
}

/// Every autosave the child acknowledges is numbered by the edits it holds.
const EDITS_PER_AUTOSAVE: u64 = 3;

#[test]
fn child_edits_and_autosaves_until_killed() {
    use driver::*;
    use stemmix::ui::app::Message;
    use stemmix::ui::files;
    use stemmix::ui::params::{Param, TrackField};
    let Some(dir) = child_dir("child_edits_and_autosaves_until_killed") else {
        return;
    };
    let log = dir.join("autosaves.log");
    let (mut app, _) = demo_app(&dir.join("home"));
    let ids: Vec<_> = app.project().tracks.iter().map(|t| t.id).collect();
    for i in 1.. {
        let (t, db) = edit(i, ids.len());
        let param = Param::Track(ids[t], TrackField::Gain);
        let _ = app.update(set(param, db));
        let _ = app.update(release(param));
        if i % EDITS_PER_AUTOSAVE == 0 {
            // What the autosave timer sends every AUTOSAVE_EVERY.
            let _ = app.update(Message::Files(files::Message::Autosave));
            acknowledge(&log, i);
        }
    }
}

#[test]
fn autosave_killed_after_edits_restores_every_edit_of_the_last_autosave() {
    use driver::*;
    use stemmix::ui::dirs::AppDirs;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let log = dir.join("autosaves.log");
    let dirs = AppDirs::under(dir.join("home"));
    let mut rng = Rng(0xa170_5a7e);
    let demo = project::load(&demo_path()).unwrap();
    let mut ahead = 0;
    for round in 0..rounds(4) {
        let _ = std::fs::remove_file(&log);
        let child = spawn_child("child_edits_and_autosaves_until_killed", dir);
        kill_at_random(child, &log, 2, Duration::from_millis(20), &mut rng);
        let acked = *acknowledged(&log).last().unwrap();
        let found = stemmix::ui::autosave::find_recoveries(&dirs.autosave_dir());
        assert_eq!(
            found.len(),
            1,
            "round {round}: the killed session's autosave"
        );
        let (link, _) = recording_port::recording();
        let mut app = stemmix::ui::App::new(Some(dirs.clone()), link);
        assert_eq!(app.recoveries().len(), 1);
        click_id(&mut app, "recovery-restore");
        assert!(app.recoveries().is_empty());
        let restored: Vec<f32> = app.project().tracks.iter().map(|t| t.gain_db).collect();
        // The restored state is that after `acked` edits, or after the next autosave's
        // edits when the kill came after that autosave was written but before the child
        // logged it; never an older one.
        let state_after = |n: u64| {
            let mut g: Vec<f32> = demo.tracks.iter().map(|t| t.gain_db).collect();
            for i in 1..=n {
                let (t, db) = edit(i, g.len());
                g[t] = db;
            }
            g
        };
        if restored == state_after(acked + EDITS_PER_AUTOSAVE) {
            ahead += 1;
        } else {
            assert_eq!(
                restored,
                state_after(acked),
                "round {round}: after {acked} edits"
            );
        }
        // The restored session saves (and clears its autosave) for the next round.
        assert!(app.save_to(dir.join(format!("round{round}.stemmix"))));
        drop(app);
        assert!(stemmix::ui::autosave::find_recoveries(&dirs.autosave_dir()).is_empty());
    }
    eprintln!("{ahead} kills came between an autosave and its acknowledgement");
}
