//! `stemmix new`: a project with one track per stem.

use super::{CliError, CliResult};
use crate::media;
use crate::project::{self, Color, Project, Track, ranges};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Arguments of `stemmix new`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The project file to create (e.g. song.stemmix).
    project: PathBuf,
    /// Stem files, and folders whose audio files become tracks (in name order).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Mix sample rate in Hz (default: the most common rate among the stems).
    #[arg(long, value_parser = clap::value_parser!(u32).range(
        i64::from(*ranges::SAMPLE_RATE_HZ.start())..=i64::from(*ranges::SAMPLE_RATE_HZ.end())))]
    rate: Option<u32>,
    /// Replace the project file if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    if args.project.exists() && !args.force {
        return Err(CliError(format!(
            "{} already exists (use --force to replace it)",
            args.project.display()
        )));
    }
    let candidates = collect_inputs(&args.inputs)?;
    if candidates.is_empty() {
        return Err(CliError("no audio files found in the given folders".into()));
    }
    let checked = check_stems(&candidates);
    let mut usable = Vec::new();
    for (path, result) in candidates.iter().zip(checked) {
        match result {
            Ok(rate) => usable.push((path.clone(), rate)),
            Err(e) => eprintln!("skipped: {e}"),
        }
    }
    if usable.is_empty() {
        return Err(CliError(
            "none of the files could be read as audio; no project written".into(),
        ));
    }
    let rate = args
        .rate
        .unwrap_or_else(|| most_common_rate(usable.iter().map(|(_, r)| *r)));
    let tracks = usable
        .iter()
        .enumerate()
        .map(|(i, (path, _))| Track {
            color: Color::nth(i),
            ..Track::for_source(path.clone())
        })
        .collect();
    let p = Project {
        sample_rate: rate,
        tracks,
        ..Project::default()
    };
    if args.force && args.project.exists() {
        // `save` keeps a .bak and refuses to replace a file that is not a project.
        project::save(&p, &args.project)?;
    } else {
        project::save(&p, &args.project)?;
    }
    println!(
        "{}: {} track{} at {} Hz",
        args.project.display(),
        p.tracks.len(),
        if p.tracks.len() == 1 { "" } else { "s" },
        rate
    );
    Ok(())
}

/// Files as given, and the audio files of folders sorted by name. Absolute paths.
fn collect_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for input in inputs {
        let abs = std::path::absolute(input).unwrap_or_else(|_| input.clone());
        if abs.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&abs)
                .map_err(|e| CliError(format!("{}: {e}", input.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && media::is_audio_extension(p))
                .collect();
            files.sort_by_key(|p| p.file_name().map(|n| n.to_string_lossy().to_lowercase()));
            out.extend(files);
        } else if abs.exists() {
            out.push(abs);
        } else {
            eprintln!("skipped: {}: no such file or folder", input.display());
        }
    }
    Ok(out)
}

/// Decodes every file (in parallel, on rayon's pool) to be sure it is usable; returns its
/// sample rate. Results are in input order.
fn check_stems(paths: &[PathBuf]) -> Vec<Result<u32, media::MediaError>> {
    paths
        .par_iter()
        .with_max_len(1)
        .map(|p| check_one(p))
        .collect()
}

fn check_one(path: &Path) -> Result<u32, media::MediaError> {
    let decoded = media::decode_file(path)?;
    Ok(decoded.sample_rate)
}

/// The rate most stems have (ties go to the higher rate).
pub fn most_common_rate(rates: impl Iterator<Item = u32>) -> u32 {
    let mut counts = BTreeMap::new();
    for r in rates {
        *counts.entry(r).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(rate, n)| (n, rate))
        .map_or(48_000, |(rate, _)| rate)
}
