//! The editor panel of the selected strip: every EQ band (on/off, frequency, gain, Q, pass-filter
//! slope) and every compressor parameter for a track, the reverb bus parameters for the reverb
//! return, the limiter for the master. Every value can be dragged, stepped with the wheel,
//! reset with a double-click or typed after clicking it.

use super::app::{App, Choice, Message, Selection, Toggle};
use super::controls::{self, tip};
use super::params::{Band, MasterField, Param, ReverbField, TrackField};
use super::theme;
use super::widgets as w;
use crate::project::{Color, Detector, Slope, Track, TrackId};
use iced::widget::{
    Column, Row, button, column, container, pick_list, row, scrollable, space, text, text_input,
};
use iced::{Alignment, Element, Fill, Length};

/// Widget id of the track name box.
pub const NAME_ID: &str = "track-name";

/// A pass-filter slope in a list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlopeChoice(pub Slope);

impl std::fmt::Display for SlopeChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Slope::Db12 => "12 dB/oct",
            Slope::Db24 => "24 dB/oct",
        })
    }
}

const SLOPES: [SlopeChoice; 2] = [SlopeChoice(Slope::Db12), SlopeChoice(Slope::Db24)];

/// A compressor detector in a list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DetectorChoice(pub Detector);

impl std::fmt::Display for DetectorChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Detector::Peak => "Peak",
            Detector::Rms => "RMS",
        })
    }
}

/// A project sample rate in a list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateChoice(pub u32);

impl std::fmt::Display for RateChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} kHz", f64::from(self.0) / 1000.0)
    }
}

const RATES: [RateChoice; 4] = [
    RateChoice(44_100),
    RateChoice(48_000),
    RateChoice(88_200),
    RateChoice(96_000),
];

const DETECTORS: [DetectorChoice; 2] = [
    DetectorChoice(Detector::Peak),
    DetectorChoice(Detector::Rms),
];

/// A row of buttons of which one is lit (for choices of two or three). Unlike a pick list
/// it draws its labels as ordinary text, which the software renderer can repaint cheaply.
fn segmented<'a>(
    options: impl Iterator<Item = (&'a str, bool, Message)>,
    id: String,
) -> Element<'a, Message> {
    container(
        Row::with_children(options.map(|(label, on, message)| {
            button(text(label).size(10).align_x(Alignment::Center).width(Fill))
                .on_press(message)
                .padding([3, 2])
                .width(Fill)
                .style(theme::toggle_button(on, theme::ACCENT))
                .into()
        }))
        .spacing(2),
    )
    .id(id)
    .width(Fill)
    .into()
}

fn section<'a>(title: &'a str, right: Element<'a, Message>) -> Element<'a, Message> {
    row![
        text(title).size(11).color(theme::TEXT_DIM),
        space::horizontal(),
        right
    ]
    .align_y(Alignment::Center)
    .into()
}

fn small_toggle<'a>(
    label: &'a str,
    on: bool,
    color: iced::Color,
    message: Message,
    id: String,
    tip_text: &'a str,
) -> Element<'a, Message> {
    container(controls::toggle(label, on, color, message, id, tip_text))
        .width(48)
        .into()
}

fn band_column<'a>(
    app: &'a App,
    t: &'a Track,
    band: Band,
    color: iced::Color,
) -> Element<'a, Message> {
    let id = t.id;
    let (on, ..) = t.eq.band_values(band);
    let knob = |f: TrackField| controls::knob(app, Param::Track(id, f), 28.0, color);
    let middle: Element<'a, Message> = match t.eq.pass(band) {
        Some(p) => column![
            text("dB/oct").size(10).color(theme::TEXT_DIM),
            segmented(
                SLOPES.iter().map(|c| {
                    let label = match c.0 {
                        Slope::Db12 => "12",
                        Slope::Db24 => "24",
                    };
                    (
                        label,
                        c.0 == p.slope,
                        Message::Choose(Choice::Slope(id, band, c.0)),
                    )
                }),
                format!("t{}-{}-slope", id.0, band.key()),
            ),
        ]
        .spacing(2)
        .height(54)
        .align_x(Alignment::Center)
        .into(),
        None => knob(TrackField::BandGain(band)),
    };
    container(
        column![
            controls::toggle(
                band.label(),
                on,
                color,
                Message::Toggle(Toggle::Band(id, band)),
                format!("t{}-{}-on", id.0, band.key()),
                "Band on/off",
            ),
            knob(TrackField::Freq(band)),
            middle,
            knob(TrackField::Q(band)),
        ]
        .spacing(3)
        .align_x(Alignment::Center),
    )
    .width(Fill)
    .padding([4, 3])
    .style(move |_| container::Style {
        background: Some(
            if on {
                theme::lighten(theme::STRIP_BG, 0.04)
            } else {
                theme::STRIP_BG
            }
            .into(),
        ),
        border: iced::Border {
            color: if on {
                theme::fade(color, 0.6)
            } else {
                theme::BORDER
            },
            width: 1.0,
            radius: 4.0.into(),
        },
        ..container::Style::default()
    })
    .into()
}

