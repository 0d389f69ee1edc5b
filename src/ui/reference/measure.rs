//! The measurements the reference panel shows and matches with: the mix's, from a background
//! render of the current project through the render driver (`engine::analysis_job`), redone
//! [`DEBOUNCE`] after the mix stops changing and cancelled when it changes again; and each
//! reference's, from its decoded audio (`engine::analysis::analyze_audio`) on a worker.
//!
//! Nothing here measures anything itself: the figures are `engine::analysis`'s.

use crate::engine::analysis::{
    Analysis, AnalysisError, AnalysisOptions, Measurement, ProjectAnalysis, Span, analyze_audio,
    match_gain_db,
};
use crate::engine::analysis_job::{AnalysisJob, JobState, ProjectJob, spawn_project_analysis};
use crate::media::StemAudio;
use crate::project::{MatchSettings, Project, Reference};
use crate::ui::files::StemLibrary;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Quiet time after the last change of the mix before it is measured again.
pub const DEBOUNCE: Duration = Duration::from_millis(500);

/// What decides the mix's figures: the project without what does not reach the mix (the
/// references, markers), and which stems are decoded.
#[derive(Clone, Debug, PartialEq)]
struct MixKey {
    project: Project,
    ready: Vec<bool>,
}

impl MixKey {
    fn of(project: &Project, stems: &StemLibrary) -> MixKey {
        let mut p = project.clone();
        p.references.clear();
        p.reference_match = MatchSettings::default();
        p.markers.clear();
        let ready = p
            .tracks
            .iter()
            .map(|t| stems.audio(&t.source).is_some())
            .collect();
        MixKey { project: p, ready }
    }
}

/// Where the mix's figures stand, for the panel to say.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MixStatus {
    /// Nothing to measure (no tracks, or no references to compare with).
    Idle,
    /// Measured for the mix as it is now.
    Current,
    /// The mix changed: waiting for it to settle, or rendering (fraction done); the figures
    /// shown (if any) are the previous ones.
    Recomputing(Option<f32>),
    /// The last render failed (why).
    Failed,
}

/// A reference's measurement: by file and the span measured separately.
type RefKey = (PathBuf, Option<Span>);

enum RefState {
    Running(AnalysisJob<Result<Analysis, AnalysisError>>),
    Done(Box<Analysis>),
    Failed(String),
}

/// The panel's measurements; see the module documentation.
#[derive(Default)]
pub struct Measurements {
    /// The last finished analysis of the mix, and for which mix.
    mix: Option<(Box<ProjectAnalysis>, MixKey)>,
    /// The running render, and for which mix.
    job: Option<(ProjectJob, MixKey)>,
    /// The mix as of the last look, and when it last changed.
    latest: Option<(MixKey, Instant)>,
    /// The document revision of the last look.
    seen: Option<(u64, usize)>,
    failed: Option<String>,
    /// The project may have changed since the mix was last compared.
    look: bool,
    /// The running render's progress as of the last look.
    progress: f32,
    /// Counts finished measurements (what is drawn from them is redone when it changes).
    generation: u64,
    refs: HashMap<RefKey, RefState>,
}

impl std::fmt::Debug for Measurements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Measurements")
            .field("mix", &self.mix.is_some())
            .field("running", &self.job.is_some())
            .field("refs", &self.refs.len())
            .finish()
    }
}

/// The span of `r`'s own loop region in frames of its audio (at the project `rate`).
pub fn reference_span(r: &Reference, rate: u32) -> Option<Span> {
    r.loop_region.map(|g| g.frames(rate))
}

impl Measurements {
    /// Forgets everything (another project).
    pub fn reset(&mut self) {
        *self = Measurements::default();
    }

    /// Whether work is running or waiting for the mix to settle (the app keeps ticking).
    pub fn busy(&self) -> bool {
        self.job.is_some()
            || self
                .refs
                .values()
                .any(|r| matches!(r, RefState::Running(_)))
            || self.stale()
            || self.look
    }

