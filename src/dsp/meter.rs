//! Real-time meters: per-channel peak/RMS/clip accumulators and the master loudness meter.
//!
//! Both are real-time safe: all memory is allocated in `new`, and `process`, the readings and
//! `take_*`/`reset` never allocate (checked by `tests/dsp_no_alloc.rs`).

use super::true_peak::TruePeakMeter;
use ebur128::{EbuR128, Mode};

/// Levels of up to two channels over one report interval (linear amplitudes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LevelReport {
    /// Number of channels reported (1 or 2).
    pub channels: u8,
    /// Frames accumulated in the interval.
    pub frames: u32,
    /// Largest |sample| per channel.
    pub peak: [f32; 2],
    /// Root mean square per channel.
    pub rms: [f32; 2],
    /// Whether any sample reached full scale (|x| ≥ 1.0) per channel.
    pub clip: [bool; 2],
}

impl LevelReport {
    /// Peak of the louder channel in dBFS (−∞ for silence).
    pub fn peak_dbfs(&self) -> f32 {
        20.0 * self.peak[..self.channels as usize]
            .iter()
            .fold(0.0f32, |m, &v| m.max(v))
            .log10()
    }
}

/// Peak, RMS and clip accumulator for one or two channels over a report interval.
#[derive(Clone, Debug)]
pub struct LevelMeter {
    channels: usize,
    peak: [f32; 2],
    sum_sq: [f64; 2],
    frames: u32,
    clip: [bool; 2],
}

impl LevelMeter {
    /// A meter for 1 or 2 channels (other counts are clamped).
    pub fn new(channels: usize) -> Self {
        LevelMeter {
            channels: channels.clamp(1, 2),
            peak: [0.0; 2],
            sum_sq: [0.0; 2],
            frames: 0,
            clip: [false; 2],
        }
    }

    /// Accumulates a block of planar channels (missing channels are skipped).
    pub fn process(&mut self, input: &[&[f32]]) {
        let mut frames = 0;
        for (c, ch) in input.iter().take(self.channels).enumerate() {
            let mut peak = self.peak[c];
            // Summed onto the running total sample by sample, so the result does not depend on
            // how the interval was split into blocks.
            let mut sum = self.sum_sq[c];
            for &x in ch.iter() {
                let a = x.abs();
                // NaN compares false and is ignored.
                if a > peak {
                    peak = a;
                }
                sum += x as f64 * x as f64;
            }
            self.peak[c] = peak;
            self.sum_sq[c] = sum;
            self.clip[c] |= peak >= 1.0;
            frames = frames.max(ch.len());
        }
        self.frames = self.frames.saturating_add(frames as u32);
    }

    /// Accumulates a stereo block.
    pub fn process_stereo(&mut self, left: &[f32], right: &[f32]) {
        self.process(&[left, right]);
    }

    /// Returns the levels since the previous call and starts a new interval.
    pub fn take(&mut self) -> LevelReport {
        let mut rms = [0.0f32; 2];
        if self.frames > 0 {
            for c in 0..self.channels {
                rms[c] = (self.sum_sq[c] / self.frames as f64).sqrt() as f32;
            }
        }
        let report = LevelReport {
            channels: self.channels as u8,
            frames: self.frames,
            peak: self.peak,
            rms,
            clip: self.clip,
        };
        self.peak = [0.0; 2];
        self.sum_sq = [0.0; 2];
        self.frames = 0;
        self.clip = [false; 2];
        report
    }
}

/// A snapshot of the master loudness meter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoudnessReading {
    /// Momentary loudness (400 ms window), LUFS (−∞ for silence).
    pub momentary_lufs: f64,
    /// Short-term loudness (3 s window), LUFS.
    pub short_term_lufs: f64,
    /// Integrated (gated) loudness since reset, LUFS.
    pub integrated_lufs: f64,
    /// Largest true peak since the previous reading, dBTP.
    pub true_peak_dbtp: f64,
    /// Largest true peak since reset, dBTP.
    pub max_true_peak_dbtp: f64,
}

/// Errors creating a loudness meter or analyzer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MeterError {
    /// The sample rate is outside what the BS.1770 filters support here.
    #[error("sample rate {0} Hz is not supported for loudness measurement")]
    UnsupportedRate(u32),
    /// No channels, or more than the meter handles.
    #[error("{0} channels are not supported for loudness measurement (1 to 8)")]
    UnsupportedChannels(usize),
}

/// Master loudness meter: momentary, short-term and integrated loudness per EBU R128 /
/// ITU-R BS.1770 (via the `ebur128` crate in histogram mode, whose memory is fixed), and true
/// peak per BS.1770-4 Annex 2 ([`TruePeakMeter`]).
pub struct LoudnessMeter {
    ebu: EbuR128,
    tp: TruePeakMeter,
    channels: usize,
}

