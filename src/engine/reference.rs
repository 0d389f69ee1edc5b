//! The reference player: the decoded audio of every loaded reference, each with its playhead,
//! loop region and gain, rendered on the audio thread next to the mix for A/B comparison.
//!
//! References bypass every mix processor (faders, master, limiter) and never reach a bounce:
//! only the real-time renderer owns a player. Slots are preallocated ([`MAX_REFERENCES`]), so
//! adding, replacing and removing references never allocates on the audio thread; audio the
//! player lets go of waits in a preallocated parking area until the retire ring has room.
//!
//! - **Sync**: the frame heard at each output frame is the mix's heard position (the graph's
//!   read position minus its latency), so a master of the same song lines up with the mix.
//! - **Free**: its own playhead, which advances only while the reference is heard (it is kept
//!   when you switch away), with its own loop region; at the end of its audio it stops
//!   (silence) unless it loops, in which case it wraps to the loop start.
//!
//! Every jump of what a reference plays while it is heard — a mix seek or loop wrap followed in
//! Sync mode, a Free seek or loop wrap, a mode change, new audio for the same reference — is
//! declicked with the graph's jump crossfade ([`JUMP_FADE_MS`], linear). Gains ramp like
//! faders ([`GAIN_RAMP_MS`]). A mono reference plays at −3 dB on both sides (equal power, as
//! the mix pans a mono stem to the centre), so the BS.1770 loudness of what plays equals that
//! of the one-channel file.

use super::realtime::MAX_FRAME;
use super::strip::{GAIN_RAMP_MS, JUMP_FADE_MS};
use crate::dsp::{Ramp, db_to_gain};
use crate::media::StemAudio;
use crate::project::ranges::REFERENCE_GAIN_DB;
use crate::project::{RefId, RefMode, Reference};
use std::sync::Arc;

/// Most references loaded at once (slots reserved up front).
pub const MAX_REFERENCES: usize = 64;
/// Gain of a mono reference on each side (−3.01 dB: equal power).
pub const MONO_REFERENCE_GAIN: f32 = std::f32::consts::FRAC_1_SQRT_2;
/// Audio objects the player can hold for disposal: every slot's audio and outgoing audio, and
/// the one a command brings.
const PARKING: usize = 2 * MAX_REFERENCES + 1;

/// How a reference plays, besides its audio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RefSetup {
    /// Sync (the mix's playhead) or Free (its own).
    pub mode: RefMode,
    /// Gain in dB: the loudness-match gain plus the trim (computed on the control side).
    pub gain_db: f32,
    /// The Free loop region in frames at the project rate (`end` exclusive).
    pub loop_frames: Option<(u64, u64)>,
    /// Whether a Free reference loops over `loop_frames`.
    pub loop_enabled: bool,
}

impl RefSetup {
    /// The setup of `reference` at the project rate `rate`, playing at `gain_db`.
    pub fn of(reference: &Reference, rate: u32, gain_db: f32) -> RefSetup {
        RefSetup {
            mode: reference.mode,
            gain_db,
            loop_frames: reference.loop_region.map(|r| r.frames(rate)),
            loop_enabled: reference.loop_enabled,
        }
    }
}

/// A change to the loaded references (`Command::Reference`).
#[derive(Debug)]
pub enum ReferenceCommand {
    /// Adds a reference, or replaces the audio and setup of a loaded one (the old audio is
    /// retired). Refused (the audio comes back) when all [`MAX_REFERENCES`] slots are taken.
    Set {
        /// The reference.
        id: RefId,
        /// Its audio at the project rate (`media::load_stem`).
        audio: Arc<StemAudio>,
        /// Mode, gain and loop.
        setup: RefSetup,
    },
    /// Unloads a reference (if it is heard, the output crossfades to the mix first).
    Remove(RefId),
    /// Unloads every reference and selects the mix (a project was closed).
    Clear,
    /// Gain in dB (match gain plus trim), ramped.
    Gain(RefId, f32),
    /// Sync or Free.
    Mode(RefId, RefMode),
    /// The Free loop: switch and region in frames (`end` exclusive).
    Loop {
        /// The reference.
        id: RefId,
        /// Whether it loops.
        enabled: bool,
        /// First frame of the loop.
        start: u64,
        /// Frame after the last one of the loop.
        end: u64,
    },
    /// Moves a reference's Free playhead (heard at once if it is playing in Free mode).
    SeekFree(RefId, u64),
}

