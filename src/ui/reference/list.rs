//! The reference panel's list: one entry per reference (name, level, play, remove) and the
//! settings row of the selected one (trim, sync or free, loop).

use super::view::small_button;
use super::{Message, References};
use crate::engine::Source;
use crate::project::ranges::REFERENCE_TRIM_DB;
use crate::project::{RefMode, Reference};
use crate::ui::context::Context;
use crate::ui::controls::tip;
use crate::ui::files::StemState;
use crate::ui::theme;
use iced::widget::{Column, button, column, container, row, slider, text, text_input};
use iced::{Alignment, Element, Fill, Length};

impl References {
    /// The list of references.
    pub(super) fn list<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let p = cx.project();
        let selected = self.selected(p);
        let mut col = Column::new().spacing(6);
        for (i, r) in p.references.iter().enumerate() {
            col = col.push(self.entry(cx, i, r, selected == Some(r.id)));
        }
        col = col.push(
            row![
                button(text("Add reference…").size(12))
                    .style(theme::action_button)
                    .on_press(Message::Add),
                text("or drop audio files here while this panel shows")
                    .size(11)
                    .color(theme::TEXT_DIM),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
        );
        col.into()
    }

    /// One reference: number, name, listen, mode, trim, loop, order, remove; or offline.
    fn entry<'a>(
        &'a self,
        cx: &Context<'a>,
        i: usize,
        r: &'a Reference,
        selected: bool,
    ) -> Element<'a, Message> {
        let p = cx.project();
        let id = r.id;
        let heard = !cx.blind && cx.engine.source == Source::Reference(id);
        let number = button(text(format!("{}", i + 1)).size(13))
            .padding([2, 8])
            .style(theme::toggle_button(heard, theme::SOURCE_REFERENCE))
            .on_press(Message::Nth(i));
        let name = text_input("name", &r.display_name())
            .on_input(move |s| Message::Rename(id, s))
            .on_submit(Message::RenameDone(id))
            .size(13)
            .width(Fill);
        let first = row![
            tip(number, "Listen to this reference (its number key)"),
            name,
            small_button(
                "Sync",
                r.mode == RefMode::Sync,
                theme::ACCENT,
                Message::Mode(id, RefMode::Sync)
            ),
            small_button(
                "Free",
                r.mode == RefMode::Free,
                theme::ACCENT,
                Message::Mode(id, RefMode::Free)
            ),
            small_button("↑", false, theme::ACCENT, Message::Move(id, -1)),
            small_button("↓", false, theme::ACCENT, Message::Move(id, 1)),
            small_button("✕", false, theme::DANGER, Message::Remove(id)),
        ]
        .spacing(4)
        .align_y(Alignment::Center);
        let second: Element<'a, Message> = match cx.stems.state(&r.path) {
            Some(StemState::Offline(reason)) => row![
                text(format!("offline: {reason}"))
                    .size(11)
                    .color(theme::WARNING)
                    .width(Fill),
                button(text("Locate…").size(12))
                    .style(theme::action_button)
                    .on_press(Message::Locate(id)),
            ]
            .spacing(6)
            .align_y(Alignment::Center)
            .into(),
            Some(StemState::Loading(f)) => text(format!("decoding… {:.0} %", 100.0 * f))
                .size(11)
                .color(theme::TEXT_DIM)
                .into(),
            _ => self.settings_row(cx, r),
        };
        let match_line = {
            let m = p.reference_match;
            let gain = self.measure.match_gain(r, p, m);
            let s = match (m.enabled, gain) {
                (false, _) => format!("plays at its trim: {:+.1} dB", r.trim_db),
                (true, Some(g)) => format!(
                    "match {g:+.1} dB, plays at {:+.1} dB",
                    g + f64::from(r.trim_db)
                ),
                (true, None) => match self.measure.reference_failure(r, p) {
                    Some(e) => e.to_string(),
                    None => "match: measuring…".into(),
                },
            };
            container(text(s).size(11).color(theme::TEXT_DIM)).id(format!("match-{}", i + 1))
        };
        let inner = column![first, second, match_line].spacing(4);
        let card = container(inner)
            .padding(6)
            .width(Fill)
            .style(theme::strip_frame(selected));
        button(card)
            .padding(0)
            .style(|_, _| button::Style::default())
            .on_press(Message::Select(id))
            .into()
    }

    /// Trim and the Free loop of a loaded reference.
    fn settings_row<'a>(&'a self, cx: &Context<'a>, r: &'a Reference) -> Element<'a, Message> {
        let id = r.id;
        let trim = row![
            text("Trim").size(11).color(theme::TEXT_DIM),
            slider(
                REFERENCE_TRIM_DB.min..=REFERENCE_TRIM_DB.max,
                r.trim_db,
                move |v| Message::Trim(id, v)
            )
            .step(0.5)
            .default(0.0)
            .on_release(Message::TrimDone(id))
            .width(Length::Fixed(80.0)),
            text(format!("{:+.1} dB", r.trim_db)).size(11),
        ]
        .spacing(4)
        .align_y(Alignment::Center);
        let mut line = row![trim].spacing(6).align_y(Alignment::Center);
        if r.mode == RefMode::Free {
            let region = match r.loop_region {
                Some(g) => format!("{:.1}–{:.1} s", g.start_s, g.end_s.min(1e6)),
                None => "no loop".into(),
            };
            let rate = f64::from(cx.project().sample_rate.max(1));
            // A Free playhead moves only while heard: hidden during a blind test.
            let here = match cx.engine.reference.position {
                Some((rid, f)) if rid == id && !cx.blind => format!("{:.1} s", f as f64 / rate),
                _ => String::new(),
            };
            line = line
                .push(small_button(
                    "In",
                    false,
                    theme::ACCENT,
                    Message::LoopPoint(id, true),
                ))
                .push(small_button(
                    "Out",
                    false,
                    theme::ACCENT,
                    Message::LoopPoint(id, false),
                ))
                .push(small_button(
                    "Loop",
                    r.loop_enabled,
                    theme::ACCENT,
                    Message::Looping(id, !r.loop_enabled),
                ))
                .push(small_button(
                    "Start",
                    false,
                    theme::ACCENT,
                    Message::Rewind(id),
                ))
                .push(text(region).size(11).color(theme::TEXT_DIM))
                .push(text(here).size(11));
        }
        line.into()
    }
}
