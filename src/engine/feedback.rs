//! Messages from the audio thread to the control side (over rtrb rings), and the audio-side
//! accumulators that produce them.
//!
//! Two lanes leave the audio thread:
//! - the **feedback** ring carries [`Feedback`]: a report ([`Feedback::Transport`], one
//!   [`Feedback::Track`] per track, [`Feedback::Reverb`], [`Feedback::Reference`], then
//!   [`Feedback::Master`]) at least
//!   30 times a second, and events ([`Feedback::Ended`]);
//! - the **retire** ring carries every [`Retired`](super::Retired) object the audio thread let go
//!   of, so that nothing is ever freed on the audio thread. It is a ring of its own so that meter
//!   traffic can never hold back a structural change (the audio thread applies one only when the
//!   retire ring has room for what it gives back).
//!
//! A report is pushed only when the ring has room for all of it; until then the audio side keeps
//! accumulating (peaks are maxima, clip and fault flags are sticky), so a full ring delays meters
//! but never loses a clip. The measurements themselves are the dsp module's real-time meters
//! (`dsp::LevelMeter`, `dsp::LoudnessMeter`).

use super::command::Source;
use crate::dsp::LevelReport;
use crate::project::{RefId, TrackId};

/// Reports per second the audio thread aims for (sub-block: a 2048-frame buffer is split).
pub const REPORTS_PER_SECOND: u32 = 60;
/// Capacity of the retire ring (structural changes waiting to be applied wait for room here).
pub const RETIRE_CAPACITY: usize = 64;

/// Messages of one report besides the tracks: transport, reverb return, reference, master.
pub const REPORT_OVERHEAD: usize = 4;

/// Capacity of the feedback ring for graphs of up to `max_tracks` tracks: four whole reports
/// (and an event), so a control side ticking at 15 Hz or faster never makes the audio side
/// wait.
pub fn feedback_capacity(max_tracks: usize) -> usize {
    4 * (max_tracks + REPORT_OVERHEAD + 1)
}

/// What the transport is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlayState {
    /// Not playing; DSP state cleared (the next play pre-rolls, like a bounce).
    #[default]
    Stopped,
    /// Not playing; DSP state kept so that resuming continues seamlessly.
    Paused,
    /// Playing.
    Playing,
}

/// Why playback ended on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The playhead reached the end of the longest stem (and no loop was on).
    ProjectEnd,
    /// The frame budget of [`Command::StopAfter`](super::Command::StopAfter) was used up.
    FrameLimit,
}

/// First message of every report: where the transport is and how the callback is coping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransportReport {
    /// The frame being heard next: the graph's read position minus its latency (after a jump,
    /// the old position until the latency has played out).
    pub position: u64,
    /// Transport state.
    pub state: PlayState,
    /// What the output plays: the source selected last (during a crossfade, the one being
    /// faded to; see [`ReferenceReport::crossfading`]).
    pub source: Source,
    /// Length of the project (longest stem) in frames.
    pub length: u64,
    /// Sample rate of the mix in Hz.
    pub sample_rate: u32,
    /// Callbacks since the engine was built that took longer than the audio they produced.
    pub overloads: u64,
    /// Highest callback time as a fraction of its audio duration since the last report.
    pub load: f32,
}

/// Levels of one channel strip since the last report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackMeter {
    /// The track.
    pub id: TrackId,
    /// Peak, RMS and clip per side (linear).
    pub levels: LevelReport,
    /// Compressor gain reduction in dB (≥ 0).
    pub gain_reduction_db: f32,
    /// A NaN or infinity was caught and silenced.
    pub faulted: bool,
    /// Frames played as silence because the stem was not in memory in time.
    pub starved_frames: u32,
}

/// Levels of the reverb return since the last report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReverbMeter {
    /// Peak, RMS and clip per side of what the return adds to the mix (linear).
    pub levels: LevelReport,
    /// A NaN or infinity was caught and the reverb's tail cleared.
    pub faulted: bool,
}

/// The A/B side of a report: the selected reference's playhead, and the mix's own live
/// loudness (the mix keeps running while a reference is heard; the master meters measure
/// what is heard).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReferenceReport {
    /// The selected reference and its playhead in frames of its audio (Free: its own
    /// playhead; Sync: the mix's heard position, at most its length); `None` when the mix is
    /// selected or the selected reference is not loaded.
    pub position: Option<(RefId, u64)>,
    /// The selected reference's playhead is at (or past) the end of its audio: silence.
    pub at_end: bool,
    /// An A/B crossfade is running.
    pub crossfading: bool,
    /// Momentary loudness (400 ms) of the mix itself in LUFS; −∞ while not playing.
    pub mix_momentary_lufs: f32,
    /// Short-term loudness (3 s) of the mix itself in LUFS; −∞ while not playing.
    pub mix_short_term_lufs: f32,
}

/// Levels of what is heard (the mix, a reference, or their crossfade; before the monitor
/// section) since the last report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MasterMeter {
    /// Peak, RMS and clip per side (linear).
    pub levels: LevelReport,
    /// Highest true peak (4× oversampled) of either side in dBTP (−∞ for silence).
    pub true_peak_dbtp: f32,
    /// Momentary loudness (400 ms) in LUFS; −∞ while not playing.
    pub momentary_lufs: f32,
    /// Short-term loudness (3 s) in LUFS; −∞ while not playing.
    pub short_term_lufs: f32,
    /// Integrated loudness since the last meter reset in LUFS (−∞ until enough was heard).
    pub integrated_lufs: f32,
    /// Master limiter gain reduction in dB (≥ 0).
    pub limiter_gr_db: f32,
    /// A NaN or infinity was caught on the master bus and silenced.
    pub faulted: bool,
}

/// A message from the audio thread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Feedback {
    /// Starts a report.
    Transport(TransportReport),
    /// One per track, in mixer order.
    Track(TrackMeter),
    /// The reverb return, after the tracks.
    Reverb(ReverbMeter),
    /// The A/B state, after the reverb return.
    Reference(ReferenceReport),
    /// Ends a report.
    Master(MasterMeter),
    /// Playback stopped on its own at `position`.
    Ended {
        /// Where the playhead stopped.
        position: u64,
        /// Why.
        reason: EndReason,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_messages_stay_small() {
        // The ring holds thousands of these; keep them a few cache lines at most.
        assert!(std::mem::size_of::<Feedback>() <= 64);
    }
}
