//! The GUI's one door to the audio engine.
//!
//! The app never touches a mix graph: it tells the [`EngineLink`] what changed in the project
//! (`load`, `edit`, `edit_part`, `stem_loaded`) and what the transport should do (`play`,
//! `pause`, `stop`, `seek`), and once per display frame asks for an [`EngineView`] (`tick`) with
//! the playhead, the meters and the device status. Project changes become commands through
//! [`sync`]: [`sync::diff`] for edits of the whole project (undo, redo, new tracks), and its
//! parts [`sync::strip_diff`] and [`sync::bus_diff`] for an edit known to touch one strip or the
//! buses (a fader move), so both reach the engine by the same code.
//!
//! What actually receives the commands is an [`EnginePort`]: [`RealtimePort`] is the real-time
//! engine ([`EngineHandle`]): the audio device, or a silent clock when there is none, and the
//! meters fed back from the audio thread. Tests plug in ports of their own.

use crate::engine::device::{OutputConfig, OutputStatus};
use crate::engine::feedback::PlayState;
use crate::engine::graph::StemLookup;
use crate::engine::spectrum_tap::{SpectrumSnapshot, TapSelection};
use crate::engine::strip::StripParams;
use crate::engine::{ChannelMeter, EngineHandle, ReferenceMeterState};
use crate::engine::{Command, GraphCommand, MixGraph, sync};
use crate::engine::{MonitorSettings, RefSetup, ReferenceCommand, Source};
use crate::media::StemAudio;
use crate::project::{Master, Project, RefId, Reference, Region, ReverbBus, TrackId};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Levels below this (dBFS) count as silence: a meter showing nothing above it has settled.
pub const SETTLED_DB: f32 = -70.0;

/// What the engine side must do for the GUI.
pub trait EnginePort {
    /// Delivers one command (graph change or transport).
    fn send(&mut self, command: Command);
    /// Brings `view` up to date: playhead, transport state, meters (with their ballistics:
    /// decay, peak hold, latched clip lights) for the tracks whose ids are keys of
    /// `view.tracks`, device status, and any new messages for the user.
    fn poll(&mut self, view: &mut EngineView);
    /// Largest block of the live graph (graphs and tracks built for it must use this).
    fn max_block(&self) -> usize;
    /// Clears a latched clip light (`None`: the master's).
    fn clear_clip(&mut self, track: Option<TrackId>);
    /// Taps this track (and point) for the live spectrum (`None`: none). Ports without a live
    /// spectrum ignore it.
    fn select_tap(&mut self, _tap: TapSelection) {}
}

/// Whether a display meter has nothing left to draw (all levels under [`SETTLED_DB`], no gain
/// reduction).
pub fn settled(m: &ChannelMeter) -> bool {
    m.peak_db
        .iter()
        .chain(&m.rms_db)
        .chain(&m.hold_db)
        .all(|&d| d.is_nan() || d < SETTLED_DB)
        && m.gain_reduction_db.abs() < 0.05
}

/// The master's loudness figures (EBU R128).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loudness {
    /// Momentary loudness (400 ms), LUFS.
    pub momentary: f32,
    /// Short-term loudness (3 s), LUFS.
    pub short_term: f32,
    /// Integrated loudness since the meters were reset, LUFS.
    pub integrated: f32,
    /// Highest true peak since the meters were reset, dBTP.
    pub true_peak_dbtp: f32,
}

impl Default for Loudness {
    fn default() -> Self {
        Loudness {
            momentary: f32::NEG_INFINITY,
            short_term: f32::NEG_INFINITY,
            integrated: f32::NEG_INFINITY,
            true_peak_dbtp: f32::NEG_INFINITY,
        }
    }
}

/// What the GUI shows of the engine, refreshed by [`EngineLink::tick`].
#[derive(Clone, Debug, Default)]
pub struct EngineView {
    /// Whether the transport is running.
    pub playing: bool,
    /// The playhead, in frames at the project rate.
    pub position: u64,
    /// Per-track meters (gain reduction: the compressor's, 0 while stopped).
    pub tracks: HashMap<TrackId, ChannelMeter>,
    /// The master meter (gain reduction: the limiter's, 0 while stopped).
    pub master: ChannelMeter,
    /// The reverb return's meter.
    pub reverb: ChannelMeter,
    /// Loudness of what is heard (the mix, a reference or their crossfade).
    pub loudness: Loudness,
    /// What the output plays (the source selected last; see
    /// [`ReferenceMeterState::crossfading`]).
    pub source: Source,
    /// The A/B state: the heard reference's playhead, whether a crossfade runs, and the live
    /// loudness of the mix itself (it keeps running while a reference is heard).
    pub reference: ReferenceMeterState,
    /// The live spectrum and compressor input of the tapped track.
    pub spectrum: SpectrumSnapshot,
    /// One line about the output device ("Built-in Audio, 48 kHz", "no audio device: silent").
    pub status: String,
    /// New messages for the user (device lost, …); the app takes them.
    pub messages: Vec<String>,
}

