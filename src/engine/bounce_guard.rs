//! The files a bounce must never write, and the stems it must find unchanged when it ends.
//!
//! A project's inputs — its file, the file's backup and autosaves, every track's stem and every
//! reference — are compared with each destination as *the same file*: the same canonical path
//! (symbolic links and `..` resolved), or on Unix the same device and inode, which also catches
//! a hard link or a second mount of the same file. The stems are fingerprinted (size, change
//! time, inode) when the bounce begins; one deleted, truncated or rewritten while it runs fails
//! the bounce before anything is committed, because the file written would no longer be the
//! mix of the project on disk.

use crate::atomic_file::backup_path;
use crate::project::Project;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What an input of the project is to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputRole {
    /// The `.stemmix` file.
    ProjectFile,
    /// The backup a save keeps (`NAME.stemmix.bak`).
    Backup,
    /// An autosave of the project.
    Autosave,
    /// A track's stem (with the track's name).
    Stem(String),
    /// A reference track.
    Reference,
}

impl fmt::Display for InputRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputRole::ProjectFile => write!(f, "the project file"),
            InputRole::Backup => write!(f, "the project's backup"),
            InputRole::Autosave => write!(f, "an autosave of the project"),
            InputRole::Stem(name) => write!(f, "the stem of track “{name}”"),
            InputRole::Reference => write!(f, "a reference track of the project"),
        }
    }
}

/// Why a destination or a source failed the checks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    /// The destination is one of the project's inputs.
    #[error(
        "{}: that is {role} ({}); a bounce never writes over the project's own files, choose another name",
        dest.display(),
        input.display()
    )]
    Protected {
        /// The destination asked for.
        dest: PathBuf,
        /// The input it leads to.
        input: PathBuf,
        /// What that input is.
        role: InputRole,
    },
    /// A stem changed on disk while the bounce ran.
    #[error(
        "{}: {what} while the bounce ran; nothing was written (bounce again once the stem is in place)",
        path.display()
    )]
    SourceChanged {
        /// The stem.
        path: PathBuf,
        /// What happened to it ("was deleted", "changed size from … to … bytes", "was rewritten").
        what: String,
    },
}

/// Identity of a file on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

/// What a stem looked like when the bounce began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
    id: Option<FileId>,
}

#[derive(Clone, Debug)]
struct Input {
    path: PathBuf,
    role: InputRole,
    canonical: PathBuf,
    id: Option<FileId>,
    /// Stems only: checked again before the bounce commits.
    fingerprint: Option<Fingerprint>,
}

/// The inputs of a project, as a bounce of it sees them (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct BounceInputs {
    inputs: Vec<Input>,
}

impl BounceInputs {
    /// The inputs of `project`, saved as `project_file` (if it is), with its autosave files.
    /// Stems are fingerprinted now.
    pub fn of(project: &Project, project_file: Option<&Path>, autosaves: &[PathBuf]) -> Self {
        let mut list = BounceInputs::default();
        if let Some(p) = project_file {
            list.add(p, InputRole::ProjectFile, false);
            list.add(&backup_path(p), InputRole::Backup, false);
        }
        for a in autosaves {
            list.add(a, InputRole::Autosave, false);
        }
        for t in &project.tracks {
            list.add(&t.source, InputRole::Stem(t.name.clone()), true);
        }
        for r in &project.references {
            list.add(&r.path, InputRole::Reference, false);
        }
        list
    }

    fn add(&mut self, path: &Path, role: InputRole, fingerprint: bool) {
        if path.as_os_str().is_empty() || self.inputs.iter().any(|i| i.path == path) {
            return;
        }
        self.inputs.push(Input {
            path: path.to_path_buf(),
            role,
            canonical: canonical(path),
            id: file_id(path),
            fingerprint: if fingerprint {
                self::fingerprint(path)
            } else {
                None
            },
        });
    }

