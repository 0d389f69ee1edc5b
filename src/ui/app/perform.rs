//! Carrying out what panels ask ([`Action`]s), the app's own commands (keyboard shortcuts on the
//! selection, Escape), and the display tick.

use super::{App, Message, context, frame_stats};
use crate::project::TrackId;
use crate::ui::action::{Action, EngineOp};
use crate::ui::context::Selection;
use crate::ui::edit::{Edit, Toggle};
use crate::ui::params::{MasterField, Param, ReverbField, TrackField};
use iced::Task;
use std::time::Instant;

impl App {
    /// Carries out `action`.
    pub(super) fn perform(&mut self, action: Action) -> Task<Message> {
        match action {
            Action::None => Task::none(),
            Action::Batch(actions) => {
                let mut tasks = Vec::new();
                for a in actions {
                    tasks.push(self.perform(a));
                }
                Task::batch(tasks)
            }
            Action::Edit(edit, gesture) => {
                self.edit(edit, gesture);
                Task::none()
            }
            Action::EndGesture(g) => {
                self.end_gesture(g);
                Task::none()
            }
            Action::Control(m) => {
                let a = self.typing.update(m, &self.doc.project);
                self.perform(a)
            }
            Action::Engine(op) => {
                self.engine(op);
                Task::none()
            }
            Action::Select(s) => self.select(Some(s)),
            Action::Notify(level, text) => {
                self.notices.push(level, text);
                Task::none()
            }
            Action::Run(task) => task,
            Action::Send(message) => self.update(message),
            Action::Undo => {
                self.undo();
                Task::none()
            }
            Action::Redo => {
                self.redo();
                Task::none()
            }
            Action::Replace {
                project,
                path,
                saved,
            } => {
                self.replace(*project, path, saved.map(|s| *s));
                Task::none()
            }
            Action::Saved(path) => {
                self.doc.mark_saved(path);
                self.update_crash_state();
                Task::none()
            }
            Action::AddStems(paths, gesture) => self.add_stems(paths, gesture),
            Action::Locate(id, path) => {
                self.locate(id, path);
                Task::none()
            }
            Action::Relink(folder) => {
                let a = self.relink(&folder);
                self.perform(a)
            }
            Action::Quit => {
                self.bounce.cancel();
                let _ = self.perform(self.layout.save());
                self.quitting = true;
                iced::exit()
            }
        }
    }

    /// Tells the engine.
    fn engine(&mut self, op: EngineOp) {
        match op {
            EngineOp::Play => self.link.play(),
            EngineOp::Pause => self.link.pause(),
            EngineOp::Stop => self.link.stop(),
            EngineOp::Seek(frame) => {
                self.link.seek(frame);
                let width = context!(self).lanes_width();
                self.timeline.show(frame, width);
                return;
            }
            EngineOp::ClearClip(track) => return self.link.clear_clip(track),
            EngineOp::ResetMeters => {
                self.mixer.reset_peaks();
                return self.link.reset_meters();
            }
            EngineOp::Listen(source) => return self.link.select_source(source),
            EngineOp::Monitor(settings) => return self.link.set_monitor(settings),
            EngineOp::SeekReference(id, frame) => return self.link.seek_reference(id, frame),
        }
        // Show the transport's new state at once.
        let _ = self.link.tick();
    }

