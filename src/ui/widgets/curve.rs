//! Small preview drawings for a channel strip: the EQ magnitude curve and the compressor's
//! static curve. They draw the points they are given (the app computes them with the DSP's own
//! response functions) and are cached by them, so while playing (when the window redraws at
//! display rate) they cost nothing.

use super::cache::{KeyedCache, hash_floats};
use super::host::{Control, Host};
use crate::ui::theme;
use iced::advanced::Shell;
use iced::widget::canvas::{Geometry, Path, Stroke};
use iced::{Color, Element, Event, Length, Point, Rectangle, Renderer, Theme, mouse};

/// Lowest frequency of the EQ preview.
pub const EQ_MIN_HZ: f32 = 20.0;
/// Highest frequency of the EQ preview.
pub const EQ_MAX_HZ: f32 = 20_000.0;
/// Lowest input and output level of the compressor preview.
pub const COMP_MIN_DB: f32 = -60.0;

/// The frequency of point `i` of `n` log-spaced points from [`EQ_MIN_HZ`] to [`EQ_MAX_HZ`]:
/// where [`eq_curve`] expects its dB values to be computed.
pub fn eq_frequency(i: usize, n: usize) -> f32 {
    if n < 2 {
        return EQ_MIN_HZ;
    }
    let t = i.min(n - 1) as f32 / (n - 1) as f32;
    EQ_MIN_HZ * (EQ_MAX_HZ / EQ_MIN_HZ).powf(t)
}

/// The input level of point `i` of `n` evenly spaced points from [`COMP_MIN_DB`] to 0 dBFS:
/// where [`compressor_curve`] expects its output levels to be computed.
pub fn comp_input_db(i: usize, n: usize) -> f32 {
    if n < 2 {
        return COMP_MIN_DB;
    }
    COMP_MIN_DB - COMP_MIN_DB * i.min(n - 1) as f32 / (n - 1) as f32
}

enum Kind<'a> {
    Eq { db: &'a [f32], range_db: f32 },
    Compressor { db: &'a [f32], threshold: f32 },
}

/// A curve preview; build it with [`eq_curve`] or [`compressor_curve`].
pub struct Curve<'a, Message> {
    kind: Kind<'a>,
    enabled: bool,
    color: Color,
    on_press: Option<Message>,
    width: Length,
    height: Length,
}

/// The EQ's magnitude response from dB values at [`eq_frequency`]`(i, db.len())` (±18 dB shown).
pub fn eq_curve<'a, Message>(db: &'a [f32]) -> Curve<'a, Message> {
    Curve {
        kind: Kind::Eq { db, range_db: 18.0 },
        enabled: true,
        color: theme::ACCENT,
        on_press: None,
        width: Length::Fixed(72.0),
        height: Length::Fixed(40.0),
    }
}

/// The compressor's input → output curve over −60 … 0 dB from output levels in dB at
/// [`comp_input_db`]`(i, db.len())`, with a line at `threshold_db`.
pub fn compressor_curve<'a, Message>(db: &'a [f32], threshold_db: f32) -> Curve<'a, Message> {
    Curve {
        kind: Kind::Compressor {
            db,
            threshold: threshold_db,
        },
        width: Length::Fixed(40.0),
        height: Length::Fixed(40.0),
        ..eq_curve(&[])
    }
}

impl<Message> Curve<'_, Message> {
    /// Draws the curve in grey when the processor is off.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Colour of the curve when enabled.
    pub fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }

    /// The ± dB range of an EQ curve (18 by default).
    pub fn range_db(mut self, range: f32) -> Self {
        if let Kind::Eq { range_db, .. } = &mut self.kind
            && range.is_finite()
            && range > 0.0
        {
            *range_db = range;
        }
        self
    }

    /// Message sent when the preview is clicked (e.g. to open the strip editor).
    pub fn on_press(mut self, message: Message) -> Self {
        self.on_press = Some(message);
        self
    }

    size_setters!("Width.", "Height.");

    fn key(&self) -> u64 {
        let c = self.color;
        let head = [f32::from(u8::from(self.enabled)), c.r, c.g, c.b, c.a];
        match self.kind {
            Kind::Eq { db, range_db } => hash_floats(
                head.into_iter()
                    .chain([1.0, range_db])
                    .chain(db.iter().copied()),
            ),
            Kind::Compressor { db, threshold } => hash_floats(
                head.into_iter()
                    .chain([2.0, threshold])
                    .chain(db.iter().copied()),
            ),
        }
    }
}

/// Curve state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    cache: KeyedCache<u64>,
}

