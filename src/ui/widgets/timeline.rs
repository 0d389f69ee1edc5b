//! The timeline: a ruler (m:ss) and one lane per track with its waveform overview, the playhead
//! and the loop region.
//!
//! The app owns the view ([`TimeView`]: first visible frame and frames per pixel) and passes the
//! same view to the ruler and every lane, so they scroll and zoom together. Each of them takes
//! the same mouse input:
//! - press: seek to the frame under the cursor (`on_seek`);
//! - drag further than [`DRAG_THRESHOLD_PX`]: set the loop region (`on_loop`, ordered and at
//!   least one frame long, sent as it changes), then `on_release` once at the end;
//! - wheel (or Shift+wheel, or a horizontal swipe): scroll by [`SCROLL_PX`] per notch;
//! - Ctrl+wheel: zoom by [`ZOOM_STEP`] per notch around the cursor, keeping the frame under it
//!   in place.
//!
//! View changes arrive as `on_view(new_view)`.

use super::cache::KeyedCache;
use super::format;
use super::host::{Control, Host};
use crate::ui::theme;
use iced::advanced::Shell;
use iced::keyboard::{self, Modifiers};
use iced::mouse::{self, ScrollDelta};
use iced::widget::canvas::{Frame, Geometry, Path, Stroke, Text};
use iced::{Color, Element, Event, Length, Point, Rectangle, Renderer, Size, Theme, alignment};

/// Closest zoom: one frame per pixel.
pub const MIN_FRAMES_PER_PX: f64 = 1.0;
/// Farthest zoom (about 20 s per pixel at 48 kHz).
pub const MAX_FRAMES_PER_PX: f64 = 1_000_000.0;
/// Zoom factor per Ctrl+wheel notch.
pub const ZOOM_STEP: f64 = 1.25;
/// Pixels scrolled per wheel notch.
pub const SCROLL_PX: f64 = 60.0;
/// Mouse travel after which a press becomes a loop-region drag.
pub const DRAG_THRESHOLD_PX: f32 = 4.0;
/// Pixel-based wheel deltas (touchpads) per notch, for zooming.
const PIXELS_PER_NOTCH: f32 = 40.0;

/// The visible stretch of the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeView {
    /// Frame at the left edge (may be fractional).
    pub start: f64,
    /// Frames per pixel (the zoom).
    pub frames_per_px: f64,
}

impl Default for TimeView {
    fn default() -> Self {
        TimeView {
            start: 0.0,
            frames_per_px: 1024.0,
        }
    }
}

impl TimeView {
    /// A view starting at `start` with `frames_per_px`; bad numbers become usable ones.
    pub fn new(start: f64, frames_per_px: f64) -> TimeView {
        TimeView {
            start: if start.is_finite() {
                start.max(0.0)
            } else {
                0.0
            },
            frames_per_px: if frames_per_px.is_finite() {
                frames_per_px.clamp(MIN_FRAMES_PER_PX, MAX_FRAMES_PER_PX)
            } else {
                TimeView::default().frames_per_px
            },
        }
    }

    /// A view showing `frames` frames in `width` pixels.
    pub fn fit(frames: u64, width: f32) -> TimeView {
        TimeView::new(0.0, frames as f64 / f64::from(width.max(1.0)))
    }

    /// The frame at pixel `x` from the left edge.
    pub fn frame_at(&self, x: f32) -> f64 {
        self.start + f64::from(x) * self.frames_per_px
    }

    /// The pixel of `frame` from the left edge.
    pub fn x_of(&self, frame: f64) -> f32 {
        ((frame - self.start) / self.frames_per_px) as f32
    }

    /// Zoomed by `factor` (>1 zooms out) around pixel `x`, whose frame stays at `x` unless the
    /// view would start before frame 0.
    pub fn zoomed(&self, x: f32, factor: f64) -> TimeView {
        let anchor = self.frame_at(x);
        let fpp = (self.frames_per_px * factor).clamp(MIN_FRAMES_PER_PX, MAX_FRAMES_PER_PX);
        TimeView::new(anchor - f64::from(x) * fpp, fpp)
    }

    /// Scrolled right by `px` pixels (negative scrolls left), not before frame 0.
    pub fn scrolled(&self, px: f64) -> TimeView {
        TimeView::new(self.start + px * self.frames_per_px, self.frames_per_px)
    }
}

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
        22.0,
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

    /// Width (fills by default).
    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.width = width.into();
        self
    }

    /// Height (22 px for the ruler, 64 px for lanes by default).
    pub fn height(mut self, height: impl Into<Length>) -> Self {
        self.height = height.into();
        self
    }

    /// The frame under local pixel `x`, as an index.
    fn frame(&self, x: f32) -> u64 {
        let f = self.view.frame_at(x).round();
        if f > 0.0 { f as u64 } else { 0 }
    }
}

