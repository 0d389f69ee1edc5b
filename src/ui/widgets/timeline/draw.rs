//! Drawing of the ruler and the lanes: waveforms, the offline hatch, ticks and labels, the loop
//! region and markers in one cached layer, the playhead fresh on top.

use super::input::State;
use super::view::TimeView;
use super::{Kind, Timeline};
use crate::ui::theme;
use crate::ui::widgets::format;
use iced::widget::canvas::{Frame, Geometry, Path, Stroke, Text};
use iced::{Color, Point, Rectangle, Renderer, Size, alignment};

/// Everything the cached layer is drawn from (besides its size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Key {
    kind: u8,
    id: usize,
    len: usize,
    frames_per_bin: u64,
    start: u64,
    frames_per_px: u64,
    color: [u8; 4],
    amplitude: u32,
    revision: u64,
}

/// Approximate width of a marker label of `name` at the ruler's label size.
fn label_w(name: &str) -> f32 {
    name.chars().count() as f32 * 5.6 + 4.0
}

/// Room for the label of the `i`-th marker at `x`: up to the next marker's flag (markers are
/// in time order) or the end of the ruler.
fn label_room(markers: &[(u64, String)], view: TimeView, i: usize, width: f32) -> f32 {
    let x = view.x_of(markers[i].0 as f64);
    let next = markers
        .get(i + 1)
        .map_or(width, |(f, _)| view.x_of(*f as f64));
    (next - x - 9.0).max(0.0)
}

/// `name` shortened (with an ellipsis) to fit `room` pixels, if anything useful fits.
fn fit_label(name: &str, room: f32) -> Option<String> {
    if label_w(name) <= room {
        return Some(name.to_string());
    }
    let chars = ((room - 4.0) / 5.6).floor() as usize;
    (chars >= 2).then(|| {
        let mut s: String = name.chars().take(chars - 1).collect();
        s.push('…');
        s
    })
}

/// The marker whose flag or label is under `p` on a ruler showing `view`.
pub(super) fn marker_hit(markers: &[(u64, String)], view: TimeView, p: Point) -> Option<usize> {
    if p.y > super::MARKER_ROW_H {
        return None;
    }
    (0..markers.len()).rev().find(|&i| {
        let x = view.x_of(markers[i].0 as f64);
        let label = label_w(&markers[i].1).min(label_room(markers, view, i, f32::INFINITY));
        (p.x - x).abs() <= 5.0 || (p.x >= x && p.x <= x + 7.0 + label)
    })
}

