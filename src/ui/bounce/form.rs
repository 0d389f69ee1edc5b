//! The bounce dialog's choices as the user edits them: the remembered [`BounceSettings`] plus
//! the typed fields (paths, times, loudness), read back into settings with an error naming the
//! field when a typed value is not a number in its range.

use super::super::files::expand_home;
use crate::project::{BounceFormat, BounceSettings, BounceSpan, LoudnessChoice};
use std::fmt;
use std::path::Path;

/// Sample rates offered besides the project's.
pub const RATES: [u32; 3] = [44_100, 48_000, 96_000];

/// A sample format in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatItem(pub BounceFormat);

impl fmt::Display for FormatItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            BounceFormat::Int16 => "16-bit (dithered)",
            BounceFormat::Int24 => "24-bit (dithered)",
            BounceFormat::Float32 => "32-bit float",
        })
    }
}

/// The formats, in the list's order.
pub const FORMATS: [FormatItem; 3] = [
    FormatItem(BounceFormat::Int16),
    FormatItem(BounceFormat::Int24),
    FormatItem(BounceFormat::Float32),
];

/// A sample rate in the list (`None`: the project's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateItem(pub Option<u32>);

impl fmt::Display for RateItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("Project rate"),
            Some(hz) => write!(f, "{} kHz", f64::from(hz) / 1000.0),
        }
    }
}

/// What to render, in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeItem {
    /// The whole song.
    All,
    /// The loop region.
    Loop,
    /// Typed start and end.
    Typed,
}

impl fmt::Display for RangeItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RangeItem::All => "Whole song",
            RangeItem::Loop => "Loop region",
            RangeItem::Typed => "From … to …",
        })
    }
}

/// The ranges, in the list's order.
pub const RANGES: [RangeItem; 3] = [RangeItem::All, RangeItem::Loop, RangeItem::Typed];

/// A loudness choice in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoudnessItem(pub LoudnessChoice);

impl fmt::Display for LoudnessItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            LoudnessChoice::Off => "Off (as mixed)",
            LoudnessChoice::Streaming => "Streaming: −14 LUFS, −1 dBTP",
            LoudnessChoice::Minus16 => "−16 LUFS, −1 dBTP",
            LoudnessChoice::EbuR128 => "EBU R128: −23 LUFS, −1 dBTP",
            LoudnessChoice::Custom => "Custom…",
        })
    }
}

/// The loudness choices, in the list's order.
pub const LOUDNESS: [LoudnessItem; 5] = [
    LoudnessItem(LoudnessChoice::Off),
    LoudnessItem(LoudnessChoice::Streaming),
    LoudnessItem(LoudnessChoice::Minus16),
    LoudnessItem(LoudnessChoice::EbuR128),
    LoudnessItem(LoudnessChoice::Custom),
];

/// The dialog's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// The choices made from lists and boxes (the typed values are read into it by
    /// [`Form::settings`]).
    pub choices: BounceSettings,
    /// What to render.
    pub range: RangeItem,
    /// Whether the tail is typed (else automatic).
    pub tail_typed: bool,
    /// The mix file, typed or chosen.
    pub path: String,
    /// The stems folder.
    pub stems_dir: String,
    /// Typed range start and end (seconds).
    pub start: String,
    /// See `start`.
    pub end: String,
    /// Typed tail (seconds).
    pub tail: String,
    /// Custom loudness target (LUFS) and ceiling (dBTP).
    pub lufs: String,
    /// See `lufs`.
    pub ceiling: String,
}

impl Form {
    /// The fields showing `s`; paths it does not have are `default_mix` and a `stems` folder
    /// next to it.
    pub fn new(s: &BounceSettings, default_mix: &Path) -> Form {
        let (range, start, end) = match s.range {
            BounceSpan::All => (RangeItem::All, None, None),
            BounceSpan::Loop => (RangeItem::Loop, None, None),
            BounceSpan::Span { start_s, end_s } => (RangeItem::Typed, Some(start_s), Some(end_s)),
        };
        let mix = s
            .output
            .clone()
            .unwrap_or_else(|| default_mix.to_path_buf());
        let stems = s.stems_dir.clone().unwrap_or_else(|| {
            let name = mix
                .file_stem()
                .map_or("mix".into(), |n| n.to_string_lossy());
            mix.with_file_name(format!("{name} stems"))
        });
        Form {
            choices: s.clone(),
            range,
            tail_typed: s.tail_s.is_some(),
            path: mix.display().to_string(),
            stems_dir: stems.display().to_string(),
            start: start.map_or_else(|| "0".into(), number),
            end: end.map_or_else(String::new, number),
            tail: number(s.tail_s.unwrap_or(2.0)),
            lufs: number(s.custom_lufs),
            ceiling: number(f64::from(s.custom_ceiling_dbtp)),
        }
    }

