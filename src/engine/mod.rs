//! The mix engine: the mix graph that playback and bounce share, the real-time renderer with its
//! command and feedback rings, the audio device, and offline rendering.
//!
//! Nothing here knows about the GUI.

pub mod bounce;
pub mod bus;
pub mod command;
pub mod graph;
pub mod offline;
pub mod params;
pub mod slot;
pub mod stems;
pub mod strip;
pub mod sync;

pub use command::{Command, GraphCommand, Retired, Source, TrackParam};
pub use graph::{MixGraph, TrackNode};
pub use slot::{Render, RenderSlot};
