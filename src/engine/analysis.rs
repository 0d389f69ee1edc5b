//! Loudness, dynamics, stereo and tonal-balance analysis of a project's mix and of reference
//! audio: the readouts of the reference panel, the loudness the match gain comes from, and
//! what `stemmix compare` prints.
//!
//! A project is rendered through the render driver ([`render::render`], the processing that
//! playback and the bounce use) into a sink that measures block by block, so no buffer of the
//! whole song is kept: the whole render and the loop region are measured in the same pass. A
//! reference is measured from its decoded audio as it is heard: a mono file plays on both
//! loudspeakers, so it is measured as two identical channels (3 LU louder than BS.1770 rates
//! the mono file on its own, which is what `stemmix analyze` reports for it).
//!
//! Every measurement is a [`Measurement`]: the [`SignalReport`] readouts and the [`Ltas`]
//! spectrum from `dsp`. [`compare`] puts a mix and a reference side by side: the match gain
//! (mix integrated − reference integrated) and the loudness-normalized band differences.

use super::faults::Faults;
use super::graph::{MixGraph, StemLookup};
use super::render::{self, RenderControl, RenderError, RenderOptions, RenderSink, Tail};
use crate::dsp::ltas::{BANDS, band_differences};
use crate::dsp::{Ltas, LtasAnalyzer, MeterError, SignalAnalyzer, SignalReport};
use crate::media::{MediaError, StemAudio};
use crate::project::Project;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Frames `[start, end)`.
pub type Span = (u64, u64);

/// The readouts and spectrum of one stretch of audio.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Loudness, dynamics and stereo readouts.
    pub report: SignalReport,
    /// Long-term average spectrum.
    pub ltas: Ltas,
}

/// A whole signal and, optionally, a region of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Everything measured.
    pub whole: Measurement,
    /// The region (loop), when one was asked for and it is not empty.
    pub region: Option<Measurement>,
}

/// What [`analyze_project`] measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectAnalysis {
    /// The whole render (range and tail) and the loop region.
    pub analysis: Analysis,
    /// Timeline frames of the range that was rendered (the tail follows it).
    pub range: Span,
    /// Non-finite samples the graph caught while rendering.
    pub faults: Faults,
    /// Wall-clock time of the render and analysis.
    pub elapsed: Duration,
}

/// What to render and measure of a project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalysisOptions {
    /// Timeline frames to render; `None`: from 0 to the end of the longest stem.
    pub range: Option<Span>,
    /// Timeline frames measured separately (the loop region); clipped to the render.
    pub region: Option<Span>,
    /// What follows the range (as a bounce renders it: [`Tail::Auto`]).
    pub tail: Tail,
    /// Threads for the channel strips (the output is the same for any count).
    pub threads: usize,
}

impl AnalysisOptions {
    /// The whole song with its automatic tail, as `stemmix bounce` writes it, and the
    /// project's loop region.
    pub fn whole_song(project: &Project) -> AnalysisOptions {
        AnalysisOptions {
            range: None,
            region: project.loop_region.map(|r| r.frames(project.sample_rate)),
            tail: Tail::Auto,
            threads: render::default_threads(),
        }
    }
}

/// Why an analysis produced nothing.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The cancel flag was set.
    #[error("the analysis was cancelled")]
    Cancelled,
    /// Nothing to measure.
    #[error("there is no audio to analyse")]
    NoAudio,
    /// The sample rate is not one loudness can be measured at.
    #[error("{0}")]
    Meter(#[from] MeterError),
    /// The render failed.
    #[error("{0}")]
    Render(MediaError),
}

impl From<RenderError> for AnalysisError {
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Cancelled => AnalysisError::Cancelled,
            RenderError::Sink(e) => AnalysisError::Render(e),
        }
    }
}

/// The analyzers of one stretch.
struct Meter {
    signal: SignalAnalyzer,
    ltas: LtasAnalyzer,
}

impl Meter {
    fn new(rate: u32) -> Result<Meter, MeterError> {
        Ok(Meter {
            signal: SignalAnalyzer::new(rate)?,
            ltas: LtasAnalyzer::new(rate)?,
        })
    }

    fn push(&mut self, left: &[f32], right: &[f32]) {
        // Both analyzers only refuse channels of unequal length, which a stereo block of the
        // render or of a reference never has.
        let _ = self.signal.push(left, right);
        let _ = self.ltas.push(left, right);
    }

    fn finish(&self) -> Measurement {
        Measurement {
            report: self.signal.report(),
            ltas: self.ltas.ltas(),
        }
    }
}

/// Measures a stream of stereo blocks, all of it and a span of it (frames from its start).
struct Measurer {
    whole: Meter,
    region: Option<(Span, Meter)>,
    pos: u64,
}

impl Measurer {
    fn new(rate: u32, region: Option<Span>) -> Result<Measurer, MeterError> {
        let region = match region.filter(|(a, b)| b > a) {
            Some(span) => Some((span, Meter::new(rate)?)),
            None => None,
        };
        Ok(Measurer {
            whole: Meter::new(rate)?,
            region,
            pos: 0,
        })
    }

