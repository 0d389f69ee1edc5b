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

// DSP code walks parallel fixed-size arrays (taps, lanes, sections) by index on purpose.
#![allow(clippy::needless_range_loop)]

pub mod biquad;
mod cascade;
pub mod compressor;
pub mod db;
pub mod denormal;
pub mod eq;
pub mod limiter;
pub mod loudness;
pub mod meter;
pub mod pan;
pub mod reverb;
mod simd;
pub mod smoother;
pub mod spectrum;
#[cfg(test)]
mod test_util;
pub mod true_peak;

pub use biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad};
pub use compressor::{Compressor, CompressorParams, Detector};
pub use db::{db_to_gain, gain_to_db};
pub use denormal::FlushDenormals;
pub use eq::{BandParams, ChannelEq, EqParams, Slope};
pub use limiter::{LimiterParams, TruePeakLimiter};
pub use loudness::{LoudnessAnalyzer, LoudnessReport, analyze};
pub use meter::{LevelMeter, LevelReport, LoudnessMeter, LoudnessReading, MeterError};
pub use pan::{mono_pan, stereo_balance};
pub use reverb::{Reverb, ReverbParams};
pub use smoother::Ramp;
pub use spectrum::SpectrumAnalyzer;
pub use true_peak::TruePeakMeter;
