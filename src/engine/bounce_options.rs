//! What a bounce is asked to do: the range, the rate, the format, normalisation and tail
//! ([`BounceOptions`], also made from a project's remembered [`BounceSettings`]), and the frames
//! a range covers.

use super::bounce::BounceError;
use super::render::{Tail, default_threads};
use crate::media::WavFormat;
use crate::project::{BounceFormat, BounceSettings, BounceSpan, LoudnessChoice, Project};

/// Which part of the timeline to bounce.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BounceRange {
    /// From 0 to the end of the longest stem.
    All,
    /// The project's loop region.
    Loop,
    /// From `start_s` to `end_s` seconds.
    Span {
        /// Start in seconds.
        start_s: f64,
        /// End in seconds.
        end_s: f64,
    },
}

/// Loudness normalisation target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normalize {
    /// Integrated loudness to reach, in LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling the master limiter holds, in dBTP.
    pub ceiling_dbtp: f32,
}

/// Everything a bounce needs besides the project and its destination.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BounceOptions {
    /// Sample format of the files.
    pub format: WavFormat,
    /// Sample rate of the files (`None`: the project's).
    pub sample_rate: Option<u32>,
    /// Part of the timeline.
    pub range: BounceRange,
    /// Tail after the range.
    pub tail: Tail,
    /// Optional loudness normalisation.
    pub normalize: Option<Normalize>,
    /// Threads for the channel strips (1 = the callback's exact serial path; results are
    /// bit-identical either way).
    pub threads: usize,
}

impl Default for BounceOptions {
    fn default() -> Self {
        BounceOptions {
            format: WavFormat::Int24,
            sample_rate: None,
            range: BounceRange::All,
            tail: Tail::Auto,
            normalize: None,
            threads: default_threads(),
        }
    }
}

impl BounceOptions {
    /// The options the window's choices stand for (what `stemmix bounce` does with the same
    /// choices as arguments).
    pub fn from_settings(s: &BounceSettings) -> BounceOptions {
        let normalize = match s.loudness {
            LoudnessChoice::Off => None,
            LoudnessChoice::Custom => Some((s.custom_lufs, s.custom_ceiling_dbtp)),
            preset => preset.preset(),
        };
        BounceOptions {
            format: match s.format {
                BounceFormat::Int16 => WavFormat::Int16,
                BounceFormat::Int24 => WavFormat::Int24,
                BounceFormat::Float32 => WavFormat::Float32,
            },
            sample_rate: s.sample_rate,
            range: match s.range {
                BounceSpan::All => BounceRange::All,
                BounceSpan::Loop => BounceRange::Loop,
                BounceSpan::Span { start_s, end_s } => BounceRange::Span { start_s, end_s },
            },
            tail: s.tail_s.map_or(Tail::Auto, Tail::Seconds),
            normalize: normalize.map(|(target_lufs, ceiling_dbtp)| Normalize {
                target_lufs,
                ceiling_dbtp,
            }),
            threads: default_threads(),
        }
    }
}

/// The frames `[start, end)` a range covers in `project`.
pub fn range_frames(
    project: &Project,
    length: u64,
    range: BounceRange,
) -> Result<(u64, u64), BounceError> {
    let rate = project.sample_rate;
    let (start, end) = match range {
        BounceRange::All => (0, length),
        BounceRange::Loop => project
            .loop_region
            .ok_or(BounceError::NoLoopRegion)?
            .frames(rate),
        BounceRange::Span { start_s, end_s } => {
            if end_s.partial_cmp(&start_s) != Some(std::cmp::Ordering::Greater) || start_s < 0.0 {
                return Err(BounceError::EmptyRange(format!("{start_s}..{end_s}")));
            }
            let f = |s: f64| (s * rate as f64).round() as u64;
            (f(start_s), f(end_s))
        }
    };
    if end <= start {
        return Err(if length == 0 {
            BounceError::NoAudio
        } else {
            BounceError::EmptyRange(format!("{start}..{end} frames"))
        });
    }
    Ok((start, end))
}
