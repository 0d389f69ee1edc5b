//! Long-term average spectrum (LTAS) for tonal-balance comparison: Welch's method (periodic
//! Hann window, 50 % overlap, real FFT in f64), averaged over the frames and the channels.
//!
//! [`LtasAnalyzer`] streams planar stereo blocks into an [`Ltas`]: a one-sided power spectrum
//! scaled so that its bins sum to the signal's mean square per channel (Parseval for a Welch
//! estimate: bin power = c·|X|² / (N·Σw²), c = 2 except at DC and Nyquist). From it:
//!
//! - [`Ltas::curve`]: the power spectral density (dB re full scale² per Hz) averaged over a
//!   1/6-octave band around every point of a fixed log-frequency grid (24 points per octave,
//!   anchored at 1 kHz, 20 Hz … 20 kHz below Nyquist). Each FFT bin stands for the interval of
//!   one bin width around its centre, so bands narrower than a bin (the lowest octaves)
//!   integrate a fraction of it instead of snapping to it. The pink-slope option adds
//!   10·log10(f / 1 kHz) — +3.01 dB per octave — so pink noise (power ∝ 1/f) draws flat.
//! - [`Ltas::bands_db`]: energy in the seven bands of [`BANDS`], integrated the same way.
//!
//! Loudness normalization: two spectra compare as if both signals played at the same
//! integrated loudness, by subtracting each signal's integrated loudness (LUFS) from its levels
//! ([`Curve::shifted`], [`band_differences`]). Only the tilt between bands is meaningful then:
//! raising one band of a signal lowers the others relative to it.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

use super::meter::MeterError;

/// One band of the tonal-balance table: `[lo_hz, hi_hz)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Name used in tables and JSON.
    pub name: &'static str,
    /// Lower edge, Hz.
    pub lo_hz: f64,
    /// Upper edge, Hz (∞: up to Nyquist).
    pub hi_hz: f64,
}

/// The tonal-balance bands. `sub` leaves out the DC bin, `air` runs to Nyquist.
pub const BANDS: [Band; 7] = [
    Band {
        name: "sub",
        lo_hz: 0.0,
        hi_hz: 60.0,
    },
    Band {
        name: "low",
        lo_hz: 60.0,
        hi_hz: 250.0,
    },
    Band {
        name: "low-mid",
        lo_hz: 250.0,
        hi_hz: 500.0,
    },
    Band {
        name: "mid",
        lo_hz: 500.0,
        hi_hz: 2_000.0,
    },
    Band {
        name: "high-mid",
        lo_hz: 2_000.0,
        hi_hz: 6_000.0,
    },
    Band {
        name: "high",
        lo_hz: 6_000.0,
        hi_hz: 12_000.0,
    },
    Band {
        name: "air",
        lo_hz: 12_000.0,
        hi_hz: f64::INFINITY,
    },
];

/// Width of the smoothing band, octaves.
pub const SMOOTHING_OCTAVES: f64 = 1.0 / 6.0;
/// Points of the curve grid per octave.
pub const POINTS_PER_OCTAVE: i32 = 24;
/// The grid point and pivot of the pink slope, Hz.
pub const PIVOT_HZ: f64 = 1_000.0;
/// Lowest and highest grid frequencies, Hz.
pub const CURVE_LO_HZ: f64 = 20.0;
/// Highest grid frequency, Hz (lower when the band would pass Nyquist).
pub const CURVE_HI_HZ: f64 = 20_000.0;

/// FFT length for `sample_rate`: the power of two that keeps bins at most as wide as 8192
/// points give at 48 kHz (5.9 Hz): 8192 at 44.1 and 48 kHz, 16384 at 96 kHz.
pub fn fft_size_for(sample_rate: u32) -> usize {
    ((8192.0 * f64::from(sample_rate) / 48_000.0).ceil() as usize)
        .next_power_of_two()
        .max(256)
}

/// A long-term average power spectrum.
#[derive(Clone, Debug, PartialEq)]
pub struct Ltas {
    /// Sample rate, Hz.
    pub rate: u32,
    /// FFT length.
    pub fft_size: usize,
    /// Frames averaged (per channel).
    pub frames: u64,
    /// Power per bin, DC to Nyquist (fft_size / 2 + 1 values); sums to the mean square.
    pub power: Vec<f64>,
}

/// A curve on the log-frequency grid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    /// Grid frequencies, Hz (ascending).
    pub hz: Vec<f64>,
    /// Level at each frequency, dB.
    pub db: Vec<f64>,
}

impl Curve {
    /// The curve moved by `db` (e.g. −integrated loudness, to loudness-normalize it).
    pub fn shifted(&self, db: f64) -> Curve {
        Curve {
            hz: self.hz.clone(),
            db: self.db.iter().map(|v| v + db).collect(),
        }
    }

