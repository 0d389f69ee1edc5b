//! Real-time meters: per-channel peak/RMS/clip accumulators and the master loudness meter.
//!
//! Both are real-time safe: all memory is allocated in `new`, and `process`, the readings and
//! `take_*`/`reset` never allocate (checked by `tests/dsp_no_alloc.rs`), and every reading
//! costs a few microseconds at most.

use super::simd::F64x2;
use super::true_peak::TruePeakMeter;

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
    /// The channels of one block differ in length.
    #[error("the channels of a block differ in length")]
    UnequalLengths,
}

/// Sub-blocks of 100 ms in the short-term window (3 s).
const SHORT_TERM_BLOCKS: usize = 30;
/// Sub-blocks in the momentary window and in a gating block (400 ms).
const MOMENTARY_BLOCKS: usize = 4;
/// Histogram of gating-block loudness: 0.1 LU bins from −70 LUFS (the absolute gate) up.
const HIST_BIN_LU: f64 = 0.1;
const HIST_BINS: usize = 800;
const ABSOLUTE_GATE_LUFS: f64 = -70.0;

/// K-weighting per ITU-R BS.1770-4 at any sample rate: the Recommendation's pre-filter (a high
/// shelf) and RLB high-pass, built from their analog parameters (shelf 1681.97 Hz, +4.00 dB,
/// Q 0.7072; high-pass 38.135 Hz, Q 0.5003), which reproduce its 48 kHz coefficient table.
pub fn k_weighting(sample_rate: f64) -> [super::biquad::Coeffs; 2] {
    use super::biquad::Coeffs;
    use std::f64::consts::PI;
    let (f0, gain_db, q) = (
        1_681.974_450_955_533,
        3.999_843_853_973_347,
        0.707_175_236_955_419_6,
    );
    let k = (PI * f0 / sample_rate).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.499_666_774_154_541_6);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Coeffs {
        b0: (vh + vb * k / q + k * k) / a0,
        b1: 2.0 * (k * k - vh) / a0,
        b2: (vh - vb * k / q + k * k) / a0,
        a1: 2.0 * (k * k - 1.0) / a0,
        a2: (1.0 - k / q + k * k) / a0,
    };
    let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
    let k = (PI * f0 / sample_rate).tan();
    let a0 = 1.0 + k / q + k * k;
    let high_pass = Coeffs {
        b0: 1.0,
        b1: -2.0,
        b2: 1.0,
        a1: 2.0 * (k * k - 1.0) / a0,
        a2: (1.0 - k / q + k * k) / a0,
    };
    [shelf, high_pass]
}

/// Master loudness meter per ITU-R BS.1770-4 / EBU R128 for mono or stereo: momentary (400 ms)
/// and short-term (3 s) loudness updated every 100 ms, integrated (gated) loudness since reset,
/// and true peak per BS.1770-4 Annex 2 ([`TruePeakMeter`]).
///
/// K-weighted energy is summed per 100 ms sub-block; the windows are sums of the last 4 and 30
/// sub-blocks, and every 400 ms gating block (one per 100 ms) goes into a fixed histogram of
/// 0.1 LU bins that keeps each bin's exact energy sum. Readings are therefore O(1) (a few
/// microseconds, independent of the window lengths) and memory is fixed, so the meter can
/// run and be read on the audio thread. Mono counts once (it is not doubled).
pub struct LoudnessMeter {
    channels: usize,
    filters: [super::biquad::StereoBiquad; 2],
    /// Samples per 100 ms sub-block.
    sub_len: usize,
    /// Samples in the current sub-block and their weighted energy sum.
    sub_pos: usize,
    sub_sum: f64,
    /// The last 30 completed sub-blocks (ring) and how many there have been.
    subs: [f64; SHORT_TERM_BLOCKS],
    subs_next: usize,
    subs_done: u64,
    hist_count: Vec<u64>,
    hist_energy: Vec<f64>,
    tp: TruePeakMeter,
    /// Whether `tp` is fed (see [`LoudnessMeter::without_true_peak`]).
    true_peak: bool,
}

