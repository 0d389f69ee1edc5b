//! Drawing of the meters: wells, ticks and labels (cached per size), bars, holds and the clip
//! light (cached per reading), and the value box (cached per number).

use super::{CLIP_H, GR_MARKS, GR_RANGE_DB, Kind, LABEL_SIZE, MIN_DB, Meter, ZONES};
use crate::ui::theme;
use crate::ui::widgets::fader::{MARKS, db_to_pos, travel_of};
use iced::widget::canvas::{Frame, Path, Stroke, Text};
use iced::{Color, Point, Size, alignment};

/// Vertical position of `t` (0 = bottom of the travel, 1 = top) in a meter `height` tall.
pub(super) fn y_at(t: f32, height: f32) -> f32 {
    let (top, travel) = travel_of(height);
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    top + (1.0 - t) * travel
}

/// Vertical position of a level on the stereo meter's (the fader's) scale.
pub(super) fn y_of_db(db: f32, height: f32) -> f32 {
    y_at(db_to_pos(db), height)
}

/// A scale label.
fn label(f: &mut Frame, text: String, at: Point, color: Color) {
    crate::ui::widgets::cache::fill_text(
        f,
        Text {
            content: text,
            position: at,
            color,
            size: LABEL_SIZE.into(),
            align_x: iced::widget::text::Alignment::Right,
            align_y: alignment::Vertical::Center,
            ..Text::default()
        },
    );
}

/// Ticks of a vertical scale with labels at the meter's right edge, skipping labels that
/// would overprint the one above.
struct Ticks {
    /// Whether labels are drawn at all (there is room beside the bars).
    labels: bool,
    /// x of the labels' right edge.
    label_x: f32,
    /// Labels are kept inside top…bottom.
    top: f32,
    bottom: f32,
    /// y of the last label drawn.
    last: f32,
}

impl Ticks {
    fn new(labels: bool, label_x: f32, top: f32, bottom: f32) -> Ticks {
        Ticks {
            labels,
            label_x,
            top,
            bottom,
            last: f32::NEG_INFINITY,
        }
    }

    /// A tick from x0 to x1 at `y` in `line`, and its label (made only when drawn) in `color`.
    fn tick(
        &mut self,
        f: &mut Frame,
        y: f32,
        (x0, x1): (f32, f32),
        line: Color,
        text: impl FnOnce() -> String,
        color: Color,
    ) {
        f.stroke(
            &Path::line(Point::new(x0, y), Point::new(x1, y)),
            Stroke::default().with_color(line).with_width(1.0),
        );
        if self.labels && y - self.last >= 9.0 {
            self.last = y;
            let at = Point::new(self.label_x, y.clamp(self.top + 3.0, self.bottom - 3.0));
            label(f, text(), at, color);
        }
    }
}

impl<Message> Meter<Message> {
    /// Wells, ticks and labels: everything that depends only on size and kind.
    pub(super) fn draw_static(&self, f: &mut Frame, size: Size) {
        let bars_w = self.bars_w(size);
        let h = size.height;
        let (top, travel) = travel_of(h);
        let bottom = top + travel;
        let well = |f: &mut Frame| {
            f.fill_rectangle(
                Point::new(0.0, top - 1.0),
                Size::new(bars_w, travel + 2.0),
                theme::WELL_BG,
            );
        };
        match self.kind {
            Kind::Stereo(_) => {
                f.fill_rectangle(
                    Point::ORIGIN,
                    Size::new(bars_w, CLIP_H),
                    theme::darken(theme::CLIP_RED, 0.75),
                );
                well(f);
                let mut ticks = Ticks::new(self.scale, size.width, top, bottom);
                for (db, text) in MARKS {
                    if db == f32::NEG_INFINITY {
                        continue;
                    }
                    let y = y_of_db(db, h).round() + 0.5;
                    // 0 dBFS crosses the bars; the other marks are ticks at the edge facing
                    // the fader, whose labels they share.
                    let (x, color) = if db == 0.0 {
                        ((0.0, bars_w), theme::TEXT_DIM)
                    } else {
                        ((0.0, 3.0), theme::GRID)
                    };
                    ticks.tick(f, y, x, color, || text.into(), theme::TEXT_DIM);
                }
            }
            Kind::GainReduction(_) => {
                well(f);
                let mut ticks = Ticks::new(bars_w < size.width, size.width, top, bottom);
                for gr in GR_MARKS {
                    let y = y_at(1.0 - gr / GR_RANGE_DB, h).round() + 0.5;
                    let color = theme::fade(theme::GAIN_REDUCTION, 0.8);
                    let x = (bars_w - 2.0, bars_w + 2.0);
                    ticks.tick(f, y, x, theme::GRID, || format!("{gr:.0}"), color);
                }
            }
            Kind::Loudness {
                min,
                max,
                target,
                vertical: true,
                ..
            } => {
                well(f);
                let mut ticks = Ticks::new(bars_w < size.width, size.width, top, bottom);
                let mut v = (max / 6.0).floor() * 6.0;
                while v >= min {
                    let y = y_at((v - min) / (max - min), h).round() + 0.5;
                    let color = theme::fade(theme::ACCENT, 0.9);
                    let x = (bars_w - 2.0, bars_w + 2.0);
                    ticks.tick(f, y, x, theme::GRID, || format!("{v:.0}"), color);
                    v -= 6.0;
                }
                if let Some(t) = target {
                    let y = y_at((t - min) / (max - min), h).round() + 0.5;
                    f.stroke(
                        &Path::line(Point::new(0.0, y), Point::new(bars_w, y)),
                        Stroke::default()
                            .with_color(theme::TEXT_DIM)
                            .with_width(1.0),
                    );
                }
            }
            Kind::Loudness {
                min, max, target, ..
            } => {
                f.fill_rectangle(Point::ORIGIN, size, theme::WELL_BG);
                let x_of = |v: f32| ((v - min) / (max - min)).clamp(0.0, 1.0) * size.width;
                let mut v = (min / 6.0).ceil() * 6.0;
                while v < max {
                    let x = x_of(v).round() + 0.5;
                    f.stroke(
                        &Path::line(Point::new(x, size.height - 3.0), Point::new(x, size.height)),
                        Stroke::default().with_color(theme::GRID).with_width(1.0),
                    );
                    v += 6.0;
                }
                if let Some(t) = target {
                    let x = x_of(t).round() + 0.5;
                    f.stroke(
                        &Path::line(Point::new(x, 0.0), Point::new(x, size.height)),
                        Stroke::default()
                            .with_color(theme::TEXT_DIM)
                            .with_width(1.0),
                    );
                }
            }
        }
    }

