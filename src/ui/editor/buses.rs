//! The editors of the buses: the reverb, and the master with its limiter, the loudness figures
//! and the project settings (pan laws, sample rate, markers).

use super::{Message, RATES, RateChoice, divider, knob, section, segmented, small_toggle, titled};
use crate::project::{MonoPanLaw, StereoPanLaw};
use crate::ui::context::Context;
use crate::ui::controls::tip;
use crate::ui::edit::{Choice, Toggle};
use crate::ui::engine_link::Loudness;
use crate::ui::params::{MasterField, Param, ReverbField};
use crate::ui::theme;
use crate::ui::widgets as w;
use iced::widget::{Column, button, column, pick_list, row, space, text, text_input};
use iced::{Alignment, Element, Fill};

/// The reverb bus editor.
pub(super) fn reverb_editor<'a>(cx: &Context<'a>) -> Element<'a, Message> {
    let color = theme::POLARITY;
    let k = |f: ReverbField| knob(cx, Param::Reverb(f), 34.0, color);
    column![
        text("Reverb bus").size(16),
        text("An algorithmic stereo reverb, 100% wet. Tracks feed it with their send knobs.")
            .size(11)
            .color(theme::TEXT_DIM),
        divider(),
        section("ROOM", space().into()),
        row![
            k(ReverbField::PreDelay),
            k(ReverbField::Decay),
            k(ReverbField::Size),
            k(ReverbField::Damping),
            k(ReverbField::Width),
        ]
        .spacing(10),
        divider(),
        section("RETURN", space().into()),
        row![
            k(ReverbField::Return),
            titled(
                "Mute",
                small_toggle(
                    "M",
                    cx.project().reverb.mute,
                    theme::MUTE,
                    Message::Toggle(Toggle::ReverbMute),
                    "reverb-editor-mute".into(),
                    "Mute the reverb return",
                )
            ),
        ]
        .spacing(10),
    ]
    .spacing(10)
    .into()
}

/// The master bus editor, with the loudness figures as the transport shows them.
pub(super) fn master_editor<'a>(cx: &Context<'a>, loud: &Loudness) -> Element<'a, Message> {
    let color = theme::GAIN_REDUCTION;
    let k = |f: MasterField| knob(cx, Param::Master(f), 34.0, color);
    let l = &cx.project().master.limiter;
    let lufs = |v: f32| {
        if v.is_finite() && v > -70.0 {
            format!("{v:.1}")
        } else {
            "—".into()
        }
    };
    column![
        text("Master bus").size(16),
        text("Master fader, then a true-peak limiter (its look-ahead is always in the path, so switching it does not shift the audio).")
            .size(11)
            .color(theme::TEXT_DIM),
        divider(),
        section("LEVEL", space().into()),
        row![k(MasterField::Gain)].spacing(10),
        divider(),
        section(
            "LIMITER",
            small_toggle(
                if l.enabled { "ON" } else { "OFF" },
                l.enabled,
                color,
                Message::Toggle(Toggle::Limiter),
                "limiter-editor".into(),
                "True-peak limiter on/off",
            )
        ),
        row![k(MasterField::Ceiling), k(MasterField::LimiterRelease)].spacing(10),
        divider(),
        section("LOUDNESS", space().into()),
        text(format!(
            "Momentary {} LUFS · Short-term {} LUFS · Integrated {} LUFS · True peak {} dBTP",
            lufs(loud.momentary),
            lufs(loud.short_term),
            lufs(loud.integrated),
            if loud.true_peak_dbtp.is_finite() {
                format!("{:.1}", loud.true_peak_dbtp)
            } else {
                "—".into()
            }
        ))
        .size(12),
        button(text("Reset meters").size(12))
            .on_press(Message::ResetMeters)
            .padding([4, 10])
            .style(theme::action_button),
        divider(),
        pan_law_settings(cx),
        divider(),
        project_settings(cx),
    ]
    .spacing(10)
    .into()
}

/// What a mono pan law does, in a sentence.
pub(super) fn mono_law_text(law: MonoPanLaw) -> &'static str {
    match law {
        MonoPanLaw::Db0 => {
            "0 dB at the centre: the far side fades, the near side stays at full level \
             (a centred track is 3 dB louder than a panned one)."
        }
        MonoPanLaw::Db3 => {
            "−3 dB at the centre on each side: constant power, equally loud anywhere \
             (the default)."
        }
        MonoPanLaw::Db4_5 => "−4.5 dB at the centre: between constant power and constant level.",
        MonoPanLaw::Db6 => {
            "−6 dB at the centre: constant level; a centred track sums to mono at its own level."
        }
    }
}

