//! The project's data model: plain serde structs, every field defaulted so a hand-written file
//! can name only a track's `source`.
//!
//! Levels are in dB, pan is −1…+1, times are in seconds; the engine converts them once per change.

use super::bounce::BounceSettings;
use super::eq::EqSettings;
use super::reference::{MatchSettings, RefId, Reference};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// Schema number written by this build.
pub const CURRENT_VERSION: u32 = 3;

/// Gains at or below this many dB are treated as silence (−∞).
pub const SILENCE_DB: f32 = -144.0;

/// A whole mixing session: tracks, buses and transport settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Project {
    /// Schema number of the file this was read from (always [`CURRENT_VERSION`] once loaded).
    pub version: u32,
    /// Mix sample rate in Hz; stems at other rates are resampled to it.
    pub sample_rate: u32,
    /// One channel strip per stem, in mixer order.
    pub tracks: Vec<Track>,
    /// The shared reverb bus every track can send to.
    pub reverb: ReverbBus,
    /// The master bus.
    pub master: Master,
    /// Reference tracks for A/B comparison (commercial songs, earlier versions, masters).
    pub references: Vec<Reference>,
    /// How references are loudness-matched to the mix.
    pub reference_match: MatchSettings,
    /// The loop region of the transport, if one was set.
    pub loop_region: Option<Region>,
    /// Whether playback loops over `loop_region`.
    pub loop_enabled: bool,
    /// Named positions on the timeline.
    pub markers: Vec<Marker>,
    /// The choices of the last bounce from the window (a preference, not part of the mix).
    #[serde(skip_serializing_if = "BounceSettings::is_default")]
    pub bounce: BounceSettings,
    /// How every track is panned (schema 3; the default is how earlier projects sound).
    pub pan_law: PanLaw,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            version: CURRENT_VERSION,
            sample_rate: 48_000,
            tracks: Vec::new(),
            reverb: ReverbBus::default(),
            master: Master::default(),
            references: Vec::new(),
            reference_match: MatchSettings::default(),
            loop_region: None,
            loop_enabled: false,
            markers: Vec::new(),
            bounce: BounceSettings::default(),
            pan_law: PanLaw::default(),
        }
    }
}

impl Project {
    /// The track with this session id, if it exists.
    pub fn track(&self, id: TrackId) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    /// The track with this session id, mutably.
    pub fn track_mut(&mut self, id: TrackId) -> Option<&mut Track> {
        self.tracks.iter_mut().find(|t| t.id == id)
    }

    /// Whether any track is soloed (solo-in-place then silences the others).
    pub fn any_solo(&self) -> bool {
        self.tracks.iter().any(|t| t.solo)
    }

    /// The reference with this session id, if it exists.
    pub fn reference(&self, id: RefId) -> Option<&Reference> {
        self.references.iter().find(|r| r.id == id)
    }

    /// The reference with this session id, mutably.
    pub fn reference_mut(&mut self, id: RefId) -> Option<&mut Reference> {
        self.references.iter_mut().find(|r| r.id == id)
    }

    /// Equality of everything that is saved, ignoring session-only track and reference ids.
    pub fn same_content(&self, other: &Project) -> bool {
        let strip = |p: &Project| {
            let mut p = p.clone();
            for t in &mut p.tracks {
                t.id = TrackId(0);
            }
            for r in &mut p.references {
                r.id = RefId(0);
            }
            p
        };
        strip(self) == strip(other)
    }
}

/// Identity of a track within one session (not saved): survives edits, undo and reordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackId(pub u64);

static NEXT_TRACK_ID: AtomicU64 = AtomicU64::new(1);

