//! Level meters: a stereo peak/RMS meter with peak hold, a clip light and a value box, a
//! gain-reduction meter, a vertical loudness meter, and a horizontal loudness bar for the
//! transport.
//!
//! # One scale with the fader
//! The vertical meters lay out their height exactly as a fader of the same height does
//! ([`fader::travel_of`]): the same top margin, the same travel, the same value box under it.
//! The stereo meter maps dB onto that travel with the fader's own taper ([`fader::db_to_pos`]),
//! so a level sits level with the same number on the fader's scale beside it, and its ticks
//! are the fader's marks. The gain-reduction and loudness meters have scales of their own
//! (0 … −24 dB of reduction, −36 … 0 LUFS), always labelled, in their own colour.
//!
//! All levels are numbers the app already has (the engine's [`ChannelMeter`]s, with their
//! ballistics applied on the control side); a meter only draws them. Scales, bars and the
//! value box sit in separate caches, so a redraw while playing costs a dozen rectangles per
//! meter and the text is drawn only when a value changes.

mod draw;

use super::cache::{KeyedCache, hash_floats};
use super::fader::{self, VALUE_H, has_value_box};
use super::host::{Control, Host};
use crate::engine::ChannelMeter;
use crate::ui::theme;
use iced::advanced::Shell;
use iced::widget::canvas::Geometry;
use iced::{Color, Element, Event, Length, Point, Rectangle, Renderer, Size, Theme, mouse};

/// Lowest level a stereo meter shows, in dBFS (quieter shows nothing).
pub const MIN_DB: f32 = -60.0;
/// Top of the stereo meter's scale: the fader's top.
pub const MAX_DB: f32 = fader::MAX_DB;
/// Full scale of the gain-reduction meter in dB.
pub const GR_RANGE_DB: f32 = 24.0;

/// Colour zones of the level bars: (from dB, to dB, colour).
const ZONES: [(f32, f32, Color); 3] = [
    (MIN_DB, -12.0, theme::METER_GREEN),
    (-12.0, -3.0, theme::METER_YELLOW),
    (-3.0, MAX_DB, theme::METER_RED),
];

/// Height of the clip light (it sits above the travel, in the fader's top margin).
const CLIP_H: f32 = 7.0;
/// Width of the label column of a stereo meter with a labelled scale.
const SCALE_W: f32 = 18.0;
/// Width of the label column of the gain-reduction and loudness meters.
const SIDE_LABELS_W: f32 = 12.0;
/// Labels of the gain-reduction scale (dB of reduction).
const GR_MARKS: [f32; 5] = [0.0, 3.0, 6.0, 12.0, 24.0];
/// Size of scale labels.
const LABEL_SIZE: f32 = 8.0;

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
    /// Vertical (a meter beside a fader) or horizontal (the transport's bars).
    Loudness {
        lufs: f32,
        target: Option<f32>,
        min: f32,
        max: f32,
        vertical: bool,
    },
}

/// A meter; build it with [`meter`], [`gain_reduction_meter`], [`loudness_meter`] or
/// [`loudness_bar`].
pub struct Meter<Message> {
    kind: Kind,
    clipped: bool,
    on_clip_click: Option<Message>,
    on_value_click: Option<Message>,
    /// The number in the value box (`None`: the meter's own reading).
    value: Option<f32>,
    /// A tick across the stereo bars (the master's true peak).
    true_peak: Option<f32>,
    scale: bool,
    width: Length,
    height: Length,
}

/// A vertical stereo meter on the fader's scale (see the module documentation) with a clip
/// light on top, showing the engine's display meter as it is: bars, holds and the latched clip
/// light; anything below [`MIN_DB`] shows nothing. The value box shows the higher hold, or
/// what [`Meter::value`] gives.
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

/// A vertical gain-reduction meter: a bar growing down from 0 to −24 dB, with its scale and
/// the reduction in the value box. `gr_db` may be given as a negative gain (−6) or a positive
/// reduction (6); both show 6 dB of reduction.
pub fn gain_reduction_meter<Message>(gr_db: f32) -> Meter<Message> {
    Meter {
        kind: Kind::GainReduction(gr_db),
        width: Length::Fixed(8.0 + SIDE_LABELS_W),
        ..silent()
    }
}

/// A vertical loudness meter (−36 … 0 LUFS by default) with its scale and the value in the
/// value box, e.g. the master's short-term loudness beside its meter.
pub fn loudness_meter<Message>(lufs: f32) -> Meter<Message> {
    Meter {
        width: Length::Fixed(8.0 + SIDE_LABELS_W),
        ..loudness(lufs, true)
    }
}

/// A horizontal loudness bar (−36 … 0 LUFS by default), e.g. the transport's short-term
/// loudness.
pub fn loudness_bar<Message>(lufs: f32) -> Meter<Message> {
    Meter {
        width: Length::Fill,
        height: Length::Fixed(10.0),
        ..loudness(lufs, false)
    }
}

