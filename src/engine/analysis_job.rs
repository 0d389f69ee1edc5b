//! A background analysis on a worker thread, for the GUI: it reports progress, stops at the
//! next block when cancelled (or dropped), and hands its result over without blocking.
//!
//! [`Debounced`] is the GUI's schedule for the mix analysis: it starts one [`MATCH_DEBOUNCE`]
//! after the last edit and drops (cancels) the running one when a new edit arrives; the audio
//! thread never waits for any of it.

use super::analysis::{
    Analysis, AnalysisError, AnalysisOptions, ProjectAnalysis, Span, analyze_audio, analyze_project,
};
use crate::media::StemAudio;
use crate::project::{Project, Track};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// How long the mix must stay unchanged before its analysis is redone: long enough that a
/// fader drag does not restart the render at every step, short enough to feel immediate.
pub const MATCH_DEBOUNCE: Duration = Duration::from_millis(500);

/// A running (or finished) job producing a `T`.
pub struct AnalysisJob<T> {
    cancel: Arc<AtomicBool>,
    /// Fraction done, as the bits of an f32.
    progress: Arc<AtomicU32>,
    rx: mpsc::Receiver<T>,
    result: Option<T>,
}

/// Where a job is.
#[derive(Debug, PartialEq)]
pub enum JobState<'a, T> {
    /// Still working; the fraction done (0…1).
    Running(f32),
    /// Finished with this result.
    Done(&'a T),
    /// The worker ended without a result (it panicked).
    Lost,
}

impl<T: Send + 'static> AnalysisJob<T> {
    /// Runs `work` on a new thread. It gets a progress callback (0…1) and the cancel flag to
    /// poll.
    pub fn spawn<F>(name: &str, work: F) -> std::io::Result<AnalysisJob<T>>
    where
        F: FnOnce(&mut dyn FnMut(f32), &AtomicBool) -> T + Send + 'static,
    {
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(AtomicU32::new(0f32.to_bits()));
        let (tx, rx) = mpsc::channel();
        let (c, p) = (cancel.clone(), progress.clone());
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let mut report = |f: f32| p.store(f.to_bits(), Ordering::Relaxed);
                let result = work(&mut report, &c);
                // The job may have been dropped meanwhile; then nobody wants the result.
                let _ = tx.send(result);
            })?;
        Ok(AnalysisJob {
            cancel,
            progress,
            rx,
            result: None,
        })
    }

    /// Asks the worker to stop at its next block (its result is then a cancellation).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Polls without blocking.
    pub fn state(&mut self) -> JobState<'_, T> {
        if self.result.is_none() {
            match self.rx.try_recv() {
                Ok(r) => self.result = Some(r),
                Err(mpsc::TryRecvError::Empty) => {
                    return JobState::Running(f32::from_bits(
                        self.progress.load(Ordering::Relaxed),
                    ));
                }
                Err(mpsc::TryRecvError::Disconnected) => return JobState::Lost,
            }
        }
        match &self.result {
            Some(r) => JobState::Done(r),
            None => JobState::Lost,
        }
    }

    /// Waits for the result (`None` if the worker panicked).
    pub fn wait(mut self) -> Option<T> {
        self.result.take().or_else(|| self.rx.recv().ok())
    }

    /// Fraction done (0…1), without polling for the result.
    pub fn progress(&self) -> f32 {
        f32::from_bits(self.progress.load(Ordering::Relaxed))
    }

    /// The result once the worker has finished (taken: the next call returns `None`); `Err`
    /// when the worker ended without one.
    fn take(&mut self) -> Result<Option<T>, ()> {
        match self.state() {
            JobState::Running(_) => Ok(None),
            JobState::Done(_) => Ok(self.result.take()),
            JobState::Lost => Err(()),
        }
    }
}

