//! The audio output: a cpal stream on the default or a named device, or a dummy clock when there
//! is none, under a supervisor thread that reconnects when a device comes back.
//!
//! - The stream runs at the mix rate when the device offers it; otherwise at the device's rate
//!   with a preallocated rubato FFT resampler at the output ([`ResampleStage`]), and
//!   [`StreamInfo::resampled_from`] says so.
//! - Any sample format a device asks for (f32, f64, i8…i64, u8…u64, 24-bit) is converted from
//!   the renderer's f32 with rounding and clipping ([`DeviceSample`]); DSD is refused with an
//!   error, never a panic.
//! - A supervisor thread owns the `cpal::Stream` (it is not `Send` on every platform). Without a
//!   device it runs a [dummy clock](DummyClock) that calls the renderer once per block period on
//!   absolute deadlines, so transport and meters stay alive; it retries the device periodically.
//!   A device that fails mid-play (error callback, or callbacks stopping) is dropped, the dummy
//!   clock takes over, an [`OutputEvent::Lost`] tells the user, and the stream reopens when the
//!   device is back. The renderer lives in a [`RenderSlot`] that survives all of this.

use super::slot::{Render, RenderSlot};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Smallest buffer size a user can ask for, in frames.
pub const MIN_BUFFER_FRAMES: u32 = 64;
/// Largest buffer size a user can ask for, in frames.
pub const MAX_BUFFER_FRAMES: u32 = 2048;
/// Block size of the dummy clock when no buffer size was asked for.
pub const DEFAULT_DUMMY_BLOCK: u32 = 512;
/// Frames converted per step inside one callback (callbacks may be any size; larger ones are
/// converted in steps of this many frames so scratch buffers stay bounded).
const SCRATCH_FRAMES: usize = 4096;
/// How often the supervisor checks the stream's health.
const POLL: Duration = Duration::from_millis(50);
/// A stream that has not called back for this long is considered gone.
const WATCHDOG: Duration = Duration::from_secs(2);

/// Fills interleaved f32 frames (`channels` per frame) at the renderer's rate. Real-time safe.
pub type PullFn = Box<dyn FnMut(&mut [f32], usize) + Send>;

/// What the output should open.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputConfig {
    /// Device to use (id or name as listed by [`list_output_devices`]); `None` = the default.
    pub device: Option<String>,
    /// Frames per callback (64–2048); `None` or a refused size = the device's default.
    pub buffer_frames: Option<u32>,
    /// How often to try (re)opening a missing device.
    pub retry_interval: Duration,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            device: None,
            buffer_frames: None,
            retry_interval: Duration::from_secs(2),
        }
    }
}

/// What was opened.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamInfo {
    /// Device name.
    pub device: String,
    /// Device rate in Hz.
    pub sample_rate: u32,
    /// Device channels.
    pub channels: u16,
    /// Device sample format (e.g. "f32", "i16").
    pub format: String,
    /// Frames per callback when fixed; `None` = the device's default.
    pub buffer_frames: Option<u32>,
    /// The mix rate when the output resamples it to the device rate.
    pub resampled_from: Option<u32>,
    /// Anything the user should know (a refused buffer size, …).
    pub notes: Vec<String>,
}

impl std::fmt::Display for StreamInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} Hz, {} ch, {}",
            self.device, self.sample_rate, self.channels, self.format
        )?;
        match self.buffer_frames {
            Some(b) => write!(f, ", {b} frames")?,
            None => write!(f, ", default buffer")?,
        }
        if let Some(from) = self.resampled_from {
            write!(f, " (resampling {from} → {} Hz)", self.sample_rate)?;
        }
        for n in &self.notes {
            write!(f, "; {n}")?;
        }
        Ok(())
    }
}

/// Where audio is going.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum OutputStatus {
    /// No output started (the renderer is driven by hand, or not at all).
    #[default]
    Off,
    /// Trying to open the device.
    Starting,
    /// A device stream is running.
    Device(StreamInfo),
    /// Playback is unavailable; a silent clock keeps transport and meters running.
    Unavailable {
        /// Why, in words.
        reason: String,
    },
}

/// What the supervisor tells the control side.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputEvent {
    /// A stream was opened (first time or after a loss).
    Opened(StreamInfo),
    /// No device could be opened; a dummy clock runs and retries continue.
    Unavailable(String),
    /// The running device failed; a dummy clock took over and reconnection is being tried.
    Lost(String),
    /// A non-fatal problem (an error reported by the stream).
    Warning(String),
}

/// Why an output could not be opened.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutputError {
    /// No usable device.
    #[error("no audio output device{0}")]
    NoDevice(String),
    /// The named device does not exist.
    #[error("no output device named {name:?} (available: {})", available.join(", "))]
    NotFound {
        /// What was asked for.
        name: String,
        /// What exists.
        available: Vec<String>,
    },
    /// The device offers no configuration stemmix can drive.
    #[error("{0}")]
    Unsupported(String),
    /// The audio system failed.
    #[error("{0}")]
    Backend(String),
}

