//! A stem ready for the engine: decoded, at the project rate, with its waveform overview.

use super::MediaError;
use super::cache::StemCache;
use super::decode::decode_with_progress;
use super::input::Input;
use super::peaks::Overview;
use super::resample::resample;
use super::samples::Samples;
use std::path::Path;

/// One stem, shared with the engine as `Arc<StemAudio>`; the audio callback reads
/// `channels[c][i]` directly: each channel is a plain `[f32]`, in memory or mapped from the stem
/// cache ([`Samples`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StemAudio {
    /// One or two channels, all `frames` long, at `sample_rate`.
    pub channels: Vec<Samples>,
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
            channels: channels.into_iter().map(Samples::from).collect(),
            sample_rate,
            source_rate: sample_rate,
            overview,
            warnings: Vec::new(),
        }
    }

    /// Whether the samples are mapped from the stem cache (paged in from disk as they are read)
    /// rather than held in memory.
    #[inline]
    pub fn is_mapped(&self) -> bool {
        self.channels.iter().any(Samples::is_mapped)
    }

    /// Lets the system drop the resident pages of `frames` of a mapped stem (see
    /// [`Samples::release`]); nothing for a stem in memory.
    pub fn release(&self, frames: std::ops::Range<usize>) {
        for c in &self.channels {
            c.release(frames.clone());
        }
    }

    /// The same stem with its samples in memory (a copy of a mapped stem's, so nothing reads
    /// the disk later).
    pub fn into_memory(self) -> StemAudio {
        if !self.is_mapped() {
            return self;
        }
        StemAudio {
            channels: self
                .channels
                .into_iter()
                .map(|c| Samples::from(c.into_vec()))
                .collect(),
            ..self
        }
    }
}

/// How stems are loaded: through the decoded-stem cache or not, kept in memory or mapped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StemLoad {
    /// The cache to read stems from and write newly decoded ones to (`None`: always decode).
    pub cache: Option<StemCache>,
    /// Map the cached samples instead of copying them into memory: offline renders read each
    /// page once (see [`StemAudio::release`]); for playback the engine's prefetcher holds the
    /// part ahead of the playhead in memory (`engine::prefetch`) and the audio thread reads
    /// only that.
    pub mapped: bool,
    /// Load (or keep) the waveform overview; without it `overview` is empty.
    pub overview: bool,
}

impl StemLoad {
    /// Decode into memory with the overview, no cache (tests; references, which are short).
    pub fn in_memory() -> StemLoad {
        StemLoad {
            cache: None,
            mapped: false,
            overview: true,
        }
    }

    /// Through `cache`, mapped, with the overview: what the window plays and draws.
    pub fn playback(cache: Option<StemCache>) -> StemLoad {
        StemLoad {
            cache,
            mapped: true,
            overview: true,
        }
    }

    /// Through `cache`, mapped, without the overview: what an offline render (a bounce) needs.
    pub fn streaming(cache: Option<StemCache>) -> StemLoad {
        StemLoad {
            cache,
            mapped: true,
            overview: false,
        }
    }
}

/// Decodes `path`, resamples it to `project_rate` if needed and computes its overview.
pub fn load_stem(path: &Path, project_rate: u32) -> Result<StemAudio, MediaError> {
    load_stem_with_progress(path, project_rate, &mut |_| {})
}

/// [`load_stem`] as `how` says: a stem found in the cache is opened without decoding; one that
/// is not is decoded and written to the cache. Any problem with the cache (a folder that cannot
/// be written, a damaged or short file) only means decoding as [`load_stem`] does.
pub fn load_stem_with(
    path: &Path,
    project_rate: u32,
    how: &StemLoad,
    progress: &mut dyn FnMut(f32),
) -> Result<StemAudio, MediaError> {
    let cached = how
        .cache
        .as_ref()
        .and_then(|cache| Some((cache, StemCache::key(path, project_rate)?)));
    // A bug in the cache code must not cost the stem: a panic there is a miss.
    let open = |cache: &StemCache, key| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cache.open(key, how.overview)
        }))
        .ok()
        .flatten()
    };
    if let Some((cache, key)) = &cached
        && let Some(stem) = open(cache, key)
    {
        progress(1.0);
        return Ok(if how.mapped { stem } else { stem.into_memory() });
    }
    let mut stem = load_stem_with_progress(path, project_rate, progress)?;
    if let Some((cache, key)) = &cached
        && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.store(key, &stem)))
            .is_ok_and(|r| r.is_ok())
        && how.mapped
        && let Some(mapped) = open(cache, key)
    {
        // The decoded copy is dropped here: from now on the samples are read from the file.
        stem = mapped;
    }
    if !how.overview {
        stem.overview = Overview::default();
    }
    Ok(stem)
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
        channels: channels.into_iter().map(Samples::from).collect(),
        sample_rate: project_rate,
        source_rate,
        overview,
        warnings: decoded.warnings,
    })
}
