//! The recent-projects list, kept as RON in the config folder.

use crate::atomic_file;
use std::path::{Path, PathBuf};

/// Most entries the list keeps.
pub const MAX_RECENT: usize = 10;

/// Recently opened or saved projects, newest first.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RecentProjects {
    /// Absolute project paths.
    pub paths: Vec<PathBuf>,
}

impl RecentProjects {
    fn file(config: &Path) -> PathBuf {
        config.join("recent.ron")
    }

    /// Reads the list; a missing or unreadable file gives an empty list.
    pub fn load(config: &Path) -> RecentProjects {
        std::fs::read_to_string(Self::file(config))
            .ok()
            .and_then(|t| ron::from_str(&t).ok())
            .unwrap_or_default()
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
        std::fs::create_dir_all(config)?;
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new())
            .map_err(std::io::Error::other)?;
        atomic_file::write_atomic(&Self::file(config), false, |f| {
            use std::io::Write;
            f.write_all(text.as_bytes())
        })
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
