//! Per-sample linear parameter ramps (gain, pan, send: no zipper noise).
//!
//! A [`Ramp`] moves from its current value to a new target in a fixed number of samples with a
//! constant step, and lands exactly on the target. Its progress is its own sample counter, so
//! the output does not depend on how the caller splits the audio into blocks.

/// Linear ramp to a target over a fixed number of samples, restartable from its current value.
#[derive(Clone, Debug)]
pub struct Ramp {
    /// Current value (f64 so that a long ramp does not accumulate f32 rounding).
    value: f64,
    target: f64,
    step: f64,
    /// Samples left until `value == target`.
    remaining: u32,
    /// Length of a full ramp in samples (≥ 1).
    length: u32,
}

impl Ramp {
    /// A settled ramp at `initial` whose moves last `ramp_ms` at `sample_rate`.
    pub fn new(sample_rate: f64, ramp_ms: f64, initial: f32) -> Self {
        let length = (sample_rate * ramp_ms * 1e-3)
            .round()
            .clamp(1.0, u32::MAX as f64) as u32;
        Self::with_length(length, initial)
    }

    /// A settled ramp at `initial` whose moves last `length` samples (at least 1).
    pub fn with_length(length: u32, initial: f32) -> Self {
        Ramp {
            value: initial as f64,
            target: initial as f64,
            step: 0.0,
            remaining: 0,
            length: length.max(1),
        }
    }

    /// Starts moving from the current value to `target`; a no-op if it is already the target.
    pub fn set_target(&mut self, target: f32) {
        let target = target as f64;
        if target == self.target {
            return;
        }
        self.target = target;
        self.remaining = self.length;
        self.step = (target - self.value) / self.length as f64;
    }

    /// Like [`Ramp::set_target`], but this one move lasts `length` samples (at least 1).
    pub fn set_target_over(&mut self, target: f32, length: u32) {
        let target = target as f64;
        if target == self.target {
            return;
        }
        let length = length.max(1);
        self.target = target;
        self.remaining = length;
        self.step = (target - self.value) / length as f64;
    }

    /// Jumps to `value` immediately and settles there.
    pub fn reset(&mut self, value: f32) {
        self.value = value as f64;
        self.target = value as f64;
        self.step = 0.0;
        self.remaining = 0;
    }

    /// The value of the current sample.
    pub fn value(&self) -> f32 {
        self.value as f32
    }

    /// The value being moved to.
    pub fn target(&self) -> f32 {
        self.target as f32
    }

    /// Whether the ramp has reached its target.
    pub fn is_settled(&self) -> bool {
        self.remaining == 0
    }

    /// Advances one sample and returns the new value.
    // An endless ramp is not an iterator; `next` is the name the engine's API uses.
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> f32 {
        if self.remaining > 0 {
            self.remaining -= 1;
            // The last step assigns the target itself, so rounding never leaves it short.
            self.value = if self.remaining == 0 {
                self.target
            } else {
                self.value + self.step
            };
        }
        self.value as f32
    }

    /// Advances `n` samples at once (same result as `n` calls to [`Ramp::next`], up to rounding
    /// of the intermediate value, and exactly on the target when it lands).
    pub fn skip(&mut self, n: u32) {
        if n >= self.remaining {
            self.value = self.target;
            self.remaining = 0;
        } else {
            for _ in 0..n {
                self.next();
            }
        }
    }

    /// Writes the next `out.len()` values into `out`.
    pub fn fill(&mut self, out: &mut [f32]) {
        if self.is_settled() {
            out.fill(self.value as f32);
            return;
        }
        for o in out.iter_mut() {
            *o = self.next();
        }
    }

    /// Multiplies `buf` by the next `buf.len()` values.
    pub fn apply(&mut self, buf: &mut [f32]) {
        if self.is_settled() {
            let g = self.value as f32;
            if g != 1.0 {
                buf.iter_mut().for_each(|x| *x *= g);
            }
            return;
        }
        for x in buf.iter_mut() {
            *x *= self.next();
        }
    }

    /// Writes `src` times the next `src.len()` values into `dst` (the same products as copying
    /// and then [`Ramp::apply`], in one pass).
    pub fn apply_to(&mut self, src: &[f32], dst: &mut [f32]) {
        let n = src.len().min(dst.len());
        if self.is_settled() {
            let g = self.value as f32;
            for (d, s) in dst[..n].iter_mut().zip(&src[..n]) {
                *d = *s * g;
            }
            return;
        }
        for (d, s) in dst[..n].iter_mut().zip(&src[..n]) {
            *d = *s * self.next();
        }
    }

