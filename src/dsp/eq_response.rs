//! The EQ's analytic magnitude response: what the window draws, computed from the very designs
//! and safety bounds the [`ChannelEq`](super::eq::ChannelEq) processes with.

use super::biquad::{BiquadParams, FilterKind, butterworth_q, magnitude_db};
use super::eq::{BandKind, BandParams, EqParams, Slope, clamp_band};

/// Analytic magnitude in dB at `f` Hz of an EQ with `params` at `sample_rate`, after the same
/// safety limits the processor applies: what [`ChannelEq`] does once its parameters have
/// settled (the processed response matches it within 0.05 dB). For drawing the curve.
pub fn response_db(params: &EqParams, sample_rate: f64, f: f64) -> f64 {
    let mut db = 0.0;
    for b in &params.bands {
        let p = clamp_band(b, sample_rate);
        if !p.enabled {
            continue;
        }
        for (kind, bp) in band_designs(&p) {
            db += magnitude_db(kind, &bp, f, sample_rate);
        }
    }
    db
}

/// The cookbook sections that realise one band at its target parameters.
pub(super) fn band_designs(p: &BandParams) -> impl Iterator<Item = (FilterKind, BiquadParams)> {
    let kind = p.kind;
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
