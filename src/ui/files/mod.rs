//! The files panel: projects (New, Open, Save, Save As, recent), stems (open, folder, drag and
//! drop, offline stems, Locate… and Relink…), the unsaved-changes prompt, autosave and crash recovery,
//! and the menu and status bars that offer them.
//!
//! - [`stems`]: the stem library and its background decoding (the app keeps the library);
//! - [`dialog`]: file dialogs as tasks;
//! - this module: the panel's state, messages and the project flows;
//! - `view`: the menu bar, the recovery banner, the status bar, the prompts.

pub mod dialog;
pub mod relink;
pub mod stems;
mod view;

pub use dialog::{After, Purpose};
pub use stems::{StemLibrary, StemState};

use super::action::Action;
use super::app;
use super::autosave::{self, Autosaver, Recovery};
use super::context::Context;
use super::dirs::AppDirs;
use super::edit::Gesture;
use super::recent::RecentProjects;
use super::{bounce, help, reference};
use crate::media;
use crate::project::{self, TrackId};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Widget id of the typed-path box.
pub const PATH_INPUT_ID: &str = "path-input";

/// Files dropped within this time of each other are one undo step.
const DROP_TOGETHER: Duration = Duration::from_millis(500);

/// The answer to the unsaved-changes prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptChoice {
    /// Save, then go on.
    Save,
    /// Go on without saving.
    Discard,
    /// Stay.
    Cancel,
}

/// A typed path, when no file dialog is available.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPrompt {
    /// What the path is for.
    pub purpose: Purpose,
    /// The text typed.
    pub text: String,
}

/// A recent project, shown as "name — folder".
#[derive(Clone, Debug, PartialEq)]
pub struct RecentEntry(pub PathBuf);

impl std::fmt::Display for RecentEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self
            .0
            .file_stem()
            .map_or_else(|| "?".into(), |s| s.to_string_lossy());
        let dir = self
            .0
            .parent()
            .map_or_else(String::new, |d| d.display().to_string());
        write!(f, "{name} — {dir}")
    }
}

/// What the files panel (and its menu bar) sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// New project.
    New,
    /// Open a project (dialog).
    Open,
    /// Open this project.
    OpenPath(PathBuf),
    /// Open a recent project.
    OpenRecent(RecentEntry),
    /// Save.
    Save,
    /// Save as (dialog).
    SaveAs,
    /// Add audio files (dialog).
    AddStems,
    /// Add a folder (dialog).
    AddFolder,
    /// Find a missing stem (dialog).
    Locate(TrackId),
    /// Find every offline stem in a folder (dialog).
    Relink,
    /// Open a file dialog for another panel (its answer goes to that panel), in this folder.
    Ask(Purpose, Option<PathBuf>),
    /// A dialog answered: the paths (`None`: cancelled) and whether it answered too fast to
    /// have been shown.
    Picked(Purpose, Option<Vec<PathBuf>>, bool),
    /// A file was dropped on the window.
    Dropped(PathBuf),
    /// The unsaved-changes prompt was answered.
    Prompt(PromptChoice),
    /// The typed path changed.
    PathInput(String),
    /// The typed path was submitted.
    PathSubmit,
    /// The typed path box was closed.
    PathCancel,
    /// Restore the n-th recovery.
    Restore(usize),
    /// Discard the n-th recovery.
    DiscardRecovery(usize),
    /// Show or hide the recent-projects list.
    ToggleRecent,
    /// The autosave timer (writes the autosave if there are changes it does not have).
    Autosave,
    /// The menu's Undo.
    Undo,
    /// The menu's Redo.
    Redo,
    /// The menu's Bounce….
    Bounce,
    /// The menu's help button.
    Help,
}

/// The panel's state.
pub struct Files {
    dirs: Option<AppDirs>,
    recent: RecentProjects,
    recent_open: bool,
    autosaver: Option<Autosaver>,
    /// The document revision the autosave holds.
    autosaved_revision: u64,
    recoveries: Vec<Recovery>,
    /// The unsaved-changes prompt: what waits for its answer.
    prompt: Option<After>,
    path_prompt: Option<PathPrompt>,
    last_drop: Option<Instant>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files")
            .field("prompt", &self.prompt)
            .field("recoveries", &self.recoveries.len())
            .finish_non_exhaustive()
    }
}

/// `path` with the extension `ext` when it has none.
fn with_extension(path: PathBuf, ext: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(ext)
    }
}

