//! The EQ editor: a log frequency axis (20 Hz – 20 kHz) and a ±18 dB gain axis with a labelled
//! grid, the live spectrum behind (its own dBFS scale on the right), each band's curve, the
//! combined curve, and one node per band.
//!
//! Mouse: drag a node = frequency and gain (the node follows the pointer; Shift = ¼ speed,
//! toggling it mid-drag re-anchors); Alt-drag or the wheel over a node = Q; double-click a node =
//! band on/off; hovering shows the band's values; Ctrl+wheel anywhere enlarges (up) or shrinks
//! (down) the view. Every gesture that changed something ends with one [`NodeEvent::Release`].
//!
//! It draws the points it is given: the curves come from the DSP's response functions (at
//! [`eq_frequency`](super::curve::eq_frequency)`(i, len)`), the spectrum from the engine.

mod draw;

use super::cache::{KeyedCache, fill_text, hash_floats};
use super::curve::{EQ_MAX_HZ, EQ_MIN_HZ};
use super::gesture::FINE;
use super::host::{Control, Host};
use crate::ui::theme;
use draw::{curve_path, draw_grid, draw_readout, draw_spectrum, points};
use iced::advanced::Shell;
use iced::advanced::mouse::{Click, click};
use iced::keyboard::{self, Modifiers};
use iced::mouse::{self, ScrollDelta};
use iced::widget::canvas::{Frame, Geometry, Path, Stroke, Text};
use iced::{Color, Element, Event, Length, Point, Rectangle, Renderer, Size, Theme, alignment};

/// Gain shown above and below 0 dB.
pub const RANGE_DB: f32 = 18.0;
/// Spectrum level at the bottom of the plot, dBFS (0 dBFS is the top).
pub const SPECTRUM_FLOOR_DB: f32 = -90.0;
/// How close (px) the pointer must be to a node to grab it.
pub const GRAB_RADIUS: f32 = 12.0;
/// Q factor per wheel notch (2^0.1 ≈ 7 %); Shift: a quarter of that.
pub const Q_PER_NOTCH: f32 = 0.1;
/// Pixels of Alt-drag that double (up) or halve (down) Q.
pub const Q_DOUBLING_PX: f32 = 80.0;

const LEFT: f32 = 30.0;
const RIGHT: f32 = 30.0;
const TOP: f32 = 6.0;
const BOTTOM: f32 = 16.0;

/// The plot inside a widget of `size` (local coordinates): margins hold the labels.
pub fn plot_area(size: Size) -> Rectangle {
    Rectangle {
        x: LEFT,
        y: TOP,
        width: (size.width - LEFT - RIGHT).max(1.0),
        height: (size.height - TOP - BOTTOM).max(1.0),
    }
}

/// x of frequency `hz` in `area`.
pub fn x_of(hz: f32, area: Rectangle) -> f32 {
    let t = (hz.max(1e-3) / EQ_MIN_HZ).ln() / (EQ_MAX_HZ / EQ_MIN_HZ).ln();
    area.x + t * area.width
}

/// Frequency at x in `area`.
pub fn hz_at(x: f32, area: Rectangle) -> f32 {
    let t = (x - area.x) / area.width;
    EQ_MIN_HZ * (EQ_MAX_HZ / EQ_MIN_HZ).powf(t)
}

/// y of gain `db` in `area` (clamped to ±[`RANGE_DB`]).
pub fn y_of(db: f32, area: Rectangle) -> f32 {
    let db = if db.is_nan() { 0.0 } else { db };
    area.y + area.height * 0.5 * (1.0 - db.clamp(-RANGE_DB, RANGE_DB) / RANGE_DB)
}

/// Gain at y in `area`.
pub fn db_at(y: f32, area: Rectangle) -> f32 {
    (1.0 - 2.0 * (y - area.y) / area.height) * RANGE_DB
}