    fn stale(&self) -> bool {
        match (&self.latest, &self.mix) {
            (Some((k, _)), Some((_, done))) => k != done && self.failed.is_none(),
            (Some(_), None) => self.failed.is_none(),
            _ => false,
        }
    }

    /// Notes a possible change (after edits and decodes; cheap): references get measured
    /// once their audio is there, and the next [`tick`](Self::tick) compares the mix with the
    /// one measured. `revision` is the document's edit counter.
    pub fn observe(&mut self, project: &Project, stems: &StemLibrary, revision: u64) {
        self.observe_references(project, stems);
        if project.references.is_empty() || project.tracks.is_empty() {
            self.job = None;
            self.latest = None;
            self.look = false;
            return;
        }
        let ready = project
            .tracks
            .iter()
            .filter(|t| stems.audio(&t.source).is_some())
            .count();
        if self.seen != Some((revision, ready)) || self.latest.is_none() {
            self.seen = Some((revision, ready));
            self.look = true;
        }
    }

    /// On display ticks: a changed mix cancels the running render and restarts the
    /// quiet-time clock; once the mix has been quiet for [`DEBOUNCE`], a render starts.
    pub fn tick(&mut self, project: &Project, stems: &StemLibrary, revision: u64, now: Instant) {
        self.observe(project, stems, revision);
        if std::mem::take(&mut self.look) {
            let key = MixKey::of(project, stems);
            let changed = self.latest.as_ref().is_none_or(|(k, _)| *k != key);
            if changed {
                self.failed = None;
                if self.job.as_ref().is_some_and(|(_, k)| *k != key) {
                    // Dropping the job cancels it at its next block.
                    self.job = None;
                }
                self.latest = Some((key, now));
            }
        }
        self.poll_mix();
        let Some((key, since)) = &self.latest else {
            return;
        };
        let done = self.mix.as_ref().is_some_and(|(_, k)| k == key);
        if done || self.job.is_some() || self.failed.is_some() || now < *since + DEBOUNCE {
            return;
        }
        let stems_map: HashMap<PathBuf, Arc<StemAudio>> = project
            .tracks
            .iter()
            .filter_map(|t| stems.audio(&t.source).map(|a| (t.source.clone(), a)))
            .collect();
        let opts = AnalysisOptions::whole_song(&key.project);
        match spawn_project_analysis(key.project.clone(), stems_map, opts) {
            Ok(job) => {
                self.progress = 0.0;
                self.job = Some((job, key.clone()));
            }
            Err(e) => self.failed = Some(format!("the mix could not be measured: {e}")),
        }
    }

    fn poll_mix(&mut self) {
        let Some((job, _)) = &mut self.job else {
            return;
        };
        let finished = match job.state() {
            JobState::Running(f) => {
                self.progress = f;
                return;
            }
            JobState::Done(_) => true,
            JobState::Lost => false,
        };
        let Some((job, key)) = self.job.take() else {
            return;
        };
        match job.wait() {
            Some(Ok(a)) if finished => {
                self.mix = Some((Box::new(a), key));
                self.generation += 1;
            }
            Some(Err(AnalysisError::Cancelled)) => {}
            Some(Err(e)) => self.failed = Some(format!("the mix could not be measured: {e}")),
            _ => self.failed = Some("the mix measurement stopped unexpectedly".into()),
        }
    }

