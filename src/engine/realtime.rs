//! The real-time renderer: what the audio callback runs.
//!
//! [`AudioEngine`] owns the mix graph, the audio ends of the command, feedback and retire rings,
//! the transport and preallocated scratch buffers. Each [`Render::render`] call drains commands,
//! renders in chunks of at most `max_block` frames (split exactly at loop ends, the end of the
//! project and report boundaries), writes the device's interleaved buffer and sends meters; it
//! also hands each block of the track the live spectrum taps to its ring (`spectrum_tap`).
//!
//! Real-time rules: nothing here allocates, frees, locks, blocks or does I/O. Objects the engine
//! lets go of leave on the retire ring; structural commands are taken off the command ring only
//! when the retire ring has room for what they give back.
//!
//! Transport semantics (all sample-accurate at the callback boundary where the command lands):
//! - Play from a stopped graph seeks the read head to the cue and pre-rolls the graph's latency
//!   ([`MixGraph::start_at`]), exactly as the render driver (`engine::render`) starts, so
//!   playback equals a render — and so a bounce — bit for bit.
//! - Pause keeps every DSP state; Play continues seamlessly. Stop clears DSP state (reverb tails,
//!   compressor memory) and leaves the cue at the frame heard last.
//! - Seek while playing jumps with the graph's declick crossfade; while paused or stopped it moves
//!   the cue and the next Play pre-rolls there.
//! - A loop wraps with a declick crossfade exactly at its end frame (any length ≥ 1 frame, even
//!   shorter than a buffer). Playing past the end of the project stops (or wraps to the loop
//!   start when looping).
//!
//! After the graph, the listening stage ([`Listen`](super::listen::Listen)) turns the mix into
//! what is heard — the mix, a reference, or their A/B crossfade — which the master meters
//! measure, and then applies the monitor section. The graph runs every block whatever is
//! heard. Blocks are also split where the heard position jumps (a seek or loop wrap reaching
//! the output after the graph's latency), so that a Sync reference follows the mix exactly,
//! and where an A/B crossfade ends, so that a Free reference faded out stops advancing there.

use super::command::{Command, GraphCommand, Retired, Source};
use super::feedback::{
    EndReason, Feedback, MasterMeter, PlayState, REPORT_OVERHEAD, REPORTS_PER_SECOND, ReverbMeter,
    TrackMeter, TransportReport,
};
use super::graph::MixGraph;
use super::listen::Listen;
use super::slot::Render;
use super::spectrum_tap::TapSender;
use crate::dsp::{LevelMeter, LoudnessMeter};
use rtrb::{Consumer, Producer};
use std::time::Instant;

/// Most commands taken off the ring per callback, so that a burst of expensive parameter
/// changes (EQ coefficients) cannot push one callback past its deadline; the rest wait for the
/// next callback, in order.
pub const MAX_COMMANDS_PER_CALLBACK: usize = 256;

/// The loudest sample the device gets, +24 dBFS: a mix with every gain at its top and the
/// limiter off can go far beyond (and float devices pass it on); the output is clipped here to
/// protect ears and speakers. Bounces are not: they write what the mix graph makes.
pub const OUTPUT_CEILING: f32 = 15.848_932;

/// The furthest frame a seek or a loop can name (2^50 frames, thousands of years at any
/// rate): positions beyond it are clamped to it, so no position arithmetic can overflow.
pub const MAX_FRAME: u64 = 1 << 50;

/// A read-head jump while playing, remembered to map read positions to heard positions until
/// the graph's latency has played out.
#[derive(Clone, Copy, Debug)]
struct Jump {
    /// Read position before the jump.
    from: u64,
    /// Read position after the jump.
    to: u64,
}

/// The audio-thread side of the engine. Built on the control side by
/// [`EngineHandle`](super::handle::EngineHandle), then driven through [`Render::render`].
pub struct AudioEngine {
    graph: Box<MixGraph>,
    commands: Consumer<Command>,
    feedback: Producer<Feedback>,
    retire: Producer<Retired>,

    state: PlayState,
    /// The read head sits on the cue and the next Play must pre-roll (after Stop, or a seek
    /// while not playing).
    preroll_pending: bool,
    jump: Option<Jump>,
    loop_enabled: bool,
    loop_region: (u64, u64),
    stop_after: Option<u64>,
    /// References, the A/B switch and the monitor section.
    listen: Listen,

