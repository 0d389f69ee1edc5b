//! The render driver: the mix graph driven as fast as the CPU allows. Every consumer but the
//! audio callback calls [`render`] — the bounce to a WAV file, in-memory renders (loudness
//! matching, `compare`, analysis) and the tests that compare playback with it — so what they
//! get is what `stemmix bounce` writes and, bit for bit, what playback plays.
//!
//! A render starts like Play after a stop ([`MixGraph::start_at`]: seek, pre-roll the latency),
//! processes the range `[start, end)` and then a tail, handing each block to a [`RenderSink`].
//! The sink also sees the graph right after the block, so a stems writer can read every track's
//! output ([`TrackNode::output`](super::TrackNode::output)), and after each block of the
//! pre-roll ([`RenderSink::preroll`]), whose tracks' outputs are the range's first frames. It
//! runs on the caller's thread (a worker for a background analysis render, which stops at the
//! next block once its
//! [`RenderControl::cancel`] flag is set); with `threads` > 1 the channel strips are spread over
//! a rayon pool made once per render (never threads per block), with bit-identical output.

use super::faults::Faults;
use super::graph::MixGraph;
use crate::media::MediaError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Frames per graph call by default: large enough to amortise the per-block hand-off to the
/// strip workers, small enough that a strip's buffers stay in cache.
pub const RENDER_BLOCK: usize = 4096;
/// Fewest tracks for which a render spreads the strips over several threads (measured in
/// `benches/mix.rs`: from two tracks on the second core already gains).
pub const PARALLEL_MIN_TRACKS: usize = 2;
/// An automatic tail ends once a 100 ms window stays below this level.
pub const TAIL_FLOOR_DBFS: f32 = -90.0;
/// Longest automatic tail.
pub const MAX_TAIL_S: f64 = 10.0;
/// An offline render releases the mapped stems' pages it has read (`MixGraph::release_stems`)
/// every this many seconds of source, up to this far behind the read head.
const RELEASE_EVERY_S: f64 = 1.0;
/// How often `progress` is called at most.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// How much to render after the range ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tail {
    /// Until the output stays below [`TAIL_FLOOR_DBFS`] for 100 ms ([`MAX_TAIL_S`] at most).
    Auto,
    /// A fixed number of seconds (0: stop at the end of the range).
    Seconds(f64),
}

/// What to render and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RenderOptions {
    /// First source frame: output frame 0 is the mix at this frame (latency compensated).
    pub start: u64,
    /// End of the range (exclusive, source frames); the tail follows it.
    pub end: u64,
    /// Whether every stem falls silent at `end`, so only tails (reverb, compressor release)
    /// sound after it — a bounce of a range. Otherwise the stems play on as in playback.
    pub cut_at_end: bool,
    /// What follows the range.
    pub tail: Tail,
    /// Frames per graph call (clamped to 1 ..= the graph's maximum block).
    pub block: usize,
    /// Threads for the channel strips (1: the audio callback's serial path; the output is
    /// bit-identical either way).
    pub threads: usize,
}

impl RenderOptions {
    /// `frames` frames from `start` exactly as playback hears them (stems play on, no tail),
    /// serially: what the playback tests compare the audio callback with.
    pub fn playback(start: u64, frames: u64) -> RenderOptions {
        RenderOptions {
            start,
            end: start + frames,
            cut_at_end: false,
            tail: Tail::Seconds(0.0),
            block: RENDER_BLOCK,
            threads: 1,
        }
    }

    /// The range `[start, end)` of the timeline followed by `tail`, the stems silent from
    /// `end` on: what a bounce renders.
    pub fn range(start: u64, end: u64, tail: Tail) -> RenderOptions {
        RenderOptions {
            start,
            end,
            cut_at_end: true,
            tail,
            block: RENDER_BLOCK,
            threads: default_threads(),
        }
    }
}

