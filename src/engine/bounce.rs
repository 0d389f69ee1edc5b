//! Bouncing a project's mix — and optionally its stems — to WAV, faster than real time: the
//! render driver ([`super::render`]) with a WAV sink, measured as it is written. Optionally at
//! another sample rate (the import's resampler, [`crate::media::resample`]) and normalised to a
//! loudness target with the master limiter holding a true-peak ceiling.
//!
//! Every file is written under a temporary name and renamed into place only once all of them
//! are complete and the stems on disk are found unchanged; a failure or a cancel at any point
//! leaves no file (and removes a stems folder the bounce created). A destination that is one
//! of the project's own files is refused ([`BounceInputs`]); any other existing file is replaced
//! only when [`BounceTarget::overwrite`] says so.

use super::faults::Faults;
use super::graph::{MixGraph, StemLookup};
use super::render::{self, MemorySink, RenderControl, RenderError, RenderOptions, RenderSink};
use super::stems_bounce::StemsRecorder;
use crate::dsp::{LoudnessAnalyzer, LoudnessReport};
use crate::media::{FinishedWav, MediaError, WavFormat, WavWriter, resample};
use crate::project::{LimiterSettings, Project, ranges};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub use super::bounce_guard::{BounceInputs, GuardError, InputRole};
pub use super::bounce_options::{BounceOptions, BounceRange, Normalize, range_frames};
pub use super::bounce_target::{BounceTarget, StemsTarget};
use super::bounce_target::{CreatedFolder, commit_all};
pub use super::render::{Tail, default_threads};
pub use super::stems_bounce::{REVERB_RETURN_NAME, StemFileSummary, file_names as stem_file_names};

/// Frames per graph call while bouncing (the graph is built for blocks of this size).
pub const BOUNCE_BLOCK: usize = render::RENDER_BLOCK;
/// Normalisation is repeated until the result is within this many LU of the target.
const NORMALIZE_TOLERANCE_LU: f64 = 0.05;

