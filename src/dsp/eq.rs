//! PLACEHOLDER.
/// Params.
#[derive(Clone, Copy, Debug, Default)]
pub struct EqParams;
impl From<&crate::project::Eq> for EqParams {
    fn from(_: &crate::project::Eq) -> Self {
        EqParams
    }
}
/// EQ.
pub struct ChannelEq;
impl ChannelEq {
    /// New.
    pub fn new(_rate: f32, _ch: usize) -> Self {
        ChannelEq
    }
    /// Set.
    pub fn set_params(&mut self, _p: &EqParams) {}
    /// Process.
    pub fn process(&mut self, _b: &mut [&mut [f32]]) {}
    /// Reset.
    pub fn reset(&mut self) {}
}
