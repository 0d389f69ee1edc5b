//! The mouse protocol shared by the fader and the knob.
//!
//! - Drag is *relative*: pressing never moves the value; moving the mouse by `dy` pixels moves
//!   the control by `dy` units of travel (¼ of that while Shift is held; toggling Shift mid-drag
//!   re-anchors, so the value never jumps).
//! - The wheel moves by whole steps; every notch is its own small gesture.
//! - A double-click resets to the default.
//! - Every gesture that changed the value ends with exactly one `on_release`, so the app can
//!   record one undo step per gesture (it records on the first change after a release).

use iced::advanced::Shell;
use iced::advanced::mouse::{Click, click};
use iced::keyboard::{self, Modifiers};
use iced::mouse::{self, ScrollDelta};
use iced::{Event, Rectangle};

/// Drag and wheel speed factor while Shift is held.
pub const FINE: f32 = 0.25;

/// Pixel-based wheel deltas (touchpads) per notch.
const PIXELS_PER_NOTCH: f32 = 40.0;

/// How a control maps its value to and from drag travel.
pub(crate) trait Travel {
    /// The control's current value.
    fn value(&self) -> f32;
    /// Travel units (pixels of a full-speed drag) where the current value sits.
    fn units(&self, bounds: Rectangle) -> f32;
    /// The value at `units` of travel, clamped to the control's range.
    fn value_at(&self, units: f32, bounds: Rectangle) -> f32;
    /// The value `notches` wheel notches away from `from` (`fine` with Shift).
    fn wheeled(&self, from: f32, notches: f32, fine: bool) -> f32;
}

/// The messages a value control emits.
pub(crate) struct Messages<'a, Message> {
    /// A new value, during a gesture.
    pub on_change: Box<dyn Fn(f32) -> Message + 'a>,
    /// The gesture that changed the value has ended.
    pub on_release: Option<Message>,
    /// Sent instead of `on_change(reset_value)` + `on_release` on a double-click, when set.
    pub on_reset: Option<Message>,
    /// The value a double-click restores (none: double-clicks only send `on_reset`).
    pub reset_value: Option<f32>,
}

impl<'a, Message> Messages<'a, Message> {
    /// Messages built around `on_change`, resetting to `reset_value`.
    pub fn new(on_change: impl Fn(f32) -> Message + 'a, reset_value: Option<f32>) -> Self {
        Messages {
            on_change: Box::new(on_change),
            on_release: None,
            on_reset: None,
            reset_value,
        }
    }
}

/// Gesture state kept in the widget tree.
#[derive(Debug, Default)]
pub(crate) struct Gesture {
    modifiers: Modifiers,
    last_click: Option<Click>,
    drag: Option<Drag>,
    /// The control's value when the last wheel step was published, and that step's result.
    last_wheel: Option<(f32, f32)>,
}

#[derive(Debug, Clone, Copy)]
struct Drag {
    /// Cursor y and travel units at the anchor (the press, or the last Shift toggle).
    origin_y: f32,
    origin_units: f32,
    /// Speed factor since the anchor (1 or [`FINE`]).
    speed: f32,
    last_y: f32,
    /// Last value published, to publish only real changes.
    last_value: f32,
    changed: bool,
}

impl Drag {
    fn units_at(&self, y: f32) -> f32 {
        self.origin_units + (self.origin_y - y) * self.speed
    }
}

impl Gesture {
    /// Whether a drag is in progress.
    pub fn is_dragging(&self) -> bool {
        self.drag.is_some()
    }

    /// Handles one event for `control`; publishes through `shell` and captures what it used.
    pub fn update<Message: Clone>(
        &mut self,
        control: &impl Travel,
        messages: &Messages<'_, Message>,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        match event {
            Event::Keyboard(keyboard::Event::ModifiersChanged(m)) => {
                let speed = speed(*m);
                if let Some(d) = &mut self.drag
                    && d.speed != speed
                {
                    d.origin_units = d.units_at(d.last_y);
                    d.origin_y = d.last_y;
                    d.speed = speed;
                }
                self.modifiers = *m;
            }
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let Some(p) = cursor.position_over(bounds) else {
                    return;
                };
                let click = Click::new(p, mouse::Button::Left, self.last_click);
                self.last_click = Some(click);
                shell.capture_event();
                if click.kind() == click::Kind::Double {
                    self.drag = None;
                    reset(control, messages, shell);
                } else {
                    self.drag = Some(Drag {
                        origin_y: p.y,
                        origin_units: control.units(bounds),
                        speed: speed(self.modifiers),
                        last_y: p.y,
                        last_value: control.value(),
                        changed: false,
                    });
                }
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let Some(d) = &mut self.drag else { return };
                // The event's own position, not `cursor`: a batch of moves shares one cursor.
                d.last_y = position.y;
                let v = control.value_at(d.units_at(position.y), bounds);
                if !same(v, d.last_value) {
                    d.last_value = v;
                    d.changed = true;
                    shell.publish((messages.on_change)(v));
                }
                shell.capture_event();
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if let Some(d) = self.drag.take() {
                    if d.changed
                        && let Some(m) = &messages.on_release
                    {
                        shell.publish(m.clone());
                    }
                    shell.capture_event();
                }
            }
            Event::Mouse(mouse::Event::WheelScrolled { delta }) => {
                if self.drag.is_some() || !cursor.is_over(bounds) {
                    return;
                }
                let (x, y) = match *delta {
                    ScrollDelta::Lines { x, y } => (x, y),
                    ScrollDelta::Pixels { x, y } => (x / PIXELS_PER_NOTCH, y / PIXELS_PER_NOTCH),
                };
                // Some platforms turn Shift+wheel into horizontal scrolling.
                let notches = if y != 0.0 { y } else { x };
                shell.capture_event();
                if notches.is_finite() && notches != 0.0 {
                    // Several notches can arrive in one batch of events, before the app has
                    // rebuilt the view with the new value: continue from our last result then.
                    let from = match self.last_wheel {
                        Some((seen, result)) if same(seen, control.value()) => result,
                        _ => control.value(),
                    };
                    let v = control.wheeled(from, notches, self.modifiers.shift());
                    self.last_wheel = Some((control.value(), v));
                    if !same(v, from) {
                        shell.publish((messages.on_change)(v));
                        if let Some(m) = &messages.on_release {
                            shell.publish(m.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn speed(m: Modifiers) -> f32 {
    if m.shift() { FINE } else { 1.0 }
}

fn reset<Message: Clone>(
    control: &impl Travel,
    messages: &Messages<'_, Message>,
    shell: &mut Shell<'_, Message>,
) {
    if let Some(m) = &messages.on_reset {
        shell.publish(m.clone());
    } else if let Some(v) = messages.reset_value
        && !same(control.value(), v)
    {
        shell.publish((messages.on_change)(v));
        if let Some(m) = &messages.on_release {
            shell.publish(m.clone());
        }
    }
}

/// Value equality that treats NaN as equal to itself (it never should reach here, but a NaN
/// must not make a control publish on every mouse move).
fn same(a: f32, b: f32) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}
