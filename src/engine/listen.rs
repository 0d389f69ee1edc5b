//! What the listener hears: the A/B switch between the mix and the references, and the
//! monitor section, on the audio thread after the mix graph (real-time renderer only).
//!
//! Per block, after `MixGraph::process` (which runs whatever is heard, so transport, meters
//! and the graph's state go on and switching back is seamless):
//! 1. [`Listen::blend`] measures the mix's own live loudness, then replaces the block by what
//!    is heard — the mix, a reference, or their crossfade ([`SourceSwitch`]);
//! 2. the engine's master meters measure that (so they show the source that is heard);
//! 3. [`Listen::monitor`] applies the monitor mode and level (not metered, never bounced).

use super::command::{Retired, Source};
use super::feedback::ReferenceReport;
use super::monitor::{Monitor, MonitorSettings};
use super::reference::{MAX_REFERENCES, ReferenceCommand, ReferencePlayer};
use super::switch::SourceSwitch;
use crate::dsp::LoudnessMeter;
use rtrb::Producer;

/// References, A/B switch, monitor and the mix's live loudness.
pub struct Listen {
    refs: ReferencePlayer,
    switch: SourceSwitch,
    monitor: Monitor,
    /// `None` at a rate the BS.1770 filters do not support.
    mix_loudness: Option<LoudnessMeter>,
}

impl Listen {
    /// Nothing loaded, the mix selected, the monitor transparent. Control side.
    pub fn new(rate: u32, max_block: usize) -> Listen {
        Listen {
            refs: ReferencePlayer::new(rate, max_block),
            switch: SourceSwitch::new(rate),
            monitor: Monitor::new(rate),
            // Read for its windows only: what is heard has its own true-peak meter.
            mix_loudness: LoudnessMeter::new(rate, 2)
                .ok()
                .map(LoudnessMeter::without_true_peak),
        }
    }

    /// The source selected last.
    pub fn source(&self) -> Source {
        self.switch.target()
    }

    /// Whether `cmd` can be applied now without the player's parking area overflowing.
    pub fn can_take(&self, cmd: &ReferenceCommand) -> bool {
        !cmd.brings_audio() || self.refs.has_room()
    }

    /// Applies a reference command (`playing`: whether a switch it causes must crossfade).
    pub fn command(&mut self, cmd: ReferenceCommand, playing: bool) {
        let clear = matches!(cmd, ReferenceCommand::Clear);
        let filled = self.refs.apply(cmd);
        if clear {
            self.switch.select(Source::Mix, None, playing);
        }
        if let Some(slot) = filled
            && self.switch.target() == self.refs.id_in(slot).map_or(Source::Mix, Source::Reference)
        {
            // The selected reference was not loaded (silence): it fades in now.
            self.switch.target_loaded(slot, playing);
        }
        if let Some(slot) = self.switch.target_slot()
            && self.refs.is_removing(slot)
        {
            // Unloading what is heard: go back to the mix first.
            self.switch.select(Source::Mix, None, playing);
        }
        if !playing {
            self.switch.settle();
        }
        let switch = &self.switch;
        self.refs.collect(&|s| switch.is_silent(s));
    }

    /// Selects what the output plays (a crossfade while `playing`).
    pub fn select(&mut self, source: Source, playing: bool) {
        let slot = match source {
            Source::Mix => None,
            Source::Reference(id) => self.refs.slot_of(id),
        };
        self.switch.select(source, slot, playing);
    }

    /// New monitor settings.
    pub fn set_monitor(&mut self, settings: MonitorSettings) {
        self.monitor.set(settings);
    }

    /// Clears the mix's live loudness windows.
    pub fn reset_meters(&mut self) {
        if let Some(m) = &mut self.mix_loudness {
            m.reset();
        }
    }

    /// Frames until the running A/B crossfade ends (`usize::MAX` when none runs); a block must
    /// not go past it (a Free reference advances only while heard).
    pub fn frames_to_settle(&self) -> usize {
        self.switch.frames_to_settle()
    }

    /// Turns the mix block into what is heard. `sync_pos`: the mix's heard position at the
    /// first frame, contiguous over the block (the engine splits blocks where it jumps).
    pub fn blend(&mut self, left: &mut [f32], right: &mut [f32], sync_pos: u64) {
        if let Some(m) = &mut self.mix_loudness {
            m.process(&[left, right]);
        }
        let n = left.len();
        if self.switch.is_mix_only() {
            for slot in 0..MAX_REFERENCES {
                self.refs.unheard(slot);
            }
            return;
        }
        self.switch.scale_mix(left, right);
        for slot in 0..MAX_REFERENCES {
            if !self.switch.is_audible(slot) {
                self.refs.unheard(slot);
                continue;
            }
            let src = self.refs.render(slot, sync_pos, n);
            self.switch
                .add_reference(slot, src, [&mut *left, &mut *right]);
        }
        self.switch.advance(n);
        let switch = &self.switch;
        self.refs.collect(&|s| switch.is_silent(s));
    }

    /// The monitor section, in place (after the master meters).
    pub fn monitor(&mut self, left: &mut [f32], right: &mut [f32]) {
        self.monitor.process(left, right);
    }

    /// The transport is not playing: nothing is heard, so any crossfade ends and no reference
    /// needs a declick when playback resumes.
    pub fn idle(&mut self) {
        if !self.switch.is_settled() {
            self.switch.settle();
            let switch = &self.switch;
            self.refs.collect(&|s| switch.is_silent(s));
        }
        for slot in 0..MAX_REFERENCES {
            self.refs.unheard(slot);
        }
    }

    /// Moves audio waiting for disposal onto the retire ring, as far as it has room.
    pub fn retire(&mut self, ring: &mut Producer<Retired>) {
        while ring.slots() > 0 {
            let Some(a) = self.refs.take_parked() else {
                return;
            };
            if let Err(rtrb::PushError::Full(Retired::ReferenceAudio(a))) =
                ring.push(Retired::ReferenceAudio(a))
            {
                self.refs.unpark(a);
                return;
            }
        }
    }

    /// The report for the control side; `sync_pos` is the mix's heard position and
    /// `playing` whether anything is heard.
    pub fn report(&self, sync_pos: u64, playing: bool) -> ReferenceReport {
        let target = self.switch.target_slot();
        let pos =
            target.and_then(|s| Some((self.refs.id_in(s)?, self.refs.position(s, sync_pos)?)));
        let live = |f: fn(&LoudnessMeter) -> f64| match &self.mix_loudness {
            Some(m) if playing => f(m) as f32,
            _ => f32::NEG_INFINITY,
        };
        ReferenceReport {
            position: pos.map(|(id, (p, _))| (id, p)),
            at_end: pos.is_some_and(|(_, (_, end))| end),
            crossfading: !self.switch.is_settled(),
            mix_momentary_lufs: live(LoudnessMeter::momentary_lufs),
            mix_short_term_lufs: live(LoudnessMeter::short_term_lufs),
        }
    }
}