impl<Message: Clone> Control<Message> for Curve<'_, Message> {
    type State = State;

    fn update(
        &self,
        _state: &mut State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        if let Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) = event
            && let Some(m) = &self.on_press
            && cursor.is_over(bounds)
        {
            shell.publish(m.clone());
            shell.capture_event();
        }
    }

    fn draw(
        &self,
        state: &State,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        let color = if self.enabled {
            self.color
        } else {
            theme::TEXT_DIM
        };
        let geometry = state.cache.draw(renderer, size, self.key(), |f| {
            let (w, h) = (size.width, size.height);
            f.fill(
                &Path::rounded_rectangle(Point::ORIGIN, size, 3.0.into()),
                theme::WELL_BG,
            );
            let grid = Stroke::default().with_color(theme::GRID).with_width(1.0);
            match self.kind {
                Kind::Eq { db, range_db } => {
                    let y_of = |v: f32| {
                        let v = if v.is_nan() { 0.0 } else { v };
                        h / 2.0 - v.clamp(-range_db, range_db) / range_db * (h / 2.0 - 2.0)
                    };
                    let span = (EQ_MAX_HZ / EQ_MIN_HZ).ln();
                    for hz in [100.0f32, 1000.0, 10_000.0] {
                        let x = ((hz / EQ_MIN_HZ).ln() / span * w).round() + 0.5;
                        f.stroke(&Path::line(Point::new(x, 0.0), Point::new(x, h)), grid);
                    }
                    let mid = y_of(0.0).round() + 0.5;
                    f.stroke(&Path::line(Point::new(0.0, mid), Point::new(w, mid)), grid);
                    if db.len() >= 2 {
                        let step = w / (db.len() - 1) as f32;
                        let points = || {
                            db.iter()
                                .enumerate()
                                .map(move |(i, &v)| Point::new(i as f32 * step, y_of(v)))
                        };
                        let area = Path::new(|p| {
                            p.move_to(Point::new(0.0, mid));
                            points().for_each(|q| p.line_to(q));
                            p.line_to(Point::new(w, mid));
                            p.close();
                        });
                        f.fill(&area, theme::fade(color, 0.18));
                        let line = Path::new(|p| {
                            let mut it = points();
                            if let Some(q) = it.next() {
                                p.move_to(q);
                            }
                            it.for_each(|q| p.line_to(q));
                        });
                        f.stroke(&line, Stroke::default().with_color(color).with_width(1.5));
                    }
                }
                Kind::Compressor { db, threshold } => {
                    let x_of = |db: f32| (db - COMP_MIN_DB) / -COMP_MIN_DB * w;
                    let y_of = |db: f32| {
                        let db = if db.is_nan() { COMP_MIN_DB } else { db };
                        h - ((db - COMP_MIN_DB) / -COMP_MIN_DB).clamp(0.0, 1.0) * h
                    };
                    f.stroke(&Path::line(Point::new(0.0, h), Point::new(w, 0.0)), grid);
                    if threshold.is_finite() && threshold > COMP_MIN_DB && threshold < 0.0 {
                        let x = x_of(threshold).round() + 0.5;
                        f.stroke(&Path::line(Point::new(x, 0.0), Point::new(x, h)), grid);
                    }
                    let n = db.len();
                    let line = Path::new(|p| {
                        for (i, &out) in db.iter().enumerate() {
                            let q = Point::new(x_of(comp_input_db(i, n)), y_of(out));
                            if i == 0 {
                                p.move_to(q);
                            } else {
                                p.line_to(q);
                            }
                        }
                    });
                    f.stroke(&line, Stroke::default().with_color(color).with_width(1.5));
                }
            }
        });
        vec![geometry]
    }

    fn interaction(
        &self,
        _state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if self.on_press.is_some() && cursor.is_over(bounds) {
            mouse::Interaction::Pointer
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<'a, Message: Clone + 'a> From<Curve<'a, Message>> for Element<'a, Message> {
    fn from(c: Curve<'a, Message>) -> Self {
        let (w, h) = (c.width, c.height);
        Host::new(c, w, h).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressor_inputs_are_evenly_spaced() {
        assert_eq!(comp_input_db(0, 61), COMP_MIN_DB);
        assert_eq!(comp_input_db(60, 61), 0.0);
        assert_eq!(comp_input_db(30, 61), -30.0);
        assert_eq!(comp_input_db(3, 1), COMP_MIN_DB);
    }

    #[test]
    fn eq_frequencies_are_log_spaced() {
        assert_eq!(eq_frequency(0, 61), EQ_MIN_HZ);
        assert!((eq_frequency(60, 61) - EQ_MAX_HZ).abs() < 0.5);
        assert!((eq_frequency(30, 61) - 632.46).abs() < 0.1);
        assert_eq!(eq_frequency(5, 1), EQ_MIN_HZ);
    }
}
