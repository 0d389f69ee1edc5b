//! The supervisor thread: opens the device stream (or runs the dummy clock), watches its
//! health, and reopens it when a lost device comes back.

use super::{
    ActiveStream, AudioHost, DEFAULT_DUMMY_BLOCK, DummyClock, MAX_BUFFER_FRAMES, MIN_BUFFER_FRAMES,
    OutputConfig, OutputEvent, PullFn, ResampleStage, StreamHealth, StreamInfo, StreamRequest,
    cpal_host::CpalHost,
};
use crate::engine::slot::{Render, RenderSlot};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the supervisor checks the stream's health.
const POLL: Duration = Duration::from_millis(50);
/// A stream that has not called back for this long is considered gone.
const WATCHDOG: Duration = Duration::from_secs(2);

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
                let pulled = slot.clone();
                let source = move || -> PullFn {
                    let slot = pulled.clone();
                    Box::new(move |buf: &mut [f32], ch: usize| {
                        if slot.with(|r| r.render(buf, ch)).is_none() {
                            buf.fill(0.0);
                        }
                    })
                };
                // Called only while no callback runs (before a stream or clock starts).
                let set_delay = move |frames: u32| {
                    slot.with(|r| r.set_output_delay(frames));
                };
                let ends = Ends {
                    source: &source,
                    set_delay: &set_delay,
                };
                supervise(backend(), ends, sample_rate, config, quit_rx, ev_tx, x);
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

/// What the supervisor connects streams to: the renderer's pull, and where the output's own
/// delay is reported.
struct Ends<'a> {
    source: &'a dyn Fn() -> PullFn,
    set_delay: &'a dyn Fn(u32),
}

/// Frames (mix rate) a stream opened as `info` adds after rendering: its resampler's delay.
fn output_delay(info: &StreamInfo) -> u32 {
    info.resampled_from
        .and_then(|from| ResampleStage::new(from, info.sample_rate).ok())
        .map_or(0, |rs| rs.delay_mix_frames())
}

fn supervise(
    mut backend: Box<dyn AudioHost>,
    ends: Ends<'_>,
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
                    .open(&req, ends.source, health.clone())
                    .and_then(|(mut stream, info)| {
                        // The dummy clock must be gone before the stream calls back.
                        if let Running::Dummy(d) = std::mem::replace(&mut running, Running::Nothing)
                        {
                            d.stop();
                        }
                        (ends.set_delay)(output_delay(&info));
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
                        (ends.set_delay)(0);
                        running =
                            Running::Dummy(DummyClock::start((ends.source)(), rate, dummy_block));
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
                (ends.set_delay)(0);
                running = Running::Dummy(DummyClock::start((ends.source)(), rate, dummy_block));
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
