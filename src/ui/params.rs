//! Every continuous parameter of the project the window can edit, named so that one message
//! type (`Set(param, value)`) serves faders, knobs and typed values alike: what it reads and
//! writes in the project ([`Param::get`], [`Param::set`]), its range ([`ranges`]), and its
//! presentation on a control ([`spec`]: mapping, unit, how it is written and how a typed value
//! is understood).

mod ranges;
mod spec;

pub use ranges::Range;
pub use spec::{Spec, Unit};

use crate::project::{Project, TrackId};

pub use crate::project::Band;

/// A channel-strip parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrackField {
    /// Fader.
    Gain,
    /// Input trim.
    Trim,
    /// Pan.
    Pan,
    /// Stereo width (the width + position pan law).
    Width,
    /// Reverb send.
    Send,
    /// EQ band frequency.
    Freq(Band),
    /// EQ band gain (shelves and bells).
    BandGain(Band),
    /// EQ band Q.
    Q(Band),
    /// Compressor threshold.
    Threshold,
    /// Compressor ratio.
    Ratio,
    /// Compressor attack.
    Attack,
    /// Compressor release.
    Release,
    /// Compressor knee.
    Knee,
    /// Compressor make-up gain.
    Makeup,
}

/// A reverb-bus parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReverbField {
    /// Pre-delay.
    PreDelay,
    /// Decay time.
    Decay,
    /// Damping.
    Damping,
    /// Room size.
    Size,
    /// Stereo width.
    Width,
    /// Return level.
    Return,
}

/// A master-bus parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MasterField {
    /// Master fader.
    Gain,
    /// Limiter ceiling.
    Ceiling,
    /// Limiter release.
    LimiterRelease,
}

/// Any continuous parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    /// A strip parameter of a track.
    Track(TrackId, TrackField),
    /// The reverb bus.
    Reverb(ReverbField),
    /// The master bus.
    Master(MasterField),
}

impl Param {
    /// The track this parameter belongs to, if any.
    pub fn track(self) -> Option<TrackId> {
        match self {
            Param::Track(id, _) => Some(id),
            _ => None,
        }
    }

    /// The value in `project` (`None`: the track is gone).
    pub fn get(self, p: &Project) -> Option<f32> {
        Some(match self {
            Param::Track(id, f) => {
                let t = p.track(id)?;
                match f {
                    TrackField::Gain => t.gain_db,
                    TrackField::Trim => t.trim_db,
                    TrackField::Pan => t.pan,
                    TrackField::Width => t.width,
                    TrackField::Send => t.reverb_send_db,
                    TrackField::Freq(b) => t.eq.band_values(b).1,
                    TrackField::BandGain(b) => t.eq.band_values(b).2,
                    TrackField::Q(b) => t.eq.band_values(b).3,
                    TrackField::Threshold => t.compressor.threshold_db,
                    TrackField::Ratio => t.compressor.ratio,
                    TrackField::Attack => t.compressor.attack_ms,
                    TrackField::Release => t.compressor.release_ms,
                    TrackField::Knee => t.compressor.knee_db,
                    TrackField::Makeup => t.compressor.makeup_db,
                }
            }
            Param::Reverb(f) => {
                let r = &p.reverb;
                match f {
                    ReverbField::PreDelay => r.pre_delay_ms,
                    ReverbField::Decay => r.decay_s,
                    ReverbField::Damping => r.damping,
                    ReverbField::Size => r.size,
                    ReverbField::Width => r.width,
                    ReverbField::Return => r.return_db,
                }
            }
            Param::Master(f) => match f {
                MasterField::Gain => p.master.gain_db,
                MasterField::Ceiling => p.master.limiter.ceiling_dbtp,
                MasterField::LimiterRelease => p.master.limiter.release_ms,
            },
        })
    }

    /// Writes `value` (clamped to the range; NaN is ignored). Returns whether the parameter
    /// exists.
    pub fn set(self, p: &mut Project, value: f32) -> bool {
        let Some(v) = self.spec().clamp(value) else {
            return false;
        };
        match self {
            Param::Track(id, f) => {
                let Some(t) = p.track_mut(id) else {
                    return false;
                };
                match f {
                    TrackField::Gain => t.gain_db = v,
                    TrackField::Trim => t.trim_db = v,
                    TrackField::Pan => t.pan = v,
                    TrackField::Width => t.width = v,
                    TrackField::Send => t.reverb_send_db = v,
                    TrackField::Freq(b) => {
                        if let Some(x) = t.eq.pass_mut(b) {
                            x.freq_hz = v;
                        } else if let Some(x) = t.eq.shelf_or_bell_mut(b) {
                            x.freq_hz = v;
                        }
                    }
                    TrackField::BandGain(b) => {
                        if let Some(x) = t.eq.shelf_or_bell_mut(b) {
                            x.gain_db = v;
                        }
                    }
                    TrackField::Q(b) => {
                        if let Some(x) = t.eq.pass_mut(b) {
                            x.q = v;
                        } else if let Some(x) = t.eq.shelf_or_bell_mut(b) {
                            x.q = v;
                        }
                    }
                    TrackField::Threshold => t.compressor.threshold_db = v,
                    TrackField::Ratio => t.compressor.ratio = v,
                    TrackField::Attack => t.compressor.attack_ms = v,
                    TrackField::Release => t.compressor.release_ms = v,
                    TrackField::Knee => t.compressor.knee_db = v,
                    TrackField::Makeup => t.compressor.makeup_db = v,
                }
            }
            Param::Reverb(f) => {
                let r = &mut p.reverb;
                match f {
                    ReverbField::PreDelay => r.pre_delay_ms = v,
                    ReverbField::Decay => r.decay_s = v,
                    ReverbField::Damping => r.damping = v,
                    ReverbField::Size => r.size = v,
                    ReverbField::Width => r.width = v,
                    ReverbField::Return => r.return_db = v,
                }
            }
            Param::Master(f) => match f {
                MasterField::Gain => p.master.gain_db = v,
                MasterField::Ceiling => p.master.limiter.ceiling_dbtp = v,
                MasterField::LimiterRelease => p.master.limiter.release_ms = v,
            },
        }
        true
    }

