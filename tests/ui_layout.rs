//! The window's layout and the timeline's editing gestures, driven headlessly like
//! `ui_app.rs`: the fader travel measured from the laid-out window at laptop and desktop sizes,
//! strips that narrow before they scroll, a plain wheel over the strips' scroll bar, one
//! selection for lanes and strips, remembered splitters; resizing the loop by its edge, adding,
//! renaming, dragging and removing markers; the name and colour of a track a file lists only by
//! its source; notices in the status bar; the master's loudness and true-peak readouts.

#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use driver::*;
use iced::keyboard::{Key, key::Named};
use iced::{Point, Rectangle, Size};
use iced_test::selector;
use recording_port::recording;
use std::path::Path;
use stemmix::engine::{ChannelMeter, Command};
use stemmix::project::{self, Color, Project, TrackId};
use stemmix::ui::app::Message;
use stemmix::ui::context::{LANE_HEADER_W, Selection};
use stemmix::ui::dirs::AppDirs;
use stemmix::ui::engine_link::{EngineLink, EnginePort, EngineView};
use stemmix::ui::layout::{self, MIN_FADER_TRAVEL};
use stemmix::ui::params::{MasterField, Param, ReverbField, TrackField};
use stemmix::ui::widgets::TimeView;
use stemmix::ui::widgets::fader::travel_of;
use stemmix::ui::widgets::timeline::MARKER_ROW_H;
use stemmix::ui::{App, mixer, timeline};

const LAPTOP: Size = Size::new(1280.0, 720.0);
const DESKTOP: Size = Size::new(1920.0, 1080.0);

/// The app resized to `size`.
fn resize(app: &mut App, size: Size) {
    let _ = app.update(Message::Resized(size));
    assert_eq!(app.window_size(), size);
}

/// The demo project with its tracks repeated to `n` tracks.
fn many_tracks(n: usize) -> Project {
    let mut p = project::load(&demo_path()).unwrap();
    let base = p.tracks.clone();
    p.tracks = (0..n)
        .map(|i| project::Track {
            id: TrackId::fresh(),
            name: format!("{} {}", base[i % base.len()].name, i + 1),
            ..base[i % base.len()].clone()
        })
        .collect();
    p
}

fn app_with(p: Project, home: &Path) -> App {
    let (link, _) = recording();
    let mut app = App::with_project(p, None, Some(AppDirs::under(home.to_path_buf())), link);
    assert!(wait_for_jobs(&mut app, JOBS));
    app
}

/// The pixels of travel of the fader with this parameter, measured from its laid-out bounds.
fn fader_travel(app: &App, param: Param) -> (Rectangle, f32) {
    let b = bounds(app, &param.widget_id());
    (b, travel_of(b.height).1)
}

#[test]
fn faders_keep_their_travel_on_a_laptop_and_grow_on_a_desktop() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let drums = track_id(&app, "Drums");
    let mut travels = Vec::new();
    for size in [LAPTOP, DESKTOP] {
        resize(&mut app, size);
        let g = app.geometry();
        let (b, travel) = fader_travel(&app, Param::Track(drums, TrackField::Gain));
        eprintln!(
            "{}×{}: fader travel {travel:.0} px (fader {:.0}×{:.0} at y {:.0}), lanes {:.0} px \
             ({:.0} each), strips {:.0} px, editor {:.0} px",
            size.width,
            size.height,
            b.width,
            b.height,
            b.y,
            g.lanes_h,
            g.lane_h,
            g.strip_w,
            g.editor_w
        );
        assert!(
            (travel - g.fader_travel()).abs() <= 1.0,
            "{travel} vs {g:?}"
        );
        assert!(travel >= MIN_FADER_TRAVEL, "{travel} px at {size:?}");
        // Every fader of the mixer has the same travel, and every meter the fader's span: one
        // scale for both.
        for p in [
            Param::Reverb(ReverbField::Return),
            Param::Master(MasterField::Gain),
        ] {
            let (other, t) = fader_travel(&app, p);
            assert_eq!((other.y, t), (b.y, travel), "{p:?}");
        }
        let meter = bounds(&app, &format!("meter-{}", drums.0));
        assert_eq!((meter.y, meter.height), (b.y, b.height));
        // The editor reaches the window's right edge (less the padding): no room is left over.
        let editor = bounds(&app, "editor");
        assert!((editor.x + editor.width - (size.width - layout::SIDE_PAD)).abs() <= 1.0);
        assert_eq!(editor.width, g.editor_w);
        travels.push((travel, g.strip_w, g.editor_w));
    }
    let (small, large) = (travels[0], travels[1]);
    assert!(large.0 > small.0 + 250.0, "{travels:?}");
    assert!(
        large.1 >= small.1 && large.2 > small.2 + 400.0,
        "{travels:?}"
    );
}

