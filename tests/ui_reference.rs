//! The reference panel driven headlessly (iced_test renders `App::view`; messages go to
//! `App::update`; a recording engine port keeps the commands): adding references, A/B by key
//! and button, number keys, matching on/off with the gain the engine gets, undo of reference
//! edits, an offline reference and Locate….
//!
//! No file dialog is opened: where the window would show one, the test sends its answer.

#[path = "common/mod.rs"]
mod common;
#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use driver::*;
use iced::keyboard::{self, Key, Modifiers, key::Named};
use iced_test::selector;
use recording_port::Recorded;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stemmix::engine::analysis::{AnalysisOptions, analyze_project};
use stemmix::engine::{Command, ReferenceCommand, Source};
use stemmix::project::{RefId, RefMode};
use stemmix::ui::app::Message;
use stemmix::ui::files::{self, Purpose};
use stemmix::ui::{App, keys, reference};

/// Amplitude of the generated reference's 997 Hz sine, both channels: −20 dBFS peak, so its
/// integrated loudness is −20.0 LUFS (BS.1770: a full-scale 997 Hz sine on both channels of
/// a stereo signal reads 0 LUFS, give or take 0.05 LU of K-weighting at 997 Hz).
const REF_AMPLITUDE: f64 = 0.1;

/// How long decoding and the mix's background measurement may take (a debug build renders
/// the demo slowly, and other tests share the cores).
const MEASURE: Duration = Duration::from_secs(300);

/// Writes a 6-second stereo sine reference at 48 kHz.
fn write_reference(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let rate = 48_000;
    let s = common::sine(997.0, rate, 6 * rate as usize, REF_AMPLITUDE);
    common::write_f32_wav(&path, rate, &[s.clone(), s]);
    path
}

fn refs(rec: &Recorded) -> Vec<ReferenceCommand> {
    rec.lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::Reference(r) => Some(clone_ref(r)),
            _ => None,
        })
        .collect()
}

/// A copy of a reference command (they carry an `Arc`, so not `Clone`).
fn clone_ref(r: &ReferenceCommand) -> ReferenceCommand {
    match r {
        ReferenceCommand::Set { id, audio, setup } => ReferenceCommand::Set {
            id: *id,
            audio: audio.clone(),
            setup: *setup,
        },
        ReferenceCommand::Remove(id) => ReferenceCommand::Remove(*id),
        ReferenceCommand::Clear => ReferenceCommand::Clear,
        ReferenceCommand::Gain(id, g) => ReferenceCommand::Gain(*id, *g),
        ReferenceCommand::Mode(id, m) => ReferenceCommand::Mode(*id, *m),
        ReferenceCommand::Loop {
            id,
            enabled,
            start,
            end,
        } => ReferenceCommand::Loop {
            id: *id,
            enabled: *enabled,
            start: *start,
            end: *end,
        },
        ReferenceCommand::SeekFree(id, f) => ReferenceCommand::SeekFree(*id, *f),
    }
}

fn sources(rec: &Recorded) -> Vec<Source> {
    rec.lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::SelectSource(s) => Some(*s),
            _ => None,
        })
        .collect()
}

/// The gain the engine was last told for reference `id` (Set or Gain).
fn last_gain(rec: &Recorded, id: RefId) -> Option<f32> {
    refs(rec).into_iter().rev().find_map(|c| match c {
        ReferenceCommand::Set { id: i, setup, .. } if i == id => Some(setup.gain_db),
        ReferenceCommand::Gain(i, g) if i == id => Some(g),
        _ => None,
    })
}

fn key_event(key: Key) -> keyboard::Event {
    keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers: Modifiers::empty(),
        text: None,
        repeat: false,
    }
}

fn press(app: &mut App, key: Key) {
    let m = keys::shortcut(&key_event(key.clone()), true)
        .unwrap_or_else(|| panic!("{key:?} is not a shortcut"));
    let _ = app.update(m);
}

/// The answer of the "Add references" dialog.
fn add_references(app: &mut App, paths: Vec<PathBuf>) {
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::AddReferences,
        Some(paths),
        false,
    )));
}

