//! The control side of the engine, owned by the GUI thread (or a CLI, a test, a bench).
//!
//! [`EngineHandle`] creates the three rings, builds the [`AudioEngine`] into a [`RenderSlot`],
//! starts the output (device or dummy clock), and sends commands. Nothing here ever blocks:
//! when the command ring is full, commands wait in a local queue that [`EngineHandle::tick`]
//! retries; in that queue parameter updates **coalesce** (the latest value per key wins) while
//! transport and structural commands keep their order relative to everything else.
//!
//! `tick()` also drains feedback into a [`MeterState`] (peak hold, clip latch, decaying bars,
//! loudness, playhead), turns every fault the audio thread caught (a NaN or infinity in a
//! track, the reverb return or the master) into a message for the user, and drops retired
//! objects here, off the audio thread.

use super::command::{Command, GraphCommand, Retired, Source, TrackParam};
use super::device::{Output, OutputConfig, OutputEvent, OutputStatus};
use super::feedback::PlayState;
use super::feedback::{Feedback, RETIRE_CAPACITY, feedback_capacity};
use super::graph::{MAX_TRACKS, MixGraph, TrackNode};
use super::meters::MeterState;
use super::monitor::MonitorSettings;
use super::pending::Pending;
use super::prefetch::{Prefetcher, StarvedNotice};
use super::realtime::AudioEngine;
use super::reference::{MAX_REFERENCES, RefSetup, ReferenceCommand};
use super::slot::RenderSlot;
use super::spectrum_tap::LiveSpectrum;
use crate::media::StemAudio;
use crate::project::{LimiterSettings, RefId, RefMode, ReverbBus, TrackId};
use rtrb::{Consumer, Producer, PushError, RingBuffer};
use std::sync::Arc;
use std::time::Instant;

/// Display points of the live spectrum (those of the EQ editor's curve).
pub const SPECTRUM_POINTS: usize = 241;

/// Capacity of the command ring.
pub const COMMAND_CAPACITY: usize = 1024;

/// What one [`EngineHandle::tick`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickSummary {
    /// Feedback messages read.
    pub feedback: usize,
    /// Retired objects dropped.
    pub retired: usize,
    /// Commands still waiting for room in the ring.
    pub pending: usize,
}

/// The engine's control side. See the module documentation.
pub struct EngineHandle {
    commands: Producer<Command>,
    pending: Pending,
    feedback: Consumer<Feedback>,
    retired: Consumer<Retired>,
    slot: Arc<RenderSlot<AudioEngine>>,
    output: Option<Output>,
    output_config: Option<OutputConfig>,
    status: OutputStatus,
    messages: Vec<String>,
    meters: MeterState,
    spectrum: LiveSpectrum,
    sample_rate: u32,
    sent: u64,
    /// The transport was paused because the device went away.
    paused_by_loss: bool,
    resume_after_reconnect: bool,
    /// References sent to the engine (loaded, or about to be).
    references: Vec<RefId>,
    /// The source selected last.
    source: Source,
    /// The monitor settings sent last.
    monitor: MonitorSettings,
    /// Keeps the mapped stems' next seconds in memory.
    prefetch: Prefetcher,
    starved: StarvedNotice,
}

impl std::fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineHandle")
            .field("sample_rate", &self.sample_rate)
            .field("status", &self.status)
            .field("pending", &self.pending.queue.len())
            .finish()
    }
}

impl EngineHandle {
    /// Creates the rings and the engine for `graph`, without an output: drive the renderer with
    /// [`renderer`](Self::renderer) or call [`start_output`](Self::start_output). Commands sent
    /// before the output starts are applied by its first callback.
    pub fn new(graph: MixGraph) -> EngineHandle {
        let (cmd_tx, cmd_rx) = RingBuffer::new(COMMAND_CAPACITY);
        let (fb_tx, fb_rx) = RingBuffer::new(feedback_capacity(MAX_TRACKS));
        let (ret_tx, ret_rx) = RingBuffer::new(RETIRE_CAPACITY);
        let sample_rate = graph.sample_rate();
        let mut prefetch = Prefetcher::new();
        prefetch.set_graph(&graph);
        let mut engine = AudioEngine::new(Box::new(graph), cmd_rx, fb_tx, ret_tx);
        let (spectrum, tap) = LiveSpectrum::new(sample_rate, SPECTRUM_POINTS);
        engine.set_tap(tap);
        EngineHandle {
            commands: cmd_tx,
            pending: Pending::default(),
            feedback: fb_rx,
            retired: ret_rx,
            slot: Arc::new(RenderSlot::new(Box::new(engine))),
            output: None,
            output_config: None,
            status: OutputStatus::Off,
            messages: Vec::new(),
            meters: MeterState::new(sample_rate),
            spectrum,
            sample_rate,
            sent: 0,
            paused_by_loss: false,
            resume_after_reconnect: false,
            references: Vec::new(),
            source: Source::Mix,
            monitor: MonitorSettings::default(),
            prefetch,
            starved: StarvedNotice::default(),
        }
    }

