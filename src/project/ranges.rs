//! The range and default of every numeric setting of a project, defined once: the engine
//! clamps each value to its range before handing it to the DSP (a loaded value outside its
//! range plays as its limit), and the window's controls span these ranges.
//!
//! These are user ranges: what a mix may ask for. The DSP processors have wider safety limits
//! of their own (no NaN, nothing at or above Nyquist), which only matter to code that drives
//! them directly.

use super::eq::{Band, EqSettings};
use super::model::SILENCE_DB;

/// The allowed values of one numeric setting, and its default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamRange {
    /// Lowest value (−∞ for levels that can be switched off).
    pub min: f32,
    /// Highest value.
    pub max: f32,
    /// The value of a fresh project (and of a NaN).
    pub default: f32,
}

impl ParamRange {
    /// A range from `min` to `max` with `default`.
    pub const fn new(min: f32, max: f32, default: f32) -> ParamRange {
        ParamRange { min, max, default }
    }

    /// `value` limited to the range; NaN becomes the default. For a range reaching −∞,
    /// anything at or below [`SILENCE_DB`] is −∞ (silence), as the engine plays it.
    pub fn clamp(&self, value: f32) -> f32 {
        if value.is_nan() {
            return self.default;
        }
        if self.min == f32::NEG_INFINITY && value <= SILENCE_DB {
            return f32::NEG_INFINITY;
        }
        value.clamp(self.min, self.max)
    }

    /// Whether `value` is inside the range (NaN is not).
    pub fn contains(&self, value: f32) -> bool {
        value >= self.min && value <= self.max
    }
}

/// A track's fader in dB (−∞ … +12).
pub const TRACK_GAIN_DB: ParamRange = ParamRange::new(f32::NEG_INFINITY, 12.0, 0.0);
/// A track's input trim in dB.
pub const TRIM_DB: ParamRange = ParamRange::new(-24.0, 24.0, 0.0);
/// Pan (mono stems) or balance (stereo stems): −1 left … +1 right.
pub const PAN: ParamRange = ParamRange::new(-1.0, 1.0, 0.0);
/// A stereo track's width under the width + position pan law: 0 (mono) … 1 (as recorded).
pub const TRACK_WIDTH: ParamRange = ParamRange::new(0.0, 1.0, 1.0);
/// A track's reverb send in dB (off by default).
pub const SEND_DB: ParamRange = ParamRange::new(f32::NEG_INFINITY, 6.0, f32::NEG_INFINITY);

/// Frequency of any EQ band in Hz (the audible range; the DSP also keeps it below 0.49·fs).
const EQ_FREQ_HZ: (f32, f32) = (20.0, 20_000.0);
/// Boost or cut of a shelf or bell in dB.
pub const EQ_GAIN_DB: ParamRange = ParamRange::new(-24.0, 24.0, 0.0);
/// Q of any EQ band.
const EQ_Q: (f32, f32) = (0.1, 18.0);

/// Frequency of EQ band `band` in Hz, with that band's default.
pub fn eq_freq_hz(band: Band) -> ParamRange {
    let (_, f, _, _) = EqSettings::default().band_values(band);
    ParamRange::new(EQ_FREQ_HZ.0, EQ_FREQ_HZ.1, f)
}

/// Gain of EQ band `band` in dB; `None` for the pass filters, which have none.
pub fn eq_gain_db(band: Band) -> Option<ParamRange> {
    (!band.is_pass()).then_some(EQ_GAIN_DB)
}

/// Q of EQ band `band` (24 dB/oct pass filters ignore it), with that band's default.
pub fn eq_q(band: Band) -> ParamRange {
    let (_, _, _, q) = EqSettings::default().band_values(band);
    ParamRange::new(EQ_Q.0, EQ_Q.1, q)
}

/// Compressor threshold in dBFS.
pub const COMP_THRESHOLD_DB: ParamRange = ParamRange::new(-60.0, 0.0, -18.0);
/// Compressor ratio n:1 (1 = no compression).
pub const COMP_RATIO: ParamRange = ParamRange::new(1.0, 100.0, 4.0);
/// Compressor attack time constant in ms.
pub const COMP_ATTACK_MS: ParamRange = ParamRange::new(0.05, 1000.0, 10.0);
/// Compressor release time constant in ms.
pub const COMP_RELEASE_MS: ParamRange = ParamRange::new(1.0, 5000.0, 120.0);
/// Compressor knee width in dB (0 = hard knee).
pub const COMP_KNEE_DB: ParamRange = ParamRange::new(0.0, 24.0, 6.0);
/// Compressor make-up gain in dB.
pub const COMP_MAKEUP_DB: ParamRange = ParamRange::new(-24.0, 36.0, 0.0);

/// Reverb pre-delay in ms (the reverb's delay line holds 250 ms).
pub const REVERB_PRE_DELAY_MS: ParamRange = ParamRange::new(0.0, 250.0, 20.0);
/// Reverb decay time (RT60 at 1 kHz) in seconds.
pub const REVERB_DECAY_S: ParamRange = ParamRange::new(0.1, 20.0, 1.8);
/// Reverb high-frequency damping, 0 (bright) … 1 (dark).
pub const REVERB_DAMPING: ParamRange = ParamRange::new(0.0, 1.0, 0.4);
/// Reverb room size, 0 … 1.
pub const REVERB_SIZE: ParamRange = ParamRange::new(0.0, 1.0, 0.6);
/// Reverb stereo width, 0 (mono) … 1.
pub const REVERB_WIDTH: ParamRange = ParamRange::new(0.0, 1.0, 1.0);
/// Reverb return level in dB (a fader).
pub const REVERB_RETURN_DB: ParamRange = ParamRange::new(f32::NEG_INFINITY, 12.0, 0.0);

