//! The compressor's settled path on AVX2 (see the parent module's docs).

use super::super::db::{DB_PER_OCTAVE, OCTAVES_PER_DB};
use super::{CHUNK, Compressor, Detector};
use core::arch::x86_64::*;

/// [`crate::dsp::db::fast_log2`] on four lanes.
#[target_feature(enable = "avx2")]
#[inline]
fn log2(x: __m256d) -> __m256d {
    let bits = _mm256_castpd_si256(x);
    // The biased exponent (< 2048) becomes a double exactly: 2^52 + e − 2^52.
    let two52 = _mm256_set1_pd(4_503_599_627_370_496.0);
    let e_raw = _mm256_and_si256(_mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x7ff));
    let e = _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(e_raw, _mm256_castpd_si256(two52))),
        two52,
    );
    let e = _mm256_sub_pd(e, _mm256_set1_pd(1023.0));
    let m = _mm256_castsi256_pd(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi64x(0x000f_ffff_ffff_ffff)),
        _mm256_set1_epi64x(1023 << 52),
    ));
    let fold = _mm256_cmp_pd::<_CMP_GT_OQ>(m, _mm256_set1_pd(std::f64::consts::SQRT_2));
    let m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), fold);
    let e = _mm256_add_pd(e, _mm256_and_pd(fold, _mm256_set1_pd(1.0)));
    let one = _mm256_set1_pd(1.0);
    let s = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
    let s2 = _mm256_mul_pd(s, s);
    let s4 = _mm256_mul_pd(s2, s2);
    let poly = _mm256_add_pd(
        _mm256_add_pd(one, _mm256_mul_pd(s2, _mm256_set1_pd(1.0 / 3.0))),
        _mm256_mul_pd(
            s4,
            _mm256_add_pd(
                _mm256_set1_pd(1.0 / 5.0),
                _mm256_mul_pd(s2, _mm256_set1_pd(1.0 / 7.0)),
            ),
        ),
    );
    let ln_m = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(2.0), s), poly);
    let r = _mm256_add_pd(
        e,
        _mm256_mul_pd(ln_m, _mm256_set1_pd(std::f64::consts::LOG2_E)),
    );
    let ok = _mm256_cmp_pd::<_CMP_GE_OQ>(x, _mm256_set1_pd(f64::MIN_POSITIVE));
    _mm256_blendv_pd(_mm256_set1_pd(-1100.0), r, ok)
}

/// [`crate::dsp::db::fast_exp2`] on four lanes (for non-NaN input).
#[target_feature(enable = "avx2")]
#[inline]
fn exp2(x: __m256d) -> __m256d {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
    let c = |v: f64| _mm256_set1_pd(v);
    let x = _mm256_min_pd(_mm256_max_pd(x, c(-1020.0)), c(1023.0));
    let shifted = _mm256_add_pd(x, c(MAGIC));
    let n = _mm256_sub_pd(shifted, c(MAGIC));
    let t = _mm256_mul_pd(_mm256_sub_pd(x, n), c(std::f64::consts::LN_2));
    let t2 = _mm256_mul_pd(t, t);
    let t4 = _mm256_mul_pd(t2, t2);
    let q01 = _mm256_add_pd(c(1.0), t);
    let q23 = _mm256_add_pd(c(0.5), _mm256_mul_pd(t, c(1.0 / 6.0)));
    let q45 = _mm256_add_pd(c(1.0 / 24.0), _mm256_mul_pd(t, c(1.0 / 120.0)));
    let q67 = _mm256_add_pd(c(1.0 / 720.0), _mm256_mul_pd(t, c(1.0 / 5040.0)));
    let p = _mm256_add_pd(
        _mm256_add_pd(q01, _mm256_mul_pd(t2, q23)),
        _mm256_mul_pd(t4, _mm256_add_pd(q45, _mm256_mul_pd(t2, q67))),
    );
    let scale = _mm256_slli_epi64::<52>(_mm256_add_epi64(
        _mm256_castpd_si256(shifted),
        _mm256_set1_epi64x(1023),
    ));
    _mm256_mul_pd(p, _mm256_castsi256_pd(scale))
}

/// [`Compressor::target`] on four detector levels.
#[target_feature(enable = "avx2")]
#[inline]
fn targets(c: &Compressor, level: __m256d, rms: bool) -> __m256d {
    let (x_db, start) = if rms {
        (
            _mm256_mul_pd(log2(level), _mm256_set1_pd(DB_PER_OCTAVE * 0.5)),
            c.knee_start_pow,
        )
    } else {
        (
            _mm256_mul_pd(log2(level), _mm256_set1_pd(DB_PER_OCTAVE)),
            c.knee_start_amp,
        )
    };
    let w = _mm256_set1_pd(c.knee.value);
    let s = _mm256_set1_pd(c.slope.value);
    let over = _mm256_sub_pd(x_db, _mm256_set1_pd(c.threshold.value));
    let d = _mm256_add_pd(over, _mm256_mul_pd(_mm256_set1_pd(0.5), w));
    let in_knee = _mm256_mul_pd(
        _mm256_mul_pd(_mm256_mul_pd(s, d), d),
        _mm256_set1_pd(c.inv_2knee),
    );
    let above = _mm256_mul_pd(s, over);
    let two_over = _mm256_mul_pd(_mm256_set1_pd(2.0), over);
    let r = _mm256_blendv_pd(above, in_knee, _mm256_cmp_pd::<_CMP_LT_OQ>(two_over, w));
    let neg_w = _mm256_sub_pd(_mm256_setzero_pd(), w);
    let zero = _mm256_setzero_pd();
    let t = _mm256_blendv_pd(r, zero, _mm256_cmp_pd::<_CMP_LE_OQ>(two_over, neg_w));
    let above_start = _mm256_cmp_pd::<_CMP_GT_OQ>(level, _mm256_set1_pd(start));
    _mm256_blendv_pd(zero, t, above_start)
}