#[test]
fn many_tracks_narrow_the_strips_then_scroll_and_the_wheel_scrolls_them() {
    let home = tempfile::tempdir().unwrap();
    // Twelve tracks fit a desktop screen in narrower strips, without a scroll bar.
    let mut app = app_with(many_tracks(12), home.path());
    resize(&mut app, DESKTOP);
    let g = app.geometry();
    assert!(!g.strips_scroll && g.strip_w < layout::MAX_STRIP_W, "{g:?}");
    let last = app.project().tracks[11].id;
    let fader = bounds(&app, &Param::Track(last, TrackField::Gain).widget_id());
    let reverb = bounds(&app, &Param::Reverb(ReverbField::Return).widget_id());
    assert!(
        fader.x + fader.width < reverb.x,
        "the 12th strip fits beside the buses"
    );

    // On a laptop they scroll.
    resize(&mut app, LAPTOP);
    let g = app.geometry();
    assert!(g.strips_scroll && g.strip_w == layout::MIN_STRIP_W, "{g:?}");
    let (b, travel) = fader_travel(
        &app,
        Param::Track(app.project().tracks[0].id, TrackField::Gain),
    );
    assert!(
        travel >= MIN_FADER_TRAVEL && (travel - g.fader_travel()).abs() <= 1.0,
        "{travel} {g:?}"
    );
    // A plain wheel turn over the scroll bar under the strips scrolls them sideways.
    let scrollbar = Point::new(
        b.x + 20.0,
        b.y + b.height + layout::STRIP_PAD + layout::STRIP_SCROLLBAR_H - 3.0,
    );
    let msgs = play(&mut app, &[Step::Wheel(scrollbar, -2.0)]);
    assert!(
        msgs.iter()
            .any(|m| matches!(m, Message::Mixer(mixer::Message::Scrolled(x)) if *x > 0.0)),
        "{msgs:?}"
    );
    // Over a fader, the wheel moves the fader instead.
    let before = app.project().tracks[0].gain_db;
    let _ = play(&mut app, &[Step::Wheel(b.center(), 1.0)]);
    assert_eq!(app.project().tracks[0].gain_db, before + 0.5);
}

#[test]
fn lanes_and_strips_share_one_selection() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let keys = track_id(&app, "Keys");
    // A click in a lane's waveform selects its track (and seeks).
    let lane = bounds(&app, &format!("lane-{}", keys.0));
    let msgs = play(
        &mut app,
        &[
            Step::Press(Point::new(lane.x + LANE_HEADER_W + 200.0, lane.center_y())),
            Step::Release,
        ],
    );
    assert_eq!(app.selection(), Some(Selection::Track(keys)), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| matches!(m, Message::Timeline(timeline::Message::Seek(_))))
    );
    // A click on a strip selects it for the lanes too (their headers show the same one).
    let bass = track_id(&app, "Bass");
    let strip = bounds(&app, &Param::Track(bass, TrackField::Pan).widget_id());
    let _ = play(
        &mut app,
        &[
            Step::Press(Point::new(strip.x, strip.y - 30.0)),
            Step::Release,
        ],
    );
    assert_eq!(app.selection(), Some(Selection::Track(bass)));
}

