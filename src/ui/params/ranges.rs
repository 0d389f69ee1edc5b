//! The accepted range and the reset value of every parameter the window edits: a lookup of the
//! project's ranges ([`crate::project::ranges`]), the one definition the loader and the engine
//! use too. Reset values are the project's defaults (a band's frequency and Q: its place's
//! default).

use super::{MasterField, Param, ReverbField, TrackField};
use crate::project::ranges::{self, ParamRange};

/// Accepted values of a parameter and its reset (double-click) value.
pub type Range = ParamRange;

/// The range of `param`.
pub fn range(param: Param) -> Range {
    match param {
        Param::Track(_, f) => match f {
            TrackField::Gain => ranges::TRACK_GAIN_DB,
            TrackField::Trim => ranges::TRIM_DB,
            TrackField::Pan => ranges::PAN,
            TrackField::Width => ranges::TRACK_WIDTH,
            TrackField::Send => ranges::SEND_DB,
            TrackField::Freq(b) => ranges::eq_freq_hz(b),
            TrackField::BandGain(b) => ranges::eq_gain_db(b).unwrap_or(ranges::EQ_GAIN_DB),
            TrackField::Q(b) => ranges::eq_q(b),
            TrackField::Threshold => ranges::COMP_THRESHOLD_DB,
            TrackField::Ratio => ranges::COMP_RATIO,
            TrackField::Attack => ranges::COMP_ATTACK_MS,
            TrackField::Release => ranges::COMP_RELEASE_MS,
            TrackField::Knee => ranges::COMP_KNEE_DB,
            TrackField::Makeup => ranges::COMP_MAKEUP_DB,
        },
        Param::Reverb(f) => match f {
            ReverbField::PreDelay => ranges::REVERB_PRE_DELAY_MS,
            ReverbField::Decay => ranges::REVERB_DECAY_S,
            ReverbField::Damping => ranges::REVERB_DAMPING,
            ReverbField::Size => ranges::REVERB_SIZE,
            ReverbField::Width => ranges::REVERB_WIDTH,
            ReverbField::Return => ranges::REVERB_RETURN_DB,
        },
        Param::Master(f) => match f {
            MasterField::Gain => ranges::MASTER_GAIN_DB,
            MasterField::Ceiling => ranges::LIMITER_CEILING_DBTP,
            MasterField::LimiterRelease => ranges::LIMITER_RELEASE_MS,
        },
    }
}
