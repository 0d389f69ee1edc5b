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

    impl F64x2 {
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
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    /// Two f64 lanes: lane 0 is the left channel, lane 1 the right.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2([f64; 2]);

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
    }
}
