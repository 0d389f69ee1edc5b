//! The bounce dialog's layout: a card at the bottom right with the options, the confirmation
//! before replacing files, the progress bar and the result.

use super::form::{self, Form, FormatItem, LoudnessItem, RangeItem, RateItem};
use super::{BOUNCE_PATH_ID, Bounce, BounceResult, Message, STEMS_DIR_ID, describe};
use crate::engine::bounce::BounceSummary;
use crate::project::LoudnessChoice;
use crate::ui::theme;
use crate::ui::widgets::format::time_ms;
use iced::widget::{
    Column, button, checkbox, column, container, pick_list, progress_bar, row, space, text,
    text_input,
};
use iced::{Alignment, Element, Fill, Length};
use std::path::PathBuf;

/// Width of the labels in front of the fields.
const LABEL_W: f32 = 78.0;

fn label(s: &str) -> Element<'_, Message> {
    text(s).size(12).width(LABEL_W).into()
}

fn small_input<'a>(
    placeholder: &'a str,
    value: &'a str,
    on: Option<fn(String) -> Message>,
    width: f32,
) -> Element<'a, Message> {
    let mut t = text_input(placeholder, value)
        .size(12)
        .padding(4)
        .width(width);
    if let Some(f) = on {
        t = t.on_input(f).on_submit(Message::Start);
    }
    t.into()
}

fn action(label: &str, msg: Option<Message>) -> button::Button<'_, Message> {
    button(text(label).size(12))
        .on_press_maybe(msg)
        .padding([4, 10])
        .style(theme::action_button)
}

fn level(v: f64, unit: &str) -> String {
    if v.is_finite() {
        format!("{v:.1} {unit}")
    } else {
        format!("-∞ {unit}")
    }
}

/// The result's figures: integrated loudness, loudness range and true peak.
pub fn figures(s: &BounceSummary) -> String {
    format!(
        "Integrated {}   ·   LRA {:.1} LU   ·   True peak {}",
        level(s.integrated_lufs, "LUFS"),
        s.loudness_range_lu,
        level(s.true_peak_dbtp, "dBTP")
    )
}

/// The result's clipping line.
pub fn clipping(s: &BounceSummary) -> String {
    let (stems, stems_first) = s.stems_clipped();
    let mut line = match s.first_clip_s {
        Some(t) => format!(
            "{} samples clipped, the first at {}",
            s.clipped_samples,
            time_ms(t)
        ),
        None => "No clipped samples".to_string(),
    };
    if let Some(t) = stems_first {
        line.push_str(&format!(
            "; the stems clipped {stems} samples, the first at {}",
            time_ms(t)
        ));
    }
    line
}

