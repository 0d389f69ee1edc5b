//! PLACEHOLDER.
/// Placeholder FTZ guard.
pub struct FlushDenormals;
impl FlushDenormals {
    /// Placeholder.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        FlushDenormals
    }
}