fn swatches(id: TrackId, current: Color) -> Element<'static, Message> {
    Row::with_children(Color::PALETTE.iter().map(|&c| {
        let selected = c == current;
        button(space().width(12).height(12))
            .on_press(Message::Choose(Choice::Color(id, c)))
            .padding(0)
            .style(move |_, status| button::Style {
                background: Some(
                    if status == button::Status::Hovered {
                        theme::lighten(theme::track_color(c), 0.2)
                    } else {
                        theme::track_color(c)
                    }
                    .into(),
                ),
                border: iced::Border {
                    color: if selected { theme::TEXT } else { theme::BORDER },
                    width: if selected { 2.0 } else { 1.0 },
                    radius: 3.0.into(),
                },
                ..button::Style::default()
            })
            .into()
    }))
    .spacing(3)
    .into()
}

fn track_editor<'a>(app: &'a App, t: &'a Track) -> Element<'a, Message> {
    let id = t.id;
    let color = theme::track_color(t.color);
    let header = column![
        row![
            container(space())
                .width(4)
                .height(24)
                .style(theme::color_bar(color)),
            text_input("Track name", &t.name)
                .id(NAME_ID)
                .on_input(move |s| Message::Rename(id, s))
                .on_submit(Message::RenameDone)
                .size(14)
                .padding([3, 6])
                .width(Fill),
            container(
                button(text("Remove").size(11))
                    .on_press(Message::RemoveTrack(id))
                    .padding([3, 8])
                    .style(theme::action_button)
            )
            .id(format!("remove-{}", id.0)),
        ]
        .spacing(8)
        .align_y(Alignment::Center),
        row![
            swatches(id, t.color),
            space::horizontal(),
            text(t.source.display().to_string())
                .size(10)
                .color(theme::TEXT_DIM)
                .wrapping(iced::widget::text::Wrapping::None),
        ]
        .spacing(8)
        .align_y(Alignment::Center)
        .clip(true),
    ]
    .spacing(6);

    let input = row![
        controls::knob(app, Param::Track(id, TrackField::Trim), 28.0, color),
        column![
            text("Polarity").size(10).color(theme::TEXT_DIM),
            small_toggle(
                "Ø",
                t.polarity_invert,
                theme::POLARITY,
                Message::Toggle(Toggle::Polarity(id)),
                format!("t{}-editor-polarity", id.0),
                "Invert polarity",
            ),
        ]
        .spacing(4)
        .align_x(Alignment::Center),
        controls::knob(app, Param::Track(id, TrackField::Pan), 28.0, color),
        controls::knob(app, Param::Track(id, TrackField::Send), 28.0, color),
        column![
            text("Send tap").size(10).color(theme::TEXT_DIM),
            small_toggle(
                if t.reverb_send_pre_fader {
                    "PRE"
                } else {
                    "POST"
                },
                t.reverb_send_pre_fader,
                theme::ACCENT,
                Message::Toggle(Toggle::SendPre(id)),
                format!("t{}-editor-pre", id.0),
                "Send before (PRE) or after (POST) the fader",
            ),
        ]
        .spacing(4)
        .align_x(Alignment::Center),
    ]
    .spacing(10)
    .align_y(Alignment::Start);

    let curve: &[f32] = app.curves.get(&id).map_or(&[], |c| c.1.as_slice());
    let eq_on = t.eq.any_enabled();
    let eq = column![
        section(
            "EQUALIZER",
            text(if eq_on { "" } else { "all bands off" })
                .size(10)
                .color(theme::TEXT_DIM)
                .into()
        ),
        container(
            w::eq_curve(curve)
                .enabled(eq_on)
                .color(color)
                .range_db(18.0)
                .width(Fill)
                .height(64)
        )
        .style(|_| container::Style {
            background: Some(theme::WELL_BG.into()),
            border: iced::Border {
                color: theme::BORDER,
                width: 1.0,
                radius: 3.0.into(),
            },
            ..container::Style::default()
        }),
        Row::with_children(Band::ALL.into_iter().map(|b| band_column(app, t, b, color))).spacing(3),
    ]
    .spacing(6);

    let c = &t.compressor;
    let gr = app.link.view().tracks.get(&id).map_or(0.0, |m| m.gr_db);
    let knob =
        |f: TrackField| controls::knob(app, Param::Track(id, f), 28.0, theme::GAIN_REDUCTION);
    let comp = column![
        section(
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
            .into()
        ),
        row![
            w::compressor_curve(c.threshold_db, c.ratio, c.knee_db)
                .enabled(c.enabled)
                .color(theme::GAIN_REDUCTION)
                .width(52)
                .height(52),
            tip(
                w::gain_reduction_meter::<Message>(-gr).height(52),
                "Gain reduction"
            ),
            knob(TrackField::Threshold),
            knob(TrackField::Ratio),
            knob(TrackField::Attack),
            knob(TrackField::Release),
            knob(TrackField::Knee),
            knob(TrackField::Makeup),
        ]
        .spacing(4)
        .align_y(Alignment::Center),
    ]
    .spacing(6);

    column![
        header,
        divider(),
        eq,
        divider(),
        comp,
        divider(),
        section("INPUT AND SEND", space().into()),
        input,
    ]
    .spacing(8)
    .into()
}

