//! Signal processors. PLACEHOLDER versions until the dsp branch lands.

pub mod compressor;
pub mod denormal;
pub mod eq;
pub mod loudness;
pub mod pan;
pub mod smoother;
