//! The mixer: one strip per track (scrolling sideways when there are many), then the reverb
//! return and the master, and the editor panel of the selected strip.

use super::app::{App, Message, editor_panel};
use super::strip;
use super::theme;
use iced::widget::{Row, container, row, scrollable, space};
use iced::{Element, Fill};

/// Width of the editor panel.
pub const EDITOR_W: f32 = 500.0;

/// The mixer row.
pub fn view(app: &App) -> Element<'_, Message> {
    let sep = || -> Element<'_, Message> {
        container(space())
            .width(1)
            .height(Fill)
            .style(theme::separator)
            .into()
    };
    let mut row_items: Vec<Element<'_, Message>> = Vec::new();
    for t in &app.project.tracks {
        row_items.push(strip::view(app, t));
        row_items.push(sep());
    }
    let strips = Row::with_children(row_items).spacing(2).height(Fill);
    // Scroll only when the strips do not fit: a scrollable is a clipped layer, which the
    // software renderer pays for in every region it repaints while the meters move.
    let needed = app.project.tracks.len() as f32 * (strip::STRIP_W + 5.0);
    let available = app.window.width - 24.0 - 84.0 - 124.0 - EDITOR_W - 3.0 * 6.0;
    let strips: Element<'_, Message> = if needed <= available {
        container(strips).width(Fill).height(Fill).into()
    } else {
        scrollable(strips)
            .direction(scrollable::Direction::Horizontal(
                scrollable::Scrollbar::new().width(6).scroller_width(6),
            ))
            .width(Fill)
            .height(Fill)
            .into()
    };
    container(
        row![
            strips,
            sep(),
            strip::reverb(app),
            sep(),
            strip::master(app),
            container(editor_panel(app)).width(EDITOR_W).height(Fill),
        ]
        .spacing(6)
        .height(Fill),
    )
    .padding([6, 12])
    .width(Fill)
    .height(Fill)
    .into()
}
