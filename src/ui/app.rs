//! The mixer window: the root of the panels.
//!
//! The app owns the [`Document`] (project, file, undo history), the engine link, the stem
//! library, and the little state several panels read (the selection, the value being typed,
//! the window size). Each panel owns its own state, has its own `Message`, and its `update`
//! returns an [`Action`] that the app carries out (`app/perform.rs`); every change of the
//! project is an [`Edit`](super::edit::Edit) applied in one place (`app/edit.rs`), which
//! records one undo step per gesture and tells the engine about the part that changed.

mod edit;
mod perform;
mod references;

use super::action::Action;
use super::autosave::{self, Recovery};
use super::bounce::{self, Bounce, BounceResult};
use super::context::Selection;
use super::controls::Typing;
use super::dirs::AppDirs;
use super::document::Document;
use super::editor::{self, Editor};
use super::engine_link::EngineLink;
use super::files::{self, Files, StemLibrary};
use super::help::{self, Help};
use super::layout::{self, Layout};
use super::mixer::{self, Mixer};
use super::notices::{self, Notices};
use super::params::Band;
use super::reference::{self, References};
use super::timeline::{self, Timeline};
use super::transport::{self, Transport};
use super::widgets as w;
use super::{keys, theme};
use crate::project::{Project, TrackId};
use iced::widget::{column, container, opaque, row, stack};
use iced::{Element, Fill, Size, Subscription, Task, Theme};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Interval of the display tick while playing or while meters fall: 60 Hz, the usual display
/// rate. (`window::frames()` would follow the real display, but with the software renderer
/// nothing paces it and it would spin.)
pub const FRAME: Duration = Duration::from_micros(16_667);
/// Interval of the tick that only watches background jobs (decoding, bouncing).
pub const JOB_POLL: Duration = Duration::from_millis(50);

/// Everything the window can be told: a panel's message, or a command on what the app keeps.
#[derive(Debug, Clone)]
pub enum Message {
    /// The transport bar.
    Transport(transport::Message),
    /// The timeline.
    Timeline(timeline::Message),
    /// The mixer strips.
    Mixer(mixer::Message),
    /// The strip editor.
    Editor(editor::Message),
    /// Files: projects, stems, dialogs, prompts, recovery, the menu bar.
    Files(files::Message),
    /// The bounce panel.
    Bounce(bounce::Message),
    /// The notices.
    Notices(notices::Message),
    /// The help overlay.
    Help(help::Message),
    /// The reference panel (A/B with reference tracks).
    Reference(reference::Message),
    /// The window's layout: splitters, size and position.
    Layout(layout::Message),
    /// Move the selection by this many strips (arrow keys).
    SelectStep(i32),
    /// Nudge the selected strip's fader by dB (arrow keys).
    Nudge(f32),
    /// Mute the selected strip (M).
    MuteSelected,
    /// Solo the selected strip (S).
    SoloSelected,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Display frame (or job poll) tick.
    Tick(Instant),
    /// The window's close button.
    CloseRequested,
    /// The window was resized.
    Resized(Size),
    /// The window got the focus (back from another program, which may have changed a stem).
    Focused,
    /// Escape: close whatever is open.
    Escape,
    /// Nothing (a dialog that was cancelled, controls that must swallow clicks).
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
    doc: Document,
    link: EngineLink,
    stems: StemLibrary,
    /// The selected strip (timeline headers, strips and editor show and change it).
    selection: Option<Selection>,
    /// The value being typed into a control (strips and editor).
    typing: Typing,
    /// The window's size, position and splitters.
    layout: Layout,
    /// Bands that were on when a strip's EQ button switched them all off: how the app resolves
    /// that switch into an edit (the editor's band switches make it forget).
    eq_memory: HashMap<TrackId, Vec<Band>>,
    transport: Transport,
    timeline: Timeline,
    mixer: Mixer,
    editor: Editor,
    files: Files,
    bounce: Bounce,
    notices: Notices,
    help: Help,
    references: References,
    crash: Option<Arc<Mutex<CrashState>>>,
    quitting: bool,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("path", &self.doc.path)
            .field("dirty", &self.doc.dirty)
            .field("tracks", &self.doc.project.tracks.len())
            .finish_non_exhaustive()
    }
}

