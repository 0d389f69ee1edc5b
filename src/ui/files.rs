//! Files: projects (New, Open, Save, Save As, recent), stems (open, folder, drag and drop,
//! background decoding, offline stems and Locate…), the unsaved-changes prompt, crash recovery,
//! and the menu and status bars that offer them.
//!
//! File dialogs run as tasks (rfd) and never block the window. Where no dialog is available
//! (no desktop portal or zenity: rfd answers "cancelled" at once), a typed-path box appears
//! instead.

use super::app::{App, Gesture, Message, Selection};
use super::autosave;
use super::bounce_dialog::BounceMsg;
use super::keys::tip;
use super::theme;
use crate::media::{self, StemAudio};
use crate::project::{self, Color, Project, Track, TrackId};
use iced::widget::{
    Space, button, column, container, progress_bar, row, space, text, text_input, tooltip,
};
use iced::{Alignment, Element, Fill, Length, Task};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, SystemTime};

/// A dialog that answers faster than this did not open (nobody cancels that fast).
const NO_DIALOG: Duration = Duration::from_millis(200);

/// Widget id of the typed-path box.
pub const PATH_INPUT_ID: &str = "path-input";

/// Where a track's audio is.
#[derive(Clone, Debug)]
pub enum StemState {
    /// Being decoded; how far (0…1).
    Loading(f32),
    /// Decoded at the project rate.
    Ready(Arc<StemAudio>),
    /// Missing or undecodable: why.
    Offline(String),
}

enum DecodeEvent {
    Progress(PathBuf, f32),
    Done(PathBuf, Result<StemAudio, String>),
}

struct DecodeJob {
    rx: mpsc::Receiver<DecodeEvent>,
    remaining: usize,
}

/// The decoded stems, by file, and the decoding under way.
#[derive(Default)]
pub struct Media {
    stems: HashMap<PathBuf, StemState>,
    jobs: Vec<DecodeJob>,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media")
            .field("stems", &self.stems.len())
            .field("jobs", &self.jobs.len())
            .finish()
    }
}

/// What a finished decode means for the app: the file, and its warnings or its error.
type Finished = (PathBuf, Result<Vec<String>, String>);

impl Media {
    /// Forgets every stem and abandons running decodes (another project was opened).
    pub fn reset(&mut self) {
        self.stems.clear();
        self.jobs.clear();
    }

    /// The decoded audio of a file.
    pub fn audio(&self, path: &Path) -> Option<Arc<StemAudio>> {
        match self.stems.get(path) {
            Some(StemState::Ready(a)) => Some(a.clone()),
            _ => None,
        }
    }

    /// The state of a file.
    pub fn state(&self, path: &Path) -> Option<&StemState> {
        self.stems.get(path)
    }

    /// Why a file is offline, if it is.
    pub fn offline_reason(&self, path: &Path) -> Option<&str> {
        match self.stems.get(path) {
            Some(StemState::Offline(r)) => Some(r),
            _ => None,
        }
    }

    /// Whether decoding is under way.
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// (files loading, overall fraction) while decoding.
    pub fn progress(&self) -> Option<(usize, f32)> {
        let loading: Vec<f32> = self
            .stems
            .values()
            .filter_map(|s| match s {
                StemState::Loading(f) => Some(*f),
                _ => None,
            })
            .collect();
        (!loading.is_empty()).then(|| {
            (
                loading.len(),
                loading.iter().sum::<f32>() / loading.len() as f32,
            )
        })
    }

    /// Starts decoding the files not decoded or decoding yet, at `rate`, on worker threads.
    pub fn decode(&mut self, paths: Vec<PathBuf>, rate: u32) {
        let mut todo: Vec<PathBuf> = Vec::new();
        for p in paths {
            if self.stems.contains_key(&p) || todo.contains(&p) {
                continue;
            }
            if p.as_os_str().is_empty() {
                self.stems
                    .insert(p, StemState::Offline("the track has no audio file".into()));
                continue;
            }
            self.stems.insert(p.clone(), StemState::Loading(0.0));
            todo.push(p);
        }
        if todo.is_empty() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        self.jobs.push(DecodeJob {
            rx,
            remaining: todo.len(),
        });
        std::thread::spawn(move || decode_worker(todo, rate, tx));
    }

