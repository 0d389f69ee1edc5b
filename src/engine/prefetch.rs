//! The prefetcher: a control-side thread that keeps the part of every mapped stem the playhead
//! is about to read in memory, so the audio thread never waits for the disk.
//!
//! Stems mapped from the cache (`media::Samples`) are read by the audio thread only where their
//! chunks are marked ready (`Samples::is_ready`; a strip plays silence for a chunk that is not,
//! and reports it). This thread marks them: it locks the pages of the chunks from a little behind
//! the playhead to [`AHEAD_S`] ahead of it, and of the loop's start when the loop is about to
//! wrap, nearest first across all stems; it unmarks chunks the playhead has left and, a grace
//! period later (when no block can still be reading them), unlocks them and lets the system drop
//! them. So a session's resident memory is the window, not the songs' length. Stems held in
//! memory need none of this and are ignored.
//!
//! It learns the playhead from the engine handle: each tick's reported position, and every seek
//! and loop change as it is sent (before the engine applies it, so a seek's chunks are on their
//! way while the command travels).

use super::command::{Command, GraphCommand};
use super::graph::MixGraph;
use crate::media::{CHUNK_FRAMES, StemAudio};
use crate::project::TrackId;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Seconds ahead of the playhead kept in memory.
pub const AHEAD_S: f64 = 2.0;
/// Seconds behind the playhead kept (a short jump back, the declick crossfade's old position).
pub const BEHIND_S: f64 = 0.25;
/// How long an unmarked chunk stays locked before it is dropped: far longer than any block.
const GRACE: Duration = Duration::from_millis(100);
/// A reported position this close after a seek's target (in chunks) shows the seek applied.
const SEEK_APPLIED_CHUNKS: u64 = 16;
/// How long a seek's target is held beside the reported position at most.
const SEEK_HOLD: Duration = Duration::from_secs(1);
/// How often the thread looks again without being woken.
const POLL: Duration = Duration::from_millis(20);

/// What the control side asks for.
#[derive(Default)]
struct Targets {
    stems: Vec<(TrackId, Arc<StemAudio>)>,
    /// The playhead as last reported.
    position: u64,
    /// The last seek sent and when: held too until a report shows the engine applied it (a
    /// report made before that still names the old position), for at most [`SEEK_HOLD`].
    sought: Option<(u64, Instant)>,
    loop_range: Option<(u64, u64)>,
    /// Bumped by every change, so the thread can tell it has served the latest.
    generation: u64,
    /// The generation whose window is fully held.
    served: u64,
    /// Chunks whose pages could not be locked (only read once).
    unlocked_chunks: u64,
    quit: bool,
}

struct Shared {
    targets: Mutex<Targets>,
    /// Wakes the thread on a change, and waiters when a generation is served.
    changed: Condvar,
    served: Condvar,
}

/// The prefetch thread and what it is told (see the module docs). The thread starts with the
/// first mapped stem and stops when this is dropped.
pub struct Prefetcher {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Default for Prefetcher {
    fn default() -> Prefetcher {
        Prefetcher::new()
    }
}

impl Prefetcher {
    /// A prefetcher with nothing to hold (no thread yet).
    pub fn new() -> Prefetcher {
        Prefetcher {
            shared: Arc::new(Shared {
                targets: Mutex::new(Targets::default()),
                changed: Condvar::new(),
                served: Condvar::new(),
            }),
            thread: None,
        }
    }

    fn change(&mut self, f: impl FnOnce(&mut Targets)) {
        let mapped = {
            let mut t = lock(&self.shared.targets);
            f(&mut t);
            t.generation += 1;
            t.stems.iter().any(|(_, s)| s.is_mapped())
        };
        self.shared.changed.notify_all();
        if mapped && self.thread.is_none() {
            let shared = self.shared.clone();
            self.thread = std::thread::Builder::new()
                .name("stemmix-prefetch".into())
                .spawn(move || run(&shared))
                .ok();
        }
    }

    /// The stems the graph plays now (replacing any earlier set).
    pub fn set_stems(&mut self, stems: Vec<(TrackId, Arc<StemAudio>)>) {
        self.change(|t| t.stems = stems);
    }

    /// New audio for one track (`None`: the track has none).
    pub fn set_stem(&mut self, id: TrackId, stem: Option<Arc<StemAudio>>) {
        self.change(|t| {
            t.stems.retain(|(i, _)| *i != id);
            if let Some(s) = stem {
                t.stems.push((id, s));
            }
        });
    }