impl<T> Drop for AnalysisJob<T> {
    fn drop(&mut self) {
        // A job nobody waits for stops at its next block instead of rendering on.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The result of a background project analysis.
pub type ProjectJob = AnalysisJob<Result<ProjectAnalysis, AnalysisError>>;

/// Starts [`analyze_project`] on a worker thread, with the stems by source path (as the GUI
/// holds them; a track whose stem is missing is silent, as in playback).
pub fn spawn_project_analysis(
    project: Project,
    stems: HashMap<PathBuf, Arc<StemAudio>>,
    opts: AnalysisOptions,
) -> std::io::Result<ProjectJob> {
    AnalysisJob::spawn("stemmix-analysis", move |progress, cancel| {
        let lookup = |t: &Track| stems.get(&t.source).cloned();
        analyze_project(&project, &lookup, &opts, Some(progress), Some(cancel))
    })
}

/// The result of a background reference analysis.
pub type ReferenceJob = AnalysisJob<Result<Analysis, AnalysisError>>;

/// Starts [`analyze_audio`] of a decoded reference on a worker thread (a long file takes a
/// moment; the window must not wait for it). `span`: its loop region, frames.
pub fn spawn_reference_analysis(
    audio: Arc<StemAudio>,
    span: Option<Span>,
) -> std::io::Result<ReferenceJob> {
    AnalysisJob::spawn("stemmix-reference-analysis", move |progress, _| {
        let result = analyze_audio(&audio, span);
        progress(1.0);
        result
    })
}

/// Whether the figure [`Debounced`] holds is the one of the current state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Freshness {
    /// Nothing waits or runs: the latest result (if any) is of the last edit.
    Current,
    /// An edit arrived; the analysis starts when edits pause for the debounce delay.
    Waiting,
    /// Recomputing; the fraction done (0…1).
    Running(f32),
    /// The last analysis ended without a result (its worker panicked); the next edit retries.
    Failed,
}

/// A background analysis redone after edits: each edit cancels the running job, and a new one
/// starts once no edit has come for `delay`. Time is passed in, so the schedule is testable.
pub struct Debounced<T> {
    delay: Duration,
    /// The last edit not yet being analysed.
    pending: Option<Instant>,
    job: Option<AnalysisJob<T>>,
    latest: Option<T>,
    failed: bool,
}

impl<T: Send + 'static> Debounced<T> {
    /// Nothing measured yet, nothing pending (call [`Debounced::edited`] to ask for a first
    /// analysis).
    pub fn new(delay: Duration) -> Debounced<T> {
        Debounced {
            delay,
            pending: None,
            job: None,
            latest: None,
            failed: false,
        }
    }

    /// The state changed at `now`: the running job (of the old state) is cancelled, and a new
    /// one waits for the edits to pause.
    pub fn edited(&mut self, now: Instant) {
        // Dropping a job cancels it; its result would describe the old state.
        self.job = None;
        self.pending = Some(now);
    }

    /// When [`Debounced::poll`] would start the next job (for the caller's timer), if one
    /// is waiting.
    pub fn due(&self) -> Option<Instant> {
        self.pending.map(|t| t + self.delay)
    }

    /// Call regularly (a GUI tick): collects a finished result (returns `true` when a new one
    /// arrived) and starts the job with `start` once no edit has come for the delay. A `start`
    /// that fails is retried at the next poll.
    pub fn poll(
        &mut self,
        now: Instant,
        start: impl FnOnce() -> std::io::Result<AnalysisJob<T>>,
    ) -> std::io::Result<bool> {
        let mut arrived = false;
        if let Some(job) = &mut self.job {
            match job.take() {
                Ok(None) => {}
                Ok(Some(result)) => {
                    self.latest = Some(result);
                    self.job = None;
                    arrived = true;
                }
                Err(()) => {
                    self.job = None;
                    self.failed = true;
                }
            }
        }
        if self.due().is_some_and(|due| now >= due) {
            self.job = Some(start()?);
            self.pending = None;
            self.failed = false;
        }
        Ok(arrived)
    }

    /// Where the figure stands.
    pub fn freshness(&self) -> Freshness {
        match (&self.job, self.pending) {
            (_, Some(_)) => Freshness::Waiting,
            (Some(job), None) => Freshness::Running(job.progress()),
            (None, None) if self.failed => Freshness::Failed,
            (None, None) => Freshness::Current,
        }
    }

    /// The latest finished result (of an older state while [`Debounced::freshness`] is not
    /// `Current`).
    pub fn latest(&self) -> Option<&T> {
        self.latest.as_ref()
    }
}
