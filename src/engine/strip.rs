//! One channel strip: stem reader → trim/polarity → EQ → compressor → fader → pan, with a reverb
//! send tapped before or after the fader. Mute and solo act through a gate on the output gains.

use super::command::TrackParam;
use super::params;
use super::spectrum_tap::{self, TapFrame, TapPoint};
use crate::dsp::{ChannelEq, Compressor, LevelReport, Ramp};
use crate::media::StemAudio;
use crate::project::{self, TrackId};
use std::sync::Arc;

pub use super::read_head::{JUMP_FADE_MS, ReadHead};

/// Length of gain, pan, send, mute and solo ramps.
pub const GAIN_RAMP_MS: f32 = 20.0;
/// Gain of each side when a mono signal is sent pre-fader (centred, constant power).
const MONO_CENTRE: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// The strip settings a node holds (the sound-relevant part of a [`project::Track`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StripParams {
    /// Input trim.
    pub trim_db: f32,
    /// Fader.
    pub gain_db: f32,
    /// Pan.
    pub pan: f32,
    /// Mute.
    pub mute: bool,
    /// Solo.
    pub solo: bool,
    /// Polarity inversion.
    pub polarity_invert: bool,
    /// Reverb send level.
    pub send_db: f32,
    /// Send before the fader.
    pub send_pre_fader: bool,
    /// EQ settings.
    pub eq: project::EqSettings,
    /// Compressor settings.
    pub compressor: project::CompressorSettings,
    /// Stereo width (the width + position pan law).
    pub width: f32,
    /// The project's pan laws.
    pub pan_law: project::PanLaw,
}

impl StripParams {
    /// The strip settings of a project track, panned by the project's `pan_law`.
    pub fn of(t: &project::Track, pan_law: project::PanLaw) -> StripParams {
        StripParams {
            width: t.width,
            pan_law,
            trim_db: t.trim_db,
            gain_db: t.gain_db,
            pan: t.pan,
            mute: t.mute,
            solo: t.solo,
            polarity_invert: t.polarity_invert,
            send_db: t.reverb_send_db,
            send_pre_fader: t.reverb_send_pre_fader,
            eq: t.eq,
            compressor: t.compressor,
        }
    }
}

/// Level statistics of a strip's output since they were last taken (accumulated per block
/// from [`block_stats`], which vectorises; read out as the dsp's [`LevelReport`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct StripLevels {
    /// Largest |sample| per side.
    peak: [f32; 2],
    /// Sum of squares per side.
    sum_sq: [f64; 2],
    /// Frames accumulated.
    frames: u64,
}

impl StripLevels {
    fn add(&mut self, stats: [(f32, f32); 2], frames: usize) {
        for (side, (peak, sum)) in stats.into_iter().enumerate() {
            self.peak[side] = self.peak[side].max(peak);
            self.sum_sq[side] += sum as f64;
        }
        self.frames += frames as u64;
    }

    /// The levels as a report of both sides (stereo output, whatever the stem).
    fn report(&self) -> LevelReport {
        let n = self.frames.max(1) as f64;
        LevelReport {
            channels: 2,
            frames: u32::try_from(self.frames).unwrap_or(u32::MAX),
            peak: self.peak,
            rms: self.sum_sq.map(|s| (s / n).sqrt() as f32),
            clip: self.peak.map(|p| p >= 1.0),
        }
    }
}

/// Peak and sum of squares of a block, in eight independent lanes so the loop vectorises.
/// Either is non-finite exactly when the block holds a NaN or an infinity.
fn block_stats(buf: &[f32]) -> (f32, f32) {
    let mut peak = [0.0f32; 8];
    let mut sum = [0.0f32; 8];
    let chunks = buf.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..8 {
            peak[k] = peak[k].max(c[k].abs());
            sum[k] += c[k] * c[k];
        }
    }
    for (k, &x) in rest.iter().enumerate() {
        peak[k] = peak[k].max(x.abs());
        sum[k] += x * x;
    }
    // `max` drops NaN, so the sum (NaN or inf whenever an input is) carries the verdict.
    (peak.iter().fold(0.0f32, |a, &b| a.max(b)), sum.iter().sum())
}

