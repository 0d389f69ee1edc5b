//! `stemmix compare`: a mix beside reference tracks — loudness, dynamics, stereo readouts, the
//! gain that matches each reference's loudness to the mix's, and the tonal-balance table.
//!
//! The mix is a project (rendered in memory through the render driver, as `bounce` would
//! write it) or an audio file. References are decoded and resampled to the mix's rate with
//! the stem code, so what is measured is what the reference panel plays.

use super::bounce::parse_range;
use super::{CliError, CliResult, progress::ProgressLine};
use crate::dsp::SignalReport;
use crate::dsp::ltas::BANDS;
use crate::engine::MixGraph;
use crate::engine::analysis::{self, AnalysisOptions, Comparison, Measurement, Span};
use crate::engine::bounce::{BounceRange, range_frames};
use crate::engine::render::Tail;
use crate::media;
use crate::project::{self, Project};
use serde::Serialize;
use serde::ser::SerializeMap;
use std::path::{Path, PathBuf};

/// Arguments of `stemmix compare`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The mix: a project (.stemmix) or an audio file.
    mix: PathBuf,
    /// Reference tracks (any format stems can be).
    #[arg(required = true)]
    references: Vec<PathBuf>,
    /// Print JSON: an array with one object per reference.
    #[arg(long)]
    json: bool,
    /// What to compare: all, loop (the project's loop region; a reference listed in the project
    /// uses its own loop region) or START..END in seconds (the same span of every file).
    #[arg(long, default_value = "all", value_parser = parse_range)]
    range: BounceRange,
    /// Analyse a project even when some stems cannot be read (their tracks are left out).
    #[arg(long)]
    allow_offline: bool,
}

