//! An opened audio file: symphonia's demuxer for it, the track we decode, how far its stated
//! length can be trusted and how its decoded frames become the presented audio.

use super::MediaError;
use super::codec_name::{codec_name, is_pcm};
use super::gapless::Presentation;
use super::header_check;
use super::input::Input;
use super::mp4;
use std::path::Path;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::well_known::{CODEC_ID_MP1, CODEC_ID_MP2, CODEC_ID_MP3};
use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known::*;
use symphonia::core::formats::{FormatId, FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::packet::Packet;

/// What a file says about the length of its track, in decoded frames (after the delay and padding
/// symphonia trims itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatedLength {
    /// The container states it: fewer decoded frames means the data stops early.
    Exact(u64),
    /// symphonia's guess from the bitrate: for progress and preallocation, never a limit.
    Estimate(u64),
    /// Nothing known.
    Unknown,
}

impl StatedLength {
    /// The length, if the container states it exactly.
    pub(crate) fn exact(self) -> Option<u64> {
        match self {
            StatedLength::Exact(n) => Some(n),
            _ => None,
        }
    }

    /// The best guess at the length, exact or not.
    pub(crate) fn hint(self) -> Option<u64> {
        match self {
            StatedLength::Exact(n) | StatedLength::Estimate(n) => Some(n),
            StatedLength::Unknown => None,
        }
    }
}

/// Containers whose reader takes the track length from the file itself: the WAV/AIFF/CAF data
/// size (or packet table), FLAC's STREAMINFO, the MP4 sample table, the granule position of an
/// Ogg stream's last page, and for MPEG audio the Xing/Info/VBRI frame count (see
/// [`is_mpeg_audio`]: it is opened so that symphonia cannot guess). Every other reader's count
/// (ADTS's, for one) is an estimate from the bitrate.
const EXACT_LENGTH_FORMATS: &[FormatId] = &[
    FORMAT_ID_WAVE,
    FORMAT_ID_AIFF,
    FORMAT_ID_CAF,
    FORMAT_ID_FLAC,
    FORMAT_ID_ISOMP4,
    FORMAT_ID_OGG,
    FORMAT_ID_MP1,
    FORMAT_ID_MP2,
    FORMAT_ID_MP3,
];

/// Whether `format` is symphonia's MPEG audio reader (MP1/MP2/MP3 streams).
fn is_mpeg_audio(format: FormatId) -> bool {
    [FORMAT_ID_MP1, FORMAT_ID_MP2, FORMAT_ID_MP3].contains(&format)
}

/// The most frames preallocated for a compressed file on its header's word (about 12 minutes at
/// 48 kHz); a longer one grows as it decodes.
const MAX_PREALLOCATED_FRAMES: u64 = 1 << 25;

/// Frames per byte of a compressed file taken as plausible: music at the lowest practical
/// bitrates holds under 16; a file of mostly digital silence can hold more, and then grows as
/// it decodes. (Uncompressed PCM holds at most one frame per byte.)
const MAX_FRAMES_PER_BYTE: u64 = 64;

/// An opened file: the demuxer, the chosen track and what we know about it.
pub(crate) struct Source<'p> {
    /// The file, for error messages.
    pub path: &'p Path,
    format: Box<dyn FormatReader + 'p>,
    track_id: u32,
    /// The track's codec parameters.
    pub params: AudioCodecParameters,
    /// How far the track's frame count can be trusted.
    pub length: StatedLength,
    /// Size of the file in bytes.
    pub file_len: u64,
    /// The timestamp of output frame 0.
    pub origin: i64,
    /// Whether packet durations are in frames (time base = 1 / sample rate).
    pub time_base_is_frames: bool,
    /// How the decoded frames become the audio (encoder delay and padding).
    pub presentation: Presentation,
}

