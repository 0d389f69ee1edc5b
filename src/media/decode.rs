//! Decoding any supported audio file to planar `f32` with symphonia, sample-aligned with its
//! lossless twin (MP3 and Vorbis delay/padding via symphonia's gapless mode, the MP4 edit list via
//! [`super::mp4`]).

use super::MediaError;
use super::mp4;
use std::fs::File;
use std::path::Path;
use symphonia::core::audio::GenericAudioBufferRef;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::well_known::*;
use symphonia::core::codecs::audio::{
    AudioCodecId, AudioCodecParameters, AudioDecoder, AudioDecoderOptions,
};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known::FORMAT_ID_ISOMP4;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

/// A whole file decoded to planar `f32` at its own sample rate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DecodedAudio {
    /// One `Vec` per channel (1 or 2), all the same length.
    pub channels: Vec<Vec<f32>>,
    /// Sample rate of the decoded audio in Hz.
    pub sample_rate: u32,
    /// Problems that did not stop the decode (damaged packets, NaN samples…), one sentence each.
    pub warnings: Vec<String>,
}

impl DecodedAudio {
    /// Number of frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }
}

/// What a file holds, found without decoding it all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioInfo {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channel count as decoded (not as the container claims).
    pub channels: usize,
    /// Length in frames if the container states it (after encoder delay and padding).
    pub frames: Option<u64>,
    /// Human-readable codec name, e.g. `FLAC` or `PCM 24-bit`.
    pub codec: String,
}

/// Extensions a folder scan treats as audio. Opus is listed so it is reported as unsupported
/// rather than silently skipped.
const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "aif", "aiff", "aifc", "caf", "flac", "mp3", "ogg", "oga", "m4a", "mp4", "aac",
    "mka", "webm", "alac", "opus",
];

/// Whether a folder scan should pick up this file (by extension, case-insensitive).
pub fn is_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

/// Decodes a whole file. Mono and stereo only; see [`MediaError`] for what can go wrong.
pub fn decode_file(path: &Path) -> Result<DecodedAudio, MediaError> {
    decode_with_progress(path, &mut |_| {})
}

/// Reads a file's rate, channel count, length and codec cheaply: the container header plus the
/// first decodable packet (the decoded channel count is the truth for mono AAC declared stereo).
/// Unlike [`decode_file`] it does not reject more than two channels; check `channels`.
pub fn probe_info(path: &Path) -> Result<AudioInfo, MediaError> {
    let mut src = Source::open(path)?;
    let mut decoder = src.decoder()?;
    let codec = codec_name(&src.params);
    loop {
        let Some(packet) = src.next_packet()? else {
            return Err(MediaError::Empty {
                path: path.to_path_buf(),
            });
        };
        match decoder.decode(&packet) {
            Ok(buf) if buf.frames() > 0 => {
                let channels = buf.spec().channels().count();
                let sample_rate = buf.spec().rate();
                let frames = match &src.edit_list {
                    Some(edits) => src.num_frames.and_then(|n| mp4::edited_len(edits, n)),
                    None => src.num_frames,
                };
                return Ok(AudioInfo {
                    sample_rate,
                    channels,
                    frames,
                    codec,
                });
            }
            Ok(_) => {}
            Err(SymError::DecodeError(_)) => {}
            Err(e) => return Err(map_error(path, e)),
        }
    }
}

/// How many demuxer errors in a row we skip before declaring the file unreadable (a reader that
/// cannot move past damage would otherwise loop forever).
const MAX_CONSECUTIVE_DEMUX_ERRORS: usize = 64;

/// The longest silence a timestamp jump may insert when the file does not state its length.
const MAX_GAP_SECONDS: u64 = 60;