/// The nine readouts of one side, as JSON (`null` where a value does not exist).
#[derive(Serialize, Debug, PartialEq)]
pub struct Readouts {
    integrated_lufs: Option<f64>,
    short_term_max_lufs: Option<f64>,
    momentary_max_lufs: Option<f64>,
    lra_lu: Option<f64>,
    true_peak_dbtp: Option<f64>,
    plr_db: Option<f64>,
    crest_db: Option<f64>,
    correlation: Option<f64>,
    width_db: Option<f64>,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl From<&SignalReport> for Readouts {
    fn from(r: &SignalReport) -> Readouts {
        Readouts {
            integrated_lufs: finite(r.integrated_lufs),
            short_term_max_lufs: finite(r.short_term_max_lufs),
            momentary_max_lufs: finite(r.momentary_max_lufs),
            lra_lu: finite(r.lra_lu),
            true_peak_dbtp: finite(r.true_peak_dbtp),
            plr_db: finite(r.plr_db),
            crest_db: finite(r.crest_db),
            correlation: finite(r.correlation),
            width_db: finite(r.width_db),
        }
    }
}

/// Band name → dB, written in band order (low to high).
#[derive(Debug, PartialEq)]
struct Bands(Vec<(&'static str, Option<f64>)>);

impl Serialize for Bands {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (name, v) in &self.0 {
            m.serialize_entry(name, v)?;
        }
        m.end()
    }
}

/// One reference compared with the mix, as JSON.
#[derive(Serialize, Debug, PartialEq)]
struct Entry {
    reference_file: String,
    mix: Readouts,
    reference: Readouts,
    match_gain_db: Option<f64>,
    bands: Bands,
}

impl Entry {
    fn new(file: &Path, c: &Comparison) -> Entry {
        Entry {
            reference_file: file.display().to_string(),
            mix: Readouts::from(&c.mix),
            reference: Readouts::from(&c.reference),
            match_gain_db: c.match_gain_db,
            bands: Bands(c.bands.iter().map(|&(n, d)| (n, finite(d))).collect()),
        }
    }
}

/// The measured mix and how to measure a reference beside it.
struct Mix {
    measurement: Measurement,
    rate: u32,
    /// What was measured, for the text output.
    label: String,
    /// The project, when the mix is one (its references may have loop regions).
    project: Option<(Project, PathBuf)>,
}

fn is_project(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("stemmix"))
}

fn seconds(frames: u64, rate: u32) -> String {
    super::bounce::format_duration(frames as f64 / f64::from(rate.max(1)))
}

/// Renders and measures a project over `range`.
fn measure_project(path: &Path, range: BounceRange, allow_offline: bool) -> Result<Mix, CliError> {
    let (project, stems) = super::project_stems::open(path, allow_offline, "compare")?;
    let mut line = ProgressLine::new();
    let lookup = |t: &project::Track| stems.get(t);
    let length = MixGraph::from_project(&project, &lookup, 1).length();
    let span = range_frames(&project, length, range)?;
    // The whole song as `bounce` writes it (with its tail); a part of it as it plays.
    let (opts_range, tail, label) = match range {
        BounceRange::All => (None, Tail::Auto, String::new()),
        _ => (
            Some(span),
            Tail::Seconds(0.0),
            format!(
                "{}–{}",
                seconds(span.0, project.sample_rate),
                seconds(span.1, project.sample_rate)
            ),
        ),
    };
    let opts = AnalysisOptions {
        range: opts_range,
        region: None,
        tail,
        ..AnalysisOptions::whole_song(&project)
    };
    let mut progress = |f: f32| line.draw("rendering the mix", f);
    let result = analysis::analyze_project(&project, &lookup, &opts, Some(&mut progress), None);
    line.clear();
    let result = result?;
    for fault in result.faults.describe(&project) {
        eprintln!("warning: {fault}");
    }
    let rendered = result.analysis.whole.report.frames;
    let label = match label.is_empty() {
        true => format!(
            "whole song with its tail, {}",
            seconds(rendered, project.sample_rate)
        ),
        false => label,
    };
    Ok(Mix {
        measurement: result.analysis.whole,
        rate: project.sample_rate,
        label,
        project: Some((project, path.to_path_buf())),
    })
}

/// Seconds `range` to frames at `rate` for an audio file of `length` frames (`loop` has no
/// meaning without a project).
fn file_span(
    range: BounceRange,
    rate: u32,
    length: u64,
    file: &Path,
) -> Result<Option<Span>, CliError> {
    match range {
        BounceRange::All => Ok(None),
        BounceRange::Loop => Err(CliError(format!(
            "{}: --range loop needs a project (an audio file has no loop region)",
            file.display()
        ))),
        BounceRange::Span { start_s, end_s } => {
            let f = |s: f64| ((s * f64::from(rate)).round() as u64).min(length);
            let (a, b) = (f(start_s), f(end_s));
            if b <= a {
                return Err(CliError(format!(
                    "{}: the range {start_s}..{end_s} s lies beyond its end ({})",
                    file.display(),
                    seconds(length, rate)
                )));
            }
            Ok(Some((a, b)))
        }
    }
}

/// Decodes an audio file at `rate` (its own rate when `None`) and measures `range` of it.
fn measure_file(
    path: &Path,
    rate: Option<u32>,
    span: impl Fn(u32, u64) -> Result<Option<Span>, CliError>,
) -> Result<(Measurement, u32, String), CliError> {
    let rate = match rate {
        Some(r) => r,
        None => media::probe_info(path)?.sample_rate,
    };
    let audio = media::load_stem(path, rate)?;
    let span = span(rate, audio.frames as u64)?;
    let a = analysis::analyze_audio(&audio, span)?;
    let label = match span {
        None => format!("whole file, {}", seconds(audio.frames as u64, rate)),
        Some((s, e)) => format!("{}–{}", seconds(s, rate), seconds(e, rate)),
    };
    let m = match span {
        Some(_) => a
            .region
            .ok_or_else(|| CliError(format!("{}: nothing to measure", path.display())))?,
        None => a.whole,
    };
    Ok((m, rate, label))
}

/// The span of a reference for `range`: `loop` takes the reference's loop region when the
/// project lists this file with one (otherwise the whole file), a span in seconds the same
/// span as the mix.
fn reference_span(
    mix: &Mix,
    file: &Path,
    range: BounceRange,
) -> impl Fn(u32, u64) -> Result<Option<Span>, CliError> {
    let own_loop = match (&mix.project, range) {
        (Some((p, project_path)), BounceRange::Loop) => {
            let dir = project_path.parent().unwrap_or(Path::new("."));
            let wanted = std::fs::canonicalize(file).ok();
            p.references
                .iter()
                .find(|r| {
                    wanted.is_some() && std::fs::canonicalize(dir.join(&r.path)).ok() == wanted
                })
                .and_then(|r| r.loop_region)
        }
        _ => None,
    };
    let file = file.to_path_buf();
    move |rate, length| match (range, own_loop) {
        (BounceRange::Loop, Some(region)) => {
            let (a, b) = region.frames(rate);
            let (a, b) = (a.min(length), b.min(length));
            Ok((b > a).then_some((a, b)))
        }
        (BounceRange::Loop, None) => Ok(None),
        _ => file_span(range, rate, length, &file),
    }
}

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    let mix = if is_project(&args.mix) {
        measure_project(&args.mix, args.range, args.allow_offline)?
    } else {
        let (measurement, rate, label) = measure_file(&args.mix, None, |rate, len| {
            file_span(args.range, rate, len, &args.mix)
        })?;
        Mix {
            measurement,
            rate,
            label,
            project: None,
        }
    };
    let mut entries = Vec::new();
    let mut failures = 0;
    for file in &args.references {
        let span = reference_span(&mix, file, args.range);
        match measure_file(file, Some(mix.rate), span) {
            Ok((m, _, label)) => {
                let c = analysis::compare(&mix.measurement, &m);
                if !args.json {
                    print_text(&args.mix, &mix.label, file, &label, &c);
                }
                entries.push(Entry::new(file, &c));
            }
            Err(CliError(e)) => {
                eprintln!("error: {e}");
                failures += 1;
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
    }
    // Each failing reference already has its own `error:` line.
    if failures > 0 {
        return Err(CliError(String::new()));
    }
    Ok(())
}

/// One line of the table: label, readout, unit, decimals.
type Row = (&'static str, fn(&SignalReport) -> f64, &'static str, usize);

/// The side-by-side table of one comparison.
fn print_text(mix: &Path, mix_label: &str, file: &Path, ref_label: &str, c: &Comparison) {
    let v = |x: f64, unit: &str, digits: usize| match (x.is_finite(), unit.is_empty()) {
        (false, _) => "—".to_string(),
        (true, true) => format!("{x:.digits$}"),
        (true, false) => format!("{x:.digits$} {unit}"),
    };
    println!(
        "{} ({mix_label}) vs {} ({ref_label})",
        mix.display(),
        file.display()
    );
    let rows: [Row; 9] = [
        ("integrated", |r| r.integrated_lufs, "LUFS", 1),
        ("max short-term", |r| r.short_term_max_lufs, "LUFS", 1),
        ("max momentary", |r| r.momentary_max_lufs, "LUFS", 1),
        ("loudness range", |r| r.lra_lu, "LU", 1),
        ("true peak", |r| r.true_peak_dbtp, "dBTP", 1),
        ("PLR", |r| r.plr_db, "dB", 1),
        ("crest factor", |r| r.crest_db, "dB", 1),
        ("correlation", |r| r.correlation, "", 2),
        ("width (side/mid)", |r| r.width_db, "dB", 1),
    ];
    println!("  {:<18} {:>12} {:>12}", "", "mix", "reference");
    for (name, get, unit, digits) in rows {
        println!(
            "  {name:<18} {:>12} {:>12}",
            v(get(&c.mix), unit, digits),
            v(get(&c.reference), unit, digits)
        );
    }
    match c.match_gain_db {
        Some(g) => println!("  match gain: {g:+.1} dB on the reference"),
        None => println!("  match gain: — (one side is silent)"),
    }
    println!("  tonal balance at equal loudness, reference − mix:");
    for (band, (_, d)) in BANDS.iter().zip(&c.bands) {
        let range = match (band.lo_hz > 0.0, band.hi_hz.is_finite()) {
            (false, _) => format!("< {}", hz(band.hi_hz)),
            (true, false) => format!("> {}", hz(band.lo_hz)),
            (true, true) => format!("{}–{}", hz(band.lo_hz), hz(band.hi_hz)),
        };
        let d = match d.is_finite() {
            true => format!("{d:+.1} dB"),
            false => "—".to_string(),
        };
        println!("    {:<9} {range:<14} {d:>8}", band.name);
    }
}

/// "60 Hz", "2 kHz", "12 kHz".
fn hz(f: f64) -> String {
    if f >= 1000.0 {
        format!("{} kHz", f / 1000.0)
    } else {
        format!("{f} Hz")
    }
}
