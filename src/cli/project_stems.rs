//! Opening a project for a command that renders it: the project file, its stems decoded with
//! a progress line, and the policy for stems that cannot be read.
//!
//! The commands here render offline, so stems go through the decoded-stem cache
//! ([`StemCache::from_env`]) and are read from it mapped, a page at a time: a warm cache decodes
//! nothing, and memory does not grow with the songs' length.

use super::{CliError, progress::ProgressLine};
use crate::engine::stems::ProjectStems;
use crate::media::{StemCache, StemLoad};
use crate::project::Project;
use std::path::Path;

/// Loads `path` and decodes its stems. With `allow_offline`, unreadable stems are warnings and
/// their tracks stay silent; without it they are errors (one line each) and the command stops,
/// suggesting `--allow-offline` to `verb` without them.
pub fn open(
    path: &Path,
    allow_offline: bool,
    verb: &str,
) -> Result<(Project, ProjectStems), CliError> {
    let project = load(path)?;
    let stems = decode(&project, allow_offline, verb)?;
    Ok((project, stems))
}

/// Loads the project at `path` (its corrections printed as warnings); a project without tracks
/// is an error.
pub fn load(path: &Path) -> Result<Project, CliError> {
    let project = super::load_project(path)?;
    if project.tracks.is_empty() {
        return Err(CliError(format!(
            "{}: the project has no tracks",
            path.display()
        )));
    }
    Ok(project)
}

/// Opens `project`'s stems (from the cache, or decoded into it) with a progress line, under the
/// offline policy of [`open`].
pub fn decode(
    project: &Project,
    allow_offline: bool,
    verb: &str,
) -> Result<ProjectStems, CliError> {
    let mut line = ProgressLine::new();
    let how = StemLoad::streaming(StemCache::from_env());
    let stems = ProjectStems::load_with(project, &how, &|done, total| {
        ProgressLine::global_draw(
            &format!("decoding stems {done}/{total}"),
            done as f32 / total.max(1) as f32,
        )
    });
    line.clear();
    let level = if allow_offline { "warning:" } else { "error:" };
    for (id, err) in &stems.offline {
        let name = project.track(*id).map_or("?", |t| t.name.as_str());
        eprintln!("{level} track {name:?} is offline: {err}");
    }
    if !stems.offline.is_empty() && !allow_offline {
        return Err(CliError(format!(
            "{} of {} stems could not be read (use --allow-offline to {verb} without them)",
            stems.offline.len(),
            project.tracks.len()
        )));
    }
    Ok(stems)
}
