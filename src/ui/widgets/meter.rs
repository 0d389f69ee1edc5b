//! Level meters: a stereo peak/RMS meter with peak hold and a clip light, a gain-reduction
//! meter, and a horizontal loudness bar for the master.
//!
//! All levels are numbers the app already has (the engine's [`ChannelMeter`]s, with their
//! ballistics applied on the control side); a meter only draws them. The scale and the wells sit in a cache, so a redraw while playing
//! costs a dozen rectangles per meter.

use super::cache::{KeyedCache, hash_floats};
use super::host::{Control, Host};
use crate::engine::ChannelMeter;
use crate::ui::theme;
use iced::advanced::Shell;
use iced::widget::canvas::{Frame, Geometry, Path, Stroke, Text};
use iced::{
    Color, Element, Event, Length, Point, Rectangle, Renderer, Size, Theme, alignment, mouse,
};

/// Bottom of the level scale in dBFS.
pub const MIN_DB: f32 = -60.0;
/// Top of the level scale in dBFS.
pub const MAX_DB: f32 = 6.0;
/// Full scale of the gain-reduction meter in dB.
pub const GR_RANGE_DB: f32 = 24.0;

/// Colour zones of the level bars: (from dB, to dB, colour).
const ZONES: [(f32, f32, Color); 3] = [
    (MIN_DB, -12.0, theme::METER_GREEN),
    (-12.0, -3.0, theme::METER_YELLOW),
    (-3.0, MAX_DB, theme::METER_RED),
];

/// Height of the clip light, and of the click target around it.
const CLIP_H: f32 = 8.0;
/// Width of the label column of a meter with a scale.
const SCALE_W: f32 = 18.0;

/// What a stereo meter shows of one side: (peak, RMS, held peak) in dBFS.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Side {
    peak_db: f32,
    rms_db: f32,
    hold_db: f32,
}

const SILENT: [Side; 2] = [Side {
    peak_db: f32::NEG_INFINITY,
    rms_db: f32::NEG_INFINITY,
    hold_db: f32::NEG_INFINITY,
}; 2];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Stereo([Side; 2]),
    GainReduction(f32),
    Loudness {
        lufs: f32,
        target: Option<f32>,
        min: f32,
        max: f32,
    },
}

/// A meter; build it with [`meter`], [`gain_reduction_meter`] or [`loudness_bar`].
pub struct Meter<Message> {
    kind: Kind,
    clipped: bool,
    on_clip_click: Option<Message>,
    scale: bool,
    width: Length,
    height: Length,
}

/// A vertical stereo meter (−60 … +6 dBFS, linear in dB) with a clip light on top, showing
/// the engine's display meter as it is (bars, holds and the latched clip light; −∞ or anything
/// below [`MIN_DB`] shows nothing).
pub fn meter<Message>(levels: &ChannelMeter) -> Meter<Message> {
    let side = |s: usize| Side {
        peak_db: levels.peak_db[s],
        rms_db: levels.rms_db[s],
        hold_db: levels.hold_db[s],
    };
    Meter {
        kind: Kind::Stereo([side(0), side(1)]),
        clipped: levels.clip,
        ..silent()
    }
}

/// A vertical gain-reduction meter: a bar growing down from 0 to −24 dB. `gr_db` may be given
/// as a negative gain (−6) or a positive reduction (6); both show 6 dB of reduction.
pub fn gain_reduction_meter<Message>(gr_db: f32) -> Meter<Message> {
    Meter {
        kind: Kind::GainReduction(gr_db),
        width: Length::Fixed(8.0),
        ..silent()
    }
}

/// A horizontal loudness bar (−36 … 0 LUFS by default), e.g. the master's short-term loudness.
pub fn loudness_bar<Message>(lufs: f32) -> Meter<Message> {
    Meter {
        kind: Kind::Loudness {
            lufs,
            target: None,
            min: -36.0,
            max: 0.0,
        },
        width: Length::Fill,
        height: Length::Fixed(10.0),
        ..silent()
    }
}

/// A stereo meter showing nothing (the base the other kinds are built from).
fn silent<Message>() -> Meter<Message> {
    Meter {
        kind: Kind::Stereo(SILENT),
        clipped: false,
        on_clip_click: None,
        scale: false,
        width: Length::Fixed(18.0),
        height: Length::Fill,
    }
}

impl<Message> Meter<Message> {
    /// Message sent when the clip light is clicked (to clear the latch).
    pub fn on_clip_click(mut self, message: Message) -> Self {
        self.on_clip_click = Some(message);
        self
    }

    /// Draws a labelled dB scale beside a vertical meter (adds 18 px to the default width).
    pub fn scale(mut self, scale: bool) -> Self {
        if let Length::Fixed(w) = self.width
            && scale != self.scale
            && !matches!(self.kind, Kind::Loudness { .. })
        {
            self.width = Length::Fixed(if scale { w + SCALE_W } else { w - SCALE_W });
        }
        self.scale = scale;
        self
    }

