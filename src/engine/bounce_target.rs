//! Where a bounce writes: the mix file and the stems folder, checked against the project's
//! own files and against existing files before anything is rendered, and put in place only
//! when every file is complete (a failed or cancelled bounce leaves no file and removes the
//! stems folder it made).

use super::bounce::{BounceError, stem_file_names};
use super::bounce_guard::BounceInputs;
use crate::media::{FinishedWav, WavSummary};
use crate::project::Project;
use std::path::{Path, PathBuf};

/// Where a stems bounce writes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StemsTarget<'a> {
    /// The folder (created if missing) for one file per track.
    pub dir: &'a Path,
    /// Each track with its share of the reverb; else dry, plus the reverb return as a file.
    pub wet: bool,
}

/// The files a bounce writes, and what it must not write over.
#[derive(Clone, Copy, Debug)]
pub struct BounceTarget<'a> {
    /// The mix.
    pub mix: &'a Path,
    /// One file per track too, if asked.
    pub stems: Option<StemsTarget<'a>>,
    /// The project's own files: never written.
    pub inputs: &'a BounceInputs,
    /// Whether existing files (other than inputs) may be replaced.
    pub overwrite: bool,
}

impl BounceTarget<'_> {
    /// Every file the bounce of `project` writes: the mix, then the stems in order.
    pub fn files(&self, project: &Project) -> Vec<PathBuf> {
        let mut v = vec![self.mix.to_path_buf()];
        if let Some(s) = self.stems {
            v.extend(
                stem_file_names(project, s.wet)
                    .into_iter()
                    .map(|n| s.dir.join(n)),
            );
        }
        v
    }

    /// Those of [`files`](Self::files) that exist already (a bounce would replace them).
    pub fn existing(&self, project: &Project) -> Vec<PathBuf> {
        self.files(project)
            .into_iter()
            .filter(|p| p.symlink_metadata().is_ok())
            .collect()
    }

    /// Refuses the destinations before anything is rendered: inputs of the project, a file
    /// named twice, a missing folder, a stems folder that is a file, and — unless
    /// `overwrite` — existing files.
    pub fn check(&self, project: &Project) -> Result<(), BounceError> {
        let files = self.files(project);
        for (i, f) in files.iter().enumerate() {
            self.inputs.check_destination(f)?;
            if files[..i].contains(f) {
                return Err(BounceError::Duplicate(f.clone()));
            }
        }
        let folder = self.mix.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = folder
            && !d.is_dir()
        {
            return Err(BounceError::NoFolder(self.mix.to_path_buf()));
        }
        if let Some(s) = self.stems
            && s.dir.exists()
            && !s.dir.is_dir()
        {
            return Err(BounceError::NotAFolder(s.dir.to_path_buf()));
        }
        if !self.overwrite
            && let Some(f) = self.existing(project).into_iter().next()
        {
            return Err(BounceError::Exists(f));
        }
        Ok(())
    }
}

/// Renames every finished file into place, the mix (first) last of all; returns the mix's
/// summary. If a rename fails, the files this bounce already put in place are removed again
/// when they are new (`replacing` false); replaced files cannot be brought back.
pub(super) fn commit_all(
    mut files: Vec<FinishedWav>,
    replacing: bool,
) -> Result<WavSummary, BounceError> {
    let mix = files.remove(0);
    let mut placed: Vec<PathBuf> = Vec::new();
    let undo = |placed: &[PathBuf]| {
        if !replacing {
            for p in placed {
                let _ = std::fs::remove_file(p);
            }
        }
    };
    for f in files {
        let path = f.summary().path.clone();
        if let Err(e) = f.commit() {
            undo(&placed);
            return Err(e.into());
        }
        placed.push(path);
    }
    mix.commit().map_err(|e| {
        undo(&placed);
        e.into()
    })
}

/// The folders a stems bounce created: removed again (when empty) unless the bounce succeeds.
pub(super) struct CreatedFolder {
    /// Deepest first.
    made: Vec<PathBuf>,
}

impl CreatedFolder {
    /// Creates `dir` and the folders above it that are missing.
    pub(super) fn create(dir: &Path) -> Result<CreatedFolder, BounceError> {
        let mut made = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            made.push(p.to_path_buf());
            d = p.parent();
        }
        std::fs::create_dir_all(dir).map_err(|source| BounceError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(CreatedFolder { made })
    }

    /// The bounce succeeded: the folders stay.
    pub(super) fn keep(mut self) {
        self.made.clear();
    }
}

impl Drop for CreatedFolder {
    fn drop(&mut self) {
        for d in &self.made {
            // Only if empty: never anything the user put there meanwhile.
            let _ = std::fs::remove_dir(d);
        }
    }
}
