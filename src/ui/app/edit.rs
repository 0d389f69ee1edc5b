//! How a change of the project happens: the one place where edits, undo steps, the engine and
//! the panels' derived state (curves, selection) meet.
//!
//! Cost of an edit:
//! - a gesture's first edit (and every discrete edit) clones the project once, for its undo
//!   step;
//! - every further edit of the gesture (each mouse move of a drag) applies the value in place,
//!   copies the engine-relevant settings of the part it touches before and after (a strip's
//!   settings or the buses: a few dozen numbers, no allocation) and sends the commands for
//!   what differs, and recomputes the curves of that one strip if its EQ or compressor moved.
//!   The exact unsaved check and the crash copy wait for the gesture's end.
//!
//! Edits of the track list or the sample rate ([`Scope::Whole`]) compare whole projects (via
//! [`sync::diff`](crate::engine::sync::diff)); they are discrete clicks, not drags.

use super::{App, Message, context};
use crate::engine::strip::StripParams;
use crate::project::{Color, Project, Track, TrackId};
use crate::ui::action::Action;
use crate::ui::context::Selection;
use crate::ui::edit::{Edit, Gesture, Scope, Toggle};
use crate::ui::engine_link::Part;
use crate::ui::params::Band;
use crate::ui::{editor, layout};
use iced::Task;
use std::path::PathBuf;

/// The engine-relevant state of `scope` in `p` (`None` for whole-project edits).
fn part_of(p: &Project, scope: Scope) -> Option<Part> {
    Some(match scope {
        Scope::Strip(id) => match p.track(id) {
            Some(t) => Part::Strip(id, StripParams::of(t, p.pan_law)),
            None => Part::Unheard,
        },
        Scope::Buses => Part::Buses(p.reverb, p.master),
        Scope::Loop => Part::Loop,
        // The reference panel tells the engine (`references_changed`).
        Scope::Unheard | Scope::References => Part::Unheard,
        Scope::Whole => return None,
    })
}

impl App {
    /// Applies `edit` as part of `gesture` (one undo step per gesture; `None`: a step of its
    /// own); see the module documentation. Returns whether the project changed.
    pub(super) fn edit(&mut self, edit: Edit, gesture: Option<Gesture>) -> bool {
        let edit = match edit {
            Edit::Toggle(Toggle::Eq(id)) => match self.resolve_eq_switch(id) {
                Some(e) => e,
                None => return false,
            },
            Edit::Toggle(Toggle::Band(id, _)) => {
                self.eq_memory.remove(&id);
                edit
            }
            e => e,
        };
        let scope = edit.scope();
        let continuing = gesture.is_some() && self.doc.gesture == gesture;
        let part = part_of(&self.doc.project, scope);
        // The undo snapshot (once per gesture); whole-project edits also need it for the engine.
        let before = (!continuing || part.is_none()).then(|| self.doc.project.clone());
        let label = (!continuing).then(|| edit.label(&self.doc.project));
        if !edit.apply(&mut self.doc.project) {
            return false;
        }
        self.doc.gesture = gesture;
        self.doc.revision += 1;
        match (part, before) {
            (Some(part), before) => {
                self.link.edit_part(&part, &self.doc.project);
                if let (Some(b), Some(l)) = (before, label) {
                    self.doc.history.record(b, l);
                }
                self.mixer.refresh(&self.doc.project, scope);
                self.editor.refresh(&self.doc.project, self.selection);
                match scope {
                    Scope::References => self.references_changed(),
                    // The mix the references are matched to changed (compared on the next
                    // tick, once per tick however fast a drag goes).
                    Scope::Unheard => {}
                    _ => self.references.measure.observe(
                        &self.doc.project,
                        &self.stems,
                        self.doc.revision,
                    ),
                }
                if gesture.is_some() {
                    // Exact at the gesture's end (see `end_gesture`).
                    self.doc.dirty = true;
                } else {
                    self.settle();
                }
            }
            (None, Some(before)) => {
                self.whole_changed(&before);
                if let Some(l) = label {
                    self.doc.history.record(before, l);
                }
            }
            // `before` is taken for every whole-project edit.
            (None, None) => {}
        }
        true
    }