    /// Refuses `dest` if it is one of the inputs (see the module documentation).
    pub fn check_destination(&self, dest: &Path) -> Result<(), GuardError> {
        let (c, id) = (canonical(dest), file_id(dest));
        match self
            .inputs
            .iter()
            .find(|i| i.canonical == c || (id.is_some() && i.id == id))
        {
            Some(i) => Err(GuardError::Protected {
                dest: dest.to_path_buf(),
                input: i.path.clone(),
                role: i.role.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Fails if a stem that was there when the inputs were listed is gone or changed.
    pub fn verify_sources(&self) -> Result<(), GuardError> {
        for i in &self.inputs {
            let Some(before) = i.fingerprint else {
                continue;
            };
            let changed = |what: String| GuardError::SourceChanged {
                path: i.path.clone(),
                what,
            };
            let Some(now) = fingerprint(&i.path) else {
                return Err(changed("was deleted or cannot be read any more".into()));
            };
            if now.len != before.len {
                return Err(changed(format!(
                    "changed size from {} to {} bytes",
                    before.len, now.len
                )));
            }
            if now.modified != before.modified || now.id != before.id {
                return Err(changed("was rewritten".into()));
            }
        }
        Ok(())
    }
}

fn fingerprint(path: &Path) -> Option<Fingerprint> {
    let m = fs::metadata(path).ok()?;
    Some(Fingerprint {
        len: m.len(),
        modified: m.modified().ok(),
        id: id_of(&m),
    })
}

fn file_id(path: &Path) -> Option<FileId> {
    id_of(&fs::metadata(path).ok()?)
}

#[cfg(unix)]
fn id_of(m: &fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some(FileId {
        dev: m.dev(),
        ino: m.ino(),
    })
}

#[cfg(not(unix))]
fn id_of(_: &fs::Metadata) -> Option<FileId> {
    // No stable file index in std elsewhere: the canonical path decides alone.
    None
}

/// Links this deep are not followed further (a loop of links).
const MAX_LINKS: usize = 32;

/// `path` made absolute with every symbolic link resolved, also when the file (or the end of a
/// chain of links) does not exist yet: its folder is resolved and its name kept.
fn canonical(path: &Path) -> PathBuf {
    let mut p = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for _ in 0..MAX_LINKS {
        if let Ok(c) = fs::canonicalize(&p) {
            return c;
        }
        // Missing: follow a dangling link by hand, else resolve the folder.
        match fs::read_link(&p) {
            Ok(target) => {
                p = match p.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            Err(_) => break,
        }
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => fs::canonicalize(dir)
            .unwrap_or(dir.to_path_buf())
            .join(name),
        _ => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Track;

    #[test]
    fn a_missing_file_behind_a_dangling_link_is_found_by_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("not-yet.wav");
        let alias = dir.path().join("alias.wav");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&real, &alias).unwrap();
        #[cfg(unix)]
        assert_eq!(canonical(&alias), canonical(&real));
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        assert_eq!(
            canonical(&sub.join("../x.wav")),
            canonical(&dir.path().join("x.wav"))
        );
    }

    #[test]
    fn inputs_are_refused_and_other_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("drums.wav");
        fs::write(&stem, b"RIFF").unwrap();
        let mut p = Project::default();
        p.tracks.push(Track {
            name: "Drums".into(),
            ..Track::for_source(stem.clone())
        });
        let file = dir.path().join("song.stemmix");
        let inputs = BounceInputs::of(&p, Some(&file), &[]);
        let err = inputs.check_destination(&stem).unwrap_err();
        assert!(
            err.to_string().contains("the stem of track “Drums”"),
            "{err}"
        );
        // The project file and its backup need not exist to be protected.
        assert!(inputs.check_destination(&file).is_err());
        assert!(inputs.check_destination(&backup_path(&file)).is_err());
        assert!(
            inputs
                .check_destination(&dir.path().join("mix.wav"))
                .is_ok()
        );
    }

    #[test]
    fn a_changed_stem_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("bass.wav");
        fs::write(&stem, b"0123456789").unwrap();
        let mut p = Project::default();
        p.tracks.push(Track::for_source(stem.clone()));
        let inputs = BounceInputs::of(&p, None, &[]);
        assert!(inputs.verify_sources().is_ok());
        fs::write(&stem, b"01234").unwrap();
        let err = inputs.verify_sources().unwrap_err();
        assert!(
            err.to_string().contains("changed size from 10 to 5 bytes"),
            "{err}"
        );
        fs::remove_file(&stem).unwrap();
        assert!(
            inputs
                .verify_sources()
                .unwrap_err()
                .to_string()
                .contains("deleted")
        );
    }
}
