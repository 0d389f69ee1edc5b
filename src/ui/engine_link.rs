//! The GUI's one door to the audio engine.
//!
//! The app never touches a mix graph: it tells the [`EngineLink`] what changed in the project
//! (`load`, `edit`, `stem_loaded`) and what the transport should do (`play`, `pause`, `stop`,
//! `seek`, `set_loop`), and once per display frame asks for an [`EngineView`] (`tick`) with the
//! playhead, the meters and the device status. Every project change goes through
//! [`sync::diff`], so undo, redo and opening stems reach the engine by the same path as a fader
//! move.
//!
//! What actually receives the commands is a [`Backend`]:
//! - [`RecordingBackend`] keeps every command it was given (tests assert on them);
//! - [`SilentBackend`] runs the mix graph against the wall clock without an audio device (the
//!   transport works and the meters show the real mix; nothing is heard). The real-time engine
//!   handle implements [`Backend`] the same way.

use crate::engine::graph::StemLookup;
use crate::engine::{Command, GraphCommand, MixGraph, sync};
use crate::project::{Project, Region, TrackId};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Levels below this (dBFS) count as silence: a meter showing nothing above it has settled.
pub const SETTLED_DB: f32 = -70.0;

/// What the engine side must do for the GUI.
pub trait Backend {
    /// Delivers one command (graph change or transport).
    fn send(&mut self, command: Command);
    /// Brings `view` up to date with what happened since the last call: playhead, meters
    /// (with their ballistics: decay and peak hold), `clipped` set on meters that clipped since
    /// the last call, device status, and any new messages for the user.
    fn poll(&mut self, view: &mut EngineView);
    /// Largest block of the live graph (graphs and tracks built for it must use this).
    fn max_block(&self) -> usize;
}

/// One meter's levels in dBFS (−∞ for silence).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Meter {
    /// Sample peak per side, with decay.
    pub peak_db: [f32; 2],
    /// RMS per side.
    pub rms_db: [f32; 2],
    /// Held peak per side.
    pub hold_db: [f32; 2],
    /// Whether the meter clipped since the last poll (the link latches it until cleared).
    pub clipped: bool,
    /// Gain reduction of the strip's compressor (or the master limiter), dB ≥ 0.
    pub gr_db: f32,
}

impl Meter {
    /// Nothing to show.
    pub const SILENT: Meter = Meter {
        peak_db: [f32::NEG_INFINITY; 2],
        rms_db: [f32::NEG_INFINITY; 2],
        hold_db: [f32::NEG_INFINITY; 2],
        clipped: false,
        gr_db: 0.0,
    };

    /// Whether nothing is left to draw (all levels under [`SETTLED_DB`], no gain reduction).
    pub fn settled(&self) -> bool {
        self.peak_db
            .iter()
            .chain(&self.rms_db)
            .chain(&self.hold_db)
            .all(|&d| d.is_nan() || d < SETTLED_DB)
            && self.gr_db.abs() < 0.05
    }
}

impl Default for Meter {
    fn default() -> Self {
        Meter::SILENT
    }
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
    /// Per-track meters.
    pub tracks: HashMap<TrackId, Meter>,
    /// The master meter (gain reduction = the limiter's).
    pub master: Meter,
    /// Master loudness.
    pub loudness: Loudness,
    /// One line about the output device ("Built-in Audio, 48 kHz", "no audio device: silent").
    pub status: String,
    /// New messages for the user (device lost, …); the app takes them.
    pub messages: Vec<String>,
}

impl EngineView {
    /// Whether every meter has settled (nothing moves while stopped).
    pub fn settled(&self) -> bool {
        self.master.settled() && self.tracks.values().all(Meter::settled)
    }
}

/// The app's handle on the engine; see the module documentation.
pub struct EngineLink {
    backend: Box<dyn Backend>,
    view: EngineView,
    sample_rate: u32,
    loop_state: (bool, Option<Region>),
    /// Latched clip lights: `None` is the master.
    clips: HashSet<Option<TrackId>>,
}

impl std::fmt::Debug for EngineLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineLink")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

/// The commands a [`RecordingBackend`] received, shared with the test that made it.
pub type Recorded = Arc<Mutex<Vec<Command>>>;