impl ReferenceCommand {
    /// Whether the command brings audio (and so needs parking room in the player).
    pub fn brings_audio(&self) -> bool {
        matches!(self, ReferenceCommand::Set { .. })
    }
}

/// One loaded reference.
struct Slot {
    id: RefId,
    audio: Arc<StemAudio>,
    mode: RefMode,
    gain: Ramp,
    loop_enabled: bool,
    loop_region: (u64, u64),
    free_pos: u64,
    /// The frame the reference would read next had it gone on playing; `None` when it was not
    /// heard in the last block (so nothing needs a declick).
    last: Option<u64>,
    /// Declick: where (and in which audio, `None` = `audio`) the old position reads.
    fade_from: u64,
    fade_left: u32,
    fade_audio: Option<Arc<StemAudio>>,
    /// Unload once it is no longer heard.
    removing: bool,
}

impl Slot {
    fn frames(&self) -> u64 {
        self.audio.frames as u64
    }

    /// The Free loop, when it is on and can play (start inside the audio, end after start).
    fn free_loop(&self) -> Option<(u64, u64)> {
        let (a, b) = self.loop_region;
        (self.loop_enabled && a < b && a < self.frames()).then_some((a, b))
    }
}

/// The audio-side reference slots.
pub struct ReferencePlayer {
    slots: Vec<Option<Slot>>,
    parked: Vec<Arc<StemAudio>>,
    out: [Vec<f32>; 2],
    fade_len: u32,
    gain_ramp_ms: f64,
    rate: f64,
}

impl ReferencePlayer {
    /// Empty slots for references at `rate`, rendering up to `max_block` frames at a time.
    /// Control side: everything is allocated here.
    pub fn new(rate: u32, max_block: usize) -> ReferencePlayer {
        ReferencePlayer {
            slots: (0..MAX_REFERENCES).map(|_| None).collect(),
            parked: Vec::with_capacity(PARKING),
            out: [vec![0.0; max_block.max(1)], vec![0.0; max_block.max(1)]],
            fade_len: ((JUMP_FADE_MS / 1000.0 * rate as f32).round() as u32).max(1),
            gain_ramp_ms: f64::from(GAIN_RAMP_MS),
            rate: f64::from(rate),
        }
    }

