//! Non-modal messages: errors and warnings stay until dismissed, information fades after a few
//! seconds. They sit in a corner and never block the window.

use super::theme;
use iced::widget::{Column, button, container, row, text};
use iced::{Alignment, Element, Fill};
use std::time::{Duration, Instant};

/// How long an information notice stays.
pub const INFO_FOR: Duration = Duration::from_secs(6);
/// Most notices shown at once (older ones go).
pub const MAX_NOTICES: usize = 5;

/// How serious a notice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something done (saved, bounced).
    Info,
    /// Something to know (a stem offline, autosave failed).
    Warning,
    /// Something the user asked for failed.
    Error,
}

/// One message.
#[derive(Clone, Debug)]
pub struct Notice {
    /// Identity for dismissing.
    pub id: u64,
    /// The text.
    pub text: String,
    /// How serious.
    pub level: Level,
    /// When it appeared.
    pub at: Instant,
}

/// What the notices panel sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// Dismiss a notice.
    Dismiss(u64),
    /// Expire old information notices (a timer).
    Expire,
}

/// The notices on screen.
#[derive(Debug, Default)]
pub struct Notices {
    list: Vec<Notice>,
    next: u64,
}

impl Notices {
    /// Handles a message.
    pub fn update(&mut self, m: Message) {
        match m {
            Message::Dismiss(id) => self.dismiss(id),
            Message::Expire => self.expire(Instant::now()),
        }
    }

    /// Adds a notice.
    pub fn push(&mut self, level: Level, text: String) {
        // The same text again replaces the old one rather than stacking up.
        self.list.retain(|n| n.text != text);
        self.next += 1;
        self.list.push(Notice {
            id: self.next,
            text,
            level,
            at: Instant::now(),
        });
        if self.list.len() > MAX_NOTICES {
            self.list.remove(0);
        }
    }

    /// Adds an information notice.
    pub fn info(&mut self, text: impl Into<String>) {
        self.push(Level::Info, text.into());
    }

    /// Adds a warning.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.push(Level::Warning, text.into());
    }

    /// Adds an error.
    pub fn error(&mut self, text: impl Into<String>) {
        self.push(Level::Error, text.into());
    }

    /// Removes one.
    pub fn dismiss(&mut self, id: u64) {
        self.list.retain(|n| n.id != id);
    }

    /// Drops information notices older than [`INFO_FOR`].
    pub fn expire(&mut self, now: Instant) {
        self.list
            .retain(|n| n.level != Level::Info || now.duration_since(n.at) < INFO_FOR);
    }

    /// Whether some notice will expire (so a timer is needed).
    pub fn expiring(&self) -> bool {
        self.list.iter().any(|n| n.level == Level::Info)
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The texts, oldest first.
    pub fn texts(&self) -> Vec<String> {
        self.list.iter().map(|n| n.text.clone()).collect()
    }

    /// The notices, bottom left, above the status bar.
    pub fn view(&self) -> Element<'_, Message> {
        let cards = self.list.iter().map(|n| {
            let (style, label) = match n.level {
                Level::Info => (
                    Box::new(|_: &iced::Theme| container::Style {
                        text_color: Some(theme::TEXT),
                        background: Some(theme::darken(theme::ACCENT, 0.7).into()),
                        border: iced::Border {
                            color: theme::ACCENT,
                            width: 1.0,
                            radius: 4.0.into(),
                        },
                        ..container::Style::default()
                    }) as Box<dyn Fn(&iced::Theme) -> container::Style>,
                    "",
                ),
                Level::Warning => (Box::new(theme::notice(false)) as Box<_>, "Warning: "),
                Level::Error => (Box::new(theme::notice(true)) as Box<_>, "Error: "),
            };
            container(
                row![
                    text(format!("{label}{}", n.text)).size(12).width(Fill),
                    button(text("✕").size(11))
                        .on_press(Message::Dismiss(n.id))
                        .padding([1, 6])
                        .style(theme::action_button),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            )
            .padding([6, 10])
            .width(460)
            .style(style)
            .into()
        });
        container(Column::with_children(cards).spacing(6))
            .width(Fill)
            .height(Fill)
            .padding(iced::Padding {
                top: 0.0,
                right: 0.0,
                bottom: 34.0,
                left: 12.0,
            })
            .align_bottom(Fill)
            .into()
    }
}