    /// The value box and its number.
    pub(super) fn draw_value(&self, f: &mut Frame, size: Size) {
        let (Some(b), Some((text, color))) = (self.value_box(size), self.value_text()) else {
            return;
        };
        f.fill(
            &Path::rounded_rectangle(b.position(), b.size(), 3.0.into()),
            theme::WELL_BG,
        );
        crate::ui::widgets::cache::fill_text(
            f,
            Text {
                content: text,
                position: b.center(),
                color,
                size: 9.0.into(),
                align_x: iced::widget::text::Alignment::Center,
                align_y: alignment::Vertical::Center,
                ..Text::default()
            },
        );
    }
}

/// Fills a level bar from the bottom up to `db`, in the colour of each zone it reaches.
fn fill_level(f: &mut Frame, x: f32, w: f32, db: f32, alpha: f32, height: f32) {
    // Also false for NaN.
    if db.is_nan() || db <= MIN_DB {
        return;
    }
    for (lo, hi, color) in ZONES {
        if db <= lo {
            break;
        }
        let y_top = y_of_db(db.min(hi), height);
        let y_bottom = if lo == MIN_DB {
            y_at(0.0, height)
        } else {
            y_of_db(lo, height)
        };
        f.fill_rectangle(
            Point::new(x, y_top),
            Size::new(w, y_bottom - y_top),
            theme::fade(color, alpha),
        );
    }
}

fn zone_color(db: f32) -> Color {
    ZONES
        .iter()
        .find(|(_, hi, _)| db < *hi)
        .map_or(theme::METER_RED, |z| z.2)
}

impl<Message> Meter<Message> {
    /// The level bars, hold ticks and the clip light.
    pub(super) fn draw_bars(&self, f: &mut Frame, size: Size) {
        let bars_w = self.bars_w(size);
        let h = size.height;
        match self.kind {
            Kind::Stereo(levels) => {
                let w = ((bars_w - 1.0) / 2.0).max(1.0);
                for (i, l) in levels.iter().enumerate() {
                    let x = i as f32 * (w + 1.0);
                    fill_level(f, x, w, l.peak_db, 0.5, h);
                    fill_level(f, x, w, l.rms_db.min(l.peak_db), 1.0, h);
                    if l.hold_db > MIN_DB {
                        let y = y_of_db(l.hold_db, h);
                        f.fill_rectangle(
                            Point::new(x, y - 1.0),
                            Size::new(w, 2.0),
                            zone_color(l.hold_db),
                        );
                    }
                }
                if let Some(tp) = self.true_peak.filter(|tp| *tp > MIN_DB) {
                    let y = y_of_db(tp, h).round();
                    f.fill_rectangle(
                        Point::new(0.0, y - 0.5),
                        Size::new(bars_w, 1.0),
                        theme::TEXT,
                    );
                }
                if self.clipped {
                    f.fill_rectangle(Point::ORIGIN, Size::new(bars_w, CLIP_H), theme::CLIP_RED);
                }
            }
            Kind::GainReduction(gr) => {
                let reduction = if gr.is_nan() { 0.0 } else { gr.abs() };
                if reduction > 0.0 {
                    let top = y_at(1.0, h);
                    let y = y_at(1.0 - reduction / GR_RANGE_DB, h);
                    f.fill_rectangle(
                        Point::new(0.0, top),
                        Size::new(bars_w, y - top),
                        theme::GAIN_REDUCTION,
                    );
                }
            }
            Kind::Loudness {
                lufs,
                target,
                min,
                max,
                vertical,
            } => {
                if lufs > min {
                    let color = match target {
                        Some(t) if lufs > t + 2.0 => theme::METER_RED,
                        Some(t) if lufs > t => theme::METER_YELLOW,
                        _ => theme::METER_GREEN,
                    };
                    let t = ((lufs - min) / (max - min)).clamp(0.0, 1.0);
                    if vertical {
                        let (y, bottom) = (y_at(t, h), y_at(0.0, h));
                        f.fill_rectangle(Point::new(0.0, y), Size::new(bars_w, bottom - y), color);
                    } else {
                        f.fill_rectangle(
                            Point::ORIGIN,
                            Size::new(t * size.width, size.height - 3.0),
                            color,
                        );
                    }
                }
            }
        }
    }
}
