//! Stereo algorithmic reverb: pre-delay, input diffusion and an 8-line feedback delay network.
//!
//! Signal flow: stereo pre-delay (0–250 ms) → four Schroeder all-passes per channel (echo
//! density) → FDN of 8 delay lines (left feeds the even lines, right the odd ones) mixed by an
//! orthogonal 8×8 Hadamard matrix, each line with a one-pole damping filter → two orthogonal
//! output taps → width matrix. 100% wet.
//!
//! Decay: line i of length dᵢ samples loses 60·dᵢ/(RT60·fs) dB per pass at 1 kHz, so every
//! line decays at the same rate per second and the lossless matrix keeps it so: the RT60 at
//! 1 kHz is the setting. The damping filter H(z) = g·(1 − p)/(1 − p·z⁻¹) is solved per line so
//! that |H| at 1 kHz is exactly that loss, and at Nyquist the decay time is shorter by a factor
//! 1 + 11·damping² (damping 1: 12× shorter). Low frequencies then decay more slowly than
//! 1 kHz; that is capped at twice the RT60 (the pole is reduced when needed), which also keeps
//! every loop gain below 1, so the network is stable for any setting.
//!
//! Size scales all delay lengths (0.25× … 1×); a size or pre-delay change crossfades each
//! line from its old tap to its new one over 20 ms (no click and no pitch bend), and decay
//! and damping glide over 20 ms. Coefficients are recomputed on a 16-sample grid of the
//! reverb's own sample counter (following the lines' effective lengths and the gliding
//! settings), so the output does not depend on block sizes. After the input has been silent and the tail has fallen below −200 dBFS, the state is
//! cleared (to what reads as exact zeros) and processing stops until sound arrives: silence costs nothing and
//! never produces subnormal numbers.

use std::f64::consts::PI;

/// Number of FDN delay lines.
const LINES: usize = 8;
/// Line lengths in ms at size 1 (mutually prime after rounding to samples).
const BASE_MS: [f64; LINES] = [37.1, 41.3, 47.9, 53.6, 61.7, 68.3, 77.9, 89.3];
/// Size 0 scales the lines to this fraction.
const MIN_SCALE: f64 = 0.25;
/// All-pass delays in ms, left and right (slightly different for decorrelation).
const DIFFUSER_MS: [[f64; 4]; 2] = [[4.77, 3.59, 2.73, 1.73], [4.91, 3.41, 2.63, 1.87]];
/// All-pass coefficient.
const DIFFUSION: f64 = 0.6;
/// Longest pre-delay in ms.
const MAX_PRE_DELAY_MS: f64 = 250.0;
/// Crossfade time of delay-length changes and glide time of decay, damping and width (the
/// engine's gain-ramp length).
const FADE_MS: f64 = 20.0;
/// Coefficient update grid.
const TICK: u64 = 16;
/// Tail level below which the reverb may fall idle (−200 dBFS).
const SILENCE: f64 = 1e-10;

/// Reverb settings. On use they are limited (NaN → default) to what the network is built for:
/// the pre-delay line holds 250 ms, decays from 0.1 to 20 s are verified to stay stable and
/// decay, the other settings are fractions. These are the processor's limits; the project's
/// user ranges lie within them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReverbParams {
    /// Delay before the reverb starts, ms (0 … 250).
    pub pre_delay_ms: f32,
    /// Decay time RT60 at 1 kHz, seconds (0.1 … 20; the intended range is 0.3 … 8).
    pub decay_s: f32,
    /// High-frequency damping, 0 (bright) … 1 (dark).
    pub damping: f32,
    /// Room size, 0 (small) … 1 (large): scales the delay lengths.
    pub size: f32,
    /// Stereo width, 0 (mono) … 1 (full).
    pub width: f32,
}

impl Default for ReverbParams {
    fn default() -> Self {
        ReverbParams {
            pre_delay_ms: 20.0,
            decay_s: 1.8,
            damping: 0.4,
            size: 0.6,
            width: 1.0,
        }
    }
}

impl ReverbParams {
    /// The settings limited to the processor's bounds (NaN → default).
    pub fn clamped(&self) -> ReverbParams {
        let d = ReverbParams::default();
        let f = |v: f32, d: f32, lo: f32, hi: f32| if v.is_finite() { v.clamp(lo, hi) } else { d };
        ReverbParams {
            pre_delay_ms: f(
                self.pre_delay_ms,
                d.pre_delay_ms,
                0.0,
                MAX_PRE_DELAY_MS as f32,
            ),
            decay_s: f(self.decay_s, d.decay_s, 0.1, 20.0),
            damping: f(self.damping, d.damping, 0.0, 1.0),
            size: f(self.size, d.size, 0.0, 1.0),
            width: f(self.width, d.width, 0.0, 1.0),
        }
    }
}