    /// Applies what the workers reported; returns the files that finished.
    fn poll(&mut self) -> Vec<Finished> {
        let mut finished = Vec::new();
        let stems = &mut self.stems;
        self.jobs.retain_mut(|job| {
            loop {
                match job.rx.try_recv() {
                    Ok(DecodeEvent::Progress(p, f)) => {
                        if let Some(s @ StemState::Loading(_)) = stems.get_mut(&p) {
                            *s = StemState::Loading(f);
                        }
                    }
                    Ok(DecodeEvent::Done(p, r)) => {
                        job.remaining = job.remaining.saturating_sub(1);
                        match r {
                            Ok(stem) => {
                                let warnings = stem.warnings.clone();
                                stems.insert(p.clone(), StemState::Ready(Arc::new(stem)));
                                finished.push((p, Ok(warnings)));
                            }
                            Err(e) => {
                                stems.insert(p.clone(), StemState::Offline(e.clone()));
                                finished.push((p, Err(e)));
                            }
                        }
                    }
                    Err(mpsc::TryRecvError::Empty) => return job.remaining > 0,
                    Err(mpsc::TryRecvError::Disconnected) => return false,
                }
            }
        });
        // A worker that vanished without reporting leaves its files offline, not loading.
        if self.jobs.is_empty() {
            for s in self.stems.values_mut() {
                if matches!(s, StemState::Loading(_)) {
                    *s = StemState::Offline("decoding was interrupted".into());
                }
            }
        }
        finished
    }
}

/// Decodes `paths` on up to one thread per core, one file at a time per thread, reporting each
/// file as soon as it is done.
fn decode_worker(paths: Vec<PathBuf>, rate: u32, tx: mpsc::Sender<DecodeEvent>) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, paths.len().max(1));
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = paths.get(i) else { break };
                    let report = |pr: media::ImportProgress| {
                        let _ = tx.send(DecodeEvent::Progress(p.clone(), pr.overall));
                    };
                    let r = media::import_stems(std::slice::from_ref(p), rate, &report)
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| Err(media::MediaError::Empty { path: p.clone() }))
                        .map_err(|e| e.to_string());
                    if tx.send(DecodeEvent::Done(p.clone(), r)).is_err() {
                        // The app moved on to another project.
                        break;
                    }
                }
            });
        }
    });
}

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq)]
pub enum After {
    /// Start a new project.
    New,
    /// Open a project (`None`: ask which).
    Open(Option<PathBuf>),
    /// Quit.
    Quit,
    /// Restore the n-th recovery.
    Restore(usize),
}

/// What a file dialog was for.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    /// Open a project.
    OpenProject,
    /// Save under a new name, then continue with `After`.
    SaveAs(Option<After>),
    /// Audio files to add.
    AddStems,
    /// A folder of audio files to add.
    AddFolder,
    /// The new location of a track's stem.
    Locate(TrackId),
    /// The WAV file to bounce to.
    BounceTo,
}

impl Purpose {
    fn question(&self) -> &'static str {
        match self {
            Purpose::OpenProject => "Path of the project to open (.stemmix):",
            Purpose::SaveAs(_) => "Save the project as (.stemmix):",
            Purpose::AddStems => "Path of an audio file to add:",
            Purpose::AddFolder => "Path of a folder of audio files to add:",
            Purpose::Locate(_) => "New path of this track's audio file:",
            Purpose::BounceTo => "Bounce to (.wav):",
        }
    }
}

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

/// The unsaved-changes prompt.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    /// What waits for the answer.
    pub after: After,
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

/// What the file actions send.
#[derive(Clone, Debug, PartialEq)]
pub enum FileMsg {
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
}