#[test]
fn splitters_and_the_window_are_remembered_between_runs() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    resize(&mut app, Size::new(1500.0, 950.0));
    let lanes = app.geometry().lanes_h;
    // Drag the timeline/mixer splitter up by 40 px, and the editor's by 100 px to the left.
    for dy in [-10.0, -25.0, -40.0] {
        let _ = app.update(Message::Layout(layout::Message::DragLanes(dy)));
    }
    let _ = app.update(Message::Layout(layout::Message::DragDone));
    let editor = app.geometry().editor_w;
    let _ = app.update(Message::Layout(layout::Message::DragEditor(-100.0)));
    let _ = app.update(Message::Layout(layout::Message::DragDone));
    assert_eq!(app.geometry().lanes_h, lanes - 40.0);
    assert_eq!(app.geometry().editor_w, editor + 100.0);
    let _ = app.update(Message::Layout(layout::Message::Moved(Point::new(
        33.0, 44.0,
    ))));
    let _ = app.update(Message::CloseRequested);
    assert!(app.is_quitting());

    let prefs = layout::WindowPrefs::load(&AppDirs::under(home.path().into()).config);
    assert_eq!(prefs.size, Some((1500.0, 950.0)));
    assert_eq!(prefs.position, Some((33.0, 44.0)));
    let (app, _) = demo_app(home.path());
    assert_eq!(app.window_size(), Size::new(1500.0, 950.0));
    assert_eq!(app.geometry().lanes_h, lanes - 40.0);
    assert_eq!(app.geometry().editor_w, editor + 100.0);
    // Folding the lanes away (double-click on the splitter) is remembered too.
    let mut app = app;
    let _ = app.update(Message::Layout(layout::Message::ToggleLanes));
    assert_eq!(app.geometry().lanes_h, 0.0);
    let (app, _) = demo_app(home.path());
    assert!(app.splits().lanes_folded);
    assert_eq!(app.geometry().lanes_h, 0.0);
}

/// Where the timeline shows frames: the x of a frame in window coordinates, and the ruler's
/// top. (The demo's view is fitted to the window.)
struct Ruler {
    view: TimeView,
    x0: f32,
    top: f32,
}

impl Ruler {
    fn of(app: &App) -> Ruler {
        let width = (app.window_size().width - LANE_HEADER_W - 24.0).max(100.0);
        let view = timeline::Timeline::default().effective(app.length_frames(), width);
        let t = bounds(app, "timeline");
        Ruler {
            view,
            x0: t.x + layout::SIDE_PAD + LANE_HEADER_W,
            top: t.y + 6.0,
        }
    }

    fn x(&self, seconds: f64) -> f32 {
        self.x0 + self.view.x_of(seconds * 48_000.0)
    }

    fn seconds(&self, dx: f32) -> f64 {
        f64::from(dx) * self.view.frames_per_px / 48_000.0
    }
}

/// A sideways drag from `from` by `dx` pixels in 5-pixel moves.
fn drag_x(from: Point, dx: f32) -> Vec<Step> {
    let mut v = vec![Step::Press(from)];
    let n = (dx.abs() / 5.0).ceil() as i32;
    for i in 1..=n {
        v.push(Step::Move(Point::new(
            from.x + dx * i as f32 / n as f32,
            from.y,
        )));
    }
    v.push(Step::Release);
    v
}

#[test]
fn the_loop_is_resized_by_its_edges_and_moved_by_its_inside() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, rec) = demo_app(home.path());
    let r = Ruler::of(&app);
    let (start, end) = (2.4, 7.2);
    let loop_of = |app: &App| {
        let l = app.project().loop_region.unwrap();
        (l.start_s, l.end_s)
    };
    assert_eq!(loop_of(&app), (start, end));
    let steps = app.undo_steps();
    // The end edge, on a lane: the start stays, the end follows the pointer.
    let keys = bounds(&app, &format!("lane-{}", track_id(&app, "Keys").0));
    rec.lock().unwrap().clear();
    let _ = play(
        &mut app,
        &drag_x(Point::new(r.x(end), keys.center_y()), 60.0),
    );
    let (a, b) = loop_of(&app);
    assert_eq!(a, start);
    assert!((b - (end + r.seconds(60.0))).abs() < 0.02, "{b}");
    assert_eq!(app.undo_steps(), steps + 1, "one undo step per drag");
    assert!(
        !rec.lock()
            .unwrap()
            .iter()
            .any(|c| matches!(c, Command::Seek(_))),
        "grabbing an edge does not move the playhead"
    );
    // The start edge, on the ruler's time scale, past the end: the region stays ordered.
    let y = r.top + MARKER_ROW_H + 10.0;
    let _ = play(
        &mut app,
        &drag_x(Point::new(r.x(start), y), r.x(b) - r.x(start) + 40.0),
    );
    let (a2, b2) = loop_of(&app);
    assert!(
        (a2 - b).abs() < 0.02 && (b2 - (b + r.seconds(40.0))).abs() < 0.02,
        "{a2} {b2}"
    );
    // Dragging inside the loop on the ruler moves it whole.
    let len = b2 - a2;
    let _ = play(&mut app, &drag_x(Point::new(r.x(a2 + len / 2.0), y), -80.0));
    let (a3, b3) = loop_of(&app);
    assert!((a3 - (a2 - r.seconds(80.0))).abs() < 0.02, "{a3}");
    assert!(((b3 - a3) - len).abs() < 1e-3, "the length is kept");
    assert_eq!(app.undo_steps(), steps + 3);
    // Dragging elsewhere on a lane still makes a new loop.
    let _ = play(
        &mut app,
        &drag_x(Point::new(r.x(0.5), keys.center_y()), 50.0),
    );
    let (a4, b4) = loop_of(&app);
    assert!((a4 - 0.5).abs() < 0.02 && (b4 - (0.5 + r.seconds(50.0))).abs() < 0.02);
    let _ = app.update(Message::Undo);
    assert_eq!(loop_of(&app), (a3, b3));
}