impl LoudnessMeter {
    /// A meter for `channels` (1–8; mono counts once, not doubled) at `sample_rate`.
    pub fn new(sample_rate: u32, channels: usize) -> Result<Self, MeterError> {
        if channels == 0 || channels > 8 {
            return Err(MeterError::UnsupportedChannels(channels));
        }
        let ebu = EbuR128::new(
            channels as u32,
            sample_rate,
            Mode::M | Mode::S | Mode::I | Mode::HISTOGRAM,
        )
        .map_err(|_| MeterError::UnsupportedRate(sample_rate))?;
        Ok(LoudnessMeter {
            ebu,
            tp: TruePeakMeter::new(channels),
            channels,
        })
    }

    /// Measures a block of planar channels (exactly `channels` slices of equal length;
    /// anything else is ignored).
    pub fn process(&mut self, input: &[&[f32]]) {
        if input.len() != self.channels || input.iter().any(|c| c.len() != input[0].len()) {
            return;
        }
        // Cannot fail with the channel count checked above.
        let _ = self.ebu.add_frames_planar_f32(input);
        self.tp.process(input);
    }

    /// Momentary loudness (last 400 ms), LUFS.
    pub fn momentary_lufs(&self) -> f64 {
        self.ebu.loudness_momentary().unwrap_or(f64::NEG_INFINITY)
    }

    /// Short-term loudness (last 3 s), LUFS.
    pub fn short_term_lufs(&self) -> f64 {
        self.ebu.loudness_shortterm().unwrap_or(f64::NEG_INFINITY)
    }

    /// Integrated loudness since reset, LUFS (−∞ until a gating block is above −70 LUFS).
    pub fn integrated_lufs(&self) -> f64 {
        self.ebu.loudness_global().unwrap_or(f64::NEG_INFINITY)
    }

    /// Largest true peak since reset, dBTP.
    pub fn max_true_peak_dbtp(&self) -> f64 {
        self.tp.peak_dbtp()
    }

    /// All readings; the interval true peak restarts.
    pub fn reading(&mut self) -> LoudnessReading {
        LoudnessReading {
            momentary_lufs: self.momentary_lufs(),
            short_term_lufs: self.short_term_lufs(),
            integrated_lufs: self.integrated_lufs(),
            true_peak_dbtp: 20.0 * self.tp.take_interval_peak().log10(),
            max_true_peak_dbtp: self.tp.peak_dbtp(),
        }
    }

