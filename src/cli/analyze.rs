//! `stemmix analyze`.

use super::CliResult;

/// Arguments of `stemmix analyze`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> CliResult {
    Err(super::CliError("`analyze` is not built yet".into()))
}