/// Applies display ticks until decoding is done (the mix's measurement may still run).
fn wait_decoded(app: &mut App) {
    let end = Instant::now() + JOBS;
    while app.is_decoding() {
        assert!(Instant::now() < end, "decoding took too long");
        let _ = app.update(Message::Tick(Instant::now()));
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = app.update(Message::Tick(Instant::now()));
}

fn ref_id(app: &App, i: usize) -> RefId {
    app.project().references[i].id
}

#[test]
fn adding_a_reference_decodes_it_and_loads_it_into_the_engine() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    // The tab shows the panel; its button asks for a dialog (through the files panel).
    let _ = click_id(&mut app, reference::TAB_ID);
    assert!(app.references().shown());
    let msgs = {
        let mut ui = ui(&app);
        let _ = ui.click("Add reference…").expect("Add reference… shown");
        ui.into_messages().collect::<Vec<_>>()
    };
    assert!(
        msgs.iter()
            .any(|m| matches!(m, Message::Reference(reference::Message::Add))),
        "{msgs:?}"
    );
    let path = write_reference(home.path(), "master.wav");
    let steps = app.undo_steps();
    add_references(&mut app, vec![path.clone()]);
    assert_eq!(app.project().references.len(), 1);
    assert_eq!(app.project().references[0].name, "master");
    assert_eq!(app.undo_steps(), steps + 1);
    assert!(wait_for_jobs(&mut app, MEASURE), "decoding and measuring");
    let id = ref_id(&app, 0);
    let set = refs(&rec).into_iter().find_map(|c| match c {
        ReferenceCommand::Set { id: i, audio, .. } if i == id => Some(audio),
        _ => None,
    });
    let audio = set.expect("the engine got the reference's audio");
    assert_eq!(audio.sample_rate, app.project().sample_rate);
    assert_eq!(audio.frames, 6 * 48_000);
    // A panel narrower than the wide layout shows one section at a time: open the readouts.
    if ui(&app).find(selector::id("section-readouts")).is_ok() {
        let _ = app.update(Message::Reference(reference::Message::Section(
            reference::Section::Readouts,
        )));
    }
    let mut ui = ui(&app);
    assert!(ui.find(selector::id("reference-readouts")).is_ok());
    assert!(
        ui.find("Integrated").is_ok(),
        "the readouts table is filled in"
    );
    assert!(ui.find("mix figure current").is_ok());
}

#[test]
fn tab_and_backtick_toggle_mix_and_reference_and_number_keys_select() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let a = write_reference(home.path(), "a.wav");
    let b = write_reference(home.path(), "b.wav");
    add_references(&mut app, vec![a, b]);
    wait_decoded(&mut app);
    let (first, second) = (ref_id(&app, 0), ref_id(&app, 1));
    rec.lock().unwrap().clear();

    press(&mut app, Key::Named(Named::Tab));
    assert_eq!(app.link().view().source, Source::Reference(first));
    assert!(
        ui(&app).find("REF 1: a").is_ok(),
        "the label says what is heard"
    );
    press(&mut app, Key::Character("`".into()));
    assert_eq!(app.link().view().source, Source::Mix);
    press(&mut app, Key::Character("2".into()));
    assert_eq!(app.link().view().source, Source::Reference(second));
    // Tab now toggles with the reference selected last.
    press(&mut app, Key::Named(Named::Tab));
    press(&mut app, Key::Named(Named::Tab));
    // A number without a reference does nothing.
    press(&mut app, Key::Character("9".into()));
    assert_eq!(
        sources(&rec),
        [
            Source::Reference(first),
            Source::Mix,
            Source::Reference(second),
            Source::Mix,
            Source::Reference(second),
        ]
    );
    // The big button toggles too.
    let _ = click_id(&mut app, reference::TAB_ID);
    let _ = click_id(&mut app, reference::AB_ID);
    assert_eq!(app.link().view().source, Source::Mix);
    // Removing the reference that is heard goes back to the mix.
    press(&mut app, Key::Character("1".into()));
    let _ = app.update(Message::Reference(reference::Message::Remove(first)));
    assert_eq!(app.link().view().source, Source::Mix);
    assert!(
        refs(&rec)
            .iter()
            .any(|c| matches!(c, ReferenceCommand::Remove(i) if *i == first))
    );
}

