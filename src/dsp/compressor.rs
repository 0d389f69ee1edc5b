//! Feed-forward, stereo-linked compressor with a soft knee (Giannoulis, Massberg & Reiss 2012).
//!
//! Signal flow per sample: the detector gives one level for both channels (peak: the larger
//! |L|, |R|; RMS: the mean of L² and R² over a 10 ms window), the static curve turns it into a
//! target gain reduction in dB, a branching one-pole smoother (attack when the reduction grows,
//! release when it shrinks) gives the applied reduction, and makeup gain is added. Both channels
//! get the same gain so the stereo image does not move.
//!
//! Threshold, ratio (as 1 − 1/ratio), knee and makeup glide linearly over 20 ms so no parameter
//! move clicks; while they glide the compressor runs sample by sample. Settled, it works in
//! 64-frame chunks on its own sample grid: detector levels first; a chunk whose levels all stay
//! below the knee (compared in the linear domain) with no gain reduction left costs that one
//! comparison per frame; otherwise the dB levels and static curve are computed two frames per
//! vector (four with AVX2, chosen at run time), and the smoother runs together with the gain
//! exponentials. Log and exp are short polynomials (error < 1e-6 dB) that give the same bits in
//! the per-sample, SSE2 and AVX2 paths. A disabled, fully released compressor costs nothing.

use super::db::{
    DB_PER_OCTAVE, OCTAVES_PER_DB, db_to_gain, fast_db_to_gain, fast_gain_to_db, fast_power_to_db,
};
use super::simd::F64x2;

/// Glide time of threshold, ratio, knee and makeup changes.
const SMOOTH_MS: f64 = 20.0;
/// RMS detector window.
const RMS_WINDOW_MS: f64 = 10.0;
/// Gain reduction below this (dB) snaps to exactly zero, ending the release tail.
const GR_FLOOR_DB: f64 = 1e-9;
/// Frames per stage in the settled path; also the grid of the release-tail snap.
const CHUNK: usize = 64;

/// How the compressor measures level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detector {
    /// Instantaneous peak of the louder channel.
    #[default]
    Peak,
    /// Mean square of both channels over a 10 ms window.
    Rms,
}

/// Compressor settings (clamped on use to the ranges given).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompressorParams {
    /// Whether the compressor acts; switching off releases to unity gain smoothly.
    pub enabled: bool,
    /// Threshold in dBFS (−80 … 0).
    pub threshold_db: f32,
    /// Ratio (1 … 100; 1 = no compression).
    pub ratio: f32,
    /// Attack time constant in ms (0.01 … 1000): time to 63.2% of a rising gain-reduction step.
    pub attack_ms: f32,
    /// Release time constant in ms (1 … 10000): time to 63.2% of a falling step.
    pub release_ms: f32,
    /// Knee width in dB centred on the threshold (0 … 40; 0 = hard knee).
    pub knee_db: f32,
    /// Makeup gain in dB (−24 … +36).
    pub makeup_db: f32,
    /// Peak or RMS detection.
    pub detector: Detector,
}

impl Default for CompressorParams {
    fn default() -> Self {
        CompressorParams {
            enabled: true,
            threshold_db: -18.0,
            ratio: 4.0,
            attack_ms: 10.0,
            release_ms: 120.0,
            knee_db: 6.0,
            makeup_db: 0.0,
            detector: Detector::Peak,
        }
    }
}

fn finite_or(v: f32, d: f32) -> f64 {
    if v.is_finite() { v as f64 } else { d as f64 }
}

impl CompressorParams {
    /// The parameters clamped to their documented ranges (NaN → default).
    pub fn clamped(&self) -> CompressorParams {
        let d = CompressorParams::default();
        CompressorParams {
            enabled: self.enabled,
            threshold_db: finite_or(self.threshold_db, d.threshold_db).clamp(-80.0, 0.0) as f32,
            ratio: finite_or(self.ratio, d.ratio).clamp(1.0, 100.0) as f32,
            attack_ms: finite_or(self.attack_ms, d.attack_ms).clamp(0.01, 1000.0) as f32,
            release_ms: finite_or(self.release_ms, d.release_ms).clamp(1.0, 10_000.0) as f32,
            knee_db: finite_or(self.knee_db, d.knee_db).clamp(0.0, 40.0) as f32,
            makeup_db: finite_or(self.makeup_db, d.makeup_db).clamp(-24.0, 36.0) as f32,
            detector: self.detector,
        }
    }

    /// Gain reduction (dB, ≥ 0) of the static curve at detector level `level_db` with these
    /// settings clamped as [`Compressor`] clamps them (what a settled compressor applies; for
    /// drawing the curve). Makeup gain is not included.
    pub fn static_gain_reduction_db(&self, level_db: f64) -> f64 {
        let p = self.clamped();
        let slope = 1.0 - 1.0 / p.ratio as f64;
        static_gain_reduction_db(level_db, p.threshold_db as f64, p.knee_db as f64, slope)
    }
}

/// Gain reduction (dB, ≥ 0) of the static soft-knee curve for input level `x` dB, threshold
/// `t`, knee width `w` and slope factor `s = 1 − 1/ratio`.
///
/// Below T − W/2: none; within the knee: s·(x − T + W/2)²/(2W); above: s·(x − T).
#[inline(always)]
pub fn static_gain_reduction_db(x: f64, t: f64, w: f64, s: f64) -> f64 {
    // Written as selects rather than branches: levels hop between the regions sample by
    // sample, and mispredicted branches would cost more than computing both formulas.
    let over = x - t;
    let d = over + 0.5 * w;
    let in_knee = s * d * d / (2.0 * w);
    let above = s * over;
    let r = if 2.0 * over < w { in_knee } else { above };
    if 2.0 * over <= -w { 0.0 } else { r }
}

/// A linear glide of an f64 parameter, exact on landing.
#[derive(Clone, Copy, Debug)]
struct Glide {
    value: f64,
    target: f64,
    step: f64,
    left: u32,
}

