//! Decibel conversions: exact ones for parameter changes, fast ones for per-sample work.
//!
//! The processors convert parameters once per change with the exact functions. The compressor
//! needs a level→dB and a dB→gain conversion for every sample it compresses; libm's `log10` and
//! `powf` cost more than the whole rest of a channel strip, so [`fast_gain_to_db`] and
//! [`fast_db_to_gain`] use short polynomials whose error (< 1e-6 dB) is far below the 0.01 dB
//! that matters.

/// 20·log10(2): decibels per doubling.
pub(crate) const DB_PER_OCTAVE: f64 = 6.020_599_913_279_624;
/// log2(10)/20: octaves per decibel.
pub(crate) const OCTAVES_PER_DB: f64 = 0.166_096_404_744_368_12;

/// Converts decibels to a linear amplitude gain (exact, for parameter changes); −∞ gives 0.
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Converts a linear amplitude gain to decibels (exact; −∞ for 0, NaN for negative input).
pub fn gain_to_db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

/// [`gain_to_db`] for `f32` levels (meters, reports): −∞ for 0 and for negative input.
pub fn gain_to_db_f32(gain: f32) -> f32 {
    if gain > 0.0 {
        gain_to_db(gain as f64) as f32
    } else {
        f32::NEG_INFINITY
    }
}

/// Rounds to the nearest integer (ties to even) without a libm call: adding and subtracting
/// 1.5·2^52 leaves no fraction bits. Valid for |x| < 2^51.
#[inline(always)]
fn round_fast(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
    (x + MAGIC) - MAGIC
}

/// 2^x with relative error below 1e-8; the argument is clamped to [−1020, 1023] so the result
/// is always a normal number (never subnormal, never infinite).
#[inline(always)]
pub fn fast_exp2(x: f64) -> f64 {
    let x = x.clamp(-1020.0, 1023.0);
    let n = round_fast(x);
    // t ∈ [−ln2/2, ln2/2]: a degree-7 Taylor polynomial of e^t is accurate to 5e-9 there.
    // Evaluated in Estrin's scheme (pairs, then pairs of pairs): a third of Horner's latency.
    let t = (x - n) * std::f64::consts::LN_2;
    let t2 = t * t;
    let t4 = t2 * t2;
    let q01 = 1.0 + t;
    let q23 = 0.5 + t * (1.0 / 6.0);
    let q45 = 1.0 / 24.0 + t * (1.0 / 120.0);
    let q67 = 1.0 / 720.0 + t * (1.0 / 5040.0);
    let p = (q01 + t2 * q23) + t4 * (q45 + t2 * q67);
    // 2^n assembled directly in the exponent field.
    let scale = f64::from_bits(((n as i64 + 1023) as u64) << 52);
    p * scale
}

/// log2(x) for positive normal x with absolute error below 1e-8 (≤ 0 or subnormal gives −1100).
#[inline(always)]
pub fn fast_log2(x: f64) -> f64 {
    if x.is_nan() || x < f64::MIN_POSITIVE {
        return -1100.0;
    }
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // Mantissa m ∈ [1, 2), folded to [√½, √2) so the series variable below stays small
    // (as a select, not a branch: the fold is data-dependent).
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023u64 << 52));
    let fold = m > std::f64::consts::SQRT_2;
    let m = if fold { m * 0.5 } else { m };
    let e = e + fold as i64;
    // ln m = 2·atanh(s) with s = (m−1)/(m+1), |s| ≤ 0.172: four odd terms reach 3e-8 in ln.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let s4 = s2 * s2;
    let ln_m = 2.0 * s * ((1.0 + s2 * (1.0 / 3.0)) + s4 * (1.0 / 5.0 + s2 * (1.0 / 7.0)));
    e as f64 + ln_m * std::f64::consts::LOG2_E
}

/// Fast [`db_to_gain`] for per-sample use (error < 1e-6 dB).
#[inline(always)]
pub fn fast_db_to_gain(db: f64) -> f64 {
    fast_exp2(db * OCTAVES_PER_DB)
}

/// Fast [`gain_to_db`] for per-sample use on positive levels (error < 1e-6 dB).
#[inline(always)]
pub fn fast_gain_to_db(gain: f64) -> f64 {
    fast_log2(gain) * DB_PER_OCTAVE
}

/// Fast 10·log10 of a power (mean square) for per-sample use (error < 1e-6 dB).
#[inline(always)]
pub fn fast_power_to_db(power: f64) -> f64 {
    fast_log2(power) * (DB_PER_OCTAVE * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_conversions_round_trip() {
        assert_eq!(db_to_gain(0.0), 1.0);
        assert!((db_to_gain(-6.020_599_913_279_624) - 0.5).abs() < 1e-15);
        assert!((gain_to_db(10.0) - 20.0).abs() < 1e-12);
        assert_eq!(gain_to_db(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn fast_db_to_gain_is_accurate_over_the_useful_range() {
        let mut worst = 0.0f64;
        let mut db = -200.0;
        while db <= 60.0 {
            let exact = 10f64.powf(db / 20.0);
            let err_db = 20.0 * (fast_db_to_gain(db) / exact).log10();
            worst = worst.max(err_db.abs());
            db += 0.0137;
        }
        assert!(worst < 1e-6, "worst error {worst} dB");
    }

    #[test]
    fn fast_gain_to_db_is_accurate_over_the_useful_range() {
        let mut worst = 0.0f64;
        let mut g = 1e-10f64;
        while g < 1e4 {
            let err = fast_gain_to_db(g) - 20.0 * g.log10();
            worst = worst.max(err.abs());
            let p = fast_power_to_db(g) - 10.0 * g.log10();
            worst = worst.max(p.abs());
            g *= 1.001_7;
        }
        assert!(worst < 1e-6, "worst error {worst} dB");
        // Exact powers of two land on whole octaves.
        assert!((fast_log2(8.0) - 3.0).abs() < 1e-12);
        assert!((fast_log2(0.25) + 2.0).abs() < 1e-12);
        assert_eq!(fast_log2(0.0), -1100.0);
        assert_eq!(fast_log2(-1.0), -1100.0);
        assert_eq!(fast_log2(f64::NAN), -1100.0);
    }

    #[test]
    fn fast_exp2_handles_extremes_without_nan() {
        assert_eq!(fast_exp2(0.0), 1.0);
        assert!(fast_exp2(-5000.0) >= 0.0 && fast_exp2(-5000.0) < 1e-300);
        assert!(fast_exp2(5000.0).is_finite());
        assert!((fast_exp2(10.0) - 1024.0).abs() < 1e-5);
    }
}