    /// Multiplies both channels by the same next values (one ramp for a stereo pair).
    pub fn apply_stereo(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        if self.is_settled() {
            let g = self.value as f32;
            if g != 1.0 {
                left[..n].iter_mut().for_each(|x| *x *= g);
                right[..n].iter_mut().for_each(|x| *x *= g);
            }
            return;
        }
        for (l, r) in left[..n].iter_mut().zip(right[..n].iter_mut()) {
            let g = self.next();
            *l *= g;
            *r *= g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_to_matches_copy_then_apply() {
        let src: Vec<f32> = (0..300)
            .map(|i| ((i * 37) % 101) as f32 / 50.0 - 1.0)
            .collect();
        for target in [1.0f32, 0.25, 0.0] {
            let (mut a, mut b) = (Ramp::with_length(128, 0.7), Ramp::with_length(128, 0.7));
            a.set_target(target);
            b.set_target(target);
            for chunk in [50usize, 100, 150] {
                let mut copied = src[..chunk].to_vec();
                a.apply(&mut copied);
                let mut out = vec![9.0f32; chunk];
                b.apply_to(&src[..chunk], &mut out);
                assert_eq!(copied, out);
            }
        }
    }

    #[test]
    fn twenty_db_jump_is_bounded_per_sample_and_lands_exactly() {
        let fs = 48_000.0;
        let mut ramp = Ramp::new(fs, 20.0, 1.0);
        let target = 10f32.powf(20.0 / 20.0); // +20 dB
        ramp.set_target(target);
        let n = 960; // 20 ms at 48 kHz
        let max_step = (target - 1.0) / n as f32;
        let mut prev = ramp.value();
        let mut count = 0;
        while !ramp.is_settled() {
            let v = ramp.next();
            // The ramp runs in f64; the f32 output adds at most one ulp of rounding per sample.
            let ulp = f32::EPSILON * target;
            assert!((v - prev).abs() <= max_step + ulp, "step {}", v - prev);
            assert!(v >= prev, "monotonic");
            prev = v;
            count += 1;
        }
        assert_eq!(count, n);
        assert_eq!(ramp.value(), target, "lands exactly on the target");
        // Settled: stays put.
        assert_eq!(ramp.next(), target);
    }

    #[test]
    fn restart_mid_ramp_continues_from_current_value() {
        let mut ramp = Ramp::with_length(100, 0.0);
        ramp.set_target(1.0);
        for _ in 0..50 {
            ramp.next();
        }
        let mid = ramp.value();
        assert!((mid - 0.5).abs() < 1e-6);
        ramp.set_target(0.0);
        let first = ramp.next();
        assert!(
            (first - (mid - mid / 100.0)).abs() < 1e-6,
            "no jump: {first}"
        );
        for _ in 0..99 {
            ramp.next();
        }
        assert_eq!(ramp.value(), 0.0);
        assert!(ramp.is_settled());
    }

    #[test]
    fn fill_apply_and_skip_agree_with_next() {
        let mut a = Ramp::with_length(37, 0.25);
        let mut b = a.clone();
        let mut c = a.clone();
        a.set_target(-1.0);
        b.set_target(-1.0);
        c.set_target(-1.0);
        let mut filled = [0.0f32; 50];
        a.fill(&mut filled);
        let mut ones = [1.0f32; 50];
        b.apply(&mut ones);
        assert_eq!(filled, ones);
        c.skip(20);
        let mut rest = [0.0f32; 30];
        c.fill(&mut rest);
        assert_eq!(rest[29], -1.0);
        assert_eq!(filled[49], -1.0);
        let mut l = [2.0f32; 4];
        let mut r = [3.0f32; 4];
        let mut d = Ramp::with_length(1, 1.0);
        d.set_target(0.5);
        d.apply_stereo(&mut l, &mut r);
        assert_eq!(l, [1.0; 4]);
        assert_eq!(r, [1.5; 4]);
    }

    #[test]
    fn reset_jumps_and_same_target_is_a_no_op() {
        let mut ramp = Ramp::with_length(10, 0.0);
        ramp.set_target(0.0);
        assert!(ramp.is_settled());
        ramp.set_target(1.0);
        ramp.reset(0.3);
        assert!(ramp.is_settled());
        assert_eq!(ramp.next(), 0.3);
        assert_eq!(ramp.target(), 0.3);
    }
}