/// A track in the graph: its stem, its processors, its buffers and its meters.
pub struct TrackNode {
    id: TrackId,
    stem: Option<Arc<StemAudio>>,
    params: StripParams,
    /// 1 for mono stems (processed as one channel, panned by the mono pan law), else 2.
    channels: usize,
    input: [Vec<f32>; 2],
    out: [Vec<f32>; 2],
    send: [Vec<f32>; 2],
    trim: Ramp,
    /// Length of a gain ramp in samples.
    ramp_len: u32,
    eq: ChannelEq,
    comp: Compressor,
    out_gain: [Ramp; 2],
    /// Left output from the right input and right output from the left (the width + position
    /// pan law; settled at zero otherwise, and then skipped).
    cross_gain: [Ramp; 2],
    /// The send's gains from before the fader (pre-pan) and after it: a pre/post switch ramps
    /// one down while the other comes up, a crossfade between the two tap points.
    send_pre: [Ramp; 2],
    send_post: [Ramp; 2],
    gate: bool,
    send_live: bool,
    levels: StripLevels,
    faulted: bool,
    /// Frames played as silence since the last report because the stem's chunks were not in
    /// memory (a mapped stem on the audio thread, see `engine::prefetch`).
    starved: u32,
    /// Where the live spectrum taps this strip (`None`: not tapped, nothing is written).
    tap: Option<TapPoint>,
    /// The tapped frames of the last block (allocated with the node, written only when tapped).
    tapped: Vec<TapFrame>,
}

impl std::fmt::Debug for TrackNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackNode")
            .field("id", &self.id)
            .field("channels", &self.channels)
            .field("online", &self.stem.is_some())
            .finish()
    }
}

impl TrackNode {
    /// Builds a strip for `track` with its audio (None = offline: the strip stays, silent),
    /// panned by the project's `pan_law`. Allocates every buffer for blocks of up to
    /// `max_block` frames.
    pub fn new(
        track: &project::Track,
        pan_law: project::PanLaw,
        stem: Option<Arc<StemAudio>>,
        rate: u32,
        max_block: usize,
    ) -> TrackNode {
        let channels = stem.as_ref().map_or(2, |s| s.channels.len().clamp(1, 2));
        let params = StripParams::of(track, pan_law);
        let buf = || vec![0.0f32; max_block];
        let ramp_len = ramp_samples(rate);
        let mut node = TrackNode {
            id: track.id,
            stem,
            params,
            channels,
            input: [buf(), buf()],
            out: [buf(), buf()],
            send: [buf(), buf()],
            trim: Ramp::with_length(ramp_len, 1.0),
            ramp_len,
            eq: ChannelEq::new(rate as f64, &params::eq(&params.eq)),
            comp: Compressor::new(rate as f64, &params::compressor(&params.compressor)),
            out_gain: [
                Ramp::with_length(ramp_len, 0.0),
                Ramp::with_length(ramp_len, 0.0),
            ],
            cross_gain: [
                Ramp::with_length(ramp_len, 0.0),
                Ramp::with_length(ramp_len, 0.0),
            ],
            send_pre: [
                Ramp::with_length(ramp_len, 0.0),
                Ramp::with_length(ramp_len, 0.0),
            ],
            send_post: [
                Ramp::with_length(ramp_len, 0.0),
                Ramp::with_length(ramp_len, 0.0),
            ],
            gate: !params.mute,
            send_live: false,
            levels: StripLevels::default(),
            faulted: false,
            starved: 0,
            tap: None,
            tapped: vec![TapFrame::default(); max_block],
        };
        node.retarget(true);
        node
    }

    /// Session id of the track.
    pub fn id(&self) -> TrackId {
        self.id
    }

    /// Current settings.
    pub fn params(&self) -> &StripParams {
        &self.params
    }

    /// Stem channels (1 or 2).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Length of the stem in frames (0 when offline).
    pub fn frames(&self) -> u64 {
        self.stem
            .as_ref()
            .map_or(0, |s| s.channels.first().map_or(0, |c| c.len()) as u64)
    }

    /// Whether a non-finite sample was caught (and silenced) since the fault was last taken.
    pub fn faulted(&self) -> bool {
        self.faulted
    }