    /// Creates the engine and starts its output.
    pub fn start(graph: MixGraph, config: OutputConfig) -> EngineHandle {
        let mut h = EngineHandle::new(graph);
        h.start_output(config);
        h
    }

    /// Waits until the prefetcher holds the mapped stems' window around the playhead in memory
    /// (at most `timeout`; true if it does, at once for stems in memory). For tests, benches
    /// and a bounce-like start of playback; the window never needs to wait.
    pub fn wait_prefetched(&self, timeout: std::time::Duration) -> bool {
        self.prefetch.wait_ready(timeout)
    }

    /// The slot the output renders from (tests, benches and custom clocks call
    /// `slot.with(|e| e.render(..))` exactly as the stream callback does).
    pub fn renderer(&self) -> Arc<RenderSlot<AudioEngine>> {
        self.slot.clone()
    }

    /// Starts (or restarts) the output: the device, or a dummy clock when there is none.
    pub fn start_output(&mut self, config: OutputConfig) {
        self.stop_output();
        self.status = OutputStatus::Starting;
        self.output = Some(Output::start(
            self.slot.clone(),
            self.sample_rate,
            config.clone(),
        ));
        self.output_config = Some(config);
    }

    /// Starts the output on another backend (see [`Output::start_with`]).
    pub fn start_output_with(
        &mut self,
        config: OutputConfig,
        backend: impl FnOnce() -> Box<dyn super::device::AudioHost> + Send + 'static,
    ) {
        self.stop_output();
        self.status = OutputStatus::Starting;
        self.output = Some(Output::start_with(
            self.slot.clone(),
            self.sample_rate,
            config.clone(),
            backend,
        ));
        self.output_config = Some(config);
    }

    /// Stops the output (device or dummy clock) and waits for its last callback.
    pub fn stop_output(&mut self) {
        if let Some(mut o) = self.output.take() {
            o.stop();
        }
        self.status = OutputStatus::Off;
    }

    /// Stops the output and takes the engine out of its slot (to inspect or rebuild it). Returns
    /// `None` if a renderer driven by hand holds it right now.
    pub fn take_engine(&mut self) -> Option<Box<AudioEngine>> {
        self.stop_output();
        self.slot.take()
    }

    /// Puts an engine (from [`take_engine`](Self::take_engine)) back.
    pub fn put_engine(&mut self, engine: Box<AudioEngine>) {
        self.sample_rate = engine.graph().sample_rate();
        self.spectrum.set_rate(self.sample_rate);
        drop(self.slot.put(engine));
    }

    /// Whether playback resumes by itself when a lost device comes back (off by default: the
    /// transport pauses on a loss and the user decides; a terminal player turns it on).
    pub fn set_resume_after_reconnect(&mut self, on: bool) {
        self.resume_after_reconnect = on;
    }

    /// Where audio is going.
    pub fn output_status(&self) -> &OutputStatus {
        &self.status
    }

    /// Takes the messages for the user gathered by `tick` (device lost, reconnected, a fault
    /// caught, …).
    pub fn take_messages(&mut self) -> Vec<String> {
        std::mem::take(&mut self.messages)
    }

    /// Device underruns so far.
    pub fn xruns(&self) -> u64 {
        self.output.as_ref().map_or(0, Output::xruns)
    }

    /// Mix sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The meters and playhead, as of the last `tick`.
    pub fn meters(&self) -> &MeterState {
        &self.meters
    }

    /// The meters, mutably (e.g. to take the end event).
    pub fn meters_mut(&mut self) -> &mut MeterState {
        &mut self.meters
    }

