//! The mixer window driven headlessly: iced_test renders `App::view`, raw mouse and keyboard
//! events go in, the messages they produce go to `App::update`, and the project, the undo
//! history, the files on disk and the commands the engine received are checked.
//!
//! No file dialog is ever opened: where the window would show one, the test sends the
//! dialog's answer as a message. Run with `ICED_TEST_BACKEND=tiny-skia` (set by
//! `.cargo/config.toml`).

#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use driver::*;
use iced::keyboard::{self, Key, Modifiers, key::Named};
use iced::mouse;
use iced::{Event, Point};
use iced_test::selector;
use recording_port::{Recorded, recording};
use std::path::Path;
use stemmix::engine::{ChannelMeter, Command, GraphCommand, TrackParam};
use stemmix::project::{self, TrackId};
use stemmix::ui::app::Message;
use stemmix::ui::context::Selection;
use stemmix::ui::controls::{self, TypeMsg};
use stemmix::ui::dirs::AppDirs;
use stemmix::ui::edit::Toggle;
use stemmix::ui::engine_link::{EngineLink, EnginePort, EngineView};
use stemmix::ui::files::{self, Purpose};
use stemmix::ui::params::{Band, Param, TrackField};
use stemmix::ui::{App, editor, help, keys, mixer, timeline, transport};

fn commands(rec: &Recorded) -> Vec<String> {
    rec.lock()
        .unwrap()
        .iter()
        .map(|c| format!("{c:?}"))
        .collect()
}

fn clear(rec: &Recorded) {
    rec.lock().unwrap().clear();
}

/// The strip parameters the engine was told about, in order.
fn track_params(rec: &Recorded, id: TrackId) -> Vec<TrackParam> {
    rec.lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::Graph(GraphCommand::Track(t, p)) if *t == id => Some(*p),
            _ => None,
        })
        .collect()
}

#[test]
fn opening_a_project_shows_its_strips_and_lanes() {
    let home = tempfile::tempdir().unwrap();
    let (link, rec) = recording();
    let mut app = App::new(Some(AppDirs::under(home.path().to_path_buf())), link);
    assert!(app.project().tracks.is_empty());
    assert_eq!(app.title(), "Untitled — stemmix");
    let _ = app.update(Message::Files(files::Message::OpenPath(demo_path())));
    assert!(wait_for_jobs(&mut app, JOBS));
    assert_eq!(app.project().tracks.len(), 4);
    assert_eq!(app.title(), "demo — stemmix");
    let mut ui = ui(&app);
    for name in ["Drums", "Bass", "Keys", "Lead", "Reverb", "Master"] {
        assert!(ui.find(name).is_ok(), "{name} not shown");
    }
    for t in &app.project().tracks {
        assert!(ui.find(selector::id(format!("lane-{}", t.id.0))).is_ok());
        assert!(
            ui.find(selector::id(
                Param::Track(t.id, TrackField::Gain).widget_id()
            ))
            .is_ok()
        );
    }
    drop(ui);
    // The engine got the whole graph, then each decoded stem.
    let cmds = commands(&rec);
    assert!(cmds.iter().any(|c| c.contains("ReplaceGraph")));
    assert_eq!(
        cmds.iter().filter(|c| c.contains("ReplaceTrack")).count(),
        4
    );
    // It is in the recent list.
    let recent = stemmix::ui::recent::RecentProjects::load(&home.path().join("config"));
    assert_eq!(recent.paths.first(), Some(&demo_path()));
}

