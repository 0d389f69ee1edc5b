//! Loading the stems of a project: decoded in parallel at the project rate, shared as `Arc`s.

use crate::media::{self, MediaError, StemAudio, StemLoad};
use crate::project::{Project, Track, TrackId};
use std::collections::HashMap;
use std::sync::Arc;

/// The decoded audio of a project's tracks, and the tracks whose stem could not be read.
#[derive(Default)]
pub struct ProjectStems {
    /// Audio by track.
    pub audio: HashMap<TrackId, Arc<StemAudio>>,
    /// Offline tracks (their stem could not be read), with the reason.
    pub offline: Vec<(TrackId, MediaError)>,
}

impl ProjectStems {
    /// Decodes (and resamples) every track's stem; `progress` gets (files done, files total).
    /// A file used by several tracks is decoded once and shared.
    pub fn load(project: &Project, progress: &(dyn Fn(usize, usize) + Sync)) -> ProjectStems {
        ProjectStems::load_with(project, &StemLoad::in_memory(), progress)
    }

    /// [`ProjectStems::load`] loading each stem as `how` says (through the stem cache,
    /// mapped for an offline render...).
    pub fn load_with(
        project: &Project,
        how: &StemLoad,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> ProjectStems {
        let mut unique: Vec<std::path::PathBuf> = Vec::new();
        for t in &project.tracks {
            if !unique.contains(&t.source) {
                unique.push(t.source.clone());
            }
        }
        let results = media::import_stems_with(&unique, project.sample_rate, how, &|p| {
            progress(p.files_done, p.files_total)
        });
        let results: Vec<Result<Arc<StemAudio>, MediaError>> =
            results.into_iter().map(|r| r.map(Arc::new)).collect();
        let mut out = ProjectStems::default();
        for t in &project.tracks {
            let i = unique.iter().position(|p| p == &t.source).unwrap_or(0);
            match &results[i] {
                Ok(stem) => {
                    out.audio.insert(t.id, stem.clone());
                }
                Err(e) => out.offline.push((t.id, e.clone())),
            }
        }
        out
    }

    /// The audio of `track`, if it loaded.
    pub fn get(&self, track: &Track) -> Option<Arc<StemAudio>> {
        self.audio.get(&track.id).cloned()
    }
}
