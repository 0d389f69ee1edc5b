//! Where the app keeps its configuration (recent projects), data (autosaves) and cache
//! (decoded stems).

use crate::media::StemCache;
use std::path::PathBuf;

/// The app's folders. Tests point them at a temporary folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppDirs {
    /// Settings such as the recent-projects list.
    pub config: PathBuf,
    /// Autosaves for crash recovery.
    pub data: PathBuf,
    /// What can be made again: the decoded stems.
    pub cache: PathBuf,
}

impl AppDirs {
    /// The platform folders from `directories`, or `$STEMMIX_HOME/{config,data,cache}` when that
    /// variable is set (used by tests and for portable setups). `None` when the platform has no
    /// home folder: the app then runs without recent files and autosave.
    pub fn locate() -> Option<AppDirs> {
        if let Some(home) = std::env::var_os("STEMMIX_HOME") {
            let home = PathBuf::from(home);
            return Some(AppDirs::under(home));
        }
        let d = directories::ProjectDirs::from("org", "stemmix", "stemmix")?;
        Some(AppDirs {
            config: d.config_dir().to_path_buf(),
            data: d.data_dir().to_path_buf(),
            cache: d.cache_dir().to_path_buf(),
        })
    }

    /// `root/config`, `root/data` and `root/cache`.
    pub fn under(root: PathBuf) -> AppDirs {
        AppDirs {
            config: root.join("config"),
            data: root.join("data"),
            cache: root.join("cache"),
        }
    }

    /// The decoded-stem cache: `cache/stems`, or as `$STEMMIX_CACHE_DIR` says
    /// ([`StemCache::from_env_or`]).
    pub fn stem_cache(&self) -> Option<StemCache> {
        StemCache::from_env_or(&self.cache)
    }

    /// The folder of autosave files.
    pub fn autosave_dir(&self) -> PathBuf {
        self.data.join("autosave")
    }
}
