//! A rotary control for pan, send level and EQ/compressor parameters.
//!
//! The value maps onto a normalised travel 0…1 through a [`Mapping`] (linear, logarithmic for
//! frequencies, or dB with −∞ at the bottom); the pointer sweeps 270° over that travel. Mouse
//! handling is the fader's: relative vertical drag over [`DRAG_PX`] pixels for the whole range
//! (Shift = ¼ speed), wheel 1/50 of the range per notch (¼ with Shift), double-click resets to
//! the default, one gesture-end message per gesture.

use super::cache::KeyedCache;
use super::format;
use super::gesture::{FINE, Gesture, Messages, Travel};
use super::host::{Control, Host};
use crate::project::SILENCE_DB;
use crate::ui::theme;
use iced::advanced::Shell;
use iced::widget::canvas::path::Arc;
use iced::widget::canvas::{Geometry, LineCap, Path, Stroke, Text};
use iced::{
    Color, Element, Event, Length, Point, Radians, Rectangle, Renderer, Theme, alignment, mouse,
};
use std::f32::consts::PI;

/// Pixels of vertical drag that sweep the whole range at full speed.
pub const DRAG_PX: f32 = 200.0;

/// Normalised travel per wheel notch at full speed.
pub const WHEEL_STEP: f32 = 0.02;

/// Travel below which a [`Mapping::Db`] knob leaves its dB range and fades to −∞.
const DB_FADE: f32 = 0.1;

/// How a knob's value maps onto its travel (0 = fully left, 1 = fully right).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mapping {
    /// Evenly spaced values (pan, amounts, dB ranges without −∞).
    Linear {
        /// Value at the left end.
        min: f32,
        /// Value at the right end.
        max: f32,
    },
    /// Evenly spaced ratios, for frequencies and times; `min` must be above zero.
    Log {
        /// Value at the left end (> 0).
        min: f32,
        /// Value at the right end.
        max: f32,
    },
    /// A level in dB: linear from `min` to `max` over the upper 90% of the travel, then
    /// proportional to amplitude down to −∞ at the left end (a send level).
    Db {
        /// Level at 10% of the travel.
        min: f32,
        /// Level at the right end.
        max: f32,
    },
}

impl Mapping {
    /// The travel (0…1) of `value`; NaN goes to 0, out-of-range values are clamped.
    pub fn to_norm(&self, value: f32) -> f32 {
        if value.is_nan() {
            return 0.0;
        }
        let n = match *self {
            Mapping::Linear { min, max } => ratio(value - min, max - min),
            Mapping::Log { min, max } => {
                if value <= 0.0 || min <= 0.0 || max <= 0.0 {
                    0.0
                } else {
                    ratio((value / min).ln(), (max / min).ln())
                }
            }
            Mapping::Db { min, max } => {
                if value <= SILENCE_DB {
                    0.0
                } else if value >= min {
                    DB_FADE + (1.0 - DB_FADE) * ratio(value - min, max - min)
                } else {
                    DB_FADE * 10f32.powf((value - min) / 20.0)
                }
            }
        };
        n.clamp(0.0, 1.0)
    }

    /// The value at travel `norm` (clamped to 0…1); the inverse of [`Mapping::to_norm`].
    pub fn from_norm(&self, norm: f32) -> f32 {
        let n = if norm.is_nan() {
            0.0
        } else {
            norm.clamp(0.0, 1.0)
        };
        match *self {
            Mapping::Linear { min, max } => min + n * (max - min),
            Mapping::Log { min, max } => {
                if min <= 0.0 || max <= 0.0 {
                    min
                } else {
                    min * (max / min).powf(n)
                }
            }
            Mapping::Db { min, max } => {
                if n >= DB_FADE {
                    min + (n - DB_FADE) / (1.0 - DB_FADE) * (max - min)
                } else if n <= 0.0 {
                    f32::NEG_INFINITY
                } else {
                    let db = min + 20.0 * (n / DB_FADE).log10();
                    if db <= SILENCE_DB {
                        f32::NEG_INFINITY
                    } else {
                        db
                    }
                }
            }
        }
    }
}

/// `a / b`, or 0 for an empty or broken range.
fn ratio(a: f32, b: f32) -> f32 {
    let r = a / b;
    if r.is_finite() { r } else { 0.0 }
}

/// A rotary control; build it with [`knob`] or [`pan_knob`].
pub struct Knob<'a, Message> {
    mapping: Mapping,
    value: f32,
    messages: Messages<'a, Message>,
    format: Box<dyn Fn(f32) -> String + 'a>,
    diameter: f32,
    color: Color,
    /// The value arc starts at the top (pan, EQ gain) instead of the left end.
    bipolar: bool,
    /// Draws L and R at the ends of the arc.
    pan_marks: bool,
    on_value_click: Option<Message>,
}

