//! The channel EQ: high-pass, low shelf, two peaking bands, high shelf, low-pass.
//!
//! All active sections run as one cascade over both channels (f64 lanes). Settled, the cascade
//! is software-pipelined (see `cascade.rs`) so the CPU overlaps the sections' recursions
//! instead of waiting on one band at a time.
//!
//! Parameter moves are smoothed over 20 ms — frequency and Q on a log scale, gain in dB. While
//! a band moves its coefficients are redesigned once per 16-sample tick and glide linearly to
//! each new design within the tick (a coefficient staircase would click); once the band has
//! settled nothing is redesigned. Switching a band on or off (or HP/LP between 12 and 24
//! dB/oct) crossfades the affected sections against their input over 20 ms. A band that is off
//! (or a shelf/peak at exactly 0 dB, which is an exact identity) is skipped. Every update
//! happens at a boundary of the EQ's own sample counter, so the output does not depend on how
//! the audio is split into blocks. Parameters are clamped (10 Hz … 0.49·fs, Q 0.1 … 20,
//! ±24 dB, NaN → default), so no setting can make a section unstable.

use super::biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad, butterworth_q, magnitude_db};
use super::cascade;
use super::simd::F64x2;

/// Number of bands.
pub const EQ_BANDS: usize = 6;
/// Samples between coefficient updates while a band moves.
const TICK: u32 = 16;
/// Samples between flushes of tiny filter state to zero (a multiple of `TICK`).
const FLUSH_EVERY: u64 = 1024;
/// Duration of parameter glides and on/off crossfades.
const SMOOTH_MS: f64 = 20.0;
/// Lowest and highest Q.
const Q_RANGE: (f32, f32) = (0.1, 20.0);
/// Largest boost or cut.
const GAIN_LIMIT_DB: f32 = 24.0;
/// Lowest frequency; the highest is 0.49·fs.
const MIN_FREQ_HZ: f32 = 10.0;

/// What a band does; fixed by its position in [`EqParams::bands`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandKind {
    /// Removes content below the frequency.
    HighPass,
    /// Boosts or cuts below the frequency.
    LowShelf,
    /// Bell band.
    Peak,
    /// Boosts or cuts above the frequency.
    HighShelf,
    /// Removes content above the frequency.
    LowPass,
}

/// The kind of each band, in processing order.
pub const BAND_KINDS: [BandKind; EQ_BANDS] = [
    BandKind::HighPass,
    BandKind::LowShelf,
    BandKind::Peak,
    BandKind::Peak,
    BandKind::HighShelf,
    BandKind::LowPass,
];

/// Roll-off of the high- and low-pass bands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Slope {
    /// One second-order section with the band's Q.
    #[default]
    Db12,
    /// Fourth-order Butterworth (two sections, Q 0.541 and 1.307); the band's Q is ignored.
    Db24,
}

/// Settings of one band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandParams {
    /// Whether the band is in the signal path.
    pub enabled: bool,
    /// Corner/centre frequency in Hz (clamped to 10 Hz … 0.49·fs).
    pub freq_hz: f32,
    /// Boost/cut in dB for shelves and peaks (clamped to ±24 dB; ignored by HP/LP).
    pub gain_db: f32,
    /// Quality factor (clamped to 0.1 … 20; HP/LP use it only at 12 dB/oct).
    pub q: f32,
    /// Roll-off of HP/LP (ignored by the other bands).
    pub slope: Slope,
}

impl Default for BandParams {
    fn default() -> Self {
        BandParams {
            enabled: false,
            freq_hz: 1000.0,
            gain_db: 0.0,
            q: std::f32::consts::FRAC_1_SQRT_2,
            slope: Slope::Db12,
        }
    }
}

/// Settings of the whole EQ, bands in the order of [`BAND_KINDS`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EqParams {
    /// High-pass, low shelf, peak 1, peak 2, high shelf, low-pass.
    pub bands: [BandParams; EQ_BANDS],
}

/// Clamps a band's parameters into the range where every design is stable and finite.
fn clamp_band(b: &BandParams, fs: f64) -> BandParams {
    let def = BandParams::default();
    let fix = |v: f32, d: f32| if v.is_finite() { v } else { d };
    let max_freq = (0.49 * fs) as f32;
    BandParams {
        enabled: b.enabled,
        freq_hz: fix(b.freq_hz, def.freq_hz).clamp(MIN_FREQ_HZ, max_freq),
        gain_db: fix(b.gain_db, 0.0).clamp(-GAIN_LIMIT_DB, GAIN_LIMIT_DB),
        q: fix(b.q, def.q).clamp(Q_RANGE.0, Q_RANGE.1),
        slope: b.slope,
    }
}