impl TrackId {
    /// A process-wide unique id.
    pub fn fresh() -> TrackId {
        TrackId(NEXT_TRACK_ID.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for TrackId {
    fn default() -> Self {
        TrackId::fresh()
    }
}

/// One stem and its channel strip settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Track {
    /// Session identity; never written to the file.
    #[serde(skip)]
    pub id: TrackId,
    /// Display name.
    pub name: String,
    /// The stem's audio file; relative paths are relative to the project file's folder.
    pub source: PathBuf,
    /// Input trim in dB, before the EQ.
    pub trim_db: f32,
    /// Fader level in dB; at or below [`SILENCE_DB`] it is −∞.
    pub gain_db: f32,
    /// Pan position, −1 (left) … +1 (right).
    pub pan: f32,
    /// Muted tracks are silent, and so are their sends.
    pub mute: bool,
    /// Solo-in-place: when any track is soloed, only soloed tracks are heard.
    pub solo: bool,
    /// Inverts the polarity of the stem at the input.
    pub polarity_invert: bool,
    /// Strip and waveform colour.
    pub color: Color,
    /// The six-band parametric EQ.
    pub eq: EqSettings,
    /// The channel compressor.
    pub compressor: CompressorSettings,
    /// Send level to the reverb bus in dB; at or below [`SILENCE_DB`] the send is off.
    pub reverb_send_db: f32,
    /// Whether the send taps the signal before the fader (and pan) instead of after.
    pub reverb_send_pre_fader: bool,
    /// Width of a stereo track's image, 0 (mono) … 1 (as recorded), used by the
    /// width + position pan law (schema 3).
    pub width: f32,
}

impl Default for Track {
    fn default() -> Self {
        Track {
            id: TrackId::fresh(),
            name: String::new(),
            source: PathBuf::new(),
            trim_db: 0.0,
            gain_db: 0.0,
            pan: 0.0,
            mute: false,
            solo: false,
            polarity_invert: false,
            color: Color::default(),
            eq: EqSettings::default(),
            compressor: CompressorSettings::default(),
            reverb_send_db: f32::NEG_INFINITY,
            reverb_send_pre_fader: false,
            width: 1.0,
        }
    }
}

impl Track {
    /// A default track for a stem, named after the file.
    pub fn for_source(source: PathBuf) -> Track {
        let name = file_stem(&source);
        Track {
            name,
            source,
            ..Track::default()
        }
    }
}

/// An sRGB colour, written in files as `"#rrggbb"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red, 0…255.
    pub r: u8,
    /// Green, 0…255.
    pub g: u8,
    /// Blue, 0…255.
    pub b: u8,
}

impl Default for Color {
    fn default() -> Self {
        Color::PALETTE[0]
    }
}

impl Color {
    /// Track colours handed out in turn to new tracks.
    pub const PALETTE: [Color; 8] = [
        Color::rgb(0x4a, 0xa3, 0xdf),
        Color::rgb(0xe0, 0x8a, 0x3c),
        Color::rgb(0x6c, 0xc0, 0x5a),
        Color::rgb(0xd9, 0x5b, 0x6f),
        Color::rgb(0xa7, 0x7b, 0xe0),
        Color::rgb(0xd8, 0xc0, 0x45),
        Color::rgb(0x4c, 0xc7, 0xb5),
        Color::rgb(0xc9, 0x7c, 0xb4),
    ];

    /// A colour from its components.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b }
    }

    /// The palette colour for the n-th track.
    pub fn nth(n: usize) -> Color {
        Color::PALETTE[n % Color::PALETTE.len()]
    }

    /// Parses `#rrggbb` (the `#` is optional).
    pub fn parse(s: &str) -> Option<Color> {
        let hex = s.strip_prefix('#').unwrap_or(s);
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Color::rgb(byte(0)?, byte(2)?, byte(4)?))
    }
}

impl std::fmt::Display for Color {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Color::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("colour {s:?} is not of the form \"#rrggbb\""))
        })
    }
}

/// How the compressor measures level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Detector {
    /// Instantaneous peak of the louder channel.
    #[default]
    Peak,
    /// Mean-square level over a short window (10 ms), both channels together.
    Rms,
}

/// A feed-forward, stereo-linked compressor.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompressorSettings {
    /// Whether the compressor is in the signal path.
    pub enabled: bool,
    /// Level above which gain is reduced.
    pub threshold_db: f32,
    /// Input dB above threshold per output dB (1 = no compression).
    pub ratio: f32,
    /// Time constant of increasing gain reduction.
    pub attack_ms: f32,
    /// Time constant of releasing gain reduction.
    pub release_ms: f32,
    /// Width of the soft knee, centred on the threshold (0 = hard knee).
    pub knee_db: f32,
    /// Gain added after compression.
    pub makeup_db: f32,
    /// Peak or RMS level detection.
    pub detector: Detector,
}