impl EngineView {
    /// Whether every meter has settled (nothing moves while stopped).
    pub fn settled(&self) -> bool {
        settled(&self.master)
            && settled(&self.reverb)
            && self.tracks.values().all(settled)
            && self.spectrum.settled()
    }
}

/// The app's handle on the engine; see the module documentation.
pub struct EngineLink {
    backend: Box<dyn EnginePort>,
    view: EngineView,
    sample_rate: u32,
    loop_state: (bool, Option<Region>),
    tap: TapSelection,
}

impl std::fmt::Debug for EngineLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineLink")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

/// The engine-relevant state of the part of the project an edit touches, taken before the
/// edit, so [`EngineLink::edit_part`] can send what changed without comparing whole projects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Part {
    /// One track's strip settings.
    Strip(TrackId, StripParams),
    /// The reverb and master buses.
    Buses(ReverbBus, Master),
    /// The loop settings.
    Loop,
    /// Nothing the engine plays (names, colours, markers).
    Unheard,
}

impl EngineLink {
    /// A link sending to `backend`.
    pub fn new(mut backend: Box<dyn EnginePort>) -> EngineLink {
        // Poll once so the device status is there for the first frame.
        let mut view = EngineView::default();
        backend.poll(&mut view);
        EngineLink {
            backend,
            view,
            sample_rate: 48_000,
            loop_state: (false, None),
            tap: None,
        }
    }

    /// A link to the real-time engine on the default output device (or a silent clock when
    /// there is none).
    pub fn realtime() -> EngineLink {
        EngineLink::new(Box::new(RealtimePort::start(OutputConfig::default())))
    }

    /// Replaces whatever the engine had by a graph for `project` (a project was opened).
    pub fn load(&mut self, project: &Project, stems: &StemLookup<'_>) {
        self.sample_rate = project.sample_rate.max(1);
        let graph = MixGraph::from_project(project, stems, self.backend.max_block());
        self.backend.send(Command::Pause);
        self.send_graph(GraphCommand::ReplaceGraph(Box::new(graph)));
        self.backend.send(Command::Seek(0));
        self.loop_state = (false, None);
        self.sync_loop(project);
        self.track_list(project);
    }

    /// Tells the engine about an edit of the project from `old` to `new` (any edit: a fader
    /// move, undo, redo, new tracks).
    pub fn edit(&mut self, old: &Project, new: &Project, stems: &StemLookup<'_>) {
        if sync::needs_rebuild(old, new) {
            let position = self.view.position;
            self.load(new, stems);
            self.seek(position);
            return;
        }
        for cmd in sync::diff(old, new, stems, self.backend.max_block()) {
            self.send_graph(cmd);
        }
        self.sync_loop(new);
        self.track_list(new);
    }

    /// Tells the engine about an edit that touched only `before`'s part of `project` (see
    /// [`Part`]); costs what that part needs, whatever the size of the project.
    pub fn edit_part(&mut self, before: &Part, project: &Project) {
        match before {
            Part::Strip(id, a) => {
                if let Some(t) = project.track(*id) {
                    let backend = &mut self.backend;
                    sync::strip_diff(*id, a, &StripParams::of(t, project.pan_law), |c| {
                        backend.send(Command::Graph(c))
                    });
                }
            }
            Part::Buses(reverb, master) => {
                let backend = &mut self.backend;
                sync::bus_diff((reverb, master), (&project.reverb, &project.master), |c| {
                    backend.send(Command::Graph(c))
                });
            }
            Part::Loop => self.sync_loop(project),
            Part::Unheard => {}
        }
    }

    /// Makes the meters in the view those of `project`'s tracks.
    fn track_list(&mut self, project: &Project) {
        let ids: HashSet<TrackId> = project.tracks.iter().map(|t| t.id).collect();
        self.view.tracks.retain(|id, _| ids.contains(id));
        for id in ids {
            self.view.tracks.entry(id).or_default();
        }
    }

    /// The stem of `track` has been decoded (or has gone offline): rebuilds its strip around
    /// the audio `stems` now gives for it.
    pub fn stem_loaded(&mut self, project: &Project, track: TrackId, stems: &StemLookup<'_>) {
        if let Some(t) = project.track(track) {
            let cmd = sync::replace_track(
                t,
                project.pan_law,
                stems,
                project.sample_rate,
                self.backend.max_block(),
            );
            self.send_graph(cmd);
        }
    }

