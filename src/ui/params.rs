//! Every continuous parameter of the project the window can edit, named so that one message
//! type (`Set(param, value)`) serves faders, knobs and typed values alike: what it reads and
//! writes in the project, its range and mapping on a control, how it is written and how a
//! typed value is understood.

use crate::project::{Project, SILENCE_DB, Track, TrackId};
use crate::ui::widgets::{Mapping, format};

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

/// How a parameter's value is written and read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// dB; may be −∞ when `min` is −∞.
    Db,
    /// Hz.
    Hz,
    /// A plain number (Q).
    Plain,
    /// A ratio n:1.
    Ratio,
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// 0…1 written as percent.
    Percent,
    /// Pan −1…+1 written as L/C/R.
    Pan,
}

/// Range and presentation of a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// Label on the control.
    pub label: &'static str,
    /// Control mapping (the fader has its own taper; its mapping is only for typed values).
    pub mapping: Mapping,
    /// Lowest accepted value (−∞ allowed for levels).
    pub min: f32,
    /// Highest accepted value.
    pub max: f32,
    /// Double-click value.
    pub default: f32,
    /// Presentation.
    pub unit: Unit,
    /// Whether the knob's arc grows from the middle.
    pub bipolar: bool,
}

const fn spec(
    label: &'static str,
    mapping: Mapping,
    min: f32,
    max: f32,
    default: f32,
    unit: Unit,
) -> Spec {
    Spec {
        label,
        mapping,
        min,
        max,
        default,
        unit,
        bipolar: false,
    }
}

const fn lin(min: f32, max: f32) -> Mapping {
    Mapping::Linear { min, max }
}

const fn log(min: f32, max: f32) -> Mapping {
    Mapping::Log { min, max }
}

/// A fader level: −∞ … +12 dB.
const FADER: Spec = spec(
    "Level",
    Mapping::Db {
        min: -60.0,
        max: 12.0,
    },
    f32::NEG_INFINITY,
    12.0,
    0.0,
    Unit::Db,
);

impl Param {
    /// Range and presentation.
    pub fn spec(self) -> Spec {
        use Unit::*;
        match self {
            Param::Track(_, f) => match f {
                TrackField::Gain => FADER,
                TrackField::Trim => Spec {
                    bipolar: true,
                    ..spec("Trim", lin(-24.0, 24.0), -24.0, 24.0, 0.0, Db)
                },
                TrackField::Pan => Spec {
                    bipolar: true,
                    ..spec("Pan", lin(-1.0, 1.0), -1.0, 1.0, 0.0, Pan)
                },
                TrackField::Send => spec(
                    "Send",
                    Mapping::Db {
                        min: -48.0,
                        max: 6.0,
                    },
                    f32::NEG_INFINITY,
                    6.0,
                    f32::NEG_INFINITY,
                    Db,
                ),
                TrackField::Freq(b) => {
                    let d = default_band(b);
                    spec("Freq", log(20.0, 20_000.0), 20.0, 20_000.0, d.1, Hz)
                }
                TrackField::BandGain(_) => Spec {
                    bipolar: true,
                    ..spec("Gain", lin(-18.0, 18.0), -24.0, 24.0, 0.0, Db)
                },
                TrackField::Q(b) => {
                    let d = default_band(b);
                    spec("Q", log(0.1, 18.0), 0.1, 18.0, d.3, Plain)
                }
                TrackField::Threshold => spec("Thresh", lin(-60.0, 0.0), -60.0, 0.0, -18.0, Db),
                TrackField::Ratio => spec("Ratio", log(1.0, 20.0), 1.0, 100.0, 4.0, Ratio),
                TrackField::Attack => spec("Attack", log(0.1, 300.0), 0.05, 1000.0, 10.0, Ms),
                TrackField::Release => spec("Release", log(5.0, 3000.0), 1.0, 5000.0, 120.0, Ms),
                TrackField::Knee => spec("Knee", lin(0.0, 24.0), 0.0, 24.0, 6.0, Db),
                TrackField::Makeup => spec("Make-up", lin(-12.0, 24.0), -24.0, 36.0, 0.0, Db),
            },
            Param::Reverb(f) => match f {
                ReverbField::PreDelay => spec("Pre-delay", lin(0.0, 200.0), 0.0, 500.0, 20.0, Ms),
                ReverbField::Decay => spec("Decay", log(0.1, 20.0), 0.1, 30.0, 1.8, Seconds),
                ReverbField::Damping => spec("Damping", lin(0.0, 1.0), 0.0, 1.0, 0.4, Percent),
                ReverbField::Size => spec("Size", lin(0.0, 1.0), 0.0, 1.0, 0.6, Percent),
                ReverbField::Width => spec("Width", lin(0.0, 1.0), 0.0, 1.0, 1.0, Percent),
                ReverbField::Return => Spec {
                    label: "Return",
                    ..FADER
                },
            },
            Param::Master(f) => match f {
                MasterField::Gain => Spec {
                    label: "Master",
                    ..FADER
                },
                MasterField::Ceiling => spec("Ceiling", lin(-12.0, 0.0), -24.0, 0.0, -1.0, Db),
                MasterField::LimiterRelease => {
                    spec("Release", log(1.0, 1000.0), 1.0, 2000.0, 50.0, Ms)
                }
            },
        }
    }

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

/// Default (enabled, freq, gain, q) of a band.
fn default_band(b: Band) -> (bool, f32, f32, f32) {
    let t = Track::default();
    t.eq.band_values(b)
}

impl Spec {
    /// `value` limited to the range; `None` for NaN. Levels at or below −144 dB become −∞
    /// when the range allows −∞.
    pub fn clamp(&self, value: f32) -> Option<f32> {
        if value.is_nan() {
            return None;
        }
        if self.min == f32::NEG_INFINITY && value <= SILENCE_DB {
            return Some(f32::NEG_INFINITY);
        }
        Some(value.clamp(self.min, self.max))
    }

