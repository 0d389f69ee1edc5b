//! The accepted range and the reset value of every parameter the window edits: the one place
//! the GUI defines them. (When the project model defines its ranges, this function becomes a
//! lookup of those; nothing else in the GUI needs to change.)

use super::{MasterField, Param, ReverbField, TrackField};
use crate::project::{Band, Track};

/// Accepted values of a parameter and its reset (double-click) value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Lowest accepted value (−∞ allowed for levels).
    pub min: f32,
    /// Highest accepted value.
    pub max: f32,
    /// Reset value.
    pub default: f32,
}

const fn r(min: f32, max: f32, default: f32) -> Range {
    Range { min, max, default }
}

/// A level on a fader: −∞ … +12 dB, reset to 0 dB.
const FADER: Range = r(f32::NEG_INFINITY, 12.0, 0.0);

/// Default (enabled, freq, gain, q) of a band.
fn default_band(b: Band) -> (bool, f32, f32, f32) {
    Track::default().eq.band_values(b)
}

/// The range of `param`.
pub fn range(param: Param) -> Range {
    match param {
        Param::Track(_, f) => match f {
            TrackField::Gain => FADER,
            TrackField::Trim => r(-24.0, 24.0, 0.0),
            TrackField::Pan => r(-1.0, 1.0, 0.0),
            TrackField::Width => r(0.0, 1.0, 1.0),
            TrackField::Send => r(f32::NEG_INFINITY, 6.0, f32::NEG_INFINITY),
            TrackField::Freq(b) => r(20.0, 20_000.0, default_band(b).1),
            TrackField::BandGain(_) => r(-24.0, 24.0, 0.0),
            TrackField::Q(b) => r(0.1, 18.0, default_band(b).3),
            TrackField::Threshold => r(-60.0, 0.0, -18.0),
            TrackField::Ratio => r(1.0, 100.0, 4.0),
            TrackField::Attack => r(0.05, 1000.0, 10.0),
            TrackField::Release => r(1.0, 5000.0, 120.0),
            TrackField::Knee => r(0.0, 24.0, 6.0),
            TrackField::Makeup => r(-24.0, 36.0, 0.0),
        },
        Param::Reverb(f) => match f {
            ReverbField::PreDelay => r(0.0, 500.0, 20.0),
            ReverbField::Decay => r(0.1, 30.0, 1.8),
            ReverbField::Damping => r(0.0, 1.0, 0.4),
            ReverbField::Size => r(0.0, 1.0, 0.6),
            ReverbField::Width => r(0.0, 1.0, 1.0),
            ReverbField::Return => FADER,
        },
        Param::Master(f) => match f {
            MasterField::Gain => FADER,
            MasterField::Ceiling => r(-24.0, 0.0, -1.0),
            MasterField::LimiterRelease => r(1.0, 2000.0, 50.0),
        },
    }
}