impl Bounce {
    /// The dialog, bottom right, when open.
    pub fn view(&self) -> Option<Element<'_, Message>> {
        if !self.open {
            return None;
        }
        let f = self.form.as_ref()?;
        let running = self.running();
        let edit = |m: fn(String) -> Message| (!running).then_some(m);
        let mut body = Column::new().spacing(8).push(
            row![
                text("Bounce").size(14),
                space::horizontal(),
                button(text("×").size(13))
                    .on_press_maybe((!running).then_some(Message::Close))
                    .padding([0, 6])
                    .style(theme::action_button),
            ]
            .align_y(Alignment::Center),
        );
        body = body.push(
            row![
                label("Mix file"),
                text_input("/path/to/mix.wav", &f.path)
                    .id(BOUNCE_PATH_ID)
                    .on_input_maybe(edit(Message::PathInput))
                    .on_submit(Message::Start)
                    .size(12)
                    .padding(5),
                action("Browse…", (!running).then_some(Message::Browse)),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
        );
        if let Some(h) = self.hint {
            body = body.push(text(h).size(11).color(theme::WARNING));
        }
        body = body.push(self.options(f, running));
        body = body.push(text(describe(f)).size(11).color(theme::TEXT_DIM));
        if let Some(files) = &self.confirm {
            body = body.push(confirmation(files));
        } else if let Some(j) = &self.job {
            body = body.push(
                row![
                    progress_bar(0.0..=1.0, j.progress).girth(8),
                    container(action("Cancel", Some(Message::Cancel))).id("bounce-cancel"),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
        } else {
            body = body.push(row![
                space::horizontal(),
                container(
                    button(text("Bounce").size(13))
                        .on_press(Message::Start)
                        .padding([5, 18])
                        .style(|t, s| theme::toggle_button(true, theme::ACCENT)(t, s))
                )
                .id("bounce-start"),
            ]);
        }
        if let Some(r) = &self.result {
            body = body.push(result(r));
        }
        Some(
            container(container(body).padding(14).width(560).style(theme::card))
                .width(Fill)
                .height(Fill)
                .padding(iced::Padding {
                    top: 0.0,
                    right: 16.0,
                    bottom: 36.0,
                    left: 0.0,
                })
                .align_right(Fill)
                .align_bottom(Fill)
                .into(),
        )
    }

    /// Format, rate, range, tail, loudness and stems.
    fn options<'a>(&'a self, f: &'a Form, running: bool) -> Element<'a, Message> {
        let c = &f.choices;
        let edit = |m: fn(String) -> Message| (!running).then_some(m);
        let pick = |on: bool| on && !running;
        let rates: Vec<RateItem> = std::iter::once(RateItem(None))
            .chain(form::RATES.iter().map(|&r| RateItem(Some(r))))
            .collect();
        let mut range = row![
            label("Range"),
            pick_list(form::RANGES, Some(f.range), Message::Range)
                .text_size(12)
                .padding([3, 6]),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        if f.range == RangeItem::Typed {
            range = range
                .push(small_input("0", &f.start, edit(Message::StartInput), 70.0))
                .push(text("to").size(12))
                .push(small_input("end", &f.end, edit(Message::EndInput), 70.0))
                .push(text("s").size(12));
        }
        let mut tail = row![
            label("Tail"),
            checkbox(f.tail_typed)
                .label("Fixed length (else until the reverb falls silent)")
                .text_size(12)
                .size(14)
                .on_toggle_maybe((!running).then_some(Message::TailTyped)),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        if f.tail_typed {
            tail = tail
                .push(small_input("2", &f.tail, edit(Message::TailInput), 60.0))
                .push(text("s").size(12));
        }
        let mut loudness = row![
            label("Loudness"),
            pick_list(
                form::LOUDNESS,
                Some(LoudnessItem(c.loudness)),
                Message::Loudness
            )
            .text_size(12)
            .padding([3, 6]),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        if c.loudness == LoudnessChoice::Custom {
            loudness = loudness
                .push(small_input("-14", &f.lufs, edit(Message::LufsInput), 56.0))
                .push(text("LUFS").size(12))
                .push(small_input(
                    "-1",
                    &f.ceiling,
                    edit(Message::CeilingInput),
                    50.0,
                ))
                .push(text("dBTP").size(12));
        }
        let mut stems = column![
            row![
                label("Stems"),
                checkbox(c.stems)
                    .label("One WAV per track (post-fader, post-pan)")
                    .text_size(12)
                    .size(14)
                    .on_toggle_maybe(pick(true).then_some(Message::Stems)),
            ]
            .spacing(6)
            .align_y(Alignment::Center)
        ]
        .spacing(6);
        if c.stems {
            stems = stems
                .push(
                    row![
                        space().width(LABEL_W),
                        text_input("/path/to/stems", &f.stems_dir)
                            .id(STEMS_DIR_ID)
                            .on_input_maybe(edit(Message::StemsDirInput))
                            .size(12)
                            .padding(4),
                        action("Browse…", (!running).then_some(Message::BrowseStems)),
                    ]
                    .spacing(6)
                    .align_y(Alignment::Center),
                )
                .push(row![
                    space().width(LABEL_W + 6.0),
                    checkbox(c.stems_wet)
                        .label("With their share of the reverb (else dry, plus the reverb return)")
                        .text_size(12)
                        .size(14)
                        .on_toggle_maybe(pick(true).then_some(Message::StemsWet)),
                ]);
        }
        column![
            row![
                label("Format"),
                pick_list(form::FORMATS, Some(FormatItem(c.format)), Message::Format)
                    .text_size(12)
                    .padding([3, 6]),
                space().width(12),
                text("Rate").size(12),
                pick_list(rates, Some(RateItem(c.sample_rate)), Message::Rate)
                    .text_size(12)
                    .padding([3, 6]),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
            range,
            tail,
            loudness,
            stems,
        ]
        .spacing(6)
        .width(Length::Fill)
        .into()
    }
}

/// "These files exist: replace them?"
fn confirmation(files: &[PathBuf]) -> Element<'_, Message> {
    let names: Vec<String> = files
        .iter()
        .take(3)
        .map(|p| {
            p.file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        })
        .collect();
    let more = files.len().saturating_sub(names.len());
    let mut list = names.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    let what = if files.len() == 1 {
        "This file exists"
    } else {
        "These files exist"
    };
    column![
        text(format!("{what}: {list}. Replace?"))
            .size(12)
            .color(theme::WARNING),
        row![
            space::horizontal(),
            container(action("Keep them", Some(Message::KeepExisting))).id("bounce-keep"),
            container(
                button(text("Replace").size(12))
                    .on_press(Message::Replace)
                    .padding([4, 12])
                    .style(|t, s| theme::toggle_button(true, theme::DANGER)(t, s))
            )
            .id("bounce-replace"),
        ]
        .spacing(8),
    ]
    .spacing(6)
    .into()
}

/// The last bounce's outcome.
fn result(r: &BounceResult) -> Element<'_, Message> {
    match r {
        BounceResult::Done {
            path,
            summary,
            offline,
        } => {
            let clipped = summary.clipped_samples > 0 || summary.stems_clipped().0 > 0;
            let mut c = column![
                text(figures(summary))
                    .size(13)
                    .color(if summary.true_peak_dbtp > -1.0 {
                        theme::WARNING
                    } else {
                        theme::TEXT
                    }),
                text(clipping(summary)).size(12).color(if clipped {
                    theme::WARNING
                } else {
                    theme::TEXT_DIM
                }),
                row![
                    text(format!(
                        "{} in {:.1} s ({:.0}× real time): {}{}",
                        time_ms(summary.duration_s()),
                        summary.elapsed.as_secs_f64(),
                        summary.speed(),
                        path.display(),
                        if summary.stems.is_empty() {
                            String::new()
                        } else {
                            format!(" and {} stem files", summary.stems.len())
                        }
                    ))
                    .size(11)
                    .color(theme::TEXT_DIM)
                    .width(Fill),
                    container(action("Open folder", Some(Message::OpenFolder)))
                        .id("bounce-open-folder"),
                ]
                .spacing(6)
                .align_y(Alignment::Center),
            ]
            .spacing(3);
            if *offline > 0 {
                c = c.push(
                    text(format!(
                        "{offline} offline track{} left out.",
                        if *offline == 1 { " was" } else { "s were" }
                    ))
                    .size(11)
                    .color(theme::WARNING),
                );
            }
            c.into()
        }
        BounceResult::Failed(e) => text(e.as_str()).size(12).color(theme::DANGER).into(),
    }
}
