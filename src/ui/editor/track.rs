//! The editor of a track: name, colour and removal, every EQ band (on/off, frequency, gain, Q,
//! pass-filter slope) with the EQ curve, every compressor parameter with its curve and gain
//! reduction, input trim, polarity, pan and reverb send.

use super::{
    DETECTORS, Editor, Message, SLOPES, divider, knob, section, segmented, small_toggle, titled,
};
use crate::project::{Color, Detector, Slope, StereoPanLaw, Track, TrackId};
use crate::ui::context::Context;
use crate::ui::controls::{self, tip};
use crate::ui::edit::{Choice, Toggle};
use crate::ui::files::StemState;
use crate::ui::params::{Band, Param, TrackField};
use crate::ui::theme;
use crate::ui::widgets as w;
use iced::widget::{Row, button, column, container, row, space, text, text_input};
use iced::{Alignment, Element, Fill};

/// Widget id of the track name box.
pub const NAME_ID: &str = "track-name";

fn band_column<'a>(
    cx: &Context<'a>,
    t: &'a Track,
    band: Band,
    color: iced::Color,
) -> Element<'a, Message> {
    let id = t.id;
    let (on, ..) = t.eq.band_values(band);
    let knob = |f: TrackField| knob(cx, Param::Track(id, f), 28.0, color);
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
                "Band on/off",
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

fn swatches(id: TrackId, current: Color) -> Element<'static, Message> {
    Row::with_children(Color::PALETTE.iter().map(|&c| {
        let selected = c == current;
        button(space().width(12).height(12))
            .on_press(Message::Choose(Choice::Color(id, c)))
            .padding(0)
            .style(move |_, status| button::Style {
                background: Some(
                    if status == button::Status::Hovered {
                        theme::lighten(theme::track_color(c), 0.2)
                    } else {
                        theme::track_color(c)
                    }
                    .into(),
                ),
                border: iced::Border {
                    color: if selected { theme::TEXT } else { theme::BORDER },
                    width: if selected { 2.0 } else { 1.0 },
                    radius: 3.0.into(),
                },
                ..button::Style::default()
            })
            .into()
    }))
    .spacing(3)
    .into()
}