/// Opens a file dialog for `purpose` as a task.
pub(crate) fn dialog(
    purpose: Purpose,
    dir: Option<PathBuf>,
    name: Option<String>,
) -> Task<Message> {
    let mut d = rfd::AsyncFileDialog::new();
    if let Some(dir) = dir {
        d = d.set_directory(dir);
    }
    if let Some(name) = name {
        d = d.set_file_name(name);
    }
    let audio: Vec<&str> = [
        "wav", "aif", "aiff", "flac", "mp3", "ogg", "m4a", "mp4", "caf", "aac", "opus", "wv",
    ]
    .to_vec();
    let p = purpose.clone();
    let fut = async move {
        let started = Instant::now();
        let paths: Option<Vec<PathBuf>> = match &p {
            Purpose::OpenProject => d
                .set_title("Open project")
                .add_filter("stemmix project", &[project::file::EXTENSION])
                .pick_file()
                .await
                .map(|f| vec![f.path().to_path_buf()]),
            Purpose::SaveAs(_) => d
                .set_title("Save project as")
                .add_filter("stemmix project", &[project::file::EXTENSION])
                .save_file()
                .await
                .map(|f| vec![f.path().to_path_buf()]),
            Purpose::AddStems => d
                .set_title("Add stems")
                .add_filter("Audio", &audio)
                .pick_files()
                .await
                .map(|fs| fs.iter().map(|f| f.path().to_path_buf()).collect()),
            Purpose::AddFolder => d
                .set_title("Add a folder of stems")
                .pick_folder()
                .await
                .map(|f| vec![f.path().to_path_buf()]),
            Purpose::Locate(_) => d
                .set_title("Locate the stem")
                .add_filter("Audio", &audio)
                .pick_file()
                .await
                .map(|f| vec![f.path().to_path_buf()]),
            Purpose::BounceTo => d
                .set_title("Bounce to")
                .add_filter("WAV", &["wav"])
                .save_file()
                .await
                .map(|f| vec![f.path().to_path_buf()]),
        };
        (paths, started.elapsed() < NO_DIALOG)
    };
    Task::perform(fut, move |(paths, instant)| {
        Message::File(FileMsg::Picked(purpose.clone(), paths, instant))
    })
}

/// `path` with the `.stemmix` extension when it has none.
fn with_extension(path: PathBuf, ext: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(ext)
    }
}

impl App {
    fn project_dir(&self) -> Option<PathBuf> {
        self.path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
    }

    pub(crate) fn file(&mut self, m: FileMsg) -> Task<Message> {
        match m {
            FileMsg::New => return self.guard(After::New),
            FileMsg::Open => return self.guard(After::Open(None)),
            FileMsg::OpenPath(p) => return self.guard(After::Open(Some(p))),
            FileMsg::OpenRecent(e) => {
                self.recent_open = false;
                return self.guard(After::Open(Some(e.0)));
            }
            FileMsg::ToggleRecent => self.recent_open = !self.recent_open,
            FileMsg::Save => return self.save(None),
            FileMsg::SaveAs => return self.save_as(None),
            FileMsg::AddStems => return dialog(Purpose::AddStems, self.project_dir(), None),
            FileMsg::AddFolder => return dialog(Purpose::AddFolder, self.project_dir(), None),
            FileMsg::Locate(id) => {
                let dir = self
                    .project
                    .track(id)
                    .and_then(|t| t.source.parent().map(Path::to_path_buf))
                    .filter(|d| d.is_dir())
                    .or_else(|| self.project_dir());
                return dialog(Purpose::Locate(id), dir, None);
            }
            FileMsg::Picked(purpose, paths, instant) => match paths {
                Some(paths) if !paths.is_empty() => return self.picked(purpose, paths),
                _ => {
                    if instant && purpose != Purpose::BounceTo {
                        // No dialog could be shown: ask for a typed path instead.
                        self.path_prompt = Some(PathPrompt {
                            text: self
                                .project_dir()
                                .map(|d| format!("{}/", d.display()))
                                .unwrap_or_default(),
                            purpose,
                        });
                        return iced::widget::operation::focus(PATH_INPUT_ID);
                    }
                }
            },
            FileMsg::Dropped(path) => self.dropped(path),
            FileMsg::Prompt(choice) => return self.prompt_answer(choice),
            FileMsg::PathInput(s) => {
                if let Some(p) = &mut self.path_prompt {
                    p.text = s;
                }
            }
            FileMsg::PathSubmit => {
                if let Some(p) = self.path_prompt.take() {
                    let text = p.text.trim();
                    if text.is_empty() {
                        return Task::none();
                    }
                    let path = expand_home(text);
                    return self.picked(p.purpose, vec![path]);
                }
            }
            FileMsg::PathCancel => self.path_prompt = None,
            FileMsg::Restore(i) => return self.guard(After::Restore(i)),
            FileMsg::DiscardRecovery(i) => {
                if i < self.recoveries.len() {
                    let r = self.recoveries.remove(i);
                    autosave::discard_recovery(&r);
                }
            }
        }
        Task::none()
    }