/// The read-only view of `app` a panel gets; a macro so that it borrows only the fields it
/// reads, and a panel (another field) can be updated while it is alive.
macro_rules! context {
    ($app:ident) => {
        $crate::ui::context::Context {
            doc: &$app.doc,
            engine: $app.link.view(),
            stems: &$app.stems,
            selection: $app.selection,
            typing: &$app.typing,
            window: $app.layout.window,
            geometry: $app.layout.geometry(
                $app.doc.project.tracks.len(),
                !$app.files.recoveries().is_empty(),
            ),
            blind: $app.references.blind_hides(),
        }
    };
}
use context;

impl App {
    /// An empty, unsaved project. `dirs` (None: no recent list and no autosave) and the engine
    /// link are the caller's; no window is needed.
    pub fn new(dirs: Option<AppDirs>, link: EngineLink) -> App {
        let autosave_dir = dirs.as_ref().map(AppDirs::autosave_dir);
        let mut app = App {
            doc: Document::default(),
            link,
            stems: StemLibrary::with_cache(dirs.as_ref().and_then(AppDirs::stem_cache)),
            selection: None,
            typing: Typing::default(),
            layout: Layout::new(dirs.as_ref().map(|d| d.config.clone())),
            eq_memory: HashMap::new(),
            transport: Transport::default(),
            timeline: Timeline::default(),
            mixer: Mixer::default(),
            editor: Editor::default(),
            files: Files::new(dirs),
            bounce: Bounce::new(autosave_dir),
            notices: Notices::default(),
            help: Help::default(),
            references: References::default(),
            crash: None,
            quitting: false,
        };
        app.replace(Project::default(), None, None);
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
        app.replace(project, path, None);
        app
    }

    /// The project as edited.
    pub fn project(&self) -> &Project {
        &self.doc.project
    }

    /// The project's file, if it has one.
    pub fn path(&self) -> Option<&Path> {
        self.doc.path.as_deref()
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.doc.dirty
    }

    /// The window's size as last reported.
    pub fn window_size(&self) -> Size {
        self.layout.window
    }

    /// Where the window's parts go now.
    pub fn geometry(&self) -> layout::Geometry {
        context!(self).geometry
    }

    /// The splitter positions as set.
    pub fn splits(&self) -> layout::Splits {
        self.layout.splits()
    }

    /// The timeline's waveform height factor.
    pub fn wave_amplitude(&self) -> f32 {
        self.timeline.amplitude
    }

    /// What is selected.
    pub fn selection(&self) -> Option<Selection> {
        self.selection
    }

    /// Number of undo steps.
    pub fn undo_steps(&self) -> usize {
        self.doc.history.undo_len()
    }

    /// The texts of the notices on screen.
    pub fn notice_texts(&self) -> Vec<String> {
        self.notices.texts()
    }

    /// Whether the unsaved-changes prompt is showing.
    pub fn is_prompting(&self) -> bool {
        self.files.is_prompting()
    }

    /// Whether the app has asked the runtime to exit.
    pub fn is_quitting(&self) -> bool {
        self.quitting
    }

    /// Autosaves found at start-up that can be restored.
    pub fn recoveries(&self) -> &[Recovery] {
        self.files.recoveries()
    }

    /// The engine link (tests read its view).
    pub fn link(&self) -> &EngineLink {
        &self.link
    }

    /// The last bounce's result.
    pub fn bounce_result(&self) -> Option<&BounceResult> {
        self.bounce.result()
    }

    /// Whether the bounce dialog is showing.
    pub fn bounce_is_open(&self) -> bool {
        self.bounce.is_open()
    }

    /// Whether the bounce dialog asks before replacing files.
    pub fn bounce_is_confirming(&self) -> bool {
        self.bounce.is_confirming()
    }

    /// The offline reason of a track's stem, if it is offline.
    pub fn offline_reason(&self, id: TrackId) -> Option<&str> {
        let t = self.doc.project.track(id)?;
        self.stems.offline_reason(&t.source)
    }

