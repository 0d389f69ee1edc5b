//! The timeline: a ruler (a row of markers over an m:ss scale) and one lane per track with its
//! waveform overview, the playhead and the loop region.
//!
//! The app owns the view ([`TimeView`]: first visible frame and frames per pixel) and passes the
//! same view to the ruler and every lane, so they scroll and zoom together. Each of them takes
//! the same mouse input:
//! - press: seek to the frame under the cursor (`on_seek`), and `on_press` (a lane selects its
//!   track);
//! - drag further than [`DRAG_THRESHOLD_PX`]: set a new loop region (`on_loop`, ordered and at
//!   least one frame long, sent as it changes), then `on_release` once at the end;
//! - press within [`EDGE_GRAB_PX`] of a loop edge (the handles): drag that edge, the other one
//!   stays; on the ruler, a drag that starts inside the loop moves it whole;
//! - wheel (or Shift+wheel, or a horizontal swipe): scroll by [`SCROLL_PX`] per notch;
//! - Ctrl+wheel: zoom by [`ZOOM_STEP`] per notch around the cursor, keeping the frame under it
//!   in place; Alt+wheel over a lane: waveform height ×[`AMPLITUDE_STEP`] per notch
//!   (`on_amplitude`).
//!
//! Markers, on the ruler's top row (`on_marker`): drag a flag to move it, double-click it to
//! rename it, right-click it to remove it, double-click the empty row to add one. Their labels
//! stay in that row, clear of the time labels, and are cut short before the next marker.
//!
//! View changes arrive as `on_view(new_view)`.

mod draw;
mod input;
mod view;

pub use input::{AMPLITUDE_STEP, EDGE_GRAB_PX};
pub use view::{
    DRAG_THRESHOLD_PX, MAX_FRAMES_PER_PX, MIN_FRAMES_PER_PX, SCROLL_PX, TimeView, ZOOM_STEP,
};

/// Height of the ruler: the marker row over the time scale.
pub const RULER_H: f32 = 36.0;
/// Height of the ruler's marker row.
pub const MARKER_ROW_H: f32 = 14.0;
/// Largest waveform height factor.
pub const MAX_AMPLITUDE: f32 = 64.0;

/// What happened to a marker on the ruler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MarkerEvent {
    /// The n-th marker was pressed (a drag may follow).
    Grab(usize),
    /// The grabbed marker is dragged to this frame.
    Move(u64),
    /// The grabbed marker was let go.
    Drop,
    /// The n-th marker was double-clicked (rename it).
    Rename(usize),
    /// The n-th marker was right-clicked (remove it).
    Remove(usize),
    /// The empty marker row was double-clicked at this frame (add one there).
    Add(u64),
}

use super::host::{Control, Host};
use crate::ui::theme;
use iced::advanced::Shell;
use iced::widget::canvas::Geometry;
use iced::{Color, Element, Event, Length, Rectangle, Renderer, Theme, mouse};

/// A waveform overview bin: the lowest and highest sample of a window of frames. Empty bins
/// (min > max) and NaN bins are skipped.
pub trait Bin {
    /// (min, max) of the window.
    fn min_max(&self) -> (f32, f32);
}

impl Bin for [f32; 2] {
    fn min_max(&self) -> (f32, f32) {
        (self[0], self[1])
    }
}

impl Bin for (f32, f32) {
    fn min_max(&self) -> (f32, f32) {
        *self
    }
}

impl Bin for crate::media::PeakBin {
    fn min_max(&self) -> (f32, f32) {
        (self.min, self.max)
    }
}

enum Kind<'a> {
    Ruler {
        sample_rate: u32,
    },
    Lane {
        bin: Box<dyn Fn(usize) -> (f32, f32) + 'a>,
        len: usize,
        /// Address of the bins, so a different slice redraws the cached waveform.
        id: usize,
        frames_per_bin: f64,
    },
    Offline {
        reason: String,
    },
}

/// The ruler or a lane; build it with [`ruler`], [`lane`] or [`offline_lane`].
pub struct Timeline<'a, Message> {
    view: TimeView,
    kind: Kind<'a>,
    color: Color,
    playhead: Option<u64>,
    loop_region: Option<(u64, u64)>,
    loop_enabled: bool,
    markers: Vec<(u64, String)>,
    revision: u64,
    on_seek: Option<Box<dyn Fn(u64) -> Message + 'a>>,
    on_loop: Option<Box<dyn Fn(u64, u64) -> Message + 'a>>,
    on_view: Option<Box<dyn Fn(TimeView) -> Message + 'a>>,
    on_release: Option<Message>,
    on_press: Option<Message>,
    on_marker: Option<Box<dyn Fn(MarkerEvent) -> Message + 'a>>,
    on_amplitude: Option<Box<dyn Fn(f32) -> Message + 'a>>,
    amplitude: f32,
    width: Length,
    height: Length,
}

fn timeline<'a, Message>(view: TimeView, kind: Kind<'a>, height: f32) -> Timeline<'a, Message> {
    Timeline {
        view: TimeView::new(view.start, view.frames_per_px),
        kind,
        color: theme::ACCENT,
        playhead: None,
        loop_region: None,
        loop_enabled: true,
        markers: Vec::new(),
        revision: 0,
        on_seek: None,
        on_loop: None,
        on_view: None,
        on_release: None,
        on_press: None,
        on_marker: None,
        on_amplitude: None,
        amplitude: 1.0,
        width: Length::Fill,
        height: Length::Fixed(height),
    }
}

