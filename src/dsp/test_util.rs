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

/// A raised-cosine fade over `ms` at both ends (the 10 ms tapers of the EBU true-peak signals).
pub fn taper(x: &mut [f32], fs: f64, ms: f64) {
    let n = ((fs * ms * 1e-3) as usize).min(x.len() / 2);
    let len = x.len();
    for i in 0..n {
        let g = 0.5 - 0.5 * (std::f64::consts::PI * i as f64 / n as f64).cos();
        x[i] = (x[i] as f64 * g) as f32;
        x[len - 1 - i] = (x[len - 1 - i] as f64 * g) as f32;
    }
}

/// EBU Tech 3341 (v4) true-peak test signal `case` (15–19) at `fs`: stereo sine at a fixed
/// fraction of fs with the Table's amplitude and phase, 1 s with 10 ms tapers. Returns
/// (left, right, expected dBTP).
pub fn ebu_true_peak_case(case: u32, fs: u32) -> (Vec<f32>, Vec<f32>, f64) {
    let fs_f = fs as f64;
    // (frequency as a fraction of fs, amplitude in full-scale units, phase in degrees, expected)
    let (frac, amp, phase_deg, expected): (f64, f64, f64, f64) = match case {
        15 => (0.25, 0.5, 0.0, -6.0),
        16 => (0.25, 0.5, 45.0, -6.0),
        17 => (1.0 / 6.0, 0.5, 60.0, -6.0),
        18 => (0.125, 0.5, 67.5, -6.0),
        19 => (0.25, 1.41, 45.0, 3.0),
        _ => panic!("no true-peak case {case}"),
    };
    let mut x = sine(fs as usize, frac * fs_f, fs_f, amp, phase_deg.to_radians());
    taper(&mut x, fs_f, 10.0);
    (x.clone(), x, expected)
}

/// A stereo (or mono) 1 kHz sine in consecutive segments of (peak level dBFS, seconds), as the
/// EBU Tech 3341/3342 loudness signals are built; the phase runs on across segments.
pub fn ebu_segments(fs: u32, segments: &[(f64, f64)]) -> Vec<f32> {
    let fs_f = fs as f64;
    let w = 2.0 * std::f64::consts::PI * 1000.0 / fs_f;
    let mut out = Vec::new();
    let mut n = 0usize;
    for &(db, secs) in segments {
        let amp = 10f64.powf(db / 20.0);
        let len = (secs * fs_f).round() as usize;
        for _ in 0..len {
            out.push((amp * (w * n as f64).sin()) as f32);
            n += 1;
        }
    }
    out
}