impl EngineLink {
    /// A link sending to `backend`.
    pub fn new(mut backend: Box<dyn Backend>) -> EngineLink {
        // Poll once so the device status is there for the first frame.
        let mut view = EngineView::default();
        backend.poll(&mut view);
        EngineLink {
            backend,
            view,
            sample_rate: 48_000,
            loop_state: (false, None),
            clips: HashSet::new(),
        }
    }

    /// A link whose backend only records the commands (for tests), and the record.
    pub fn recording() -> (EngineLink, Recorded) {
        let backend = RecordingBackend::default();
        let record = backend.commands.clone();
        (EngineLink::new(Box::new(backend)), record)
    }

    /// A link to a graph running against the wall clock, without an audio device.
    pub fn silent() -> EngineLink {
        EngineLink::new(Box::new(SilentBackend::new()))
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
        self.clips.clear();
        self.view.tracks.clear();
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
    }

    /// The stem of `track` has been decoded (or has gone offline): rebuilds its strip around
    /// the audio `stems` now gives for it.
    pub fn stem_loaded(&mut self, project: &Project, track: TrackId, stems: &StemLookup<'_>) {
        if let Some(t) = project.track(track) {
            let cmd = sync::replace_track(t, stems, project.sample_rate, self.backend.max_block());
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

    /// Clears a latched clip light (`None`: the master's).
    pub fn clear_clip(&mut self, track: Option<TrackId>) {
        self.clips.remove(&track);
    }

    /// Whether the clip light of `track` (`None`: master) is latched.
    pub fn clipped(&self, track: Option<TrackId>) -> bool {
        self.clips.contains(&track)
    }

    /// Clears the peak holds, clip lights and integrated loudness.
    pub fn reset_meters(&mut self) {
        self.clips.clear();
        self.backend.send(Command::ResetMeters);
    }

    /// Pulls the latest playhead, meters and status from the engine.
    pub fn tick(&mut self) -> &EngineView {
        self.backend.poll(&mut self.view);
        for (id, m) in &mut self.view.tracks {
            if std::mem::take(&mut m.clipped) {
                self.clips.insert(Some(*id));
            }
        }
        if std::mem::take(&mut self.view.master.clipped) {
            self.clips.insert(None);
        }
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

/// Keeps the commands it is given, for tests. Transport commands also move its playhead so the
/// app's view of the transport behaves.
#[derive(Default)]
pub struct RecordingBackend {
    /// Everything received, in order.
    pub commands: Recorded,
    playing: bool,
    position: u64,
}

impl Backend for RecordingBackend {
    fn send(&mut self, command: Command) {
        match &command {
            Command::Play => self.playing = true,
            Command::Pause | Command::Stop => self.playing = false,
            Command::Seek(f) => self.position = *f,
            _ => {}
        }
        if let Ok(mut c) = self.commands.lock() {
            c.push(command);
        }
    }

    fn poll(&mut self, view: &mut EngineView) {
        view.playing = self.playing;
        view.position = self.position;
        view.status = "test engine".into();
    }

    fn max_block(&self) -> usize {
        256
    }
}

/// Peak decay of the GUI meters, dB per second.
const DECAY_DB_PER_S: f32 = 26.0;
/// How long a peak hold stays before it falls.
const HOLD: Duration = Duration::from_millis(1500);
/// Most audio the silent backend renders in one poll (after a stall it skips ahead instead).
const MAX_CATCH_UP_S: f64 = 0.25;

/// Runs the mix graph against the wall clock without an audio device: the transport, the
/// meters and the loudness figures behave as with a device, and nothing is heard.
pub struct SilentBackend {
    graph: MixGraph,
    playing: bool,
    /// Frames rendered so far (the playhead).
    position: u64,
    /// Wall-clock time of `position` while playing.
    clock: Option<(Instant, u64)>,
    loop_region: Option<(u64, u64)>,
    buf: [Vec<f32>; 2],
    ballistics: HashMap<Option<TrackId>, Ballistics>,
    loudness: Option<ebur128::EbuR128>,
    true_peak: f32,
    last_poll: Instant,
}

impl SilentBackend {
    const BLOCK: usize = 1024;

    /// An idle backend with an empty graph.
    pub fn new() -> SilentBackend {
        SilentBackend {
            graph: MixGraph::new(48_000, Self::BLOCK),
            playing: false,
            position: 0,
            clock: None,
            loop_region: None,
            buf: [vec![0.0; Self::BLOCK], vec![0.0; Self::BLOCK]],
            ballistics: HashMap::new(),
            loudness: None,
            true_peak: f32::NEG_INFINITY,
            last_poll: Instant::now(),
        }
    }

    fn reset_loudness(&mut self) {
        use ebur128::{EbuR128, Mode};
        self.loudness = EbuR128::new(
            2,
            self.graph.sample_rate(),
            Mode::M | Mode::S | Mode::I | Mode::TRUE_PEAK,
        )
        .ok();
        self.true_peak = f32::NEG_INFINITY;
    }

    /// Renders from `position` up to `target`, metering as it goes.
    fn render_to(&mut self, target: u64, now: Instant) {
        let length = self.graph.length();
        while self.position < target {
            let mut n = ((target - self.position) as usize).min(Self::BLOCK);
            if let Some((_, b)) = self.loop_region
                && self.position < b
            {
                n = n.min((b - self.position) as usize).max(1);
            }
            let [l, r] = &mut self.buf;
            let (l, r) = (&mut l[..n], &mut r[..n]);
            self.graph.process(l, r);
            self.position += n as u64;
            for t in self.graph.tracks_mut() {
                let (levels, _) = t.take_levels();
                let gr = t.gain_reduction_db();
                let id = t.id();
                self.ballistics.entry(Some(id)).or_default().feed(
                    levels.peak,
                    levels.rms(),
                    levels.clipped,
                    gr,
                    now,
                );
            }
            let peak = [peak_of(l), peak_of(r)];
            let rms = [rms_of(l), rms_of(r)];
            let gr = self.graph.master().gain_reduction_db();
            let clipped = peak[0] >= 1.0 || peak[1] >= 1.0;
            self.ballistics
                .entry(None)
                .or_default()
                .feed(peak, rms, clipped, gr, now);
            if let Some(e) = &mut self.loudness {
                let _ = e.add_frames_planar_f32(&[l, r]);
            }
            if let Some((a, b)) = self.loop_region
                && self.position >= b
            {
                self.position = a;
                self.graph.seek(a, true);
                break;
            }
            if self.position >= length + self.graph.sample_rate() as u64 {
                // Past the end (and a second of tails): stop like a tape machine.
                self.playing = false;
                self.clock = None;
                break;
            }
        }
    }
}

impl Default for SilentBackend {
    fn default() -> Self {
        SilentBackend::new()
    }
}

fn peak_of(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

fn rms_of(x: &[f32]) -> f32 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>() / x.len() as f64).sqrt() as f32
}

fn to_db(g: f32) -> f32 {
    if g > 0.0 {
        20.0 * g.log10()
    } else {
        f32::NEG_INFINITY
    }
}

impl Backend for SilentBackend {
    fn send(&mut self, command: Command) {
        match command {
            Command::Graph(cmd) => {
                let replaced = matches!(cmd, GraphCommand::ReplaceGraph(_));
                // Whatever the graph gives back is simply dropped here (no audio thread).
                drop(self.graph.apply(cmd));
                if replaced {
                    self.graph.seek(self.position, false);
                    self.ballistics.clear();
                    self.reset_loudness();
                }
            }
            Command::Play => {
                if !self.playing {
                    if self.position >= self.graph.length() {
                        self.position = 0;
                        self.graph.seek(0, false);
                    }
                    self.playing = true;
                    self.clock = Some((Instant::now(), self.position));
                }
            }
            Command::Pause => {
                self.playing = false;
                self.clock = None;
            }
            Command::Stop => {
                self.playing = false;
                self.clock = None;
                self.graph.reset();
            }
            Command::Seek(f) => {
                self.position = f;
                self.graph.seek(f, self.playing);
                if self.playing {
                    self.clock = Some((Instant::now(), f));
                }
            }
            Command::SetLoop {
                enabled,
                start,
                end,
            } => {
                self.loop_region = (enabled && end > start).then_some((start, end));
            }
            Command::SelectSource(_) => {}
            Command::ResetMeters => {
                self.ballistics.clear();
                self.reset_loudness();
            }
        }
    }

    fn poll(&mut self, view: &mut EngineView) {
        let now = Instant::now();
        if self.loudness.is_none() {
            self.reset_loudness();
        }
        if let Some((t0, f0)) = self.clock {
            let rate = f64::from(self.graph.sample_rate());
            let elapsed = now.duration_since(t0).as_secs_f64();
            let mut target = f0 + (elapsed * rate) as u64;
            let max = (MAX_CATCH_UP_S * rate) as u64;
            if target > self.position + max {
                // The GUI stalled: skip ahead rather than render a backlog.
                let skip_to = target - max;
                self.position = skip_to;
                self.graph.seek(skip_to, true);
            }
            let before = self.position;
            self.render_to(target, now);
            if self.position < before || self.position < target {
                // Looped (or stopped): restart the clock from here.
                target = self.position;
                if self.playing {
                    self.clock = Some((now, target));
                }
            }
        }
        let dt = now.duration_since(self.last_poll).as_secs_f32();
        self.last_poll = now;
        view.playing = self.playing;
        view.position = self.position;
        let live: HashSet<TrackId> = self.graph.tracks().map(|t| t.id()).collect();
        self.ballistics
            .retain(|k, _| k.is_none_or(|id| live.contains(&id)));
        view.tracks.retain(|id, _| live.contains(id));
        for (key, b) in &mut self.ballistics {
            let m = b.meter(now, dt);
            match key {
                Some(id) => {
                    view.tracks.insert(*id, m);
                }
                None => view.master = m,
            }
        }
        if !self.ballistics.contains_key(&None) {
            view.master = Meter::SILENT;
        }
        if let Some(e) = &self.loudness {
            let lufs = |r: Result<f64, ebur128::Error>| {
                r.ok()
                    .filter(|v| v.is_finite())
                    .map_or(f32::NEG_INFINITY, |v| v as f32)
            };
            let playing = self.playing;
            view.loudness.momentary = if playing {
                lufs(e.loudness_momentary())
            } else {
                f32::NEG_INFINITY
            };
            view.loudness.short_term = if playing {
                lufs(e.loudness_shortterm())
            } else {
                f32::NEG_INFINITY
            };
            view.loudness.integrated = lufs(e.loudness_global());
            let tp = (0..2)
                .filter_map(|c| e.true_peak(c).ok())
                .fold(0.0f64, f64::max);
            self.true_peak = to_db(tp as f32);
            view.loudness.true_peak_dbtp = self.true_peak;
        }
        view.status = "no audio device: silent playback".into();
    }

    fn max_block(&self) -> usize {
        Self::BLOCK
    }
}

/// GUI meter ballistics: instant attack, linear decay in dB, a held peak.
#[derive(Clone, Copy, Debug)]
struct Ballistics {
    peak: [f32; 2],
    rms: [f32; 2],
    hold: [(f32, Instant); 2],
    clipped: bool,
    gr: f32,
    fed: bool,
}

impl Default for Ballistics {
    fn default() -> Self {
        let now = Instant::now();
        Ballistics {
            peak: [f32::NEG_INFINITY; 2],
            rms: [f32::NEG_INFINITY; 2],
            hold: [(f32::NEG_INFINITY, now); 2],
            clipped: false,
            gr: 0.0,
            fed: false,
        }
    }
}

impl Ballistics {
    fn feed(&mut self, peak: [f32; 2], rms: [f32; 2], clipped: bool, gr: f32, now: Instant) {
        for s in 0..2 {
            let p = to_db(peak[s]);
            if !self.fed || p > self.peak[s] {
                self.peak[s] = p.max(self.peak[s]);
            }
            if p >= self.hold[s].0 {
                self.hold[s] = (p, now);
            }
            let r = to_db(rms[s]);
            // RMS follows with a short smoothing so it does not flicker per block.
            self.rms[s] = if self.rms[s].is_finite() && r.is_finite() {
                self.rms[s] + (r - self.rms[s]) * 0.3
            } else {
                r
            };
        }
        self.clipped |= clipped;
        self.gr = gr.abs();
        self.fed = true;
    }

    fn meter(&mut self, now: Instant, dt: f32) -> Meter {
        let out = Meter {
            peak_db: self.peak,
            rms_db: self.rms,
            hold_db: [self.hold[0].0, self.hold[1].0],
            clipped: std::mem::take(&mut self.clipped),
            gr_db: self.gr,
        };
        // Decay for the next frame.
        let fall = DECAY_DB_PER_S * dt.clamp(0.0, 0.5);
        for s in 0..2 {
            self.peak[s] = settle(self.peak[s] - fall);
            if !self.fed {
                self.rms[s] = settle(self.rms[s] - fall);
            }
            if now.duration_since(self.hold[s].1) > HOLD {
                self.hold[s].0 = settle(self.hold[s].0 - fall * 2.0);
            }
        }
        if !self.fed {
            self.gr = (self.gr - fall).max(0.0);
        }
        self.fed = false;
        out
    }
}

fn settle(db: f32) -> f32 {
    if db < SETTLED_DB - 1.0 {
        f32::NEG_INFINITY
    } else {
        db
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TrackParam;
    use crate::project::Track;

    #[test]
    fn edits_become_graph_commands_and_transport_commands_pass_through() {
        let (mut link, rec) = EngineLink::recording();
        let mut p = Project::default();
        p.tracks.push(Track::default());
        link.load(&p, &|_| None);
        let mut q = p.clone();
        q.tracks[0].gain_db = -6.0;
        link.edit(&p, &q, &|_| None);
        link.play();
        link.seek(480);
        let cmds = rec.lock().unwrap();
        assert!(matches!(
            cmds.iter().find(|c| matches!(c, Command::Graph(GraphCommand::Track(..)))),
            Some(Command::Graph(GraphCommand::Track(_, TrackParam::GainDb(g)))) if *g == -6.0
        ));
        assert!(
            cmds.iter()
                .any(|c| matches!(c, Command::Graph(GraphCommand::ReplaceGraph(_))))
        );
        assert!(matches!(cmds[cmds.len() - 2], Command::Play));
        assert!(matches!(cmds[cmds.len() - 1], Command::Seek(480)));
    }

    #[test]
    fn loop_changes_are_sent_once() {
        let (mut link, rec) = EngineLink::recording();
        let p = Project::default();
        link.load(&p, &|_| None);
        let mut q = p.clone();
        q.loop_region = Some(Region {
            start_s: 1.0,
            end_s: 2.0,
        });
        q.loop_enabled = true;
        link.edit(&p, &q, &|_| None);
        link.edit(&q, &q, &|_| None);
        let loops: Vec<_> = rec
            .lock()
            .unwrap()
            .iter()
            .filter_map(|c| match c {
                Command::SetLoop {
                    enabled,
                    start,
                    end,
                } => Some((*enabled, *start, *end)),
                _ => None,
            })
            .collect();
        assert_eq!(loops, [(true, 48_000, 96_000)]);
    }

    #[test]
    fn silent_backend_plays_against_the_clock_and_meters_settle() {
        let mut link = EngineLink::silent();
        let mut p = Project::default();
        p.tracks.push(Track::default());
        let stem = Arc::new(crate::media::StemAudio {
            channels: vec![vec![0.5; 48_000 * 4]],
            sample_rate: 48_000,
            source_rate: 48_000,
            frames: 48_000 * 4,
            ..Default::default()
        });
        link.load(&p, &|_| Some(stem.clone()));
        assert!(!link.tick().playing);
        link.play();
        std::thread::sleep(Duration::from_millis(60));
        let v = link.tick();
        assert!(v.playing);
        assert!(v.position >= 48 * 50, "{}", v.position);
        assert!(v.master.peak_db[0] > -20.0, "{:?}", v.master);
        link.pause();
        let pos = link.tick().position;
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(link.tick().position, pos);
        assert!(link.is_active(), "meters are still up");
        // Meters fall to nothing within a few seconds of (simulated) polls.
        let mut settled = false;
        for _ in 0..400 {
            std::thread::sleep(Duration::from_millis(10));
            if !link.tick().playing && link.view().settled() {
                settled = true;
                break;
            }
        }
        assert!(settled);
        assert!(!link.is_active());
    }
}
