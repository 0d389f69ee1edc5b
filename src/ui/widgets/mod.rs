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

/// Writes a widget's `width` and `height` builder setters (its `width` and `height` fields are
/// [`iced::Length`]s), with the doc line of each.
macro_rules! size_setters {
    ($width_doc:literal, $height_doc:literal) => {
        #[doc = $width_doc]
        pub fn width(mut self, width: impl Into<iced::Length>) -> Self {
            self.width = width.into();
            self
        }

        #[doc = $height_doc]
        pub fn height(mut self, height: impl Into<iced::Length>) -> Self {
            self.height = height.into();
            self
        }
    };
}

/// Writes a value control's `on_release`, `on_reset` and `on_value_click` setters (its
/// `messages` are a `gesture::Messages`), with the doc line of each.
macro_rules! gesture_setters {
    ($release_doc:literal, $reset_doc:literal, $value_click_doc:literal) => {
        #[doc = $release_doc]
        pub fn on_release(mut self, message: Message) -> Self {
            self.messages.on_release = Some(message);
            self
        }

        #[doc = $reset_doc]
        pub fn on_reset(mut self, message: Message) -> Self {
            self.messages.on_reset = Some(message);
            self
        }

        #[doc = $value_click_doc]
        pub fn on_value_click(mut self, message: Message) -> Self {
            self.on_value_click = Some(message);
            self
        }
    };
}

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
