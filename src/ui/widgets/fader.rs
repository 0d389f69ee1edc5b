//! A vertical fader in dB, −∞ … +12 dB, with a musician's taper and a 0 dB detent.
//!
//! # Taper
//! Position 0 is the bottom of the travel, 1 the top. The mapping is piecewise, through the
//! breakpoints of [`TAPER`]:
//!
//! | dB    | position | between this and the next breakpoint            |
//! |-------|----------|-------------------------------------------------|
//! | +12   | 1.00     | linear in dB: 48 dB over 0.75 of the travel     |
//! | 0     | 0.75     | (same slope)                                    |
//! | −24   | 0.25     | linear in dB, compressed ≈3× (24 dB over 0.17)  |
//! | −48   | 0.08     | linear in *amplitude* down to −∞ at position 0  |
//!
//! So +6 sits at 0.875, −6 at 0.625, −12 at 0.5 and −60 at 0.02. Both directions are
//! continuous and strictly increasing, and [`pos_to_db`] is the inverse of [`db_to_pos`]; levels
//! at or below [`SILENCE_DB`] are −∞ (position 0).
//!
//! # Mouse
//! Relative drag (Shift = ¼ speed), wheel ±0.5 dB per notch (±0.1 with Shift), double-click
//! resets to 0 dB. Dragging through 0 dB holds the value at exactly 0 for [`DETENT_PX`] pixels.

use super::cache::KeyedCache;
use super::format;
use super::gesture::{Gesture, Messages, Travel};
use super::host::{Control, Host};
use crate::project::SILENCE_DB;
use crate::ui::theme;
use iced::advanced::Shell;
use iced::widget::canvas::{Frame, Geometry, Path, Stroke, Text};
use iced::{
    Color, Element, Event, Length, Point, Rectangle, Renderer, Size, Theme, alignment, mouse,
};

/// Highest fader level.
pub const MAX_DB: f32 = 12.0;

/// The taper's breakpoints as (dB, position), top to bottom; below the last one the position
/// is proportional to amplitude.
pub const TAPER: [(f32, f32); 4] = [(12.0, 1.0), (0.0, 0.75), (-24.0, 0.25), (-48.0, 0.08)];

/// Pixels of travel over which a drag holds the value at 0 dB.
pub const DETENT_PX: f32 = 6.0;

/// Wheel steps below this level go to −∞, and a step up from −∞ lands here.
pub const WHEEL_FLOOR_DB: f32 = -60.0;

/// Where 0 dB sits on the travel.
const ZERO_POS: f32 = 0.75;

/// Height of the value box under the travel.
pub const VALUE_H: f32 = 18.0;
/// Gap between the travel's bottom margin and the value box.
const VALUE_GAP: f32 = 4.0;
/// Height of the fader cap.
const CAP_H: f32 = 14.0;
/// Margin above position 1 and below position 0 (half a cap and a little).
pub const END_MARGIN: f32 = CAP_H / 2.0 + 2.0;
/// Pixels of a fader's height that are not travel (when it is tall enough for its value box):
/// both end margins, the gap and the value box.
pub const CHROME_H: f32 = 2.0 * END_MARGIN + VALUE_GAP + VALUE_H;
/// Width of the scale-label column on the left.
const LABEL_W: f32 = 22.0;

/// Where the travel of a fader `height` pixels tall lies: the y of position 1 and the travel
/// in pixels (position 0 is `travel` below). The meter beside a fader uses the same, so the
/// two share one dB scale.
pub fn travel_of(height: f32) -> (f32, f32) {
    let track_h = if has_value_box(height) {
        height - VALUE_H - VALUE_GAP
    } else {
        height
    };
    (END_MARGIN, (track_h - 2.0 * END_MARGIN).max(1.0))
}

/// Whether a fader (or meter) this tall shows a value box under its travel.
pub fn has_value_box(height: f32) -> bool {
    height >= VALUE_H * 4.0
}

/// The dB marks of the fader's scale (+12 … −∞), with their labels.
pub const MARKS: [(f32, &str); 8] = [
    (12.0, "+12"),
    (6.0, "+6"),
    (0.0, "0"),
    (-6.0, "-6"),
    (-12.0, "-12"),
    (-24.0, "-24"),
    (-48.0, "-48"),
    (f32::NEG_INFINITY, "-∞"),
];

