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
//! is skipped; so is a shelf/peak at exactly 0 dB (numerator = denominator, an identity in
//! steady state) once its state — the old resonance still ringing out — has decayed below
//! −160 dBFS (checked every 1,024 samples of the EQ's own counter), since clearing it earlier would click. Every update
//! happens at a boundary of the EQ's own sample counter, so the output does not depend on how
//! the audio is split into blocks.
//!
//! Each band says what it is ([`BandParams::kind`]); the engine maps the project's one band
//! list onto them. Parameters are limited to safety bounds — NaN → default, 10 Hz … 0.49·fs
//! (below Nyquist), Q 0.1 … 20, ±24 dB — within which every design is stable and its output
//! bounded. They are not user ranges (those are the project's, `project::ranges`).

use super::biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad, butterworth_q};
use super::cascade;
use super::eq_response::response_db;
use super::simd::F64x2;

pub(super) use super::eq_params::clamp_band;
pub use super::eq_params::{BandKind, BandParams, EQ_BANDS, EqParams, Slope};

/// Samples between coefficient updates while a band moves.
const TICK: u32 = 16;
/// Samples between flushes of tiny filter state to zero (a multiple of `TICK`).
const FLUSH_EVERY: u64 = 1024;
/// Duration of parameter glides and on/off crossfades.
const SMOOTH_MS: f64 = 20.0;

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

/// Room in the flat section array: two per band at most (a pass filter owns two, the others
/// one; only the sections the bands' kinds need are laid out and looked at).
const SECTIONS: usize = EQ_BANDS * 2;

/// Sections band `kind` owns: a pass filter two (the second runs at 24 dB/oct), others one.
fn sections_of(kind: BandKind) -> usize {
    if is_pass(kind) { 2 } else { 1 }
}

/// The first section of each band and the sections in use, bands packed in order.
fn layout(params: &EqParams) -> ([usize; EQ_BANDS], usize) {
    let mut first = [0; EQ_BANDS];
    let mut next = 0;
    for (b, band) in params.bands.iter().enumerate() {
        first[b] = next;
        next += sections_of(band.kind);
    }
    (first, next)
}

/// Six-band channel EQ for one or two channels (see the module docs).
pub struct ChannelEq {
    fs: f64,
    params: EqParams,
    params_dirty: bool,
    /// First section of each band (from the bands' kinds).
    first: [usize; EQ_BANDS],
    /// Sections laid out.
    used: usize,
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
            first: [0; EQ_BANDS],
            used: 0,
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
        }
        (eq.first, eq.used) = layout(&eq.params);
        for b in 0..EQ_BANDS {
            let t = eq.glide_target(b);
            eq.glides[b].cur = t;
            eq.glides[b].target = t;
            let (on0, on1) = eq.section_wanted(b);
            let first = eq.first[b];
            eq.fades[first] = Fade::new(fade_len, on0);
            if sections_of(eq.params.bands[b].kind) == 2 {
                eq.fades[first + 1] = Fade::new(fade_len, on1);
            }
            eq.design_band(b, false);
        }
        eq.rebuild_active(true);
        eq
    }

    /// Sets new parameters; they take effect at the next 16-sample tick and glide over 20 ms.
    /// A change of a band's kind lays the sections out anew and restarts the EQ settled at the
    /// new parameters (kinds are meant to stay fixed). Real-time safe: nothing allocates.
    pub fn set_params(&mut self, params: &EqParams) {
        if params
            .bands
            .iter()
            .zip(&self.params.bands)
            .any(|(a, b)| a.kind != b.kind)
        {
            let (use_avx, recomputes) = (self.use_avx, self.recomputes);
            *self = ChannelEq::new(self.fs, params);
            self.use_avx = use_avx;
            self.recomputes += recomputes;
            return;
        }
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
        for s in &mut self.sections {
            s.reset();
        }
        self.apply_params_instantly();
        self.pos = 0;
    }

    /// Analytic magnitude in dB of the EQ with its target parameters at `f` Hz (see
    /// [`response_db`](super::eq_response::response_db)).
    pub fn response_db(&self, f: f64) -> f64 {
        response_db(&self.params, self.fs, f)
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
        for s in 0..self.used {
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
        for s in 0..self.used {
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
        self.rebuild_active(self.pos.is_multiple_of(FLUSH_EVERY));
    }

    /// Turns the target parameters into glides and crossfade directions.
    fn start_glides(&mut self) {
        for b in 0..EQ_BANDS {
            let (on0, on1) = self.section_wanted(b);
            let (first, two) = (self.first[b], sections_of(self.params.bands[b].kind) == 2);
            let was_off = self.fades[first].is_off() && (!two || self.fades[first + 1].is_off());
            self.fades[first].on = on0;
            if two {
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
            let first = self.first[b];
            let sections = [(first, on0), (first + 1, on1)];
            for (s, on) in sections
                .into_iter()
                .take(sections_of(self.params.bands[b].kind))
            {
                self.fades[s].on = on;
                self.fades[s].advance(u32::MAX);
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
        self.rebuild_active(true);
    }

    /// Whether band `b`'s first and second sections should be audible.
    fn section_wanted(&self, b: usize) -> (bool, bool) {
        let p = &self.params.bands[b];
        (
            p.enabled,
            p.enabled && is_pass(p.kind) && p.slope == Slope::Db24,
        )
    }

    /// Glide target of band `b` in the smoothing domain.
    fn glide_target(&self, b: usize) -> [f64; 3] {
        let p = &self.params.bands[b];
        let pass = is_pass(p.kind);
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
        let first = self.first[b];
        let count = if is_pass(self.params.bands[b].kind) {
            2
        } else {
            1
        };
        let kind = match self.params.bands[b].kind {
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
    ///
    /// A 0 dB shelf or bell (numerator = denominator) is an identity only once its state has
    /// rung out: the state holds the old resonance, and clearing it early steps the output. So
    /// an identity section that was running keeps running, and is dropped only where
    /// `drop_rung_out` says (flush boundaries of the EQ's own counter, so the moment does not
    /// depend on block sizes) once its state is inaudible.
    fn rebuild_active(&mut self, drop_rung_out: bool) {
        let mut was_active = [false; SECTIONS];
        for &s in &self.active[..self.active_len] {
            was_active[s as usize] = true;
        }
        self.active_len = 0;
        self.active_slow = false;
        for s in 0..self.used {
            let f = &self.fades[s];
            let skip_identity = self.identity[s]
                && (!was_active[s] || (drop_rung_out && rung_out(&self.sections[s])));
            if f.is_off() || skip_identity {
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
            // The active sections, in place, as pipelined cascades of up to eight (running
            // them in groups gives the same bits as one after the other).
            for group in active.chunks(cascade::MAX_SECTIONS) {
                cascade::run::<STEREO>(sections, group, left, right, self.use_avx);
            }
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

/// State below which an identity section is dropped (−160 dBFS, under a 24-bit LSB): what
/// clearing it then removes is below every output format's resolution.
const RUNG_OUT: f64 = 1e-8;

/// Whether a section's state (in an identity section: its output minus its input, ringing at
/// the poles) is below [`RUNG_OUT`] in both lanes.
fn rung_out(s: &StereoBiquad) -> bool {
    s.state()
        .iter()
        .all(|&(l, r)| l.abs() < RUNG_OUT && r.abs() < RUNG_OUT)
}

/// Whether `kind` is a high- or low-pass filter (slope, no gain).
pub(super) fn is_pass(kind: BandKind) -> bool {
    matches!(kind, BandKind::HighPass | BandKind::LowPass)
}

#[cfg(test)]
#[path = "eq_tests.rs"]
mod tests;
