//! PLACEHOLDER until the media branch lands.
/// Decoded stem audio at the project rate.
#[derive(Debug)]
pub struct StemAudio {
    /// Planar samples, 1 or 2 channels.
    pub channels: Vec<Vec<f32>>,
    /// Rate in Hz.
    pub sample_rate: u32,
}
