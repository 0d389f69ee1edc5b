//! Loudness analysis of whole files and buffers (EBU R128 / ITU-R BS.1770-4 / EBU Tech 3342).
//!
//! Integrated loudness, loudness range, sample peak and true peak, via the `ebur128` crate in
//! its exact (non-histogram) mode. Feed a whole buffer with [`analyze`], or stream long files
//! through a [`LoudnessAnalyzer`]. A mono signal counts once (it is not doubled as if it were
//! played on two loudspeakers), as BS.1770 specifies.
//!
//! Silence is reported as −∞ for loudness and peaks and 0 LU for the range; callers that write
//! JSON map the infinities to `null`.

use super::meter::MeterError;
use ebur128::{EbuR128, Mode};

/// Result of a loudness analysis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoudnessReport {
    /// Integrated (gated) loudness, LUFS; −∞ for silence.
    pub integrated_lufs: f64,
    /// Loudness range (EBU Tech 3342), LU; 0 for silence or very short input.
    pub lra_lu: f64,
    /// Largest |sample|, dBFS; −∞ for silence.
    pub sample_peak_dbfs: f64,
    /// Largest true peak (4× oversampled below 96 kHz, 2× above), dBTP; −∞ for silence.
    pub true_peak_dbtp: f64,
}

/// Streaming loudness analysis: push planar blocks, then read the report.
pub struct LoudnessAnalyzer {
    ebu: EbuR128,
    channels: usize,
    sample_peak: f64,
}

impl LoudnessAnalyzer {
    /// An analyzer for `channels` (1–8) at `sample_rate`.
    pub fn new(channels: usize, sample_rate: u32) -> Result<Self, MeterError> {
        if channels == 0 || channels > 8 {
            return Err(MeterError::UnsupportedChannels(channels));
        }
        let ebu = EbuR128::new(
            channels as u32,
            sample_rate,
            Mode::I | Mode::LRA | Mode::SAMPLE_PEAK | Mode::TRUE_PEAK,
        )
        .map_err(|_| MeterError::UnsupportedRate(sample_rate))?;
        Ok(LoudnessAnalyzer {
            ebu,
            channels,
            sample_peak: 0.0,
        })
    }

    /// Adds a block: one slice per channel, all the same length.
    pub fn push(&mut self, input: &[&[f32]]) -> Result<(), MeterError> {
        if input.len() != self.channels {
            return Err(MeterError::UnsupportedChannels(input.len()));
        }
        let n = input.first().map_or(0, |c| c.len());
        if input.iter().any(|c| c.len() != n) {
            return Err(MeterError::UnsupportedChannels(input.len()));
        }
        for c in input {
            for &x in c.iter() {
                let a = x.abs() as f64;
                if a > self.sample_peak {
                    self.sample_peak = a;
                }
            }
        }
        self.ebu
            .add_frames_planar_f32(input)
            .map_err(|_| MeterError::UnsupportedChannels(input.len()))
    }

    /// The measurements over everything pushed so far.
    pub fn report(&self) -> LoudnessReport {
        let tp = (0..self.channels as u32)
            .filter_map(|c| self.ebu.true_peak(c).ok())
            .fold(0.0f64, f64::max)
            .max(self.sample_peak);
        LoudnessReport {
            integrated_lufs: self.ebu.loudness_global().unwrap_or(f64::NEG_INFINITY),
            lra_lu: self.ebu.loudness_range().unwrap_or(0.0),
            sample_peak_dbfs: 20.0 * self.sample_peak.log10(),
            true_peak_dbtp: 20.0 * tp.log10(),
        }
    }
}

