//! The mixer window's state, messages and top-level update and view.
//!
//! Every change of the project goes through [`App::edit`] (or undo/redo), which records one
//! undo step per gesture, tells the engine through [`EngineLink::edit`] and marks the project
//! unsaved. Panels live in their own modules (`transport`, `timeline`, `mixer`/`strip`,
//! `editor`, `files`, `bounce_dialog`, `help`, `notices`); each adds its handlers to `App`.

use super::autosave::{self, Autosaver, Recovery};
use super::bounce_dialog::{self, BounceMsg, BounceState};
use super::dirs::AppDirs;
use super::engine_link::EngineLink;
use super::files::{self, FileMsg, Media, PathPrompt, Prompt};
use super::params::{Band, Param, TrackField};
use super::recent::RecentProjects;
use super::timeline::{self, TimelineMsg, TimelineState};
use super::transport::{self, TransportMsg};
use super::{editor, eq_response, help, keys, mixer, notices, theme};
use crate::project::undo::History;
use crate::project::{Color, Detector, Project, Slope, Track, TrackId};
use iced::widget::{column, container, opaque, stack};
use iced::{Element, Fill, Size, Subscription, Task, Theme};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Undo steps kept.
pub const UNDO_LIMIT: usize = 500;
/// Interval of the display tick while playing or while meters fall: 60 Hz, the usual display
/// rate. (`window::frames()` would follow the real display, but with the software renderer
/// nothing paces it and it would spin.)
pub const FRAME: Duration = Duration::from_micros(16_667);
/// Interval of the tick that only watches background jobs (decoding, bouncing).
pub const JOB_POLL: Duration = Duration::from_millis(50);

/// What is selected: a channel strip, the reverb return or the master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A track's strip.
    Track(TrackId),
    /// The reverb return strip.
    Reverb,
    /// The master strip.
    Master,
}

/// A continuous gesture: edits with the same gesture make one undo step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    /// A control being dragged.
    Param(Param),
    /// The loop region being dragged.
    Loop,
    /// A track name being typed.
    Rename(TrackId),
    /// Files dropped on the window in one go.
    Drop,
    /// A marker name being typed.
    Marker(usize),
}

/// An on/off switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggle {
    /// Track mute.
    Mute(TrackId),
    /// Track solo.
    Solo(TrackId),
    /// Track polarity inversion.
    Polarity(TrackId),
    /// Reverb send before the fader.
    SendPre(TrackId),
    /// The whole EQ of a strip (off remembers which bands were on).
    Eq(TrackId),
    /// One EQ band.
    Band(TrackId, Band),
    /// The compressor.
    Compressor(TrackId),
    /// Reverb return mute.
    ReverbMute,
    /// The master limiter.
    Limiter,
}

/// A choice from a list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Choice {
    /// Pass-filter slope.
    Slope(TrackId, Band, Slope),
    /// Compressor detector.
    Detector(TrackId, Detector),
    /// Track colour.
    Color(TrackId, Color),
    /// Project sample rate (stems are decoded again at the new rate).
    SampleRate(u32),
}

/// Typing a value into a control.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeMsg {
    /// Start typing the value of this parameter.
    Begin(Param),
    /// The text changed.
    Input(String),
    /// Enter: apply.
    Submit,
    /// Give up.
    Cancel,
}

/// The value being typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Typing {
    /// Which parameter.
    pub param: Param,
    /// The text so far.
    pub text: String,
    /// The last submit did not parse.
    pub invalid: bool,
}

/// Widget id of the typing box.
pub const TYPING_ID: &str = "typing";