    /// The live spectrum of the tapped track, as of the last `tick`.
    pub fn spectrum(&self) -> &LiveSpectrum {
        &self.spectrum
    }

    /// The live spectrum, mutably (to choose the tapped track).
    pub fn spectrum_mut(&mut self) -> &mut LiveSpectrum {
        &mut self.spectrum
    }

    /// Clears a track's clip and fault lights.
    pub fn clear_clip(&mut self, id: TrackId) {
        if let Some(m) = self.meters.tracks.get_mut(&id) {
            m.clip = false;
            m.faulted = false;
        }
    }

    /// Clears the master's clip light and the master's and reverb return's fault lights.
    pub fn clear_master_clip(&mut self) {
        self.meters.master.levels.clip = false;
        self.meters.master.levels.faulted = false;
        self.meters.master.reverb.faulted = false;
    }

    /// Clears every clip light, peak hold, the true-peak maximum and the integrated loudness.
    pub fn reset_meters(&mut self) {
        self.meters.reset();
        self.send(Command::ResetMeters);
    }

    /// Commands waiting for room in the ring (after coalescing).
    pub fn pending_commands(&self) -> usize {
        self.pending.queue.len()
    }

    /// Commands in the ring that the audio thread has not taken yet.
    pub fn commands_in_flight(&self) -> usize {
        COMMAND_CAPACITY - self.commands.slots()
    }

    /// Parameter updates replaced by later values while waiting (never sent).
    pub fn coalesced_commands(&self) -> u64 {
        self.pending.coalesced
    }

    /// Sends a command. Never blocks: if the ring is full it waits in the local queue (see the
    /// module documentation) until a later `send` or `tick` finds room.
    pub fn send(&mut self, cmd: Command) {
        let Some(cmd) = self.note(cmd) else {
            return;
        };
        self.sent += 1;
        if !self.pending.queue.is_empty() {
            self.pending.flush(&mut self.commands);
        }
        if self.pending.queue.is_empty() {
            if let Err(PushError::Full(cmd)) = self.commands.push(cmd) {
                self.pending.push(cmd);
            }
        } else {
            self.pending.push(cmd);
        }
    }

    /// Keeps track of the references, the source and the monitor settings sent, whichever way
    /// the command came (these methods or a port's plain `send`). `None`: the command is refused
    /// (a new reference beyond [`MAX_REFERENCES`]; its audio is dropped here, with a message).
    fn note(&mut self, cmd: Command) -> Option<Command> {
        self.prefetch.note(&cmd);
        match &cmd {
            Command::SelectSource(s) => self.source = *s,
            Command::Monitor(m) => self.monitor = *m,
            Command::Reference(ReferenceCommand::Set { id, .. })
                if !self.references.contains(id) =>
            {
                if self.references.len() >= MAX_REFERENCES {
                    self.messages.push(format!(
                        "at most {MAX_REFERENCES} references can be loaded at once"
                    ));
                    return None;
                }
                self.references.push(*id);
            }
            Command::Reference(ReferenceCommand::Remove(id)) => {
                self.references.retain(|r| r != id);
                if self.source == Source::Reference(*id) {
                    self.source = Source::Mix;
                }
            }
            Command::Reference(ReferenceCommand::Clear) => {
                self.references.clear();
                self.source = Source::Mix;
            }
            _ => {}
        }
        Some(cmd)
    }

    /// Sends a mix-graph change.
    pub fn apply(&mut self, cmd: GraphCommand) {
        self.send(Command::Graph(cmd));
    }

    /// Starts or resumes playback.
    pub fn play(&mut self) {
        self.send(Command::Play);
    }

    /// Pauses, keeping DSP state.
    pub fn pause(&mut self) {
        self.send(Command::Pause);
    }

    /// Stops, clearing DSP state.
    pub fn stop(&mut self) {
        self.send(Command::Stop);
    }

    /// Moves the playhead to `frame`.
    pub fn seek(&mut self, frame: u64) {
        self.send(Command::Seek(frame));
    }

    /// Loop switch and region in frames (`end` exclusive).
    pub fn set_loop(&mut self, enabled: bool, start: u64, end: u64) {
        self.send(Command::SetLoop {
            enabled,
            start,
            end,
        });
    }

