//! The iced GUI (built by a later issue).

pub mod theme;
pub mod widgets;

use std::path::PathBuf;

/// Starts the window with `project` (or the bundled example).
pub fn run(_project: Option<PathBuf>) -> Result<(), String> {
    Err("the mixer window is not built yet; see `stemmix --help` for the commands".into())
}
