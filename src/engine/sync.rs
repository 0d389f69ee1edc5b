//! Turns an edit of the project (old → new) into the graph commands that make a live graph
//! sound like a graph freshly built from the new project.
//!
//! Every edit path of the GUI (a fader move, undo, redo, opening stems) goes through this one
//! function, so the engine can never drift from the project the user saves.

use super::command::{GraphCommand, TrackParam};
use super::graph::StemLookup;
use super::strip::{StripParams, TrackNode};
use crate::project::{Project, Track};

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
                node: Box::new(TrackNode::new(t, stems(t), new.sample_rate, max_block)),
            }),
            // A new source may differ in channel count: rebuild the strip around it.
            Some(o) if o.source != t.source => {
                cmds.push(replace_track(t, stems, new.sample_rate, max_block))
            }
            Some(o) => track_diff(o, t, &mut cmds),
        }
    }
    if old.reverb != new.reverb {
        cmds.push(GraphCommand::Reverb(new.reverb));
    }
    if old.master.gain_db != new.master.gain_db {
        cmds.push(GraphCommand::MasterGainDb(new.master.gain_db));
    }
    if old.master.limiter != new.master.limiter {
        cmds.push(GraphCommand::Limiter(new.master.limiter));
    }
    cmds
}

/// A command that rebuilds `track`'s strip around its (newly loaded) audio, keeping its place.
pub fn replace_track(
    track: &Track,
    stems: &StemLookup<'_>,
    rate: u32,
    max_block: usize,
) -> GraphCommand {
    GraphCommand::ReplaceTrack(Box::new(TrackNode::new(
        track,
        stems(track),
        rate,
        max_block,
    )))
}

/// Whether going from `old` to `new` needs a whole new graph rather than commands.
pub fn needs_rebuild(old: &Project, new: &Project) -> bool {
    old.sample_rate != new.sample_rate
}

fn track_diff(o: &Track, t: &Track, cmds: &mut Vec<GraphCommand>) {
    let (a, b) = (StripParams::of(o), StripParams::of(t));
    let id = t.id;
    let mut push = |p| cmds.push(GraphCommand::Track(id, p));
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
}
