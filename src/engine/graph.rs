//! The mix graph: tracks → reverb bus → master. The only place samples are mixed; the audio
//! callback and the render driver (`engine::render`: bounce, in-memory renders, the tests)
//! call [`MixGraph::process`] (the driver spreads the strips over threads with
//! [`MixGraph::process_parallel`], which gives the same bits).
//!
//! All buffers are allocated when the graph (or a track node) is built, for a maximum block
//! size; `process` takes any block size up to it and is block-partition invariant: rendering N
//! frames in one call or in any sequence of smaller calls gives the same bits, because every
//! smoother and parameter schedule runs on per-sample state.

use super::bus::{MasterBus, ReverbReturn};
use super::command::{GraphCommand, Retired, TrackParam};
use super::faults::FaultSource;
use super::strip::{ReadHead, TrackNode as Node};
use crate::dsp::denormal::FlushDenormals;
use crate::project::Project;
use rayon::prelude::*;
use std::sync::Arc;

pub use super::strip::TrackNode;

/// Track slots reserved up front so that adding tracks never reallocates on the audio thread.
pub const MAX_TRACKS: usize = 1024;

/// Looks up the decoded audio of a track's stem when building a graph.
pub type StemLookup<'a> =
    dyn Fn(&crate::project::Track) -> Option<Arc<crate::media::StemAudio>> + 'a;

/// The whole mix: channel strips, reverb return and master bus.
pub struct MixGraph {
    rate: u32,
    max_block: usize,
    // Boxed so that adding or removing a track moves a pointer, and a removed node can be sent
    // back to the control side without copying (or allocating) on the audio thread.
    #[allow(clippy::vec_box)]
    tracks: Vec<Box<Node>>,
    any_solo: bool,
    read: ReadHead,
    bus: [Vec<f32>; 2],
    rev_in: [Vec<f32>; 2],
    scratch: [Vec<f32>; 2],
    reverb: ReverbReturn,
    master: MasterBus,
    /// See [`MixGraph::set_resident_only`].
    resident_only: bool,
}

impl std::fmt::Debug for MixGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MixGraph")
            .field("rate", &self.rate)
            .field("max_block", &self.max_block)
            .field("tracks", &self.tracks.len())
            .field("position", &self.read.pos)
            .finish()
    }
}

impl MixGraph {
    /// An empty graph (no tracks) at `sample_rate`, processing blocks of up to `max_block` frames.
    pub fn new(sample_rate: u32, max_block: usize) -> MixGraph {
        let max_block = max_block.max(1);
        let buf = || vec![0.0f32; max_block];
        MixGraph {
            rate: sample_rate,
            max_block,
            tracks: Vec::with_capacity(MAX_TRACKS),
            any_solo: false,
            read: ReadHead::new(sample_rate),
            bus: [buf(), buf()],
            rev_in: [buf(), buf()],
            scratch: [buf(), buf()],
            reverb: ReverbReturn::new(sample_rate, &Default::default()),
            master: MasterBus::new(sample_rate, &Default::default()),
            resident_only: false,
        }
    }

    /// Reads mapped stems only where the prefetcher holds them in memory (the audio thread's
    /// graph: it must never wait for the disk), playing silence elsewhere. Off for offline
    /// renders, which may wait and read every frame.
    pub fn set_resident_only(&mut self, on: bool) {
        self.resident_only = on;
    }

    /// Builds the graph for a project; `stems` supplies each track's audio (None: the stem is
    /// offline and its strip stays silent).
    pub fn from_project(project: &Project, stems: &StemLookup<'_>, max_block: usize) -> MixGraph {
        let mut g = MixGraph::new(project.sample_rate, max_block);
        g.reverb = ReverbReturn::new(project.sample_rate, &project.reverb);
        g.master = MasterBus::new(project.sample_rate, &project.master);
        for t in &project.tracks {
            let node = Node::new(
                t,
                project.pan_law,
                stems(t),
                project.sample_rate,
                g.max_block,
            );
            g.tracks.push(Box::new(node));
        }
        g.update_solo(true);
        g
    }