    /// Starts or resumes playback.
    pub fn play(&mut self) {
        self.backend.send(Command::Play);
    }

    /// Pauses, keeping the position and the DSP state.
    pub fn pause(&mut self) {
        self.backend.send(Command::Pause);
    }

    /// Stops (reverb tails and compressor memory are cleared); the position stays.
    pub fn stop(&mut self) {
        self.backend.send(Command::Stop);
    }

    /// Moves the playhead to `frame`.
    pub fn seek(&mut self, frame: u64) {
        self.backend.send(Command::Seek(frame));
        // Show the new position at once, also while stopped (no tick runs then).
        self.view.position = frame;
    }

    /// Loads reference `id` (its audio decoded at the project rate with `media::load_stem`),
    /// or replaces the audio and setup of a loaded one. The engine keeps its references over
    /// [`load`](Self::load) at the same rate; at another rate it drops them (load them again
    /// at the new rate), and [`clear_references`](Self::clear_references) drops them for a
    /// new project.
    pub fn set_reference(&mut self, id: RefId, audio: Arc<StemAudio>, setup: RefSetup) {
        self.send_reference(ReferenceCommand::Set { id, audio, setup });
    }

    /// Sends `reference`'s mode and loop (from the project) and its gain in dB (loudness-match
    /// gain plus trim, or the trim alone with matching off) after an edit of it.
    pub fn update_reference(&mut self, reference: &Reference, gain_db: f32) {
        let id = reference.id;
        let setup = RefSetup::of(reference, self.sample_rate, gain_db);
        let (start, end) = setup.loop_frames.unwrap_or((0, 0));
        self.send_reference(ReferenceCommand::Mode(id, setup.mode));
        self.send_reference(ReferenceCommand::Loop {
            id,
            enabled: setup.loop_enabled,
            start,
            end,
        });
        self.set_reference_gain(id, gain_db);
    }

    /// A reference's gain in dB (match gain plus trim), ramped like a fader.
    pub fn set_reference_gain(&mut self, id: RefId, gain_db: f32) {
        self.send_reference(ReferenceCommand::Gain(id, gain_db));
    }

    /// Moves a reference's Free playhead to `frame` (frames of its audio).
    pub fn seek_reference(&mut self, id: RefId, frame: u64) {
        self.send_reference(ReferenceCommand::SeekFree(id, frame));
    }

    /// Unloads a reference (if it is heard, the output crossfades to the mix first).
    pub fn remove_reference(&mut self, id: RefId) {
        self.send_reference(ReferenceCommand::Remove(id));
        if self.view.source == Source::Reference(id) {
            self.view.source = Source::Mix;
        }
    }

    /// Unloads every reference and selects the mix (another project was opened).
    pub fn clear_references(&mut self) {
        self.send_reference(ReferenceCommand::Clear);
        self.view.source = Source::Mix;
    }

    fn send_reference(&mut self, cmd: ReferenceCommand) {
        self.backend.send(Command::Reference(cmd));
    }

    /// Selects what the output plays: the A/B switch (an equal-power crossfade of
    /// [`CROSSFADE_MS`](crate::engine::CROSSFADE_MS) at the next block while playing).
    pub fn select_source(&mut self, source: Source) {
        self.backend.send(Command::SelectSource(source));
        // Show it at once, also while stopped (no report arrives then).
        self.view.source = source;
    }

    /// Monitor mode and level (real-time output only: not metered, not saved, never bounced).
    pub fn set_monitor(&mut self, settings: MonitorSettings) {
        self.backend.send(Command::Monitor(settings));
    }

    /// Taps `tap` for the live spectrum (sent only when it changes).
    pub fn select_tap(&mut self, tap: TapSelection) {
        if tap != self.tap {
            self.tap = tap;
            self.backend.select_tap(tap);
        }
    }

    /// The tapped track and point.
    pub fn tap(&self) -> TapSelection {
        self.tap
    }

    /// Clears a latched clip light (`None`: the master's).
    pub fn clear_clip(&mut self, track: Option<TrackId>) {
        self.backend.clear_clip(track);
        match track {
            Some(id) => {
                if let Some(m) = self.view.tracks.get_mut(&id) {
                    m.clip = false;
                }
            }
            None => self.view.master.clip = false,
        }
    }

    /// Whether the clip light of `track` (`None`: master) is lit.
    pub fn clipped(&self, track: Option<TrackId>) -> bool {
        match track {
            Some(id) => self.view.tracks.get(&id).is_some_and(|m| m.clip),
            None => self.view.master.clip,
        }
    }

    /// Clears the peak holds, clip lights and integrated loudness.
    pub fn reset_meters(&mut self) {
        self.backend.send(Command::ResetMeters);
        self.backend.poll(&mut self.view);
    }