    /// Whether a non-finite sample was caught since the last call (or `take_levels`); clears it.
    pub fn take_fault(&mut self) -> bool {
        std::mem::replace(&mut self.faulted, false)
    }

    /// The strip's output (post-fader, post-pan) of the block just processed: its first
    /// `frames` frames, left and right — what a stems bounce writes for this track.
    pub fn output(&self, frames: usize) -> [&[f32]; 2] {
        [&self.out[0][..frames], &self.out[1][..frames]]
    }

    /// The strip's reverb send of the block just processed (`None` when the send is silent):
    /// what this track alone feeds the reverb — a wet stems bounce runs its own copy of the
    /// reverb on it.
    pub fn send_output(&self, frames: usize) -> Option<[&[f32]; 2]> {
        self.send_live
            .then(|| [&self.send[0][..frames], &self.send[1][..frames]])
    }

    /// Taps this strip for the live spectrum at `point` (`None`: untapped).
    pub fn set_tap(&mut self, point: Option<TapPoint>) {
        self.tap = point;
    }

    /// The tapped frames of the last block (its first `frames`; empty when untapped).
    pub fn tapped(&self, frames: usize) -> &[TapFrame] {
        if self.tap.is_none() {
            return &[];
        }
        &self.tapped[..frames.min(self.tapped.len())]
    }

    /// Current compressor gain reduction in dB (≥ 0).
    pub fn gain_reduction_db(&self) -> f32 {
        self.comp.gain_reduction_db()
    }

    /// Output levels since the last call and whether a fault was caught; resets both.
    pub fn take_levels(&mut self) -> (LevelReport, bool) {
        let faulted = std::mem::replace(&mut self.faulted, false);
        (std::mem::take(&mut self.levels).report(), faulted)
    }

    /// Frames played as silence since the last call because the stem was not in memory.
    pub fn take_starved(&mut self) -> u32 {
        std::mem::take(&mut self.starved)
    }

    /// Applies one parameter change.
    pub fn set(&mut self, p: TrackParam) {
        let q = &mut self.params;
        match p {
            TrackParam::TrimDb(v) => q.trim_db = v,
            TrackParam::GainDb(v) => q.gain_db = v,
            TrackParam::Pan(v) => q.pan = v,
            TrackParam::Mute(v) => q.mute = v,
            TrackParam::Solo(v) => q.solo = v,
            TrackParam::Polarity(v) => q.polarity_invert = v,
            TrackParam::SendDb(v) => q.send_db = v,
            TrackParam::SendPreFader(v) => q.send_pre_fader = v,
            TrackParam::Eq(eq) => {
                q.eq = eq;
                self.eq.set_params(&params::eq(&eq));
            }
            TrackParam::Compressor(c) => {
                q.compressor = c;
                self.comp.set_params(&params::compressor(&c));
            }
            TrackParam::Width(v) => q.width = v,
            TrackParam::PanLaw(law) => q.pan_law = law,
        }
        self.retarget(false);
    }

    /// Recomputes the gate for the solo state of the whole mix; `immediate` skips the ramp
    /// (when the graph is being built, before any audio).
    pub fn update_gate(&mut self, any_solo: bool, immediate: bool) {
        let gate = !self.params.mute && (!any_solo || self.params.solo);
        if gate != self.gate || immediate {
            self.gate = gate;
            self.retarget(immediate);
        }
    }

    /// Swaps the stem; returns the old one for disposal. A channel-count change keeps the old
    /// layout (the control side replaces the whole node in that case).
    pub fn set_stem(&mut self, stem: Option<Arc<StemAudio>>) -> Option<Arc<StemAudio>> {
        std::mem::replace(&mut self.stem, stem)
    }

    /// The stem the strip reads (`None` when offline).
    pub fn stem(&self) -> Option<&Arc<StemAudio>> {
        self.stem.as_ref()
    }

    /// Clears every DSP state.
    pub fn reset(&mut self) {
        self.eq.reset();
        self.comp.reset();
        self.retarget(true);
    }