/// Health counters a stream updates from its own threads (atomics only: the error callback
/// runs on the audio thread).
#[derive(Debug, Default)]
pub struct StreamHealth {
    callbacks: AtomicU64,
    xruns: AtomicU64,
    errors: AtomicU64,
    lost: AtomicBool,
}

impl StreamHealth {
    /// Counts one data callback.
    pub fn callback(&self) {
        self.callbacks.fetch_add(1, Ordering::Relaxed);
    }
    /// Counts an underrun.
    pub fn xrun(&self) {
        self.xruns.fetch_add(1, Ordering::Relaxed);
    }
    /// Counts another stream error.
    pub fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }
    /// Marks the device as gone.
    pub fn lost(&self) {
        self.lost.store(true, Ordering::Release);
    }
    fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Acquire)
    }
}

/// What the supervisor asks a backend to open.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamRequest {
    /// Device id or name; `None` = default.
    pub device: Option<String>,
    /// Rate of the renderer (the mix) in Hz.
    pub sample_rate: u32,
    /// Frames per callback wanted.
    pub buffer_frames: Option<u32>,
}

/// A stream that has been built but perhaps not started; dropping it closes it.
pub trait ActiveStream {
    /// Starts the callbacks.
    fn start(&mut self) -> Result<(), OutputError>;
}

/// An audio system the supervisor can open streams on (cpal, or a fake in tests).
pub trait AudioHost {
    /// Opens a stream pulling audio from `source()` (called once per stream built) and
    /// reporting into `health`. The stream must not call back before [`ActiveStream::start`].
    fn open(
        &mut self,
        req: &StreamRequest,
        source: &dyn Fn() -> PullFn,
        health: Arc<StreamHealth>,
    ) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError>;
}