/// A per-sample on/off crossfade whose value is an exact function of its integer position.
#[derive(Clone, Copy, Debug)]
struct Fade {
    pos: u32,
    len: u32,
    inv_len: f64,
    on: bool,
}

impl Fade {
    fn new(len: u32, on: bool) -> Self {
        Fade {
            pos: if on { len } else { 0 },
            len,
            inv_len: 1.0 / len as f64,
            on,
        }
    }
    fn value(&self) -> f64 {
        self.pos as f64 * self.inv_len
    }
    fn moving(&self) -> bool {
        if self.on {
            self.pos < self.len
        } else {
            self.pos > 0
        }
    }
    fn is_off(&self) -> bool {
        !self.on && self.pos == 0
    }
    fn advance(&mut self, n: u32) {
        if self.on {
            self.pos = self.pos.saturating_add(n).min(self.len);
        } else {
            self.pos = self.pos.saturating_sub(n);
        }
    }
}

/// Smoothed design values of one band: log2(freq), gain dB, log2(Q of the first section).
#[derive(Clone, Copy, Debug)]
struct Glide {
    cur: [f64; 3],
    target: [f64; 3],
    step: [f64; 3],
    ticks_left: u32,
}

/// The sections of band `b` in the flat section array: HP and LP own two, the others one.
const BAND_SECTIONS: [(usize, usize); EQ_BANDS] = [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 2)];
/// Total sections.
const SECTIONS: usize = 8;

/// Six-band channel EQ for one or two channels (see the module docs).
pub struct ChannelEq {
    fs: f64,
    params: EqParams,
    params_dirty: bool,
    glides: [Glide; EQ_BANDS],
    sections: [StereoBiquad; SECTIONS],
    /// The design each section is at or gliding to.
    designs: [Coeffs; SECTIONS],
    /// Whether a section's coefficients glide during the current tick.
    gliding: [bool; SECTIONS],
    identity: [bool; SECTIONS],
    fades: [Fade; SECTIONS],
    /// Sections processed in the current tick, in order.
    active: [u8; SECTIONS],
    active_len: usize,
    /// Whether any active section is crossfading or gliding (needs the per-section slow path).
    active_slow: bool,
    /// Samples processed since construction; ticks and flushes fall on multiples of `TICK`
    /// and `FLUSH_EVERY`.
    pos: u64,
    ticks_per_glide: u32,
    recomputes: u64,
    /// Whether the CPU runs the AVX cascade (bit-identical to the SSE2 one, about twice as fast).
    use_avx: bool,
}

impl ChannelEq {
    /// An EQ at `sample_rate` starting settled at `params` (no initial glide or fade).
    pub fn new(sample_rate: f64, params: &EqParams) -> Self {
        let fade_len = ((sample_rate * SMOOTH_MS * 1e-3).round() as u32).max(1);
        let ticks_per_glide = fade_len.div_ceil(TICK).max(1);
        let mut eq = ChannelEq {
            fs: sample_rate,
            params: *params,
            params_dirty: false,
            glides: [Glide {
                cur: [0.0; 3],
                target: [0.0; 3],
                step: [0.0; 3],
                ticks_left: 0,
            }; EQ_BANDS],
            sections: [StereoBiquad::default(); SECTIONS],
            designs: [Coeffs::IDENTITY; SECTIONS],
            gliding: [false; SECTIONS],
            identity: [true; SECTIONS],
            fades: [Fade::new(fade_len, false); SECTIONS],
            active: [0; SECTIONS],
            active_len: 0,
            active_slow: false,
            pos: 0,
            ticks_per_glide,
            recomputes: 0,
            use_avx: cascade::avx_available(),
        };
        for b in 0..EQ_BANDS {
            eq.params.bands[b] = clamp_band(&params.bands[b], sample_rate);
            let t = eq.glide_target(b);
            eq.glides[b].cur = t;
            eq.glides[b].target = t;
            let (on0, on1) = eq.section_wanted(b);
            let (first, count) = BAND_SECTIONS[b];
            eq.fades[first] = Fade::new(fade_len, on0);
            if count == 2 {
                eq.fades[first + 1] = Fade::new(fade_len, on1);
            }
            eq.design_band(b, false);
        }
        eq.rebuild_active();
        eq
    }

    /// Sets new parameters; they take effect at the next 16-sample tick and glide over 20 ms.
    pub fn set_params(&mut self, params: &EqParams) {
        for b in 0..EQ_BANDS {
            self.params.bands[b] = clamp_band(&params.bands[b], self.fs);
        }
        self.params_dirty = true;
    }

    /// The current (clamped) target parameters.
    pub fn params(&self) -> &EqParams {
        &self.params
    }