    fn retarget(&mut self, immediate: bool) {
        let p = &self.params;
        let pol = if p.polarity_invert { -1.0 } else { 1.0 };
        let trim = pol * params::trim_gain(p.trim_db);
        let gate = if self.gate { 1.0 } else { 0.0 };
        let fader = params::fader_gain(p.gain_db) * gate;
        let pan = params::pan_gains(p.pan_law, self.channels == 1, p.pan, p.width);
        let send = params::send_gain(p.send_db) * gate;
        let (pre, post) = if p.send_pre_fader {
            let s = if self.channels == 1 {
                send * MONO_CENTRE
            } else {
                send
            };
            (s, 0.0)
        } else {
            (0.0, send)
        };
        if !immediate && (self.trim.target() < 0.0) != (trim < 0.0) {
            // A polarity flip glides through zero at the slope of a 0 → full-scale ramp: twice
            // the ramp length for twice the distance.
            self.trim.set_target_over(trim, 2 * self.ramp_len);
        } else {
            set_ramp(&mut self.trim, trim, immediate);
        }
        set_ramp(&mut self.out_gain[0], fader * pan.direct[0], immediate);
        set_ramp(&mut self.out_gain[1], fader * pan.direct[1], immediate);
        set_ramp(&mut self.cross_gain[0], fader * pan.cross[0], immediate);
        set_ramp(&mut self.cross_gain[1], fader * pan.cross[1], immediate);
        for r in &mut self.send_pre {
            set_ramp(r, pre, immediate);
        }
        for r in &mut self.send_post {
            set_ramp(r, post, immediate);
        }
    }

    /// Processes `n` frames from the read head into the strip's own output and send buffers.
    /// With `resident_only` (the audio thread) a mapped stem is read only where the prefetcher
    /// holds it in memory; a block it does not hold is silence, counted for the report.
    pub fn process(&mut self, read: &ReadHead, n: usize, resident_only: bool) {
        let ch = self.channels;
        let [in_l, in_r] = &mut self.input;
        let (in_l, in_r) = (&mut in_l[..n], &mut in_r[..n]);
        // Stems in memory are always ready; only mapped ones look at the ready bits.
        let ready = |stem: &StemAudio| {
            if !resident_only || !stem.is_mapped() {
                return true;
            }
            let spans = read.spans(n);
            stem.channels
                .iter()
                .all(|c| spans.iter().all(|r| c.is_ready(r.clone())))
        };
        match &self.stem {
            Some(stem) if !ready(stem) => {
                in_l.fill(0.0);
                in_r.fill(0.0);
                self.starved = self.starved.saturating_add(n as u32);
            }
            Some(stem) => {
                // A stem swapped in with another channel count keeps the node's layout
                // (`set_stem`); a mono stem then feeds both sides. Never index past the
                // channels that exist: this runs on the audio thread.
                let first = stem.channels.first().map_or(&[][..], |c| &c[..]);
                read.read(first, in_l);
                if ch == 2 {
                    read.read(stem.channels.get(1).map_or(first, |c| &c[..]), in_r);
                }
            }
            None => {
                in_l.fill(0.0);
                in_r.fill(0.0);
            }
        }
        // Input trim and polarity.
        if !(self.trim.is_settled() && self.trim.value() == 1.0) {
            if ch == 2 {
                self.trim.apply_stereo(in_l, in_r);
            } else {
                self.trim.apply(in_l);
            }
        }
        {
            let bufs: &mut [&mut [f32]] = &mut [in_l, in_r];
            // The live spectrum's tap (one strip at most): copies only, into its own buffer.
            let tap = self.tap;
            if tap == Some(TapPoint::PreEq) {
                spectrum_tap::write_signal(&mut self.tapped[..n], &bufs[..ch]);
            }
            self.eq.process(&mut bufs[..ch]);
            if let Some(point) = tap {
                let dst = &mut self.tapped[..n];
                if point == TapPoint::PostEq {
                    spectrum_tap::write_signal(dst, &bufs[..ch]);
                }
                spectrum_tap::write_comp_input(dst, &bufs[..ch]);
            }
            self.comp.process(&mut bufs[..ch]);
        }
        let [in_l, in_r] = &mut self.input;
        let (in_l, in_r) = (&in_l[..n], &in_r[..n]);
        let src_r = if ch == 2 { in_r } else { in_l };

        // Fader, gate and pan in one gain per side (and, under the width + position pan law,
        // one from the other side).
        let [out_l, out_r] = &mut self.out;
        let (out_l, out_r) = (&mut out_l[..n], &mut out_r[..n]);
        apply_to(&mut self.out_gain[0], in_l, out_l);
        apply_to(&mut self.out_gain[1], src_r, out_r);
        if ch == 2 {
            let [to_l, to_r] = &mut self.cross_gain;
            mix_to(to_l, in_r, out_l);
            mix_to(to_r, in_l, out_r);
        }

        // Reverb send, before (pre-pan) or after the fader.
        let silent = |r: &Ramp| r.is_settled() && r.value() == 0.0;
        let pre_live = !self.send_pre.iter().all(silent);
        let post_live = !self.send_post.iter().all(silent);
        self.send_live = pre_live || post_live;
        if self.send_live {
            let [s_l, s_r] = &mut self.send;
            let (s_l, s_r) = (&mut s_l[..n], &mut s_r[..n]);
            // The live tap writes; during a pre/post crossfade the other one adds to it.
            let [pre_l, pre_r] = &mut self.send_pre;
            let [post_l, post_r] = &mut self.send_post;
            if post_live {
                apply_to(post_l, out_l, s_l);
                apply_to(post_r, out_r, s_r);
                mix_to(pre_l, in_l, s_l);
                mix_to(pre_r, src_r, s_r);
            } else {
                apply_to(pre_l, in_l, s_l);
                apply_to(pre_r, src_r, s_r);
            }
        }

        // A NaN or infinity never leaves the strip: silence the block, reset, flag it. Checking
        // the output catches every non-finite input (times a zero fader gain it is NaN too).
        // A send can still overflow on its own (a huge finite sample, fader closed, pre-fader
        // send boosted): the reverb return's guard catches and reports that.
        let stats = [block_stats(out_l), block_stats(out_r)];
        if stats.iter().any(|(_, sum)| !sum.is_finite()) {
            out_l.fill(0.0);
            out_r.fill(0.0);
            self.send[0][..n].fill(0.0);
            self.send[1][..n].fill(0.0);
            self.eq.reset();
            self.comp.reset();
            self.faulted = true;
            self.levels.add([(0.0, 0.0); 2], n);
            return;
        }
        self.levels.add(stats, n);
    }