/// A running output: the supervisor thread and what it reports.
pub struct Output {
    quit: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    events: mpsc::Receiver<OutputEvent>,
    xruns: Arc<AtomicU64>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl Output {
    /// Starts the output for `slot`'s renderer (which produces `sample_rate` Hz) on the cpal
    /// default host.
    pub fn start<R: Render>(
        slot: Arc<RenderSlot<R>>,
        sample_rate: u32,
        config: OutputConfig,
    ) -> Output {
        Output::start_with(slot, sample_rate, config, || {
            Box::new(CpalHost) as Box<dyn AudioHost>
        })
    }

    /// Starts the output with another backend; `backend` runs on the supervisor thread (cpal
    /// hosts and streams are not `Send` everywhere).
    pub fn start_with<R: Render>(
        slot: Arc<RenderSlot<R>>,
        sample_rate: u32,
        config: OutputConfig,
        backend: impl FnOnce() -> Box<dyn AudioHost> + Send + 'static,
    ) -> Output {
        let (quit_tx, quit_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let xruns = Arc::new(AtomicU64::new(0));
        let x = xruns.clone();
        let thread = std::thread::Builder::new()
            .name("stemmix-output".into())
            .spawn(move || {
                let source = move || -> PullFn {
                    let slot = slot.clone();
                    Box::new(move |buf: &mut [f32], ch: usize| {
                        if slot.with(|r| r.render(buf, ch)).is_none() {
                            buf.fill(0.0);
                        }
                    })
                };
                supervise(backend(), &source, sample_rate, config, quit_rx, ev_tx, x);
            });
        match thread {
            Ok(t) => Output {
                quit: Some(quit_tx),
                thread: Some(t),
                events: ev_rx,
                xruns,
            },
            Err(e) => {
                // No thread: report it through the event channel so the caller sees it.
                let (tx, rx) = mpsc::channel();
                let _ = tx.send(OutputEvent::Unavailable(format!(
                    "could not start the audio thread: {e}"
                )));
                Output {
                    quit: None,
                    thread: None,
                    events: rx,
                    xruns,
                }
            }
        }
    }

    /// The next event, if any (never blocks).
    pub fn try_event(&self) -> Option<OutputEvent> {
        self.events.try_recv().ok()
    }

    /// Underruns reported by device streams so far.
    pub fn xruns(&self) -> u64 {
        self.xruns.load(Ordering::Relaxed)
    }

    /// Stops the output and waits for it: afterwards no callback runs, so the renderer can be
    /// taken out of its slot.
    pub fn stop(&mut self) {
        self.quit.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the supervisor is running.
enum Running {
    Nothing,
    Stream {
        /// Kept alive (dropping it closes the stream).
        _stream: Box<dyn ActiveStream>,
        health: Arc<StreamHealth>,
        /// Callback count at the last check, and when it last changed (watchdog).
        last_count: u64,
        last_change: Instant,
    },
    Dummy(DummyClock),
}

fn supervise(
    mut backend: Box<dyn AudioHost>,
    source: &dyn Fn() -> PullFn,
    rate: u32,
    config: OutputConfig,
    quit: mpsc::Receiver<()>,
    events: mpsc::Sender<OutputEvent>,
    xruns: Arc<AtomicU64>,
) {
    let buffer_frames = config
        .buffer_frames
        .map(|b| b.clamp(MIN_BUFFER_FRAMES, MAX_BUFFER_FRAMES));
    let req = StreamRequest {
        device: config.device.clone(),
        sample_rate: rate,
        buffer_frames,
    };
    let dummy_block = buffer_frames.unwrap_or(DEFAULT_DUMMY_BLOCK);
    let mut running = Running::Nothing;
    let mut next_try = Instant::now();
    // Report "unavailable" once per outage, not at every retry.
    let mut reported_unavailable = false;
    let mut seen_xruns = 0u64;
    let mut seen_errors = 0u64;
    loop {
        let streaming = matches!(running, Running::Stream { .. });
        if !streaming && Instant::now() >= next_try {
            let health = Arc::new(StreamHealth::default());
            let opened =
                backend
                    .open(&req, source, health.clone())
                    .and_then(|(mut stream, info)| {
                        // The dummy clock must be gone before the stream calls back.
                        if let Running::Dummy(d) = std::mem::replace(&mut running, Running::Nothing)
                        {
                            d.stop();
                        }
                        stream.start().map(|()| (stream, info))
                    });
            match opened {
                Ok((stream, info)) => {
                    seen_xruns = 0;
                    seen_errors = 0;
                    running = Running::Stream {
                        _stream: stream,
                        health,
                        last_count: 0,
                        last_change: Instant::now(),
                    };
                    reported_unavailable = false;
                    let _ = events.send(OutputEvent::Opened(info));
                }
                Err(e) => {
                    if !reported_unavailable {
                        let _ = events.send(OutputEvent::Unavailable(e.to_string()));
                        reported_unavailable = true;
                    }
                    if !matches!(running, Running::Dummy(_)) {
                        running = Running::Dummy(DummyClock::start(source(), rate, dummy_block));
                    }
                }
            }
            next_try = Instant::now() + config.retry_interval;
        }

        match quit.recv_timeout(POLL) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            _ => break,
        }

        if let Running::Stream {
            health,
            last_count,
            last_change,
            ..
        } = &mut running
        {
            let x = health.xruns.load(Ordering::Relaxed);
            xruns.fetch_add(x - seen_xruns, Ordering::Relaxed);
            seen_xruns = x;
            let e = health.errors.load(Ordering::Relaxed);
            if e > seen_errors {
                let _ = events.send(OutputEvent::Warning(format!(
                    "the audio stream reported {} error{}",
                    e - seen_errors,
                    if e - seen_errors == 1 { "" } else { "s" }
                )));
                seen_errors = e;
            }
            let count = health.callbacks.load(Ordering::Relaxed);
            if count != *last_count {
                *last_count = count;
                *last_change = Instant::now();
            }
            let stalled = last_change.elapsed() > WATCHDOG;
            if health.is_lost() || stalled {
                let why = if stalled {
                    "the audio device stopped calling back"
                } else {
                    "the audio device disappeared"
                };
                // Dropping the stream joins its thread; only then may the dummy clock render.
                drop(std::mem::replace(&mut running, Running::Nothing));
                running = Running::Dummy(DummyClock::start(source(), rate, dummy_block));
                let _ = events.send(OutputEvent::Lost(format!(
                    "{why}; it will be reopened when it is back"
                )));
                reported_unavailable = true;
                next_try = Instant::now() + config.retry_interval;
            }
        }
    }
    // Stop whatever runs before returning (and so before the slot can be emptied).
    if let Running::Dummy(d) = running {
        d.stop();
    }
}

/// Calls the renderer once per block period on absolute deadlines (no drift), writing into a
/// discarded buffer: keeps transport and meters alive when no device is available.
pub struct DummyClock {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DummyClock {
    /// Starts the clock for `pull` at `rate` in blocks of `block` frames.
    pub fn start(mut pull: PullFn, rate: u32, block: u32) -> DummyClock {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let block = block.max(1);
        let rate = rate.max(1);
        let thread = std::thread::Builder::new()
            .name("stemmix-dummy-clock".into())
            .spawn(move || {
                let mut buf = vec![0.0f32; block as usize * 2];
                let mut origin = Instant::now();
                let mut k: u64 = 0;
                while !s.load(Ordering::Acquire) {
                    pull(&mut buf, 2);
                    k += 1;
                    // Deadline k is computed from the origin, not from the last wake-up, so
                    // sleep jitter never accumulates.
                    let nanos =
                        u128::from(k) * u128::from(block) * 1_000_000_000 / u128::from(rate);
                    let deadline = origin + Duration::from_nanos(nanos as u64);
                    let now = Instant::now();
                    if deadline > now {
                        std::thread::sleep(deadline - now);
                    } else if now - deadline > Duration::from_millis(500) {
                        // Suspended or starved for long: start counting again rather than
                        // rendering a burst to catch up.
                        origin = now;
                        k = 0;
                    }
                }
            })
            .ok();
        DummyClock { stop, thread }
    }

    /// Stops the clock and waits until it has rendered its last block.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for DummyClock {
    fn drop(&mut self) {
        self.halt();
    }
}

/// A device sample type, converted from the renderer's f32 with rounding and clipping (cpal's
/// own conversion truncates and does not clip, which wraps loud integer samples).
pub trait DeviceSample: cpal::SizedSample + Send + 'static {
    /// Converts one sample in −1…1 (values beyond are clipped; NaN becomes 0).
    fn from_f32(x: f32) -> Self;
}

fn scaled(x: f32, full: f64) -> f64 {
    (f64::from(x.clamp(-1.0, 1.0)) * full).round()
}

impl DeviceSample for f32 {
    fn from_f32(x: f32) -> Self {
        x
    }
}
impl DeviceSample for f64 {
    fn from_f32(x: f32) -> Self {
        f64::from(x)
    }
}
impl DeviceSample for i8 {
    fn from_f32(x: f32) -> Self {
        scaled(x, 128.0) as i8
    }
}
impl DeviceSample for i16 {
    fn from_f32(x: f32) -> Self {
        // `as` saturates: +1.0 → 32767, NaN → 0.
        scaled(x, 32_768.0) as i16
    }
}
impl DeviceSample for i32 {
    fn from_f32(x: f32) -> Self {
        scaled(x, 2_147_483_648.0) as i32
    }
}
impl DeviceSample for i64 {
    fn from_f32(x: f32) -> Self {
        scaled(x, 9_223_372_036_854_775_808.0) as i64
    }
}
impl DeviceSample for u8 {
    fn from_f32(x: f32) -> Self {
        (i8::from_f32(x) as u8) ^ 0x80
    }
}
impl DeviceSample for u16 {
    fn from_f32(x: f32) -> Self {
        (i16::from_f32(x) as u16) ^ 0x8000
    }
}
impl DeviceSample for u32 {
    fn from_f32(x: f32) -> Self {
        (i32::from_f32(x) as u32) ^ 0x8000_0000
    }
}
impl DeviceSample for u64 {
    fn from_f32(x: f32) -> Self {
        (i64::from_f32(x) as u64) ^ 0x8000_0000_0000_0000
    }
}
impl DeviceSample for cpal::I24 {
    fn from_f32(x: f32) -> Self {
        let v = (scaled(x, 8_388_608.0) as i32).clamp(-8_388_608, 8_388_607);
        cpal::I24::new_unchecked(v)
    }
}
impl DeviceSample for cpal::U24 {
    fn from_f32(x: f32) -> Self {
        let v = (scaled(x, 8_388_608.0) as i32).clamp(-8_388_608, 8_388_607);
        cpal::U24::new_unchecked(v + 8_388_608)
    }
}

/// Converts the renderer's rate to the device's: stereo in, any channel count out, through a
/// rubato FFT resampler whose buffers are all allocated in [`ResampleStage::new`].
pub struct ResampleStage {
    resampler: rubato::Fft<f32>,
    input: Vec<f32>,
    output: Vec<f32>,
    /// Frames of `output` already handed out.
    read: usize,
    /// Frames of `output` holding resampled audio.
    filled: usize,
}

impl ResampleStage {
    /// A stage from `from` Hz to `to` Hz (control side: allocates).
    pub fn new(from: u32, to: u32) -> Result<ResampleStage, OutputError> {
        use rubato::Resampler;
        let resampler =
            rubato::Fft::<f32>::new(from as usize, to as usize, 1024, 2, rubato::FixedSync::Both)
                .map_err(|e| {
                OutputError::Unsupported(format!("cannot resample {from} → {to} Hz: {e}"))
            })?;
        let input = vec![0.0; resampler.input_frames_max() * 2];
        let output = vec![0.0; resampler.output_frames_max() * 2];
        Ok(ResampleStage {
            resampler,
            input,
            output,
            read: 0,
            filled: 0,
        })
    }

    /// Frames of delay the resampler adds, at the device rate.
    pub fn delay(&self) -> usize {
        use rubato::Resampler;
        self.resampler.output_delay()
    }

    /// Fills `out` (interleaved, `channels` per frame, device rate) from `pull` (stereo, mix
    /// rate). Real-time safe.
    pub fn fill(
        &mut self,
        pull: &mut dyn FnMut(&mut [f32], usize),
        out: &mut [f32],
        channels: usize,
    ) {
        use rubato::Resampler;
        use rubato::audioadapter_buffers::direct::InterleavedSlice;
        let channels = channels.max(1);
        for frame in out.chunks_exact_mut(channels) {
            if self.read == self.filled {
                let n_in = self.resampler.input_frames_next();
                let n_out_max = self.output.len() / 2;
                pull(&mut self.input[..n_in * 2], 2);
                let written = match (
                    InterleavedSlice::new(&self.input[..], 2, n_in),
                    InterleavedSlice::new_mut(&mut self.output[..], 2, n_out_max),
                ) {
                    (Ok(i), Ok(mut o)) => self
                        .resampler
                        .process_into_buffer(&i, &mut o, None)
                        .map_or(0, |(_, w)| w),
                    _ => 0,
                };
                if written == 0 {
                    // Cannot happen with buffers sized from the resampler itself; output
                    // silence rather than spin.
                    frame.fill(0.0);
                    continue;
                }
                self.read = 0;
                self.filled = written;
            }
            let (l, r) = (self.output[self.read * 2], self.output[self.read * 2 + 1]);
            self.read += 1;
            if channels == 1 {
                frame[0] = 0.5 * (l + r);
            } else {
                frame[0] = l;
                frame[1] = r;
                frame[2..].fill(0.0);
            }
        }
    }
}

/// Turns the renderer's f32 into the device's frames: channel layout, rate, sample format.
struct OutputAdapter {
    pull: PullFn,
    channels: usize,
    buf: Vec<f32>,
    resample: Option<ResampleStage>,
}

impl OutputAdapter {
    fn new(pull: PullFn, channels: usize, resample: Option<ResampleStage>) -> OutputAdapter {
        OutputAdapter {
            pull,
            channels: channels.max(1),
            buf: vec![0.0; SCRATCH_FRAMES * channels.max(1)],
            resample,
        }
    }

    fn fill<T: DeviceSample>(&mut self, out: &mut [T]) {
        // Covers the resampler too (the graph holds its own guard inside `process`).
        let _ftz = crate::dsp::denormal::FlushDenormals::new();
        let ch = self.channels;
        for piece in out.chunks_mut(SCRATCH_FRAMES * ch) {
            let n = piece.len() / ch * ch;
            let buf = &mut self.buf[..n];
            match &mut self.resample {
                None => (self.pull)(buf, ch),
                Some(rs) => rs.fill(&mut self.pull, buf, ch),
            }
            for (o, x) in piece.iter_mut().zip(buf.iter()) {
                *o = T::from_f32(*x);
            }
        }
    }
}

/// The cpal default host.
pub struct CpalHost;

struct CpalStream(cpal::Stream);

impl ActiveStream for CpalStream {
    fn start(&mut self) -> Result<(), OutputError> {
        self.0
            .play()
            .map_err(|e| OutputError::Backend(format!("cannot start the stream: {e}")))
    }
}

impl AudioHost for CpalHost {
    fn open(
        &mut self,
        req: &StreamRequest,
        source: &dyn Fn() -> PullFn,
        health: Arc<StreamHealth>,
    ) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError> {
        let log = alsa_log::capture();
        let result = open_cpal(req, source, health);
        result.map_err(|e| match (e, log.and_then(alsa_log::last_line)) {
            (OutputError::NoDevice(s), Some(line)) => {
                OutputError::NoDevice(format!("{s} (ALSA: {line})"))
            }
            (OutputError::Backend(s), Some(line)) => {
                OutputError::Backend(format!("{s} (ALSA: {line})"))
            }
            (e, _) => e,
        })
    }
}

fn open_cpal(
    req: &StreamRequest,
    source: &dyn Fn() -> PullFn,
    health: Arc<StreamHealth>,
) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError> {
    let host = cpal::default_host();
    let device = find_device(&host, req.device.as_deref())?;
    let name = device_name(&device);
    let choice = choose_config(&device, req.sample_rate)?;
    let mut notes = Vec::new();
    let mut buffer = cpal::BufferSize::Default;
    if let Some(b) = req.buffer_frames {
        match choice.buffer_range {
            cpal::SupportedBufferSize::Range { min, max } if !(min..=max).contains(&b) => {
                notes.push(format!(
                    "buffer of {b} frames refused (device allows {min}–{max}); using its default"
                ));
            }
            _ => buffer = cpal::BufferSize::Fixed(b),
        }
    }
    let resampled_from = (choice.rate != req.sample_rate).then_some(req.sample_rate);
    let make_adapter = || -> Result<OutputAdapter, OutputError> {
        let rs = match resampled_from {
            Some(from) => Some(ResampleStage::new(from, choice.rate)?),
            None => None,
        };
        Ok(OutputAdapter::new(
            source(),
            usize::from(choice.channels),
            rs,
        ))
    };
    let mut config = cpal::StreamConfig {
        channels: choice.channels,
        sample_rate: choice.rate,
        buffer_size: buffer,
    };
    let stream = match build_stream(
        &device,
        config,
        choice.format,
        make_adapter()?,
        health.clone(),
    ) {
        Ok(s) => s,
        Err(e) if buffer != cpal::BufferSize::Default => {
            // Some devices refuse a size they listed (or list none): fall back to the default.
            notes.push(format!(
                "buffer of {} frames refused ({e}); using the device default",
                req.buffer_frames.unwrap_or(0)
            ));
            config.buffer_size = cpal::BufferSize::Default;
            buffer = cpal::BufferSize::Default;
            build_stream(&device, config, choice.format, make_adapter()?, health)?
        }
        Err(e) => return Err(e),
    };
    let info = StreamInfo {
        device: name,
        sample_rate: choice.rate,
        channels: choice.channels,
        format: choice.format.to_string(),
        buffer_frames: match buffer {
            cpal::BufferSize::Fixed(b) => Some(b),
            cpal::BufferSize::Default => stream.buffer_size().ok(),
        },
        resampled_from,
        notes,
    };
    Ok((Box::new(CpalStream(stream)), info))
}

fn device_name(d: &cpal::Device) -> String {
    match d.id() {
        Ok(id) => id.id().to_string(),
        Err(_) => d
            .description()
            .map(|x| x.name().to_string())
            .unwrap_or_else(|_| "audio device".into()),
    }
}

fn find_device(host: &cpal::Host, name: Option<&str>) -> Result<cpal::Device, OutputError> {
    let Some(name) = name else {
        return host
            .default_output_device()
            .ok_or_else(|| OutputError::NoDevice(String::new()));
    };
    let devices: Vec<cpal::Device> = host
        .output_devices()
        .map_err(|e| OutputError::Backend(format!("cannot list audio devices: {e}")))?
        .collect();
    let label = |d: &cpal::Device| {
        let id = d.id().map(|i| i.id().to_string()).unwrap_or_default();
        let desc = d
            .description()
            .map(|x| x.name().to_string())
            .unwrap_or_default();
        (id, desc)
    };
    let labels: Vec<(String, String)> = devices.iter().map(label).collect();
    let lower = name.to_lowercase();
    let pick = |pred: &dyn Fn(&(String, String)) -> bool| {
        let hits: Vec<usize> = (0..labels.len()).filter(|&i| pred(&labels[i])).collect();
        (hits.len() == 1).then(|| hits[0])
    };
    let found = pick(&|(id, _)| id == name)
        .or_else(|| pick(&|(_, desc)| desc == name))
        .or_else(|| pick(&|(id, desc)| id.to_lowercase() == lower || desc.to_lowercase() == lower))
        .or_else(|| {
            pick(&|(id, desc)| {
                id.to_lowercase().contains(&lower) || desc.to_lowercase().contains(&lower)
            })
        });
    match found {
        Some(i) => Ok(devices
            .into_iter()
            .nth(i)
            .ok_or_else(|| OutputError::NoDevice(String::new()))?),
        None => Err(OutputError::NotFound {
            name: name.to_string(),
            available: labels.into_iter().map(|(id, _)| id).collect(),
        }),
    }
}

struct ConfigChoice {
    rate: u32,
    channels: u16,
    format: cpal::SampleFormat,
    buffer_range: cpal::SupportedBufferSize,
}

/// Preference of device formats: float first (no conversion loss), then the widest integers.
fn format_rank(f: cpal::SampleFormat) -> Option<u8> {
    use cpal::SampleFormat as F;
    Some(match f {
        F::F32 => 0,
        F::I32 => 1,
        F::I24 => 2,
        F::F64 => 3,
        F::I16 => 4,
        F::U32 => 5,
        F::U24 => 6,
        F::U16 => 7,
        F::I64 => 8,
        F::U64 => 9,
        F::I8 => 10,
        F::U8 => 11,
        _ => return None,
    })
}

fn channel_rank(c: u16) -> u16 {
    match c {
        2 => 0,
        1 => u16::MAX,
        c => c,
    }
}

fn choose_config(device: &cpal::Device, rate: u32) -> Result<ConfigChoice, OutputError> {
    let ranges: Vec<cpal::SupportedStreamConfigRange> = device
        .supported_output_configs()
        .map(|it| {
            it.filter(|r| format_rank(r.sample_format()).is_some())
                .collect()
        })
        .unwrap_or_default();
    let best = |rate: u32| {
        ranges
            .iter()
            .filter(|r| {
                r.channels() > 0 && r.min_sample_rate() <= rate && rate <= r.max_sample_rate()
            })
            .min_by_key(|r| (channel_rank(r.channels()), format_rank(r.sample_format())))
            .map(|r| ConfigChoice {
                rate,
                channels: r.channels(),
                format: r.sample_format(),
                buffer_range: *r.buffer_size(),
            })
    };
    if let Some(c) = best(rate) {
        return Ok(c);
    }
    // The mix rate is not offered: run at the device's own rate and resample.
    let default = device.default_output_config();
    if let Ok(d) = &default {
        if let Some(c) = best(d.sample_rate()) {
            return Ok(c);
        }
        if format_rank(d.sample_format()).is_some() && d.channels() > 0 {
            return Ok(ConfigChoice {
                rate: d.sample_rate(),
                channels: d.channels(),
                format: d.sample_format(),
                buffer_range: *d.buffer_size(),
            });
        }
    }
    if let Some(r) = ranges.first() {
        let rate = r.max_sample_rate().min(192_000).max(r.min_sample_rate());
        return Ok(ConfigChoice {
            rate,
            channels: r.channels(),
            format: r.sample_format(),
            buffer_range: *r.buffer_size(),
        });
    }
    match default {
        // cpal's sentence adds nothing; the ALSA detail is appended by the caller.
        Err(e) if e.kind() == cpal::ErrorKind::DeviceNotAvailable => {
            Err(OutputError::NoDevice(String::new()))
        }
        Err(e) => Err(OutputError::Backend(format!(
            "cannot query the device: {e}"
        ))),
        Ok(d) => Err(OutputError::Unsupported(format!(
            "the device only offers {} samples, which stemmix cannot produce",
            d.sample_format()
        ))),
    }
}

fn build_stream(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    format: cpal::SampleFormat,
    adapter: OutputAdapter,
    health: Arc<StreamHealth>,
) -> Result<cpal::Stream, OutputError> {
    use cpal::SampleFormat as F;
    let r = match format {
        F::F32 => typed::<f32>(device, config, adapter, health),
        F::F64 => typed::<f64>(device, config, adapter, health),
        F::I8 => typed::<i8>(device, config, adapter, health),
        F::I16 => typed::<i16>(device, config, adapter, health),
        F::I24 => typed::<cpal::I24>(device, config, adapter, health),
        F::I32 => typed::<i32>(device, config, adapter, health),
        F::I64 => typed::<i64>(device, config, adapter, health),
        F::U8 => typed::<u8>(device, config, adapter, health),
        F::U16 => typed::<u16>(device, config, adapter, health),
        F::U24 => typed::<cpal::U24>(device, config, adapter, health),
        F::U32 => typed::<u32>(device, config, adapter, health),
        F::U64 => typed::<u64>(device, config, adapter, health),
        other => {
            return Err(OutputError::Unsupported(format!(
                "sample format {other} is not supported"
            )));
        }
    };
    r.map_err(|e| match e.kind() {
        cpal::ErrorKind::DeviceNotAvailable => OutputError::NoDevice(format!(" ({e})")),
        cpal::ErrorKind::UnsupportedConfig => OutputError::Unsupported(e.to_string()),
        _ => OutputError::Backend(e.to_string()),
    })
}

fn typed<T: DeviceSample>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut adapter: OutputAdapter,
    health: Arc<StreamHealth>,
) -> Result<cpal::Stream, cpal::Error> {
    let h = health.clone();
    device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
            h.callback();
            adapter.fill(data);
        },
        // Runs on the audio thread too: atomics only.
        move |err: cpal::Error| match err.kind() {
            cpal::ErrorKind::Xrun => health.xrun(),
            cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated => {
                health.lost()
            }
            _ => health.error(),
        },
        None,
    )
}