#[test]
fn fader_drag_moves_the_level_and_undoes_as_one_step() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let id = track_id(&app, "Bass");
    let gain = Param::Track(id, TrackField::Gain);
    let before = track(&app, id).gain_db;
    assert_eq!(before, -3.0);
    let b = bounds(&app, &gain.widget_id());
    clear(&rec);
    let msgs = play(
        &mut app,
        &drag(Point::new(b.center_x(), b.y + b.height * 0.5), -40),
    );
    assert!(msgs.len() > 20, "{msgs:?}");
    let after = track(&app, id).gain_db;
    assert!(after > before + 1.0, "{before} → {after}");
    assert_eq!(app.undo_steps(), 1, "one gesture, one undo step");
    assert!(app.is_dirty());
    assert!(app.title().starts_with("● demo"));
    // Every move reached the engine, in order, ending at the final level.
    let sent: Vec<f32> = track_params(&rec, id)
        .into_iter()
        .filter_map(|p| match p {
            TrackParam::GainDb(g) => Some(g),
            _ => None,
        })
        .collect();
    assert!(sent.len() > 20);
    assert!(sent.windows(2).all(|w| w[1] >= w[0]));
    assert_eq!(*sent.last().unwrap(), after);

    let _ = app.update(Message::Undo);
    assert_eq!(track(&app, id).gain_db, before);
    assert!(!app.is_dirty(), "back at the saved state");
    assert_eq!(
        track_params(&rec, id).last(),
        Some(&TrackParam::GainDb(before))
    );
    let _ = app.update(Message::Redo);
    assert_eq!(track(&app, id).gain_db, after);
    assert_eq!(
        track_params(&rec, id).last(),
        Some(&TrackParam::GainDb(after))
    );

    // A second gesture is a second step.
    let b = bounds(&app, &gain.widget_id());
    play(
        &mut app,
        &drag(Point::new(b.center_x(), b.y + b.height * 0.5), 10),
    );
    assert_eq!(app.undo_steps(), 2);
}

#[test]
fn shift_drag_is_finer() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let id = track_id(&app, "Keys");
    let gain = Param::Track(id, TrackField::Gain);
    let b = bounds(&app, &gain.widget_id());
    let start = Point::new(b.center_x(), b.y + b.height * 0.5);
    let before = track(&app, id).gain_db;
    play(&mut app, &drag(start, -20));
    let coarse = track(&app, id).gain_db - before;
    let _ = app.update(Message::Undo);
    let mut steps = vec![Step::Mods(Modifiers::SHIFT)];
    steps.extend(drag(start, -20));
    steps.push(Step::Mods(Modifiers::empty()));
    play(&mut app, &steps);
    let fine = track(&app, id).gain_db - before;
    assert!(
        fine > 0.0 && fine < coarse * 0.5,
        "coarse {coarse}, fine {fine}"
    );
}

#[test]
fn fader_value_can_be_typed() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let id = track_id(&app, "Lead");
    let gain = Param::Track(id, TrackField::Gain);
    let b = bounds(&app, &gain.widget_id());
    // The value box is the bottom 18 px of the fader.
    let msgs = play(
        &mut app,
        &[
            Step::Press(Point::new(b.center_x(), b.y + b.height - 8.0)),
            Step::Release,
        ],
    );
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(matches!(
        msgs[0],
        Message::Mixer(mixer::Message::Control(controls::Message::Type(TypeMsg::Begin(p)))) if p == gain
    ));
    // Type into the box that appeared: select all, type, Enter.
    let typed: Vec<Message> = {
        let mut ui = ui(&app);
        let input = ui
            .find(selector::id("typing"))
            .expect("typing box")
            .bounds();
        ui.point_at(input.center());
        let _ = ui.simulate(iced_test::simulator::click());
        let _ = ui.simulate([Event::Keyboard(keyboard::Event::ModifiersChanged(
            Modifiers::CTRL,
        ))]);
        let _ = ui.simulate([iced_test::simulator::press_key(
            Key::Character("a".into()),
            None,
        )]);
        let _ = ui.simulate([Event::Keyboard(keyboard::Event::ModifiersChanged(
            Modifiers::empty(),
        ))]);
        let _ = ui.typewrite("-9.5 dB");
        let _ = ui.simulate([iced_test::simulator::press_key(
            Key::Named(Named::Enter),
            None,
        )]);
        ui.into_messages().collect()
    };
    for m in typed {
        let _ = app.update(m);
    }
    assert_eq!(track(&app, id).gain_db, -9.5);
    assert_eq!(app.undo_steps(), 1);
    assert_eq!(
        track_params(&rec, id).last(),
        Some(&TrackParam::GainDb(-9.5))
    );
    // Nonsense is refused and leaves the value alone.
    let _ = app.update(typing(TypeMsg::Begin(gain)));
    let _ = app.update(typing(TypeMsg::Input("loud".into())));
    let _ = app.update(typing(TypeMsg::Submit));
    assert_eq!(track(&app, id).gain_db, -9.5);
    let _ = app.update(Message::Escape);
    assert_eq!(app.undo_steps(), 1);
}

