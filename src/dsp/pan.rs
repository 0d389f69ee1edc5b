//! Pan laws.
//!
//! A mono source is spread over the two sides by one of four laws, named after the gain of
//! each side at the centre; all of them give (1, 0) hard left and (0, 1) hard right:
//!
//! | law | gains (left, right) at pan p, θ = (p + 1)·π/4 | centre |
//! |---|---|---|
//! | [`MonoLaw::Db0`] | (min(1, 1 − p), min(1, 1 + p)) | 1 (0 dB) |
//! | [`MonoLaw::Db3`] | (cos θ, sin θ): constant power | √½ (−3.01 dB) |
//! | [`MonoLaw::Db4_5`] | (√(cos θ · (1 − p)/2), √(sin θ · (1 + p)/2)) | √(√½/2) (−4.52 dB) |
//! | [`MonoLaw::Db6`] | ((1 − p)/2, (1 + p)/2): constant amplitude | ½ (−6.02 dB) |
//!
//! A stereo source is either balanced ([`StereoLaw::Balance`]: the far side fades, the near
//! side stays at unity) or treated as two mono sources, its left and right placed at
//! p − w and p + w (clamped to the sides) by the mono law ([`StereoLaw::WidthPosition`]): width
//! w = 1 at the centre leaves it as it is, w = 0 folds it to mono at p.

use std::f64::consts::FRAC_PI_4;

/// How a mono source is panned: the gain of each side at the centre.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MonoLaw {
    /// 0 dB at the centre: the far side fades linearly, the near side stays at unity.
    Db0,
    /// −3 dB at the centre: sin/cos, constant power.
    #[default]
    Db3,
    /// −4.5 dB at the centre: the geometric mean of the −3 and −6 dB laws.
    Db4_5,
    /// −6 dB at the centre: linear, constant amplitude (sums to mono without a bump).
    Db6,
}

/// How a stereo source is panned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum StereoLaw {
    /// Balance: moving towards one side fades the other.
    #[default]
    Balance,
    /// Width and position: each input side is a mono source placed at pan ∓ width.
    WidthPosition,
}

/// Gains of a pan position as a matrix: `out[o] = m[o][0]·in_left + m[o][1]·in_right`.
pub type PanMatrix = [[f32; 2]; 2];

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

/// Gains (left, right) for a mono source at `pan` ∈ [−1, 1] by `law` (see the module
/// documentation). [`MonoLaw::Db3`] is exactly [`mono_pan`].
pub fn mono_gains(law: MonoLaw, pan: f32) -> (f32, f32) {
    let p = clamp_pan(pan);
    match law {
        MonoLaw::Db3 => mono_pan(pan),
        MonoLaw::Db0 => ((1.0 - p).min(1.0) as f32, (1.0 + p).min(1.0) as f32),
        MonoLaw::Db6 => (((1.0 - p) / 2.0) as f32, ((1.0 + p) / 2.0) as f32),
        MonoLaw::Db4_5 => {
            let theta = (p + 1.0) * FRAC_PI_4;
            (
                (theta.cos().max(0.0) * (1.0 - p) / 2.0).sqrt() as f32,
                (theta.sin().max(0.0) * (1.0 + p) / 2.0).sqrt() as f32,
            )
        }
    }
}

