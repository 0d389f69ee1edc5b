//! The compressor's pictures: the transfer curve (input → output dB over −60 … 0 dBFS, with its
//! knee shaded and a dot at the live input level) and the gain-reduction history strip.
//!
//! Both draw what they are given: the curve points come from the DSP's static curve, the dot
//! and the history from the engine's feedback.

use super::cache::{KeyedCache, fill_text, hash_floats};
use super::curve::{COMP_MIN_DB, comp_input_db};
use super::host::{Control, Host};
use crate::ui::theme;
use iced::widget::canvas::{Frame, Geometry, Path, Stroke, Text};
use iced::{Element, Length, Point, Rectangle, Renderer, Size, Theme, alignment};

/// Deepest gain reduction the history strip shows, dB.
pub const HISTORY_RANGE_DB: f32 = 24.0;

const MARGIN_L: f32 = 24.0;
const MARGIN_B: f32 = 14.0;

/// The transfer curve; build it with [`transfer_curve`].
pub struct Transfer<'a> {
    out_db: &'a [f32],
    threshold_db: f32,
    knee_db: f32,
    dot: Option<(f32, f32)>,
    enabled: bool,
    size: f32,
}

/// The curve from output levels (makeup not included) at `comp_input_db(i, out_db.len())`,
/// its threshold and knee width.
pub fn transfer_curve(out_db: &[f32], threshold_db: f32, knee_db: f32) -> Transfer<'_> {
    Transfer {
        out_db,
        threshold_db,
        knee_db,
        dot: None,
        enabled: true,
        size: 150.0,
    }
}

impl Transfer<'_> {
    /// A dot at the live input level and the output the curve gives for it (dB).
    pub fn dot(mut self, dot: Option<(f32, f32)>) -> Self {
        self.dot = dot.filter(|(i, o)| i.is_finite() && o.is_finite());
        self
    }

    /// Greys the curve when the compressor is off.
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }

    /// Side length in pixels.
    pub fn size(mut self, px: f32) -> Self {
        self.size = px;
        self
    }
}

impl<Message> Control<Message> for Transfer<'_> {
    /// Drawn again only when what it shows changes.
    type State = KeyedCache<u64>;

    fn draw(
        &self,
        state: &KeyedCache<u64>,
        renderer: &Renderer,
        _: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        vec![
            state.draw(
                renderer,
                size,
                hash_floats(
                    [
                        self.threshold_db,
                        self.knee_db,
                        f32::from(u8::from(self.enabled)),
                        self.dot.map_or(f32::NAN, |d| d.0),
                        self.dot.map_or(f32::NAN, |d| d.1),
                    ]
                    .into_iter()
                    .chain(self.out_db.iter().copied()),
                ),
                |f| self.paint(f, size),
            ),
        ]
    }
}

impl Transfer<'_> {
    fn paint(&self, f: &mut Frame, size: Size) {
        well(f, size);
        let area = Rectangle {
            x: MARGIN_L,
            y: 4.0,
            width: (size.width - MARGIN_L - 4.0).max(1.0),
            height: (size.height - MARGIN_B - 4.0).max(1.0),
        };
        let x_of = |db: f32| area.x + (db - COMP_MIN_DB) / -COMP_MIN_DB * area.width;
        let y_of = |db: f32| {
            let t = if db.is_nan() {
                0.0
            } else {
                ((db - COMP_MIN_DB) / -COMP_MIN_DB).clamp(0.0, 1.0)
            };
            area.y + area.height * (1.0 - t)
        };
        let grid = Stroke::default().with_color(theme::GRID).with_width(1.0);
        for db in [-48.0f32, -36.0, -24.0, -12.0] {
            let (x, y) = (x_of(db).round() + 0.5, y_of(db).round() + 0.5);
            let faint = Stroke::default()
                .with_color(theme::fade(theme::GRID, 0.45))
                .with_width(1.0);
            f.stroke(
                &Path::line(Point::new(x, area.y), Point::new(x, area.y + area.height)),
                faint,
            );
            f.stroke(
                &Path::line(Point::new(area.x, y), Point::new(area.x + area.width, y)),
                faint,
            );
        }
        for db in [-60.0f32, -36.0, -12.0, 0.0] {
            text(
                f,
                format!("{db:.0}"),
                Point::new(
                    area.x - 3.0,
                    y_of(db).clamp(area.y + 4.0, area.y + area.height - 4.0),
                ),
                alignment::Horizontal::Right,
            );
            let align = if db == 0.0 {
                alignment::Horizontal::Right
            } else if db == COMP_MIN_DB {
                alignment::Horizontal::Left
            } else {
                alignment::Horizontal::Center
            };
            text(
                f,
                format!("{db:.0}"),
                Point::new(x_of(db), area.y + area.height + MARGIN_B / 2.0),
                align,
            );
        }
        // 1:1 line.
        f.stroke(
            &Path::line(
                Point::new(area.x, area.y + area.height),
                Point::new(area.x + area.width, area.y),
            ),
            grid,
        );
        let color = if self.enabled {
            theme::GAIN_REDUCTION
        } else {
            theme::TEXT_DIM
        };
        let t = self.threshold_db;
        if t.is_finite() && t > COMP_MIN_DB {
            // The knee: where the curve bends, from T − W/2 to T + W/2.
            let w = self.knee_db.max(0.0);
            let (a, b) = (
                x_of((t - w / 2.0).max(COMP_MIN_DB)),
                x_of((t + w / 2.0).min(0.0)),
            );
            if b - a >= 1.0 {
                f.fill_rectangle(
                    Point::new(a, area.y),
                    Size::new(b - a, area.height),
                    theme::fade(color, 0.12),
                );
            }
            let x = x_of(t.min(0.0)).round() + 0.5;
            f.stroke(
                &Path::line(Point::new(x, area.y), Point::new(x, area.y + area.height)),
                Stroke::default()
                    .with_color(theme::fade(color, 0.5))
                    .with_width(1.0),
            );
        }
        let n = self.out_db.len();
        let line = Path::new(|p| {
            for (i, &out) in self.out_db.iter().enumerate() {
                let q = Point::new(x_of(comp_input_db(i, n)), y_of(out));
                if i == 0 {
                    p.move_to(q);
                } else {
                    p.line_to(q);
                }
            }
        });
        f.stroke(&line, Stroke::default().with_color(color).with_width(2.0));
        if let Some((i, o)) = self.dot
            && i > COMP_MIN_DB
        {
            let c = Point::new(x_of(i.min(0.0)), y_of(o));
            f.fill(&Path::circle(c, 4.5), theme::TEXT);
            f.stroke(
                &Path::circle(c, 4.5),
                Stroke::default().with_color(color).with_width(1.5),
            );
        }
    }
}

