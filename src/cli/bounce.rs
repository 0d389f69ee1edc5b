//! `stemmix bounce`: render a project's mix to WAV.

use super::{CliResult, progress::ProgressLine};
use crate::engine::bounce::{self, BounceOptions, BounceRange, Normalize, Tail};
use crate::media::WavFormat;
use std::path::PathBuf;
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
    /// What to render: all, loop (the project's loop region), or START..END in seconds.
    #[arg(long, default_value = "all", value_parser = parse_range)]
    range: BounceRange,
    /// Render after the range: auto (until below −90 dBFS for 100 ms, at most 10 s) or SECONDS.
    #[arg(long, default_value = "auto", value_parser = parse_tail)]
    tail: Tail,
    /// Normalise to this integrated loudness (LUFS), e.g. -14.
    #[arg(long, allow_negative_numbers = true)]
    normalize: Option<f64>,
    /// True-peak ceiling (dBTP) the master limiter holds when normalising.
    #[arg(long, allow_negative_numbers = true, default_value_t = -1.0, requires = "normalize")]
    ceiling: f32,
    /// Threads for the channel strips (default: all cores, at most 8).
    #[arg(long)]
    threads: Option<usize>,
    /// Bounce even when some stems cannot be read (their tracks are left out).
    #[arg(long)]
    allow_offline: bool,
}

fn parse_bits(s: &str) -> Result<WavFormat, String> {
    match s {
        "16" => Ok(WavFormat::Int16),
        "24" => Ok(WavFormat::Int24),
        "32f" | "32" | "f32" => Ok(WavFormat::Float32),
        _ => Err(format!("{s:?} is not one of 16, 24, 32f")),
    }
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

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    let (project, stems) = super::project_stems::open(&args.project, args.allow_offline, "bounce")?;
    let mut line = ProgressLine::new();

    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    let opts = BounceOptions {
        format: args.bits,
        range: args.range,
        tail: args.tail,
        normalize: args.normalize.map(|target_lufs| Normalize {
            target_lufs,
            ceiling_dbtp: args.ceiling,
        }),
        threads: args.threads.unwrap_or_else(bounce::default_threads).max(1),
    };
    let summary = bounce::bounce(
        &project,
        &|t| stems.get(t),
        &args.output,
        &opts,
        &mut |p| {
            let label = if p.passes > 1 {
                format!("bouncing (pass {}/{})", p.pass, p.passes)
            } else {
                "bouncing".to_string()
            };
            line.draw(&label, p.fraction);
        },
        &CANCEL,
    );
    line.clear();
    let summary = summary?;
    let mut msg = format!(
        "{}: {} at {} Hz in {:.2} s ({:.0}× real time), {} integrated, {} true peak",
        args.output.display(),
        format_duration(summary.duration_s()),
        summary.sample_rate,
        summary.elapsed.as_secs_f64(),
        summary.speed(),
        format_level(summary.integrated_lufs, "LUFS"),
        format_level(summary.true_peak_dbtp, "dBTP"),
    );
    if args.normalize.is_some() {
        msg.push_str(&format!(
            ", normalised by {:+.2} dB",
            summary.normalize_gain_db
        ));
    }
    println!("{msg}");
    for fault in summary.faults.describe(&project) {
        eprintln!("warning: {fault}");
    }
    Ok(())
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