    /// A dialog (or the typed-path box) gave `paths` for `purpose`.
    fn picked(&mut self, purpose: Purpose, paths: Vec<PathBuf>) -> Task<Message> {
        let Some(first) = paths.first().cloned() else {
            return Task::none();
        };
        match purpose {
            Purpose::OpenProject => self.open_path(&first),
            Purpose::SaveAs(after) => {
                let path = with_extension(first, project::file::EXTENSION);
                if self.save_to(path) {
                    return after.map_or_else(Task::none, |a| self.continue_after(a));
                }
            }
            Purpose::AddStems => self.add_stems(paths, None),
            Purpose::AddFolder => self.add_folder(&first),
            Purpose::Locate(id) => self.locate(id, first),
            Purpose::BounceTo => {
                return self.bounce_msg(BounceMsg::PathChosen(first));
            }
        }
        Task::none()
    }

    /// Runs `after` now, or first asks about unsaved changes.
    pub(crate) fn guard(&mut self, after: After) -> Task<Message> {
        if self.dirty {
            self.prompt = Some(Prompt { after });
            Task::none()
        } else {
            self.continue_after(after)
        }
    }

    fn continue_after(&mut self, after: After) -> Task<Message> {
        self.prompt = None;
        match after {
            After::New => {
                self.close_session();
                self.replace_project(Project::default(), None);
                self.notices
                    .info("New project: add stems with Ctrl+I or drop audio files here.");
            }
            After::Open(Some(p)) => self.open_path(&p),
            After::Open(None) => return dialog(Purpose::OpenProject, self.project_dir(), None),
            After::Quit => return self.quit(),
            After::Restore(i) => self.restore(i),
        }
        Task::none()
    }

    /// Forgets the autosave of the project being closed (saved or discarded by now).
    fn close_session(&mut self) {
        if let Some(a) = &self.autosaver {
            a.clear();
        }
    }

    /// Opens the project at `path`; a failure leaves the current one open and says why.
    pub fn open_path(&mut self, path: &Path) {
        match project::load(path) {
            Ok(p) => {
                self.close_session();
                let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
                self.replace_project(p, Some(path.clone()));
                self.touch_recent(&path);
            }
            Err(e) => self
                .notices
                .error(format!("Could not open the project: {e}")),
        }
    }

    fn touch_recent(&mut self, path: &Path) {
        self.recent.touch(path);
        if let Some(d) = &self.dirs
            && let Err(e) = self.recent.save(&d.config)
        {
            self.notices
                .warn(format!("Could not update the recent projects list: {e}"));
        }
    }

    fn save(&mut self, after: Option<After>) -> Task<Message> {
        match self.path.clone() {
            Some(p) => {
                if self.save_to(p) {
                    return after.map_or_else(Task::none, |a| self.continue_after(a));
                }
                Task::none()
            }
            None => self.save_as(after),
        }
    }

    fn save_as(&mut self, after: Option<After>) -> Task<Message> {
        let name = format!("{}.{}", self.project_name(), project::file::EXTENSION);
        dialog(Purpose::SaveAs(after), self.project_dir(), Some(name))
    }

