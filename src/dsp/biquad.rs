//! Second-order sections: RBJ Audio EQ Cookbook designs, their analytic responses, and a stereo
//! transposed direct form II section in f64.
//!
//! Every cookbook filter is an analog prototype H(s) (corner at s = j) mapped to the z-plane by
//! the bilinear transform s = (1/tan(w0/2))·(1 − z⁻¹)/(1 + z⁻¹), which sends analog frequency
//! 1 to w0. [`magnitude_db`] evaluates that prototype at the warped frequency
//! Ω = tan(πf/fs)/tan(πf0/fs) — the closed form of the digital filter's response — without going
//! through coefficients, so comparing it with [`Coeffs::magnitude_db`] checks the design.

use super::simd::F64x2;
use std::f64::consts::PI;

/// The cookbook filter types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FilterKind {
    /// Second-order low-pass; `q` sets the resonance (0.7071 = Butterworth).
    LowPass,
    /// Second-order high-pass; `q` sets the resonance.
    HighPass,
    /// Low shelf: `gain_db` below `freq_hz`; `q` is the cookbook's shelf Q (0.7071 = no overshoot).
    LowShelf,
    /// High shelf: `gain_db` above `freq_hz`.
    HighShelf,
    /// Peaking (bell) band: `gain_db` at `freq_hz`, bandwidth from `q`.
    Peak,
    /// Band-pass with 0 dB at the centre.
    BandPass,
    /// Notch at `freq_hz`.
    Notch,
    /// All-pass (phase only).
    AllPass,
}

/// Design parameters of one section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BiquadParams {
    /// Corner or centre frequency in Hz.
    pub freq_hz: f64,
    /// Quality factor (> 0).
    pub q: f64,
    /// Gain in dB (shelves and peak only).
    pub gain_db: f64,
}

/// Biquad coefficients normalised by a0: y = b0·x + b1·x₁ + b2·x₂ − a1·y₁ − a2·y₂.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coeffs {
    /// Feed-forward coefficient of x(n).
    pub b0: f64,
    /// Feed-forward coefficient of x(n−1).
    pub b1: f64,
    /// Feed-forward coefficient of x(n−2).
    pub b2: f64,
    /// Feedback coefficient of y(n−1).
    pub a1: f64,
    /// Feedback coefficient of y(n−2).
    pub a2: f64,
}

impl Coeffs {
    /// The pass-through section.
    pub const IDENTITY: Coeffs = Coeffs {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    /// RBJ cookbook design of `kind` at sample rate `fs`.
    ///
    /// The caller keeps parameters in range (0 < freq < fs/2, q > 0); [`crate::dsp::eq`] clamps them.
    pub fn design(kind: FilterKind, p: &BiquadParams, fs: f64) -> Coeffs {
        let w0 = 2.0 * PI * p.freq_hz / fs;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * p.q);
        // Computed the same way for every gain so that 0 dB gives A = 1 exactly; the shelf and
        // peak formulas then produce b = a bit for bit (an exact identity section).
        let a = 10f64.powf(p.gain_db / 40.0);
        let (b0, b1, b2, a0, a1, a2) = match kind {
            FilterKind::LowPass => {
                let b = (1.0 - cos) / 2.0;
                (b, 1.0 - cos, b, 1.0 + alpha, -2.0 * cos, 1.0 - alpha)
            }
            FilterKind::HighPass => {
                let b = (1.0 + cos) / 2.0;
                (b, -(1.0 + cos), b, 1.0 + alpha, -2.0 * cos, 1.0 - alpha)
            }
            FilterKind::BandPass => (alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * cos, 1.0 - alpha),
            FilterKind::Notch => (1.0, -2.0 * cos, 1.0, 1.0 + alpha, -2.0 * cos, 1.0 - alpha),
            FilterKind::AllPass => (
                1.0 - alpha,
                -2.0 * cos,
                1.0 + alpha,
                1.0 + alpha,
                -2.0 * cos,
                1.0 - alpha,
            ),
            FilterKind::Peak => (
                1.0 + alpha * a,
                -2.0 * cos,
                1.0 - alpha * a,
                1.0 + alpha / a,
                -2.0 * cos,
                1.0 - alpha / a,
            ),
            FilterKind::LowShelf => {
                let k = 2.0 * a.sqrt() * alpha;
                (
                    a * ((a + 1.0) - (a - 1.0) * cos + k),
                    2.0 * a * ((a - 1.0) - (a + 1.0) * cos),
                    a * ((a + 1.0) - (a - 1.0) * cos - k),
                    (a + 1.0) + (a - 1.0) * cos + k,
                    -2.0 * ((a - 1.0) + (a + 1.0) * cos),
                    (a + 1.0) + (a - 1.0) * cos - k,
                )
            }
            FilterKind::HighShelf => {
                let k = 2.0 * a.sqrt() * alpha;
                (
                    a * ((a + 1.0) + (a - 1.0) * cos + k),
                    -2.0 * a * ((a - 1.0) + (a + 1.0) * cos),
                    a * ((a + 1.0) + (a - 1.0) * cos - k),
                    (a + 1.0) - (a - 1.0) * cos + k,
                    2.0 * ((a - 1.0) - (a + 1.0) * cos),
                    (a + 1.0) - (a - 1.0) * cos - k,
                )
            }
        };
        Coeffs {
            b0: b0 / a0,
            b1: b1 / a0,
            b2: b2 / a0,
            a1: a1 / a0,
            a2: a2 / a0,
        }
    }

