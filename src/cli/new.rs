//! `stemmix new`.

use super::CliResult;

/// Arguments of `stemmix new`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> CliResult {
    Err(super::CliError("`new` is not built yet".into()))
}