/// Everything the window can be told.
#[derive(Debug, Clone)]
pub enum Message {
    /// A control moved (part of a gesture).
    Set(Param, f32),
    /// A control's gesture ended.
    Release(Param),
    /// A switch was clicked.
    Toggle(Toggle),
    /// A list choice.
    Choose(Choice),
    /// Typing a value.
    Type(TypeMsg),
    /// Select a strip.
    Select(Selection),
    /// Move the selection by this many strips (arrow keys).
    SelectStep(i32),
    /// A track's name is being edited.
    Rename(TrackId, String),
    /// The name edit is finished.
    RenameDone,
    /// Remove a track.
    RemoveTrack(TrackId),
    /// Nudge the selected strip's fader by dB (arrow keys).
    Nudge(f32),
    /// Mute the selected strip (M).
    MuteSelected,
    /// Solo the selected strip (S).
    SoloSelected,
    /// Add a marker at the playhead.
    AddMarker,
    /// A marker's name is being edited.
    MarkerName(usize, String),
    /// The marker name edit is finished.
    MarkerNameDone,
    /// Move a marker to the playhead.
    MoveMarker(usize),
    /// Remove a marker.
    RemoveMarker(usize),
    /// Move the playhead to a marker.
    GoToMarker(usize),
    /// Clear a latched clip light (`None`: master).
    ClearClip(Option<TrackId>),
    /// Clear all peak holds, clip lights and the integrated loudness.
    ResetMeters,
    /// Transport bar.
    Transport(TransportMsg),
    /// Timeline.
    Timeline(TimelineMsg),
    /// Files: projects, stems, dialogs, prompts, recovery.
    File(FileMsg),
    /// The bounce panel.
    Bounce(BounceMsg),
    /// Dismiss a notice.
    DismissNotice(u64),
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Display frame (or job poll) tick.
    Tick(Instant),
    /// Autosave timer.
    Autosave,
    /// Expire old notices.
    NoticeTick,
    /// The window's close button.
    CloseRequested,
    /// The window was resized.
    Resized(Size),
    /// Escape: close whatever is open.
    Escape,
    /// Nothing (for controls that must swallow clicks).
    Noop,
}

/// Remembered between edits for crash autosave (a panic or Ctrl+C writes it).
#[derive(Clone, Debug, Default)]
pub struct CrashState {
    /// The project as edited.
    pub project: Option<Project>,
    /// Its file.
    pub path: Option<PathBuf>,
    /// Whether it had unsaved changes.
    pub dirty: bool,
}

/// The mixer window.
pub struct App {
    pub(crate) project: Project,
    pub(crate) path: Option<PathBuf>,
    /// The project as last saved or opened (for the unsaved marker).
    pub(crate) saved: Project,
    pub(crate) dirty: bool,
    pub(crate) history: History<Project>,
    pub(crate) gesture: Option<Gesture>,
    pub(crate) last_drop: Option<Instant>,
    pub(crate) link: EngineLink,
    /// Whether the user started the transport (the engine may report it later).
    pub(crate) running: bool,
    pub(crate) media: Media,
    pub(crate) selection: Option<Selection>,
    pub(crate) timeline: TimelineState,
    pub(crate) typing: Option<Typing>,
    pub(crate) notices: notices::Notices,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) path_prompt: Option<PathPrompt>,
    pub(crate) recoveries: Vec<Recovery>,
    pub(crate) help: bool,
    pub(crate) recent_open: bool,
    pub(crate) bounce: BounceState,
    pub(crate) dirs: Option<AppDirs>,
    pub(crate) recent: RecentProjects,
    pub(crate) autosaver: Option<Autosaver>,
    /// Edit counter, and its value at the last autosave.
    pub(crate) revision: u64,
    pub(crate) autosaved_revision: u64,
    /// Bands that were on when a strip's EQ button switched them all off.
    pub(crate) eq_memory: HashMap<TrackId, Vec<Band>>,
    /// EQ curves per track: (small preview, editor curve).
    pub(crate) curves: HashMap<TrackId, (Vec<f32>, Vec<f32>)>,
    pub(crate) window: Size,
    pub(crate) crash: Option<Arc<Mutex<CrashState>>>,
    pub(crate) quitting: bool,
    /// The loudness figures as shown: refreshed a few times a second, readable while playing.
    pub(crate) shown_loudness: super::engine_link::Loudness,
    pub(crate) loudness_shown_at: Instant,
}

