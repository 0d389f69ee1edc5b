//! The mixer panel: one strip per track (narrower strips for more tracks, then scrolling
//! sideways), then the reverb return and the master. A strip shows its name, EQ and compressor
//! curves with their switches, send with pre/post, pan, mute/solo/polarity, the fader with its
//! meter (on the fader's scale, with the highest peak since a reset), clip light and
//! gain-reduction meter; an offline stem shows its reason and a Locate… button. The master adds
//! its short-term loudness and true peak.

mod strip;

use super::action::{Action, EngineOp};
use super::app;
use super::context::{Context, Selection};
use super::controls;
use super::curves::{PREVIEW_POINTS, TrackCurves};
use super::edit::{Edit, Scope, Toggle};
use super::engine_link::{EngineView, Loudness};
use super::files;
use super::layout::{self, STRIP_GAP};
use super::theme;
use super::widgets as w;
use crate::project::{Project, TrackId};
use iced::widget::{Id, Row, container, row, scrollable, space};
use iced::{Element, Fill, Task};
use std::collections::HashMap;

/// Widget id of the strips' scrollable.
pub const STRIPS_ID: &str = "strips";

/// What the strips send.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A strip (or its name, or a curve) was clicked.
    Select(Selection),
    /// A switch was clicked.
    Toggle(Toggle),
    /// A fader or knob.
    Control(controls::Message),
    /// A clip light was clicked (`None`: the master's).
    ClearClip(Option<TrackId>),
    /// A meter's value box was clicked: forget its highest peak.
    ResetPeak(Selection),
    /// An offline strip's Locate… button.
    Locate(TrackId),
    /// The strips were scrolled sideways to this offset (pixels).
    Scrolled(f32),
}

/// The mixer's state: each strip's curves (computed when their settings change), the highest
/// peak each meter saw since it was reset, and how far the strips are scrolled.
#[derive(Debug, Default)]
pub struct Mixer {
    curves: HashMap<TrackId, TrackCurves>,
    peaks: HashMap<Selection, f32>,
    offset_x: f32,
}

/// The higher side of a meter's peak bars.
fn peak_of(m: &crate::engine::ChannelMeter) -> f32 {
    let p = m.peak_db[0].max(m.peak_db[1]);
    if p.is_nan() { f32::NEG_INFINITY } else { p }
}

impl Mixer {
    /// Handles a message.
    pub fn update(&mut self, m: Message) -> Action {
        match m {
            Message::Select(s) => Action::Select(s),
            Message::Toggle(t) => Action::Edit(Edit::Toggle(t), None),
            Message::Control(c) => Action::Control(c),
            Message::ClearClip(track) => Action::Engine(EngineOp::ClearClip(track)),
            Message::ResetPeak(s) => {
                self.peaks.remove(&s);
                Action::None
            }
            Message::Locate(id) => Action::Send(app::Message::Files(files::Message::Locate(id))),
            Message::Scrolled(x) => {
                self.offset_x = x;
                Action::None
            }
        }
    }

    /// Takes in the meters of a display frame: the highest peaks since their reset.
    pub fn observe(&mut self, view: &EngineView) {
        let mut keep = |s: Selection, m: &crate::engine::ChannelMeter| {
            let p = peak_of(m);
            if p > f32::NEG_INFINITY {
                let e = self.peaks.entry(s).or_insert(p);
                *e = e.max(p);
            }
        };
        for (id, m) in &view.tracks {
            keep(Selection::Track(*id), m);
        }
        keep(Selection::Reverb, &view.reverb);
        keep(Selection::Master, &view.master);
    }

    /// Forgets every highest peak (the meters were reset).
    pub fn reset_peaks(&mut self) {
        self.peaks.clear();
    }

    /// The highest peak of a strip's meter since it was reset (−∞: none).
    pub fn peak(&self, s: Selection) -> f32 {
        self.peaks.get(&s).copied().unwrap_or(f32::NEG_INFINITY)
    }