/// [`decode_file`] reporting the fraction decoded (0…1) as it goes, for import progress.
pub(crate) fn decode_with_progress(
    path: &Path,
    progress: &mut dyn FnMut(f32),
) -> Result<DecodedAudio, MediaError> {
    let mut src = Source::open(path)?;
    let mut decoder = src.decoder()?;
    let mut out = Assembler::default();
    let mut demux_errors = 0usize;
    loop {
        let packet = match src.next_packet() {
            Ok(Some(packet)) => {
                demux_errors = 0;
                packet
            }
            Ok(None) => break,
            // The demuxer found damage (a bad checksum, say) but can usually carry on with the
            // next page or frame; the timestamps tell how much is missing.
            Err(MediaError::Corrupt { .. }) if demux_errors < MAX_CONSECUTIVE_DEMUX_ERRORS => {
                demux_errors += 1;
                out.damaged += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        // Where the packet's first kept frame belongs on the timeline, if timestamps are frames.
        let position = src.time_base_is_frames.then(|| {
            packet
                .pts
                .get()
                .saturating_add(packet.trim_start.get() as i64)
        });
        match decoder.decode(&packet) {
            Ok(buf) if buf.frames() == 0 => {}
            Ok(buf) => out.append(path, &src, position, &buf)?,
            // A damaged packet: skip it; its place is filled with silence from the timestamps.
            Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {
                out.damaged += 1;
                out.note_damaged_packet(&src, position, packet.dur.get());
            }
            // An "unsupported feature" after good packets is garbage that happens to look like
            // one; before any, the stream really uses something symphonia lacks (e.g. HE-AAC).
            Err(SymError::Unsupported(_)) if out.planes.is_some() => {
                out.damaged += 1;
                out.note_damaged_packet(&src, position, packet.dur.get());
            }
            Err(e) => return Err(map_error(path, e)),
        }
        if let (Some(total), Some(planes)) = (src.num_frames.filter(|&n| n > 0), &out.planes) {
            progress((planes[0].len() as f32 / total as f32).min(1.0));
        }
    }
    let result = out.finish(path, &src);
    progress(1.0);
    result
}

/// Collects decoded buffers into planar channels, keeping every buffer at its timestamp.
#[derive(Default)]
struct Assembler {
    /// `None` until the first non-empty buffer fixes the channel count.
    planes: Option<Vec<Vec<f32>>>,
    sample_rate: u32,
    /// Packets that could not be demuxed or decoded.
    damaged: usize,
    /// Frames of silence put where audio was missing.
    filled: u64,
    /// End (timeline frames) of the last damaged packet, to restore a damaged tail.
    damaged_end: Option<i64>,
}

impl Assembler {
    fn note_damaged_packet(&mut self, src: &Source, position: Option<i64>, dur: u64) {
        if let Some(pos) = position {
            self.damaged_end = Some(pos.saturating_add(dur as i64) - src.origin);
        }
    }

    fn append(
        &mut self,
        path: &Path,
        src: &Source,
        position: Option<i64>,
        buf: &GenericAudioBufferRef,
    ) -> Result<(), MediaError> {
        let frames = buf.frames();
        let channels = buf.spec().channels().count();
        if channels > 2 {
            return Err(MediaError::TooManyChannels {
                path: path.to_path_buf(),
                channels,
            });
        }
        if channels == 0 {
            return Err(MediaError::corrupt(path, "the audio has no channels"));
        }
        let planes = self.planes.get_or_insert_with(|| {
            // One allocation up front instead of repeated doubling (2× peak memory on long
            // stems), bounded by the file size so a lying header cannot ask for gigabytes.
            let capacity = src.num_frames.map_or(0, |n| n.min(src.file_len) as usize);
            (0..channels)
                .map(|_| Vec::with_capacity(capacity))
                .collect()
        });
        if self.sample_rate == 0 {
            self.sample_rate = buf.spec().rate();
        }
        if channels != planes.len() {
            return Err(MediaError::unsupported(
                path,
                format!(
                    "stream layout (it changes from {} to {channels} channels part-way)",
                    planes.len()
                ),
            ));
        }
        let len = planes[0].len();
        if let Some(pos) = position {
            let gap = pos - src.origin - len as i64;
            // Audio missing before this buffer (skipped or undecodable packets): keep the rest
            // in time with silence. A huge jump is a broken timestamp, not a gap.
            let limit = match src.num_frames {
                Some(n) => n.saturating_sub(len as u64),
                None => MAX_GAP_SECONDS * u64::from(self.sample_rate),
            };
            if gap > 0 && (gap as u64) <= limit {
                let gap = gap as usize;
                for p in planes.iter_mut() {
                    p.resize(len + gap, 0.0);
                }
                self.filled += gap as u64;
            }
        }
        let start = planes[0].len();
        for p in planes.iter_mut() {
            p.resize(start + frames, 0.0);
        }
        let mut dst: Vec<&mut [f32]> = planes.iter_mut().map(|p| &mut p[start..]).collect();
        buf.copy_to_slice_planar(&mut dst);
        self.damaged_end = None;
        Ok(())
    }

    fn finish(mut self, path: &Path, src: &Source) -> Result<DecodedAudio, MediaError> {
        let Some(mut planes) = self.planes.take() else {
            if self.damaged > 0 {
                return Err(MediaError::corrupt(
                    path,
                    format!("none of its {} packets could be decoded", self.damaged),
                ));
            }
            return Err(MediaError::Empty {
                path: path.to_path_buf(),
            });
        };
        // Damaged packets at the very end: silence up to where they would have ended.
        if let Some(end) = self.damaged_end {
            let len = planes[0].len() as i64;
            let cap = src.num_frames.map_or(i64::MAX, |n| n as i64);
            let end = end.min(cap);
            if end > len {
                for p in planes.iter_mut() {
                    p.resize(end as usize, 0.0);
                }
                self.filled += (end - len) as u64;
            }
        }
        let decoded = planes[0].len() as u64;
        if let Some(expected) = src.num_frames {
            // The container's own frame count is exact for every format that states one; fewer
            // frames means the data stops early (or the reader dropped frames it could not
            // place in time).
            if decoded < expected {
                let detail = if self.damaged == 0 && self.filled == 0 {
                    format!("the audio stops after {decoded} of {expected} frames")
                } else {
                    format!("only {decoded} of its {expected} frames could be read")
                };
                return Err(MediaError::corrupt(path, detail));
            }
        }
        let mut warnings = Vec::new();
        if src.is_mp4 {
            // The sample table's length is exact; an AAC decoder still returns the whole last
            // frame (up to 1,023 frames of padding), which the edit list must not count.
            if let Some(n) = src.num_frames {
                for p in planes.iter_mut() {
                    p.truncate(n as usize);
                }
            }
        }
        if let Some(edits) = &src.edit_list {
            match mp4::apply(edits, &planes) {
                Some(edited) => planes = edited,
                None => warnings.push(
                    "the MP4 edit list does not fit the audio, so it was ignored; the stem may \
                     be slightly offset"
                        .to_string(),
                ),
            }
        }
        if self.damaged > 0 || self.filled > 0 {
            let packets = match self.damaged {
                1 => "1 packet".to_string(),
                n => format!("{n} packets"),
            };
            let ms = self.filled as f64 * 1000.0 / f64::from(self.sample_rate.max(1));
            warnings.push(match (self.damaged, self.filled) {
                (_, 0) => {
                    format!("the file is damaged: {packets} could not be read and were skipped")
                }
                (0, _) => {
                    format!("the file is damaged: {ms:.0} ms of audio were missing and are silent")
                }
                _ => format!(
                    "the file is damaged: {packets} could not be read; {ms:.0} ms of audio \
                     are silent"
                ),
            });
        }
        if src.mp3_without_delay_info {
            warnings.push(
                "the MP3 has no encoder-delay information (LAME header), so it may start \
                 slightly late (typically 1,105 samples)"
                    .to_string(),
            );
        }
        let bad = replace_non_finite(&mut planes);
        if bad > 0 {
            warnings.push(format!(
                "{bad} sample{} not a number or infinite and replaced by silence",
                if bad == 1 { " was" } else { "s were" }
            ));
        }
        Ok(DecodedAudio {
            channels: planes,
            sample_rate: self.sample_rate,
            warnings,
        })
    }
}

/// Replaces NaN and ±∞ by 0 (they would poison every sum downstream) and counts them.
fn replace_non_finite(planes: &mut [Vec<f32>]) -> usize {
    let mut count = 0;
    for p in planes {
        for s in p.iter_mut() {
            if !s.is_finite() {
                *s = 0.0;
                count += 1;
            }
        }
    }
    count
}

/// An opened file: the demuxer, the chosen track and what we know about it.
struct Source<'p> {
    path: &'p Path,
    format: Box<dyn FormatReader>,
    track_id: u32,
    params: AudioCodecParameters,
    /// Frames the container says the track has (before an MP4 edit list is applied).
    num_frames: Option<u64>,
    /// Size of the file in bytes.
    file_len: u64,
    /// The timestamp of output frame 0.
    origin: i64,
    /// An MPEG audio file without encoder-delay information (it will start late).
    mp3_without_delay_info: bool,
    /// Whether packet durations are in frames (time base = 1 / sample rate).
    time_base_is_frames: bool,
    /// Whether the container is MP4/M4A (its sample table gives the exact length).
    is_mp4: bool,
    /// The MP4 edit list to apply after decoding, if the file has one.
    edit_list: Option<Vec<mp4::Edit>>,
}

impl<'p> Source<'p> {
    fn open(path: &'p Path) -> Result<Source<'p>, MediaError> {
        let file = File::open(path).map_err(|e| MediaError::io(path, e))?;
        let len = file.metadata().map_err(|e| MediaError::io(path, e))?.len();
        if len == 0 {
            return Err(MediaError::Empty {
                path: path.to_path_buf(),
            });
        }
        let mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let format = symphonia::default::get_probe()
            .probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| probe_error(path, e))?;
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
        let num_frames = track.num_frames;
        // Frame 0 of the output; negative start times are encoder delay the decoder trims.
        let origin = track.start_ts.get().max(0);
        // An MP3 without a LAME/Xing header gives no encoder delay, so nothing gets trimmed.
        let mp3_without_delay_info = [CODEC_ID_MP1, CODEC_ID_MP2, CODEC_ID_MP3]
            .contains(&params.codec)
            && track.delay.is_none();
        let time_base_is_frames = match (track.time_base, params.sample_rate) {
            (Some(tb), Some(rate)) => tb.numer.get() == 1 && tb.denom.get() == rate,
            _ => false,
        };
        let is_mp4 = format.format_info().format == FORMAT_ID_ISOMP4;
        let edit_list = if is_mp4 {
            let rate = params.sample_rate.unwrap_or(0);
            match mp4::edit_list(path, track_id, rate) {
                Ok(edits) if rate > 0 => edits,
                Ok(_) => None,
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Err(MediaError::corrupt(path, "the MP4 structure is cut short"));
                }
                Err(e) => return Err(MediaError::io(path, e)),
            }
        } else {
            None
        };
        Ok(Source {
            path,
            format,
            track_id,
            params,
            num_frames,
            file_len: len,
            origin,
            mp3_without_delay_info,
            time_base_is_frames,
            is_mp4,
            edit_list,
        })
    }

    fn decoder(&self) -> Result<Box<dyn AudioDecoder>, MediaError> {
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
    fn next_packet(&mut self) -> Result<Option<symphonia::core::packet::Packet>, MediaError> {
        loop {
            match self.format.next_packet() {
                Ok(Some(p)) if p.track_id == self.track_id => return Ok(Some(p)),
                Ok(Some(_)) => {}
                Ok(None) => return Ok(None),
                // The data stops inside a packet, or a streamed WAV (length 0xFFFFFFFF) simply
                // ends: either way the audio ends here. Whether that is too early is decided by
                // comparing with the length the header states, when it states one.
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None);
                }
                Err(e) => return Err(map_error(self.path, e)),
            }
        }
    }
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

