//! The compressor's static curve: the settled gain reduction and output level for a steady
//! input level, which the window draws and the tests check the processor against.

use super::CompressorParams;

/// Gain reduction (dB, ≥ 0) of the static soft-knee curve for input level `x` dB, threshold
/// `t`, knee width `w` and slope factor `s = 1 − 1/ratio`.
///
/// Below T − W/2: none; within the knee: s·(x − T + W/2)²/(2W); above: s·(x − T).
#[inline(always)]
pub fn static_gain_reduction_db(x: f64, t: f64, w: f64, s: f64) -> f64 {
    // Written as selects rather than branches: levels hop between the regions sample by
    // sample, and mispredicted branches would cost more than computing both formulas.
    let over = x - t;
    let d = over + 0.5 * w;
    let in_knee = s * d * d / (2.0 * w);
    let above = s * over;
    let r = if 2.0 * over < w { in_knee } else { above };
    if 2.0 * over <= -w { 0.0 } else { r }
}

/// The settled static curve of a compressor with `params` (after the same safety bounds the
/// processor applies): the output level in dB for a steady detector level of `input_db`,
/// make-up included; a disabled compressor passes the level through. For drawing the curve.
pub fn static_output_db(params: &CompressorParams, input_db: f64) -> f64 {
    let p = params.clamped();
    if !p.enabled {
        return input_db;
    }
    let slope = 1.0 - 1.0 / p.ratio as f64;
    let gr = static_gain_reduction_db(input_db, p.threshold_db as f64, p.knee_db as f64, slope);
    input_db - gr + p.makeup_db as f64
}