    /// The strip's EQ button: all bands off (remembering which were on), or the remembered ones
    /// back on; with nothing to remember, it shows the bands instead.
    fn resolve_eq_switch(&mut self, id: TrackId) -> Option<Edit> {
        let t = self.doc.project.track(id)?;
        let on: Vec<Band> = Band::ALL
            .into_iter()
            .filter(|b| t.eq.band_values(*b).0)
            .collect();
        if !on.is_empty() {
            self.eq_memory.insert(id, on);
            Some(Edit::EqBands(id, Band::ALL.to_vec(), false))
        } else if let Some(bands) = self.eq_memory.remove(&id) {
            Some(Edit::EqBands(id, bands, true))
        } else {
            // The strip is the one clicked, so in view: nothing to scroll.
            let _ = self.select(Some(Selection::Track(id)));
            None
        }
    }

    /// Ends `gesture` if it is the one running: the next edit starts a new undo step.
    pub(super) fn end_gesture(&mut self, gesture: Gesture) {
        if self.doc.gesture == Some(gesture) {
            self.doc.gesture = None;
            self.settle();
        }
    }

    /// The exact unsaved check and the crash copy, after a discrete edit or a gesture.
    fn settle(&mut self) {
        self.doc.refresh_dirty();
        self.update_crash_state();
    }

    /// Everything that follows a change of the whole project from `before` (undo, redo, track
    /// list, sample rate).
    fn whole_changed(&mut self, before: &Project) {
        let p = &self.doc.project;
        if before.sample_rate != p.sample_rate {
            // Stems and references are kept at the project rate: decode them again (the
            // engine unloads references decoded at the old rate).
            self.stems.reset();
            let mut loaded = std::mem::take(&mut self.references.loaded);
            loaded.clear(&mut self.link);
            self.references.loaded = loaded;
            let p = &self.doc.project;
            let sources: Vec<PathBuf> = p.tracks.iter().map(|t| t.source.clone()).collect();
            self.stems.decode(sources, p.sample_rate);
        }
        let stems = &self.stems;
        self.link
            .edit(before, &self.doc.project, &|t| stems.audio(&t.source));
        let p = &self.doc.project;
        if let Some(Selection::Track(id)) = self.selection
            && p.track(id).is_none()
        {
            self.selection = p.tracks.first().map(|t| Selection::Track(t.id));
        }
        self.typing.forget_missing(p);
        self.mixer.refresh(p, Scope::Whole);
        self.editor.refresh(p, self.selection);
        self.references_changed();
        self.settle();
    }

    pub(super) fn undo(&mut self) {
        self.typing.cancel();
        if let Some(prev) = self.doc.history.undo(&self.doc.project) {
            let before = std::mem::replace(&mut self.doc.project, prev);
            self.doc.gesture = None;
            self.doc.revision += 1;
            self.whole_changed(&before);
        }
    }

    pub(super) fn redo(&mut self) {
        self.typing.cancel();
        if let Some(next) = self.doc.history.redo(&self.doc.project) {
            let before = std::mem::replace(&mut self.doc.project, next);
            self.doc.gesture = None;
            self.doc.revision += 1;
            self.whole_changed(&before);
        }
    }

    /// Starts over with `project` (after New, Open, recovery) and decodes its stems; `saved` is
    /// what counts as unchanged (`None`: the project itself).
    pub(super) fn replace(
        &mut self,
        project: Project,
        path: Option<PathBuf>,
        saved: Option<Project>,
    ) {
        self.doc.replace(project, path, saved);
        self.typing.cancel();
        self.eq_memory.clear();
        self.stems.reset();
        self.transport.reset();
        let stems = &self.stems;
        self.link
            .load(&self.doc.project, &|t| stems.audio(&t.source));
        let p = &self.doc.project;
        let sources: Vec<PathBuf> = p.tracks.iter().map(|t| t.source.clone()).collect();
        self.stems.decode(sources, p.sample_rate);
        self.selection = p.tracks.first().map(|t| Selection::Track(t.id));
        self.timeline = Default::default();
        self.mixer.refresh(p, Scope::Whole);
        self.editor.refresh(p, self.selection);
        self.references_replaced();
        self.update_crash_state();
    }