    /// Selects what the output plays: at the next block, with an equal-power crossfade of
    /// [`CROSSFADE_MS`](super::switch::CROSSFADE_MS) while playing. A reference that is not
    /// loaded plays silence (the mix keeps running either way).
    pub fn select_source(&mut self, source: Source) {
        self.send(Command::SelectSource(source));
    }

    /// The source selected last (what the output plays once the command has landed).
    pub fn source(&self) -> Source {
        self.source
    }

    /// Loads reference `id` with its decoded `audio` (at the project rate, from
    /// `media::load_stem`) and `setup`, or replaces the audio and setup of a loaded one (the
    /// old audio is dropped here, after the audio thread let go of it). Returns false, with a
    /// message for the user, when [`MAX_REFERENCES`] are loaded already.
    pub fn set_reference(&mut self, id: RefId, audio: Arc<StemAudio>, setup: RefSetup) -> bool {
        let fits = self.references.contains(&id) || self.references.len() < MAX_REFERENCES;
        self.send(Command::Reference(ReferenceCommand::Set {
            id,
            audio,
            setup,
        }));
        fits
    }

    /// Unloads reference `id` (if it is heard, the output crossfades to the mix first).
    pub fn remove_reference(&mut self, id: RefId) {
        self.send(Command::Reference(ReferenceCommand::Remove(id)));
    }

    /// Unloads every reference and selects the mix (closing or replacing a project).
    pub fn clear_references(&mut self) {
        self.send(Command::Reference(ReferenceCommand::Clear));
    }

    /// The references loaded (or on their way), in the order they were added.
    pub fn references(&self) -> &[RefId] {
        &self.references
    }

    /// A reference's gain in dB: its loudness-match gain plus its trim (or the trim alone
    /// with matching off). Ramped like a fader.
    pub fn set_reference_gain(&mut self, id: RefId, gain_db: f32) {
        self.send(Command::Reference(ReferenceCommand::Gain(id, gain_db)));
    }

    /// Sync (plays at the mix's playhead) or Free (its own playhead).
    pub fn set_reference_mode(&mut self, id: RefId, mode: RefMode) {
        self.send(Command::Reference(ReferenceCommand::Mode(id, mode)));
    }

    /// A Free reference's loop switch and region in frames of its audio (`end` exclusive).
    pub fn set_reference_loop(&mut self, id: RefId, enabled: bool, start: u64, end: u64) {
        self.send(Command::Reference(ReferenceCommand::Loop {
            id,
            enabled,
            start,
            end,
        }));
    }

    /// Moves a reference's Free playhead to `frame` (declicked if it is heard).
    pub fn seek_reference(&mut self, id: RefId, frame: u64) {
        self.send(Command::Reference(ReferenceCommand::SeekFree(id, frame)));
    }

    /// Monitor mode and level: scale whatever plays, in the real-time output only (not in
    /// the meters, a bounce or the project).
    pub fn set_monitor(&mut self, settings: MonitorSettings) {
        self.send(Command::Monitor(settings));
    }

    /// The monitor settings sent last.
    pub fn monitor(&self) -> MonitorSettings {
        self.monitor
    }

    /// Stops after `frames` more frames of playback (`None`: no limit).
    pub fn stop_after(&mut self, frames: Option<u64>) {
        self.send(Command::StopAfter(frames));
    }

    /// Sets one strip parameter.
    pub fn set_track(&mut self, id: TrackId, param: TrackParam) {
        self.apply(GraphCommand::Track(id, param));
    }

    /// Sets the reverb bus.
    pub fn set_reverb(&mut self, reverb: ReverbBus) {
        self.apply(GraphCommand::Reverb(reverb));
    }

    /// Sets the master fader.
    pub fn set_master_gain_db(&mut self, db: f32) {
        self.apply(GraphCommand::MasterGainDb(db));
    }

    /// Sets the master limiter.
    pub fn set_limiter(&mut self, limiter: LimiterSettings) {
        self.apply(GraphCommand::Limiter(limiter));
    }

    /// Inserts a track built with [`TrackNode::new`] at `index`.
    pub fn add_track(&mut self, index: usize, node: TrackNode) {
        self.apply(GraphCommand::AddTrack {
            index,
            node: Box::new(node),
        });
    }

    /// Removes a track.
    pub fn remove_track(&mut self, id: TrackId) {
        self.apply(GraphCommand::RemoveTrack(id));
    }

