//! Maximum momentary (400 ms) and short-term (3 s) loudness over every window position, as EBU
//! Tech 3341 asks of a file-based "EBU Mode" meter.
//!
//! A live meter that updates every 100 ms sees a 400 ms tone burst only through windows that
//! start up to 50 ms off the burst and reads it up to 0.6 LU low (EBU Tech 3341 cases 13 and
//! 14 exist to catch that). Here the K-weighted power of every sample is kept for the last 3 s
//! and both windows slide one sample at a time, so the maxima are the loudness of the loudest
//! 400 ms and 3 s stretches wherever they start. The running sums are recomputed from the
//! stored powers once per window length, so rounding cannot accumulate over a long signal.
//!
//! Windows that reach back before the first sample count the missing part as silence, as a
//! meter started on silence would; such a window never exceeds the first full window, so the
//! maxima of a signal longer than 3 s are those of its full windows.

use super::biquad::StereoBiquad;
use super::meter::{MeterError, energy_to_lufs, k_weighting};
use super::simd::F64x2;

/// Momentary window, seconds (ITU-R BS.1770-4, EBU R128).
pub const MOMENTARY_S: f64 = 0.4;
/// Short-term window, seconds (EBU R128).
pub const SHORT_TERM_S: f64 = 3.0;

/// Sliding-window loudness of one or two channels with exact maxima.
pub struct LoudnessMaxima {
    channels: usize,
    filters: [StereoBiquad; 2],
    /// K-weighted power (channel-weighted sum of squares) of the last `short_len` samples.
    powers: Vec<f64>,
    /// Where the next power goes (it overwrites the one leaving the short-term window).
    pos: usize,
    /// Index of the power leaving the momentary window when the next one arrives.
    pos_m: usize,
    momentary_len: usize,
    short_len: usize,
    momentary_sum: f64,
    short_sum: f64,
    /// Samples until each running sum is next recomputed exactly.
    until_resum_m: usize,
    until_resum_s: usize,
    /// Largest window sums since the start (or the last [`LoudnessMaxima::take_maxima`]).
    max_m: f64,
    max_s: f64,
    max_m_total: f64,
    max_s_total: f64,
    frames: u64,
}

impl LoudnessMaxima {
    /// Windows for `channels` (1 or 2) at `sample_rate` (8 kHz to 384 kHz). A single channel
    /// counts once (BS.1770: a mono signal is not doubled).
    pub fn new(channels: usize, sample_rate: u32) -> Result<Self, MeterError> {
        if !(1..=2).contains(&channels) {
            return Err(MeterError::UnsupportedChannels(channels));
        }
        if !(8_000..=384_000).contains(&sample_rate) {
            return Err(MeterError::UnsupportedRate(sample_rate));
        }
        let fs = f64::from(sample_rate);
        let [shelf, high_pass] = k_weighting(fs);
        let momentary_len = (MOMENTARY_S * fs).round() as usize;
        let short_len = (SHORT_TERM_S * fs).round() as usize;
        Ok(LoudnessMaxima {
            channels,
            filters: [StereoBiquad::new(shelf), StereoBiquad::new(high_pass)],
            powers: vec![0.0; short_len],
            pos: 0,
            pos_m: short_len - momentary_len,
            momentary_len,
            short_len,
            momentary_sum: 0.0,
            short_sum: 0.0,
            until_resum_m: momentary_len,
            until_resum_s: short_len,
            max_m: 0.0,
            max_s: 0.0,
            max_m_total: 0.0,
            max_s_total: 0.0,
            frames: 0,
        })
    }

    /// Measures a block: exactly `channels` slices of equal length.
    pub fn push(&mut self, input: &[&[f32]]) -> Result<(), MeterError> {
        if input.len() != self.channels {
            return Err(MeterError::UnsupportedChannels(input.len()));
        }
        let left = input[0];
        let right = input.get(1).copied();
        if right.is_some_and(|r| r.len() != left.len()) {
            return Err(MeterError::UnequalLengths);
        }
        for i in 0..left.len() {
            let r = right.map_or(0.0, |r| f64::from(r[i]));
            self.tick(F64x2::new(f64::from(left[i]), r));
        }
        Ok(())
    }

