//! Maps the project's settings onto the DSP processors' parameter types (dsp knows nothing of
//! projects). Every value is first limited to its range in [`project::ranges`], the one
//! definition of what a setting may be; the processors' own limits are only safety guards.
//!
//! The window draws its curves from the same mapping ([`eq_response_db`],
//! [`compressor_output_db`]), so what it shows is what the engine processes.

use crate::dsp::{self, BandKind, BandParams, CompressorParams, EqParams, LimiterParams};
use crate::dsp::{ReverbParams, compressor, eq_response};
use crate::project::{self, Band, ParamRange, ranges};

/// The linear gain of a level setting in dB, limited to `range`: the project's convention
/// makes [`project::SILENCE_DB`] and below (and NaN) exactly silent.
pub fn level_gain(db: f32, range: ParamRange) -> f32 {
    if db.is_nan() || db <= project::SILENCE_DB {
        0.0
    } else {
        // f64 so that e.g. −6.0206 dB halves to within f32 rounding.
        dsp::db_to_gain(range.clamp(db) as f64) as f32
    }
}

/// The linear gain of a track's input trim.
pub fn trim_gain(db: f32) -> f32 {
    level_gain(db, ranges::TRIM_DB)
}

/// The linear gain of a track's fader.
pub fn fader_gain(db: f32) -> f32 {
    level_gain(db, ranges::TRACK_GAIN_DB)
}

/// The linear gain of a track's reverb send.
pub fn send_gain(db: f32) -> f32 {
    level_gain(db, ranges::SEND_DB)
}

/// The linear gain of the reverb return (0 when muted).
pub fn return_gain(r: &project::ReverbBus) -> f32 {
    if r.mute {
        0.0
    } else {
        level_gain(r.return_db, ranges::REVERB_RETURN_DB)
    }
}

/// The linear gain of the master fader plus `trim_db`, a gain beyond the fader's range
/// (loudness normalisation of a bounce; 0 otherwise).
pub fn master_gain(fader_db: f32, trim_db: f32) -> f32 {
    if fader_db.is_nan() || fader_db <= project::SILENCE_DB {
        return 0.0;
    }
    let db = ranges::MASTER_GAIN_DB.clamp(fader_db) + trim_db;
    if db.is_nan() || db <= project::SILENCE_DB {
        0.0
    } else {
        dsp::db_to_gain(db as f64) as f32
    }
}

/// A pan or balance position limited to −1…+1 (NaN: centre).
pub fn pan(p: f32) -> f32 {
    ranges::PAN.clamp(p)
}

/// The pan gains of a strip by the project's `law`, as the gains of its two outputs from its
/// own side (`direct`: left from left, right from right — for a mono strip both from its one
/// channel) and from the other side (`cross`: left from right, right from left; zero but for
/// the width + position law).
pub fn pan_gains(law: project::PanLaw, mono_source: bool, pan: f32, width: f32) -> PanGains {
    let pan = self::pan(pan);
    let mono = match law.mono {
        project::MonoPanLaw::Db0 => dsp::MonoLaw::Db0,
        project::MonoPanLaw::Db3 => dsp::MonoLaw::Db3,
        project::MonoPanLaw::Db4_5 => dsp::MonoLaw::Db4_5,
        project::MonoPanLaw::Db6 => dsp::MonoLaw::Db6,
    };
    if mono_source {
        let (l, r) = dsp::mono_gains(mono, pan);
        return PanGains {
            direct: [l, r],
            cross: [0.0, 0.0],
        };
    }
    let stereo = match law.stereo {
        project::StereoPanLaw::Balance => dsp::StereoLaw::Balance,
        project::StereoPanLaw::WidthPosition => dsp::StereoLaw::WidthPosition,
    };
    let m = dsp::stereo_gains(stereo, mono, pan, ranges::TRACK_WIDTH.clamp(width));
    PanGains {
        direct: [m[0][0], m[1][1]],
        cross: [m[0][1], m[1][0]],
    }
}

/// See [`pan_gains`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanGains {
    /// Left output from the left input, right output from the right (or the mono) input.
    pub direct: [f32; 2],
    /// Left output from the right input, right output from the left input.
    pub cross: [f32; 2],
}

