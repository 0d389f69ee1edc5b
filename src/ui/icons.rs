//! Small drawn icons for the transport (fonts differ in which symbols they have; shapes do not).

use iced::widget::canvas::{self, Geometry, LineCap, Path, Stroke};
use iced::{Color, Element, Point, Rectangle, Renderer, Size, Theme, mouse};
use std::cell::Cell;

/// Which icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Icon {
    /// A right-pointing triangle.
    Play,
    /// Two bars.
    Pause,
    /// A square.
    Stop,
    /// A bar and a left-pointing triangle.
    ToStart,
    /// Two arrows in a loop.
    Loop,
}

struct Drawing {
    icon: Icon,
    color: Color,
}

/// The drawing, kept until the icon or its colour changes (so redraws of the window for
/// other reasons cost nothing here).
#[derive(Default)]
struct Cached {
    key: Cell<Option<(Icon, [u8; 4])>>,
    cache: canvas::Cache,
}

/// Side of an icon in pixels.
const SIZE: f32 = 14.0;

impl<Message> canvas::Program<Message> for Drawing {
    type State = Cached;

    fn draw(
        &self,
        state: &Cached,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        let key = Some((self.icon, self.color.into_rgba8()));
        if state.key.get() != key {
            state.key.set(key);
            state.cache.clear();
        }
        vec![
            state
                .cache
                .draw(renderer, bounds.size(), |f| self.paint(f, bounds.size())),
        ]
    }
}

impl Drawing {
    fn paint(&self, f: &mut canvas::Frame, size: Size) {
        let s = size.width.min(size.height);
        let c = self.color;
        match self.icon {
            Icon::Play => f.fill(
                &Path::new(|b| {
                    b.move_to(Point::new(s * 0.2, s * 0.1));
                    b.line_to(Point::new(s * 0.9, s * 0.5));
                    b.line_to(Point::new(s * 0.2, s * 0.9));
                    b.close();
                }),
                c,
            ),
            Icon::Pause => {
                f.fill_rectangle(
                    Point::new(s * 0.2, s * 0.1),
                    Size::new(s * 0.22, s * 0.8),
                    c,
                );
                f.fill_rectangle(
                    Point::new(s * 0.58, s * 0.1),
                    Size::new(s * 0.22, s * 0.8),
                    c,
                );
            }
            Icon::Stop => {
                f.fill_rectangle(
                    Point::new(s * 0.15, s * 0.15),
                    Size::new(s * 0.7, s * 0.7),
                    c,
                );
            }
            Icon::ToStart => {
                f.fill_rectangle(
                    Point::new(s * 0.12, s * 0.12),
                    Size::new(s * 0.14, s * 0.76),
                    c,
                );
                f.fill(
                    &Path::new(|b| {
                        b.move_to(Point::new(s * 0.88, s * 0.12));
                        b.line_to(Point::new(s * 0.3, s * 0.5));
                        b.line_to(Point::new(s * 0.88, s * 0.88));
                        b.close();
                    }),
                    c,
                );
            }
            Icon::Loop => {
                let stroke = Stroke::default()
                    .with_color(c)
                    .with_width(1.6)
                    .with_line_cap(LineCap::Round);
                f.stroke(
                    &Path::rounded_rectangle(
                        Point::new(s * 0.12, s * 0.25),
                        Size::new(s * 0.76, s * 0.5),
                        (s * 0.22).into(),
                    ),
                    stroke,
                );
                // Arrow heads on the top (right-pointing) and bottom (left-pointing) runs.
                f.fill(
                    &Path::new(|b| {
                        b.move_to(Point::new(s * 0.62, s * 0.1));
                        b.line_to(Point::new(s * 0.8, s * 0.25));
                        b.line_to(Point::new(s * 0.62, s * 0.4));
                        b.close();
                    }),
                    c,
                );
                f.fill(
                    &Path::new(|b| {
                        b.move_to(Point::new(s * 0.38, s * 0.6));
                        b.line_to(Point::new(s * 0.2, s * 0.75));
                        b.line_to(Point::new(s * 0.38, s * 0.9));
                        b.close();
                    }),
                    c,
                );
            }
        }
    }
}

/// An icon in `color`.
pub fn icon<'a, Message: 'a>(icon: Icon, color: Color) -> Element<'a, Message> {
    canvas::Canvas::new(Drawing { icon, color })
        .width(SIZE)
        .height(SIZE)
        .into()
}