/// Timeline state in the widget tree.
#[derive(Default)]
pub(crate) struct State {
    modifiers: Modifiers,
    drag: Option<Drag>,
    /// The view when the last wheel step was published, and that step's result.
    last_view: Option<(TimeView, TimeView)>,
    /// Content, loop region and markers in one cached geometry: unchanged, it adds nothing to
    /// the region a redraw repaints. The playhead is drawn fresh each time, so that when it
    /// moves only its thin column is repainted (a changed cache repaints its whole bounds).
    cache: KeyedCache<(Key, u64)>,
}

#[derive(Debug, Clone, Copy)]
struct Drag {
    anchor_x: f32,
    anchor: u64,
    selecting: bool,
    last: Option<(u64, u64)>,
}

/// Everything the cached layer is drawn from (besides its size).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key {
    kind: u8,
    id: usize,
    len: usize,
    frames_per_bin: u64,
    start: u64,
    frames_per_px: u64,
    color: [u8; 4],
    revision: u64,
}

impl<Message: Clone> Control<Message> for Timeline<'_, Message> {
    type State = State;

    fn update(
        &self,
        state: &mut State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        match event {
            Event::Keyboard(keyboard::Event::ModifiersChanged(m)) => state.modifiers = *m,
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                if self.on_seek.is_none() && self.on_loop.is_none() {
                    return;
                }
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                let frame = self.frame(p.x);
                if let Some(f) = &self.on_seek {
                    shell.publish(f(frame));
                }
                state.drag = Some(Drag {
                    anchor_x: p.x,
                    anchor: frame,
                    selecting: false,
                    last: None,
                });
                shell.capture_event();
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let Some(d) = &mut state.drag else { return };
                shell.capture_event();
                // The event's own position: a batch of moves shares one `cursor`.
                let x = position.x - bounds.x;
                d.selecting |= (x - d.anchor_x).abs() >= DRAG_THRESHOLD_PX;
                if !d.selecting {
                    return;
                }
                let frame = self.frame(x);
                let (a, b) = (d.anchor.min(frame), d.anchor.max(frame));
                let region = (a, b.max(a + 1));
                if d.last != Some(region)
                    && let Some(f) = &self.on_loop
                {
                    d.last = Some(region);
                    shell.publish(f(region.0, region.1));
                }
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if let Some(d) = state.drag.take() {
                    shell.capture_event();
                    if d.last.is_some()
                        && let Some(m) = &self.on_release
                    {
                        shell.publish(m.clone());
                    }
                }
            }
            Event::Mouse(mouse::Event::WheelScrolled { delta }) => {
                let Some(on_view) = &self.on_view else { return };
                let Some(p) = cursor.position_in(bounds) else {
                    return;
                };
                if state.drag.is_some() {
                    return;
                }
                shell.capture_event();
                // Several notches can arrive in one batch of events, before the app has
                // rebuilt the view: continue from our last result then.
                let view = match state.last_view {
                    Some((seen, result)) if seen == self.view => result,
                    _ => self.view,
                };
                let new = if state.modifiers.command() {
                    let notches = match *delta {
                        ScrollDelta::Lines { y, .. } => y,
                        ScrollDelta::Pixels { y, .. } => y / PIXELS_PER_NOTCH,
                    };
                    // Wheel up (away from the user) zooms in.
                    view.zoomed(p.x, ZOOM_STEP.powf(-f64::from(notches)))
                } else {
                    // Horizontal deltas win; a vertical wheel scrolls later when turned down.
                    let px = match *delta {
                        ScrollDelta::Lines { x, y } => {
                            f64::from(if x != 0.0 { x } else { y }) * SCROLL_PX
                        }
                        ScrollDelta::Pixels { x, y } => f64::from(if x != 0.0 { x } else { y }),
                    };
                    view.scrolled(-px)
                };
                state.last_view = Some((self.view, new));
                if new != view {
                    shell.publish(on_view(new));
                }
            }
            _ => {}
        }
    }

    fn draw(
        &self,
        state: &State,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        let key = self.key();
        let is_ruler = matches!(self.kind, Kind::Ruler { .. });
        let playhead_x = self
            .playhead
            .map(|frame| self.view.x_of(frame as f64))
            .filter(|x| (0.0..=size.width).contains(x));
        let geometry = state
            .cache
            .draw(renderer, size, (key, self.overlay_hash()), |f| {
                match &self.kind {
                    Kind::Ruler { sample_rate } => draw_ruler(f, self.view, *sample_rate),
                    Kind::Lane {
                        bin,
                        len,
                        frames_per_bin,
                        ..
                    } => draw_waveform(f, self.view, bin, *len, *frames_per_bin, self.color),
                    Kind::Offline { reason } => draw_offline(f, reason),
                }
                self.draw_overlay(f, size, is_ruler);
            });
        let Some(x) = playhead_x else {
            return vec![geometry];
        };
        let mut f = Frame::new(renderer, size);
        // The renderer repaints what moved from the bounds of its shapes, without room for
        // anti-aliasing or line width: an invisible margin makes the old playhead go away
        // cleanly.
        f.fill_rectangle(
            Point::new(x - 7.0, 0.0),
            Size::new(14.0, size.height),
            Color::TRANSPARENT,
        );
        f.fill_rectangle(
            Point::new(x - 0.75, 0.0),
            Size::new(1.5, size.height),
            theme::PLAYHEAD,
        );
        if is_ruler {
            f.fill(
                &Path::new(|p| {
                    p.move_to(Point::new(x - 5.0, size.height - 7.0));
                    p.line_to(Point::new(x + 5.0, size.height - 7.0));
                    p.line_to(Point::new(x, size.height));
                    p.close();
                }),
                theme::PLAYHEAD,
            );
        }
        vec![geometry, f.into_geometry()]
    }

    fn interaction(
        &self,
        state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if state.drag.is_some_and(|d| d.selecting) {
            mouse::Interaction::ResizingHorizontally
        } else if cursor.is_over(bounds) && (self.on_seek.is_some() || self.on_loop.is_some()) {
            mouse::Interaction::Text
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<Message> Timeline<'_, Message> {
    /// Loop region and markers.
    fn draw_overlay(&self, f: &mut Frame, size: Size, is_ruler: bool) {
        if let Some((a, b)) = self.loop_region {
            let x0 = self.view.x_of(a as f64).clamp(-1.0, size.width + 1.0);
            let x1 = self.view.x_of(b as f64).clamp(-1.0, size.width + 1.0);
            if x1 > 0.0 && x0 < size.width {
                let strength = if self.loop_enabled { 1.0 } else { 0.4 };
                if is_ruler {
                    fill_tiled(
                        f,
                        Point::new(x0, size.height - 5.0),
                        Size::new((x1 - x0).max(1.0), 5.0),
                        theme::fade(theme::ACCENT, 0.9 * strength),
                    );
                } else {
                    fill_tiled(
                        f,
                        Point::new(x0, 0.0),
                        Size::new((x1 - x0).max(1.0), size.height),
                        theme::fade(theme::ACCENT, 0.14 * strength),
                    );
                }
                let edge = Stroke::default()
                    .with_color(theme::fade(theme::ACCENT, 0.8 * strength))
                    .with_width(1.0);
                for x in [x0, x1] {
                    f.stroke(
                        &Path::line(Point::new(x, 0.0), Point::new(x, size.height)),
                        edge,
                    );
                }
            }
        }
        for (frame, name) in &self.markers {
            let x = self.view.x_of(*frame as f64);
            if !(-1.0..=size.width + 1.0).contains(&x) {
                continue;
            }
            let color = theme::MUTE;
            if is_ruler {
                f.fill(
                    &Path::new(|p| {
                        p.move_to(Point::new(x, 0.0));
                        p.line_to(Point::new(x + 6.0, 3.5));
                        p.line_to(Point::new(x, 7.0));
                        p.close();
                    }),
                    color,
                );
                f.stroke(
                    &Path::line(Point::new(x, 0.0), Point::new(x, size.height)),
                    Stroke::default().with_color(color).with_width(1.0),
                );
                // A backing so the name stays readable over the time labels.
                f.fill_rectangle(
                    Point::new(x + 7.0, 0.0),
                    Size::new(name.chars().count() as f32 * 5.6 + 4.0, 12.0),
                    theme::PANEL_BG,
                );
                super::cache::fill_text(
                    f,
                    Text {
                        content: name.clone(),
                        position: Point::new(x + 9.0, 0.0),
                        color,
                        size: 10.0.into(),
                        align_y: alignment::Vertical::Top,
                        ..Text::default()
                    },
                );
            } else {
                f.stroke(
                    &Path::line(Point::new(x, 0.0), Point::new(x, size.height)),
                    Stroke::default()
                        .with_color(theme::fade(color, 0.35))
                        .with_width(1.0),
                );
            }
        }
    }

    /// A hash of what the overlay shows besides the view: loop region and markers.
    fn overlay_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.loop_region.hash(&mut h);
        self.loop_enabled.hash(&mut h);
        self.markers.hash(&mut h);
        h.finish()
    }

    fn key(&self) -> Key {
        let (kind, id, len, fpb, rate) = match &self.kind {
            Kind::Ruler { sample_rate } => (0, 0, 0, 0.0, *sample_rate),
            Kind::Lane {
                id,
                len,
                frames_per_bin,
                ..
            } => (1, *id, *len, *frames_per_bin, 0),
            Kind::Offline { reason } => (2, reason.len(), 0, 0.0, 0),
        };
        Key {
            kind,
            id,
            len,
            frames_per_bin: fpb.to_bits() ^ u64::from(rate),
            start: self.view.start.to_bits(),
            frames_per_px: self.view.frames_per_px.to_bits(),
            color: self.color.into_rgba8(),
            revision: self.revision,
        }
    }
}