/// Both cores (or however many the machine has, at most 8).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Receives the rendered audio block by block.
pub trait RenderSink {
    /// One block of the master output. `graph` has just processed it: its tracks' outputs
    /// ([`TrackNode::output`](super::TrackNode::output)) belong to this block.
    fn block(&mut self, graph: &MixGraph, left: &[f32], right: &[f32]) -> Result<(), MediaError>;

    /// One block of the pre-roll (`frames` long) has been processed: the tracks' outputs of the
    /// first frames of the range, whose master output (the look-ahead filling up) is discarded.
    /// Output frame `i` is the mix at source frame `start + i`, while the tracks' outputs seen
    /// with it are `latency` frames further on. Default: nothing.
    fn preroll(&mut self, graph: &MixGraph, frames: usize) -> Result<(), MediaError> {
        let _ = (graph, frames);
        Ok(())
    }
}

impl<F> RenderSink for F
where
    F: FnMut(&MixGraph, &[f32], &[f32]) -> Result<(), MediaError>,
{
    fn block(&mut self, graph: &MixGraph, left: &[f32], right: &[f32]) -> Result<(), MediaError> {
        self(graph, left, right)
    }
}

/// A sink that keeps the whole render in memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemorySink {
    /// Left and right channel.
    pub audio: [Vec<f32>; 2],
}

impl MemorySink {
    /// An empty sink with room for `frames` frames.
    pub fn with_capacity(frames: usize) -> MemorySink {
        MemorySink {
            audio: [Vec::with_capacity(frames), Vec::with_capacity(frames)],
        }
    }
}

impl RenderSink for MemorySink {
    fn block(&mut self, _: &MixGraph, left: &[f32], right: &[f32]) -> Result<(), MediaError> {
        self.audio[0].extend_from_slice(left);
        self.audio[1].extend_from_slice(right);
        Ok(())
    }
}

/// Changes a render applies to the graph at exact output frames: parameter changes and loop
/// wraps in the tests that compare playback with this driver.
pub trait Schedule {
    /// Called before every block with the frames rendered so far and the size of the block
    /// the driver is about to render; may change `graph` (apply commands, seek) and returns
    /// how many frames to render now (clamped to 1 ..= `n`).
    fn before_block(&mut self, graph: &mut MixGraph, done: u64, n: usize) -> usize;
}

/// How a render reports progress, learns that it should stop, and takes scheduled changes.
#[derive(Default)]
pub struct RenderControl<'a> {
    /// Called at most every 50 ms, and once at the end, with the fraction done (0…1; an
    /// automatic tail counts as its maximum length).
    pub progress: Option<&'a mut dyn FnMut(f32)>,
    /// Polled before every block; once set the render stops with [`RenderError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Changes to apply at exact frames.
    pub schedule: Option<&'a mut dyn Schedule>,
}

/// What a finished render did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderOutcome {
    /// Frames handed to the sink (range plus tail).
    pub frames: u64,
    /// Non-finite samples the graph caught (and silenced) while rendering.
    pub faults: Faults,
}

/// Why a render stopped early.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The cancel flag was set.
    #[error("the render was cancelled")]
    Cancelled,
    /// The sink failed (writing a file).
    #[error("{0}")]
    Sink(#[from] MediaError),
}

