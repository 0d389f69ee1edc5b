//! `stemmix analyze`: loudness and peaks of audio files, as a broadcast meter measures them.

use super::{CliError, CliResult};
use crate::dsp::{LoudnessMaxima, loudness};
use crate::media;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `stemmix analyze`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Audio files to measure.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON (an object for one file, an array for several).
    #[arg(long)]
    json: bool,
}

/// What `analyze` reports for one file. Levels of silence are `null` in JSON.
#[derive(Serialize, Debug)]
pub struct Analysis {
    /// The file measured.
    pub file: String,
    /// Integrated loudness (EBU R128 / ITU-R BS.1770-4), LUFS.
    pub integrated_lufs: Option<f64>,
    /// Largest momentary (400 ms) loudness over every window position (EBU Mode), LUFS.
    pub momentary_max_lufs: Option<f64>,
    /// Largest short-term (3 s) loudness over every window position (EBU Mode), LUFS.
    pub short_term_max_lufs: Option<f64>,
    /// Loudness range (EBU Tech 3342), LU.
    pub lra_lu: Option<f64>,
    /// Largest absolute sample, dBFS.
    pub sample_peak_dbfs: Option<f64>,
    /// Largest inter-sample peak (4× oversampled), dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Decoded length in seconds.
    pub duration_s: f64,
    /// Sample rate of the file.
    pub sample_rate: u32,
    /// Channel count.
    pub channels: usize,
}

/// Decodes and measures one file.
pub fn analyze_file(path: &Path) -> Result<Analysis, String> {
    let audio = media::decode_file(path).map_err(|e| e.to_string())?;
    let chans: Vec<&[f32]> = audio.channels.iter().map(|c| c.as_slice()).collect();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let r = loudness::analyze(&chans, audio.sample_rate).map_err(|e| format!("{name}: {e}"))?;
    let mut maxima =
        LoudnessMaxima::new(chans.len(), audio.sample_rate).map_err(|e| format!("{name}: {e}"))?;
    maxima.push(&chans).map_err(|e| format!("{name}: {e}"))?;
    let finite = |v: f64| v.is_finite().then_some(v);
    let frames = audio.channels.first().map_or(0, |c| c.len());
    Ok(Analysis {
        file: path.display().to_string(),
        integrated_lufs: finite(r.integrated_lufs),
        momentary_max_lufs: finite(maxima.momentary_max_lufs()),
        short_term_max_lufs: finite(maxima.short_term_max_lufs()),
        lra_lu: finite(r.lra_lu),
        sample_peak_dbfs: finite(r.sample_peak_dbfs),
        true_peak_dbtp: finite(r.true_peak_dbtp),
        duration_s: frames as f64 / audio.sample_rate.max(1) as f64,
        sample_rate: audio.sample_rate,
        channels: audio.channels.len(),
    })
}

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    let mut results = Vec::new();
    let mut failures = 0;
    for f in &args.files {
        match analyze_file(f) {
            Ok(a) => results.push(a),
            Err(e) => {
                eprintln!("error: {e}");
                failures += 1;
            }
        }
    }
    if args.json {
        let text = if args.files.len() == 1 {
            results.first().map(serde_json::to_string_pretty)
        } else {
            Some(serde_json::to_string_pretty(&results))
        };
        if let Some(text) = text {
            println!("{}", text?);
        }
    } else {
        for a in &results {
            let lv = |v: Option<f64>, unit: &str| {
                v.map_or(format!("-inf {unit}"), |v| format!("{v:.1} {unit}"))
            };
            println!(
                "{}: {} integrated, max momentary {}, max short-term {}, LRA {}, sample peak {}, \
                 true peak {}, {:.3} s, {} Hz, {} ch",
                a.file,
                lv(a.integrated_lufs, "LUFS"),
                lv(a.momentary_max_lufs, "LUFS"),
                lv(a.short_term_max_lufs, "LUFS"),
                lv(a.lra_lu, "LU"),
                lv(a.sample_peak_dbfs, "dBFS"),
                lv(a.true_peak_dbtp, "dBTP"),
                a.duration_s,
                a.sample_rate,
                a.channels
            );
        }
    }
    // Each failing file already has its own `error:` line.
    if failures > 0 {
        return Err(CliError(String::new()));
    }
    Ok(())
}
