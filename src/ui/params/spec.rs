//! How a parameter looks on a control: label, control mapping, unit; writing values and
//! reading typed ones. The accepted range comes from [`super::ranges`].

use super::ranges::{self, Range};
use super::{MasterField, Param, ReverbField, TrackField};
use crate::project::SILENCE_DB;
use crate::ui::widgets::{Mapping, format};

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
    /// Lowest accepted value (−∞ allowed for levels), from [`ranges`].
    pub min: f32,
    /// Highest accepted value, from [`ranges`].
    pub max: f32,
    /// Double-click value, from [`ranges`].
    pub default: f32,
    /// Presentation.
    pub unit: Unit,
    /// Whether the knob's arc grows from the middle.
    pub bipolar: bool,
}

/// Presentation of a parameter: (label, control mapping, unit, bipolar).
struct Look(&'static str, Mapping, Unit, bool);

const fn lin(min: f32, max: f32) -> Mapping {
    Mapping::Linear { min, max }
}

const fn log(min: f32, max: f32) -> Mapping {
    Mapping::Log { min, max }
}

/// The fader's mapping (only for typed values: a fader has its own taper).
const FADER: Mapping = Mapping::Db {
    min: -60.0,
    max: 12.0,
};

fn look(param: Param) -> Look {
    use Unit::*;
    match param {
        Param::Track(_, f) => match f {
            TrackField::Gain => Look("Level", FADER, Db, false),
            TrackField::Trim => Look("Trim", lin(-24.0, 24.0), Db, true),
            TrackField::Pan => Look("Pan", lin(-1.0, 1.0), Pan, true),
            TrackField::Width => Look("Width", lin(0.0, 1.0), Percent, false),
            TrackField::Send => Look(
                "Send",
                Mapping::Db {
                    min: -48.0,
                    max: 6.0,
                },
                Db,
                false,
            ),
            TrackField::Freq(_) => Look("Freq", log(20.0, 20_000.0), Hz, false),
            TrackField::BandGain(_) => Look("Gain", lin(-18.0, 18.0), Db, true),
            TrackField::Q(_) => Look("Q", log(0.1, 18.0), Plain, false),
            TrackField::Threshold => Look("Thresh", lin(-60.0, 0.0), Db, false),
            TrackField::Ratio => Look("Ratio", log(1.0, 20.0), Ratio, false),
            TrackField::Attack => Look("Attack", log(0.1, 300.0), Ms, false),
            TrackField::Release => Look("Release", log(5.0, 3000.0), Ms, false),
            TrackField::Knee => Look("Knee", lin(0.0, 24.0), Db, false),
            TrackField::Makeup => Look("Make-up", lin(-12.0, 24.0), Db, false),
        },
        Param::Reverb(f) => match f {
            ReverbField::PreDelay => Look("Pre-delay", lin(0.0, 200.0), Ms, false),
            ReverbField::Decay => Look("Decay", log(0.1, 20.0), Seconds, false),
            ReverbField::Damping => Look("Damping", lin(0.0, 1.0), Percent, false),
            ReverbField::Size => Look("Size", lin(0.0, 1.0), Percent, false),
            ReverbField::Width => Look("Width", lin(0.0, 1.0), Percent, false),
            ReverbField::Return => Look("Return", FADER, Db, false),
        },
        Param::Master(f) => match f {
            MasterField::Gain => Look("Master", FADER, Db, false),
            MasterField::Ceiling => Look("Ceiling", lin(-12.0, 0.0), Db, false),
            MasterField::LimiterRelease => Look("Release", log(1.0, 1000.0), Ms, false),
        },
    }
}

impl Param {
    /// Range and presentation.
    pub fn spec(self) -> Spec {
        let Look(label, mapping, unit, bipolar) = look(self);
        let Range { min, max, default } = ranges::range(self);
        Spec {
            label,
            mapping,
            min,
            max,
            default,
            unit,
            bipolar,
        }
    }
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
    use crate::project::TrackId;
    use crate::ui::params::{Band, Param, ReverbField, TrackField};

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