    /// The slot holding reference `id`.
    pub fn slot_of(&self, id: RefId) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.id == id && !s.removing))
    }

    /// The id of the reference in `slot`.
    pub fn id_in(&self, slot: usize) -> Option<RefId> {
        self.slots.get(slot)?.as_ref().map(|s| s.id)
    }

    /// Whether the player can take a command that brings audio without its parking area ever
    /// overflowing (otherwise the command waits in the ring until the retire ring drains).
    pub fn has_room(&self) -> bool {
        let held: usize = self
            .slots
            .iter()
            .flatten()
            .map(|s| 1 + usize::from(s.fade_audio.is_some()))
            .sum();
        held + self.parked.len() < PARKING
    }

    /// Applies a command (`Clear` and `Remove` only mark slots; [`collect`](Self::collect)
    /// unloads them once they are silent). Returns the slot
    /// a `Set` filled for a reference that was not loaded.
    pub fn apply(&mut self, cmd: ReferenceCommand) -> Option<usize> {
        let rate = self.rate;
        let ramp_ms = self.gain_ramp_ms;
        match cmd {
            ReferenceCommand::Set { id, audio, setup } => {
                let gain = linear_gain(setup.gain_db);
                // Positions are kept below MAX_FRAME, like the mix's, so they never overflow.
                let (a, b) = setup.loop_frames.unwrap_or((0, 0));
                let loop_region = (a.min(MAX_FRAME), b.min(MAX_FRAME));
                if let Some(i) = self.slot_of(id) {
                    let fade_len = self.fade_len;
                    let s = self.slots[i].as_mut()?;
                    let old = std::mem::replace(&mut s.audio, audio);
                    s.mode = setup.mode;
                    s.gain.set_target(gain);
                    s.loop_enabled = setup.loop_enabled;
                    s.loop_region = loop_region;
                    let leftover = match s.last.take() {
                        // Heard: fade from the old audio where it would have played on.
                        Some(q) => begin_fade(s, fade_len, q, Some(old)),
                        None => Some(old),
                    };
                    self.park_opt(leftover);
                    return None;
                }
                let Some(i) = self.slots.iter().position(Option::is_none) else {
                    self.park(audio);
                    return None;
                };
                self.slots[i] = Some(Slot {
                    id,
                    audio,
                    mode: setup.mode,
                    gain: Ramp::new(rate, ramp_ms, gain),
                    loop_enabled: setup.loop_enabled,
                    loop_region,
                    free_pos: 0,
                    last: None,
                    fade_from: 0,
                    fade_left: 0,
                    fade_audio: None,
                    removing: false,
                });
                Some(i)
            }
            ReferenceCommand::Remove(id) => {
                let i = self.slot_of(id)?;
                self.slots[i].as_mut()?.removing = true;
                None
            }
            ReferenceCommand::Clear => {
                for s in self.slots.iter_mut().flatten() {
                    s.removing = true;
                }
                None
            }
            ReferenceCommand::Gain(id, db) => {
                self.slot_mut(id)?.gain.set_target(linear_gain(db));
                None
            }
            ReferenceCommand::Mode(id, mode) => {
                self.slot_mut(id)?.mode = mode;
                None
            }
            ReferenceCommand::Loop {
                id,
                enabled,
                start,
                end,
            } => {
                let s = self.slot_mut(id)?;
                s.loop_enabled = enabled;
                s.loop_region = (start.min(MAX_FRAME), end.min(MAX_FRAME));
                None
            }
            ReferenceCommand::SeekFree(id, frame) => {
                self.slot_mut(id)?.free_pos = frame.min(MAX_FRAME);
                None
            }
        }
    }

    fn slot_mut(&mut self, id: RefId) -> Option<&mut Slot> {
        let i = self.slot_of(id)?;
        self.slots[i].as_mut()
    }

    /// Slots being unloaded, for the switch to move away from.
    pub fn is_removing(&self, slot: usize) -> bool {
        self.slots[slot].as_ref().is_some_and(|s| s.removing)
    }

    /// Unloads every slot marked for removal for which `silent(slot)` holds.
    pub fn collect(&mut self, silent: &dyn Fn(usize) -> bool) {
        for i in 0..MAX_REFERENCES {
            if self.is_removing(i) && silent(i) {
                let s = self.slots[i].take();
                if let Some(s) = s {
                    self.park(s.audio);
                    self.park_opt(s.fade_audio);
                }
            }
        }
    }

    /// Slot `slot` is not heard in this block: it forgets where it was (no declick next time).
    pub fn unheard(&mut self, slot: usize) {
        let Some(s) = self.slots[slot].as_mut() else {
            return;
        };
        s.last = None;
        s.fade_left = 0;
        let old = s.fade_audio.take();
        self.park_opt(old);
    }

    /// Renders the next `n` frames of `slot` (gain applied) and returns them. `sync_pos` is the
    /// mix's heard position at the first frame (contiguous for the `n` frames).
    pub fn render(&mut self, slot: usize, sync_pos: u64, n: usize) -> [&[f32]; 2] {
        let [l, r] = &mut self.out;
        let (l, r) = (&mut l[..n], &mut r[..n]);
        match self.slots[slot].as_mut() {
            Some(s) => {
                for old in render_slot(s, self.fade_len, sync_pos, l, r)
                    .into_iter()
                    .flatten()
                {
                    // `has_room` before every command that brings audio keeps this within
                    // capacity.
                    debug_assert!(self.parked.len() < PARKING);
                    self.parked.push(old);
                }
            }
            None => {
                l.fill(0.0);
                r.fill(0.0);
            }
        }
        let [l, r] = &self.out;
        [&l[..n], &r[..n]]
    }

    /// The playhead of `slot` in its audio's frames for display (`sync_pos` for Sync), and
    /// whether it is at the end of its audio.
    pub fn position(&self, slot: usize, sync_pos: u64) -> Option<(u64, bool)> {
        let s = self.slots.get(slot)?.as_ref()?;
        let pos = match s.mode {
            RefMode::Sync => sync_pos,
            RefMode::Free => s.free_pos,
        };
        Some((pos.min(s.frames()), pos >= s.frames()))
    }

    /// Takes one audio object waiting for disposal.
    pub fn take_parked(&mut self) -> Option<Arc<StemAudio>> {
        self.parked.pop()
    }

    /// Puts back an object [`take_parked`](Self::take_parked) returned.
    pub fn unpark(&mut self, a: Arc<StemAudio>) {
        self.park(a);
    }

    fn park(&mut self, a: Arc<StemAudio>) {
        // `has_room` before every command that brings audio keeps this within capacity.
        debug_assert!(self.parked.len() < PARKING);
        self.parked.push(a);
    }

    fn park_opt(&mut self, a: Option<Arc<StemAudio>>) {
        if let Some(a) = a {
            self.park(a);
        }
    }
}