    /// `self − other` at the grid points both have (the grid is the same at every rate; a
    /// lower rate only ends it earlier).
    pub fn minus(&self, other: &Curve) -> Curve {
        let n = self.hz.len().min(other.hz.len());
        Curve {
            hz: self.hz[..n].to_vec(),
            db: (0..n).map(|i| self.db[i] - other.db[i]).collect(),
        }
    }
}

/// The grid frequencies whose smoothing band lies below Nyquist at `sample_rate`.
pub fn curve_grid(sample_rate: u32) -> Vec<f64> {
    let ppo = f64::from(POINTS_PER_OCTAVE);
    let lo = (ppo * (CURVE_LO_HZ / PIVOT_HZ).log2()).ceil() as i32;
    let hi = (ppo * (CURVE_HI_HZ / PIVOT_HZ).log2()).floor() as i32;
    let half = 2f64.powf(SMOOTHING_OCTAVES / 2.0);
    let nyquist = f64::from(sample_rate) / 2.0;
    (lo..=hi)
        .map(|j| PIVOT_HZ * 2f64.powf(f64::from(j) / ppo))
        .filter(|f| f * half <= nyquist)
        .collect()
}

impl Ltas {
    /// Width of one bin, Hz.
    pub fn bin_hz(&self) -> f64 {
        f64::from(self.rate) / self.fft_size as f64
    }

    /// Mean square per channel: the sum of all bins.
    pub fn mean_square(&self) -> f64 {
        self.power.iter().sum()
    }

    /// Power in `[lo_hz, hi_hz)`: each bin k > 0 spread evenly over its interval
    /// `[(k − ½)·Δ, (k + ½)·Δ]` (the Nyquist bin over its lower half); DC is left out.
    pub fn band_power(&self, lo_hz: f64, hi_hz: f64) -> f64 {
        let d = self.bin_hz();
        let last = self.power.len() - 1;
        let nyquist = last as f64 * d;
        let (lo, hi) = (lo_hz.max(0.5 * d), hi_hz.min(nyquist));
        if hi <= lo {
            return 0.0;
        }
        let first = ((lo / d - 0.5).floor().max(1.0)) as usize;
        let end = ((hi / d + 0.5).ceil() as usize).min(last);
        let mut sum = 0.0;
        for k in first..=end {
            let (a, b) = ((k as f64 - 0.5) * d, ((k as f64 + 0.5) * d).min(nyquist));
            let overlap = hi.min(b) - lo.max(a);
            if overlap > 0.0 {
                sum += self.power[k] * overlap / (b - a);
            }
        }
        sum
    }

    /// The 1/6-octave-smoothed power spectral density, dB re full scale² per Hz, on
    /// [`curve_grid`]; with `pink_slope`, tilted +3.01 dB per octave about 1 kHz.
    pub fn curve(&self, pink_slope: bool) -> Curve {
        let half = 2f64.powf(SMOOTHING_OCTAVES / 2.0);
        let hz = curve_grid(self.rate);
        let db = hz
            .iter()
            .map(|&f| {
                let (lo, hi) = (f / half, f * half);
                let density = self.band_power(lo, hi) / (hi - lo);
                let tilt = if pink_slope {
                    10.0 * (f / PIVOT_HZ).log10()
                } else {
                    0.0
                };
                10.0 * density.log10() + tilt
            })
            .collect();
        Curve { hz, db }
    }

    /// Energy in each of [`BANDS`], dB re full scale² (−∞ for an empty band).
    pub fn bands_db(&self) -> [f64; BANDS.len()] {
        BANDS.map(|b| 10.0 * self.band_power(b.lo_hz, b.hi_hz).log10())
    }
}