/// A typed path, `~/` at its start being the home folder.
pub(super) fn expand_home(text: &str) -> PathBuf {
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(text)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A dialog for `purpose` whose answer comes back to this panel.
fn dialog(purpose: Purpose, dir: Option<PathBuf>, name: Option<String>) -> Action {
    let p = purpose.clone();
    dialog::ask(&purpose, dir, name)
        .map(move |(paths, instant)| {
            app::Message::Files(Message::Picked(p.clone(), paths, instant))
        })
        .into()
}

impl Files {
    /// The panel with the recent list, the autosave and the recoveries of `dirs` (`None`: no
    /// recent list and no autosave).
    pub fn new(dirs: Option<AppDirs>) -> Files {
        Files {
            recent: dirs
                .as_ref()
                .map(|d| RecentProjects::load(&d.config))
                .unwrap_or_default(),
            recent_open: false,
            autosaver: dirs.as_ref().map(|d| Autosaver::new(&d.autosave_dir())),
            autosaved_revision: 0,
            recoveries: dirs
                .as_ref()
                .map(|d| autosave::find_recoveries(&d.autosave_dir()))
                .unwrap_or_default(),
            prompt: None,
            path_prompt: None,
            last_drop: None,
            dirs,
        }
    }

    /// Whether the unsaved-changes prompt is showing.
    pub fn is_prompting(&self) -> bool {
        self.prompt.is_some()
    }

    /// Autosaves found at start-up that can be restored.
    pub fn recoveries(&self) -> &[Recovery] {
        &self.recoveries
    }

    /// Whether an autosave timer is needed (changes the autosave does not have).
    pub fn wants_autosave(&self, cx: &Context) -> bool {
        cx.doc.dirty && self.autosaver.is_some()
    }

    /// Closes the recent list (Escape closes it before anything else); returns whether it was
    /// open.
    pub fn close_recent(&mut self) -> bool {
        std::mem::take(&mut self.recent_open)
    }

    /// Closes the typed-path box, else the unsaved-changes prompt (Escape); returns whether one
    /// was open.
    pub fn close_prompt(&mut self) -> bool {
        self.path_prompt.take().is_some() || self.prompt.take().is_some()
    }

    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        match m {
            Message::New => self.guard(After::New, cx),
            Message::Open => self.guard(After::Open(None), cx),
            Message::OpenPath(p) => self.guard(After::Open(Some(p)), cx),
            Message::OpenRecent(e) => {
                self.recent_open = false;
                self.guard(After::Open(Some(e.0)), cx)
            }
            Message::ToggleRecent => {
                self.recent_open = !self.recent_open;
                Action::None
            }
            Message::Save => self.save(None, cx),
            Message::SaveAs => self.save_as(None, cx),
            Message::AddStems => dialog(Purpose::AddStems, cx.doc.dir(), None),
            Message::AddFolder => dialog(Purpose::AddFolder, cx.doc.dir(), None),
            Message::Locate(id) => {
                let dir = cx
                    .project()
                    .track(id)
                    .and_then(|t| t.source.parent().map(Path::to_path_buf))
                    .filter(|d| d.is_dir())
                    .or_else(|| cx.doc.dir());
                dialog(Purpose::Locate(id), dir, None)
            }
            Message::Relink => dialog(Purpose::Relink, cx.doc.dir(), None),
            Message::Ask(purpose, dir) => dialog(purpose, dir, None),
            Message::Picked(purpose, paths, instant) => match paths {
                Some(paths) if !paths.is_empty() => self.picked(purpose, paths, cx),
                _ if instant && !matches!(purpose, Purpose::BounceTo | Purpose::BounceStemsTo) => {
                    // No dialog could be shown: ask for a typed path instead.
                    self.path_prompt = Some(PathPrompt {
                        text: cx
                            .doc
                            .dir()
                            .map(|d| format!("{}/", d.display()))
                            .unwrap_or_default(),
                        purpose,
                    });
                    iced::widget::operation::focus(PATH_INPUT_ID).into()
                }
                _ => Action::None,
            },
            Message::Dropped(path) => self.dropped(path, cx),
            Message::Prompt(choice) => self.prompt_answer(choice, cx),
            Message::PathInput(s) => {
                if let Some(p) = &mut self.path_prompt {
                    p.text = s;
                }
                Action::None
            }
            Message::PathSubmit => {
                let Some(p) = self.path_prompt.take() else {
                    return Action::None;
                };
                let text = p.text.trim();
                if text.is_empty() {
                    return Action::None;
                }
                let path = expand_home(text);
                self.picked(p.purpose, vec![path], cx)
            }
            Message::PathCancel => {
                self.path_prompt = None;
                Action::None
            }
            Message::Restore(i) => self.guard(After::Restore(i), cx),
            Message::DiscardRecovery(i) => {
                if i < self.recoveries.len() {
                    let r = self.recoveries.remove(i);
                    autosave::discard_recovery(&r);
                }
                Action::None
            }
            Message::Autosave => self.autosave(cx),
            Message::Undo => Action::Undo,
            Message::Redo => Action::Redo,
            Message::Bounce => Action::Send(app::Message::Bounce(bounce::Message::Open)),
            Message::Help => Action::Send(app::Message::Help(help::Message::Toggle)),
        }
    }

    /// A dialog (or the typed-path box) gave `paths` for `purpose`.
    fn picked(&mut self, purpose: Purpose, paths: Vec<PathBuf>, cx: &Context) -> Action {
        let Some(first) = paths.first().cloned() else {
            return Action::None;
        };
        match purpose {
            Purpose::OpenProject => self.open_path(&first),
            Purpose::SaveAs(after) => {
                let path = with_extension(first, project::file::EXTENSION);
                let (saved, action) = self.save_to(path, cx);
                match after {
                    Some(a) if saved => action.then(self.continue_after(a, cx)),
                    _ => action,
                }
            }
            Purpose::AddStems => Action::AddStems(paths, None),
            Purpose::AddFolder => add_folder(&first),
            Purpose::Locate(id) => Action::Locate(id, first),
            Purpose::Relink => Action::Relink(first),
            Purpose::BounceTo => {
                Action::Send(app::Message::Bounce(bounce::Message::PathChosen(first)))
            }
            Purpose::BounceStemsTo => {
                Action::Send(app::Message::Bounce(bounce::Message::StemsDirChosen(first)))
            }
            Purpose::AddReferences => {
                Action::Send(app::Message::Reference(reference::Message::Picked(paths)))
            }
            Purpose::LocateReference(id) => Action::Send(app::Message::Reference(
                reference::Message::Located(id, first),
            )),
        }
    }

    /// Runs `after` now, or first asks about unsaved changes.
    fn guard(&mut self, after: After, cx: &Context) -> Action {
        if cx.doc.dirty {
            self.prompt = Some(after);
            Action::None
        } else {
            self.continue_after(after, cx)
        }
    }

    /// The close button: asks about unsaved changes first.
    pub fn request_quit(&mut self, cx: &Context) -> Action {
        self.guard(After::Quit, cx)
    }

    fn continue_after(&mut self, after: After, cx: &Context) -> Action {
        self.prompt = None;
        match after {
            After::New => {
                self.close_session();
                Action::Replace {
                    project: Box::default(),
                    path: None,
                    saved: None,
                }
                .then(Action::info(
                    "New project: add stems with Ctrl+I or drop audio files here.",
                ))
            }
            After::Open(Some(p)) => self.open_path(&p),
            After::Open(None) => dialog(Purpose::OpenProject, cx.doc.dir(), None),
            After::Quit => {
                self.close_session();
                Action::Quit
            }
            After::Restore(i) => self.restore(i),
        }
    }

    /// Forgets the autosave of the project being closed (saved or discarded by now).
    fn close_session(&mut self) {
        if let Some(a) = &self.autosaver {
            a.clear();
        }
    }

    /// Opens the project at `path`; a failure leaves the current one open and says why.
    pub fn open_path(&mut self, path: &Path) -> Action {
        match project::load_checked(path) {
            Ok((p, corrections)) => {
                self.close_session();
                let path = absolute(path);
                let recent = self.touch_recent(&path);
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let warnings = corrections.iter().fold(Action::None, |a, c| {
                    a.then(Action::warn(format!("{name}: {c}")))
                });
                Action::Replace {
                    project: Box::new(p),
                    path: Some(path.clone()),
                    saved: None,
                }
                .then(recent)
                .then(warnings)
            }
            Err(e) => Action::error(format!("Could not open the project: {e}")),
        }
    }

    fn touch_recent(&mut self, path: &Path) -> Action {
        self.recent.touch(path);
        match &self.dirs {
            Some(d) => match self.recent.save(&d.config) {
                Ok(()) => Action::None,
                Err(e) => Action::warn(format!("Could not update the recent projects list: {e}")),
            },
            None => Action::None,
        }
    }

    fn save(&mut self, after: Option<After>, cx: &Context) -> Action {
        match cx.doc.path.clone() {
            Some(p) => {
                let (saved, action) = self.save_to(p, cx);
                match after {
                    Some(a) if saved => action.then(self.continue_after(a, cx)),
                    _ => action,
                }
            }
            None => self.save_as(after, cx),
        }
    }

    fn save_as(&mut self, after: Option<After>, cx: &Context) -> Action {
        let name = format!("{}.{}", cx.doc.name(), project::file::EXTENSION);
        dialog(Purpose::SaveAs(after), cx.doc.dir(), Some(name))
    }

    /// Saves the project to `path` and says so (or why not); returns whether it worked.
    pub fn save_to(&mut self, path: PathBuf, cx: &Context) -> (bool, Action) {
        match project::save(cx.project(), &path) {
            Ok(()) => {
                let path = absolute(&path);
                let recent = self.touch_recent(&path);
                self.close_session();
                self.autosaved_revision = cx.doc.revision;
                let done = Action::info(format!("Saved {}", path.display()));
                (true, Action::Saved(path).then(recent).then(done))
            }
            Err(e) => (false, Action::error(format!("Could not save: {e}"))),
        }
    }

    fn prompt_answer(&mut self, choice: PromptChoice, cx: &Context) -> Action {
        let Some(after) = self.prompt.take() else {
            return Action::None;
        };
        match choice {
            PromptChoice::Save => self.save(Some(after), cx),
            PromptChoice::Discard => {
                self.close_session();
                self.continue_after(after, cx)
            }
            PromptChoice::Cancel => Action::None,
        }
    }

    fn dropped(&mut self, path: PathBuf, cx: &Context) -> Action {
        let is_project = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(project::file::EXTENSION));
        if is_project {
            self.guard(After::Open(Some(path)), cx)
        } else if path.is_dir() {
            add_folder(&path)
        } else if media::is_audio_extension(&path) {
            // Files dropped together arrive one by one: keep them one undo step.
            let now = Instant::now();
            let together = self
                .last_drop
                .is_some_and(|t| now.duration_since(t) < DROP_TOGETHER);
            self.last_drop = Some(now);
            let add = Action::AddStems(vec![path], Some(Gesture::Drop));
            if together {
                add
            } else {
                Action::EndGesture(Gesture::Drop).then(add)
            }
        } else {
            Action::warn(format!(
                "{}: not an audio file or a stemmix project",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into()
                ),
            ))
        }
    }

    fn restore(&mut self, i: usize) -> Action {
        if i >= self.recoveries.len() {
            return Action::None;
        }
        let r = self.recoveries.remove(i);
        match autosave::load_recovery(&r) {
            Ok(p) => {
                self.close_session();
                let path = r.info.project_path.clone();
                // "Unsaved" is measured against the file on disk, if there is one.
                let on_disk = path.as_deref().and_then(|p| project::load(p).ok());
                autosave::discard_recovery(&r);
                Action::Replace {
                    project: Box::new(p),
                    path,
                    saved: Some(Box::new(on_disk.unwrap_or_default())),
                }
                // The restored changes become this session's autosave at once.
                .then(Action::Send(app::Message::Files(Message::Autosave)))
                .then(Action::info(
                    "Restored the unsaved changes. Save to keep them.",
                ))
            }
            Err(e) => Action::error(format!("Could not restore the autosave: {e}")),
        }
    }

    /// Writes the autosave if the project has changes it does not have yet.
    fn autosave(&mut self, cx: &Context) -> Action {
        if !cx.doc.dirty || self.autosaved_revision == cx.doc.revision {
            return Action::None;
        }
        let Some(a) = &self.autosaver else {
            return Action::None;
        };
        match a.save(cx.project(), cx.doc.path.as_deref()) {
            Ok(()) => {
                self.autosaved_revision = cx.doc.revision;
                Action::None
            }
            Err(e) => Action::warn(format!("Autosave failed: {e}")),
        }
    }
}

/// Adds every audio file directly in `dir`, sorted by name.
fn add_folder(dir: &Path) -> Action {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && media::is_audio_extension(p))
                .collect();
            files.sort();
            if files.is_empty() {
                Action::warn(format!("{}: no audio files in this folder", dir.display()))
            } else {
                Action::AddStems(files, None)
            }
        }
        Err(e) => Action::error(format!("Could not read the folder {}: {e}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_expand_home_and_get_extensions() {
        assert_eq!(
            with_extension(PathBuf::from("/x/mix"), "stemmix"),
            PathBuf::from("/x/mix.stemmix")
        );
        assert_eq!(
            with_extension(PathBuf::from("/x/mix.ron"), "stemmix"),
            PathBuf::from("/x/mix.ron")
        );
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(expand_home("~/a.wav"), PathBuf::from(home).join("a.wav"));
        }
        assert_eq!(expand_home("/a.wav"), PathBuf::from("/a.wav"));
    }
}
