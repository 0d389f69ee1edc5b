//! The reference panel: reference tracks for loudness-matched A/B comparison with the mix.
//!
//! - this module: the panel's state (which reference is selected, the monitor section, which
//!   stretch the readouts show), its messages and `update`;
//! - [`measure`]: the mix's and the references' measurements (background renders) and the
//!   match gains;
//! - [`sync`]: what the engine has loaded of the references;
//! - `view`, `list`, `readouts`, `spectrum`: the A/B and monitor controls, the list of
//!   references, the readouts table and the tonal-balance view.
//!
//! Reference edits (add, remove, reorder, rename, mode, trim, loop, locate, matching) are
//! [`Edit`]s with their undo steps like any other. What is heard (mix or a reference), the
//! monitor mode and level are session state: not saved, not undoable (a monitor section is not
//! part of the mix). References are decoded by the app's stem library, with the stems' code.

pub mod blind;
mod list;
pub mod measure;
mod readouts;
mod spectrum;
pub mod sync;
mod view;

pub use view::{TABS_H, heard_name, tabs};

use super::action::{Action, EngineOp};
use super::app;
use super::context::Context;
use super::edit::{Edit, Gesture};
use super::files::{self, Purpose};
use crate::engine::{MonitorMode, MonitorSettings, Source};
use crate::media;
use crate::project::ranges::MONITOR_LEVEL_DB;
use crate::project::{MatchSettings, Project, RefId, RefMode, Reference, Region};
use measure::Measurements;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use sync::Loaded;

/// Files dropped within this time of each other are one undo step.
const DROP_TOGETHER: Duration = Duration::from_millis(500);

/// Widget id of the A/B button.
pub const AB_ID: &str = "reference-ab";
/// Widget id of the panel's tab button.
pub const TAB_ID: &str = "tab-references";

/// Which stretch the readouts compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stretch {
    /// The whole song and the whole reference.
    #[default]
    Whole,
    /// The project's loop region and the reference's own.
    Loop,
}

/// What the panel shows below its header when it is narrow (one at a time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Section {
    /// The list of references.
    #[default]
    List,
    /// The readouts table.
    Readouts,
    /// The tonal balance.
    Tonal,
    /// The blind test.
    Blind,
}

/// What the reference panel sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Show the panel (true) or the strip editor (false) in the editor's place.
    Show(bool),
    /// Show the panel, or the editor if it shows (R).
    ToggleShown,
    /// Add references (dialog).
    Add,
    /// These files were picked (dialog or typed path): add them.
    Picked(Vec<PathBuf>),
    /// An audio file was dropped on the window while the panel shows.
    Dropped(PathBuf),
    /// Find a missing reference's file (dialog).
    Locate(RefId),
    /// The file a missing reference was found at.
    Located(RefId, PathBuf),
    /// Remove a reference.
    Remove(RefId),
    /// Move a reference up (−1) or down (+1) the list.
    Move(RefId, i32),
    /// Select a reference (what A/B switches to), without switching.
    Select(RefId),
    /// A reference's name is being typed.
    Rename(RefId, String),
    /// The name is typed.
    RenameDone(RefId),
    /// A reference's trim is being dragged (dB).
    Trim(RefId, f32),
    /// The trim drag ended.
    TrimDone(RefId),
    /// Sync or Free.
    Mode(RefId, RefMode),
    /// Set the reference's own loop start (`true`) or end at its playhead.
    LoopPoint(RefId, bool),
    /// Switch the reference's own loop on or off.
    Looping(RefId, bool),
    /// Move a Free reference's playhead to its loop start (or its beginning).
    Rewind(RefId),
    /// A/B: switch between the mix and the selected reference (Tab, `).
    Toggle,
    /// Select the n-th reference (0-based) and listen to it (keys 1–9).
    Nth(usize),
    /// Listen to the mix.
    ListenMix,
    /// Loudness matching on or off.
    Match(bool),
    /// Match over the loop regions only.
    LoopOnly(bool),
    /// The monitor mode.
    Monitor(MonitorMode),
    /// The monitor level (dB).
    MonitorLevel(f32),
    /// Which stretch the readouts compare.
    Stretch(Stretch),
    /// Which section a narrow panel shows.
    Section(Section),
    /// Start a blind test of the selected reference against the mix.
    BlindStart(blind::Kind),
    /// Play A, B or X of the blind trial.
    BlindPlay(blind::Slot),
    /// The blind trial's answer: A (`true`) or B.
    BlindAnswer(bool),
    /// End the blind test.
    BlindStop,
}

/// The panel's state; see the module documentation.
#[derive(Debug, Default)]
pub struct References {
    shown: bool,
    selected: Option<RefId>,
    monitor: MonitorSettings,
    stretch: Stretch,
    section: Section,
    last_drop: Option<Instant>,
    /// The measurements (the app feeds them).
    pub measure: Measurements,
    /// What the engine has loaded (the app keeps it in line).
    pub loaded: Loaded,
    /// The tonal-balance drawing, and what it was drawn for.
    tonal: spectrum::Tonal,
    tonal_of: Option<(u64, Option<RefId>, Stretch)>,
    /// The blind test, while one runs (and its result after).
    blind: Option<blind::Blind>,
}

