//! The EQ and compressor editors driven headlessly with iced_test: raw mouse input on the EQ
//! editor's nodes and the compressor's knobs; the project, the undo history and the commands
//! the engine received are checked, and what the app asks the live spectrum to tap. Run with `ICED_TEST_BACKEND=tiny-skia` (set by
//! `.cargo/config.toml`).

#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use driver::*;
use iced::keyboard::Modifiers;
use iced::{Point, Rectangle};
use iced_test::selector;
use recording_port::Recorded;
use stemmix::engine::spectrum_tap::{TapPoint, TapSelection};
use stemmix::engine::{Command, GraphCommand, TrackParam};
use stemmix::project::{CompressorSettings, EqSettings, TrackId};
use stemmix::ui::app::Message;
use stemmix::ui::context::Selection;
use stemmix::ui::controls::TypeMsg;
use stemmix::ui::dirs::AppDirs;
use stemmix::ui::editor::{EQ_EDITOR_ID, EQ_LARGE_ID, HISTORY_ID, TRANSFER_ID};
use stemmix::ui::engine_link::{EngineLink, EnginePort, EngineView};
use stemmix::ui::params::{Band, Param, TrackField};
use stemmix::ui::widgets::eq_editor::{self, GRAB_RADIUS, Q_PER_NOTCH};
use stemmix::ui::{App, editor};

fn clear(rec: &Recorded) {
    rec.lock().unwrap().clear();
}

/// The EQ settings the engine was told about for track `id`, in order.
fn eq_commands(rec: &Recorded, id: TrackId) -> Vec<EqSettings> {
    rec.lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::Graph(GraphCommand::Track(t, TrackParam::Eq(e))) if *t == id => Some(*e),
            _ => None,
        })
        .collect()
}

/// The compressor settings the engine was told about for track `id`, in order.
fn comp_commands(rec: &Recorded, id: TrackId) -> Vec<CompressorSettings> {
    rec.lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::Graph(GraphCommand::Track(t, TrackParam::Compressor(c))) if *t == id => {
                Some(*c)
            }
            _ => None,
        })
        .collect()
}

/// The demo project with the Bass track selected; the recorder is cleared.
fn bass(home: &std::path::Path) -> (App, Recorded, TrackId) {
    let (mut app, rec) = demo_app(home);
    tall_window(&mut app);
    let id = track_id(&app, "Bass");
    let _ = app.update(select(Selection::Track(id)));
    clear(&rec);
    (app, rec, id)
}

/// Where band `b`'s node of track `id` is drawn in the editor at `editor`.
fn node(app: &App, id: TrackId, b: Band, editor: Rectangle) -> Point {
    let (_, f, g, _) = track(app, id).eq.band_values(b);
    eq_editor::node_position(editor, f, g)
}

#[test]
fn dragging_a_node_moves_frequency_and_gain_with_the_pointer_in_one_undo_step() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec, id) = bass(home.path());
    let e = bounds(&app, EQ_EDITOR_ID);
    let steps0 = app.undo_steps();
    let from = node(&app, id, Band::Peak1, e);
    // Right by 60 px and up by 30, in 30 moves.
    let mut steps = vec![Step::Press(from)];
    for i in 1..=30 {
        let t = i as f32 / 30.0;
        steps.push(Step::Move(Point::new(from.x + 60.0 * t, from.y - 30.0 * t)));
    }
    steps.push(Step::Release);
    play(&mut app, &steps);
    let to = Point::new(from.x + 60.0, from.y - 30.0);
    let area = eq_editor::plot_area(e.size());
    let local = Point::new(to.x - e.x, to.y - e.y);
    let want_f = eq_editor::hz_at(local.x, area);
    let want_g = eq_editor::db_at(local.y, area);
    let b = track(&app, id).eq.peak1;
    assert!(
        (b.freq_hz / want_f - 1.0).abs() < 1e-3,
        "{} vs {want_f}",
        b.freq_hz
    );
    assert!(
        (b.gain_db - want_g).abs() < 0.01,
        "{} vs {want_g}",
        b.gain_db
    );
    // 30 px of a ±18 dB plot is about +7 dB here: the node really moved.
    assert!(b.gain_db > 3.0);
    // The node is now under the pointer.
    assert!(node(&app, id, Band::Peak1, e).distance(to) < 0.5);
    assert_eq!(app.undo_steps(), steps0 + 1, "one undo step per drag");
    let sent = eq_commands(&rec, id);
    assert!(
        sent.len() > 5,
        "the engine follows the drag: {} commands",
        sent.len()
    );
    assert_eq!(sent.last().copied(), Some(track(&app, id).eq));

    // Undo puts both values back at once.
    let _ = app.update(Message::Undo);
    let back = track(&app, id).eq.peak1;
    assert!(back.freq_hz != b.freq_hz && back.gain_db != b.gain_db);
    assert_eq!(app.undo_steps(), steps0);
}