/// Master fader in dB.
pub const MASTER_GAIN_DB: ParamRange = ParamRange::new(f32::NEG_INFINITY, 12.0, 0.0);
/// Limiter ceiling in dBTP.
pub const LIMITER_CEILING_DBTP: ParamRange = ParamRange::new(-24.0, 0.0, -1.0);
/// Limiter release time constant in ms.
pub const LIMITER_RELEASE_MS: ParamRange = ParamRange::new(1.0, 2000.0, 50.0);

/// A reference's trim in dB (on top of loudness matching).
pub const REFERENCE_TRIM_DB: ParamRange = ParamRange::new(-24.0, 24.0, 0.0);
/// The gain a reference plays at (match gain plus trim) in dB: wide enough to match a very
/// quiet reference to a loud mix, bounded so that a wild figure cannot blow up the output.
pub const REFERENCE_GAIN_DB: ParamRange = ParamRange::new(f32::NEG_INFINITY, 48.0, 0.0);
/// The monitor level in dB (session state: scales whatever plays, never part of the mix).
pub const MONITOR_LEVEL_DB: ParamRange = ParamRange::new(f32::NEG_INFINITY, 6.0, 0.0);

/// Sample rates a project can mix at, in Hz.
pub const SAMPLE_RATE_HZ: std::ops::RangeInclusive<u32> = 8_000..=384_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{
        CompressorSettings, LimiterSettings, Master, Reference, ReverbBus, Track,
    };

    #[test]
    fn defaults_are_those_of_a_fresh_project_and_inside_their_ranges() {
        let t = Track::default();
        let c = CompressorSettings::default();
        let r = ReverbBus::default();
        let m = Master::default();
        let l = LimiterSettings::default();
        let checks = [
            (TRACK_GAIN_DB, t.gain_db),
            (TRIM_DB, t.trim_db),
            (PAN, t.pan),
            (TRACK_WIDTH, t.width),
            (SEND_DB, t.reverb_send_db),
            (COMP_THRESHOLD_DB, c.threshold_db),
            (COMP_RATIO, c.ratio),
            (COMP_ATTACK_MS, c.attack_ms),
            (COMP_RELEASE_MS, c.release_ms),
            (COMP_KNEE_DB, c.knee_db),
            (COMP_MAKEUP_DB, c.makeup_db),
            (REVERB_PRE_DELAY_MS, r.pre_delay_ms),
            (REVERB_DECAY_S, r.decay_s),
            (REVERB_DAMPING, r.damping),
            (REVERB_SIZE, r.size),
            (REVERB_WIDTH, r.width),
            (REVERB_RETURN_DB, r.return_db),
            (MASTER_GAIN_DB, m.gain_db),
            (LIMITER_CEILING_DBTP, l.ceiling_dbtp),
            (LIMITER_RELEASE_MS, l.release_ms),
            (REFERENCE_TRIM_DB, Reference::default().trim_db),
            (REFERENCE_GAIN_DB, 0.0),
            (MONITOR_LEVEL_DB, 0.0),
        ];
        for (i, (range, project_default)) in checks.into_iter().enumerate() {
            assert_eq!(range.default, project_default, "range {i}");
            assert_eq!(range.clamp(range.default), range.default, "range {i}");
            assert!(range.min < range.max, "range {i}");
        }
        for b in Band::ALL {
            let (_, f, g, q) = t.eq.band_values(b);
            assert_eq!(eq_freq_hz(b).default, f, "{b:?}");
            assert_eq!(eq_q(b).default, q, "{b:?}");
            assert!(eq_freq_hz(b).contains(f) && eq_q(b).contains(q), "{b:?}");
            assert_eq!(
                eq_gain_db(b).map(|r| r.default),
                (!b.is_pass()).then_some(g)
            );
        }
    }

    #[test]
    fn clamp_limits_maps_nan_to_the_default_and_silence_to_minus_infinity() {
        assert_eq!(TRIM_DB.clamp(40.0), 24.0);
        assert_eq!(TRIM_DB.clamp(-40.0), -24.0);
        assert_eq!(TRIM_DB.clamp(f32::NAN), 0.0);
        assert_eq!(TRACK_GAIN_DB.clamp(-150.0), f32::NEG_INFINITY);
        assert_eq!(TRACK_GAIN_DB.clamp(-143.0), -143.0);
        assert_eq!(TRACK_GAIN_DB.clamp(f32::INFINITY), 12.0);
        assert_eq!(COMP_THRESHOLD_DB.clamp(f32::NEG_INFINITY), -60.0);
        assert!(!PAN.contains(f32::NAN));
        assert!(SAMPLE_RATE_HZ.contains(&44_100) && !SAMPLE_RATE_HZ.contains(&4_000));
    }
}
