//! The mixer panel: one strip per track (scrolling sideways when there are many), then the
//! reverb return and the master. A strip shows its name, EQ and compressor curves with their
//! switches, send with pre/post, pan, mute/solo/polarity, the fader with its meter, clip light
//! and gain-reduction meter; an offline stem shows its reason and a Locate… button.

mod strip;

use super::action::{Action, EngineOp};
use super::app;
use super::context::{Context, Selection};
use super::controls;
use super::curves::{PREVIEW_POINTS, TrackCurves};
use super::edit::{Edit, Scope, Toggle};
use super::files;
use super::theme;
use crate::project::{Project, TrackId};
use iced::widget::{Row, container, row, scrollable, space};
use iced::{Element, Fill};
use std::collections::HashMap;

/// Width of a channel strip.
pub const STRIP_W: f32 = 108.0;

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
    /// An offline strip's Locate… button.
    Locate(TrackId),
}

/// The mixer's state: each strip's curves, computed when their settings change.
#[derive(Debug, Default)]
pub struct Mixer {
    curves: HashMap<TrackId, TrackCurves>,
}

impl Mixer {
    /// Handles a message.
    pub fn update(&mut self, m: Message) -> Action {
        match m {
            Message::Select(s) => Action::Select(s),
            Message::Toggle(t) => Action::Edit(Edit::Toggle(t), None),
            Message::Control(c) => Action::Control(c),
            Message::ClearClip(track) => Action::Engine(EngineOp::ClearClip(track)),
            Message::Locate(id) => Action::Send(app::Message::Files(files::Message::Locate(id))),
        }
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
                for t in &project.tracks {
                    update(&mut self.curves, t.id);
                }
            }
            Scope::Buses | Scope::Loop | Scope::Unheard => {}
        }
    }

    /// The strips, the reverb return and the master, `editor_w` pixels left for the editor.
    pub fn view<'a>(&'a self, cx: &Context<'a>, editor_w: f32) -> Element<'a, Message> {
        let sep = || -> Element<'a, Message> {
            container(space())
                .width(1)
                .height(Fill)
                .style(theme::separator)
                .into()
        };
        let project = cx.project();
        let mut row_items: Vec<Element<'a, Message>> = Vec::new();
        for t in &project.tracks {
            row_items.push(self.track_strip(cx, t));
            row_items.push(sep());
        }
        let strips = Row::with_children(row_items).spacing(2).height(Fill);
        // Scroll only when the strips do not fit: a scrollable is a clipped layer, which the
        // software renderer pays for in every region it repaints while the meters move.
        let needed = project.tracks.len() as f32 * (STRIP_W + 5.0);
        let available = cx.window.width - 24.0 - 84.0 - 124.0 - editor_w - 3.0 * 6.0;
        let strips: Element<'a, Message> = if needed <= available {
            container(strips).width(Fill).height(Fill).into()
        } else {
            scrollable(strips)
                .direction(scrollable::Direction::Horizontal(
                    scrollable::Scrollbar::new().width(6).scroller_width(6),
                ))
                .width(Fill)
                .height(Fill)
                .into()
        };
        row![
            strips,
            sep(),
            self.reverb_strip(cx),
            sep(),
            self.master_strip(cx),
        ]
        .spacing(6)
        .height(Fill)
        .into()
    }
}