/// [`Compressor::gain`] on four gain reductions.
#[target_feature(enable = "avx2")]
#[inline]
fn gains(c: &Compressor, gr: __m256d) -> __m256d {
    let g = exp2(_mm256_mul_pd(
        _mm256_sub_pd(_mm256_set1_pd(c.makeup.value), gr),
        _mm256_set1_pd(OCTAVES_PER_DB),
    ));
    let none = _mm256_cmp_pd::<_CMP_EQ_OQ>(gr, _mm256_setzero_pd());
    _mm256_blendv_pd(g, _mm256_set1_pd(c.makeup_gain), none)
}

/// Targets, smoother and gains for the `len` detector levels in `buf` (a full chunk buffer,
/// so whole vectors can be read past `len`; those lanes are ignored).
#[target_feature(enable = "avx2")]
pub(super) fn targets_smooth_apply<const STEREO: bool>(
    c: &mut Compressor,
    buf: &[f64; CHUNK],
    len: usize,
    left: &mut [f32],
    right: &mut [f32],
) {
    let rms = c.params.detector == Detector::Rms;
    // The smoother's two weighted target terms, computed four frames at a time.
    let mut ta = [0.0f64; CHUNK];
    let mut tr = [0.0f64; CHUNK];
    let (ai, ri) = (_mm256_set1_pd(c.attack_in), _mm256_set1_pd(c.release_in));
    for k in (0..len).step_by(4) {
        // SAFETY: k + 4 ≤ CHUNK (CHUNK is a multiple of 4), inside all three arrays.
        unsafe {
            let t = targets(c, _mm256_loadu_pd(buf.as_ptr().add(k)), rms);
            _mm256_storeu_pd(ta.as_mut_ptr().add(k), _mm256_mul_pd(ai, t));
            _mm256_storeu_pd(tr.as_mut_ptr().add(k), _mm256_mul_pd(ri, t));
        }
    }
    if c.attack_coef <= c.release_coef {
        smooth_apply::<STEREO, true>(c, &ta, &tr, len, left, right);
    } else {
        smooth_apply::<STEREO, false>(c, &ta, &tr, len, left, right);
    }
}

/// The serial smoother, four frames per step, with the gains of one step computed and
/// applied while the next step's chain runs.
#[target_feature(enable = "avx2")]
#[inline]
fn smooth_apply<const STEREO: bool, const MAX: bool>(
    c: &mut Compressor,
    ta: &[f64; CHUNK],
    tr: &[f64; CHUNK],
    len: usize,
    left: &mut [f32],
    right: &mut [f32],
) {
    let (a, r) = (c.attack_coef, c.release_coef);
    let mut gr = c.gr_db;
    let whole = len - len % 4;
    for k in (0..whole).step_by(4) {
        let g0 = Compressor::smooth::<MAX>(gr, ta[k], tr[k], a, r);
        let g1 = Compressor::smooth::<MAX>(g0, ta[k + 1], tr[k + 1], a, r);
        let g2 = Compressor::smooth::<MAX>(g1, ta[k + 2], tr[k + 2], a, r);
        gr = Compressor::smooth::<MAX>(g2, ta[k + 3], tr[k + 3], a, r);
        // SAFETY: k + 4 ≤ whole ≤ len = left.len() (and right.len() in stereo).
        unsafe {
            // Assembled in registers: four scalar stores read back as one vector would
            // defeat store forwarding.
            let g = gains(c, _mm256_set_pd(gr, g2, g1, g0));
            let l = _mm256_cvtps_pd(_mm_loadu_ps(left.as_ptr().add(k)));
            _mm_storeu_ps(
                left.as_mut_ptr().add(k),
                _mm256_cvtpd_ps(_mm256_mul_pd(l, g)),
            );
            if STEREO {
                let rv = _mm256_cvtps_pd(_mm_loadu_ps(right.as_ptr().add(k)));
                _mm_storeu_ps(
                    right.as_mut_ptr().add(k),
                    _mm256_cvtpd_ps(_mm256_mul_pd(rv, g)),
                );
            }
        }
    }
    for k in whole..len {
        gr = Compressor::smooth::<MAX>(gr, ta[k], tr[k], a, r);
        let g = c.gain(gr);
        left[k] = (left[k] as f64 * g) as f32;
        if STEREO {
            right[k] = (right[k] as f64 * g) as f32;
        }
    }
    c.gr_db = gr;
}
