//! The measurements the reference panel shows and matches with: the mix's, from a background
//! render of the current project through the render driver (`engine::analysis_job`'s
//! [`Debounced`] schedule: redone [`MATCH_DEBOUNCE`] after the mix stops changing, cancelled
//! when it changes again); and each reference's, from its decoded audio on a worker
//! (`spawn_reference_analysis`).
//!
//! Nothing here measures anything itself: the figures are `engine::analysis`'s.

use crate::engine::analysis::{
    Analysis, AnalysisError, AnalysisOptions, Measurement, ProjectAnalysis, Span, match_gain,
};
use crate::engine::analysis_job::{
    Debounced, Freshness, JobState, MATCH_DEBOUNCE, ReferenceJob, spawn_project_analysis,
    spawn_reference_analysis,
};
use crate::media::StemAudio;
use crate::project::{MatchSettings, Project, RefMode, Reference};
use crate::ui::files::StemLibrary;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    Running(Box<ReferenceJob>),
    Done(Box<Analysis>),
    Failed(String),
}

/// The panel's measurements; see the module documentation.
pub struct Measurements {
    /// The mix's analysis, redone after changes.
    mix: Debounced<Result<ProjectAnalysis, AnalysisError>>,
    /// The mix as of the last change told to `mix`.
    mix_key: Option<MixKey>,
    /// The document revision (and decoded stems) of the last look.
    seen: Option<(u64, usize)>,
    /// The project may have changed since the mix was last compared.
    look: bool,
    /// Why the last render could not start, if it could not.
    spawn_failed: Option<String>,
    /// Counts finished measurements (what is drawn from them is redone when it changes).
    generation: u64,
    refs: HashMap<RefKey, RefState>,
}

impl Default for Measurements {
    fn default() -> Self {
        Measurements {
            mix: Debounced::new(MATCH_DEBOUNCE),
            mix_key: None,
            seen: None,
            look: false,
            spawn_failed: None,
            generation: 0,
            refs: HashMap::new(),
        }
    }
}

impl std::fmt::Debug for Measurements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Measurements")
            .field("mix", &self.mix.freshness())
            .field("refs", &self.refs.len())
            .finish()
    }
}

/// The span of `r` measured separately, in frames of its audio: in Sync mode the frames under
/// the mix's loop region (they play under it), in Free mode its own loop region.
pub fn reference_span(r: &Reference, project: &Project) -> Option<Span> {
    let rate = project.sample_rate;
    match r.mode {
        RefMode::Sync => project.loop_region.map(|g| g.frames(rate)),
        RefMode::Free => r.loop_region.map(|g| g.frames(rate)),
    }
}

/// The start of `r`'s own loop in frames (Free mode), else 0.
pub fn loop_start(r: &Reference, rate: u32) -> u64 {
    r.loop_region.map_or(0, |g| g.frames(rate).0)
}

impl Measurements {
    /// Forgets everything (another project).
    pub fn reset(&mut self) {
        *self = Measurements::default();
    }

    /// Whether work is running or waiting for the mix to settle (the app keeps ticking).
    pub fn busy(&self) -> bool {
        self.look
            || matches!(
                self.mix.freshness(),
                Freshness::Waiting | Freshness::Running(_)
            )
            || self
                .refs
                .values()
                .any(|r| matches!(r, RefState::Running(_)))
    }

    /// Notes a possible change (after edits and decodes; cheap): references get measured
    /// once their audio is there, and the next [`tick`](Self::tick) compares the mix with the
    /// one measured. `revision` is the document's edit counter.
    pub fn observe(&mut self, project: &Project, stems: &StemLibrary, revision: u64) {
        self.observe_references(project, stems);
        if project.references.is_empty() || project.tracks.is_empty() {
            self.look = false;
            return;
        }
        let ready = project
            .tracks
            .iter()
            .filter(|t| stems.audio(&t.source).is_some())
            .count();
        if self.seen != Some((revision, ready)) || self.mix_key.is_none() {
            self.seen = Some((revision, ready));
            self.look = true;
        }
    }