/// Where a bounce is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BounceProgress {
    /// Which stage: a rendering pass (normalisation measures first), or the final conversion
    /// to another sample rate.
    pub pass: u32,
    /// Stages expected (more may follow if normalisation needs a correction).
    pub passes: u32,
    /// Fraction of the current stage done, 0…1 (the automatic tail counts as its maximum).
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
    /// Loudness range of the written mix (LU).
    pub loudness_range_lu: f64,
    /// True peak of the written mix (dBTP).
    pub true_peak_dbtp: f64,
    /// Gain applied by normalisation (dB), 0 without it.
    pub normalize_gain_db: f64,
    /// Samples of the mix clipped to the integer range (0 for float files).
    pub clipped_samples: u64,
    /// Time of the first clipped sample of the mix in seconds.
    pub first_clip_s: Option<f64>,
    /// NaNs or infinities the graph caught and silenced in the written audio (see
    /// [`Faults::describe`] for the user's sentences).
    pub faults: Faults,
    /// The stem files written, in order (empty without stems).
    pub stems: Vec<StemFileSummary>,
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

    /// Clipped samples in the stem files, and the earliest time one clipped.
    pub fn stems_clipped(&self) -> (u64, Option<f64>) {
        let n = self.stems.iter().map(|s| s.clipped_samples).sum();
        let first = self
            .stems
            .iter()
            .filter_map(|s| s.first_clip_s)
            .min_by(f64::total_cmp);
        (n, first)
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
    /// A sample rate outside the supported range.
    #[error("a sample rate of {0} Hz is outside 8000–384000 Hz")]
    BadRate(u32),
    /// A destination is one of the project's files, or a stem changed during the bounce.
    #[error("{0}")]
    Guard(#[from] GuardError),
    /// The destination exists and replacing it was not allowed.
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    /// The same file would be written twice (a stem named like the mix).
    #[error("{} would be written twice (the mix and a stem have the same name)", .0.display())]
    Duplicate(PathBuf),
    /// The mix's folder does not exist (the mix file is named).
    #[error(
        "{}: the folder {} does not exist",
        .0.display(),
        .0.parent().map_or(String::new(), |d| d.display().to_string())
    )]
    NoFolder(PathBuf),
    /// The stems folder is a file.
    #[error("{} is a file, not a folder for the stems", .0.display())]
    NotAFolder(PathBuf),
    /// The stems folder could not be created.
    #[error("could not create the stems folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Writing a file failed.
    #[error("{0}")]
    Write(#[from] MediaError),
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

/// Renders the mix of `project` to `out`, replacing it if it exists (never one of the project's
/// stems or references). `progress` is called often; `cancel` is polled between blocks.
pub fn bounce(
    project: &Project,
    stems: &StemLookup<'_>,
    out: &Path,
    opts: &BounceOptions,
    progress: &mut dyn FnMut(BounceProgress),
    cancel: &AtomicBool,
) -> Result<BounceSummary, BounceError> {
    let inputs = BounceInputs::of(project, None, &[]);
    let target = BounceTarget {
        mix: out,
        stems: None,
        inputs: &inputs,
        overwrite: true,
    };
    bounce_to(project, stems, &target, opts, progress, cancel)
}

/// Renders the mix of `project` (and its stems, if asked) to `target`; see the module
/// documentation.
pub fn bounce_to(
    project: &Project,
    stems: &StemLookup<'_>,
    target: &BounceTarget<'_>,
    opts: &BounceOptions,
    progress: &mut dyn FnMut(BounceProgress),
    cancel: &AtomicBool,
) -> Result<BounceSummary, BounceError> {
    let started = Instant::now();
    let rate = project.sample_rate;
    let out_rate = opts.sample_rate.unwrap_or(rate);
    if !ranges::SAMPLE_RATE_HZ.contains(&out_rate) {
        return Err(BounceError::BadRate(out_rate));
    }
    target.check(project)?;
    let mut graph = MixGraph::from_project(project, stems, BOUNCE_BLOCK);
    let (start, end) = range_frames(project, graph.length(), opts.range)?;
    let resampled = out_rate != rate;
    let in_memory = resampled || opts.normalize.is_some();
    let render_opts = RenderOptions {
        threads: opts.threads,
        block: BOUNCE_BLOCK,
        ..RenderOptions::range(start, end, opts.tail)
    };
    let seed = dither_seed(out_rate);
    let mut stages = Stages {
        progress,
        passes: 1 + u32::from(opts.normalize.is_some()) + u32::from(resampled),
    };

    // The first pass writes the stems (the master bus is not in them) and, unless the mix
    // must be normalised or resampled first, the mix.
    let folder = match target.stems {
        Some(s) => Some(CreatedFolder::create(s.dir)?),
        None => None,
    };
    let mut recorder = match target.stems {
        Some(s) => {
            let paths: Vec<PathBuf> = target.files(project).split_off(1);
            Some(StemsRecorder::new(
                project,
                &paths,
                s.wet,
                opts.format,
                graph.latency(),
                resampled,
                seed,
            )?)
        }
        None => None,
    };
    let mut writer = match in_memory {
        false => Some(WavWriter::create(target.mix, rate, opts.format, seed)?),
        true => None,
    };
    let mut meter = Loudness::new(rate);
    let mut memory = in_memory.then(MemorySink::default);
    let outcome = stages.render(
        1,
        &mut graph,
        &render_opts,
        &mut PassSink {
            meter: &mut meter,
            writer: writer.as_mut(),
            memory: memory.as_mut(),
            stems: recorder.as_mut(),
        },
        cancel,
    )?;
    drop(graph);
    let mut faults = outcome.faults;

    // Normalisation: apply the gain with the limiter at the ceiling, measure again and correct
    // once more if the limiter took loudness away.
    let mut gain_db = 0.0f64;
    if let Some(norm) = opts.normalize {
        let mut pass = 1u32;
        loop {
            let measured = meter.report().integrated_lufs;
            if !measured.is_finite() {
                return Err(BounceError::NoAudio);
            }
            let error = norm.target_lufs - measured;
            if pass > 1 && (error.abs() <= NORMALIZE_TOLERANCE_LU || pass >= 4) {
                break;
            }
            gain_db += error;
            pass += 1;
            stages.passes = stages.passes.max(pass + u32::from(resampled));
            let mut p = project.clone();
            p.master.limiter = LimiterSettings {
                enabled: true,
                ceiling_dbtp: norm.ceiling_dbtp,
                ..p.master.limiter
            };
            let mut graph = MixGraph::from_project(&p, stems, BOUNCE_BLOCK);
            // Beyond the master fader's range if need be: a quiet mix may need more.
            graph.set_output_trim_db(gain_db as f32);
            meter = Loudness::new(rate);
            let mut audio = MemorySink::default();
            let outcome = stages.render(
                pass,
                &mut graph,
                &render_opts,
                &mut PassSink {
                    meter: &mut meter,
                    writer: None,
                    memory: Some(&mut audio),
                    stems: None,
                },
                cancel,
            )?;
            faults = outcome.faults;
            memory = Some(audio);
        }
    }

    // The mix: written during the pass, or now from memory (converted to the output rate).
    let last = stages.passes;
    let pass_report = meter.report();
    let (mix, report) = match (writer, memory) {
        (Some(w), _) => (w.finalize()?, pass_report),
        (None, Some(audio)) if resampled => {
            (stages.progress)(BounceProgress {
                pass: last,
                passes: last,
                fraction: 0.0,
            });
            let audio = resample(&audio.audio, rate, out_rate)
                .map_err(|e| MediaError::io(target.mix, std::io::Error::other(e.to_string())))?;
            let mut meter = Loudness::new(out_rate);
            let w = write_from_memory(
                target.mix,
                out_rate,
                opts.format,
                seed,
                &audio,
                &mut meter,
                cancel,
            )?;
            (w, meter.report())
        }
        // Not converted: the last pass measured exactly these samples.
        (None, Some(audio)) => {
            let mut unused = Loudness(None);
            let w = write_from_memory(
                target.mix,
                out_rate,
                opts.format,
                seed,
                &audio.audio,
                &mut unused,
                cancel,
            )?;
            (w, pass_report)
        }
        (None, None) => unreachable!("a bounce renders to a file or to memory"),
    };
    let stem_files = match recorder {
        Some(r) => r.finish(out_rate, cancel, &mut |f| {
            (stages.progress)(BounceProgress {
                pass: last,
                passes: last,
                fraction: f,
            })
        })?,
        None => Vec::new(),
    };

    // Nothing is committed if a stem changed under the bounce, or (when replacing was not
    // allowed) a file appeared meanwhile.
    target.inputs.verify_sources()?;
    if !target.overwrite
        && let Some(f) = target.existing(project).into_iter().next()
    {
        return Err(BounceError::Exists(f));
    }
    let stems_summary: Vec<StemFileSummary> = stem_files.iter().map(|(_, s)| s.clone()).collect();
    let mut files: Vec<FinishedWav> = vec![mix];
    files.extend(stem_files.into_iter().map(|(f, _)| f));
    let mix_summary = commit_all(files, target.overwrite)?;
    if let Some(f) = folder {
        f.keep();
    }
    Ok(BounceSummary {
        frames: mix_summary.frames,
        sample_rate: out_rate,
        elapsed: started.elapsed(),
        integrated_lufs: report.integrated_lufs,
        loudness_range_lu: report.lra_lu,
        true_peak_dbtp: report.true_peak_dbtp,
        normalize_gain_db: gain_db,
        clipped_samples: mix_summary.clipped_samples,
        first_clip_s: mix_summary.first_clip_s(),
        faults,
        stems: stems_summary,
    })
}

/// Writes `audio` (left, right) to `path` in blocks, measuring it with `meter`.
fn write_from_memory(
    path: &Path,
    rate: u32,
    format: WavFormat,
    seed: u64,
    audio: &[Vec<f32>],
    meter: &mut Loudness,
    cancel: &AtomicBool,
) -> Result<FinishedWav, BounceError> {
    let mut w = WavWriter::create(path, rate, format, seed)?;
    let (left, right) = (&audio[0], &audio[1]);
    for (l, r) in left.chunks(BOUNCE_BLOCK).zip(right.chunks(BOUNCE_BLOCK)) {
        if cancel.load(Ordering::Relaxed) {
            return Err(BounceError::Cancelled);
        }
        meter.add(l, r);
        w.write(l, r)?;
    }
    Ok(w.finalize()?)
}

/// The stages of a bounce, reported through `progress`.
struct Stages<'a> {
    progress: &'a mut dyn FnMut(BounceProgress),
    passes: u32,
}

