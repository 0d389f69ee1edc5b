//! The recent-projects list, kept as RON in the config folder.

use super::config_file;
use std::path::{Path, PathBuf};

/// The list's file in the config folder.
const FILE_NAME: &str = "recent.ron";

/// Most entries the list keeps.
pub const MAX_RECENT: usize = 10;

/// Recently opened or saved projects, newest first.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RecentProjects {
    /// Absolute project paths.
    pub paths: Vec<PathBuf>,
}

impl RecentProjects {
    /// Reads the list; a missing or unreadable file gives an empty list.
    pub fn load(config: &Path) -> RecentProjects {
        config_file::load(config, FILE_NAME).unwrap_or_default()
    }

    /// Moves `path` to the front.
    pub fn touch(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.paths.retain(|p| p != &path);
        self.paths.insert(0, path);
        self.paths.truncate(MAX_RECENT);
    }

    /// Writes the list atomically.
    pub fn save(&self, config: &Path) -> std::io::Result<()> {
        config_file::save(config, FILE_NAME, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touch_orders_dedups_and_caps() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = RecentProjects::default();
        for i in 0..15 {
            r.touch(&dir.path().join(format!("{i}.stemmix")));
        }
        r.touch(&dir.path().join("3.stemmix"));
        assert_eq!(r.paths.len(), MAX_RECENT);
        assert_eq!(r.paths[0], dir.path().join("3.stemmix"));
        assert_eq!(
            r.paths.iter().filter(|p| p.ends_with("3.stemmix")).count(),
            1
        );
        r.save(dir.path()).unwrap();
        assert_eq!(RecentProjects::load(dir.path()), r);
        std::fs::write(dir.path().join("recent.ron"), "garbage").unwrap();
        assert_eq!(RecentProjects::load(dir.path()), RecentProjects::default());
    }
}
