//! Feed-forward, stereo-linked compressor with a soft knee (Giannoulis, Massberg & Reiss 2012).
//!
//! Signal flow per sample: the detector gives one level for both channels (peak: the larger
//! |L|, |R|; RMS: the mean of L² and R² over a 10 ms window), the static curve turns it into a
//! target gain reduction in dB, a branching one-pole smoother (attack when the reduction grows,
//! release when it shrinks) gives the applied reduction, and makeup gain is added. Both channels
//! get the same gain so the stereo image does not move.
//!
//! No parameter change steps the output: threshold, ratio (as 1 − 1/ratio), knee and makeup
//! glide linearly over 20 ms, and so do the smoother's attack and release coefficients (the
//! envelope bends, it never restarts); on/off crossfades the processed with the dry signal
//! over 20 ms (gain reduction and makeup in dB scaled 0 ↔ 1), and a detector change crossfades
//! the old detector's smoothed reduction into the new one's over 20 ms (after first filling
//! the RMS window when switching to RMS). While anything glides the compressor runs sample by
//! sample. Settled, it works in
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

#[path = "compressor_params.rs"]
mod params;
use params::Glide;
pub use params::{CompressorParams, Detector};

#[path = "compressor_detector.rs"]
mod detector;
use detector::{DetectorSwitch, RmsWindow, peak};

