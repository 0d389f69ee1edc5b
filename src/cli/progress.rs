//! A one-line progress bar on stderr, drawn only when stderr is a terminal.

use std::io::{IsTerminal, Write};

/// Draws `label [#####.....] 45%` in place.
pub struct ProgressLine {
    enabled: bool,
    drawn: bool,
    last: Option<(String, u32)>,
}

impl ProgressLine {
    /// A progress line, active only on a terminal.
    pub fn new() -> ProgressLine {
        ProgressLine {
            enabled: std::io::stderr().is_terminal(),
            drawn: false,
            last: None,
        }
    }

    /// Redraws with `fraction` (0…1) done; skips identical redraws.
    pub fn draw(&mut self, label: &str, fraction: f32) {
        if !self.enabled {
            return;
        }
        let permille = (fraction.clamp(0.0, 1.0) * 1000.0) as u32;
        if self
            .last
            .as_ref()
            .is_some_and(|(l, p)| l == label && *p == permille)
        {
            return;
        }
        self.last = Some((label.to_string(), permille));
        Self::global_draw(label, fraction);
        self.drawn = true;
    }

    /// Draws without state (usable from worker threads).
    pub fn global_draw(label: &str, fraction: f32) {
        let mut err = std::io::stderr();
        if !err.is_terminal() {
            return;
        }
        let width = 30;
        let filled = (fraction.clamp(0.0, 1.0) * width as f32).round() as usize;
        let _ = write!(
            err,
            "\r{label} [{}{}] {:3.0}%\x1b[K",
            "#".repeat(filled),
            ".".repeat(width - filled),
            fraction.clamp(0.0, 1.0) * 100.0
        );
        let _ = err.flush();
    }

    /// Removes the line.
    pub fn clear(&mut self) {
        let mut err = std::io::stderr();
        if err.is_terminal() {
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
        self.drawn = false;
        self.last = None;
    }
}

impl Default for ProgressLine {
    fn default() -> Self {
        ProgressLine::new()
    }
}
