//! The files panel's views: the menu bar, the recovery banner, the status bar, the recent list
//! and the prompts.

use super::{After, Files, Message, PATH_INPUT_ID, PromptChoice, RecentEntry};
use crate::ui::context::Context;
use crate::ui::controls::tip_below;
use crate::ui::keys::tip;
use crate::ui::theme;
use iced::widget::{Space, button, column, container, progress_bar, row, space, text, text_input};
use iced::{Alignment, Element, Fill, Length};
use std::time::SystemTime;

/// A small menu button with a tooltip.
fn menu_button<'a>(label: &'a str, tip: &'a str, message: Option<Message>) -> Element<'a, Message> {
    tip_below(
        button(text(label).size(12))
            .on_press_maybe(message)
            .padding([4, 10])
            .style(theme::action_button),
        tip,
    )
}

fn separator<'a>() -> Element<'a, Message> {
    container(Space::new().width(1).height(18))
        .style(|_| container::Style {
            background: Some(theme::BORDER.into()),
            ..container::Style::default()
        })
        .into()
}

fn ago(saved_at: u64) -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let s = now.saturating_sub(saved_at);
    match s {
        0..=59 => "less than a minute ago".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=172_799 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

fn card<'a>(content: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    container(
        container(content)
            .padding(18)
            .max_width(560)
            .style(theme::card),
    )
    .center(Fill)
    .style(|_| container::Style {
        background: Some(iced::Color::from_rgba(0.0, 0.0, 0.0, 0.45).into()),
        ..container::Style::default()
    })
    .into()
}