impl Glide {
    fn new(v: f64) -> Self {
        Glide {
            value: v,
            target: v,
            step: 0.0,
            left: 0,
        }
    }
    fn set(&mut self, target: f64, len: u32) {
        if target != self.target {
            self.target = target;
            self.left = len;
            self.step = (target - self.value) / len as f64;
        }
    }
    #[inline(always)]
    fn advance(&mut self) {
        if self.left > 0 {
            self.left -= 1;
            self.value = if self.left == 0 {
                self.target
            } else {
                self.value + self.step
            };
        }
    }
    fn jump(&mut self) {
        self.value = self.target;
        self.left = 0;
    }
}

/// The stereo-linked compressor (see the module docs).
pub struct Compressor {
    fs: f64,
    params: CompressorParams,
    glide_len: u32,
    threshold: Glide,
    /// 1 − 1/ratio.
    slope: Glide,
    knee: Glide,
    makeup: Glide,
    /// Whether any glide is moving (derived values are then recomputed per sample).
    moving: bool,
    /// Knee start (T − W/2) as linear amplitude and as power, for the log-free test.
    knee_start_amp: f64,
    knee_start_pow: f64,
    /// 1 / (2·knee width): the knee formula's division done once per change.
    inv_2knee: f64,
    makeup_gain: f64,
    attack_coef: f64,
    release_coef: f64,
    /// 1 − attack and 1 − release coefficient: the smoother's input weights.
    attack_in: f64,
    release_in: f64,
    /// Whether the AVX2 kernel of the settled path may run on this CPU.
    use_avx2: bool,
    gr_db: f64,
    rms_ring: Vec<f64>,
    rms_pos: usize,
    rms_sum: f64,
    /// 1 / RMS window length: a multiply per frame instead of a division.
    rms_inv_len: f64,
    /// Samples processed since construction (the grid for the release-tail snap).
    pos: u64,
}

impl Compressor {
    /// A compressor at `sample_rate` with `params`, settled (no initial glide).
    pub fn new(sample_rate: f64, params: &CompressorParams) -> Self {
        let rms_len = ((sample_rate * RMS_WINDOW_MS * 1e-3).round() as usize).max(1);
        let p = params.clamped();
        let mut c = Compressor {
            fs: sample_rate,
            params: p,
            glide_len: ((sample_rate * SMOOTH_MS * 1e-3).round() as u32).max(1),
            threshold: Glide::new(0.0),
            slope: Glide::new(0.0),
            knee: Glide::new(0.0),
            makeup: Glide::new(0.0),
            moving: false,
            knee_start_amp: 1.0,
            knee_start_pow: 1.0,
            inv_2knee: 0.0,
            makeup_gain: 1.0,
            attack_coef: 0.0,
            release_coef: 0.0,
            attack_in: 1.0,
            release_in: 1.0,
            use_avx2: avx2_available(),
            gr_db: 0.0,
            rms_ring: vec![0.0; rms_len],
            rms_pos: 0,
            rms_sum: 0.0,
            rms_inv_len: 1.0 / rms_len as f64,
            pos: 0,
        };
        c.set_params(&p);
        c.threshold.jump();
        c.slope.jump();
        c.knee.jump();
        c.makeup.jump();
        c.update_derived();
        c
    }

    /// Changes the settings; level-related ones glide over 20 ms, time constants apply at once.
    pub fn set_params(&mut self, params: &CompressorParams) {
        let p = params.clamped();
        if p.enabled && !self.params.enabled || p.detector != self.params.detector {
            // The RMS window restarts empty when the compressor comes back or changes mode.
            self.clear_detector();
        }
        self.params = p;
        let len = self.glide_len;
        if p.enabled {
            self.threshold.set(p.threshold_db as f64, len);
            self.slope.set(1.0 - 1.0 / p.ratio as f64, len);
            self.knee.set(p.knee_db as f64, len);
            self.makeup.set(p.makeup_db as f64, len);
        } else {
            // Off: glide makeup back to 0 dB; the gain reduction releases on its own.
            self.makeup.set(0.0, len);
        }
        self.attack_coef = (-1.0 / (p.attack_ms as f64 * 1e-3 * self.fs)).exp();
        self.release_coef = (-1.0 / (p.release_ms as f64 * 1e-3 * self.fs)).exp();
        self.attack_in = 1.0 - self.attack_coef;
        self.release_in = 1.0 - self.release_coef;
        self.moving = true;
    }

    /// The current (clamped) settings.
    pub fn params(&self) -> &CompressorParams {
        &self.params
    }

    /// Current gain reduction in dB (≥ 0; makeup not included).
    pub fn gain_reduction_db(&self) -> f32 {
        self.gr_db as f32
    }

    /// Whether the compressor currently leaves the audio untouched (off and fully released).
    pub fn is_bypassed(&self) -> bool {
        // All glides must have landed too: skipping a block must not skip state changes.
        !self.params.enabled && self.gr_db == 0.0 && !self.moving && self.makeup.value == 0.0
    }

    /// Clears the detector and gain reduction and finishes glides.
    pub fn reset(&mut self) {
        self.clear_detector();
        self.gr_db = 0.0;
        self.threshold.jump();
        self.slope.jump();
        self.knee.jump();
        self.makeup.jump();
        self.update_derived();
    }

    fn clear_detector(&mut self) {
        self.rms_ring.fill(0.0);
        self.rms_pos = 0;
        self.rms_sum = 0.0;
    }

    fn update_derived(&mut self) {
        let start = self.threshold.value - 0.5 * self.knee.value;
        self.knee_start_amp = fast_db_to_gain(start);
        self.knee_start_pow = self.knee_start_amp * self.knee_start_amp;
        // Infinite for a hard knee; the knee branch is then never selected.
        self.inv_2knee = 1.0 / (2.0 * self.knee.value);
        self.makeup_gain = if self.makeup.value == 0.0 {
            1.0
        } else {
            db_to_gain(self.makeup.value)
        };
        self.moving = self.threshold.left > 0
            || self.slope.left > 0
            || self.knee.left > 0
            || self.makeup.left > 0;
    }

    /// Compresses a stereo pair in place.
    pub fn process_stereo(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        self.run::<true>(&mut left[..n], &mut right[..n]);
    }

    /// Compresses a mono channel in place.
    pub fn process_mono(&mut self, buf: &mut [f32]) {
        self.run::<false>(buf, &mut []);
    }

