//! Bouncing the mix from the window: a small panel with the output path (a save dialog fills it
//! in; it can also be typed), a progress bar with Cancel while the bounce runs on a worker
//! thread, and the result's loudness and true peak. The bounce is `engine::bounce` with the
//! options `stemmix bounce` uses by default (24-bit WAV, whole song, automatic tail), so the
//! file is the same as the command line's.

use super::action::Action;
use super::app;
use super::context::Context;
use super::files::dialog::{self, Purpose};
use super::theme;
use crate::engine::bounce::{self, BounceOptions, BounceProgress, BounceSummary};
use crate::media::StemAudio;
use crate::project::Track;
use iced::widget::{button, column, container, progress_bar, row, space, text, text_input};
use iced::{Alignment, Element, Fill};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

/// Widget id of the output path box.
pub const BOUNCE_PATH_ID: &str = "bounce-path";

/// What the bounce panel sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Show the panel and ask for a file name (Ctrl+B).
    Open,
    /// Ask for a file name with a dialog.
    Browse,
    /// The typed path changed.
    PathInput(String),
    /// A dialog chose the file: bounce to it.
    PathChosen(PathBuf),
    /// Start the bounce to the typed path.
    Start,
    /// Stop a running bounce (no file is left behind).
    Cancel,
    /// Hide the panel.
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
        /// The file.
        path: PathBuf,
        /// What it measured.
        summary: BounceSummary,
        /// Tracks left out because their stems are offline.
        offline: usize,
    },
    /// Not written, and why.
    Failed(String),
}

/// The bounce panel's state.
#[derive(Default)]
pub struct Bounce {
    open: bool,
    path_text: String,
    job: Option<Job>,
    result: Option<BounceResult>,
}

impl Bounce {
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