/// The DSP kind of an EQ band: the project's one band list mapped onto the filter designs.
pub fn band_kind(b: Band) -> BandKind {
    match b {
        Band::HighPass => BandKind::HighPass,
        Band::LowShelf => BandKind::LowShelf,
        Band::Peak1 | Band::Peak2 => BandKind::Peak,
        Band::HighShelf => BandKind::HighShelf,
        Band::LowPass => BandKind::LowPass,
    }
}

/// One EQ band of a track as DSP parameters, limited to its ranges.
pub fn band(e: &project::EqSettings, b: Band) -> BandParams {
    let (enabled, freq_hz, gain_db, q) = e.band_values(b);
    BandParams {
        kind: band_kind(b),
        enabled,
        freq_hz: ranges::eq_freq_hz(b).clamp(freq_hz),
        gain_db: ranges::eq_gain_db(b).map_or(0.0, |r| r.clamp(gain_db)),
        q: ranges::eq_q(b).clamp(q),
        slope: match e.pass(b).map(|p| p.slope) {
            Some(project::Slope::Db24) => dsp::Slope::Db24,
            _ => dsp::Slope::Db12,
        },
    }
}

/// The EQ settings of a track as DSP parameters, bands in the order of [`Band::ALL`].
pub fn eq(e: &project::EqSettings) -> EqParams {
    EqParams {
        bands: Band::ALL.map(|b| band(e, b)),
    }
}

/// The magnitude response in dB of a track's EQ at each of `freqs_hz` for audio at
/// `sample_rate`: the very response the engine's EQ has once its parameters have settled.
pub fn eq_response_db(e: &project::EqSettings, sample_rate: u32, freqs_hz: &[f32]) -> Vec<f32> {
    let p = eq(e);
    let rate = f64::from(sample_rate);
    freqs_hz
        .iter()
        .map(|&f| eq_response::response_db(&p, rate, f64::from(f)) as f32)
        .collect()
}

/// The compressor settings of a track as DSP parameters, limited to their ranges.
pub fn compressor(c: &project::CompressorSettings) -> CompressorParams {
    CompressorParams {
        enabled: c.enabled,
        threshold_db: ranges::COMP_THRESHOLD_DB.clamp(c.threshold_db),
        ratio: ranges::COMP_RATIO.clamp(c.ratio),
        attack_ms: ranges::COMP_ATTACK_MS.clamp(c.attack_ms),
        release_ms: ranges::COMP_RELEASE_MS.clamp(c.release_ms),
        knee_db: ranges::COMP_KNEE_DB.clamp(c.knee_db),
        makeup_db: ranges::COMP_MAKEUP_DB.clamp(c.makeup_db),
        detector: match c.detector {
            project::Detector::Peak => dsp::Detector::Peak,
            project::Detector::Rms => dsp::Detector::Rms,
        },
    }
}

/// The compressor's static curve for a track: the settled output level in dB (make-up
/// included) for each input level in `inputs_db`; a disabled compressor passes levels through.
pub fn compressor_output_db(c: &project::CompressorSettings, inputs_db: &[f32]) -> Vec<f32> {
    let p = compressor(c);
    inputs_db
        .iter()
        .map(|&x| compressor::static_output_db(&p, f64::from(x)) as f32)
        .collect()
}

/// The reverb bus settings as DSP parameters, limited to their ranges.
pub fn reverb(r: &project::ReverbBus) -> ReverbParams {
    ReverbParams {
        pre_delay_ms: ranges::REVERB_PRE_DELAY_MS.clamp(r.pre_delay_ms),
        decay_s: ranges::REVERB_DECAY_S.clamp(r.decay_s),
        damping: ranges::REVERB_DAMPING.clamp(r.damping),
        size: ranges::REVERB_SIZE.clamp(r.size),
        width: ranges::REVERB_WIDTH.clamp(r.width),
    }
}

/// The master limiter settings as DSP parameters, limited to their ranges.
pub fn limiter(l: &project::LimiterSettings) -> LimiterParams {
    LimiterParams {
        enabled: l.enabled,
        ceiling_dbtp: ranges::LIMITER_CEILING_DBTP.clamp(l.ceiling_dbtp),
        release_ms: ranges::LIMITER_RELEASE_MS.clamp(l.release_ms),
    }
}
