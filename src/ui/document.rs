//! The project being edited, as the app owns it: the project, its file, what was last saved,
//! the undo history and the gesture in progress.
//!
//! Panels read it through the [`Context`](super::context::Context); only the app changes it
//! (see `app/edit.rs`), so there is one place where edits, undo steps and the engine meet.

use super::edit::Gesture;
use crate::project::Project;
use crate::project::undo::History;
use std::path::{Path, PathBuf};

/// Undo steps kept.
pub const UNDO_LIMIT: usize = 500;

/// The document: see the module documentation.
#[derive(Debug)]
pub struct Document {
    /// The project as edited.
    pub project: Project,
    /// Its file, if it has one.
    pub path: Option<PathBuf>,
    /// The project as last saved or opened (for the unsaved marker).
    pub saved: Project,
    /// Whether the project differs from `saved` (while a gesture runs: whether it changed).
    pub dirty: bool,
    /// Snapshots before each undo step.
    pub history: History<Project>,
    /// The gesture whose edits are one undo step, while it lasts.
    pub gesture: Option<Gesture>,
    /// Counts edits (the autosave compares it with its own).
    pub revision: u64,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            project: Project::default(),
            path: None,
            saved: Project::default(),
            dirty: false,
            history: History::new(UNDO_LIMIT),
            gesture: None,
            revision: 0,
        }
    }
}

impl Document {
    /// The project's name (file name without extension, or "Untitled").
    pub fn name(&self) -> String {
        self.path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(|| "Untitled".into(), |s| s.to_string_lossy().into_owned())
    }

    /// The folder of the project file.
    pub fn dir(&self) -> Option<PathBuf> {
        self.path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
    }

    /// Compares the project with the saved one (a full comparison: after discrete edits and at
    /// the end of gestures, not on every move).
    pub fn refresh_dirty(&mut self) {
        self.dirty = !self.project.same_content(&self.saved);
    }

    /// Starts over with `project` from `path`; `saved` is what counts as unchanged (`None`: the
    /// project itself).
    pub fn replace(&mut self, project: Project, path: Option<PathBuf>, saved: Option<Project>) {
        self.saved = saved.unwrap_or_else(|| project.clone());
        self.project = project;
        self.path = path;
        self.history.clear();
        self.gesture = None;
        self.revision += 1;
        self.refresh_dirty();
    }

    /// The project was written to `path`.
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.saved = self.project.clone();
        self.dirty = false;
    }
}