/// A loudness meter on the default −36 … 0 LUFS range.
fn loudness<Message>(lufs: f32, vertical: bool) -> Meter<Message> {
    Meter {
        kind: Kind::Loudness {
            lufs,
            target: None,
            min: -36.0,
            max: 0.0,
            vertical,
        },
        ..silent()
    }
}

/// A stereo meter showing nothing (the base the other kinds are built from).
fn silent<Message>() -> Meter<Message> {
    Meter {
        kind: Kind::Stereo(SILENT),
        clipped: false,
        on_clip_click: None,
        on_value_click: None,
        value: None,
        true_peak: None,
        scale: false,
        width: Length::Fixed(22.0),
        height: Length::Fill,
    }
}

impl<Message> Meter<Message> {
    /// Message sent when the clip light is clicked (to clear the latch).
    pub fn on_clip_click(mut self, message: Message) -> Self {
        self.on_clip_click = Some(message);
        self
    }

    /// Message sent when the value box is clicked (to reset what it shows).
    pub fn on_value_click(mut self, message: Message) -> Self {
        self.on_value_click = Some(message);
        self
    }

    /// The number the value box of a stereo meter shows instead of its hold (the highest peak
    /// since a reset, kept by the app); −∞ shows a dash.
    pub fn value(mut self, db: f32) -> Self {
        self.value = Some(db);
        self
    }

    /// Marks a true-peak level (dBTP) across the bars of a stereo meter.
    pub fn true_peak(mut self, dbtp: f32) -> Self {
        self.true_peak = dbtp.is_finite().then_some(dbtp);
        self
    }

    /// Labels the dB marks beside a stereo meter (adds 18 px to the default width).
    pub fn scale(mut self, scale: bool) -> Self {
        if let Length::Fixed(w) = self.width
            && scale != self.scale
            && matches!(self.kind, Kind::Stereo(_))
        {
            self.width = Length::Fixed(if scale { w + SCALE_W } else { w - SCALE_W });
        }
        self.scale = scale;
        self
    }

    /// Marks a target loudness on a loudness meter or bar; it turns yellow above it and red
    /// 2 LU above it.
    pub fn target(mut self, lufs: f32) -> Self {
        if let Kind::Loudness { target, .. } = &mut self.kind {
            *target = lufs.is_finite().then_some(lufs);
        }
        self
    }

    /// The LUFS range of a loudness meter or bar.
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

    size_setters!("Width.", "Height.");

    /// Width of the bars (the rest is the scale).
    fn bars_w(&self, size: Size) -> f32 {
        let labels = match self.kind {
            Kind::Stereo(_) if self.scale => SCALE_W,
            Kind::Stereo(_)
            | Kind::Loudness {
                vertical: false, ..
            } => 0.0,
            // Labels when there is room for them beside a bar of at least 4 px.
            _ if size.width >= SIDE_LABELS_W + 4.0 => SIDE_LABELS_W,
            _ => 0.0,
        };
        (size.width - labels).max(2.0)
    }

    fn vertical(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Loudness {
                vertical: false,
                ..
            }
        )
    }

    /// The value box, if the meter is tall enough for one.
    fn value_box(&self, size: Size) -> Option<Rectangle> {
        (self.vertical() && has_value_box(size.height)).then(|| {
            Rectangle::new(
                Point::new(0.0, size.height - VALUE_H),
                Size::new(size.width, VALUE_H - 1.0),
            )
        })
    }

    /// The number in the value box and its colour.
    fn value_text(&self) -> Option<(String, Color)> {
        let short = |v: f32| {
            if !v.is_finite() {
                "–".to_string()
            } else if v.abs() < 9.95 {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        };
        match self.kind {
            Kind::Stereo(levels) => {
                let v = self
                    .value
                    .unwrap_or_else(|| levels[0].hold_db.max(levels[1].hold_db));
                let v = if v.is_nan() || v <= MIN_DB {
                    f32::NEG_INFINITY
                } else {
                    v
                };
                let color = if v > 0.0 {
                    theme::METER_RED
                } else {
                    theme::TEXT
                };
                Some((short(v), color))
            }
            Kind::GainReduction(gr) => {
                let r = if gr.is_nan() { 0.0 } else { gr.abs() };
                Some((
                    if r < 0.05 { "0".into() } else { short(r) },
                    theme::GAIN_REDUCTION,
                ))
            }
            Kind::Loudness { lufs, vertical, .. } if vertical => Some((
                if lufs.is_finite() && lufs > -70.0 {
                    short(lufs)
                } else {
                    "–".into()
                },
                theme::TEXT,
            )),
            Kind::Loudness { .. } => None,
        }
    }
}

