//! Reading and writing `*.stemmix` files (RON text).
//!
//! In memory every stem path is absolute; on disk, paths below the project's folder are written
//! relative to it so a project folder can be moved or shared as a whole.

use super::migrate;
use super::model::{CURRENT_VERSION, Color, Project, Track};
use super::validate::{Correction, validate};
use crate::atomic_file;
use serde::Deserialize;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// File extension of project files.
pub const EXTENSION: &str = "stemmix";

/// Why a project file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// The file system refused.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The text is not a valid project.
    #[error("{}: {error}", path.display())]
    Parse {
        /// The file concerned.
        path: PathBuf,
        /// Where and what.
        error: ParseError,
    },
    /// A save would replace a file that is not a readable project.
    #[error(
        "{}: not overwriting it, because it is not a stemmix project this version can read ({reason})",
        path.display()
    )]
    RefuseOverwrite {
        /// The file that was kept.
        path: PathBuf,
        /// Why it could not be read.
        reason: String,
    },
}

/// A problem in the text of a project file.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// Malformed RON or a wrong field, at a 1-based line and column.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file was written by a newer stemmix.
    TooNew {
        /// The file's schema number.
        file_version: u32,
        /// The newest schema this build reads.
        supported: u32,
    },
    /// A schema number this build never wrote.
    UnknownVersion(u32),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: {message}"),
            ParseError::TooNew {
                file_version,
                supported,
            } => write!(
                f,
                "the file is project version {file_version}, but this stemmix reads versions up to \
                 {supported}; open it with a newer stemmix"
            ),
            ParseError::UnknownVersion(v) => write!(f, "unknown project version {v}"),
        }
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    pub(crate) fn from_ron(e: ron::error::SpannedError) -> ParseError {
        ParseError::Syntax {
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }
    }
}

/// Only the schema number, read before choosing the model to parse with.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default = "current_version")]
    version: u32,
}

fn current_version() -> u32 {
    CURRENT_VERSION
}

/// Whether a field was written at all, whatever its value.
#[derive(Default)]
struct Written(bool);

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Written(true))
    }
}

/// Which fields of each track the text gives (read besides the model, which fills in defaults
/// and so cannot tell).
#[derive(Deserialize, Default)]
struct TracksProbe {
    #[serde(default)]
    tracks: Vec<TrackProbe>,
}

#[derive(Deserialize, Default)]
struct TrackProbe {
    #[serde(default)]
    color: Written,
}

/// Gives the tracks a file leaves unnamed the name of their stem's file, and those it gives no
/// colour the palette's colour for their place in the list, as `stemmix new` and adding stems
/// in the window do: a hand-written `(source: "drums.wav")` reads as a track called "drums" in
/// its own colour.
fn name_and_colour_new_tracks(text: &str, project: &mut Project) {
    // The text has parsed as a project already, so the probe reads it too.
    let probe: TracksProbe = ron::from_str(text).unwrap_or_default();
    for (i, t) in project.tracks.iter_mut().enumerate() {
        if t.name.trim().is_empty() {
            t.name = Track::for_source(t.source.clone()).name;
        }
        if !probe.tracks.get(i).is_some_and(|p| p.color.0) {
            t.color = Color::nth(i);
        }
    }
}

/// Parses project text, migrating older versions and correcting values outside their ranges
/// (see [`from_ron_str_checked`], which also says what it corrected).
pub fn from_ron_str(text: &str) -> Result<Project, ParseError> {
    from_ron_str_checked(text).map(|(p, _)| p)
}

/// Parses project text, migrating older versions. Paths are left as written; tracks without
/// a name or colour get them from their file and place ([`name_and_colour_new_tracks`]); every
/// number outside its range is corrected ([`validate`]) and listed in the second value.
pub fn from_ron_str_checked(text: &str) -> Result<(Project, Vec<Correction>), ParseError> {
    let probe: VersionProbe = ron::from_str(text).map_err(ParseError::from_ron)?;
    let mut project = match probe.version {
        CURRENT_VERSION => ron::from_str::<Project>(text).map_err(ParseError::from_ron)?,
        v if v > CURRENT_VERSION => {
            return Err(ParseError::TooNew {
                file_version: v,
                supported: CURRENT_VERSION,
            });
        }
        v => migrate::from_older(v, text)?,
    };
    project.version = CURRENT_VERSION;
    check_sample_rate(&project, text)?;
    name_and_colour_new_tracks(text, &mut project);
    let corrections = validate(&mut project, text);
    Ok((project, corrections))
}