impl<'p> Source<'p> {
    /// Opens and probes `input` and reads what its container says about length and delay.
    pub(crate) fn open(input: Input<'p>) -> Result<Source<'p>, MediaError> {
        let path = input.name();
        let (stream, len) = input.open()?;
        if len == 0 {
            return Err(MediaError::Empty {
                path: path.to_path_buf(),
            });
        }
        let mut reader = input.reader().map_err(|e| MediaError::io(path, e))?;
        header_check::check(path, &mut reader)?;
        drop(reader);
        let mut format = probe(path, stream)?;
        let mut estimate = None;
        if is_mpeg_audio(format.format_info().format) {
            // An MPEG stream without a Xing/Info/VBRI tag has no stated length; from a seekable
            // file symphonia estimates one from the first frames' bitrate and then cuts every
            // packet past it (VBR files lose their end) or comes up short of it. Read without
            // seeking it has no estimate to cut at, so what it reports is what a tag states.
            estimate = default_track_frames(&*format);
            format = probe(path, input.open_unseekable()?)?;
        }
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| MediaError::NotAudio {
                path: path.to_path_buf(),
            })?;
        let Some(CodecParameters::Audio(params)) = track.codec_params.clone() else {
            return Err(MediaError::NotAudio {
                path: path.to_path_buf(),
            });
        };
        let track_id = track.id;
        let format_id = format.format_info().format;
        let length = match track.num_frames {
            Some(n) if EXACT_LENGTH_FORMATS.contains(&format_id) => StatedLength::Exact(n),
            Some(n) => StatedLength::Estimate(n),
            None => estimate.map_or(StatedLength::Unknown, StatedLength::Estimate),
        };
        // Frame 0 of the output; negative start times are encoder delay the decoder trims.
        let origin = track.start_ts.get().max(0);
        let mp3_without_delay = [CODEC_ID_MP1, CODEC_ID_MP2, CODEC_ID_MP3].contains(&params.codec)
            && track.delay.is_none();
        let container_delay = track.delay;
        let time_base_is_frames = match (track.time_base, params.sample_rate) {
            (Some(tb), Some(rate)) => tb.numer.get() == 1 && tb.denom.get() == rate,
            _ => false,
        };
        let timing = if format_id == FORMAT_ID_ISOMP4 {
            let rate = params.sample_rate.unwrap_or(0);
            let timing = input
                .reader()
                .and_then(|mut reader| mp4::read_timing(&mut reader, len, track_id, rate));
            match timing {
                Ok(timing) if rate > 0 => timing,
                Ok(_) => mp4::Timing::default(),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Err(MediaError::corrupt(path, "the MP4 structure is cut short"));
                }
                Err(e) => return Err(MediaError::io(path, e)),
            }
        } else {
            mp4::Timing::default()
        };
        let mut timing = timing;
        if timing
            .edits
            .as_deref()
            .is_some_and(|e| mp4::silence(e) > plausible_frames(&params, len))
        {
            // More silence than the file could hold audio: a damaged edit list, not a stem's
            // offset (and presenting it would allocate what it claims).
            timing.edits = None;
        }
        let presentation =
            Presentation::choose(params.codec, timing, container_delay, mp3_without_delay);
        Ok(Source {
            path,
            format,
            track_id,
            params,
            length,
            file_len: len,
            origin,
            time_base_is_frames,
            presentation,
        })
    }

    /// The frames the decoder must deliver, when the container states the length exactly.
    pub(crate) fn decoded_len_needed(&self) -> Option<u64> {
        let exact = self.length.exact()?;
        Some(self.presentation.decoded_len_needed(exact))
    }

    /// The most frames the file could hold, whatever its header claims (see
    /// [`plausible_frames`]). Nothing the decoder builds from a header or a timestamp
    /// (preallocation, silence for a gap or an edit list) may be longer.
    pub(crate) fn plausible_frames(&self) -> u64 {
        plausible_frames(&self.params, self.file_len)
    }

    /// Frames to reserve per channel before decoding: the stated (or estimated) length and one
    /// packet more, but never more than the file could plausibly hold, so a header claiming
    /// 10^9 frames in a small file cannot make us allocate them. For PCM that bound is tight, so
    /// a long WAV gets its whole length at once (and no reallocation while it decodes).
    pub(crate) fn preallocation(&self) -> usize {
        let Some(frames) = self.length.hint() else {
            return 0;
        };
        let frames = self.presentation.decoded_len_needed(frames);
        // The decoder may return a whole last packet past the stated end (AAC does).
        let packet = self
            .params
            .max_frames_per_packet
            .unwrap_or(4096)
            .min(1 << 16);
        let wanted = frames.saturating_add(packet).min(self.plausible_frames());
        let cap = if is_pcm(self.params.codec) {
            u64::MAX
        } else {
            MAX_PREALLOCATED_FRAMES
        };
        usize::try_from(wanted.min(cap)).unwrap_or(usize::MAX)
    }

    /// A decoder for the track; `Unsupported` when symphonia has none for its codec.
    pub(crate) fn decoder(&self) -> Result<Box<dyn AudioDecoder>, MediaError> {
        let registry = symphonia::default::get_codecs();
        if registry.get_audio_decoder(self.params.codec).is_none() {
            return Err(MediaError::unsupported(
                self.path,
                format!("codec ({})", codec_name(&self.params)),
            ));
        }
        registry
            .make_audio_decoder(&self.params, &AudioDecoderOptions::default())
            .map_err(|e| map_error(self.path, e))
    }

    /// The next packet of our track; `Ok(None)` at the end.
    pub(crate) fn next_packet(&mut self) -> Result<Option<Packet>, MediaError> {
        loop {
            match self.format.next_packet() {
                Ok(Some(p)) if p.track_id == self.track_id => return Ok(Some(p)),
                Ok(Some(_)) => {}
                Ok(None) => return Ok(None),
                // The data stops inside a packet, or a streamed WAV (length 0xFFFFFFFF) simply
                // ends: either way the audio ends here. Whether that is too early is decided by
                // comparing with the length the header states, when it states one exactly.
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None);
                }
                Err(e) => return Err(map_error(self.path, e)),
            }
        }
    }
}