    /// Compresses one (mono) or two (stereo) planar channels in place; other counts are ignored.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        match channels {
            [mono] => self.process_mono(mono),
            [l, r] => self.process_stereo(l, r),
            _ => {}
        }
    }

    fn run<const STEREO: bool>(&mut self, left: &mut [f32], right: &mut [f32]) {
        if self.is_bypassed() {
            return;
        }
        let n = left.len();
        let mut i = 0;
        while i < n {
            if self.pos.is_multiple_of(CHUNK as u64) && self.gr_db < GR_FLOOR_DB {
                // End of a release tail: exact zero (checked on the compressor's own sample
                // grid, so it happens at the same sample however the audio is split).
                self.gr_db = 0.0;
            }
            if self.moving || !self.params.enabled {
                // Gliding parameters or releasing after switch-off: sample by sample.
                let r = if STEREO { right[i] } else { 0.0 };
                let (l, r) = self.step::<STEREO>(left[i], r);
                left[i] = l;
                if STEREO {
                    right[i] = r;
                }
                i += 1;
                self.pos += 1;
                continue;
            }
            let len = (CHUNK - (self.pos % CHUNK as u64) as usize).min(n - i);
            if STEREO {
                self.run_chunk::<STEREO>(&mut left[i..i + len], &mut right[i..i + len]);
            } else {
                self.run_chunk::<STEREO>(&mut left[i..i + len], &mut []);
            }
            i += len;
            self.pos += len as u64;
        }
    }

    /// Detector level of one frame (peak amplitude, or the windowed mean square for RMS).
    #[inline(always)]
    fn level<const STEREO: bool>(&mut self, l: f64, r: f64) -> f64 {
        if self.params.detector == Detector::Rms {
            let p = if STEREO { 0.5 * (l * l + r * r) } else { l * l };
            self.rms_sum += p - self.rms_ring[self.rms_pos];
            self.rms_ring[self.rms_pos] = p;
            self.rms_pos += 1;
            if self.rms_pos == self.rms_ring.len() {
                // Re-sum once per window so rounding never accumulates and a silent window
                // gives exactly zero.
                self.rms_pos = 0;
                self.rms_sum = self.rms_ring.iter().sum();
            }
            self.rms_sum.max(0.0) * self.rms_inv_len
        } else if STEREO {
            l.abs().max(r.abs())
        } else {
            l.abs()
        }
    }

    /// Target gain reduction for a detector level (0 below the knee).
    #[inline(always)]
    fn target(&self, level: f64, rms: bool) -> f64 {
        let (x_db, start) = if rms {
            (fast_power_to_db(level), self.knee_start_pow)
        } else {
            (fast_gain_to_db(level), self.knee_start_amp)
        };
        // The static curve with the knee division replaced by the stored reciprocal (the same
        // arithmetic as the vector version below).
        let (t, w, s) = (self.threshold.value, self.knee.value, self.slope.value);
        let over = x_db - t;
        let d = over + 0.5 * w;
        let in_knee = s * d * d * self.inv_2knee;
        let above = s * over;
        let r = if 2.0 * over < w { in_knee } else { above };
        let gr = if 2.0 * over <= -w { 0.0 } else { r };
        if level > start { gr } else { 0.0 }
    }

    /// [`Compressor::target`] for two frames at once, bit-identical per lane.
    #[inline(always)]
    fn target_x2(&self, level: F64x2, rms: bool) -> F64x2 {
        let (x_db, start) = if rms {
            (
                level.fast_log2().mul(F64x2::splat(DB_PER_OCTAVE * 0.5)),
                self.knee_start_pow,
            )
        } else {
            (
                level.fast_log2().mul(F64x2::splat(DB_PER_OCTAVE)),
                self.knee_start_amp,
            )
        };
        let w = F64x2::splat(self.knee.value);
        let s = F64x2::splat(self.slope.value);
        let over = x_db.sub(F64x2::splat(self.threshold.value));
        let d = over.add(F64x2::splat(0.5).mul(w));
        let in_knee = s.mul(d).mul(d).mul(F64x2::splat(self.inv_2knee));
        let above = s.mul(over);
        let two_over = F64x2::splat(2.0).mul(over);
        let r = F64x2::select(two_over.lt(w), in_knee, above);
        let neg_w = F64x2::zero().sub(w);
        let t = F64x2::select(two_over.le(neg_w), F64x2::zero(), r);
        F64x2::select(level.gt(F64x2::splat(start)), t, F64x2::zero())
    }

    /// One step of the attack/release smoother, given the target's weighted terms
    /// `ta = (1 − a)·target` and `tr = (1 − r)·target`.
    ///
    /// The attack branch (target > gr) gives a·gr + ta, the release branch r·gr + tr; their
    /// difference is (a − r)(gr − target), so when a ≤ r the branch taken is the larger of the
    /// two, otherwise the smaller (where rounding could flip that, both are equal to within it).
    /// The weighted terms do not depend on gr, so the sample-to-sample chain is only mul, add,
    /// max: a max/min instead of a data-dependent branch.
    #[inline(always)]
    fn smooth<const MAX: bool>(gr: f64, ta: f64, tr: f64, attack: f64, release: f64) -> f64 {
        let up = attack * gr + ta;
        let down = release * gr + tr;
        if MAX { up.max(down) } else { up.min(down) }
    }

    /// Linear gain for a gain reduction (makeup included).
    #[inline(always)]
    fn gain(&self, gr: f64) -> f64 {
        if gr == 0.0 {
            self.makeup_gain
        } else {
            fast_db_to_gain(self.makeup.value - gr)
        }
    }

    /// [`Compressor::gain`] for two frames at once, bit-identical per lane.
    #[inline(always)]
    fn gain_x2(&self, gr: F64x2) -> F64x2 {
        let g = F64x2::splat(self.makeup.value)
            .sub(gr)
            .mul(F64x2::splat(OCTAVES_PER_DB))
            .fast_exp2();
        F64x2::select(gr.eq(F64x2::zero()), F64x2::splat(self.makeup_gain), g)
    }

    /// The per-sample path: advances the glides and processes one frame.
    fn step<const STEREO: bool>(&mut self, l: f32, r: f32) -> (f32, f32) {
        if self.moving {
            self.threshold.advance();
            self.slope.advance();
            self.knee.advance();
            self.makeup.advance();
            self.update_derived();
        }
        let (l, r) = (l as f64, r as f64);
        let target = if self.params.enabled {
            let level = self.level::<STEREO>(l, r);
            self.target(level, self.params.detector == Detector::Rms)
        } else {
            0.0
        };
        let (a, r) = (self.attack_coef, self.release_coef);
        let (ta, tr) = (self.attack_in * target, self.release_in * target);
        self.gr_db = if a <= r {
            Self::smooth::<true>(self.gr_db, ta, tr, a, r)
        } else {
            Self::smooth::<false>(self.gr_db, ta, tr, a, r)
        };
        let g = self.gain(self.gr_db);
        ((l * g) as f32, (r * g) as f32)
    }

    /// The settled path: the same arithmetic as [`Compressor::step`], stage by stage over up to
    /// `CHUNK` frames — levels, then targets two frames per vector, then the smoother, then
    /// gains two frames per vector — and skipped entirely while the level stays below the knee
    /// with no gain reduction.
    fn run_chunk<const STEREO: bool>(&mut self, left: &mut [f32], right: &mut [f32]) {
        let len = left.len();
        let rms = self.params.detector == Detector::Rms;
        let mut buf = [0.0f64; CHUNK];
        if rms {
            for k in 0..len {
                let r = if STEREO { right[k] as f64 } else { 0.0 };
                buf[k] = self.level::<STEREO>(left[k] as f64, r);
            }
        } else if STEREO {
            // The peak level as `level` computes it: the max in f32 and then the widening give
            // the same value as widening first, and this loop vectorises.
            for ((b, l), r) in buf.iter_mut().zip(&*left).zip(&*right) {
                *b = l.abs().max(r.abs()) as f64;
            }
        } else {
            for (b, l) in buf.iter_mut().zip(&*left) {
                *b = l.abs() as f64;
            }
        }
        let start = if rms {
            self.knee_start_pow
        } else {
            self.knee_start_amp
        };
        if self.gr_db == 0.0 && buf[..len].iter().all(|&v| v <= start) {
            // No reduction now or anywhere in the chunk: makeup only.
            let g = self.makeup_gain;
            if g != 1.0 {
                for k in 0..len {
                    left[k] = (left[k] as f64 * g) as f32;
                    if STEREO {
                        right[k] = (right[k] as f64 * g) as f32;
                    }
                }
            }
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if self.use_avx2 {
            // SAFETY: `use_avx2` is only set when the CPU has AVX2.
            unsafe { avx2::targets_smooth_apply::<STEREO>(self, &buf, len, left, right) };
            return;
        }
        // Targets, two frames per vector (the odd last lane is computed and ignored).
        for k in (0..len).step_by(2) {
            let t = self.target_x2(F64x2::new(buf[k], buf[k + 1]), rms);
            buf[k] = t.l();
            buf[k + 1] = t.r();
        }
        if self.attack_coef <= self.release_coef {
            self.smooth_and_apply::<STEREO, true>(&buf[..len], left, right);
        } else {
            self.smooth_and_apply::<STEREO, false>(&buf[..len], left, right);
        }
    }

    /// The smoother and the gains in one loop over frame pairs: the exponentials of one pair
    /// overlap the smoother's sample-to-sample chain of the next. `MAX` selects the smoother's
    /// max form (attack ≤ release coefficient) or min form.
    #[inline(always)]
    fn smooth_and_apply<const STEREO: bool, const MAX: bool>(
        &mut self,
        targets: &[f64],
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let len = targets.len();
        let (a, r) = (self.attack_coef, self.release_coef);
        let (ai, ri) = (self.attack_in, self.release_in);
        let smooth = |gr: f64, t: f64| Self::smooth::<MAX>(gr, ai * t, ri * t, a, r);
        let mut gr = self.gr_db;
        for k in (0..len).step_by(2) {
            let second = k + 1 < len;
            let g0 = smooth(gr, targets[k]);
            gr = g0;
            if second {
                gr = smooth(gr, targets[k + 1]);
            }
            let g = self.gain_x2(F64x2::new(g0, gr));
            left[k] = (left[k] as f64 * g.l()) as f32;
            if STEREO {
                right[k] = (right[k] as f64 * g.l()) as f32;
            }
            if second {
                left[k + 1] = (left[k + 1] as f64 * g.r()) as f32;
                if STEREO {
                    right[k + 1] = (right[k + 1] as f64 * g.r()) as f32;
                }
            }
        }
        self.gr_db = gr;
    }

    /// Forces the portable (SSE2) settled path, so tests can compare it with the AVX2 one.
    #[cfg(test)]
    fn without_avx2(mut self) -> Self {
        self.use_avx2 = false;
        self
    }
}