#[test]
fn double_click_resets_fader_and_pan() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let id = track_id(&app, "Keys");
    let b = bounds(&app, &Param::Track(id, TrackField::Gain).widget_id());
    let p = Point::new(b.center_x(), b.y + b.height * 0.4);
    play(
        &mut app,
        &[Step::Press(p), Step::Release, Step::Press(p), Step::Release],
    );
    assert_eq!(track(&app, id).gain_db, 0.0);
    assert_eq!(app.undo_steps(), 1);
    let b = bounds(&app, &Param::Track(id, TrackField::Pan).widget_id());
    let p = Point::new(b.center_x(), b.y + 12.0);
    play(
        &mut app,
        &[Step::Press(p), Step::Release, Step::Press(p), Step::Release],
    );
    assert_eq!(track(&app, id).pan, 0.0);
    assert_eq!(app.undo_steps(), 2);
}

#[test]
fn mute_and_solo_buttons_reach_the_engine() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let id = track_id(&app, "Drums");
    clear(&rec);
    click_id(&mut app, &format!("mute-{}", id.0));
    assert!(track(&app, id).mute);
    click_id(&mut app, &format!("solo-{}", id.0));
    assert!(track(&app, id).solo);
    click_id(&mut app, &format!("polarity-{}", id.0));
    assert!(track(&app, id).polarity_invert);
    assert_eq!(
        track_params(&rec, id),
        [
            TrackParam::Mute(true),
            TrackParam::Solo(true),
            TrackParam::Polarity(true)
        ]
    );
    click_id(&mut app, &format!("mute-{}", id.0));
    assert!(!track(&app, id).mute);
    assert_eq!(app.undo_steps(), 4);
    let _ = app.update(Message::Undo);
    assert!(track(&app, id).mute);
}

#[test]
fn strip_editor_edits_reach_the_engine_as_eq_and_compressor_commands() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    tall_window(&mut app);
    let id = track_id(&app, "Bass");
    let _ = app.update(select(Selection::Track(id)));
    clear(&rec);

    // Bell 1's gain knob: drag up 40 px = 40/200 of its −18…+18 dB travel.
    let param = Param::Track(id, TrackField::BandGain(Band::Peak1));
    let before = track(&app, id).eq.peak1.gain_db;
    let b = bounds(&app, &param.widget_id());
    play(&mut app, &drag(Point::new(b.center_x(), b.y + 14.0), -40));
    let after = track(&app, id).eq.peak1.gain_db;
    assert!((after - (before + 7.2)).abs() < 0.05, "{before} → {after}");
    let eqs: Vec<_> = track_params(&rec, id)
        .into_iter()
        .filter_map(|p| match p {
            TrackParam::Eq(e) => Some(e),
            _ => None,
        })
        .collect();
    assert!(!eqs.is_empty());
    assert_eq!(eqs.last().unwrap().peak1.gain_db, after);
    assert_eq!(*eqs.last().unwrap(), track(&app, id).eq);

    // Switch the low shelf on.
    click_id(&mut app, &format!("t{}-ls-on", id.0));
    assert!(track(&app, id).eq.low_shelf.enabled);
    assert!(
        matches!(track_params(&rec, id).last(), Some(TrackParam::Eq(e)) if e.low_shelf.enabled)
    );

    // The compressor threshold: wheel one notch = 1/50 of −60…0 dB.
    clear(&rec);
    let param = Param::Track(id, TrackField::Threshold);
    let before = track(&app, id).compressor.threshold_db;
    let b = bounds(&app, &param.widget_id());
    let msgs: Vec<Message> = {
        let mut ui = ui(&app);
        ui.point_at(b.center());
        let _ = ui.simulate([Event::Mouse(mouse::Event::WheelScrolled {
            delta: mouse::ScrollDelta::Lines { x: 0.0, y: 1.0 },
        })]);
        ui.into_messages().collect()
    };
    for m in msgs {
        let _ = app.update(m);
    }
    let after = track(&app, id).compressor.threshold_db;
    assert!((after - (before + 1.2)).abs() < 1e-3, "{before} → {after}");
    assert!(matches!(
        track_params(&rec, id).as_slice(),
        [TrackParam::Compressor(c)] if c.threshold_db == after
    ));

    // And a typed compressor value.
    let ratio = Param::Track(id, TrackField::Ratio);
    let _ = app.update(typing(TypeMsg::Begin(ratio)));
    let _ = app.update(typing(TypeMsg::Input("6:1".into())));
    let _ = app.update(typing(TypeMsg::Submit));
    assert_eq!(track(&app, id).compressor.ratio, 6.0);
    assert!(matches!(
        track_params(&rec, id).last(),
        Some(TrackParam::Compressor(c)) if c.ratio == 6.0
    ));
}