    /// Saves to `path`; says so (or why not). Returns whether it worked.
    pub fn save_to(&mut self, path: PathBuf) -> bool {
        match project::save(&self.project, &path) {
            Ok(()) => {
                let path = std::path::absolute(&path).unwrap_or(path);
                self.path = Some(path.clone());
                self.saved = self.project.clone();
                self.refresh_dirty();
                self.touch_recent(&path);
                self.close_session();
                self.autosaved_revision = self.revision;
                self.notices.info(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                self.notices.error(format!("Could not save: {e}"));
                false
            }
        }
    }

    fn prompt_answer(&mut self, choice: PromptChoice) -> Task<Message> {
        let Some(p) = self.prompt.take() else {
            return Task::none();
        };
        match choice {
            PromptChoice::Save => self.save(Some(p.after)),
            PromptChoice::Discard => {
                self.close_session();
                self.continue_after(p.after)
            }
            PromptChoice::Cancel => Task::none(),
        }
    }

    /// The close button: asks about unsaved changes first.
    pub(crate) fn request_quit(&mut self) -> Task<Message> {
        self.guard(After::Quit)
    }

    fn quit(&mut self) -> Task<Message> {
        self.close_session();
        self.bounce.cancel();
        self.quitting = true;
        iced::exit()
    }

    /// Adds one track per audio file (one undo step) and starts decoding them.
    pub fn add_stems(&mut self, paths: Vec<PathBuf>, gesture: Option<Gesture>) {
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .collect();
        if paths.is_empty() {
            return;
        }
        let first_new = self.project.tracks.len();
        let n = paths.len();
        let label = if n == 1 {
            "add a stem".to_string()
        } else {
            format!("add {n} stems")
        };
        let mut new_ids = Vec::new();
        self.edit(gesture, label, |p| {
            for (i, path) in paths.iter().enumerate() {
                let mut t = Track::for_source(path.clone());
                t.color = Color::nth(first_new + i);
                new_ids.push(t.id);
                p.tracks.push(t);
            }
        });
        if let Some(id) = new_ids.first() {
            self.selection = Some(Selection::Track(*id));
        }
        self.media.decode(paths, self.project.sample_rate);
    }

    /// Adds every audio file directly in `dir`, sorted by name.
    pub fn add_folder(&mut self, dir: &Path) {
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && media::is_audio_extension(p))
                    .collect();
                files.sort();
                if files.is_empty() {
                    self.notices
                        .warn(format!("{}: no audio files in this folder", dir.display()));
                } else {
                    self.add_stems(files, None);
                }
            }
            Err(e) => self
                .notices
                .error(format!("Could not read the folder {}: {e}", dir.display())),
        }
    }

    fn dropped(&mut self, path: PathBuf) {
        let is_project = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(project::file::EXTENSION));
        if is_project {
            let _ = self.guard(After::Open(Some(path)));
        } else if path.is_dir() {
            self.add_folder(&path);
        } else if media::is_audio_extension(&path) {
            // Files dropped together arrive one by one: keep them one undo step.
            let now = Instant::now();
            let together = self
                .last_drop
                .is_some_and(|t| now.duration_since(t) < Duration::from_millis(500));
            if !together && self.gesture == Some(Gesture::Drop) {
                self.gesture = None;
            }
            self.last_drop = Some(now);
            self.add_stems(vec![path], Some(Gesture::Drop));
        } else {
            self.notices.warn(format!(
                "{}: not an audio file or a stemmix project",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into()
                ),
            ));
        }
    }

    /// Points an (offline) track at another file and decodes it.
    pub fn locate(&mut self, id: TrackId, path: PathBuf) {
        let path = std::path::absolute(&path).unwrap_or(path);
        self.edit(None, "locate stem", |p| {
            if let Some(t) = p.track_mut(id) {
                t.source = path.clone();
            }
        });
        self.media.decode(vec![path], self.project.sample_rate);
    }

    fn restore(&mut self, i: usize) {
        if i >= self.recoveries.len() {
            return;
        }
        let r = self.recoveries.remove(i);
        match autosave::load_recovery(&r) {
            Ok(p) => {
                self.close_session();
                let path = r.info.project_path.clone();
                // "Unsaved" is measured against the file on disk, if there is one.
                let on_disk = path.as_deref().and_then(|p| project::load(p).ok());
                self.replace_project(p, path);
                if let Some(d) = on_disk {
                    self.saved = d;
                } else {
                    self.saved = Project::default();
                }
                self.refresh_dirty();
                autosave::discard_recovery(&r);
                self.autosave_now();
                self.notices
                    .info("Restored the unsaved changes. Save to keep them.");
            }
            Err(e) => self
                .notices
                .error(format!("Could not restore the autosave: {e}")),
        }
    }

    pub(crate) fn poll_decoding(&mut self) {
        for (path, result) in self.media.poll() {
            match result {
                Ok(warnings) => {
                    for w in warnings {
                        self.notices.warn(w);
                    }
                    let ids: Vec<TrackId> = self
                        .project
                        .tracks
                        .iter()
                        .filter(|t| t.source == path)
                        .map(|t| t.id)
                        .collect();
                    for id in ids {
                        let media = &self.media;
                        self.link
                            .stem_loaded(&self.project, id, &|t| media.audio(&t.source));
                    }
                }
                Err(reason) => {
                    if self.project.tracks.iter().any(|t| t.source == path) {
                        self.notices.warn(format!(
                            "{reason}. The track is offline; its settings are kept."
                        ));
                    }
                }
            }
        }
    }
}

