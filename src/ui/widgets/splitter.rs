//! A splitter bar between two parts of the window: drag it to share the room between them,
//! double-click it to fold the first part away (or back).
//!
//! While dragging it reports how far the pointer moved since the press (`on_drag(pixels)`), so
//! the app can add that to the size it had at the press; `on_release` follows once at the end
//! of a drag that moved.

use super::cache::KeyedCache;
use super::host::{Control, Host};
use crate::ui::theme;
use iced::advanced::Shell;
use iced::advanced::mouse::{Click, click};
use iced::widget::canvas::Geometry;
use iced::{Element, Event, Length, Point, Rectangle, Renderer, Size, Theme, mouse};

/// Thickness of a splitter bar.
pub const SPLITTER_PX: f32 = 6.0;

/// Which way the bar runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// A horizontal bar between a part above and a part below (drags vertically).
    Horizontal,
    /// A vertical bar between a part on the left and one on the right (drags sideways).
    Vertical,
}

/// A splitter bar; build it with [`splitter`].
pub struct Splitter<'a, Message> {
    axis: Axis,
    on_drag: Box<dyn Fn(f32) -> Message + 'a>,
    on_release: Option<Message>,
    on_double_click: Option<Message>,
}

/// A splitter along `axis` that reports drags (pixels since the press) through `on_drag`.
pub fn splitter<'a, Message>(
    axis: Axis,
    on_drag: impl Fn(f32) -> Message + 'a,
) -> Splitter<'a, Message> {
    Splitter {
        axis,
        on_drag: Box::new(on_drag),
        on_release: None,
        on_double_click: None,
    }
}

impl<Message> Splitter<'_, Message> {
    /// Message sent once at the end of a drag that moved the bar.
    pub fn on_release(mut self, message: Message) -> Self {
        self.on_release = Some(message);
        self
    }

    /// Message sent on a double-click.
    pub fn on_double_click(mut self, message: Message) -> Self {
        self.on_double_click = Some(message);
        self
    }

    fn along(&self, p: Point) -> f32 {
        match self.axis {
            Axis::Horizontal => p.y,
            Axis::Vertical => p.x,
        }
    }
}

/// Splitter state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    /// Pointer coordinate along the drag axis at the press, and whether it has moved since.
    drag: Option<(f32, bool)>,
    last_click: Option<Click>,
    hovered: bool,
    /// The bar, redrawn only when it lights up or dims (or changes size).
    cache: KeyedCache<bool>,
}

impl<Message: Clone> Control<Message> for Splitter<'_, Message> {
    type State = State;

    fn update(
        &self,
        state: &mut State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        match event {
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let Some(p) = cursor.position_over(bounds) else {
                    return;
                };
                shell.capture_event();
                let c = Click::new(p, mouse::Button::Left, state.last_click);
                state.last_click = Some(c);
                if c.kind() == click::Kind::Double
                    && let Some(m) = &self.on_double_click
                {
                    state.drag = None;
                    shell.publish(m.clone());
                    return;
                }
                state.drag = Some((self.along(p), false));
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let over = bounds.contains(*position);
                if over != state.hovered {
                    state.hovered = over;
                    shell.request_redraw();
                }
                let Some((origin, moved)) = &mut state.drag else {
                    return;
                };
                let delta = self.along(*position) - *origin;
                if delta != 0.0 || *moved {
                    *moved = true;
                    shell.publish((self.on_drag)(delta));
                }
                shell.capture_event();
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if let Some((_, moved)) = state.drag.take() {
                    shell.capture_event();
                    if moved && let Some(m) = &self.on_release {
                        shell.publish(m.clone());
                    }
                }
            }
            _ => {}
        }
    }

    fn draw(
        &self,
        state: &State,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let active = state.hovered || state.drag.is_some();
        let color = if active { theme::ACCENT } else { theme::BORDER };
        // A thin line in the middle, and a grip of three dots at the centre.
        let (w, h) = (bounds.width, bounds.height);
        let bar = state
            .cache
            .draw(renderer, bounds.size(), active, |f| match self.axis {
                Axis::Horizontal => {
                    f.fill_rectangle(Point::new(0.0, h / 2.0 - 0.5), Size::new(w, 1.0), color);
                    for i in -1..=1 {
                        let x = w / 2.0 + i as f32 * 6.0 - 1.5;
                        f.fill_rectangle(Point::new(x, h / 2.0 - 1.5), Size::new(3.0, 3.0), color);
                    }
                }
                Axis::Vertical => {
                    f.fill_rectangle(Point::new(w / 2.0 - 0.5, 0.0), Size::new(1.0, h), color);
                    for i in -1..=1 {
                        let y = h / 2.0 + i as f32 * 6.0 - 1.5;
                        f.fill_rectangle(Point::new(w / 2.0 - 1.5, y), Size::new(3.0, 3.0), color);
                    }
                }
            });
        vec![bar]
    }

    fn interaction(
        &self,
        state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if state.drag.is_some() || cursor.is_over(bounds) {
            match self.axis {
                Axis::Horizontal => mouse::Interaction::ResizingVertically,
                Axis::Vertical => mouse::Interaction::ResizingHorizontally,
            }
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<'a, Message: Clone + 'a> From<Splitter<'a, Message>> for Element<'a, Message> {
    fn from(s: Splitter<'a, Message>) -> Self {
        let (w, h) = match s.axis {
            Axis::Horizontal => (Length::Fill, Length::Fixed(SPLITTER_PX)),
            Axis::Vertical => (Length::Fixed(SPLITTER_PX), Length::Fill),
        };
        Host::new(s, w, h).into()
    }
}