    /// On display ticks: a changed mix cancels the running render and restarts the
    /// quiet-time clock; once the mix has been quiet for [`MATCH_DEBOUNCE`], a render starts.
    pub fn tick(&mut self, project: &Project, stems: &StemLibrary, revision: u64, now: Instant) {
        self.observe(project, stems, revision);
        if project.references.is_empty() || project.tracks.is_empty() {
            return;
        }
        if std::mem::take(&mut self.look) {
            let key = MixKey::of(project, stems);
            if self.mix_key.as_ref() != Some(&key) {
                self.mix.edited(now);
                self.mix_key = Some(key);
            }
        }
        let Some(key) = &self.mix_key else {
            return;
        };
        let start = || {
            let stems_map: HashMap<PathBuf, Arc<StemAudio>> = key
                .project
                .tracks
                .iter()
                .filter_map(|t| stems.audio(&t.source).map(|a| (t.source.clone(), a)))
                .collect();
            let opts = AnalysisOptions::whole_song(&key.project);
            spawn_project_analysis(key.project.clone(), stems_map, opts)
        };
        match self.mix.poll(now, start) {
            Ok(arrived) => {
                self.spawn_failed = None;
                if arrived {
                    self.generation += 1;
                }
            }
            Err(e) => self.spawn_failed = Some(format!("the mix could not be measured: {e}")),
        }
    }

    /// Starts measuring references whose audio is decoded and not measured yet; forgets the
    /// measurements no reference needs any more.
    fn observe_references(&mut self, project: &Project, stems: &StemLibrary) {
        let wanted: Vec<RefKey> = project
            .references
            .iter()
            .map(|r| (r.path.clone(), reference_span(r, project)))
            .collect();
        self.refs.retain(|k, _| wanted.contains(k));
        for key in wanted {
            if self.refs.contains_key(&key) {
                continue;
            }
            let Some(audio) = stems.audio(&key.0) else {
                continue;
            };
            let job = spawn_reference_analysis(audio, key.1);
            let state = match job {
                Ok(j) => RefState::Running(Box::new(j)),
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
        if self.failure().is_some() {
            return MixStatus::Failed;
        }
        match self.mix.freshness() {
            Freshness::Current if self.look => MixStatus::Recomputing(None),
            Freshness::Current => MixStatus::Current,
            Freshness::Waiting => MixStatus::Recomputing(None),
            Freshness::Running(f) => MixStatus::Recomputing(Some(f)),
            Freshness::Failed => MixStatus::Failed,
        }
    }

    /// Why the mix could not be measured, if it could not.
    pub fn failure(&self) -> Option<&str> {
        if let Some(e) = &self.spawn_failed {
            return Some(e);
        }
        match (self.mix.freshness(), self.mix.latest()) {
            (Freshness::Failed, _) => Some("the mix measurement stopped unexpectedly"),
            (Freshness::Current, Some(Err(AnalysisError::NoAudio))) => Some("the mix is empty"),
            (Freshness::Current, Some(Err(_))) => Some("the mix could not be measured"),
            _ => None,
        }
    }

    fn mix_analysis(&self) -> Option<&ProjectAnalysis> {
        self.mix.latest()?.as_ref().ok()
    }

    /// The mix's last figures (whole song and loop region), if any.
    pub fn mix(&self) -> Option<&Analysis> {
        self.mix_analysis().map(|a| &a.analysis)
    }

    /// How long the last mix render and analysis took.
    pub fn mix_elapsed(&self) -> Option<Duration> {
        self.mix_analysis().map(|a| a.elapsed)
    }

    /// A reference's figures, once measured.
    pub fn reference(&self, r: &Reference, project: &Project) -> Option<&Analysis> {
        match self
            .refs
            .get(&(r.path.clone(), reference_span(r, project)))?
        {
            RefState::Done(a) => Some(a),
            _ => None,
        }
    }

    /// Why a reference could not be measured, if it could not.
    pub fn reference_failure(&self, r: &Reference, project: &Project) -> Option<&str> {
        match self
            .refs
            .get(&(r.path.clone(), reference_span(r, project)))?
        {
            RefState::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The mix's and `r`'s measurements compared: with `loop_only`, each side's loop region
    /// when it has one (as the match uses them), else the wholes.
    pub fn pair(&self, r: &Reference, project: &Project, loop_only: bool) -> Option<Pair<'_>> {
        let mix = self.mix()?;
        let reference = self.reference(r, project)?;
        Some(Pair {
            mix: mix.for_match(loop_only),
            reference: reference.for_match(loop_only),
            loops: loop_only && mix.region.is_some() && reference.region.is_some(),
        })
    }

    /// The loudness-match gain of `r` (mix − reference integrated loudness, dB, over what
    /// `settings.loop_only` picks), once both are measured.
    pub fn match_gain(
        &self,
        r: &Reference,
        project: &Project,
        settings: MatchSettings,
    ) -> Option<f64> {
        match_gain(self.mix()?, self.reference(r, project)?, settings.loop_only)
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