    /// Starts measuring references whose audio is decoded and not measured yet; forgets the
    /// measurements no reference needs any more.
    fn observe_references(&mut self, project: &Project, stems: &StemLibrary) {
        let rate = project.sample_rate;
        let wanted: Vec<RefKey> = project
            .references
            .iter()
            .map(|r| (r.path.clone(), reference_span(r, rate)))
            .collect();
        self.refs.retain(|k, _| wanted.contains(k));
        for key in wanted {
            if self.refs.contains_key(&key) {
                continue;
            }
            let Some(audio) = stems.audio(&key.0) else {
                continue;
            };
            let span = key.1;
            let job =
                AnalysisJob::spawn("stemmix-reference", move |_, _| analyze_audio(&audio, span));
            let state = match job {
                Ok(j) => RefState::Running(j),
                Err(e) => RefState::Failed(format!("the reference could not be measured: {e}")),
            };
            self.refs.insert(key, state);
        }
        for state in self.refs.values_mut() {
            let RefState::Running(job) = state else {
                continue;
            };
            let new = match job.state() {
                JobState::Running(_) => continue,
                JobState::Done(Ok(a)) => RefState::Done(Box::new(a.clone())),
                JobState::Done(Err(e)) => RefState::Failed(e.to_string()),
                JobState::Lost => RefState::Failed("the measurement stopped unexpectedly".into()),
            };
            *state = new;
            self.generation += 1;
        }
    }

    /// Counts finished measurements.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Where the mix's figures stand.
    pub fn mix_status(&self, project: &Project) -> MixStatus {
        if project.references.is_empty() || project.tracks.is_empty() {
            return MixStatus::Idle;
        }
        if self.failed.is_some() {
            return MixStatus::Failed;
        }
        match &self.job {
            Some(_) => MixStatus::Recomputing(Some(self.progress)),
            None if self.stale() => MixStatus::Recomputing(None),
            None => MixStatus::Current,
        }
    }

    /// Why the mix could not be measured, if it could not.
    pub fn failure(&self) -> Option<&str> {
        self.failed.as_deref()
    }

    /// The mix's last figures (whole song and loop region), if any.
    pub fn mix(&self) -> Option<&Analysis> {
        self.mix.as_ref().map(|(a, _)| &a.analysis)
    }

    /// How long the last mix render and analysis took.
    pub fn mix_elapsed(&self) -> Option<Duration> {
        self.mix.as_ref().map(|(a, _)| a.elapsed)
    }

    /// A reference's figures, once measured.
    pub fn reference(&self, r: &Reference, rate: u32) -> Option<&Analysis> {
        match self.refs.get(&(r.path.clone(), reference_span(r, rate)))? {
            RefState::Done(a) => Some(a),
            _ => None,
        }
    }

    /// Why a reference could not be measured, if it could not.
    pub fn reference_failure(&self, r: &Reference, rate: u32) -> Option<&str> {
        match self.refs.get(&(r.path.clone(), reference_span(r, rate)))? {
            RefState::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The mix's and `r`'s measurements compared: over the loop regions when `loop_only`
    /// and both have one, else over the whole of both.
    pub fn pair(&self, r: &Reference, rate: u32, loop_only: bool) -> Option<Pair<'_>> {
        let mix = self.mix()?;
        let reference = self.reference(r, rate)?;
        Some(pick(mix, reference, loop_only))
    }

    /// The loudness-match gain of `r` (mix − reference integrated loudness, dB), once both
    /// are measured; see [`pair`](Self::pair) for the stretches compared.
    pub fn match_gain(&self, r: &Reference, rate: u32, settings: MatchSettings) -> Option<f64> {
        let p = self.pair(r, rate, settings.loop_only)?;
        match_gain_db(&p.mix.report, &p.reference.report)
    }
}

/// Two measurements side by side, and whether they are of the loop regions.
#[derive(Clone, Copy, Debug)]
pub struct Pair<'a> {
    /// The mix's.
    pub mix: &'a Measurement,
    /// The reference's.
    pub reference: &'a Measurement,
    /// Both are of their loop regions.
    pub loops: bool,
}

/// The loop regions when asked for and both exist, else the wholes.
pub fn pick<'a>(mix: &'a Analysis, reference: &'a Analysis, loops: bool) -> Pair<'a> {
    match (&mix.region, &reference.region) {
        (Some(m), Some(r)) if loops => Pair {
            mix: m,
            reference: r,
            loops: true,
        },
        _ => Pair {
            mix: &mix.whole,
            reference: &reference.whole,
            loops: false,
        },
    }
}
