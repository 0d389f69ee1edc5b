//! Real-time benchmarks of the audio callback (`cargo bench --bench realtime`).
//!
//! 1. CPU time per callback (median, 99.9th percentile, max) for 64 and 256 full-chain tracks
//!    (every EQ band, compressor, reverb send, limiter) at 128 frames, as a fraction of the
//!    block's real-time period. The callback is the very `Render::render` the stream runs,
//!    called through its `RenderSlot`.
//! 2. A 60-second run of a 64-track project at 256 frames, driven by a clocked thread that calls
//!    the callback once per block period on absolute deadlines (the ALSA `null` device here is
//!    not clocked), while a second thread sends parameter commands continuously: counts
//!    deadline misses (a callback finishing after the start of the next period).
//!
//! Times are the callback thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`, so preemption by
//! other processes on a busy 2-core machine does not count) next to wall time. The clocked run
//! is done twice: at normal priority, and at `SCHED_FIFO` as a device's audio thread runs (when
//! the process may; otherwise that is said).
//!
//! `STEMMIX_BENCH_SECONDS` shortens the clocked runs (default 60).

#[path = "../tests/support/synth_project.rs"]
mod synth;
#[path = "support/thread_cpu.rs"]
mod thread_cpu;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use stemmix::engine::command::TrackParam;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::slot::Render;
use stemmix::project::TrackId;
use synth::Rng;
use thread_cpu::{percentile, thread_cpu};

const RATE: u32 = 48_000;

fn handle(tracks: usize, max_block: usize) -> (EngineHandle, Vec<TrackId>) {
    let (mut p, stems) = synth::project(tracks, RATE);
    synth::full_chain(&mut p);
    let ids = p.tracks.iter().map(|t| t.id).collect();
    let mut h = EngineHandle::new(synth::graph(&p, &stems, max_block));
    let length = h.renderer().with(|e| e.graph().length()).unwrap_or(0);
    h.set_loop(true, 0, length);
    h.play();
    (h, ids)
}

