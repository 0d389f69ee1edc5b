//! Helpers shared by the dsp unit tests: a deterministic random generator, block partitions
//! and test signals.
#![allow(dead_code)]

/// xorshift64* generator: deterministic, seedable, good enough for test signals.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: u32) -> u32 {
        (self.unit() * n as f64) as u32 % n.max(1)
    }
    /// Gaussian (Box–Muller).
    pub fn gauss(&mut self) -> f64 {
        let u = self.unit().max(1e-300);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Random block lengths (1 ..= `max_len`) summing to `n`, with a boundary at every position in
/// `cuts` (where the tests change parameters).
pub fn random_partition(rng: &mut Rng, n: usize, cuts: &[usize], max_len: usize) -> Vec<usize> {
    let mut parts = Vec::new();
    let mut pos = 0;
    while pos < n {
        let next_cut = cuts
            .iter()
            .copied()
            .filter(|&c| c > pos)
            .min()
            .unwrap_or(n)
            .min(n);
        let len = (1 + rng.below(max_len as u32) as usize).min(next_cut - pos);
        parts.push(len);
        pos += len;
    }
    parts
}

/// A sine of `amp` at `freq` Hz with `phase` radians, `n` samples at `fs`.
pub fn sine(n: usize, freq: f64, fs: f64, amp: f64, phase: f64) -> Vec<f32> {
    let w = 2.0 * std::f64::consts::PI * freq / fs;
    (0..n)
        .map(|i| (amp * (w * i as f64 + phase).sin()) as f32)
        .collect()
}