#[path = "reverb_lines.rs"]
mod lines;
use lines::{Allpass, Line};

/// Per-line loop filter coefficients: y = b·x + p·y (DC gain b/(1 − p)).
#[derive(Clone, Copy, Debug, Default)]
struct Damping {
    b: f64,
    p: f64,
}

/// Designs the damping filter of a line of `delay` samples for RT60 `t60` s at 1 kHz.
fn design_damping(delay: f64, t60: f64, damping: f64, fs: f64) -> Damping {
    let w1 = 2.0 * PI * 1000.0 / fs;
    let c = w1.cos();
    // Loss per pass at 1 kHz: −60 dB per t60 seconds.
    let g1k = 10f64.powf(-3.0 * delay / (t60 * fs));
    // Wanted |H(Nyquist)| / |H(1 kHz)|: the decay time at Nyquist is t60 / (1 + 11·damping²).
    let ratio_t = 1.0 + 11.0 * damping * damping;
    let r = g1k.powf(ratio_t - 1.0);
    let mut p = if r >= 1.0 - 1e-12 {
        0.0
    } else {
        // r²(1 + p)² = |1 − p·e^{−jω1}|² = 1 − 2pc + p², the root inside the unit circle.
        let a = r * r - 1.0;
        let b = 2.0 * (r * r + c);
        ((-b + (b * b - 4.0 * a * a).max(0.0).sqrt()) / (2.0 * a)).clamp(0.0, 0.999)
    };
    let k_of = |p: f64| (1.0 - 2.0 * p * c + p * p).sqrt() / (1.0 - p);
    // Cap the low-frequency decay time at 2·t60: |H(0)| = g1k·k(p) ≤ g1k^(1/2).
    let k_max = g1k.powf(-0.5);
    if k_of(p) > k_max {
        let m = (k_max * k_max - 1.0) / (2.0 * (1.0 - c));
        p = ((2.0 * m + 1.0) - (4.0 * m + 1.0).sqrt()) / (2.0 * m);
    }
    let g_dc = g1k * k_of(p);
    Damping {
        b: g_dc * (1.0 - p),
        p,
    }
}

/// Rounds `x` to a prime not already in `used` (searching outwards), for distinct line lengths.
fn nearby_prime(x: f64, used: &[usize]) -> usize {
    let is_prime = |n: usize| {
        if n < 2 {
            return false;
        }
        let mut d = 2;
        while d * d <= n {
            if n.is_multiple_of(d) {
                return false;
            }
            d += 1;
        }
        true
    };
    let base = x.round().max(2.0) as usize;
    for off in 0..base {
        for n in [base + off, base.saturating_sub(off)] {
            if is_prime(n) && !used.contains(&n) {
                return n;
            }
        }
    }
    base
}

/// The stereo FDN reverb (see the module docs).
pub struct Reverb {
    fs: f64,
    params: ReverbParams,
    dirty: bool,
    lines: [Line; LINES],
    damping: [Damping; LINES],
    lp: [f64; LINES],
    diffusers: [[Allpass; 4]; 2],
    pre: [Line; 2],
    width: f64,
    width_target: f64,
    width_step: f64,
    width_left: u32,
    /// Decay (s) and damping as they glide: value, step, samples left.
    decay: (f64, f64, u32),
    damp: (f64, f64, u32),
    fade_len: u32,
    pos: u64,
    /// Consecutive silent input frames with the tail below `SILENCE`.
    quiet: u64,
    idle: bool,
}

