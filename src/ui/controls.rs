//! Value controls shared by the strips and the editor: a knob or fader bound to a [`Param`]
//! (with typed entry on its value), toggle buttons with tooltips, and the state of the value
//! being typed, which both panels show and so the app keeps.

use super::action::Action;
use super::context::Context;
use super::edit::{Edit, Gesture};
use super::params::Param;
use super::theme;
use super::widgets as w;
use crate::project::Project;
use iced::widget::{button, column, container, stack, text, text_input, tooltip};
use iced::{Alignment, Color, Element, Fill, Task};
use std::time::Duration;

/// Tooltip delay, so tooltips do not flicker over controls being used.
pub const TIP_DELAY: Duration = Duration::from_millis(600);

/// Space between a tooltip and its control.
pub const TIP_GAP: f32 = 4.0;

/// Widget id of the typing box.
pub const TYPING_ID: &str = "typing";

/// Typing a value into a control.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeMsg {
    /// Start typing the value of this parameter.
    Begin(Param),
    /// The text changed.
    Input(String),
    /// Enter: apply.
    Submit,
    /// Give up.
    Cancel,
}

/// What a value control sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// The control moved (part of a gesture).
    Set(Param, f32),
    /// The control's gesture ended.
    Release(Param),
    /// Typing a value.
    Type(TypeMsg),
}

/// The value being typed.
#[derive(Clone, Debug, PartialEq)]
pub struct TypingBox {
    /// Which parameter.
    pub param: Param,
    /// The text so far.
    pub text: String,
    /// The last submit did not parse.
    pub invalid: bool,
}

/// The typing box, if one is open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Typing(Option<TypingBox>);

impl Typing {
    /// The box, if open.
    pub fn open(&self) -> Option<&TypingBox> {
        self.0.as_ref()
    }

    /// Closes the box; returns whether one was open.
    pub fn cancel(&mut self) -> bool {
        self.0.take().is_some()
    }

    /// Closes the box if its parameter no longer exists in `project` (its track was removed).
    pub fn forget_missing(&mut self, project: &Project) {
        if self
            .0
            .as_ref()
            .is_some_and(|t| t.param.get(project).is_none())
        {
            self.0 = None;
        }
    }

    /// Handles a control's message; moves and typed values become edits of the project.
    pub fn update(&mut self, m: Message, project: &Project) -> Action {
        match m {
            Message::Set(param, v) => {
                if self.0.as_ref().is_some_and(|t| t.param != param) {
                    self.0 = None;
                }
                Action::Edit(Edit::Param(param, v), Some(Gesture::Param(param)))
            }
            Message::Release(param) => Action::EndGesture(Gesture::Param(param)),
            Message::Type(TypeMsg::Begin(param)) => {
                let Some(v) = param.get(project) else {
                    return Action::None;
                };
                self.0 = Some(TypingBox {
                    param,
                    text: param.spec().edit_text(v),
                    invalid: false,
                });
                Action::Run(Task::batch([
                    iced::widget::operation::focus(TYPING_ID),
                    iced::widget::operation::select_all(TYPING_ID),
                ]))
            }
            Message::Type(TypeMsg::Input(s)) => {
                if let Some(t) = &mut self.0 {
                    t.text = s;
                    t.invalid = false;
                }
                Action::None
            }
            Message::Type(TypeMsg::Submit) => {
                let Some(t) = &mut self.0 else {
                    return Action::None;
                };
                match t.param.spec().parse(&t.text) {
                    Some(v) => {
                        let param = t.param;
                        self.0 = None;
                        // A typed value is an undo step of its own.
                        Action::Edit(Edit::Param(param, v), None)
                    }
                    None => {
                        t.invalid = true;
                        Action::None
                    }
                }
            }
            Message::Type(TypeMsg::Cancel) => {
                self.0 = None;
                Action::None
            }
        }
    }
}

