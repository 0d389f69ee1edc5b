//! An engine port for GUI tests: it keeps every command it is given, and moves a playhead on
//! transport commands so the app's view of the transport behaves.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::{Arc, Mutex};
use stemmix::engine::Command;
use stemmix::project::TrackId;
use stemmix::ui::engine_link::{EngineLink, EnginePort, EngineView};

/// The commands a [`RecordingPort`] received, shared with the test that made it.
pub type Recorded = Arc<Mutex<Vec<Command>>>;

/// See the module documentation.
#[derive(Default)]
pub struct RecordingPort {
    /// Everything received, in order.
    pub commands: Recorded,
    playing: bool,
    position: u64,
}

impl EnginePort for RecordingPort {
    fn send(&mut self, command: Command) {
        match &command {
            Command::Play => self.playing = true,
            Command::Pause | Command::Stop => self.playing = false,
            Command::Seek(f) => self.position = *f,
            _ => {}
        }
        if let Ok(mut c) = self.commands.lock() {
            c.push(command);
        }
    }

    fn poll(&mut self, view: &mut EngineView) {
        view.playing = self.playing;
        view.position = self.position;
        view.status = "test engine".into();
    }

    fn max_block(&self) -> usize {
        256
    }

    fn clear_clip(&mut self, _track: Option<TrackId>) {}
}

/// A link whose port only records the commands, and the record.
pub fn recording() -> (EngineLink, Recorded) {
    let port = RecordingPort::default();
    let record = port.commands.clone();
    (EngineLink::new(Box::new(port)), record)
}
