//! The live spectrum and compressor input of one selected track, for the EQ and compressor
//! editors.
//!
//! The audio thread only copies: a tapped [`TrackNode`](super::TrackNode) writes its block
//! (the mono sum before or after its EQ, and the level its compressor sees) into a buffer it
//! allocated when it was built, and [`TapSender`] pushes that into a lock-free ring
//! (rtrb, preallocated; what does not fit is dropped). Everything else happens on the control
//! side in [`LiveSpectrum::tick`]: the FFT ([`SpectrumAnalyzer`], realfft), the mapping onto
//! log-spaced display points, smoothing and peak hold, and the compressor input level.

use super::graph::MixGraph;
use crate::dsp::spectrum::{SPECTRUM_FLOOR_DB, SpectrumAnalyzer};
use crate::project::TrackId;
use rtrb::{Consumer, Producer, RingBuffer};
use std::time::{Duration, Instant};

/// Where in the strip the spectrum is taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TapPoint {
    /// After trim and polarity, before the EQ.
    PreEq,
    /// After the EQ (what the compressor hears).
    #[default]
    PostEq,
}

/// Which track is tapped, and where.
pub type TapSelection = Option<(TrackId, TapPoint)>;

/// One frame of a tapped strip.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TapFrame {
    /// Mono sum (mean of the sides) at the tap point.
    pub signal: f32,
    /// The compressor's peak detector input: the larger |sample| of the sides after the EQ.
    pub comp_peak: f32,
    /// The compressor's RMS detector input: mean square of the sides after the EQ.
    pub comp_power: f32,
}

/// Frames the ring holds (about 0.7 s at 48 kHz: a display stalled that long loses the oldest).
pub const TAP_CAPACITY: usize = 1 << 15;
/// FFT length of the live spectrum (2.9 Hz bins… 11.7 Hz at 48 kHz: 4096 samples).
pub const FFT_SIZE: usize = 4096;
/// Lowest frequency of the display points.
pub const DISPLAY_MIN_HZ: f32 = 20.0;
/// Highest frequency of the display points.
pub const DISPLAY_MAX_HZ: f32 = 20_000.0;
/// How fast the smoothed spectrum falls, dB per second (it rises at once).
pub const RELEASE_DB_PER_S: f32 = 18.0;
/// How long a peak is held before it falls.
pub const PEAK_HOLD: Duration = Duration::from_millis(1500);
/// How fast a peak falls after its hold, dB per second.
pub const PEAK_FALL_DB_PER_S: f32 = 30.0;
/// Below this (dB) a display shows nothing: the spectrum has settled when all of it is there.
pub const SETTLED_DB: f32 = -100.0;
/// Window of the compressor input level shown on the transfer curve.
pub const COMP_WINDOW: Duration = Duration::from_millis(50);

/// The frequency of display point `i` of `n`, log-spaced from [`DISPLAY_MIN_HZ`] to
/// [`DISPLAY_MAX_HZ`].
pub fn display_hz(i: usize, n: usize) -> f32 {
    if n < 2 {
        return DISPLAY_MIN_HZ;
    }
    let t = i.min(n - 1) as f32 / (n - 1) as f32;
    DISPLAY_MIN_HZ * (DISPLAY_MAX_HZ / DISPLAY_MIN_HZ).powf(t)
}

/// The audio-thread end (held by the real-time renderer).
pub struct TapSender {
    frames: Producer<TapFrame>,
    selections: Consumer<TapSelection>,
    current: TapSelection,
}

/// The control-side end of the ring (inside [`LiveSpectrum`]).
struct TapReceiver {
    frames: Consumer<TapFrame>,
    selections: Producer<TapSelection>,
}

fn channel() -> (TapSender, TapReceiver) {
    let (ftx, frx) = RingBuffer::new(TAP_CAPACITY);
    let (stx, srx) = RingBuffer::new(8);
    (
        TapSender {
            frames: ftx,
            selections: srx,
            current: None,
        },
        TapReceiver {
            frames: frx,
            selections: stx,
        },
    )
}

impl TapSender {
    /// Before a block: takes a new selection and marks the tapped strip (nodes built since
    /// the last block start untapped). Real-time safe.
    pub fn before_process(&mut self, graph: &mut MixGraph) {
        while let Ok(s) = self.selections.pop() {
            self.current = s;
        }
        for t in graph.tracks_mut() {
            let point = match self.current {
                Some((id, p)) if id == t.id() => Some(p),
                _ => None,
            };
            t.set_tap(point);
        }
    }

    /// After a block of `n` frames: copies what the tapped strip wrote into the ring (what
    /// does not fit is dropped). Real-time safe.
    pub fn after_process(&mut self, graph: &MixGraph, n: usize) {
        let Some((id, _)) = self.current else { return };
        if let Some(t) = graph.tracks().find(|t| t.id() == id) {
            let _ = self.frames.push_partial_slice(t.tapped(n));
        }
    }
}

