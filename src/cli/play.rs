//! `stemmix play`.

use super::CliResult;

/// Arguments of `stemmix play`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> CliResult {
    Err(super::CliError("`play` is not built yet".into()))
}
