//! Checking every number of a loaded project against its range ([`super::ranges`]): NaN and
//! infinities become the field's default, values outside the range its nearest limit, and
//! each correction is reported with the track, the field and the line of the file.

use super::eq::{EqBand, PassBand};
use super::locate::FieldLines;
use super::model::{CompressorSettings, Project, Region, Track};
use super::ranges::{self, ParamRange};
use std::fmt;

/// One value of a project file that could not be used as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// The track it belongs to (its name, or "track N" when it has none), if any.
    pub track: Option<String>,
    /// The field as written in the file, below the track (`eq.peak1.gain_db`) or the project
    /// (`master.limiter.ceiling_dbtp`).
    pub field: String,
    /// The 1-based line of the file the value is on (of the nearest enclosing value when the
    /// field itself is not written, e.g. in a migrated file).
    pub line: Option<usize>,
    /// The value as read.
    pub found: f64,
    /// What it was replaced by (`None`: the value was removed, e.g. a loop region).
    pub now: Option<f64>,
    /// Why: "not a number", "infinite", "above 12", "below -24", …
    pub reason: String,
}

impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(track) = &self.track {
            write!(f, "track \"{track}\": ")?;
        }
        write!(f, "{} {} is {}; ", self.field, self.found, self.reason)?;
        match self.now {
            Some(v) => write!(f, "using {v}"),
            None => write!(f, "removed the region"),
        }
    }
}

/// Limits on times in seconds (loop regions, markers): 0 … 24 hours.
const TIME_S: (f64, f64) = (0.0, 86_400.0);

/// Corrects every number of `project` that is outside its range; `text` is the file it was
/// parsed from (for the lines). Returns the corrections, in file order of the fields.
pub fn validate(project: &mut Project, text: &str) -> Vec<Correction> {
    let mut v = Validator {
        lines: FieldLines::of(text),
        track: None,
        prefix: String::new(),
        out: Vec::new(),
    };
    for (i, t) in project.tracks.iter_mut().enumerate() {
        v.track = Some(if t.name.trim().is_empty() {
            format!("track {}", i + 1)
        } else {
            t.name.clone()
        });
        v.prefix = format!("tracks[{i}].");
        v.track_values(t);
    }
    v.track = None;
    for (i, r) in project.references.iter_mut().enumerate() {
        v.prefix = format!("references[{i}].");
        v.level("trim_db", &mut r.trim_db, ranges::TRIM_DB);
        v.region("loop_region", &mut r.loop_region);
    }
    v.prefix.clear();
    let rv = &mut project.reverb;
    v.level(
        "reverb.pre_delay_ms",
        &mut rv.pre_delay_ms,
        ranges::REVERB_PRE_DELAY_MS,
    );
    v.level("reverb.decay_s", &mut rv.decay_s, ranges::REVERB_DECAY_S);
    v.level("reverb.damping", &mut rv.damping, ranges::REVERB_DAMPING);
    v.level("reverb.size", &mut rv.size, ranges::REVERB_SIZE);
    v.level("reverb.width", &mut rv.width, ranges::REVERB_WIDTH);
    v.level(
        "reverb.return_db",
        &mut rv.return_db,
        ranges::REVERB_RETURN_DB,
    );
    let m = &mut project.master;
    v.level("master.gain_db", &mut m.gain_db, ranges::MASTER_GAIN_DB);
    let l = &mut m.limiter;
    v.level(
        "master.limiter.ceiling_dbtp",
        &mut l.ceiling_dbtp,
        ranges::LIMITER_CEILING_DBTP,
    );
    v.level(
        "master.limiter.release_ms",
        &mut l.release_ms,
        ranges::LIMITER_RELEASE_MS,
    );
    v.region("loop_region", &mut project.loop_region);
    if project.loop_region.is_none() {
        project.loop_enabled = false;
    }
    for (i, marker) in project.markers.iter_mut().enumerate() {
        v.time(&format!("markers[{i}].time_s"), &mut marker.time_s);
    }
    v.out.sort_by_key(|c| c.line.unwrap_or(0));
    v.out
}

struct Validator {
    lines: FieldLines,
    /// The track being checked.
    track: Option<String>,
    /// Path of the value being checked, up to the field (`tracks[3].`).
    prefix: String,
    out: Vec<Correction>,
}

