//! The compressor section of the track editor: the transfer curve with its knee and a dot at
//! the live input level, the gain-reduction meter and its history (the last
//! [`HISTORY`](super::HISTORY)), the detector switch, and a knob (with a typed value) for
//! every setting.

use super::{DETECTORS, Editor, Message, knob, section, segmented, small_toggle};
use crate::project::{Detector, Track};
use crate::ui::context::Context;
use crate::ui::controls::tip;
use crate::ui::curves::compressor_point_db;
use crate::ui::edit::{Choice, Toggle};
use crate::ui::params::{Param, TrackField};
use crate::ui::theme;
use crate::ui::widgets as w;
use iced::widget::{Row, column, container, row, text};
use iced::{Alignment, Element, Fill};

/// Widget id of the transfer curve.
pub const TRANSFER_ID: &str = "comp-transfer";
/// Editor width from which the history sits beside the knobs.
const WIDE_EDITOR: f32 = 640.0;

/// Widget id of the gain-reduction history.
pub const HISTORY_ID: &str = "comp-history";

impl Editor {
    /// The compressor section of the editor of track `t`.
    pub(super) fn comp_section<'a>(
        &'a self,
        cx: &Context<'a>,
        t: &'a Track,
    ) -> Element<'a, Message> {
        let id = t.id;
        let c = &t.compressor;
        let curves = self.curves_of(id);
        let gr = cx
            .engine
            .tracks
            .get(&id)
            .map_or(0.0, |m| m.gain_reduction_db);
        // The live input level as the chosen detector sees it (the engine's tap of this track).
        let s = &cx.engine.spectrum;
        let dot = (s.live && s.selection.is_some_and(|(tid, _)| tid == id)).then(|| {
            let input = match c.detector {
                Detector::Peak => s.comp_peak_db,
                Detector::Rms => s.comp_rms_db,
            };
            (input, compressor_point_db(c, input))
        });
        let knob = |f: TrackField| knob(cx, Param::Track(id, f), 28.0, theme::GAIN_REDUCTION);
        let header = section(
            "COMPRESSOR",
            row![
                text("Detector").size(10).color(theme::TEXT_DIM),
                container(segmented(
                    DETECTORS.iter().map(|d| {
                        (
                            if d.0 == Detector::Peak { "Peak" } else { "RMS" },
                            d.0 == c.detector,
                            Message::Choose(Choice::Detector(id, d.0)),
                        )
                    }),
                    format!("t{}-detector", id.0),
                ))
                .width(90),
                small_toggle(
                    if c.enabled { "ON" } else { "OFF" },
                    c.enabled,
                    theme::GAIN_REDUCTION,
                    Message::Toggle(Toggle::Compressor(id)),
                    format!("t{}-editor-comp", id.0),
                    "Compressor on/off",
                ),
            ]
            .spacing(6)
            .align_y(Alignment::Center)
            .into(),
        );
        let transfer = container(
            w::transfer_curve(
                curves.map_or(&[][..], |c| c.compressor.as_slice()),
                curves.map_or(0.0, |c| c.threshold_db),
                c.knee_db,
            )
            .dot(dot)
            .enabled(c.enabled)
            .size(150.0),
        )
        .id(TRANSFER_ID);
        let knobs = column![
            Row::with_children([
                knob(TrackField::Threshold),
                knob(TrackField::Ratio),
                knob(TrackField::Knee),
            ])
            .spacing(6),
            Row::with_children([
                knob(TrackField::Attack),
                knob(TrackField::Release),
                knob(TrackField::Makeup),
            ])
            .spacing(6),
        ]
        .spacing(6);
        let history = column![
            row![
                text("Gain reduction, last 5 s")
                    .size(10)
                    .color(theme::TEXT_DIM),
                iced::widget::space::horizontal(),
                text(if gr > 0.05 {
                    format!("-{gr:.1} dB")
                } else {
                    "0.0 dB".into()
                })
                .size(10)
                .color(theme::GAIN_REDUCTION),
            ],
            container(w::gr_history(&self.gr_columns).height(
                if cx.geometry.editor_w >= WIDE_EDITOR {
                    120.0
                } else {
                    40.0
                }
            ))
            .id(HISTORY_ID),
        ]
        .spacing(2);
        let meter = tip(
            w::gain_reduction_meter::<Message>(gr).height(150),
            "Gain reduction",
        );
        // A wide editor shows the history beside the knobs, a narrow one below them.
        if cx.geometry.editor_w >= WIDE_EDITOR {
            column![
                header,
                row![transfer, meter, knobs, container(history).width(Fill)]
                    .spacing(8)
                    .align_y(Alignment::Start),
            ]
            .spacing(6)
            .into()
        } else {
            column![
                header,
                row![transfer, meter, knobs]
                    .spacing(8)
                    .align_y(Alignment::Start),
                container(history).width(Fill),
            ]
            .spacing(6)
            .into()
        }
    }
}
