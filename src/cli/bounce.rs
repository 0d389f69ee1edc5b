//! `stemmix bounce`: render a project's mix (and optionally its stems) to WAV, with every
//! option of the window's bounce dialog.

use super::{CliError, CliResult, progress::ProgressLine};
use crate::engine::bounce::{
    self, BounceInputs, BounceOptions, BounceRange, BounceSummary, BounceTarget, Normalize,
    StemsTarget, Tail,
};
use crate::media::WavFormat;
use crate::project::{LoudnessChoice, Project, ranges};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Arguments of `stemmix bounce`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The project file (.stemmix).
    project: PathBuf,
    /// The WAV file to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Sample format: 16 or 24 (TPDF-dithered integers) or 32f (float, never dithered).
    #[arg(long, default_value = "24", value_parser = parse_bits)]
    bits: WavFormat,
    /// Sample rate of the file: project, or a rate in Hz such as 44100, 48000, 96000
    /// (resampled with the quality of the stem import).
    #[arg(long, default_value = "project", value_parser = parse_rate)]
    rate: Rate,
    /// What to render: all, loop (the project's loop region), or START..END in seconds.
    #[arg(long, default_value = "all", value_parser = parse_range)]
    range: BounceRange,
    /// Render after the range: auto (until below −90 dBFS for 100 ms, at most 10 s) or SECONDS.
    #[arg(long, default_value = "auto", value_parser = parse_tail)]
    tail: Tail,
    /// Normalise to an integrated loudness: LUFS (e.g. -16), or streaming (−14 LUFS) or ebu
    /// (−23 LUFS, EBU R128); the presets' ceiling is −1 dBTP.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_normalize)]
    normalize: Option<f64>,
    /// True-peak ceiling (dBTP) the master limiter holds when normalising.
    #[arg(long, allow_negative_numbers = true, default_value_t = -1.0, requires = "normalize")]
    ceiling: f32,
    /// Also write one WAV per track (post-fader, post-pan, dry) and the reverb return into DIR.
    #[arg(long, value_name = "DIR")]
    stems: Option<PathBuf>,
    /// Stems with their share of the reverb instead (no separate reverb file).
    #[arg(long, requires = "stems")]
    stems_wet: bool,
    /// Replace files that exist (never the project's own files: its stems, references,
    /// backup and autosaves are always refused).
    #[arg(long)]
    force: bool,
    /// Print the summary as JSON on stdout (warnings stay on stderr).
    #[arg(long)]
    json: bool,
    /// Threads for the channel strips (default: all cores, at most 8).
    #[arg(long)]
    threads: Option<usize>,
    /// Bounce even when some stems cannot be read (their tracks are left out).
    #[arg(long)]
    allow_offline: bool,
}

/// `--rate`: the project's, or a rate in Hz.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rate {
    Project,
    Hz(u32),
}

fn parse_bits(s: &str) -> Result<WavFormat, String> {
    match s {
        "16" => Ok(WavFormat::Int16),
        "24" => Ok(WavFormat::Int24),
        "32f" | "32" | "f32" => Ok(WavFormat::Float32),
        _ => Err(format!("{s:?} is not one of 16, 24, 32f")),
    }
}

fn parse_rate(s: &str) -> Result<Rate, String> {
    if s == "project" {
        return Ok(Rate::Project);
    }
    let r = ranges::SAMPLE_RATE_HZ;
    s.parse::<u32>()
        .ok()
        .filter(|hz| r.contains(hz))
        .map(Rate::Hz)
        .ok_or_else(|| {
            format!(
                "{s:?} is not project or a rate in Hz from {} to {}",
                r.start(),
                r.end()
            )
        })
}

fn parse_normalize(s: &str) -> Result<f64, String> {
    let preset = match s {
        "streaming" => LoudnessChoice::Streaming.preset(),
        "ebu" | "r128" => LoudnessChoice::EbuR128.preset(),
        _ => None,
    };
    if let Some((lufs, _)) = preset {
        return Ok(lufs);
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| (-70.0..=0.0).contains(v))
        .ok_or_else(|| format!("{s:?} is not streaming, ebu or a loudness in LUFS (−70…0)"))
}