fn expand_home(text: &str) -> PathBuf {
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(text)
}

/// A small menu button with a tooltip.
fn menu_button<'a>(label: &'a str, tip: &'a str, message: Option<Message>) -> Element<'a, Message> {
    tooltip(
        button(text(label).size(12))
            .on_press_maybe(message)
            .padding([4, 10])
            .style(theme::action_button),
        container(text(tip).size(12))
            .padding([4, 8])
            .style(theme::panel),
        tooltip::Position::Bottom,
    )
    .into()
}

fn separator<'a>() -> Element<'a, Message> {
    container(Space::new().width(1).height(18))
        .style(|_| container::Style {
            background: Some(theme::BORDER.into()),
            ..container::Style::default()
        })
        .into()
}

/// The menu bar: project files, stems, undo, bounce, help.
pub fn menu_bar(app: &App) -> Element<'_, Message> {
    let recent: Vec<RecentEntry> = app
        .recent
        .paths
        .iter()
        .filter(|p| Some(p.as_path()) != app.path.as_deref())
        .cloned()
        .map(RecentEntry)
        .collect();
    // A button and a list of our own rather than a pick list: a pick list's text is repainted
    // with every meter frame by the software renderer.
    let recent_list = menu_button(
        "Recent…",
        "Recently opened projects",
        (!recent.is_empty()).then_some(Message::File(FileMsg::ToggleRecent)),
    );
    let undo_tip = app
        .history
        .undo_label()
        .map_or_else(|| tip::UNDO.to_string(), |l| format!("Undo {l} (Ctrl+Z)"));
    let redo_tip = app.history.redo_label().map_or_else(
        || tip::REDO.to_string(),
        |l| format!("Redo {l} (Ctrl+Shift+Z)"),
    );
    let bar = row![
        text("stemmix").size(14).color(theme::ACCENT),
        separator(),
        menu_button("New", tip::NEW, Some(Message::File(FileMsg::New))),
        menu_button("Open…", tip::OPEN, Some(Message::File(FileMsg::Open))),
        recent_list,
        menu_button("Save", tip::SAVE, Some(Message::File(FileMsg::Save))),
        menu_button(
            "Save as…",
            tip::SAVE_AS,
            Some(Message::File(FileMsg::SaveAs))
        ),
        separator(),
        menu_button(
            "Add stems…",
            tip::ADD_STEMS,
            Some(Message::File(FileMsg::AddStems))
        ),
        menu_button(
            "Add folder…",
            tip::ADD_FOLDER,
            Some(Message::File(FileMsg::AddFolder))
        ),
        separator(),
        tooltip(
            button(text("Undo").size(12))
                .on_press_maybe(app.history.undo_label().map(|_| Message::Undo))
                .padding([4, 10])
                .style(theme::action_button),
            container(text(undo_tip).size(12))
                .padding([4, 8])
                .style(theme::panel),
            tooltip::Position::Bottom,
        ),
        tooltip(
            button(text("Redo").size(12))
                .on_press_maybe(app.history.redo_label().map(|_| Message::Redo))
                .padding([4, 10])
                .style(theme::action_button),
            container(text(redo_tip).size(12))
                .padding([4, 8])
                .style(theme::panel),
            tooltip::Position::Bottom,
        ),
        separator(),
        menu_button(
            "Bounce…",
            tip::BOUNCE,
            Some(Message::Bounce(BounceMsg::Open))
        ),
        space::horizontal(),
        text(format!(
            "{}{}",
            app.project_name(),
            if app.dirty { " • unsaved" } else { "" }
        ))
        .size(12)
        .color(if app.dirty {
            theme::MUTE
        } else {
            theme::TEXT_DIM
        }),
        menu_button("?", tip::HELP, Some(Message::ToggleHelp)),
    ]
    .spacing(6)
    .align_y(Alignment::Center);
    container(bar)
        .padding([4, 12])
        .width(Fill)
        .style(|_| container::Style {
            background: Some(theme::darken(theme::PANEL_BG, 0.25).into()),
            text_color: Some(theme::TEXT),
            ..container::Style::default()
        })
        .into()
}

