//! The strips: a channel strip (name, EQ and compressor previews with their switches, reverb
//! send with pre/post, pan, mute/solo/polarity, the fader with its meter, clip light and
//! gain-reduction meter; an offline or decoding stem shows that instead of the previews), the
//! reverb return and the master.
//!
//! Every strip's part above the fader is [`STRIP_TOP_H`] tall, so all faders (and meters) line
//! up and the layout knows their travel exactly.

use super::{Message, Mixer};
use crate::project::Track;
use crate::ui::context::{Context, Selection};
use crate::ui::controls::{self, tip};
use crate::ui::edit::Toggle;
use crate::ui::engine_link::Loudness;
use crate::ui::files::StemState;
use crate::ui::keys;
use crate::ui::layout::{MASTER_W, REVERB_W, STRIP_PAD, STRIP_TOP_H};
use crate::ui::params::{MasterField, Param, ReverbField, TrackField};
use crate::ui::theme;
use crate::ui::widgets as w;
use iced::widget::{Column, button, column, container, mouse_area, row, space, text};
use iced::{Alignment, Element, Fill, Length};

/// Gap between the fader and the meters.
const LEVELS_GAP: f32 = 2.0;

/// A knob of the strips, filling its cell.
fn knob<'a>(cx: &Context<'a>, param: Param, color: iced::Color) -> Element<'a, Message> {
    container(controls::knob(cx, param, 26.0, color).map(Message::Control))
        .width(Fill)
        .align_x(Alignment::Center)
        .into()
}

/// A fader of the strips.
fn fader<'a>(
    cx: &Context<'a>,
    param: Param,
    color: iced::Color,
    width: f32,
) -> Element<'a, Message> {
    controls::fader(cx, param, color, width).map(Message::Control)
}

/// Widths of the parts of a levels row `inner` pixels wide: fader, meter, side meter.
fn level_widths(inner: f32) -> (f32, f32, f32) {
    let meter = (inner * 0.2).clamp(18.0, 28.0).floor();
    let side = if inner >= 96.0 { 20.0 } else { 16.0 };
    let fader = (inner - meter - side - 2.0 * LEVELS_GAP)
        .clamp(40.0, 64.0)
        .floor();
    (fader, meter, side)
}

/// The name of a strip with its colour above it.
fn name_plate<'a>(
    name: &'a str,
    color: iced::Color,
    selected: bool,
    select: Message,
) -> Element<'a, Message> {
    column![
        container(space())
            .width(Fill)
            .height(3)
            .style(theme::color_bar(color)),
        button(
            text(name)
                .size(12)
                .wrapping(iced::widget::text::Wrapping::None)
        )
        .on_press(select)
        .padding([2, 4])
        .height(20)
        .width(Fill)
        .style(theme::strip_name(selected)),
    ]
    .spacing(2)
    .into()
}

/// A strip of `width` pixels: `top` (exactly [`STRIP_TOP_H`] tall), then `levels`.
fn strip_frame<'a>(
    top: Element<'a, Message>,
    levels: Element<'a, Message>,
    width: f32,
    selected: bool,
    select: Message,
) -> Element<'a, Message> {
    framed(top, levels, width, select, theme::strip_frame(selected))
}

/// [`strip_frame`] with its own frame style.
fn framed<'a>(
    top: Element<'a, Message>,
    levels: Element<'a, Message>,
    width: f32,
    select: Message,
    style: impl Fn(&iced::Theme) -> iced::widget::container::Style + 'a,
) -> Element<'a, Message> {
    let col = column![
        container(top).height(STRIP_TOP_H).width(Fill).clip(true),
        container(levels)
            .width(Fill)
            .height(Fill)
            .align_x(Alignment::Center),
    ]
    .padding(STRIP_PAD);
    mouse_area(container(col).width(width).height(Fill).style(style))
        .on_press(select)
        .into()
}