#[path = "compressor_curve.rs"]
mod curve;
pub use curve::{static_gain_reduction_db, static_output_db};

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
    /// The smoother's coefficients exp(−1/(τ·fs)), glided so a time-constant change bends
    /// the envelope instead of restarting it.
    attack: Glide,
    release: Glide,
    /// How much of the compressed signal is heard, 0 … 1: on/off is an equal-gain crossfade
    /// between the unprocessed and the processed signal (gain reduction and makeup in dB
    /// scaled by it), gliding over 20 ms.
    wet: Glide,
    /// A detector change crossfades (in dB of gain reduction, 0 → 1 over 20 ms) from the old
    /// detector's smoothed reduction `gr_old` to the new one's; see [`DetectorSwitch`].
    switch: DetectorSwitch,
    /// Whether any glide or switch is moving (derived values are then recomputed per sample).
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
    rms: RmsWindow,
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
            attack: Glide::new(0.0),
            release: Glide::new(0.0),
            wet: Glide::new(if p.enabled { 1.0 } else { 0.0 }),
            switch: DetectorSwitch::idle(),
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
            rms: RmsWindow::new(rms_len),
            pos: 0,
        };
        c.set_params(&p);
        c.finish_glides();
        c
    }

    /// Changes the settings. Everything glides over 20 ms: threshold, ratio, knee and makeup
    /// linearly in dB, the attack and release coefficients linearly, on/off as a crossfade with
    /// the dry signal and a detector change as a crossfade from the old detector's reduction.
    pub fn set_params(&mut self, params: &CompressorParams) {
        let p = params.clamped();
        let len = self.glide_len;
        let silent = !self.params.enabled && self.wet.value == 0.0;
        if p.detector != self.params.detector {
            if silent {
                // Nothing is heard: the new detector simply starts afresh.
                self.rms.clear();
            } else {
                self.start_switch(p.detector);
            }
        }
        self.params = p;
        let attack = (-1.0 / (p.attack_ms as f64 * 1e-3 * self.fs)).exp();
        let release = (-1.0 / (p.release_ms as f64 * 1e-3 * self.fs)).exp();
        for (g, v) in [
            (&mut self.threshold, p.threshold_db as f64),
            (&mut self.slope, 1.0 - 1.0 / p.ratio as f64),
            (&mut self.knee, p.knee_db as f64),
            (&mut self.makeup, p.makeup_db as f64),
            (&mut self.attack, attack),
            (&mut self.release, release),
        ] {
            g.set(v, len);
            if silent {
                // Off and faded out: settings take effect at once (an enable glides in).
                g.jump();
            }
        }
        self.wet.set(if p.enabled { 1.0 } else { 0.0 }, len);
        self.moving = true;
    }

    /// The current (clamped) settings.
    pub fn params(&self) -> &CompressorParams {
        &self.params
    }

    /// Current gain reduction heard, in dB (≥ 0; makeup not included).
    pub fn gain_reduction_db(&self) -> f32 {
        (self.wet.value * self.switch.blend(self.gr_db)) as f32
    }

    /// Whether the compressor currently leaves the audio untouched (off and faded out).
    pub fn is_bypassed(&self) -> bool {
        // All glides must have landed too: skipping a block must not skip state changes.
        !self.params.enabled && self.wet.value == 0.0 && !self.moving
    }

    /// Clears the detector and gain reduction and finishes glides.
    pub fn reset(&mut self) {
        self.clear_state();
        self.finish_glides();
    }

    fn clear_state(&mut self) {
        self.rms.clear();
        self.gr_db = 0.0;
        self.switch = DetectorSwitch::idle();
    }

    /// Every gliding setting.
    fn glides(&mut self) -> [&mut Glide; 7] {
        [
            &mut self.threshold,
            &mut self.slope,
            &mut self.knee,
            &mut self.makeup,
            &mut self.attack,
            &mut self.release,
            &mut self.wet,
        ]
    }

    fn finish_glides(&mut self) {
        for g in self.glides() {
            g.jump();
        }
        self.switch.left = 0;
        self.switch.wait = 0;
        self.update_derived();
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
        self.attack_coef = self.attack.value;
        self.release_coef = self.release.value;
        self.attack_in = 1.0 - self.attack_coef;
        self.release_in = 1.0 - self.release_coef;
        self.moving = [
            &self.threshold,
            &self.slope,
            &self.knee,
            &self.makeup,
            &self.attack,
            &self.release,
            &self.wet,
        ]
        .iter()
        .any(|g| g.left > 0)
            || self.switch.active();
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
            self.rms.push::<STEREO>(l, r)
        } else {
            peak::<STEREO>(l, r)
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

    /// One step of the smoother from `gr` towards `target` with the current coefficients.
    #[inline(always)]
    fn smooth_step(&self, gr: f64, target: f64) -> f64 {
        let (a, r) = (self.attack_coef, self.release_coef);
        let (ta, tr) = (self.attack_in * target, self.release_in * target);
        if a <= r {
            Self::smooth::<true>(gr, ta, tr, a, r)
        } else {
            Self::smooth::<false>(gr, ta, tr, a, r)
        }
    }

    /// The per-sample path: advances the glides and crossfades and processes one frame.
    fn step<const STEREO: bool>(&mut self, l: f32, r: f32) -> (f32, f32) {
        if self.moving {
            for g in self.glides() {
                g.advance();
            }
            self.switch.advance();
            self.update_derived();
        }
        let (l, r) = (l as f64, r as f64);
        let det = self.params.detector;
        if self.switch.active() {
            // Both detectors run; the RMS window is fed once for either.
            let old = self.switch.old;
            let p = peak::<STEREO>(l, r);
            let ms = self.rms.push::<STEREO>(l, r);
            let of = |d: Detector| if d == Detector::Rms { ms } else { p };
            let t_old = self.target(of(old), old == Detector::Rms);
            self.switch.gr_old = self.smooth_step(self.switch.gr_old, t_old);
            self.gr_db = if self.switch.wait > 0 {
                // The new window is still filling: the new path starts from the old one.
                self.switch.gr_old
            } else {
                let t = self.target(of(det), det == Detector::Rms);
                self.smooth_step(self.gr_db, t)
            };
        } else {
            let level = self.level::<STEREO>(l, r);
            let t = self.target(level, det == Detector::Rms);
            self.gr_db = self.smooth_step(self.gr_db, t);
        }
        let gr = self.switch.blend(self.gr_db);
        let w = self.wet.value;
        let g = if w == 1.0 {
            self.gain(gr)
        } else {
            // On/off: the reduction and the makeup, in dB, scaled towards the dry signal.
            fast_db_to_gain(w * (self.makeup.value - gr))
        };
        if w == 0.0 && !self.params.enabled {
            // Faded out: forget the state, so the next enable starts afresh.
            self.clear_state();
        }
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
#[path = "compressor_avx2.rs"]
mod avx2;

#[cfg(test)]
#[path = "compressor_tests.rs"]
mod tests;
