//! The stem library: every track's audio decoded at the project rate, by file, with the
//! background decoding that fills it. A stem that is missing or cannot be decoded is
//! *offline*: its track stays, silent, with the reason shown.

use crate::media::{self, StemAudio};
use crate::project::Project;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::SystemTime;

/// What a file looked like when it was decoded: its size and modification time (`None`: it
/// did not exist).
type Stamp = Option<(u64, SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
}

/// Where a track's audio is.
#[derive(Clone, Debug)]
pub enum StemState {
    /// Being decoded; how far (0…1).
    Loading(f32),
    /// Decoded at the project rate.
    Ready(Arc<StemAudio>),
    /// Missing or undecodable: why.
    Offline(String),
}

enum DecodeEvent {
    Progress(PathBuf, f32),
    Done(PathBuf, Result<StemAudio, String>),
}

struct DecodeJob {
    rx: mpsc::Receiver<DecodeEvent>,
    remaining: usize,
}

/// The decoded stems, by file, and the decoding under way. The app keeps it: the timeline, the
/// strips, the bounce and the files panel all read it.
#[derive(Default)]
pub struct StemLibrary {
    stems: HashMap<PathBuf, StemState>,
    /// Each file as it was when its decoding started.
    stamps: HashMap<PathBuf, Stamp>,
    jobs: Vec<DecodeJob>,
    /// Where decoded stems are kept (`None`: decoded into memory each time).
    cache: Option<media::StemCache>,
}

impl std::fmt::Debug for StemLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StemLibrary")
            .field("stems", &self.stems.len())
            .field("jobs", &self.jobs.len())
            .finish()
    }
}

/// What a finished decode means for the app: the file, and its warnings or its error.
pub type Finished = (PathBuf, Result<Vec<String>, String>);

impl StemLibrary {
    /// A library decoding through `cache` (stems found there open without decoding and are
    /// played from it; `None`: decoded into memory).
    pub fn with_cache(cache: Option<media::StemCache>) -> StemLibrary {
        StemLibrary {
            cache,
            ..StemLibrary::default()
        }
    }

    /// Forgets every stem and abandons running decodes (another project was opened).
    pub fn reset(&mut self) {
        self.stems.clear();
        self.stamps.clear();
        self.jobs.clear();
    }

    /// Forgets the files that changed on disk since they were decoded (another size or
    /// modification time, deleted, or back after being missing) and returns them, to be
    /// decoded again. Files still decoding are left alone.
    pub fn changed_on_disk(&mut self) -> Vec<PathBuf> {
        let stems = &self.stems;
        let mut changed: Vec<PathBuf> = self
            .stamps
            .iter()
            .filter(|(p, _)| !matches!(stems.get(*p), Some(StemState::Loading(_))))
            .filter(|(p, s)| stamp(p) != **s)
            .map(|(p, _)| p.clone())
            .collect();
        changed.sort();
        for p in &changed {
            self.stems.remove(p);
            self.stamps.remove(p);
        }
        changed
    }

    /// The decoded audio of a file.
    pub fn audio(&self, path: &Path) -> Option<Arc<StemAudio>> {
        match self.stems.get(path) {
            Some(StemState::Ready(a)) => Some(a.clone()),
            _ => None,
        }
    }

    /// The state of a file.
    pub fn state(&self, path: &Path) -> Option<&StemState> {
        self.stems.get(path)
    }

    /// Length in frames of the longest loaded stem of `project`.
    pub fn length_frames(&self, project: &Project) -> u64 {
        project
            .tracks
            .iter()
            .filter_map(|t| self.audio(&t.source))
            .map(|s| s.frames as u64)
            .max()
            .unwrap_or(0)
    }

    /// Why a file is offline, if it is.
    pub fn offline_reason(&self, path: &Path) -> Option<&str> {
        match self.stems.get(path) {
            Some(StemState::Offline(r)) => Some(r),
            _ => None,
        }
    }

    /// Whether decoding is under way.
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// (files loading, overall fraction) while decoding.
    pub fn progress(&self) -> Option<(usize, f32)> {
        let loading: Vec<f32> = self
            .stems
            .values()
            .filter_map(|s| match s {
                StemState::Loading(f) => Some(*f),
                _ => None,
            })
            .collect();
        (!loading.is_empty()).then(|| {
            (
                loading.len(),
                loading.iter().sum::<f32>() / loading.len() as f32,
            )
        })
    }

    /// Starts decoding the files not decoded or decoding yet, at `rate`, on worker threads.
    pub fn decode(&mut self, paths: Vec<PathBuf>, rate: u32) {
        let mut todo: Vec<PathBuf> = Vec::new();
        for p in paths {
            if self.stems.contains_key(&p) || todo.contains(&p) {
                continue;
            }
            if p.as_os_str().is_empty() {
                self.stems
                    .insert(p, StemState::Offline("the track has no audio file".into()));
                continue;
            }
            self.stems.insert(p.clone(), StemState::Loading(0.0));
            self.stamps.insert(p.clone(), stamp(&p));
            todo.push(p);
        }
        if todo.is_empty() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        self.jobs.push(DecodeJob {
            rx,
            remaining: todo.len(),
        });
        let how = media::StemLoad::playback(self.cache.clone());
        rayon::spawn(move || decode_worker(todo, rate, &how, tx));
    }

    /// Applies what the workers reported; returns the files that finished.
    pub fn poll(&mut self) -> Vec<Finished> {
        let mut finished = Vec::new();
        let stems = &mut self.stems;
        self.jobs.retain_mut(|job| {
            loop {
                match job.rx.try_recv() {
                    Ok(DecodeEvent::Progress(p, f)) => {
                        if let Some(s @ StemState::Loading(_)) = stems.get_mut(&p) {
                            *s = StemState::Loading(f);
                        }
                    }
                    Ok(DecodeEvent::Done(p, r)) => {
                        job.remaining = job.remaining.saturating_sub(1);
                        match r {
                            Ok(stem) => {
                                let warnings = stem.warnings.clone();
                                stems.insert(p.clone(), StemState::Ready(Arc::new(stem)));
                                finished.push((p, Ok(warnings)));
                            }
                            Err(e) => {
                                stems.insert(p.clone(), StemState::Offline(e.clone()));
                                finished.push((p, Err(e)));
                            }
                        }
                    }
                    Err(mpsc::TryRecvError::Empty) => return job.remaining > 0,
                    Err(mpsc::TryRecvError::Disconnected) => return false,
                }
            }
        });
        // A worker that vanished without reporting leaves its files offline, not loading.
        if self.jobs.is_empty() {
            for s in self.stems.values_mut() {
                if matches!(s, StemState::Loading(_)) {
                    *s = StemState::Offline("decoding was interrupted".into());
                }
            }
        }
        finished
    }
}

/// Decodes `paths` on rayon's pool (one file per worker) as `how` says, reporting each file as
/// soon as it is done. Runs as a rayon task itself, so the window's thread never waits.
fn decode_worker(
    paths: Vec<PathBuf>,
    rate: u32,
    how: &media::StemLoad,
    tx: mpsc::Sender<DecodeEvent>,
) {
    // A closed channel means the app moved on to another project: nothing to do.
    let send = |e: DecodeEvent| drop(tx.send(e));
    let progress = |pr: media::ImportProgress| {
        send(DecodeEvent::Progress(
            paths[pr.file].clone(),
            pr.file_fraction,
        ));
    };
    media::import_stems_each(&paths, rate, how, &progress, &|i, r| {
        send(DecodeEvent::Done(
            paths[i].clone(),
            r.map_err(|e| e.to_string()),
        ));
    });
}
