//! Turns an edit of the project (old → new) into the graph commands that make a live graph
//! sound like a graph freshly built from the new project.
//!
//! Every edit path of the GUI (a fader move, undo, redo, opening stems) goes through this one
//! function, so the engine can never drift from the project the user saves.

use super::command::{GraphCommand, TrackParam};
use super::graph::StemLookup;
use super::strip::{StripParams, TrackNode};
use crate::project::{Master, PanLaw, Project, ReverbBus, Track, TrackId};

/// The commands that take a graph built from `old` to the state of `new`.
///
/// New tracks are built here (allocation happens on the caller's thread) with their stems from
/// `stems`; `max_block` must be the live graph's. A sample-rate change cannot be synced: the
/// caller rebuilds the graph (see [`needs_rebuild`]).
pub fn diff(
    old: &Project,
    new: &Project,
    stems: &StemLookup<'_>,
    max_block: usize,
) -> Vec<GraphCommand> {
    let mut cmds = Vec::new();
    // Removed tracks first, so indices of inserts refer to the new order.
    for t in &old.tracks {
        if new.track(t.id).is_none() {
            cmds.push(GraphCommand::RemoveTrack(t.id));
        }
    }
    for (index, t) in new.tracks.iter().enumerate() {
        match old.track(t.id) {
            None => cmds.push(GraphCommand::AddTrack {
                index,
                node: Box::new(TrackNode::new(
                    t,
                    new.pan_law,
                    stems(t),
                    new.sample_rate,
                    max_block,
                )),
            }),
            // A new source may differ in channel count: rebuild the strip around it.
            Some(o) if o.source != t.source => cmds.push(replace_track(
                t,
                new.pan_law,
                stems,
                new.sample_rate,
                max_block,
            )),
            Some(o) => strip_diff(
                t.id,
                &StripParams::of(o, old.pan_law),
                &StripParams::of(t, new.pan_law),
                |c| cmds.push(c),
            ),
        }
    }
    bus_diff(
        (&old.reverb, &old.master),
        (&new.reverb, &new.master),
        |c| cmds.push(c),
    );
    cmds
}

/// A command that rebuilds `track`'s strip around its (newly loaded) audio, keeping its place;
/// `pan_law` is the project's.
pub fn replace_track(
    track: &Track,
    pan_law: PanLaw,
    stems: &StemLookup<'_>,
    rate: u32,
    max_block: usize,
) -> GraphCommand {
    GraphCommand::ReplaceTrack(Box::new(TrackNode::new(
        track,
        pan_law,
        stems(track),
        rate,
        max_block,
    )))
}

/// Whether going from `old` to `new` needs a whole new graph rather than commands.
pub fn needs_rebuild(old: &Project, new: &Project) -> bool {
    old.sample_rate != new.sample_rate
}

/// The commands that take the strip of track `id` from settings `a` to settings `b` (part of
/// [`diff`]; an edit known to touch one strip can call it without comparing whole projects).
pub fn strip_diff(
    id: TrackId,
    a: &StripParams,
    b: &StripParams,
    mut emit: impl FnMut(GraphCommand),
) {
    let mut push = |p| emit(GraphCommand::Track(id, p));
    if a.trim_db != b.trim_db {
        push(TrackParam::TrimDb(b.trim_db));
    }
    if a.gain_db != b.gain_db {
        push(TrackParam::GainDb(b.gain_db));
    }
    if a.pan != b.pan {
        push(TrackParam::Pan(b.pan));
    }
    if a.mute != b.mute {
        push(TrackParam::Mute(b.mute));
    }
    if a.solo != b.solo {
        push(TrackParam::Solo(b.solo));
    }
    if a.polarity_invert != b.polarity_invert {
        push(TrackParam::Polarity(b.polarity_invert));
    }
    if a.send_db != b.send_db {
        push(TrackParam::SendDb(b.send_db));
    }
    if a.send_pre_fader != b.send_pre_fader {
        push(TrackParam::SendPreFader(b.send_pre_fader));
    }
    if a.eq != b.eq {
        push(TrackParam::Eq(b.eq));
    }
    if a.compressor != b.compressor {
        push(TrackParam::Compressor(b.compressor));
    }
    if a.width != b.width {
        push(TrackParam::Width(b.width));
    }
    if a.pan_law != b.pan_law {
        push(TrackParam::PanLaw(b.pan_law));
    }
}

/// The commands that take the reverb and master buses from `old` to `new` (part of [`diff`]).
pub fn bus_diff(
    old: (&ReverbBus, &Master),
    new: (&ReverbBus, &Master),
    mut emit: impl FnMut(GraphCommand),
) {
    if old.0 != new.0 {
        emit(GraphCommand::Reverb(*new.0));
    }
    if old.1.gain_db != new.1.gain_db {
        emit(GraphCommand::MasterGainDb(new.1.gain_db));
    }
    if old.1.limiter != new.1.limiter {
        emit(GraphCommand::Limiter(new.1.limiter));
    }
}