    /// Replaces a track's node (same id).
    pub fn replace_track(&mut self, node: TrackNode) {
        self.apply(GraphCommand::ReplaceTrack(Box::new(node)));
    }

    /// New audio for a track (`None`: offline).
    pub fn set_stem(&mut self, id: TrackId, stem: Option<Arc<StemAudio>>) {
        self.apply(GraphCommand::SetStem(id, stem));
    }

    /// Replaces the whole graph (a project was opened). At the same rate it is swapped in
    /// between two callbacks and loaded references stay (call
    /// [`clear_references`](Self::clear_references) for another project's); at another rate
    /// the output is restarted at the new rate and the references are unloaded (load them
    /// again, decoded at the new rate).
    pub fn replace_graph(&mut self, graph: MixGraph) {
        if graph.sample_rate() == self.sample_rate {
            self.apply(GraphCommand::ReplaceGraph(Box::new(graph)));
            return;
        }
        let config = self.output_config.clone();
        let running = self.output.is_some();
        match self.take_engine() {
            Some(mut engine) => {
                self.prefetch.set_graph(&graph);
                drop(engine.set_graph(Box::new(graph)));
                self.put_engine(engine);
                self.meters = MeterState::new(self.sample_rate);
                // The engine unloaded the references (decoded at the old rate) and plays the
                // mix; the monitor settings went with them.
                self.references.clear();
                self.source = Source::Mix;
                let monitor = self.monitor;
                self.set_monitor(monitor);
                self.spectrum.set_rate(self.sample_rate);
            }
            None => {
                self.messages
                    .push("cannot change the sample rate while the renderer is busy".into());
            }
        }
        if let (true, Some(c)) = (running, config) {
            self.start_output(c);
        }
    }

    /// Does the periodic control-side work (call it at the display rate, or ~30 Hz): retries
    /// queued commands, reads feedback into the meters, drops retired objects, and picks up
    /// output events. Never blocks.
    pub fn tick(&mut self) -> TickSummary {
        self.tick_at(Instant::now())
    }

    /// [`tick`](Self::tick) with an explicit clock (for tests of the meter ballistics).
    pub fn tick_at(&mut self, now: Instant) -> TickSummary {
        let mut s = TickSummary::default();
        self.pending.flush(&mut self.commands);
        self.meters.decay(now);
        self.spectrum.tick(now);
        while let Ok(f) = self.feedback.pop() {
            if let Some(fault) = self.meters.apply(f, now) {
                self.messages.push(fault.message());
            }
            s.feedback += 1;
        }
        if s.feedback > 0 {
            self.prefetch.set_position(self.meters.position());
            let total = self.meters.starved_frames;
            if let Some(m) = self.starved.update(total, self.sample_rate, now) {
                self.messages.push(m);
            }
        }
        while let Ok(r) = self.retired.pop() {
            // Dropped here, on the control thread: frees stems, nodes and graphs.
            drop(r);
            s.retired += 1;
        }
        while let Some(ev) = self.output.as_ref().and_then(Output::try_event) {
            match ev {
                OutputEvent::Opened(info) => {
                    if matches!(self.status, OutputStatus::Unavailable { .. }) {
                        self.messages.push(format!("audio output back: {info}"));
                    }
                    self.status = OutputStatus::Device(info);
                    if std::mem::take(&mut self.paused_by_loss) && self.resume_after_reconnect {
                        self.send(Command::Play);
                    }
                }
                OutputEvent::Unavailable(reason) => {
                    self.messages.push(format!(
                        "playback unavailable: {reason} (transport keeps running silently)"
                    ));
                    self.status = OutputStatus::Unavailable { reason };
                }
                OutputEvent::Lost(reason) => {
                    // Stop playback where it is (pause keeps the DSP state and the position),
                    // so nothing plays on unheard while the device is away.
                    if self.meters.state() == PlayState::Playing {
                        self.send(Command::Pause);
                        self.paused_by_loss = true;
                        self.messages.push(format!("{reason}; playback paused"));
                    } else {
                        self.messages.push(reason.clone());
                    }
                    self.status = OutputStatus::Unavailable { reason };
                }
                OutputEvent::Warning(w) => self.messages.push(w),
            }
        }
        s.pending = self.pending.queue.len();
        s
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        // No callback may run while the slot (and the engine in it) is dropped.
        self.stop_output();
    }
}