    /// Scrolls the strips so that the `index`-th strip (of `strip_w` pixels) is in view of a
    /// `visible`-pixel-wide area, if it is not.
    pub fn reveal(&mut self, index: usize, strip_w: f32, visible: f32) -> Task<app::Message> {
        let x0 = index as f32 * (strip_w + STRIP_GAP);
        let x1 = x0 + strip_w;
        let target = if x0 < self.offset_x {
            x0
        } else if x1 > self.offset_x + visible {
            x1 - visible
        } else {
            return Task::none();
        };
        self.offset_x = target.max(0.0);
        iced::widget::operation::scroll_to(
            Id::new(STRIPS_ID),
            scrollable::AbsoluteOffset {
                x: self.offset_x,
                y: 0.0,
            },
        )
    }

    /// Brings the curves up to date after a change of `scope` in `project`.
    pub fn refresh(&mut self, project: &Project, scope: Scope) {
        let rate = project.sample_rate;
        let update = |curves: &mut HashMap<TrackId, TrackCurves>, id: TrackId| {
            if let Some(t) = project.track(id) {
                curves
                    .entry(id)
                    .or_default()
                    .update(&t.eq, &t.compressor, rate, PREVIEW_POINTS);
            }
        };
        match scope {
            Scope::Strip(id) => update(&mut self.curves, id),
            Scope::Whole => {
                self.curves.retain(|id, _| project.track(*id).is_some());
                self.peaks.retain(|s, _| match s {
                    Selection::Track(id) => project.track(*id).is_some(),
                    _ => true,
                });
                for t in &project.tracks {
                    update(&mut self.curves, t.id);
                }
            }
            Scope::Buses | Scope::Loop | Scope::Unheard | Scope::References => {}
        }
    }

    /// The strips, the reverb return and the master; the master shows `figures` (the loudness
    /// as the transport shows it).
    pub fn view<'a>(&'a self, cx: &Context<'a>, figures: &Loudness) -> Element<'a, Message> {
        let sep = || -> Element<'a, Message> {
            container(space())
                .width(1)
                .height(Fill)
                .style(theme::separator)
                .into()
        };
        let g = cx.geometry;
        let project = cx.project();
        let mut row_items: Vec<Element<'a, Message>> = Vec::new();
        for t in &project.tracks {
            row_items.push(self.track_strip(cx, t, g.strip_w));
            row_items.push(sep());
        }
        let strips = Row::with_children(row_items).spacing(2).height(Fill);
        // Scroll only when the strips do not fit: a scrollable is a clipped layer, which the
        // software renderer pays for in every region it repaints while the meters move.
        let strips: Element<'a, Message> = if g.strips_scroll {
            w::wheel_sideways(
                scrollable(strips)
                    .id(STRIPS_ID)
                    .direction(scrollable::Direction::Horizontal(
                        scrollable::Scrollbar::new()
                            .width(6)
                            .scroller_width(6)
                            .spacing(layout::STRIP_SCROLLBAR_H - 6.0),
                    ))
                    .on_scroll(|v| Message::Scrolled(v.absolute_offset().x))
                    .width(Fill)
                    .height(Fill),
            )
            .bar_height(layout::STRIP_SCROLLBAR_H)
            .into()
        } else {
            container(strips).width(Fill).height(Fill).into()
        };
        // The buses' faders line up with the tracks' above a scroll bar.
        let bus_pad = if g.strips_scroll {
            layout::STRIP_SCROLLBAR_H
        } else {
            0.0
        };
        row![
            strips,
            sep(),
            container(self.reverb_strip(cx)).padding(iced::Padding {
                bottom: bus_pad,
                ..iced::Padding::ZERO
            }),
            sep(),
            container(self.master_strip(cx, figures)).padding(iced::Padding {
                bottom: bus_pad,
                ..iced::Padding::ZERO
            }),
        ]
        .spacing(6)
        .height(Fill)
        .into()
    }
}