#[test]
fn markers_are_added_renamed_dragged_and_removed_on_the_ruler() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let r = Ruler::of(&app);
    let row = r.top + MARKER_ROW_H / 2.0;
    let steps = app.undo_steps();
    // Double-click the empty marker row at 1.5 s: a marker there, and its name box.
    let at = Point::new(r.x(1.5), row);
    let _ = play(
        &mut app,
        &[
            Step::Press(at),
            Step::Release,
            Step::Press(at),
            Step::Release,
        ],
    );
    let m = &app.project().markers;
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].name, "Marker 2");
    assert!((m[0].time_s - 1.5).abs() < 0.02, "{}", m[0].time_s);
    assert_eq!(app.undo_steps(), steps + 1);
    // Type a name; Enter keeps it and leaves the box.
    let name_box = bounds(&app, timeline::MARKER_NAME_ID);
    let msgs = {
        let mut ui = ui(&app);
        let _ = ui.click(selector::id(timeline::MARKER_NAME_ID));
        let _ = ui.typewrite(" Intro");
        assert!(ui.find(selector::is_focused()).is_ok());
        let _ = ui.tap_key(Key::Named(Named::Enter));
        assert!(
            ui.find(selector::is_focused()).is_err(),
            "Enter gives up the focus"
        );
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in msgs {
        let _ = app.update(m);
    }
    assert!(name_box.width > 0.0);
    assert_eq!(app.project().markers[0].name, "Marker 2 Intro");
    assert_eq!(app.undo_steps(), steps + 2);
    assert!(
        ui(&app)
            .find(selector::id(timeline::MARKER_NAME_ID))
            .is_err()
    );

    // Drag "Bar 3" (4.8 s) by its flag to the right, then back past the new marker: it is
    // followed through the re-sorting, and each drag is one undo step.
    let bar3 = |app: &App| {
        app.project()
            .markers
            .iter()
            .find(|m| m.name == "Bar 3")
            .unwrap()
            .time_s
    };
    let _ = play(&mut app, &drag_x(Point::new(r.x(4.8), row), 70.0));
    let moved = bar3(&app);
    assert!((moved - (4.8 + r.seconds(70.0))).abs() < 0.02, "{moved}");
    assert_eq!(app.undo_steps(), steps + 3);
    let dx = r.x(1.0) - r.x(moved);
    let _ = play(&mut app, &drag_x(Point::new(r.x(moved), row), dx));
    assert!((bar3(&app) - 1.0).abs() < 0.02, "{}", bar3(&app));
    let names: Vec<&str> = app
        .project()
        .markers
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["Bar 3", "Marker 2 Intro"]);
    assert_eq!(app.undo_steps(), steps + 4);
    // A right-click removes a marker.
    let _ = play(&mut app, &[Step::RightClick(Point::new(r.x(1.0), row))]);
    assert_eq!(app.project().markers.len(), 1);
    assert_eq!(app.project().markers[0].name, "Marker 2 Intro");
    let _ = app.update(Message::Undo);
    assert_eq!(app.project().markers.len(), 2);
}