/// The most frames a file of `file_len` bytes could hold: uncompressed PCM one per
/// `channels × bytes per sample`, anything else [`MAX_FRAMES_PER_BYTE`] per byte.
fn plausible_frames(params: &AudioCodecParameters, file_len: u64) -> u64 {
    if is_pcm(params.codec) {
        let bits = params
            .bits_per_coded_sample
            .or(params.bits_per_sample)
            .unwrap_or(8);
        let channels = params.channels.as_ref().map_or(1, |c| c.count());
        let bytes_per_frame = (u64::from(bits) / 8).max(1) * (channels as u64).max(1);
        file_len / bytes_per_frame
    } else {
        file_len.saturating_mul(MAX_FRAMES_PER_BYTE)
    }
}

/// Probes `source` for a format reader.
fn probe<'s>(
    path: &Path,
    source: Box<dyn MediaSource + 's>,
) -> Result<Box<dyn FormatReader + 's>, MediaError> {
    let mss = MediaSourceStream::new(source, MediaSourceStreamOptions::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| probe_error(path, e))
}

/// The frame count the reader gives its default audio track.
fn default_track_frames(format: &dyn FormatReader) -> Option<u64> {
    format.default_track(TrackType::Audio)?.num_frames
}

/// Audio formats symphonia has no reader for, by extension, so the user hears "unsupported
/// format (WMA)" rather than "not an audio file".
const UNSUPPORTED_FORMATS: &[(&str, &str)] = &[
    ("wma", "WMA"),
    ("asf", "WMA"),
    ("ape", "Monkey's Audio"),
    ("wv", "WavPack"),
    ("dsf", "DSD"),
    ("dff", "DSD"),
    ("ac3", "AC-3"),
    ("eac3", "E-AC-3"),
    ("dts", "DTS"),
    ("mpc", "Musepack"),
    ("tta", "TTA"),
    ("amr", "AMR"),
    ("ra", "RealAudio"),
    ("au", "Sun AU"),
    ("snd", "Sun AU"),
    ("mid", "MIDI"),
    ("midi", "MIDI"),
];

/// Errors while probing: "no reader" means the bytes are not audio we know.
fn probe_error(path: &Path, e: SymError) -> MediaError {
    match e {
        SymError::Unsupported(msg) if msg.contains("no suitable format reader") => {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            match UNSUPPORTED_FORMATS
                .iter()
                .find(|(x, _)| x.eq_ignore_ascii_case(ext))
            {
                Some((_, name)) => MediaError::unsupported(path, format!("format ({name})")),
                None => MediaError::NotAudio {
                    path: path.to_path_buf(),
                },
            }
        }
        e => map_error(path, e),
    }
}

/// A symphonia error as a [`MediaError`] about `path`.
pub(crate) fn map_error(path: &Path, e: SymError) -> MediaError {
    match e {
        SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::corrupt(path, "the file ends unexpectedly")
        }
        SymError::IoError(io) => MediaError::io(path, io),
        SymError::DecodeError(msg) => MediaError::corrupt(path, msg),
        SymError::Unsupported(msg) => MediaError::unsupported(path, format!("feature ({msg})")),
        SymError::LimitError(msg) => MediaError::corrupt(path, format!("limit exceeded: {msg}")),
        SymError::SeekError(_) => MediaError::corrupt(path, "seek failed"),
        SymError::ResetRequired => {
            MediaError::unsupported(path, "stream layout (the format changes part-way)")
        }
        other => MediaError::corrupt(path, other.to_string()),
    }
}