/// A knob showing `value` on `mapping` that reports new values through `on_change`.
pub fn knob<'a, Message>(
    mapping: Mapping,
    value: f32,
    on_change: impl Fn(f32) -> Message + 'a,
) -> Knob<'a, Message> {
    Knob {
        mapping,
        value,
        messages: Messages::new(on_change, None),
        format: Box::new(|v| format::number(v, 2)),
        diameter: 36.0,
        color: theme::ACCENT,
        bipolar: false,
        pan_marks: false,
        on_value_click: None,
    }
}

/// A pan knob (−1 … +1, centre by default and on double-click) labelled L / C / R.
pub fn pan_knob<'a, Message>(
    pan: f32,
    on_change: impl Fn(f32) -> Message + 'a,
) -> Knob<'a, Message> {
    let mut k = knob(
        Mapping::Linear {
            min: -1.0,
            max: 1.0,
        },
        pan,
        on_change,
    )
    .default(0.0)
    .format(format::pan)
    .bipolar(true);
    k.pan_marks = true;
    k
}

impl<'a, Message> Knob<'a, Message> {
    /// The value a double-click restores (none by default, except for [`pan_knob`]).
    pub fn default(mut self, value: f32) -> Self {
        self.messages.reset_value = Some(value);
        self
    }

    gesture_setters!(
        "Message sent once when a gesture that changed the value ends (mouse release, or after each wheel notch).",
        "Message sent on a double-click instead of `on_change(default)` + `on_release`.",
        "Message sent when the value label under the dial is clicked (to type a value)."
    );

    /// How the value is written under the knob (e.g. [`format::hz`]).
    pub fn format(mut self, format: impl Fn(f32) -> String + 'a) -> Self {
        self.format = Box::new(format);
        self
    }

    /// Diameter of the dial in pixels (36 by default); the widget adds room for the label.
    pub fn diameter(mut self, diameter: f32) -> Self {
        self.diameter = diameter.clamp(12.0, 400.0);
        self
    }

    /// Colour of the value arc.
    pub fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }

    /// Whether the value arc grows from the top centre (for ±ranges) instead of the left end.
    pub fn bipolar(mut self, bipolar: bool) -> Self {
        self.bipolar = bipolar;
        self
    }

    fn norm(&self) -> f32 {
        self.mapping.to_norm(self.value)
    }

    /// Whether `p` (local coordinates) is on the value label under the dial.
    fn in_label(&self, p: Point, size: iced::Size) -> bool {
        let d = self.diameter.min(size.width).min(size.height);
        size.height >= d + 10.0 && p.y >= d
    }
}

impl<Message> Travel for Knob<'_, Message> {
    fn value(&self) -> f32 {
        self.value
    }

    fn units(&self, _bounds: Rectangle) -> f32 {
        self.norm() * DRAG_PX
    }

    fn value_at(&self, units: f32, _bounds: Rectangle) -> f32 {
        self.mapping.from_norm(units / DRAG_PX)
    }

    fn wheeled(&self, from: f32, notches: f32, fine: bool) -> f32 {
        let step = if fine { WHEEL_STEP * FINE } else { WHEEL_STEP };
        self.mapping
            .from_norm(self.mapping.to_norm(from) + step * notches)
    }
}

/// Knob state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    gesture: Gesture,
    dial: KeyedCache<(u32, bool)>,
    /// Arc, pointer and value: redrawn only when they change.
    dynamic: KeyedCache<(u32, bool, [u8; 4], bool, u64)>,
}

/// A hash of a label, for cache keys.
fn label_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Angle of travel `n` (0…1), clockwise from the +x axis: 135° (lower left) … 405° (lower right).
fn angle(n: f32) -> f32 {
    (0.75 + 1.5 * n) * PI
}

fn arc(center: Point, radius: f32, a: f32, b: f32) -> Path {
    Path::new(|p| {
        p.arc(Arc {
            center,
            radius,
            start_angle: Radians(a.min(b)),
            end_angle: Radians(a.max(b)),
        });
    })
}

