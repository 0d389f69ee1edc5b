//! Bouncing the mix (and its stems) from the window: a dialog with every option `stemmix
//! bounce` has — format, sample rate, range, tail, loudness normalisation, destination (a save
//! dialog or a typed path), stems dry or wet — that confirms before replacing existing files,
//! runs the bounce on a worker thread with a progress bar and Cancel while playback and editing
//! go on, and shows the result's loudness, loudness range, true peak and clipped samples. The
//! choices are remembered in the project (one undo step when a bounce starts with new ones).
//! The bounce is `engine::bounce::bounce_to` with the options the choices stand for
//! ([`BounceOptions::from_settings`]), so the file equals the command line's for the same
//! options.

pub mod form;
mod view;

use super::action::Action;
use super::app;
use super::autosave::{self, Autosaver};
use super::context::Context;
use super::edit::Edit;
use super::files::dialog::{self, Purpose};
use crate::engine::bounce::{
    self, BounceError, BounceInputs, BounceOptions, BounceProgress, BounceSummary, BounceTarget,
    StemsTarget,
};
use crate::media::StemAudio;
use crate::project::{BounceFormat, BounceSettings, LoudnessChoice, Project, Track};
use form::{Form, FormatItem, LoudnessItem, RangeItem, RateItem};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

/// Widget id of the output path box.
pub const BOUNCE_PATH_ID: &str = "bounce-path";
/// Widget id of the stems folder box.
pub const STEMS_DIR_ID: &str = "bounce-stems-dir";

/// What the bounce dialog sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Show the dialog (Ctrl+B, the Bounce… button).
    Open,
    /// Ask for the mix file with a save dialog.
    Browse,
    /// Ask for the stems folder with a dialog.
    BrowseStems,
    /// No file dialog could be shown: the typed path is the way.
    NoDialog(&'static str),
    /// The typed mix path changed.
    PathInput(String),
    /// A dialog chose the mix file.
    PathChosen(PathBuf),
    /// The typed stems folder changed.
    StemsDirInput(String),
    /// A dialog chose the stems folder.
    StemsDirChosen(PathBuf),
    /// Sample format.
    Format(FormatItem),
    /// Sample rate.
    Rate(RateItem),
    /// What to render.
    Range(RangeItem),
    /// Typed range start (seconds).
    StartInput(String),
    /// Typed range end (seconds).
    EndInput(String),
    /// The tail typed (true) or automatic.
    TailTyped(bool),
    /// Typed tail (seconds).
    TailInput(String),
    /// Loudness normalisation.
    Loudness(LoudnessItem),
    /// Custom target (LUFS).
    LufsInput(String),
    /// Custom ceiling (dBTP).
    CeilingInput(String),
    /// Write one file per track too.
    Stems(bool),
    /// Stems with their share of the reverb.
    StemsWet(bool),
    /// Start the bounce (asks first if files would be replaced).
    Start,
    /// Replace the existing files (the answer to the confirmation).
    Replace,
    /// Keep the existing files: do not bounce.
    KeepExisting,
    /// Stop a running bounce (no file is left behind).
    Cancel,
    /// Open the folder of the bounced file in the system's file manager.
    OpenFolder,
    /// Hide the dialog.
    Close,
}

enum Event {
    Progress(BounceProgress),
    Done(Result<BounceSummary, String>),
}

struct Job {
    rx: mpsc::Receiver<Event>,
    cancel: Arc<AtomicBool>,
    progress: f32,
    out: PathBuf,
    offline: usize,
}

/// How the last bounce ended.
#[derive(Clone, Debug, PartialEq)]
pub enum BounceResult {
    /// Written.
    Done {
        /// The mix file.
        path: PathBuf,
        /// What it measured (and the stem files, if any).
        summary: BounceSummary,
        /// Tracks left out because their stems are offline.
        offline: usize,
    },
    /// Not written, and why.
    Failed(String),
}

/// The bounce dialog's state.
#[derive(Default)]
pub struct Bounce {
    open: bool,
    /// The fields, made from the project's remembered choices when the dialog opens.
    form: Option<Form>,
    /// The remembered choices the fields were made from.
    loaded: Option<BounceSettings>,
    /// Files a bounce would replace, while the dialog asks whether to.
    confirm: Option<Vec<PathBuf>>,
    /// Why Browse… could not show a dialog.
    hint: Option<&'static str>,
    /// The app's autosave folder (a bounce never writes over an autosave).
    autosave_dir: Option<PathBuf>,
    job: Option<Job>,
    result: Option<BounceResult>,
}

impl Bounce {
    /// A dialog that knows the app's autosave folder (`None`: no autosave).
    pub fn new(autosave_dir: Option<PathBuf>) -> Bounce {
        Bounce {
            autosave_dir,
            ..Bounce::default()
        }
    }

    /// Whether a bounce is running.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Overall progress of the running bounce.
    pub fn progress(&self) -> Option<f32> {
        self.job.as_ref().map(|j| j.progress)
    }

    /// The last result.
    pub fn result(&self) -> Option<&BounceResult> {
        self.result.as_ref()
    }

