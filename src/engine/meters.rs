//! Meter ballistics on the control side: the audio thread's raw reports (peaks, RMS, clip and
//! fault flags, loudness) become what a display shows — bars that fall at a fixed rate, peak
//! holds, latched clip lights — in [`ChannelMeter`], the one display meter type from the
//! engine to the widgets.

use super::command::Source;
use super::faults::FaultSource;
use super::feedback::{
    EndReason, Feedback, MasterMeter, PlayState, ReferenceReport, ReverbMeter, TrackMeter,
    TransportReport,
};
use crate::dsp::{LevelReport, gain_to_db_f32};
use crate::project::{RefId, TrackId};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a peak hold stays before falling back to the bar.
pub const PEAK_HOLD: Duration = Duration::from_millis(1500);
/// How fast meter bars fall, in dB per second.
pub const METER_FALL_DB_PER_S: f32 = 24.0;
/// Bars below this level read as silence (−∞).
pub const METER_FLOOR_DB: f32 = -96.0;

/// Meter readings of one stereo strip for display.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChannelMeter {
    /// Peak bar per side in dBFS, falling at [`METER_FALL_DB_PER_S`] (−∞ = silent).
    pub peak_db: [f32; 2],
    /// RMS bar per side in dBFS, falling the same way.
    pub rms_db: [f32; 2],
    /// Highest recent peak per side, held for [`PEAK_HOLD`].
    pub hold_db: [f32; 2],
    hold_until: [Option<Instant>; 2],
    /// A sample reached full scale since the clip light was last cleared.
    pub clip: bool,
    /// Compressor (tracks) or limiter (master) gain reduction in dB, latest value.
    pub gain_reduction_db: f32,
    /// A NaN or infinity was caught since the light was last cleared.
    pub faulted: bool,
    seen: u64,
}

impl Default for ChannelMeter {
    fn default() -> Self {
        ChannelMeter {
            peak_db: [f32::NEG_INFINITY; 2],
            rms_db: [f32::NEG_INFINITY; 2],
            hold_db: [f32::NEG_INFINITY; 2],
            hold_until: [None; 2],
            clip: false,
            gain_reduction_db: 0.0,
            faulted: false,
            seen: 0,
        }
    }
}

fn fall(v: f32, dt: f32) -> f32 {
    let v = v - METER_FALL_DB_PER_S * dt;
    if v < METER_FLOOR_DB {
        f32::NEG_INFINITY
    } else {
        v
    }
}

impl ChannelMeter {
    fn decay(&mut self, dt: f32, now: Instant) {
        for s in 0..2 {
            self.peak_db[s] = fall(self.peak_db[s], dt);
            self.rms_db[s] = fall(self.rms_db[s], dt);
            if self.hold_until[s].is_none_or(|t| now >= t) {
                self.hold_db[s] = self.peak_db[s];
                self.hold_until[s] = None;
            }
        }
    }

    fn add(&mut self, levels: &LevelReport, now: Instant) {
        for s in 0..2 {
            let p = gain_to_db_f32(levels.peak[s]);
            self.peak_db[s] = self.peak_db[s].max(p);
            self.rms_db[s] = self.rms_db[s].max(gain_to_db_f32(levels.rms[s]));
            if p >= self.hold_db[s] && p > f32::NEG_INFINITY {
                self.hold_db[s] = p;
                self.hold_until[s] = Some(now + PEAK_HOLD);
            }
        }
        self.clip |= levels.clip[0] || levels.clip[1];
    }

    /// Latches a fault; true when the light was off (a new fault to tell the user about).
    fn latch_fault(&mut self, faulted: bool) -> bool {
        let new = faulted && !self.faulted;
        self.faulted |= faulted;
        new
    }

    fn is_silent(&self) -> bool {
        self.peak_db
            .iter()
            .chain(&self.rms_db)
            .chain(&self.hold_db)
            .all(|&v| v == f32::NEG_INFINITY)
    }
}

/// The master's meters for display.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MasterMeterState {
    /// Peak/RMS bars, hold, clip latch and limiter gain reduction.
    pub levels: ChannelMeter,
    /// Highest true peak in the last report, dBTP.
    pub true_peak_dbtp: f32,
    /// Highest true peak since the meters were reset, dBTP.
    pub true_peak_max_dbtp: f32,
    /// Momentary loudness, LUFS (−∞ when stopped).
    pub momentary_lufs: f32,
    /// Short-term loudness, LUFS (−∞ when stopped).
    pub short_term_lufs: f32,
    /// Integrated loudness since the meters were reset, LUFS.
    pub integrated_lufs: f32,
    /// The reverb return's peak/RMS bars and hold.
    pub reverb: ChannelMeter,
}

