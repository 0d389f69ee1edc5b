//! PLACEHOLDER linear ramp.
/// Linear ramp.
#[derive(Clone, Debug)]
pub struct Ramp {
    value: f32,
    target: f32,
    step: f32,
    left: u32,
    len: u32,
}
impl Ramp {
    /// New.
    pub fn new(v: f32, len: u32) -> Self {
        Ramp {
            value: v,
            target: v,
            step: 0.0,
            left: 0,
            len: len.max(1),
        }
    }
    /// Jump.
    pub fn reset(&mut self, v: f32) {
        *self = Ramp::new(v, self.len)
    }
    /// Ramp to.
    pub fn set_target(&mut self, t: f32) {
        if t != self.target || self.left > 0 {
            self.target = t;
            self.left = self.len;
            self.step = (t - self.value) / self.len as f32;
        }
    }
    /// Settled.
    pub fn is_settled(&self) -> bool {
        self.left == 0
    }
    /// Value.
    pub fn value(&self) -> f32 {
        self.value
    }
    #[inline]
    fn next(&mut self) -> f32 {
        if self.left > 0 {
            self.left -= 1;
            self.value = if self.left == 0 {
                self.target
            } else {
                self.value + self.step
            };
        }
        self.value
    }
    /// In place.
    pub fn apply(&mut self, b: &mut [f32]) {
        for x in b {
            *x *= self.next();
        }
    }
    /// Stereo in place.
    pub fn apply_stereo(&mut self, l: &mut [f32], r: &mut [f32]) {
        for (a, b) in l.iter_mut().zip(r) {
            let g = self.next();
            *a *= g;
            *b *= g;
        }
    }
    /// Out of place.
    pub fn apply_to(&mut self, s: &[f32], d: &mut [f32]) {
        for (d, s) in d.iter_mut().zip(s) {
            *d = *s * self.next();
        }
    }
}
