//! Mouse and keyboard input of the ruler and the lanes (see the module documentation of
//! [`timeline`](super) for the gestures).

use super::draw::{Key, marker_hit};
use super::view::{DRAG_THRESHOLD_PX, SCROLL_PX, TimeView, ZOOM_STEP};
use super::{Kind, MarkerEvent, Timeline};
use crate::ui::widgets::cache::KeyedCache;
use iced::advanced::Shell;
use iced::advanced::mouse::{Click, click};
use iced::keyboard::{self, Modifiers};
use iced::mouse::{self, ScrollDelta};
use iced::{Event, Point, Rectangle};

/// Pixel-based wheel deltas (touchpads) per notch, for zooming.
const PIXELS_PER_NOTCH: f32 = 40.0;
/// How close to a loop edge (pixels) a press grabs the edge.
pub const EDGE_GRAB_PX: f32 = 5.0;
/// Waveform height factor per Alt+wheel notch.
pub const AMPLITUDE_STEP: f32 = 1.25;

/// Timeline state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    modifiers: Modifiers,
    drag: Option<Drag>,
    last_click: Option<Click>,
    /// The view when the last wheel step was published, and that step's result.
    last_view: Option<(TimeView, TimeView)>,
    /// Content, loop region and markers in one cached geometry: unchanged, it adds nothing to
    /// the region a redraw repaints. The playhead is drawn fresh each time, so that when it
    /// moves only its thin column is repainted (a changed cache repaints its whole bounds).
    pub(super) cache: KeyedCache<(Key, u64)>,
}

/// What a press grabbed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Grab {
    /// A new loop region from the pressed frame (a plain press also seeks there).
    NewLoop { anchor: u64 },
    /// One edge of the loop; the other stays at `fixed`.
    Edge { fixed: u64 },
    /// The whole loop (its start and length at the press).
    Loop { start: u64, len: u64 },
    /// A marker.
    Marker,
}

#[derive(Debug, Clone, Copy)]
struct Drag {
    grab: Grab,
    anchor_x: f32,
    /// Moved past the drag threshold.
    moving: bool,
    /// The last loop region published.
    last: Option<(u64, u64)>,
}

/// Which part of the loop region is at `x`.
enum LoopPart {
    Start,
    End,
    Inside,
}

