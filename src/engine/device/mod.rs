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

//!
//! | module | holds |
//! |---|---|
//! | this one | what the output is asked to open and reports: config, status, events, errors, the backend traits |
//! | `supervisor` | [`Output`]: the supervisor thread that opens, watches and reopens streams |
//! | `dummy_clock` | [`DummyClock`]: the silent clock used while no device is there |
//! | `sample` | [`DeviceSample`]: f32 to any device sample format |
//! | `adapter` | [`ResampleStage`] and the adapter from the renderer's frames to a device's |
//! | `cpal_host` | [`CpalHost`]: the cpal backend, device lookup and listing |

mod adapter;
mod cpal_host;
mod dummy_clock;
mod sample;
mod supervisor;

pub use adapter::ResampleStage;
pub use cpal_host::{CpalHost, OutputDeviceInfo, list_output_devices, resolve_output_device};
pub use dummy_clock::DummyClock;
pub use sample::DeviceSample;
pub use supervisor::Output;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Smallest buffer size a user can ask for, in frames.
pub const MIN_BUFFER_FRAMES: u32 = 64;
/// Largest buffer size a user can ask for, in frames.
pub const MAX_BUFFER_FRAMES: u32 = 2048;
/// Block size of the dummy clock when no buffer size was asked for.
pub const DEFAULT_DUMMY_BLOCK: u32 = 512;

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
    pub(super) callbacks: AtomicU64,
    pub(super) xruns: AtomicU64,
    pub(super) errors: AtomicU64,
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
    pub(super) fn is_lost(&self) -> bool {
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
