//! The timeline: a ruler with the markers and one lane per track with its waveform overview,
//! the playhead and the loop region. Click to seek (a lane also selects its track), drag to set
//! the loop, drag its edges to resize it (or its inside on the ruler to move it), wheel to
//! scroll, Ctrl+wheel to zoom, Alt+wheel (or the header's buttons) for the waveform height;
//! markers are dragged, renamed (double-click), removed (right-click) and added (double-click
//! the marker row) on the ruler. The lanes get the height the window's layout gives them.

mod view;

use super::action::{Action, EngineOp};
use super::context::{Context, Selection};
use super::edit::{Edit, Gesture, marker_index_after_move};
use super::layout;
use super::widgets::TimeView;
use super::widgets::timeline::{MarkerEvent, clamp_amplitude};
use crate::project::{Marker, Region, TrackId};
use iced::Task;
use iced::widget::{Id, scrollable};

/// Widget id of the lanes' scrollable.
pub const LANES_ID: &str = "lanes";
/// Widget id of the box a marker is renamed in.
pub const MARKER_NAME_ID: &str = "marker-name";

/// The timeline's state: its zoom and scroll, the waveform height, and what is being done to
/// a marker.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// The view the user chose; `None` fits the whole project into the window.
    pub view: Option<TimeView>,
    /// Waveform height factor (1: full scale fills the lane).
    pub amplitude: f32,
    /// The marker being dragged, by its current index.
    dragging: Option<usize>,
    /// The marker being renamed on the ruler, by its index.
    renaming: Option<usize>,
    /// How far the lanes are scrolled down.
    offset_y: f32,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            view: None,
            amplitude: 1.0,
            dragging: None,
            renaming: None,
            offset_y: 0.0,
        }
    }
}

impl Timeline {
    /// The view to draw: the user's, or the whole project fitted to `width` pixels.
    pub fn effective(&self, length: u64, width: f32) -> TimeView {
        self.view.unwrap_or_else(|| {
            if length == 0 {
                TimeView::new(0.0, 48_000.0 * 30.0 / f64::from(width.max(1.0)))
            } else {
                TimeView::fit(length + length / 50, width)
            }
        })
    }

    /// While playing: pages the view on when the playhead leaves it.
    pub fn follow(&mut self, position: u64, width: f32) {
        if let Some(v) = &mut self.view {
            let x = v.x_of(position as f64);
            if x > width || x < 0.0 {
                *v = TimeView::new(
                    position as f64 - f64::from(width) * 0.05 * v.frames_per_px,
                    v.frames_per_px,
                );
            }
        }
    }

    /// Makes `position` visible.
    pub fn show(&mut self, position: u64, width: f32) {
        self.follow(position, width);
    }

    /// Stops renaming a marker on the ruler; returns whether one was being renamed.
    pub fn stop_renaming(&mut self) -> bool {
        self.renaming.take().is_some()
    }

    /// The marker being renamed on the ruler.
    pub fn renaming(&self) -> Option<usize> {
        self.renaming
    }

    /// Scrolls the lanes so that the `index`-th lane (of `lane_h` pixels) is in view of a
    /// `visible`-pixel-tall area, if it is not.
    pub fn reveal(&mut self, index: usize, lane_h: f32, visible: f32) -> Task<super::app::Message> {
        let y0 = index as f32 * (lane_h + 1.0);
        let y1 = y0 + lane_h;
        let target = if y0 < self.offset_y {
            y0
        } else if y1 > self.offset_y + visible {
            y1 - visible
        } else {
            return Task::none();
        };
        self.offset_y = target.max(0.0);
        iced::widget::operation::scroll_to(
            Id::new(LANES_ID),
            scrollable::AbsoluteOffset {
                x: 0.0,
                y: self.offset_y,
            },
        )
    }
}

