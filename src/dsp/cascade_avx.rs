//! The EQ cascade on AVX: two sections per 256-bit vector (see the parent module's docs).

use super::super::biquad::StereoBiquad;
use core::arch::x86_64::*;

/// Two sections (lo, hi) packed as [lo.L, lo.R, hi.L, hi.R].
#[derive(Clone, Copy)]
struct Pair {
    b0: __m256d,
    b1: __m256d,
    b2: __m256d,
    a1: __m256d,
    a2: __m256d,
    s1: __m256d,
    s2: __m256d,
}

/// The AVX kernel: sections 2k and 2k + 1 share vector k (P = ⌈N/2⌉ vectors). With an odd
/// count the last upper half is an identity section whose output nobody reads.
#[target_feature(enable = "avx")]
pub(super) unsafe fn run<const P: usize, const STEREO: bool>(
    secs: &mut [StereoBiquad],
    order: &[u8],
    left: &mut [f32],
    right: &mut [f32],
) {
    let n = order.len();
    let identity = StereoBiquad::default();
    let pack = |lo: __m128d, hi: __m128d| _mm256_set_m128d(hi, lo);
    let mut pairs: [Pair; P] = std::array::from_fn(|k| {
        let lo = &secs[order[2 * k] as usize];
        let hi = order
            .get(2 * k + 1)
            .map_or(&identity, |&i| &secs[i as usize]);
        let (lc, ls) = lo.raw_parts();
        let (hc, hs) = hi.raw_parts();
        Pair {
            b0: pack(lc[0], hc[0]),
            b1: pack(lc[1], hc[1]),
            b2: pack(lc[2], hc[2]),
            a1: pack(lc[3], hc[3]),
            a2: pack(lc[4], hc[4]),
            s1: pack(ls[0], hs[0]),
            s2: pack(ls[1], hs[1]),
        }
    });
    let m = left.len();
    let last = n - 1;
    let mut y = [_mm256_setzero_pd(); P];
    // Section s is busy at step t when it has a sample: 0 ≤ t − s < m.
    let busy = |t: usize, s: usize| -> i64 {
        if s >= n || (t >= s && t - s < m) {
            -1
        } else {
            0
        }
    };
    for t in 0..m + last {
        let xin = if t < m {
            let r = if STEREO { right[t] as f64 } else { 0.0 };
            _mm_set_pd(r, left[t] as f64)
        } else {
            _mm_setzero_pd()
        };
        // Inputs: the previous step's outputs of the preceding sections.
        let mut x = [_mm256_setzero_pd(); P];
        x[0] = _mm256_permute2f128_pd(_mm256_castpd128_pd256(xin), y[0], 0x20);
        for k in 1..P {
            x[k] = _mm256_permute2f128_pd(y[k - 1], y[k], 0x21);
        }
        let all_busy = t >= last && t < m;
        for k in 0..P {
            let p = &mut pairs[k];
            // The same operations, in the same order, as `StereoBiquad::tick`.
            let out = _mm256_add_pd(_mm256_mul_pd(p.b0, x[k]), p.s1);
            let s1 = _mm256_sub_pd(
                _mm256_add_pd(_mm256_mul_pd(p.b1, x[k]), p.s2),
                _mm256_mul_pd(p.a1, out),
            );
            let s2 = _mm256_sub_pd(_mm256_mul_pd(p.b2, x[k]), _mm256_mul_pd(p.a2, out));
            if all_busy {
                y[k] = out;
                p.s1 = s1;
                p.s2 = s2;
            } else {
                // Filling or draining: idle sections keep their state and last output.
                let lo = busy(t, 2 * k);
                let hi = busy(t, 2 * k + 1);
                let mask = _mm256_castsi256_pd(_mm256_set_epi64x(hi, hi, lo, lo));
                y[k] = _mm256_blendv_pd(y[k], out, mask);
                p.s1 = _mm256_blendv_pd(p.s1, s1, mask);
                p.s2 = _mm256_blendv_pd(p.s2, s2, mask);
            }
        }
        if t >= last {
            // last / 2 is always P − 1 (n is 2P − 1 or 2P).
            let v = y[P - 1];
            let half = if last.is_multiple_of(2) {
                _mm256_castpd256_pd128(v)
            } else {
                _mm256_extractf128_pd(v, 1)
            };
            let o = t - last;
            left[o] = _mm_cvtsd_f64(half) as f32;
            if STEREO {
                right[o] = _mm_cvtsd_f64(_mm_unpackhi_pd(half, half)) as f32;
            }
        }
    }
    for k in 0..P {
        let p = &pairs[k];
        let lo_s = [_mm256_castpd256_pd128(p.s1), _mm256_castpd256_pd128(p.s2)];
        secs[order[2 * k] as usize].set_raw_state(lo_s);
        if let Some(&hi) = order.get(2 * k + 1) {
            secs[hi as usize].set_raw_state([
                _mm256_extractf128_pd(p.s1, 1),
                _mm256_extractf128_pd(p.s2, 1),
            ]);
        }
    }
}