/// Whether the AVX2 kernel can run on this CPU.
fn avx2_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The settled path four frames per 256-bit vector. Every lane performs the same IEEE
/// operations in the same order as the scalar and SSE2 code (no fused multiply-add), so the
/// output is bit-identical to them; only the instruction count shrinks.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::super::db::{DB_PER_OCTAVE, OCTAVES_PER_DB};
    use super::{CHUNK, Compressor, Detector};
    use core::arch::x86_64::*;

    /// [`crate::dsp::db::fast_log2`] on four lanes.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn log2(x: __m256d) -> __m256d {
        let bits = _mm256_castpd_si256(x);
        // The biased exponent (< 2048) becomes a double exactly: 2^52 + e − 2^52.
        let two52 = _mm256_set1_pd(4_503_599_627_370_496.0);
        let e_raw = _mm256_and_si256(_mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x7ff));
        let e = _mm256_sub_pd(
            _mm256_castsi256_pd(_mm256_or_si256(e_raw, _mm256_castpd_si256(two52))),
            two52,
        );
        let e = _mm256_sub_pd(e, _mm256_set1_pd(1023.0));
        let m = _mm256_castsi256_pd(_mm256_or_si256(
            _mm256_and_si256(bits, _mm256_set1_epi64x(0x000f_ffff_ffff_ffff)),
            _mm256_set1_epi64x(1023 << 52),
        ));
        let fold = _mm256_cmp_pd::<_CMP_GT_OQ>(m, _mm256_set1_pd(std::f64::consts::SQRT_2));
        let m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), fold);
        let e = _mm256_add_pd(e, _mm256_and_pd(fold, _mm256_set1_pd(1.0)));
        let one = _mm256_set1_pd(1.0);
        let s = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
        let s2 = _mm256_mul_pd(s, s);
        let s4 = _mm256_mul_pd(s2, s2);
        let poly = _mm256_add_pd(
            _mm256_add_pd(one, _mm256_mul_pd(s2, _mm256_set1_pd(1.0 / 3.0))),
            _mm256_mul_pd(
                s4,
                _mm256_add_pd(
                    _mm256_set1_pd(1.0 / 5.0),
                    _mm256_mul_pd(s2, _mm256_set1_pd(1.0 / 7.0)),
                ),
            ),
        );
        let ln_m = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(2.0), s), poly);
        let r = _mm256_add_pd(
            e,
            _mm256_mul_pd(ln_m, _mm256_set1_pd(std::f64::consts::LOG2_E)),
        );
        let ok = _mm256_cmp_pd::<_CMP_GE_OQ>(x, _mm256_set1_pd(f64::MIN_POSITIVE));
        _mm256_blendv_pd(_mm256_set1_pd(-1100.0), r, ok)
    }

    /// [`crate::dsp::db::fast_exp2`] on four lanes (for non-NaN input).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn exp2(x: __m256d) -> __m256d {
        const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
        let c = |v: f64| _mm256_set1_pd(v);
        let x = _mm256_min_pd(_mm256_max_pd(x, c(-1020.0)), c(1023.0));
        let shifted = _mm256_add_pd(x, c(MAGIC));
        let n = _mm256_sub_pd(shifted, c(MAGIC));
        let t = _mm256_mul_pd(_mm256_sub_pd(x, n), c(std::f64::consts::LN_2));
        let t2 = _mm256_mul_pd(t, t);
        let t4 = _mm256_mul_pd(t2, t2);
        let q01 = _mm256_add_pd(c(1.0), t);
        let q23 = _mm256_add_pd(c(0.5), _mm256_mul_pd(t, c(1.0 / 6.0)));
        let q45 = _mm256_add_pd(c(1.0 / 24.0), _mm256_mul_pd(t, c(1.0 / 120.0)));
        let q67 = _mm256_add_pd(c(1.0 / 720.0), _mm256_mul_pd(t, c(1.0 / 5040.0)));
        let p = _mm256_add_pd(
            _mm256_add_pd(q01, _mm256_mul_pd(t2, q23)),
            _mm256_mul_pd(t4, _mm256_add_pd(q45, _mm256_mul_pd(t2, q67))),
        );
        let scale = _mm256_slli_epi64::<52>(_mm256_add_epi64(
            _mm256_castpd_si256(shifted),
            _mm256_set1_epi64x(1023),
        ));
        _mm256_mul_pd(p, _mm256_castsi256_pd(scale))
    }

    /// [`Compressor::target`] on four detector levels.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn targets(c: &Compressor, level: __m256d, rms: bool) -> __m256d {
        let (x_db, start) = if rms {
            (
                _mm256_mul_pd(log2(level), _mm256_set1_pd(DB_PER_OCTAVE * 0.5)),
                c.knee_start_pow,
            )
        } else {
            (
                _mm256_mul_pd(log2(level), _mm256_set1_pd(DB_PER_OCTAVE)),
                c.knee_start_amp,
            )
        };
        let w = _mm256_set1_pd(c.knee.value);
        let s = _mm256_set1_pd(c.slope.value);
        let over = _mm256_sub_pd(x_db, _mm256_set1_pd(c.threshold.value));
        let d = _mm256_add_pd(over, _mm256_mul_pd(_mm256_set1_pd(0.5), w));
        let in_knee = _mm256_mul_pd(
            _mm256_mul_pd(_mm256_mul_pd(s, d), d),
            _mm256_set1_pd(c.inv_2knee),
        );
        let above = _mm256_mul_pd(s, over);
        let two_over = _mm256_mul_pd(_mm256_set1_pd(2.0), over);
        let r = _mm256_blendv_pd(above, in_knee, _mm256_cmp_pd::<_CMP_LT_OQ>(two_over, w));
        let neg_w = _mm256_sub_pd(_mm256_setzero_pd(), w);
        let zero = _mm256_setzero_pd();
        let t = _mm256_blendv_pd(r, zero, _mm256_cmp_pd::<_CMP_LE_OQ>(two_over, neg_w));
        let above_start = _mm256_cmp_pd::<_CMP_GT_OQ>(level, _mm256_set1_pd(start));
        _mm256_blendv_pd(zero, t, above_start)
    }

    /// [`Compressor::gain`] on four gain reductions.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn gains(c: &Compressor, gr: __m256d) -> __m256d {
        let g = exp2(_mm256_mul_pd(
            _mm256_sub_pd(_mm256_set1_pd(c.makeup.value), gr),
            _mm256_set1_pd(OCTAVES_PER_DB),
        ));
        let none = _mm256_cmp_pd::<_CMP_EQ_OQ>(gr, _mm256_setzero_pd());
        _mm256_blendv_pd(g, _mm256_set1_pd(c.makeup_gain), none)
    }

    /// Targets, smoother and gains for the `len` detector levels in `buf` (a full chunk buffer,
    /// so whole vectors can be read past `len`; those lanes are ignored).
    #[target_feature(enable = "avx2")]
    pub(super) fn targets_smooth_apply<const STEREO: bool>(
        c: &mut Compressor,
        buf: &[f64; CHUNK],
        len: usize,
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let rms = c.params.detector == Detector::Rms;
        // The smoother's two weighted target terms, computed four frames at a time.
        let mut ta = [0.0f64; CHUNK];
        let mut tr = [0.0f64; CHUNK];
        let (ai, ri) = (_mm256_set1_pd(c.attack_in), _mm256_set1_pd(c.release_in));
        for k in (0..len).step_by(4) {
            // SAFETY: k + 4 ≤ CHUNK (CHUNK is a multiple of 4), inside all three arrays.
            unsafe {
                let t = targets(c, _mm256_loadu_pd(buf.as_ptr().add(k)), rms);
                _mm256_storeu_pd(ta.as_mut_ptr().add(k), _mm256_mul_pd(ai, t));
                _mm256_storeu_pd(tr.as_mut_ptr().add(k), _mm256_mul_pd(ri, t));
            }
        }
        if c.attack_coef <= c.release_coef {
            smooth_apply::<STEREO, true>(c, &ta, &tr, len, left, right);
        } else {
            smooth_apply::<STEREO, false>(c, &ta, &tr, len, left, right);
        }
    }

    /// The serial smoother, four frames per step, with the gains of one step computed and
    /// applied while the next step's chain runs.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn smooth_apply<const STEREO: bool, const MAX: bool>(
        c: &mut Compressor,
        ta: &[f64; CHUNK],
        tr: &[f64; CHUNK],
        len: usize,
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let (a, r) = (c.attack_coef, c.release_coef);
        let mut gr = c.gr_db;
        let whole = len - len % 4;
        for k in (0..whole).step_by(4) {
            let g0 = Compressor::smooth::<MAX>(gr, ta[k], tr[k], a, r);
            let g1 = Compressor::smooth::<MAX>(g0, ta[k + 1], tr[k + 1], a, r);
            let g2 = Compressor::smooth::<MAX>(g1, ta[k + 2], tr[k + 2], a, r);
            gr = Compressor::smooth::<MAX>(g2, ta[k + 3], tr[k + 3], a, r);
            // SAFETY: k + 4 ≤ whole ≤ len = left.len() (and right.len() in stereo).
            unsafe {
                // Assembled in registers: four scalar stores read back as one vector would
                // defeat store forwarding.
                let g = gains(c, _mm256_set_pd(gr, g2, g1, g0));
                let l = _mm256_cvtps_pd(_mm_loadu_ps(left.as_ptr().add(k)));
                _mm_storeu_ps(
                    left.as_mut_ptr().add(k),
                    _mm256_cvtpd_ps(_mm256_mul_pd(l, g)),
                );
                if STEREO {
                    let rv = _mm256_cvtps_pd(_mm_loadu_ps(right.as_ptr().add(k)));
                    _mm_storeu_ps(
                        right.as_mut_ptr().add(k),
                        _mm256_cvtpd_ps(_mm256_mul_pd(rv, g)),
                    );
                }
            }
        }
        for k in whole..len {
            gr = Compressor::smooth::<MAX>(gr, ta[k], tr[k], a, r);
            let g = c.gain(gr);
            left[k] = (left[k] as f64 * g) as f32;
            if STEREO {
                right[k] = (right[k] as f64 * g) as f32;
            }
        }
        c.gr_db = gr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::test_util::{Rng, random_partition, sine};

    fn rms_db(x: &[f32]) -> f64 {
        let s: f64 = x.iter().map(|&v| v as f64 * v as f64).sum();
        10.0 * (s / x.len() as f64).log10()
    }

    fn peak_db(x: &[f32]) -> f64 {
        20.0 * (x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64).log10()
    }

    #[test]
    fn static_curve_formula_regions() {
        // Hard knee.
        assert_eq!(static_gain_reduction_db(-30.0, -20.0, 0.0, 0.75), 0.0);
        assert_eq!(static_gain_reduction_db(-10.0, -20.0, 0.0, 0.75), 7.5);
        // Soft knee: zero at the knee start, continuous at both knee edges, half-slope midpoint.
        let (t, w, s) = (-20.0, 10.0, 0.5);
        assert_eq!(static_gain_reduction_db(-25.0, t, w, s), 0.0);
        let inside = static_gain_reduction_db(-15.0 - 1e-9, t, w, s);
        let above = static_gain_reduction_db(-15.0, t, w, s);
        assert!((inside - above).abs() < 1e-6 && (above - 2.5).abs() < 1e-12);
        assert!((static_gain_reduction_db(-20.0, t, w, s) - s * 25.0 / 20.0).abs() < 1e-12);
    }

    /// Settled sines across thresholds, ratios and knees: the output level follows the textbook
    /// static curve within 0.1 dB, for both detectors.
    ///
    /// Peak detector: attack 0.5 ms, release 2 s, so the gain reduction holds the value of the
    /// sine's peaks (it droops by GR·T/τ ≈ 0.01% between peaks) and the output peak is compared
    /// with input peak − GR(peak level). RMS detector: attack 5 ms, release 500 ms on a 1 kHz sine
    /// whose 10 ms window holds whole periods; output RMS vs input RMS − GR(RMS level).
    #[test]
    fn static_curve_of_settled_sines_matches_formula() {
        let fs = 48_000.0;
        let mut worst: f64 = 0.0;
        for detector in [Detector::Peak, Detector::Rms] {
            for (threshold, ratio, knee) in [
                (-20.0f32, 4.0f32, 0.0f32),
                (-20.0, 4.0, 12.0),
                (-30.0, 2.0, 6.0),
                (-10.0, 10.0, 20.0),
                (-40.0, 100.0, 3.0),
            ] {
                let params = CompressorParams {
                    enabled: true,
                    threshold_db: threshold,
                    ratio,
                    knee_db: knee,
                    makeup_db: 3.0,
                    attack_ms: if detector == Detector::Peak { 0.5 } else { 5.0 },
                    release_ms: if detector == Detector::Peak {
                        2000.0
                    } else {
                        500.0
                    },
                    detector,
                };
                let mut level = threshold as f64 - 15.0;
                while level <= (threshold as f64 + 15.0).min(0.0) {
                    // `level` is the detector's level: peak for Peak, RMS for Rms.
                    let amp = if detector == Detector::Peak {
                        10f64.powf(level / 20.0)
                    } else {
                        10f64.powf(level / 20.0) * 2f64.sqrt()
                    };
                    let mut l = sine(24_000, 1000.0, fs, amp, 0.3);
                    let mut r = sine(24_000, 1000.0, fs, amp, 0.3);
                    let input = l.clone();
                    let mut c = Compressor::new(fs, &params);
                    c.process_stereo(&mut l, &mut r);
                    let tail = 19_200..24_000;
                    let measured = if detector == Detector::Peak {
                        peak_db(&l[tail.clone()]) - peak_db(&input[tail])
                    } else {
                        rms_db(&l[tail.clone()]) - rms_db(&input[tail])
                    };
                    let s = 1.0 - 1.0 / ratio as f64;
                    let expected =
                        3.0 - static_gain_reduction_db(level, threshold as f64, knee as f64, s);
                    let err = (measured - expected).abs();
                    worst = worst.max(err);
                    assert!(
                        err < 0.1,
                        "{detector:?} T{threshold} R{ratio} K{knee} level {level}: {measured} vs {expected}"
                    );
                    level += 2.5;
                }
            }
        }
        eprintln!("compressor static curve: worst error {worst:.4} dB");
    }

    /// Time for the gain reduction to cover 63.2% of a step, measured from the output/input
    /// ratio of a constant-level signal (peak detector, hard knee), at 44.1 and 96 kHz.
    #[test]
    fn attack_and_release_time_constants() {
        for fs in [44_100.0, 96_000.0] {
            for (attack_ms, release_ms) in [(1.0f32, 50.0f32), (10.0, 120.0), (30.0, 1000.0)] {
                let params = CompressorParams {
                    enabled: true,
                    threshold_db: -20.0,
                    ratio: 4.0,
                    knee_db: 0.0,
                    makeup_db: 0.0,
                    attack_ms,
                    release_ms,
                    detector: Detector::Peak,
                };
                let mut c = Compressor::new(fs, &params);
                let quiet = 10f32.powf(-40.0 / 20.0);
                let loud = 1.0f32; // 0 dBFS: 20 dB over → 15 dB of reduction
                let settle = (fs * 6.0 * (release_ms.max(attack_ms) as f64) * 1e-3) as usize;
                let n = 2 * settle;
                let mut x: Vec<f32> = (0..n)
                    .map(|i| if i < settle { loud } else { quiet })
                    .collect();
                let mut pre = vec![quiet; 4800];
                c.process_mono(&mut pre);
                let input = x.clone();
                c.process_mono(&mut x);
                let gr: Vec<f64> = x
                    .iter()
                    .zip(&input)
                    .map(|(y, i)| -20.0 * (*y as f64 / *i as f64).log10())
                    .collect();
                let full = gr[settle - 1];
                assert!((full - 15.0).abs() < 1e-3, "settled GR {full}");
                let t_attack = gr.iter().position(|&g| g >= 0.632 * 15.0).unwrap() as f64 + 1.0;
                let t_release = gr[settle..]
                    .iter()
                    .position(|&g| g <= (1.0 - 0.632) * 15.0)
                    .unwrap() as f64
                    + 1.0;
                let ta = t_attack / fs * 1e3;
                let tr = t_release / fs * 1e3;
                eprintln!(
                    "fs {fs}: attack {attack_ms} ms → {ta:.3} ms, release {release_ms} ms → {tr:.3} ms"
                );
                assert!(
                    (ta / attack_ms as f64 - 1.0).abs() < 0.1,
                    "attack {ta} vs {attack_ms}"
                );
                assert!(
                    (tr / release_ms as f64 - 1.0).abs() < 0.1,
                    "release {tr} vs {release_ms}"
                );
                assert!((c.gain_reduction_db() as f64 - gr[n - 1]).abs() < 1e-3);
            }
        }
    }

    #[test]
    fn threshold_and_makeup_moves_glide_without_clicks() {
        let fs = 48_000.0;
        let mut p = CompressorParams {
            enabled: true,
            threshold_db: 0.0,
            ratio: 8.0,
            knee_db: 0.0,
            makeup_db: 0.0,
            attack_ms: 0.05,
            release_ms: 5.0,
            detector: Detector::Peak,
        };
        let mut c = Compressor::new(fs, &p);
        let level = 10f32.powf(-10.0 / 20.0);
        let mut x = vec![level; 9600];
        c.process_mono(&mut x[..2000]);
        // Threshold −40 dB: the target reduction jumps by 26.25 dB and makeup by +12 dB, but both
        // arrive over the 20 ms glide (960 samples), never faster.
        p.threshold_db = -40.0;
        p.makeup_db = 12.0;
        c.set_params(&p);
        c.process_mono(&mut x[2000..]);
        let total = 26.25 + 12.0;
        let max_step_db = total / 960.0 * 1.01;
        for w in x.windows(2) {
            let step = 20.0 * (w[1] as f64 / w[0] as f64).log10();
            assert!(step.abs() <= max_step_db, "step {step} dB");
        }
        let final_db = 20.0 * (x[9599] as f64 / level as f64).log10();
        assert!((final_db - (12.0 - 26.25)).abs() < 1e-3, "{final_db}");
    }

    #[test]
    fn below_threshold_is_makeup_only_and_disabled_is_exact_bypass() {
        let fs = 48_000.0;
        let p = CompressorParams {
            threshold_db: -10.0,
            knee_db: 6.0,
            makeup_db: -6.020_6,
            ..Default::default()
        };
        let mut c = Compressor::new(fs, &p);
        let x = sine(4800, 440.0, fs, 0.25, 0.0);
        // −18 dB peak: below the knee start at −13 dB, so only the makeup (×0.5) applies.
        let mut y = x.iter().map(|v| v * 0.5).collect::<Vec<_>>();
        let y_in = y.clone();
        c.process_mono(&mut y);
        for (a, b) in y.iter().zip(&y_in) {
            assert!((a - b * 0.5).abs() < 1e-6);
        }
        assert_eq!(c.gain_reduction_db(), 0.0);
        let mut off = c.params().to_owned();
        off.enabled = false;
        c.set_params(&off);
        let mut z = x.clone();
        c.process_mono(&mut z); // makeup glides back to 0 dB
        assert!(c.is_bypassed());
        let mut w = x.clone();
        c.process_mono(&mut w);
        assert_eq!(w, x, "disabled and settled: bit-exact bypass");
    }

    #[test]
    fn wild_parameters_stay_finite() {
        let fs = 44_100.0;
        let mut rng = Rng::new(3);
        let mut c = Compressor::new(fs, &CompressorParams::default());
        let wild = [f32::NAN, f32::INFINITY, -f32::INFINITY, 0.0, -1e9, 1e9];
        for round in 0..300 {
            let pick = |rng: &mut Rng| wild[rng.below(wild.len() as u32) as usize];
            let p = CompressorParams {
                enabled: rng.below(5) != 0,
                threshold_db: if rng.below(3) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(-100.0, 10.0) as f32
                },
                ratio: if rng.below(3) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(0.0, 200.0) as f32
                },
                attack_ms: if rng.below(3) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(0.0, 100.0) as f32
                },
                release_ms: if rng.below(3) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(0.0, 2000.0) as f32
                },
                knee_db: if rng.below(3) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(-5.0, 50.0) as f32
                },
                makeup_db: if rng.below(3) == 0 {
                    pick(&mut rng)
                } else {
                    rng.uniform(-40.0, 40.0) as f32
                },
                detector: if rng.below(2) == 0 {
                    Detector::Peak
                } else {
                    Detector::Rms
                },
            };
            c.set_params(&p);
            let mut l: Vec<f32> = (0..128).map(|_| rng.uniform(-4.0, 4.0) as f32).collect();
            let mut r: Vec<f32> = (0..128).map(|_| rng.uniform(-4.0, 4.0) as f32).collect();
            c.process_stereo(&mut l, &mut r);
            for v in l.iter().chain(&r) {
                assert!(v.is_finite() && v.abs() < 4.0 * 64.0, "round {round}: {v}");
            }
            assert!(c.gain_reduction_db().is_finite() && c.gain_reduction_db() >= 0.0);
        }
    }

    #[test]
    fn block_partition_invariance() {
        let fs = 48_000.0;
        let n = 20_000;
        let mut rng = Rng::new(11);
        let env: Vec<f64> = (0..n)
            .map(|i| if (i / 3000) % 2 == 0 { 1.0 } else { 0.05 })
            .collect();
        let il: Vec<f32> = (0..n)
            .map(|i| (env[i] * rng.uniform(-1.0, 1.0)) as f32)
            .collect();
        let ir: Vec<f32> = (0..n)
            .map(|i| (env[i] * rng.uniform(-1.0, 1.0)) as f32)
            .collect();
        let base = CompressorParams {
            threshold_db: -24.0,
            ratio: 6.0,
            attack_ms: 2.0,
            release_ms: 80.0,
            knee_db: 8.0,
            makeup_db: 4.0,
            ..Default::default()
        };
        let mut changes = Vec::new();
        let mut p = base;
        for (k, pos) in [1500usize, 4444, 9000, 9001, 15_000]
            .into_iter()
            .enumerate()
        {
            p.threshold_db -= 5.0;
            p.ratio += 1.0;
            p.detector = if k % 2 == 0 {
                Detector::Rms
            } else {
                Detector::Peak
            };
            p.enabled = k != 3;
            p.attack_ms *= 1.5;
            changes.push((pos, p));
        }
        let cuts: Vec<usize> = changes.iter().map(|c| c.0).collect();
        let render = |parts: &[usize], mono: bool| {
            let mut c = Compressor::new(fs, &base);
            let (mut l, mut r) = (il.clone(), ir.clone());
            let mut pos = 0;
            for &len in parts {
                for (cp, pp) in &changes {
                    if *cp == pos {
                        c.set_params(pp);
                    }
                }
                if mono {
                    c.process_mono(&mut l[pos..pos + len]);
                } else {
                    c.process_stereo(&mut l[pos..pos + len], &mut r[pos..pos + len]);
                }
                pos += len;
            }
            (l, r)
        };
        for mono in [false, true] {
            let reference = render(&random_partition(&mut Rng::new(5), n, &cuts, 1), mono);
            for seed in 6..9 {
                let parts = random_partition(&mut Rng::new(seed), n, &cuts, 1000);
                assert_eq!(render(&parts, mono), reference);
            }
        }
    }

    /// The AVX2 kernel gives the same bits as the portable path, for both detectors, both
    /// smoother forms (attack faster or slower than release), mono and stereo, and block sizes
    /// that leave partial vectors.
    #[test]
    fn avx2_kernel_is_bit_identical_to_the_portable_path() {
        if !avx2_available() {
            println!("skipped: this CPU has no AVX2, only the portable path runs");
            return;
        }
        let n = 12_000;
        let mut rng = Rng::new(23);
        let il: Vec<f32> = (0..n)
            .map(|i| (rng.uniform(-1.0, 1.0) * (0.02 + (i as f64 * 0.003).sin().abs())) as f32)
            .collect();
        let ir: Vec<f32> = (0..n).map(|i| il[(i * 7) % n] * 0.8).collect();
        let mut checked = 0;
        for detector in [Detector::Peak, Detector::Rms] {
            for (attack_ms, release_ms) in [(1.0, 120.0), (300.0, 5.0)] {
                let params = CompressorParams {
                    threshold_db: -30.0,
                    ratio: 5.0,
                    attack_ms,
                    release_ms,
                    knee_db: 6.0,
                    makeup_db: 3.0,
                    detector,
                    ..Default::default()
                };
                for mono in [false, true] {
                    let render = |c: &mut Compressor| {
                        let (mut l, mut r) = (il.clone(), ir.clone());
                        let (mut pos, mut most) = (0, 0.0f32);
                        for len in [1usize, 63, 64, 5, 127, 3, 1000].iter().cycle() {
                            let end = (pos + len).min(n);
                            if mono {
                                c.process_mono(&mut l[pos..end]);
                            } else {
                                c.process_stereo(&mut l[pos..end], &mut r[pos..end]);
                            }
                            pos = end;
                            most = most.max(c.gain_reduction_db());
                            if pos == n {
                                break;
                            }
                        }
                        (l, r, most)
                    };
                    let fast = render(&mut Compressor::new(48_000.0, &params));
                    let portable = render(&mut Compressor::new(48_000.0, &params).without_avx2());
                    assert_eq!(
                        fast, portable,
                        "{detector:?} {attack_ms}/{release_ms} mono {mono}"
                    );
                    assert!(
                        fast.2 > 2.0,
                        "the test signal must be compressed: {} dB",
                        fast.2
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8);
    }
}
