//! PLACEHOLDER.
/// Constant-power pan.
pub fn mono_pan(pan: f32) -> (f32, f32) {
    let t = (pan as f64 + 1.0) * std::f64::consts::FRAC_PI_4;
    (t.cos() as f32, t.sin() as f32)
}
/// Balance.
pub fn stereo_balance(pan: f32) -> (f32, f32) {
    (
        if pan > 0.0 { 1.0 - pan } else { 1.0 },
        if pan < 0.0 { 1.0 + pan } else { 1.0 },
    )
}
