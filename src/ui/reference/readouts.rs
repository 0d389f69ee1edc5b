//! The readouts table (mix beside the selected reference) and the band table, as text: the
//! figures are `engine::analysis`'s, formatted here.

use super::Message;
use super::measure::Pair;
use crate::dsp::SignalReport;
use crate::dsp::ltas::BANDS;
use crate::ui::theme;
use iced::widget::{Column, Row, column, container, row, text};
use iced::{Alignment, Element, Fill, Length};

/// Width of a value column.
const COL_W: f32 = 64.0;
/// Width of the label column.
const LABEL_W: f32 = 118.0;

fn fmt(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else if v == f64::NEG_INFINITY {
        "−∞".into()
    } else if v == f64::INFINITY {
        "+∞".into()
    } else {
        "—".into()
    }
}

fn cell<'a>(s: String, color: iced::Color) -> Element<'a, Message> {
    text(s)
        .size(11)
        .color(color)
        .width(Length::Fixed(COL_W))
        .align_x(Alignment::End)
        .into()
}

/// One row: label, mix, reference, difference (reference − mix).
fn line<'a>(label: &'a str, unit: &'a str, mix: f64, reference: f64, d: usize) -> Row<'a, Message> {
    let diff = reference - mix;
    row![
        text(label).size(11).width(Length::Fixed(LABEL_W)),
        cell(fmt(mix, d), theme::SOURCE_MIX),
        cell(fmt(reference, d), theme::SOURCE_REFERENCE),
        cell(
            if diff.is_finite() {
                format!("{diff:+.d$}")
            } else {
                "—".into()
            },
            theme::TEXT
        ),
        text(unit).size(10).color(theme::TEXT_DIM),
    ]
    .spacing(4)
    .align_y(Alignment::Center)
}

/// The readouts of `pair` (mix, reference at its own level, difference); `live` adds the live
/// short-term loudness of the mix and of the reference, when they are known.
pub fn table<'a>(pair: Option<Pair<'_>>, live: (Option<f32>, Option<f32>)) -> Element<'a, Message> {
    let head = row![
        text("").width(Length::Fixed(LABEL_W)),
        cell("Mix".into(), theme::SOURCE_MIX),
        cell("Ref".into(), theme::SOURCE_REFERENCE),
        cell("Ref − mix".into(), theme::TEXT_DIM),
    ]
    .spacing(4);
    let Some(p) = pair else {
        return column![
            head,
            text("Waiting for the measurements of the mix and the reference…")
                .size(12)
                .color(theme::TEXT_DIM)
        ]
        .spacing(4)
        .into();
    };
    let (m, r): (&SignalReport, &SignalReport) = (&p.mix.report, &p.reference.report);
    let live_v = |v: Option<f32>| v.map_or(f64::NAN, f64::from);
    let rows = [
        line(
            "Integrated",
            "LUFS",
            m.integrated_lufs,
            r.integrated_lufs,
            1,
        ),
        line("Short-term now", "LUFS", live_v(live.0), live_v(live.1), 1),
        line(
            "Short-term max",
            "LUFS",
            m.short_term_max_lufs,
            r.short_term_max_lufs,
            1,
        ),
        line(
            "Momentary max",
            "LUFS",
            m.momentary_max_lufs,
            r.momentary_max_lufs,
            1,
        ),
        line("Loudness range", "LU", m.lra_lu, r.lra_lu, 1),
        line("True peak", "dBTP", m.true_peak_dbtp, r.true_peak_dbtp, 1),
        line("PLR", "dB", m.plr_db, r.plr_db, 1),
        line("Crest factor", "dB", m.crest_db, r.crest_db, 1),
        line("Correlation", "", m.correlation, r.correlation, 2),
        line("Width (S/M)", "dB", m.width_db, r.width_db, 1),
    ];
    let mut col = Column::new().push(head).spacing(1);
    for r in rows {
        col = col.push(r);
    }
    col.into()
}

/// The band differences (reference − mix, loudness-normalised), one column per band.
pub fn bands<'a>(bands: Option<&[(&'static str, f64); BANDS.len()]>) -> Element<'a, Message> {
    let mut names = Row::new().spacing(2);
    let mut values = Row::new().spacing(2);
    for (i, b) in BANDS.iter().enumerate() {
        let range = if b.lo_hz <= 0.0 {
            format!("< {}", hz(b.hi_hz))
        } else if !b.hi_hz.is_finite() || b.hi_hz > 1e6 {
            format!("> {}", hz(b.lo_hz))
        } else {
            format!("{}–{}", hz(b.lo_hz), hz(b.hi_hz))
        };
        names = names.push(
            column![
                text(b.name).size(11),
                text(range).size(9).color(theme::TEXT_DIM)
            ]
            .align_x(Alignment::Center)
            .width(Fill),
        );
        let v = bands.map_or(f64::NAN, |b| b[i].1);
        let color = if !v.is_finite() {
            theme::TEXT_DIM
        } else if v.abs() >= 3.0 {
            theme::WARNING
        } else {
            theme::TEXT
        };
        values = values.push(
            container(
                text(if v.is_finite() {
                    format!("{v:+.1}")
                } else {
                    "—".into()
                })
                .size(12)
                .color(color),
            )
            .center_x(Fill),
        );
    }
    column![names, values].spacing(2).into()
}

fn hz(v: f64) -> String {
    if v >= 1000.0 {
        format!("{}k", v / 1000.0)
    } else {
        format!("{v}")
    }
}
