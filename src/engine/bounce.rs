//! Bouncing a project's mix to a WAV file, faster than real time: the render driver
//! ([`super::render`]) with a WAV sink, measured as it is written. Optionally normalised to a
//! loudness target with the master limiter holding a true-peak ceiling.

use super::faults::Faults;
use super::graph::{MixGraph, StemLookup};
use super::render::{self, RenderControl, RenderError, RenderOptions};
use crate::dsp::LoudnessAnalyzer;
use crate::media::{WavFormat, WavWriter};
use crate::project::{LimiterSettings, Project};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub use super::render::{Tail, default_threads};

/// Frames per graph call while bouncing (the graph is built for blocks of this size).
pub const BOUNCE_BLOCK: usize = render::RENDER_BLOCK;
/// Normalisation is repeated until the result is within this many LU of the target.
const NORMALIZE_TOLERANCE_LU: f64 = 0.05;

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

/// Everything a bounce needs besides the project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BounceOptions {
    /// Sample format of the file.
    pub format: WavFormat,
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
            range: BounceRange::All,
            tail: Tail::Auto,
            normalize: None,
            threads: default_threads(),
        }
    }
}

/// Where a bounce is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BounceProgress {
    /// Which rendering pass (normalisation measures first).
    pub pass: u32,
    /// Passes expected (1 without normalisation; more may follow if a correction is needed).
    pub passes: u32,
    /// Fraction of the current pass done, 0…1 (the automatic tail counts as its maximum).
    pub fraction: f32,
}

/// What a finished bounce measured.
#[derive(Clone, Debug, PartialEq)]
pub struct BounceSummary {
    /// Frames written.
    pub frames: u64,
    /// Sample rate of the file.
    pub sample_rate: u32,
    /// Wall-clock time of the whole bounce.
    pub elapsed: Duration,
    /// Integrated loudness of the written mix (LUFS; −∞ for silence).
    pub integrated_lufs: f64,
    /// True peak of the written mix (dBTP).
    pub true_peak_dbtp: f64,
    /// Gain applied by normalisation (dB), 0 without it.
    pub normalize_gain_db: f64,
    /// NaNs or infinities the graph caught and silenced in the written audio (see
    /// [`Faults::describe`] for the user's sentences).
    pub faults: Faults,
}

impl BounceSummary {
    /// Length of the file in seconds.
    pub fn duration_s(&self) -> f64 {
        self.frames as f64 / self.sample_rate.max(1) as f64
    }

