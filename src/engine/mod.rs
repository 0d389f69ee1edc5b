//! The mix engine: the mix graph that playback and bounce share, the real-time renderer with its
//! command and feedback rings, the audio device, and offline rendering.
//!
//! Nothing here knows about the GUI.

pub mod slot;

pub use slot::{Render, RenderSlot};
