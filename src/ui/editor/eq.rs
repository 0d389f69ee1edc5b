//! The EQ section of the track editor: the EQ editor canvas over the live spectrum (inline, or
//! enlarged over the window), the pre/post-EQ switch, and one column of switches and knobs per
//! band for exact values.

use super::{Editor, Message, SLOPES, knob, section, segmented};
use crate::engine::spectrum_tap::TapPoint;
use crate::project::{Slope, Track};
use crate::ui::context::Context;
use crate::ui::controls;
use crate::ui::edit::{Choice, Toggle};
use crate::ui::params::{Band, Param, TrackField};
use crate::ui::theme;
use crate::ui::widgets::{self as w, eq_editor};
use iced::widget::{Row, button, column, container, row, space, text};
use iced::{Alignment, Color, Element, Fill, color};

/// Widget id of the inline EQ editor.
pub const EQ_EDITOR_ID: &str = "eq-editor";
/// Widget id of the enlarged EQ editor.
pub const EQ_LARGE_ID: &str = "eq-large";
/// Height of the inline EQ editor.
pub const INLINE_H: f32 = 190.0;

/// Each band's colour (node, curve, knobs), in [`Band::ALL`] order.
pub const BAND_COLORS: [Color; 6] = [
    color!(0x8fa6c9),
    color!(0xf0a050),
    color!(0x6cd07a),
    color!(0x4fc6d8),
    color!(0xc490f0),
    color!(0xe86a6a),
];

fn band_color(b: Band) -> Color {
    let i = Band::ALL.iter().position(|x| *x == b).unwrap_or(0);
    BAND_COLORS[i]
}

/// The values of band `b` as the hover readout shows them.
fn readout(t: &Track, b: Band) -> String {
    let id = t.id;
    let (_, f, g, q) = t.eq.band_values(b);
    let fmt = |field: TrackField, v: f32| Param::Track(id, field).spec().format(v);
    match t.eq.pass(b) {
        Some(p) => {
            let slope = match p.slope {
                Slope::Db12 => format!("12 dB/oct  Q {}", fmt(TrackField::Q(b), q)),
                Slope::Db24 => "24 dB/oct".into(),
            };
            format!("{}  {slope}", fmt(TrackField::Freq(b), f))
        }
        None => format!(
            "{}  {}  Q {}",
            fmt(TrackField::Freq(b), f),
            fmt(TrackField::BandGain(b), g),
            fmt(TrackField::Q(b), q)
        ),
    }
}

fn band_column<'a>(cx: &Context<'a>, t: &'a Track, band: Band) -> Element<'a, Message> {
    let id = t.id;
    let (on, ..) = t.eq.band_values(band);
    let color = band_color(band);
    // Knobs of a band that is off are grey, as its node is.
    let knob_color = if on { color } else { theme::TEXT_DIM };
    let knob = |f: TrackField| knob(cx, Param::Track(id, f), 28.0, knob_color);
    let middle: Element<'a, Message> = match t.eq.pass(band) {
        Some(p) => column![
            text("dB/oct").size(10).color(theme::TEXT_DIM),
            segmented(
                SLOPES.iter().map(|c| {
                    let label = match c.0 {
                        Slope::Db12 => "12",
                        Slope::Db24 => "24",
                    };
                    (
                        label,
                        c.0 == p.slope,
                        Message::Choose(Choice::Slope(id, band, c.0)),
                    )
                }),
                format!("t{}-{}-slope", id.0, band.key()),
            ),
        ]
        .spacing(2)
        .height(54)
        .align_x(Alignment::Center)
        .into(),
        None => knob(TrackField::BandGain(band)),
    };
    container(
        column![
            controls::toggle(
                band.label(),
                on,
                color,
                Message::Toggle(Toggle::Band(id, band)),
                format!("t{}-{}-on", id.0, band.key()),
                "Band on/off (or double-click its node)",
            ),
            knob(TrackField::Freq(band)),
            middle,
            knob(TrackField::Q(band)),
        ]
        .spacing(3)
        .align_x(Alignment::Center),
    )
    .width(Fill)
    .padding([4, 3])
    .style(move |_| container::Style {
        background: Some(
            if on {
                theme::lighten(theme::STRIP_BG, 0.04)
            } else {
                theme::STRIP_BG
            }
            .into(),
        ),
        border: iced::Border {
            color: if on {
                theme::fade(color, 0.6)
            } else {
                theme::BORDER
            },
            width: 1.0,
            radius: 4.0.into(),
        },
        ..container::Style::default()
    })
    .into()
}

