//! The command line: `stemmix [PROJECT]` starts the GUI; subcommands work without a display.

use std::process::ExitCode;

/// Parses the arguments, runs the command and turns errors into one `error: …` line.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