/// Gain in dB to linear, within [`REFERENCE_GAIN_DB`].
fn linear_gain(db: f32) -> f32 {
    db_to_gain(f64::from(REFERENCE_GAIN_DB.clamp(db))) as f32
}

/// Starts a declick from frame `from` (of `outgoing`, or of the slot's own audio). Returns the
/// audio of an interrupted fade for disposal.
fn begin_fade(
    s: &mut Slot,
    fade_len: u32,
    from: u64,
    outgoing: Option<Arc<StemAudio>>,
) -> Option<Arc<StemAudio>> {
    // A jump during a fade starts from the faded-to position; the residue is dropped (as the
    // graph's read head does).
    let interrupted = std::mem::replace(&mut s.fade_audio, outgoing);
    s.fade_from = from;
    s.fade_left = fade_len;
    interrupted
}

/// Renders `l.len()` frames of `s` into `l`, `r` (gain applied), moving its playhead on.
/// Returns the audio of declicks that ended or were interrupted, for disposal.
fn render_slot(
    s: &mut Slot,
    fade_len: u32,
    sync_pos: u64,
    l: &mut [f32],
    r: &mut [f32],
) -> [Option<Arc<StemAudio>>; 2] {
    let n = l.len();
    let mut leftovers: [Option<Arc<StemAudio>>; 2] = [None, None];
    let mut pos = match s.mode {
        RefMode::Sync => sync_pos,
        RefMode::Free => s.free_pos,
    };
    if let Some(q) = s.last
        && q != pos
    {
        stash(&mut leftovers, begin_fade(s, fade_len, q, None));
    }
    let mut k = 0;
    while k < n {
        let mut seg = n - k;
        if s.mode == RefMode::Free
            && let Some((a, b)) = s.free_loop()
        {
            if pos < b {
                seg = seg.min(usize::try_from(b - pos).unwrap_or(usize::MAX));
            } else if pos >= s.frames() {
                // Past the end of the audio (the loop lies before it): wrap.
                stash(&mut leftovers, begin_fade(s, fade_len, pos, None));
                pos = a;
                continue;
            } else {
                seg = seg.min(usize::try_from(s.frames() - pos).unwrap_or(usize::MAX));
            }
        }
        read_segment(s, fade_len, pos, &mut l[k..k + seg], &mut r[k..k + seg]);
        pos += seg as u64;
        if s.fade_left == 0 {
            stash(&mut leftovers, s.fade_audio.take());
        }
        k += seg;
        if s.mode == RefMode::Free
            && let Some((a, b)) = s.free_loop()
            && pos == b
        {
            stash(&mut leftovers, begin_fade(s, fade_len, pos, None));
            pos = a;
        }
    }
    if s.mode == RefMode::Free {
        if s.free_loop().is_none() {
            // At its end a Free reference stops there.
            pos = pos.min(s.frames());
        }
        s.free_pos = pos;
    }
    s.last = Some(pos);
    s.gain.apply_stereo(l, r);
    leftovers
}

