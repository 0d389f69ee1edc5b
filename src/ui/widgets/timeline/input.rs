//! Mouse and keyboard input of the ruler and the lanes: click to seek, drag to set the loop
//! region, wheel to scroll, Ctrl+wheel to zoom.

use super::Timeline;
use super::draw::Key;
use super::view::{DRAG_THRESHOLD_PX, SCROLL_PX, TimeView, ZOOM_STEP};
use crate::ui::widgets::cache::KeyedCache;
use iced::advanced::Shell;
use iced::keyboard::{self, Modifiers};
use iced::mouse::{self, ScrollDelta};
use iced::{Event, Rectangle};

/// Pixel-based wheel deltas (touchpads) per notch, for zooming.
const PIXELS_PER_NOTCH: f32 = 40.0;

/// Timeline state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    modifiers: Modifiers,
    drag: Option<Drag>,
    /// The view when the last wheel step was published, and that step's result.
    last_view: Option<(TimeView, TimeView)>,
    /// Content, loop region and markers in one cached geometry: unchanged, it adds nothing to
    /// the region a redraw repaints. The playhead is drawn fresh each time, so that when it
    /// moves only its thin column is repainted (a changed cache repaints its whole bounds).
    pub(super) cache: KeyedCache<(Key, u64)>,
}

#[derive(Debug, Clone, Copy)]
struct Drag {
    anchor_x: f32,
    anchor: u64,
    selecting: bool,
    last: Option<(u64, u64)>,
}

impl<Message: Clone> Timeline<'_, Message> {
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
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                if self.on_seek.is_none() && self.on_loop.is_none() {
                    return;
                }
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                let frame = self.frame(p.x);
                if let Some(f) = &self.on_seek {
                    shell.publish(f(frame));
                }
                state.drag = Some(Drag {
                    anchor_x: p.x,
                    anchor: frame,
                    selecting: false,
                    last: None,
                });
                shell.capture_event();
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let Some(d) = &mut state.drag else { return };
                shell.capture_event();
                // The event's own position: a batch of moves shares one `cursor`.
                let x = position.x - bounds.x;
                d.selecting |= (x - d.anchor_x).abs() >= DRAG_THRESHOLD_PX;
                if !d.selecting {
                    return;
                }
                let frame = self.frame(x);
                let (a, b) = (d.anchor.min(frame), d.anchor.max(frame));
                let region = (a, b.max(a + 1));
                if d.last != Some(region)
                    && let Some(f) = &self.on_loop
                {
                    d.last = Some(region);
                    shell.publish(f(region.0, region.1));
                }
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if let Some(d) = state.drag.take() {
                    shell.capture_event();
                    if d.last.is_some()
                        && let Some(m) = &self.on_release
                    {
                        shell.publish(m.clone());
                    }
                }
            }
            Event::Mouse(mouse::Event::WheelScrolled { delta }) => {
                let Some(on_view) = &self.on_view else { return };
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                if state.drag.is_some() {
                    return;
                }
                shell.capture_event();
                // Several notches can arrive in one batch of events, before the app has
                // rebuilt the view: continue from our last result then.
                let view = match state.last_view {
                    Some((seen, result)) if seen == self.view => result,
                    _ => self.view,
                };
                let new = if state.modifiers.command() {
                    let notches = match *delta {
                        ScrollDelta::Lines { y, .. } => y,
                        ScrollDelta::Pixels { y, .. } => y / PIXELS_PER_NOTCH,
                    };
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
        if state.drag.is_some_and(|d| d.selecting) {
            mouse::Interaction::ResizingHorizontally
        } else if cursor.is_over(bounds) && (self.on_seek.is_some() || self.on_loop.is_some()) {
            mouse::Interaction::Text
        } else {
            mouse::Interaction::default()
        }
    }
}