/// Where the node of a band at `freq_hz` and `gain_db` sits, in window coordinates, for a
/// widget at `bounds` (tests aim at it).
pub fn node_position(bounds: Rectangle, freq_hz: f32, gain_db: f32) -> Point {
    let a = plot_area(bounds.size());
    Point::new(bounds.x + x_of(freq_hz, a), bounds.y + y_of(gain_db, a))
}

/// One band as the editor shows it.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// Short name ("Bell 1").
    pub label: &'a str,
    /// Values as text for the hover readout ("1.20 kHz  +4.5 dB  Q 1.00").
    pub readout: String,
    /// Centre or corner frequency.
    pub freq_hz: f32,
    /// Gain (0 for pass filters, whose nodes sit on the 0 dB line).
    pub gain_db: f32,
    /// Q.
    pub q: f32,
    /// Whether dragging moves the gain too (shelves and bells).
    pub has_gain: bool,
    /// Whether the band is on.
    pub enabled: bool,
    /// Node and curve colour.
    pub color: Color,
    /// The band's own response in dB at `eq_frequency(i, len)`.
    pub curve: &'a [f32],
    /// Frequency range.
    pub freq_range: (f32, f32),
    /// Gain range.
    pub gain_range: (f32, f32),
    /// Q range.
    pub q_range: (f32, f32),
}

/// What the user did to node `i`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NodeEvent {
    /// Dragged: the new frequency, and gain for bands that have one.
    Move {
        /// Frequency.
        freq_hz: f32,
        /// Gain (`None`: a pass filter).
        gain_db: Option<f32>,
    },
    /// New Q (wheel or Alt-drag).
    Q(f32),
    /// Double-click: switch the band on or off.
    Toggle,
    /// The gesture that changed the band ended.
    Release,
}

/// See the module documentation; build it with [`eq_editor`].
pub struct EqEditor<'a, Message> {
    curve: &'a [f32],
    enabled: bool,
    color: Color,
    nodes: Vec<Node<'a>>,
    spectrum: Option<(&'a [f32], &'a [f32])>,
    on_node: Box<dyn Fn(usize, NodeEvent) -> Message + 'a>,
    on_zoom: Option<Box<dyn Fn(bool) -> Message + 'a>>,
    width: Length,
    height: Length,
}

/// An EQ editor showing the combined response `curve` (dB at `eq_frequency(i, len)`) and
/// `nodes`; `on_node` names what happened to node `i`.
pub fn eq_editor<'a, Message>(
    curve: &'a [f32],
    nodes: Vec<Node<'a>>,
    on_node: impl Fn(usize, NodeEvent) -> Message + 'a,
) -> EqEditor<'a, Message> {
    EqEditor {
        curve,
        enabled: true,
        color: theme::ACCENT,
        nodes,
        spectrum: None,
        on_node: Box::new(on_node),
        on_zoom: None,
        width: Length::Fill,
        height: Length::Fixed(180.0),
    }
}