#[test]
fn the_reference_plays_at_the_match_gain_plus_trim_and_at_its_trim_with_matching_off() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let path = write_reference(home.path(), "sine.wav");
    add_references(&mut app, vec![path]);
    assert!(wait_for_jobs(&mut app, MEASURE), "decoding and measuring");
    let id = ref_id(&app, 0);
    // The mix's loudness, measured here through the render driver on its own.
    let p = app.project().clone();
    let lookup = |t: &stemmix::project::Track| {
        stemmix::media::load_stem(&t.source, p.sample_rate)
            .ok()
            .map(std::sync::Arc::new)
    };
    let mix = analyze_project(&p, &lookup, &AnalysisOptions::whole_song(&p), None, None)
        .expect("the mix renders");
    let mix_lufs = mix.analysis.whole.report.integrated_lufs;
    let expected = mix_lufs - (-20.0);
    let gain = last_gain(&rec, id).expect("a gain was sent");
    assert!(
        (f64::from(gain) - expected).abs() < 0.1,
        "gain {gain} dB, expected {expected:.2} dB (mix {mix_lufs:.2} LUFS, reference −20 LUFS)"
    );
    let _ = app.update(Message::Reference(reference::Message::Show(true)));
    let shown = format!("match {gain:+.1} dB, plays at {gain:+.1} dB");
    assert!(ui(&app).find(shown.as_str()).is_ok(), "{shown} not shown");

    // A trim adds to it; matching off plays the trim alone.
    let _ = app.update(Message::Reference(reference::Message::Trim(id, -2.0)));
    let _ = app.update(Message::Reference(reference::Message::TrimDone(id)));
    let g = last_gain(&rec, id).unwrap();
    assert!((f64::from(g) - (expected - 2.0)).abs() < 0.1, "{g}");
    let _ = app.update(Message::Reference(reference::Message::Match(false)));
    assert_eq!(last_gain(&rec, id), Some(-2.0));
    let _ = app.update(Message::Reference(reference::Message::Match(true)));
    let g = last_gain(&rec, id).unwrap();
    assert!((f64::from(g) - (expected - 2.0)).abs() < 0.1, "{g}");
}

#[test]
fn reference_edits_are_undone_and_redone() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let a = write_reference(home.path(), "a.wav");
    let b = write_reference(home.path(), "b.wav");
    add_references(&mut app, vec![a, b]);
    wait_decoded(&mut app);
    let (first, second) = (ref_id(&app, 0), ref_id(&app, 1));
    let send = |app: &mut App, m: reference::Message| {
        let _ = app.update(Message::Reference(m));
    };
    let start = app.project().clone();
    let steps = app.undo_steps();
    send(&mut app, reference::Message::Rename(first, "Mas".into()));
    send(&mut app, reference::Message::Rename(first, "Master".into()));
    send(&mut app, reference::Message::RenameDone(first));
    send(&mut app, reference::Message::Trim(first, -1.0));
    send(&mut app, reference::Message::Trim(first, -3.5));
    send(&mut app, reference::Message::TrimDone(first));
    send(&mut app, reference::Message::Mode(first, RefMode::Sync));
    send(&mut app, reference::Message::Move(first, 1));
    send(&mut app, reference::Message::Remove(second));
    assert_eq!(app.undo_steps(), steps + 5, "one step per gesture");
    let p = app.project();
    assert_eq!(p.references.len(), 1);
    assert_eq!(p.references[0].name, "Master");
    assert_eq!(p.references[0].trim_db, -3.5);
    assert_eq!(p.references[0].mode, RefMode::Sync);
    rec.lock().unwrap().clear();
    // Undoing the removal loads the reference again, under the same id.
    let _ = app.update(Message::Undo);
    assert_eq!(app.project().references[0].id, second);
    assert!(
        refs(&rec)
            .iter()
            .any(|c| matches!(c, ReferenceCommand::Set { id, .. } if *id == second)),
        "the engine gets it back"
    );
    for _ in 0..4 {
        let _ = app.update(Message::Undo);
    }
    assert!(app.project().same_content(&start));
    assert_eq!(app.project().references[0].id, first);
    let _ = app.update(Message::Redo);
    assert_eq!(app.project().references[0].name, "Master");
}

#[test]
fn a_missing_reference_stays_listed_offline_and_locate_finds_it() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let missing = home.path().join("gone.wav");
    add_references(&mut app, vec![missing.clone()]);
    wait_decoded(&mut app);
    assert_eq!(app.project().references.len(), 1);
    let id = ref_id(&app, 0);
    assert!(
        app.notice_texts().iter().any(|t| t.contains("offline")),
        "{:?}",
        app.notice_texts()
    );
    assert!(
        !refs(&rec)
            .iter()
            .any(|c| matches!(c, ReferenceCommand::Set { .. }))
    );
    let msgs = {
        let mut ui = ui(&app);
        assert!(ui.find("gone").is_ok(), "still listed");
        let _ = ui.click("Locate…").expect("Locate… offered");
        ui.into_messages().collect::<Vec<_>>()
    };
    assert!(
        msgs.iter().any(|m| matches!(
            m,
            Message::Reference(reference::Message::Locate(i)) if *i == id
        )),
        "{msgs:?}"
    );
    let found = write_reference(home.path(), "found.wav");
    let steps = app.undo_steps();
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::LocateReference(id),
        Some(vec![found.clone()]),
        false,
    )));
    assert_eq!(app.project().references[0].path, found);
    assert_eq!(app.undo_steps(), steps + 1);
    wait_decoded(&mut app);
    assert!(
        refs(&rec)
            .iter()
            .any(|c| matches!(c, ReferenceCommand::Set { id: i, .. } if *i == id))
    );
    assert!(ui(&app).find("Locate…").is_err());
}