/// Width of the pieces wide shapes are cut into. The software renderer redraws every shape
/// that touches a repainted region in full, so a playhead moving across a lane should touch
/// only a few narrow pieces, not one lane-wide path.
const TILE: f32 = 64.0;

/// A rectangle filled as vertical tiles of [`TILE`] pixels.
fn fill_tiled(f: &mut Frame, origin: Point, size: Size, color: Color) {
    let mut x = origin.x;
    let end = origin.x + size.width;
    while x < end {
        let w = (end - x).min(TILE);
        f.fill_rectangle(Point::new(x, origin.y), Size::new(w, size.height), color);
        x += TILE;
    }
}

/// A horizontal line stroked as segments of [`TILE`] pixels.
fn hline_tiled(f: &mut Frame, y: f32, width: f32, stroke: Stroke<'_>) {
    let mut x = 0.0;
    while x < width {
        let to = (x + TILE).min(width);
        f.stroke(&Path::line(Point::new(x, y), Point::new(to, y)), stroke);
        x += TILE;
    }
}

/// The waveform, one pixel column at a time: the min and max of every bin under the column.
fn draw_waveform(
    f: &mut Frame,
    view: TimeView,
    bin: &dyn Fn(usize) -> (f32, f32),
    len: usize,
    frames_per_bin: f64,
    color: Color,
) {
    let size = f.size();
    fill_tiled(f, Point::ORIGIN, size, theme::WELL_BG);
    let mid = size.height / 2.0;
    let half = (mid - 2.0).max(0.5);
    hline_tiled(
        f,
        mid,
        size.width,
        Stroke::default().with_color(theme::GRID).with_width(1.0),
    );
    if len == 0 {
        return;
    }
    let columns = size.width.ceil() as usize;
    let chunk = TILE as usize;
    for start in (0..columns).step_by(chunk) {
        let path = Path::new(|p| {
            for col in start..(start + chunk).min(columns) {
                let x = col as f32;
                let first = (view.frame_at(x) / frames_per_bin).floor();
                let last = (view.frame_at(x + 1.0) / frames_per_bin).ceil();
                if first.is_nan() || first >= len as f64 || last <= 0.0 {
                    continue;
                }
                let first = first.max(0.0) as usize;
                let last = (last as usize).clamp(first + 1, len);
                let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
                for i in first..last {
                    let (a, b) = bin(i);
                    // NaN fails every comparison and so never widens the column.
                    if a <= b {
                        lo = lo.min(a);
                        hi = hi.max(b);
                    }
                }
                if lo > hi {
                    continue;
                }
                let top = mid - hi.clamp(-1.0, 1.0) * half;
                let bottom = mid - lo.clamp(-1.0, 1.0) * half;
                p.rectangle(Point::new(x, top), Size::new(1.0, (bottom - top).max(1.0)));
            }
        });
        f.fill(&path, theme::fade(color, 0.9));
    }
}