#[test]
fn saving_writes_a_file_equal_to_the_model() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let id = track_id(&app, "Keys");
    let _ = app.update(set(Param::Track(id, TrackField::Pan), 0.4));
    let _ = app.update(release(Param::Track(id, TrackField::Pan)));
    let _ = app.update(Message::Editor(editor::Message::Rename(id, "Piano".into())));
    let _ = app.update(Message::Editor(editor::Message::RenameDone(id)));
    assert!(app.is_dirty());
    // Save As: the dialog answers with a path without extension.
    let target = out.path().join("mix");
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::SaveAs(None),
        Some(vec![target.clone()]),
        false,
    )));
    let saved = out.path().join("mix.stemmix");
    assert!(!app.is_dirty(), "{:?}", app.notice_texts());
    assert_eq!(app.path(), Some(saved.as_path()));
    assert_eq!(app.title(), "mix — stemmix");
    let on_disk = project::load(&saved).unwrap();
    assert!(on_disk.same_content(app.project()));
    assert_eq!(on_disk.tracks[2].name, "Piano");
    assert_eq!(on_disk.tracks[2].pan, 0.4);
    // Ctrl+S saves again in place after another edit.
    let _ = app.update(set(Param::Track(id, TrackField::Gain), -7.0));
    let _ = app.update(release(Param::Track(id, TrackField::Gain)));
    let ctrl_s = key_event(Key::Character("s".into()), Modifiers::CTRL);
    let _ = app.update(keys::shortcut(&ctrl_s, true).unwrap());
    assert!(!app.is_dirty());
    assert!(project::load(&saved).unwrap().same_content(app.project()));
    // A failing save says so and keeps the changes.
    let _ = app.update(set(Param::Track(id, TrackField::Gain), -8.0));
    let blocker = out.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    assert!(!app.save_to(blocker.join("x.stemmix")));
    assert!(app.is_dirty());
    assert!(
        app.notice_texts()
            .iter()
            .any(|t| t.starts_with("Could not save"))
    );
}

#[test]
fn missing_stem_shows_an_offline_strip_that_can_be_located() {
    let home = tempfile::tempdir().unwrap();
    let (link, rec) = recording();
    let mut p = project::load(&demo_path()).unwrap();
    p.tracks[1].source = stems_dir().join("missing-bass.wav");
    p.tracks[1].gain_db = -7.25;
    let id = p.tracks[1].id;
    let mut app = App::with_project(p, None, Some(AppDirs::under(home.path().into())), link);
    assert!(wait_for_jobs(&mut app, JOBS));
    let reason = app.offline_reason(id).expect("offline").to_string();
    assert_eq!(reason, "missing-bass.wav: file not found");
    assert!(
        app.notice_texts()
            .iter()
            .any(|t| t.contains("missing-bass.wav"))
    );
    {
        let mut ui = ui(&app);
        assert!(ui.find("OFFLINE").is_ok());
        assert!(ui.find(reason.as_str()).is_ok());
    }
    let msgs = click_id(&mut app, &format!("locate-{}", id.0));
    assert!(matches!(msgs.as_slice(), [Message::Mixer(mixer::Message::Locate(i))] if *i == id));
    // The dialog answers with the real file.
    clear(&rec);
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::Locate(id),
        Some(vec![stems_dir().join("bass.wav")]),
        false,
    )));
    assert!(wait_for_jobs(&mut app, JOBS));
    assert_eq!(app.offline_reason(id), None);
    let t = track(&app, id);
    assert_eq!(t.source, stems_dir().join("bass.wav"));
    assert_eq!(t.gain_db, -7.25, "settings survive");
    assert!(commands(&rec).iter().any(|c| c.contains("ReplaceTrack")));
    // Undo brings the offline source back (and its reason).
    let _ = app.update(Message::Undo);
    assert_eq!(app.offline_reason(id), Some(reason.as_str()));
}