    /// Whether the section passes its input unchanged (b = a).
    pub fn is_identity(&self) -> bool {
        self.b0 == 1.0 && self.b1 == self.a1 && self.b2 == self.a2
    }

    /// |H(e^{jω})| of these coefficients at `f` Hz, in dB (direct evaluation of the transfer
    /// function; for drawing curves and for checking designs against [`magnitude_db`]).
    pub fn magnitude_db(&self, f: f64, fs: f64) -> f64 {
        let w = 2.0 * PI * f / fs;
        // z⁻¹ = e^{−jw}; numerator and denominator as complex numbers.
        let (s1, c1) = w.sin_cos();
        let (s2, c2) = (2.0 * w).sin_cos();
        let nr = self.b0 + self.b1 * c1 + self.b2 * c2;
        let ni = -(self.b1 * s1 + self.b2 * s2);
        let dr = 1.0 + self.a1 * c1 + self.a2 * c2;
        let di = -(self.a1 * s1 + self.a2 * s2);
        10.0 * ((nr * nr + ni * ni) / (dr * dr + di * di)).log10()
    }
}

/// |a·s² + b·s + c|² at s = jΩ.
fn quad_mag2(a: f64, b: f64, c: f64, omega: f64) -> f64 {
    let re = c - a * omega * omega;
    let im = b * omega;
    re * re + im * im
}

/// Analytic magnitude (dB) of the cookbook filter `kind` at `f` Hz, from its analog prototype
/// evaluated at the bilinear-warped frequency Ω = tan(πf/fs)/tan(πf0/fs).
pub fn magnitude_db(kind: FilterKind, p: &BiquadParams, f: f64, fs: f64) -> f64 {
    let omega = (PI * f / fs).tan() / (PI * p.freq_hz / fs).tan();
    let q = p.q;
    let a = 10f64.powf(p.gain_db / 40.0);
    let sa = a.sqrt();
    // (numerator a, b, c), (denominator a, b, c), overall gain
    let ((na, nb, nc), (da, db, dc), k) = match kind {
        FilterKind::LowPass => ((0.0, 0.0, 1.0), (1.0, 1.0 / q, 1.0), 1.0),
        FilterKind::HighPass => ((1.0, 0.0, 0.0), (1.0, 1.0 / q, 1.0), 1.0),
        FilterKind::BandPass => ((0.0, 1.0 / q, 0.0), (1.0, 1.0 / q, 1.0), 1.0),
        FilterKind::Notch => ((1.0, 0.0, 1.0), (1.0, 1.0 / q, 1.0), 1.0),
        FilterKind::AllPass => ((1.0, -1.0 / q, 1.0), (1.0, 1.0 / q, 1.0), 1.0),
        FilterKind::Peak => ((1.0, a / q, 1.0), (1.0, 1.0 / (a * q), 1.0), 1.0),
        FilterKind::LowShelf => ((1.0, sa / q, a), (a, sa / q, 1.0), a),
        FilterKind::HighShelf => ((a, sa / q, 1.0), (1.0, sa / q, a), a),
    };
    let num = quad_mag2(na, nb, nc, omega);
    let den = quad_mag2(da, db, dc, omega);
    20.0 * k.log10() + 10.0 * (num / den).log10()
}