#[test]
fn shift_drags_a_node_at_a_quarter_of_the_speed() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _rec, id) = bass(home.path());
    let e = bounds(&app, EQ_EDITOR_ID);
    let from = node(&app, id, Band::Peak2, e);
    play(
        &mut app,
        &[
            Step::Mods(Modifiers::SHIFT),
            Step::Press(from),
            Step::Move(Point::new(from.x + 40.0, from.y + 40.0)),
            Step::Release,
            Step::Mods(Modifiers::empty()),
        ],
    );
    let to = node(&app, id, Band::Peak2, e);
    assert!((to.x - (from.x + 10.0)).abs() < 0.5, "{from:?} → {to:?}");
    assert!((to.y - (from.y + 10.0)).abs() < 0.5, "{from:?} → {to:?}");
}

#[test]
fn wheel_over_a_node_changes_q_and_double_click_toggles_the_band() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec, id) = bass(home.path());
    let e = bounds(&app, EQ_EDITOR_ID);
    let q0 = track(&app, id).eq.peak1.q;
    let steps0 = app.undo_steps();
    let at = node(&app, id, Band::Peak1, e);
    play(&mut app, &[Step::Wheel(at, 1.0)]);
    let q1 = track(&app, id).eq.peak1.q;
    assert!(
        (q1 / q0 - 2f32.powf(Q_PER_NOTCH)).abs() < 1e-4,
        "{q0} → {q1}"
    );
    assert_eq!(app.undo_steps(), steps0 + 1);
    assert_eq!(eq_commands(&rec, id).last().map(|e| e.peak1.q), Some(q1));
    // Down two notches: back below where it started.
    play(&mut app, &[Step::Wheel(at, -2.0)]);
    assert!(track(&app, id).eq.peak1.q < q0);
    // The wheel away from any node changes nothing.
    let q2 = track(&app, id).eq.peak1.q;
    let empty = Point::new(at.x, e.y + e.height - 20.0);
    assert!(empty.distance(at) > GRAB_RADIUS);
    play(&mut app, &[Step::Wheel(empty, 1.0)]);
    assert_eq!(track(&app, id).eq.peak1.q, q2);

    // Double-click: off, and the engine hears it; again: on.
    let on = track(&app, id).eq.peak1.enabled;
    clear(&rec);
    let dbl = [
        Step::Press(at),
        Step::Release,
        Step::Press(at),
        Step::Release,
    ];
    play(&mut app, &dbl);
    assert_eq!(track(&app, id).eq.peak1.enabled, !on);
    assert_eq!(
        eq_commands(&rec, id).last().map(|e| e.peak1.enabled),
        Some(!on)
    );
    // A single click does nothing.
    let before = track(&app, id).eq;
    play(&mut app, &[Step::Press(at), Step::Release]);
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(track(&app, id).eq, before);
    play(&mut app, &dbl);
    assert_eq!(track(&app, id).eq.peak1.enabled, on);
}

#[test]
fn alt_drag_on_a_node_changes_q() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _rec, id) = bass(home.path());
    let e = bounds(&app, EQ_EDITOR_ID);
    let before = track(&app, id).eq.peak2;
    let at = node(&app, id, Band::Peak2, e);
    play(
        &mut app,
        &[
            Step::Mods(Modifiers::ALT),
            Step::Press(at),
            Step::Move(Point::new(at.x + 30.0, at.y - eq_editor::Q_DOUBLING_PX)),
            Step::Release,
            Step::Mods(Modifiers::empty()),
        ],
    );
    let after = track(&app, id).eq.peak2;
    assert!(
        (after.q / before.q - 2.0).abs() < 1e-3,
        "{} → {}",
        before.q,
        after.q
    );
    assert_eq!(after.freq_hz, before.freq_hz);
    assert_eq!(after.gain_db, before.gain_db);
}

