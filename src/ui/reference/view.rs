//! The reference panel's view: what is heard (the big A/B button and label), matching, the
//! monitor section, the readouts and the tonal balance (the list of references is `list.rs`).

use super::measure::MixStatus;
use super::readouts;
use super::{AB_ID, MONITOR_LEVEL_DB_FLOOR, Message, References, Section, Stretch, TAB_ID};
use crate::engine::{MonitorMode, Source};
use crate::project::Project;
use crate::ui::context::Context;
use crate::ui::controls::tip;
use crate::ui::theme;
use iced::widget::{
    button, canvas, checkbox, column, container, row, scrollable, slider, space, text,
};
use iced::{Alignment, Element, Fill, Length};

/// Widget id of the panel's scrollable.
pub const SCROLL_ID: &str = "reference-scroll";
/// From this editor width on, the list, the readouts and the tonal balance show together;
/// narrower, one at a time.
const WIDE_W: f32 = 860.0;

pub(super) fn small_button<'a>(
    label: &'a str,
    on: bool,
    color: iced::Color,
    msg: Message,
) -> Element<'a, Message> {
    button(text(label).size(11))
        .padding([2, 6])
        .style(theme::toggle_button(on, color))
        .on_press(msg)
        .into()
}

pub(super) fn heading<'a>(s: &'a str) -> Element<'a, Message> {
    text(s).size(13).color(theme::TEXT_DIM).into()
}

/// What is heard, for the label and the A/B button.
pub fn heard_name(project: &Project, source: Source) -> String {
    match source {
        Source::Mix => "MIX".into(),
        Source::Reference(id) => {
            let n = project
                .references
                .iter()
                .position(|r| r.id == id)
                .map_or(String::new(), |i| format!(" {}", i + 1));
            let name = project
                .reference(id)
                .map_or_else(String::new, |r| format!(": {}", r.display_name()));
            format!("REF{n}{name}")
        }
    }
}

/// The tab row above the editor's place: the strip editor or this panel, and what is heard.
pub fn tabs<'a>(cx: &Context<'a>, shown: bool) -> Element<'a, Message> {
    let on_ref = matches!(cx.engine.source, Source::Reference(_));
    let (hearing, color) = if cx.blind {
        ("▶ blind test".to_string(), theme::TEXT_DIM)
    } else {
        (
            format!("▶ {}", heard_name(cx.project(), cx.engine.source)),
            theme::source_color(on_ref),
        )
    };
    let tab = |label: &'a str, on: bool, msg: Message| {
        button(text(label).size(12))
            .padding([3, 12])
            .style(theme::toggle_button(on, theme::ACCENT))
            .on_press(msg)
    };
    row![
        tab("Editor", !shown, Message::Show(false)),
        container(tab("References", shown, Message::Show(true))).id(TAB_ID),
        space::horizontal(),
        container(text(hearing).size(12).color(color)).id("tab-hearing"),
    ]
    .spacing(4)
    .padding([0, 4])
    .height(Length::Fixed(TABS_H))
    .align_y(Alignment::Center)
    .into()
}

/// Height of the tab row.
pub const TABS_H: f32 = 26.0;

