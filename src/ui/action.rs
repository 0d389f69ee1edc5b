//! What a panel asks of the app after handling one of its messages.
//!
//! Panels own their state and change it themselves; everything else — the project, the undo
//! history, the engine, the shared selection, other panels — they reach by returning an
//! [`Action`], which the app carries out (`App::perform`), in the style of the iced examples
//! where a child's `update` returns an action for its parent.

use super::app::Message;
use super::context::Selection;
use super::controls;
use super::edit::{Edit, Gesture};
use super::notices::Level;
use crate::engine::{MonitorSettings, Source};
use crate::project::{Project, RefId, TrackId};
use iced::Task;
use std::path::PathBuf;

/// A transport, meter or listening command for the engine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EngineOp {
    /// Start or resume playback.
    Play,
    /// Pause, keeping the position.
    Pause,
    /// Stop (reverb tails and compressor memory cleared; the position stays).
    Stop,
    /// Move the playhead to a frame (and the timeline to show it).
    Seek(u64),
    /// Clear a latched clip light (`None`: the master's).
    ClearClip(Option<TrackId>),
    /// Clear peak holds, clip lights and the integrated loudness.
    ResetMeters,
    /// Listen to the mix or a reference (A/B).
    Listen(Source),
    /// The monitor section's mode and level.
    Monitor(MonitorSettings),
    /// Move a Free reference's playhead to a frame of its audio.
    SeekReference(RefId, u64),
}

/// See the module documentation.
#[must_use]
pub enum Action {
    /// Nothing.
    None,
    /// Several, in order.
    Batch(Vec<Action>),
    /// Change the project: one undo step per gesture (`None`: a step of its own).
    Edit(Edit, Option<Gesture>),
    /// That gesture ended: the next edit starts a new undo step.
    EndGesture(Gesture),
    /// A value control (knob, fader, typed value) was used; see [`controls::Typing::update`].
    Control(controls::Message),
    /// Tell the engine.
    Engine(EngineOp),
    /// Select a strip.
    Select(Selection),
    /// Show a notice.
    Notify(Level, String),
    /// Run a task (a file dialog, focusing a text box).
    Run(Task<Message>),
    /// Handle this message next, as if the window had sent it (one panel asking another).
    Send(Message),
    /// Undo the last step.
    Undo,
    /// Redo the last undone step.
    Redo,
    /// Start over with another project (New, Open, Restore): its file, and what counts as saved
    /// (`None`: the project itself).
    Replace {
        /// The project.
        project: Box<Project>,
        /// Its file.
        path: Option<PathBuf>,
        /// What "unsaved" is measured against.
        saved: Option<Box<Project>>,
    },
    /// The project was written to this file.
    Saved(PathBuf),
    /// Add one track per audio file (one undo step, or part of `gesture`) and decode them.
    AddStems(Vec<PathBuf>, Option<Gesture>),
    /// Point a track at another file and decode it.
    Locate(TrackId, PathBuf),
    /// Search this folder for the files of every offline track and point them there.
    Relink(PathBuf),
    /// Quit (unsaved changes were dealt with).
    Quit,
}

impl Action {
    /// An information notice.
    pub fn info(text: impl Into<String>) -> Action {
        Action::Notify(Level::Info, text.into())
    }

    /// A warning notice.
    pub fn warn(text: impl Into<String>) -> Action {
        Action::Notify(Level::Warning, text.into())
    }

    /// An error notice.
    pub fn error(text: impl Into<String>) -> Action {
        Action::Notify(Level::Error, text.into())
    }

    /// This action, then `next`.
    pub fn then(self, next: Action) -> Action {
        match (self, next) {
            (Action::None, a) | (a, Action::None) => a,
            (Action::Batch(mut v), a) => {
                v.push(a);
                Action::Batch(v)
            }
            (a, b) => Action::Batch(vec![a, b]),
        }
    }
}

impl From<Task<Message>> for Action {
    fn from(task: Task<Message>) -> Self {
        Action::Run(task)
    }
}