/// The fader position (0 = bottom, 1 = top) of a level in dB; NaN counts as −∞.
pub fn db_to_pos(db: f32) -> f32 {
    if db.is_nan() || db <= SILENCE_DB {
        return 0.0;
    }
    if db >= MAX_DB {
        return 1.0;
    }
    for w in TAPER.windows(2) {
        let ((hi_db, hi_p), (lo_db, lo_p)) = (w[0], w[1]);
        if db >= lo_db {
            return lo_p + (db - lo_db) / (hi_db - lo_db) * (hi_p - lo_p);
        }
    }
    let (lo_db, lo_p) = TAPER[TAPER.len() - 1];
    lo_p * 10f32.powf((db - lo_db) / 20.0)
}

/// The level in dB at a fader position; the inverse of [`db_to_pos`] (0 and below give −∞).
pub fn pos_to_db(pos: f32) -> f32 {
    if pos.is_nan() || pos <= 0.0 {
        return f32::NEG_INFINITY;
    }
    if pos >= 1.0 {
        return MAX_DB;
    }
    for w in TAPER.windows(2) {
        let ((hi_db, hi_p), (lo_db, lo_p)) = (w[0], w[1]);
        if pos >= lo_p {
            return lo_db + (pos - lo_p) / (hi_p - lo_p) * (hi_db - lo_db);
        }
    }
    let (lo_db, lo_p) = TAPER[TAPER.len() - 1];
    let db = lo_db + 20.0 * (pos / lo_p).log10();
    if db <= SILENCE_DB {
        f32::NEG_INFINITY
    } else {
        db
    }
}

/// A vertical dB fader; build it with [`fader`].
pub struct Fader<'a, Message> {
    db: f32,
    messages: Messages<'a, Message>,
    on_value_click: Option<Message>,
    color: Color,
    width: Length,
    height: Length,
}

/// A fader showing `db` that reports new levels through `on_change` while it is dragged.
pub fn fader<'a, Message>(db: f32, on_change: impl Fn(f32) -> Message + 'a) -> Fader<'a, Message> {
    Fader {
        db: if db.is_nan() {
            f32::NEG_INFINITY
        } else {
            db.min(MAX_DB)
        },
        messages: Messages::new(on_change, Some(0.0)),
        on_value_click: None,
        color: theme::ACCENT,
        width: Length::Fixed(56.0),
        height: Length::Fill,
    }
}

impl<'a, Message> Fader<'a, Message> {
    gesture_setters!(
        "Message sent once when a gesture that changed the level ends (mouse release, or after each wheel notch): record one undo step per gesture.",
        "Message sent on a double-click instead of `on_change(0.0)` + `on_release`.",
        "Message sent when the value box under the fader is clicked (to type a value)."
    );

    /// Colour of the level fill and the cap's line (the track colour).
    pub fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }

    size_setters!("Width (56 px by default).", "Height (fills by default).");
}

/// Where things are inside the fader's bounds.
struct Layout {
    /// y of position 1 (the top of the travel).
    top: f32,
    /// Pixels from position 1 to position 0.
    travel: f32,
    /// Centre line of the slot.
    slot_x: f32,
    cap_w: f32,
    /// The value box, if there is room for it.
    value_box: Option<Rectangle>,
}

impl Layout {
    fn of(size: Size) -> Layout {
        let has_box = has_value_box(size.height);
        let (top, travel) = travel_of(size.height);
        let label_w = if size.width >= 40.0 { LABEL_W } else { 0.0 };
        let slot_x = label_w + (size.width - label_w) / 2.0;
        Layout {
            top,
            travel,
            slot_x,
            cap_w: (size.width - label_w - 4.0).clamp(8.0, 30.0),
            value_box: has_box.then(|| {
                Rectangle::new(
                    Point::new(1.0, size.height - VALUE_H),
                    Size::new(size.width - 2.0, VALUE_H - 1.0),
                )
            }),
        }
    }

    fn y_of(&self, pos: f32) -> f32 {
        self.top + (1.0 - pos) * self.travel
    }
}