impl Files {
    /// The menu bar: project files, stems, undo, bounce, help.
    pub fn menu_bar<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let recent: Vec<RecentEntry> = self
            .recent
            .paths
            .iter()
            .filter(|p| Some(p.as_path()) != cx.doc.path.as_deref())
            .cloned()
            .map(RecentEntry)
            .collect();
        // A button and a list of our own rather than a pick list: a pick list's text is repainted
        // with every meter frame by the software renderer.
        let recent_list = menu_button(
            "Recent…",
            "Recently opened projects",
            (!recent.is_empty()).then_some(Message::ToggleRecent),
        );
        let undo_tip = cx
            .doc
            .history
            .undo_label()
            .map_or_else(|| tip::UNDO.to_string(), |l| format!("Undo {l} (Ctrl+Z)"));
        let redo_tip = cx.doc.history.redo_label().map_or_else(
            || tip::REDO.to_string(),
            |l| format!("Redo {l} (Ctrl+Shift+Z)"),
        );
        // Only while a stem is offline, so the bar is as usual otherwise.
        let any_offline = cx
            .doc
            .project
            .tracks
            .iter()
            .any(|t| cx.stems.offline_reason(&t.source).is_some());
        let relink: Element<'a, Message> = if any_offline {
            menu_button("Relink…", tip::RELINK, Some(Message::Relink))
        } else {
            Space::new().width(0).into()
        };
        let bar = row![
            text("stemmix").size(14).color(theme::ACCENT),
            separator(),
            menu_button("New", tip::NEW, Some(Message::New)),
            menu_button("Open…", tip::OPEN, Some(Message::Open)),
            recent_list,
            menu_button("Save", tip::SAVE, Some(Message::Save)),
            menu_button("Save as…", tip::SAVE_AS, Some(Message::SaveAs)),
            separator(),
            menu_button("Add stems…", tip::ADD_STEMS, Some(Message::AddStems)),
            menu_button("Add folder…", tip::ADD_FOLDER, Some(Message::AddFolder)),
            relink,
            separator(),
            tip_below(
                button(text("Undo").size(12))
                    .on_press_maybe(cx.doc.history.undo_label().map(|_| Message::Undo))
                    .padding([4, 10])
                    .style(theme::action_button),
                undo_tip,
            ),
            tip_below(
                button(text("Redo").size(12))
                    .on_press_maybe(cx.doc.history.redo_label().map(|_| Message::Redo))
                    .padding([4, 10])
                    .style(theme::action_button),
                redo_tip,
            ),
            separator(),
            menu_button("Bounce…", tip::BOUNCE, Some(Message::Bounce)),
            space::horizontal(),
            text(format!(
                "{}{}",
                cx.doc.name(),
                if cx.doc.dirty { " • unsaved" } else { "" }
            ))
            .size(12)
            .color(if cx.doc.dirty {
                theme::MUTE
            } else {
                theme::TEXT_DIM
            }),
            menu_button("?", tip::HELP, Some(Message::Help)),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        container(bar)
            .padding([4, 12])
            .width(Fill)
            .style(|_| container::Style {
                background: Some(theme::darken(theme::PANEL_BG, 0.25).into()),
                text_color: Some(theme::TEXT),
                ..container::Style::default()
            })
            .into()
    }

    /// The offer to restore an autosave left by a session that did not close properly.
    pub fn recovery_banner(&self) -> Element<'_, Message> {
        let Some(r) = self.recoveries.first() else {
            return Space::new().height(0).into();
        };
        let name = r
            .info
            .project_path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(
                || "an untitled project".into(),
                |s| format!("“{}”", s.to_string_lossy()),
            );
        let more = if self.recoveries.len() > 1 {
            format!(" ({} more after this one)", self.recoveries.len() - 1)
        } else {
            String::new()
        };
        container(
            row![
                text(format!(
                    "stemmix did not close properly. Unsaved changes to {name} from {} can be restored.{more}",
                    ago(r.info.saved_at)
                ))
                .size(13)
                .width(Fill),
                container(
                    button(text("Restore").size(12))
                        .on_press(Message::Restore(0))
                        .padding([4, 12])
                        .style(|t, s| theme::toggle_button(true, theme::WARNING)(t, s))
                )
                .id("recovery-restore"),
                container(
                    button(text("Discard").size(12))
                        .on_press(Message::DiscardRecovery(0))
                        .padding([4, 12])
                        .style(theme::action_button)
                )
                .id("recovery-discard"),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
        )
        .padding([6, 12])
        .width(Fill)
        .style(theme::notice(false))
        .into()
    }

    /// The left of the status bar when there is no notice: the project's file.
    pub fn status_file<'a>(&self, cx: &Context<'a>) -> Element<'a, Message> {
        let file = cx
            .doc
            .path
            .as_ref()
            .map_or_else(|| "not saved yet".into(), |p| p.display().to_string());
        container(
            text(file)
                .size(11)
                .color(theme::TEXT_DIM)
                .wrapping(iced::widget::text::Wrapping::None),
        )
        .width(Fill)
        .clip(true)
        .into()
    }

    /// The right of the status bar: background work (decoding, the bounce's `bounce`
    /// progress), engine status.
    pub fn status_jobs<'a>(&self, cx: &Context<'a>, bounce: Option<f32>) -> Element<'a, Message> {
        let mut items = row![].spacing(12).align_y(Alignment::Center);
        if let Some((n, f)) = cx.stems.progress() {
            items = items.push(
                text(format!(
                    "Decoding {n} stem{}…",
                    if n == 1 { "" } else { "s" }
                ))
                .size(11),
            );
            items = items.push(
                progress_bar(0.0..=1.0, f)
                    .length(Length::Fixed(160.0))
                    .girth(6),
            );
        }
        if let Some(p) = bounce {
            items = items.push(text("Bouncing…").size(11));
            items = items.push(
                progress_bar(0.0..=1.0, p)
                    .length(Length::Fixed(160.0))
                    .girth(6),
            );
        }
        items
            .push(
                text(cx.engine.status.as_str())
                    .size(11)
                    .color(theme::TEXT_DIM)
                    .wrapping(iced::widget::text::Wrapping::None),
            )
            .into()
    }

    /// The recent-projects list under its menu button, when open.
    pub fn recent_view<'a>(&'a self, cx: &Context<'a>) -> Option<Element<'a, Message>> {
        if !self.recent_open {
            return None;
        }
        let entries = self
            .recent
            .paths
            .iter()
            .filter(|p| Some(p.as_path()) != cx.doc.path.as_deref())
            .cloned()
            .map(|p| {
                let e = RecentEntry(p);
                button(text(e.to_string()).size(12))
                    .on_press(Message::OpenRecent(e))
                    .padding([4, 10])
                    .width(Fill)
                    .style(theme::action_button)
                    .into()
            });
        let list = container(column(entries).spacing(2).width(420))
            .padding(6)
            .style(theme::panel);
        Some(
            iced::widget::mouse_area(
                container(list)
                    .padding(iced::Padding {
                        top: 34.0,
                        left: 190.0,
                        right: 0.0,
                        bottom: 0.0,
                    })
                    .width(Fill)
                    .height(Fill),
            )
            .on_press(Message::ToggleRecent)
            .into(),
        )
    }

    /// The unsaved-changes prompt, if asked.
    pub fn prompt_view<'a>(&self, cx: &Context<'a>) -> Option<Element<'a, Message>> {
        let after = self.prompt.as_ref()?;
        let doing = match after {
            After::New => "starting a new project",
            After::Open(_) => "opening another project",
            After::Quit => "quitting",
            After::Restore(_) => "restoring the autosave",
        };
        let b = |label: &'static str, id: &'static str, choice, primary: bool| {
            container(
                button(text(label).size(13))
                    .on_press(Message::Prompt(choice))
                    .padding([6, 16])
                    .style(move |t, s| {
                        if primary {
                            theme::toggle_button(true, theme::ACCENT)(t, s)
                        } else {
                            theme::action_button(t, s)
                        }
                    }),
            )
            .id(id)
        };
        Some(card(
            column![
                text(format!(
                    "Save the changes to “{}” before {doing}?",
                    cx.doc.name()
                ))
                .size(15),
                text("Your changes will be lost if you don't save them.")
                    .size(12)
                    .color(theme::TEXT_DIM),
                row![
                    b("Don't save", "prompt-discard", PromptChoice::Discard, false),
                    space::horizontal(),
                    b("Cancel", "prompt-cancel", PromptChoice::Cancel, false),
                    b("Save", "prompt-save", PromptChoice::Save, true),
                ]
                .spacing(8),
            ]
            .spacing(12)
            .width(460),
        ))
    }

    /// The typed-path box, if no file dialog was available.
    pub fn path_prompt_view(&self) -> Option<Element<'_, Message>> {
        let p = self.path_prompt.as_ref()?;
        Some(card(
            column![
                text("No file dialog is available on this system.")
                    .size(12)
                    .color(theme::TEXT_DIM),
                text(p.purpose.question()).size(14),
                text_input("/path/to/file", &p.text)
                    .id(PATH_INPUT_ID)
                    .on_input(Message::PathInput)
                    .on_submit(Message::PathSubmit)
                    .size(13)
                    .padding(6),
                row![
                    space::horizontal(),
                    button(text("Cancel").size(13))
                        .on_press(Message::PathCancel)
                        .padding([6, 16])
                        .style(theme::action_button),
                    button(text("OK").size(13))
                        .on_press(Message::PathSubmit)
                        .padding([6, 16])
                        .style(|t, s| theme::toggle_button(true, theme::ACCENT)(t, s)),
                ]
                .spacing(8),
            ]
            .spacing(10)
            .width(480),
        ))
    }
}
