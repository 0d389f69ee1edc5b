//! PLACEHOLDER until the dsp branch lands.
/// Report.
pub struct LoudnessReport {
    /// I.
    pub integrated_lufs: f64,
    /// LRA.
    pub lra_lu: f64,
    /// SP.
    pub sample_peak_dbfs: f64,
    /// TP.
    pub true_peak_dbtp: f64,
}
/// Analyze.
pub fn analyze(_c: &[&[f32]], _rate: u32) -> LoudnessReport {
    LoudnessReport {
        integrated_lufs: f64::NAN,
        lra_lu: f64::NAN,
        sample_peak_dbfs: f64::NAN,
        true_peak_dbtp: f64::NAN,
    }
}