/// Checks that an output device matching `name` exists (the rules [`OutputConfig::device`]
/// uses: exact id, exact name, case-insensitive, then a unique substring) and returns its id.
pub fn resolve_output_device(name: &str) -> Result<String, OutputError> {
    let _log = alsa_log::capture();
    let host = cpal::default_host();
    find_device(&host, Some(name)).map(|d| device_name(&d))
}

/// An output device as listed by [`list_output_devices`].
#[derive(Clone, Debug, PartialEq)]
pub struct OutputDeviceInfo {
    /// Identifier to pass as the device name.
    pub id: String,
    /// Human-readable description.
    pub name: String,
    /// Whether this is the default output.
    pub is_default: bool,
    /// Its default configuration ("48000 Hz, 2 ch, f32"), or why it cannot be opened now.
    pub default_config: Result<String, String>,
}

/// Lists the output devices of the default host.
pub fn list_output_devices() -> Result<Vec<OutputDeviceInfo>, OutputError> {
    let _log = alsa_log::capture();
    let host = cpal::default_host();
    let default_id = host
        .default_output_device()
        .and_then(|d| d.id().ok())
        .map(|i| i.id().to_string());
    let mut devices: Vec<cpal::Device> = host
        .output_devices()
        .map_err(|e| OutputError::Backend(format!("cannot list audio devices: {e}")))?
        .collect();
    // The default device is not always among the enumerated ones (ALSA lists it only when it
    // is configured); show it anyway, with why it cannot be opened.
    if let Some(d) = host.default_output_device()
        && !devices.iter().any(|x| x.id().ok() == d.id().ok())
    {
        devices.insert(0, d);
    }
    Ok(devices
        .into_iter()
        .map(|d| {
            let id = d.id().map(|i| i.id().to_string()).unwrap_or_default();
            let name = d
                .description()
                .map(|x| x.name().to_string())
                .unwrap_or_else(|_| id.clone());
            let default_config = d
                .default_output_config()
                .map(|c| {
                    format!(
                        "{} Hz, {} ch, {}",
                        c.sample_rate(),
                        c.channels(),
                        c.sample_format()
                    )
                })
                .map_err(|e| e.to_string());
            OutputDeviceInfo {
                is_default: default_id.as_deref() == Some(id.as_str()),
                id,
                name,
                default_config,
            }
        })
        .collect())
}