#[test]
fn ctrl_wheel_or_the_button_enlarges_the_eq_view() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _rec, id) = bass(home.path());
    let has_large = |app: &App| ui(app).find(selector::id(EQ_LARGE_ID)).is_ok();
    assert!(!has_large(&app));
    let e = bounds(&app, EQ_EDITOR_ID);
    play(
        &mut app,
        &[
            Step::Mods(Modifiers::CTRL),
            Step::Wheel(e.center(), 1.0),
            Step::Mods(Modifiers::empty()),
        ],
    );
    assert!(has_large(&app));
    // The large view edits the same band: drag its node there.
    let large = bounds(&app, EQ_LARGE_ID);
    assert!(large.width > 2.0 * e.width && large.height > 2.0 * e.height);
    let from = node(&app, id, Band::Peak1, large);
    play(
        &mut app,
        &[
            Step::Press(from),
            Step::Move(Point::new(from.x, from.y + 50.0)),
            Step::Release,
        ],
    );
    assert!(node(&app, id, Band::Peak1, large).distance(Point::new(from.x, from.y + 50.0)) < 0.5);
    click_id(&mut app, "eq-close");
    assert!(!has_large(&app));
    click_id(&mut app, "eq-enlarge");
    assert!(has_large(&app));
    let _ = app.update(Message::Escape);
    assert!(!has_large(&app));
}

#[test]
fn compressor_values_are_edited_by_knob_and_by_typing_and_reach_the_engine() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec, id) = bass(home.path());
    // The transfer curve and the history strip are there.
    assert!(bounds(&app, TRANSFER_ID).width >= 150.0);
    assert!(bounds(&app, HISTORY_ID).width > 100.0);
    for field in [
        TrackField::Threshold,
        TrackField::Ratio,
        TrackField::Knee,
        TrackField::Attack,
        TrackField::Release,
        TrackField::Makeup,
    ] {
        let param = Param::Track(id, field);
        let steps0 = app.undo_steps();
        let before = track(&app, id).compressor;
        let b = bounds(&app, &param.widget_id());
        play(&mut app, &drag(Point::new(b.center_x(), b.y + 14.0), -20));
        let after = track(&app, id).compressor;
        assert_ne!(before, after, "{field:?}");
        assert_eq!(app.undo_steps(), steps0 + 1, "{field:?}");
        assert_eq!(comp_commands(&rec, id).last(), Some(&after), "{field:?}");
    }
    // Typed: the threshold to −31.5 dB.
    let param = Param::Track(id, TrackField::Threshold);
    for m in [
        TypeMsg::Begin(param),
        TypeMsg::Input("-31.5".into()),
        TypeMsg::Submit,
    ] {
        let _ = app.update(typing(m));
    }
    assert_eq!(track(&app, id).compressor.threshold_db, -31.5);
    assert_eq!(
        comp_commands(&rec, id).last().map(|c| c.threshold_db),
        Some(-31.5)
    );
}

/// A port that keeps what the app asks the live spectrum to tap.
struct TapPort(std::sync::Arc<std::sync::Mutex<Vec<TapSelection>>>);

impl EnginePort for TapPort {
    fn send(&mut self, _: Command) {}
    fn poll(&mut self, view: &mut EngineView) {
        view.playing = true;
    }
    fn max_block(&self) -> usize {
        256
    }
    fn clear_clip(&mut self, _: Option<TrackId>) {}
    fn select_tap(&mut self, tap: TapSelection) {
        self.0.lock().unwrap().push(tap);
    }
}

#[test]
fn the_spectrum_taps_the_edited_track_where_the_switch_says() {
    let home = tempfile::tempdir().unwrap();
    let taps = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let link = EngineLink::new(Box::new(TapPort(taps.clone())));
    let mut app = App::new(Some(AppDirs::under(home.path().to_path_buf())), link);
    app.open_path(&demo_path());
    assert!(wait_for_jobs(&mut app, JOBS));
    let bass = track_id(&app, "Bass");
    let _ = app.update(select(Selection::Track(bass)));
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert_eq!(
        taps.lock().unwrap().last(),
        Some(&Some((bass, TapPoint::PostEq)))
    );
    let n = taps.lock().unwrap().len();
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert_eq!(taps.lock().unwrap().len(), n, "sent only when it changes");
    let _ = app.update(Message::Editor(editor::Message::TapPoint(TapPoint::PreEq)));
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert_eq!(
        taps.lock().unwrap().last(),
        Some(&Some((bass, TapPoint::PreEq)))
    );
    let _ = app.update(select(Selection::Master));
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    assert_eq!(taps.lock().unwrap().last(), Some(&None));
}