/// Band differences, reference − mix, each spectrum loudness-normalized by its integrated
/// loudness: `(ref_band − ref_lufs) − (mix_band − mix_lufs)`, dB, in the order of [`BANDS`].
pub fn band_differences(
    mix: &Ltas,
    mix_lufs: f64,
    reference: &Ltas,
    reference_lufs: f64,
) -> [(&'static str, f64); BANDS.len()] {
    let (m, r) = (mix.bands_db(), reference.bands_db());
    let mut out = [("", 0.0); BANDS.len()];
    for (i, b) in BANDS.iter().enumerate() {
        out[i] = (b.name, (r[i] - reference_lufs) - (m[i] - mix_lufs));
    }
    out
}

/// Streaming LTAS of a stereo signal.
pub struct LtasAnalyzer {
    rate: u32,
    fft: Arc<dyn RealToComplex<f64>>,
    window: Vec<f64>,
    /// Σw² of the window.
    window_power: f64,
    /// The frame being filled, per channel (its first `fill` samples are valid).
    frame: [Vec<f64>; 2],
    fill: usize,
    input: Vec<f64>,
    output: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    /// Σ|X_k|² over frames and channels.
    acc: Vec<f64>,
    frames: u64,
}

impl LtasAnalyzer {
    /// An analyzer at `sample_rate` with the FFT length of [`fft_size_for`].
    pub fn new(sample_rate: u32) -> Result<Self, MeterError> {
        Self::with_fft_size(sample_rate, fft_size_for(sample_rate))
    }

    /// An analyzer with an FFT of `fft_size` samples (even, at least 16).
    pub fn with_fft_size(sample_rate: u32, fft_size: usize) -> Result<Self, MeterError> {
        if !(8_000..=384_000).contains(&sample_rate) {
            return Err(MeterError::UnsupportedRate(sample_rate));
        }
        let n = (fft_size.max(16) + 1) & !1;
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(n);
        // Periodic Hann: at 50 % overlap the windows sum to a constant, so every sample away
        // from the ends weighs the same.
        let window: Vec<f64> = (0..n)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos())
            .collect();
        Ok(LtasAnalyzer {
            rate: sample_rate,
            window_power: window.iter().map(|w| w * w).sum(),
            window,
            frame: [vec![0.0; n], vec![0.0; n]],
            fill: 0,
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            acc: vec![0.0; n / 2 + 1],
            frames: 0,
            fft,
        })
    }

    /// FFT length.
    pub fn fft_size(&self) -> usize {
        self.window.len()
    }

    /// Adds a block (both channels the same length).
    pub fn push(&mut self, left: &[f32], right: &[f32]) -> Result<(), MeterError> {
        if left.len() != right.len() {
            return Err(MeterError::UnequalLengths);
        }
        let n = self.window.len();
        let mut done = 0;
        while done < left.len() {
            let take = (n - self.fill).min(left.len() - done);
            for (c, src) in [left, right].into_iter().enumerate() {
                for (d, &s) in self.frame[c][self.fill..self.fill + take]
                    .iter_mut()
                    .zip(&src[done..done + take])
                {
                    *d = f64::from(s);
                }
            }
            self.fill += take;
            done += take;
            if self.fill == n {
                for c in 0..2 {
                    accumulate_frame(
                        &*self.fft,
                        &self.window,
                        &self.frame[c],
                        &mut self.input,
                        &mut self.output,
                        &mut self.scratch,
                        &mut self.acc,
                    );
                    self.frame[c].copy_within(n / 2.., 0);
                }
                self.frames += 1;
                self.fill = n - n / 2;
            }
        }
        Ok(())
    }

    /// The spectrum of everything pushed so far. A signal shorter than one frame is measured
    /// as one zero-padded frame (scaled by the part of the window it fills); the samples after
    /// the last full frame are left out.
    pub fn ltas(&self) -> Ltas {
        let n = self.window.len();
        let bins = n / 2 + 1;
        let (acc, frames, window_power) = if self.frames == 0 && self.fill > 0 {
            let mut acc = vec![0.0; bins];
            let (mut input, mut output, mut scratch) = (
                self.fft.make_input_vec(),
                self.fft.make_output_vec(),
                self.fft.make_scratch_vec(),
            );
            for c in 0..2 {
                let mut padded = self.frame[c].clone();
                padded[self.fill..].fill(0.0);
                accumulate_frame(
                    &*self.fft,
                    &self.window,
                    &padded,
                    &mut input,
                    &mut output,
                    &mut scratch,
                    &mut acc,
                );
            }
            let wp = self.window[..self.fill].iter().map(|w| w * w).sum();
            (acc, 1, wp)
        } else {
            (self.acc.clone(), self.frames, self.window_power)
        };
        let scale =
            1.0 / (2.0 * frames.max(1) as f64 * n as f64 * window_power.max(f64::MIN_POSITIVE));
        let power = acc
            .iter()
            .enumerate()
            .map(|(k, &a)| {
                let c = if k == 0 || k == bins - 1 { 1.0 } else { 2.0 };
                c * a * scale
            })
            .collect();
        Ltas {
            rate: self.rate,
            fft_size: n,
            frames,
            power,
        }
    }
}

/// Windows `frame`, transforms it and adds |X_k|² to `acc`.
fn accumulate_frame(
    fft: &dyn RealToComplex<f64>,
    window: &[f64],
    frame: &[f64],
    input: &mut [f64],
    output: &mut [Complex<f64>],
    scratch: &mut [Complex<f64>],
    acc: &mut [f64],
) {
    for ((i, &x), &w) in input.iter_mut().zip(frame).zip(window) {
        *i = x * w;
    }
    // The buffers come from this plan, so the lengths always match.
    if fft.process_with_scratch(input, output, scratch).is_ok() {
        for (a, c) in acc.iter_mut().zip(output.iter()) {
            *a += c.norm_sqr();
        }
    }
}

/// The LTAS of a whole stereo buffer.
pub fn ltas_of(left: &[f32], right: &[f32], sample_rate: u32) -> Result<Ltas, MeterError> {
    let mut a = LtasAnalyzer::new(sample_rate)?;
    a.push(left, right)?;
    Ok(a.ltas())
}

#[cfg(test)]
#[path = "ltas_tests.rs"]
mod tests;
