//! The help overlay (F1 or ?): every shortcut and mouse gesture.

use super::keys::{MOUSE, SHORTCUTS};
use super::theme;
use iced::widget::{Column, button, column, container, row, space, text};
use iced::{Alignment, Element, Fill};

/// What the help overlay sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// Show or hide it.
    Toggle,
}

/// Whether the overlay shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Help {
    open: bool,
}

impl Help {
    /// Handles a message.
    pub fn update(&mut self, m: Message) {
        match m {
            Message::Toggle => self.open = !self.open,
        }
    }

    /// Whether it shows.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Hides it; returns whether it was showing.
    pub fn close(&mut self) -> bool {
        std::mem::take(&mut self.open)
    }

    /// The overlay, when open.
    pub fn view(&self) -> Option<Element<'_, Message>> {
        self.open.then(overlay)
    }
}

fn table<'a>(title: &'a str, rows: &'a [(&'a str, &'a str)]) -> Element<'a, Message> {
    let lines = rows.iter().map(|(k, what)| {
        row![
            container(text(*k).size(12).color(theme::ACCENT)).width(210),
            text(*what).size(12),
        ]
        .spacing(8)
        .into()
    });
    column![
        text(title).size(13).color(theme::TEXT_DIM),
        Column::with_children(lines).spacing(4)
    ]
    .spacing(8)
    .into()
}

fn overlay<'a>() -> Element<'a, Message> {
    let card = container(
        column![
            row![
                text("Keyboard and mouse").size(16),
                space::horizontal(),
                button(text("Close").size(12))
                    .on_press(Message::Toggle)
                    .padding([4, 12])
                    .style(theme::action_button),
            ]
            .align_y(Alignment::Center),
            row![table("Keys", &SHORTCUTS), table("Mouse", &MOUSE)].spacing(32),
            text("Shortcuts work whenever no text box has the keyboard. Esc closes this.")
                .size(11)
                .color(theme::TEXT_DIM),
        ]
        .spacing(16),
    )
    .padding(20)
    .max_width(900)
    .style(theme::card);
    container(card)
        .center(Fill)
        .style(|_| container::Style {
            background: Some(iced::Color::from_rgba(0.0, 0.0, 0.0, 0.5).into()),
            ..container::Style::default()
        })
        .into()
}