    /// Whether the dialog is showing.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Whether it asks to confirm replacing files.
    pub fn is_confirming(&self) -> bool {
        self.confirm.is_some()
    }

    /// Cancels a running bounce.
    pub fn cancel(&self) {
        if let Some(j) = &self.job {
            j.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Hides the dialog unless a bounce is running.
    pub fn close_if_idle(&mut self) {
        if self.job.is_none() {
            self.open = false;
            self.confirm = None;
        }
    }

    fn default_path(cx: &Context) -> PathBuf {
        let dir = cx
            .doc
            .dir()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        dir.join(format!("{}.wav", cx.doc.name()))
    }

    /// The fields, made afresh when the project's remembered choices changed (another project,
    /// an undo).
    fn form(&mut self, cx: &Context) -> &mut Form {
        let remembered = &cx.project().bounce;
        if self.loaded.as_ref() != Some(remembered) || self.form.is_none() {
            self.loaded = Some(remembered.clone());
            self.form = Some(Form::new(remembered, &Self::default_path(cx)));
        }
        self.form
            .get_or_insert_with(|| Form::new(remembered, Path::new("mix.wav")))
    }

    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        let running = self.running();
        // While a bounce runs its choices stay as they are.
        let editing = !running;
        match m {
            Message::Open => {
                self.open = true;
                self.form(cx);
                return iced::widget::operation::focus(BOUNCE_PATH_ID).into();
            }
            Message::Browse | Message::BrowseStems if editing => {
                let stems = m == Message::BrowseStems;
                let f = self.form(cx);
                let p = PathBuf::from(if stems { &f.stems_dir } else { &f.path });
                let (dir, name) = if stems {
                    (p.parent().map(Path::to_path_buf), None)
                } else {
                    let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                    (p.parent().map(Path::to_path_buf), name)
                };
                let dir = dir.filter(|d| d.is_dir());
                let purpose = if stems {
                    Purpose::BounceStemsTo
                } else {
                    Purpose::BounceTo
                };
                let field = if stems { STEMS_DIR_ID } else { BOUNCE_PATH_ID };
                return dialog::ask(&purpose, dir, name)
                    .map(move |(paths, instant)| {
                        match (paths.and_then(|p| p.into_iter().next()), instant) {
                            (Some(p), _) if stems => {
                                app::Message::Bounce(Message::StemsDirChosen(p))
                            }
                            (Some(p), _) => app::Message::Bounce(Message::PathChosen(p)),
                            (None, true) => app::Message::Bounce(Message::NoDialog(field)),
                            (None, false) => app::Message::Noop,
                        }
                    })
                    .into();
            }
            Message::NoDialog(field) => {
                self.hint = Some("No file dialog is available here: type the path.");
                return iced::widget::operation::focus(field).into();
            }
            Message::Start if editing => return self.start(cx, false),
            Message::Replace if editing => return self.start(cx, true),
            Message::KeepExisting => self.confirm = None,
            Message::Cancel => self.cancel(),
            Message::OpenFolder => return self.open_folder(),
            Message::Close => self.close_if_idle(),
            m if editing => {
                self.confirm = None;
                self.hint = None;
                edit_field(self.form(cx), m);
            }
            _ => {}
        }
        Action::None
    }

    /// Checks the destinations and starts the bounce, or asks before replacing files
    /// (`replace`: the user said yes).
    fn start(&mut self, cx: &Context, replace: bool) -> Action {
        self.confirm = None;
        let settings = match self.form(cx).settings() {
            Ok(s) => s,
            Err(e) => {
                self.result = Some(BounceResult::Failed(e));
                return Action::None;
            }
        };
        if cx.stems.busy() {
            self.result = Some(BounceResult::Failed(
                "The stems are still being decoded; bounce when they are ready.".into(),
            ));
            return Action::None;
        }
        let project = cx.project().clone();
        let inputs = self.inputs(&project, cx.doc.path.as_deref());
        let Some(out) = settings.output.clone() else {
            return Action::None;
        };
        let stems_dir = settings.stems_dir.clone().filter(|_| settings.stems);
        let target = BounceTarget {
            mix: &out,
            stems: stems_dir.as_deref().map(|dir| StemsTarget {
                dir,
                wet: settings.stems_wet,
            }),
            inputs: &inputs,
            overwrite: replace,
        };
        match target.check(&project) {
            Ok(()) => {}
            Err(BounceError::Exists(_)) => {
                self.confirm = Some(target.existing(&project));
                self.result = None;
                return Action::None;
            }
            Err(e) => {
                self.result = Some(BounceResult::Failed(e.to_string()));
                return Action::None;
            }
        }
        let stems: HashMap<PathBuf, Arc<StemAudio>> = project
            .tracks
            .iter()
            .filter_map(|t| cx.stems.audio(&t.source).map(|a| (t.source.clone(), a)))
            .collect();
        let offline = project
            .tracks
            .iter()
            .filter(|t| !stems.contains_key(&t.source))
            .count();
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let c = cancel.clone();
        let opts = BounceOptions::from_settings(&settings);
        let (mix, wet) = (out.clone(), settings.stems_wet);
        std::thread::spawn(move || {
            let lookup = |t: &Track| stems.get(&t.source).cloned();
            let target = BounceTarget {
                mix: &mix,
                stems: stems_dir.as_deref().map(|dir| StemsTarget { dir, wet }),
                inputs: &inputs,
                overwrite: replace,
            };
            let r = bounce::bounce_to(
                &project,
                &lookup,
                &target,
                &opts,
                &mut |p| {
                    let _ = tx.send(Event::Progress(p));
                },
                &c,
            );
            let _ = tx.send(Event::Done(r.map_err(|e| e.to_string())));
        });
        self.result = None;
        self.job = Some(Job {
            rx,
            cancel,
            progress: 0.0,
            out,
            offline,
        });
        // Remember the choices with the project.
        if settings != cx.project().bounce {
            self.loaded = Some(settings.clone());
            Action::Edit(Edit::BounceChoices(Box::new(settings)), None)
        } else {
            Action::None
        }
    }

    /// The project's files no bounce may write: its file, backup, autosaves, stems, references.
    fn inputs(&self, project: &Project, file: Option<&Path>) -> BounceInputs {
        let mut autosaves = Vec::new();
        if let Some(dir) = &self.autosave_dir {
            autosaves.extend(Autosaver::new(dir).files());
            if let Some(f) = file {
                autosaves.extend(autosave::files_of(dir, f));
            }
        }
        BounceInputs::of(project, file, &autosaves)
    }

    fn open_folder(&mut self) -> Action {
        let Some(BounceResult::Done { path, .. }) = &self.result else {
            return Action::None;
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let opener = if cfg!(windows) {
            "explorer"
        } else if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        match std::process::Command::new(opener).arg(dir).spawn() {
            Ok(_) => Action::None,
            Err(e) => Action::warn(format!("Could not open {} ({opener}: {e})", dir.display())),
        }
    }

    /// Applies what the bounce worker reported; a finished bounce shows its result.
    pub fn poll(&mut self) -> Action {
        let Some(job) = &mut self.job else {
            return Action::None;
        };
        let mut done = None;
        loop {
            match job.rx.try_recv() {
                Ok(Event::Progress(p)) => {
                    let passes = p.passes.max(1) as f32;
                    job.progress = ((p.pass.max(1) - 1) as f32 + p.fraction) / passes;
                }
                Ok(Event::Done(r)) => {
                    done = Some(r);
                    break;
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    done = Some(Err("the bounce stopped unexpectedly".into()));
                    break;
                }
            }
        }
        let Some(r) = done else {
            return Action::None;
        };
        let Some(job) = self.job.take() else {
            return Action::None;
        };
        self.open = true;
        let (result, action) = match r {
            Ok(summary) => {
                let note = if summary.clipped_samples > 0 {
                    Action::warn(format!(
                        "Bounced to {}: {} samples clipped",
                        job.out.display(),
                        summary.clipped_samples
                    ))
                } else {
                    Action::info(format!("Bounced to {}", job.out.display()))
                };
                let done = BounceResult::Done {
                    path: job.out,
                    summary,
                    offline: job.offline,
                };
                (done, note)
            }
            Err(e) => (BounceResult::Failed(e), Action::None),
        };
        self.result = Some(result);
        action
    }
}

/// Applies a field's message to the form.
fn edit_field(f: &mut Form, m: Message) {
    let c = &mut f.choices;
    match m {
        Message::PathInput(s) => f.path = s,
        Message::PathChosen(p) => f.path = p.display().to_string(),
        Message::StemsDirInput(s) => f.stems_dir = s,
        Message::StemsDirChosen(p) => {
            f.stems_dir = p.display().to_string();
            c.stems = true;
        }
        Message::Format(FormatItem(x)) => c.format = x,
        Message::Rate(RateItem(x)) => c.sample_rate = x,
        Message::Range(r) => f.range = r,
        Message::StartInput(s) => f.start = s,
        Message::EndInput(s) => f.end = s,
        Message::TailTyped(on) => f.tail_typed = on,
        Message::TailInput(s) => f.tail = s,
        Message::Loudness(LoudnessItem(x)) => c.loudness = x,
        Message::LufsInput(s) => f.lufs = s,
        Message::CeilingInput(s) => f.ceiling = s,
        Message::Stems(on) => c.stems = on,
        Message::StemsWet(on) => c.stems_wet = on,
        _ => {}
    }
}

/// One line about the format, for the dialog's summary of what will be written.
fn describe(f: &Form) -> String {
    let format = match f.choices.format {
        BounceFormat::Int16 => "16-bit",
        BounceFormat::Int24 => "24-bit",
        BounceFormat::Float32 => "32-bit float",
    };
    let loudness = match f.choices.loudness {
        LoudnessChoice::Off => String::new(),
        LoudnessChoice::Custom => format!(", normalised to {} LUFS", f.lufs.trim()),
        preset => preset
            .preset()
            .map_or(String::new(), |(l, _)| format!(", normalised to {l} LUFS")),
    };
    format!("{format} WAV{loudness}: the same file as `stemmix bounce` with these options.")
}
