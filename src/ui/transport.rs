//! The transport bar: return to start, play/pause, stop, loop, the time, and the master's
//! meters and loudness figures.

use super::action::{Action, EngineOp};
use super::context::Context;
use super::edit::Edit;
use super::engine_link::{EngineView, Loudness};
use super::icons::{Icon, icon};
use super::widgets::{self as w, format};
use super::{keys, theme};
use iced::widget::{button, column, container, row, space, text};
use iced::{Alignment, Element, Fill};
use std::time::{Duration, Instant};

/// How often the numeric loudness figures change while playing.
pub const FIGURES_EVERY: Duration = Duration::from_millis(250);

/// What the transport bar sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// Play or pause.
    TogglePlay,
    /// Stop (DSP state cleared; the position stays).
    Stop,
    /// Back to the start.
    ToStart,
    /// Loop on/off.
    ToggleLoop,
    /// Reset peak holds, clip lights and the integrated loudness.
    ResetMeters,
}

/// The transport's state: whether the user started it, and the loudness figures as shown.
#[derive(Clone, Copy, Debug)]
pub struct Transport {
    /// Whether the user started the transport (the engine may report it a frame later).
    running: bool,
    /// The loudness figures as shown: refreshed a few times a second, readable while playing.
    figures: Loudness,
    figures_at: Instant,
}

impl Default for Transport {
    fn default() -> Self {
        Transport {
            running: false,
            figures: Loudness::default(),
            figures_at: Instant::now(),
        }
    }
}

impl Transport {
    /// Whether the transport runs (as the user set it, or the engine reported it).
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// The loudness figures as shown (the master editor shows them too).
    pub fn figures(&self) -> &Loudness {
        &self.figures
    }

    /// The transport is stopped (another project was opened).
    pub fn reset(&mut self) {
        self.running = false;
    }

    /// Follows the engine after a display tick: it may have stopped by itself (end of the
    /// song); the figures change every [`FIGURES_EVERY`] while playing.
    pub fn tick(&mut self, view: &EngineView, now: Instant) {
        self.running = view.playing;
        if !view.playing || now.duration_since(self.figures_at) >= FIGURES_EVERY {
            self.figures = view.loudness;
            self.figures_at = now;
        }
    }

    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        match m {
            Message::TogglePlay => {
                self.running = !self.running;
                Action::Engine(if self.running {
                    EngineOp::Play
                } else {
                    EngineOp::Pause
                })
            }
            Message::Stop => {
                self.running = false;
                Action::Engine(EngineOp::Stop)
            }
            Message::ToStart => Action::Engine(EngineOp::Seek(0)),
            Message::ToggleLoop => {
                let p = cx.project();
                let on = !p.loop_enabled;
                let edit = Action::Edit(Edit::Looping(on), None);
                if on && p.loop_region.is_none() {
                    edit.then(Action::info(
                        "Drag across the timeline to choose the part to loop.",
                    ))
                } else {
                    edit
                }
            }
            Message::ResetMeters => Action::Engine(EngineOp::ResetMeters),
        }
    }
}

/// A transport button with its tooltip.
fn tool<'a>(
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
    crate::ui::controls::tip_below(b, tip)
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

impl Transport {
    /// The transport bar.
    pub fn view<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let v = cx.engine;
        let rate = f64::from(cx.project().sample_rate.max(1));
        let playing = self.running;
        let buttons = row![
            tool(
                icon(Icon::ToStart, theme::TEXT),
                keys::tip::TO_START,
                Message::ToStart,
                None
            ),
            tool(
                icon(if playing { Icon::Pause } else { Icon::Play }, theme::TEXT),
                keys::tip::PLAY,
                Message::TogglePlay,
                Some(playing)
            ),
            tool(
                icon(Icon::Stop, theme::TEXT),
                keys::tip::STOP,
                Message::Stop,
                None
            ),
            tool(
                icon(Icon::Loop, theme::TEXT),
                keys::tip::LOOP,
                Message::ToggleLoop,
                Some(cx.project().loop_enabled)
            ),
        ]
        .spacing(4)
        .align_y(Alignment::Center);

        let time = column![
            super::clock::clock(format::time_ms(v.position as f64 / rate), 24.0),
            text(format!(
                "of {}",
                format::time_ms(cx.length_frames() as f64 / rate)
            ))
            .size(10)
            .color(theme::TEXT_DIM),
        ]
        .spacing(0);

        let l = &self.figures;
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
}