fn map_error(path: &Path, e: SymError) -> MediaError {
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

/// A short name for the user: well-known codecs by their usual name, PCM with its bit depth.
fn codec_name(params: &AudioCodecParameters) -> String {
    let id = params.codec;
    if let Some(name) = well_known_name(id) {
        return name.to_string();
    }
    if let Some(pcm) = pcm_name(id, params.bits_per_sample) {
        return pcm;
    }
    match symphonia::default::get_codecs().get_audio_decoder(id) {
        Some(d) => d.codec.info.long_name.to_string(),
        None => format!("unknown codec {id}"),
    }
}

fn well_known_name(id: AudioCodecId) -> Option<&'static str> {
    Some(match id {
        CODEC_ID_FLAC => "FLAC",
        CODEC_ID_ALAC => "ALAC",
        CODEC_ID_MP1 => "MP1",
        CODEC_ID_MP2 => "MP2",
        CODEC_ID_MP3 => "MP3",
        CODEC_ID_AAC => "AAC",
        CODEC_ID_VORBIS => "Vorbis",
        CODEC_ID_OPUS => "Opus",
        CODEC_ID_SPEEX => "Speex",
        CODEC_ID_MUSEPACK => "Musepack",
        CODEC_ID_AC3 => "AC-3",
        CODEC_ID_EAC3 => "E-AC-3",
        CODEC_ID_AC4 => "AC-4",
        CODEC_ID_DCA => "DTS",
        CODEC_ID_WMA => "WMA",
        CODEC_ID_WAVPACK => "WavPack",
        CODEC_ID_MONKEYS_AUDIO => "Monkey's Audio",
        CODEC_ID_TTA => "TTA",
        CODEC_ID_TRUEHD => "Dolby TrueHD",
        CODEC_ID_ATRAC1 | CODEC_ID_ATRAC3 | CODEC_ID_ATRAC3PLUS | CODEC_ID_ATRAC9 => "ATRAC",
        CODEC_ID_PCM_ALAW => "A-law PCM",
        CODEC_ID_PCM_MULAW => "µ-law PCM",
        CODEC_ID_ADPCM_MS | CODEC_ID_ADPCM_IMA_WAV | CODEC_ID_ADPCM_IMA_QT => "ADPCM",
        CODEC_ID_ADPCM_G722 | CODEC_ID_ADPCM_G726 | CODEC_ID_ADPCM_G726LE => "G.72x ADPCM",
        _ => return None,
    })
}

