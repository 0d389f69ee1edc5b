//! The editor panel of the selected strip: the track editor ([`track`]), or the reverb or
//! master editor ([`buses`]). Every value can be dragged, stepped with the wheel, reset with a
//! double-click or typed after clicking it.

mod buses;
mod comp;
mod eq;
mod track;

pub use comp::{HISTORY_ID, TRANSFER_ID};
pub use eq::{BAND_COLORS, EQ_EDITOR_ID, EQ_LARGE_ID};
pub use track::NAME_ID;

use super::action::{Action, EngineOp};
use super::context::{Context, Selection};
use super::controls;
use super::curves::{EDITOR_POINTS, TrackCurves};
use super::edit::{Choice, Edit, Gesture, Toggle};
use super::engine_link::{EngineView, Loudness};
use super::params::Param;
use super::theme;
use super::widgets::eq_editor::NodeEvent;
use crate::engine::spectrum_tap::{TapPoint, TapSelection};
use crate::project::{Band, Detector, Marker, Project, Slope, TrackId};
use crate::ui::params::TrackField;
use iced::widget::{Column, Row, button, container, row, scrollable, space, text};
use iced::{Alignment, Element, Fill, Length};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Widget id of the editor's scrollable.
pub const SCROLL_ID: &str = "editor-scroll";

/// Scrolls the editor back to its top (when another strip is selected).
pub fn scroll_to_top<T>() -> iced::Task<T> {
    iced::widget::operation::snap_to(SCROLL_ID, scrollable::RelativeOffset::START)
}

/// What the editor sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A knob.
    Control(controls::Message),
    /// A switch.
    Toggle(Toggle),
    /// A list choice.
    Choose(Choice),
    /// The track's name is being edited.
    Rename(TrackId, String),
    /// The name edit is finished.
    RenameDone(TrackId),
    /// Remove the track.
    RemoveTrack(TrackId),
    /// Add a marker at the playhead.
    AddMarker,
    /// A marker's name is being edited.
    MarkerName(usize, String),
    /// The marker name edit is finished.
    MarkerNameDone(usize),
    /// Move a marker to the playhead.
    MoveMarker(usize),
    /// Remove a marker.
    RemoveMarker(usize),
    /// Move the playhead to a marker.
    GoToMarker(usize),
    /// Clear peak holds, clip lights and the integrated loudness.
    ResetMeters,
    /// A band's node in the EQ editor was dragged, wheeled or double-clicked.
    EqNode(TrackId, Band, NodeEvent),
    /// Show the large EQ view (`true`) or the editor.
    EqLarge(bool),
    /// Open or close the large EQ view (the E key).
    ToggleLarge,
    /// Where the live spectrum listens.
    TapPoint(TapPoint),
}

/// How far back the gain-reduction history reaches.
pub const HISTORY: Duration = Duration::from_secs(5);
/// Columns of the gain-reduction history (one per 50 ms).
pub const HISTORY_COLUMNS: usize = 100;

/// The editor's state: the curves of the track it shows, the live spectrum's tap point, the
/// large EQ view switch, and the gain-reduction history of the track.
#[derive(Debug)]
pub struct Editor {
    curves: Option<(TrackId, TrackCurves)>,
    tap_point: TapPoint,
    eq_large: bool,
    /// Gain reduction seen at each display tick (newest last) of the shown track.
    gr_seen: VecDeque<(Instant, f32)>,
    gr_track: Option<TrackId>,
    /// `gr_seen` binned into [`HISTORY_COLUMNS`] columns (the largest value of each).
    gr_columns: Vec<f32>,
}

impl Default for Editor {
    fn default() -> Self {
        Editor {
            curves: None,
            tap_point: TapPoint::default(),
            eq_large: false,
            gr_seen: VecDeque::new(),
            gr_track: None,
            gr_columns: vec![0.0; HISTORY_COLUMNS],
        }
    }
}

/// A knob of the editor.
fn knob<'a>(
    cx: &Context<'a>,
    param: Param,
    diameter: f32,
    color: iced::Color,
) -> Element<'a, Message> {
    controls::knob(cx, param, diameter, color).map(Message::Control)
}