    /// The stems of every track of `graph` (a graph about to be played).
    pub fn set_graph(&mut self, graph: &MixGraph) {
        self.set_stems(
            graph
                .tracks()
                .filter_map(|t| Some((t.id(), t.stem()?.clone())))
                .collect(),
        );
    }

    /// Follows a command on its way to the engine: seeks, loops and new audio.
    pub fn note(&mut self, cmd: &Command) {
        match cmd {
            Command::Seek(f) => {
                let f = *f;
                self.change(|t| {
                    t.position = f;
                    t.sought = Some((f, Instant::now()));
                });
            }
            Command::SetLoop {
                enabled,
                start,
                end,
            } => {
                self.set_loop(enabled.then_some((*start, *end)));
            }
            Command::Graph(g) => match g {
                GraphCommand::AddTrack { node, .. } | GraphCommand::ReplaceTrack(node) => {
                    self.set_stem(node.id(), node.stem().cloned());
                }
                GraphCommand::RemoveTrack(id) => self.set_stem(*id, None),
                GraphCommand::SetStem(id, stem) => self.set_stem(*id, stem.clone()),
                GraphCommand::ReplaceGraph(graph) => self.set_graph(graph),
                _ => {}
            },
            _ => {}
        }
    }

    /// Where the playhead is, as reported.
    pub fn set_position(&mut self, frame: u64) {
        if lock(&self.shared.targets).position != frame {
            self.change(|t| {
                t.position = frame;
                // A report at (or just after) the seek's target: the engine has applied it.
                if t.sought.is_some_and(|(f, _)| {
                    frame >= f && frame - f <= SEEK_APPLIED_CHUNKS * CHUNK_FRAMES as u64
                }) {
                    t.sought = None;
                }
            });
        }
    }

    /// The loop range, or `None`.
    pub fn set_loop(&mut self, range: Option<(u64, u64)>) {
        self.change(|t| t.loop_range = range);
    }