    /// Selects a strip. When the selection changes, the editor starts at its top, and the
    /// strip and lane of a selected track are scrolled into view.
    pub(super) fn select(&mut self, selection: Option<Selection>) -> Task<Message> {
        let changed = self.selection != selection;
        self.selection = selection;
        self.editor.refresh(&self.doc.project, selection);
        if !changed {
            return Task::none();
        }
        let mut tasks = vec![editor::scroll_to_top()];
        let g = context!(self).geometry;
        if let Some(Selection::Track(id)) = selection
            && let Some(i) = self.doc.project.tracks.iter().position(|t| t.id == id)
        {
            if g.strips_scroll {
                let visible = self.layout.window.width - layout::fixed_w() - g.editor_w;
                tasks.push(self.mixer.reveal(i, g.strip_w, visible));
            }
            if g.lanes_scroll {
                tasks.push(self.timeline.reveal(i, g.lane_h, g.lanes_h));
            }
        }
        Task::batch(tasks)
    }

    /// Adds one track per audio file (one undo step, or part of `gesture`) and decodes them.
    pub(super) fn add_stems(
        &mut self,
        paths: Vec<PathBuf>,
        gesture: Option<Gesture>,
    ) -> Task<Message> {
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .collect();
        let first_new = self.doc.project.tracks.len();
        let tracks: Vec<Track> = paths
            .iter()
            .enumerate()
            .map(|(i, path)| Track {
                color: Color::nth(first_new + i),
                ..Track::for_source(path.clone())
            })
            .collect();
        let Some(first) = tracks.first().map(|t| t.id) else {
            return Task::none();
        };
        self.edit(Edit::AddTracks(tracks), gesture);
        self.stems.decode(paths, self.doc.project.sample_rate);
        self.select(Some(Selection::Track(first)))
    }

    /// Points an (offline) track at another file and decodes it.
    pub(super) fn locate(&mut self, id: TrackId, path: PathBuf) {
        let path = std::path::absolute(&path).unwrap_or(path);
        self.edit(Edit::SetSource(id, path.clone()), None);
        self.stems.decode(vec![path], self.doc.project.sample_rate);
    }

    /// Points every offline track whose file name is found below `folder` at that file (one
    /// undo step) and decodes them; says how many it found.
    pub(super) fn relink(&mut self, folder: &std::path::Path) -> Action {
        let offline: Vec<(TrackId, std::ffi::OsString)> = self
            .doc
            .project
            .tracks
            .iter()
            .filter(|t| self.stems.offline_reason(&t.source).is_some())
            .filter_map(|t| Some((t.id, t.source.file_name()?.to_os_string())))
            .collect();
        if offline.is_empty() {
            return Action::info("No track is offline.");
        }
        let names: Vec<_> = offline.iter().map(|(_, n)| n.clone()).collect();
        let found = crate::ui::files::relink::find_by_name(folder, &names);
        let moves: Vec<(TrackId, PathBuf)> = offline
            .iter()
            .filter_map(|(id, n)| Some((*id, found.get(n)?.clone())))
            .collect();
        let where_ = folder.display();
        if moves.is_empty() {
            return Action::warn(format!(
                "None of the {} offline stems is in {where_} or below it.",
                offline.len()
            ));
        }
        for (id, path) in &moves {
            self.edit(Edit::SetSource(*id, path.clone()), Some(Gesture::Relink));
        }
        self.end_gesture(Gesture::Relink);
        let paths = moves.iter().map(|(_, p)| p.clone()).collect();
        self.stems.decode(paths, self.doc.project.sample_rate);
        Action::info(format!(
            "Relinked {} of {} offline tracks from {where_}.",
            moves.len(),
            offline.len()
        ))
    }

    /// Decodes again the stems that changed on disk since they were decoded (called when the
    /// window gets the focus back), and says which.
    pub(super) fn reload_changed_stems(&mut self) -> Action {
        let changed = self.stems.changed_on_disk();
        if changed.is_empty() {
            return Action::None;
        }
        let names: Vec<String> = changed
            .iter()
            .map(|p| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        self.stems.decode(changed, self.doc.project.sample_rate);
        Action::info(format!("Changed on disk, reloading: {}", names.join(", ")))
    }

    /// Refreshes the copy of the project a panic or Ctrl+C handler autosaves.
    pub(super) fn update_crash_state(&self) {
        if let Some(c) = &self.crash
            && let Ok(mut c) = c.lock()
        {
            c.project = Some(self.doc.project.clone());
            c.path = self.doc.path.clone();
            c.dirty = self.doc.dirty;
        }
    }
}
