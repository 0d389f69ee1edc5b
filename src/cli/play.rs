//! `stemmix play`: plays a project from the terminal with a one-line live meter.
//!
//! The engine, device handling and meters are exactly what the GUI uses (`EngineHandle`); this
//! command only drives them. Without a device it says so and keeps the transport running on a
//! silent clock. Ctrl-C stops cleanly (the stream is closed, so a capture file is complete).

use super::{CliError, CliResult, bounce::format_duration, progress::ProgressLine};
use crate::engine::device::{self, OutputConfig, OutputStatus};
use crate::engine::feedback::{EndReason, PlayState};
use crate::engine::graph::MixGraph;
use crate::engine::stems::ProjectStems;
use crate::engine::{ChannelMeter, EngineHandle};
use crate::media::{StemCache, StemLoad};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Largest block the graph processes at once; device buffers of any size are split into
/// blocks of at most this many frames.
const PLAY_MAX_BLOCK: usize = 512;
/// How often the terminal line and the control side are updated.
const TICK: Duration = Duration::from_millis(40);

/// Arguments of `stemmix play`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The project file (.stemmix).
    project: PathBuf,
    /// Start at this time, in seconds.
    #[arg(long, default_value_t = 0.0, value_parser = parse_seconds, allow_negative_numbers = true)]
    from: f64,
    /// Stop after playing this many seconds (counted in frames, so it is exact at any speed).
    #[arg(long, value_parser = parse_seconds, allow_negative_numbers = true)]
    seconds: Option<f64>,
    /// Output device: an id or a unique part of a name from `stemmix devices`.
    #[arg(long)]
    device: Option<String>,
    /// Frames per device buffer (64–2048; the device default when omitted or refused).
    #[arg(long, value_parser = clap::value_parser!(u32).range(
        device::MIN_BUFFER_FRAMES as i64..=device::MAX_BUFFER_FRAMES as i64))]
    buffer: Option<u32>,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("{s:?} is not a number of seconds"))
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    let project = super::load_project(&args.project)?;
    if project.tracks.is_empty() {
        return Err(CliError(format!(
            "{}: the project has no tracks",
            args.project.display()
        )));
    }
    if let Some(name) = &args.device {
        device::resolve_output_device(name)?;
    }
    let mut line = ProgressLine::new();
    // Through the decoded-stem cache, mapped: the engine's prefetcher keeps the part ahead of
    // the playhead in memory, so a long session does not need its length in RAM.
    let how = StemLoad {
        overview: false,
        ..StemLoad::playback(StemCache::from_env())
    };
    let stems = ProjectStems::load_with(&project, &how, &|done, total| {
        ProgressLine::global_draw(
            &format!("decoding stems {done}/{total}"),
            done as f32 / total.max(1) as f32,
        )
    });
    line.clear();
    for (id, err) in &stems.offline {
        let name = project.track(*id).map_or("?", |t| t.name.as_str());
        eprintln!("warning: track {name:?} is offline (silent): {err}");
    }
    let graph = MixGraph::from_project(&project, &|t| stems.get(t), PLAY_MAX_BLOCK);
    let rate = graph.sample_rate();
    let length = graph.length();
    let from = (args.from * f64::from(rate)).round() as u64;
    if from >= length {
        return Err(CliError(format!(
            "--from {} is at or past the end of the project ({})",
            args.from,
            format_duration(length as f64 / f64::from(rate))
        )));
    }

    // Queued before the output starts, so its very first callback plays from `from`.
    let mut handle = EngineHandle::new(graph);
    if let (true, Some(region)) = (project.loop_enabled, project.loop_region) {
        let (a, b) = region.frames(rate);
        handle.set_loop(true, a, b);
    }
    handle.seek(from);
    if let Some(s) = args.seconds {
        handle.stop_after(Some((s * f64::from(rate)).round() as u64));
    }
    handle.play();
    // The start's stems in memory before the first callback (a cold page cache may take a
    // moment; without it the first blocks would play silent).
    handle.wait_prefetched(std::time::Duration::from_secs(5));
    // Unattended: after a device loss (which pauses), carry on when it is back.
    handle.set_resume_after_reconnect(true);
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    handle.start_output(OutputConfig {
        device: args.device.clone(),
        buffer_frames: args.buffer,
        ..OutputConfig::default()
    });

    let live = std::io::stderr().is_terminal();
    let mut announced = false;
    let mut started = false;
    let t0 = Instant::now();
    let ended = loop {
        handle.tick();
        for m in handle.take_messages() {
            clear_line(live);
            eprintln!("{}", as_warning(&m));
        }
        if !announced && let OutputStatus::Device(info) = handle.output_status() {
            clear_line(live);
            eprintln!("playing on {info}");
            announced = true;
        }
        let meters = handle.meters_mut();
        if let Some((pos, reason)) = meters.take_ended() {
            break Some((pos, reason));
        }
        started |= meters.state() == PlayState::Playing;
        if started && meters.state() == PlayState::Stopped {
            break None;
        }
        if STOP.load(Ordering::SeqCst) {
            handle.stop();
            handle.tick();
            break None;
        }
        if live && started {
            draw_meter(&handle, length, rate);
        }
        // Nothing reported after a long while means no callback runs at all.
        if !started && t0.elapsed() > Duration::from_secs(10) {
            return Err(CliError("the audio output never started".into()));
        }
        std::thread::sleep(TICK);
    };
    // Closing the stream here (not at exit) flushes device buffers and capture files.
    handle.stop_output();
    handle.tick();
    clear_line(live);

    let m = handle.meters();
    let at = m.position_seconds();
    let how = match ended {
        Some((_, EndReason::ProjectEnd)) => "end of project",
        Some((_, EndReason::FrameLimit)) => "played",
        None => "stopped",
    };
    let master = &m.master;
    println!(
        "{how} at {}: integrated {}, max true peak {}, {} overloads, {} device underruns",
        format_duration(at),
        level(master.integrated_lufs, "LUFS"),
        level(master.true_peak_max_dbtp, "dBTP"),
        m.transport.overloads,
        handle.xruns(),
    );
    Ok(())
}

