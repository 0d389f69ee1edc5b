//! What every panel may read: the document and the state the app keeps for several panels.

use super::controls::Typing;
use super::document::Document;
use super::engine_link::EngineView;
use super::files::StemLibrary;
use super::layout::Geometry;
use crate::project::{Project, TrackId};
use iced::Size;

/// Width of the lane headers (names) left of the timeline lanes.
pub const LANE_HEADER_W: f32 = 150.0;

/// What is selected: a channel strip, the reverb return or the master. The timeline's lane
/// headers, the mixer strips and the editor all show and change it, so the app keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    /// A track's strip.
    Track(TrackId),
    /// The reverb return strip.
    Reverb,
    /// The master strip.
    Master,
}

/// A read-only view of the app for a panel's `update` and `view`.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The project, its file, its history.
    pub doc: &'a Document,
    /// Playhead, meters and device status as of the last display tick.
    pub engine: &'a EngineView,
    /// The decoded stems.
    pub stems: &'a StemLibrary,
    /// The selected strip.
    pub selection: Option<Selection>,
    /// The value being typed into a control (strips and editor both show it).
    pub typing: &'a Typing,
    /// The window's size (the timeline and the mixer lay themselves out by it).
    pub window: Size,
    /// Where the window's parts go (lanes, strips, editor).
    pub geometry: Geometry,
    /// A blind comparison runs: nothing may show whether the mix or a reference is heard.
    pub blind: bool,
}

impl<'a> Context<'a> {
    /// The project as edited.
    pub fn project(&self) -> &'a Project {
        &self.doc.project
    }

    /// Width available to the timeline lanes.
    pub fn lanes_width(&self) -> f32 {
        (self.window.width - LANE_HEADER_W - 24.0).max(100.0)
    }

    /// Length of the project in frames (the longest loaded stem).
    pub fn length_frames(&self) -> u64 {
        self.stems.length_frames(self.project())
    }
}