/// The dialog for `purpose`, answered to the files panel (which offers a typed path when no
/// dialog can be shown).
fn dialog(purpose: Purpose, cx: &Context) -> Action {
    Action::Send(app::Message::Files(files::Message::Ask(
        purpose,
        cx.doc.dir(),
    )))
}

impl References {
    /// Whether the panel shows (in the editor's place).
    pub fn shown(&self) -> bool {
        self.shown
    }

    /// The selected reference, if it still exists.
    pub fn selected(&self, project: &Project) -> Option<RefId> {
        self.selected
            .filter(|id| project.reference(*id).is_some())
            .or_else(|| project.references.first().map(|r| r.id))
    }

    /// Whether a blind test hides what is heard.
    pub fn blind_hides(&self) -> bool {
        self.blind.as_ref().is_some_and(blind::Blind::hides)
    }

    /// The blind test, if one was started.
    pub fn blind(&self) -> Option<&blind::Blind> {
        self.blind.as_ref()
    }

    /// The monitor settings (session state).
    pub fn monitor(&self) -> MonitorSettings {
        self.monitor
    }

    /// Which stretch the readouts compare.
    pub fn stretch(&self) -> Stretch {
        self.stretch
    }

    /// Another project: nothing selected, the measurements forgotten (the monitor stays).
    pub fn reset(&mut self) {
        self.selected = None;
        self.measure.reset();
        self.tonal = spectrum::Tonal::default();
        self.tonal_of = None;
        self.blind = None;
    }

    /// The gain reference `r` plays at: its match gain (when matching is on and both
    /// figures are known) plus its trim.
    pub fn gain_db(&self, project: &Project, r: &Reference) -> f32 {
        let m = project.reference_match;
        let matched = if m.enabled {
            self.measure.match_gain(r, project, m).unwrap_or(0.0)
        } else {
            0.0
        };
        matched as f32 + r.trim_db
    }

