//! File dialogs (rfd) as tasks: they never block the window. A dialog that answers faster than
//! anybody could cancel it was not shown (no desktop portal or zenity: rfd answers "cancelled"
//! at once); the answer says so, and the files panel then offers a typed-path box instead.

use crate::project::{self, RefId, TrackId};
use iced::Task;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A dialog that answers faster than this did not open (nobody cancels that fast).
const NO_DIALOG: Duration = Duration::from_millis(200);

/// Audio file extensions offered by the stem dialogs.
const AUDIO: [&str; 12] = [
    "wav", "aif", "aiff", "flac", "mp3", "ogg", "m4a", "mp4", "caf", "aac", "opus", "wv",
];

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq)]
pub enum After {
    /// Start a new project.
    New,
    /// Open a project (`None`: ask which).
    Open(Option<PathBuf>),
    /// Quit.
    Quit,
    /// Restore the n-th recovery.
    Restore(usize),
}

/// What a file dialog is for.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    /// Open a project.
    OpenProject,
    /// Save under a new name, then continue with `After`.
    SaveAs(Option<After>),
    /// Audio files to add.
    AddStems,
    /// A folder of audio files to add.
    AddFolder,
    /// The new location of a track's stem.
    Locate(TrackId),
    /// A folder to search for every offline stem (*Relink…*).
    Relink,
    /// The WAV file to bounce to.
    BounceTo,
    /// The folder a stems bounce writes into.
    BounceStemsTo,
    /// Audio files to add as references.
    AddReferences,
    /// The new location of a reference's file.
    LocateReference(RefId),
}

impl Purpose {
    /// The question of the typed-path box that replaces the dialog.
    pub fn question(&self) -> &'static str {
        match self {
            Purpose::OpenProject => "Path of the project to open (.stemmix):",
            Purpose::SaveAs(_) => "Save the project as (.stemmix):",
            Purpose::AddStems => "Path of an audio file to add:",
            Purpose::AddFolder => "Path of a folder of audio files to add:",
            Purpose::Locate(_) => "New path of this track's audio file:",
            Purpose::Relink => "Folder to search for the offline stems:",
            Purpose::BounceTo => "Bounce to (.wav):",
            Purpose::BounceStemsTo => "Folder for the stems:",
            Purpose::AddReferences => "Path of an audio file to add as a reference:",
            Purpose::LocateReference(_) => "New path of this reference's audio file:",
        }
    }
}

/// A dialog's answer: the paths (`None`: cancelled) and whether it answered too fast to have
/// been shown.
pub type Answer = (Option<Vec<PathBuf>>, bool);

/// Opens a file dialog for `purpose` in `dir` (with `name` filled in) as a task.
pub fn ask(purpose: &Purpose, dir: Option<PathBuf>, name: Option<String>) -> Task<Answer> {
    let mut d = rfd::AsyncFileDialog::new();
    if let Some(dir) = dir {
        d = d.set_directory(dir);
    }
    if let Some(name) = name {
        d = d.set_file_name(name);
    }
    let one = |f: Option<rfd::FileHandle>| f.map(|f| vec![f.path().to_path_buf()]);
    let p = purpose.clone();
    let fut = async move {
        let started = Instant::now();
        let paths: Option<Vec<PathBuf>> = match &p {
            Purpose::OpenProject => one(d
                .set_title("Open project")
                .add_filter("stemmix project", &[project::file::EXTENSION])
                .pick_file()
                .await),
            Purpose::SaveAs(_) => one(d
                .set_title("Save project as")
                .add_filter("stemmix project", &[project::file::EXTENSION])
                .save_file()
                .await),
            Purpose::AddStems => d
                .set_title("Add stems")
                .add_filter("Audio", &AUDIO)
                .pick_files()
                .await
                .map(|fs| fs.iter().map(|f| f.path().to_path_buf()).collect()),
            Purpose::AddFolder => one(d.set_title("Add a folder of stems").pick_folder().await),
            Purpose::Relink => one(d
                .set_title("Relink: the folder to search for the offline stems")
                .pick_folder()
                .await),
            Purpose::Locate(_) => one(d
                .set_title("Locate the stem")
                .add_filter("Audio", &AUDIO)
                .pick_file()
                .await),
            Purpose::AddReferences => d
                .set_title("Add references")
                .add_filter("Audio", &AUDIO)
                .pick_files()
                .await
                .map(|fs| fs.iter().map(|f| f.path().to_path_buf()).collect()),
            Purpose::LocateReference(_) => one(d
                .set_title("Locate the reference")
                .add_filter("Audio", &AUDIO)
                .pick_file()
                .await),
            Purpose::BounceTo => one(d
                .set_title("Bounce to")
                .add_filter("WAV", &["wav"])
                .save_file()
                .await),
            Purpose::BounceStemsTo => one(d.set_title("Folder for the stems").pick_folder().await),
        };
        (paths, started.elapsed() < NO_DIALOG)
    };
    Task::future(fut)
}
