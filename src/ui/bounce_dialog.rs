//! Bouncing the mix from the window: a small panel with the output path (a save dialog fills it
//! in; it can also be typed), a progress bar with Cancel while the bounce runs on a worker
//! thread, and the result's loudness and true peak. The bounce is `engine::bounce` with the
//! options `stemmix bounce` uses by default (24-bit WAV, whole song, automatic tail), so the
//! file is the same as the command line's.

use super::app::{App, Message};
use super::files::{Purpose, dialog};
use super::theme;
use crate::engine::bounce::{self, BounceOptions, BounceProgress, BounceSummary};
use crate::media::StemAudio;
use crate::project::Track;
use iced::widget::{button, column, container, progress_bar, row, space, text, text_input};
use iced::{Alignment, Element, Fill, Task};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

/// Widget id of the output path box.
pub const BOUNCE_PATH_ID: &str = "bounce-path";

/// What the bounce panel sends.
#[derive(Clone, Debug, PartialEq)]
pub enum BounceMsg {
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
pub struct BounceState {
    open: bool,
    path_text: String,
    job: Option<Job>,
    result: Option<BounceResult>,
}

impl BounceState {
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

impl App {
    /// The last bounce's result.
    pub fn bounce_result(&self) -> Option<&BounceResult> {
        self.bounce.result()
    }

    fn default_bounce_path(&self) -> PathBuf {
        let dir = self
            .path
            .as_ref()
            .and_then(|p| p.parent().map(|d| d.to_path_buf()))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        dir.join(format!("{}.wav", self.project_name()))
    }

    pub(crate) fn bounce_msg(&mut self, m: BounceMsg) -> Task<Message> {
        match m {
            BounceMsg::Open => {
                self.bounce.open = true;
                if self.bounce.path_text.is_empty() {
                    self.bounce.path_text = self.default_bounce_path().display().to_string();
                }
                if !self.bounce.running() {
                    return self.bounce_msg(BounceMsg::Browse);
                }
            }
            BounceMsg::Browse => {
                let p = PathBuf::from(&self.bounce.path_text);
                let dir = p.parent().map(|d| d.to_path_buf()).filter(|d| d.is_dir());
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                return dialog(Purpose::BounceTo, dir, name);
            }
            BounceMsg::PathInput(s) => self.bounce.path_text = s,
            BounceMsg::PathChosen(p) => {
                self.bounce.open = true;
                self.bounce.path_text = p.display().to_string();
                self.start_bounce();
            }
            BounceMsg::Start => self.start_bounce(),
            BounceMsg::Cancel => self.bounce.cancel(),
            BounceMsg::Close => self.bounce.close_if_idle(),
        }
        Task::none()
    }

    fn start_bounce(&mut self) {
        if self.bounce.running() {
            return;
        }
        let text = self.bounce.path_text.trim();
        if text.is_empty() {
            self.bounce.result = Some(BounceResult::Failed(
                "Type the path of the WAV file to write.".into(),
            ));
            return;
        }
        let mut out = PathBuf::from(text);
        if out.extension().is_none() {
            out.set_extension("wav");
        }
        if self.media.busy() {
            self.bounce.result = Some(BounceResult::Failed(
                "The stems are still being decoded; bounce when they are ready.".into(),
            ));
            return;
        }
        let project = self.project.clone();
        let stems: HashMap<PathBuf, Arc<StemAudio>> = project
            .tracks
            .iter()
            .filter_map(|t| self.media.audio(&t.source).map(|a| (t.source.clone(), a)))
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
        self.bounce.result = None;
        self.bounce.path_text = out.display().to_string();
        self.bounce.job = Some(Job {
            rx,
            cancel,
            progress: 0.0,
            out,
            offline,
        });
    }

    pub(crate) fn poll_bounce(&mut self) {
        let Some(job) = &mut self.bounce.job else {
            return;
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
        let Some(r) = done else { return };
        let Some(job) = self.bounce.job.take() else {
            return;
        };
        let result = match r {
            Ok(summary) => {
                self.notices
                    .info(format!("Bounced to {}", job.out.display()));
                BounceResult::Done {
                    path: job.out,
                    summary,
                    offline: job.offline,
                }
            }
            Err(e) => BounceResult::Failed(e),
        };
        self.bounce.open = true;
        self.bounce.result = Some(result);
    }
}

fn level(v: f64, unit: &str) -> String {
    if v.is_finite() {
        format!("{v:.1} {unit}")
    } else {
        format!("-∞ {unit}")
    }
}

/// The panel, bottom right, when open.
pub fn view(app: &App) -> Option<Element<'_, Message>> {
    let b = &app.bounce;
    if !b.open {
        return None;
    }
    let running = b.running();
    let mut body = column![
        row![
            text("Bounce mix").size(14),
            space::horizontal(),
            button(text("×").size(13))
                .on_press_maybe((!running).then_some(Message::Bounce(BounceMsg::Close)))
                .padding([0, 6])
                .style(theme::action_button),
        ]
        .align_y(Alignment::Center),
        row![
            text_input("/path/to/mix.wav", &b.path_text)
                .id(BOUNCE_PATH_ID)
                .on_input_maybe((!running).then_some(|s| Message::Bounce(BounceMsg::PathInput(s))))
                .on_submit(Message::Bounce(BounceMsg::Start))
                .size(12)
                .padding(5),
            button(text("Browse…").size(12))
                .on_press_maybe((!running).then_some(Message::Bounce(BounceMsg::Browse)))
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
                        .on_press(Message::Bounce(BounceMsg::Cancel))
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
                    .on_press(Message::Bounce(BounceMsg::Start))
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