    scratch: [Vec<f32>; 2],

    report_interval: usize,
    until_report: usize,
    master_levels: LevelMeter,
    /// `None` at a rate the BS.1770 filters do not support (loudness then reads −∞).
    loudness: Option<LoudnessMeter>,
    overloads: u64,
    max_load: f32,
    ended: Option<(u64, EndReason)>,
    /// The live spectrum's tap (see `spectrum_tap`), when the control side wants one.
    tap: Option<TapSender>,
    /// Frames the output adds after rendering (its resampler), counted like latency.
    output_delay: u64,
}

impl std::fmt::Debug for AudioEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioEngine")
            .field("graph", &self.graph)
            .field("state", &self.state)
            .field("position", &self.position())
            .finish()
    }
}

impl AudioEngine {
    /// Wraps `graph` with the audio ends of the three rings. Control side: allocates the
    /// scratch buffers and meters here, once.
    pub fn new(
        mut graph: Box<MixGraph>,
        commands: Consumer<Command>,
        feedback: Producer<Feedback>,
        retire: Producer<Retired>,
    ) -> AudioEngine {
        // The audio thread never waits for the disk: mapped stems only where held in memory.
        graph.set_resident_only(true);
        let rate = graph.sample_rate();
        let max_block = graph.max_block();
        let report_interval = (rate / REPORTS_PER_SECOND).max(1) as usize;
        AudioEngine {
            commands,
            feedback,
            retire,
            state: PlayState::Stopped,
            preroll_pending: true,
            jump: None,
            loop_enabled: false,
            loop_region: (0, 0),
            stop_after: None,
            listen: Listen::new(rate, max_block),
            scratch: [vec![0.0; max_block], vec![0.0; max_block]],
            report_interval,
            until_report: report_interval,
            master_levels: LevelMeter::new(2),
            loudness: LoudnessMeter::new(rate, 2).ok(),
            overloads: 0,
            max_load: 0.0,
            ended: None,
            tap: None,
            output_delay: 0,
            graph,
        }
    }

    /// Control side: gives the renderer the audio end of a live spectrum's tap.
    pub fn set_tap(&mut self, tap: TapSender) {
        self.tap = Some(tap);
    }

    /// The mix graph (tests and tools inspect its final state after taking the engine back).
    pub fn graph(&self) -> &MixGraph {
        &self.graph
    }

    /// Control side only (the engine taken out of its slot): installs a graph of any rate and
    /// block size, resizing the scratch buffers and meters, with a stopped transport at frame
    /// 0. Returns the old graph.
    pub fn set_graph(&mut self, mut graph: Box<MixGraph>) -> Box<MixGraph> {
        graph.set_resident_only(true);
        let max_block = graph.max_block();
        let rate = graph.sample_rate();
        let old = std::mem::replace(&mut self.graph, graph);
        self.scratch = [vec![0.0; max_block], vec![0.0; max_block]];
        // References are decoded at the project rate: the control side loads them again.
        self.listen = Listen::new(rate, max_block);
        self.loudness = LoudnessMeter::new(rate, 2).ok();
        self.report_interval = (rate / REPORTS_PER_SECOND).max(1) as usize;
        self.until_report = self.report_interval;
        self.reset_transport();
        self.master_levels = LevelMeter::new(2);
        old
    }

    /// Transport state.
    pub fn state(&self) -> PlayState {
        self.state
    }

    /// Loop switch and region (frames, end exclusive).
    pub fn loop_settings(&self) -> (bool, u64, u64) {
        (self.loop_enabled, self.loop_region.0, self.loop_region.1)
    }

    /// The selected output source.
    pub fn source(&self) -> Source {
        self.listen.source()
    }

    /// Callbacks so far that took longer than the audio they produced.
    pub fn overloads(&self) -> u64 {
        self.overloads
    }

    /// The frame heard next (read position minus latency; the cue when stopped).
    pub fn position(&self) -> u64 {
        let pos = self.graph.read_position();
        if self.preroll_pending {
            return pos;
        }
        // The output's resampler delays what is heard like the graph's latency does.
        let latency = self.graph.latency() as u64 + self.output_delay;
        let Some(j) = self.jump else {
            return pos.saturating_sub(latency);
        };
        if pos >= j.to + latency {
            return pos - latency;
        }
        // Until the latency has played out, what is heard still comes from before the jump.
        let heard = (j.from + (pos - j.to)).saturating_sub(latency);
        let (a, b) = self.loop_region;
        if self.looping() && j.from == b && j.to == a && heard < a {
            // A loop wrap, possibly one of many within the latency (a loop shorter than it):
            // what is heard is an earlier lap. Fold into the loop so the playhead stays in it
            // (off by at most the latency on the very first lap).
            return a + (heard + (b - a) * latency.div_ceil(b - a).max(1) - a) % (b - a);
        }
        heard
    }

