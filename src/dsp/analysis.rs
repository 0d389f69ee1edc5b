//! Whole-signal readouts of a stereo signal: loudness, dynamics and stereo image, measured in
//! one streaming pass (feed planar blocks, read a [`SignalReport`]).
//!
//! Integrated loudness, loudness range and the peaks come from [`LoudnessAnalyzer`] (the
//! `ebur128` crate, what `stemmix analyze` reports), the momentary and short-term maxima from
//! [`LoudnessMaxima`] (every window position), and the rest from sums over every sample:
//!
//! - crest factor: sample peak − RMS of both channels, dB;
//! - correlation: Pearson's coefficient of L and R (+1 identical, −1 inverted, ≈ 0 unrelated;
//!   0 when a channel is silent or constant);
//! - width: 10·log10(E_side / E_mid) with M = (L+R)/2 and S = (L−R)/2 (−∞ for identical
//!   channels, 0 dB for unrelated channels of equal level, +∞ for inverted ones).
//!
//! Every sum runs sample by sample in a fixed order, so a report does not depend on how the
//! signal was split into blocks. Levels that do not exist for silence (loudness, peaks, PLR,
//! crest, width) are not finite then; callers that write JSON map them to `null`.

use super::loudness::LoudnessAnalyzer;
use super::loudness_max::LoudnessMaxima;
use super::meter::MeterError;

/// The readouts of one signal (or one region of it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SignalReport {
    /// Integrated (gated) loudness, LUFS; −∞ for silence.
    pub integrated_lufs: f64,
    /// Largest short-term (3 s) loudness over every window position, LUFS.
    pub short_term_max_lufs: f64,
    /// Largest momentary (400 ms) loudness over every window position, LUFS.
    pub momentary_max_lufs: f64,
    /// Loudness range (EBU Tech 3342), LU.
    pub lra_lu: f64,
    /// Largest true peak, dBTP.
    pub true_peak_dbtp: f64,
    /// Largest |sample|, dBFS.
    pub sample_peak_dbfs: f64,
    /// Peak-to-loudness ratio: true peak − integrated loudness, dB.
    pub plr_db: f64,
    /// Crest factor: sample peak − RMS (both channels, whole signal), dB; NaN for silence.
    pub crest_db: f64,
    /// Pearson correlation of left and right, −1…+1 (0 if either channel is constant).
    pub correlation: f64,
    /// Side-to-mid energy ratio, dB; NaN for silence.
    pub width_db: f64,
    /// Frames measured.
    pub frames: u64,
    /// Sample rate, Hz.
    pub rate: u32,
}

/// Running sums for RMS, correlation and width (f64, one sample at a time).
#[derive(Clone, Copy, Debug, Default)]
struct StereoSums {
    l: f64,
    r: f64,
    ll: f64,
    rr: f64,
    lr: f64,
    mid: f64,
    side: f64,
}

/// Streaming analysis of a stereo signal.
pub struct SignalAnalyzer {
    rate: u32,
    loudness: LoudnessAnalyzer,
    maxima: LoudnessMaxima,
    sums: StereoSums,
    frames: u64,
}

impl SignalAnalyzer {
    /// An analyzer at `sample_rate` (8 kHz to 384 kHz).
    pub fn new(sample_rate: u32) -> Result<Self, MeterError> {
        Ok(SignalAnalyzer {
            rate: sample_rate,
            maxima: LoudnessMaxima::new(2, sample_rate)?,
            loudness: LoudnessAnalyzer::new(2, sample_rate)?,
            sums: StereoSums::default(),
            frames: 0,
        })
    }

    /// Adds a block (both channels the same length).
    pub fn push(&mut self, left: &[f32], right: &[f32]) -> Result<(), MeterError> {
        if left.len() != right.len() {
            return Err(MeterError::UnequalLengths);
        }
        self.loudness.push(&[left, right])?;
        self.maxima.push(&[left, right])?;
        let s = &mut self.sums;
        for (&l, &r) in left.iter().zip(right) {
            let (l, r) = (f64::from(l), f64::from(r));
            let (m, d) = (0.5 * (l + r), 0.5 * (l - r));
            s.l += l;
            s.r += r;
            s.ll += l * l;
            s.rr += r * r;
            s.lr += l * r;
            s.mid += m * m;
            s.side += d * d;
        }
        self.frames += left.len() as u64;
        Ok(())
    }

    /// Frames measured so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The live windows (momentary, short-term loudness of the last 400 ms and 3 s), LUFS.
    pub fn current_lufs(&self) -> (f64, f64) {
        (self.maxima.momentary_lufs(), self.maxima.short_term_lufs())
    }

    /// The readouts over everything pushed so far.
    pub fn report(&self) -> SignalReport {
        let loud = self.loudness.report();
        let s = &self.sums;
        let n = self.frames.max(1) as f64;
        let mean_square = (s.ll + s.rr) / (2.0 * n);
        let rms_db = 10.0 * mean_square.log10();
        SignalReport {
            integrated_lufs: loud.integrated_lufs,
            short_term_max_lufs: self.maxima.short_term_max_lufs(),
            momentary_max_lufs: self.maxima.momentary_max_lufs(),
            lra_lu: loud.lra_lu,
            true_peak_dbtp: loud.true_peak_dbtp,
            sample_peak_dbfs: loud.sample_peak_dbfs,
            plr_db: loud.true_peak_dbtp - loud.integrated_lufs,
            crest_db: if mean_square > 0.0 {
                loud.sample_peak_dbfs - rms_db
            } else {
                f64::NAN
            },
            correlation: pearson(s, n),
            width_db: if s.mid + s.side > 0.0 {
                10.0 * (s.side / s.mid).log10()
            } else {
                f64::NAN
            },
            frames: self.frames,
            rate: self.rate,
        }
    }
}

/// Pearson's correlation coefficient from the sums; 0 when either variance is zero.
fn pearson(s: &StereoSums, n: f64) -> f64 {
    let (ml, mr) = (s.l / n, s.r / n);
    let var_l = s.ll / n - ml * ml;
    let var_r = s.rr / n - mr * mr;
    let cov = s.lr / n - ml * mr;
    // A constant channel leaves only rounding in E[x²] − E[x]²: no variance to correlate.
    let tiny = |var: f64, ms: f64| var <= 1e-12 * ms;
    if tiny(var_l, s.ll / n) || tiny(var_r, s.rr / n) {
        return 0.0;
    }
    (cov / (var_l * var_r).sqrt()).clamp(-1.0, 1.0)
}

/// Analyzes a whole stereo buffer at `sample_rate`.
pub fn analyze_stereo(
    left: &[f32],
    right: &[f32],
    sample_rate: u32,
) -> Result<SignalReport, MeterError> {
    let mut a = SignalAnalyzer::new(sample_rate)?;
    a.push(left, right)?;
    Ok(a.report())
}

#[cfg(test)]
#[path = "analysis_tests.rs"]
mod tests;
