//! PLACEHOLDER.
/// Params.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompressorParams;
impl From<&crate::project::Compressor> for CompressorParams {
    fn from(_: &crate::project::Compressor) -> Self {
        CompressorParams
    }
}
/// Comp.
pub struct Compressor;
impl Compressor {
    /// New.
    pub fn new(_rate: f32) -> Self {
        Compressor
    }
    /// Set.
    pub fn set_params(&mut self, _p: &CompressorParams) {}
    /// Process.
    pub fn process(&mut self, _b: &mut [&mut [f32]]) {}
    /// Reset.
    pub fn reset(&mut self) {}
    /// GR.
    pub fn gain_reduction_db(&self) -> f32 {
        0.0
    }
}