impl LoudnessMeter {
    /// A meter for `channels` (1 or 2) at `sample_rate`.
    pub fn new(sample_rate: u32, channels: usize) -> Result<Self, MeterError> {
        if !(1..=2).contains(&channels) {
            return Err(MeterError::UnsupportedChannels(channels));
        }
        if !(8_000..=384_000).contains(&sample_rate) {
            return Err(MeterError::UnsupportedRate(sample_rate));
        }
        let [shelf, high_pass] = k_weighting(sample_rate as f64);
        Ok(LoudnessMeter {
            channels,
            filters: [
                super::biquad::StereoBiquad::new(shelf),
                super::biquad::StereoBiquad::new(high_pass),
            ],
            sub_len: ((sample_rate as f64 / 10.0).round() as usize).max(1),
            sub_pos: 0,
            sub_sum: 0.0,
            subs: [0.0; SHORT_TERM_BLOCKS],
            subs_next: 0,
            subs_done: 0,
            hist_count: vec![0; HIST_BINS],
            hist_energy: vec![0.0; HIST_BINS],
            tp: TruePeakMeter::new(channels),
            true_peak: true,
        })
    }

    /// The same meter measuring loudness only: its true peak stays −∞. The oversampled peak
    /// detector costs more than the loudness itself; a meter read only for its windows (the
    /// mix's live loudness beside what is heard) leaves it out.
    pub fn without_true_peak(self) -> Self {
        LoudnessMeter {
            true_peak: false,
            ..self
        }
    }

    /// Measures a block of planar channels (exactly `channels` slices of equal length;
    /// anything else is ignored).
    pub fn process(&mut self, input: &[&[f32]]) {
        if input.len() != self.channels || input.iter().any(|c| c.len() != input[0].len()) {
            return;
        }
        if self.true_peak {
            self.tp.process(input);
        }
        let (left, right) = (input[0], input.get(1).copied());
        for i in 0..left.len() {
            let r = right.map_or(0.0, |r| r[i] as f64);
            let mut y = F64x2::new(left[i] as f64, r);
            for f in self.filters.iter_mut() {
                y = f.tick(y);
            }
            // Channel weights are 1 for left, right (and a mono channel).
            self.sub_sum += y.l() * y.l() + y.r() * y.r();
            self.sub_pos += 1;
            if self.sub_pos == self.sub_len {
                self.end_sub_block();
            }
        }
    }

    /// Closes a 100 ms sub-block: stores it, and feeds the gating block it completes.
    fn end_sub_block(&mut self) {
        self.subs[self.subs_next] = self.sub_sum;
        self.subs_next = (self.subs_next + 1) % SHORT_TERM_BLOCKS;
        self.subs_done += 1;
        self.sub_sum = 0.0;
        self.sub_pos = 0;
        for f in self.filters.iter_mut() {
            f.flush_tiny();
        }
        if self.subs_done >= MOMENTARY_BLOCKS as u64 {
            let z = self.window_energy(MOMENTARY_BLOCKS);
            let l = energy_to_lufs(z);
            if l > ABSOLUTE_GATE_LUFS {
                let bin = (((l - ABSOLUTE_GATE_LUFS) / HIST_BIN_LU) as usize).min(HIST_BINS - 1);
                self.hist_count[bin] += 1;
                self.hist_energy[bin] += z;
            }
        }
    }

    /// Mean square (channel-weighted sum) over the last `blocks` sub-blocks; before that much
    /// audio has arrived, the missing part counts as silence.
    fn window_energy(&self, blocks: usize) -> f64 {
        let mut sum = 0.0;
        for k in 1..=blocks {
            sum += self.subs[(self.subs_next + SHORT_TERM_BLOCKS - k) % SHORT_TERM_BLOCKS];
        }
        sum / (blocks * self.sub_len) as f64
    }

    /// Momentary loudness (last 400 ms, updated every 100 ms), LUFS.
    pub fn momentary_lufs(&self) -> f64 {
        energy_to_lufs(self.window_energy(MOMENTARY_BLOCKS))
    }

    /// Short-term loudness (last 3 s, updated every 100 ms), LUFS.
    pub fn short_term_lufs(&self) -> f64 {
        energy_to_lufs(self.window_energy(SHORT_TERM_BLOCKS))
    }