impl Stages<'_> {
    /// Renders one pass into `sink`, reporting it as stage `pass`.
    fn render(
        &mut self,
        pass: u32,
        graph: &mut MixGraph,
        opts: &RenderOptions,
        sink: &mut dyn RenderSink,
        cancel: &AtomicBool,
    ) -> Result<render::RenderOutcome, BounceError> {
        let passes = self.passes;
        let progress = &mut *self.progress;
        let mut report = |fraction| {
            progress(BounceProgress {
                pass,
                passes,
                fraction,
            })
        };
        Ok(render::render(
            graph,
            opts,
            sink,
            &mut RenderControl {
                progress: Some(&mut report),
                cancel: Some(cancel),
                schedule: None,
            },
        )?)
    }
}

/// What one rendering pass feeds: the meter always, and the mix's file, memory and the stems
/// recorder when given.
struct PassSink<'a> {
    meter: &'a mut Loudness,
    writer: Option<&'a mut WavWriter>,
    memory: Option<&'a mut MemorySink>,
    stems: Option<&'a mut StemsRecorder>,
}

impl RenderSink for PassSink<'_> {
    fn block(&mut self, graph: &MixGraph, left: &[f32], right: &[f32]) -> Result<(), MediaError> {
        self.meter.add(left, right);
        if let Some(w) = &mut self.writer {
            w.write(left, right)?;
        }
        if let Some(m) = &mut self.memory {
            m.block(graph, left, right)?;
        }
        if let Some(s) = &mut self.stems {
            s.record(graph, left.len())?;
        }
        Ok(())
    }

    fn preroll(&mut self, graph: &MixGraph, frames: usize) -> Result<(), MediaError> {
        match &mut self.stems {
            Some(s) => s.record(graph, frames),
            None => Ok(()),
        }
    }
}

/// A fixed dither seed per output rate, so two bounces of the same project are byte-identical.
fn dither_seed(rate: u32) -> u64 {
    0x5715_0000 ^ u64::from(rate)
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

    fn report(&self) -> LoudnessReport {
        self.0.as_ref().map_or(
            LoudnessReport {
                integrated_lufs: f64::NEG_INFINITY,
                lra_lu: 0.0,
                sample_peak_dbfs: f64::NEG_INFINITY,
                true_peak_dbtp: f64::NEG_INFINITY,
            },
            |a| a.report(),
        )
    }
}
