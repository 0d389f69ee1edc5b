//! Missing and changed media in the window (issue 15, item 6): stems moved away leave their
//! tracks offline with every setting kept, and saved; *Relink…* (in the menu bar while a stem is
//! offline) searches a chosen folder and its subfolders by file name and relinks every offline
//! track it finds in one undo step; a stem replaced by a file of another length and rate plays
//! at its new length when the project is opened again.
//!
//! Driven headlessly (iced_test, `ICED_TEST_BACKEND=tiny-skia` from `.cargo/config.toml`); the
//! folder dialog's answer is sent as the message it would send.

mod common;
#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use driver::*;
use recording_port::recording;
use std::path::Path;
use stemmix::project;
use stemmix::ui::App;
use stemmix::ui::app::Message;
use stemmix::ui::dirs::AppDirs;
use stemmix::ui::files::{self, Purpose};

fn click_text(app: &mut App, label: &str) -> Vec<Message> {
    let c = {
        let mut ui = ui(app);
        ui.find(label)
            .unwrap_or_else(|e| panic!("{label}: {e}"))
            .visible_bounds()
            .unwrap()
            .center()
    };
    play(app, &[Step::Press(c), Step::Release])
}

fn has_text(app: &App, label: &str) -> bool {
    ui(app).find(label).is_ok()
}

/// The demo project with its stems copied into `dir/stems`, saved as `dir/song.stemmix`, and
/// the drums fader at −7.25 dB.
fn project_in(dir: &Path) -> std::path::PathBuf {
    let stems = dir.join("stems");
    std::fs::create_dir_all(&stems).unwrap();
    let mut p = project::load(&demo_path()).unwrap();
    for t in &mut p.tracks {
        let name = t.source.file_name().unwrap().to_owned();
        std::fs::copy(&t.source, stems.join(&name)).unwrap();
        t.source = stems.join(name);
    }
    p.tracks[0].gain_db = -7.25;
    p.tracks[0].pan = 0.3;
    let path = dir.join("song.stemmix");
    project::save(&p, &path).unwrap();
    path
}

#[test]
fn moved_stems_stay_offline_with_their_settings_and_relink_finds_them_all_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let song = project_in(dir.path());
    let n = project::load(&song).unwrap().tracks.len();
    // The stems move two folders down under another name.
    std::fs::create_dir_all(dir.path().join("archive/2026")).unwrap();
    std::fs::rename(
        dir.path().join("stems"),
        dir.path().join("archive/2026/takes"),
    )
    .unwrap();

    let home = tempfile::tempdir().unwrap();
    let (link, _) = recording();
    let mut app = App::new(Some(AppDirs::under(home.path().into())), link);
    assert!(
        !has_text(&app, "Relink…"),
        "no Relink… while nothing is offline"
    );
    app.open_path(&song);
    assert!(wait_for_jobs(&mut app, JOBS));
    let ids: Vec<_> = app.project().tracks.iter().map(|t| t.id).collect();
    assert!(ids.iter().all(|&id| app.offline_reason(id).is_some()));
    assert!(has_text(&app, "Relink…"));

    // Offline tracks keep their settings, and a save keeps them too (and their paths).
    let drums = ids[0];
    assert_eq!(track(&app, drums).gain_db, -7.25);
    let kept = dir.path().join("kept.stemmix");
    assert!(app.save_to(kept.clone()));
    let saved = project::load(&kept).unwrap();
    assert_eq!((saved.tracks[0].gain_db, saved.tracks[0].pan), (-7.25, 0.3));
    assert_eq!(saved.tracks[0].source, dir.path().join("stems/drums.wav"));
    assert_eq!(saved.tracks.len(), n);

    // Relink…: the button asks for a folder; the answer relinks every track found below it.
    let msgs = click_text(&mut app, "Relink…");
    assert!(
        matches!(msgs.as_slice(), [Message::Files(files::Message::Relink)]),
        "{msgs:?}"
    );
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::Relink,
        Some(vec![dir.path().join("archive")]),
        false,
    )));
    assert!(wait_for_jobs(&mut app, JOBS));
    for &id in &ids {
        assert_eq!(app.offline_reason(id), None);
        let t = track(&app, id);
        assert!(
            t.source.starts_with(dir.path().join("archive/2026/takes")),
            "{}",
            t.source.display()
        );
    }
    assert_eq!(track(&app, drums).gain_db, -7.25, "settings survive");
    assert!(
        app.notice_texts()
            .iter()
            .any(|t| t.contains(&format!("Relinked {n} of {n} offline tracks"))),
        "{:?}",
        app.notice_texts()
    );
    assert!(!has_text(&app, "Relink…"), "gone once nothing is offline");
    // One undo step puts every track back offline.
    let _ = app.update(Message::Undo);
    assert!(ids.iter().all(|&id| app.offline_reason(id).is_some()));
    let _ = app.update(Message::Redo);
    assert!(ids.iter().all(|&id| app.offline_reason(id).is_none()));

    // A folder without them says so and changes nothing.
    let _ = app.update(Message::Undo);
    let empty = tempfile::tempdir().unwrap();
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::Relink,
        Some(vec![empty.path().to_path_buf()]),
        false,
    )));
    assert!(
        app.notice_texts()
            .iter()
            .any(|t| t.contains(&format!("None of the {n} offline stems"))),
        "{:?}",
        app.notice_texts()
    );
    assert!(ids.iter().all(|&id| app.offline_reason(id).is_some()));
}

