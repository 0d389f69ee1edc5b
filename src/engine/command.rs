//! Messages from the control side to the audio side (over an rtrb ring).
//!
//! Parameter changes are small `Copy` values that coalesce (the latest value for a key wins
//! when the ring is full); structural changes carry objects built on the control side, which
//! the audio thread swaps in between blocks. Whatever it replaces comes back as [`Retired`].

use super::graph::{MixGraph, TrackNode};
use super::monitor::MonitorSettings;
use super::reference::ReferenceCommand;
use crate::media::StemAudio;
use crate::project::{
    CompressorSettings, EqSettings, LimiterSettings, PanLaw, RefId, ReverbBus, TrackId,
};
use std::sync::Arc;

/// One parameter of one channel strip (levels in dB, pan −1…+1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrackParam {
    /// Input trim.
    TrimDb(f32),
    /// Fader.
    GainDb(f32),
    /// Pan / balance.
    Pan(f32),
    /// Mute.
    Mute(bool),
    /// Solo (solo-in-place).
    Solo(bool),
    /// Polarity inversion at the input.
    Polarity(bool),
    /// Reverb send level.
    SendDb(f32),
    /// Reverb send taps before the fader.
    SendPreFader(bool),
    /// The whole EQ (every band).
    Eq(EqSettings),
    /// The whole compressor.
    Compressor(CompressorSettings),
    /// Stereo width (the width + position pan law).
    Width(f32),
    /// The project's pan laws, which every strip pans by.
    PanLaw(PanLaw),
}

impl TrackParam {
    /// Which parameter this sets, for coalescing (values of the same key replace each other).
    pub fn key(&self) -> u8 {
        match self {
            TrackParam::TrimDb(_) => 0,
            TrackParam::GainDb(_) => 1,
            TrackParam::Pan(_) => 2,
            TrackParam::Mute(_) => 3,
            TrackParam::Solo(_) => 4,
            TrackParam::Polarity(_) => 5,
            TrackParam::SendDb(_) => 6,
            TrackParam::SendPreFader(_) => 7,
            TrackParam::Eq(_) => 8,
            TrackParam::Compressor(_) => 9,
            TrackParam::Width(_) => 10,
            TrackParam::PanLaw(_) => 11,
        }
    }
}

/// A change to the mix graph itself (sound-affecting state that a bounce also has).
#[derive(Debug)]
pub enum GraphCommand {
    /// Sets one strip parameter.
    Track(TrackId, TrackParam),
    /// Sets every reverb-bus parameter.
    Reverb(ReverbBus),
    /// Master fader in dB.
    MasterGainDb(f32),
    /// Master limiter settings.
    Limiter(LimiterSettings),
    /// Inserts a prebuilt track at `index` (clamped to the end).
    AddTrack {
        /// Position in mixer order.
        index: usize,
        /// The strip, built with [`TrackNode::new`].
        node: Box<TrackNode>,
    },
    /// Removes a track; the node comes back as [`Retired::Track`].
    RemoveTrack(TrackId),
    /// Replaces a track's node (same id) keeping its position.
    ReplaceTrack(Box<TrackNode>),
    /// New audio for a track (or `None`: the stem went offline).
    SetStem(TrackId, Option<Arc<StemAudio>>),
    /// Replaces the whole graph (a project was opened).
    ReplaceGraph(Box<MixGraph>),
}

impl GraphCommand {
    /// How many objects applying this command can give back for disposal.
    pub fn max_retired(&self) -> usize {
        match self {
            GraphCommand::AddTrack { .. } => 1,
            GraphCommand::RemoveTrack(_) => 1,
            GraphCommand::ReplaceTrack(_) => 1,
            GraphCommand::SetStem(..) => 1,
            GraphCommand::ReplaceGraph(_) => 1,
            _ => 0,
        }
    }
}

/// What the audio output plays: the mix, or a reference track for A/B.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Source {
    /// The mix graph.
    #[default]
    Mix,
    /// The reference with this id (by id, not position, so reordering the list never changes
    /// what plays; one that is not loaded plays silence).
    Reference(RefId),
}

/// Transport and routing commands handled by the real-time renderer.
#[derive(Debug)]
pub enum Command {
    /// A mix-graph change.
    Graph(GraphCommand),
    /// Start (or resume) playback.
    Play,
    /// Stop where we are, keeping DSP state (resume continues seamlessly).
    Pause,
    /// Stop and clear DSP state (reverb tails, compressor memory); position stays.
    Stop,
    /// Jump to a frame (with a short crossfade while playing).
    Seek(u64),
    /// Loop on/off and the loop region in frames (`end` exclusive).
    SetLoop {
        /// Whether playback wraps at `end`.
        enabled: bool,
        /// First frame of the loop.
        start: u64,
        /// Frame after the last one of the loop.
        end: u64,
    },
    /// Switch the output between the mix and a reference (an equal-power crossfade of
    /// [`CROSSFADE_MS`](super::switch::CROSSFADE_MS) at the next block while playing).
    SelectSource(Source),
    /// Load, change or unload references.
    Reference(ReferenceCommand),
    /// Monitor mode and level (real-time output only, after the meters).
    Monitor(MonitorSettings),
    /// Stop (as at the end of the project) once this many more frames have been played;
    /// `None` removes the limit. Counts output frames, so loops count too.
    StopAfter(Option<u64>),
    /// Clears latched clip flags, peak holds and the integrated loudness.
    ResetMeters,
}

/// An object the audio thread no longer uses, sent back to be dropped off the audio thread.
#[derive(Debug)]
pub enum Retired {
    /// A removed or replaced track.
    Track(Box<TrackNode>),
    /// A replaced stem.
    Stem(Arc<StemAudio>),
    /// A replaced graph.
    Graph(Box<MixGraph>),
    /// The audio of an unloaded or replaced reference (or one refused: no free slot).
    ReferenceAudio(Arc<StemAudio>),
}