/// Keeps alsa-lib's diagnostics ("cannot find card '0'" …) off stderr while devices are probed
/// (every reconnection attempt would print them), and turns the last one into error detail.
#[cfg(target_os = "linux")]
mod alsa_log {
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Captured diagnostics of this thread until dropped.
    pub type Log = Rc<RefCell<alsa::Output>>;

    /// Starts capturing this thread's alsa-lib messages (a fresh, empty buffer).
    pub fn capture() -> Option<Log> {
        alsa::Output::local_error_handler().ok()
    }

    /// The last message captured.
    pub fn last_line(log: Log) -> Option<String> {
        let text = log.try_borrow().ok()?.to_string();
        text.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
    }
}

#[cfg(not(target_os = "linux"))]
mod alsa_log {
    pub type Log = ();
    pub fn capture() -> Option<Log> {
        None
    }
    pub fn last_line(_: Log) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_conversion_rounds_and_clips() {
        assert_eq!(i16::from_f32(0.0), 0);
        assert_eq!(i16::from_f32(1.0), 32767);
        assert_eq!(i16::from_f32(2.0), 32767);
        assert_eq!(i16::from_f32(-1.0), -32768);
        assert_eq!(i16::from_f32(-3.0), -32768);
        assert_eq!(i16::from_f32(f32::NAN), 0);
        assert_eq!(i16::from_f32(0.6 / 32768.0), 1);
        assert_eq!(i16::from_f32(0.4 / 32768.0), 0);
        assert_eq!(u16::from_f32(0.0), 32768);
        assert_eq!(u8::from_f32(-1.0), 0);
        assert_eq!(u8::from_f32(1.0), 255);
        assert_eq!(i32::from_f32(1.0), i32::MAX);
        assert_eq!(i32::from_f32(-0.5), -(1 << 30));
        assert_eq!(cpal::I24::from_f32(1.0).inner(), 8_388_607);
        assert_eq!(cpal::U24::from_f32(0.0).inner(), 8_388_608);
    }