    /// Marks a target loudness on a [`loudness_bar`]; the bar turns yellow above it and red
    /// 2 LU above it.
    pub fn target(mut self, lufs: f32) -> Self {
        if let Kind::Loudness { target, .. } = &mut self.kind {
            *target = lufs.is_finite().then_some(lufs);
        }
        self
    }

    /// The LUFS range of a [`loudness_bar`].
    pub fn range(mut self, from: f32, to: f32) -> Self {
        if let Kind::Loudness { min, max, .. } = &mut self.kind
            && from.is_finite()
            && to.is_finite()
            && to > from
        {
            (*min, *max) = (from, to);
        }
        self
    }

    /// Width.
    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.width = width.into();
        self
    }

    /// Height.
    pub fn height(mut self, height: impl Into<Length>) -> Self {
        self.height = height.into();
        self
    }

    /// Width of the bars (the rest is the scale).
    fn bars_w(&self, size: Size) -> f32 {
        if self.scale {
            (size.width - SCALE_W).max(2.0)
        } else {
            size.width
        }
    }
}

/// Vertical position of `db` on the scale `lo..hi` drawn from `top` to `bottom`.
fn y_of(db: f32, lo: f32, hi: f32, top: f32, bottom: f32) -> f32 {
    let t = if db.is_nan() {
        0.0
    } else {
        ((db - lo) / (hi - lo)).clamp(0.0, 1.0)
    };
    bottom - t * (bottom - top)
}

/// Meter state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    /// Bars (and, without a labelled scale, the wells and ticks) in one geometry, redrawn
    /// only when a level changes: a silent meter costs nothing. One geometry instead of two
    /// halves what the software renderer pays per repainted region.
    cache: KeyedCache<((u8, bool, u32, u32), u64)>,
    /// A labelled scale on its own: its text is expensive to redraw at the display rate.
    scale: KeyedCache<(u8, bool, u32, u32)>,
}

impl<Message: Clone> Meter<Message> {
    fn clip_hit(&self, bounds: Rectangle, cursor: mouse::Cursor) -> bool {
        matches!(self.kind, Kind::Stereo(_))
            && cursor
                .position_in(bounds)
                .is_some_and(|p| p.y <= CLIP_H + 4.0 && p.x <= self.bars_w(bounds.size()))
    }