fn ago(saved_at: u64) -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let s = now.saturating_sub(saved_at);
    match s {
        0..=59 => "less than a minute ago".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=172_799 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// The offer to restore an autosave left by a session that did not close properly.
pub fn recovery_banner(app: &App) -> Element<'_, Message> {
    let Some(r) = app.recoveries.first() else {
        return Space::new().height(0).into();
    };
    let name = r
        .info
        .project_path
        .as_ref()
        .and_then(|p| p.file_stem())
        .map_or_else(
            || "an untitled project".into(),
            |s| format!("“{}”", s.to_string_lossy()),
        );
    let more = if app.recoveries.len() > 1 {
        format!(" ({} more after this one)", app.recoveries.len() - 1)
    } else {
        String::new()
    };
    container(
        row![
            text(format!(
                "stemmix did not close properly. Unsaved changes to {name} from {} can be restored.{more}",
                ago(r.info.saved_at)
            ))
            .size(13)
            .width(Fill),
            container(
                button(text("Restore").size(12))
                    .on_press(Message::File(FileMsg::Restore(0)))
                    .padding([4, 12])
                    .style(|t, s| theme::toggle_button(true, theme::WARNING)(t, s))
            )
            .id("recovery-restore"),
            container(
                button(text("Discard").size(12))
                    .on_press(Message::File(FileMsg::DiscardRecovery(0)))
                    .padding([4, 12])
                    .style(theme::action_button)
            )
            .id("recovery-discard"),
        ]
        .spacing(8)
        .align_y(Alignment::Center),
    )
    .padding([6, 12])
    .width(Fill)
    .style(theme::notice(false))
    .into()
}

/// The bottom line: file, background work, engine status.
pub fn status_bar(app: &App) -> Element<'_, Message> {
    let file = app
        .path
        .as_ref()
        .map_or_else(|| "not saved yet".into(), |p| p.display().to_string());
    let mut items = row![
        text(file)
            .size(11)
            .color(theme::TEXT_DIM)
            .wrapping(iced::widget::text::Wrapping::None)
    ]
    .spacing(12)
    .align_y(Alignment::Center);
    items = items.push(space::horizontal());
    if let Some((n, f)) = app.media.progress() {
        items = items.push(
            text(format!(
                "Decoding {n} stem{}…",
                if n == 1 { "" } else { "s" }
            ))
            .size(11),
        );
        items = items.push(
            progress_bar(0.0..=1.0, f)
                .length(Length::Fixed(160.0))
                .girth(6),
        );
    }
    if let Some(p) = app.bounce.progress() {
        items = items.push(text("Bouncing…").size(11));
        items = items.push(
            progress_bar(0.0..=1.0, p)
                .length(Length::Fixed(160.0))
                .girth(6),
        );
    }
    items = items.push(
        text(app.link.view().status.as_str())
            .size(11)
            .color(theme::TEXT_DIM),
    );
    container(items)
        .padding([3, 12])
        .width(Fill)
        .style(theme::panel)
        .into()
}