impl<Message> Timeline<'_, Message> {
    /// Draws the ruler or lane (the widget's `draw`).
    pub(super) fn paint(
        &self,
        state: &State,
        renderer: &Renderer,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        let key = self.key();
        let is_ruler = matches!(self.kind, Kind::Ruler { .. });
        let playhead_x = self
            .playhead
            .map(|frame| self.view.x_of(frame as f64))
            .filter(|x| (0.0..=size.width).contains(x));
        let geometry = state
            .cache
            .draw(renderer, size, (key, self.overlay_hash()), |f| {
                match &self.kind {
                    Kind::Ruler { sample_rate } => draw_ruler(f, self.view, *sample_rate),
                    Kind::Lane {
                        bin,
                        len,
                        frames_per_bin,
                        ..
                    } => draw_waveform(
                        f,
                        self.view,
                        bin,
                        *len,
                        *frames_per_bin,
                        self.color,
                        self.amplitude,
                    ),
                    Kind::Offline { reason } => draw_offline(f, reason),
                }
                self.draw_overlay(f, size, is_ruler);
            });
        let Some(x) = playhead_x else {
            return vec![geometry];
        };
        let mut f = Frame::new(renderer, size);
        // The renderer repaints what moved from the bounds of its shapes, without room for
        // anti-aliasing or line width: an invisible margin makes the old playhead go away
        // cleanly.
        f.fill_rectangle(
            Point::new(x - 7.0, 0.0),
            Size::new(14.0, size.height),
            Color::TRANSPARENT,
        );
        f.fill_rectangle(
            Point::new(x - 0.75, 0.0),
            Size::new(1.5, size.height),
            theme::PLAYHEAD,
        );
        if is_ruler {
            f.fill(
                &Path::new(|p| {
                    p.move_to(Point::new(x - 5.0, size.height - 7.0));
                    p.line_to(Point::new(x + 5.0, size.height - 7.0));
                    p.line_to(Point::new(x, size.height));
                    p.close();
                }),
                theme::PLAYHEAD,
            );
        }
        vec![geometry, f.into_geometry()]
    }

    /// Loop region (with handles at its edges on the ruler) and markers.
    fn draw_overlay(&self, f: &mut Frame, size: Size, is_ruler: bool) {
        if let Some((a, b)) = self.loop_region {
            let x0 = self.view.x_of(a as f64).clamp(-1.0, size.width + 1.0);
            let x1 = self.view.x_of(b as f64).clamp(-1.0, size.width + 1.0);
            if x1 > 0.0 && x0 < size.width {
                let strength = if self.loop_enabled { 1.0 } else { 0.4 };
                let accent = |alpha: f32| theme::fade(theme::ACCENT, alpha * strength);
                let top = if is_ruler { super::MARKER_ROW_H } else { 0.0 };
                if is_ruler {
                    fill_tiled(
                        f,
                        Point::new(x0, size.height - 5.0),
                        Size::new((x1 - x0).max(1.0), 5.0),
                        accent(0.9),
                    );
                } else {
                    fill_tiled(
                        f,
                        Point::new(x0, 0.0),
                        Size::new((x1 - x0).max(1.0), size.height),
                        accent(0.14),
                    );
                }
                let edge = Stroke::default().with_color(accent(0.8)).with_width(1.0);
                for x in [x0, x1] {
                    f.stroke(
                        &Path::line(Point::new(x, top), Point::new(x, size.height)),
                        edge,
                    );
                }
                if is_ruler {
                    // Handles: brackets facing into the loop, to grab and resize it by.
                    let h = size.height - top;
                    for (x, inward) in [(x0, 1.0), (x1, -1.0)] {
                        f.fill(
                            &Path::new(|p| {
                                p.move_to(Point::new(x, top));
                                p.line_to(Point::new(x + inward * 5.0, top));
                                p.line_to(Point::new(x + inward * 5.0, top + 3.0));
                                p.line_to(Point::new(x + inward * 2.0, top + 3.0));
                                p.line_to(Point::new(x + inward * 2.0, top + h - 3.0));
                                p.line_to(Point::new(x + inward * 5.0, top + h - 3.0));
                                p.line_to(Point::new(x + inward * 5.0, top + h));
                                p.line_to(Point::new(x, top + h));
                                p.close();
                            }),
                            accent(1.0),
                        );
                    }
                }
            }
        }
        for (i, (frame, name)) in self.markers.iter().enumerate() {
            let x = self.view.x_of(*frame as f64);
            if !(-1.0..=size.width + 1.0).contains(&x) {
                continue;
            }
            let color = theme::MUTE;
            if is_ruler {
                f.fill(
                    &Path::new(|p| {
                        p.move_to(Point::new(x, 1.0));
                        p.line_to(Point::new(x + 6.0, 4.5));
                        p.line_to(Point::new(x, 8.0));
                        p.close();
                    }),
                    color,
                );
                f.stroke(
                    &Path::line(Point::new(x, 0.0), Point::new(x, size.height)),
                    Stroke::default()
                        .with_color(theme::fade(color, 0.7))
                        .with_width(1.0),
                );
                // The label stays in the marker row, cut short before the next marker. (A
                // clip would not help: the software renderer does not clip filled paths, and
                // labels are drawn as outlines.)
                let room = label_room(&self.markers, self.view, i, size.width);
                if let Some(label) = fit_label(name, room) {
                    crate::ui::widgets::cache::fill_text(
                        f,
                        Text {
                            content: label,
                            position: Point::new(x + 8.0, 1.0),
                            color,
                            size: 10.0.into(),
                            align_y: alignment::Vertical::Top,
                            ..Text::default()
                        },
                    );
                }
            } else {
                f.stroke(
                    &Path::line(Point::new(x, 0.0), Point::new(x, size.height)),
                    Stroke::default()
                        .with_color(theme::fade(color, 0.35))
                        .with_width(1.0),
                );
            }
        }
    }

    /// A hash of what the overlay shows besides the view: loop region and markers.
    fn overlay_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.loop_region.hash(&mut h);
        self.loop_enabled.hash(&mut h);
        self.markers.hash(&mut h);
        h.finish()
    }

    fn key(&self) -> Key {
        let (kind, id, len, fpb, rate) = match &self.kind {
            Kind::Ruler { sample_rate } => (0, 0, 0, 0.0, *sample_rate),
            Kind::Lane {
                id,
                len,
                frames_per_bin,
                ..
            } => (1, *id, *len, *frames_per_bin, 0),
            Kind::Offline { reason } => (2, reason.len(), 0, 0.0, 0),
        };
        Key {
            kind,
            id,
            len,
            frames_per_bin: fpb.to_bits() ^ u64::from(rate),
            start: self.view.start.to_bits(),
            frames_per_px: self.view.frames_per_px.to_bits(),
            color: self.color.into_rgba8(),
            amplitude: self.amplitude.to_bits(),
            revision: self.revision,
        }
    }
}