    fn push(&mut self, left: &[f32], right: &[f32]) {
        self.whole.push(left, right);
        let (start, end) = (self.pos, self.pos + left.len() as u64);
        if let Some(((a, b), m)) = &mut self.region {
            let (from, to) = ((*a).max(start), (*b).min(end));
            if to > from {
                let (i, j) = ((from - start) as usize, (to - start) as usize);
                m.push(&left[i..j], &right[i..j]);
            }
        }
        self.pos = end;
    }

    fn finish(&self) -> Analysis {
        Analysis {
            whole: self.whole.finish(),
            region: self
                .region
                .as_ref()
                .map(|(_, m)| m.finish())
                .filter(|m| m.report.frames > 0),
        }
    }
}

impl RenderSink for Measurer {
    fn block(&mut self, _: &MixGraph, left: &[f32], right: &[f32]) -> Result<(), MediaError> {
        self.push(left, right);
        Ok(())
    }
}

/// Renders `project` through the render driver and measures the result; `progress` gets the
/// fraction done (0…1), `cancel` stops the render at the next block.
pub fn analyze_project<'a>(
    project: &Project,
    stems: &StemLookup<'_>,
    opts: &AnalysisOptions,
    progress: Option<&'a mut dyn FnMut(f32)>,
    cancel: Option<&'a AtomicBool>,
) -> Result<ProjectAnalysis, AnalysisError> {
    let started = Instant::now();
    let mut graph = MixGraph::from_project(project, stems, render::RENDER_BLOCK);
    let (start, end) = opts.range.unwrap_or((0, graph.length()));
    if end <= start {
        return Err(AnalysisError::NoAudio);
    }
    // The region in frames from the start of the render.
    let region = opts
        .region
        .map(|(a, b)| (a.saturating_sub(start), b.saturating_sub(start)));
    let mut sink = Measurer::new(project.sample_rate, region)?;
    let render_opts = RenderOptions {
        threads: opts.threads.max(1),
        ..RenderOptions::range(start, end, opts.tail)
    };
    let mut ctl = RenderControl {
        progress,
        cancel,
        schedule: None,
    };
    let outcome = render::render(&mut graph, &render_opts, &mut sink, &mut ctl)?;
    Ok(ProjectAnalysis {
        analysis: sink.finish(),
        range: (start, end),
        faults: outcome.faults,
        elapsed: started.elapsed(),
    })
}

/// Measures decoded audio (a reference) as it is heard, the frames of `span` separately.
pub fn analyze_audio(audio: &StemAudio, span: Option<Span>) -> Result<Analysis, AnalysisError> {
    let (left, right) = match audio.channels.as_slice() {
        [mono] => (mono, mono),
        [l, r, ..] => (l, r),
        [] => return Err(AnalysisError::NoAudio),
    };
    if left.is_empty() {
        return Err(AnalysisError::NoAudio);
    }
    let mut m = Measurer::new(audio.sample_rate, span)?;
    // In blocks, as the render sink sees them: the results do not depend on the split.
    for (l, r) in left
        .chunks(render::RENDER_BLOCK)
        .zip(right.chunks(render::RENDER_BLOCK))
    {
        m.push(l, r);
    }
    Ok(m.finish())
}

/// The gain that brings the reference to the mix's integrated loudness, dB (mix − reference);
/// `None` when either is silent.
pub fn match_gain_db(mix: &SignalReport, reference: &SignalReport) -> Option<f64> {
    let g = mix.integrated_lufs - reference.integrated_lufs;
    g.is_finite().then_some(g)
}

impl Analysis {
    /// What a loudness match uses: the region when `loop_only` asks for it and there is one,
    /// otherwise the whole signal.
    pub fn for_match(&self, loop_only: bool) -> &Measurement {
        match (&self.region, loop_only) {
            (Some(region), true) => region,
            _ => &self.whole,
        }
    }
}

/// [`match_gain_db`] with the project's "match over the loop regions only" setting: with
/// `loop_only` each side contributes its region (the mix's loop, the reference's own loop or,
/// in Sync mode, the frames under the mix's loop: whatever span it was analysed with), a side
/// without one its whole signal. The reference's trim is not part of it (added separately).
pub fn match_gain(mix: &Analysis, reference: &Analysis, loop_only: bool) -> Option<f64> {
    match_gain_db(
        &mix.for_match(loop_only).report,
        &reference.for_match(loop_only).report,
    )
}

/// A mix and a reference side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The mix's readouts.
    pub mix: SignalReport,
    /// The reference's readouts (at its own level, before the match gain).
    pub reference: SignalReport,
    /// Gain that matches the reference's integrated loudness to the mix's, dB.
    pub match_gain_db: Option<f64>,
    /// Loudness-normalized band differences, reference − mix, dB, in the order of [`BANDS`].
    pub bands: [(&'static str, f64); BANDS.len()],
}

/// Compares two measurements.
pub fn compare(mix: &Measurement, reference: &Measurement) -> Comparison {
    Comparison {
        mix: mix.report,
        reference: reference.report,
        match_gain_db: match_gain_db(&mix.report, &reference.report),
        bands: band_differences(
            &mix.ltas,
            mix.report.integrated_lufs,
            &reference.ltas,
            reference.report.integrated_lufs,
        ),
    }
}