    /// The app's own messages: commands on the selection, the tick, window events.
    pub(super) fn command(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::SelectStep(step) => {
                let order = self.strip_order();
                let i = self
                    .selection
                    .and_then(|s| order.iter().position(|o| *o == s))
                    .map_or(0, |i| {
                        (i as i64 + i64::from(step)).clamp(0, order.len() as i64 - 1) as usize
                    });
                return self.select(order.get(i).copied());
            }
            Message::Nudge(db) => {
                if let Some(param) = self.selected_fader() {
                    let v = param.get(&self.doc.project).unwrap_or(0.0);
                    let v = if v.is_finite() { v + db } else { -60.0 };
                    self.edit(Edit::Param(param, (v * 10.0).round() / 10.0), None);
                }
            }
            Message::MuteSelected => match self.selection {
                Some(Selection::Track(id)) => {
                    self.edit(Edit::Toggle(Toggle::Mute(id)), None);
                }
                Some(Selection::Reverb) => {
                    self.edit(Edit::Toggle(Toggle::ReverbMute), None);
                }
                _ => {}
            },
            Message::SoloSelected => {
                if let Some(Selection::Track(id)) = self.selection {
                    self.edit(Edit::Toggle(Toggle::Solo(id)), None);
                }
            }
            Message::Tick(_) => return self.tick(),
            Message::Focused => {
                let a = self.reload_changed_stems();
                return self.perform(a);
            }
            Message::Escape => {
                let closed = self.files.close_recent()
                    || self.typing.cancel()
                    || self.editor.close_large()
                    || self.timeline.stop_renaming()
                    || self.notices.close_list()
                    || self.help.close()
                    || self.files.close_prompt();
                if !closed {
                    self.bounce.close_if_idle();
                }
            }
            // Panel messages, Undo/Redo and the close button are routed by `update`.
            _ => {}
        }
        Task::none()
    }

    /// The strips in mixer order, for arrow-key selection.
    fn strip_order(&self) -> Vec<Selection> {
        let mut v: Vec<Selection> = self
            .doc
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
            Selection::Reverb => Param::Reverb(ReverbField::Return),
            Selection::Master => Param::Master(MasterField::Gain),
        })
    }

    /// One display frame: engine state, background jobs, playhead follow.
    fn tick(&mut self) -> Task<Message> {
        frame_stats();
        // The live spectrum follows the editor's track (sent only when that changes).
        self.link.select_tap(self.editor.tap(self.selection));
        let now = Instant::now();
        let view = self.link.tick();
        let (playing, position) = (view.playing, view.position);
        self.mixer.observe(view);
        self.editor.observe(view, self.selection, now);
        self.transport.tick(view, now);
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
            let width = context!(self).lanes_width();
            self.timeline.follow(position, width);
        }
        self.poll_jobs()
    }

    /// Applies what background jobs (decoding, bouncing, measuring) reported.
    fn poll_jobs(&mut self) -> Task<Message> {
        let finished = self.stems.poll();
        for (path, result) in &finished {
            if let Some(r) = self.doc.project.references.iter().find(|r| r.path == *path) {
                match result {
                    Ok(warnings) => {
                        for w in warnings {
                            self.notices.warn(w.clone());
                        }
                    }
                    Err(reason) => self.notices.warn(format!(
                        "{reason}. The reference {} is offline; Locate… finds it.",
                        r.display_name()
                    )),
                }
            }
        }
        if !finished.is_empty() {
            self.references_changed();
        }
        if !self.doc.project.references.is_empty() || self.references.measure.busy() {
            self.tick_references();
        }
        for (path, result) in finished {
            let ids: Vec<TrackId> = self
                .doc
                .project
                .tracks
                .iter()
                .filter(|t| t.source == path)
                .map(|t| t.id)
                .collect();
            match result {
                Ok(warnings) => {
                    for w in warnings {
                        self.notices.warn(w);
                    }
                    let stems = &self.stems;
                    for id in ids {
                        self.link
                            .stem_loaded(&self.doc.project, id, &|t| stems.audio(&t.source));
                    }
                }
                Err(reason) => {
                    if !ids.is_empty() {
                        self.notices.warn(format!(
                            "{reason}. The track is offline; its settings are kept."
                        ));
                    }
                    // A stem that played until it changed on disk goes silent too.
                    for id in ids {
                        self.link.stem_loaded(&self.doc.project, id, &|_| None);
                    }
                }
            }
        }
        let action = self.bounce.poll();
        self.perform(action)
    }
}