pub(super) fn parse_range(s: &str) -> Result<BounceRange, String> {
    match s {
        "all" => Ok(BounceRange::All),
        "loop" => Ok(BounceRange::Loop),
        _ => {
            let (a, b) = s
                .split_once("..")
                .ok_or_else(|| format!("{s:?} is not all, loop or START..END"))?;
            let num = |x: &str| {
                x.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| format!("{x:?} is not a time in seconds"))
            };
            let (start_s, end_s) = (num(a)?, num(b)?);
            if end_s <= start_s {
                return Err(format!("the range {s} ends before it starts"));
            }
            Ok(BounceRange::Span { start_s, end_s })
        }
    }
}

fn parse_tail(s: &str) -> Result<Tail, String> {
    if s == "auto" {
        return Ok(Tail::Auto);
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0 && *v <= 600.0)
        .map(Tail::Seconds)
        .ok_or_else(|| format!("{s:?} is not auto or a number of seconds (0–600)"))
}

static CANCEL: AtomicBool = AtomicBool::new(false);

/// The autosaves of the project file `project` (of any session), from the app's data folder.
fn autosaves_of(project: &Path) -> Vec<PathBuf> {
    crate::ui::dirs::AppDirs::locate()
        .map(|d| crate::ui::autosave::files_of(&d.autosave_dir(), project))
        .unwrap_or_default()
}

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    let project = super::project_stems::load(&args.project)?;
    // The project's files as they are before the stems are read: a stem that changes from now
    // on fails the bounce.
    let project_file = std::path::absolute(&args.project).unwrap_or(args.project.clone());
    let inputs = BounceInputs::of(&project, Some(&project_file), &autosaves_of(&project_file));
    let target = BounceTarget {
        mix: &args.output,
        stems: args.stems.as_deref().map(|dir| StemsTarget {
            dir,
            wet: args.stems_wet,
        }),
        inputs: &inputs,
        overwrite: args.force,
    };
    check_target(&target, &project)?;

    let stems = super::project_stems::decode(&project, args.allow_offline, "bounce")?;
    let offline: Vec<String> = stems
        .offline
        .iter()
        .map(|(id, _)| {
            project
                .track(*id)
                .map_or("?", |t| t.name.as_str())
                .to_string()
        })
        .collect();
    let mut line = ProgressLine::new();

    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    let opts = BounceOptions {
        format: args.bits,
        sample_rate: match args.rate {
            Rate::Project => None,
            Rate::Hz(hz) => Some(hz),
        },
        range: args.range,
        tail: args.tail,
        normalize: args.normalize.map(|target_lufs| Normalize {
            target_lufs,
            ceiling_dbtp: args.ceiling,
        }),
        threads: args.threads.unwrap_or_else(bounce::default_threads).max(1),
    };
    let summary = bounce::bounce_to(
        &project,
        &|t| stems.get(t),
        &target,
        &opts,
        &mut |p| {
            let label = if p.passes > 1 {
                format!("bouncing (stage {}/{})", p.pass, p.passes)
            } else {
                "bouncing".to_string()
            };
            line.draw(&label, p.fraction);
        },
        &CANCEL,
    );
    line.clear();
    let summary = summary.map_err(|e| match e {
        bounce::BounceError::Exists(p) => exists_error(&p),
        e => CliError(e.to_string()),
    })?;
    let faults = summary.faults.describe(&project);
    if args.json {
        println!("{}", json_summary(&args, &summary, &faults, &offline));
    } else {
        println!("{}", text_summary(&args, &summary));
    }
    for w in clip_warnings(&summary) {
        eprintln!("warning: {w}");
    }
    for fault in faults {
        eprintln!("warning: {fault}");
    }
    Ok(())
}