#[test]
fn files_dropped_while_the_panel_shows_become_references() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _rec) = demo_app(home.path());
    let tracks = app.project().tracks.len();
    let _ = app.update(Message::Reference(reference::Message::Show(true)));
    let a = write_reference(home.path(), "a.wav");
    let b = write_reference(home.path(), "b.wav");
    let steps = app.undo_steps();
    let _ = app.update(Message::Files(files::Message::Dropped(a)));
    let _ = app.update(Message::Files(files::Message::Dropped(b)));
    assert_eq!(app.project().references.len(), 2);
    assert_eq!(app.project().tracks.len(), tracks);
    assert_eq!(app.undo_steps(), steps + 1, "dropped together: one step");
    // With the editor showing, a dropped file is a new track as before.
    let _ = app.update(Message::Reference(reference::Message::Show(false)));
    let c = write_reference(home.path(), "c.wav");
    let _ = app.update(Message::Files(files::Message::Dropped(c)));
    assert_eq!(app.project().tracks.len(), tracks + 1);
}

#[test]
fn monitor_settings_go_to_the_engine_and_not_into_the_project() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let before = app.project().clone();
    let steps = app.undo_steps();
    let _ = app.update(Message::Reference(reference::Message::Show(true)));
    let msgs = {
        let mut ui = ui(&app);
        let _ = ui.click("Mono").expect("monitor buttons shown");
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in msgs {
        let _ = app.update(m);
    }
    let _ = app.update(Message::Reference(reference::Message::MonitorLevel(-6.0)));
    let monitors: Vec<_> = rec
        .lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::Monitor(m) => Some(*m),
            _ => None,
        })
        .collect();
    assert_eq!(monitors.len(), 2);
    assert_eq!(monitors[1].mode, stemmix::engine::MonitorMode::Mono);
    assert_eq!(monitors[1].level_db, -6.0);
    assert!(app.project().same_content(&before));
    assert_eq!(app.undo_steps(), steps);
    assert!(!app.is_dirty());
}

#[test]
fn a_blind_abx_round_hides_the_source_and_scores_the_answers() {
    use reference::blind::{Kind, Slot, TRIALS};
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let path = write_reference(home.path(), "sine.wav");
    add_references(&mut app, vec![path]);
    wait_decoded(&mut app);
    let id = ref_id(&app, 0);
    let send = |app: &mut App, m: reference::Message| {
        let _ = app.update(Message::Reference(m));
    };
    send(&mut app, reference::Message::BlindStart(Kind::Abx));
    {
        let mut ui = ui(&app);
        assert!(ui.find("BLIND TEST: what plays is hidden").is_ok());
        assert!(ui.find("REF 1: sine").is_err(), "the label must not tell");
        assert!(ui.find("Play X").is_ok());
    }
    // The A/B keys do nothing during the test (they would tell what is heard).
    rec.lock().unwrap().clear();
    press(&mut app, Key::Named(Named::Tab));
    assert!(sources(&rec).is_empty());
    // Answer every trial right by listening to X and comparing with A.
    for t in 0..TRIALS {
        send(&mut app, reference::Message::BlindPlay(Slot::X));
        let x = app.link().view().source;
        assert!(matches!(x, Source::Mix) || x == Source::Reference(id));
        send(&mut app, reference::Message::BlindPlay(Slot::A));
        let a = app.link().view().source;
        let wrong = t == 0;
        // One wrong answer on purpose.
        send(&mut app, reference::Message::BlindAnswer((x == a) != wrong));
    }
    let b = app.references().blind().expect("the test exists");
    assert_eq!(b.score(), TRIALS - 1);
    let verdict = format!(
        "{} of {TRIALS} right; by guessing, at least {} right has probability p = {:.3}",
        TRIALS - 1,
        TRIALS - 1,
        11.0 / 1024.0
    );
    assert!(ui(&app).find(verdict.as_str()).is_ok(), "{verdict}");
    assert!(ui(&app).find("BLIND TEST: what plays is hidden").is_err());
}