fn pcm_name(id: AudioCodecId, bits: Option<u32>) -> Option<String> {
    let float = [
        CODEC_ID_PCM_F32LE,
        CODEC_ID_PCM_F32LE_PLANAR,
        CODEC_ID_PCM_F32BE,
        CODEC_ID_PCM_F32BE_PLANAR,
        CODEC_ID_PCM_F64LE,
        CODEC_ID_PCM_F64LE_PLANAR,
        CODEC_ID_PCM_F64BE,
        CODEC_ID_PCM_F64BE_PLANAR,
    ];
    let is_pcm = (CODEC_ID_PCM_S32LE..=CODEC_ID_PCM_F64BE_PLANAR).contains(&id);
    if !is_pcm {
        return None;
    }
    let kind = if float.contains(&id) { " float" } else { "" };
    Some(match bits {
        Some(b) => format!("PCM {b}-bit{kind}"),
        None => format!("PCM{kind}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_but_unsupported_formats_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let wma = dir.path().join("song.WMA");
        std::fs::write(
            &wma,
            [0x30u8, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11].repeat(64),
        )
        .unwrap();
        assert_eq!(
            decode_file(&wma).unwrap_err().to_string(),
            "song.WMA: unsupported format (WMA)"
        );
        let txt = dir.path().join("song.txt");
        std::fs::write(&txt, "la la la").unwrap();
        assert_eq!(
            decode_file(&txt).unwrap_err().to_string(),
            "song.txt: not an audio file"
        );
    }

    #[test]
    fn audio_extensions() {
        for p in [
            "a.wav", "B.WAV", "c.Flac", "d.m4a", "e.opus", "f.aifc", "g.webm", "h.oga",
        ] {
            assert!(is_audio_extension(Path::new(p)), "{p}");
        }
        for p in ["a.txt", "b", "c.wav.bak", "d.stemmix", ".wav"] {
            assert!(!is_audio_extension(Path::new(p)), "{p}");
        }
    }
}