/// Meter state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    /// Bars, holds and the clip light, redrawn only when a level changes: a silent meter costs
    /// nothing.
    bars: KeyedCache<(u8, bool, u64)>,
    /// Wells, ticks and labels: their text is expensive to redraw at the display rate.
    scale: KeyedCache<(u8, bool, u32, u32)>,
    /// The value box, redrawn when its number changes.
    value: KeyedCache<u64>,
}

impl<Message: Clone> Meter<Message> {
    fn clip_hit(&self, bounds: Rectangle, cursor: mouse::Cursor) -> bool {
        matches!(self.kind, Kind::Stereo(_))
            && cursor
                .position_in(bounds)
                .is_some_and(|p| p.y <= CLIP_H + 3.0 && p.x <= self.bars_w(bounds.size()))
    }

    fn value_hit(&self, bounds: Rectangle, cursor: mouse::Cursor) -> bool {
        self.on_value_click.is_some()
            && cursor
                .position_in(bounds)
                .is_some_and(|p| self.value_box(bounds.size()).is_some_and(|b| b.contains(p)))
    }
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
        if let Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) = event {
            let message = if self.clip_hit(bounds, cursor) {
                self.on_clip_click.as_ref()
            } else if self.value_hit(bounds, cursor) {
                self.on_value_click.as_ref()
            } else {
                None
            };
            if let Some(m) = message {
                shell.publish(m.clone());
                shell.capture_event();
            }
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
                min,
                max,
                target,
                vertical,
                ..
            } => (
                2 + u8::from(vertical),
                min.to_bits() ^ max.to_bits().rotate_left(7),
                target.map_or(0, f32::to_bits),
            ),
        };
        let key = (kind_key.0, self.scale, kind_key.1, kind_key.2);
        let values: Vec<f32> = match self.kind {
            Kind::Stereo(l) => l
                .iter()
                .flat_map(|l| [l.peak_db, l.rms_db, l.hold_db])
                .chain(self.true_peak)
                .collect(),
            Kind::GainReduction(gr) => vec![gr],
            Kind::Loudness { lufs, .. } => vec![lufs],
        };
        let levels = hash_floats(values) ^ u64::from(self.clipped);
        let scale = state
            .scale
            .draw(renderer, size, key, |f| self.draw_static(f, size));
        let bars = state
            .bars
            .draw(renderer, size, (key.0, key.1, levels), |f| {
                self.draw_bars(f, size)
            });
        let mut layers = vec![scale, bars];
        if let Some((text, color)) = self.value_text()
            && self.value_box(size).is_some()
        {
            // FNV-1a over the text and its colour.
            let value_key = text
                .bytes()
                .chain(color.into_rgba8())
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
                });
            layers.push(
                state
                    .value
                    .draw(renderer, size, value_key, |f| self.draw_value(f, size)),
            );
        }
        layers
    }

    fn interaction(
        &self,
        _state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if (self.on_clip_click.is_some() && self.clip_hit(bounds, cursor))
            || self.value_hit(bounds, cursor)
        {
            mouse::Interaction::Pointer
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<'a, Message: Clone + 'a> From<Meter<Message>> for Element<'a, Message> {
    fn from(meter: Meter<Message>) -> Self {
        let (w, h) = (meter.width, meter.height);
        Host::new(meter, w, h).into()
    }
}

#[cfg(test)]
mod tests {
    use super::draw::y_of_db;
    use super::*;
    use crate::ui::widgets::fader::{db_to_pos, travel_of};

    #[test]
    fn a_level_sits_where_the_fader_shows_the_same_number() {
        for height in [120.0, 197.0, 450.0] {
            let (top, travel) = travel_of(height);
            for db in [12.0, 6.0, 0.0, -6.0, -12.0, -24.0, -48.0] {
                let fader_y = top + (1.0 - db_to_pos(db)) * travel;
                assert!((y_of_db(db, height) - fader_y).abs() < 1e-3, "{db} dB");
            }
            // Full scale is at the fader's 0 dB, not at its +4.
            assert!((y_of_db(0.0, height) - (top + 0.25 * travel)).abs() < 1e-3);
        }
    }

    #[test]
    fn value_box_numbers() {
        let mut m = ChannelMeter::default();
        m.hold_db = [-3.25, -20.0];
        let t = |m: Meter<()>| m.value_text().unwrap().0;
        assert_eq!(t(meter(&m)), "-3.2");
        assert_eq!(t(meter(&m).value(-14.0)), "-14");
        assert_eq!(t(meter(&m).value(f32::NEG_INFINITY)), "–");
        assert_eq!(
            meter::<()>(&m).value(1.5).value_text().unwrap().1,
            theme::METER_RED
        );
        assert_eq!(t(gain_reduction_meter(-4.46)), "4.5");
        assert_eq!(t(gain_reduction_meter(f32::NAN)), "0");
        assert_eq!(t(loudness_meter(-13.84)), "-14");
        assert_eq!(t(loudness_meter(-8.04)), "-8.0");
        assert!(loudness_bar::<()>(-8.0).value_text().is_none());
    }
}