impl<Message> Travel for Fader<'_, Message> {
    fn value(&self) -> f32 {
        self.db
    }

    fn units(&self, bounds: Rectangle) -> f32 {
        // Travel in pixels, with DETENT_PX of extra travel inserted at 0 dB.
        let l = Layout::of(bounds.size());
        let pos = db_to_pos(self.db);
        let px = pos * l.travel;
        if self.db == 0.0 {
            px + DETENT_PX / 2.0
        } else if pos > ZERO_POS {
            px + DETENT_PX
        } else {
            px
        }
    }

    fn value_at(&self, units: f32, bounds: Rectangle) -> f32 {
        let l = Layout::of(bounds.size());
        let zero_px = ZERO_POS * l.travel;
        let pos = if units < zero_px {
            units / l.travel
        } else if units <= zero_px + DETENT_PX {
            return 0.0;
        } else {
            (units - DETENT_PX) / l.travel
        };
        pos_to_db(pos.clamp(0.0, 1.0))
    }

    fn wheeled(&self, from: f32, notches: f32, fine: bool) -> f32 {
        let step = if fine { 0.1 } else { 0.5 };
        if from.is_nan() || from <= SILENCE_DB {
            return if notches > 0.0 {
                WHEEL_FLOOR_DB
            } else {
                f32::NEG_INFINITY
            };
        }
        let to = (from + step * notches).min(MAX_DB);
        if to < WHEEL_FLOOR_DB {
            f32::NEG_INFINITY
        } else if (from < 0.0 && to > 0.0) || (from > 0.0 && to < 0.0) {
            // Stepping across unity stops at it, like the drag detent.
            0.0
        } else {
            // Round to the step grid's precision so repeated notches do not accumulate noise.
            (to * 100.0).round() / 100.0
        }
    }
}

/// Fader state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    gesture: Gesture,
    scale: KeyedCache<()>,
    /// The cap, fill and value: redrawn only when they change, so an unchanged fader costs
    /// nothing when the window redraws for something else.
    dynamic: KeyedCache<(u32, bool, [u8; 4])>,
}

impl<Message: Clone> Control<Message> for Fader<'_, Message> {
    type State = State;

    fn update(
        &self,
        state: &mut State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        if let (Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)), Some(m)) =
            (event, &self.on_value_click)
            && let Some(p) = cursor.position_in(bounds)
            && Layout::of(bounds.size())
                .value_box
                .is_some_and(|b| b.contains(p))
        {
            shell.publish(m.clone());
            shell.capture_event();
            return;
        }
        state
            .gesture
            .update(self, &self.messages, event, bounds, cursor, shell);
    }

    fn draw(
        &self,
        state: &State,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        let l = Layout::of(size);
        let scale = state
            .scale
            .draw(renderer, size, (), |f| draw_scale(f, &l, size));

        let grabbed = state.gesture.is_dragging();
        let key = (self.db.to_bits(), grabbed, self.color.into_rgba8());
        let dynamic = state.dynamic.draw(renderer, size, key, |f| {
            self.draw_dynamic(f, &l, grabbed);
        });
        vec![scale, dynamic]
    }

    fn interaction(
        &self,
        state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if state.gesture.is_dragging() {
            return mouse::Interaction::Grabbing;
        }
        let Some(p) = cursor.position_in(bounds) else {
            return mouse::Interaction::default();
        };
        match Layout::of(bounds.size()).value_box {
            Some(b) if b.contains(p) && self.on_value_click.is_some() => mouse::Interaction::Text,
            _ => mouse::Interaction::Grab,
        }
    }
}

impl<Message> Fader<'_, Message> {
    fn draw_dynamic(&self, f: &mut Frame, l: &Layout, grabbed: bool) {
        let pos = db_to_pos(self.db);
        let y = l.y_of(pos);
        // Level fill in the slot, below the cap.
        let bottom = l.y_of(0.0);
        if bottom > y {
            f.fill_rectangle(
                Point::new(l.slot_x - 2.0, y),
                Size::new(4.0, bottom - y),
                theme::fade(self.color, 0.7),
            );
        }
        // The cap: a light block with a dark groove and a line in the track colour.
        let cap = Point::new(l.slot_x - l.cap_w / 2.0, y - CAP_H / 2.0);
        f.fill(
            &Path::rounded_rectangle(cap, Size::new(l.cap_w, CAP_H), 2.0.into()),
            if grabbed {
                theme::lighten(Color::from_rgb8(0xb8, 0xbd, 0xc6), 0.3)
            } else {
                Color::from_rgb8(0xb8, 0xbd, 0xc6)
            },
        );
        f.fill_rectangle(
            Point::new(cap.x + 2.0, y - 1.0),
            Size::new(l.cap_w - 4.0, 2.0),
            self.color,
        );
        if let Some(b) = l.value_box {
            f.fill(
                &Path::rounded_rectangle(b.position(), b.size(), 3.0.into()),
                theme::WELL_BG,
            );
            super::cache::fill_text(
                f,
                Text {
                    content: format::db(self.db),
                    position: b.center(),
                    color: theme::TEXT,
                    size: 11.0.into(),
                    align_x: iced::widget::text::Alignment::Center,
                    align_y: alignment::Vertical::Center,
                    ..Text::default()
                },
            );
        }
    }
}