/// Puts the calling thread at real-time priority (SCHED_FIFO); false if not permitted.
#[cfg(target_os = "linux")]
fn realtime_priority() -> bool {
    let param = libc::sched_param { sched_priority: 70 };
    // SAFETY: plain syscall on the calling thread with a valid parameter.
    unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn realtime_priority() -> bool {
    false
}

fn cpu_per_block(tracks: usize, frames: usize, blocks: usize) {
    let (mut h, _) = handle(tracks, frames);
    let slot = h.renderer();
    let mut buf = vec![0.0f32; frames * 2];
    for _ in 0..200 {
        slot.with(|e| e.render(&mut buf, 2));
        h.tick();
    }
    let mut cpu = Vec::with_capacity(blocks);
    let mut wall = Vec::with_capacity(blocks);
    for i in 0..blocks {
        let (c, t) = (thread_cpu(), Instant::now());
        slot.with(|e| e.render(&mut buf, 2));
        wall.push(t.elapsed());
        cpu.push(thread_cpu().saturating_sub(c));
        if i % 16 == 0 {
            h.tick();
        }
    }
    let period = Duration::from_secs_f64(frames as f64 / f64::from(RATE));
    let frac = |d: Duration| d.as_secs_f64() / period.as_secs_f64() * 100.0;
    for (what, mut times) in [("cpu ", cpu), ("wall", wall)] {
        times.sort();
        let (med, p999, max) = (
            percentile(&times, 0.5),
            percentile(&times, 0.999),
            *times.last().unwrap(),
        );
        println!(
            "callback {tracks:>3} tracks @ {frames} frames ({:.3} ms, {blocks} blocks) {what}: \
             median {:>7.1} µs = {:>5.1}%  p99.9 {:>7.1} µs = {:>5.1}%  max {:>8.1} µs = {:>6.1}%",
            period.as_secs_f64() * 1e3,
            med.as_secs_f64() * 1e6,
            frac(med),
            p999.as_secs_f64() * 1e6,
            frac(p999),
            max.as_secs_f64() * 1e6,
            frac(max),
        );
    }
}

/// `MixGraph::process` alone on the same project, for the real-time layer's overhead (commands,
/// transport, meters, reports, interleaving) by difference.
fn graph_only(tracks: usize, frames: usize, blocks: usize) {
    let (mut p, stems) = synth::project(tracks, RATE);
    synth::full_chain(&mut p);
    let mut g = synth::graph(&p, &stems, frames);
    let length = g.length();
    let (mut l, mut r) = (vec![0.0f32; frames], vec![0.0f32; frames]);
    let mut cpu = Vec::with_capacity(blocks);
    for i in 0..blocks + 200 {
        if g.read_position() + frames as u64 > length {
            g.seek(0, true);
        }
        let c = thread_cpu();
        g.process(&mut l, &mut r);
        if i >= 200 {
            cpu.push(thread_cpu().saturating_sub(c));
        }
    }
    cpu.sort();
    let period = Duration::from_secs_f64(frames as f64 / f64::from(RATE));
    let med = percentile(&cpu, 0.5);
    println!(
        "graph.process alone {tracks:>3} tracks @ {frames} frames cpu: median {:>7.1} µs = {:>5.1}%",
        med.as_secs_f64() * 1e6,
        med.as_secs_f64() / period.as_secs_f64() * 100.0
    );
}

fn clocked_run(tracks: usize, frames: usize, seconds: f64, fifo: bool) {
    let (mut h, ids) = handle(tracks, frames);
    let slot = h.renderer();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let period = Duration::from_secs_f64(frames as f64 / f64::from(RATE));
    let blocks = (seconds / period.as_secs_f64()).round() as u64;

    let audio = {
        let slot = slot.clone();
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("bench-audio".into())
            .spawn(move || {
                let rt = fifo && realtime_priority();
                let mut buf = vec![0.0f32; frames * 2];
                let mut misses = 0u64;
                let mut longest_cpu = Duration::ZERO;
                let mut overruns = 0u64;
                let mut worst_late = Duration::ZERO;
                let mut longest = Duration::ZERO;
                let t0 = Instant::now();
                for k in 0..blocks {
                    let start = t0 + period * k as u32;
                    if let Some(w) = start.checked_duration_since(Instant::now()) {
                        std::thread::sleep(w);
                    }
                    let (t, c) = (Instant::now(), thread_cpu());
                    slot.with(|e| e.render(&mut buf, 2));
                    let done = Instant::now();
                    longest = longest.max(done - t);
                    longest_cpu = longest_cpu.max(thread_cpu().saturating_sub(c));
                    let deadline = start + period;
                    if done > deadline {
                        misses += 1;
                        worst_late = worst_late.max(done - deadline);
                        // The callback itself used more CPU than its period: its own fault.
                        // Otherwise the thread was not running (preempted, or the VM's vCPU
                        // paused by the host), which no callback code can prevent.
                        if thread_cpu().saturating_sub(c) > period {
                            overruns += 1;
                        }
                    }
                }
                stop.store(true, Ordering::Release);
                (misses, overruns, worst_late, longest, longest_cpu, rt)
            })
            .expect("audio thread")
    };

    // The control side: a parameter change every millisecond, meters read at 60 Hz.
    let mut rng = Rng(7);
    let mut last_tick = Instant::now();
    while !stop.load(Ordering::Acquire) {
        let id = ids[rng.int(0, ids.len() - 1)];
        let p = match rng.int(0, 4) {
            0 => TrackParam::GainDb(rng.range(-20.0, 0.0)),
            1 => TrackParam::Pan(rng.range(-1.0, 1.0)),
            2 => TrackParam::SendDb(rng.range(-30.0, -6.0)),
            3 => {
                let mut eq = stemmix::project::EqSettings::default();
                eq.peak1.enabled = true;
                eq.peak1.gain_db = rng.range(-6.0, 6.0);
                TrackParam::Eq(eq)
            }
            _ => TrackParam::Mute(rng.unit() < 0.1),
        };
        h.set_track(id, p);
        sent.fetch_add(1, Ordering::Relaxed);
        if last_tick.elapsed() >= Duration::from_millis(16) {
            h.tick();
            last_tick = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let (misses, overruns, worst_late, longest, longest_cpu, rt) =
        audio.join().expect("audio thread");
    h.tick();
    let priority = match (fifo, rt) {
        (false, _) => "normal priority",
        (true, true) => "SCHED_FIFO",
        (true, false) => "SCHED_FIFO refused, normal priority",
    };
    println!(
        "clocked {seconds:.0} s, {tracks} tracks @ {frames} frames ({:.3} ms period), \
         {priority}: {blocks} callbacks, {misses} deadline misses ({overruns} CPU overruns, \
         {} scheduling stalls; worst {:.1} µs late), longest \
         callback {:.1} µs wall = {:.1}% / {:.1} µs cpu, {} commands sent ({} coalesced), \
         engine overload count {}",
        period.as_secs_f64() * 1e3,
        misses - overruns,
        worst_late.as_secs_f64() * 1e6,
        longest.as_secs_f64() * 1e6,
        longest.as_secs_f64() / period.as_secs_f64() * 100.0,
        longest_cpu.as_secs_f64() * 1e6,
        sent.load(Ordering::Relaxed),
        h.coalesced_commands(),
        h.meters().transport.overloads,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: run a token amount then.
    let benching = std::env::args().any(|a| a == "--bench");
    let seconds = std::env::var("STEMMIX_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(if benching { 60.0 } else { 1.0 });
    let blocks = if benching { 20_000 } else { 200 };
    println!("stemmix real-time benchmarks (DSP of the build under test; see benches/realtime.rs)");
    cpu_per_block(64, 128, blocks);
    cpu_per_block(256, 128, blocks);
    graph_only(64, 128, blocks);
    graph_only(256, 128, blocks);
    clocked_run(64, 256, seconds, true);
    clocked_run(64, 256, seconds, false);
}
