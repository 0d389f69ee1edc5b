//! Turning audio files into stems and stems into files: decoding every common format to planar
//! `f32`, resampling to the project rate, waveform overviews, parallel import and the WAV bounce
//! writer.
//!
//! Nothing here depends on the engine or the GUI; errors for anything read from a file are values,
//! never panics.

mod cache;
mod codec_name;
mod decode;
mod gapless;
mod header_check;
mod import;
mod input;
mod mp4;
mod peaks;
mod resample;
mod residency;
mod samples;
mod source;
mod stem;
mod wav;

pub use cache::StemCache;
pub use decode::{
    AudioInfo, DecodedAudio, SAMPLE_RATES, decode_bytes, decode_file, is_audio_extension,
    probe_info,
};
pub use import::{ImportProgress, import_stems, import_stems_each, import_stems_with};
pub use peaks::{Overview, PeakBin};
pub use resample::{ResampleError, resample, resampled_len};
pub use residency::CHUNK_FRAMES;
pub use samples::Samples;
pub use stem::{StemAudio, StemLoad, load_stem, load_stem_with};
pub use wav::{FinishedWav, WavFormat, WavSummary, WavWriter};

use std::io;
use std::path::{Path, PathBuf};

/// Why a file could not be turned into audio. `Display` is one sentence for the user that starts
/// with the file's name.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file could not be opened, read or written.
    #[error("{}: {}", file_name(path), describe_io(source))]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The content is not a recognisable audio file (text, random bytes, an image…).
    #[error("{}: not an audio file", file_name(path))]
    NotAudio {
        /// The file concerned.
        path: PathBuf,
    },
    /// A recognised container or codec that stemmix cannot decode, e.g. `codec (Opus)`.
    #[error("{}: unsupported {what}", file_name(path))]
    Unsupported {
        /// The file concerned.
        path: PathBuf,
        /// What is unsupported, e.g. `codec (Opus)` or `format (WMA)`.
        what: String,
    },
    /// The file is damaged or cut short.
    #[error("{}: truncated or corrupt ({detail})", file_name(path))]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// What was found wrong, for the curious user.
        detail: String,
    },
    /// The file has no bytes or no audio frames.
    #[error("{}: the file is empty", file_name(path))]
    Empty {
        /// The file concerned.
        path: PathBuf,
    },
    /// More than two channels: stems must be mono or stereo.
    #[error(
        "{}: {channels} channels; stemmix takes mono or stereo stems",
        file_name(path)
    )]
    TooManyChannels {
        /// The file concerned.
        path: PathBuf,
        /// The decoded channel count.
        channels: usize,
    },
}

impl Clone for MediaError {
    fn clone(&self) -> Self {
        match self {
            // io::Error is not Clone: keep its kind and message.
            MediaError::Io { path, source } => MediaError::Io {
                path: path.clone(),
                source: io::Error::new(source.kind(), source.to_string()),
            },
            MediaError::NotAudio { path } => MediaError::NotAudio { path: path.clone() },
            MediaError::Unsupported { path, what } => MediaError::Unsupported {
                path: path.clone(),
                what: what.clone(),
            },
            MediaError::Corrupt { path, detail } => MediaError::Corrupt {
                path: path.clone(),
                detail: detail.clone(),
            },
            MediaError::Empty { path } => MediaError::Empty { path: path.clone() },
            MediaError::TooManyChannels { path, channels } => MediaError::TooManyChannels {
                path: path.clone(),
                channels: *channels,
            },
        }
    }
}

impl MediaError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            MediaError::Io { path, .. }
            | MediaError::NotAudio { path }
            | MediaError::Unsupported { path, .. }
            | MediaError::Corrupt { path, .. }
            | MediaError::Empty { path }
            | MediaError::TooManyChannels { path, .. } => path,
        }
    }

    pub(crate) fn io(path: &Path, source: io::Error) -> MediaError {
        MediaError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn corrupt(path: &Path, detail: impl Into<String>) -> MediaError {
        MediaError::Corrupt {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(path: &Path, what: impl Into<String>) -> MediaError {
        MediaError::Unsupported {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }
}

/// The name shown to the user: the last path component (the whole path if there is none).
fn file_name(path: &Path) -> String {
    match path.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => path.display().to_string(),
    }
}

/// An I/O error as a short phrase; the OS text goes in brackets.
fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "file not found".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_string(),
        io::ErrorKind::StorageFull => "the disk is full".to_string(),
        io::ErrorKind::FileTooLarge => {
            format!("the file is larger than this disk or the system allows ({e})")
        }
        _ => format!("cannot read or write the file ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_and_the_reason() {
        let p = Path::new("/some/dir/drums.opus");
        assert_eq!(
            MediaError::unsupported(p, "codec (Opus)").to_string(),
            "drums.opus: unsupported codec (Opus)"
        );
        let p = Path::new("bass.wav");
        assert_eq!(
            MediaError::Empty { path: p.into() }.to_string(),
            "bass.wav: the file is empty"
        );
        assert_eq!(
            MediaError::NotAudio {
                path: "x.txt".into()
            }
            .to_string(),
            "x.txt: not an audio file"
        );
        assert_eq!(
            MediaError::TooManyChannels {
                path: "surround.wav".into(),
                channels: 6
            }
            .to_string(),
            "surround.wav: 6 channels; stemmix takes mono or stereo stems"
        );
        assert_eq!(
            MediaError::corrupt(Path::new("song.wav"), "ends after 10 of 20 frames").to_string(),
            "song.wav: truncated or corrupt (ends after 10 of 20 frames)"
        );
        let e = MediaError::io(
            Path::new("gone.wav"),
            io::Error::from(io::ErrorKind::NotFound),
        );
        assert_eq!(e.to_string(), "gone.wav: file not found");
        assert_eq!(e.path(), Path::new("gone.wav"));
    }
}
