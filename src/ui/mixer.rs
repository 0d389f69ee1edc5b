//! The mixer: one strip per track (scrolling sideways when there are many), then the reverb
//! return and the master, and the editor panel of the selected strip.

use super::app::{App, Message, editor_panel};
use super::strip;
use iced::widget::{Row, container, row, scrollable};
use iced::{Element, Fill};

/// Width of the editor panel.
pub const EDITOR_W: f32 = 500.0;

/// The mixer row.
pub fn view(app: &App) -> Element<'_, Message> {
    let strips = Row::with_children(app.project.tracks.iter().map(|t| strip::view(app, t)))
        .spacing(4)
        .height(Fill);
    let strips = scrollable(strips)
        .direction(scrollable::Direction::Horizontal(
            scrollable::Scrollbar::new().width(6).scroller_width(6),
        ))
        .width(Fill)
        .height(Fill);
    container(
        row![
            strips,
            strip::reverb(app),
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