    #[test]
    fn resampler_keeps_a_sine_at_its_frequency_and_level() {
        // 1 kHz at 44.1 kHz in → 48 kHz out: count zero crossings over one second of output.
        let (from, to) = (44_100u32, 48_000u32);
        let mut stage = ResampleStage::new(from, to).unwrap();
        let mut phase = 0u64;
        let mut pull = |buf: &mut [f32], ch: usize| {
            for f in buf.chunks_exact_mut(ch) {
                let v = 0.5 * (phase as f64 * 1000.0 * std::f64::consts::TAU / from as f64).sin();
                f.fill(v as f32);
                phase += 1;
            }
        };
        let mut out = vec![0.0f32; to as usize * 3];
        for c in out.chunks_mut(2 * 300) {
            stage.fill(&mut pull, c, 2);
        }
        let second = &out[to as usize..to as usize * 3];
        let left: Vec<f32> = second.iter().step_by(2).copied().collect();
        let crossings = left
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!((999..=1001).contains(&crossings), "{crossings}");
        let peak = left.iter().fold(0.0f32, |a, &x| a.max(x.abs()));
        assert!((peak - 0.5).abs() < 0.01, "{peak}");
    }

    /// A pull of a constant stereo frame (0.5, −0.25), counting frames.
    fn constant(count: Arc<AtomicU64>) -> PullFn {
        Box::new(move |buf, ch| {
            for f in buf.chunks_exact_mut(ch) {
                f[0] = 0.5;
                if ch > 1 {
                    f[1] = -0.25;
                    f[2..].fill(0.0);
                }
            }
            count.fetch_add((buf.len() / ch) as u64, Ordering::Relaxed);
        })
    }