/// The destinations are refused before the (long) decoding starts.
fn check_target(target: &BounceTarget<'_>, project: &Project) -> CliResult {
    match target.check(project) {
        Ok(()) => Ok(()),
        Err(bounce::BounceError::Exists(p)) => Err(exists_error(&p)),
        Err(e) => Err(CliError(e.to_string())),
    }
}

fn exists_error(path: &Path) -> CliError {
    CliError(format!(
        "{} already exists (use --force to replace it)",
        path.display()
    ))
}

/// One line: the file, its length and rate, speed, loudness, range, true peak, clipping.
fn text_summary(args: &Args, s: &BounceSummary) -> String {
    let mut msg = format!(
        "{}: {} at {} Hz in {:.2} s ({:.0}× real time), {} integrated, LRA {:.1} LU, {} true peak",
        args.output.display(),
        format_duration(s.duration_s()),
        s.sample_rate,
        s.elapsed.as_secs_f64(),
        s.speed(),
        format_level(s.integrated_lufs, "LUFS"),
        s.loudness_range_lu,
        format_level(s.true_peak_dbtp, "dBTP"),
    );
    if args.normalize.is_some() {
        msg.push_str(&format!(", normalised by {:+.2} dB", s.normalize_gain_db));
    }
    msg.push_str(&match s.first_clip_s {
        Some(t) => format!(
            ", {} clipped samples (first at {})",
            s.clipped_samples,
            format_duration(t)
        ),
        None => ", no clipped samples".to_string(),
    });
    if let Some(dir) = &args.stems {
        msg.push_str(&format!(
            "; {} stem files in {}",
            s.stems.len(),
            dir.display()
        ));
    }
    msg
}

/// What clipped, as warnings (clipping is never silent).
pub fn clip_warnings(s: &BounceSummary) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(t) = s.first_clip_s {
        v.push(format!(
            "the mix clipped: {} samples beyond full scale, the first at {} \
             (turn the master limiter on, lower the master fader, or bounce as 32-bit float)",
            s.clipped_samples,
            format_duration(t)
        ));
    }
    let (n, first) = s.stems_clipped();
    if let Some(t) = first {
        v.push(format!(
            "the stems clipped: {n} samples beyond full scale, the first at {}",
            format_duration(t)
        ));
    }
    v
}

fn json_summary(
    args: &Args,
    s: &BounceSummary,
    faults: &[String],
    offline: &[String],
) -> serde_json::Value {
    let finite = |v: f64| v.is_finite().then_some(v);
    let stems: Vec<serde_json::Value> = s
        .stems
        .iter()
        .map(|f| {
            serde_json::json!({
                "path": f.path,
                "clipped_samples": f.clipped_samples,
                "first_clip_s": f.first_clip_s,
            })
        })
        .collect();
    serde_json::json!({
        "output": args.output,
        "frames": s.frames,
        "sample_rate": s.sample_rate,
        "duration_s": s.duration_s(),
        "elapsed_s": s.elapsed.as_secs_f64(),
        "integrated_lufs": finite(s.integrated_lufs),
        "loudness_range_lu": s.loudness_range_lu,
        "true_peak_dbtp": finite(s.true_peak_dbtp),
        "normalize_gain_db": s.normalize_gain_db,
        "clipped_samples": s.clipped_samples,
        "first_clip_s": s.first_clip_s,
        "stems": stems,
        "faults": faults,
        "offline_tracks": offline,
    })
}

/// `m:ss.mmm`.
pub fn format_duration(s: f64) -> String {
    let ms = (s * 1000.0).round() as u64;
    format!("{}:{:02}.{:03}", ms / 60_000, (ms / 1000) % 60, ms % 1000)
}

fn format_level(v: f64, unit: &str) -> String {
    if v.is_finite() {
        format!("{v:.1} {unit}")
    } else {
        format!("-inf {unit}")
    }
}
