//! Driving the mixer window in tests: the demo project in a window state with a recording
//! engine, raw input played against `App::view` with its messages applied to `App::update`,
//! and the bounds of widgets by id. Test support: not part of the library.
#![allow(dead_code)] // each test binary uses a different subset

use crate::recording_port::{Recorded, recording};
use iced::keyboard::{self, Modifiers};
use iced::mouse;
use iced::{Event, Point, Rectangle, Settings, Size};
use iced_test::{Simulator, selector};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stemmix::project::{Track, TrackId};
use stemmix::ui::app::Message;
use stemmix::ui::context::Selection;
use stemmix::ui::controls::{self, TypeMsg};
use stemmix::ui::dirs::AppDirs;
use stemmix::ui::params::Param;
use stemmix::ui::{App, editor, mixer};

/// The window size the app starts with (its default), and that of most tests.
pub const WINDOW: Size = Size::new(1440.0, 900.0);
/// How long background jobs may take.
pub const JOBS: Duration = Duration::from_secs(60);

pub fn demo_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo/demo.stemmix")
}

pub fn stems_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo/stems")
}

/// Applies display ticks until background decoding and bouncing are done (up to `timeout`);
/// returns whether they finished.
pub fn wait_for_jobs(app: &mut App, timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    loop {
        let _ = app.update(Message::Tick(Instant::now()));
        if !app.is_busy() {
            return true;
        }
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A control moved, as the strips send it.
pub fn set(param: Param, v: f32) -> Message {
    Message::Mixer(mixer::Message::Control(controls::Message::Set(param, v)))
}

/// A control's gesture ended.
pub fn release(param: Param) -> Message {
    Message::Mixer(mixer::Message::Control(controls::Message::Release(param)))
}

/// Typing into a value box, as the editor sends it.
pub fn typing(m: TypeMsg) -> Message {
    Message::Editor(editor::Message::Control(controls::Message::Type(m)))
}

/// Selecting a strip.
pub fn select(s: Selection) -> Message {
    Message::Mixer(mixer::Message::Select(s))
}

/// The demo project open in a window state with a recording engine and app folders in `home`.
pub fn demo_app(home: &Path) -> (App, Recorded) {
    let (link, rec) = recording();
    let mut app = App::new(Some(AppDirs::under(home.to_path_buf())), link);
    app.open_path(&demo_path());
    assert!(
        wait_for_jobs(&mut app, JOBS),
        "stems did not decode in time"
    );
    assert!(app.notice_texts().is_empty(), "{:?}", app.notice_texts());
    (app, rec)
}

/// Makes the window tall enough for the whole track editor (EQ, compressor, input) to show
/// without scrolling: every simulator starts with the editor scrolled to its top.
pub fn tall_window(app: &mut App) {
    let _ = app.update(Message::Resized(Size::new(WINDOW.width, 1500.0)));
}

pub fn track_id(app: &App, name: &str) -> TrackId {
    app.project()
        .tracks
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no track {name}"))
        .id
}

pub fn track(app: &App, id: TrackId) -> &Track {
    app.project().track(id).unwrap()
}

/// The app's view in a simulator of the app's window size.
pub fn ui(app: &App) -> Simulator<'_, Message> {
    Simulator::with_size(Settings::default(), app.window_size(), app.view())
}

/// Bounds of the widget with this id in the current view.
pub fn bounds(app: &App, id: &str) -> Rectangle {
    let mut ui = ui(app);
    ui.find(selector::id(id.to_string()))
        .unwrap_or_else(|e| panic!("{id}: {e}"))
        .bounds()
}

/// Plays raw events against the current view and applies the messages they produce.
pub fn play(app: &mut App, steps: &[Step]) -> Vec<Message> {
    let msgs: Vec<Message> = {
        let mut ui = ui(app);
        for s in steps {
            let event = match *s {
                Step::Press(p) => {
                    ui.point_at(p);
                    Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left))
                }
                Step::Move(p) => {
                    ui.point_at(p);
                    Event::Mouse(mouse::Event::CursorMoved { position: p })
                }
                Step::Release => Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
                Step::Mods(m) => Event::Keyboard(keyboard::Event::ModifiersChanged(m)),
                Step::RightClick(p) => {
                    ui.point_at(p);
                    let _ = ui.simulate([Event::Mouse(mouse::Event::ButtonPressed(
                        mouse::Button::Right,
                    ))]);
                    Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Right))
                }
                Step::Wheel(p, lines) => {
                    ui.point_at(p);
                    Event::Mouse(mouse::Event::WheelScrolled {
                        delta: mouse::ScrollDelta::Lines { x: 0.0, y: lines },
                    })
                }
            };
            let _ = ui.simulate([event]);
        }
        ui.into_messages().collect()
    };
    for m in &msgs {
        let _ = app.update(m.clone());
    }
    msgs
}

/// One step of user input.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// Left button pressed here.
    Press(Point),
    /// Pointer moved here.
    Move(Point),
    /// Left button released.
    Release,
    /// Modifier keys changed.
    Mods(Modifiers),
    /// Right button pressed and released here.
    RightClick(Point),
    /// A wheel turn of this many lines (positive: away from the user) here.
    Wheel(Point, f32),
}

/// A vertical drag of `dy` pixels (negative = up) from `from`, one pixel per move.
pub fn drag(from: Point, dy: i32) -> Vec<Step> {
    let mut v = vec![Step::Press(from)];
    let sign = dy.signum();
    for i in 1..=dy.abs() {
        v.push(Step::Move(Point::new(from.x, from.y + (sign * i) as f32)));
    }
    v.push(Step::Release);
    v
}

pub fn click_id(app: &mut App, id: &str) -> Vec<Message> {
    let c = bounds(app, id).center();
    play(app, &[Step::Press(c), Step::Release])
}
