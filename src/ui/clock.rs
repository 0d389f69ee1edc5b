//! The transport time (m:ss.mmm), drawn from cached glyph outlines.
//!
//! The time changes on every frame while playing. As a text widget, its glyphs would be
//! rasterised (with hinting) again and again by the software renderer, whose glyph cache keeps
//! only what the previous frame drew; here each character's outline is made once and the
//! drawing is cached per string.

use super::theme;
use iced::advanced::text::Paragraph as _;
use iced::widget::canvas::{self, Geometry, Path, Text};
use iced::{Color, Element, Font, Pixels, Point, Rectangle, Renderer, Size, Theme, Vector, mouse};
use std::cell::RefCell;
use std::collections::HashMap;

/// Glyph outlines per character, and the geometry of the last string.
#[derive(Default)]
pub struct ClockState {
    glyphs: RefCell<HashMap<char, Vec<Path>>>,
    advance: RefCell<Option<f32>>,
    drawn: RefCell<Option<String>>,
    cache: canvas::Cache,
}

struct Clock {
    text: String,
    size: f32,
    color: Color,
}

const FONT: Font = Font::MONOSPACE;

/// Width of one character of the monospace font at `size`.
fn advance(size: f32) -> f32 {
    let measure = |s: &str| {
        <Renderer as iced::advanced::text::Renderer>::Paragraph::with_text(iced::advanced::Text {
            content: s,
            bounds: Size::INFINITE,
            size: Pixels(size),
            line_height: iced::widget::text::LineHeight::default(),
            font: FONT,
            align_x: iced::widget::text::Alignment::Left,
            align_y: iced::alignment::Vertical::Top,
            shaping: iced::widget::text::Shaping::Basic,
            wrapping: iced::widget::text::Wrapping::None,
        })
        .min_width()
    };
    let w = measure("0000000000") - measure("00000");
    if w.is_finite() && w > 0.0 {
        w / 5.0
    } else {
        size * 0.6
    }
}

impl<Message> canvas::Program<Message> for Clock {
    type State = ClockState;

    fn draw(
        &self,
        state: &ClockState,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        if state.drawn.borrow().as_deref() != Some(self.text.as_str()) {
            state.cache.clear();
            *state.drawn.borrow_mut() = Some(self.text.clone());
        }
        let advance = *state
            .advance
            .borrow_mut()
            .get_or_insert_with(|| advance(self.size));
        vec![state.cache.draw(renderer, bounds.size(), |f| {
            let mut glyphs = state.glyphs.borrow_mut();
            for (i, c) in self.text.chars().enumerate() {
                let paths = glyphs.entry(c).or_insert_with(|| {
                    let mut v = Vec::new();
                    Text {
                        content: c.to_string(),
                        position: Point::ORIGIN,
                        size: Pixels(self.size),
                        font: FONT,
                        ..Text::default()
                    }
                    .draw_with(|path, _| v.push(path));
                    v
                });
                f.with_save(|f| {
                    f.translate(Vector::new(i as f32 * advance, 0.0));
                    for p in paths.iter() {
                        f.fill(p, self.color);
                    }
                });
            }
        })]
    }
}

/// The time `text` in the monospace font at `size` pixels.
pub fn clock<'a, Message: 'a>(text: String, size: f32) -> Element<'a, Message> {
    let width = text.chars().count() as f32 * size * 0.62 + 2.0;
    canvas::Canvas::new(Clock {
        text,
        size,
        color: theme::TEXT,
    })
    .width(width)
    .height(size * 1.3)
    .into()
}
