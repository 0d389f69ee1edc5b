//! The command line: `stemmix [PROJECT]` starts the GUI; subcommands work without a display.
//!
//! User errors print one line `error: …` on stderr and exit with 1; usage errors exit with 2
//! (clap's convention).

mod analyze;
mod bounce;
mod compare;
mod devices;
mod new;
mod play;
mod progress;
mod project_stems;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// stemmix — mix a folder of stems into a stereo master.
#[derive(Parser, Debug)]
#[command(
    name = "stemmix",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Project to open in the window (default: the bundled example project).
    project: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Create a project from stems and folders of stems.
    New(new::Args),
    /// Measure loudness (EBU R128), loudness range, sample and true peak of audio files.
    Analyze(analyze::Args),
    /// Render a project's mix to a WAV file, faster than real time.
    Bounce(bounce::Args),
    /// Compare a mix (project or audio file) with reference tracks: loudness, dynamics,
    /// stereo, match gain and tonal balance.
    Compare(compare::Args),
    /// Play a project on an audio device, with a live meter.
    Play(play::Args),
    /// List audio output devices.
    Devices(devices::Args),
}

/// A failure to report to the user as one line.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// What a subcommand returns.
pub type CliResult = Result<(), CliError>;

/// Loads a project for a subcommand, printing each value the loader had to correct as one
/// `warning: FILE: line N: …` line on stderr.
fn load_project(path: &std::path::Path) -> Result<crate::project::Project, CliError> {
    let (project, corrections) = crate::project::load_checked(path)?;
    for c in &corrections {
        eprintln!("warning: {}: {c}", path.display());
    }
    Ok(project)
}

/// Parses the arguments, runs the command and turns errors into one `error: …` line.
pub fn main() -> ExitCode {
    // The window's graphics-adapter probe runs as this executable (see `ui::renderer`).
    if let Some(code) = crate::ui::renderer::run_probe_if_asked() {
        return code;
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Some(Cmd::New(a)) => new::run(a),
        Some(Cmd::Analyze(a)) => analyze::run(a),
        Some(Cmd::Bounce(a)) => bounce::run(a),
        Some(Cmd::Compare(a)) => compare::run(a),
        Some(Cmd::Play(a)) => play::run(a),
        Some(Cmd::Devices(a)) => devices::run(a),
        None => crate::ui::run(cli.project).map_err(CliError::from),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(msg)) => {
            // An empty message means the lines were printed already.
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            ExitCode::from(1)
        }
    }
}
