//! A stem ready for the engine: decoded, at the project rate, with its waveform overview.

use super::MediaError;
use super::decode::decode_with_progress;
use super::input::Input;
use super::peaks::Overview;
use super::resample::resample;
use std::path::Path;

/// One stem in memory, shared with the engine as `Arc<StemAudio>`; the audio callback reads
/// `channels[c][i]` directly, so this stays plain planar `Vec<f32>`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StemAudio {
    /// One or two channels, all `frames` long, at `sample_rate`.
    pub channels: Vec<Vec<f32>>,
    /// The project rate the audio was converted to, in Hz.
    pub sample_rate: u32,
    /// The file's own rate, in Hz.
    pub source_rate: u32,
    /// Length in frames at `sample_rate`.
    pub frames: usize,
    /// Min/max overview for drawing the waveform.
    pub overview: Overview,
    /// Problems that did not stop the import, one sentence each.
    pub warnings: Vec<String>,
}

impl StemAudio {
    /// A stem from samples already at `sample_rate` (synthesised audio, tests, benches).
    pub fn from_channels(channels: Vec<Vec<f32>>, sample_rate: u32) -> StemAudio {
        let overview = Overview::new(&channels);
        StemAudio {
            frames: channels.first().map_or(0, Vec::len),
            channels,
            sample_rate,
            source_rate: sample_rate,
            overview,
            warnings: Vec::new(),
        }
    }
}

/// Decodes `path`, resamples it to `project_rate` if needed and computes its overview.
pub fn load_stem(path: &Path, project_rate: u32) -> Result<StemAudio, MediaError> {
    load_stem_with_progress(path, project_rate, &mut |_| {})
}

/// Share of the work reported for decoding; resampling and the overview take the rest.
const DECODE_SHARE: f32 = 0.8;

/// [`load_stem`] reporting its progress (0…1).
pub(crate) fn load_stem_with_progress(
    path: &Path,
    project_rate: u32,
    progress: &mut dyn FnMut(f32),
) -> Result<StemAudio, MediaError> {
    let decoded = decode_with_progress(Input::File(path), &mut |f| progress(f * DECODE_SHARE))?;
    let source_rate = decoded.sample_rate;
    let channels = if source_rate == project_rate {
        decoded.channels
    } else {
        // One channel at a time, each decoded channel freed once converted: at the peak the
        // decoded audio and one converted channel are in memory, not two whole copies.
        let mut converted = Vec::with_capacity(decoded.channels.len());
        for channel in decoded.channels {
            let mut out = resample(std::slice::from_ref(&channel), source_rate, project_rate)
                .map_err(|e| {
                    MediaError::unsupported(
                        path,
                        format!("sample rate ({} Hz to {} Hz: {})", e.from, e.to, e.reason),
                    )
                })?;
            drop(channel);
            converted.append(&mut out);
        }
        converted
    };
    let overview = Overview::new(&channels);
    progress(1.0);
    Ok(StemAudio {
        frames: channels.first().map_or(0, Vec::len),
        channels,
        sample_rate: project_rate,
        source_rate,
        overview,
        warnings: decoded.warnings,
    })
}