/// Width of the pieces wide shapes are cut into. The software renderer redraws every shape
/// that touches a repainted region in full, so a playhead moving across a lane should touch
/// only a few narrow pieces, not one lane-wide path.
const TILE: f32 = 64.0;

/// A rectangle filled as vertical tiles of [`TILE`] pixels.
fn fill_tiled(f: &mut Frame, origin: Point, size: Size, color: Color) {
    let mut x = origin.x;
    let end = origin.x + size.width;
    while x < end {
        let w = (end - x).min(TILE);
        f.fill_rectangle(Point::new(x, origin.y), Size::new(w, size.height), color);
        x += TILE;
    }
}

/// A horizontal line stroked as segments of [`TILE`] pixels.
fn hline_tiled(f: &mut Frame, y: f32, width: f32, stroke: Stroke<'_>) {
    let mut x = 0.0;
    while x < width {
        let to = (x + TILE).min(width);
        f.stroke(&Path::line(Point::new(x, y), Point::new(to, y)), stroke);
        x += TILE;
    }
}

/// The waveform, one pixel column at a time: the min and max of every bin under the column.
fn draw_waveform(
    f: &mut Frame,
    view: TimeView,
    bin: &dyn Fn(usize) -> (f32, f32),
    len: usize,
    frames_per_bin: f64,
    color: Color,
    amplitude: f32,
) {
    let size = f.size();
    fill_tiled(f, Point::ORIGIN, size, theme::WELL_BG);
    let mid = size.height / 2.0;
    let half = (mid - 2.0).max(0.5);
    hline_tiled(
        f,
        mid,
        size.width,
        Stroke::default().with_color(theme::GRID).with_width(1.0),
    );
    if len == 0 {
        return;
    }
    let columns = size.width.ceil() as usize;
    let chunk = TILE as usize;
    for start in (0..columns).step_by(chunk) {
        let path = Path::new(|p| {
            for col in start..(start + chunk).min(columns) {
                let x = col as f32;
                let first = (view.frame_at(x) / frames_per_bin).floor();
                let last = (view.frame_at(x + 1.0) / frames_per_bin).ceil();
                if first.is_nan() || first >= len as f64 || last <= 0.0 {
                    continue;
                }
                let first = first.max(0.0) as usize;
                let last = (last as usize).clamp(first + 1, len);
                let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
                for i in first..last {
                    let (a, b) = bin(i);
                    // NaN fails every comparison and so never widens the column.
                    if a <= b {
                        lo = lo.min(a);
                        hi = hi.max(b);
                    }
                }
                if lo > hi {
                    continue;
                }
                let top = mid - (hi * amplitude).clamp(-1.0, 1.0) * half;
                let bottom = mid - (lo * amplitude).clamp(-1.0, 1.0) * half;
                p.rectangle(Point::new(x, top), Size::new(1.0, (bottom - top).max(1.0)));
            }
        });
        f.fill(&path, theme::fade(color, 0.9));
    }
}

/// A hatched lane with the reason the stem is offline.
fn draw_offline(f: &mut Frame, reason: &str) {
    let size = f.size();
    f.fill_rectangle(Point::ORIGIN, size, theme::WELL_BG);
    const GAP: f32 = 12.0;
    let hatch = Path::new(|p| {
        let mut x = -size.height;
        while x < size.width {
            p.move_to(Point::new(x, size.height));
            p.line_to(Point::new(x + size.height, 0.0));
            x += GAP;
        }
    });
    f.stroke(
        &hatch,
        Stroke::default()
            .with_color(theme::fade(theme::WARNING, 0.22))
            .with_width(2.0),
    );
    let text = if reason.is_empty() {
        "Offline".to_string()
    } else {
        format!("Offline: {reason}")
    };
    let center = Point::new(size.width / 2.0, size.height / 2.0);
    f.fill_rectangle(
        Point::new(
            center.x - 4.0 - 3.5 * text.chars().count() as f32,
            center.y - 9.0,
        ),
        Size::new(8.0 + 7.0 * text.chars().count() as f32, 18.0),
        theme::fade(theme::WELL_BG, 0.85),
    );
    crate::ui::widgets::cache::fill_text(
        f,
        Text {
            content: text,
            position: center,
            color: theme::WARNING,
            size: 12.0.into(),
            align_x: iced::widget::text::Alignment::Center,
            align_y: alignment::Vertical::Center,
            ..Text::default()
        },
    );
}