    /// Uses the SSE2 kernel even where AVX is available (for benchmarks and tests; the output is
    /// the same either way).
    #[doc(hidden)]
    pub fn force_sse2(&mut self) {
        self.use_avx = false;
    }

    /// How many times band coefficients have been designed since construction.
    pub fn recompute_count(&self) -> u64 {
        self.recomputes
    }

    /// Whether the EQ currently passes audio through untouched (nothing on, nothing moving).
    pub fn is_bypassed(&self) -> bool {
        self.active_len == 0 && !self.params_dirty
    }

    /// Clears all filter state (keeps parameters and finishes any glide or fade at once).
    pub fn reset(&mut self) {
        self.apply_params_instantly();
        for s in &mut self.sections {
            s.reset();
        }
        self.pos = 0;
    }

    /// Analytic magnitude in dB of the EQ with its target parameters at `f` Hz (for drawing the
    /// curve; the processed response matches it within 0.05 dB once settled).
    pub fn response_db(&self, f: f64) -> f64 {
        let mut db = 0.0;
        for b in 0..EQ_BANDS {
            let p = &self.params.bands[b];
            if !p.enabled {
                continue;
            }
            for (kind, bp) in band_designs(BAND_KINDS[b], p) {
                db += magnitude_db(kind, &bp, f, self.fs);
            }
        }
        db
    }

    /// Filters a stereo pair in place.
    pub fn process_stereo(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut i = 0;
        while i < n {
            let len = self.begin_chunk(n - i);
            self.run::<true>(&mut left[i..i + len], &mut right[i..i + len]);
            self.end_chunk(len);
            i += len;
        }
    }

    /// Filters a mono channel in place.
    pub fn process_mono(&mut self, buf: &mut [f32]) {
        let n = buf.len();
        let mut i = 0;
        while i < n {
            let len = self.begin_chunk(n - i);
            self.run::<false>(&mut buf[i..i + len], &mut []);
            self.end_chunk(len);
            i += len;
        }
    }