/// The playhead in seconds.
fn playhead_s(cx: &Context) -> f64 {
    cx.engine.position as f64 / f64::from(cx.project().sample_rate.max(1))
}

impl Editor {
    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        let edit = |e: Edit| Action::Edit(e, None);
        match m {
            Message::Control(c) => Action::Control(c),
            Message::Toggle(t) => edit(Edit::Toggle(t)),
            Message::Choose(c) => edit(Edit::Choose(c)),
            Message::Rename(id, name) => {
                Action::Edit(Edit::Rename(id, name), Some(Gesture::Rename(id)))
            }
            Message::RenameDone(id) => Action::EndGesture(Gesture::Rename(id)),
            Message::RemoveTrack(id) => edit(Edit::RemoveTrack(id)),
            Message::AddMarker => edit(Edit::AddMarker(Marker {
                name: format!("Marker {}", cx.project().markers.len() + 1),
                time_s: playhead_s(cx),
            })),
            Message::MarkerName(i, name) => {
                Action::Edit(Edit::RenameMarker(i, name), Some(Gesture::Marker(i)))
            }
            Message::MarkerNameDone(i) => Action::EndGesture(Gesture::Marker(i)),
            Message::MoveMarker(i) => edit(Edit::MoveMarker(i, playhead_s(cx))),
            Message::RemoveMarker(i) => edit(Edit::RemoveMarker(i)),
            Message::GoToMarker(i) => match cx.project().markers.get(i) {
                Some(m) => {
                    let rate = f64::from(cx.project().sample_rate.max(1));
                    let frame = (m.time_s.max(0.0) * rate).round() as u64;
                    Action::Engine(EngineOp::Seek(frame))
                }
                None => Action::None,
            },
            Message::ResetMeters => Action::Engine(EngineOp::ResetMeters),
            Message::EqNode(id, band, ev) => {
                let gesture = Some(Gesture::EqNode(id, band));
                let param = |f| Param::Track(id, f);
                match ev {
                    NodeEvent::Move { freq_hz, gain_db } => {
                        let a = Action::Edit(
                            Edit::Param(param(TrackField::Freq(band)), freq_hz),
                            gesture,
                        );
                        match gain_db {
                            Some(g) => a.then(Action::Edit(
                                Edit::Param(param(TrackField::BandGain(band)), g),
                                gesture,
                            )),
                            None => a,
                        }
                    }
                    NodeEvent::Q(q) => {
                        Action::Edit(Edit::Param(param(TrackField::Q(band)), q), gesture)
                    }
                    NodeEvent::Toggle => edit(Edit::Toggle(Toggle::Band(id, band))),
                    NodeEvent::Release => Action::EndGesture(Gesture::EqNode(id, band)),
                }
            }
            Message::EqLarge(on) => {
                self.eq_large = on;
                Action::None
            }
            Message::ToggleLarge => {
                self.eq_large = !self.eq_large;
                Action::None
            }
            Message::TapPoint(p) => {
                self.tap_point = p;
                Action::None
            }
        }
    }

    /// What the live spectrum should tap for `selection`: the shown track at the chosen point.
    pub fn tap(&self, selection: Option<Selection>) -> TapSelection {
        match selection {
            Some(Selection::Track(id)) => Some((id, self.tap_point)),
            _ => None,
        }
    }

    /// Whether the large EQ view is open.
    pub fn is_large(&self) -> bool {
        self.eq_large
    }

    /// Closes the large EQ view; returns whether it was open.
    pub fn close_large(&mut self) -> bool {
        std::mem::take(&mut self.eq_large)
    }

    /// Records the shown track's gain reduction at a display tick, for the history strip.
    pub fn observe(&mut self, view: &EngineView, selection: Option<Selection>, now: Instant) {
        let id = match selection {
            Some(Selection::Track(id)) => Some(id),
            _ => None,
        };
        if id != self.gr_track {
            self.gr_track = id;
            self.gr_seen.clear();
        }
        let Some(id) = id else { return };
        let gr = view.tracks.get(&id).map_or(0.0, |m| m.gain_reduction_db);
        self.gr_seen.push_back((now, gr));
        while self
            .gr_seen
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) > HISTORY)
        {
            self.gr_seen.pop_front();
        }
        self.gr_columns.fill(0.0);
        let col = HISTORY.as_secs_f32() / HISTORY_COLUMNS as f32;
        for (t, g) in &self.gr_seen {
            let age = now.saturating_duration_since(*t).as_secs_f32();
            let back = (age / col) as usize;
            if back < HISTORY_COLUMNS {
                let c = &mut self.gr_columns[HISTORY_COLUMNS - 1 - back];
                *c = c.max(*g);
            }
        }
    }

    /// The gain-reduction history as drawn: [`HISTORY_COLUMNS`] values, oldest first.
    pub fn gr_history(&self) -> &[f32] {
        &self.gr_columns
    }

    /// The curves of track `id`, if they are the ones kept.
    fn curves_of(&self, id: TrackId) -> Option<&TrackCurves> {
        self.curves
            .as_ref()
            .filter(|(t, _)| *t == id)
            .map(|(_, c)| c)
    }

    /// Brings the curves up to date with the selected track (after an edit or a selection).
    pub fn refresh(&mut self, project: &Project, selection: Option<Selection>) {
        let track = match selection {
            Some(Selection::Track(id)) => project.track(id),
            _ => None,
        };
        let Some(t) = track else {
            self.curves = None;
            return;
        };
        if self.curves.as_ref().is_none_or(|(id, _)| *id != t.id) {
            self.curves = Some((t.id, TrackCurves::default()));
        }
        if let Some((_, c)) = &mut self.curves {
            c.update(&t.eq, &t.compressor, project.sample_rate, EDITOR_POINTS);
        }
    }

    /// The panel for the current selection; the master editor shows the loudness figures as
    /// the transport does.
    pub fn view<'a>(&'a self, cx: &Context<'a>, figures: &Loudness) -> Element<'a, Message> {
        let content: Element<'a, Message> = match cx.selection {
            Some(Selection::Track(id)) => match cx.project().track(id) {
                Some(t) => self.track_editor(cx, t),
                None => placeholder(),
            },
            Some(Selection::Reverb) => buses::reverb_editor(cx),
            Some(Selection::Master) => buses::master_editor(cx, figures),
            None => placeholder(),
        };
        container(
            scrollable(container(content).padding(12).width(Fill))
                .id(SCROLL_ID)
                .height(Fill)
                .width(Fill),
        )
        .width(Fill)
        .height(Fill)
        .style(theme::panel)
        .into()
    }
}

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

