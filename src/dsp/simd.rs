//! A two-lane f64 vector for processing left and right together.
//!
//! Stereo filters run both channels through the same recursion, so one 128-bit register holds
//! (L, R) and every operation serves both channels. On x86_64 SSE2 is part of the baseline, so
//! the intrinsics need no runtime detection; elsewhere the plain array version is used, which
//! gives bit-identical results (both are plain IEEE multiply/add, no fused multiply-add).

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::*;

    /// Two f64 lanes: lane 0 is the left channel, lane 1 the right.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2(__m128d);

    /// A lane-wise comparison result.
    #[derive(Clone, Copy, Debug)]
    pub struct Mask2(__m128d);

    impl F64x2 {
        /// The underlying SSE2 register (for kernels that widen to AVX).
        #[inline(always)]
        pub fn raw(self) -> __m128d {
            self.0
        }
        /// Wraps an SSE2 register.
        #[inline(always)]
        pub fn from_raw(v: __m128d) -> Self {
            F64x2(v)
        }
        /// Both lanes zero.
        #[inline(always)]
        pub fn zero() -> Self {
            // SAFETY: SSE2 is always available on x86_64.
            unsafe { F64x2(_mm_setzero_pd()) }
        }
        /// Both lanes set to `v`.
        #[inline(always)]
        pub fn splat(v: f64) -> Self {
            unsafe { F64x2(_mm_set1_pd(v)) }
        }
        /// Lanes (l, r).
        #[inline(always)]
        pub fn new(l: f64, r: f64) -> Self {
            unsafe { F64x2(_mm_set_pd(r, l)) }
        }
        /// Lane 0.
        #[inline(always)]
        pub fn l(self) -> f64 {
            unsafe { _mm_cvtsd_f64(self.0) }
        }
        /// Lane 1.
        #[inline(always)]
        pub fn r(self) -> f64 {
            unsafe { _mm_cvtsd_f64(_mm_unpackhi_pd(self.0, self.0)) }
        }
        /// Lane-wise sum.
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            unsafe { F64x2(_mm_add_pd(self.0, o.0)) }
        }
        /// Lane-wise difference.
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            unsafe { F64x2(_mm_sub_pd(self.0, o.0)) }
        }
        /// Lane-wise product.
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            unsafe { F64x2(_mm_mul_pd(self.0, o.0)) }
        }
        /// Lane-wise maximum.
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            unsafe { F64x2(_mm_max_pd(self.0, o.0)) }
        }
        /// Lane-wise absolute value.
        #[inline(always)]
        pub fn abs(self) -> Self {
            unsafe { F64x2(_mm_andnot_pd(_mm_set1_pd(-0.0), self.0)) }
        }
        /// Lane-wise quotient.
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            unsafe { F64x2(_mm_div_pd(self.0, o.0)) }
        }
        /// Lane-wise minimum (for non-NaN lanes).
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            unsafe { F64x2(_mm_min_pd(self.0, o.0)) }
        }
        /// Lane-wise `self > o`.
        #[inline(always)]
        pub fn gt(self, o: Self) -> Mask2 {
            unsafe { Mask2(_mm_cmpgt_pd(self.0, o.0)) }
        }
        /// Lane-wise `self < o`.
        #[inline(always)]
        pub fn lt(self, o: Self) -> Mask2 {
            unsafe { Mask2(_mm_cmplt_pd(self.0, o.0)) }
        }
        /// Lane-wise `self <= o`.
        #[inline(always)]
        pub fn le(self, o: Self) -> Mask2 {
            unsafe { Mask2(_mm_cmple_pd(self.0, o.0)) }
        }
        /// Lane-wise `self >= o` (false for NaN).
        #[inline(always)]
        pub fn ge(self, o: Self) -> Mask2 {
            unsafe { Mask2(_mm_cmpge_pd(self.0, o.0)) }
        }
        /// Lane-wise `self == o`.
        #[inline(always)]
        pub fn eq(self, o: Self) -> Mask2 {
            unsafe { Mask2(_mm_cmpeq_pd(self.0, o.0)) }
        }
        /// Lane-wise `if m { a } else { b }`.
        #[inline(always)]
        pub fn select(m: Mask2, a: Self, b: Self) -> Self {
            unsafe { F64x2(_mm_or_pd(_mm_and_pd(m.0, a.0), _mm_andnot_pd(m.0, b.0))) }
        }
        /// Bit-exact lane-wise equivalent of [`crate::dsp::db::fast_log2`].
        #[inline(always)]
        pub fn fast_log2(self) -> Self {
            unsafe {
                let bits = _mm_castpd_si128(self.0);
                let e_raw = _mm_and_si128(_mm_srli_epi64(bits, 52), _mm_set1_epi64x(0x7ff));
                // Each exponent fits the low 32 bits of its lane; gather both for cvtepi32_pd.
                let e = _mm_sub_pd(
                    _mm_cvtepi32_pd(_mm_shuffle_epi32(e_raw, 0b00_00_10_00)),
                    _mm_set1_pd(1023.0),
                );
                let m = _mm_castsi128_pd(_mm_or_si128(
                    _mm_and_si128(bits, _mm_set1_epi64x(0x000f_ffff_ffff_ffff)),
                    _mm_set1_epi64x(1023 << 52),
                ));
                let m = F64x2(m);
                let fold = m.gt(F64x2::splat(std::f64::consts::SQRT_2));
                let m = F64x2::select(fold, m.mul(F64x2::splat(0.5)), m);
                let e = F64x2(e).add(F64x2(_mm_and_pd(fold.0, _mm_set1_pd(1.0))));
                let one = F64x2::splat(1.0);
                let s = m.sub(one).div(m.add(one));
                let s2 = s.mul(s);
                let s4 = s2.mul(s2);
                let poly = one
                    .add(s2.mul(F64x2::splat(1.0 / 3.0)))
                    .add(s4.mul(F64x2::splat(1.0 / 5.0).add(s2.mul(F64x2::splat(1.0 / 7.0)))));
                let ln_m = F64x2::splat(2.0).mul(s).mul(poly);
                let r = e.add(ln_m.mul(F64x2::splat(std::f64::consts::LOG2_E)));
                F64x2::select(
                    self.ge(F64x2::splat(f64::MIN_POSITIVE)),
                    r,
                    F64x2::splat(-1100.0),
                )
            }
        }
        /// Bit-exact lane-wise equivalent of [`crate::dsp::db::fast_exp2`] (for non-NaN input).
        #[inline(always)]
        pub fn fast_exp2(self) -> Self {
            unsafe {
                const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
                let x = self.max(F64x2::splat(-1020.0)).min(F64x2::splat(1023.0));
                let shifted = x.add(F64x2::splat(MAGIC));
                let n = shifted.sub(F64x2::splat(MAGIC));
                let t = x.sub(n).mul(F64x2::splat(std::f64::consts::LN_2));
                let c = |v: f64| F64x2::splat(v);
                let t2 = t.mul(t);
                let t4 = t2.mul(t2);
                let q01 = c(1.0).add(t);
                let q23 = c(0.5).add(t.mul(c(1.0 / 6.0)));
                let q45 = c(1.0 / 24.0).add(t.mul(c(1.0 / 120.0)));
                let q67 = c(1.0 / 720.0).add(t.mul(c(1.0 / 5040.0)));
                let p = q01.add(t2.mul(q23)).add(t4.mul(q45.add(t2.mul(q67))));
                // The low mantissa bits of x + 1.5·2^52 hold 2^51 + n; adding the bias and
                // shifting by 52 keeps (n + 1023) in the exponent field.
                let scale = _mm_slli_epi64(
                    _mm_add_epi64(_mm_castpd_si128(shifted.0), _mm_set1_epi64x(1023)),
                    52,
                );
                p.mul(F64x2(_mm_castsi128_pd(scale)))
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    /// Two f64 lanes: lane 0 is the left channel, lane 1 the right.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2([f64; 2]);

    /// A lane-wise comparison result.
    #[derive(Clone, Copy, Debug)]
    pub struct Mask2([bool; 2]);

    impl F64x2 {
        /// Both lanes zero.
        #[inline(always)]
        pub fn zero() -> Self {
            F64x2([0.0; 2])
        }
        /// Both lanes set to `v`.
        #[inline(always)]
        pub fn splat(v: f64) -> Self {
            F64x2([v; 2])
        }
        /// Lanes (l, r).
        #[inline(always)]
        pub fn new(l: f64, r: f64) -> Self {
            F64x2([l, r])
        }
        /// Lane 0.
        #[inline(always)]
        pub fn l(self) -> f64 {
            self.0[0]
        }
        /// Lane 1.
        #[inline(always)]
        pub fn r(self) -> f64 {
            self.0[1]
        }
        /// Lane-wise sum.
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F64x2([self.0[0] + o.0[0], self.0[1] + o.0[1]])
        }
        /// Lane-wise difference.
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F64x2([self.0[0] - o.0[0], self.0[1] - o.0[1]])
        }
        /// Lane-wise product.
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F64x2([self.0[0] * o.0[0], self.0[1] * o.0[1]])
        }
        /// Lane-wise maximum.
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            F64x2([self.0[0].max(o.0[0]), self.0[1].max(o.0[1])])
        }
        /// Lane-wise absolute value.
        #[inline(always)]
        pub fn abs(self) -> Self {
            F64x2([self.0[0].abs(), self.0[1].abs()])
        }
        /// Lane-wise quotient.
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F64x2([self.0[0] / o.0[0], self.0[1] / o.0[1]])
        }
        /// Lane-wise minimum (for non-NaN lanes).
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            F64x2([self.0[0].min(o.0[0]), self.0[1].min(o.0[1])])
        }
        /// Lane-wise `self > o`.
        #[inline(always)]
        pub fn gt(self, o: Self) -> Mask2 {
            Mask2([self.0[0] > o.0[0], self.0[1] > o.0[1]])
        }
        /// Lane-wise `self < o`.
        #[inline(always)]
        pub fn lt(self, o: Self) -> Mask2 {
            Mask2([self.0[0] < o.0[0], self.0[1] < o.0[1]])
        }
        /// Lane-wise `self <= o`.
        #[inline(always)]
        pub fn le(self, o: Self) -> Mask2 {
            Mask2([self.0[0] <= o.0[0], self.0[1] <= o.0[1]])
        }
        /// Lane-wise `self >= o` (false for NaN).
        #[inline(always)]
        pub fn ge(self, o: Self) -> Mask2 {
            Mask2([self.0[0] >= o.0[0], self.0[1] >= o.0[1]])
        }
        /// Lane-wise `self == o`.
        #[inline(always)]
        pub fn eq(self, o: Self) -> Mask2 {
            Mask2([self.0[0] == o.0[0], self.0[1] == o.0[1]])
        }
        /// Lane-wise `if m { a } else { b }`.
        #[inline(always)]
        pub fn select(m: Mask2, a: Self, b: Self) -> Self {
            F64x2([
                if m.0[0] { a.0[0] } else { b.0[0] },
                if m.0[1] { a.0[1] } else { b.0[1] },
            ])
        }
        /// Lane-wise [`crate::dsp::db::fast_log2`].
        #[inline(always)]
        pub fn fast_log2(self) -> Self {
            use crate::dsp::db::fast_log2;
            F64x2([fast_log2(self.0[0]), fast_log2(self.0[1])])
        }
        /// Lane-wise [`crate::dsp::db::fast_exp2`].
        #[inline(always)]
        pub fn fast_exp2(self) -> Self {
            use crate::dsp::db::fast_exp2;
            F64x2([fast_exp2(self.0[0]), fast_exp2(self.0[1])])
        }
    }
}