/// Wraps `content` in a tooltip showing `tip` above it, clear of it by a few pixels.
///
/// Every control with such a tip sits below the timeline, so there is always room above it:
/// iced moves a tooltip onto its control only when it would leave the window. (The bars at
/// the top of the window put their tips below their buttons instead: [`tip_below`].)
pub fn tip<'a, M: 'a>(content: impl Into<Element<'a, M>>, tip: &'a str) -> Element<'a, M> {
    tip_at(content, tip, tooltip::Position::Top)
}

/// Wraps `content` in a tooltip showing `tip` below it (for the bars at the top of the window).
pub fn tip_below<'a, M: 'a>(
    content: impl Into<Element<'a, M>>,
    tip: impl text::IntoFragment<'a>,
) -> Element<'a, M> {
    tip_at(content, tip, tooltip::Position::Bottom)
}

fn tip_at<'a, M: 'a>(
    content: impl Into<Element<'a, M>>,
    tip: impl text::IntoFragment<'a>,
    position: tooltip::Position,
) -> Element<'a, M> {
    tooltip(
        content,
        container(text(tip).size(12))
            .padding([4, 8])
            .style(theme::panel),
        position,
    )
    .gap(TIP_GAP)
    .delay(TIP_DELAY)
    .into()
}

/// The typing box laid over a control, when `param` is being typed.
fn typing_box<'a>(cx: &Context<'a>, param: Param) -> Option<Element<'a, Message>> {
    let t = cx.typing.open().filter(|t| t.param == param)?;
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

/// `control`, with the typing box over it while its value is typed.
fn with_typing<'a>(
    cx: &Context<'a>,
    param: Param,
    control: Element<'a, Message>,
) -> Element<'a, Message> {
    match typing_box(cx, param) {
        Some(input) => stack![
            control,
            container(input).height(Fill).align_bottom(Fill).width(Fill)
        ]
        .into(),
        None => control,
    }
}

/// A labelled knob for `param`.
pub fn knob<'a>(
    cx: &Context<'a>,
    param: Param,
    diameter: f32,
    color: Color,
) -> Element<'a, Message> {
    let spec = param.spec();
    let v = param.get(cx.project()).unwrap_or(spec.default);
    let k = w::knob(spec.mapping, v, move |x| Message::Set(param, x))
        .default(spec.default)
        .format(move |x| spec.format(x))
        .on_release(Message::Release(param))
        .on_value_click(Message::Type(TypeMsg::Begin(param)))
        .diameter(diameter)
        .bipolar(spec.bipolar)
        .color(color);
    column![
        text(spec.label).size(10).color(theme::TEXT_DIM),
        container(with_typing(cx, param, k.into())).id(param.widget_id())
    ]
    .spacing(1)
    .align_x(Alignment::Center)
    .into()
}

/// A fader for `param` (a level in dB), `width` pixels wide.
pub fn fader<'a>(cx: &Context<'a>, param: Param, color: Color, width: f32) -> Element<'a, Message> {
    let v = param.get(cx.project()).unwrap_or(0.0);
    let f = w::fader(v, move |x| Message::Set(param, x))
        .on_release(Message::Release(param))
        .on_value_click(Message::Type(TypeMsg::Begin(param)))
        .color(color)
        .width(width);
    container(with_typing(cx, param, f.into()))
        .id(param.widget_id())
        .width(width)
        .height(Fill)
        .into()
}

/// A small lit/unlit button.
pub fn toggle<'a, M: Clone + 'a>(
    label: &'a str,
    on: bool,
    color: Color,
    message: M,
    id: String,
    tooltip_text: &'a str,
) -> Element<'a, M> {
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

/// The reverb send's tap switch: lit and labelled PRE when the send taps before the fader,
/// POST after it.
pub fn send_tap_toggle<'a, M: Clone + 'a>(
    pre: bool,
    message: M,
    id: String,
    tooltip_text: &'a str,
) -> Element<'a, M> {
    let label = if pre { "PRE" } else { "POST" };
    toggle(label, pre, theme::ACCENT, message, id, tooltip_text)
}
