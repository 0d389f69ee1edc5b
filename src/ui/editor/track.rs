//! The editor of a track: name, colour and removal, the EQ ([`eq`](super::eq)), the compressor
//! ([`comp`](super::comp)), input trim, polarity, pan and reverb send.

use super::{Editor, Message, divider, knob, section, small_toggle, titled};
use crate::project::{Color, StereoPanLaw, Track, TrackId};
use crate::ui::context::Context;
use crate::ui::controls;
use crate::ui::edit::{Choice, Toggle};
use crate::ui::files::StemState;
use crate::ui::params::{Param, TrackField};
use crate::ui::theme;
use crate::ui::widgets as w;
use iced::widget::{Row, button, column, container, row, space, text, text_input};
use iced::{Alignment, Element, Fill};

/// Widget id of the track name box.
pub const NAME_ID: &str = "track-name";

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
                container(controls::send_tap_toggle(
                    t.reverb_send_pre_fader,
                    Message::Toggle(Toggle::SendPre(id)),
                    format!("t{}-editor-pre", id.0),
                    "Send before (PRE) or after (POST) the fader",
                ))
                .width(48)
                .into(),
            ));
        let input = input.spacing(10).align_y(Alignment::Start);

        let eq = self.eq_section(cx, t);
        let comp = self.comp_section(cx, t);

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
