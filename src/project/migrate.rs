//! Upgrading project files written with an older schema.
//!
//! Version 3 only added fields (each with a default) to version 2, so a version 2 file parses
//! with the current model unchanged.
//!
//! Version 1 is the draft format of the first development builds: pan in percent (−100…100), the
//! reverb send as `send_db`/`send_pre_fader`, a hard-knee compressor without `knee_db`, and the
//! limiter as an optional ceiling on the master. Each older schema keeps its own model here and a
//! conversion to the current one.
//!
//! Version 2 is version 3 without its additions (the project's `pan_law`, a track's `width`,
//! the remembered bounce choices `bounce`), whose defaults are how version 2 played; a version 2
//! file reads with the current model.

use super::file::ParseError;
use super::model::{self, Project};
use serde::Deserialize;
use std::path::PathBuf;

/// Parses `text` as schema `version` (< current) and converts it to the current model.
pub fn from_older(version: u32, text: &str) -> Result<Project, ParseError> {
    match version {
        1 => {
            let v1: V1Project = ron::from_str(text).map_err(ParseError::from_ron)?;
            Ok(v1.into_current())
        }
        // Additive: every field version 3 added has a serde default.
        2 => ron::from_str::<Project>(text).map_err(ParseError::from_ron),
        v => Err(ParseError::UnknownVersion(v)),
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct V1Project {
    version: u32,
    sample_rate: u32,
    tracks: Vec<V1Track>,
    master_gain_db: f32,
    limiter_ceiling_db: Option<f32>,
}

impl Default for V1Project {
    fn default() -> Self {
        V1Project {
            version: 1,
            sample_rate: 48_000,
            tracks: Vec::new(),
            master_gain_db: 0.0,
            limiter_ceiling_db: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct V1Track {
    name: String,
    source: PathBuf,
    gain_db: f32,
    /// −100 … +100.
    pan: f32,
    mute: bool,
    solo: bool,
    send_db: Option<f32>,
    send_pre_fader: bool,
    compressor: Option<V1Compressor>,
}

impl Default for V1Track {
    fn default() -> Self {
        V1Track {
            name: String::new(),
            source: PathBuf::new(),
            gain_db: 0.0,
            pan: 0.0,
            mute: false,
            solo: false,
            send_db: None,
            send_pre_fader: false,
            compressor: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Compressor {
    threshold_db: f32,
    ratio: f32,
    attack_ms: f32,
    release_ms: f32,
    #[serde(default)]
    makeup_db: f32,
}

impl V1Project {
    fn into_current(self) -> Project {
        let _ = self.version;
        let tracks = self
            .tracks
            .into_iter()
            .enumerate()
            .map(|(i, t)| model::Track {
                name: t.name,
                source: t.source,
                gain_db: t.gain_db,
                pan: (t.pan / 100.0).clamp(-1.0, 1.0),
                mute: t.mute,
                solo: t.solo,
                color: model::Color::nth(i),
                reverb_send_db: t.send_db.unwrap_or(f32::NEG_INFINITY),
                reverb_send_pre_fader: t.send_pre_fader,
                compressor: match t.compressor {
                    Some(c) => model::CompressorSettings {
                        enabled: true,
                        threshold_db: c.threshold_db,
                        ratio: c.ratio,
                        attack_ms: c.attack_ms,
                        release_ms: c.release_ms,
                        knee_db: 0.0,
                        makeup_db: c.makeup_db,
                        detector: model::Detector::Peak,
                    },
                    None => model::CompressorSettings::default(),
                },
                ..model::Track::default()
            })
            .collect();
        Project {
            sample_rate: self.sample_rate,
            tracks,
            master: model::Master {
                gain_db: self.master_gain_db,
                limiter: match self.limiter_ceiling_db {
                    Some(c) => model::LimiterSettings {
                        enabled: true,
                        ceiling_dbtp: c,
                        ..model::LimiterSettings::default()
                    },
                    None => model::LimiterSettings::default(),
                },
            },
            ..Project::default()
        }
    }
}