/// A hatched lane with the reason the stem is offline.
fn draw_offline(f: &mut Frame, reason: &str) {
    let size = f.size();
    f.fill_rectangle(Point::ORIGIN, size, theme::WELL_BG);
    const GAP: f32 = 12.0;
    let hatch = Path::new(|p| {
        let mut x = -size.height;
        while x < size.width {
            p.move_to(Point::new(x, size.height));
            p.line_to(Point::new(x + size.height, 0.0));
            x += GAP;
        }
    });
    f.stroke(
        &hatch,
        Stroke::default()
            .with_color(theme::fade(theme::WARNING, 0.22))
            .with_width(2.0),
    );
    let text = if reason.is_empty() {
        "Offline".to_string()
    } else {
        format!("Offline: {reason}")
    };
    let center = Point::new(size.width / 2.0, size.height / 2.0);
    f.fill_rectangle(
        Point::new(
            center.x - 4.0 - 3.5 * text.chars().count() as f32,
            center.y - 9.0,
        ),
        Size::new(8.0 + 7.0 * text.chars().count() as f32, 18.0),
        theme::fade(theme::WELL_BG, 0.85),
    );
    super::cache::fill_text(
        f,
        Text {
            content: text,
            position: center,
            color: theme::WARNING,
            size: 12.0.into(),
            align_x: iced::widget::text::Alignment::Center,
            align_y: alignment::Vertical::Center,
            ..Text::default()
        },
    );
}