    /// Waits until the window around the latest position is held, at most `timeout`; true if
    /// it is (at once when there is no mapped stem).
    pub fn wait_ready(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut t = lock(&self.shared.targets);
        loop {
            if t.served == t.generation || !t.stems.iter().any(|(_, s)| s.is_mapped()) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.thread.is_none() {
                return false;
            }
            t = self
                .shared
                .served
                .wait_timeout(t, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Chunks whose pages could not be locked (`RLIMIT_MEMLOCK`): they were read into memory
    /// but the system may drop them again when memory runs short.
    pub fn unlocked_chunks(&self) -> u64 {
        lock(&self.shared.targets).unlocked_chunks
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        lock(&self.shared.targets).quit = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Turns the engine's count of frames played silent (a stem not in memory in time) into a
/// message for the user, at most one per [`StarvedNotice::EVERY`].
#[derive(Debug, Default)]
pub struct StarvedNotice {
    seen: u64,
    unreported: u64,
    last: Option<Instant>,
}

impl StarvedNotice {
    /// Shortest time between two messages.
    pub const EVERY: Duration = Duration::from_secs(5);

    /// `total`: track-frames played silent so far; `rate`: the project rate. A message when
    /// new ones came and the last message is old enough.
    pub fn update(&mut self, total: u64, rate: u32, now: Instant) -> Option<String> {
        self.unreported += total.saturating_sub(self.seen);
        self.seen = total;
        if self.unreported == 0
            || self
                .last
                .is_some_and(|t| now.duration_since(t) < Self::EVERY)
        {
            return None;
        }
        self.last = Some(now);
        let ms = std::mem::take(&mut self.unreported) as f64 * 1000.0 / f64::from(rate.max(1));
        Some(format!(
            "the disk did not keep up: {ms:.0} ms of track audio played as silence \
             (stems not yet read from the cache)"
        ))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The thread holds no invariant across a panic: the data stays usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One mapped stem and which of its chunks this thread holds.
struct Held {
    stem: Arc<StemAudio>,
    held: Vec<bool>,
}

impl Held {
    fn new(stem: Arc<StemAudio>) -> Held {
        let chunks = stem
            .channels
            .iter()
            .map(|c| c.chunk_count())
            .max()
            .unwrap_or(0);
        Held {
            stem,
            held: vec![false; chunks],
        }
    }

    fn unready(&mut self, c: usize) {
        self.held[c] = false;
        for ch in &self.stem.channels {
            ch.unready_chunk(c);
        }
    }
}

/// The chunks to hold for a playhead at `pos` in stems of `rate`, nearest first: ahead of the
/// playhead, the loop's start when the window passes the loop's end, then behind.
fn wanted(pos: u64, loop_range: Option<(u64, u64)>, rate: u32) -> Vec<Range<usize>> {
    let ahead = (AHEAD_S * f64::from(rate)) as u64;
    let behind = (BEHIND_S * f64::from(rate)) as u64;
    let chunk = |f: u64| usize::try_from(f / CHUNK_FRAMES as u64).unwrap_or(usize::MAX);
    let span = |a: u64, b: u64| {
        if b <= a {
            0..0
        } else {
            chunk(a)..chunk(b - 1).saturating_add(1)
        }
    };
    let end = pos.saturating_add(ahead);
    let mut v = match loop_range.filter(|&(a, b)| a < b && pos < b && end > b) {
        Some((start, stop)) => vec![
            span(pos, stop),
            span(start, start.saturating_add(end - stop).min(stop)),
        ],
        None => vec![span(pos, end)],
    };
    v.push(span(pos.saturating_sub(behind), pos));
    v
}

fn run(shared: &Shared) {
    let mut held: Vec<Held> = Vec::new();
    let mut retiring: Vec<(Arc<StemAudio>, usize, Instant)> = Vec::new();
    loop {
        let now = Instant::now();
        let (stems, pos, sought, loop_range, generation) = {
            let t = lock(&shared.targets);
            if t.quit {
                break;
            }
            let sought = t
                .sought
                .filter(|&(f, at)| f != t.position && now.duration_since(at) < SEEK_HOLD)
                .map(|(f, _)| f);
            (
                t.stems.clone(),
                t.position,
                sought,
                t.loop_range,
                t.generation,
            )
        };
        // Stems no longer played: unmark all their chunks.
        held.retain_mut(|h| {
            let keep = stems.iter().any(|(_, s)| Arc::ptr_eq(s, &h.stem));
            if !keep {
                for c in 0..h.held.len() {
                    if h.held[c] {
                        h.unready(c);
                        retiring.push((h.stem.clone(), c, now));
                    }
                }
            }
            keep
        });
        for (_, s) in &stems {
            if s.is_mapped() && !held.iter().any(|h| Arc::ptr_eq(&h.stem, s)) {
                held.push(Held::new(s.clone()));
            }
        }
        // Chunks the playhead has left: unmark now, drop after the grace period.
        let mut plans = Vec::with_capacity(held.len());
        for h in &mut held {
            let rate = h.stem.sample_rate;
            let mut want = wanted(pos, loop_range, rate);
            if let Some(f) = sought {
                // The seek's target first: that is where the engine is going.
                let mut first = wanted(f, loop_range, rate);
                first.append(&mut want);
                want = first;
            }
            for c in 0..h.held.len() {
                if h.held[c] && !want.iter().any(|r| r.contains(&c)) {
                    h.unready(c);
                    retiring.push((h.stem.clone(), c, now));
                }
            }
            plans.push(want);
        }
        // Unmarked chunks past the grace period and not wanted again: dropped in runs.
        let mut due: Vec<(Arc<StemAudio>, usize)> = Vec::new();
        retiring.retain(|(stem, c, at)| {
            if now.duration_since(*at) < GRACE {
                return true;
            }
            if !holds(&held, stem, *c) {
                due.push((stem.clone(), *c));
            }
            false
        });
        if !due.is_empty() {
            // Chunks still in their grace period may be read by a block in flight.
            let grace: HashSet<(usize, usize)> = retiring
                .iter()
                .map(|(s, c, _)| (Arc::as_ptr(s) as usize, *c))
                .collect();
            drop_runs(due, &|stem, c| {
                !grace.contains(&(Arc::as_ptr(stem) as usize, c)) && !holds(&held, stem, c)
            });
        }
        // Hold what is wanted, nearest chunk first across all stems; start again at once when
        // the targets change (a seek), keeping what is already held.
        let mut unlocked = 0u64;
        let mut interrupted = false;
        'fill: for r in 0..plans.iter().map(Vec::len).max().unwrap_or(0) {
            let longest = plans
                .iter()
                .filter_map(|p| p.get(r))
                .map(|r| r.len())
                .max()
                .unwrap_or(0);
            for k in 0..longest {
                for (h, plan) in held.iter_mut().zip(&plans) {
                    let Some(c) = plan.get(r).map(|r| r.start + k) else {
                        continue;
                    };
                    if c >= h.held.len() || h.held[c] || !plan[r].contains(&c) {
                        continue;
                    }
                    for ch in &h.stem.channels {
                        if !ch.hold_chunk(c) {
                            unlocked += 1;
                        }
                    }
                    h.held[c] = true;
                }
                if lock(&shared.targets).generation != generation {
                    interrupted = true;
                    break 'fill;
                }
            }
        }
        let mut t = lock(&shared.targets);
        t.unlocked_chunks += unlocked;
        if !interrupted && t.generation == generation {
            t.served = generation;
            shared.served.notify_all();
            if !t.quit {
                let wait = if retiring.is_empty() { POLL } else { GRACE };
                drop(
                    shared
                        .changed
                        .wait_timeout_while(t, wait, |t| t.generation == generation && !t.quit),
                );
            }
        }
    }
    let mut due: Vec<(Arc<StemAudio>, usize)> =
        retiring.into_iter().map(|(s, c, _)| (s, c)).collect();
    for h in &mut held {
        for c in 0..h.held.len() {
            if h.held[c] {
                h.unready(c);
                due.push((h.stem.clone(), c));
            }
        }
    }
    // Unmarked already; no block reads these any more once the handle is gone.
    drop_runs(due, &|_, _| true);
}

/// Whether this thread holds chunk `c` of `stem`.
fn holds(held: &[Held], stem: &Arc<StemAudio>, c: usize) -> bool {
    held.iter()
        .any(|h| Arc::ptr_eq(&h.stem, stem) && h.held.get(c) == Some(&true))
}

/// Drops the pages of `chunks` (stem, chunk), one call per contiguous run of a stem's chunks,
/// widened over neighbours that `free` says nothing holds or may still read
/// ([`Samples::drop_chunks`](crate::media::Samples::drop_chunks)).
fn drop_runs(
    mut chunks: Vec<(Arc<StemAudio>, usize)>,
    free: &dyn Fn(&Arc<StemAudio>, usize) -> bool,
) {
    chunks.sort_by_key(|(s, c)| (Arc::as_ptr(s) as usize, *c));
    chunks.dedup_by(|a, b| Arc::ptr_eq(&a.0, &b.0) && a.1 == b.1);
    let mut i = 0;
    while i < chunks.len() {
        let (stem, start) = (&chunks[i].0, chunks[i].1);
        let mut end = start + 1;
        while i + 1 < chunks.len() && Arc::ptr_eq(&chunks[i + 1].0, stem) && chunks[i + 1].1 == end
        {
            end += 1;
            i += 1;
        }
        for ch in &stem.channels {
            ch.drop_chunks(start..end, &|c| free(stem, c));
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_runs_ahead_and_wraps_at_the_loop() {
        let rate = 48_000;
        let c = CHUNK_FRAMES;
        let ahead = (AHEAD_S * 48_000.0) as usize;
        let behind = (BEHIND_S * 48_000.0) as usize;
        let pos = 100 * c + 17;
        let w = wanted(pos as u64, None, rate);
        assert_eq!(w[0], 100..(pos + ahead - 1) / c + 1);
        assert_eq!(w[1], (pos - behind) / c..101);
        // A loop ending 10 chunks ahead: the window stops there and goes on at the loop start.
        let (a, b) = (20 * c, 110 * c);
        let w = wanted(pos as u64, Some((a as u64, b as u64)), rate);
        assert_eq!(w[0], 100..110);
        let rest = pos + ahead - b;
        assert_eq!(w[1], 20..(a + rest - 1) / c + 1);
        assert_eq!(w.len(), 3);
        // Outside the loop (after its end) the loop does not matter.
        let w = wanted((120 * c) as u64, Some((a as u64, b as u64)), rate);
        assert_eq!(w[0].start, 120);
        // At frame 0 nothing lies behind.
        assert!(wanted(0, None, rate)[1].is_empty());
    }

    #[test]
    fn silence_is_reported_at_most_every_five_seconds_and_nothing_is_lost() {
        let mut n = StarvedNotice::default();
        let t0 = Instant::now();
        assert_eq!(n.update(0, 48_000, t0), None);
        let m = n.update(4_800, 48_000, t0).expect("a message");
        assert!(m.contains("100 ms"), "{m}");
        // More within five seconds: held back, then told in one message.
        assert_eq!(n.update(9_600, 48_000, t0 + Duration::from_secs(1)), None);
        assert_eq!(n.update(14_400, 48_000, t0 + Duration::from_secs(2)), None);
        let m = n
            .update(14_400, 48_000, t0 + StarvedNotice::EVERY)
            .expect("the held-back silence");
        assert!(m.contains("200 ms"), "{m}");
        assert_eq!(
            n.update(14_400, 48_000, t0 + 3 * StarvedNotice::EVERY),
            None
        );
    }
}