/// How often the numeric loudness figures change while playing.
pub const FIGURES_EVERY: Duration = Duration::from_millis(250);

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("path", &self.path)
            .field("dirty", &self.dirty)
            .field("tracks", &self.project.tracks.len())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An empty, unsaved project. `dirs` (None: no recent list and no autosave) and the engine
    /// link are the caller's; no window is needed.
    pub fn new(dirs: Option<AppDirs>, link: EngineLink) -> App {
        let recent = dirs
            .as_ref()
            .map(|d| RecentProjects::load(&d.config))
            .unwrap_or_default();
        let autosaver = dirs.as_ref().map(|d| Autosaver::new(&d.autosave_dir()));
        let recoveries = dirs
            .as_ref()
            .map(|d| autosave::find_recoveries(&d.autosave_dir()))
            .unwrap_or_default();
        let mut app = App {
            project: Project::default(),
            path: None,
            saved: Project::default(),
            dirty: false,
            history: History::new(UNDO_LIMIT),
            gesture: None,
            last_drop: None,
            link,
            running: false,
            media: Media::default(),
            selection: None,
            timeline: TimelineState::default(),
            typing: None,
            notices: notices::Notices::default(),
            prompt: None,
            path_prompt: None,
            recoveries,
            help: false,
            recent_open: false,
            bounce: BounceState::default(),
            dirs,
            recent,
            autosaver,
            revision: 0,
            autosaved_revision: 0,
            eq_memory: HashMap::new(),
            curves: HashMap::new(),
            window: Size::new(1440.0, 900.0),
            crash: None,
            quitting: false,
            shown_loudness: Default::default(),
            loudness_shown_at: Instant::now(),
        };
        let p = Project::default();
        app.replace_project(p, None);
        app
    }

    /// A window state showing `project` (as if opened from `path`), its stems decoding in the
    /// background. For tests and for starting the app.
    pub fn with_project(
        project: Project,
        path: Option<PathBuf>,
        dirs: Option<AppDirs>,
        link: EngineLink,
    ) -> App {
        let mut app = App::new(dirs, link);
        app.replace_project(project, path);
        app
    }

    /// The project as edited.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The project's file, if it has one.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// What is selected.
    pub fn selection(&self) -> Option<Selection> {
        self.selection
    }

    /// Number of undo steps.
    pub fn undo_steps(&self) -> usize {
        self.history.undo_len()
    }

    /// The texts of the notices on screen.
    pub fn notice_texts(&self) -> Vec<String> {
        self.notices.texts()
    }

    /// Whether the unsaved-changes prompt is showing.
    pub fn is_prompting(&self) -> bool {
        self.prompt.is_some()
    }

    /// Whether the app has asked the runtime to exit.
    pub fn is_quitting(&self) -> bool {
        self.quitting
    }

    /// Autosaves found at start-up that can be restored.
    pub fn recoveries(&self) -> &[Recovery] {
        &self.recoveries
    }

    /// The engine link (tests read its view).
    pub fn link(&self) -> &EngineLink {
        &self.link
    }

    /// The offline reason of a track's stem, if it is offline.
    pub fn offline_reason(&self, id: TrackId) -> Option<&str> {
        let t = self.project.track(id)?;
        self.media.offline_reason(&t.source)
    }

    /// Keeps a copy of the project that a panic or Ctrl+C handler can autosave.
    pub fn set_crash_state(&mut self, crash: Arc<Mutex<CrashState>>) {
        self.crash = Some(crash);
        self.update_crash_state();
    }

    /// Waits (up to `timeout`) for background decoding and bouncing to finish, applying their
    /// results; returns whether everything finished. The window does this on its ticks.
    pub fn wait_for_jobs(&mut self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.poll_jobs();
            if !self.media.busy() && !self.bounce.running() {
                return true;
            }
            if Instant::now() > end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The window title: project name, unsaved marker, app name.
    pub fn title(&self) -> String {
        format!(
            "{}{} — stemmix",
            if self.dirty { "● " } else { "" },
            self.project_name()
        )
    }

    /// The project's name (file name without extension, or "Untitled").
    pub fn project_name(&self) -> String {
        self.path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(|| "Untitled".into(), |s| s.to_string_lossy().into_owned())
    }

    /// The theme.
    pub fn theme(&self) -> Theme {
        theme::theme()
    }

    /// Replaces the project (after New, Open, recovery) and starts decoding its stems.
    pub(crate) fn replace_project(&mut self, project: Project, path: Option<PathBuf>) {
        self.saved = project.clone();
        self.project = project;
        self.path = path;
        self.history.clear();
        self.gesture = None;
        self.typing = None;
        self.eq_memory.clear();
        self.media.reset();
        self.running = false;
        let media = &self.media;
        self.link.load(&self.project, &|t| media.audio(&t.source));
        let sources: Vec<PathBuf> = self
            .project
            .tracks
            .iter()
            .map(|t| t.source.clone())
            .collect();
        self.media.decode(sources, self.project.sample_rate);
        self.selection = self.project.tracks.first().map(|t| Selection::Track(t.id));
        self.timeline = TimelineState::default();
        self.refresh_dirty();
        self.refresh_curves();
        self.revision += 1;
        self.autosaved_revision = self.revision;
        self.update_crash_state();
    }

    /// Applies `f` to the project as one edit: records an undo step (once per `gesture`),
    /// tells the engine, marks the project unsaved. Returns whether anything changed.
    pub(crate) fn edit(
        &mut self,
        gesture: Option<Gesture>,
        label: impl Into<String>,
        f: impl FnOnce(&mut Project),
    ) -> bool {
        let before = self.project.clone();
        f(&mut self.project);
        if self.project == before {
            return false;
        }
        let continuing = gesture.is_some() && self.gesture == gesture;
        if !continuing {
            self.history.record(before.clone(), label);
        }
        self.gesture = gesture;
        self.after_change(&before);
        true
    }

    /// Everything that follows a change of the project from `before`.
    fn after_change(&mut self, before: &Project) {
        if before.sample_rate != self.project.sample_rate {
            // Stems are kept at the project rate: decode them again.
            self.media.reset();
            let sources: Vec<PathBuf> = self
                .project
                .tracks
                .iter()
                .map(|t| t.source.clone())
                .collect();
            self.media.decode(sources, self.project.sample_rate);
        }
        let media = &self.media;
        self.link
            .edit(before, &self.project, &|t| media.audio(&t.source));
        self.revision += 1;
        self.refresh_dirty();
        self.refresh_curves();
        if let Some(Selection::Track(id)) = self.selection
            && self.project.track(id).is_none()
        {
            self.selection = self.project.tracks.first().map(|t| Selection::Track(t.id));
        }
        if let Some(t) = &self.typing
            && t.param.get(&self.project).is_none()
        {
            self.typing = None;
        }
        self.update_crash_state();
    }

    pub(crate) fn refresh_dirty(&mut self) {
        self.dirty = !self.project.same_content(&self.saved);
    }

    pub(crate) fn refresh_curves(&mut self) {
        let rate = self.project.sample_rate;
        self.curves
            .retain(|id, _| self.project.track(*id).is_some());
        for t in &self.project.tracks {
            let small = eq_response::preview(&t.eq, rate, eq_response::PREVIEW_POINTS);
            let big = eq_response::preview(&t.eq, rate, 241);
            self.curves.insert(t.id, (small, big));
        }
    }

    fn update_crash_state(&self) {
        if let Some(c) = &self.crash
            && let Ok(mut c) = c.lock()
        {
            c.project = Some(self.project.clone());
            c.path = self.path.clone();
            c.dirty = self.dirty;
        }
    }

    fn undo(&mut self) {
        if let Some(prev) = self.history.undo(&self.project) {
            let before = std::mem::replace(&mut self.project, prev);
            self.gesture = None;
            self.after_change(&before);
        }
    }

    fn redo(&mut self) {
        if let Some(next) = self.history.redo(&self.project) {
            let before = std::mem::replace(&mut self.project, next);
            self.gesture = None;
            self.after_change(&before);
        }
    }

    /// The strips in mixer order, for arrow-key selection.
    fn strip_order(&self) -> Vec<Selection> {
        let mut v: Vec<Selection> = self
            .project
            .tracks
            .iter()
            .map(|t| Selection::Track(t.id))
            .collect();
        v.push(Selection::Reverb);
        v.push(Selection::Master);
        v
    }

    /// The fader of the selected strip.
    fn selected_fader(&self) -> Option<Param> {
        Some(match self.selection? {
            Selection::Track(id) => Param::Track(id, TrackField::Gain),
            Selection::Reverb => Param::Reverb(super::params::ReverbField::Return),
            Selection::Master => Param::Master(super::params::MasterField::Gain),
        })
    }

    /// Handles a message.
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Set(param, v) => {
                if self.typing.as_ref().is_some_and(|t| t.param != param) {
                    self.typing = None;
                }
                let label = param.describe(&self.project);
                self.edit(Some(Gesture::Param(param)), label, |p| {
                    param.set(p, v);
                });
            }
            Message::Release(param) => {
                if self.gesture == Some(Gesture::Param(param)) {
                    self.gesture = None;
                }
            }
            Message::Toggle(t) => self.toggle(t),
            Message::Choose(c) => self.choose(c),
            Message::Type(m) => return self.typing_msg(m),
            Message::Select(s) => {
                self.selection = Some(s);
            }
            Message::SelectStep(step) => {
                let order = self.strip_order();
                let i = self
                    .selection
                    .and_then(|s| order.iter().position(|o| *o == s))
                    .map_or(0, |i| {
                        (i as i64 + i64::from(step)).clamp(0, order.len() as i64 - 1) as usize
                    });
                self.selection = order.get(i).copied();
            }
            Message::Rename(id, name) => {
                self.edit(Some(Gesture::Rename(id)), "rename track", |p| {
                    if let Some(t) = p.track_mut(id) {
                        t.name = name;
                    }
                });
            }
            Message::RenameDone => {
                if matches!(self.gesture, Some(Gesture::Rename(_))) {
                    self.gesture = None;
                }
            }
            Message::RemoveTrack(id) => {
                let name = self
                    .project
                    .track(id)
                    .map_or_else(String::new, |t| t.name.clone());
                self.edit(None, format!("remove {name}"), |p| {
                    p.tracks.retain(|t| t.id != id);
                });
            }
            Message::Nudge(db) => {
                if let Some(param) = self.selected_fader() {
                    let v = param.get(&self.project).unwrap_or(0.0);
                    let v = if v.is_finite() { v + db } else { -60.0 };
                    let label = param.describe(&self.project);
                    self.edit(None, label, |p| {
                        param.set(p, (v * 10.0).round() / 10.0);
                    });
                }
            }
            Message::MuteSelected => match self.selection {
                Some(Selection::Track(id)) => self.toggle(Toggle::Mute(id)),
                Some(Selection::Reverb) => self.toggle(Toggle::ReverbMute),
                _ => {}
            },
            Message::SoloSelected => {
                if let Some(Selection::Track(id)) = self.selection {
                    self.toggle(Toggle::Solo(id));
                }
            }
            Message::AddMarker => {
                let rate = f64::from(self.project.sample_rate.max(1));
                let time_s = self.link.view().position as f64 / rate;
                let n = self.project.markers.len() + 1;
                self.edit(None, "add marker", |p| {
                    p.markers.push(crate::project::Marker {
                        name: format!("Marker {n}"),
                        time_s,
                    });
                    p.markers.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
                });
            }
            Message::MarkerName(i, name) => {
                self.edit(Some(Gesture::Marker(i)), "rename marker", |p| {
                    if let Some(m) = p.markers.get_mut(i) {
                        m.name = name;
                    }
                });
            }
            Message::MarkerNameDone => {
                if matches!(self.gesture, Some(Gesture::Marker(_))) {
                    self.gesture = None;
                }
            }
            Message::MoveMarker(i) => {
                let rate = f64::from(self.project.sample_rate.max(1));
                let time_s = self.link.view().position as f64 / rate;
                self.edit(None, "move marker", |p| {
                    if let Some(m) = p.markers.get_mut(i) {
                        m.time_s = time_s;
                    }
                    p.markers.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
                });
            }
            Message::RemoveMarker(i) => {
                self.edit(None, "remove marker", |p| {
                    if i < p.markers.len() {
                        p.markers.remove(i);
                    }
                });
            }
            Message::GoToMarker(i) => {
                if let Some(m) = self.project.markers.get(i) {
                    let rate = f64::from(self.project.sample_rate.max(1));
                    let frame = (m.time_s.max(0.0) * rate).round() as u64;
                    self.link.seek(frame);
                    self.timeline.show(frame, self.lanes_width());
                }
            }
            Message::ClearClip(track) => self.link.clear_clip(track),
            Message::ResetMeters => self.link.reset_meters(),
            Message::Transport(m) => self.transport(m),
            Message::Timeline(m) => self.timeline_msg(m),
            Message::File(m) => return self.file(m),
            Message::Bounce(m) => return self.bounce_msg(m),
            Message::DismissNotice(id) => self.notices.dismiss(id),
            Message::ToggleHelp => self.help = !self.help,
            Message::Undo => {
                self.typing = None;
                self.undo();
            }
            Message::Redo => {
                self.typing = None;
                self.redo();
            }
            Message::Tick(_) => self.tick(),
            Message::Autosave => self.autosave(),
            Message::NoticeTick => self.notices.expire(Instant::now()),
            Message::CloseRequested => return self.request_quit(),
            Message::Resized(size) => {
                self.window = size;
            }
            Message::Escape => {
                if !std::mem::take(&mut self.recent_open)
                    && self.typing.take().is_none()
                    && !std::mem::take(&mut self.help)
                    && self.path_prompt.take().is_none()
                    && self.prompt.take().is_none()
                {
                    self.bounce.close_if_idle();
                }
            }
            Message::Noop => {}
        }
        Task::none()
    }

    /// Flips one switch of a track as an undoable edit named "<track>: <what>".
    fn toggle_track(&mut self, id: TrackId, what: &str, flip: fn(&mut Track)) {
        let n = self.project.track(id).map_or("track", |t| t.name.as_str());
        let label = format!("{n}: {what}");
        self.edit(None, label, |p| {
            if let Some(t) = p.track_mut(id) {
                flip(t);
            }
        });
    }

    fn toggle(&mut self, t: Toggle) {
        let name =
            |p: &Project, id: TrackId| p.track(id).map_or("track", |t| t.name.as_str()).to_string();
        match t {
            Toggle::Mute(id) => self.toggle_track(id, "mute", |t| t.mute = !t.mute),
            Toggle::Solo(id) => self.toggle_track(id, "solo", |t| t.solo = !t.solo),
            Toggle::Polarity(id) => {
                self.toggle_track(id, "polarity", |t| t.polarity_invert = !t.polarity_invert)
            }
            Toggle::SendPre(id) => self.toggle_track(id, "send pre/post", |t| {
                t.reverb_send_pre_fader = !t.reverb_send_pre_fader
            }),
            Toggle::Eq(id) => {
                let Some(t) = self.project.track(id) else {
                    return;
                };
                let on: Vec<Band> = Band::ALL
                    .into_iter()
                    .filter(|b| t.eq.band_values(*b).0)
                    .collect();
                let n = t.name.clone();
                if !on.is_empty() {
                    self.eq_memory.insert(id, on);
                    self.edit(None, format!("{n}: EQ off"), |p| {
                        if let Some(t) = p.track_mut(id) {
                            for b in Band::ALL {
                                t.eq.set_enabled(b, false);
                            }
                        }
                    });
                } else if let Some(bands) = self.eq_memory.remove(&id) {
                    self.edit(None, format!("{n}: EQ on"), |p| {
                        if let Some(t) = p.track_mut(id) {
                            for b in bands {
                                t.eq.set_enabled(b, true);
                            }
                        }
                    });
                } else {
                    // Nothing to switch back on: show the bands instead.
                    self.selection = Some(Selection::Track(id));
                }
            }
            Toggle::Band(id, band) => {
                let n = name(&self.project, id);
                self.edit(
                    None,
                    format!("{n}: {} on/off", band.label().to_lowercase()),
                    |p| {
                        if let Some(t) = p.track_mut(id) {
                            let on = t.eq.band_values(band).0;
                            t.eq.set_enabled(band, !on);
                        }
                    },
                );
                self.eq_memory.remove(&id);
            }
            Toggle::Compressor(id) => {
                let n = name(&self.project, id);
                self.edit(None, format!("{n}: compressor on/off"), |p| {
                    if let Some(t) = p.track_mut(id) {
                        t.compressor.enabled = !t.compressor.enabled;
                    }
                });
            }
            Toggle::ReverbMute => {
                self.edit(None, "reverb: mute", |p| p.reverb.mute = !p.reverb.mute);
            }
            Toggle::Limiter => {
                self.edit(None, "master: limiter on/off", |p| {
                    p.master.limiter.enabled = !p.master.limiter.enabled;
                });
            }
        }
    }

    fn choose(&mut self, c: Choice) {
        match c {
            Choice::Slope(id, band, slope) => {
                self.edit(
                    None,
                    format!("{} slope", band.label().to_lowercase()),
                    |p| {
                        if let Some(t) = p.track_mut(id)
                            && let Some(b) = t.eq.pass_mut(band)
                        {
                            b.slope = slope;
                        }
                    },
                );
            }
            Choice::Detector(id, d) => {
                self.edit(None, "compressor detector", |p| {
                    if let Some(t) = p.track_mut(id) {
                        t.compressor.detector = d;
                    }
                });
            }
            Choice::SampleRate(rate) => {
                self.edit(None, "sample rate", |p| p.sample_rate = rate);
            }
            Choice::Color(id, color) => {
                self.edit(None, "track colour", |p| {
                    if let Some(t) = p.track_mut(id) {
                        t.color = color;
                    }
                });
            }
        }
    }

    fn typing_msg(&mut self, m: TypeMsg) -> Task<Message> {
        match m {
            TypeMsg::Begin(param) => {
                let spec = param.spec();
                let Some(v) = param.get(&self.project) else {
                    return Task::none();
                };
                self.typing = Some(Typing {
                    param,
                    text: spec.edit_text(v),
                    invalid: false,
                });
                self.gesture = None;
                return Task::batch([
                    iced::widget::operation::focus(TYPING_ID),
                    iced::widget::operation::select_all(TYPING_ID),
                ]);
            }
            TypeMsg::Input(s) => {
                if let Some(t) = &mut self.typing {
                    t.text = s;
                    t.invalid = false;
                }
            }
            TypeMsg::Submit => {
                let Some(t) = self.typing.clone() else {
                    return Task::none();
                };
                match t.param.spec().parse(&t.text) {
                    Some(v) => {
                        self.typing = None;
                        let label = t.param.describe(&self.project);
                        self.edit(None, label, |p| {
                            t.param.set(p, v);
                        });
                    }
                    None => {
                        if let Some(t) = &mut self.typing {
                            t.invalid = true;
                        }
                    }
                }
            }
            TypeMsg::Cancel => self.typing = None,
        }
        Task::none()
    }

    /// One display frame: engine state, background jobs, playhead follow.
    fn tick(&mut self) {
        frame_stats();
        let view = self.link.tick();
        if !view.playing && self.running {
            // The engine stopped by itself (end of the song).
            self.running = view.playing;
        }
        let position = view.position;
        let playing = view.playing;
        let loudness = view.loudness;
        let now = Instant::now();
        if !playing || now.duration_since(self.loudness_shown_at) >= FIGURES_EVERY {
            self.shown_loudness = loudness;
            self.loudness_shown_at = now;
        }
        for m in self.link.take_messages() {
            // The status line already says that there is no device; a notice for it would
            // stay on screen for nothing. The full reason goes to the terminal.
            if m.starts_with("playback unavailable") {
                eprintln!("stemmix: {m}");
            } else {
                self.notices.warn(m);
            }
        }
        if playing {
            self.running = true;
            self.timeline.follow(position, self.lanes_width());
        }
        self.poll_jobs();
    }

    /// Applies what background jobs reported.
    pub(crate) fn poll_jobs(&mut self) {
        self.poll_decoding();
        self.poll_bounce();
    }

    fn autosave(&mut self) {
        if !self.dirty || self.autosaved_revision == self.revision {
            return;
        }
        if let Some(a) = &self.autosaver {
            match a.save(&self.project, self.path.as_deref()) {
                Ok(()) => self.autosaved_revision = self.revision,
                Err(e) => self.notices.warn(format!("Autosave failed: {e}")),
            }
        }
    }

    /// Writes the autosave now if there are unsaved changes (on exit paths that keep them).
    pub fn autosave_now(&mut self) {
        self.autosaved_revision = 0;
        self.autosave();
    }

    /// Width available to the timeline lanes.
    pub(crate) fn lanes_width(&self) -> f32 {
        (self.window.width - timeline::HEADER_W - 24.0).max(100.0)
    }

    /// Length of the project in frames (the longest loaded stem).
    pub fn length_frames(&self) -> u64 {
        self.project
            .tracks
            .iter()
            .filter_map(|t| self.media.audio(&t.source))
            .map(|s| s.frames as u64)
            .max()
            .unwrap_or(0)
    }

    /// Whether a display tick is needed (playing, meters falling).
    pub fn needs_frames(&self) -> bool {
        self.running || self.link.is_active()
    }

    /// The subscriptions: input events always; ticks only while something moves.
    pub fn subscription(&self) -> Subscription<Message> {
        let mut subs = vec![iced::event::listen_with(keys::on_event)];
        if self.needs_frames() {
            subs.push(iced::time::every(FRAME).map(Message::Tick));
        } else if self.media.busy() || self.bounce.running() {
            subs.push(iced::time::every(JOB_POLL).map(Message::Tick));
        }
        if self.dirty && self.autosaver.is_some() {
            subs.push(iced::time::every(autosave::AUTOSAVE_EVERY).map(|_| Message::Autosave));
        }
        if self.notices.expiring() {
            subs.push(iced::time::every(Duration::from_secs(1)).map(|_| Message::NoticeTick));
        }
        Subscription::batch(subs)
    }

    /// The window.
    pub fn view(&self) -> Element<'_, Message> {
        let main = column![
            files::menu_bar(self),
            files::recovery_banner(self),
            transport::view(self),
            timeline::view(self),
            mixer::view(self),
            files::status_bar(self),
        ]
        .height(Fill);
        // No background quad here: the theme's background colour already fills the window, and
        // a window-sized quad would be repainted for every region that changes while playing.
        let base = container(main).width(Fill).height(Fill);
        // Every layer costs the software renderer a pass per redrawn region: add only the
        // overlays that show something.
        let mut layers: Vec<Element<'_, Message>> = vec![base.into()];
        if !self.notices.is_empty() {
            layers.push(notices::view(self));
        }
        if let Some(b) = bounce_dialog::view(self) {
            layers.push(b);
        }
        if let Some(r) = files::recent_view(self) {
            layers.push(r);
        }
        if self.help {
            layers.push(opaque(help::view()));
        }
        if let Some(p) = files::path_prompt_view(self) {
            layers.push(opaque(p));
        }
        if let Some(p) = files::prompt_view(self) {
            layers.push(opaque(p));
        }
        stack(layers).width(Fill).height(Fill).into()
    }
}

/// With `STEMMIX_FRAME_STATS` set, prints the display ticks per second every 5 s (each tick
/// is one redraw), so CPU time per frame can be worked out from the process's CPU time.
fn frame_stats() {
    use std::sync::atomic::{AtomicU64, Ordering};
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    static FRAMES: AtomicU64 = AtomicU64::new(0);
    static SINCE: Mutex<Option<Instant>> = Mutex::new(None);
    if !*ENABLED.get_or_init(|| std::env::var_os("STEMMIX_FRAME_STATS").is_some()) {
        return;
    }
    let n = FRAMES.fetch_add(1, Ordering::Relaxed) + 1;
    if let Ok(mut since) = SINCE.lock() {
        let start = *since.get_or_insert_with(Instant::now);
        let dt = start.elapsed();
        if dt >= Duration::from_secs(5) {
            eprintln!("frames: {:.1}/s", n as f64 / dt.as_secs_f64());
            FRAMES.store(0, Ordering::Relaxed);
            *since = Some(Instant::now());
        }
    }
}

/// The editor panel's view, re-exported for the mixer layout.
pub(crate) fn editor_panel(app: &App) -> Element<'_, Message> {
    editor::view(app)
}