impl Editor {
    /// The EQ editor canvas of track `t`, `height` pixels high (`None`: fill).
    fn eq_canvas<'a>(
        &'a self,
        cx: &Context<'a>,
        t: &'a Track,
        height: Option<f32>,
    ) -> Element<'a, Message> {
        let id = t.id;
        let curves = self.curves_of(id);
        let nodes = Band::ALL
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                let (on, f, g, q) = t.eq.band_values(b);
                let spec = |field| Param::Track(id, field).spec();
                let (fs, qs) = (spec(TrackField::Freq(b)), spec(TrackField::Q(b)));
                let gs = spec(TrackField::BandGain(b));
                eq_editor::Node {
                    label: b.label(),
                    readout: readout(t, b),
                    freq_hz: f,
                    gain_db: g,
                    q,
                    has_gain: !b.is_pass(),
                    enabled: on,
                    color: band_color(b),
                    curve: curves.map_or(&[][..], |c| c.bands.get(i).map_or(&[][..], |v| v)),
                    freq_range: (fs.min, fs.max),
                    gain_range: (gs.min, gs.max),
                    q_range: (qs.min, qs.max),
                }
            })
            .collect();
        let mut e = w::eq_editor(
            curves.map_or(&[][..], |c| c.eq.as_slice()),
            nodes,
            move |i, ev| Message::EqNode(id, Band::ALL[i.min(5)], ev),
        )
        .enabled(t.eq.any_enabled())
        .color(theme::track_color(t.color))
        .on_zoom(Message::EqLarge);
        let s = &cx.engine.spectrum;
        if s.selection.is_some_and(|(tid, _)| tid == id) {
            e = e.spectrum(&s.display_db, &s.peak_db);
        }
        match height {
            Some(h) => e.height(h).into(),
            None => e.height(Fill).into(),
        }
    }

    /// The pre/post-EQ switch of the spectrum and the enlarge (or close) button.
    fn eq_bar<'a>(&'a self, large: bool) -> Element<'a, Message> {
        let tap = segmented(
            [("Pre EQ", TapPoint::PreEq), ("Post EQ", TapPoint::PostEq)]
                .into_iter()
                .map(|(label, p)| (label, self.tap_point == p, Message::TapPoint(p))),
            "eq-tap".into(),
        );
        let zoom = controls::tip(
            container(
                button(text(if large { "Close" } else { "Enlarge" }).size(10))
                    .on_press(Message::EqLarge(!large))
                    .padding([3, 8])
                    .style(theme::action_button),
            )
            .id(if large { "eq-close" } else { "eq-enlarge" }),
            if large {
                "Back to the editor (Esc, or Ctrl+wheel down)"
            } else {
                "A large EQ view (or Ctrl+wheel up over the curve)"
            },
        );
        row![
            text("Spectrum").size(10).color(theme::TEXT_DIM),
            container(tap).width(120),
            zoom
        ]
        .spacing(6)
        .align_y(Alignment::Center)
        .into()
    }

    /// The EQ section of the editor of track `t`.
    pub(super) fn eq_section<'a>(&'a self, cx: &Context<'a>, t: &'a Track) -> Element<'a, Message> {
        let eq_on = t.eq.any_enabled();
        column![section(
            "EQUALIZER",
            row![
                text(if eq_on { "" } else { "all bands off" })
                    .size(10)
                    .color(theme::TEXT_DIM),
                self.eq_bar(false)
            ]
            .spacing(8)
            .align_y(Alignment::Center)
            .into()
        ),]
        .spacing(6)
        .push(if self.eq_large {
            // Shown once: the controls (and their widget ids) live in the large view.
            text("Shown in the large EQ view (Esc to come back).")
                .size(11)
                .color(theme::TEXT_DIM)
                .into()
        } else {
            Element::from(
                column![
                    container(self.eq_canvas(cx, t, Some(INLINE_H))).id(EQ_EDITOR_ID),
                    Row::with_children(Band::ALL.into_iter().map(|b| band_column(cx, t, b)))
                        .spacing(3),
                ]
                .spacing(6),
            )
        })
        .into()
    }

    /// The enlarged EQ view of the selected track, laid over the window, if it is open.
    pub fn large_view<'a>(&'a self, cx: &Context<'a>) -> Option<Element<'a, Message>> {
        if !self.eq_large {
            return None;
        }
        let t = match cx.selection {
            Some(crate::ui::context::Selection::Track(id)) => cx.project().track(id)?,
            _ => return None,
        };
        let header = row![
            container(space())
                .width(4)
                .height(18)
                .style(theme::color_bar(theme::track_color(t.color))),
            text(format!("{}: equalizer", t.name)).size(14),
            space::horizontal(),
            self.eq_bar(true),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let bands =
            Row::with_children(Band::ALL.into_iter().map(|b| band_column(cx, t, b))).spacing(4);
        let panel = container(
            column![
                header,
                container(self.eq_canvas(cx, t, None))
                    .id(EQ_LARGE_ID)
                    .height(Fill),
                bands
            ]
            .spacing(8),
        )
        .padding(12)
        .width(Fill)
        .height(Fill)
        .style(theme::card);
        Some(
            container(panel)
                .padding([36, 48])
                .width(Fill)
                .height(Fill)
                .style(|_| container::Style {
                    background: Some(theme::fade(iced::Color::BLACK, 0.55).into()),
                    ..container::Style::default()
                })
                .into(),
        )
    }
}
