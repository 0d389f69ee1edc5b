//! Builders shared by the strips and the editor: a knob or fader bound to a [`Param`] (with
//! typed entry on its value), toggle buttons with tooltips.

use super::app::{App, Message, TYPING_ID, TypeMsg};
use super::params::Param;
use super::theme;
use super::widgets as w;
use iced::widget::{button, column, container, stack, text, text_input, tooltip};
use iced::{Alignment, Color, Element, Fill};
use std::time::Duration;

/// Tooltip delay, so tooltips do not flicker over controls being used.
pub const TIP_DELAY: Duration = Duration::from_millis(600);

/// Wraps `content` in a tooltip showing `tip`.
pub fn tip<'a>(content: impl Into<Element<'a, Message>>, tip: &'a str) -> Element<'a, Message> {
    tooltip(
        content,
        container(text(tip).size(12))
            .padding([4, 8])
            .style(theme::panel),
        tooltip::Position::Top,
    )
    .delay(TIP_DELAY)
    .into()
}

/// The typing box laid over a control, when `param` is being typed.
fn typing_box(app: &App, param: Param) -> Option<Element<'_, Message>> {
    let t = app.typing.as_ref().filter(|t| t.param == param)?;
    let invalid = t.invalid;
    Some(
        text_input("", &t.text)
            .id(TYPING_ID)
            .on_input(|s| Message::Type(TypeMsg::Input(s)))
            .on_submit(Message::Type(TypeMsg::Submit))
            .size(11)
            .padding([1, 3])
            .align_x(Alignment::Center)
            .style(move |th, st| {
                let mut s = text_input::default(th, st);
                s.background = theme::WELL_BG.into();
                s.border.color = if invalid {
                    theme::DANGER
                } else {
                    theme::ACCENT
                };
                s.border.width = 1.0;
                s
            })
            .into(),
    )
}

/// A labelled knob for `param`.
pub fn knob(app: &App, param: Param, diameter: f32, color: Color) -> Element<'_, Message> {
    let spec = param.spec();
    let v = param.get(&app.project).unwrap_or(spec.default);
    let k = w::knob(spec.mapping, v, move |x| Message::Set(param, x))
        .default(spec.default)
        .format(move |x| spec.format(x))
        .on_release(Message::Release(param))
        .on_value_click(Message::Type(TypeMsg::Begin(param)))
        .diameter(diameter)
        .bipolar(spec.bipolar)
        .color(color);
    let body: Element<'_, Message> = match typing_box(app, param) {
        Some(input) => stack![
            k,
            container(input).height(Fill).align_bottom(Fill).width(Fill)
        ]
        .into(),
        None => k.into(),
    };
    column![
        text(spec.label).size(10).color(theme::TEXT_DIM),
        container(body).id(param.widget_id())
    ]
    .spacing(1)
    .align_x(Alignment::Center)
    .into()
}

/// A fader for `param` (a level in dB).
pub fn fader(app: &App, param: Param, color: Color) -> Element<'_, Message> {
    let v = param.get(&app.project).unwrap_or(0.0);
    let f = w::fader(v, move |x| Message::Set(param, x))
        .on_release(Message::Release(param))
        .on_value_click(Message::Type(TypeMsg::Begin(param)))
        .color(color)
        .width(50);
    let body: Element<'_, Message> = match typing_box(app, param) {
        Some(input) => stack![
            f,
            container(input).height(Fill).align_bottom(Fill).width(Fill)
        ]
        .into(),
        None => f.into(),
    };
    container(body).id(param.widget_id()).height(Fill).into()
}

/// A small lit/unlit button.
pub fn toggle<'a>(
    label: &'a str,
    on: bool,
    color: Color,
    message: Message,
    id: String,
    tooltip_text: &'a str,
) -> Element<'a, Message> {
    tip(
        container(
            button(text(label).size(11).align_x(Alignment::Center).width(Fill))
                .on_press(message)
                .padding([2, 2])
                .width(Fill)
                .style(theme::toggle_button(on, color)),
        )
        .id(id),
        tooltip_text,
    )
}
