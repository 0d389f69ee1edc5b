//! How the project is bounced: format, rate, span, loudness normalisation and destination,
//! remembered between bounces.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Sample format of a bounced file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BounceFormat {
    /// 16-bit integer, TPDF-dithered.
    Int16,
    /// 24-bit integer, TPDF-dithered.
    #[default]
    Int24,
    /// 32-bit float.
    Float32,
}

/// The part of the timeline a bounce renders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum BounceSpan {
    /// The whole song.
    #[default]
    All,
    /// The loop region.
    Loop,
    /// From `start_s` to `end_s` seconds.
    Span {
        /// Start in seconds.
        start_s: f64,
        /// End in seconds.
        end_s: f64,
    },
}

/// Loudness normalisation of a bounce: off, one of the delivery presets, or custom values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LoudnessChoice {
    /// As mixed.
    #[default]
    Off,
    /// −14 LUFS, −1 dBTP (streaming services).
    Streaming,
    /// −16 LUFS, −1 dBTP.
    Minus16,
    /// −23 LUFS, −1 dBTP (EBU R128 broadcast).
    EbuR128,
    /// `custom_lufs` and `custom_ceiling_dbtp` of [`BounceSettings`].
    Custom,
}

impl LoudnessChoice {
    /// Target (LUFS) and true-peak ceiling (dBTP) of a preset; `None` for Off and Custom.
    pub fn preset(self) -> Option<(f64, f32)> {
        match self {
            LoudnessChoice::Streaming => Some((-14.0, -1.0)),
            LoudnessChoice::Minus16 => Some((-16.0, -1.0)),
            LoudnessChoice::EbuR128 => Some((-23.0, -1.0)),
            LoudnessChoice::Off | LoudnessChoice::Custom => None,
        }
    }
}

/// The choices of the bounce dialog, remembered per project. Paths are absolute in memory and
/// relative to the project's folder on disk when below it, like stems.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BounceSettings {
    /// Sample format.
    pub format: BounceFormat,
    /// Sample rate of the file in Hz (`None`: the project's).
    pub sample_rate: Option<u32>,
    /// What to render.
    pub range: BounceSpan,
    /// Seconds rendered after the range (`None`: until the tail falls silent).
    pub tail_s: Option<f64>,
    /// Loudness normalisation.
    pub loudness: LoudnessChoice,
    /// Target of [`LoudnessChoice::Custom`] in LUFS.
    pub custom_lufs: f64,
    /// True-peak ceiling of [`LoudnessChoice::Custom`] in dBTP.
    pub custom_ceiling_dbtp: f32,
    /// The last mix file written.
    pub output: Option<PathBuf>,
    /// Whether one file per track is written too.
    pub stems: bool,
    /// The folder of the stems files.
    pub stems_dir: Option<PathBuf>,
    /// Stems with their share of the reverb (else dry, plus the reverb return as a file).
    pub stems_wet: bool,
}

impl Default for BounceSettings {
    fn default() -> Self {
        BounceSettings {
            format: BounceFormat::Int24,
            sample_rate: None,
            range: BounceSpan::All,
            tail_s: None,
            loudness: LoudnessChoice::Off,
            custom_lufs: -14.0,
            custom_ceiling_dbtp: -1.0,
            output: None,
            stems: false,
            stems_dir: None,
            stems_wet: false,
        }
    }
}

impl BounceSettings {
    /// Whether these are the defaults (then they are not written to the file).
    pub fn is_default(&self) -> bool {
        *self == BounceSettings::default()
    }
}