impl<Message: Clone> Timeline<'_, Message> {
    fn is_ruler(&self) -> bool {
        matches!(self.kind, Kind::Ruler { .. })
    }

    /// The part of the loop at local `x` (edges within [`EDGE_GRAB_PX`], the inside only on the
    /// ruler, where dragging moves the loop).
    fn loop_part(&self, x: f32) -> Option<LoopPart> {
        let (a, b) = self.loop_region?;
        self.on_loop.as_ref()?;
        let (xa, xb) = (self.view.x_of(a as f64), self.view.x_of(b as f64));
        let (da, db) = ((x - xa).abs(), (x - xb).abs());
        if da <= EDGE_GRAB_PX || db <= EDGE_GRAB_PX {
            return Some(if da <= db {
                LoopPart::Start
            } else {
                LoopPart::End
            });
        }
        (self.is_ruler() && x > xa && x < xb).then_some(LoopPart::Inside)
    }

    /// The marker whose flag or label is at local `p` (ruler only).
    fn marker_at(&self, p: Point) -> Option<usize> {
        if !self.is_ruler() || self.on_marker.is_none() {
            return None;
        }
        marker_hit(&self.markers, self.view, p)
    }

    /// Publishes a loop region if it changed.
    fn publish_loop(&self, d: &mut Drag, region: (u64, u64), shell: &mut Shell<'_, Message>) {
        let region = (region.0, region.1.max(region.0 + 1));
        if d.last != Some(region)
            && let Some(f) = &self.on_loop
        {
            d.last = Some(region);
            shell.publish(f(region.0, region.1));
        }
    }

    /// Handles one event (the widget's `update`).
    pub(super) fn handle(
        &self,
        state: &mut State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        match event {
            Event::Keyboard(keyboard::Event::ModifiersChanged(m)) => state.modifiers = *m,
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Right)) => {
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                if let (Some(i), Some(f)) = (self.marker_at(p), &self.on_marker) {
                    shell.publish(f(MarkerEvent::Remove(i)));
                    shell.capture_event();
                }
            }
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                let c = Click::new(p, mouse::Button::Left, state.last_click);
                state.last_click = Some(c);
                let double = c.kind() == click::Kind::Double;
                if let Some(m) = &self.on_press {
                    shell.publish(m.clone());
                }
                let frame = self.frame(p.x);
                if let Some(i) = self.marker_at(p)
                    && let Some(f) = &self.on_marker
                {
                    shell.capture_event();
                    if double {
                        state.drag = None;
                        shell.publish(f(MarkerEvent::Rename(i)));
                    } else {
                        shell.publish(f(MarkerEvent::Grab(i)));
                        state.drag = Some(Drag {
                            grab: Grab::Marker,
                            anchor_x: p.x,
                            moving: false,
                            last: None,
                        });
                    }
                    return;
                }
                if double
                    && self.is_ruler()
                    && p.y < super::MARKER_ROW_H
                    && let Some(f) = &self.on_marker
                {
                    shell.capture_event();
                    state.drag = None;
                    shell.publish(f(MarkerEvent::Add(frame)));
                    return;
                }
                let grab = match (self.loop_part(p.x), self.loop_region) {
                    (Some(LoopPart::Start), Some((_, b))) => Grab::Edge { fixed: b },
                    (Some(LoopPart::End), Some((a, _))) => Grab::Edge { fixed: a },
                    (Some(LoopPart::Inside), Some((a, b))) => Grab::Loop {
                        start: a,
                        len: b - a,
                    },
                    _ => Grab::NewLoop { anchor: frame },
                };
                if !matches!(grab, Grab::NewLoop { .. })
                    || self.on_seek.is_some()
                    || self.on_loop.is_some()
                {
                    shell.capture_event();
                    state.drag = Some(Drag {
                        grab,
                        anchor_x: p.x,
                        moving: false,
                        last: None,
                    });
                }
                // Grabbing an edge is not a click on the timeline; a press anywhere else seeks
                // (and, on the inside of the loop, may become a move of it).
                if !matches!(grab, Grab::Edge { .. })
                    && let Some(f) = &self.on_seek
                {
                    shell.publish(f(frame));
                }
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let Some(d) = &mut state.drag else { return };
                shell.capture_event();
                // The event's own position: a batch of moves shares one `cursor`.
                let x = position.x - bounds.x;
                d.moving |= (x - d.anchor_x).abs() >= DRAG_THRESHOLD_PX
                    || matches!(d.grab, Grab::Edge { .. });
                if !d.moving {
                    return;
                }
                let frame = self.frame(x);
                let mut d = *d;
                match d.grab {
                    Grab::NewLoop { anchor } | Grab::Edge { fixed: anchor } => {
                        self.publish_loop(&mut d, (anchor.min(frame), anchor.max(frame)), shell);
                    }
                    Grab::Loop { start, len } => {
                        let moved = f64::from(x - d.anchor_x) * self.view.frames_per_px;
                        let start = (start as f64 + moved).max(0.0).round() as u64;
                        self.publish_loop(&mut d, (start, start + len), shell);
                    }
                    Grab::Marker => {
                        if let Some(f) = &self.on_marker {
                            shell.publish(f(MarkerEvent::Move(frame)));
                        }
                    }
                }
                state.drag = Some(d);
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if let Some(d) = state.drag.take() {
                    shell.capture_event();
                    match d.grab {
                        Grab::Marker => {
                            if let Some(f) = &self.on_marker {
                                shell.publish(f(MarkerEvent::Drop));
                            }
                        }
                        _ => {
                            if d.last.is_some()
                                && let Some(m) = &self.on_release
                            {
                                shell.publish(m.clone());
                            }
                        }
                    }
                }
            }
            Event::Mouse(mouse::Event::WheelScrolled { delta }) => {
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                if state.drag.is_some() {
                    return;
                }
                let notches = match *delta {
                    ScrollDelta::Lines { y, .. } => y,
                    ScrollDelta::Pixels { y, .. } => y / PIXELS_PER_NOTCH,
                };
                if state.modifiers.alt() {
                    if let (Some(f), Kind::Lane { .. }) = (&self.on_amplitude, &self.kind) {
                        shell.capture_event();
                        if notches != 0.0 {
                            shell.publish(f(self.amplitude * AMPLITUDE_STEP.powf(notches)));
                        }
                    }
                    return;
                }
                let Some(on_view) = &self.on_view else { return };
                shell.capture_event();
                // Several notches can arrive in one batch of events, before the app has
                // rebuilt the view: continue from our last result then.
                let view = match state.last_view {
                    Some((seen, result)) if seen == self.view => result,
                    _ => self.view,
                };
                let new = if state.modifiers.command() {
                    // Wheel up (away from the user) zooms in.
                    view.zoomed(p.x, ZOOM_STEP.powf(-f64::from(notches)))
                } else {
                    // Horizontal deltas win; a vertical wheel scrolls later when turned down.
                    let px = match *delta {
                        ScrollDelta::Lines { x, y } => {
                            f64::from(if x != 0.0 { x } else { y }) * SCROLL_PX
                        }
                        ScrollDelta::Pixels { x, y } => f64::from(if x != 0.0 { x } else { y }),
                    };
                    view.scrolled(-px)
                };
                state.last_view = Some((self.view, new));
                if new != view {
                    shell.publish(on_view(new));
                }
            }
            _ => {}
        }
    }

    /// The cursor over the timeline (or anywhere while it drags).
    pub(super) fn cursor_shape(
        &self,
        state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if let Some(d) = state.drag {
            return match d.grab {
                Grab::Marker | Grab::Loop { .. } => mouse::Interaction::Grabbing,
                _ if d.moving => mouse::Interaction::ResizingHorizontally,
                _ => mouse::Interaction::Text,
            };
        }
        let Some(p) = cursor.position_in(bounds) else {
            return mouse::Interaction::default();
        };
        if self.marker_at(p).is_some() {
            return mouse::Interaction::Grab;
        }
        match self.loop_part(p.x) {
            Some(LoopPart::Start | LoopPart::End) => mouse::Interaction::ResizingHorizontally,
            Some(LoopPart::Inside) => mouse::Interaction::Grab,
            None if self.on_seek.is_some() || self.on_loop.is_some() => mouse::Interaction::Text,
            None => mouse::Interaction::default(),
        }
    }
}
