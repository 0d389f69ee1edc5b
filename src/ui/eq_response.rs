//! The magnitude response of a track's EQ for the curve previews, from the RBJ "audio EQ
//! cookbook" biquads the channel EQ is specified with (24 dB/oct pass filters are two
//! Butterworth sections).

use crate::project::{EqBand, EqSettings, PassBand, Slope};
use crate::ui::widgets::curve::eq_frequency;
use std::f64::consts::PI;

/// Points of the strip's small EQ preview.
pub const PREVIEW_POINTS: usize = 61;

#[derive(Clone, Copy)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 3],
}

impl Biquad {
    /// |H| in dB at angular frequency `w` (radians per sample).
    fn db_at(&self, w: f64) -> f64 {
        let (c1, c2) = (w.cos(), (2.0 * w).cos());
        let mag2 = |k: &[f64; 3]| {
            k[0] * k[0]
                + k[1] * k[1]
                + k[2] * k[2]
                + 2.0 * (k[0] * k[1] + k[1] * k[2]) * c1
                + 2.0 * k[0] * k[2] * c2
        };
        let (num, den) = (mag2(&self.b), mag2(&self.a));
        if num <= 0.0 || den <= 0.0 || !num.is_finite() || !den.is_finite() {
            return if num <= 0.0 { -120.0 } else { 0.0 };
        }
        10.0 * (num / den).log10()
    }
}

#[derive(Clone, Copy)]
enum Kind {
    HighPass,
    LowPass,
    Peak,
    LowShelf,
    HighShelf,
}