/// The time ruler (m:ss) for audio at `sample_rate`.
pub fn ruler<'a, Message>(view: TimeView, sample_rate: u32) -> Timeline<'a, Message> {
    timeline(
        view,
        Kind::Ruler {
            sample_rate: sample_rate.max(1),
        },
        RULER_H,
    )
}

/// A track lane drawing `bins` (min/max pairs, bin `i` covering the frames from
/// `i × frames_per_bin`) — pass the overview level that suits the view's zoom.
pub fn lane<'a, Message, B: Bin>(
    view: TimeView,
    bins: &'a [B],
    frames_per_bin: f64,
) -> Timeline<'a, Message> {
    let frames_per_bin = if frames_per_bin.is_finite() && frames_per_bin > 0.0 {
        frames_per_bin
    } else {
        1.0
    };
    timeline(
        view,
        Kind::Lane {
            bin: Box::new(move |i| bins[i].min_max()),
            len: bins.len(),
            id: bins.as_ptr() as usize,
            frames_per_bin,
        },
        64.0,
    )
}

/// A hatched lane for a stem that is missing or failed to decode, showing `reason`.
pub fn offline_lane<'a, Message>(
    view: TimeView,
    reason: impl Into<String>,
) -> Timeline<'a, Message> {
    timeline(
        view,
        Kind::Offline {
            reason: reason.into(),
        },
        64.0,
    )
}

impl<'a, Message> Timeline<'a, Message> {
    /// The track colour of the waveform.
    pub fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }

    /// Where the playhead is (none: not drawn).
    pub fn playhead(mut self, frame: Option<u64>) -> Self {
        self.playhead = frame;
        self
    }

    /// The loop region as (start, end) frames, drawn dimmer when looping is off.
    pub fn loop_region(mut self, region: Option<(u64, u64)>, enabled: bool) -> Self {
        self.loop_region = region.map(|(a, b)| (a.min(b), a.max(b)));
        self.loop_enabled = enabled;
        self
    }

    /// Named positions (frame, name): flags on the ruler, thin lines on lanes.
    pub fn markers(mut self, markers: Vec<(u64, String)>) -> Self {
        self.markers = markers;
        self
    }

    /// Bump when the bins' contents change in place (same slice, new audio), to redraw.
    pub fn revision(mut self, revision: u64) -> Self {
        self.revision = revision;
        self
    }

    /// Message for a click: seek to this frame.
    pub fn on_seek(mut self, f: impl Fn(u64) -> Message + 'a) -> Self {
        self.on_seek = Some(Box::new(f));
        self
    }

    /// Message for a drag: the loop region is now (start, end), start < end.
    pub fn on_loop(mut self, f: impl Fn(u64, u64) -> Message + 'a) -> Self {
        self.on_loop = Some(Box::new(f));
        self
    }

    /// Message for wheel scrolling and Ctrl+wheel zooming: the new view.
    pub fn on_view(mut self, f: impl Fn(TimeView) -> Message + 'a) -> Self {
        self.on_view = Some(Box::new(f));
        self
    }

    /// Message sent once when a loop-region drag ends.
    pub fn on_release(mut self, message: Message) -> Self {
        self.on_release = Some(message);
        self
    }

    /// Message sent on every press (before the seek), e.g. to select a lane's track.
    pub fn on_press(mut self, message: Message) -> Self {
        self.on_press = Some(message);
        self
    }

    /// Messages for the markers on the ruler (see the module documentation).
    pub fn on_marker(mut self, f: impl Fn(MarkerEvent) -> Message + 'a) -> Self {
        self.on_marker = Some(Box::new(f));
        self
    }

    /// Waveform height: 1 draws full scale at the lane's edges, 4 makes a −12 dBFS stem fill
    /// it (clipped at the edges); clamped to 1 … [`MAX_AMPLITUDE`].
    pub fn amplitude(mut self, factor: f32) -> Self {
        self.amplitude = clamp_amplitude(factor);
        self
    }

    /// Message for Alt+wheel over a lane: the new waveform height factor (clamped).
    pub fn on_amplitude(mut self, f: impl Fn(f32) -> Message + 'a) -> Self {
        self.on_amplitude = Some(Box::new(move |a| f(clamp_amplitude(a))));
        self
    }

    size_setters!(
        "Width (fills by default).",
        "Height ([`RULER_H`] for the ruler, 64 px for lanes by default)."
    );

    /// The frame under local pixel `x`, as an index.
    fn frame(&self, x: f32) -> u64 {
        let f = self.view.frame_at(x).round();
        if f > 0.0 { f as u64 } else { 0 }
    }
}

/// A waveform height factor within 1 … [`MAX_AMPLITUDE`] (NaN: 1).
pub fn clamp_amplitude(factor: f32) -> f32 {
    if factor.is_nan() {
        1.0
    } else {
        factor.clamp(1.0, MAX_AMPLITUDE)
    }
}

impl<Message: Clone> Control<Message> for Timeline<'_, Message> {
    type State = input::State;

    fn update(
        &self,
        state: &mut input::State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        self.handle(state, event, bounds, cursor, shell);
    }

    fn draw(
        &self,
        state: &input::State,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        self.paint(state, renderer, bounds)
    }

    fn interaction(
        &self,
        state: &input::State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        self.cursor_shape(state, bounds, cursor)
    }
}

impl<'a, Message: Clone + 'a> From<Timeline<'a, Message>> for Element<'a, Message> {
    fn from(t: Timeline<'a, Message>) -> Self {
        let (w, h) = (t.width, t.height);
        Host::new(t, w, h).into()
    }
}