    /// A stopped transport at the start, no loop, no jump: where a new graph or project starts.
    fn reset_transport(&mut self) {
        self.state = PlayState::Stopped;
        self.preroll_pending = true;
        self.jump = None;
        self.loop_enabled = false;
        self.stop_after = None;
        self.graph.seek(0, false);
    }

    fn looping(&self) -> bool {
        self.loop_enabled && self.loop_region.0 < self.loop_region.1
    }

    /// Applies queued commands. Stops at the first structural command whose disposal would not
    /// fit in the retire ring (it stays queued, order kept) and after
    /// [`MAX_COMMANDS_PER_CALLBACK`].
    fn drain_commands(&mut self) {
        for _ in 0..MAX_COMMANDS_PER_CALLBACK {
            let needs = match self.commands.peek() {
                Ok(Command::Graph(g)) => g.max_retired(),
                Ok(Command::Reference(r)) if !self.listen.can_take(r) => return,
                Ok(_) => 0,
                Err(_) => return,
            };
            if self.retire.slots() < needs {
                return;
            }
            let Ok(cmd) = self.commands.pop() else { return };
            self.handle(cmd);
        }
    }

    fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::Graph(g) => self.apply_graph(g),
            Command::Play => self.play(),
            Command::Pause => {
                if self.state == PlayState::Playing {
                    self.state = PlayState::Paused;
                }
            }
            Command::Stop => self.stop(),
            Command::Seek(frame) => self.seek(frame.min(MAX_FRAME)),
            Command::SetLoop {
                enabled,
                start,
                end,
            } => {
                self.loop_enabled = enabled;
                self.loop_region = (start.min(MAX_FRAME), end.min(MAX_FRAME));
            }
            Command::SelectSource(s) => {
                let playing = self.state == PlayState::Playing;
                self.listen.select(s, playing);
            }
            Command::Reference(r) => {
                let playing = self.state == PlayState::Playing;
                self.listen.command(r, playing);
            }
            Command::Monitor(m) => self.listen.set_monitor(m),
            Command::StopAfter(n) => self.stop_after = n,
            Command::ResetMeters => {
                if let Some(m) = &mut self.loudness {
                    m.reset();
                }
                self.listen.reset_meters();
                self.master_levels.take();
            }
        }
    }

    fn apply_graph(&mut self, g: GraphCommand) {
        let replaces_graph = matches!(g, GraphCommand::ReplaceGraph(_));
        let retired = match g {
            // A graph at another rate cannot play on a device opened at this rate: it goes
            // back untouched (the handle restarts the output for those, see `set_graph`).
            GraphCommand::ReplaceGraph(new) if new.sample_rate() != self.graph.sample_rate() => {
                Some(Retired::Graph(new))
            }
            g => self.graph.apply(g),
        };
        if let Some(r) = retired {
            // Room was checked before the command was taken off the ring.
            let _ = self.retire.push(r);
        }
        if replaces_graph {
            // A new project: start from a clean, stopped transport at its beginning.
            self.reset_transport();
            if let Some(m) = &mut self.loudness {
                m.reset();
            }
            self.listen.reset_meters();
            self.master_levels.take();
        }
    }

    fn play(&mut self) {
        if self.state == PlayState::Playing {
            return;
        }
        if self.preroll_pending {
            let mut start = self.graph.read_position();
            if start >= self.graph.length() && !self.looping() {
                // Play at the end starts over.
                start = 0;
            }
            // Exactly how the render driver starts: the first frame heard is the cue.
            self.graph.start_at(start);
            self.preroll_pending = false;
            self.jump = None;
        }
        self.state = PlayState::Playing;
    }

    fn stop(&mut self) {
        if self.state == PlayState::Stopped && self.preroll_pending {
            return;
        }
        let cue = self.position();
        self.graph.reset();
        self.graph.seek(cue, false);
        self.state = PlayState::Stopped;
        self.preroll_pending = true;
        self.jump = None;
    }

    fn seek(&mut self, frame: u64) {
        if self.state == PlayState::Playing {
            let from = self.graph.read_position();
            self.graph.seek(frame, true);
            self.jump = Some(Jump { from, to: frame });
        } else {
            self.graph.seek(frame, false);
            self.preroll_pending = true;
            self.jump = None;
        }
    }

    fn end_playback(&mut self, reason: EndReason) {
        self.stop();
        self.ended = Some((self.position(), reason));
        self.stop_after = None;
    }

    /// How many of the next `n` frames can be rendered before a transport boundary; 0 means a
    /// boundary is here and was handled (state or read head changed: ask again).
    fn frames_until_boundary(&mut self, mut n: usize) -> usize {
        if let Some(left) = self.stop_after {
            if left == 0 {
                self.end_playback(EndReason::FrameLimit);
                return 0;
            }
            n = n.min(usize::try_from(left).unwrap_or(usize::MAX));
        }
        let pos = self.graph.read_position();
        let (loop_start, loop_end) = self.loop_region;
        if self.looping() && pos < loop_end {
            // Inside (or before) the loop: the loop end is the only boundary, even past the
            // end of the project (a loop plays its whole region).
            return n.min(usize::try_from(loop_end - pos).unwrap_or(usize::MAX));
        }
        if self.looping() && pos == loop_end {
            self.wrap(loop_start, pos);
            return 0;
        }
        let end_read = self.graph.length() + self.graph.latency() as u64;
        if pos >= end_read {
            if self.looping() {
                self.wrap(loop_start, pos);
            } else {
                self.end_playback(EndReason::ProjectEnd);
            }
            return 0;
        }
        n.min(usize::try_from(end_read - pos).unwrap_or(usize::MAX))
    }

    /// Frames until the heard position stops following on from [`position`](Self::position)
    /// (a read-head jump reaching the output after the latency); `usize::MAX` when none is
    /// pending.
    fn frames_until_heard_jump(&self) -> usize {
        let latency = self.graph.latency() as u64;
        match self.jump {
            Some(j) if !self.preroll_pending && self.graph.read_position() < j.to + latency => {
                usize::try_from(j.to + latency - self.graph.read_position()).unwrap_or(usize::MAX)
            }
            _ => usize::MAX,
        }
    }

    fn wrap(&mut self, to: u64, from: u64) {
        self.graph.seek(to, true);
        self.jump = Some(Jump { from, to });
    }

    fn write_out(&self, out: &mut [f32], channels: usize, n: usize, silent: bool) {
        let [l, r] = &self.scratch;
        let frames = out.chunks_exact_mut(channels).take(n);
        if silent {
            for f in frames {
                f.fill(0.0);
            }
        } else if channels == 1 {
            for (f, (a, b)) in frames.zip(l.iter().zip(r)) {
                f[0] = (0.5 * (a + b)).clamp(-OUTPUT_CEILING, OUTPUT_CEILING);
            }
        } else {
            for (f, (a, b)) in frames.zip(l.iter().zip(r)) {
                f[0] = a.clamp(-OUTPUT_CEILING, OUTPUT_CEILING);
                f[1] = b.clamp(-OUTPUT_CEILING, OUTPUT_CEILING);
                f[2..].fill(0.0);
            }
        }
    }

    /// Pushes the pending end event, then a whole report if the ring has room for it; otherwise
    /// the levels keep accumulating until the next attempt.
    fn report(&mut self) {
        if let Some((position, reason)) = self.ended
            && self
                .feedback
                .push(Feedback::Ended { position, reason })
                .is_ok()
        {
            self.ended = None;
        }
        let tracks = self.graph.tracks().count();
        if self.feedback.slots() < tracks + REPORT_OVERHEAD {
            return;
        }
        let position = self.position();
        let t = TransportReport {
            position,
            state: self.state,
            source: self.listen.source(),
            length: self.graph.length(),
            sample_rate: self.graph.sample_rate(),
            overloads: self.overloads,
            load: std::mem::take(&mut self.max_load),
        };
        let _ = self.feedback.push(Feedback::Transport(t));
        for node in self.graph.tracks_mut() {
            let gr = node.gain_reduction_db();
            let id = node.id();
            let (levels, faulted) = node.take_levels();
            let m = TrackMeter {
                id,
                levels,
                gain_reduction_db: gr,
                faulted,
                starved_frames: node.take_starved(),
            };
            let _ = self.feedback.push(Feedback::Track(m));
        }
        let reverb = self.graph.reverb_mut();
        let m = ReverbMeter {
            levels: reverb.take_levels(),
            faulted: reverb.take_fault(),
        };
        let _ = self.feedback.push(Feedback::Reverb(m));
        let playing = self.state == PlayState::Playing;
        let reference = self.listen.report(position, playing);
        let _ = self.feedback.push(Feedback::Reference(reference));
        let levels = self.master_levels.take();
        let (mut momentary, mut short_term, mut integrated, mut true_peak) = (
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
        );
        if let Some(meter) = &mut self.loudness {
            let r = meter.reading();
            integrated = r.integrated_lufs as f32;
            true_peak = r.true_peak_dbtp as f32;
            // The windows hold what was played last; while not playing nothing is heard.
            if playing {
                momentary = r.momentary_lufs as f32;
                short_term = r.short_term_lufs as f32;
            }
        }
        let m = MasterMeter {
            levels,
            true_peak_dbtp: true_peak,
            momentary_lufs: momentary,
            short_term_lufs: short_term,
            integrated_lufs: integrated,
            limiter_gr_db: self.graph.master().gain_reduction_db(),
            faulted: self.graph.master_mut().take_fault(),
        };
        let _ = self.feedback.push(Feedback::Master(m));
    }
}