    /// Filters one (mono) or two (stereo) planar channels in place; other counts are ignored.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        match channels {
            [mono] => self.process_mono(mono),
            [l, r] => self.process_stereo(l, r),
            _ => {}
        }
    }

    /// Does the tick-boundary housekeeping if due and returns how many samples (≤ `left`) can
    /// run before the next boundary that matters: the next tick while anything moves, else the
    /// next flush (the ticks in between would do nothing, so skipping them changes nothing).
    fn begin_chunk(&mut self, left: usize) -> usize {
        if self.pos.is_multiple_of(TICK as u64) {
            self.on_tick();
        }
        let settled = !self.params_dirty
            && self.glides.iter().all(|g| g.ticks_left == 0)
            && !self.gliding.iter().any(|&g| g)
            && !self.fades.iter().any(|f| f.moving());
        let period = if settled { FLUSH_EVERY } else { TICK as u64 };
        ((period - self.pos % period) as usize).min(left)
    }

    fn end_chunk(&mut self, len: usize) {
        // Sections skipped as identities still have to move their crossfades on.
        for s in 0..SECTIONS {
            if self.fades[s].moving() && !self.active[..self.active_len].contains(&(s as u8)) {
                self.fades[s].advance(len as u32);
            }
        }
        self.pos += len as u64;
    }

    /// Housekeeping at a tick boundary: finish the last tick's coefficient glides, pick up new
    /// parameters, advance parameter glides and redesign moving bands (their coefficients then
    /// glide linearly to the new design over the next tick, which avoids the transients a
    /// 16-sample coefficient staircase would cause), flush tiny state, and rebuild the list of
    /// sections to run.
    fn on_tick(&mut self) {
        for s in 0..SECTIONS {
            if self.gliding[s] {
                self.gliding[s] = false;
                self.sections[s].set_coeffs(self.designs[s]);
                self.identity[s] = self.designs[s].is_identity();
            }
        }
        if self.params_dirty {
            self.params_dirty = false;
            self.start_glides();
        }
        for b in 0..EQ_BANDS {
            let g = &mut self.glides[b];
            if g.ticks_left == 0 {
                continue;
            }
            g.ticks_left -= 1;
            if g.ticks_left == 0 {
                g.cur = g.target;
            } else {
                for k in 0..3 {
                    g.cur[k] += g.step[k];
                }
            }
            self.design_band(b, true);
        }
        if self.pos.is_multiple_of(FLUSH_EVERY) {
            for s in &mut self.sections {
                s.flush_tiny();
            }
        }
        self.rebuild_active();
    }

    /// Turns the target parameters into glides and crossfade directions.
    fn start_glides(&mut self) {
        for b in 0..EQ_BANDS {
            let (on0, on1) = self.section_wanted(b);
            let (first, count) = BAND_SECTIONS[b];
            let was_off =
                self.fades[first].is_off() && (count == 1 || self.fades[first + 1].is_off());
            self.fades[first].on = on0;
            if count == 2 {
                self.fades[first + 1].on = on1;
            }
            let target = self.glide_target(b);
            let g = &mut self.glides[b];
            if target == g.target {
                continue;
            }
            g.target = target;
            if was_off {
                // Inaudible band: jump straight to the new settings (one redesign).
                g.cur = target;
                g.ticks_left = 0;
                self.design_band(b, false);
            } else {
                g.ticks_left = self.ticks_per_glide;
                for k in 0..3 {
                    g.step[k] = (g.target[k] - g.cur[k]) / self.ticks_per_glide as f64;
                }
            }
        }
    }

    /// Finishes all glides and fades immediately (used by `reset`).
    fn apply_params_instantly(&mut self) {
        self.params_dirty = false;
        for b in 0..EQ_BANDS {
            let (on0, on1) = self.section_wanted(b);
            let (first, count) = BAND_SECTIONS[b];
            self.fades[first].on = on0;
            self.fades[first].advance(u32::MAX);
            if count == 2 {
                self.fades[first + 1].on = on1;
                self.fades[first + 1].advance(u32::MAX);
            }
            let t = self.glide_target(b);
            self.glides[b].cur = t;
            self.glides[b].target = t;
            self.glides[b].ticks_left = 0;
            self.design_band(b, false);
        }
        for g in &mut self.gliding {
            *g = false;
        }
        self.rebuild_active();
    }

    /// Whether band `b`'s first and second sections should be audible.
    fn section_wanted(&self, b: usize) -> (bool, bool) {
        let p = &self.params.bands[b];
        let two = matches!(BAND_KINDS[b], BandKind::HighPass | BandKind::LowPass);
        (p.enabled, p.enabled && two && p.slope == Slope::Db24)
    }

    /// Glide target of band `b` in the smoothing domain.
    fn glide_target(&self, b: usize) -> [f64; 3] {
        let p = &self.params.bands[b];
        let pass = matches!(BAND_KINDS[b], BandKind::HighPass | BandKind::LowPass);
        let q = if pass && p.slope == Slope::Db24 {
            butterworth_q(4, 0)
        } else {
            p.q as f64
        };
        let gain = if pass { 0.0 } else { p.gain_db as f64 };
        [(p.freq_hz as f64).log2(), gain, q.log2()]
    }

    /// Designs the sections of band `b` from its current glide values; with `glide` the
    /// coefficients move there linearly over the next tick, otherwise they jump.
    fn design_band(&mut self, b: usize, glide: bool) {
        self.recomputes += 1;
        let g = &self.glides[b];
        let freq_hz = g.cur[0].exp2();
        let gain_db = g.cur[1];
        let q = g.cur[2].exp2();
        let (first, count) = BAND_SECTIONS[b];
        let kind = match BAND_KINDS[b] {
            BandKind::HighPass => FilterKind::HighPass,
            BandKind::LowShelf => FilterKind::LowShelf,
            BandKind::Peak => FilterKind::Peak,
            BandKind::HighShelf => FilterKind::HighShelf,
            BandKind::LowPass => FilterKind::LowPass,
        };
        for k in 0..count {
            let q = if k == 0 { q } else { butterworth_q(4, 1) };
            let c = Coeffs::design(
                kind,
                &BiquadParams {
                    freq_hz,
                    q,
                    gain_db,
                },
                self.fs,
            );
            let s = first + k;
            if glide {
                let from = self.designs[s];
                self.sections[s].glide_to(c, TICK);
                self.gliding[s] = true;
                self.identity[s] = from.is_identity() && c.is_identity();
            } else {
                self.sections[s].set_coeffs(c);
                self.gliding[s] = false;
                self.identity[s] = c.is_identity();
            }
            self.designs[s] = c;
        }
    }

    /// Lists the sections that must run this tick; resets the state of the others so they
    /// restart cleanly.
    fn rebuild_active(&mut self) {
        self.active_len = 0;
        self.active_slow = false;
        for s in 0..SECTIONS {
            let f = &self.fades[s];
            if f.is_off() || self.identity[s] {
                self.sections[s].reset();
                continue;
            }
            self.active[self.active_len] = s as u8;
            self.active_len += 1;
            self.active_slow |= f.moving() || self.gliding[s];
        }
    }

    /// Runs the active cascade over one chunk (within one tick).
    #[inline(always)]
    fn run<const STEREO: bool>(&mut self, left: &mut [f32], right: &mut [f32]) {
        if self.active_len == 0 {
            return;
        }
        let active = &self.active[..self.active_len];
        let sections = &mut self.sections;
        let read = |i: usize, left: &[f32], right: &[f32]| {
            if STEREO {
                F64x2::new(left[i] as f64, right[i] as f64)
            } else {
                F64x2::new(left[i] as f64, 0.0)
            }
        };
        if !self.active_slow {
            // The active sections, in place, as one pipelined cascade.
            cascade::run::<STEREO>(sections, active, left, right, self.use_avx);
        } else {
            let fades = &mut self.fades;
            let gliding = &self.gliding;
            for i in 0..left.len() {
                let mut x = read(i, left, right);
                for &s in active {
                    let s = s as usize;
                    let y = if gliding[s] {
                        sections[s].tick_gliding(x)
                    } else {
                        sections[s].tick(x)
                    };
                    let f = &mut fades[s];
                    if f.moving() {
                        // Crossfade between the section's input and output.
                        let m = F64x2::splat(f.value());
                        f.advance(1);
                        x = x.add(m.mul(y.sub(x)));
                    } else {
                        x = y;
                    }
                }
                left[i] = x.l() as f32;
                if STEREO {
                    right[i] = x.r() as f32;
                }
            }
        }
    }
}