    /// Pulls the latest playhead, meters and status from the engine.
    pub fn tick(&mut self) -> &EngineView {
        self.backend.poll(&mut self.view);
        &self.view
    }

    /// The state as of the last [`tick`](Self::tick).
    pub fn view(&self) -> &EngineView {
        &self.view
    }

    /// Messages for the user that arrived since the last call.
    pub fn take_messages(&mut self) -> Vec<String> {
        std::mem::take(&mut self.view.messages)
    }

    /// Whether the display needs ticks: playing, or meters still falling.
    pub fn is_active(&self) -> bool {
        self.view.playing || !self.view.settled()
    }

    /// The project rate the engine runs at.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn send_graph(&mut self, cmd: GraphCommand) {
        self.backend.send(Command::Graph(cmd));
    }

    /// Sends the project's loop settings if they changed.
    fn sync_loop(&mut self, project: &Project) {
        let state = (project.loop_enabled, project.loop_region);
        if state == self.loop_state {
            return;
        }
        self.loop_state = state;
        let (start, end) = match project.loop_region {
            Some(r) => r.frames(project.sample_rate),
            None => (0, 0),
        };
        self.backend.send(Command::SetLoop {
            enabled: project.loop_enabled && project.loop_region.is_some(),
            start,
            end,
        });
    }
}

/// Largest block of the live graph: device buffers of any size are split into blocks of at
/// most this many frames (as `stemmix play` does).
pub const LIVE_MAX_BLOCK: usize = 512;

/// The real-time engine: an [`EngineHandle`] with its output (the device, or a silent clock).
pub struct RealtimePort {
    handle: EngineHandle,
}

impl RealtimePort {
    /// An engine with an empty graph, its output started with `config`.
    pub fn start(config: OutputConfig) -> RealtimePort {
        RealtimePort {
            handle: EngineHandle::start(MixGraph::new(48_000, LIVE_MAX_BLOCK), config),
        }
    }

    /// An engine around `handle` (e.g. one whose output a test drives).
    pub fn with_handle(handle: EngineHandle) -> RealtimePort {
        RealtimePort { handle }
    }
}

/// The engine's display meter as the window shows it: the engine keeps the last gain reduction
/// while stopped, the window shows none then.
fn shown(m: &ChannelMeter, playing: bool) -> ChannelMeter {
    let mut m = *m;
    if !playing {
        m.gain_reduction_db = 0.0;
    }
    m
}

impl EnginePort for RealtimePort {
    fn send(&mut self, command: Command) {
        match command {
            // At another sample rate the handle restarts the output; it must do that itself.
            Command::Graph(GraphCommand::ReplaceGraph(g)) => self.handle.replace_graph(*g),
            c => self.handle.send(c),
        }
    }

    fn poll(&mut self, view: &mut EngineView) {
        let _ = self.handle.tick();
        view.messages.extend(self.handle.take_messages());
        view.status = match self.handle.output_status() {
            OutputStatus::Off => "audio output off".to_string(),
            OutputStatus::Starting => "opening the audio output…".to_string(),
            OutputStatus::Device(info) => format!("playing on {info}"),
            OutputStatus::Unavailable { reason } => {
                // The full reason went out once as a message; the status line stays short.
                let short = reason.split(" (").next().unwrap_or(reason);
                format!("{short}: silent playback, the transport and meters still run")
            }
        };
        let meters = self.handle.meters_mut();
        let _ = meters.take_ended();
        let playing = meters.state() == PlayState::Playing;
        view.playing = playing;
        view.position = meters.position();
        for (id, m) in view.tracks.iter_mut() {
            *m = meters
                .track(*id)
                .map_or_else(ChannelMeter::default, |c| shown(c, playing));
        }
        let master = meters.master;
        view.master = shown(&master.levels, playing);
        view.reverb = shown(&master.reverb, playing);
        view.loudness = Loudness {
            momentary: master.momentary_lufs,
            short_term: master.short_term_lufs,
            integrated: master.integrated_lufs,
            true_peak_dbtp: master.true_peak_max_dbtp,
        };
        view.source = self.handle.source();
        view.reference = self.handle.meters_mut().reference;
        self.handle.spectrum().snapshot_into(&mut view.spectrum);
    }

    fn select_tap(&mut self, tap: TapSelection) {
        self.handle.spectrum_mut().select(tap);
    }

    fn max_block(&self) -> usize {
        LIVE_MAX_BLOCK
    }

    fn clear_clip(&mut self, track: Option<TrackId>) {
        match track {
            Some(id) => self.handle.clear_clip(id),
            None => self.handle.clear_master_clip(),
        }
    }
}
