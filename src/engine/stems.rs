//! Loading the stems of a project: decoded in parallel at the project rate, shared as `Arc`s.

use crate::media::{self, MediaError, StemAudio};
use crate::project::{Project, Track, TrackId};
use std::collections::HashMap;
use std::sync::Arc;

/// The decoded audio of a project's tracks, and the tracks whose stem could not be read.
#[derive(Default)]
pub struct ProjectStems {
    /// Audio by track.
    pub audio: HashMap<TrackId, Arc<StemAudio>>,
    /// Offline tracks with the reason.
    pub offline: Vec<(TrackId, MediaError)>,
}

impl ProjectStems {
    /// Decodes (and resamples) every track's stem; `progress` gets (files done, files total).
    pub fn load(project: &Project, progress: &(dyn Fn(usize, usize) + Sync)) -> ProjectStems {
        let paths: Vec<_> = project.tracks.iter().map(|t| t.source.clone()).collect();
        let results = media::import_stems(&paths, project.sample_rate, &|p| {
            progress(p.files_done, p.files_total)
        });
        let mut out = ProjectStems::default();
        for (t, r) in project.tracks.iter().zip(results) {
            match r {
                Ok(stem) => {
                    out.audio.insert(t.id, Arc::new(stem));
                }
                Err(e) => out.offline.push((t.id, e)),
            }
        }
        out
    }

    /// The audio of `track`, if it loaded.
    pub fn get(&self, track: &Track) -> Option<Arc<StemAudio>> {
        self.audio.get(&track.id).cloned()
    }
}