/// Q of section `k` (0-based) of an `order`-th order Butterworth filter built from biquads
/// (order even): 1 / (2·cos((2k+1)π / (2·order))). For order 4: 0.5412 and 1.3066.
pub fn butterworth_q(order: usize, k: usize) -> f64 {
    1.0 / (2.0 * ((2 * k + 1) as f64 * PI / (2 * order) as f64).cos())
}

/// A stereo transposed direct form II section; both channels share the coefficients and run in
/// the two lanes of one f64 vector.
#[derive(Clone, Copy, Debug)]
pub struct StereoBiquad {
    b0: F64x2,
    b1: F64x2,
    b2: F64x2,
    a1: F64x2,
    a2: F64x2,
    s1: F64x2,
    s2: F64x2,
    /// Per-sample coefficient increments while gliding (see [`StereoBiquad::glide_to`]).
    d: [F64x2; 5],
}

impl Default for StereoBiquad {
    fn default() -> Self {
        Self::new(Coeffs::IDENTITY)
    }
}

impl StereoBiquad {
    /// A section with `c` and zero state.
    pub fn new(c: Coeffs) -> Self {
        let mut s = StereoBiquad {
            b0: F64x2::zero(),
            b1: F64x2::zero(),
            b2: F64x2::zero(),
            a1: F64x2::zero(),
            a2: F64x2::zero(),
            s1: F64x2::zero(),
            s2: F64x2::zero(),
            d: [F64x2::zero(); 5],
        };
        s.set_coeffs(c);
        s
    }

    /// Starts moving the coefficients linearly to `c` over `steps` calls of
    /// [`StereoBiquad::tick_gliding`]. Both ends are stable designs and the stability triangle
    /// of (a1, a2) is convex, so every intermediate section is stable too; the caller snaps to
    /// `c` with [`StereoBiquad::set_coeffs`] afterwards to remove rounding.
    pub(crate) fn glide_to(&mut self, c: Coeffs, steps: u32) {
        let inv = F64x2::splat(1.0 / steps.max(1) as f64);
        let to = |target: f64, cur: F64x2| F64x2::splat(target).sub(cur).mul(inv);
        self.d = [
            to(c.b0, self.b0),
            to(c.b1, self.b1),
            to(c.b2, self.b2),
            to(c.a1, self.a1),
            to(c.a2, self.a2),
        ];
    }

    /// Filters one stereo sample, then advances the coefficient glide by one step.
    #[inline(always)]
    pub(crate) fn tick_gliding(&mut self, x: F64x2) -> F64x2 {
        let y = self.tick(x);
        self.b0 = self.b0.add(self.d[0]);
        self.b1 = self.b1.add(self.d[1]);
        self.b2 = self.b2.add(self.d[2]);
        self.a1 = self.a1.add(self.d[3]);
        self.a2 = self.a2.add(self.d[4]);
        y
    }

    /// Replaces the coefficients (ending any glide), keeping the state.
    pub fn set_coeffs(&mut self, c: Coeffs) {
        self.d = [F64x2::zero(); 5];
        self.b0 = F64x2::splat(c.b0);
        self.b1 = F64x2::splat(c.b1);
        self.b2 = F64x2::splat(c.b2);
        self.a1 = F64x2::splat(c.a1);
        self.a2 = F64x2::splat(c.a2);
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.s1 = F64x2::zero();
        self.s2 = F64x2::zero();
    }

    /// Sets state values smaller than 1e-30 to exactly zero, so a silent input leaves exact
    /// zeros instead of a slowly decaying (eventually subnormal) tail.
    pub fn flush_tiny(&mut self) {
        const TINY: f64 = 1e-30;
        let f = |v: F64x2| {
            F64x2::new(
                if v.l().abs() < TINY { 0.0 } else { v.l() },
                if v.r().abs() < TINY { 0.0 } else { v.r() },
            )
        };
        self.s1 = f(self.s1);
        self.s2 = f(self.s2);
    }