/// Seconds between labelled ruler ticks that put at least `min_px` pixels between labels.
fn tick_step(px_per_second: f64, min_px: f64) -> f64 {
    const STEPS: [f64; 15] = [
        0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
    ];
    STEPS
        .into_iter()
        .find(|s| s * px_per_second >= min_px)
        .unwrap_or_else(|| (min_px / px_per_second).max(7200.0))
}

/// Ruler ticks and m:ss labels.
fn draw_ruler(f: &mut Frame, view: TimeView, sample_rate: u32) {
    let size = f.size();
    fill_tiled(f, Point::ORIGIN, size, theme::PANEL_BG);
    hline_tiled(
        f,
        size.height - 0.5,
        size.width,
        Stroke::default().with_color(theme::BORDER).with_width(1.0),
    );
    // The marker row above the time scale.
    fill_tiled(
        f,
        Point::ORIGIN,
        Size::new(size.width, super::MARKER_ROW_H),
        theme::darken(theme::PANEL_BG, 0.2),
    );
    let rate = f64::from(sample_rate.max(1));
    let px_per_second = rate / view.frames_per_px;
    let step = tick_step(px_per_second, 70.0);
    if !(step.is_finite() && step > 0.0) {
        return;
    }
    let first_second = view.start / rate;
    let last_second = view.frame_at(size.width) / rate;
    // The time labels sit under the marker row.
    let label_y = super::MARKER_ROW_H + 2.0;
    // Minor ticks halve the labelled step.
    let minor = step / 2.0;
    let mut i = (first_second / minor).floor() as i64;
    // One shape per tick (see [`TILE`]).
    loop {
        let t = i as f64 * minor;
        if t > last_second {
            break;
        }
        let x = view.x_of(t * rate).round() + 0.5;
        let major = i % 2 == 0;
        let h = if major { 8.0 } else { 4.0 };
        f.stroke(
            &Path::line(Point::new(x, size.height - h), Point::new(x, size.height)),
            Stroke::default()
                .with_color(theme::TEXT_DIM)
                .with_width(1.0),
        );
        i += 1;
    }
    let mut n = (first_second / step).floor() as i64;
    loop {
        let t = n as f64 * step;
        if t > last_second {
            break;
        }
        if t >= 0.0 {
            crate::ui::widgets::cache::fill_text(
                f,
                Text {
                    content: format::time(t, step < 1.0),
                    position: Point::new(view.x_of(t * rate) + 3.0, label_y),
                    color: theme::TEXT_DIM,
                    size: 10.0.into(),
                    ..Text::default()
                },
            );
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_labels_are_cut_before_the_next_marker() {
        assert_eq!(fit_label("Verse", 100.0).as_deref(), Some("Verse"));
        let cut = fit_label("A long chorus name", 40.0).unwrap();
        assert!(cut.ends_with('…') && label_w(&cut) <= 40.0, "{cut}");
        assert_eq!(fit_label("Bridge", 8.0), None);
        let view = TimeView::new(0.0, 100.0);
        let markers = vec![(0, "Intro".to_string()), (3000, "Verse".to_string())];
        assert_eq!(label_room(&markers, view, 0, 500.0), 21.0);
        // The label of the first is hit only up to where the second begins.
        assert_eq!(marker_hit(&markers, view, Point::new(20.0, 5.0)), Some(0));
        assert_eq!(marker_hit(&markers, view, Point::new(31.0, 5.0)), Some(1));
        assert_eq!(marker_hit(&markers, view, Point::new(20.0, 20.0)), None);
    }

    #[test]
    fn ruler_steps_grow_with_zoom() {
        assert_eq!(tick_step(1000.0, 70.0), 0.1);
        assert_eq!(tick_step(100.0, 70.0), 1.0);
        assert_eq!(tick_step(1.0, 70.0), 120.0);
        assert_eq!(tick_step(0.001, 70.0), 70_000.0);
        assert!(tick_step(0.0, 70.0).is_infinite());
    }
}