impl Render for AudioEngine {
    fn render(&mut self, out: &mut [f32], channels: usize) {
        let started = Instant::now();
        if channels == 0 {
            return;
        }
        // Meters and output conversion run outside `graph.process`'s own guard.
        let _ftz = crate::dsp::denormal::FlushDenormals::new();
        self.listen.retire(&mut self.retire);
        self.drain_commands();
        let frames = out.len() / channels;
        let chunk_max = self.scratch[0].len().min(self.graph.max_block()).max(1);
        let mut done = 0;
        while done < frames {
            let mut n = (frames - done).min(chunk_max);
            let playing = self.state == PlayState::Playing;
            if playing {
                n = self.frames_until_boundary(n);
                if n == 0 {
                    continue;
                }
                n = n
                    .min(self.frames_until_heard_jump())
                    .min(self.listen.frames_to_settle());
                let heard = self.position();
                let [l, r] = &mut self.scratch;
                let (l, r) = (&mut l[..n], &mut r[..n]);
                if let Some(t) = &mut self.tap {
                    t.before_process(&mut self.graph);
                }
                self.graph.process(l, r);
                if let Some(t) = &mut self.tap {
                    t.after_process(&self.graph, n);
                }
                self.listen.blend(l, r, heard);
                self.master_levels.process_stereo(l, r);
                if let Some(m) = &mut self.loudness {
                    m.process(&[l, r]);
                }
                self.listen.monitor(l, r);
                if let Some(left) = &mut self.stop_after {
                    *left -= n as u64;
                }
                // Handle a boundary reached exactly now (loop end, end of project, frame
                // limit) at once, so that the playhead never reports the loop end and the
                // end event does not wait for the next callback.
                self.frames_until_boundary(1);
            }
            if !playing {
                self.listen.idle();
            }
            let start = done * channels;
            self.write_out(&mut out[start..start + n * channels], channels, n, !playing);
            done += n;
            // Meters go out after the chunk that reaches the mark: splitting the mix there cost
            // every track its per-block overhead twice (one callback in 11 did double work).
            if n >= self.until_report {
                let over = (n - self.until_report) % self.report_interval;
                self.until_report = self.report_interval - over;
                self.report();
            } else {
                self.until_report -= n;
            }
        }
        // Leftover samples of a partial frame (never from a sane device) stay silent.
        out[frames * channels..].fill(0.0);

        let rate = self.graph.sample_rate().max(1) as f32;
        let budget = frames as f32 / rate;
        let load = started.elapsed().as_secs_f32() / budget.max(f32::MIN_POSITIVE);
        if frames > 0 && load > 1.0 {
            self.overloads += 1;
        }
        self.max_load = self.max_load.max(load);
    }

    fn sample_rate(&self) -> u32 {
        self.graph.sample_rate()
    }

    fn set_output_delay(&mut self, frames: u32) {
        self.output_delay = u64::from(frames);
    }
}