impl Default for CompressorSettings {
    fn default() -> Self {
        CompressorSettings {
            enabled: false,
            threshold_db: -18.0,
            ratio: 4.0,
            attack_ms: 10.0,
            release_ms: 120.0,
            knee_db: 6.0,
            makeup_db: 0.0,
            detector: Detector::Peak,
        }
    }
}

/// The shared reverb bus: an algorithmic stereo reverb, 100% wet.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReverbBus {
    /// Delay before the reverb starts.
    pub pre_delay_ms: f32,
    /// Decay time (RT60) at 1 kHz in seconds.
    pub decay_s: f32,
    /// High-frequency damping, 0 (bright) … 1 (dark).
    pub damping: f32,
    /// Room size, 0 (small) … 1 (large): scales the delay lengths.
    pub size: f32,
    /// Stereo width, 0 (mono) … 1 (full).
    pub width: f32,
    /// Level of the reverb return into the master.
    pub return_db: f32,
    /// Mutes the return.
    pub mute: bool,
}

impl Default for ReverbBus {
    fn default() -> Self {
        ReverbBus {
            pre_delay_ms: 20.0,
            decay_s: 1.8,
            damping: 0.4,
            size: 0.6,
            width: 1.0,
            return_db: 0.0,
            mute: false,
        }
    }
}

/// The master bus.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Master {
    /// Master fader.
    pub gain_db: f32,
    /// The true-peak limiter at the end of the chain.
    pub limiter: LimiterSettings,
}

impl Default for Master {
    fn default() -> Self {
        Master {
            gain_db: 0.0,
            limiter: LimiterSettings::default(),
        }
    }
}

/// Settings of the master's true-peak limiter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimiterSettings {
    /// Whether the limiter acts (its look-ahead delay is always there, so toggling it does not
    /// shift the audio).
    pub enabled: bool,
    /// Highest true peak let through, in dBTP.
    pub ceiling_dbtp: f32,
    /// Release time constant.
    pub release_ms: f32,
}

impl Default for LimiterSettings {
    fn default() -> Self {
        LimiterSettings {
            enabled: false,
            ceiling_dbtp: -1.0,
            release_ms: 50.0,
        }
    }
}

/// How tracks are panned: one law for mono tracks and one for stereo tracks (see
/// `dsp::pan` for the formulas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanLaw {
    /// Mono tracks.
    pub mono: MonoPanLaw,
    /// Stereo tracks.
    pub stereo: StereoPanLaw,
}

/// The pan law of mono tracks, named by the gain of each side at the centre (hard left and
/// right are at unity in all of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MonoPanLaw {
    /// 0 dB: the far side fades linearly, the near side stays at unity.
    Db0,
    /// −3 dB: constant power (sin/cos). What projects before schema 3 used.
    #[default]
    Db3,
    /// −4.5 dB: between constant power and constant amplitude.
    Db4_5,
    /// −6 dB: constant amplitude (linear).
    Db6,
}

/// The pan law of stereo tracks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StereoPanLaw {
    /// Balance: panning fades the far side. What projects before schema 3 used.
    #[default]
    Balance,
    /// Width and position: the track's `width` narrows the image, its pan places it.
    WidthPosition,
}

/// A span of time on the timeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Region {
    /// Start in seconds.
    pub start_s: f64,
    /// End in seconds (exclusive).
    pub end_s: f64,
}

impl Region {
    /// Start and end as frame indices at `rate`, ordered and at least one frame long.
    pub fn frames(&self, rate: u32) -> (u64, u64) {
        let to = |s: f64| (s.max(0.0) * rate as f64).round() as u64;
        let (a, b) = (to(self.start_s), to(self.end_s));
        let (a, b) = (a.min(b), a.max(b));
        (a, b.max(a + 1))
    }
}

/// A named position on the timeline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Marker {
    /// Label shown on the timeline.
    pub name: String,
    /// Position in seconds.
    pub time_s: f64,
}

/// The file name without its extension: the default name of a track or reference.
pub(super) fn file_stem(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