    /// The value as shown on the control.
    pub fn format(&self, v: f32) -> String {
        match self.unit {
            Unit::Db => format::db(v),
            Unit::Hz => format::hz(v),
            Unit::Plain => format::number(v, 2),
            Unit::Ratio => format::ratio(v),
            Unit::Ms => format::ms(v),
            Unit::Seconds => {
                if v.is_finite() {
                    format!("{v:.2} s")
                } else {
                    "-".into()
                }
            }
            Unit::Percent => {
                if v.is_finite() {
                    format!("{:.0}%", v * 100.0)
                } else {
                    "-".into()
                }
            }
            Unit::Pan => format::pan(v),
        }
    }

    /// The value as prefilled in the typing box (plain, without unit).
    pub fn edit_text(&self, v: f32) -> String {
        if !v.is_finite() {
            return "-inf".into();
        }
        match self.unit {
            Unit::Percent => format!("{:.0}", v * 100.0),
            Unit::Pan => format::pan(v),
            Unit::Hz => trim_number(format!("{v:.1}")),
            Unit::Plain => trim_number(format!("{v:.3}")),
            _ => trim_number(format!("{v:.2}")),
        }
    }

    /// Reads a typed value: a number with an optional unit ("−6", "-6 dB", "1.2k", "1.2 kHz",
    /// "250ms", "1.5 s", "4:1", "40%", "L 30", "C", "-inf"). `None` if it is not one.
    pub fn parse(&self, text: &str) -> Option<f32> {
        let s = text
            .trim()
            .to_lowercase()
            .replace('−', "-")
            .replace(',', ".");
        if s.is_empty() {
            return None;
        }
        if matches!(s.as_str(), "-inf" | "-∞" | "inf" | "off" | "-oo")
            && self.min == f32::NEG_INFINITY
        {
            return Some(f32::NEG_INFINITY);
        }
        let v = match self.unit {
            Unit::Pan => parse_pan(&s)?,
            Unit::Ratio => number(s.trim_end_matches(":1"))?,
            Unit::Percent => {
                let n = number(s.trim_end_matches('%'))?;
                // "0.4" means 40%, "40" or "40%" too.
                if s.ends_with('%') || n > 1.0 {
                    n / 100.0
                } else {
                    n
                }
            }
            Unit::Hz => {
                if let Some(k) = s.strip_suffix("khz").or_else(|| s.strip_suffix('k')) {
                    number(k)? * 1000.0
                } else {
                    number(s.trim_end_matches("hz"))?
                }
            }
            Unit::Ms => {
                if let Some(ms) = s.strip_suffix("ms") {
                    number(ms)?
                } else if let Some(sec) = s.strip_suffix('s') {
                    number(sec)? * 1000.0
                } else {
                    number(&s)?
                }
            }
            Unit::Seconds => {
                if let Some(ms) = s.strip_suffix("ms") {
                    number(ms)? / 1000.0
                } else {
                    number(s.trim_end_matches('s'))?
                }
            }
            Unit::Db => number(s.trim_end_matches("dbtp").trim_end_matches("db"))?,
            Unit::Plain => number(s.trim_start_matches("q").trim_start_matches('='))?,
        };
        if !v.is_finite() {
            return None;
        }
        self.clamp(v)
    }
}

fn number(s: &str) -> Option<f32> {
    s.trim().trim_start_matches('+').parse::<f32>().ok()
}

fn trim_number(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn parse_pan(s: &str) -> Option<f32> {
    let s = s.trim();
    if s == "c" || s == "center" || s == "centre" {
        return Some(0.0);
    }
    let side = |rest: &str, sign: f32| -> Option<f32> {
        let rest = rest.trim().trim_end_matches('%');
        let n = if rest.is_empty() {
            100.0
        } else {
            number(rest)?
        };
        Some(sign * n / 100.0)
    };
    if let Some(rest) = s.strip_prefix('l') {
        return side(rest, -1.0);
    }
    if let Some(rest) = s.strip_prefix('r') {
        return side(rest, 1.0);
    }
    let n = number(s)?;
    // "-30" means L 30; "0.3" means R 30.
    Some(if n.abs() > 1.0 { n / 100.0 } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_and_set_round_trip_for_every_parameter() {
        let mut p = Project::default();
        p.tracks.push(Track::default());
        let id = p.tracks[0].id;
        let mut params = vec![
            Param::Track(id, TrackField::Gain),
            Param::Track(id, TrackField::Trim),
            Param::Track(id, TrackField::Pan),
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

    #[test]
    fn typed_values_are_understood() {
        let id = TrackId(1);
        let gain = Param::Track(id, TrackField::Gain).spec();
        assert_eq!(gain.parse("-6"), Some(-6.0));
        assert_eq!(gain.parse(" -6.5 dB "), Some(-6.5));
        assert_eq!(gain.parse("+3"), Some(3.0));
        assert_eq!(gain.parse("−3,5"), Some(-3.5));
        assert_eq!(gain.parse("40"), Some(12.0));
        assert_eq!(gain.parse("-inf"), Some(f32::NEG_INFINITY));
        assert_eq!(gain.parse("-200"), Some(f32::NEG_INFINITY));
        assert_eq!(gain.parse("loud"), None);
        assert_eq!(gain.parse(""), None);
        assert_eq!(gain.parse("nan"), None);
        let freq = Param::Track(id, TrackField::Freq(Band::Peak1)).spec();
        assert_eq!(freq.parse("1.2k"), Some(1200.0));
        assert_eq!(freq.parse("2.5 kHz"), Some(2500.0));
        assert_eq!(freq.parse("80 Hz"), Some(80.0));
        assert_eq!(freq.parse("5"), Some(20.0));
        let pan = Param::Track(id, TrackField::Pan).spec();
        assert_eq!(pan.parse("L 30"), Some(-0.3));
        assert_eq!(pan.parse("r"), Some(1.0));
        assert_eq!(pan.parse("C"), Some(0.0));
        assert_eq!(pan.parse("-50"), Some(-0.5));
        let ratio = Param::Track(id, TrackField::Ratio).spec();
        assert_eq!(ratio.parse("4:1"), Some(4.0));
        let attack = Param::Track(id, TrackField::Attack).spec();
        assert_eq!(attack.parse("0.5 s"), Some(500.0));
        assert_eq!(attack.parse("12ms"), Some(12.0));
        let decay = Param::Reverb(ReverbField::Decay).spec();
        assert_eq!(decay.parse("2.5s"), Some(2.5));
        assert_eq!(decay.parse("800 ms"), Some(0.8));
        let damp = Param::Reverb(ReverbField::Damping).spec();
        assert_eq!(damp.parse("40%"), Some(0.4));
        assert_eq!(damp.parse("0.25"), Some(0.25));
        // The threshold has no −∞.
        let th = Param::Track(id, TrackField::Threshold).spec();
        assert_eq!(th.parse("-inf"), None);
        assert_eq!(th.parse("-100"), Some(-60.0));
    }

    #[test]
    fn edit_text_reads_back_as_the_same_value() {
        let id = TrackId(1);
        for (param, v) in [
            (Param::Track(id, TrackField::Gain), -6.25),
            (Param::Track(id, TrackField::Freq(Band::Peak2)), 3150.0),
            (Param::Track(id, TrackField::Pan), -0.3),
            (Param::Reverb(ReverbField::Size), 0.6),
            (Param::Track(id, TrackField::Send), f32::NEG_INFINITY),
        ] {
            let s = param.spec();
            let back = s.parse(&s.edit_text(v)).unwrap();
            assert!(
                back == v || (back - v).abs() < 1e-3,
                "{param:?}: {v} → {back}"
            );
        }
    }
}
