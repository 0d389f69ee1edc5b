//! Where the app keeps its configuration (recent projects) and data (autosaves).

use std::path::PathBuf;

/// The app's folders. Tests point them at a temporary folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppDirs {
    /// Settings such as the recent-projects list.
    pub config: PathBuf,
    /// Autosaves for crash recovery.
    pub data: PathBuf,
}

impl AppDirs {
    /// The platform folders from `directories`, or `$STEMMIX_HOME/{config,data}` when that
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
        })
    }

    /// `root/config` and `root/data`.
    pub fn under(root: PathBuf) -> AppDirs {
        AppDirs {
            config: root.join("config"),
            data: root.join("data"),
        }
    }

    /// The folder of autosave files.
    pub fn autosave_dir(&self) -> PathBuf {
        self.data.join("autosave")
    }
}