pub use imp::F64x2;

#[cfg(test)]
mod tests {
    use super::F64x2;

    #[test]
    fn lanes_stay_separate() {
        let a = F64x2::new(1.5, -2.0);
        let b = F64x2::new(0.5, 4.0);
        let s = a.add(b);
        assert_eq!((s.l(), s.r()), (2.0, 2.0));
        let d = a.sub(b);
        assert_eq!((d.l(), d.r()), (1.0, -6.0));
        let p = a.mul(b);
        assert_eq!((p.l(), p.r()), (0.75, -8.0));
        let m = a.abs().max(F64x2::splat(1.75));
        assert_eq!((m.l(), m.r()), (1.75, 2.0));
        assert_eq!(F64x2::zero().l(), 0.0);
        let q = a.div(b);
        assert_eq!((q.l(), q.r()), (3.0, -0.5));
        let s = F64x2::select(a.gt(b), a, b);
        assert_eq!((s.l(), s.r()), (1.5, 4.0));
        let s = F64x2::select(a.le(b), F64x2::splat(7.0), F64x2::splat(8.0));
        assert_eq!((s.l(), s.r()), (8.0, 7.0));
    }

    /// The vector log/exp give bit-identical results to the scalar functions, so the
    /// compressor's chunked and per-sample paths agree exactly.
    #[test]
    fn vector_fast_math_matches_scalar_bit_for_bit() {
        use crate::dsp::db::{fast_exp2, fast_log2};
        let mut x = 1e-12f64;
        while x < 1e12 {
            let y = x * 1.000_37 + 1e-300;
            let v = F64x2::new(x, y).fast_log2();
            assert_eq!(v.l().to_bits(), fast_log2(x).to_bits(), "log2 {x}");
            assert_eq!(v.r().to_bits(), fast_log2(y).to_bits(), "log2 {y}");
            x *= 1.013;
        }
        for special in [
            0.0,
            -1.0,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 4.0,
            f64::NAN,
            1e308,
        ] {
            let v = F64x2::splat(special).fast_log2();
            assert_eq!(
                v.l().to_bits(),
                fast_log2(special).to_bits(),
                "log2 {special}"
            );
        }
        let mut e = -1100.0f64;
        while e < 1100.0 {
            let v = F64x2::new(e, -e * 0.77).fast_exp2();
            assert_eq!(v.l().to_bits(), fast_exp2(e).to_bits(), "exp2 {e}");
            assert_eq!(
                v.r().to_bits(),
                fast_exp2(-e * 0.77).to_bits(),
                "exp2 {}",
                -e * 0.77
            );
            e += 0.0371;
        }
    }
}