    /// Wells, ticks and labels: everything that depends only on size and kind.
    fn draw_static(&self, f: &mut Frame, size: Size) {
        let label = |f: &mut Frame, text: String, at: Point, align| {
            super::cache::fill_text(
                f,
                Text {
                    content: text,
                    position: at,
                    color: theme::TEXT_DIM,
                    size: 8.0.into(),
                    align_x: align,
                    align_y: alignment::Vertical::Center,
                    ..Text::default()
                },
            );
        };
        let bars_w = self.bars_w(size);
        match self.kind {
            Kind::Stereo(_) => {
                let (top, bottom) = (CLIP_H + 2.0, size.height);
                f.fill_rectangle(
                    Point::ORIGIN,
                    Size::new(bars_w, CLIP_H),
                    theme::darken(theme::CLIP_RED, 0.75),
                );
                f.fill_rectangle(
                    Point::new(0.0, top),
                    Size::new(bars_w, bottom - top),
                    theme::WELL_BG,
                );
                let mut last = f32::NEG_INFINITY;
                for db in [6.0, 0.0, -6.0, -12.0, -18.0, -24.0, -36.0, -48.0, -60.0] {
                    let y = y_of(db, MIN_DB, MAX_DB, top, bottom).round() + 0.5;
                    // 0 dBFS crosses the bars; the other ticks sit beside them.
                    let color = if db == 0.0 {
                        theme::TEXT_DIM
                    } else {
                        theme::GRID
                    };
                    let x0 = if db == 0.0 { 0.0 } else { bars_w - 2.0 };
                    if self.scale || db == 0.0 {
                        f.stroke(
                            &Path::line(Point::new(x0, y), Point::new(bars_w + 3.0, y)),
                            Stroke::default().with_color(color).with_width(1.0),
                        );
                    }
                    if self.scale && y - last >= 9.0 {
                        last = y;
                        let text = if db > 0.0 {
                            format!("+{db}")
                        } else {
                            format!("{db}")
                        };
                        label(
                            f,
                            text,
                            Point::new(size.width, y.clamp(top + 4.0, bottom - 4.0)),
                            iced::widget::text::Alignment::Right,
                        );
                    }
                }
            }
            Kind::GainReduction(_) => {
                f.fill_rectangle(
                    Point::ORIGIN,
                    Size::new(bars_w, size.height),
                    theme::WELL_BG,
                );
                let mut last = f32::NEG_INFINITY;
                for gr in [0.0, 3.0, 6.0, 12.0, 24.0] {
                    let y = y_of(-gr, -GR_RANGE_DB, 0.0, 0.0, size.height).round() + 0.5;
                    if self.scale {
                        f.stroke(
                            &Path::line(Point::new(bars_w - 2.0, y), Point::new(bars_w + 3.0, y)),
                            Stroke::default().with_color(theme::GRID).with_width(1.0),
                        );
                        if y - last >= 9.0 {
                            last = y;
                            let text = if gr == 0.0 {
                                "0".to_string()
                            } else {
                                format!("-{gr}")
                            };
                            label(
                                f,
                                text,
                                Point::new(size.width, y.clamp(4.0, size.height - 4.0)),
                                iced::widget::text::Alignment::Right,
                            );
                        }
                    }
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
}

/// Fills a level bar from the bottom up to `db`, in the colour of each zone it reaches.
fn fill_level(f: &mut Frame, x: f32, w: f32, db: f32, alpha: f32, top: f32, bottom: f32) {
    // Also false for NaN.
    if db.is_nan() || db <= MIN_DB {
        return;
    }
    for (lo, hi, color) in ZONES {
        if db <= lo {
            break;
        }
        let y_top = y_of(db.min(hi), MIN_DB, MAX_DB, top, bottom);
        let y_bottom = y_of(lo, MIN_DB, MAX_DB, top, bottom);
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

impl<Message: Clone> Control<Message> for Meter<Message> {
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
            && let Some(m) = &self.on_clip_click
            && self.clip_hit(bounds, cursor)
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
        let kind_key = match self.kind {
            Kind::Stereo(_) => (0, 0, 0),
            Kind::GainReduction(_) => (1, 0, 0),
            Kind::Loudness {
                min, max, target, ..
            } => (
                2,
                min.to_bits() ^ max.to_bits().rotate_left(7),
                target.map_or(0, f32::to_bits),
            ),
        };
        let key = (kind_key.0, self.scale, kind_key.1, kind_key.2);
        let values: Vec<f32> = match self.kind {
            Kind::Stereo(l) => l
                .iter()
                .flat_map(|l| [l.peak_db, l.rms_db, l.hold_db])
                .collect(),
            Kind::GainReduction(gr) => vec![gr],
            Kind::Loudness { lufs, .. } => vec![lufs],
        };
        let levels = hash_floats(values) ^ u64::from(self.clipped);
        if self.scale {
            let scale = state
                .scale
                .draw(renderer, size, key, |f| self.draw_static(f, size));
            let bars = state
                .cache
                .draw(renderer, size, (key, levels), |f| self.draw_bars(f, size));
            return vec![scale, bars];
        }
        let geometry = state.cache.draw(renderer, size, (key, levels), |f| {
            self.draw_static(f, size);
            self.draw_bars(f, size);
        });
        vec![geometry]
    }

    fn interaction(
        &self,
        _state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if self.on_clip_click.is_some() && self.clip_hit(bounds, cursor) {
            mouse::Interaction::Pointer
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<Message> Meter<Message> {
    /// The level bars, hold ticks and the clip light.
    fn draw_bars(&self, f: &mut Frame, size: Size) {
        let bars_w = self.bars_w(size);
        match self.kind {
            Kind::Stereo(levels) => {
                let (top, bottom) = (CLIP_H + 2.0, size.height);
                let w = ((bars_w - 1.0) / 2.0).max(1.0);
                for (i, l) in levels.iter().enumerate() {
                    let x = i as f32 * (w + 1.0);
                    fill_level(f, x, w, l.peak_db, 0.5, top, bottom);
                    fill_level(f, x, w, l.rms_db.min(l.peak_db), 1.0, top, bottom);
                    if l.hold_db > MIN_DB {
                        let y = y_of(l.hold_db, MIN_DB, MAX_DB, top, bottom);
                        f.fill_rectangle(
                            Point::new(x, y),
                            Size::new(w, 2.0),
                            zone_color(l.hold_db),
                        );
                    }
                }
                if self.clipped {
                    f.fill_rectangle(Point::ORIGIN, Size::new(bars_w, CLIP_H), theme::CLIP_RED);
                }
            }
            Kind::GainReduction(gr) => {
                let reduction = if gr.is_nan() { 0.0 } else { gr.abs() };
                if reduction > 0.0 {
                    let y = y_of(-reduction, -GR_RANGE_DB, 0.0, 0.0, size.height);
                    f.fill_rectangle(Point::ORIGIN, Size::new(bars_w, y), theme::GAIN_REDUCTION);
                }
            }
            Kind::Loudness {
                lufs,
                target,
                min,
                max,
            } => {
                if lufs > min {
                    let x = ((lufs - min) / (max - min)).clamp(0.0, 1.0) * size.width;
                    let color = match target {
                        Some(t) if lufs > t + 2.0 => theme::METER_RED,
                        Some(t) if lufs > t => theme::METER_YELLOW,
                        _ => theme::METER_GREEN,
                    };
                    f.fill_rectangle(Point::ORIGIN, Size::new(x, size.height - 3.0), color);
                }
            }
        }
    }
}

impl<'a, Message: Clone + 'a> From<Meter<Message>> for Element<'a, Message> {
    fn from(meter: Meter<Message>) -> Self {
        let (w, h) = (meter.width, meter.height);
        Host::new(meter, w, h).into()
    }
}