/// The gain matrix for a stereo source at `pan` ∈ [−1, 1] with `width` ∈ [0, 1] (used by
/// [`StereoLaw::WidthPosition`] only), the mono law placing its sides. [`StereoLaw::Balance`]
/// is exactly [`stereo_balance`] on the diagonal.
pub fn stereo_gains(law: StereoLaw, mono: MonoLaw, pan: f32, width: f32) -> PanMatrix {
    match law {
        StereoLaw::Balance => {
            let (l, r) = stereo_balance(pan);
            [[l, 0.0], [0.0, r]]
        }
        StereoLaw::WidthPosition => {
            let p = clamp_pan(pan);
            let w = if width.is_nan() {
                1.0
            } else {
                f64::from(width).clamp(0.0, 1.0)
            };
            let side = |at: f64| mono_gains(mono, (at.clamp(-1.0, 1.0)) as f32);
            let (ll, lr) = side(p - w);
            let (rl, rr) = side(p + w);
            [[ll, rl], [lr, rr]]
        }
    }
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

    /// The gain in dB of each side at the centre, and the gains hard left and right.
    fn ends(law: MonoLaw) -> (f64, (f32, f32), (f32, f32)) {
        let (l, r) = mono_gains(law, 0.0);
        assert_eq!(l, r, "{law:?} is symmetric at the centre");
        (
            20.0 * f64::from(l).log10(),
            mono_gains(law, -1.0),
            mono_gains(law, 1.0),
        )
    }

    #[test]
    fn each_mono_law_has_its_centre_gain_and_full_gain_at_the_sides() {
        let expected = [
            (MonoLaw::Db0, 0.0),
            // 20·log10(√½)
            (MonoLaw::Db3, 20.0 * 0.5f64.sqrt().log10()),
            // 20·log10(√(√½ · ½)): halfway between −3.01 and −6.02 dB.
            (MonoLaw::Db4_5, 10.0 * (0.5f64.sqrt() * 0.5).log10()),
            // 20·log10(½)
            (MonoLaw::Db6, 20.0 * 0.5f64.log10()),
        ];
        for (law, centre_db) in expected {
            let (db, left, right) = ends(law);
            assert!(
                (db - centre_db).abs() < 1e-5,
                "{law:?}: {db} dB, not {centre_db}"
            );
            assert!(
                left.0 == 1.0 && left.1.abs() < 1e-7,
                "{law:?} hard left {left:?}"
            );
            assert!(
                right.1 == 1.0 && right.0.abs() < 1e-7,
                "{law:?} hard right {right:?}"
            );
        }
        // The named figures.
        assert!((ends(MonoLaw::Db3).0 + 3.0103).abs() < 1e-3);
        assert!((ends(MonoLaw::Db4_5).0 + 4.515).abs() < 1e-3);
        assert!((ends(MonoLaw::Db6).0 + 6.0206).abs() < 1e-3);
        // −3 dB is the constant-power law the strips always used, to the bit.
        for i in -100..=100 {
            let p = i as f32 / 100.0;
            assert_eq!(mono_gains(MonoLaw::Db3, p), mono_pan(p));
        }
    }

    #[test]
    fn mono_laws_against_their_formulas_between_the_ends() {
        for i in -20..=20 {
            let p = f64::from(i) / 20.0;
            let theta = (p + 1.0) * FRAC_PI_4;
            let cases = [
                (MonoLaw::Db0, ((1.0 - p).min(1.0), (1.0 + p).min(1.0))),
                (MonoLaw::Db3, (theta.cos(), theta.sin())),
                (
                    MonoLaw::Db4_5,
                    (
                        (theta.cos() * (1.0 - p) / 2.0).sqrt(),
                        (theta.sin() * (1.0 + p) / 2.0).sqrt(),
                    ),
                ),
                (MonoLaw::Db6, ((1.0 - p) / 2.0, (1.0 + p) / 2.0)),
            ];
            for (law, (l, r)) in cases {
                let (gl, gr) = mono_gains(law, p as f32);
                assert!((f64::from(gl) - l).abs() < 1e-6, "{law:?} left at {p}");
                assert!((f64::from(gr) - r).abs() < 1e-6, "{law:?} right at {p}");
            }
        }
    }

    #[test]
    fn stereo_laws() {
        // Balance is the old balance law, to the bit, with no crosstalk.
        for i in -10..=10 {
            let p = i as f32 / 10.0;
            let (l, r) = stereo_balance(p);
            for mono in [MonoLaw::Db0, MonoLaw::Db6] {
                assert_eq!(
                    stereo_gains(StereoLaw::Balance, mono, p, 0.3),
                    [[l, 0.0], [0.0, r]]
                );
            }
        }
        let wp = |mono, pan, width| stereo_gains(StereoLaw::WidthPosition, mono, pan, width);
        // Full width at the centre: as it is, whatever the mono law.
        for mono in [MonoLaw::Db0, MonoLaw::Db3, MonoLaw::Db4_5, MonoLaw::Db6] {
            let m = wp(mono, 0.0, 1.0);
            assert!(
                (m[0][0] - 1.0).abs() < 1e-7 && (m[1][1] - 1.0).abs() < 1e-7,
                "{m:?}"
            );
            assert!(m[0][1].abs() < 1e-7 && m[1][0].abs() < 1e-7, "{m:?}");
            // Hard left with no width: everything in the left side at unity.
            let m = wp(mono, -1.0, 0.0);
            assert!(
                (m[0][0] - 1.0).abs() < 1e-7 && (m[0][1] - 1.0).abs() < 1e-7,
                "{m:?}"
            );
            assert!(m[1][0].abs() < 1e-7 && m[1][1].abs() < 1e-7, "{m:?}");
        }
        // No width: both sides at the position, by the mono law (−3 dB: √½ each).
        let m = wp(MonoLaw::Db3, 0.0, 0.0);
        let h = 0.5f32.sqrt();
        for g in m.iter().flatten() {
            assert!((g - h).abs() < 1e-6, "{m:?}");
        }
        // Half width at p = 0.25: the sides at −0.25 and +0.75.
        let m = wp(MonoLaw::Db6, 0.25, 0.5);
        let expect = [[0.625, 0.125], [0.375, 0.875]];
        for o in 0..2 {
            for i in 0..2 {
                assert!((m[o][i] - expect[o][i]).abs() < 1e-6, "{m:?}");
            }
        }
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