/// The static part: slot, ticks and labels (+12 … −∞).
fn draw_scale(f: &mut Frame, l: &Layout, size: Size) {
    f.fill(
        &Path::rounded_rectangle(
            Point::new(l.slot_x - 3.0, l.top - 2.0),
            Size::new(6.0, l.travel + 4.0),
            3.0.into(),
        ),
        theme::WELL_BG,
    );
    let show_labels = l.slot_x >= LABEL_W;
    let mut last_label_y = f32::NEG_INFINITY;
    let half = (l.cap_w / 2.0).max(6.0);
    for (db, label) in MARKS {
        let y = l.y_of(db_to_pos(db)).round() + 0.5;
        let (color, len) = if db == 0.0 {
            (theme::TEXT_DIM, half + 2.0)
        } else {
            (theme::GRID, half)
        };
        let stroke = Stroke::default().with_color(color).with_width(1.0);
        f.stroke(
            &Path::line(Point::new(l.slot_x - len, y), Point::new(l.slot_x - 5.0, y)),
            stroke,
        );
        f.stroke(
            &Path::line(Point::new(l.slot_x + 5.0, y), Point::new(l.slot_x + len, y)),
            stroke,
        );
        // Skip labels that would overlap the one above (short faders).
        if show_labels && y - last_label_y >= 10.0 && size.height > 0.0 {
            last_label_y = y;
            super::cache::fill_text(
                f,
                Text {
                    content: label.into(),
                    position: Point::new(LABEL_W - 3.0, y),
                    color: if db == 0.0 {
                        theme::TEXT
                    } else {
                        theme::TEXT_DIM
                    },
                    size: 9.0.into(),
                    align_x: iced::widget::text::Alignment::Right,
                    align_y: alignment::Vertical::Center,
                    ..Text::default()
                },
            );
        }
    }
}

impl<'a, Message: Clone + 'a> From<Fader<'a, Message>> for Element<'a, Message> {
    fn from(fader: Fader<'a, Message>) -> Self {
        let (w, h) = (fader.width, fader.height);
        Host::new(fader, w, h).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taper_breakpoints_and_ends() {
        assert_eq!(db_to_pos(12.0), 1.0);
        assert_eq!(db_to_pos(0.0), 0.75);
        assert_eq!(db_to_pos(-24.0), 0.25);
        assert_eq!(db_to_pos(f32::NEG_INFINITY), 0.0);
        assert_eq!(db_to_pos(f32::NAN), 0.0);
        assert_eq!(db_to_pos(40.0), 1.0);
        assert_eq!(pos_to_db(0.0), f32::NEG_INFINITY);
        assert_eq!(pos_to_db(-1.0), f32::NEG_INFINITY);
        assert_eq!(pos_to_db(f32::NAN), f32::NEG_INFINITY);
        assert_eq!(pos_to_db(0.75), 0.0);
        assert_eq!(pos_to_db(1.5), 12.0);
        assert!((db_to_pos(-60.0) - 0.02).abs() < 0.001);
    }

    #[test]
    fn taper_round_trips_and_is_monotonic() {
        let mut last_pos = -1.0;
        let mut db = SILENCE_DB + 0.1;
        while db <= MAX_DB {
            let pos = db_to_pos(db);
            assert!(pos > last_pos, "not increasing at {db} dB");
            last_pos = pos;
            let back = pos_to_db(pos);
            assert!((back - db).abs() <= 0.01, "{db} dB → {pos} → {back} dB");
            db += 0.01;
        }
        let mut last_db = f32::NEG_INFINITY;
        for i in 1..=10_000 {
            let pos = i as f32 / 10_000.0;
            let db = pos_to_db(pos);
            assert!(db > last_db, "not increasing at position {pos}");
            assert!((db_to_pos(db) - pos).abs() < 1e-5);
            last_db = db;
        }
    }

    #[test]
    fn wheel_steps_stop_at_unity_and_floor() {
        let step = |db, notches, fine| {
            let f = fader(db, |v| v);
            f.wheeled(f.value(), notches, fine)
        };
        assert_eq!(step(-3.0, 1.0, false), -2.5);
        assert_eq!(step(-3.0, -1.0, true), -3.1);
        assert_eq!(step(-0.3, 1.0, false), 0.0);
        assert_eq!(step(12.0, 3.0, false), 12.0);
        assert_eq!(step(f32::NEG_INFINITY, 1.0, false), WHEEL_FLOOR_DB);
        assert_eq!(step(-60.0, -1.0, false), f32::NEG_INFINITY);
        assert_eq!(step(f32::NAN, -1.0, false), f32::NEG_INFINITY);
    }
}
