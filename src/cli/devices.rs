//! `stemmix devices`.

use super::CliResult;

/// Arguments of `stemmix devices`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> CliResult {
    Err(super::CliError("`devices` is not built yet".into()))
}
