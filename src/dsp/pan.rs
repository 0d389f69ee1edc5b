//! Pan laws: constant-power for mono sources, balance for stereo sources.

use std::f64::consts::FRAC_PI_4;

/// Clamps a pan position to −1 (left) … +1 (right); NaN counts as centre.
fn clamp_pan(pan: f32) -> f64 {
    if pan.is_nan() {
        0.0
    } else {
        (pan as f64).clamp(-1.0, 1.0)
    }
}

/// Constant-power (sin/cos) gains (left, right) for a mono source at `pan` ∈ [−1, 1].
///
/// Centre gives cos(π/4) = 0.70710678 on each side (−3.01 dB), so the acoustic power stays the
/// same wherever the source is placed: l² + r² = 1 everywhere.
pub fn mono_pan(pan: f32) -> (f32, f32) {
    let theta = (clamp_pan(pan) + 1.0) * FRAC_PI_4; // 0 … π/2
    (theta.cos() as f32, theta.sin() as f32)
}

/// Balance gains (left, right) for a stereo source at `pan` ∈ [−1, 1].
///
/// Centre leaves both sides at unity; moving towards one side fades the other side linearly
/// (hard left: left 1, right 0), so a stereo stem is never boosted.
pub fn stereo_balance(pan: f32) -> (f32, f32) {
    let p = clamp_pan(pan);
    if p <= 0.0 {
        (1.0, (1.0 + p) as f32)
    } else {
        ((1.0 - p) as f32, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_pan_centre_is_minus_3_01_db_each_side() {
        let (l, r) = mono_pan(0.0);
        // −3.01 dB: √½ = 0.70710678 on each side.
        let half_power = 0.5f64.sqrt() as f32;
        assert!((l - half_power).abs() < 1e-6);
        assert!((r - half_power).abs() < 1e-6);
        let db = 20.0 * (l as f64).log10();
        assert!((db + 3.0103).abs() < 1e-3);
    }

    #[test]
    fn mono_pan_extremes_and_constant_power() {
        assert_eq!(mono_pan(-1.0), (1.0, 0.0f64.sin() as f32));
        let (l, r) = mono_pan(1.0);
        assert!(l.abs() < 1e-7 && (r - 1.0).abs() < 1e-7);
        for i in -100..=100 {
            let p = i as f32 / 100.0;
            let (l, r) = mono_pan(p);
            assert!(((l * l + r * r) - 1.0).abs() < 1e-6, "power at {p}");
            // Mirror symmetry.
            let (ml, mr) = mono_pan(-p);
            assert!((ml - r).abs() < 1e-6 && (mr - l).abs() < 1e-6);
        }
        // Half left: θ = π/8.
        let (l, r) = mono_pan(-0.5);
        assert!((l as f64 - (std::f64::consts::PI / 8.0).cos()).abs() < 1e-6);
        assert!((r as f64 - (std::f64::consts::PI / 8.0).sin()).abs() < 1e-6);
    }

    #[test]
    fn stereo_balance_law() {
        assert_eq!(stereo_balance(0.0), (1.0, 1.0));
        assert_eq!(stereo_balance(-1.0), (1.0, 0.0));
        assert_eq!(stereo_balance(1.0), (0.0, 1.0));
        let (l, r) = stereo_balance(0.25);
        assert!((l - 0.75).abs() < 1e-6 && r == 1.0);
        let (l, r) = stereo_balance(-0.6);
        assert!(l == 1.0 && (r - 0.4).abs() < 1e-6);
    }

    #[test]
    fn out_of_range_and_nan_are_clamped() {
        assert_eq!(mono_pan(5.0), mono_pan(1.0));
        assert_eq!(mono_pan(-5.0), mono_pan(-1.0));
        assert_eq!(mono_pan(f32::NAN), mono_pan(0.0));
        assert_eq!(stereo_balance(f32::NAN), (1.0, 1.0));
        assert_eq!(stereo_balance(9.0), (0.0, 1.0));
    }
}