/// A mix rate the engine cannot run at is an error in the file, named with its line.
fn check_sample_rate(project: &Project, text: &str) -> Result<(), ParseError> {
    let range = super::ranges::SAMPLE_RATE_HZ;
    if range.contains(&project.sample_rate) {
        return Ok(());
    }
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("sample_rate"))
        .map_or(1, |i| i + 1);
    Err(ParseError::Syntax {
        line,
        column: 1,
        message: format!(
            "sample_rate {} Hz is outside {}–{} Hz",
            project.sample_rate,
            range.start(),
            range.end()
        ),
    })
}

/// Writes the project as pretty RON, with paths below `base_dir` made relative to it.
pub fn to_ron_string(project: &Project, base_dir: &Path) -> String {
    let mut p = project.clone();
    p.version = CURRENT_VERSION;
    for t in &mut p.tracks {
        t.source = relative_to(&t.source, base_dir);
    }
    for r in &mut p.references {
        r.path = relative_to(&r.path, base_dir);
    }
    let b = &mut p.bounce;
    for path in [&mut b.output, &mut b.stems_dir].into_iter().flatten() {
        *path = relative_to(path, base_dir);
    }
    let config = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("    ")
        .separate_tuple_members(false)
        .enumerate_arrays(false);
    // Serialising plain data to a String cannot fail; a failure here is a bug in the model.
    let mut text = ron::ser::to_string_pretty(&p, config).expect("project serialises");
    text.push('\n');
    text
}

/// Reads a project file; stem and reference paths come back absolute. Values outside their
/// ranges are corrected silently: callers that can tell the user use [`load_checked`].
pub fn load(path: &Path) -> Result<Project, ProjectError> {
    load_checked(path).map(|(p, _)| p)
}

/// Reads a project file like [`load`], also returning what was corrected (each to be shown
/// to the user once, with the file's name).
pub fn load_checked(path: &Path) -> Result<(Project, Vec<Correction>), ProjectError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (mut project, corrections) =
        from_ron_str_checked(&text).map_err(|error| ProjectError::Parse {
            path: path.to_path_buf(),
            error,
        })?;
    let base = base_dir_of(path);
    for t in &mut project.tracks {
        t.source = absolute_from(&t.source, &base);
    }
    for r in &mut project.references {
        r.path = absolute_from(&r.path, &base);
    }
    let b = &mut project.bounce;
    for path in [&mut b.output, &mut b.stems_dir].into_iter().flatten() {
        *path = absolute_from(path, &base);
    }
    Ok((project, corrections))
}

/// Saves atomically, keeping the previous file as `NAME.stemmix.bak`. Refuses to replace an
/// existing file that does not parse as a project.
pub fn save(project: &Project, path: &Path) -> Result<(), ProjectError> {
    let io = |source| ProjectError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.exists() {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Err(e) = from_ron_str(&text) {
                    return Err(ProjectError::RefuseOverwrite {
                        path: path.to_path_buf(),
                        reason: e.to_string(),
                    });
                }
            }
            Err(e) => {
                return Err(ProjectError::RefuseOverwrite {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
            }
        }
    }
    let text = to_ron_string(project, &base_dir_of(path));
    atomic_file::write_atomic(path, true, |f| {
        use std::io::Write;
        f.write_all(text.as_bytes())
    })
    .map_err(io)
}

/// The folder relative paths in a project file are resolved against (absolute).
pub fn base_dir_of(project_path: &Path) -> PathBuf {
    let parent = match project_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    normalize(&std::path::absolute(&parent).unwrap_or(parent))
}

/// Resolves `path` against `base` (unless already absolute) and removes `.`/`..` lexically.
pub fn absolute_from(path: &Path, base: &Path) -> PathBuf {
    if path.as_os_str().is_empty() {
        return PathBuf::new();
    }
    normalize(&base.join(path))
}

/// `path` relative to `base` when it lies below it (written with `/`), else unchanged.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let norm = normalize(path);
    match norm.strip_prefix(normalize(base)) {
        Ok(rel) if path.is_absolute() && !rel.as_os_str().is_empty() => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            PathBuf::from(parts.join("/"))
        }
        _ => path.to_path_buf(),
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