    /// Filters a stereo block in place.
    pub fn process_stereo(&mut self, left: &mut [f32], right: &mut [f32]) {
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let y = self.tick(F64x2::new(*l as f64, *r as f64));
            *l = y.l() as f32;
            *r = y.r() as f32;
        }
    }

    /// Filters a mono block in place (the right lane stays silent).
    pub fn process_mono(&mut self, buf: &mut [f32]) {
        for x in buf.iter_mut() {
            *x = self.tick(F64x2::new(*x as f64, 0.0)).l() as f32;
        }
    }

    /// Filters one stereo sample.
    #[inline(always)]
    pub(crate) fn tick(&mut self, x: F64x2) -> F64x2 {
        let y = self.b0.mul(x).add(self.s1);
        // b1·x + s2 does not depend on y, so only one multiply and one subtract sit on the
        // sample-to-sample recursion.
        self.s1 = self.b1.mul(x).add(self.s2).sub(self.a1.mul(y));
        self.s2 = self.b2.mul(x).sub(self.a2.mul(y));
        y
    }

    /// Coefficient registers (b0, b1, b2, a1, a2) and state registers (s1, s2), for the AVX
    /// cascade kernel.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn raw_parts(
        &self,
    ) -> (
        [core::arch::x86_64::__m128d; 5],
        [core::arch::x86_64::__m128d; 2],
    ) {
        (
            [
                self.b0.raw(),
                self.b1.raw(),
                self.b2.raw(),
                self.a1.raw(),
                self.a2.raw(),
            ],
            [self.s1.raw(), self.s2.raw()],
        )
    }

    /// Replaces the state registers (s1, s2), for the AVX cascade kernel.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn set_raw_state(&mut self, s: [core::arch::x86_64::__m128d; 2]) {
        self.s1 = F64x2::from_raw(s[0]);
        self.s2 = F64x2::from_raw(s[1]);
    }

    /// The internal state (s1, s2) as (left, right) pairs, for tests.
    pub fn state(&self) -> [(f64, f64); 2] {
        [(self.s1.l(), self.s1.r()), (self.s2.l(), self.s2.r())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [FilterKind; 8] = [
        FilterKind::LowPass,
        FilterKind::HighPass,
        FilterKind::LowShelf,
        FilterKind::HighShelf,
        FilterKind::Peak,
        FilterKind::BandPass,
        FilterKind::Notch,
        FilterKind::AllPass,
    ];

    fn log_freqs(n: usize, lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        (0..n).map(move |i| lo * (hi / lo).powf(i as f64 / (n - 1) as f64))
    }

    /// Every type, at 44.1/48/96 kHz, over a grid of frequencies, gains and Qs: the designed
    /// coefficients' response is within 0.05 dB of the analytic cookbook response at 200
    /// log-spaced frequencies from 20 Hz to 0.45·fs.
    #[test]
    fn coefficients_match_analytic_response() {
        let mut worst: f64 = 0.0;
        let mut checked = 0usize;
        for fs in [44_100.0, 48_000.0, 96_000.0] {
            for kind in ALL {
                for f0 in [20.0, 63.0, 250.0, 1000.0, 4000.0, 12_000.0, 0.45 * fs] {
                    for q in [0.1, 0.5, 0.707, 1.0, 4.0, 20.0] {
                        for gain_db in [-24.0, -6.0, 0.0, 3.0, 24.0] {
                            let p = BiquadParams {
                                freq_hz: f0,
                                q,
                                gain_db,
                            };
                            let c = Coeffs::design(kind, &p, fs);
                            for f in log_freqs(200, 20.0, 0.45 * fs) {
                                let analytic = magnitude_db(kind, &p, f, fs);
                                let actual = c.magnitude_db(f, fs);
                                // Deep notches/band-pass skirts below −100 dB are compared
                                // loosely: 0.05 dB of −150 dB is beyond f64 cancellation.
                                if analytic < -100.0 {
                                    assert!(actual < -90.0, "{kind:?} {p:?} at {f}");
                                    continue;
                                }
                                let err = (analytic - actual).abs();
                                assert!(
                                    err < 0.05,
                                    "{kind:?} fs={fs} {p:?} f={f}: analytic {analytic} vs {actual}"
                                );
                                worst = worst.max(err);
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        eprintln!("biquad: {checked} points, worst |error| = {worst:.3e} dB");
    }

    /// Spot checks of the analytic formulas themselves against textbook facts.
    #[test]
    fn analytic_response_has_textbook_values() {
        let fs = 48_000.0;
        let p = |freq_hz, q, gain_db| BiquadParams {
            freq_hz,
            q,
            gain_db,
        };
        // Butterworth low/high-pass: −3.0103 dB at the corner.
        let bw = p(1000.0, std::f64::consts::FRAC_1_SQRT_2, 0.0);
        assert!((magnitude_db(FilterKind::LowPass, &bw, 1000.0, fs) + 3.0103).abs() < 1e-3);
        assert!((magnitude_db(FilterKind::HighPass, &bw, 1000.0, fs) + 3.0103).abs() < 1e-3);
        // Peak: full gain at the centre; shelves: half the gain (in dB) at the corner.
        let pk = p(2000.0, 2.0, 9.0);
        assert!((magnitude_db(FilterKind::Peak, &pk, 2000.0, fs) - 9.0).abs() < 1e-9);
        let sh = p(500.0, std::f64::consts::FRAC_1_SQRT_2, 12.0);
        assert!((magnitude_db(FilterKind::LowShelf, &sh, 500.0, fs) - 6.0).abs() < 1e-9);
        assert!((magnitude_db(FilterKind::HighShelf, &sh, 500.0, fs) - 6.0).abs() < 1e-9);
        assert!((magnitude_db(FilterKind::LowShelf, &sh, 5.0, fs) - 12.0).abs() < 0.01);
        assert!(magnitude_db(FilterKind::LowShelf, &sh, 20_000.0, fs).abs() < 0.01);
        assert!((magnitude_db(FilterKind::HighShelf, &sh, 20_000.0, fs) - 12.0).abs() < 0.05);
        // All-pass: unity everywhere; band-pass: 0 dB at the centre.
        assert!(magnitude_db(FilterKind::AllPass, &pk, 123.0, fs).abs() < 1e-9);
        assert!(magnitude_db(FilterKind::BandPass, &pk, 2000.0, fs).abs() < 1e-9);
    }

    #[test]
    fn zero_gain_shelves_and_peaks_are_exact_identities() {
        for kind in [
            FilterKind::Peak,
            FilterKind::LowShelf,
            FilterKind::HighShelf,
        ] {
            for f in [10.0, 1000.0, 23_000.0] {
                for q in [0.1, 1.0, 20.0] {
                    let c = Coeffs::design(
                        kind,
                        &BiquadParams {
                            freq_hz: f,
                            q,
                            gain_db: 0.0,
                        },
                        48_000.0,
                    );
                    assert!(c.is_identity(), "{kind:?} {f} {q}: {c:?}");
                }
            }
        }
    }

    #[test]
    fn butterworth_section_qs() {
        assert!((butterworth_q(4, 0) - 0.541_196_1).abs() < 1e-6);
        assert!((butterworth_q(4, 1) - 1.306_563).abs() < 1e-6);
        assert!((butterworth_q(2, 0) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
    }

    #[test]
    fn poles_stay_inside_the_unit_circle_at_the_extremes() {
        for fs in [44_100.0, 96_000.0] {
            for kind in ALL {
                for f in [10.0, 0.49 * fs] {
                    for q in [0.1, 20.0] {
                        for g in [-24.0, 24.0] {
                            let c = Coeffs::design(
                                kind,
                                &BiquadParams {
                                    freq_hz: f,
                                    q,
                                    gain_db: g,
                                },
                                fs,
                            );
                            // Stability triangle of z² + a1 z + a2.
                            assert!(c.a2.abs() < 1.0, "{kind:?} {c:?}");
                            assert!(c.a1.abs() < 1.0 + c.a2, "{kind:?} {c:?}");
                        }
                    }
                }
            }
        }
    }

    /// The section's time-domain output equals the difference equation evaluated directly.
    #[test]
    fn stereo_section_runs_the_difference_equation() {
        let c = Coeffs::design(
            FilterKind::Peak,
            &BiquadParams {
                freq_hz: 1000.0,
                q: 2.0,
                gain_db: 6.0,
            },
            48_000.0,
        );
        let mut s = StereoBiquad::new(c);
        let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
        for n in 0..500 {
            let x = ((n * 7919) % 113) as f64 / 56.0 - 1.0;
            let y = c.b0 * x + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
            let out = s.tick(F64x2::new(x, -x));
            assert!((out.l() - y).abs() < 1e-12 && (out.r() + y).abs() < 1e-12);
            (x2, x1, y2, y1) = (x1, x, y1, y);
        }
        s.reset();
        assert_eq!(s.state(), [(0.0, 0.0), (0.0, 0.0)]);
        // The block methods run the same recursion.
        let mut a = StereoBiquad::new(c);
        let mut b = StereoBiquad::new(c);
        let mut l: Vec<f32> = (0..64).map(|n| ((n * 37) % 11) as f32 / 11.0).collect();
        let mut r = l.clone();
        let mut m = l.clone();
        a.process_stereo(&mut l, &mut r);
        b.process_mono(&mut m);
        assert_eq!(l, r);
        assert_eq!(l, m);
    }
}
