//! The mix engine: the mix graph that playback and every render share, the real-time renderer
//! with its command and feedback rings, the audio device, and the render driver (faster than
//! real time: bounce, in-memory renders, the tests' references).
//!
//! Nothing here knows about the GUI.

pub mod analysis;
pub mod analysis_job;
pub mod bounce;
mod bounce_guard;
mod bounce_options;
mod bounce_target;
pub mod bus;
pub mod command;
pub mod device;
pub mod faults;
pub mod feedback;
pub mod graph;
pub mod handle;
mod listen;
pub mod meters;
pub mod monitor;
pub mod params;
mod pending;
pub mod prefetch;
mod read_head;
pub mod realtime;
pub mod reference;
pub mod render;
pub mod slot;
pub mod spectrum_tap;
pub mod stems;
mod stems_bounce;
pub mod strip;
pub mod switch;
pub mod sync;

pub use command::{Command, GraphCommand, Retired, Source, TrackParam};
pub use device::{OutputConfig, OutputStatus, list_output_devices};
pub use faults::{FaultSource, Faults};
pub use feedback::{Feedback, PlayState};
pub use graph::{MixGraph, TrackNode};
pub use handle::EngineHandle;
pub use meters::{ChannelMeter, MasterMeterState, MeterState, NewFault, ReferenceMeterState};
pub use monitor::{MonitorMode, MonitorSettings};
pub use realtime::AudioEngine;
pub use reference::{MAX_REFERENCES, RefSetup, ReferenceCommand};
pub use render::{RenderOptions, RenderOutcome, Tail};
pub use slot::{Render, RenderSlot};
pub use switch::{CROSSFADE_MS, crossfade_frames};