impl Default for MasterMeterState {
    fn default() -> Self {
        MasterMeterState {
            levels: ChannelMeter::default(),
            true_peak_dbtp: f32::NEG_INFINITY,
            true_peak_max_dbtp: f32::NEG_INFINITY,
            momentary_lufs: f32::NEG_INFINITY,
            short_term_lufs: f32::NEG_INFINITY,
            integrated_lufs: f32::NEG_INFINITY,
            reverb: ChannelMeter::default(),
        }
    }
}

/// The A/B state for display (as of the last report).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReferenceMeterState {
    /// The selected reference and its playhead in frames of its audio (Free: its own
    /// playhead; Sync: the mix's); `None` when the mix is selected or the selected reference
    /// is not loaded.
    pub position: Option<(RefId, u64)>,
    /// The selected reference's playhead is at the end of its audio (it plays silence).
    pub at_end: bool,
    /// An A/B crossfade is running.
    pub crossfading: bool,
    /// Momentary loudness of the mix itself, LUFS (−∞ when stopped); what is heard is in
    /// [`MasterMeterState::momentary_lufs`].
    pub mix_momentary_lufs: f32,
    /// Short-term loudness of the mix itself, LUFS (−∞ when stopped); what is heard is in
    /// [`MasterMeterState::short_term_lufs`].
    pub mix_short_term_lufs: f32,
}

impl Default for ReferenceMeterState {
    fn default() -> Self {
        ReferenceMeterState {
            position: None,
            at_end: false,
            crossfading: false,
            mix_momentary_lufs: f32::NEG_INFINITY,
            mix_short_term_lufs: f32::NEG_INFINITY,
        }
    }
}

/// Everything the GUI shows that comes from the audio thread.
#[derive(Clone, Debug)]
pub struct MeterState {
    /// The last transport report (playhead, state, overloads …).
    pub transport: TransportReport,
    /// The master meters: they measure what is heard (mix, reference or crossfade), before
    /// the monitor section.
    pub master: MasterMeterState,
    /// The A/B state and the mix's own live loudness.
    pub reference: ReferenceMeterState,
    pub(super) tracks: HashMap<TrackId, ChannelMeter>,
    /// Complete reports received so far.
    pub reports: u64,
    /// Track-frames played as silence so far because a stem was not in memory in time.
    pub starved_frames: u64,
    ended: Option<(u64, EndReason)>,
    seq: u64,
    /// Tracks seen so far in the current report (their mixer positions).
    tracks_in_report: usize,
    last_tick: Option<Instant>,
}

/// A fault light that just came on, for a message to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewFault {
    /// Where.
    pub source: FaultSource,
    /// For a track, its position in the mixer (1 = first).
    pub position: usize,
}

impl NewFault {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        let what = match self.source {
            FaultSource::Track(_) => format!("track {}", self.position),
            FaultSource::Reverb => "the reverb return".to_string(),
            FaultSource::Master => "the master bus".to_string(),
        };
        format!("{what} produced an invalid sample (NaN, infinity or overflow); it was silenced")
    }
}

impl MeterState {
    pub(super) fn new(sample_rate: u32) -> MeterState {
        MeterState {
            transport: TransportReport {
                position: 0,
                state: PlayState::Stopped,
                source: Source::Mix,
                length: 0,
                sample_rate,
                overloads: 0,
                load: 0.0,
            },
            master: MasterMeterState::default(),
            reference: ReferenceMeterState::default(),
            tracks: HashMap::new(),
            reports: 0,
            starved_frames: 0,
            ended: None,
            seq: 0,
            tracks_in_report: 0,
            last_tick: None,
        }
    }

    /// The playhead in frames (the frame heard next).
    pub fn position(&self) -> u64 {
        self.transport.position
    }

    /// The playhead in seconds.
    pub fn position_seconds(&self) -> f64 {
        self.transport.position as f64 / f64::from(self.transport.sample_rate.max(1))
    }

    /// Transport state.
    pub fn state(&self) -> PlayState {
        self.transport.state
    }

    /// What the output plays (the source selected last; see
    /// [`ReferenceMeterState::crossfading`]).
    pub fn source(&self) -> Source {
        self.transport.source
    }

    /// A track's meters.
    pub fn track(&self, id: TrackId) -> Option<&ChannelMeter> {
        self.tracks.get(&id)
    }

    /// Takes the "playback ended on its own" event, if one arrived.
    pub fn take_ended(&mut self) -> Option<(u64, EndReason)> {
        self.ended.take()
    }

    /// Whether nothing moves any more: stopped or paused, and every bar at silence (the GUI
    /// can stop redrawing).
    pub fn is_idle(&self) -> bool {
        self.transport.state != PlayState::Playing
            && self.master.levels.is_silent()
            && self.master.reverb.is_silent()
            && self.tracks.values().all(ChannelMeter::is_silent)
    }