    /// Redraws the tonal balance from the current measurements (after they changed, or the
    /// selection or stretch did).
    pub fn refresh(&mut self, project: &Project) {
        let id = self.selected(project);
        let key = (self.measure.generation(), id, self.stretch);
        if self.tonal_of == Some(key) {
            return;
        }
        self.tonal_of = Some(key);
        let selected = id.and_then(|id| project.reference(id));
        let loops = self.stretch == Stretch::Loop;
        let pair = selected.and_then(|r| self.measure.pair(r, project, loops));
        self.tonal.update(pair);
    }

    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        let p = cx.project();
        let edit = |e: Edit| Action::Edit(e, None);
        match m {
            Message::Show(on) => {
                self.shown = on;
                Action::None
            }
            Message::ToggleShown => {
                self.shown = !self.shown;
                Action::None
            }
            Message::Add => dialog(Purpose::AddReferences, cx),
            Message::Picked(paths) => self.add(paths, None),
            Message::Dropped(path) => {
                if !media::is_audio_extension(&path) {
                    return Action::warn(format!(
                        "{}: not an audio file, so it cannot be a reference",
                        path.display()
                    ));
                }
                let now = Instant::now();
                let together = self
                    .last_drop
                    .is_some_and(|t| now.duration_since(t) < DROP_TOGETHER);
                self.last_drop = Some(now);
                let add = self.add(vec![path], Some(Gesture::DropReferences));
                if together {
                    add
                } else {
                    Action::EndGesture(Gesture::DropReferences).then(add)
                }
            }
            Message::Locate(id) => dialog(Purpose::LocateReference(id), cx),
            Message::Located(id, path) => {
                let path = std::path::absolute(&path).unwrap_or(path);
                edit(Edit::ReferencePath(id, path))
            }
            Message::Remove(id) => edit(Edit::RemoveReference(id)),
            Message::Move(id, by) => edit(Edit::MoveReference(id, by)),
            Message::Select(id) => {
                self.selected = Some(id);
                self.refresh(p);
                Action::None
            }
            Message::Rename(id, name) => Action::Edit(
                Edit::RenameReference(id, name),
                Some(Gesture::RenameReference(id)),
            ),
            Message::RenameDone(id) => Action::EndGesture(Gesture::RenameReference(id)),
            Message::Trim(id, db) => Action::Edit(
                Edit::ReferenceTrim(id, (db * 10.0).round() / 10.0),
                Some(Gesture::ReferenceTrim(id)),
            ),
            Message::TrimDone(id) => Action::EndGesture(Gesture::ReferenceTrim(id)),
            Message::Mode(id, mode) => edit(Edit::ReferenceMode(id, mode)),
            Message::LoopPoint(id, start) => self.loop_point(id, start, cx),
            Message::Looping(id, on) => edit(Edit::ReferenceLooping(id, on)),
            Message::Rewind(id) => {
                let frame = p
                    .reference(id)
                    .map_or(0, |r| measure::loop_start(r, p.sample_rate));
                Action::Engine(EngineOp::SeekReference(id, frame))
            }
            // The A/B keys would tell what is heard: a blind test has its own buttons.
            Message::Toggle | Message::Nth(_) | Message::ListenMix if self.blind_hides() => {
                Action::None
            }
            Message::Toggle => match cx.engine.source {
                Source::Reference(_) => Action::Engine(EngineOp::Listen(Source::Mix)),
                Source::Mix => match self.selected(p) {
                    Some(id) => self.listen(id, p),
                    None => Action::info(
                        "Add a reference first (References tab, or drop an audio file on it)",
                    ),
                },
            },
            Message::Nth(n) => match p.references.get(n) {
                Some(r) => {
                    let id = r.id;
                    self.listen(id, p)
                }
                None => Action::None,
            },
            Message::ListenMix => Action::Engine(EngineOp::Listen(Source::Mix)),
            Message::Match(on) => edit(Edit::Match(MatchSettings {
                enabled: on,
                ..p.reference_match
            })),
            Message::LoopOnly(on) => edit(Edit::Match(MatchSettings {
                loop_only: on,
                ..p.reference_match
            })),
            Message::Monitor(mode) => {
                self.monitor.mode = mode;
                Action::Engine(EngineOp::Monitor(self.monitor))
            }
            Message::MonitorLevel(db) => {
                let db = if db <= MONITOR_LEVEL_DB_FLOOR {
                    f32::NEG_INFINITY
                } else {
                    MONITOR_LEVEL_DB.clamp((db * 2.0).round() / 2.0)
                };
                self.monitor.level_db = db;
                Action::Engine(EngineOp::Monitor(self.monitor))
            }
            Message::Section(s) => {
                self.section = s;
                Action::None
            }
            Message::BlindStart(kind) => match self.selected(p) {
                Some(id) => {
                    let b = blind::Blind::new(kind, id);
                    let first = b.source(blind::Slot::A);
                    self.blind = Some(b);
                    self.section = Section::Blind;
                    self.shown = true;
                    Action::Engine(EngineOp::Listen(first))
                }
                None => Action::info("Add a reference first"),
            },
            Message::BlindPlay(slot) => match &self.blind {
                Some(b) if b.hides() => Action::Engine(EngineOp::Listen(b.source(slot))),
                _ => Action::None,
            },
            Message::BlindAnswer(a) => {
                if let Some(b) = &mut self.blind {
                    b.answer(a);
                    if b.hides() {
                        // Each trial starts on its A.
                        return Action::Engine(EngineOp::Listen(b.source(blind::Slot::A)));
                    }
                }
                Action::None
            }
            Message::BlindStop => {
                self.blind = None;
                Action::None
            }
            Message::Stretch(s) => {
                self.stretch = s;
                self.refresh(p);
                Action::None
            }
        }
    }

    /// Selects reference `id` and listens to it.
    fn listen(&mut self, id: RefId, p: &Project) -> Action {
        self.selected = Some(id);
        self.refresh(p);
        Action::Engine(EngineOp::Listen(Source::Reference(id)))
    }

    /// Adds one reference per file (one undo step, or part of `gesture`) and selects the first.
    fn add(&mut self, paths: Vec<PathBuf>, gesture: Option<Gesture>) -> Action {
        let refs: Vec<Reference> = paths
            .into_iter()
            .map(|p| Reference::for_path(std::path::absolute(&p).unwrap_or(p)))
            .collect();
        let Some(first) = refs.first().map(|r| r.id) else {
            return Action::None;
        };
        self.selected = Some(first);
        self.shown = true;
        Action::Edit(Edit::AddReferences(refs), gesture)
    }

    /// Sets the start or end of a reference's own loop at its playhead (the engine reports
    /// it while the reference is selected).
    fn loop_point(&mut self, id: RefId, start: bool, cx: &Context) -> Action {
        let p = cx.project();
        let Some(r) = p.reference(id) else {
            return Action::None;
        };
        let rate = f64::from(p.sample_rate.max(1));
        let here = match cx.engine.reference.position {
            Some((rid, frame)) if rid == id => frame as f64 / rate,
            _ => {
                return Action::info(format!(
                    "Listen to {} to set its loop at its playhead",
                    r.display_name()
                ));
            }
        };
        let old = r.loop_region.unwrap_or(Region {
            start_s: 0.0,
            end_s: f64::MAX,
        });
        let (a, b) = if start {
            (here, old.end_s)
        } else {
            (old.start_s, here)
        };
        if b <= a {
            return Action::info("The loop's end must come after its start");
        }
        let region = Region {
            start_s: a,
            end_s: b.min(1.0e7),
        };
        Action::Edit(Edit::ReferenceLoop(id, Some(region)), None)
    }
}

/// The monitor level slider's bottom: at or below it the monitor is silent.
pub const MONITOR_LEVEL_DB_FLOOR: f32 = -60.0;
