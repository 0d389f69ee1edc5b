//! The help overlay (F1 or ?): every shortcut and mouse gesture.

use super::app::Message;
use super::keys::{MOUSE, SHORTCUTS};
use super::theme;
use iced::widget::{Column, button, column, container, row, space, text};
use iced::{Alignment, Element, Fill};

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

/// The overlay.
pub fn view<'a>() -> Element<'a, Message> {
    let card = container(
        column![
            row![
                text("Keyboard and mouse").size(16),
                space::horizontal(),
                button(text("Close").size(12))
                    .on_press(Message::ToggleHelp)
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