    /// Restarts all measurements (integrated loudness, windows, peaks).
    pub fn reset(&mut self) {
        self.ebu.reset();
        self.tp.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::test_util::{ebu_segments, ebu_true_peak_case, sine};

    #[test]
    fn level_meter_peak_rms_and_clip() {
        let fs = 48_000.0;
        let x = sine(4800, 1000.0, fs, 0.5, 0.0);
        let y: Vec<f32> = x.iter().map(|v| v * 0.1).collect();
        let mut m = LevelMeter::new(2);
        m.process_stereo(&x[..2400], &y[..2400]);
        m.process_stereo(&x[2400..], &y[2400..]);
        let r = m.take();
        assert_eq!(r.frames, 4800);
        assert!((r.peak[0] - 0.5).abs() < 1e-4 && (r.peak[1] - 0.05).abs() < 1e-5);
        assert!((r.rms[0] - 0.5 / 2f32.sqrt()).abs() < 1e-4);
        assert!((r.rms[1] - 0.05 / 2f32.sqrt()).abs() < 1e-5);
        assert_eq!(r.clip, [false, false]);
        assert!((r.peak_dbfs() + 6.0206).abs() < 1e-3);
        // New interval: cleared; a full-scale sample flags clip on its channel only.
        m.process_stereo(&[0.2, -1.0], &[0.1, 0.999]);
        let r = m.take();
        assert_eq!(r.clip, [true, false]);
        assert_eq!(r.peak, [1.0, 0.999]);
        assert_eq!(m.take().frames, 0);
        let mut mono = LevelMeter::new(1);
        mono.process(&[&[0.25, -0.25]]);
        let r = mono.take();
        assert_eq!((r.channels, r.peak[0], r.rms[0]), (1, 0.25, 0.25));
    }

    /// EBU Tech 3341 cases 1 and 2: momentary, short-term and integrated loudness −23.0 and
    /// −33.0 LUFS (±0.1), at 44.1, 48 and 96 kHz.
    #[test]
    fn ebu_tech_3341_cases_1_and_2_live() {
        for fs in [44_100u32, 48_000, 96_000] {
            for (level, expected) in [(-23.0, -23.0), (-33.0, -33.0)] {
                // The cases last 20 s; the readings are steady from 3 s on, so 5 s keeps the
                // debug-build test short without changing what is checked.
                let x = ebu_segments(fs, &[(level, 5.0)]);
                let mut m = LoudnessMeter::new(fs, 2).unwrap();
                m.process(&[&x, &x]);
                let r = m.reading();
                for v in [r.momentary_lufs, r.short_term_lufs, r.integrated_lufs] {
                    assert!((v - expected).abs() <= 0.1, "case {level} at {fs}: {r:?}");
                }
            }
        }
    }

    /// EBU Tech 3341 case 9, (1.34 s at −20 dBFS, 1.66 s at −30 dBFS) × 5: short-term
    /// loudness −23.0 ±0.1 LUFS at every 100 ms reading from 3 s on.
    #[test]
    fn ebu_tech_3341_case_9_short_term_live() {
        for fs in [44_100u32, 48_000, 96_000] {
            let seg: Vec<(f64, f64)> = (0..5)
                .flat_map(|_| [(-20.0, 1.34), (-30.0, 1.66)])
                .collect();
            let x = ebu_segments(fs, &seg);
            let mut m = LoudnessMeter::new(fs, 2).unwrap();
            for (i, chunk) in x.chunks(fs as usize / 10).enumerate() {
                m.process(&[chunk, chunk]);
                if i >= 29 {
                    let s = m.short_term_lufs();
                    assert!(
                        (s + 23.0).abs() <= 0.1,
                        "case 9 at {fs}, {} ms: {s}",
                        (i + 1) * 100
                    );
                }
            }
        }
    }

    /// EBU Tech 3341 case 12, (0.18 s at −20 dBFS, 0.22 s at −30 dBFS) × 25: momentary
    /// loudness −23.0 ±0.1 LUFS at every 100 ms reading from 1 s on.
    #[test]
    fn ebu_tech_3341_case_12_momentary_live() {
        for fs in [44_100u32, 48_000, 96_000] {
            let seg: Vec<(f64, f64)> = (0..25)
                .flat_map(|_| [(-20.0, 0.18), (-30.0, 0.22)])
                .collect();
            let x = ebu_segments(fs, &seg);
            let mut m = LoudnessMeter::new(fs, 2).unwrap();
            for (i, chunk) in x.chunks(fs as usize / 10).enumerate() {
                m.process(&[chunk, chunk]);
                if i >= 9 {
                    let v = m.momentary_lufs();
                    assert!(
                        (v + 23.0).abs() <= 0.1,
                        "case 12 at {fs}, {} ms: {v}",
                        (i + 1) * 100
                    );
                }
            }
        }
    }

    #[test]
    fn readings_do_not_depend_on_block_partition() {
        use crate::dsp::test_util::{Rng, random_partition};
        let fs = 48_000;
        let mut rng = Rng::new(6);
        let n = 30_000;
        let l: Vec<f32> = (0..n).map(|_| rng.gauss() as f32 * 0.2).collect();
        let r: Vec<f32> = (0..n).map(|_| rng.gauss() as f32 * 0.1).collect();
        let run = |parts: &[usize]| {
            let mut lv = LevelMeter::new(2);
            let mut ld = LoudnessMeter::new(fs, 2).unwrap();
            let mut pos = 0;
            for &len in parts {
                lv.process_stereo(&l[pos..pos + len], &r[pos..pos + len]);
                ld.process(&[&l[pos..pos + len], &r[pos..pos + len]]);
                pos += len;
            }
            (lv.take(), ld.reading())
        };
        let whole = run(&[n]);
        for seed in 0..3 {
            assert_eq!(
                run(&random_partition(&mut Rng::new(seed), n, &[], 700)),
                whole
            );
        }
    }

    #[test]
    fn true_peak_reading_and_reset() {
        let (l, r, expected) = ebu_true_peak_case(16, 48_000);
        let mut m = LoudnessMeter::new(48_000, 2).unwrap();
        m.process(&[&l, &r]);
        let reading = m.reading();
        assert!(
            reading.true_peak_dbtp <= expected + 0.2 && reading.true_peak_dbtp >= expected - 0.4
        );
        assert_eq!(reading.max_true_peak_dbtp, reading.true_peak_dbtp);
        m.process(&[&[0.0; 100], &[0.0; 100]]);
        let again = m.reading();
        // Only the tapered end of the tone (below −60 dB) is still in the interpolator history.
        assert!(
            again.true_peak_dbtp < -60.0,
            "interval restarted: {again:?}"
        );
        assert_eq!(again.max_true_peak_dbtp, reading.max_true_peak_dbtp);
        m.reset();
        assert_eq!(m.integrated_lufs(), f64::NEG_INFINITY);
        assert_eq!(m.max_true_peak_dbtp(), f64::NEG_INFINITY);
        // Mismatched input is ignored, not a panic.
        m.process(&[&[0.5; 10]]);
        assert_eq!(m.max_true_peak_dbtp(), f64::NEG_INFINITY);
        assert!(LoudnessMeter::new(48_000, 0).is_err());
        assert!(LoudnessMeter::new(5, 2).is_err());
    }

    #[test]
    fn mono_counts_once() {
        let fs = 48_000;
        let x = ebu_segments(fs, &[(-23.0, 5.0)]);
        let mut m = LoudnessMeter::new(fs, 1).unwrap();
        m.process(&[&x]);
        // One channel at −23 dBFS: half the power of the stereo case, −26.0 LUFS.
        assert!(
            (m.integrated_lufs() + 26.01).abs() < 0.1,
            "{}",
            m.integrated_lufs()
        );
    }
}