    /// Integrated loudness since reset, LUFS (−∞ until a gating block is above −70 LUFS):
    /// the mean energy of the gating blocks above −70 LUFS and above the relative gate 10 LU
    /// below their own mean.
    pub fn integrated_lufs(&self) -> f64 {
        let (n, e) = self
            .hist_count
            .iter()
            .zip(&self.hist_energy)
            .fold((0u64, 0.0), |(n, e), (&c, &z)| (n + c, e + z));
        if n == 0 {
            return f64::NEG_INFINITY;
        }
        let relative_gate = energy_to_lufs(e / n as f64) - 10.0;
        // Bins entirely above the gate count; the bin holding the gate counts when its lower
        // edge is at or above it (blocks within 0.1 LU of the gate are the only ones in doubt).
        let first = ((relative_gate - ABSOLUTE_GATE_LUFS) / HIST_BIN_LU)
            .ceil()
            .max(0.0) as usize;
        let (n, e) = self.hist_count[first.min(HIST_BINS)..]
            .iter()
            .zip(&self.hist_energy[first.min(HIST_BINS)..])
            .fold((0u64, 0.0), |(n, e), (&c, &z)| (n + c, e + z));
        if n == 0 {
            return f64::NEG_INFINITY;
        }
        energy_to_lufs(e / n as f64)
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

    /// Restarts all measurements (integrated loudness, windows, peaks, filter state).
    pub fn reset(&mut self) {
        for f in self.filters.iter_mut() {
            f.reset();
        }
        self.sub_pos = 0;
        self.sub_sum = 0.0;
        self.subs = [0.0; SHORT_TERM_BLOCKS];
        self.subs_next = 0;
        self.subs_done = 0;
        self.hist_count.fill(0);
        self.hist_energy.fill(0.0);
        self.tp.reset();
    }
}

/// BS.1770 loudness of a channel-weighted mean square: −0.691 + 10·log10(z).
pub(crate) fn energy_to_lufs(z: f64) -> f64 {
    if z > 0.0 {
        -0.691 + 10.0 * z.log10()
    } else {
        f64::NEG_INFINITY
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
    fn loudness_without_true_peak_reads_the_same_windows() {
        let (l, r, _) = ebu_true_peak_case(16, 48_000);
        let mut full = LoudnessMeter::new(48_000, 2).unwrap();
        let mut lean = LoudnessMeter::new(48_000, 2).unwrap().without_true_peak();
        full.process(&[&l, &r]);
        lean.process(&[&l, &r]);
        assert_eq!(full.momentary_lufs(), lean.momentary_lufs());
        assert_eq!(full.short_term_lufs(), lean.short_term_lufs());
        assert_eq!(full.integrated_lufs(), lean.integrated_lufs());
        assert!(full.max_true_peak_dbtp() > -20.0);
        assert_eq!(lean.max_true_peak_dbtp(), f64::NEG_INFINITY);
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
        assert!(LoudnessMeter::new(48_000, 3).is_err());
        assert!(LoudnessMeter::new(5, 2).is_err());
    }

    /// The K-weighting filters reproduce ITU-R BS.1770-4 Table 1 (48 kHz) and Table 2.
    #[test]
    fn k_weighting_matches_the_recommendation_at_48k() {
        let [shelf, hp] = k_weighting(48_000.0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(shelf.b0, 1.535_124_859_586_97), "{shelf:?}");
        assert!(close(shelf.b1, -2.691_696_189_406_38));
        assert!(close(shelf.b2, 1.198_392_810_852_85));
        assert!(close(shelf.a1, -1.690_659_293_182_41));
        assert!(close(shelf.a2, 0.732_480_774_215_85));
        assert_eq!((hp.b0, hp.b1, hp.b2), (1.0, -2.0, 1.0));
        assert!(close(hp.a1, -1.990_047_454_833_98), "{hp:?}");
        assert!(close(hp.a2, 0.990_072_250_366_21));
    }

    /// Integrated (gated) loudness of the live meter over an EBU Tech 3341 signal at 48 kHz.
    fn live_integrated(segments: &[(f64, f64)]) -> f64 {
        let fs = 48_000;
        let x = ebu_segments(fs, segments);
        let mut m = LoudnessMeter::new(fs, 2).unwrap();
        for chunk in x.chunks(4096) {
            m.process(&[chunk, chunk]);
        }
        m.integrated_lufs()
    }

    /// EBU Tech 3341 case 3 (relative gate): −23.0 ±0.1 LUFS integrated, live.
    #[test]
    fn ebu_tech_3341_case_3_integrated_live() {
        let v = live_integrated(&[(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)]);
        assert!((v + 23.0).abs() <= 0.1, "{v}");
    }

    /// EBU Tech 3341 case 4 (absolute and relative gates): −23.0 ±0.1 LUFS integrated, live.
    #[test]
    fn ebu_tech_3341_case_4_integrated_live() {
        let seg = [
            (-72.0, 10.0),
            (-36.0, 10.0),
            (-23.0, 60.0),
            (-36.0, 10.0),
            (-72.0, 10.0),
        ];
        let v = live_integrated(&seg);
        assert!((v + 23.0).abs() <= 0.1, "{v}");
    }

    /// EBU Tech 3341 case 5 (blocks at the gate boundary): −23.0 ±0.1 LUFS integrated, live.
    #[test]
    fn ebu_tech_3341_case_5_integrated_live() {
        let v = live_integrated(&[(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)]);
        assert!((v + 23.0).abs() <= 0.1, "{v}");
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