pub(super) const SLOPES: [SlopeChoice; 2] = [SlopeChoice(Slope::Db12), SlopeChoice(Slope::Db24)];

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

pub(super) const RATES: [RateChoice; 4] = [
    RateChoice(44_100),
    RateChoice(48_000),
    RateChoice(88_200),
    RateChoice(96_000),
];

pub(super) const DETECTORS: [DetectorChoice; 2] = [
    DetectorChoice(Detector::Peak),
    DetectorChoice(Detector::Rms),
];

/// A row of buttons of which one is lit (for choices of two or three). Unlike a pick list
/// it draws its labels as ordinary text, which the software renderer can repaint cheaply.
pub(super) fn segmented<'a>(
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

pub(super) fn section<'a>(title: &'a str, right: Element<'a, Message>) -> Element<'a, Message> {
    row![
        text(title).size(11).color(theme::TEXT_DIM),
        space::horizontal(),
        right
    ]
    .align_y(Alignment::Center)
    .into()
}

pub(super) fn small_toggle<'a>(
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

/// `content` under a small title (a switch among knobs, which have their own labels).
pub(super) fn titled<'a>(title: &'a str, content: Element<'a, Message>) -> Element<'a, Message> {
    iced::widget::column![text(title).size(10).color(theme::TEXT_DIM), content]
        .spacing(4)
        .align_x(Alignment::Center)
        .into()
}

pub(super) fn divider<'a>() -> Element<'a, Message> {
    container(space().height(1).width(Fill))
        .style(|_| container::Style {
            background: Some(theme::BORDER.into()),
            ..container::Style::default()
        })
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