impl Mixer {
    /// The strip of `t`, `width` pixels wide.
    pub(super) fn track_strip<'a>(
        &'a self,
        cx: &Context<'a>,
        t: &'a Track,
        width: f32,
    ) -> Element<'a, Message> {
        let id = t.id;
        let color = theme::track_color(t.color);
        let selected = cx.selection == Some(Selection::Track(id));
        let key = |what: &str| format!("{what}-{}", id.0);
        let select = Message::Select(Selection::Track(id));

        let curves = self.curves.get(&id);
        let eq_curve: &[f32] = curves.map_or(&[], |c| c.eq.as_slice());
        let comp_curve: &[f32] = curves.map_or(&[], |c| c.compressor.as_slice());
        let threshold = curves.map_or(0.0, |c| c.threshold_db);
        let eq_on = t.eq.any_enabled();
        let comp = &t.compressor;
        let eq_row = row![
            w::eq_curve(eq_curve)
                .enabled(eq_on)
                .color(color)
                .width(Fill)
                .height(24)
                .on_press(select.clone()),
            container(controls::toggle(
                "EQ",
                eq_on,
                theme::ACCENT,
                Message::Toggle(Toggle::Eq(id)),
                key("eq"),
                "EQ on/off (off remembers the bands); click the curve to edit"
            ))
            .width(34),
        ]
        .spacing(4)
        .align_y(Alignment::Center);
        let comp_row = row![
            w::compressor_curve(comp_curve, threshold)
                .enabled(comp.enabled)
                .color(color)
                .width(Fill)
                .height(24)
                .on_press(select.clone()),
            container(controls::toggle(
                "CMP",
                comp.enabled,
                theme::GAIN_REDUCTION,
                Message::Toggle(Toggle::Compressor(id)),
                key("comp"),
                "Compressor on/off; click the curve to edit"
            ))
            .width(34),
        ]
        .spacing(4)
        .align_y(Alignment::Center);

        // An offline or decoding stem says so where the previews are.
        let state: Option<Element<'a, Message>> = match cx.stems.state(&t.source) {
            Some(StemState::Offline(reason)) => Some(
                container(
                    column![
                        text("OFFLINE").size(10).color(theme::WARNING),
                        container(text(reason.as_str()).size(9))
                            .height(12)
                            .clip(true),
                        container(
                            button(text("Locate…").size(11))
                                .on_press(Message::Locate(id))
                                .padding([1, 6])
                                .style(theme::action_button)
                        )
                        .id(key("locate")),
                    ]
                    .spacing(2),
                )
                .padding([2, 4])
                .width(Fill)
                .height(53)
                .clip(true)
                .style(theme::notice(false))
                .into(),
            ),
            Some(StemState::Loading(f)) => Some(
                container(
                    text(format!("decoding {:.0}%", f * 100.0))
                        .size(10)
                        .color(theme::TEXT_DIM),
                )
                .height(53)
                .center_y(53)
                .into(),
            ),
            _ => None,
        };

        let knobs = row![
            column![
                knob(cx, Param::Track(id, TrackField::Send), color),
                container(controls::send_tap_toggle(
                    t.reverb_send_pre_fader,
                    Message::Toggle(Toggle::SendPre(id)),
                    key("pre"),
                    "Reverb send taps before the fader (PRE) or after it (POST)"
                ))
                .width(40),
            ]
            .spacing(2)
            .width(Fill)
            .align_x(Alignment::Center),
            knob(cx, Param::Track(id, TrackField::Pan), color),
        ]
        .spacing(0);

        let buttons = row![
            controls::toggle(
                "M",
                t.mute,
                theme::MUTE,
                Message::Toggle(Toggle::Mute(id)),
                key("mute"),
                keys::tip::MUTE
            ),
            controls::toggle(
                "S",
                t.solo,
                theme::SOLO,
                Message::Toggle(Toggle::Solo(id)),
                key("solo"),
                keys::tip::SOLO
            ),
            controls::toggle(
                "Ø",
                t.polarity_invert,
                theme::POLARITY,
                Message::Toggle(Toggle::Polarity(id)),
                key("polarity"),
                keys::tip::POLARITY
            ),
        ]
        .spacing(3);

        let mut top = Column::new()
            .push(name_plate(t.name.as_str(), color, selected, select.clone()))
            .spacing(5);
        top = match state {
            Some(s) => top.push(s),
            None => top.push(eq_row).push(comp_row),
        };
        let top = top.push(knobs).push(buttons);

        let (fader_w, meter_w, side_w) = level_widths(width - 2.0 * STRIP_PAD);
        let m = cx.engine.tracks.get(&id).copied().unwrap_or_default();
        let side: Element<'a, Message> = if comp.enabled {
            tip(
                w::gain_reduction_meter::<Message>(m.gain_reduction_db)
                    .width(side_w)
                    .height(Fill),
                "Compressor gain reduction (dB)",
            )
        } else {
            // Kept free, so the fader does not move when the compressor is switched.
            space().width(side_w).into()
        };
        let levels = row![
            fader(cx, Param::Track(id, TrackField::Gain), color, fader_w),
            tip(
                container(
                    w::meter(&m)
                        .on_clip_click(Message::ClearClip(Some(id)))
                        .value(self.peak(Selection::Track(id)))
                        .on_value_click(Message::ResetPeak(Selection::Track(id)))
                        .width(meter_w)
                        .height(Fill)
                )
                .id(key("meter")),
                "Peak / RMS on the fader's scale; the box shows the highest peak (click to \
                 reset), the light latches clipping (click to clear)"
            ),
            side,
        ]
        .spacing(LEVELS_GAP)
        .height(Fill);

        strip_frame(top.into(), levels.into(), width, selected, select)
    }

    /// The reverb return strip.
    pub(super) fn reverb_strip<'a>(&self, cx: &Context<'a>) -> Element<'a, Message> {
        let selected = cx.selection == Some(Selection::Reverb);
        let r = &cx.project().reverb;
        let color = theme::POLARITY;
        let select = Message::Select(Selection::Reverb);
        let top = column![
            name_plate("Reverb", color, selected, select.clone()),
            knob(cx, Param::Reverb(ReverbField::Decay), color),
            knob(cx, Param::Reverb(ReverbField::Size), color),
            controls::toggle(
                "M",
                r.mute,
                theme::MUTE,
                Message::Toggle(Toggle::ReverbMute),
                "reverb-mute".into(),
                "Mute the reverb return"
            ),
        ]
        .spacing(5)
        .align_x(Alignment::Center);
        let (fader_w, meter_w, _) = level_widths(REVERB_W - 2.0 * STRIP_PAD);
        let levels = row![
            fader(cx, Param::Reverb(ReverbField::Return), color, fader_w),
            tip(
                w::meter(&cx.engine.reverb)
                    .value(self.peak(Selection::Reverb))
                    .on_value_click(Message::ResetPeak(Selection::Reverb))
                    .width(meter_w)
                    .height(Fill),
                "Reverb return peak / RMS on the fader's scale; the box shows the highest peak"
            ),
        ]
        .spacing(LEVELS_GAP)
        .height(Fill);
        strip_frame(top.into(), levels.into(), REVERB_W, selected, select)
    }

    /// The master strip, with the loudness figures as the transport shows them.
    pub(super) fn master_strip<'a>(
        &self,
        cx: &Context<'a>,
        figures: &Loudness,
    ) -> Element<'a, Message> {
        let selected = cx.selection == Some(Selection::Master);
        let l = &cx.project().master.limiter;
        let m = &cx.engine.master;
        let select = Message::Select(Selection::Master);
        let readout = |label: &'a str, value: String, unit: &'a str, hot: bool| {
            row![
                text(label)
                    .size(10)
                    .color(theme::TEXT_DIM)
                    .width(Length::Fixed(18.0)),
                text(value)
                    .size(12)
                    .color(if hot { theme::METER_RED } else { theme::TEXT }),
                text(unit).size(9).color(theme::TEXT_DIM),
            ]
            .spacing(3)
            .align_y(Alignment::End)
        };
        let number = |v: f32, floor: f32| {
            if v.is_finite() && v > floor {
                format!("{v:.1}")
            } else {
                "—".into()
            }
        };
        let top = column![
            name_plate("Master", theme::TEXT, selected, select.clone()),
            controls::toggle(
                "LIMIT",
                l.enabled,
                theme::GAIN_REDUCTION,
                Message::Toggle(Toggle::Limiter),
                "limiter".into(),
                "True-peak limiter on/off"
            ),
            knob(
                cx,
                Param::Master(MasterField::Ceiling),
                theme::GAIN_REDUCTION
            ),
            container(
                column![
                    readout(
                        "TP",
                        number(figures.true_peak_dbtp, -100.0),
                        "dBTP",
                        figures.true_peak_dbtp > -1.0
                    ),
                    readout("S", number(figures.short_term, -70.0), "LUFS", false),
                ]
                .spacing(2)
            )
            .id("master-readout"),
        ]
        .spacing(5)
        .align_x(Alignment::Center);
        let inner = MASTER_W - 2.0 * STRIP_PAD;
        let (fader_w, meter_w, side_w) = level_widths(inner - 20.0 - LEVELS_GAP);
        let levels = row![
            fader(cx, Param::Master(MasterField::Gain), theme::TEXT, fader_w),
            tip(
                container(
                    w::meter(m)
                        .on_clip_click(Message::ClearClip(None))
                        .value(self.peak(Selection::Master))
                        .on_value_click(Message::ResetPeak(Selection::Master))
                        .true_peak(figures.true_peak_dbtp)
                        .width(meter_w)
                        .height(Fill)
                )
                .id("master-meter"),
                "Master peak / RMS on the fader's scale; the white line is the highest true \
                 peak, the box the highest sample peak (click to reset)"
            ),
            tip(
                w::gain_reduction_meter::<Message>(m.gain_reduction_db)
                    .width(side_w)
                    .height(Fill),
                "Limiter gain reduction (dB)",
            ),
            tip(
                container(
                    w::loudness_meter::<Message>(cx.engine.loudness.short_term)
                        .target(-14.0)
                        .width(20)
                        .height(Fill)
                )
                .id("master-loudness"),
                "Short-term loudness (LUFS, 3 s); the line marks -14 LUFS",
            ),
        ]
        .spacing(LEVELS_GAP)
        .height(Fill);
        // The master meters measure what is heard: the frame says what that is (the mix, or
        // a reference: A/B).
        let reference = matches!(cx.engine.source, crate::engine::Source::Reference(_));
        let blind = cx.blind;
        let style = move |t: &iced::Theme| {
            let mut s = theme::strip_frame(selected)(t);
            s.border.color = if blind {
                theme::BORDER
            } else {
                theme::source_color(reference)
            };
            s.border.width = 2.0;
            s.border.radius = 4.0.into();
            s
        };
        framed(top.into(), levels.into(), MASTER_W, select, style)
    }
}