    /// Audio seconds rendered per wall-clock second.
    pub fn speed(&self) -> f64 {
        self.duration_s() / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Why a bounce failed; no output file exists afterwards.
#[derive(Debug, thiserror::Error)]
pub enum BounceError {
    /// `--range loop` without a loop region in the project.
    #[error("the project has no loop region to bounce")]
    NoLoopRegion,
    /// A range that contains nothing.
    #[error("the range {0} is empty")]
    EmptyRange(String),
    /// Nothing to bounce.
    #[error("the project has no audio to bounce (no track has a readable stem)")]
    NoAudio,
    /// Writing the file failed.
    #[error("{0}")]
    Write(#[from] crate::media::MediaError),
    /// The user cancelled (Ctrl-C or the Cancel button).
    #[error("bounce cancelled; no file was written")]
    Cancelled,
}

impl From<RenderError> for BounceError {
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Cancelled => BounceError::Cancelled,
            RenderError::Sink(e) => BounceError::Write(e),
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

/// Renders the mix of `project` to `out` (written under a temporary name, renamed at the end).
/// `progress` is called often; `cancel` is polled between blocks.
pub fn bounce(
    project: &Project,
    stems: &StemLookup<'_>,
    out: &Path,
    opts: &BounceOptions,
    progress: &mut dyn FnMut(BounceProgress),
    cancel: &AtomicBool,
) -> Result<BounceSummary, BounceError> {
    let started = Instant::now();
    let probe = MixGraph::from_project(project, stems, 1);
    let (start, end) = range_frames(project, probe.length(), opts.range)?;
    drop(probe);
    let rate = project.sample_rate;
    let render_opts = RenderOptions {
        threads: opts.threads,
        block: BOUNCE_BLOCK,
        ..RenderOptions::range(start, end, opts.tail)
    };
    let summary = |frames: u64, meter: &Loudness, gain_db: f64, faults: Faults| BounceSummary {
        frames,
        sample_rate: rate,
        elapsed: started.elapsed(),
        integrated_lufs: meter.integrated(),
        true_peak_dbtp: meter.true_peak_db(),
        normalize_gain_db: gain_db,
        faults,
    };

    let Some(norm) = opts.normalize else {
        let mut writer = WavWriter::create(out, rate, opts.format, dither_seed(project))?;
        let mut meter = Loudness::new(rate);
        let mut graph = MixGraph::from_project(project, stems, BOUNCE_BLOCK);
        let mut report = |fraction| {
            progress(BounceProgress {
                pass: 1,
                passes: 1,
                fraction,
            })
        };
        let outcome = render::render(
            &mut graph,
            &render_opts,
            &mut |_: &MixGraph, l: &[f32], r: &[f32]| {
                meter.add(l, r);
                writer.write(l, r)
            },
            &mut RenderControl {
                progress: Some(&mut report),
                cancel: Some(cancel),
                schedule: None,
            },
        )?;
        writer.finish()?;
        return Ok(summary(outcome.frames, &meter, 0.0, outcome.faults));
    };

    // Normalisation: measure, apply the gain with the limiter at the ceiling, measure again and
    // correct once more if the limiter took loudness away.
    let mut gain_db = 0.0f64;
    let mut passes = 2u32;
    let mut pass = 1u32;
    let (audio, meter, faults) = loop {
        let mut p = project.clone();
        if pass > 1 {
            p.master.limiter = LimiterSettings {
                enabled: true,
                ceiling_dbtp: norm.ceiling_dbtp,
                ..p.master.limiter
            };
        }
        let mut graph = MixGraph::from_project(&p, stems, BOUNCE_BLOCK);
        if pass > 1 {
            // Beyond the master fader's range if need be: a quiet mix may need more.
            graph.set_output_trim_db(gain_db as f32);
        }
        let mut meter = Loudness::new(rate);
        let mut audio = render::MemorySink::default();
        let mut report = |fraction| {
            progress(BounceProgress {
                pass,
                passes,
                fraction,
            })
        };
        let outcome = render::render(
            &mut graph,
            &render_opts,
            &mut |g: &MixGraph, l: &[f32], r: &[f32]| {
                meter.add(l, r);
                render::RenderSink::block(&mut audio, g, l, r)
            },
            &mut RenderControl {
                progress: Some(&mut report),
                cancel: Some(cancel),
                schedule: None,
            },
        )?;
        let measured = meter.integrated();
        if !measured.is_finite() {
            return Err(BounceError::NoAudio);
        }
        let error = norm.target_lufs - measured;
        if pass > 1 && (error.abs() <= NORMALIZE_TOLERANCE_LU || pass >= 4) {
            break (audio.audio, meter, outcome.faults);
        }
        gain_db += error;
        pass += 1;
        passes = passes.max(pass);
    };
    let mut writer = WavWriter::create(out, rate, opts.format, dither_seed(project))?;
    for (l, r) in audio[0]
        .chunks(BOUNCE_BLOCK)
        .zip(audio[1].chunks(BOUNCE_BLOCK))
    {
        if cancel.load(Ordering::Relaxed) {
            return Err(BounceError::Cancelled);
        }
        writer.write(l, r)?;
    }
    writer.finish()?;
    Ok(summary(audio[0].len() as u64, &meter, gain_db, faults))
}

/// A fixed dither seed per project rate, so two bounces of the same project are byte-identical.
fn dither_seed(project: &Project) -> u64 {
    0x5715_0000 ^ project.sample_rate as u64
}

/// Streaming loudness and true-peak measurement of the bounced mix: the dsp's BS.1770
/// analyzer, or −∞ readings at a rate it does not support.
struct Loudness(Option<LoudnessAnalyzer>);

impl Loudness {
    fn new(rate: u32) -> Loudness {
        Loudness(LoudnessAnalyzer::new(2, rate).ok())
    }

    fn add(&mut self, l: &[f32], r: &[f32]) {
        if let Some(a) = &mut self.0 {
            // Two equal-length channels, as the analyzer was made for: cannot fail.
            let _ = a.push(&[l, r]);
        }
    }

    fn integrated(&self) -> f64 {
        self.0
            .as_ref()
            .map_or(f64::NEG_INFINITY, |a| a.report().integrated_lufs)
    }

    fn true_peak_db(&self) -> f64 {
        self.0
            .as_ref()
            .map_or(f64::NEG_INFINITY, |a| a.report().true_peak_dbtp)
    }
}