fn text(f: &mut Frame, s: String, at: Point, align: alignment::Horizontal) {
    fill_text(
        f,
        Text {
            content: s,
            position: at,
            color: theme::TEXT_DIM,
            size: 9.0.into(),
            align_x: align.into(),
            align_y: alignment::Vertical::Center,
            ..Text::default()
        },
    );
}

impl<'a, Message: 'a> From<Transfer<'a>> for Element<'a, Message> {
    fn from(t: Transfer<'a>) -> Self {
        let s = Length::Fixed(t.size);
        Host::new(t, s, s).into()
    }
}

/// The gain-reduction history: `gr_db` oldest first, evenly spaced over the strip's width (the
/// newest at the right edge), 0 dB at the top.
pub struct History<'a> {
    gr_db: &'a [f32],
    height: f32,
}

/// A history strip of `gr_db` (≥ 0 dB values, oldest first).
pub fn gr_history(gr_db: &[f32]) -> History<'_> {
    History {
        gr_db,
        height: 40.0,
    }
}

impl History<'_> {
    /// Height in pixels.
    pub fn height(mut self, px: f32) -> Self {
        self.height = px;
        self
    }
}

impl<Message> Control<Message> for History<'_> {
    /// Drawn again only when what it shows changes.
    type State = KeyedCache<u64>;

    fn draw(
        &self,
        state: &KeyedCache<u64>,
        renderer: &Renderer,
        _: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        vec![state.draw(
            renderer,
            size,
            hash_floats(self.gr_db.iter().copied()),
            |f| self.paint(f, size),
        )]
    }
}

impl History<'_> {
    fn paint(&self, f: &mut Frame, size: Size) {
        well(f, size);
        let left = MARGIN_L;
        let w = (size.width - left - 2.0).max(1.0);
        let h = size.height - 2.0;
        let y_of = |db: f32| 1.0 + h * (db.max(0.0) / HISTORY_RANGE_DB).min(1.0);
        for db in [6.0f32, 12.0, 18.0] {
            let y = y_of(db).round() + 0.5;
            f.stroke(
                &Path::line(Point::new(left, y), Point::new(left + w, y)),
                Stroke::default()
                    .with_color(theme::fade(theme::GRID, 0.5))
                    .with_width(1.0),
            );
        }
        for db in [0.0f32, 12.0, 24.0] {
            text(
                f,
                if db == 0.0 {
                    "0".into()
                } else {
                    format!("-{db:.0}")
                },
                Point::new(left - 3.0, y_of(db).clamp(5.0, size.height - 5.0)),
                alignment::Horizontal::Right,
            );
        }
        let n = self.gr_db.len();
        if n >= 2 {
            let step = w / (n - 1) as f32;
            let area = Path::new(|p| {
                p.move_to(Point::new(left, 1.0));
                for (i, &g) in self.gr_db.iter().enumerate() {
                    p.line_to(Point::new(left + i as f32 * step, y_of(g)));
                }
                p.line_to(Point::new(left + w, 1.0));
                p.close();
            });
            f.fill(&area, theme::fade(theme::GAIN_REDUCTION, 0.55));
        }
    }
}

impl<'a, Message: 'a> From<History<'a>> for Element<'a, Message> {
    fn from(hi: History<'a>) -> Self {
        let h = Length::Fixed(hi.height);
        Host::new(hi, Length::Fill, h).into()
    }
}

/// Fills a frame of `size` with the editors' rounded dark background.
fn well(f: &mut Frame, size: Size) {
    f.fill(
        &Path::rounded_rectangle(Point::ORIGIN, size, 3.0.into()),
        theme::WELL_BG,
    );
}
