//! Non-modal messages: errors stay until dismissed, warnings and information go after a few
//! seconds. The newest one shows in the status bar, in place of the file name, so a notice never
//! covers a control; when there are several, a button there opens the whole list (above the
//! status bar, until it is closed).

use super::theme;
use iced::widget::{Column, button, container, row, space, text};
use iced::{Alignment, Element, Fill};
use std::time::{Duration, Instant};

/// How long an information notice stays.
pub const INFO_FOR: Duration = Duration::from_secs(6);
/// How long a warning stays.
pub const WARNING_FOR: Duration = Duration::from_secs(10);
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
    /// Expire old information notices and warnings (a timer).
    Expire,
    /// Open or close the list of all notices.
    ToggleList,
}

/// The notices on screen.
#[derive(Debug, Default)]
pub struct Notices {
    list: Vec<Notice>,
    next: u64,
    /// The list of all notices is open.
    open: bool,
}

impl Level {
    /// How long a notice of this level stays (`None`: until dismissed).
    pub fn lasts(self) -> Option<Duration> {
        match self {
            Level::Info => Some(INFO_FOR),
            Level::Warning => Some(WARNING_FOR),
            Level::Error => None,
        }
    }
}

impl Notices {
    /// Handles a message.
    pub fn update(&mut self, m: Message) {
        match m {
            Message::Dismiss(id) => self.dismiss(id),
            Message::Expire => self.expire(Instant::now()),
            Message::ToggleList => self.open = !self.open && self.list.len() > 1,
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

    /// Closes the list of all notices; returns whether it was open.
    pub fn close_list(&mut self) -> bool {
        std::mem::take(&mut self.open)
    }

    /// Removes one.
    pub fn dismiss(&mut self, id: u64) {
        self.list.retain(|n| n.id != id);
        self.open &= self.list.len() > 1;
    }

    /// Drops the notices whose time is up (see [`Level::lasts`]).
    pub fn expire(&mut self, now: Instant) {
        self.list.retain(|n| {
            n.level
                .lasts()
                .is_none_or(|d| now.saturating_duration_since(n.at) < d)
        });
        self.open &= self.list.len() > 1;
    }

    /// Whether some notice will expire (so a timer is needed).
    pub fn expiring(&self) -> bool {
        self.list.iter().any(|n| n.level.lasts().is_some())
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The texts, oldest first.
    pub fn texts(&self) -> Vec<String> {
        self.list.iter().map(|n| n.text.clone()).collect()
    }

    /// The newest notice on one line for the status bar, with its dismiss button and, when
    /// there are more, a button that opens the list.
    pub fn line(&self) -> Element<'_, Message> {
        let Some(n) = self.list.last() else {
            return space::horizontal().into();
        };
        let (color, label) = badge(n.level);
        let mut items = row![
            container(text(label).size(10).color(theme::BACKGROUND))
                .padding([1, 6])
                .style(move |_| container::Style {
                    background: Some(color.into()),
                    border: iced::Border {
                        radius: 3.0.into(),
                        ..iced::Border::default()
                    },
                    ..container::Style::default()
                }),
            container(
                text(n.text.as_str())
                    .size(11)
                    .wrapping(iced::widget::text::Wrapping::None)
            )
            .width(Fill)
            .clip(true),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        if self.list.len() > 1 {
            items = items.push(
                container(
                    button(
                        text(if self.open {
                            "hide".to_string()
                        } else {
                            format!("+{} more", self.list.len() - 1)
                        })
                        .size(10),
                    )
                    .on_press(Message::ToggleList)
                    .padding([1, 6])
                    .style(theme::action_button),
                )
                .id("notices-more"),
            );
        }
        items
            .push(
                container(
                    button(text("✕").size(10))
                        .on_press(Message::Dismiss(n.id))
                        .padding([1, 6])
                        .style(theme::action_button),
                )
                .id("notice-dismiss"),
            )
            .width(Fill)
            .into()
    }

    /// All notices, newest at the bottom, above the status bar: only while the user has opened
    /// the list from the status bar.
    pub fn list_view(&self) -> Option<Element<'_, Message>> {
        if !self.open {
            return None;
        }
        let cards = self.list.iter().map(|n| {
            let (color, label) = badge(n.level);
            container(
                row![
                    text(label).size(10).color(color).width(52),
                    text(n.text.as_str()).size(12).width(Fill),
                    button(text("✕").size(11))
                        .on_press(Message::Dismiss(n.id))
                        .padding([1, 6])
                        .style(theme::action_button),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            )
            .padding([6, 10])
            .width(560)
            .style(theme::card)
            .into()
        });
        Some(
            container(Column::with_children(cards).spacing(4))
                .width(Fill)
                .height(Fill)
                .padding(iced::Padding {
                    top: 0.0,
                    right: 0.0,
                    bottom: crate::ui::layout::STATUS_H + 4.0,
                    left: 12.0,
                })
                .align_bottom(Fill)
                .into(),
        )
    }
}

/// The colour and label of a level.
fn badge(level: Level) -> (iced::Color, &'static str) {
    match level {
        Level::Info => (theme::ACCENT, "Info"),
        Level::Warning => (theme::WARNING, "Warning"),
        Level::Error => (theme::DANGER, "Error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_information_go_and_errors_stay() {
        let mut n = Notices::default();
        n.info("saved");
        n.warn("a stem is offline");
        n.error("the bounce failed");
        assert!(n.expiring());
        let start = Instant::now();
        n.expire(start + INFO_FOR - Duration::from_millis(100));
        assert_eq!(n.texts().len(), 3);
        n.expire(start + INFO_FOR + Duration::from_millis(100));
        assert_eq!(n.texts(), ["a stem is offline", "the bounce failed"]);
        n.expire(start + WARNING_FOR + Duration::from_millis(100));
        assert_eq!(n.texts(), ["the bounce failed"]);
        assert!(!n.expiring(), "no timer for a notice that stays");
        n.expire(start + Duration::from_secs(3600));
        assert_eq!(n.texts(), ["the bounce failed"]);
    }

    #[test]
    fn the_list_opens_only_for_several_notices() {
        let mut n = Notices::default();
        n.error("one");
        n.update(Message::ToggleList);
        assert!(!n.open);
        n.error("two");
        n.update(Message::ToggleList);
        assert!(n.open && n.list_view().is_some());
        let first = n.list[0].id;
        n.update(Message::Dismiss(first));
        assert!(!n.open, "closes when one is left");
    }
}
