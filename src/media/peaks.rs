//! Waveform overview for the timeline: the minimum and maximum sample of every window of frames,
//! all channels merged, at zoom levels 32, 128, 512, 2048 and 8192 frames per bin.
//!
//! Each level is built from the one below (four bins make one), so the whole overview costs one
//! pass over the audio plus a third of that again, and about 1/16 of the audio's memory.

use std::ops::Range;

/// The lowest and highest sample value in one window (all channels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeakBin {
    /// Most negative sample.
    pub min: f32,
    /// Most positive sample.
    pub max: f32,
}

impl PeakBin {
    /// The bin of an empty window: merging anything into it gives that thing.
    const EMPTY: PeakBin = PeakBin {
        min: f32::INFINITY,
        max: f32::NEG_INFINITY,
    };

    fn merge(self, other: PeakBin) -> PeakBin {
        PeakBin {
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }
}

/// Frames per bin at each level, finest first; each is 4× the previous.
const FRAMES_PER_BIN: [usize; 5] = [32, 128, 512, 2048, 8192];

/// Min/max bins of a stem at several zoom levels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    frames: usize,
    levels: Vec<Vec<PeakBin>>,
}

impl Overview {
    /// Builds the overview of planar audio (channels of equal length).
    pub fn new<C: AsRef<[f32]>>(channels: &[C]) -> Overview {
        let frames = channels.iter().map(|c| c.as_ref().len()).min().unwrap_or(0);
        let base = FRAMES_PER_BIN[0];
        let mut finest = Vec::with_capacity(frames.div_ceil(base));
        for start in (0..frames).step_by(base) {
            let end = (start + base).min(frames);
            let mut bin = PeakBin::EMPTY;
            for ch in channels {
                for &s in &ch.as_ref()[start..end] {
                    // NaN compares false both ways and so never enters a bin.
                    bin.min = bin.min.min(s);
                    bin.max = bin.max.max(s);
                }
            }
            finest.push(bin);
        }
        Overview::from_finest(frames, finest)
    }

    /// The overview of `frames` frames whose finest level (32 frames per bin) is `finest`,
    /// e.g. as stored in the stem cache; the coarser levels are built from it.
    pub(crate) fn from_finest(frames: usize, finest: Vec<PeakBin>) -> Overview {
        let mut levels = vec![finest];
        for w in FRAMES_PER_BIN.windows(2) {
            let factor = w[1] / w[0];
            let coarser = levels
                .last()
                .map(|prev| {
                    prev.chunks(factor)
                        .map(|c| c.iter().fold(PeakBin::EMPTY, |a, &b| a.merge(b)))
                        .collect()
                })
                .unwrap_or_default();
            levels.push(coarser);
        }
        Overview { frames, levels }
    }

    /// Length of the audio in frames.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Number of zoom levels (0 is the finest).
    pub fn levels(&self) -> usize {
        FRAMES_PER_BIN.len()
    }

    /// Frames each bin covers at `level` (the last bin of a level may cover fewer).
    pub fn frames_per_bin(&self, level: usize) -> usize {
        FRAMES_PER_BIN[level.min(FRAMES_PER_BIN.len() - 1)]
    }

    /// The bins of `level`; bin `i` covers frames `i·frames_per_bin(level)` onwards.
    pub fn bins(&self, level: usize) -> &[PeakBin] {
        self.levels
            .get(level.min(FRAMES_PER_BIN.len() - 1))
            .map_or(&[], Vec::as_slice)
    }

    /// The coarsest level whose bins are no wider than a pixel at `frames_per_pixel`, so each
    /// pixel merges whole bins; 0 when zoomed in beyond the finest level.
    pub fn level_for(&self, frames_per_pixel: f64) -> usize {
        FRAMES_PER_BIN
            .iter()
            .rposition(|&f| f as f64 <= frames_per_pixel)
            .unwrap_or(0)
    }

    /// Min and max over the bins of `level` that overlap `frames` (e.g. one pixel column);
    /// `None` when the range holds no audio.
    pub fn span(&self, level: usize, frames: Range<usize>) -> Option<PeakBin> {
        let per_bin = self.frames_per_bin(level);
        let end = frames.end.min(self.frames);
        if frames.start >= end {
            return None;
        }
        let bins = self.bins(level);
        let (first, last) = (frames.start / per_bin, (end - 1) / per_bin);
        let bin = bins
            .get(first..=last)?
            .iter()
            .fold(PeakBin::EMPTY, |a, &b| a.merge(b));
        (bin.min <= bin.max).then_some(bin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute-force min/max over a frame range of all channels.
    fn direct(channels: &[Vec<f32>], r: Range<usize>) -> PeakBin {
        let mut b = PeakBin::EMPTY;
        for ch in channels {
            for &s in &ch[r.clone()] {
                b.min = b.min.min(s);
                b.max = b.max.max(s);
            }
        }
        b
    }

    fn test_audio(frames: usize) -> Vec<Vec<f32>> {
        // Deterministic pseudo-random values, different per channel.
        let mut x = 12345u32;
        let mut next = move || {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
        };
        vec![
            (0..frames).map(|_| next()).collect(),
            (0..frames).map(|_| next() * 0.5).collect(),
        ]
    }

    #[test]
    fn every_level_matches_brute_force() {
        let audio = test_audio(100_003); // not a multiple of any bin size
        let ov = Overview::new(&audio);
        assert_eq!(ov.frames(), 100_003);
        for level in 0..ov.levels() {
            let per = ov.frames_per_bin(level);
            let bins = ov.bins(level);
            assert_eq!(bins.len(), 100_003usize.div_ceil(per), "level {level}");
            for (i, b) in bins.iter().enumerate() {
                let r = i * per..((i + 1) * per).min(100_003);
                assert_eq!(*b, direct(&audio, r), "level {level} bin {i}");
            }
        }
    }

    #[test]
    fn channels_are_merged() {
        let ov = Overview::new(&[vec![0.5; 64], vec![-0.25; 64]]);
        assert_eq!(
            ov.bins(0),
            &[PeakBin {
                min: -0.25,
                max: 0.5
            }; 2]
        );
    }

    #[test]
    fn level_choice_and_spans() {
        let audio = test_audio(50_000);
        let ov = Overview::new(&audio);
        assert_eq!(ov.level_for(1.0), 0);
        assert_eq!(ov.level_for(32.0), 0);
        assert_eq!(ov.level_for(127.9), 0);
        assert_eq!(ov.level_for(128.0), 1);
        assert_eq!(ov.level_for(1000.0), 2);
        assert_eq!(ov.level_for(1e9), 4);
        // A span aligned to bins is exact.
        assert_eq!(ov.span(1, 256..1024), Some(direct(&audio, 256..1024)));
        // An unaligned span covers at least the range (bins overlapping it).
        let s = ov.span(2, 700..5000).unwrap();
        let d = direct(&audio, 700..5000);
        assert!(s.min <= d.min && s.max >= d.max);
        assert_eq!(ov.span(0, 60_000..70_000), None);
        assert_eq!(ov.span(0, 10..10), None);
    }

    #[test]
    fn empty_audio() {
        let ov = Overview::new::<Vec<f32>>(&[]);
        assert_eq!(ov.frames(), 0);
        assert!(ov.bins(0).is_empty());
        assert_eq!(ov.span(0, 0..100), None);
    }
}
