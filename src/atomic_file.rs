//! Crash-safe file replacement: write a temporary file in the same folder, fsync it, rename it
//! over the target, fsync the folder. A failed or interrupted write leaves the old file intact
//! and no temporary file behind.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A file being written under a temporary name; it replaces the target only on [`commit`].
///
/// Dropping it without committing deletes the temporary file.
///
/// [`commit`]: AtomicFile::commit
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl AtomicFile {
    /// Creates the temporary file next to `target`.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = parent_dir(target);
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?
            .to_string_lossy()
            .into_owned();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// The open temporary file.
    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("file is present until commit")
    }

    /// The temporary file's path.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Flushes the data to disk and renames the file over the target. With `keep_backup`, an
    /// existing target is kept as `NAME.bak` (e.g. `song.stemmix.bak`).
    pub fn commit(mut self, keep_backup: bool) -> io::Result<()> {
        let file = self.file.take().expect("commit once");
        file.sync_all()?;
        drop(file);
        if keep_backup && self.target.exists() {
            // The old file gets a second name first (a hard link keeps its bytes without
            // copying them), which then replaces the backup in one rename: killed at any
            // moment, the backup is a complete earlier version, never missing or partial.
            let staged = self.temp.with_extension("bak.tmp");
            if fs::hard_link(&self.target, &staged).is_err() {
                fs::copy(&self.target, &staged)?;
                File::open(&staged)?.sync_all()?;
            }
            if let Err(e) = fs::rename(&staged, backup_path(&self.target)) {
                let _ = fs::remove_file(&staged);
                return Err(e);
            }
        }
        fs::rename(&self.temp, &self.target)?;
        sync_dir(&parent_dir(&self.target));
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() || self.temp.exists() {
            self.file = None;
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes a whole file atomically with `write`; see [`AtomicFile`].
pub fn write_atomic(
    target: &Path,
    keep_backup: bool,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mut f = AtomicFile::create(target)?;
    write(f.file())?;
    f.commit(keep_backup)
}

/// `song.stemmix` → `song.stemmix.bak`.
pub fn backup_path(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn sync_dir(dir: &Path) {
    // Makes the rename itself durable on POSIX file systems; not possible (or needed) elsewhere.
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn failed_write_keeps_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        fs::write(&target, "old").unwrap();
        let err = write_atomic(&target, true, |f| {
            f.write_all(b"half of the new")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")]);
    }

    #[test]
    fn commit_replaces_and_keeps_backup() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        fs::write(&target, "old").unwrap();
        write_atomic(&target, true, |f| f.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(fs::read_to_string(backup_path(&target)).unwrap(), "old");
        write_atomic(&target, true, |f| f.write_all(b"newer")).unwrap();
        assert_eq!(fs::read_to_string(backup_path(&target)).unwrap(), "new");
    }
}
