//! The mixer window's custom widgets: fader, knob, meters, timeline lanes, curve previews, the
//! EQ editor and the compressor's transfer curve and gain-reduction history.
//!
//! Every widget is generic over the app's `Message` and takes its messages as builder
//! arguments, like iced's own widgets; none of them knows about tracks. The stereo meter draws
//! the engine's display meter type ([`ChannelMeter`](crate::engine::ChannelMeter)) as it
//! comes; the curves draw points the app computes with the DSP's functions. They keep
//! their UI state (drags, caches) in the widget tree and never ask for a redraw on their own:
//! while idle they cost nothing.
//!
//! Value controls (fader, knob) follow one protocol: `on_change(value)` during a gesture, then
//! exactly one `on_release` when a gesture that changed something ends, so the app records one
//! undo step per gesture.

pub mod comp_editor;
pub mod curve;
pub mod eq_editor;
pub mod fader;
pub mod format;
pub mod knob;
pub mod meter;
pub mod splitter;
pub mod timeline;
pub mod wrap;

pub(crate) mod cache;
mod gesture;
mod host;

pub use comp_editor::{gr_history, transfer_curve};
pub use curve::{compressor_curve, eq_curve};
pub use eq_editor::eq_editor;
pub use fader::fader;
pub use gesture::FINE;
pub use knob::{Mapping, knob, pan_knob};
pub use meter::{gain_reduction_meter, loudness_bar, loudness_meter, meter};
pub use splitter::{Axis, splitter};
pub use timeline::{TimeView, lane, offline_lane, ruler};
pub use wrap::{blur_on_submit, wheel_sideways};