fn card<'a>(content: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    container(
        container(content)
            .padding(18)
            .max_width(560)
            .style(theme::card),
    )
    .center(Fill)
    .style(|_| container::Style {
        background: Some(iced::Color::from_rgba(0.0, 0.0, 0.0, 0.45).into()),
        ..container::Style::default()
    })
    .into()
}

/// The recent-projects list under its menu button, when open.
pub fn recent_view(app: &App) -> Option<Element<'_, Message>> {
    if !app.recent_open {
        return None;
    }
    let entries = app
        .recent
        .paths
        .iter()
        .filter(|p| Some(p.as_path()) != app.path.as_deref())
        .cloned()
        .map(|p| {
            let e = RecentEntry(p);
            button(text(e.to_string()).size(12))
                .on_press(Message::File(FileMsg::OpenRecent(e)))
                .padding([4, 10])
                .width(Fill)
                .style(theme::action_button)
                .into()
        });
    let list = container(column(entries).spacing(2).width(420))
        .padding(6)
        .style(theme::panel);
    Some(
        iced::widget::mouse_area(
            container(list)
                .padding(iced::Padding {
                    top: 34.0,
                    left: 190.0,
                    right: 0.0,
                    bottom: 0.0,
                })
                .width(Fill)
                .height(Fill),
        )
        .on_press(Message::File(FileMsg::ToggleRecent))
        .into(),
    )
}

/// The unsaved-changes prompt, if asked.
pub fn prompt_view(app: &App) -> Option<Element<'_, Message>> {
    let p = app.prompt.as_ref()?;
    let doing = match &p.after {
        After::New => "starting a new project",
        After::Open(_) => "opening another project",
        After::Quit => "quitting",
        After::Restore(_) => "restoring the autosave",
    };
    let b = |label: &'static str, id: &'static str, choice, primary: bool| {
        container(
            button(text(label).size(13))
                .on_press(Message::File(FileMsg::Prompt(choice)))
                .padding([6, 16])
                .style(move |t, s| {
                    if primary {
                        theme::toggle_button(true, theme::ACCENT)(t, s)
                    } else {
                        theme::action_button(t, s)
                    }
                }),
        )
        .id(id)
    };
    Some(card(
        column![
            text(format!(
                "Save the changes to “{}” before {doing}?",
                app.project_name()
            ))
            .size(15),
            text("Your changes will be lost if you don't save them.")
                .size(12)
                .color(theme::TEXT_DIM),
            row![
                b("Don't save", "prompt-discard", PromptChoice::Discard, false),
                space::horizontal(),
                b("Cancel", "prompt-cancel", PromptChoice::Cancel, false),
                b("Save", "prompt-save", PromptChoice::Save, true),
            ]
            .spacing(8),
        ]
        .spacing(12)
        .width(460),
    ))
}

/// The typed-path box, if no file dialog was available.
pub fn path_prompt_view(app: &App) -> Option<Element<'_, Message>> {
    let p = app.path_prompt.as_ref()?;
    Some(card(
        column![
            text("No file dialog is available on this system.")
                .size(12)
                .color(theme::TEXT_DIM),
            text(p.purpose.question()).size(14),
            text_input("/path/to/file", &p.text)
                .id(PATH_INPUT_ID)
                .on_input(|s| Message::File(FileMsg::PathInput(s)))
                .on_submit(Message::File(FileMsg::PathSubmit))
                .size(13)
                .padding(6),
            row![
                space::horizontal(),
                button(text("Cancel").size(13))
                    .on_press(Message::File(FileMsg::PathCancel))
                    .padding([6, 16])
                    .style(theme::action_button),
                button(text("OK").size(13))
                    .on_press(Message::File(FileMsg::PathSubmit))
                    .padding([6, 16])
                    .style(|t, s| theme::toggle_button(true, theme::ACCENT)(t, s)),
            ]
            .spacing(8),
        ]
        .spacing(10)
        .width(480),
    ))
}