impl<'a, Message> EqEditor<'a, Message> {
    /// Draws the combined curve in grey when every band is off.
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }

    /// Colour of the combined curve.
    pub fn color(mut self, c: Color) -> Self {
        self.color = c;
        self
    }

    /// The live spectrum behind the curves: smoothed and peak-hold levels in dBFS at
    /// `eq_frequency(i, len)`.
    pub fn spectrum(mut self, level_db: &'a [f32], peak_db: &'a [f32]) -> Self {
        self.spectrum = Some((level_db, peak_db));
        self
    }

    /// Ctrl+wheel asks for a larger (`true`) or smaller view.
    pub fn on_zoom(mut self, f: impl Fn(bool) -> Message + 'a) -> Self {
        self.on_zoom = Some(Box::new(f));
        self
    }

    size_setters!("Width.", "Height.");

    /// Everything the plot layer (curves, nodes, readout) is drawn from, besides its size.
    fn plot_key(&self, state: &State) -> u64 {
        let color = |c: Color| c.into_rgba8().map(f32::from);
        let nodes = self.nodes.iter().flat_map(|n| {
            let flags = f32::from(u8::from(n.enabled) | (u8::from(n.has_gain) << 1));
            [n.freq_hz, n.gain_db, n.q, flags, n.curve.len() as f32]
                .into_iter()
                .chain(color(n.color))
                .chain(n.curve.iter().copied())
        });
        let hot = |i: Option<usize>| i.map_or(-1.0, |i| i as f32);
        let values = [
            f32::from(u8::from(self.enabled)),
            hot(state.hover),
            hot(state.drag.map(|d| d.node)),
            self.curve.len() as f32,
        ]
        .into_iter()
        .chain(color(self.color))
        .chain(self.curve.iter().copied())
        .chain(nodes);
        // The readout's text (label and values) of whichever node it shows.
        let text = state
            .drag
            .map(|d| d.node)
            .or(state.hover)
            .and_then(|i| self.nodes.get(i))
            .map(|n| n.label.bytes().chain(n.readout.bytes()).map(f32::from));
        hash_floats(values.chain(text.into_iter().flatten()))
    }

    fn node_at(&self, p: Point, area: Rectangle) -> Option<usize> {
        // Enabled nodes win over disabled ones beneath them; then the nearest.
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let q = Point::new(x_of(n.freq_hz, area), y_of(n.gain_db, area));
                (i, n.enabled, p.distance(q))
            })
            .filter(|(_, _, d)| *d <= GRAB_RADIUS)
            .min_by(|a, b| b.1.cmp(&a.1).then(a.2.total_cmp(&b.2)))
            .map(|(i, ..)| i)
    }
}

/// Widget state: the drag, the hovered node, modifiers, the last click.
#[derive(Default)]
pub(crate) struct State {
    grid: KeyedCache<(u32, u32)>,
    /// The live spectrum, redrawn when it changes.
    spectrum: KeyedCache<u64>,
    /// Curves, nodes and the readout, redrawn when a band, the hover or the drag changes: a
    /// redraw for something else elsewhere (a caret, a meter) repaints nothing here.
    plot: KeyedCache<u64>,
    modifiers: Modifiers,
    last_click: Option<Click>,
    hover: Option<usize>,
    drag: Option<Drag>,
}

#[derive(Clone, Copy, Debug)]
struct Drag {
    node: usize,
    /// Pointer and node position (local) at the anchor (the press, or the last Shift toggle).
    origin: Point,
    origin_node: Point,
    origin_q: f32,
    speed: f32,
    q_mode: bool,
    last: Point,
    changed: bool,
}

impl Drag {
    fn target(&self, p: Point) -> Point {
        Point::new(
            self.origin_node.x + (p.x - self.origin.x) * self.speed,
            self.origin_node.y + (p.y - self.origin.y) * self.speed,
        )
    }
}

fn speed(m: Modifiers) -> f32 {
    if m.shift() { FINE } else { 1.0 }
}

fn clamp(v: f32, (lo, hi): (f32, f32)) -> f32 {
    v.clamp(lo.min(hi), hi.max(lo))
}