impl Reverb {
    /// A reverb at `sample_rate` with `params` (settled, silent).
    pub fn new(sample_rate: f64, params: &ReverbParams) -> Self {
        let p = params.clamped();
        let max_line = (BASE_MS[LINES - 1] * 1e-3 * sample_rate * 1.05).ceil() as usize + 4;
        let pre_cap = (MAX_PRE_DELAY_MS * 1e-3 * sample_rate).ceil() as usize + 4;
        let ap = |c: usize, k: usize| {
            Allpass::new((DIFFUSER_MS[c][k] * 1e-3 * sample_rate).round() as usize)
        };
        let fade_len = ((FADE_MS * 1e-3 * sample_rate).round() as u32).max(1);
        let mut r = Reverb {
            fs: sample_rate,
            params: p,
            dirty: false,
            lines: std::array::from_fn(|_| Line::new(max_line, 1, fade_len)),
            damping: [Damping::default(); LINES],
            lp: [0.0; LINES],
            diffusers: std::array::from_fn(|c| std::array::from_fn(|k| ap(c, k))),
            pre: std::array::from_fn(|_| Line::new(pre_cap, 1, fade_len)),
            width: p.width as f64,
            width_target: p.width as f64,
            width_step: 0.0,
            width_left: 0,
            decay: (p.decay_s as f64, 0.0, 0),
            damp: (p.damping as f64, 0.0, 0),
            fade_len,
            pos: 0,
            quiet: 0,
            idle: true,
        };
        r.apply_targets();
        r.settle();
        r
    }

    /// Ends every crossfade and glide at its target (nothing is sounding).
    fn settle(&mut self) {
        for l in self.lines.iter_mut().chain(self.pre.iter_mut()) {
            l.jump();
        }
        self.width = self.width_target;
        self.width_left = 0;
        self.decay = (self.params.decay_s as f64, 0.0, 0);
        self.damp = (self.params.damping as f64, 0.0, 0);
        self.update_coefficients();
    }

    /// Changes the settings (from the next 16-sample tick): size and pre-delay crossfade each
    /// line to its new length, decay, damping and width glide, all over 20 ms.
    pub fn set_params(&mut self, params: &ReverbParams) {
        self.params = params.clamped();
        self.dirty = true;
        if self.idle {
            // Nothing is sounding: no glide needed.
            self.apply_targets();
            self.dirty = false;
            self.settle();
        }
    }

    /// The current (clamped) settings.
    pub fn params(&self) -> &ReverbParams {
        &self.params
    }

    /// Whether the reverb is idle (silent input, tail finished, state cleared).
    pub fn is_idle(&self) -> bool {
        self.idle
    }

    /// Clears all state (the tail stops at once).
    pub fn reset(&mut self) {
        self.clear_state();
        self.idle = true;
        self.quiet = 0;
    }

