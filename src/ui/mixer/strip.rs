//! One channel strip: name, EQ and compressor previews with their switches, reverb send with
//! pre/post, pan, mute/solo/polarity, the fader with its meter, clip light and gain-reduction
//! meter; an offline stem shows its reason and a Locate… button instead of the previews.

use super::{Message, Mixer};
use crate::project::Track;
use crate::ui::context::{Context, Selection};
use crate::ui::controls::{self, tip};
use crate::ui::edit::Toggle;
use crate::ui::files::StemState;
use crate::ui::keys;
use crate::ui::params::{MasterField, Param, ReverbField, TrackField};
use crate::ui::theme;
use crate::ui::widgets as w;
use iced::widget::{button, column, container, mouse_area, row, space, text};
use iced::{Alignment, Element, Fill};

/// Width of a channel strip.
pub const STRIP_W: f32 = 108.0;

/// A knob of the strips.
fn knob<'a>(cx: &Context<'a>, param: Param, color: iced::Color) -> Element<'a, Message> {
    controls::knob(cx, param, 26.0, color).map(Message::Control)
}

/// A fader of the strips.
fn fader<'a>(cx: &Context<'a>, param: Param, color: iced::Color) -> Element<'a, Message> {
    controls::fader(cx, param, color).map(Message::Control)
}

impl Mixer {
    /// The strip of `t`.
    pub(super) fn track_strip<'a>(
        &'a self,
        cx: &Context<'a>,
        t: &'a Track,
    ) -> Element<'a, Message> {
        let id = t.id;
        let color = theme::track_color(t.color);
        let selected = cx.selection == Some(Selection::Track(id));
        let key = |what: &str| format!("{what}-{}", id.0);
        let select = Message::Select(Selection::Track(id));

        let name = button(
            text(t.name.as_str())
                .size(12)
                .wrapping(iced::widget::text::Wrapping::None),
        )
        .on_press(select.clone())
        .padding([2, 4])
        .width(Fill)
        .style(theme::strip_name(selected));

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
                .height(28)
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
                .height(28)
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

        let knobs = row![
            column![
                knob(cx, Param::Track(id, TrackField::Send), color),
                container(controls::toggle(
                    if t.reverb_send_pre_fader {
                        "PRE"
                    } else {
                        "POST"
                    },
                    t.reverb_send_pre_fader,
                    theme::ACCENT,
                    Message::Toggle(Toggle::SendPre(id)),
                    key("pre"),
                    "Reverb send taps before the fader (PRE) or after it (POST)"
                ))
                .width(44),
            ]
            .spacing(2)
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

        let state: Option<Element<'a, Message>> = match cx.stems.state(&t.source) {
            Some(StemState::Offline(reason)) => Some(
                container(
                    column![
                        text("OFFLINE").size(10).color(theme::WARNING),
                        text(reason.as_str()).size(10),
                        container(
                            button(text("Locate…").size(11))
                                .on_press(Message::Locate(id))
                                .padding([2, 6])
                                .style(theme::action_button)
                        )
                        .id(key("locate")),
                    ]
                    .spacing(3),
                )
                .padding(4)
                .width(Fill)
                .style(theme::notice(false))
                .into(),
            ),
            Some(StemState::Loading(f)) => Some(
                text(format!("decoding {:.0}%", f * 100.0))
                    .size(10)
                    .color(theme::TEXT_DIM)
                    .into(),
            ),
            _ => None,
        };

        let m = cx.engine.tracks.get(&id).copied().unwrap_or_default();
        let mut levels = row![
            fader(cx, Param::Track(id, TrackField::Gain), color),
            tip(
                container(
                    w::meter(&m)
                        .on_clip_click(Message::ClearClip(Some(id)))
                        .height(Fill)
                )
                .id(key("meter")),
                "Peak / RMS meter; click the clip light to clear it"
            ),
        ]
        .spacing(3)
        .height(Fill);
        if comp.enabled {
            levels = levels.push(tip(
                w::gain_reduction_meter::<Message>(m.gain_reduction_db).height(Fill),
                "Compressor gain reduction",
            ));
        }

        let mut col = column![
            container(space())
                .width(Fill)
                .height(4)
                .style(theme::color_bar(color)),
            name,
            eq_row,
            comp_row,
            knobs,
            buttons,
        ]
        .spacing(6);
        if let Some(s) = state {
            col = col.push(s);
        }
        col = col.push(levels);
        mouse_area(container(col.padding(6)).width(STRIP_W).height(Fill))
            .on_press(select)
            .into()
    }

    /// The reverb return strip.
    pub(super) fn reverb_strip<'a>(&self, cx: &Context<'a>) -> Element<'a, Message> {
        let selected = cx.selection == Some(Selection::Reverb);
        let r = &cx.project().reverb;
        let color = theme::POLARITY;
        let col = column![
            container(space())
                .width(Fill)
                .height(4)
                .style(theme::color_bar(color)),
            button(text("Reverb").size(12))
                .on_press(Message::Select(Selection::Reverb))
                .padding([2, 4])
                .width(Fill)
                .style(theme::strip_name(selected)),
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
            row![
                fader(cx, Param::Reverb(ReverbField::Return), color),
                tip(
                    w::meter(&cx.engine.reverb).height(Fill),
                    "Reverb return peak / RMS"
                ),
            ]
            .spacing(3)
            .height(Fill),
        ]
        .spacing(6)
        .align_x(Alignment::Center)
        .padding(6);
        mouse_area(container(col).width(96).height(Fill))
            .on_press(Message::Select(Selection::Reverb))
            .into()
    }

    /// The master strip.
    pub(super) fn master_strip<'a>(&self, cx: &Context<'a>) -> Element<'a, Message> {
        let selected = cx.selection == Some(Selection::Master);
        let l = &cx.project().master.limiter;
        let m = &cx.engine.master;
        let col = column![
            container(space())
                .width(Fill)
                .height(4)
                .style(theme::color_bar(theme::TEXT)),
            button(text("Master").size(12))
                .on_press(Message::Select(Selection::Master))
                .padding([2, 4])
                .width(Fill)
                .style(theme::strip_name(selected)),
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
            row![
                fader(cx, Param::Master(MasterField::Gain), theme::TEXT),
                tip(
                    w::meter(m)
                        .on_clip_click(Message::ClearClip(None))
                        .scale(true)
                        .height(Fill),
                    "Master peak / RMS; click the clip light to clear it"
                ),
                tip(
                    w::gain_reduction_meter::<Message>(m.gain_reduction_db).height(Fill),
                    "Limiter gain reduction"
                ),
            ]
            .spacing(3)
            .height(Fill),
        ]
        .spacing(6)
        .align_x(Alignment::Center)
        .padding(6);
        mouse_area(container(col).width(124).height(Fill))
            .on_press(Message::Select(Selection::Master))
            .into()
    }
}
