//! `stemmix devices`: the audio outputs `stemmix play --device` can use.

use super::CliResult;
use crate::engine::device::list_output_devices;

/// Arguments of `stemmix devices`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> CliResult {
    let devices = list_output_devices()?;
    if devices.is_empty() {
        println!("no audio output devices found (playback unavailable; bounce still works)");
        return Ok(());
    }
    let width = devices.iter().map(|d| d.id.len()).max().unwrap_or(0);
    for d in &devices {
        let config = match &d.default_config {
            Ok(c) => c.clone(),
            Err(e) => format!("cannot open now: {e}"),
        };
        let name = if d.name == d.id {
            String::new()
        } else {
            format!("  {}", d.name)
        };
        println!(
            "{} {:width$}  [{config}]{name}",
            if d.is_default { "*" } else { " " },
            d.id,
        );
    }
    println!("(* = default; pass an id or a unique part of a name to `stemmix play --device`)");
    Ok(())
}
