//! The mix engine: the mix graph that playback and bounce share, the real-time renderer with its
//! command and feedback rings, the audio device, and offline rendering.
//!
//! Nothing here knows about the GUI.

pub mod bounce;
pub mod bus;
pub mod command;
pub mod device;
pub mod feedback;
pub mod graph;
pub mod handle;
pub mod meters;
pub mod offline;
pub mod params;
pub mod realtime;
pub mod slot;
pub mod stems;
pub mod strip;
pub mod sync;

pub use command::{Command, GraphCommand, Retired, Source, TrackParam};
pub use device::{OutputConfig, OutputStatus, list_output_devices};
pub use feedback::{Feedback, PlayState};
pub use graph::{MixGraph, TrackNode};
pub use handle::EngineHandle;
pub use meters::{ChannelMeter, MasterMeterState, MeterState};
pub use realtime::AudioEngine;
pub use slot::{Render, RenderSlot};