impl Validator {
    fn track_values(&mut self, t: &mut Track) {
        self.level("trim_db", &mut t.trim_db, ranges::TRIM_DB);
        self.level("gain_db", &mut t.gain_db, ranges::TRACK_GAIN_DB);
        self.level("pan", &mut t.pan, ranges::PAN);
        self.level("width", &mut t.width, ranges::TRACK_WIDTH);
        self.level("reverb_send_db", &mut t.reverb_send_db, ranges::SEND_DB);
        let eq = &mut t.eq;
        use super::eq::Band;
        self.pass("eq.high_pass", &mut eq.high_pass, Band::HighPass);
        self.band("eq.low_shelf", &mut eq.low_shelf, Band::LowShelf);
        self.band("eq.peak1", &mut eq.peak1, Band::Peak1);
        self.band("eq.peak2", &mut eq.peak2, Band::Peak2);
        self.band("eq.high_shelf", &mut eq.high_shelf, Band::HighShelf);
        self.pass("eq.low_pass", &mut eq.low_pass, Band::LowPass);
        self.compressor(&mut t.compressor);
    }

    fn band(&mut self, name: &str, b: &mut EqBand, band: super::eq::Band) {
        self.level(
            &format!("{name}.freq_hz"),
            &mut b.freq_hz,
            ranges::eq_freq_hz(band),
        );
        if let Some(range) = ranges::eq_gain_db(band) {
            self.level(&format!("{name}.gain_db"), &mut b.gain_db, range);
        }
        self.level(&format!("{name}.q"), &mut b.q, ranges::eq_q(band));
    }

    fn pass(&mut self, name: &str, b: &mut PassBand, band: super::eq::Band) {
        self.level(
            &format!("{name}.freq_hz"),
            &mut b.freq_hz,
            ranges::eq_freq_hz(band),
        );
        self.level(&format!("{name}.q"), &mut b.q, ranges::eq_q(band));
    }

    fn compressor(&mut self, c: &mut CompressorSettings) {
        let fields = [
            (
                "threshold_db",
                &mut c.threshold_db,
                ranges::COMP_THRESHOLD_DB,
            ),
            ("ratio", &mut c.ratio, ranges::COMP_RATIO),
            ("attack_ms", &mut c.attack_ms, ranges::COMP_ATTACK_MS),
            ("release_ms", &mut c.release_ms, ranges::COMP_RELEASE_MS),
            ("knee_db", &mut c.knee_db, ranges::COMP_KNEE_DB),
            ("makeup_db", &mut c.makeup_db, ranges::COMP_MAKEUP_DB),
        ];
        for (name, value, range) in fields {
            self.level(&format!("compressor.{name}"), value, range);
        }
    }

    fn report(&mut self, field: &str, found: f64, now: Option<f64>, reason: String) {
        let path = format!("{}{field}", self.prefix);
        // Below a track the field is named from the track; elsewhere by its whole path.
        let field = if self.track.is_some() {
            field.to_string()
        } else {
            path.clone()
        };
        self.out.push(Correction {
            track: self.track.clone(),
            field,
            line: self.lines.line(&path),
            found,
            now,
            reason,
        });
    }

    /// A setting with a [`ParamRange`]: NaN and infinities (−∞ only where the range reaches
    /// it: a level switched off) become the default, others are clamped to the range.
    fn level(&mut self, field: &str, value: &mut f32, range: ParamRange) {
        let v = *value;
        let fixed = if v.is_nan() {
            (range.default, "not a number".to_string())
        } else if v.is_infinite() && !(v < 0.0 && range.min == f32::NEG_INFINITY) {
            (range.default, "infinite".to_string())
        } else if v > range.max {
            (range.max, format!("above {}", range.max))
        } else if v < range.min {
            (range.min, format!("below {}", range.min))
        } else {
            return;
        };
        *value = fixed.0;
        self.report(field, v as f64, Some(fixed.0 as f64), fixed.1);
    }

    /// A time in seconds: NaN and infinities become 0, others are clamped to [`TIME_S`].
    fn time(&mut self, field: &str, value: &mut f64) {
        let v = *value;
        let fixed = if !v.is_finite() {
            (
                0.0,
                if v.is_nan() {
                    "not a number"
                } else {
                    "infinite"
                }
                .to_string(),
            )
        } else if v < TIME_S.0 {
            (TIME_S.0, "negative".to_string())
        } else if v > TIME_S.1 {
            (TIME_S.1, format!("after {} s (24 hours)", TIME_S.1))
        } else {
            return;
        };
        *value = fixed.0;
        self.report(field, v, Some(fixed.0), fixed.1);
    }

    /// A region: removed when a bound is NaN or infinite, else its bounds clamped as times.
    fn region(&mut self, field: &str, region: &mut Option<Region>) {
        let Some(r) = region else { return };
        for (name, v) in [("start_s", r.start_s), ("end_s", r.end_s)] {
            if !v.is_finite() {
                let reason = if v.is_nan() {
                    "not a number"
                } else {
                    "infinite"
                };
                self.report(&format!("{field}.{name}"), v, None, reason.to_string());
                *region = None;
                return;
            }
        }
        self.time(&format!("{field}.start_s"), &mut r.start_s);
        self.time(&format!("{field}.end_s"), &mut r.end_s);
    }
}