#[test]
fn dropped_files_become_tracks_in_one_undo_step() {
    let home = tempfile::tempdir().unwrap();
    let (link, _) = recording();
    let mut app = App::new(Some(AppDirs::under(home.path().into())), link);
    for f in ["drums.wav", "bass.wav"] {
        let _ = app.update(Message::Files(files::Message::Dropped(stems_dir().join(f))));
    }
    let _ = app.update(Message::Files(files::Message::Dropped(
        demo_path().with_file_name("README"),
    )));
    assert!(wait_for_jobs(&mut app, JOBS));
    let names: Vec<&str> = app
        .project()
        .tracks
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["drums", "bass"]);
    assert_ne!(app.project().tracks[0].color, app.project().tracks[1].color);
    assert_eq!(app.undo_steps(), 1);
    assert!(app.notice_texts().iter().any(|t| t.contains("README")));
    assert!(app.offline_reason(app.project().tracks[0].id).is_none());
    // A folder adds every audio file in it.
    let _ = app.update(Message::Files(files::Message::Picked(
        Purpose::AddFolder,
        Some(vec![stems_dir()]),
        false,
    )));
    assert!(wait_for_jobs(&mut app, JOBS));
    assert_eq!(app.project().tracks.len(), 6);
    let _ = app.update(Message::Undo);
    assert_eq!(app.project().tracks.len(), 2);
}

fn key_event(key: Key, modifiers: Modifiers) -> keyboard::Event {
    keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers,
        text: None,
        repeat: false,
    }
}

fn press(app: &mut App, key: Key, modifiers: Modifiers) {
    let m = keys::shortcut(&key_event(key.clone(), modifiers), true)
        .unwrap_or_else(|| panic!("{key:?} {modifiers:?} is not a shortcut"));
    let _ = app.update(m);
}

#[test]
fn keyboard_shortcuts() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let none = Modifiers::empty();
    let ch = |c: &str| Key::Character(c.into());
    let first = app.project().tracks[0].id;
    assert_eq!(app.selection(), Some(Selection::Track(first)));

    clear(&rec);
    press(&mut app, Key::Named(Named::Space), none);
    press(&mut app, Key::Named(Named::Space), none);
    press(&mut app, Key::Named(Named::Home), none);
    let cmds = commands(&rec);
    assert_eq!(cmds, ["Play", "Pause", "Seek(0)"]);

    press(&mut app, ch("m"), none);
    assert!(track(&app, first).mute);
    press(&mut app, Key::Named(Named::ArrowRight), none);
    let second = app.project().tracks[1].id;
    assert_eq!(app.selection(), Some(Selection::Track(second)));
    press(&mut app, ch("s"), none);
    assert!(track(&app, second).solo);
    press(&mut app, Key::Named(Named::ArrowUp), none);
    assert_eq!(track(&app, second).gain_db, -2.5);
    press(&mut app, Key::Named(Named::ArrowDown), Modifiers::SHIFT);
    assert_eq!(track(&app, second).gain_db, -2.6);

    let looping = app.project().loop_enabled;
    press(&mut app, ch("l"), none);
    assert_ne!(app.project().loop_enabled, looping);
    assert!(commands(&rec).iter().any(|c| c.starts_with("SetLoop")));

    let steps = app.undo_steps();
    press(&mut app, ch("z"), Modifiers::CTRL);
    assert_eq!(app.project().loop_enabled, looping);
    press(&mut app, ch("z"), Modifiers::CTRL | Modifiers::SHIFT);
    assert_ne!(app.project().loop_enabled, looping);
    press(&mut app, ch("z"), Modifiers::CTRL);
    press(&mut app, ch("y"), Modifiers::CTRL);
    assert_ne!(app.project().loop_enabled, looping);
    assert_eq!(app.undo_steps(), steps);

    // Help: F1 and ? open it, Escape closes it.
    press(&mut app, Key::Named(Named::F1), none);
    assert!(ui(&app).find("Keyboard and mouse").is_ok());
    let _ = app.update(keys::shortcut(&key_event(Key::Named(Named::Escape), none), false).unwrap());
    assert!(ui(&app).find("Keyboard and mouse").is_err());
    let question = keyboard::Event::KeyPressed {
        key: ch("/"),
        modified_key: ch("?"),
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers: Modifiers::SHIFT,
        text: Some("?".into()),
        repeat: false,
    };
    let _ = app.update(keys::shortcut(&question, true).unwrap());
    assert!(ui(&app).find("Keyboard and mouse").is_ok());
    let _ = app.update(Message::Help(help::Message::Toggle));

    // Ctrl+B opens the bounce panel (its dialog is a task the test does not run).
    press(&mut app, ch("b"), Modifiers::CTRL);
    assert!(ui(&app).find(selector::id("bounce-start")).is_ok());

    // Keys typed into a text box are not shortcuts.
    assert!(keys::shortcut(&key_event(ch("m"), none), false).is_none());
    assert!(keys::shortcut(&key_event(Key::Named(Named::Space), none), false).is_none());
    // Tooltips name the shortcuts.
    assert!(keys::tip::PLAY.contains("Space"));
    assert!(keys::tip::BOUNCE.contains("Ctrl+B"));
}