#[test]
fn a_track_listed_by_its_source_alone_is_named_after_its_file_in_the_next_colour() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.stemmix");
    let stems = stems_dir();
    std::fs::write(
        &path,
        format!(
            "(tracks: [(source: {:?}), (source: {:?}), (name: \"Lead\", source: {:?}, color: \"#d95b6f\")])",
            stems.join("drums.wav"),
            stems.join("bass.wav"),
            stems.join("lead.wav"),
        ),
    )
    .unwrap();
    let (link, _) = recording();
    let mut app = App::new(Some(AppDirs::under(home.path().into())), link);
    app.open_path(&path);
    assert!(wait_for_jobs(&mut app, JOBS));
    let t = &app.project().tracks;
    let got: Vec<(&str, Color)> = t.iter().map(|t| (t.name.as_str(), t.color)).collect();
    assert_eq!(
        got,
        [
            ("drums", Color::nth(0)),
            ("bass", Color::nth(1)),
            ("Lead", Color::rgb(0xd9, 0x5b, 0x6f))
        ]
    );
    // The strips and the lanes show those names.
    let mut ui = ui(&app);
    for name in ["drums", "bass"] {
        let found = ui.find(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(found.bounds().width > 0.0);
    }
}

#[test]
fn the_editors_name_box_gives_up_the_focus_on_enter() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let msgs = {
        let mut ui = ui(&app);
        let _ = ui.click(selector::id(stemmix::ui::editor::NAME_ID));
        let _ = ui.typewrite("!");
        assert!(ui.find(selector::is_focused()).is_ok());
        let _ = ui.tap_key(Key::Named(Named::Enter));
        assert!(ui.find(selector::is_focused()).is_err());
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in msgs {
        let _ = app.update(m);
    }
    assert_eq!(app.project().tracks[0].name, "Drums!");
}

#[test]
fn notices_sit_in_the_status_bar() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    app.open_path(Path::new("/nonexistent/song.stemmix"));
    let texts = app.notice_texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
    let status = bounds(&app, "status-bar");
    let mut ui = ui(&app);
    let text = ui.find(texts[0].as_str()).unwrap().bounds();
    assert!(status.contains(text.center()), "{text:?} not in {status:?}");
    // The mixer is where it was: nothing covers it or moved it.
    let dismiss = ui.find(selector::id("notice-dismiss")).unwrap().bounds();
    drop(ui);
    assert!(status.contains(dismiss.center()));
    let _ = play(&mut app, &[Step::Press(dismiss.center()), Step::Release]);
    assert!(app.notice_texts().is_empty());
}

/// A backend reporting fixed master loudness figures and levels.
struct LoudPort;

impl EnginePort for LoudPort {
    fn send(&mut self, _: Command) {}
    fn poll(&mut self, view: &mut EngineView) {
        view.loudness.short_term = -13.84;
        view.loudness.true_peak_dbtp = -0.62;
        let mut m = ChannelMeter::default();
        m.peak_db = [-3.3, -4.0];
        m.rms_db = [-12.0; 2];
        view.master = m;
    }
    fn max_block(&self) -> usize {
        64
    }
    fn clear_clip(&mut self, _: Option<TrackId>) {}
}

#[test]
fn the_master_shows_true_peak_short_term_loudness_and_its_highest_peak() {
    let home = tempfile::tempdir().unwrap();
    let p = project::load(&demo_path()).unwrap();
    let link = EngineLink::new(Box::new(LoudPort));
    let mut app = App::with_project(p, None, Some(AppDirs::under(home.path().into())), link);
    assert!(wait_for_jobs(&mut app, JOBS));
    let _ = app.update(Message::Tick(std::time::Instant::now()));
    let readout = bounds(&app, "master-readout");
    let mut ui = ui(&app);
    for figure in ["-0.6", "-13.8"] {
        // The figure inside the master strip's readout (the transport shows it as well).
        let in_readout = |c: selector::Candidate<'_>| match c {
            selector::Candidate::Text {
                bounds, content, ..
            } if content == figure && readout.contains(bounds.center()) => Some(bounds),
            _ => None,
        };
        assert!(
            ui.find(in_readout).is_ok(),
            "{figure} not in the master's readout"
        );
    }
    drop(ui);
    // The highest peak is kept (and a click on the value box forgets it).
    let meter = bounds(&app, "master-meter");
    let msgs = play(
        &mut app,
        &[
            Step::Press(Point::new(meter.center_x(), meter.y + meter.height - 5.0)),
            Step::Release,
        ],
    );
    assert!(
        matches!(
            msgs.as_slice(),
            [Message::Mixer(mixer::Message::ResetPeak(Selection::Master))]
        ),
        "{msgs:?}"
    );
}