/// What a stereo pan law does, in a sentence.
pub(super) fn stereo_law_text(law: StereoPanLaw) -> &'static str {
    match law {
        StereoPanLaw::Balance => "Balance: panning fades the far side (the default).",
        StereoPanLaw::WidthPosition => {
            "Width + position: a track's Width knob narrows its image, Pan places it."
        }
    }
}

/// The project's pan laws.
fn pan_law_settings<'a>(cx: &Context<'a>) -> Element<'a, Message> {
    let law = cx.project().pan_law;
    let mono = [
        ("0 dB", MonoPanLaw::Db0),
        ("−3 dB", MonoPanLaw::Db3),
        ("−4.5 dB", MonoPanLaw::Db4_5),
        ("−6 dB", MonoPanLaw::Db6),
    ];
    let stereo = [
        ("Balance", StereoPanLaw::Balance),
        ("Width + position", StereoPanLaw::WidthPosition),
    ];
    let label = |t: &'a str| text(t).size(12).width(96);
    column![
        section("PAN LAW", space().into()),
        row![
            label("Mono tracks"),
            segmented(
                mono.into_iter().map(|(l, m)| (
                    l,
                    m == law.mono,
                    Message::Choose(Choice::MonoPanLaw(m))
                )),
                "pan-law-mono".into(),
            ),
        ]
        .align_y(Alignment::Center),
        text(mono_law_text(law.mono))
            .size(10)
            .color(theme::TEXT_DIM),
        row![
            label("Stereo tracks"),
            segmented(
                stereo.into_iter().map(|(l, m)| (
                    l,
                    m == law.stereo,
                    Message::Choose(Choice::StereoPanLaw(m))
                )),
                "pan-law-stereo".into(),
            ),
        ]
        .align_y(Alignment::Center),
        text(stereo_law_text(law.stereo))
            .size(10)
            .color(theme::TEXT_DIM),
    ]
    .spacing(6)
    .into()
}

/// Sample rate and markers.
fn project_settings<'a>(cx: &Context<'a>) -> Element<'a, Message> {
    let project = cx.project();
    let rate = project.sample_rate;
    let known = RATES.iter().any(|r| r.0 == rate);
    let rates: Vec<RateChoice> = if known {
        RATES.to_vec()
    } else {
        let mut v = RATES.to_vec();
        v.push(RateChoice(rate));
        v
    };
    let srate = rate.max(1);
    let markers = project.markers.iter().enumerate().map(|(i, m)| {
        row![
            w::blur_on_submit(
                text_input("Marker", &m.name)
                    .id(format!("marker-name-{i}"))
                    .on_input(move |s| Message::MarkerName(i, s))
                    .on_submit(Message::MarkerNameDone(i))
                    .size(12)
                    .padding([2, 6])
                    .width(Fill)
            ),
            tip(
                button(text(w::format::time_ms(m.time_s)).size(11))
                    .on_press(Message::GoToMarker(i))
                    .padding([2, 6])
                    .style(theme::action_button),
                "Move the playhead here"
            ),
            tip(
                button(text("Set").size(11))
                    .on_press(Message::MoveMarker(i))
                    .padding([2, 6])
                    .style(theme::action_button),
                "Move the marker to the playhead"
            ),
            tip(
                button(text("×").size(11))
                    .on_press(Message::RemoveMarker(i))
                    .padding([2, 6])
                    .style(theme::action_button),
                "Remove the marker"
            ),
        ]
        .spacing(4)
        .align_y(Alignment::Center)
        .into()
    });
    let position = cx.engine.position as f64 / f64::from(srate);
    column![
        section("PROJECT", space().into()),
        row![
            text("Sample rate").size(12),
            pick_list(rates, Some(RateChoice(rate)), |r: RateChoice| {
                Message::Choose(Choice::SampleRate(r.0))
            })
            .text_size(12)
            .padding([2, 6]),
            text("(stems are converted to it)")
                .size(10)
                .color(theme::TEXT_DIM),
        ]
        .spacing(8)
        .align_y(Alignment::Center),
        row![
            text("Markers").size(12),
            space::horizontal(),
            button(text(format!("Add at {}", w::format::time_ms(position))).size(11))
                .on_press(Message::AddMarker)
                .padding([2, 8])
                .style(theme::action_button),
        ]
        .align_y(Alignment::Center),
        Column::with_children(markers).spacing(4),
    ]
    .spacing(8)
    .into()
}