/// Renders `opts` from `graph` (freshly built, or reset) into `sink`. The graph's DSP state
/// carries on from where it is; the read head is moved to `opts.start`.
pub fn render(
    graph: &mut MixGraph,
    opts: &RenderOptions,
    sink: &mut dyn RenderSink,
    ctl: &mut RenderControl<'_>,
) -> Result<RenderOutcome, RenderError> {
    let rate = f64::from(graph.sample_rate().max(1));
    let block = opts.block.clamp(1, graph.max_block());
    let pool = worker_pool(graph, opts.threads);
    graph.set_source_end(opts.cut_at_end.then_some(opts.end));
    let mut preroll_error = None;
    graph.start_at_with(opts.start, &mut |g, n| {
        if preroll_error.is_none() {
            preroll_error = sink.preroll(g, n).err();
        }
    });
    if let Some(e) = preroll_error {
        return Err(e.into());
    }

    let body = opts.end.saturating_sub(opts.start);
    let (tail_max, auto) = match opts.tail {
        Tail::Auto => ((MAX_TAIL_S * rate) as u64, true),
        Tail::Seconds(s) => ((s.max(0.0) * rate).round() as u64, false),
    };
    let total = body + tail_max;
    let window = ((rate * 0.1) as u64).max(1);
    let floor = crate::dsp::db_to_gain(f64::from(TAIL_FLOOR_DBFS)) as f32;
    let mut quiet_run = 0u64;
    let mut outcome = RenderOutcome::default();
    let (mut l, mut r) = (vec![0.0f32; block], vec![0.0f32; block]);
    let mut last_report = Instant::now();
    let release_every = (RELEASE_EVERY_S * rate) as u64;
    // Source frames before this one have been released.
    let mut released = graph.read_position().saturating_sub(release_every);
    let done = &mut outcome.frames;
    while *done < total {
        if ctl.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(RenderError::Cancelled);
        }
        // In the tail, work in 100 ms windows so that an automatic end falls on one.
        let mut n = if *done < body {
            (body - *done).min(block as u64)
        } else {
            (total - *done).min(window.min(block as u64))
        } as usize;
        if let Some(s) = ctl.schedule.as_deref_mut() {
            n = s.before_block(graph, *done, n).clamp(1, n);
        }
        let (bl, br) = (&mut l[..n], &mut r[..n]);
        match &pool {
            Some(p) => graph.process_parallel(bl, br, p),
            None => graph.process(bl, br),
        }
        graph.take_faults(&mut |source| outcome.faults.add(source, n as u64));
        sink.block(graph, bl, br)?;
        *done += n as u64;
        let pos = graph.read_position();
        if pos < released {
            // A jump back (a loop in a test schedule): the pages read again are released from
            // there on.
            released = pos.saturating_sub(release_every);
        } else if pos >= released + 2 * release_every {
            graph.release_stems(released..pos - release_every);
            released = pos - release_every;
        }
        if auto && *done > body {
            let peak = bl
                .iter()
                .chain(br.iter())
                .fold(0.0f32, |m, x| m.max(x.abs()));
            quiet_run = if peak < floor {
                quiet_run + n as u64
            } else {
                0
            };
            if quiet_run >= window {
                break;
            }
        }
        if let Some(p) = ctl.progress.as_deref_mut()
            && last_report.elapsed() >= PROGRESS_INTERVAL
        {
            last_report = Instant::now();
            p((*done as f64 / total.max(1) as f64) as f32);
        }
    }
    if let Some(p) = ctl.progress.as_deref_mut() {
        p(1.0);
    }
    Ok(outcome)
}

/// [`render`] into memory: the left and right channels of everything rendered.
pub fn render_to_memory(
    graph: &mut MixGraph,
    opts: &RenderOptions,
    ctl: &mut RenderControl<'_>,
) -> Result<(MemorySink, RenderOutcome), RenderError> {
    let mut sink = MemorySink::with_capacity(opts.end.saturating_sub(opts.start) as usize);
    let outcome = render(graph, opts, &mut sink, ctl)?;
    Ok((sink, outcome))
}

/// A pool of `threads` workers when the graph has enough tracks to gain from one.
fn worker_pool(graph: &MixGraph, threads: usize) -> Option<rayon::ThreadPool> {
    if threads <= 1 || graph.tracks().count() < PARALLEL_MIN_TRACKS {
        return None;
    }
    // A pool that cannot start (no threads left) renders serially: same output, only slower.
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("stemmix-render-{i}"))
        .build()
        .ok()
}
