//! A background analysis on a worker thread, for the GUI: it reports progress, stops at the
//! next block when cancelled (or dropped), and hands its result over without blocking.
//!
//! The GUI starts one shortly after the mix stops changing and drops (cancels) it when a new
//! edit arrives; the audio thread never waits for it.

use super::analysis::{AnalysisError, AnalysisOptions, ProjectAnalysis, analyze_project};
use crate::media::StemAudio;
use crate::project::{Project, Track};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, mpsc};

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