    /// The decoded audio of a track's stem, if it is loaded.
    pub fn stem_audio(&self, id: TrackId) -> Option<Arc<crate::media::StemAudio>> {
        let t = self.doc.project.track(id)?;
        self.stems.audio(&t.source)
    }

    /// Whether background work runs (stems decoding, a bounce); display ticks apply its
    /// results.
    pub fn is_busy(&self) -> bool {
        self.stems.busy() || self.bounce.running() || self.references.measure.busy()
    }

    /// Whether stems or references are being decoded.
    pub fn is_decoding(&self) -> bool {
        self.stems.busy()
    }

    /// The reference panel (tests read its state).
    pub fn references(&self) -> &References {
        &self.references
    }

    /// Keeps a copy of the project that a panic or Ctrl+C handler can autosave.
    pub fn set_crash_state(&mut self, crash: Arc<Mutex<CrashState>>) {
        self.crash = Some(crash);
        self.update_crash_state();
    }

    /// The window title: project name, unsaved marker, app name.
    pub fn title(&self) -> String {
        format!(
            "{}{} — stemmix",
            if self.doc.dirty { "● " } else { "" },
            self.doc.name()
        )
    }

    /// The theme.
    pub fn theme(&self) -> Theme {
        theme::theme()
    }

    /// Length of the project in frames (the longest loaded stem).
    pub fn length_frames(&self) -> u64 {
        self.stems.length_frames(&self.doc.project)
    }

    /// Opens the project at `path`; a failure leaves the current one open and says why.
    pub fn open_path(&mut self, path: &Path) {
        let action = self.files.open_path(path);
        let _ = self.perform(action);
    }

    /// Saves to `path`; says so (or why not). Returns whether it worked.
    pub fn save_to(&mut self, path: PathBuf) -> bool {
        let cx = context!(self);
        let (saved, action) = self.files.save_to(path, &cx);
        let _ = self.perform(action);
        saved
    }

    /// Whether a display tick is needed (playing, meters falling).
    pub fn needs_frames(&self) -> bool {
        self.transport.is_running() || self.link.is_active()
    }

    /// Handles a message.
    pub fn update(&mut self, message: Message) -> Task<Message> {
        let cx = context!(self);
        let action = match message {
            Message::Transport(m) => self.transport.update(m, &cx),
            Message::Timeline(m) => self.timeline.update(m, &cx),
            Message::Mixer(m) => self.mixer.update(m),
            Message::Editor(m) => self.editor.update(m, &cx),
            Message::Files(files::Message::Dropped(path))
                if self.references.shown() && crate::media::is_audio_extension(&path) =>
            {
                self.references
                    .update(reference::Message::Dropped(path), &cx)
            }
            Message::Reference(m) => self.references.update(m, &cx),
            Message::Files(m) => {
                let autosave = m == files::Message::Autosave;
                let action = self.files.update(m, &cx);
                if autosave {
                    // The crash copy follows at the autosave's pace too, so that a gesture
                    // that never ended (a name typed without Enter) reaches it.
                    self.update_crash_state();
                }
                action
            }
            Message::Bounce(m) => self.bounce.update(m, &cx),
            Message::Notices(m) => {
                self.notices.update(m);
                Action::None
            }
            Message::Help(m) => {
                self.help.update(m);
                Action::None
            }
            Message::Layout(m) => self.layout.update(m, cx.geometry),
            Message::Resized(size) => self
                .layout
                .update(layout::Message::Resized(size), cx.geometry),
            Message::CloseRequested => self.files.request_quit(&cx),
            Message::Undo => Action::Undo,
            Message::Redo => Action::Redo,
            other => return self.command(other),
        };
        self.perform(action)
    }

    /// The subscriptions: input events always; ticks only while something moves.
    pub fn subscription(&self) -> Subscription<Message> {
        let mut subs = vec![iced::event::listen_with(keys::on_event)];
        if self.needs_frames() {
            subs.push(iced::time::every(FRAME).map(Message::Tick));
        } else if self.is_busy() {
            subs.push(iced::time::every(JOB_POLL).map(Message::Tick));
        }
        if self.files.wants_autosave(&context!(self)) {
            subs.push(
                iced::time::every(autosave::AUTOSAVE_EVERY)
                    .map(|_| Message::Files(files::Message::Autosave)),
            );
        }
        if self.notices.expiring() {
            subs.push(
                iced::time::every(Duration::from_secs(1))
                    .map(|_| Message::Notices(notices::Message::Expire)),
            );
        }
        Subscription::batch(subs)
    }

