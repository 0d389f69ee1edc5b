//! Sessions of any length (issue 16, item 5): `cargo bench --bench scale`, driven by
//! `benches/scale.sh`, which makes the material (N stereo 24-bit WAV stems of M minutes,
//! default 64 × 5) and measures `stemmix bounce` beside this.
//!
//! 1. **Open, cold and warm**: the window's own stem library (`ui::files::StemLibrary`) opening
//!    every stem of the project through the decoded-stem cache; the time until every strip is
//!    playable, first with an empty cache (every stem decoded into it), then again (warm).
//! 2. **Seek storm**: the project played from the warm cache for `STEMMIX_SCALE_SECONDS`
//!    (default 60) by a thread that calls the real-time callback every 256-frame period on
//!    absolute deadlines, while the control thread ticks the engine at 60 Hz and seeks to a
//!    random place every second. Reports the callback thread's major page faults
//!    (`getrusage(RUSAGE_THREAD)`), its deadline misses, the track audio played silent while
//!    the prefetcher caught up after a seek, and the process's resident memory.
//!
//! Without `STEMMIX_SCALE_PROJECT` it makes a small project of its own (8 × 20 s) in a
//! temporary folder, so it runs anywhere; `STEMMIX_SCALE_CACHE` names the cache folder
//! (default: a temporary one; emptied before the cold open).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/thread_cpu.rs"]
#[allow(dead_code)] // only thread_cpu is used here
mod thread_cpu;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use stemmix::engine::graph::MixGraph;
use stemmix::engine::handle::EngineHandle;
use stemmix::engine::slot::Render;
use stemmix::media::StemCache;
use stemmix::project::Project;
use stemmix::ui::files::StemLibrary;
use thread_cpu::thread_cpu;

/// Resident memory now and at its peak (`VmRSS`, `VmHWM`), MB.
fn resident_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resident pages of the cache files mapped by this process, in MB: in all and of the
/// file with the most (from /proc/self/smaps).
fn cache_mapped_mb() -> (f64, f64) {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let (mut total, mut most, mut in_cache) = (0.0f64, 0.0f64, false);
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Rss:"), Some(kb)) if in_cache => {
                let mb = kb.parse::<f64>().unwrap_or(0.0) / 1024.0;
                total += mb;
                most = most.max(mb);
            }
            (Some(first), _) if first.contains('-') && !first.ends_with(':') => {
                in_cache = line.ends_with(".stem");
            }
            _ => {}
        }
    }
    (total, most)
}

/// Major page faults of the calling thread so far.
fn major_faults() -> i64 {
    // SAFETY: plain syscall filling a zeroed struct.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut u);
        u.ru_majflt
    }
}

/// A small project of `n` stereo noise stems of `seconds` in `dir`.
fn small_project(dir: &Path, n: usize, seconds: usize) -> PathBuf {
    let rate = 48_000;
    let mut p = Project {
        sample_rate: rate,
        ..Project::default()
    };
    for i in 0..n {
        let path = dir.join(format!("t{i:02}.wav"));
        let frames = seconds * rate as usize;
        let ch = [
            common::noise(2 * i as u64 + 1, frames, 0.3),
            common::noise(2 * i as u64 + 2, frames, 0.3),
        ];
        common::write_f32_wav(&path, rate, &ch);
        p.tracks.push(stemmix::project::Track::for_source(path));
    }
    let file = dir.join("small.stemmix");
    stemmix::project::save(&p, &file).expect("save the project");
    file
}

/// Opens every stem of `project` as the window does; returns the library and the seconds until
/// every strip was playable.
fn open(project: &Project, cache: &StemCache) -> (StemLibrary, f64) {
    let t = Instant::now();
    let mut lib = StemLibrary::with_cache(Some(cache.clone()));
    let paths: Vec<PathBuf> = project.tracks.iter().map(|t| t.source.clone()).collect();
    lib.decode(paths.clone(), project.sample_rate);
    while lib.busy() {
        lib.poll();
        std::thread::sleep(Duration::from_millis(2));
    }
    let ready = paths.iter().filter(|p| lib.audio(p).is_some()).count();
    assert_eq!(ready, paths.len(), "every stem opens");
    (lib, t.elapsed().as_secs_f64())
}