impl Editor {
    /// The editor of track `t`.
    pub(super) fn track_editor<'a>(
        &'a self,
        cx: &Context<'a>,
        t: &'a Track,
    ) -> Element<'a, Message> {
        let id = t.id;
        let color = theme::track_color(t.color);
        let header = column![
            row![
                container(space())
                    .width(4)
                    .height(24)
                    .style(theme::color_bar(color)),
                w::blur_on_submit(
                    text_input("Track name", &t.name)
                        .id(NAME_ID)
                        .on_input(move |s| Message::Rename(id, s))
                        .on_submit(Message::RenameDone(id))
                        .size(14)
                        .padding([3, 6])
                        .width(Fill)
                ),
                container(
                    button(text("Remove").size(11))
                        .on_press(Message::RemoveTrack(id))
                        .padding([3, 8])
                        .style(theme::action_button)
                )
                .id(format!("remove-{}", id.0)),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
            row![
                swatches(id, t.color),
                space::horizontal(),
                text(t.source.display().to_string())
                    .size(10)
                    .color(theme::TEXT_DIM)
                    .wrapping(iced::widget::text::Wrapping::None),
            ]
            .spacing(8)
            .align_y(Alignment::Center)
            .clip(true),
        ]
        .spacing(6);

        let input = row![
            knob(cx, Param::Track(id, TrackField::Trim), 28.0, color),
            titled(
                "Polarity",
                small_toggle(
                    "Ø",
                    t.polarity_invert,
                    theme::POLARITY,
                    Message::Toggle(Toggle::Polarity(id)),
                    format!("t{}-editor-polarity", id.0),
                    "Invert polarity",
                )
            ),
            knob(cx, Param::Track(id, TrackField::Pan), 28.0, color),
        ];
        // The width knob, where the project's stereo pan law uses it and the stem is stereo.
        let stereo = !matches!(
            cx.stems.state(&t.source),
            Some(StemState::Ready(s)) if s.channels.len() == 1
        );
        let input = if cx.project().pan_law.stereo == StereoPanLaw::WidthPosition && stereo {
            input.push(knob(cx, Param::Track(id, TrackField::Width), 28.0, color))
        } else {
            input
        };
        let input = input
            .push(knob(cx, Param::Track(id, TrackField::Send), 28.0, color))
            .push(titled(
                "Send tap",
                small_toggle(
                    if t.reverb_send_pre_fader {
                        "PRE"
                    } else {
                        "POST"
                    },
                    t.reverb_send_pre_fader,
                    theme::ACCENT,
                    Message::Toggle(Toggle::SendPre(id)),
                    format!("t{}-editor-pre", id.0),
                    "Send before (PRE) or after (POST) the fader",
                ),
            ));
        let input = input.spacing(10).align_y(Alignment::Start);

        let curves = self
            .curves
            .as_ref()
            .filter(|(t, _)| *t == id)
            .map(|(_, c)| c);
        let curve: &[f32] = curves.map_or(&[], |c| c.eq.as_slice());
        let eq_on = t.eq.any_enabled();
        let eq = column![
            section(
                "EQUALIZER",
                text(if eq_on { "" } else { "all bands off" })
                    .size(10)
                    .color(theme::TEXT_DIM)
                    .into()
            ),
            container(
                w::eq_curve(curve)
                    .enabled(eq_on)
                    .color(color)
                    .range_db(18.0)
                    .width(Fill)
                    .height(64)
            )
            .style(|_| container::Style {
                background: Some(theme::WELL_BG.into()),
                border: iced::Border {
                    color: theme::BORDER,
                    width: 1.0,
                    radius: 3.0.into(),
                },
                ..container::Style::default()
            }),
            Row::with_children(Band::ALL.into_iter().map(|b| band_column(cx, t, b, color)))
                .spacing(3),
        ]
        .spacing(6);

        let c = &t.compressor;
        let gr = cx
            .engine
            .tracks
            .get(&id)
            .map_or(0.0, |m| m.gain_reduction_db);
        let knob = |f: TrackField| knob(cx, Param::Track(id, f), 28.0, theme::GAIN_REDUCTION);
        let comp = column![
            section(
                "COMPRESSOR",
                row![
                    text("Detector").size(10).color(theme::TEXT_DIM),
                    container(segmented(
                        DETECTORS.iter().map(|d| {
                            (
                                if d.0 == Detector::Peak { "Peak" } else { "RMS" },
                                d.0 == c.detector,
                                Message::Choose(Choice::Detector(id, d.0)),
                            )
                        }),
                        format!("t{}-detector", id.0),
                    ))
                    .width(90),
                    small_toggle(
                        if c.enabled { "ON" } else { "OFF" },
                        c.enabled,
                        theme::GAIN_REDUCTION,
                        Message::Toggle(Toggle::Compressor(id)),
                        format!("t{}-editor-comp", id.0),
                        "Compressor on/off",
                    ),
                ]
                .spacing(6)
                .align_y(Alignment::Center)
                .into()
            ),
            row![
                w::compressor_curve(
                    curves.map_or(&[], |c| c.compressor.as_slice()),
                    curves.map_or(0.0, |c| c.threshold_db)
                )
                .enabled(c.enabled)
                .color(theme::GAIN_REDUCTION)
                .width(52)
                .height(52),
                tip(
                    w::gain_reduction_meter::<Message>(gr).height(52),
                    "Gain reduction"
                ),
                knob(TrackField::Threshold),
                knob(TrackField::Ratio),
                knob(TrackField::Attack),
                knob(TrackField::Release),
                knob(TrackField::Knee),
                knob(TrackField::Makeup),
            ]
            .spacing(4)
            .align_y(Alignment::Center),
        ]
        .spacing(6);

        column![
            header,
            divider(),
            eq,
            divider(),
            comp,
            divider(),
            section("INPUT AND SEND", space().into()),
            input,
        ]
        .spacing(8)
        .into()
    }
}