fn as_warning(msg: &str) -> String {
    format!("warning: {msg}")
}

fn level(v: f32, unit: &str) -> String {
    if v.is_finite() {
        format!("{v:.1} {unit}")
    } else {
        format!("-inf {unit}")
    }
}

fn clear_line(live: bool) {
    if live {
        eprint!("\r\x1b[2K");
    }
}

/// `▶ 0:12.345 / 3:20.000  L ███████··· -12.3  R ██████···· -14.0  M -14.2 S -15.0 LUFS  TP -1.2`
fn draw_meter(handle: &EngineHandle, length: u64, rate: u32) {
    let m = handle.meters();
    let t = &m.transport;
    let icon = match t.state {
        PlayState::Playing => "▶",
        PlayState::Paused => "⏸",
        PlayState::Stopped => "■",
    };
    let master: &ChannelMeter = &m.master.levels;
    let bar = |db: f32| {
        // −48 dB … 0 dB over 12 cells.
        let cells = if db.is_finite() {
            (((db + 48.0) / 48.0) * 12.0).clamp(0.0, 12.0) as usize
        } else {
            0
        };
        format!("{}{}", "█".repeat(cells), "·".repeat(12 - cells))
    };
    let clip = if master.clip { "  CLIP" } else { "" };
    let line = format!(
        "{icon} {} / {}  L {} {}  R {} {}  M {} S {}  TP {}{clip}",
        format_duration(m.position_seconds()),
        format_duration(length as f64 / f64::from(rate.max(1))),
        bar(master.peak_db[0]),
        level(master.peak_db[0], "dB"),
        bar(master.peak_db[1]),
        level(master.peak_db[1], "dB"),
        level(m.master.momentary_lufs, ""),
        level(m.master.short_term_lufs, "LUFS"),
        level(m.master.true_peak_dbtp, "dBTP"),
    );
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{line}");
    let _ = err.flush();
}