#[test]
fn unsaved_changes_are_offered_for_saving_on_quit_new_and_open() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    // Nothing changed: quitting does not ask.
    let _ = app.update(Message::CloseRequested);
    assert!(app.is_quitting() && !app.is_prompting());

    let (mut app, _) = demo_app(home.path());
    let copy = out.path().join("copy.stemmix");
    assert!(app.save_to(copy.clone()));
    let id = app.project().tracks[0].id;
    let _ = app.update(Message::Mixer(mixer::Message::Toggle(Toggle::Mute(id))));
    // Quit → Cancel keeps everything.
    let _ = app.update(Message::CloseRequested);
    assert!(app.is_prompting());
    assert!(
        ui(&app)
            .find("Save the changes to “copy” before quitting?")
            .is_ok()
    );
    click_id(&mut app, "prompt-cancel");
    assert!(!app.is_prompting() && !app.is_quitting() && app.is_dirty());
    // New → Save saves, then starts a new project.
    let _ = app.update(Message::Files(files::Message::New));
    assert!(app.is_prompting());
    click_id(&mut app, "prompt-save");
    assert!(project::load(&copy).unwrap().tracks[0].mute);
    assert!(app.project().tracks.is_empty());
    assert!(!app.is_dirty());
    // Open → Don't save drops the changes.
    let _ = app.update(Message::Files(files::Message::Dropped(
        stems_dir().join("keys.wav"),
    )));
    assert!(app.is_dirty());
    let _ = app.update(Message::Files(files::Message::OpenPath(copy.clone())));
    assert!(app.is_prompting());
    click_id(&mut app, "prompt-discard");
    assert_eq!(app.path(), Some(copy.as_path()));
    assert_eq!(app.project().tracks.len(), 4);
    assert!(wait_for_jobs(&mut app, JOBS));
    // A project that cannot be read leaves the current one open and says why.
    let bad = out.path().join("bad.stemmix");
    std::fs::write(&bad, "(tracks: [").unwrap();
    let _ = app.update(Message::Files(files::Message::OpenPath(bad)));
    assert_eq!(app.path(), Some(copy.as_path()));
    assert!(
        app.notice_texts()
            .iter()
            .any(|t| t.contains("Could not open"))
    );
}

/// Makes this process's autosave in `dir` look like that of a process that died.
fn fake_crash(dir: &Path) {
    let me = std::process::id();
    let dead = 4_294_967_200u32;
    let info = dir.join(format!("session-{me}.info.ron"));
    let text = std::fs::read_to_string(&info).unwrap();
    let pid = format!("pid: {me}");
    assert!(text.contains(&pid), "{text}");
    std::fs::write(
        dir.join(format!("session-{dead}.info.ron")),
        text.replace(&pid, &format!("pid: {dead}")),
    )
    .unwrap();
    std::fs::remove_file(info).unwrap();
    std::fs::rename(
        dir.join(format!("session-{me}.stemmix")),
        dir.join(format!("session-{dead}.stemmix")),
    )
    .unwrap();
}