/// Writes the tap's signal of one block (`bufs`: the strip's one or two channels).
pub fn write_signal(dst: &mut [TapFrame], bufs: &[&mut [f32]]) {
    match bufs {
        [m] => dst
            .iter_mut()
            .zip(m.iter())
            .for_each(|(d, x)| d.signal = *x),
        [l, r] => dst
            .iter_mut()
            .zip(l.iter().zip(r.iter()))
            .for_each(|(d, (a, b))| d.signal = 0.5 * (a + b)),
        _ => {}
    }
}

/// Writes the compressor's detector inputs of one block (`bufs`: the EQ's output).
pub fn write_comp_input(dst: &mut [TapFrame], bufs: &[&mut [f32]]) {
    match bufs {
        [m] => dst.iter_mut().zip(m.iter()).for_each(|(d, x)| {
            d.comp_peak = x.abs();
            d.comp_power = x * x;
        }),
        [l, r] => dst
            .iter_mut()
            .zip(l.iter().zip(r.iter()))
            .for_each(|(d, (a, b))| {
                d.comp_peak = a.abs().max(b.abs());
                d.comp_power = 0.5 * (a * a + b * b);
            }),
        _ => {}
    }
}

/// The control side: the selected track's live spectrum at log-spaced display points, and its
/// compressor input level. Call [`tick`](Self::tick) at the display rate.
pub struct LiveSpectrum {
    rx: TapReceiver,
    analyzer: SpectrumAnalyzer,
    rate: u32,
    selection: TapSelection,
    /// A selection the ring had no room for yet.
    unsent: Option<TapSelection>,
    bins_db: Vec<f32>,
    display_db: Vec<f32>,
    peak_db: Vec<f32>,
    peak_time: Vec<Instant>,
    comp: Vec<(Instant, f32, f32)>,
    last_tick: Option<Instant>,
    last_audio: Option<Instant>,
    scratch: Vec<TapFrame>,
}

impl std::fmt::Debug for LiveSpectrum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSpectrum")
            .field("selection", &self.selection)
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

/// What the display shows of a [`LiveSpectrum`], copied out once per tick.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpectrumSnapshot {
    /// The tapped track and point (`None`: nothing is tapped).
    pub selection: TapSelection,
    /// Smoothed level in dB at [`display_hz`]`(i, len)` (a full-scale sine reads 0 dB).
    pub display_db: Vec<f32>,
    /// Peak hold of `display_db`.
    pub peak_db: Vec<f32>,
    /// The compressor's peak detector input: the largest over the last [`COMP_WINDOW`], dBFS.
    pub comp_peak_db: f32,
    /// The compressor's RMS detector input: the highest mean square of what arrived at one tick,
    /// over the last [`COMP_WINDOW`], dBFS.
    pub comp_rms_db: f32,
    /// Whether audio arrived recently (the display has something to show).
    pub live: bool,
}

impl SpectrumSnapshot {
    /// Whether there is nothing left to draw (everything under [`SETTLED_DB`], nothing
    /// arriving).
    pub fn settled(&self) -> bool {
        !self.live
            && self
                .display_db
                .iter()
                .chain(&self.peak_db)
                .all(|&d| d <= SETTLED_DB)
    }
}

fn to_db(x: f32, power: bool) -> f32 {
    if x > 0.0 {
        let k = if power { 10.0 } else { 20.0 };
        (k * x.log10()).max(SPECTRUM_FLOOR_DB)
    } else {
        SPECTRUM_FLOOR_DB
    }
}

impl LiveSpectrum {
    /// A spectrum with `points` display points for audio at `rate`, and the sender the
    /// renderer needs.
    pub fn new(rate: u32, points: usize) -> (LiveSpectrum, TapSender) {
        let (tx, rx) = channel();
        let analyzer = SpectrumAnalyzer::new(FFT_SIZE);
        let now = Instant::now();
        let s = LiveSpectrum {
            rx,
            bins_db: vec![SPECTRUM_FLOOR_DB; analyzer.bins()],
            analyzer,
            rate: rate.max(1),
            selection: None,
            unsent: None,
            display_db: vec![SPECTRUM_FLOOR_DB; points],
            peak_db: vec![SPECTRUM_FLOOR_DB; points],
            peak_time: vec![now; points],
            comp: Vec::new(),
            last_tick: None,
            last_audio: None,
            scratch: Vec::with_capacity(TAP_CAPACITY),
        };
        (s, tx)
    }

    /// Sets the mix rate (bin frequencies follow it).
    pub fn set_rate(&mut self, rate: u32) {
        self.rate = rate.max(1);
    }

    /// The tapped track and point.
    pub fn selection(&self) -> TapSelection {
        self.selection
    }