#[test]
fn a_stem_replaced_by_another_length_and_rate_plays_at_its_new_length_when_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let song = project_in(dir.path());
    let home = tempfile::tempdir().unwrap();
    let (link, _) = recording();
    let mut app = App::new(Some(AppDirs::under(home.path().into())), link);
    app.open_path(&song);
    assert!(wait_for_jobs(&mut app, JOBS));
    let rate = app.project().sample_rate;
    let drums = app.project().tracks[0].source.clone();
    // Replaced on disk by 1.5 s at 22.05 kHz, stereo.
    let tone = common::sine(440.0, 22_050, 33_075, 0.25);
    common::write_f32_wav(&drums, 22_050, &[tone.clone(), tone]);
    app.open_path(&song);
    assert!(wait_for_jobs(&mut app, JOBS));
    let id = app.project().tracks[0].id;
    assert_eq!(app.offline_reason(id), None);
    let stem = app.stem_audio(id).expect("the new stem is loaded");
    assert_eq!(stem.source_rate, 22_050);
    assert_eq!(stem.channels.len(), 2);
    assert_eq!(stem.frames, (1.5 * rate as f64).round() as usize);
}

#[test]
fn a_stem_changed_on_disk_while_open_is_reloaded_when_the_window_gets_the_focus() {
    let dir = tempfile::tempdir().unwrap();
    let song = project_in(dir.path());
    let home = tempfile::tempdir().unwrap();
    let (link, rec) = recording();
    let mut app = App::new(Some(AppDirs::under(home.path().into())), link);
    app.open_path(&song);
    assert!(wait_for_jobs(&mut app, JOBS));
    let rate = app.project().sample_rate;
    let id = app.project().tracks[0].id;
    let drums = app.project().tracks[0].source.clone();
    let before = app.stem_audio(id).unwrap().frames;
    // Nothing changed: focus does nothing.
    let _ = app.update(Message::Focused);
    assert!(!app.is_busy());

    // Replaced by 0.75 s at 44.1 kHz.
    let tone = common::sine(220.0, 44_100, 33_075, 0.25);
    common::write_f32_wav(&drums, 44_100, &[tone]);
    rec.lock().unwrap().clear();
    let _ = app.update(Message::Focused);
    assert!(wait_for_jobs(&mut app, JOBS));
    let stem = app.stem_audio(id).expect("reloaded");
    assert_ne!(stem.frames, before);
    assert_eq!(stem.frames, (0.75 * rate as f64).round() as usize);
    assert_eq!(stem.source_rate, 44_100);
    assert!(
        app.notice_texts()
            .iter()
            .any(|t| t == "Changed on disk, reloading: drums.wav"),
        "{:?}",
        app.notice_texts()
    );
    // The engine got the new strip.
    assert!(
        rec.lock()
            .unwrap()
            .iter()
            .any(|c| format!("{c:?}").contains("ReplaceTrack"))
    );

    // Deleted: offline on the next focus, settings kept; back: online again.
    let gain = track(&app, id).gain_db;
    let kept = dir.path().join("drums-kept.wav");
    std::fs::rename(&drums, &kept).unwrap();
    let _ = app.update(Message::Focused);
    assert!(wait_for_jobs(&mut app, JOBS));
    assert_eq!(app.offline_reason(id), Some("drums.wav: file not found"));
    assert_eq!(track(&app, id).gain_db, gain);
    std::fs::rename(&kept, &drums).unwrap();
    let _ = app.update(Message::Focused);
    assert!(wait_for_jobs(&mut app, JOBS));
    assert_eq!(app.offline_reason(id), None);
    assert_eq!(app.stem_audio(id).unwrap().frames, stem.frames);
}