#[test]
fn autosave_and_crash_recovery() {
    let home = tempfile::tempdir().unwrap();
    let dirs = AppDirs::under(home.path().into());
    let (mut app, _) = demo_app(home.path());
    let id = track_id(&app, "Drums");
    let _ = app.update(set(Param::Track(id, TrackField::Gain), -11.0));
    let _ = app.update(release(Param::Track(id, TrackField::Gain)));
    let _ = app.update(Message::Files(files::Message::Autosave));
    assert_eq!(std::fs::read_dir(dirs.autosave_dir()).unwrap().count(), 2);
    // This session is alive, so it is not offered.
    assert!(stemmix::ui::autosave::find_recoveries(&dirs.autosave_dir()).is_empty());
    // Pretend it crashed: its process is gone.
    fake_crash(&dirs.autosave_dir());
    drop(app);

    // The next start offers it.
    let (link, _) = recording();
    let mut app = App::new(Some(dirs.clone()), link);
    app.open_path(&demo_path());
    assert_eq!(app.recoveries().len(), 1);
    assert!(ui(&app).find(selector::id("recovery-restore")).is_ok());
    click_id(&mut app, "recovery-restore");
    assert!(wait_for_jobs(&mut app, JOBS));
    assert!(app.recoveries().is_empty());
    assert_eq!(track(&app, track_id(&app, "Drums")).gain_db, -11.0);
    assert!(app.is_dirty(), "restored changes are unsaved");
    assert_eq!(app.path(), Some(demo_path().as_path()));
    assert!(ui(&app).find(selector::id("recovery-restore")).is_err());
    // The restored state is this session's autosave now; saving clears it.
    let out = tempfile::tempdir().unwrap();
    assert!(app.save_to(out.path().join("kept.stemmix")));
    assert_eq!(std::fs::read_dir(dirs.autosave_dir()).unwrap().count(), 0);

    // An offer can also be discarded, for good.
    let id = track_id(&app, "Drums");
    let _ = app.update(set(Param::Track(id, TrackField::Gain), -12.0));
    let _ = app.update(Message::Files(files::Message::Autosave));
    fake_crash(&dirs.autosave_dir());
    let (link, _) = recording();
    let mut app = App::new(Some(dirs.clone()), link);
    assert_eq!(app.recoveries().len(), 1);
    click_id(&mut app, "recovery-discard");
    assert!(app.recoveries().is_empty());
    assert_eq!(std::fs::read_dir(dirs.autosave_dir()).unwrap().count(), 0);
    let (link, _) = recording();
    assert!(App::new(Some(dirs), link).recoveries().is_empty());
}

/// A backend whose track clips while `clip` is set; like the engine, it latches the light
/// until it is cleared.
struct ClippingPort {
    track: TrackId,
    clip: std::sync::Arc<std::sync::atomic::AtomicBool>,
    latched: bool,
}

impl EnginePort for ClippingPort {
    fn send(&mut self, _: Command) {}
    fn poll(&mut self, view: &mut EngineView) {
        let clip = self.clip.load(std::sync::atomic::Ordering::Relaxed);
        self.latched |= clip;
        let mut m = ChannelMeter::default();
        m.peak_db = [if clip { 0.5 } else { -6.0 }; 2];
        m.rms_db = [-12.0; 2];
        m.hold_db = [0.5; 2];
        m.clip = self.latched;
        view.tracks.insert(self.track, m);
    }
    fn max_block(&self) -> usize {
        64
    }
    fn clear_clip(&mut self, track: Option<TrackId>) {
        if track == Some(self.track) {
            self.latched = false;
        }
    }
}

#[test]
fn clip_lights_latch_until_clicked() {
    let home = tempfile::tempdir().unwrap();
    let p = project::load(&demo_path()).unwrap();
    let id = p.tracks[0].id;
    let clip = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let link = EngineLink::new(Box::new(ClippingPort {
        track: id,
        clip: clip.clone(),
        latched: false,
    }));
    let mut app = App::with_project(p, None, Some(AppDirs::under(home.path().into())), link);
    assert!(wait_for_jobs(&mut app, JOBS));
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert!(app.link().clipped(Some(id)));
    clip.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert!(app.link().clipped(Some(id)), "latched");
    // The clip light is the top of the meter.
    let b = bounds(&app, &format!("meter-{}", id.0));
    let msgs = play(
        &mut app,
        &[
            Step::Press(Point::new(b.center_x(), b.y + 3.0)),
            Step::Release,
        ],
    );
    assert!(
        matches!(msgs.as_slice(), [Message::Mixer(mixer::Message::ClearClip(Some(i)))] if *i == id),
        "{msgs:?}"
    );
    assert!(!app.link().clipped(Some(id)));
    // Meters still up: ticks continue; the backend above never settles.
    assert!(app.needs_frames());
}

#[test]
fn idle_needs_no_ticks() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    // Stopped, meters settled, nothing decoding: no tick subscription.
    assert!(!app.needs_frames());
    let _ = app.update(Message::Transport(transport::Message::TogglePlay));
    assert!(app.needs_frames());
    let _ = app.update(Message::Transport(transport::Message::TogglePlay));
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert!(!app.needs_frames());
}