/// Seconds between labelled ruler ticks that put at least `min_px` pixels between labels.
fn tick_step(px_per_second: f64, min_px: f64) -> f64 {
    const STEPS: [f64; 15] = [
        0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
    ];
    STEPS
        .into_iter()
        .find(|s| s * px_per_second >= min_px)
        .unwrap_or_else(|| (min_px / px_per_second).max(7200.0))
}

/// Ruler ticks and m:ss labels.
fn draw_ruler(f: &mut Frame, view: TimeView, sample_rate: u32) {
    let size = f.size();
    fill_tiled(f, Point::ORIGIN, size, theme::PANEL_BG);
    hline_tiled(
        f,
        size.height - 0.5,
        size.width,
        Stroke::default().with_color(theme::BORDER).with_width(1.0),
    );
    let rate = f64::from(sample_rate.max(1));
    let px_per_second = rate / view.frames_per_px;
    let step = tick_step(px_per_second, 70.0);
    if !(step.is_finite() && step > 0.0) {
        return;
    }
    let first_second = view.start / rate;
    let last_second = view.frame_at(size.width) / rate;
    // Minor ticks halve the labelled step.
    let minor = step / 2.0;
    let mut i = (first_second / minor).floor() as i64;
    // One shape per tick (see [`TILE`]).
    loop {
        let t = i as f64 * minor;
        if t > last_second {
            break;
        }
        let x = view.x_of(t * rate).round() + 0.5;
        let major = i % 2 == 0;
        let h = if major { 8.0 } else { 4.0 };
        f.stroke(
            &Path::line(Point::new(x, size.height - h), Point::new(x, size.height)),
            Stroke::default()
                .with_color(theme::TEXT_DIM)
                .with_width(1.0),
        );
        i += 1;
    }
    let mut n = (first_second / step).floor() as i64;
    loop {
        let t = n as f64 * step;
        if t > last_second {
            break;
        }
        if t >= 0.0 {
            super::cache::fill_text(
                f,
                Text {
                    content: format::time(t, step < 1.0),
                    position: Point::new(view.x_of(t * rate) + 3.0, 2.0),
                    color: theme::TEXT_DIM,
                    size: 10.0.into(),
                    ..Text::default()
                },
            );
        }
        n += 1;
    }
}

impl<'a, Message: Clone + 'a> From<Timeline<'a, Message>> for Element<'a, Message> {
    fn from(t: Timeline<'a, Message>) -> Self {
        let (w, h) = (t.width, t.height);
        Host::new(t, w, h).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_anchor_frame() {
        let v = TimeView::new(100_000.0, 200.0);
        let z = v.zoomed(300.0, 1.0 / ZOOM_STEP);
        assert!((z.frame_at(300.0) - v.frame_at(300.0)).abs() < 1e-6);
        assert!((z.frames_per_px - 160.0).abs() < 1e-9);
    }

    #[test]
    fn views_are_sanitised() {
        let v = TimeView::new(f64::NAN, 0.0);
        assert_eq!(v.start, 0.0);
        assert_eq!(v.frames_per_px, MIN_FRAMES_PER_PX);
        assert_eq!(TimeView::new(-5.0, f64::INFINITY).frames_per_px, 1024.0);
        assert_eq!(TimeView::new(10.0, 1.0).scrolled(-100.0).start, 0.0);
        assert_eq!(TimeView::fit(48_000, 0.0).frames_per_px, 48_000.0);
    }

    #[test]
    fn ruler_steps_grow_with_zoom() {
        assert_eq!(tick_step(1000.0, 70.0), 0.1);
        assert_eq!(tick_step(100.0, 70.0), 1.0);
        assert_eq!(tick_step(1.0, 70.0), 120.0);
        assert_eq!(tick_step(0.001, 70.0), 70_000.0);
        assert!(tick_step(0.0, 70.0).is_infinite());
    }
}
