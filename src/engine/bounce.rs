//! Bouncing a project's mix to a WAV file, faster than real time, with the very graph playback
//! runs. Optionally normalised to a loudness target with the master limiter holding a true-peak
//! ceiling.

use super::graph::{MixGraph, StemLookup};
use crate::media::{WavFormat, WavWriter};
use crate::project::{LimiterSettings, Project};
use ebur128::{EbuR128, Mode};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Frames per graph call while bouncing: large enough to amortise the per-block thread hand-off,
/// small enough that a strip's buffers stay in cache.
pub const BOUNCE_BLOCK: usize = 4096;
/// Fewest tracks for which the bounce spreads the strips over several threads.
pub const PARALLEL_MIN_TRACKS: usize = 12;
/// A tail ends once a 100 ms window stays below this level.
pub const TAIL_FLOOR_DBFS: f32 = -90.0;
/// Longest automatic tail.
pub const MAX_TAIL_S: f64 = 10.0;
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

/// How much to render after the range ends (sources are silent by then; tails ring out).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tail {
    /// Until the output stays below −90 dBFS for 100 ms (10 s at most).
    Auto,
    /// A fixed number of seconds.
    Seconds(f64),
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

/// Both cores (or however many the machine has, at most 8).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
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
#[derive(Clone, Copy, Debug, PartialEq)]
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

    let Some(norm) = opts.normalize else {
        let mut writer = WavWriter::create(out, rate, opts.format, dither_seed(project))?;
        let mut meter = Meter::new(rate);
        let frames = render_pass(
            project,
            stems,
            start,
            end,
            opts,
            1,
            1,
            progress,
            cancel,
            &mut |l, r| {
                meter.add(l, r);
                writer.write(l, r)
            },
        )?;
        writer.finish()?;
        return Ok(BounceSummary {
            frames,
            sample_rate: rate,
            elapsed: started.elapsed(),
            integrated_lufs: meter.integrated(),
            true_peak_dbtp: meter.true_peak_db(),
            normalize_gain_db: 0.0,
        });
    };

    // Normalisation: measure, apply the gain with the limiter at the ceiling, measure again and
    // correct once more if the limiter took loudness away.
    let mut gain_db = 0.0f64;
    let mut passes = 2u32;
    let mut pass = 1u32;
    let (audio, meter) = loop {
        let mut p = project.clone();
        if pass > 1 {
            p.master.gain_db += gain_db as f32;
            p.master.limiter = LimiterSettings {
                enabled: true,
                ceiling_dbtp: norm.ceiling_dbtp,
                ..p.master.limiter
            };
        }
        let mut meter = Meter::new(rate);
        let mut audio = [Vec::new(), Vec::new()];
        render_pass(
            &p,
            stems,
            start,
            end,
            opts,
            pass,
            passes,
            progress,
            cancel,
            &mut |l, r| {
                meter.add(l, r);
                audio[0].extend_from_slice(l);
                audio[1].extend_from_slice(r);
                Ok(())
            },
        )?;
        let measured = meter.integrated();
        if !measured.is_finite() {
            return Err(BounceError::NoAudio);
        }
        let error = norm.target_lufs - measured;
        if pass > 1 && (error.abs() <= NORMALIZE_TOLERANCE_LU || pass >= 4) {
            break (audio, meter);
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
    Ok(BounceSummary {
        frames: audio[0].len() as u64,
        sample_rate: rate,
        elapsed: started.elapsed(),
        integrated_lufs: meter.integrated(),
        true_peak_dbtp: meter.true_peak_db(),
        normalize_gain_db: gain_db,
    })
}

/// Receives each rendered block (left, right).
type BlockSink<'a> = dyn FnMut(&[f32], &[f32]) -> Result<(), crate::media::MediaError> + 'a;

/// One rendering of `[start, end)` plus the tail, handed to `sink` block by block.
#[allow(clippy::too_many_arguments)]
fn render_pass(
    project: &Project,
    stems: &StemLookup<'_>,
    start: u64,
    end: u64,
    opts: &BounceOptions,
    pass: u32,
    passes: u32,
    progress: &mut dyn FnMut(BounceProgress),
    cancel: &AtomicBool,
    sink: &mut BlockSink<'_>,
) -> Result<u64, BounceError> {
    let rate = project.sample_rate as f64;
    // Below a dozen tracks the hand-off costs what the second core gains (measured in
    // benches/mix.rs); the output is bit-identical either way.
    let threads = if project.tracks.len() < PARALLEL_MIN_TRACKS {
        1
    } else {
        opts.threads
    };
    let mut graph = MixGraph::from_project(project, stems, BOUNCE_BLOCK);
    graph.set_source_end(Some(end));
    graph.seek(start, false);
    graph.preroll();

    let body = end - start;
    let (tail_max, auto) = match opts.tail {
        Tail::Auto => ((MAX_TAIL_S * rate) as u64, true),
        Tail::Seconds(s) => ((s.max(0.0) * rate).round() as u64, false),
    };
    let total = body + tail_max;
    let window = (rate * 0.1) as u64;
    let floor = 10f32.powf(TAIL_FLOOR_DBFS / 20.0);
    let mut quiet_run = 0u64;
    let mut done = 0u64;
    let (mut l, mut r) = (vec![0.0f32; BOUNCE_BLOCK], vec![0.0f32; BOUNCE_BLOCK]);
    let mut last_report = Instant::now();
    while done < total {
        if cancel.load(Ordering::Relaxed) {
            return Err(BounceError::Cancelled);
        }
        // In the tail, work in 100 ms windows so the automatic end falls on a window boundary.
        let n = if done < body {
            (body - done).min(BOUNCE_BLOCK as u64)
        } else {
            (total - done).min(window.min(BOUNCE_BLOCK as u64))
        } as usize;
        graph.process_parallel(&mut l[..n], &mut r[..n], threads);
        sink(&l[..n], &r[..n])?;
        done += n as u64;
        if auto && done > body {
            let peak = l[..n]
                .iter()
                .chain(&r[..n])
                .fold(0.0f32, |m, x| m.max(x.abs()));
            quiet_run = if peak < floor {
                quiet_run + n as u64
            } else {
                0
            };
            if quiet_run >= window {
                break;
            }
        }
        if last_report.elapsed() >= Duration::from_millis(50) {
            last_report = Instant::now();
            progress(BounceProgress {
                pass,
                passes,
                fraction: (done as f64 / total as f64) as f32,
            });
        }
    }
    progress(BounceProgress {
        pass,
        passes,
        fraction: 1.0,
    });
    Ok(done)
}

/// A fixed dither seed per project rate, so two bounces of the same project are byte-identical.
fn dither_seed(project: &Project) -> u64 {
    0x5715_0000 ^ project.sample_rate as u64
}

/// Streaming loudness and true-peak measurement of the bounced mix (ITU-R BS.1770 via ebur128).
struct Meter {
    ebu: Option<EbuR128>,
}

impl Meter {
    fn new(rate: u32) -> Meter {
        Meter {
            ebu: EbuR128::new(2, rate, Mode::I | Mode::TRUE_PEAK).ok(),
        }
    }

    fn add(&mut self, l: &[f32], r: &[f32]) {
        if let Some(e) = &mut self.ebu {
            let _ = e.add_frames_planar_f32(&[l, r]);
        }
    }

    fn integrated(&self) -> f64 {
        self.ebu
            .as_ref()
            .and_then(|e| e.loudness_global().ok())
            .unwrap_or(f64::NEG_INFINITY)
    }

    fn true_peak_db(&self) -> f64 {
        let Some(e) = &self.ebu else {
            return f64::NEG_INFINITY;
        };
        let peak = (0..2)
            .filter_map(|c| e.true_peak(c).ok())
            .fold(0.0f64, f64::max);
        20.0 * peak.log10()
    }
}