    /// The settings the fields stand for, or what is wrong with a typed value.
    pub fn settings(&self) -> Result<BounceSettings, String> {
        let mut s = self.choices.clone();
        let path = self.path.trim();
        if path.is_empty() {
            return Err("Type the path of the WAV file to write.".into());
        }
        let mut mix = expand_home(path);
        if mix.extension().is_none() {
            mix.set_extension("wav");
        }
        s.output = Some(mix);
        s.range = match self.range {
            RangeItem::All => BounceSpan::All,
            RangeItem::Loop => BounceSpan::Loop,
            RangeItem::Typed => {
                let start_s = seconds(&self.start, "From")?;
                let end_s = seconds(&self.end, "To")?;
                if end_s <= start_s {
                    return Err(format!(
                        "“To” ({end_s} s) must be after “From” ({start_s} s)."
                    ));
                }
                BounceSpan::Span { start_s, end_s }
            }
        };
        s.tail_s = if self.tail_typed {
            let t = seconds(&self.tail, "Tail")?;
            if t > 60.0 {
                return Err("“Tail” is at most 60 s.".into());
            }
            Some(t)
        } else {
            None
        };
        if s.loudness == LoudnessChoice::Custom {
            s.custom_lufs = value(&self.lufs, "Target", -70.0..=0.0, "LUFS")?;
            s.custom_ceiling_dbtp = value(&self.ceiling, "Ceiling", -20.0..=0.0, "dBTP")? as f32;
        }
        if s.stems {
            let dir = self.stems_dir.trim();
            if dir.is_empty() {
                return Err("Type the folder for the stems.".into());
            }
            s.stems_dir = Some(expand_home(dir));
        }
        Ok(s)
    }
}

/// A number as typed back into a box: no trailing zeros.
fn number(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn seconds(text: &str, field: &str) -> Result<f64, String> {
    value(text, field, 0.0..=86_400.0, "s")
}

fn value(
    text: &str,
    field: &str,
    range: std::ops::RangeInclusive<f64>,
    unit: &str,
) -> Result<f64, String> {
    let t = text.trim().replace('−', "-").replace(',', ".");
    t.parse::<f64>()
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| {
            format!(
                "“{field}” must be a number from {} to {} {unit}, not “{}”.",
                range.start(),
                range.end(),
                text.trim()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn typed_values_are_read_back_and_bad_ones_name_their_field() {
        let mut f = Form::new(&BounceSettings::default(), Path::new("/music/song.wav"));
        assert_eq!(f.stems_dir, "/music/song stems");
        f.range = RangeItem::Typed;
        f.start = "1,5".into();
        f.end = "4".into();
        f.tail_typed = true;
        f.tail = "0.25".into();
        f.choices.loudness = LoudnessChoice::Custom;
        f.lufs = "−18".into();
        f.path = "/music/out".into();
        let s = f.settings().unwrap();
        assert_eq!(
            s.range,
            BounceSpan::Span {
                start_s: 1.5,
                end_s: 4.0
            }
        );
        assert_eq!((s.tail_s, s.custom_lufs), (Some(0.25), -18.0));
        assert_eq!(s.output, Some(PathBuf::from("/music/out.wav")));
        // The settings show again as they were typed.
        assert_eq!(Form::new(&s, Path::new("/x.wav")).start, "1.5");

        f.end = "1".into();
        assert!(f.settings().unwrap_err().contains("“To”"));
        f.end = "abc".into();
        assert!(f.settings().unwrap_err().contains("“To” must be a number"));
        f.end = "4".into();
        f.lufs = "5".into();
        assert!(f.settings().unwrap_err().contains("“Target”"));
        f.lufs = "-18".into();
        f.path = " ".into();
        assert!(f.settings().is_err());
    }
}
