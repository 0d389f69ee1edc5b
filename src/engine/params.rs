//! Maps the project's settings onto the DSP processors' parameter types (dsp knows nothing of
//! projects).

use crate::dsp::{self, BandParams, CompressorParams, EqParams, LimiterParams, ReverbParams};
use crate::project;

/// The linear gain of a level setting in dB (fader, trim, send, return): the project's
/// convention makes [`project::SILENCE_DB`] and below (and NaN) exactly silent.
pub fn level_gain(db: f32) -> f32 {
    if db.is_nan() || db <= project::SILENCE_DB {
        0.0
    } else {
        // f64 so that e.g. −6.0206 dB halves to within f32 rounding.
        dsp::db_to_gain(db as f64) as f32
    }
}

/// The EQ settings of a track as DSP parameters (bands in processing order).
pub fn eq(e: &project::EqSettings) -> EqParams {
    let pass = |b: &project::PassBand| BandParams {
        enabled: b.enabled,
        freq_hz: b.freq_hz,
        gain_db: 0.0,
        q: b.q,
        slope: match b.slope {
            project::Slope::Db12 => dsp::Slope::Db12,
            project::Slope::Db24 => dsp::Slope::Db24,
        },
    };
    let band = |b: &project::EqBand| BandParams {
        enabled: b.enabled,
        freq_hz: b.freq_hz,
        gain_db: b.gain_db,
        q: b.q,
        slope: dsp::Slope::Db12,
    };
    EqParams {
        bands: [
            pass(&e.high_pass),
            band(&e.low_shelf),
            band(&e.peak1),
            band(&e.peak2),
            band(&e.high_shelf),
            pass(&e.low_pass),
        ],
    }
}

/// The compressor settings of a track as DSP parameters.
pub fn compressor(c: &project::CompressorSettings) -> CompressorParams {
    CompressorParams {
        enabled: c.enabled,
        threshold_db: c.threshold_db,
        ratio: c.ratio,
        attack_ms: c.attack_ms,
        release_ms: c.release_ms,
        knee_db: c.knee_db,
        makeup_db: c.makeup_db,
        detector: match c.detector {
            project::Detector::Peak => dsp::Detector::Peak,
            project::Detector::Rms => dsp::Detector::Rms,
        },
    }
}

/// The reverb bus settings as DSP parameters.
pub fn reverb(r: &project::ReverbBus) -> ReverbParams {
    ReverbParams {
        pre_delay_ms: r.pre_delay_ms,
        decay_s: r.decay_s,
        damping: r.damping,
        size: r.size,
        width: r.width,
    }
}

/// The master limiter settings as DSP parameters.
pub fn limiter(l: &project::LimiterSettings) -> LimiterParams {
    LimiterParams {
        enabled: l.enabled,
        ceiling_dbtp: l.ceiling_dbtp,
        release_ms: l.release_ms,
    }
}