/// Analyzes a whole planar buffer (one slice per channel, equal lengths) at `sample_rate`.
pub fn analyze(channels: &[&[f32]], sample_rate: u32) -> Result<LoudnessReport, MeterError> {
    let mut a = LoudnessAnalyzer::new(channels.len(), sample_rate)?;
    a.push(channels)?;
    Ok(a.report())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::test_util::{ebu_segments, ebu_true_peak_case};

    const RATES: [u32; 3] = [44_100, 48_000, 96_000];

    /// (case number, (level dBFS, seconds) segments, expected value).
    type Case = (u32, Vec<(f64, f64)>, f64);

    fn stereo(fs: u32, segments: &[(f64, f64)]) -> LoudnessReport {
        let x = ebu_segments(fs, segments);
        analyze(&[&x, &x], fs).unwrap()
    }

    /// EBU Tech 3341 cases 1–5: integrated loudness within ±0.1 LU.
    #[test]
    fn ebu_tech_3341_cases_1_to_5() {
        let cases: [Case; 5] = [
            (1, vec![(-23.0, 20.0)], -23.0),
            (2, vec![(-33.0, 20.0)], -33.0),
            (3, vec![(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)], -23.0),
            (
                4,
                vec![
                    (-72.0, 10.0),
                    (-36.0, 10.0),
                    (-23.0, 60.0),
                    (-36.0, 10.0),
                    (-72.0, 10.0),
                ],
                -23.0,
            ),
            (5, vec![(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)], -23.0),
        ];
        for fs in RATES {
            for (case, seg, expected) in &cases {
                let r = stereo(fs, seg);
                eprintln!(
                    "EBU 3341 case {case} at {fs}: I = {:.3} LUFS",
                    r.integrated_lufs
                );
                assert!(
                    (r.integrated_lufs - expected).abs() <= 0.1,
                    "case {case} at {fs}: {r:?}"
                );
            }
        }
    }

    /// Cases 9 and 12 (built for the short-term and momentary meters, checked live in
    /// `meter.rs`) also integrate to −23 LUFS.
    #[test]
    fn ebu_tech_3341_cases_9_and_12_integrated() {
        for fs in RATES {
            let nine: Vec<(f64, f64)> = (0..5)
                .flat_map(|_| [(-20.0, 1.34), (-30.0, 1.66)])
                .collect();
            let twelve: Vec<(f64, f64)> = (0..25)
                .flat_map(|_| [(-20.0, 0.18), (-30.0, 0.22)])
                .collect();
            for (case, seg) in [(9, nine), (12, twelve)] {
                let r = stereo(fs, &seg);
                eprintln!(
                    "EBU 3341 case {case} at {fs}: I = {:.3} LUFS",
                    r.integrated_lufs
                );
                assert!(
                    (r.integrated_lufs + 23.0).abs() <= 0.1,
                    "case {case} at {fs}: {r:?}"
                );
            }
        }
    }

    /// Cases 15–19: true peak −6.0 dBTP (15–18) and +3.0 dBTP (19), +0.2/−0.4 dB.
    #[test]
    fn ebu_tech_3341_true_peak_cases_15_to_19() {
        for fs in RATES {
            for case in 15..=19 {
                let (l, r, expected) = ebu_true_peak_case(case, fs);
                let rep = analyze(&[&l, &r], fs).unwrap();
                eprintln!(
                    "EBU 3341 case {case} at {fs}: TP = {:.3} dBTP",
                    rep.true_peak_dbtp
                );
                assert!(
                    rep.true_peak_dbtp <= expected + 0.2 && rep.true_peak_dbtp >= expected - 0.4,
                    "case {case} at {fs}: {rep:?}"
                );
                assert!(rep.sample_peak_dbfs <= rep.true_peak_dbtp);
            }
        }
    }

    fn check_lra(cases: &[Case]) {
        for fs in RATES {
            for (case, seg, expected) in cases {
                let r = stereo(fs, seg);
                eprintln!("EBU 3342 case {case} at {fs}: LRA = {:.3} LU", r.lra_lu);
                assert!(
                    (r.lra_lu - expected).abs() <= 1.0,
                    "case {case} at {fs}: {r:?}"
                );
            }
        }
    }

    /// EBU Tech 3342 cases 1–3: loudness range within ±1 LU.
    #[test]
    fn ebu_tech_3342_cases_1_to_3() {
        check_lra(&[
            (1, vec![(-20.0, 20.0), (-30.0, 20.0)], 10.0),
            (2, vec![(-20.0, 20.0), (-15.0, 20.0)], 5.0),
            (3, vec![(-40.0, 20.0), (-20.0, 20.0)], 20.0),
        ]);
    }

    /// EBU Tech 3342 case 4: loudness range within ±1 LU.
    #[test]
    fn ebu_tech_3342_case_4() {
        let seg = vec![
            (-50.0, 20.0),
            (-35.0, 20.0),
            (-20.0, 20.0),
            (-35.0, 20.0),
            (-50.0, 20.0),
        ];
        check_lra(&[(4, seg, 15.0)]);
    }

    #[test]
    fn mono_counts_once_and_streaming_matches_whole() {
        let fs = 48_000;
        let x = ebu_segments(fs, &[(-23.0, 10.0)]);
        let whole = analyze(&[&x], fs).unwrap();
        assert!((whole.integrated_lufs + 26.01).abs() <= 0.1, "{whole:?}");
        assert!((whole.sample_peak_dbfs + 23.0).abs() < 0.01);
        let mut a = LoudnessAnalyzer::new(1, fs).unwrap();
        for chunk in x.chunks(12_345) {
            a.push(&[chunk]).unwrap();
        }
        assert_eq!(a.report(), whole);
    }

    #[test]
    fn silence_and_bad_input() {
        let z = vec![0.0f32; 48_000];
        let r = analyze(&[&z, &z], 48_000).unwrap();
        assert_eq!(r.integrated_lufs, f64::NEG_INFINITY);
        assert_eq!(r.lra_lu, 0.0);
        assert_eq!(r.sample_peak_dbfs, f64::NEG_INFINITY);
        assert_eq!(r.true_peak_dbtp, f64::NEG_INFINITY);
        assert!(analyze(&[], 48_000).is_err());
        assert!(analyze(&[&z], 1).is_err());
        assert!(analyze(&[&z, &z[..10]], 48_000).is_err());
    }
}