    /// Processes a stereo block in place: the input (the sum of the sends) is replaced by the
    /// wet reverb output.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut i = 0;
        while i < n {
            if self.idle {
                // Skip silence; wake up at the first non-zero input frame.
                let start = i;
                while i < n && left[i] == 0.0 && right[i] == 0.0 {
                    i += 1;
                }
                left[start..i].fill(0.0);
                right[start..i].fill(0.0);
                self.pos += (i - start) as u64;
                if i == n {
                    break;
                }
                self.idle = false;
                self.quiet = 0;
            }
            if self.pos.is_multiple_of(TICK) && (self.dirty || self.moving()) {
                self.update_coefficients();
            }
            let (l, r) = self.tick(left[i] as f64, right[i] as f64);
            left[i] = l as f32;
            right[i] = r as f32;
            self.pos += 1;
            i += 1;
        }
    }

    fn moving(&self) -> bool {
        self.decay.2 > 0
            || self.damp.2 > 0
            || self.lines.iter().chain(&self.pre).any(|l| l.moving())
    }

    /// Sets the glide targets of delays and width from the parameters.
    fn apply_targets(&mut self) {
        let p = self.params;
        let scale = MIN_SCALE + (1.0 - MIN_SCALE) * p.size as f64;
        let mut used = [0usize; LINES];
        for i in 0..LINES {
            let d = nearby_prime(BASE_MS[i] * scale * 1e-3 * self.fs, &used[..i]);
            used[i] = d;
            self.lines[i].set_delay(d);
        }
        // +1: the pre-delay line is read after the write (distance 1 = no delay).
        let pre = (p.pre_delay_ms as f64 * 1e-3 * self.fs).round().max(0.0) as usize + 1;
        for l in &mut self.pre {
            l.set_delay(pre);
        }
        // Decay and damping glide in steps of one coefficient tick.
        let ticks = (self.fade_len as u64).div_ceil(TICK).max(1) as u32;
        for (g, t) in [(&mut self.decay, p.decay_s), (&mut self.damp, p.damping)] {
            let t = t as f64;
            if g.2 > 0 || g.0 != t {
                *g = (g.0, (t - g.0) / ticks as f64, ticks);
            }
        }
        let w = p.width as f64;
        if w != self.width_target {
            self.width_target = w;
            self.width_left = self.fade_len;
            self.width_step = (w - self.width) / self.width_left as f64;
        }
    }

    fn update_coefficients(&mut self) {
        if self.dirty {
            self.dirty = false;
            self.apply_targets();
        }
        let p = self.params;
        for (g, t) in [(&mut self.decay, p.decay_s), (&mut self.damp, p.damping)] {
            if g.2 > 0 {
                g.2 -= 1;
                g.0 = if g.2 == 0 { t as f64 } else { g.0 + g.1 };
            }
        }
        for i in 0..LINES {
            // The loss follows the current (crossfading) length so the decay rate stays right.
            self.damping[i] =
                design_damping(self.lines[i].length(), self.decay.0, self.damp.0, self.fs);
        }
    }

    fn clear_state(&mut self) {
        for l in self.lines.iter_mut().chain(self.pre.iter_mut()) {
            l.clear();
        }
        for d in self.diffusers.iter_mut().flatten() {
            d.clear();
        }
        self.lp = [0.0; LINES];
    }

    /// Tail length in samples after which a silent input leaves nothing in the network.
    fn tail_len(&self) -> u64 {
        let lines = self.lines.iter().map(|l| l.longest()).max().unwrap_or(0);
        let pre = self.pre[0].longest();
        let diff: usize = self
            .diffusers
            .iter()
            .map(|c| c.iter().map(|a| a.buf.len()).sum::<usize>())
            .max()
            .unwrap_or(0);
        (lines + pre) as u64 + diff as u64 + 2
    }

    #[inline(always)]
    fn tick(&mut self, in_l: f64, in_r: f64) -> (f64, f64) {
        // Pre-delay (written first: a distance of 1 is the sample just written).
        self.pre[0].write(in_l);
        self.pre[1].write(in_r);
        let pl = self.pre[0].read();
        let pr = self.pre[1].read();
        // Diffusion.
        let mut dl = pl;
        let mut dr = pr;
        for k in 0..4 {
            dl = self.diffusers[0][k].tick(dl);
            dr = self.diffusers[1][k].tick(dr);
        }
        // Network: read, damp, mix, inject, write.
        let mut v = [0.0f64; LINES];
        let mut level = dl.abs().max(dr.abs());
        for i in 0..LINES {
            v[i] = self.lines[i].read();
            level = level.max(v[i].abs());
            self.lp[i] = self.damping[i].b * v[i] + self.damping[i].p * self.lp[i];
        }
        let mut u = self.lp;
        // Fast Walsh–Hadamard transform (orthogonal after the 1/√8 scale).
        let mut h = 1;
        while h < LINES {
            for i in (0..LINES).step_by(2 * h) {
                for j in i..i + h {
                    let (a, b) = (u[j], u[j + h]);
                    u[j] = a + b;
                    u[j + h] = a - b;
                }
            }
            h *= 2;
        }
        const NORM: f64 = 0.353_553_390_593_273_8; // 1/√8
        const IN_SIGN: [f64; LINES] = [1.0, 1.0, -1.0, -1.0, 1.0, -1.0, -1.0, 1.0];
        for i in 0..LINES {
            let inject = if i % 2 == 0 { dl } else { dr };
            self.lines[i].write(u[i] * NORM + IN_SIGN[i] * 0.5 * inject);
        }
        // Two orthogonal output taps, then width.
        const OUT_L: [f64; LINES] = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        const OUT_R: [f64; LINES] = [1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0];
        let mut ol = 0.0;
        let mut or = 0.0;
        for i in 0..LINES {
            ol += OUT_L[i] * v[i];
            or += OUT_R[i] * v[i];
        }
        ol *= NORM;
        or *= NORM;
        if self.width_left > 0 {
            self.width_left -= 1;
            self.width = if self.width_left == 0 {
                self.width_target
            } else {
                self.width + self.width_step
            };
        }
        let a = 0.5 * (1.0 + self.width);
        let b = 0.5 * (1.0 - self.width);
        let out = (a * ol + b * or, b * ol + a * or);
        // Idle detection: silent input and a tail below −200 dBFS for a whole tail length.
        if in_l == 0.0 && in_r == 0.0 && level < SILENCE {
            self.quiet += 1;
            if self.quiet >= self.tail_len() {
                self.clear_state();
                self.idle = true;
                // Settle any glide: nothing is sounding.
                if self.dirty {
                    self.dirty = false;
                    self.apply_targets();
                }
                self.settle();
                return (0.0, 0.0);
            }
        } else {
            self.quiet = 0;
        }
        out
    }
}

#[cfg(test)]
#[path = "reverb_tests.rs"]
mod tests;