    /// Whether the panel is showing.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Cancels a running bounce.
    pub fn cancel(&self) {
        if let Some(j) = &self.job {
            j.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Hides the panel unless a bounce is running.
    pub fn close_if_idle(&mut self) {
        if self.job.is_none() {
            self.open = false;
        }
    }
}

impl Bounce {
    fn default_path(cx: &Context) -> PathBuf {
        let dir = cx
            .doc
            .dir()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        dir.join(format!("{}.wav", cx.doc.name()))
    }

    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        match m {
            Message::Open => {
                self.open = true;
                if self.path_text.is_empty() {
                    self.path_text = Self::default_path(cx).display().to_string();
                }
                if !self.running() {
                    return self.update(Message::Browse, cx);
                }
            }
            Message::Browse => {
                let p = PathBuf::from(&self.path_text);
                let dir = p.parent().map(|d| d.to_path_buf()).filter(|d| d.is_dir());
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                return dialog::ask(&Purpose::BounceTo, dir, name)
                    .map(
                        |(paths, _)| match paths.and_then(|p| p.into_iter().next()) {
                            Some(p) => app::Message::Bounce(Message::PathChosen(p)),
                            None => app::Message::Noop,
                        },
                    )
                    .into();
            }
            Message::PathInput(s) => self.path_text = s,
            Message::PathChosen(p) => {
                self.open = true;
                self.path_text = p.display().to_string();
                self.start(cx);
            }
            Message::Start => self.start(cx),
            Message::Cancel => self.cancel(),
            Message::Close => self.close_if_idle(),
        }
        Action::None
    }

    fn start(&mut self, cx: &Context) {
        if self.running() {
            return;
        }
        let text = self.path_text.trim();
        if text.is_empty() {
            self.result = Some(BounceResult::Failed(
                "Type the path of the WAV file to write.".into(),
            ));
            return;
        }
        let mut out = PathBuf::from(text);
        if out.extension().is_none() {
            out.set_extension("wav");
        }
        if cx.stems.busy() {
            self.result = Some(BounceResult::Failed(
                "The stems are still being decoded; bounce when they are ready.".into(),
            ));
            return;
        }
        let project = cx.project().clone();
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
        let target = out.clone();
        std::thread::spawn(move || {
            let lookup = |t: &Track| stems.get(&t.source).cloned();
            let opts = BounceOptions::default();
            let r = bounce::bounce(
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
        self.path_text = out.display().to_string();
        self.job = Some(Job {
            rx,
            cancel,
            progress: 0.0,
            out,
            offline,
        });
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
                let note = Action::info(format!("Bounced to {}", job.out.display()));
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

fn level(v: f64, unit: &str) -> String {
    if v.is_finite() {
        format!("{v:.1} {unit}")
    } else {
        format!("-∞ {unit}")
    }
}

impl Bounce {
    /// The panel, bottom right, when open.
    pub fn view(&self) -> Option<Element<'_, Message>> {
        let b = self;
        if !b.open {
            return None;
        }
        let running = b.running();
        let mut body = column![
            row![
                text("Bounce mix").size(14),
                space::horizontal(),
                button(text("×").size(13))
                    .on_press_maybe((!running).then_some(Message::Close))
                    .padding([0, 6])
                    .style(theme::action_button),
            ]
            .align_y(Alignment::Center),
            row![
                text_input("/path/to/mix.wav", &b.path_text)
                    .id(BOUNCE_PATH_ID)
                    .on_input_maybe((!running).then_some(Message::PathInput))
                    .on_submit(Message::Start)
                    .size(12)
                    .padding(5),
                button(text("Browse…").size(12))
                    .on_press_maybe((!running).then_some(Message::Browse))
                    .padding([5, 8])
                    .style(theme::action_button),
            ]
            .spacing(6),
            text("24-bit WAV, whole song plus the reverb tail; the same file as `stemmix bounce`.")
                .size(11)
                .color(theme::TEXT_DIM),
        ]
        .spacing(8);
        if let Some(j) = &b.job {
            body = body.push(
                row![
                    progress_bar(0.0..=1.0, j.progress).girth(8),
                    container(
                        button(text("Cancel").size(12))
                            .on_press(Message::Cancel)
                            .padding([4, 12])
                            .style(theme::action_button)
                    )
                    .id("bounce-cancel"),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
        } else {
            body = body.push(row![
                space::horizontal(),
                container(
                    button(text("Bounce").size(13))
                        .on_press(Message::Start)
                        .padding([5, 18])
                        .style(|t, s| theme::toggle_button(true, theme::ACCENT)(t, s))
                )
                .id("bounce-start"),
            ]);
        }
        match &b.result {
            Some(BounceResult::Done {
                path,
                summary,
                offline,
            }) => {
                body = body.push(
                    column![
                        text(format!(
                            "Integrated {}   ·   True peak {}",
                            level(summary.integrated_lufs, "LUFS"),
                            level(summary.true_peak_dbtp, "dBTP")
                        ))
                        .size(14)
                        .color(if summary.true_peak_dbtp > -1.0 {
                            theme::WARNING
                        } else {
                            theme::TEXT
                        }),
                        text(format!(
                            "{} written in {:.1} s ({:.0}× real time): {}",
                            super::widgets::format::time_ms(summary.duration_s()),
                            summary.elapsed.as_secs_f64(),
                            summary.speed(),
                            path.display()
                        ))
                        .size(11)
                        .color(theme::TEXT_DIM),
                    ]
                    .spacing(2),
                );
                if *offline > 0 {
                    body = body.push(
                        text(format!(
                            "{offline} offline track{} left out.",
                            if *offline == 1 { " was" } else { "s were" }
                        ))
                        .size(11)
                        .color(theme::WARNING),
                    );
                }
            }
            Some(BounceResult::Failed(e)) => {
                body = body.push(text(e.as_str()).size(12).color(theme::DANGER));
            }
            None => {}
        }
        Some(
            container(container(body).padding(14).width(440).style(theme::card))
                .width(Fill)
                .height(Fill)
                .padding(iced::Padding {
                    top: 0.0,
                    right: 16.0,
                    bottom: 36.0,
                    left: 0.0,
                })
                .align_right(Fill)
                .align_bottom(Fill)
                .into(),
        )
    }
}