fn biquad(kind: Kind, freq: f32, gain_db: f32, q: f32, rate: f64) -> Biquad {
    let f = f64::from(freq).clamp(1.0, rate * 0.49);
    let q = f64::from(q).clamp(0.05, 50.0);
    let w0 = 2.0 * PI * f / rate;
    let (sin, cos) = w0.sin_cos();
    let alpha = sin / (2.0 * q);
    let a = 10f64.powf(f64::from(gain_db).clamp(-48.0, 48.0) / 40.0);
    let sa = 2.0 * a.sqrt() * alpha;
    let (b, a_) = match kind {
        Kind::HighPass => (
            [(1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0],
            [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
        ),
        Kind::LowPass => (
            [(1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0],
            [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
        ),
        Kind::Peak => (
            [1.0 + alpha * a, -2.0 * cos, 1.0 - alpha * a],
            [1.0 + alpha / a, -2.0 * cos, 1.0 - alpha / a],
        ),
        Kind::LowShelf => (
            [
                a * ((a + 1.0) - (a - 1.0) * cos + sa),
                2.0 * a * ((a - 1.0) - (a + 1.0) * cos),
                a * ((a + 1.0) - (a - 1.0) * cos - sa),
            ],
            [
                (a + 1.0) + (a - 1.0) * cos + sa,
                -2.0 * ((a - 1.0) + (a + 1.0) * cos),
                (a + 1.0) + (a - 1.0) * cos - sa,
            ],
        ),
        Kind::HighShelf => (
            [
                a * ((a + 1.0) + (a - 1.0) * cos + sa),
                -2.0 * a * ((a - 1.0) + (a + 1.0) * cos),
                a * ((a + 1.0) + (a - 1.0) * cos - sa),
            ],
            [
                (a + 1.0) - (a - 1.0) * cos + sa,
                2.0 * ((a - 1.0) - (a + 1.0) * cos),
                (a + 1.0) - (a - 1.0) * cos - sa,
            ],
        ),
    };
    Biquad { b, a: a_ }
}

fn pass_sections(p: &PassBand, kind: Kind, rate: f64, out: &mut Vec<Biquad>) {
    if !p.enabled {
        return;
    }
    match p.slope {
        Slope::Db12 => out.push(biquad(kind, p.freq_hz, 0.0, p.q, rate)),
        Slope::Db24 => {
            // Fourth-order Butterworth: Q = 1 / (2 cos(π/8)) and 1 / (2 cos(3π/8)).
            out.push(biquad(kind, p.freq_hz, 0.0, 0.541_196_1, rate));
            out.push(biquad(kind, p.freq_hz, 0.0, 1.306_563, rate));
        }
    }
}

fn band_section(b: &EqBand, kind: Kind, rate: f64, out: &mut Vec<Biquad>) {
    if b.enabled {
        out.push(biquad(kind, b.freq_hz, b.gain_db, b.q, rate));
    }
}

/// The EQ's gain in dB at each of `freqs` (Hz) for audio at `rate`.
pub fn response_db(eq: &EqSettings, rate: u32, freqs: impl Iterator<Item = f32>) -> Vec<f32> {
    let rate = f64::from(rate.max(8000));
    let mut sections = Vec::with_capacity(7);
    pass_sections(&eq.high_pass, Kind::HighPass, rate, &mut sections);
    band_section(&eq.low_shelf, Kind::LowShelf, rate, &mut sections);
    band_section(&eq.peak1, Kind::Peak, rate, &mut sections);
    band_section(&eq.peak2, Kind::Peak, rate, &mut sections);
    band_section(&eq.high_shelf, Kind::HighShelf, rate, &mut sections);
    pass_sections(&eq.low_pass, Kind::LowPass, rate, &mut sections);
    freqs
        .map(|f| {
            let w = 2.0 * PI * f64::from(f).clamp(1.0, rate * 0.499) / rate;
            sections.iter().map(|s| s.db_at(w)).sum::<f64>() as f32
        })
        .collect()
}

/// The response at the `n` log-spaced points the curve preview widget expects.
pub fn preview(eq: &EqSettings, rate: u32, n: usize) -> Vec<f32> {
    response_db(eq, rate, (0..n).map(|i| eq_frequency(i, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(eq: &EqSettings, f: f32) -> f32 {
        response_db(eq, 48_000, std::iter::once(f))[0]
    }

    #[test]
    fn flat_when_off_and_textbook_points_when_on() {
        let mut eq = EqSettings::default();
        assert!(preview(&eq, 48_000, 31).iter().all(|d| d.abs() < 1e-6));
        eq.peak1 = EqBand {
            enabled: true,
            freq_hz: 1000.0,
            gain_db: 6.0,
            q: 1.0,
        };
        assert!((at(&eq, 1000.0) - 6.0).abs() < 0.01);
        assert!(at(&eq, 50.0).abs() < 0.1);
        eq.peak1.enabled = false;
        eq.high_pass.enabled = true;
        eq.high_pass.freq_hz = 100.0;
        // Butterworth: −3 dB at the corner, −12 dB/oct below it.
        assert!((at(&eq, 100.0) + 3.01).abs() < 0.05);
        let oct = at(&eq, 25.0) - at(&eq, 50.0);
        assert!((oct + 12.0).abs() < 0.5, "{oct}");
        eq.high_pass.slope = Slope::Db24;
        assert!((at(&eq, 100.0) + 3.01).abs() < 0.05);
        let oct = at(&eq, 25.0) - at(&eq, 50.0);
        assert!((oct + 24.0).abs() < 0.7, "{oct}");
        eq.high_pass.enabled = false;
        eq.high_shelf = EqBand {
            enabled: true,
            freq_hz: 2000.0,
            gain_db: -6.0,
            q: std::f32::consts::FRAC_1_SQRT_2,
        };
        assert!((at(&eq, 2000.0) + 3.0).abs() < 0.1);
        assert!((at(&eq, 18_000.0) + 6.0).abs() < 0.3);
        assert!(at(&eq, 100.0).abs() < 0.1);
    }

    #[test]
    fn silly_settings_stay_finite() {
        let mut eq = EqSettings {
            low_shelf: EqBand {
                enabled: true,
                freq_hz: f32::NAN,
                gain_db: 1e9,
                q: 0.0,
            },
            ..EqSettings::default()
        };
        eq.low_pass.enabled = true;
        eq.low_pass.freq_hz = 1e9;
        assert!(preview(&eq, 48_000, 61).iter().all(|d| d.is_finite()));
    }
}