    /// A name for undo ("Drums: fader", "Reverb: decay").
    pub fn describe(self, p: &Project) -> String {
        let label = self.spec().label.to_lowercase();
        match self {
            Param::Track(id, f) => {
                let name = p.track(id).map_or("track", |t| t.name.as_str());
                let what = match f {
                    TrackField::Gain => "fader".to_string(),
                    TrackField::Freq(b) | TrackField::BandGain(b) | TrackField::Q(b) => {
                        format!("{} {label}", b.label().to_lowercase())
                    }
                    _ => label,
                };
                format!("{name}: {what}")
            }
            Param::Reverb(_) => format!("reverb: {label}"),
            Param::Master(_) => format!("master: {label}"),
        }
    }

    /// Widget id of this parameter's control (tests find controls by it).
    pub fn widget_id(self) -> String {
        match self {
            Param::Track(id, f) => {
                let f = match f {
                    TrackField::Gain => "gain".to_string(),
                    TrackField::Trim => "trim".into(),
                    TrackField::Pan => "pan".into(),
                    TrackField::Width => "width".into(),
                    TrackField::Send => "send".into(),
                    TrackField::Freq(b) => format!("{}-freq", b.key()),
                    TrackField::BandGain(b) => format!("{}-gain", b.key()),
                    TrackField::Q(b) => format!("{}-q", b.key()),
                    TrackField::Threshold => "threshold".into(),
                    TrackField::Ratio => "ratio".into(),
                    TrackField::Attack => "attack".into(),
                    TrackField::Release => "release".into(),
                    TrackField::Knee => "knee".into(),
                    TrackField::Makeup => "makeup".into(),
                };
                format!("t{}-{f}", id.0)
            }
            Param::Reverb(f) => format!("reverb-{f:?}").to_lowercase(),
            Param::Master(f) => format!("master-{f:?}").to_lowercase(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Track;

    #[test]
    fn get_and_set_round_trip_for_every_parameter() {
        let mut p = Project::default();
        p.tracks.push(Track::default());
        let id = p.tracks[0].id;
        let mut params = vec![
            Param::Track(id, TrackField::Gain),
            Param::Track(id, TrackField::Trim),
            Param::Track(id, TrackField::Pan),
            Param::Track(id, TrackField::Width),
            Param::Track(id, TrackField::Send),
            Param::Track(id, TrackField::Threshold),
            Param::Track(id, TrackField::Ratio),
            Param::Track(id, TrackField::Attack),
            Param::Track(id, TrackField::Release),
            Param::Track(id, TrackField::Knee),
            Param::Track(id, TrackField::Makeup),
            Param::Reverb(ReverbField::PreDelay),
            Param::Reverb(ReverbField::Decay),
            Param::Reverb(ReverbField::Damping),
            Param::Reverb(ReverbField::Size),
            Param::Reverb(ReverbField::Width),
            Param::Reverb(ReverbField::Return),
            Param::Master(MasterField::Gain),
            Param::Master(MasterField::Ceiling),
            Param::Master(MasterField::LimiterRelease),
        ];
        for b in Band::ALL {
            params.push(Param::Track(id, TrackField::Freq(b)));
            params.push(Param::Track(id, TrackField::Q(b)));
            if !b.is_pass() {
                params.push(Param::Track(id, TrackField::BandGain(b)));
            }
        }
        for param in params {
            let s = param.spec();
            let target = s.mapping.from_norm(0.37).clamp(s.min, s.max);
            let before = p.clone();
            assert!(param.set(&mut p, target), "{param:?}");
            assert_eq!(param.get(&p), Some(target), "{param:?}");
            assert_ne!(p, before, "{param:?} changed nothing");
            // Its default is inside its range.
            assert_eq!(s.clamp(s.default), Some(s.default), "{param:?}");
        }
        assert!(!Param::Track(TrackId(u64::MAX), TrackField::Gain).set(&mut p, 1.0));
    }
}
