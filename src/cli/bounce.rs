//! `stemmix bounce`.

use super::CliResult;

/// Arguments of `stemmix bounce`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> CliResult {
    Err(super::CliError("`bounce` is not built yet".into()))
}