    /// Sample rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        self.rate
    }

    /// Largest block `process` accepts.
    pub fn max_block(&self) -> usize {
        self.max_block
    }

    /// Frames between a source position being read and it being heard (the limiter look-ahead).
    pub fn latency(&self) -> usize {
        self.master.latency()
    }

    /// The source frame the next `process` call reads first.
    pub fn read_position(&self) -> u64 {
        self.read.pos
    }

    /// Length of the longest stem in frames.
    pub fn length(&self) -> u64 {
        self.tracks.iter().map(|t| t.frames()).max().unwrap_or(0)
    }

    /// The tracks in mixer order.
    pub fn tracks(&self) -> impl Iterator<Item = &TrackNode> {
        self.tracks.iter().map(|b| &**b)
    }

    /// The tracks, mutably (for meters).
    pub fn tracks_mut(&mut self) -> impl Iterator<Item = &mut TrackNode> {
        self.tracks.iter_mut().map(|b| &mut **b)
    }

    /// The reverb return's output (after its level) of the block just processed, left and
    /// right: its first `frames` frames, as they joined the master bus — what a dry stems
    /// bounce writes as the reverb's own file.
    pub fn reverb_output(&self, frames: usize) -> [&[f32]; 2] {
        [&self.rev_in[0][..frames], &self.rev_in[1][..frames]]
    }

    /// The reverb return (for its meters).
    pub fn reverb_mut(&mut self) -> &mut ReverbReturn {
        &mut self.reverb
    }

    /// Calls `f` for every part that caught a non-finite sample since the last call, and
    /// clears their fault flags (real-time safe). Track faults are also in
    /// [`TrackNode::take_levels`]; use one or the other.
    pub fn take_faults(&mut self, f: &mut dyn FnMut(FaultSource)) {
        for t in &mut self.tracks {
            if t.take_fault() {
                f(FaultSource::Track(t.id()));
            }
        }
        if self.reverb.take_fault() {
            f(FaultSource::Reverb);
        }
        if self.master.take_fault() {
            f(FaultSource::Master);
        }
    }

    /// A gain in dB added to the master fader beyond its range (loudness normalisation of a
    /// bounce), applied at once, without a ramp: set it before rendering.
    pub fn set_output_trim_db(&mut self, db: f32) {
        self.master.set_trim_db(db);
    }

    /// The master bus (for its meters and gain reduction).
    pub fn master(&self) -> &MasterBus {
        &self.master
    }

    /// The master bus, mutably (for its fault flag).
    pub fn master_mut(&mut self) -> &mut MasterBus {
        &mut self.master
    }

    /// Moves the read head. With `declick`, the first few milliseconds crossfade from where
    /// the head was (used for seeks and loop wraps while playing).
    pub fn seek(&mut self, frame: u64, declick: bool) {
        self.read.jump(frame, declick);
    }

    /// Silences every source from frame `end` on (bounce ranges); `None` plays to the end.
    pub fn set_source_end(&mut self, end: Option<u64>) {
        self.read.set_end(end);
    }

    /// Clears every DSP state (filters, compressors, reverb, limiter), as in a fresh graph.
    pub fn reset(&mut self) {
        for t in &mut self.tracks {
            t.reset();
        }
        self.reverb.reset();
        self.master.reset();
        self.read.clear_fade();
    }

    /// Moves the read head to `frame` without a crossfade and pre-rolls the latency, so that
    /// the next `process` output starts with the mix at `frame`. Play after a stop and the
    /// render driver both start this way, which is why playback equals a render bit for bit.
    pub fn start_at(&mut self, frame: u64) {
        self.start_at_with(frame, &mut |_, _| {});
    }

    /// [`start_at`](Self::start_at), showing the graph to `each` after every pre-roll block
    /// (with the block's length): the tracks' outputs of the frames from `frame` on, whose
    /// master output the pre-roll discards — where a stems bounce takes its first frames.
    pub fn start_at_with(&mut self, frame: u64, each: &mut dyn FnMut(&MixGraph, usize)) {
        self.seek(frame, false);
        self.preroll_with(each);
    }

    /// Renders `latency()` frames and discards them, so that the next `process` output starts
    /// with the audio at the read position it had before this call (latency compensation).
    pub fn preroll(&mut self) {
        self.preroll_with(&mut |_, _| {});
    }

    fn preroll_with(&mut self, each: &mut dyn FnMut(&MixGraph, usize)) {
        let mut left = self.latency();
        let [sl, sr] = std::mem::take(&mut self.scratch);
        let (mut sl, mut sr) = (sl, sr);
        while left > 0 {
            let n = left.min(self.max_block);
            self.process(&mut sl[..n], &mut sr[..n]);
            each(self, n);
            left -= n;
        }
        self.scratch = [sl, sr];
    }

    /// Applies a command; returns an object to dispose of off the audio thread, if any.
    /// Real-time safe (no allocation: track slots are reserved).
    pub fn apply(&mut self, cmd: GraphCommand) -> Option<Retired> {
        match cmd {
            GraphCommand::Track(id, param) => {
                let t = self.tracks.iter_mut().find(|t| t.id() == id)?;
                t.set(param);
                if matches!(param, TrackParam::Mute(_) | TrackParam::Solo(_)) {
                    self.update_solo(false);
                }
                None
            }
            GraphCommand::Reverb(r) => {
                self.reverb.set(&r);
                None
            }
            GraphCommand::MasterGainDb(db) => {
                self.master.set_gain_db(db);
                None
            }
            GraphCommand::Limiter(l) => {
                self.master.set_limiter(&l);
                None
            }
            GraphCommand::AddTrack { index, node } => {
                if self.tracks.len() == self.tracks.capacity() {
                    // Growing would allocate on the audio thread: refuse and hand it back.
                    return Some(Retired::Track(node));
                }
                let index = index.min(self.tracks.len());
                self.tracks.insert(index, node);
                self.update_solo(false);
                // A new strip starts at its gate, without ramping in from "audible".
                let any = self.any_solo;
                self.tracks[index].update_gate(any, true);
                None
            }
            GraphCommand::RemoveTrack(id) => {
                let i = self.tracks.iter().position(|t| t.id() == id)?;
                let node = self.tracks.remove(i);
                self.update_solo(false);
                Some(Retired::Track(node))
            }
            GraphCommand::ReplaceTrack(node) => {
                match self.tracks.iter().position(|t| t.id() == node.id()) {
                    Some(i) => {
                        let old = std::mem::replace(&mut self.tracks[i], node);
                        self.update_solo(false);
                        let any = self.any_solo;
                        self.tracks[i].update_gate(any, true);
                        Some(Retired::Track(old))
                    }
                    None => Some(Retired::Track(node)),
                }
            }
            GraphCommand::SetStem(id, stem) => {
                let t = self.tracks.iter_mut().find(|t| t.id() == id);
                match t {
                    Some(t) => t.set_stem(stem).map(Retired::Stem),
                    None => stem.map(Retired::Stem),
                }
            }
            GraphCommand::ReplaceGraph(mut g) => {
                g.resident_only = self.resident_only;
                std::mem::swap(self, &mut *g);
                Some(Retired::Graph(g))
            }
        }
    }

    fn update_solo(&mut self, immediate: bool) {
        self.any_solo = self.tracks.iter().any(|t| t.params().solo);
        let any = self.any_solo;
        for t in &mut self.tracks {
            t.update_gate(any, immediate);
        }
    }

    /// Lets the system drop the resident pages of mapped stems (see `StemAudio::release`) in
    /// the source `frames`: an offline render that has read past them calls this so its memory
    /// does not grow with the songs' length. Stems in memory are untouched; never on the audio
    /// thread (it makes system calls).
    pub fn release_stems(&self, frames: std::ops::Range<u64>) {
        let at = |f: u64| usize::try_from(f).unwrap_or(usize::MAX);
        for t in &self.tracks {
            if let Some(stem) = t.stem() {
                stem.release(at(frames.start)..at(frames.end));
            }
        }
    }

    /// Renders the next block (`out_l.len()` frames, at most `max_block`) from the read
    /// position, and advances it. Serial: what the audio callback runs.
    pub fn process(&mut self, out_l: &mut [f32], out_r: &mut [f32]) {
        self.process_impl(out_l, out_r, None);
    }

    /// Like [`process`](Self::process), with the channel strips spread over the workers of
    /// `pool` (never on the audio thread: the pool allocates). Each strip reads the same read
    /// head and the strips are summed in track order afterwards, so the output is
    /// bit-identical.
    pub fn process_parallel(
        &mut self,
        out_l: &mut [f32],
        out_r: &mut [f32],
        pool: &rayon::ThreadPool,
    ) {
        self.process_impl(out_l, out_r, Some(pool));
    }

    fn process_impl(
        &mut self,
        out_l: &mut [f32],
        out_r: &mut [f32],
        pool: Option<&rayon::ThreadPool>,
    ) {
        let n = out_l.len();
        assert!(
            n <= self.max_block && out_r.len() == n,
            "block larger than max_block"
        );
        if n == 0 {
            return;
        }
        let _ftz = FlushDenormals::new();
        let read = self.read;
        let resident_only = self.resident_only;
        let [bus_l, bus_r] = &mut self.bus;
        let [rin_l, rin_r] = &mut self.rev_in;
        let (bus_l, bus_r) = (&mut bus_l[..n], &mut bus_r[..n]);
        let (rin_l, rin_r) = (&mut rin_l[..n], &mut rin_r[..n]);
        bus_l.fill(0.0);
        bus_r.fill(0.0);
        rin_l.fill(0.0);
        rin_r.fill(0.0);

        match pool {
            Some(pool) if self.tracks.len() > 1 => {
                pool.install(|| {
                    self.tracks.par_iter_mut().for_each(|t| {
                        // The flush-to-zero mode belongs to the thread: set it on the worker.
                        let _ftz = FlushDenormals::new();
                        t.process(&read, n, resident_only);
                    })
                });
                for t in &self.tracks {
                    t.mix_into(bus_l, bus_r, rin_l, rin_r, n);
                }
            }
            _ => {
                for t in &mut self.tracks {
                    t.process(&read, n, resident_only);
                    t.mix_into(bus_l, bus_r, rin_l, rin_r, n);
                }
            }
        }

        // The reverb return joins the bus after every track, in a fixed place in the sum.
        self.reverb.process(rin_l, rin_r);
        for (b, w) in bus_l.iter_mut().zip(rin_l.iter()) {
            *b += *w;
        }
        for (b, w) in bus_r.iter_mut().zip(rin_r.iter()) {
            *b += *w;
        }
        self.master.process(bus_l, bus_r, out_l, out_r);
        self.read.advance(n);
    }
}
