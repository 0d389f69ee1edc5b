//! Deterministic test signals for the analysis tests: Gaussian-like white noise and pink noise.

#![allow(dead_code)] // each test binary uses a different subset

/// A seeded xorshift64 source of uniform values in −0.5…0.5.
fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
}

/// White noise, nearly Gaussian (a sum of twelve uniforms), RMS `rms`.
pub fn noise(seed: u64, n: usize, rms: f64) -> Vec<f32> {
    let mut uni = uniform(seed);
    // Twelve uniforms of variance 1/12 each: unit variance.
    (0..n)
        .map(|_| ((0..12).map(|_| uni()).sum::<f64>() * rms) as f32)
        .collect()
}

/// Pink noise (−3 dB/octave, Paul Kellet's sum of one-pole filters of white noise), scaled to
/// RMS `rms` exactly.
pub fn pink(seed: u64, n: usize, rms: f64) -> Vec<f32> {
    let mut uni = uniform(seed);
    let poles = [0.99886, 0.99332, 0.96900, 0.86650, 0.55000, -0.7616];
    let gains = [
        0.0555179, 0.0750759, 0.1538520, 0.3104856, 0.5329522, -0.0168980,
    ];
    let mut state = [0.0f64; 6];
    let mut last = 0.0;
    let x: Vec<f64> = (0..n)
        .map(|_| {
            let w = uni() * 2.0;
            for ((s, p), g) in state.iter_mut().zip(poles).zip(gains) {
                *s = p * *s + g * w;
            }
            let y = state.iter().sum::<f64>() + last + 0.5362 * w;
            last = 0.115926 * w;
            y
        })
        .collect();
    let have = (x.iter().map(|v| v * v).sum::<f64>() / n.max(1) as f64).sqrt();
    x.iter().map(|v| (v * rms / have) as f32).collect()
}