    /// Adds this strip's last processed block to the master and reverb buses.
    pub fn mix_into(
        &self,
        bus_l: &mut [f32],
        bus_r: &mut [f32],
        rev_l: &mut [f32],
        rev_r: &mut [f32],
        n: usize,
    ) {
        add(bus_l, &self.out[0][..n]);
        add(bus_r, &self.out[1][..n]);
        if self.send_live {
            add(rev_l, &self.send[0][..n]);
            add(rev_r, &self.send[1][..n]);
        }
    }
}

/// `dst = src · ramp`, sample by sample.
fn apply_to(ramp: &mut Ramp, src: &[f32], dst: &mut [f32]) {
    ramp.apply_to(src, dst);
}

/// Adds `src` times the ramp's next values to `dst`; nothing for a ramp settled at zero.
fn mix_to(ramp: &mut Ramp, src: &[f32], dst: &mut [f32]) {
    if ramp.is_settled() {
        let g = ramp.value();
        if g != 0.0 {
            for (d, s) in dst.iter_mut().zip(src) {
                *d += *s * g;
            }
        }
        return;
    }
    for (d, s) in dst.iter_mut().zip(src) {
        *d += *s * ramp.next();
    }
}

fn add(dst: &mut [f32], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += *s;
    }
}

fn set_ramp(r: &mut Ramp, target: f32, immediate: bool) {
    if immediate {
        r.reset(target);
    } else {
        r.set_target(target);
    }
}

/// Ramp length in samples for gain changes at `rate`.
pub fn ramp_samples(rate: u32) -> u32 {
    ((GAIN_RAMP_MS / 1000.0 * rate as f32).round() as u32).max(1)
}