    /// The window.
    pub fn view(&self) -> Element<'_, Message> {
        let cx = context!(self);
        let g = cx.geometry;
        let mixer = row![
            self.mixer
                .view(&cx, self.transport.figures())
                .map(Message::Mixer),
            w::splitter(w::Axis::Vertical, |dx| {
                Message::Layout(layout::Message::DragEditor(dx))
            })
            .on_release(Message::Layout(layout::Message::DragDone)),
            container(column![
                reference::tabs(&cx, self.references.shown()).map(Message::Reference),
                if self.references.shown() {
                    self.references.view(&cx).map(Message::Reference)
                } else {
                    self.editor
                        .view(&cx, self.transport.figures())
                        .map(Message::Editor)
                },
            ])
            .id("editor")
            .width(g.editor_w)
            .height(Fill),
        ]
        .height(Fill);
        let mut main = column![
            container(self.files.menu_bar(&cx).map(Message::Files))
                .id("menu-bar")
                .height(layout::MENU_H)
                .clip(true),
        ];
        if !self.files.recoveries().is_empty() {
            main = main.push(
                container(self.files.recovery_banner().map(Message::Files))
                    .height(layout::BANNER_H)
                    .clip(true),
            );
        }
        let main = main
            .push(
                container(self.transport.view(&cx).map(Message::Transport))
                    .id("transport")
                    .height(layout::TRANSPORT_H)
                    .clip(true),
            )
            .push(container(self.timeline.view(&cx).map(Message::Timeline)).id("timeline"))
            .push(
                w::splitter(w::Axis::Horizontal, |dy| {
                    Message::Layout(layout::Message::DragLanes(dy))
                })
                .on_release(Message::Layout(layout::Message::DragDone))
                .on_double_click(Message::Layout(layout::Message::ToggleLanes)),
            )
            .push(
                container(mixer)
                    .padding([layout::MIXER_PAD, layout::SIDE_PAD])
                    .width(Fill)
                    .height(Fill)
                    .id("mixer"),
            )
            .push(
                container(
                    row![
                        if self.notices.is_empty() {
                            self.files.status_file(&cx).map(Message::Files)
                        } else {
                            self.notices.line().map(Message::Notices)
                        },
                        self.files
                            .status_jobs(&cx, self.bounce.progress())
                            .map(Message::Files),
                    ]
                    .spacing(12)
                    .align_y(iced::Alignment::Center),
                )
                .id("status-bar")
                .padding([0.0, layout::SIDE_PAD])
                .height(layout::STATUS_H)
                .align_y(iced::Alignment::Center)
                .width(Fill)
                .style(theme::panel),
            )
            .height(Fill);
        // No background quad here: the theme's background colour already fills the window, and
        // a window-sized quad would be repainted for every region that changes while playing.
        let base = container(main).width(Fill).height(Fill);
        // Every layer costs the software renderer a pass per redrawn region: add only the
        // overlays that show something.
        let mut layers: Vec<Element<'_, Message>> = vec![base.into()];
        if let Some(list) = self.notices.list_view() {
            layers.push(list.map(Message::Notices));
        }
        if let Some(eq) = self.editor.large_view(&cx) {
            layers.push(opaque(eq.map(Message::Editor)));
        }
        if let Some(b) = self.bounce.view() {
            layers.push(b.map(Message::Bounce));
        }
        if let Some(r) = self.files.recent_view(&cx) {
            layers.push(r.map(Message::Files));
        }
        if let Some(h) = self.help.view() {
            layers.push(opaque(h.map(Message::Help)));
        }
        if let Some(p) = self.files.path_prompt_view() {
            layers.push(opaque(p.map(Message::Files)));
        }
        if let Some(p) = self.files.prompt_view(&cx) {
            layers.push(opaque(p.map(Message::Files)));
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