/// The cookbook sections that realise one band at its target parameters.
fn band_designs(
    kind: BandKind,
    p: &BandParams,
) -> impl Iterator<Item = (FilterKind, BiquadParams)> {
    let f = p.freq_hz as f64;
    let bp = |q: f64, gain_db: f64| BiquadParams {
        freq_hz: f,
        q,
        gain_db,
    };
    let (a, b) = match kind {
        BandKind::HighPass | BandKind::LowPass => {
            let k = if kind == BandKind::HighPass {
                FilterKind::HighPass
            } else {
                FilterKind::LowPass
            };
            if p.slope == Slope::Db24 {
                (
                    Some((k, bp(butterworth_q(4, 0), 0.0))),
                    Some((k, bp(butterworth_q(4, 1), 0.0))),
                )
            } else {
                (Some((k, bp(p.q as f64, 0.0))), None)
            }
        }
        BandKind::LowShelf => (
            Some((FilterKind::LowShelf, bp(p.q as f64, p.gain_db as f64))),
            None,
        ),
        BandKind::Peak => (
            Some((FilterKind::Peak, bp(p.q as f64, p.gain_db as f64))),
            None,
        ),
        BandKind::HighShelf => (
            Some((FilterKind::HighShelf, bp(p.q as f64, p.gain_db as f64))),
            None,
        ),
    };
    a.into_iter().chain(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::test_util::{Rng, random_partition};
    use std::f64::consts::PI;

    fn full_eq(hp24: bool) -> EqParams {
        let slope = if hp24 { Slope::Db24 } else { Slope::Db12 };
        EqParams {
            bands: [
                BandParams {
                    enabled: true,
                    freq_hz: 40.0,
                    q: 0.9,
                    slope,
                    ..Default::default()
                },
                BandParams {
                    enabled: true,
                    freq_hz: 120.0,
                    gain_db: 4.0,
                    q: 0.7,
                    ..Default::default()
                },
                BandParams {
                    enabled: true,
                    freq_hz: 700.0,
                    gain_db: -6.0,
                    q: 2.5,
                    ..Default::default()
                },
                BandParams {
                    enabled: true,
                    freq_hz: 3200.0,
                    gain_db: 5.0,
                    q: 1.2,
                    ..Default::default()
                },
                BandParams {
                    enabled: true,
                    freq_hz: 9000.0,
                    gain_db: -3.0,
                    q: 0.8,
                    ..Default::default()
                },
                BandParams {
                    enabled: true,
                    freq_hz: 16_000.0,
                    q: 0.7,
                    slope,
                    ..Default::default()
                },
            ],
        }
    }

    /// DTFT magnitude (dB) of `h` at `f` Hz, by complex rotation.
    fn dtft_db(h: &[f64], f: f64, fs: f64) -> f64 {
        let w = 2.0 * PI * f / fs;
        let (s, c) = w.sin_cos();
        let (mut zr, mut zi) = (1.0f64, 0.0f64); // e^{-jwn}
        let (mut re, mut im) = (0.0, 0.0);
        for (n, &x) in h.iter().enumerate() {
            re += x * zr;
            im += x * zi;
            let nr = zr * c + zi * s;
            zi = zi * c - zr * s;
            zr = nr;
            if n % 4096 == 4095 {
                // Renormalise the rotator so rounding cannot drift its length.
                let m = (zr * zr + zi * zi).sqrt();
                zr /= m;
                zi /= m;
            }
        }
        10.0 * (re * re + im * im).log10()
    }

    /// Butterworth 4th-order |H|² in the warped domain: independent of the cookbook formulas.
    fn butterworth4_db(high: bool, f: f64, f0: f64, fs: f64) -> f64 {
        let omega = (PI * f / fs).tan() / (PI * f0 / fs).tan();
        let o = if high { 1.0 / omega } else { omega };
        -10.0 * (1.0 + o.powi(8)).log10()
    }

    /// Measured response of the processed cascade (impulse response → DTFT) against the product
    /// of the analytic band responses, at 200 log-spaced frequencies, at 44.1/48/96 kHz.
    #[test]
    fn processed_response_matches_analytic_within_0_05_db() {
        for fs in [44_100.0, 48_000.0, 96_000.0] {
            for hp24 in [false, true] {
                let params = full_eq(hp24);
                let mut eq = ChannelEq::new(fs, &params);
                let n = 1 << 16;
                let mut l = vec![0.0f32; n];
                let mut r = vec![0.0f32; n];
                l[0] = 1.0;
                r[0] = 0.5;
                eq.process_stereo(&mut l, &mut r);
                // The tail has decayed far below the tolerance by the end.
                assert!(l[n - 64..].iter().all(|x| x.abs() < 1e-9));
                let hl: Vec<f64> = l.iter().map(|&x| x as f64).collect();
                let hr: Vec<f64> = r.iter().map(|&x| x as f64 * 2.0).collect();
                let mut worst: f64 = 0.0;
                for i in 0..200 {
                    let f = 20.0 * (0.45 * fs / 20.0f64).powf(i as f64 / 199.0);
                    let analytic = eq.response_db(f);
                    if analytic < -80.0 {
                        // Far in the stop band the f32 impulse response is at its noise floor.
                        continue;
                    }
                    for h in [&hl, &hr] {
                        let measured = dtft_db(h, f, fs);
                        let err = (measured - analytic).abs();
                        worst = worst.max(err);
                        assert!(
                            err < 0.05,
                            "fs {fs} hp24 {hp24} f {f}: {measured} vs {analytic}"
                        );
                    }
                }
                eprintln!("eq fs={fs} 24dB={hp24}: worst error {worst:.4} dB");
            }
        }
    }

    #[test]
    fn fourth_order_pass_bands_are_butterworth() {
        let fs = 48_000.0;
        let mut p = EqParams::default();
        p.bands[0] = BandParams {
            enabled: true,
            freq_hz: 200.0,
            slope: Slope::Db24,
            ..Default::default()
        };
        p.bands[5] = BandParams {
            enabled: true,
            freq_hz: 5000.0,
            slope: Slope::Db24,
            ..Default::default()
        };
        let eq = ChannelEq::new(fs, &p);
        for i in 0..200 {
            let f = 20.0 * (0.45 * fs / 20.0f64).powf(i as f64 / 199.0);
            let expect =
                butterworth4_db(true, f, 200.0, fs) + butterworth4_db(false, f, 5000.0, fs);
            assert!((eq.response_db(f) - expect).abs() < 1e-6, "{f}");
        }
        // −3.01 dB at each corner (the other band contributes almost nothing there).
        assert!((butterworth4_db(false, 5000.0, 5000.0, fs) + 3.0103).abs() < 1e-3);
    }

    #[test]
    fn coefficients_are_recomputed_only_while_moving() {
        let fs = 48_000.0;
        let mut params = full_eq(false);
        let mut eq = ChannelEq::new(fs, &params);
        let mut l = vec![0.1f32; 4800];
        let mut r = vec![0.1f32; 4800];
        let base = eq.recompute_count();
        eq.process_stereo(&mut l, &mut r);
        assert_eq!(eq.recompute_count(), base, "settled EQ never redesigns");

        params.bands[2].freq_hz = 1500.0;
        params.bands[2].gain_db = 3.0;
        eq.set_params(&params);
        let mut count_per_tick = Vec::new();
        for _ in 0..200 {
            let before = eq.recompute_count();
            let mut l = [0.0f32; 16];
            let mut r = [0.0f32; 16];
            eq.process_stereo(&mut l, &mut r);
            count_per_tick.push(eq.recompute_count() - before);
        }
        // One band moves: at most one redesign per 16-sample tick, for the 20 ms glide
        // (960 samples = 60 ticks at 48 kHz), then none.
        assert!(count_per_tick.iter().all(|&c| c <= 1));
        let total: u64 = count_per_tick.iter().sum();
        assert_eq!(total, 60);
        assert!(count_per_tick[70..].iter().all(|&c| c == 0));
        // And the band landed exactly on the target.
        let expect = Coeffs::design(
            FilterKind::Peak,
            &BiquadParams {
                freq_hz: (1500.0f64).log2().exp2(),
                q: (2.5f32 as f64).log2().exp2(),
                gain_db: 3.0,
            },
            fs,
        );
        let mut probe = StereoBiquad::new(expect);
        let mut eq_probe = eq.sections[3];
        eq_probe.reset();
        for n in 0..64 {
            let x = F64x2::splat(if n == 0 { 1.0 } else { 0.0 });
            let a = probe.tick(x);
            let b = eq_probe.tick(x);
            assert_eq!(a.l(), b.l());
        }
    }

    #[test]
    fn glides_are_smooth_no_step_larger_than_the_signal_allows() {
        // A 100 Hz sine through a peak band whose gain jumps from −12 to +12 dB and frequency
        // from 100 Hz to 2 kHz: the output's sample-to-sample change stays within what a 100 Hz
        // sine at the largest amplitude reached can do (no click).
        let fs = 48_000.0;
        let mut p = EqParams::default();
        p.bands[2] = BandParams {
            enabled: true,
            freq_hz: 100.0,
            gain_db: -12.0,
            q: 1.0,
            ..Default::default()
        };
        let mut eq = ChannelEq::new(fs, &p);
        let n = 48_000;
        let mut x: Vec<f32> = (0..n)
            .map(|i| (2.0 * PI * 100.0 * i as f64 / fs).sin() as f32)
            .collect();
        let (a, b) = x.split_at_mut(10_000);
        eq.process_mono(a);
        p.bands[2].gain_db = 12.0;
        p.bands[2].freq_hz = 2000.0;
        eq.set_params(&p);
        eq.process_mono(b);
        let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64;
        let max_slope = peak * 2.0 * PI * 100.0 / fs;
        let worst = x[9000..]
            .windows(2)
            .map(|w| ((w[1] - w[0]) as f64).abs())
            .fold(0.0, f64::max);
        eprintln!("glide: peak {peak}, worst step {worst}, sine bound {max_slope}");
        assert!(worst <= max_slope * 1.05 + 1e-6);
    }

    #[test]
    fn switching_a_band_on_and_off_crossfades_without_clicks() {
        let fs = 48_000.0;
        let mut p = EqParams::default();
        p.bands[3] = BandParams {
            enabled: false,
            freq_hz: 1000.0,
            gain_db: 12.0,
            q: 2.0,
            ..Default::default()
        };
        // The high-pass at 24 dB/oct switched on and off too: its sections start from zero state.
        p.bands[0] = BandParams {
            enabled: false,
            freq_hz: 300.0,
            slope: Slope::Db24,
            ..Default::default()
        };
        let mut eq = ChannelEq::new(fs, &p);
        assert!(eq.is_bypassed());
        let n = 30_000;
        let mut x: Vec<f32> = (0..n)
            .map(|i| (0.25 * (2.0 * PI * 1000.0 * i as f64 / fs).sin()) as f32)
            .collect();
        let dry = x.clone();
        eq.process_mono(&mut x[..5000]);
        assert_eq!(&x[..5000], &dry[..5000], "bypassed EQ is bit-exact");
        p.bands[3].enabled = true;
        p.bands[0].enabled = true;
        eq.set_params(&p);
        eq.process_mono(&mut x[5000..15_000]);
        p.bands[3].enabled = false;
        p.bands[0].enabled = false;
        eq.set_params(&p);
        eq.process_mono(&mut x[15_000..]);
        // The boosted sine reaches 4× (+12 dB); a 1 kHz sine of amplitude 1 changes by at most
        // 2π·1000/48000 per sample.
        let max_slope = 1.0 * 2.0 * PI * 1000.0 / fs;
        for w in x.windows(2) {
            assert!(((w[1] - w[0]) as f64).abs() <= max_slope * 1.05);
        }
        // Fully on in the middle: amplitude ≈ 1.0 (+12 dB of 0.25; the HP at 300 Hz is flat at 1 kHz
        // within a fraction of a dB).
        let mid = x[12_000..14_000].iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!((mid - 1.0).abs() < 0.02, "{mid}");
        // Off again and settled: exact bypass.
        assert!(eq.is_bypassed());
        assert_eq!(&x[20_000..], &dry[20_000..]);
    }

    #[test]
    fn extreme_and_invalid_parameters_stay_finite() {
        let fs = 44_100.0;
        let mut rng = Rng::new(7);
        let wild = [
            0.0,
            -1.0,
            1e9,
            f32::NAN,
            f32::INFINITY,
            -f32::INFINITY,
            1e-9,
            5.0,
        ];
        let mut p = EqParams::default();
        let mut eq = ChannelEq::new(fs, &p);
        let mut l = vec![0.0f32; 256];
        let mut r = vec![0.0f32; 256];
        for round in 0..400 {
            for b in 0..EQ_BANDS {
                let pick = |rng: &mut Rng| wild[rng.below(wild.len() as u32) as usize];
                p.bands[b] = BandParams {
                    enabled: rng.below(4) != 0,
                    freq_hz: if rng.below(2) == 0 {
                        pick(&mut rng)
                    } else {
                        rng.uniform(5.0, 30_000.0) as f32
                    },
                    gain_db: if rng.below(2) == 0 {
                        pick(&mut rng) * 100.0
                    } else {
                        rng.uniform(-40.0, 40.0) as f32
                    },
                    q: if rng.below(2) == 0 {
                        pick(&mut rng)
                    } else {
                        rng.uniform(0.0, 40.0) as f32
                    },
                    slope: if rng.below(2) == 0 {
                        Slope::Db12
                    } else {
                        Slope::Db24
                    },
                };
            }
            eq.set_params(&p);
            for i in 0..256 {
                l[i] = rng.uniform(-1.0, 1.0) as f32;
                r[i] = if round % 3 == 0 {
                    1.0
                } else {
                    rng.uniform(-1.0, 1.0) as f32
                };
            }
            eq.process_stereo(&mut l, &mut r);
            for v in l.iter().chain(r.iter()) {
                // ±24 dB of boost over a few bands bounds the gain; instability would blow up.
                assert!(v.is_finite() && v.abs() < 1e4, "round {round}: {v}");
            }
        }
        for b in &eq.params().bands {
            assert!(b.freq_hz >= 10.0 && b.freq_hz <= 0.49 * 44_100.0);
            assert!((0.1..=20.0).contains(&b.q));
            assert!(b.gain_db.abs() <= 24.0);
        }
    }

    #[test]
    fn reset_finishes_glides_and_clears_state() {
        let fs = 48_000.0;
        let mut p = full_eq(true);
        let mut eq = ChannelEq::new(fs, &p);
        let mut x = vec![0.5f32; 100];
        eq.process_mono(&mut x);
        p.bands[2].enabled = false;
        p.bands[3].freq_hz = 5000.0;
        eq.set_params(&p);
        eq.process_mono(&mut x[..20]);
        eq.reset();
        // Settled at the new parameters with zero state: identical to a fresh EQ.
        let mut fresh = ChannelEq::new(fs, &p);
        let mut a = vec![0.25f32; 2000];
        let mut b = a.clone();
        eq.process_mono(&mut a);
        fresh.process_mono(&mut b);
        assert_eq!(a, b);
    }

    /// Bit-identical output for any block partition, with parameter changes at the same sample
    /// positions (set between blocks where the partition puts a boundary there).
    #[test]
    fn block_partition_invariance() {
        let fs = 48_000.0;
        let n = 12_000;
        let mut rng = Rng::new(42);
        let input_l: Vec<f32> = (0..n).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
        let input_r: Vec<f32> = (0..n).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
        // Parameter changes at fixed positions.
        let mut changes = Vec::new();
        let mut p = full_eq(false);
        for (k, pos) in [1000usize, 1003, 2500, 4001, 7777].into_iter().enumerate() {
            p.bands[k % EQ_BANDS].enabled = !p.bands[k % EQ_BANDS].enabled;
            p.bands[(k + 2) % EQ_BANDS].freq_hz *= 1.7;
            p.bands[(k + 3) % EQ_BANDS].gain_db -= 5.0;
            p.bands[5].slope = if k % 2 == 0 { Slope::Db24 } else { Slope::Db12 };
            changes.push((pos, p));
        }
        let render = |parts: &[usize], mono: bool| {
            let mut eq = ChannelEq::new(fs, &full_eq(false));
            let mut l = input_l.clone();
            let mut r = input_r.clone();
            let mut pos = 0;
            for &len in parts {
                for (cpos, cp) in &changes {
                    if *cpos == pos {
                        eq.set_params(cp);
                    }
                }
                if mono {
                    eq.process_mono(&mut l[pos..pos + len]);
                } else {
                    eq.process_stereo(&mut l[pos..pos + len], &mut r[pos..pos + len]);
                }
                pos += len;
            }
            (l, r)
        };
        let cut_points: Vec<usize> = changes.iter().map(|c| c.0).collect();
        for mono in [false, true] {
            let reference = render(&random_partition(&mut Rng::new(1), n, &cut_points, 1), mono);
            for seed in 2..6 {
                let parts = random_partition(&mut Rng::new(seed), n, &cut_points, 700);
                assert_eq!(render(&parts, mono), reference, "seed {seed}");
            }
            let whole: Vec<usize> = {
                let mut v = Vec::new();
                let mut last = 0;
                for c in cut_points.iter().chain(std::iter::once(&n)) {
                    v.push(c - last);
                    last = *c;
                }
                v
            };
            assert_eq!(render(&whole, mono), reference);
        }
    }
}