impl References {
    /// The panel.
    pub fn view<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let header = column![self.ab_row(cx), self.match_row(cx), self.monitor_row()]
            .spacing(8)
            .padding([8, 10]);
        let body: Element<'a, Message> = if cx.geometry.editor_w >= WIDE_W {
            // Room for everything: the list, then the readouts beside the tonal balance.
            column![
                heading("References"),
                self.list(cx),
                row![
                    container(self.readouts(cx)).width(Length::FillPortion(5)),
                    container(self.tonal(cx)).width(Length::FillPortion(6)),
                ]
                .spacing(14),
                self.blind_view(cx),
            ]
            .spacing(8)
            .into()
        } else {
            let tab = |label: &'a str, s: Section| {
                small_button(label, self.section == s, theme::ACCENT, Message::Section(s))
            };
            column![
                row![
                    container(tab("References", Section::List)).id("section-list"),
                    container(tab("Readouts", Section::Readouts)).id("section-readouts"),
                    container(tab("Tonal balance", Section::Tonal)).id("section-tonal"),
                    container(tab("Blind", Section::Blind)).id("section-blind"),
                ]
                .spacing(4),
                match self.section {
                    Section::List => self.list(cx),
                    Section::Readouts => self.readouts(cx),
                    Section::Tonal => self.tonal(cx),
                    Section::Blind => self.blind_view(cx),
                },
            ]
            .spacing(8)
            .into()
        };
        column![
            header,
            scrollable(container(body).padding([0, 10]))
                .id(SCROLL_ID)
                .width(Fill)
                .height(Fill),
        ]
        .into()
    }

    /// The A/B button and the label of what is heard.
    fn ab_row<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let p = cx.project();
        let source = cx.engine.source;
        if cx.blind {
            return container(
                text("BLIND TEST: what plays is hidden")
                    .size(18)
                    .color(theme::TEXT),
            )
            .padding([14, 8])
            .width(Fill)
            .id("reference-hearing")
            .style(theme::panel)
            .into();
        }
        let on_ref = matches!(source, Source::Reference(_));
        let c = theme::source_color(on_ref);
        let ab = button(
            column![
                text(if on_ref { "B" } else { "A" }).size(22),
                text(if on_ref { "reference" } else { "mix" }).size(10),
            ]
            .align_x(Alignment::Center),
        )
        .width(Length::Fixed(84.0))
        .height(Length::Fixed(52.0))
        .style(theme::toggle_button(true, c))
        .on_press(Message::Toggle);
        let ab = container(tip(
            ab,
            "Switch between the mix and the selected reference (Tab or `); keys 1–9 listen to \
             that reference",
        ))
        .id(AB_ID);
        let label = container(
            column![
                text("Hearing").size(10).color(theme::TEXT_DIM),
                text(heard_name(p, source)).size(20).color(c),
            ]
            .spacing(0),
        )
        .padding([4, 8])
        .width(Fill)
        .id("reference-hearing")
        .style(theme::source_frame(on_ref));
        row![ab, label]
            .spacing(10)
            .align_y(Alignment::Center)
            .into()
    }

    /// Matching on/off, loop only, and the state of the mix's figure.
    fn match_row<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let p = cx.project();
        let m = p.reference_match;
        let status = match self.measure.mix_status(p) {
            MixStatus::Idle => "no mix to measure".to_string(),
            MixStatus::Current => "mix figure current".to_string(),
            MixStatus::Recomputing(None) => "mix changed: recomputing…".to_string(),
            MixStatus::Recomputing(Some(f)) => {
                format!("recomputing the mix… {:.0} %", 100.0 * f)
            }
            MixStatus::Failed => self
                .measure
                .failure()
                .unwrap_or("the mix could not be measured")
                .to_string(),
        };
        let mix_lufs = self.measure.mix().map(|a| {
            let r = if m.loop_only {
                a.region.as_ref().unwrap_or(&a.whole)
            } else {
                &a.whole
            };
            r.report.integrated_lufs
        });
        let figure = match mix_lufs {
            Some(v) if v.is_finite() => format!("mix {v:.1} LUFS"),
            Some(_) => "mix silent".into(),
            None => "mix not measured yet".into(),
        };
        column![
            row![
                checkbox(m.enabled)
                    .label("Loudness match")
                    .on_toggle(Message::Match)
                    .text_size(13),
                checkbox(m.loop_only)
                    .label("Loop regions only")
                    .on_toggle(Message::LoopOnly)
                    .text_size(13),
            ]
            .spacing(16),
            row![
                text(figure).size(12),
                text("·").size(12).color(theme::TEXT_DIM),
                container(text(status).size(12).color(theme::TEXT_DIM)).id("mix-status"),
            ]
            .spacing(6),
        ]
        .spacing(4)
        .into()
    }

    /// The monitor section: mode buttons and level.
    fn monitor_row(&self) -> Element<'_, Message> {
        let mut modes = row![text("Monitor").size(12).color(theme::TEXT_DIM)]
            .spacing(4)
            .align_y(Alignment::Center);
        for mode in MonitorMode::ALL {
            modes = modes.push(small_button(
                mode.label(),
                self.monitor.mode == mode,
                theme::ACCENT,
                Message::Monitor(mode),
            ));
        }
        let level = self.monitor.level_db;
        let shown = if level.is_finite() {
            format!("{level:+.1} dB")
        } else {
            "−∞ dB".into()
        };
        let slider_v = if level.is_finite() {
            level
        } else {
            MONITOR_LEVEL_DB_FLOOR
        };
        column![
            modes,
            row![
                text("Level").size(12).color(theme::TEXT_DIM),
                tip(
                    slider(
                        MONITOR_LEVEL_DB_FLOOR..=6.0,
                        slider_v,
                        Message::MonitorLevel
                    )
                    .step(0.5)
                    .default(0.0)
                    .width(Length::Fixed(160.0)),
                    "Monitor level: scales whatever plays, not part of the mix or a bounce \
                     (Ctrl+click: 0 dB)"
                ),
                text(shown).size(12),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
        ]
        .spacing(4)
        .into()
    }

    /// The readouts table, the tonal balance and the band table for the selected reference.
    fn readouts<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let p = cx.project();
        let Some(r) = self.selected(p).and_then(|id| p.reference(id)) else {
            return space().into();
        };
        let loops = self.stretch == Stretch::Loop;
        let pair = self.measure.pair(r, p, loops);
        // The reference's live loudness exists only while it is heard: hidden when blind.
        let heard_live = match cx.engine.source {
            Source::Reference(h) if h == r.id && cx.engine.playing && !cx.blind => {
                Some(cx.engine.loudness.short_term)
            }
            _ => None,
        };
        let mix_live = Some(cx.engine.reference.mix_short_term_lufs).filter(|_| cx.engine.playing);
        let stretch = row![
            heading("Readouts"),
            text(r.display_name())
                .size(13)
                .color(theme::SOURCE_REFERENCE),
            space::horizontal(),
            small_button(
                "Whole song",
                !loops,
                theme::ACCENT,
                Message::Stretch(Stretch::Whole)
            ),
            small_button(
                "Loop",
                loops,
                theme::ACCENT,
                Message::Stretch(Stretch::Loop)
            ),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        let note = match pair {
            Some(pr) if loops && !pr.loops => {
                "no loop region on both: the whole of each is compared"
            }
            _ => "reference at its own level; the spectra are loudness-normalised",
        };
        column![
            stretch,
            container(readouts::table(pair, (mix_live, heard_live))).id("reference-readouts"),
            text(note).size(10).color(theme::TEXT_DIM),
        ]
        .spacing(6)
        .into()
    }

    /// The blind test: start, the trial's buttons, the score.
    fn blind_view<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        use super::blind::{Kind, Slot, TRIALS};
        let p = cx.project();
        let Some(r) = self.selected(p).and_then(|id| p.reference(id)) else {
            return space().into();
        };
        let start = row![
            heading("Blind comparison"),
            text(format!(
                "mix vs {}, levels matched, {TRIALS} trials",
                r.display_name()
            ))
            .size(11)
            .color(theme::TEXT_DIM),
            space::horizontal(),
            small_button(
                "A/B preference",
                false,
                theme::ACCENT,
                Message::BlindStart(Kind::Preference)
            ),
            small_button("ABX", false, theme::ACCENT, Message::BlindStart(Kind::Abx)),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        let Some(b) = &self.blind else {
            return start.into();
        };
        let body: Element<'a, Message> = match b.verdict() {
            Some(v) => container(text(v).size(13)).id("blind-verdict").into(),
            None => {
                let play = |label: &'a str, slot: Slot| {
                    small_button(label, false, theme::ACCENT, Message::BlindPlay(slot))
                };
                let mut plays = row![
                    text(format!("Trial {} of {TRIALS}", b.answers.len() + 1)).size(13),
                    play("Play A", Slot::A),
                    play("Play B", Slot::B),
                ]
                .spacing(6)
                .align_y(Alignment::Center);
                let (a, bb) = match b.kind {
                    Kind::Abx => {
                        plays = plays.push(play("Play X", Slot::X));
                        ("X is A", "X is B")
                    }
                    Kind::Preference => ("I prefer A", "I prefer B"),
                };
                column![
                    plays,
                    row![
                        small_button(a, false, theme::SOLO, Message::BlindAnswer(true)),
                        small_button(bb, false, theme::SOLO, Message::BlindAnswer(false)),
                        small_button("Stop", false, theme::DANGER, Message::BlindStop),
                    ]
                    .spacing(6),
                ]
                .spacing(6)
                .into()
            }
        };
        column![start, body].spacing(6).into()
    }

    /// The tonal balance and the band table for the selected reference.
    fn tonal<'a>(&'a self, cx: &Context<'a>) -> Element<'a, Message> {
        let p = cx.project();
        let Some(r) = self.selected(p).and_then(|id| p.reference(id)) else {
            return space().into();
        };
        column![
            row![
                heading("Tonal balance"),
                text(r.display_name())
                    .size(13)
                    .color(theme::SOURCE_REFERENCE),
            ]
            .spacing(6),
            container(canvas(&self.tonal).width(Fill).height(Length::Fixed(170.0)))
                .id("tonal-balance"),
            container(readouts::bands(self.tonal.bands())).id("band-table"),
            text("Band energy, reference − mix, each loudness-normalised (dB)")
                .size(10)
                .color(theme::TEXT_DIM),
        ]
        .spacing(6)
        .into()
    }
}
