//! Autosave and crash recovery: the unsaved state of the open project is written to the data
//! folder every 30 s and on exit; a clean close removes it, so an autosave found at start-up
//! whose writer is no longer running is the state of a session that crashed.

use crate::atomic_file;
use crate::project::{self, Project};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the open project is autosaved while it has unsaved changes.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(30);

/// What is known about an autosave besides the project itself.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AutosaveInfo {
    /// The project file it belongs to (`None`: a project never saved).
    pub project_path: Option<PathBuf>,
    /// Process that wrote it.
    pub pid: u32,
    /// When it was written (seconds since the Unix epoch).
    pub saved_at: u64,
}

/// An autosave found on disk.
#[derive(Clone, Debug)]
pub struct Recovery {
    /// Its metadata.
    pub info: AutosaveInfo,
    /// The project file of the autosave.
    pub file: PathBuf,
}

/// Writes and removes this session's autosave.
#[derive(Clone, Debug)]
pub struct Autosaver {
    dir: PathBuf,
    key: String,
}

impl Autosaver {
    /// The autosave slot of this process in `dir`.
    pub fn new(dir: &Path) -> Autosaver {
        Autosaver {
            dir: dir.to_path_buf(),
            key: format!("session-{}", std::process::id()),
        }
    }

    fn project_file(&self) -> PathBuf {
        self.dir.join(format!("{}.stemmix", self.key))
    }

    fn info_file(&self) -> PathBuf {
        self.dir.join(format!("{}.info.ron", self.key))
    }

    /// Writes the unsaved state of `project` (which lives at `project_path`, if saved).
    pub fn save(&self, project: &Project, project_path: Option<&Path>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        // Paths stay absolute: the autosave folder is not the project's folder.
        let text = project::file::to_ron_string(project, Path::new("/nonexistent-base"));
        let info = AutosaveInfo {
            project_path: project_path.map(Path::to_path_buf),
            pid: std::process::id(),
            saved_at: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };
        let info_text = ron::ser::to_string_pretty(&info, ron::ser::PrettyConfig::new())
            .map_err(std::io::Error::other)?;
        use std::io::Write;
        atomic_file::write_atomic(&self.project_file(), false, |f| {
            f.write_all(text.as_bytes())
        })?;
        atomic_file::write_atomic(&self.info_file(), false, |f| {
            f.write_all(info_text.as_bytes())
        })
    }

    /// The files of this session's autosave (they need not exist yet).
    pub fn files(&self) -> [PathBuf; 2] {
        [self.project_file(), self.info_file()]
    }

    /// Removes the autosave (after a save, or when the user discards the changes).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(self.project_file());
        let _ = std::fs::remove_file(self.info_file());
    }
}

/// Autosaves in `dir` left by sessions that are no longer running, newest first.
pub fn find_recoveries(dir: &Path) -> Vec<Recovery> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<Recovery> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".info.ron"))
        .filter_map(|info_path| {
            let info: AutosaveInfo =
                ron::from_str(&std::fs::read_to_string(&info_path).ok()?).ok()?;
            let name = info_path
                .file_name()?
                .to_string_lossy()
                .replace(".info.ron", ".stemmix");
            let file = info_path.with_file_name(name);
            (file.is_file() && !process_alive(info.pid)).then_some(Recovery { info, file })
        })
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.info.saved_at));
    found
}

/// The files of every autosave in `dir` that belongs to the project file `project` (a bounce
/// must never write over them).
pub fn files_of(dir: &Path, project: &Path) -> Vec<PathBuf> {
    let same = |a: &Path| {
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        canon(a) == canon(project)
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for info_path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let name = info_path.to_string_lossy();
        let Some(stem) = name.strip_suffix(".info.ron") else {
            continue;
        };
        let info: Option<AutosaveInfo> = std::fs::read_to_string(&info_path)
            .ok()
            .and_then(|t| ron::from_str(&t).ok());
        if info.and_then(|i| i.project_path).is_some_and(|p| same(&p)) {
            files.push(PathBuf::from(format!("{stem}.stemmix")));
            files.push(info_path);
        }
    }
    files
}

/// Reads a recovered project (paths in autosaves are absolute).
pub fn load_recovery(r: &Recovery) -> Result<Project, project::ProjectError> {
    project::load(&r.file)
}

/// Deletes a recovery the user declined (or restored and saved).
pub fn discard_recovery(r: &Recovery) {
    let _ = std::fs::remove_file(&r.file);
    let info = r.file.with_file_name(
        r.file
            .file_name()
            .map(|n| n.to_string_lossy().replace(".stemmix", ".info.ron"))
            .unwrap_or_default(),
    );
    let _ = std::fs::remove_file(info);
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    // On Linux a live process has /proc/PID; elsewhere assume it is gone (offering a recovery
    // of a running session is harmless: the user can decline).
    cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crashed_sessions_are_found_and_live_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::default();
        p.master.gain_db = -4.0;
        let a = Autosaver::new(dir.path());
        a.save(&p, Some(Path::new("/music/song.stemmix"))).unwrap();
        // Our own (live) session is not a crash.
        assert!(find_recoveries(dir.path()).is_empty());
        // Pretend the writer died: rewrite the info with a pid that cannot exist.
        let info_file = a.info_file();
        let mut info: AutosaveInfo =
            ron::from_str(&std::fs::read_to_string(&info_file).unwrap()).unwrap();
        info.pid = u32::MAX - 7;
        std::fs::write(&info_file, ron::to_string(&info).unwrap()).unwrap();
        let found = find_recoveries(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].info.project_path.as_deref(),
            Some(Path::new("/music/song.stemmix"))
        );
        let restored = load_recovery(&found[0]).unwrap();
        assert!(restored.same_content(&p));
        discard_recovery(&found[0]);
        assert!(find_recoveries(dir.path()).is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn clear_removes_the_autosave() {
        let dir = tempfile::tempdir().unwrap();
        let a = Autosaver::new(dir.path());
        a.save(&Project::default(), None).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        a.clear();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
