//! The transport bar: return to start, play/pause, stop, loop, the time, and the master's
//! meters and loudness figures.

use super::app::{App, Message};
use super::icons::{Icon, icon};
use super::widgets::{self as w, format};
use super::{keys, theme};
use iced::widget::{button, column, container, row, space, text, tooltip};
use iced::{Alignment, Element, Fill};

/// What the transport bar sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportMsg {
    /// Play or pause.
    TogglePlay,
    /// Stop (DSP state cleared; the position stays).
    Stop,
    /// Back to the start.
    ToStart,
    /// Loop on/off.
    ToggleLoop,
}

impl App {
    pub(crate) fn transport(&mut self, m: TransportMsg) {
        match m {
            TransportMsg::TogglePlay => {
                if self.running {
                    self.link.pause();
                    self.running = false;
                } else {
                    self.link.play();
                    self.running = true;
                }
                let _ = self.link.tick();
            }
            TransportMsg::Stop => {
                self.link.stop();
                self.running = false;
                let _ = self.link.tick();
            }
            TransportMsg::ToStart => {
                self.link.seek(0);
                self.timeline.show(0, self.lanes_width());
            }
            TransportMsg::ToggleLoop => {
                let has_region = self.project.loop_region.is_some();
                let on = !self.project.loop_enabled;
                self.edit(None, if on { "loop on" } else { "loop off" }, |p| {
                    p.loop_enabled = on;
                });
                if on && !has_region {
                    self.notices
                        .info("Drag across the timeline to choose the part to loop.");
                }
            }
        }
    }
}

/// A transport button with its tooltip.
pub(crate) fn tool<'a>(
    content: impl Into<Element<'a, Message>>,
    tip: &'a str,
    message: Message,
    lit: Option<bool>,
) -> Element<'a, Message> {
    let b = button(content)
        .on_press(message)
        .padding([6, 10])
        .style(match lit {
            Some(on) => Box::new(theme::toggle_button(on, theme::ACCENT))
                as Box<dyn Fn(&iced::Theme, button::Status) -> button::Style>,
            None => Box::new(theme::action_button),
        });
    tooltip(
        b,
        container(text(tip).size(12))
            .padding([4, 8])
            .style(theme::panel),
        tooltip::Position::Bottom,
    )
    .into()
}

/// A labelled figure such as "−14.2 LUFS".
fn figure<'a>(label: &'a str, value: String, unit: &'a str) -> Element<'a, Message> {
    column![
        text(label).size(10).color(theme::TEXT_DIM),
        row![
            text(value).size(16),
            text(unit).size(10).color(theme::TEXT_DIM)
        ]
        .spacing(3)
        .align_y(Alignment::End),
    ]
    .spacing(0)
    .into()
}

fn lufs(v: f32) -> String {
    if v.is_finite() && v > -70.0 {
        format!("{v:.1}")
    } else {
        "—".into()
    }
}

/// The transport bar.
pub fn view(app: &App) -> Element<'_, Message> {
    let v = app.link.view();
    let rate = f64::from(app.project.sample_rate.max(1));
    let playing = app.running;
    let buttons = row![
        tool(
            icon(Icon::ToStart, theme::TEXT),
            keys::tip::TO_START,
            Message::Transport(TransportMsg::ToStart),
            None
        ),
        tool(
            icon(if playing { Icon::Pause } else { Icon::Play }, theme::TEXT),
            keys::tip::PLAY,
            Message::Transport(TransportMsg::TogglePlay),
            Some(playing)
        ),
        tool(
            icon(Icon::Stop, theme::TEXT),
            keys::tip::STOP,
            Message::Transport(TransportMsg::Stop),
            None
        ),
        tool(
            icon(Icon::Loop, theme::TEXT),
            keys::tip::LOOP,
            Message::Transport(TransportMsg::ToggleLoop),
            Some(app.project.loop_enabled)
        ),
    ]
    .spacing(4)
    .align_y(Alignment::Center);

    let time = column![
        super::clock::clock(format::time_ms(v.position as f64 / rate), 24.0),
        text(format!(
            "of {}",
            format::time_ms(app.length_frames() as f64 / rate)
        ))
        .size(10)
        .color(theme::TEXT_DIM),
    ]
    .spacing(0);

    let l = &app.shown_loudness;
    let live = &v.loudness;
    let loud = column![
        row![
            text("M").size(10).color(theme::TEXT_DIM).width(12),
            w::loudness_bar::<Message>(live.momentary)
                .target(-14.0)
                .width(160)
                .height(8),
        ]
        .spacing(4)
        .align_y(Alignment::Center),
        row![
            text("S").size(10).color(theme::TEXT_DIM).width(12),
            w::loudness_bar::<Message>(live.short_term)
                .target(-14.0)
                .width(160)
                .height(8),
        ]
        .spacing(4)
        .align_y(Alignment::Center),
    ]
    .spacing(6);
    let tp_hot = l.true_peak_dbtp > -1.0;
    let figures = row![
        figure("MOMENTARY", lufs(l.momentary), "LUFS"),
        figure("SHORT-TERM", lufs(l.short_term), "LUFS"),
        figure("INTEGRATED", lufs(l.integrated), "LUFS"),
        column![
            text("TRUE PEAK").size(10).color(theme::TEXT_DIM),
            row![
                text(
                    if l.true_peak_dbtp.is_finite() && l.true_peak_dbtp > -100.0 {
                        format!("{:.1}", l.true_peak_dbtp)
                    } else {
                        "—".into()
                    }
                )
                .size(16)
                .color(if tp_hot {
                    theme::METER_RED
                } else {
                    theme::TEXT
                }),
                text("dBTP").size(10).color(theme::TEXT_DIM)
            ]
            .spacing(3)
            .align_y(Alignment::End),
        ],
        tool(
            text("Reset").size(11),
            "Reset peak holds, clip lights and integrated loudness",
            Message::ResetMeters,
            None
        ),
    ]
    .spacing(18)
    .align_y(Alignment::Center);

    container(
        row![
            buttons,
            container(time).padding([0, 12]),
            space::horizontal(),
            loud,
            figures,
        ]
        .spacing(16)
        .align_y(Alignment::Center),
    )
    .padding([8, 12])
    .width(Fill)
    // No panel background: a bar-wide quad would be repainted with every meter frame.
    .into()
}