impl<Message: Clone> Control<Message> for Knob<'_, Message> {
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
            && self.in_label(p, bounds.size())
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
        let d = self.diameter.min(size.width).min(size.height);
        let center = Point::new(size.width / 2.0, d / 2.0);
        let r = (d / 2.0 - 2.0).max(1.0);
        let dial = state
            .dial
            .draw(renderer, size, (d.to_bits(), self.pan_marks), |f| {
                f.fill(
                    &Path::circle(center, (r - 4.0).max(1.0)),
                    Color::from_rgb8(0x34, 0x38, 0x40),
                );
                f.stroke(
                    &arc(center, r, angle(0.0), angle(1.0)),
                    Stroke::default()
                        .with_color(theme::GRID)
                        .with_width(3.0)
                        .with_line_cap(LineCap::Round),
                );
                if self.pan_marks {
                    for (label, n, align) in [
                        ("L", 0.0, iced::widget::text::Alignment::Right),
                        ("R", 1.0, iced::widget::text::Alignment::Left),
                    ] {
                        let a = angle(n);
                        super::cache::fill_text(
                            f,
                            Text {
                                content: label.into(),
                                position: Point::new(
                                    center.x + a.cos() * r + if n == 0.0 { -1.0 } else { 1.0 },
                                    center.y + a.sin() * r,
                                ),
                                color: theme::TEXT_DIM,
                                size: 9.0.into(),
                                align_x: align,
                                align_y: alignment::Vertical::Center,
                                ..Text::default()
                            },
                        );
                    }
                }
            });

        let grabbed = state.gesture.is_dragging();
        let label = (self.format)(self.value);
        let key = (
            self.value.to_bits(),
            grabbed,
            self.color.into_rgba8(),
            self.bipolar,
            label_hash(&label),
        );
        let dynamic = state.dynamic.draw(renderer, size, key, |f| {
            let n = self.norm();
            let origin = if self.bipolar { 0.5 } else { 0.0 };
            if (n - origin).abs() > 0.002 {
                f.stroke(
                    &arc(center, r, angle(origin), angle(n)),
                    Stroke::default()
                        .with_color(self.color)
                        .with_width(3.0)
                        .with_line_cap(LineCap::Round),
                );
            }
            let a = angle(n);
            let (c, s) = (a.cos(), a.sin());
            f.stroke(
                &Path::line(
                    Point::new(center.x + c * r * 0.25, center.y + s * r * 0.25),
                    Point::new(center.x + c * (r - 5.0), center.y + s * (r - 5.0)),
                ),
                Stroke::default()
                    .with_color(if grabbed { Color::WHITE } else { theme::TEXT })
                    .with_width(2.0)
                    .with_line_cap(LineCap::Round),
            );
            if size.height >= d + 10.0 {
                super::cache::fill_text(
                    f,
                    Text {
                        content: label,
                        position: Point::new(size.width / 2.0, d + 1.0),
                        color: theme::TEXT,
                        size: 10.0.into(),
                        align_x: iced::widget::text::Alignment::Center,
                        align_y: alignment::Vertical::Top,
                        ..Text::default()
                    },
                );
            }
        });
        vec![dial, dynamic]
    }

    fn interaction(
        &self,
        state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if state.gesture.is_dragging() {
            mouse::Interaction::Grabbing
        } else if let Some(p) = cursor.position_in(bounds)
            && self.on_value_click.is_some()
            && self.in_label(p, bounds.size())
        {
            mouse::Interaction::Text
        } else if cursor.is_over(bounds) {
            mouse::Interaction::Grab
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<'a, Message: Clone + 'a> From<Knob<'a, Message>> for Element<'a, Message> {
    fn from(knob: Knob<'a, Message>) -> Self {
        // Room for the value label under the dial, and for labels wider than the dial.
        let w = (knob.diameter + 16.0).max(48.0);
        let h = knob.diameter + 14.0;
        Host::new(knob, Length::Fixed(w), Length::Fixed(h)).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_round_trip() {
        let maps = [
            Mapping::Linear {
                min: -1.0,
                max: 1.0,
            },
            Mapping::Log {
                min: 20.0,
                max: 20_000.0,
            },
            Mapping::Db {
                min: -48.0,
                max: 6.0,
            },
        ];
        for m in maps {
            for i in 0..=1000 {
                let n = i as f32 / 1000.0;
                let v = m.from_norm(n);
                assert!((m.to_norm(v) - n).abs() < 1e-4, "{m:?} at {n}: {v}");
            }
        }
        let log = Mapping::Log {
            min: 20.0,
            max: 20_000.0,
        };
        assert!((log.from_norm(0.5) - 632.456).abs() < 0.01);
        assert!((log.to_norm(200.0) - 1.0 / 3.0).abs() < 1e-5);
        let db = Mapping::Db {
            min: -48.0,
            max: 6.0,
        };
        assert_eq!(db.from_norm(0.0), f32::NEG_INFINITY);
        assert_eq!(db.to_norm(f32::NEG_INFINITY), 0.0);
        assert_eq!(db.from_norm(1.0), 6.0);
    }

    #[test]
    fn broken_inputs_do_not_escape_the_range() {
        let bad = Mapping::Log { min: 0.0, max: 0.0 };
        assert_eq!(bad.to_norm(100.0), 0.0);
        assert!(bad.from_norm(0.5).is_finite());
        let flat = Mapping::Linear { min: 1.0, max: 1.0 };
        assert_eq!(flat.to_norm(5.0), 0.0);
        assert_eq!(flat.to_norm(f32::NAN), 0.0);
        assert_eq!(flat.from_norm(f32::NAN), 1.0);
    }
}