/// What the timeline sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Move the playhead to a frame.
    Seek(u64),
    /// The loop region is being dragged: (start, end) frames.
    Loop(u64, u64),
    /// The loop drag ended.
    LoopDone,
    /// Scrolled or zoomed.
    View(TimeView),
    /// Show the whole project.
    Fit,
    /// A lane (or its header) was clicked.
    Select(TrackId),
    /// Something was done to a marker on the ruler.
    Marker(MarkerEvent),
    /// The name of the marker being renamed on the ruler changed.
    MarkerName(String),
    /// Renaming on the ruler is finished (Enter).
    MarkerNameDone,
    /// Waveform height factor.
    Amplitude(f32),
    /// Fold the lanes away or unfold them.
    ToggleLanes,
    /// The lanes were scrolled to this offset (pixels).
    Scrolled(f32),
}

impl Timeline {
    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        let rate = f64::from(cx.project().sample_rate.max(1));
        match m {
            Message::Seek(f) => return Action::Engine(EngineOp::Seek(f)),
            Message::Loop(a, b) => {
                let region = Region {
                    start_s: a as f64 / rate,
                    end_s: b as f64 / rate,
                };
                return Action::Edit(Edit::LoopRegion(region), Some(Gesture::Loop));
            }
            Message::LoopDone => return Action::EndGesture(Gesture::Loop),
            Message::View(v) => self.view = Some(v),
            Message::Fit => self.view = None,
            Message::Select(id) => return Action::Select(Selection::Track(id)),
            Message::Marker(e) => return self.marker(e, cx),
            Message::MarkerName(name) => {
                if let Some(i) = self.renaming {
                    return Action::Edit(Edit::RenameMarker(i, name), Some(Gesture::Marker(i)));
                }
            }
            Message::MarkerNameDone => {
                if let Some(i) = self.renaming.take() {
                    return Action::EndGesture(Gesture::Marker(i));
                }
            }
            Message::Amplitude(a) => self.amplitude = clamp_amplitude(a),
            Message::ToggleLanes => {
                return Action::Send(super::app::Message::Layout(layout::Message::ToggleLanes));
            }
            Message::Scrolled(y) => self.offset_y = y,
        }
        Action::None
    }

    fn marker(&mut self, e: MarkerEvent, cx: &Context) -> Action {
        let p = cx.project();
        let rate = f64::from(p.sample_rate.max(1));
        match e {
            MarkerEvent::Grab(i) => {
                self.dragging = Some(i);
                Action::None
            }
            MarkerEvent::Move(frame) => {
                let Some(i) = self.dragging else {
                    return Action::None;
                };
                let t = frame as f64 / rate;
                self.dragging = Some(marker_index_after_move(p, i, t));
                Action::Edit(Edit::MoveMarker(i, t), Some(Gesture::MarkerDrag))
            }
            MarkerEvent::Drop => {
                self.dragging = None;
                Action::EndGesture(Gesture::MarkerDrag)
            }
            MarkerEvent::Rename(i) => {
                self.dragging = None;
                if i >= p.markers.len() {
                    return Action::None;
                }
                self.renaming = Some(i);
                Action::Run(Task::batch([
                    iced::widget::operation::focus(MARKER_NAME_ID),
                    iced::widget::operation::select_all(MARKER_NAME_ID),
                ]))
            }
            MarkerEvent::Remove(i) => {
                self.dragging = None;
                self.renaming = None;
                Action::Edit(Edit::RemoveMarker(i), None)
            }
            MarkerEvent::Add(frame) => {
                let time_s = frame as f64 / rate;
                let marker = Marker {
                    name: format!("Marker {}", p.markers.len() + 1),
                    time_s,
                };
                // Renaming starts on the new marker, wherever the sort puts it.
                let index = p.markers.iter().filter(|m| m.time_s <= time_s).count();
                self.renaming = Some(index);
                Action::Edit(Edit::AddMarker(marker), None).then(Action::Run(Task::batch([
                    iced::widget::operation::focus(MARKER_NAME_ID),
                    iced::widget::operation::select_all(MARKER_NAME_ID),
                ])))
            }
        }
    }
}