fn seek_storm(project: &Project, lib: &StemLibrary, seconds: f64) {
    const FRAMES: usize = 256;
    let graph = MixGraph::from_project(project, &|t| lib.audio(&t.source), FRAMES);
    let length = graph.length();
    let rate = project.sample_rate;
    let mut h = EngineHandle::new(graph);
    h.play();
    h.wait_prefetched(Duration::from_secs(30));
    let slot = h.renderer();
    let stop = Arc::new(AtomicBool::new(false));
    let misses = Arc::new(AtomicU64::new(0));
    let period = Duration::from_secs_f64(FRAMES as f64 / f64::from(rate));
    let audio = {
        let (stop, misses) = (stop.clone(), misses.clone());
        std::thread::spawn(move || {
            // As a device's audio thread runs, where the process may.
            let param = libc::sched_param { sched_priority: 70 };
            // SAFETY: plain syscall on the calling thread with a valid parameter.
            let fifo = unsafe {
                libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) == 0
            };
            let mut buf = vec![0.0f32; FRAMES * 2];
            let before = major_faults();
            let start = Instant::now();
            let (mut k, mut overruns, mut longest_cpu) = (0u32, 0u32, Duration::ZERO);
            while !stop.load(Ordering::Relaxed) {
                let deadline = start + period * k;
                if let Some(wait) = deadline.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let c = thread_cpu();
                slot.with(|e| e.render(&mut buf, 2));
                let cpu = thread_cpu().saturating_sub(c);
                longest_cpu = longest_cpu.max(cpu);
                if Instant::now() > start + period * (k + 1) {
                    misses.fetch_add(1, Ordering::Relaxed);
                    // Its own CPU time over the period is the callback's fault; otherwise the
                    // thread was not running (preempted, the VM paused).
                    if cpu > period {
                        overruns += 1;
                    }
                }
                k += 1;
            }
            (major_faults() - before, k, overruns, longest_cpu, fifo)
        })
    };
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let t0 = Instant::now();
    let mut next_seek = 1.0;
    let mut seeks = 0;
    let mut peak_rss = 0.0f64;
    while t0.elapsed().as_secs_f64() < seconds {
        std::thread::sleep(Duration::from_millis(16));
        h.tick();
        if t0.elapsed().as_secs_f64() >= next_seek {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            h.seek(rng % length.max(1));
            seeks += 1;
            next_seek += 1.0;
        }
        peak_rss = peak_rss.max(resident_mb().0);
    }
    let (cache_mb, cache_max_mb) = cache_mapped_mb();
    stop.store(true, Ordering::Relaxed);
    let (faults, blocks, overruns, longest_cpu, fifo) = audio.join().expect("audio thread");
    h.tick();
    let starved = h.meters().starved_frames as f64 / f64::from(rate) * 1000.0;
    let tracks = project.tracks.len().max(1) as f64;
    println!(
        "seek storm, {seconds:.0} s, {seeks} seeks, {blocks} callbacks of {FRAMES} frames ({:.2} \
         ms) at {}: {faults} major page faults on the callback thread; {} deadline misses \
         ({overruns} CPU overruns), longest callback {:.0} µs cpu; silent while the prefetcher \
         caught up: {starved:.0} track-ms ({:.1} ms per track per seek); resident \
         {peak_rss:.0} MB at most while playing; at the end {cache_mb:.0} MB of cache files \
         mapped (at most {cache_max_mb:.1} MB of one)",
        period.as_secs_f64() * 1e3,
        if fifo {
            "SCHED_FIFO"
        } else {
            "normal priority (SCHED_FIFO refused)"
        },
        misses.load(Ordering::Relaxed),
        longest_cpu.as_secs_f64() * 1e6,
        starved / tracks / f64::from(seeks.max(1)),
    );
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let project_path = match std::env::var_os("STEMMIX_SCALE_PROJECT") {
        Some(p) => PathBuf::from(p),
        None => small_project(tmp.path(), 8, if benching { 20 } else { 4 }),
    };
    let cache_dir = std::env::var_os("STEMMIX_SCALE_CACHE")
        .map_or_else(|| tmp.path().join("cache"), PathBuf::from);
    let seconds = std::env::var("STEMMIX_SCALE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(if benching { 60.0 } else { 3.0 });
    let project = stemmix::project::load(&project_path).expect("the project loads");
    println!(
        "stemmix scale bench: {} ({} tracks), cache {}",
        project_path.display(),
        project.tracks.len(),
        cache_dir.display()
    );
    let cache = StemCache::new(&cache_dir, u64::MAX);
    if std::env::var_os("STEMMIX_SCALE_WARM_ONLY").is_some() {
        println!("open, cold cache: skipped (STEMMIX_SCALE_WARM_ONLY), the cache is reused");
    } else {
        let _ = std::fs::remove_dir_all(&cache_dir);
        let (lib, cold) = open(&project, &cache);
        drop(lib);
        let (_, rss_cold) = resident_mb();
        println!(
            "open, cold cache (every stem decoded into it): {cold:.2} s, peak resident {rss_cold:.0} MB"
        );
        // The cold open wrote the whole cache; let that reach the disk first, so the seek
        // storm measures playback, not gigabytes of writeback going on beside it.
        // SAFETY: sync has no preconditions.
        unsafe { libc::sync() };
    }
    let (lib, warm) = open(&project, &cache);
    let (rss, _) = resident_mb();
    println!("open, warm cache: every strip playable in {warm:.3} s; resident {rss:.0} MB");
    seek_storm(&project, &lib, seconds);
}