    /// Clears every clip light, peak hold, the true-peak maximum and the integrated loudness.
    pub(super) fn reset(&mut self) {
        for m in self.tracks.values_mut() {
            *m = ChannelMeter {
                seen: m.seen,
                ..ChannelMeter::default()
            };
        }
        self.master = MasterMeterState::default();
    }

    pub(super) fn decay(&mut self, now: Instant) {
        let dt = self
            .last_tick
            .map_or(0.0, |t| now.saturating_duration_since(t).as_secs_f32());
        self.last_tick = Some(now);
        for m in self.tracks.values_mut() {
            m.decay(dt, now);
        }
        self.master.levels.decay(dt, now);
        self.master.reverb.decay(dt, now);
    }

    /// Takes one message from the audio thread; returns a fault whose light just came on.
    pub(super) fn apply(&mut self, f: Feedback, now: Instant) -> Option<NewFault> {
        let mut fault = None;
        match f {
            Feedback::Transport(t) => {
                self.transport = t;
                self.seq += 1;
                self.tracks_in_report = 0;
            }
            Feedback::Track(TrackMeter {
                id,
                levels,
                gain_reduction_db,
                faulted,
                starved_frames,
            }) => {
                self.tracks_in_report += 1;
                self.starved_frames += u64::from(starved_frames);
                let m = self.tracks.entry(id).or_default();
                m.add(&levels, now);
                m.gain_reduction_db = gain_reduction_db;
                m.seen = self.seq;
                if m.latch_fault(faulted) {
                    fault = Some(NewFault {
                        source: FaultSource::Track(id),
                        position: self.tracks_in_report,
                    });
                }
            }
            Feedback::Reverb(ReverbMeter { levels, faulted }) => {
                let m = &mut self.master.reverb;
                m.add(&levels, now);
                if m.latch_fault(faulted) {
                    fault = Some(NewFault {
                        source: FaultSource::Reverb,
                        position: 0,
                    });
                }
            }
            Feedback::Master(MasterMeter {
                levels,
                true_peak_dbtp,
                momentary_lufs,
                short_term_lufs,
                integrated_lufs,
                limiter_gr_db,
                faulted,
            }) => {
                let m = &mut self.master;
                m.levels.add(&levels, now);
                m.levels.gain_reduction_db = limiter_gr_db;
                m.true_peak_dbtp = true_peak_dbtp;
                m.true_peak_max_dbtp = m.true_peak_max_dbtp.max(true_peak_dbtp);
                m.momentary_lufs = momentary_lufs;
                m.short_term_lufs = short_term_lufs;
                m.integrated_lufs = integrated_lufs;
                if m.levels.latch_fault(faulted) {
                    fault = Some(NewFault {
                        source: FaultSource::Master,
                        position: 0,
                    });
                }
                // Tracks missing from a complete report were removed from the graph.
                let seq = self.seq;
                self.tracks.retain(|_, t| t.seen == seq);
                self.reports += 1;
            }
            Feedback::Reference(ReferenceReport {
                position,
                at_end,
                crossfading,
                mix_momentary_lufs,
                mix_short_term_lufs,
            }) => {
                self.reference = ReferenceMeterState {
                    position,
                    at_end,
                    crossfading,
                    mix_momentary_lufs,
                    mix_short_term_lufs,
                };
            }
            Feedback::Ended { position, reason } => self.ended = Some((position, reason)),
        }
        fault
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_hold_latch_and_decay() {
        let mut m = MeterState::new(48_000);
        let id = TrackId(7);
        let t0 = Instant::now();
        m.decay(t0);
        m.apply(Feedback::Transport(m.transport), t0);
        m.apply(
            Feedback::Track(TrackMeter {
                id,
                levels: LevelReport {
                    channels: 2,
                    frames: 800,
                    peak: [1.0, 0.5],
                    rms: [0.5, 0.25],
                    clip: [true, false],
                },
                gain_reduction_db: 3.0,
                faulted: false,
                starved_frames: 0,
            }),
            t0,
        );
        let tm = *m.track(id).unwrap();
        assert_eq!(tm.peak_db[0], 0.0);
        assert!(tm.clip);
        // One second later with silence: bar fell 24 dB, hold still up.
        let t1 = t0 + Duration::from_secs(1);
        m.decay(t1);
        let tm = *m.track(id).unwrap();
        assert!((tm.peak_db[0] + 24.0).abs() < 1e-3);
        assert_eq!(tm.hold_db[0], 0.0);
        assert!(tm.clip, "clip latches");
        // After the hold time the hold drops to the bar.
        let t2 = t0 + Duration::from_millis(1600);
        m.decay(t2);
        let tm = *m.track(id).unwrap();
        assert!(tm.hold_db[0] < -30.0);
        // Long after: silent and idle.
        m.decay(t2 + Duration::from_secs(10));
        assert!(m.is_idle());
        assert!(m.track(id).unwrap().clip);
    }
}
