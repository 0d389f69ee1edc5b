//! Reference tracks in a project: which commercial mixes to A/B against, and how their
//! loudness is matched.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use super::model::{Region, file_stem};

/// Identity of a reference within one session (not saved): survives edits, undo and
/// reordering, so the engine plays the same reference whatever its position in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefId(pub u64);

static NEXT_REF_ID: AtomicU64 = AtomicU64::new(1);

impl RefId {
    /// A process-wide unique id.
    pub fn fresh() -> RefId {
        RefId(NEXT_REF_ID.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for RefId {
    fn default() -> Self {
        RefId::fresh()
    }
}

/// Where a reference's playhead comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefMode {
    /// Plays at the mix's playhead (an earlier version or a master of the same song).
    Sync,
    /// Its own playhead and loop region (a commercial song).
    #[default]
    Free,
}

/// A reference track to compare the mix against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Reference {
    /// Session identity; never written to the file.
    #[serde(skip)]
    pub id: RefId,
    /// Display name (empty: the file's stem, see [`Reference::display_name`]).
    pub name: String,
    /// The reference's audio file (relative to the project file's folder when below it).
    pub path: PathBuf,
    /// Level offset in dB applied on top of loudness matching (alone when matching is off).
    pub trim_db: f32,
    /// Sync (the mix's playhead) or Free (its own).
    pub mode: RefMode,
    /// The reference's own loop region (Free mode), in seconds of the reference.
    pub loop_region: Option<Region>,
    /// Whether a Free reference loops over `loop_region`.
    pub loop_enabled: bool,
}

impl Default for Reference {
    fn default() -> Self {
        Reference {
            id: RefId::fresh(),
            name: String::new(),
            path: PathBuf::new(),
            trim_db: 0.0,
            mode: RefMode::default(),
            loop_region: None,
            loop_enabled: false,
        }
    }
}

impl Reference {
    /// A default reference for a file, named after it.
    pub fn for_path(path: PathBuf) -> Reference {
        let name = file_stem(&path);
        Reference {
            name,
            path,
            ..Reference::default()
        }
    }

    /// The name to show: `name`, or the file's stem when it is empty.
    pub fn display_name(&self) -> String {
        if self.name.is_empty() {
            file_stem(&self.path)
        } else {
            self.name.clone()
        }
    }
}

/// How references are loudness-matched to the mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchSettings {
    /// Play each reference at the gain that makes its integrated loudness equal the mix's
    /// (plus its trim); off plays it at its trim alone.
    pub enabled: bool,
    /// Measure the mix and the references over their loop regions only.
    pub loop_only: bool,
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            enabled: true,
            loop_only: false,
        }
    }
}