    /// Taps another track or point (`None`: none); the display starts over.
    pub fn select(&mut self, selection: TapSelection) {
        if selection == self.selection {
            return;
        }
        self.selection = selection;
        self.unsent = Some(selection);
        self.flush_selection();
        self.analyzer = SpectrumAnalyzer::new(FFT_SIZE);
        self.bins_db.fill(SPECTRUM_FLOOR_DB);
        self.display_db.fill(SPECTRUM_FLOOR_DB);
        self.peak_db.fill(SPECTRUM_FLOOR_DB);
        self.comp.clear();
        self.last_audio = None;
    }

    fn flush_selection(&mut self) {
        if let Some(s) = self.unsent
            && self.rx.selections.push(s).is_ok()
        {
            self.unsent = None;
        }
    }

    /// Level in dB of FFT bin `k` as of the last tick with audio.
    pub fn bins_db(&self) -> &[f32] {
        &self.bins_db
    }

    /// Centre frequency of FFT bin `k`.
    pub fn bin_hz(&self, k: usize) -> f64 {
        self.analyzer.bin_hz(k, f64::from(self.rate))
    }

    /// Reads what arrived, and when it did, recomputes the spectrum; the display falls and the
    /// peaks decay with the time since the last tick.
    pub fn tick(&mut self, now: Instant) {
        self.flush_selection();
        let dt = self
            .last_tick
            .map_or(0.0, |t| now.saturating_duration_since(t).as_secs_f32());
        self.last_tick = Some(now);
        self.scratch.clear();
        if let Ok(chunk) = self.rx.frames.read_chunk(self.rx.frames.slots()) {
            let (a, b) = chunk.as_slices();
            self.scratch.extend_from_slice(a);
            self.scratch.extend_from_slice(b);
            chunk.commit_all();
        }
        let fresh = !self.scratch.is_empty() && self.selection.is_some();
        if fresh {
            self.last_audio = Some(now);
            let signal: Vec<f32> = self.scratch.iter().map(|f| f.signal).collect();
            self.analyzer.push(&signal);
            self.analyzer.compute(&mut self.bins_db);
            let (peak, power) = self.scratch.iter().fold((0.0f32, 0.0f64), |(p, s), f| {
                (p.max(f.comp_peak), s + f64::from(f.comp_power))
            });
            self.comp
                .push((now, peak, (power / self.scratch.len() as f64) as f32));
        }
        self.comp
            .retain(|(t, ..)| now.saturating_duration_since(*t) <= COMP_WINDOW);
        let fall = RELEASE_DB_PER_S * dt;
        let peak_fall = PEAK_FALL_DB_PER_S * dt;
        let n = self.display_db.len();
        for i in 0..n {
            let target = if fresh {
                self.level_at(display_hz(i, n), n)
            } else {
                SPECTRUM_FLOOR_DB
            };
            let d = &mut self.display_db[i];
            *d = target.max(*d - fall).max(SPECTRUM_FLOOR_DB);
            if *d >= self.peak_db[i] {
                self.peak_db[i] = *d;
                self.peak_time[i] = now;
            } else if now.saturating_duration_since(self.peak_time[i]) > PEAK_HOLD {
                self.peak_db[i] = (self.peak_db[i] - peak_fall).max(*d);
            }
        }
    }

    /// The level shown at display frequency `hz` (one of `n` points): the loudest bin within
    /// half a point's spacing either side, or between bins (low frequencies, where bins are
    /// wider than points) the two nearest interpolated on a linear frequency axis.
    fn level_at(&self, hz: f32, n: usize) -> f32 {
        let step = (DISPLAY_MAX_HZ / DISPLAY_MIN_HZ).powf(0.5 / (n.max(2) - 1) as f32);
        let bin_w = self.rate as f32 / self.analyzer.fft_size() as f32;
        let last = self.bins_db.len() - 1;
        let lo = ((hz / step / bin_w).ceil().max(0.0) as usize).min(last + 1);
        let hi = ((hz * step / bin_w).floor().max(0.0) as usize).min(last);
        if lo <= hi {
            return self.bins_db[lo..=hi]
                .iter()
                .copied()
                .fold(SPECTRUM_FLOOR_DB, f32::max);
        }
        let x = hz / bin_w;
        let k = (x.floor() as usize).min(last);
        let k1 = (k + 1).min(last);
        let t = (x - k as f32).clamp(0.0, 1.0);
        self.bins_db[k] + (self.bins_db[k1] - self.bins_db[k]) * t
    }

    /// Copies what the display needs into `out` (reusing its buffers).
    pub fn snapshot_into(&self, out: &mut SpectrumSnapshot) {
        out.selection = self.selection;
        out.display_db.clone_from(&self.display_db);
        out.peak_db.clone_from(&self.peak_db);
        let (peak, power) = self
            .comp
            .iter()
            .fold((0.0f32, 0.0f32), |(p, s), (_, a, b)| (p.max(*a), s.max(*b)));
        out.comp_peak_db = to_db(peak, false);
        out.comp_rms_db = to_db(power, true);
        out.live = self
            .last_audio
            .zip(self.last_tick)
            .is_some_and(|(a, t)| t.saturating_duration_since(a) < Duration::from_millis(200));
    }
}
