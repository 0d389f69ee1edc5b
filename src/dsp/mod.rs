//! Signal processors: pure functions of their input and parameters.
//!
//! Nothing here knows about tracks, projects, threads or the GUI. Every processor
//!
//! - allocates only in its constructor; `process` and the `set_*` methods never allocate, lock
//!   or do I/O, so they can run on the real-time audio thread;
//! - gives bit-identical output however the audio is split into blocks (one call of N samples
//!   or any sequence of shorter calls down to one sample), and for parameter changes applied at
//!   the same sample position: all smoothing and coefficient updates follow the processor's own
//!   sample counter, never call boundaries;
//! - works on planar `f32` buffers with `f64` state and accumulators;
//! - takes parameters in dB/Hz/ms and converts them once per change;
//! - brings decaying state to exact zeros so silence never produces subnormal numbers (the
//!   engine additionally holds a [`FlushDenormals`] guard around every graph process call).
//!
//! | module | holds |
//! |---|---|
//! | [`smoother`] | [`Ramp`]: per-sample linear parameter ramps (gain, pan, send) |
//! | [`pan`] | pan laws: [`mono_gains`] (0, −3, −4.5, −6 dB at the centre), [`stereo_gains`] (balance, width + position) |
//! | [`biquad`] | RBJ cookbook designs, their analytic responses, a stereo f64 section |
//! | [`eq`] | [`ChannelEq`]: six bands (HP, shelves, bells, LP), glided and crossfaded; its band settings and safety bounds in `eq_params` |
//! | [`eq_response`] | the EQ's analytic response, drawn by the GUI |
//! | [`compressor`] | [`Compressor`]: feed-forward, stereo-linked, peak/RMS, soft knee; its static curve |
//! | [`reverb`] | [`Reverb`]: 8-line FDN with pre-delay, diffusion, RT60 at 1 kHz, width |
//! | [`limiter`] | [`TruePeakLimiter`]: 1.5 ms look-ahead, ceiling in dBTP |
//! | [`true_peak`] | [`TruePeakMeter`]: BS.1770-4 Annex 2, 4× oversampling |
//! | [`meter`] | [`LevelMeter`] (peak/RMS/clip) and [`LoudnessMeter`] (M, S, I, true peak) |
//! | [`loudness`] | [`analyze`] / [`LoudnessAnalyzer`]: integrated, LRA, sample and true peak |
//! | [`loudness_max`] | [`LoudnessMaxima`]: momentary and short-term maxima over every window |
//! | [`analysis`] | [`SignalAnalyzer`]: a stereo signal's loudness, dynamics and stereo readouts |
//! | [`ltas`] | [`LtasAnalyzer`]: long-term average spectrum, 1/6-octave curve, band table |
//! | [`spectrum`] | [`SpectrumAnalyzer`]: Hann-windowed real FFT for display |
//! | [`db`] | dB ↔ gain, exact and fast per-sample versions |
//! | [`denormal`] | [`FlushDenormals`]: FTZ/DAZ guard |
//!
//! Stereo processing runs both channels in the two lanes of one f64 vector (SSE2 on x86_64,
//! plain arrays elsewhere, with bit-identical results); the EQ cascade also has an AVX kernel,
//! chosen at run time, that gives the same bits.

// DSP code walks parallel fixed-size arrays (taps, lanes, sections) by index on purpose.
#![allow(clippy::needless_range_loop)]
#![warn(missing_docs)]

pub mod analysis;
pub mod biquad;
mod cascade;
pub mod compressor;
pub mod db;
pub mod denormal;
pub mod eq;
mod eq_params;
pub mod eq_response;
pub mod limiter;
pub mod loudness;
pub mod loudness_max;
pub mod ltas;
pub mod meter;
pub mod pan;
pub mod reverb;
mod simd;
pub mod smoother;
pub mod spectrum;
#[cfg(test)]
mod test_util;
pub mod true_peak;

pub use analysis::{SignalAnalyzer, SignalReport};
pub use biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad};
pub use compressor::{Compressor, CompressorParams, Detector};
pub use db::{db_to_gain, gain_to_db, gain_to_db_f32};
pub use denormal::FlushDenormals;
pub use eq::{BandKind, BandParams, ChannelEq, EqParams, Slope};
pub use eq_response::response_db as eq_response_db;
pub use limiter::{LimiterParams, TruePeakLimiter};
pub use loudness::{LoudnessAnalyzer, LoudnessReport, analyze};
pub use loudness_max::LoudnessMaxima;
pub use ltas::{Ltas, LtasAnalyzer};
pub use meter::{LevelMeter, LevelReport, LoudnessMeter, LoudnessReading, MeterError};
pub use pan::{MonoLaw, PanMatrix, StereoLaw, mono_gains, mono_pan, stereo_balance, stereo_gains};
pub use reverb::{Reverb, ReverbParams};
pub use smoother::Ramp;
pub use spectrum::SpectrumAnalyzer;
pub use true_peak::TruePeakMeter;