fn divider<'a>() -> Element<'a, Message> {
    container(space().height(1).width(Fill))
        .style(|_| container::Style {
            background: Some(theme::BORDER.into()),
            ..container::Style::default()
        })
        .into()
}

fn reverb_editor(app: &App) -> Element<'_, Message> {
    let color = theme::POLARITY;
    let k = |f: ReverbField| controls::knob(app, Param::Reverb(f), 34.0, color);
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
            column![
                text("Mute").size(10).color(theme::TEXT_DIM),
                small_toggle(
                    "M",
                    app.project.reverb.mute,
                    theme::MUTE,
                    Message::Toggle(Toggle::ReverbMute),
                    "reverb-editor-mute".into(),
                    "Mute the reverb return",
                ),
            ]
            .spacing(4)
            .align_x(Alignment::Center),
        ]
        .spacing(10),
    ]
    .spacing(10)
    .into()
}

fn master_editor(app: &App) -> Element<'_, Message> {
    let color = theme::GAIN_REDUCTION;
    let k = |f: MasterField| controls::knob(app, Param::Master(f), 34.0, color);
    let l = &app.project.master.limiter;
    let loud = &app.shown_loudness;
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
        project_settings(app),
    ]
    .spacing(10)
    .into()
}

/// Sample rate and markers.
fn project_settings(app: &App) -> Element<'_, Message> {
    let rate = app.project.sample_rate;
    let known = RATES.iter().any(|r| r.0 == rate);
    let rates: Vec<RateChoice> = if known {
        RATES.to_vec()
    } else {
        let mut v = RATES.to_vec();
        v.push(RateChoice(rate));
        v
    };
    let srate = app.project.sample_rate.max(1);
    let markers = app.project.markers.iter().enumerate().map(|(i, m)| {
        row![
            text_input("Marker", &m.name)
                .on_input(move |s| Message::MarkerName(i, s))
                .on_submit(Message::MarkerNameDone)
                .size(12)
                .padding([2, 6])
                .width(Fill),
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
    let position = app.link.view().position as f64 / f64::from(srate);
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

/// The panel for the current selection.
pub fn view(app: &App) -> Element<'_, Message> {
    let content: Element<'_, Message> = match app.selection {
        Some(Selection::Track(id)) => match app.project.track(id) {
            Some(t) => track_editor(app, t),
            None => placeholder(),
        },
        Some(Selection::Reverb) => reverb_editor(app),
        Some(Selection::Master) => master_editor(app),
        None => placeholder(),
    };
    container(
        scrollable(container(content).padding(12).width(Fill))
            .height(Fill)
            .width(Fill),
    )
    .width(Fill)
    .height(Fill)
    .style(theme::panel)
    .into()
}

fn placeholder<'a>() -> Element<'a, Message> {
    Column::new()
        .push(
            text("Select a strip to edit it.")
                .size(13)
                .color(theme::TEXT_DIM),
        )
        .width(Length::Fill)
        .into()
}