    #[test]
    fn adapter_converts_layout_and_format_for_any_callback_size() {
        // Six i16 channels: stereo on the first two, silence on the rest; a callback larger
        // than the scratch buffer is converted in steps.
        let n = Arc::new(AtomicU64::new(0));
        let mut a = OutputAdapter::new(constant(n.clone()), 6, None);
        let mut out = vec![7i16; (SCRATCH_FRAMES + 100) * 6];
        a.fill(&mut out);
        assert_eq!(n.load(Ordering::Relaxed), (SCRATCH_FRAMES + 100) as u64);
        for f in out.chunks_exact(6) {
            assert_eq!(f, [16384, -8192, 0, 0, 0, 0]);
        }
        // u8 conversion keeps the unsigned origin.
        let mut a = OutputAdapter::new(constant(Arc::new(AtomicU64::new(0))), 2, None);
        let mut out = vec![0u8; 64];
        a.fill(&mut out);
        assert_eq!(&out[..2], &[192, 96]);
    }

    #[test]
    fn adapter_resamples_to_the_device_rate() {
        // 44.1 kHz mix on a 48 kHz device: 48000 device frames pull about 44100 mix frames.
        let n = Arc::new(AtomicU64::new(0));
        let rs = ResampleStage::new(44_100, 48_000).unwrap();
        let mut a = OutputAdapter::new(constant(n.clone()), 2, Some(rs));
        let mut out = vec![0.0f32; 480 * 2];
        for _ in 0..100 {
            a.fill(&mut out);
        }
        let pulled = n.load(Ordering::Relaxed) as f64;
        assert!((pulled - 44_100.0).abs() < 2_100.0, "{pulled}");
        // After the resampler's delay the constant comes through at its level.
        assert!(
            (out[out.len() - 2] - 0.5).abs() < 1e-3,
            "{}",
            out[out.len() - 2]
        );
        assert!((out[out.len() - 1] + 0.25).abs() < 1e-3);
    }

    #[test]
    fn dummy_clock_keeps_real_time_without_drift() {
        let frames = Arc::new(AtomicU64::new(0));
        let f = frames.clone();
        let pull: PullFn = Box::new(move |buf, ch| {
            f.fetch_add((buf.len() / ch) as u64, Ordering::Relaxed);
        });
        let t0 = Instant::now();
        let clock = DummyClock::start(pull, 48_000, 480);
        std::thread::sleep(Duration::from_millis(1000));
        let elapsed = t0.elapsed().as_secs_f64();
        let rendered = frames.load(Ordering::Relaxed) as f64 / 48_000.0;
        clock.stop();
        // One block is rendered ahead of its deadline; a stall is caught up on absolute
        // deadlines. The slack is for a busy shared test machine.
        assert!(
            (rendered - elapsed).abs() < 0.1,
            "{rendered} s in {elapsed} s"
        );
    }
}
