//! The EQ and compressor curves the strips and the editor draw.
//!
//! The GUI computes no DSP: every point comes from the `dsp` processors' own response
//! functions, fed through [`engine::params`](crate::engine::params) (the mapping the engine
//! uses to build the strip's processors), so a curve is by construction what the strip plays,
//! clamps included.

use crate::dsp::compressor::static_output_db;
use crate::engine::params;
use crate::project::{Band, CompressorSettings, EqSettings};
use crate::ui::widgets::curve::{comp_input_db, eq_frequency};

/// Points of a strip's small EQ preview.
pub const PREVIEW_POINTS: usize = 61;
/// Points of the editor's EQ curve.
pub const EDITOR_POINTS: usize = 241;
/// Points of a compressor curve (one per dB of input from −60 to 0 dBFS).
pub const COMPRESSOR_POINTS: usize = 61;

/// The EQ's gain in dB at `n` log-spaced frequencies ([`eq_frequency`]`(i, n)`) for audio at
/// `rate`: the analytic response of the channel EQ the engine builds for these settings.
pub fn eq_db(eq: &EqSettings, rate: u32, n: usize) -> Vec<f32> {
    // Below ~21 Hz the EQ's own frequency range (10 Hz … 0.49·fs) is empty: nothing to draw.
    if rate < 21 {
        return vec![0.0; n];
    }
    let freqs: Vec<f32> = (0..n).map(|i| eq_frequency(i, n)).collect();
    params::eq_response_db(eq, rate, &freqs)
}

/// Band `band`'s own response (the EQ with only that band, as it is, switched on), in dB at
/// `n` log-spaced frequencies as [`eq_db`].
pub fn band_db(eq: &EqSettings, band: Band, rate: u32, n: usize) -> Vec<f32> {
    let (on, ..) = eq.band_values(band);
    let mut only = *eq;
    for b in Band::ALL {
        only.set_enabled(b, b == band && on);
    }
    eq_db(&only, rate, n)
}

/// The output level (dB, makeup not included) the compressor's static curve gives an input
/// level of `input_db` — where the live-input dot sits on the drawn curve.
pub fn compressor_point_db(c: &CompressorSettings, input_db: f32) -> f32 {
    let p = crate::dsp::CompressorParams {
        enabled: true,
        makeup_db: 0.0,
        ..params::compressor(c)
    };
    static_output_db(&p, f64::from(input_db)) as f32
}

/// The compressor's static curve: output level in dB (makeup not included) at `n` input levels
/// ([`comp_input_db`]`(i, n)`), as the engine's compressor computes its gain reduction.
pub fn compressor_db(c: &CompressorSettings, n: usize) -> Vec<f32> {
    // The curve of the settings, drawn also while the compressor is switched off.
    (0..n)
        .map(|i| compressor_point_db(c, comp_input_db(i, n)))
        .collect()
}

/// The compressor threshold as the engine uses it (clamped), for the curve's threshold line.
pub fn compressor_threshold_db(c: &CompressorSettings) -> f32 {
    params::compressor(c).clamped().threshold_db
}

/// The curves of one track, recomputed only when what they are drawn from changes.
#[derive(Clone, Debug, Default)]
pub struct TrackCurves {
    key: Option<(EqSettings, CompressorSettings, u32)>,
    /// EQ response, dB at `eq_frequency(i, len)`.
    pub eq: Vec<f32>,
    /// Each band's own response (in [`Band::ALL`] order), dB at `eq_frequency(i, len)`.
    pub bands: Vec<Vec<f32>>,
    /// Compressor output, dB at `comp_input_db(i, len)`.
    pub compressor: Vec<f32>,
    /// The (clamped) threshold.
    pub threshold_db: f32,
}

impl TrackCurves {
    /// Brings the curves up to date with `eq`, `c` and `rate` (`eq_points` EQ points); does
    /// nothing when they already are.
    pub fn update(&mut self, eq: &EqSettings, c: &CompressorSettings, rate: u32, eq_points: usize) {
        let key = (*eq, *c, rate);
        if self.key == Some(key) && self.eq.len() == eq_points {
            return;
        }
        if self.key.is_none_or(|k| k.0 != *eq || k.2 != rate) || self.eq.len() != eq_points {
            self.eq = eq_db(eq, rate, eq_points);
            self.bands = Band::ALL
                .into_iter()
                .map(|b| band_db(eq, b, rate, eq_points))
                .collect();
        }
        if self.key.is_none_or(|k| k.1 != *c) {
            self.compressor = compressor_db(c, COMPRESSOR_POINTS);
            self.threshold_db = compressor_threshold_db(c);
        }
        self.key = Some(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{EqBand, Slope};

    fn at(eq: &EqSettings, i: usize) -> f32 {
        eq_db(eq, 48_000, EDITOR_POINTS)[i]
    }

    /// Index of the editor point nearest to `hz`.
    fn index_of(hz: f32) -> usize {
        (0..EDITOR_POINTS)
            .min_by(|&a, &b| {
                let d = |i| (eq_frequency(i, EDITOR_POINTS) / hz).ln().abs();
                d(a).total_cmp(&d(b))
            })
            .unwrap()
    }

    #[test]
    fn flat_when_off_and_textbook_points_when_on() {
        let mut eq = EqSettings::default();
        assert!(eq_db(&eq, 48_000, 31).iter().all(|d| d.abs() < 1e-6));
        let f = eq_frequency(index_of(1000.0), EDITOR_POINTS);
        eq.peak1 = EqBand {
            enabled: true,
            freq_hz: f,
            gain_db: 6.0,
            q: 1.0,
        };
        assert!((at(&eq, index_of(1000.0)) - 6.0).abs() < 0.01);
        assert!(at(&eq, 0).abs() < 0.1);
        eq.peak1.enabled = false;
        eq.high_pass.enabled = true;
        eq.high_pass.freq_hz = eq_frequency(index_of(100.0), EDITOR_POINTS);
        // Butterworth: −3 dB at the corner.
        assert!((at(&eq, index_of(100.0)) + 3.01).abs() < 0.05);
        eq.high_pass.slope = Slope::Db24;
        assert!((at(&eq, index_of(100.0)) + 3.01).abs() < 0.05);
    }

    #[test]
    fn compressor_curve_is_unity_below_the_knee_and_ratio_above() {
        let c = CompressorSettings {
            threshold_db: -20.0,
            ratio: 4.0,
            knee_db: 0.0,
            ..CompressorSettings::default()
        };
        let out = compressor_db(&c, COMPRESSOR_POINTS);
        // Input −40 dB (index 20): untouched; 0 dB (index 60): −20 + 20/4 = −15 dB.
        assert!((out[20] + 40.0).abs() < 1e-6);
        assert!((out[60] + 15.0).abs() < 1e-6);
        // Out of range settings are clamped as the engine clamps them (threshold ≤ 0 dB).
        let wild = CompressorSettings {
            threshold_db: 10.0,
            ..c
        };
        assert_eq!(compressor_threshold_db(&wild), 0.0);
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
        assert!(eq_db(&eq, 48_000, 61).iter().all(|d| d.is_finite()));
        assert!(eq_db(&eq, 0, 61).iter().all(|d| *d == 0.0));
        let c = CompressorSettings {
            threshold_db: f32::NAN,
            ratio: -3.0,
            knee_db: f32::INFINITY,
            ..CompressorSettings::default()
        };
        assert!(compressor_db(&c, 61).iter().all(|d| d.is_finite()));
    }
}
