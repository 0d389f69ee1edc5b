//! Faults the mix graph catches: a NaN, an infinity or an overflow in a channel strip, the
//! reverb return or the master bus is silenced there (the block is muted, the processors reset)
//! and reported, so
//! the user learns of it — in playback through the feedback ring and the handle's messages, in
//! a render through its outcome (a warning line of `stemmix bounce`, the GUI's bounce result).

use crate::project::{Project, TrackId};

/// Where a non-finite sample was caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultSource {
    /// A channel strip (its output and sends were silenced for the block).
    Track(TrackId),
    /// The reverb return (its tail was cleared).
    Reverb,
    /// The master bus (the limiter was reset).
    Master,
}

/// The faults of one render: each source with how much audio it lost.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Sources in the order they first faulted, with the frames silenced.
    entries: Vec<(FaultSource, u64)>,
}

impl Faults {
    /// Records that `source` silenced a block of `frames` frames.
    pub fn add(&mut self, source: FaultSource, frames: u64) {
        match self.entries.iter_mut().find(|(s, _)| *s == source) {
            Some((_, f)) => *f += frames,
            None => self.entries.push((source, frames)),
        }
    }

    /// Whether nothing faulted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Each source that faulted with the frames it silenced, in order of first fault.
    pub fn iter(&self) -> impl Iterator<Item = (FaultSource, u64)> + '_ {
        self.entries.iter().copied()
    }

    /// Frames `source` silenced (0 if it never faulted).
    pub fn frames(&self, source: FaultSource) -> u64 {
        self.iter()
            .find(|(s, _)| *s == source)
            .map_or(0, |(_, f)| f)
    }

    /// One sentence per source for the user, naming tracks as `project` does.
    pub fn describe(&self, project: &Project) -> Vec<String> {
        let rate = f64::from(project.sample_rate.max(1));
        self.iter()
            .map(|(source, frames)| {
                format!(
                    "{} produced an invalid sample (NaN, infinity or overflow); {:.3} s of it were silenced",
                    source_name(source, project),
                    frames as f64 / rate
                )
            })
            .collect()
    }
}

/// How the user knows a fault source: `track 2 "Bass"`, `the reverb return`, `the master bus`.
pub fn source_name(source: FaultSource, project: &Project) -> String {
    match source {
        FaultSource::Track(id) => match project.tracks.iter().position(|t| t.id == id) {
            Some(i) => format!("track {} {:?}", i + 1, project.tracks[i].name),
            None => "a removed track".to_string(),
        },
        FaultSource::Reverb => "the reverb return".to_string(),
        FaultSource::Master => "the master bus".to_string(),
    }
}