#[test]
fn markers_and_sample_rate_are_editable() {
    use stemmix::ui::edit::Choice;
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    assert_eq!(app.project().markers.len(), 1);
    // Markers: add at the playhead, rename (one undo step), move, go to, remove.
    let _ = app.update(Message::Timeline(timeline::Message::Seek(48_000)));
    let _ = app.update(Message::Editor(editor::Message::AddMarker));
    let m = &app.project().markers;
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].name.as_str(), m[0].time_s), ("Marker 2", 1.0));
    let _ = app.update(select(Selection::Master));
    assert!(
        ui(&app).find("Bar 3").is_ok(),
        "the master panel lists the markers"
    );
    let steps = app.undo_steps();
    for name in ["I", "In", "Intro"] {
        let _ = app.update(Message::Editor(editor::Message::MarkerName(0, name.into())));
    }
    let _ = app.update(Message::Editor(editor::Message::MarkerNameDone(0)));
    assert_eq!(app.project().markers[0].name, "Intro");
    assert_eq!(app.undo_steps(), steps + 1);
    let _ = app.update(Message::Timeline(timeline::Message::Seek(48_000 * 6)));
    let _ = app.update(Message::Editor(editor::Message::MoveMarker(0)));
    let names: Vec<&str> = app
        .project()
        .markers
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["Bar 3", "Intro"], "kept in time order");
    clear(&rec);
    let _ = app.update(Message::Editor(editor::Message::GoToMarker(0)));
    assert_eq!(commands(&rec), ["Seek(230400)"]);
    let _ = app.update(Message::Editor(editor::Message::RemoveMarker(0)));
    assert_eq!(app.project().markers.len(), 1);

    // Sample rate: the stems are decoded again at the new rate and the graph rebuilt.
    clear(&rec);
    assert_eq!(app.length_frames(), 480_000);
    let _ = app.update(Message::Editor(editor::Message::Choose(
        Choice::SampleRate(44_100),
    )));
    assert_eq!(app.project().sample_rate, 44_100);
    assert!(wait_for_jobs(&mut app, JOBS));
    assert!(commands(&rec).iter().any(|c| c.contains("ReplaceGraph")));
    assert_eq!(app.length_frames(), 441_000);
    assert!(app.notice_texts().is_empty(), "{:?}", app.notice_texts());
    let _ = app.update(Message::Undo);
    assert_eq!(app.project().sample_rate, 48_000);
    assert!(wait_for_jobs(&mut app, JOBS));
    assert_eq!(app.length_frames(), 480_000);
}

#[test]
fn the_pan_law_is_chosen_in_the_master_editor_and_reaches_every_strip() {
    use stemmix::project::{MonoPanLaw, StereoPanLaw};
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let drums = track_id(&app, "Drums");
    let width = Param::Track(drums, TrackField::Width);
    assert!(
        ui(&app).find(selector::id(width.widget_id())).is_err(),
        "no width knob under the balance law"
    );
    let _ = app.update(select(Selection::Master));
    clear(&rec);
    let mut ui_ = ui(&app);
    let _ = ui_.click("−6 dB").unwrap();
    let _ = ui_.click("Width + position").unwrap();
    let msgs: Vec<Message> = ui_.into_messages().collect();
    for m in msgs {
        let _ = app.update(m);
    }
    let law = app.project().pan_law;
    assert_eq!(
        (law.mono, law.stereo),
        (MonoPanLaw::Db6, StereoPanLaw::WidthPosition)
    );
    for t in &app.project().tracks {
        let sent = track_params(&rec, t.id);
        assert_eq!(
            sent.last(),
            Some(&TrackParam::PanLaw(law)),
            "{}: {sent:?}",
            t.name
        );
    }
    // A stereo track's editor now has a width knob, which reaches the engine.
    let _ = app.update(select(Selection::Track(drums)));
    assert!(ui(&app).find(selector::id(width.widget_id())).is_ok());
    clear(&rec);
    let _ = app.update(set(width, 0.5));
    let _ = app.update(release(width));
    assert_eq!(track_params(&rec, drums), [TrackParam::Width(0.5)]);
    assert_eq!(track(&app, drums).width, 0.5);
    // Each choice is an undo step; undoing them plays the old law again.
    for _ in 0..3 {
        let _ = app.update(Message::Undo);
    }
    assert_eq!(app.project().pan_law, project::PanLaw::default());
    assert_eq!(
        track_params(&rec, drums).last(),
        Some(&TrackParam::PanLaw(project::PanLaw::default()))
    );
}
