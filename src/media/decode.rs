//! Decoding any supported audio file to planar `f32` with symphonia, sample-aligned with its
//! lossless twin (MP3 and Vorbis delay/padding via symphonia's gapless mode, AAC priming via
//! [`super::gapless`]), to the end of the data unless the container states the length exactly.

use super::MediaError;
use super::codec_name::codec_name;
use super::input::Input;
use super::source::{Source, map_error};
use std::path::Path;
use symphonia::core::audio::GenericAudioBufferRef;
use symphonia::core::errors::Error as SymError;

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
    /// Length in frames if the container states it exactly (after encoder delay and padding);
    /// `None` for streams whose length is only a guess (ADTS, MP3 without a Xing/Info tag).
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
    decode_with_progress(Input::File(path), &mut |_| {})
}

/// Decodes a whole file already in memory, exactly as [`decode_file`] decodes it from disk.
/// `name` stands for the file: its extension is the format hint (as a path's is) and errors
/// name it.
pub fn decode_bytes(bytes: &[u8], name: &Path) -> Result<DecodedAudio, MediaError> {
    decode_with_progress(Input::Memory { name, bytes }, &mut |_| {})
}

/// Reads a file's rate, channel count, length and codec cheaply: the container header plus the
/// first decodable packet (the decoded channel count is the truth for mono AAC declared stereo).
/// Unlike [`decode_file`] it does not reject more than two channels; check `channels`.
pub fn probe_info(path: &Path) -> Result<AudioInfo, MediaError> {
    guarded(path, || probe_unguarded(path))
}

/// Runs `work` on the file `path`; a panic in it (a bug in a decoder, which a damaged file can
/// reach) becomes an error about the file instead of taking the program down.
fn guarded<T>(path: &Path, work: impl FnOnce() -> Result<T, MediaError>) -> Result<T, MediaError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(MediaError::corrupt(path, "the decoder failed on this file")))
}

fn probe_unguarded(path: &Path) -> Result<AudioInfo, MediaError> {
    let mut src = Source::open(Input::File(path))?;
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
                let sample_rate = check_rate(path, buf.spec().rate())?;
                let frames = src.presentation.presented_len(src.length.exact());
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

/// The sample rates stemmix decodes, in Hz: from below telephone quality to twice the highest
/// studio rate. Anything else is a damaged header (or audio no stem is made of).
pub const SAMPLE_RATES: std::ops::RangeInclusive<u32> = 1_000..=768_000;

/// `rate` if it is in [`SAMPLE_RATES`]; 0 Hz is a broken header.
fn check_rate(path: &Path, rate: u32) -> Result<u32, MediaError> {
    if rate == 0 {
        return Err(MediaError::corrupt(
            path,
            "the header states a sample rate of 0 Hz",
        ));
    }
    if !SAMPLE_RATES.contains(&rate) {
        return Err(MediaError::unsupported(
            path,
            format!(
                "sample rate ({rate} Hz; stemmix reads {} to {} Hz)",
                SAMPLE_RATES.start(),
                SAMPLE_RATES.end()
            ),
        ));
    }
    Ok(rate)
}

/// How many demuxer errors in a row we skip before declaring the file unreadable (a reader that
/// cannot move past damage would otherwise loop forever).
const MAX_CONSECUTIVE_DEMUX_ERRORS: usize = 64;

/// The longest silence a timestamp jump may insert when the file does not state its length.
const MAX_GAP_SECONDS: u64 = 60;

/// [`decode_file`] or [`decode_bytes`] reporting the fraction decoded (0…1) as it goes, for
/// import progress.
pub(crate) fn decode_with_progress(
    input: Input,
    progress: &mut dyn FnMut(f32),
) -> Result<DecodedAudio, MediaError> {
    guarded(input.name(), || decode_unguarded(input, progress))
}

fn decode_unguarded(
    input: Input,
    progress: &mut dyn FnMut(f32),
) -> Result<DecodedAudio, MediaError> {
    let path = input.name();
    let mut src = Source::open(input)?;
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
        if let (Some(total), Some(planes)) = (src.length.hint().filter(|&n| n > 0), &out.planes) {
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
            let dur = i64::try_from(dur).unwrap_or(i64::MAX);
            self.damaged_end = Some(pos.saturating_add(dur).saturating_sub(src.origin));
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
        let rate = buf.spec().rate();
        if self.sample_rate == 0 {
            self.sample_rate = check_rate(path, rate)?;
        } else if rate != self.sample_rate {
            return Err(MediaError::unsupported(
                path,
                format!(
                    "stream layout (the sample rate changes from {} to {rate} Hz part-way)",
                    self.sample_rate
                ),
            ));
        }
        let planes = self.planes.get_or_insert_with(|| {
            let capacity = src.preallocation();
            (0..channels)
                .map(|_| Vec::with_capacity(capacity))
                .collect()
        });
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
            let gap = pos.saturating_sub(src.origin).saturating_sub(len as i64);
            // Audio missing before this buffer (skipped or undecodable packets): keep the rest
            // in time with silence. A huge jump is a broken timestamp, not a gap.
            let limit = match src.decoded_len_needed() {
                Some(n) => n.saturating_sub(len as u64),
                None => MAX_GAP_SECONDS * u64::from(self.sample_rate),
            }
            // Nor more than the file could hold: a lying header's length is no licence to fill
            // gigabytes of silence.
            .min(src.plausible_frames().saturating_sub(len as u64));
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
            let cap = src
                .decoded_len_needed()
                .unwrap_or(u64::MAX)
                .min(src.plausible_frames())
                .min(i64::MAX as u64) as i64;
            let end = end.min(cap);
            if end > len {
                for p in planes.iter_mut() {
                    p.resize(end as usize, 0.0);
                }
                self.filled += (end - len) as u64;
            }
        }
        let decoded = planes[0].len() as u64;
        if let Some(expected) = src.decoded_len_needed() {
            // A length the container states exactly: fewer frames means the data stops early
            // (or the reader dropped frames it could not place in time). Past it there is only
            // the rest of the decoder's last packet (AAC returns whole packets of 1,024 frames).
            if decoded < expected {
                let detail = if self.damaged == 0 && self.filled == 0 {
                    format!("the audio stops after {decoded} of {expected} frames")
                } else {
                    format!("only {decoded} of its {expected} frames could be read")
                };
                return Err(MediaError::corrupt(path, detail));
            }
            for p in planes.iter_mut() {
                p.truncate(expected as usize);
            }
        }
        let mut warnings = src.presentation.apply(&mut planes);
        for p in planes.iter_mut() {
            // A length guessed too long (or priming removed) leaves spare capacity; a lot of it
            // is worth returning.
            if p.capacity() - p.len() > p.len() / 8 {
                p.shrink_to_fit();
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
    fn a_panicking_decoder_is_an_error_about_the_file() {
        let path = Path::new("/music/odd.wav");
        let err = guarded::<()>(path, || panic!("a bug in a decoder")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "odd.wav: truncated or corrupt (the decoder failed on this file)"
        );
        assert_eq!(guarded(path, || Ok(7)).unwrap(), 7);
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