impl<Message> Control<Message> for EqEditor<'_, Message> {
    type State = State;

    fn update(
        &self,
        state: &mut State,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
    ) {
        let area = plot_area(bounds.size());
        let local = |p: Point| Point::new(p.x - bounds.x, p.y - bounds.y);
        match event {
            Event::Keyboard(keyboard::Event::ModifiersChanged(m)) => {
                state.modifiers = *m;
                if let Some(d) = &mut state.drag {
                    let (s, q_mode) = (speed(*m), m.alt());
                    if s != d.speed || q_mode != d.q_mode {
                        // Re-anchor where the node is now, so nothing jumps.
                        let n = &self.nodes[d.node.min(self.nodes.len() - 1)];
                        d.origin = d.last;
                        d.origin_node = Point::new(x_of(n.freq_hz, area), y_of(n.gain_db, area));
                        d.origin_q = n.q;
                        d.speed = s;
                        d.q_mode = q_mode;
                    }
                }
            }
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let Some(p) = cursor.position_over(bounds) else {
                    return;
                };
                let p = local(p);
                let click = Click::new(p, mouse::Button::Left, state.last_click);
                state.last_click = Some(click);
                let Some(i) = self.node_at(p, area) else {
                    return;
                };
                shell.capture_event();
                if click.kind() == click::Kind::Double {
                    state.drag = None;
                    shell.publish((self.on_node)(i, NodeEvent::Toggle));
                    return;
                }
                let n = &self.nodes[i];
                state.drag = Some(Drag {
                    node: i,
                    origin: p,
                    origin_node: Point::new(x_of(n.freq_hz, area), y_of(n.gain_db, area)),
                    origin_q: n.q,
                    speed: speed(state.modifiers),
                    q_mode: state.modifiers.alt(),
                    last: p,
                    changed: false,
                });
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let p = local(*position);
                let Some(d) = &mut state.drag else {
                    let hover = cursor
                        .position_over(bounds)
                        .and_then(|_| self.node_at(p, area));
                    if hover != state.hover {
                        state.hover = hover;
                        shell.request_redraw();
                    }
                    return;
                };
                d.last = p;
                let Some(n) = self.nodes.get(d.node) else {
                    return;
                };
                let event = if d.q_mode {
                    let octaves = (d.origin.y - p.y) * d.speed / Q_DOUBLING_PX;
                    let q = clamp(d.origin_q * 2f32.powf(octaves), n.q_range);
                    (q != n.q).then_some(NodeEvent::Q(q))
                } else {
                    let t = d.target(p);
                    let freq_hz = clamp(hz_at(t.x, area), n.freq_range);
                    let gain_db = n.has_gain.then(|| clamp(db_at(t.y, area), n.gain_range));
                    (freq_hz != n.freq_hz || gain_db.is_some_and(|g| g != n.gain_db))
                        .then_some(NodeEvent::Move { freq_hz, gain_db })
                };
                if let Some(e) = event {
                    d.changed = true;
                    shell.publish((self.on_node)(d.node, e));
                }
                shell.capture_event();
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if let Some(d) = state.drag.take() {
                    if d.changed {
                        shell.publish((self.on_node)(d.node, NodeEvent::Release));
                    }
                    shell.capture_event();
                }
            }
            Event::Mouse(mouse::Event::WheelScrolled { delta }) => {
                let Some(p) = cursor.position_over(bounds) else {
                    return;
                };
                if state.drag.is_some() {
                    return;
                }
                let notches = match *delta {
                    ScrollDelta::Lines { x, y } => {
                        if y != 0.0 {
                            y
                        } else {
                            x
                        }
                    }
                    ScrollDelta::Pixels { x, y } => (if y != 0.0 { y } else { x }) / 40.0,
                };
                if !notches.is_finite() || notches == 0.0 {
                    return;
                }
                if state.modifiers.command() {
                    if let Some(f) = &self.on_zoom {
                        shell.publish(f(notches > 0.0));
                        shell.capture_event();
                    }
                    return;
                }
                let Some(i) = self.node_at(local(p), area) else {
                    return;
                };
                let n = &self.nodes[i];
                let step = if state.modifiers.shift() { FINE } else { 1.0 };
                let q = clamp(n.q * 2f32.powf(notches * Q_PER_NOTCH * step), n.q_range);
                shell.capture_event();
                if q != n.q {
                    shell.publish((self.on_node)(i, NodeEvent::Q(q)));
                    shell.publish((self.on_node)(i, NodeEvent::Release));
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
        let area = plot_area(size);
        let grid = state.grid.draw(
            renderer,
            size,
            (size.width.to_bits(), size.height.to_bits()),
            |f| draw_grid(f, size, area),
        );
        let mut layers = vec![grid];
        if let Some((level, peak)) = self.spectrum {
            let key = hash_floats(level.iter().chain(peak).copied());
            layers.push(state.spectrum.draw(renderer, size, key, |f| {
                draw_spectrum(f, area, level, peak);
            }));
        }
        let plot = state.plot.draw(renderer, size, self.plot_key(state), |f| {
            let zero = y_of(0.0, area);
            for (i, n) in self.nodes.iter().enumerate() {
                if !n.enabled || n.curve.len() < 2 {
                    continue;
                }
                let hot = state.hover == Some(i) || state.drag.is_some_and(|d| d.node == i);
                let line = curve_path(n.curve, area);
                let fill = Path::new(|p| {
                    p.move_to(Point::new(area.x, zero));
                    points(n.curve, area).for_each(|q| p.line_to(q));
                    p.line_to(Point::new(area.x + area.width, zero));
                    p.close();
                });
                f.fill(&fill, theme::fade(n.color, if hot { 0.22 } else { 0.10 }));
                f.stroke(
                    &line,
                    Stroke::default()
                        .with_color(theme::fade(n.color, 0.7))
                        .with_width(1.0),
                );
            }
            if self.curve.len() >= 2 {
                let c = if self.enabled {
                    self.color
                } else {
                    theme::TEXT_DIM
                };
                f.stroke(
                    &curve_path(self.curve, area),
                    Stroke::default().with_color(c).with_width(2.0),
                );
            }
            for (i, n) in self.nodes.iter().enumerate() {
                let c = Point::new(x_of(n.freq_hz, area), y_of(n.gain_db, area));
                let hot = state.hover == Some(i) || state.drag.is_some_and(|d| d.node == i);
                let r = if hot { 7.0 } else { 5.5 };
                if n.enabled {
                    f.fill(&Path::circle(c, r), n.color);
                    f.stroke(
                        &Path::circle(c, r),
                        Stroke::default().with_color(theme::WELL_BG).with_width(1.5),
                    );
                } else {
                    // Off: a hollow grey ring.
                    f.fill(&Path::circle(c, r), theme::WELL_BG);
                    f.stroke(
                        &Path::circle(c, r),
                        Stroke::default()
                            .with_color(theme::TEXT_DIM)
                            .with_width(1.5),
                    );
                }
            }
            if let Some(i) = state.drag.map(|d| d.node).or(state.hover)
                && let Some(n) = self.nodes.get(i)
            {
                draw_readout(f, area, n);
            }
        });
        layers.push(plot);
        layers
    }

    fn interaction(
        &self,
        state: &State,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if state.drag.is_some() {
            return mouse::Interaction::Grabbing;
        }
        let area = plot_area(bounds.size());
        match cursor.position_over(bounds) {
            Some(p)
                if self
                    .node_at(Point::new(p.x - bounds.x, p.y - bounds.y), area)
                    .is_some() =>
            {
                mouse::Interaction::Grab
            }
            _ => mouse::Interaction::default(),
        }
    }
}

impl<'a, Message: 'a> From<EqEditor<'a, Message>> for Element<'a, Message> {
    fn from(e: EqEditor<'a, Message>) -> Self {
        let (w, h) = (e.width, e.height);
        Host::new(e, w, h).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_map_back_and_forth() {
        let a = plot_area(Size::new(400.0, 200.0));
        for hz in [20.0, 100.0, 1234.0, 20_000.0] {
            assert!((hz_at(x_of(hz, a), a) / hz - 1.0).abs() < 1e-4);
        }
        assert_eq!(x_of(20.0, a), a.x);
        assert!((x_of(20_000.0, a) - (a.x + a.width)).abs() < 1e-3);
        for db in [-18.0, -3.5, 0.0, 12.0] {
            assert!((db_at(y_of(db, a), a) - db).abs() < 1e-4);
        }
        assert_eq!(y_of(18.0, a), a.y);
        assert_eq!(y_of(99.0, a), a.y);
    }
}