    /// One sample pair (the right lane is 0 for mono).
    #[inline]
    fn tick(&mut self, x: F64x2) {
        let mut y = x;
        for f in self.filters.iter_mut() {
            y = f.tick(y);
        }
        // Channel weights are 1 for left and right (and a single channel).
        let p = y.l() * y.l() + y.r() * y.r();
        self.momentary_sum += p - self.powers[self.pos_m];
        self.short_sum += p - self.powers[self.pos];
        self.powers[self.pos] = p;
        self.pos = if self.pos + 1 == self.short_len {
            0
        } else {
            self.pos + 1
        };
        self.pos_m = if self.pos_m + 1 == self.short_len {
            0
        } else {
            self.pos_m + 1
        };
        self.frames += 1;
        self.until_resum_m -= 1;
        if self.until_resum_m == 0 {
            self.until_resum_m = self.momentary_len;
            self.momentary_sum = self.window_sum(self.momentary_len);
            for f in self.filters.iter_mut() {
                f.flush_tiny();
            }
        }
        self.until_resum_s -= 1;
        if self.until_resum_s == 0 {
            self.until_resum_s = self.short_len;
            self.short_sum = self.window_sum(self.short_len);
        }
        // The sums are of non-negative powers; rounding must not make them negative.
        self.momentary_sum = self.momentary_sum.max(0.0);
        self.short_sum = self.short_sum.max(0.0);
        if self.momentary_sum > self.max_m {
            self.max_m = self.momentary_sum;
        }
        if self.short_sum > self.max_s {
            self.max_s = self.short_sum;
        }
    }

    /// Exact sum of the newest `len` powers.
    fn window_sum(&self, len: usize) -> f64 {
        // The newest power is just before `pos`; the window is `len` back from there.
        let (head, tail) = self.powers.split_at(self.pos);
        let from_head = len.min(head.len());
        let mut sum: f64 = head[head.len() - from_head..].iter().sum();
        sum += tail[tail.len() - (len - from_head)..].iter().sum::<f64>();
        sum
    }

    /// Frames measured since construction or [`LoudnessMaxima::reset`].
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Momentary loudness of the last 400 ms, LUFS (−∞ for silence).
    pub fn momentary_lufs(&self) -> f64 {
        energy_to_lufs(self.momentary_sum / self.momentary_len as f64)
    }

    /// Short-term loudness of the last 3 s, LUFS.
    pub fn short_term_lufs(&self) -> f64 {
        energy_to_lufs(self.short_sum / self.short_len as f64)
    }

    /// Largest momentary loudness over every 400 ms window since the start, LUFS.
    pub fn momentary_max_lufs(&self) -> f64 {
        energy_to_lufs(self.max_m.max(self.max_m_total) / self.momentary_len as f64)
    }

    /// Largest short-term loudness over every 3 s window since the start, LUFS.
    pub fn short_term_max_lufs(&self) -> f64 {
        energy_to_lufs(self.max_s.max(self.max_s_total) / self.short_len as f64)
    }

    /// The (momentary, short-term) maxima of the windows that ended since the previous call,
    /// LUFS — the readings of a live meter's "max" display cleared after each reading. The
    /// overall maxima are kept.
    pub fn take_maxima(&mut self) -> (f64, f64) {
        let m = energy_to_lufs(self.max_m / self.momentary_len as f64);
        let s = energy_to_lufs(self.max_s / self.short_len as f64);
        self.max_m_total = self.max_m_total.max(self.max_m);
        self.max_s_total = self.max_s_total.max(self.max_s);
        self.max_m = 0.0;
        self.max_s = 0.0;
        (m, s)
    }

    /// Starts over: silence before the next sample, no maxima, filters cleared.
    pub fn reset(&mut self) {
        for f in self.filters.iter_mut() {
            f.reset();
        }
        self.powers.fill(0.0);
        self.pos = 0;
        self.pos_m = self.short_len - self.momentary_len;
        self.momentary_sum = 0.0;
        self.short_sum = 0.0;
        self.until_resum_m = self.momentary_len;
        self.until_resum_s = self.short_len;
        self.max_m = 0.0;
        self.max_s = 0.0;
        self.max_m_total = 0.0;
        self.max_s_total = 0.0;
        self.frames = 0;
    }
}

#[cfg(test)]
#[path = "loudness_max_tests.rs"]
mod tests;
