//! Magnitude spectrum analyser for display: Hann-windowed real FFT over the latest samples.
//!
//! All buffers (ring of recent samples, window, FFT input/output/scratch) are allocated in
//! `new`; `push` and `compute` never allocate.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// Lowest value `compute` reports, in dB.
pub const SPECTRUM_FLOOR_DB: f32 = -200.0;

/// A streaming spectrum analyser over the last `fft_size` samples of one channel.
pub struct SpectrumAnalyzer {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    ring: Vec<f32>,
    pos: usize,
    input: Vec<f32>,
    output: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// 2 / Σw: turns a bin magnitude into the amplitude of a sinusoid centred on it.
    scale: f32,
}

impl SpectrumAnalyzer {
    /// An analyser with an FFT of `fft_size` samples (at least 16; a power of two is fastest).
    pub fn new(fft_size: usize) -> Self {
        let n = fft_size.max(16);
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
        // Periodic Hann window (exactly zero side lobes for bin-centred tones beyond ±1 bin).
        let window: Vec<f32> = (0..n)
            .map(|i| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos()) as f32)
            .collect();
        let sum: f64 = window.iter().map(|&w| w as f64).sum();
        SpectrumAnalyzer {
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
            window,
            ring: vec![0.0; n],
            pos: 0,
            scale: (2.0 / sum) as f32,
        }
    }

    /// FFT length in samples.
    pub fn fft_size(&self) -> usize {
        self.ring.len()
    }

    /// Number of bins `compute` fills (fft_size / 2 + 1, DC to Nyquist).
    pub fn bins(&self) -> usize {
        self.output.len()
    }

    /// Centre frequency of bin `k` at `sample_rate`.
    pub fn bin_hz(&self, k: usize, sample_rate: f64) -> f64 {
        k as f64 * sample_rate / self.ring.len() as f64
    }

    /// Appends samples (only the latest `fft_size` are kept).
    pub fn push(&mut self, samples: &[f32]) {
        let n = self.ring.len();
        let samples = &samples[samples.len().saturating_sub(n)..];
        for &x in samples {
            self.ring[self.pos] = x;
            self.pos += 1;
            if self.pos == n {
                self.pos = 0;
            }
        }
    }

    /// Writes the magnitude of each bin in dB (a full-scale sine centred on a bin reads 0 dB)
    /// into `out_db` (up to [`SpectrumAnalyzer::bins`] values).
    pub fn compute(&mut self, out_db: &mut [f32]) {
        let n = self.ring.len();
        // Oldest sample first.
        for i in 0..n {
            let j = (self.pos + i) % n;
            self.input[i] = self.ring[j] * self.window[i];
        }
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
            .is_err()
        {
            out_db.fill(SPECTRUM_FLOOR_DB);
            return;
        }
        let last = self.output.len() - 1;
        for (k, (o, c)) in out_db.iter_mut().zip(&self.output).enumerate() {
            // DC and Nyquist have no mirror image: half the scale.
            let s = if k == 0 || k == last {
                0.5 * self.scale
            } else {
                self.scale
            };
            let mag = c.norm() * s;
            *o = if mag > 0.0 {
                (20.0 * mag.log10()).max(SPECTRUM_FLOOR_DB)
            } else {
                SPECTRUM_FLOOR_DB
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::test_util::sine;

    #[test]
    fn bin_centred_sine_reads_its_amplitude() {
        let fs = 48_000.0;
        let n = 4096;
        let mut a = SpectrumAnalyzer::new(n);
        assert_eq!(a.bins(), 2049);
        let k = 100;
        let f = a.bin_hz(k, fs);
        let x = sine(10_000, f, fs, 0.5, 0.3);
        // In pieces, longer than the FFT in total: only the latest samples count.
        a.push(&x[..3000]);
        a.push(&x[3000..]);
        let mut db = vec![0.0f32; a.bins()];
        a.compute(&mut db);
        assert!((db[k] + 6.0206).abs() < 0.01, "{}", db[k]);
        // Hann: the neighbours at −6 dB relative, nothing further out.
        assert!((db[k + 1] - db[k] + 6.02).abs() < 0.05);
        assert!(db[k + 5] < -100.0 && db[k - 5] < -100.0);
        assert!(db[1000] < -100.0);
        // DC reads its level too.
        let mut dc = SpectrumAnalyzer::new(256);
        dc.push(&[0.25; 256]);
        let mut d = vec![0.0f32; dc.bins()];
        dc.compute(&mut d);
        assert!((d[0] - 20.0 * 0.25f32.log10()).abs() < 0.01, "{}", d[0]);
        // Silence is the floor.
        let mut s = SpectrumAnalyzer::new(64);
        let mut d = vec![0.0f32; s.bins()];
        s.compute(&mut d);
        assert!(d.iter().all(|&v| v == SPECTRUM_FLOOR_DB));
    }
}