/// Keeps `a` in the first free place of `out` (a slot holds at most one outgoing audio at a
/// time, so one render gives back at most one; two places leave a margin, and nothing is ever
/// dropped here).
fn stash(out: &mut [Option<Arc<StemAudio>>; 2], a: Option<Arc<StemAudio>>) {
    if let Some(a) = a {
        match out.iter_mut().find(|o| o.is_none()) {
            Some(o) => *o = Some(a),
            None => {
                debug_assert!(false, "more outgoing audio than a slot can hold");
                // Unreachable (see above); were it not, leaking beats freeing on the audio
                // thread.
                std::mem::forget(a);
            }
        }
    }
}

/// One frame of `audio` at `i` as stereo (mono on both sides at [`MONO_REFERENCE_GAIN`]),
/// silence outside it.
#[inline]
fn frame_at(audio: &StemAudio, i: u64) -> (f32, f32) {
    let Ok(i) = usize::try_from(i) else {
        return (0.0, 0.0);
    };
    match audio.channels.as_slice() {
        [m] => m.get(i).map_or((0.0, 0.0), |x| {
            let x = x * MONO_REFERENCE_GAIN;
            (x, x)
        }),
        [a, b, ..] => (
            a.get(i).copied().unwrap_or(0.0),
            b.get(i).copied().unwrap_or(0.0),
        ),
        [] => (0.0, 0.0),
    }
}

/// Copies `l.len()` frames of the slot's audio from `pos` (silence beyond its end), overlaid
/// with the declick from the old position while one runs.
fn read_segment(s: &mut Slot, fade_len: u32, pos: u64, l: &mut [f32], r: &mut [f32]) {
    copy_channel(&s.audio, 0, pos, l);
    copy_channel(&s.audio, 1, pos, r);
    if s.fade_left == 0 {
        return;
    }
    let old = s.fade_audio.as_deref().unwrap_or(&s.audio);
    let done = fade_len - s.fade_left;
    let k = (s.fade_left as usize).min(l.len());
    for i in 0..k {
        let g = (done as usize + i + 1) as f32 / fade_len as f32; // → 1 at the new position
        let (ol, or) = frame_at(old, s.fade_from + i as u64);
        l[i] = ol + (l[i] - ol) * g;
        r[i] = or + (r[i] - or) * g;
    }
    s.fade_left -= k as u32;
    s.fade_from += l.len() as u64;
}

/// Channel `side` of `audio` (the mono channel at [`MONO_REFERENCE_GAIN`] for both) from `pos`.
fn copy_channel(audio: &StemAudio, side: usize, pos: u64, dst: &mut [f32]) {
    let (src, gain) = match audio.channels.as_slice() {
        [m] => (m.as_slice(), MONO_REFERENCE_GAIN),
        chans => match chans.get(side) {
            Some(c) => (c.as_slice(), 1.0),
            None => {
                dst.fill(0.0);
                return;
            }
        },
    };
    let start = usize::try_from(pos).unwrap_or(usize::MAX).min(src.len());
    let avail = (src.len() - start).min(dst.len());
    let (head, tail) = dst.split_at_mut(avail);
    if gain == 1.0 {
        head.copy_from_slice(&src[start..start + avail]);
    } else {
        for (d, x) in head.iter_mut().zip(&src[start..start + avail]) {
            *d = x * gain;
        }
    }
    tail.fill(0.0);
}
