//! A look at WAV headers before symphonia reads them: its RIFF reader (0.6.1) computes with a
//! WAV's channel count in ways that overflow for counts no WAV channel mask can describe (a
//! shift in `fix_wave_channel_mask`, a product in the block-align check), which panics in
//! builds with overflow checks. Such a file has too many channels for a stem anyway, so it is
//! refused here with that reason and symphonia never sees it. Found by `fuzz/` (media_decode).

use super::MediaError;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// The speaker positions a WAVE_FORMAT_EXTENSIBLE channel mask names; a WAV with more channels
/// is beyond what the format describes (and what symphonia's reader survives).
const MAX_WAV_CHANNELS: u16 = 18;

/// How far into the file symphonia's probe looks for a format marker (its default depth).
const PROBE_DEPTH: usize = 1 << 20;

/// Chunks walked per RIFF header before giving up on finding `fmt ` (real files have a few).
const MAX_CHUNKS: usize = 64;

/// Refuses a WAV whose `fmt ` chunk states more channels than [`MAX_WAV_CHANNELS`], wherever in
/// the first [`PROBE_DEPTH`] bytes symphonia's probe could find its `RIFF` header.
pub(crate) fn check(path: &Path, reader: &mut (impl Read + Seek)) -> Result<(), MediaError> {
    let channels = largest_channel_count(reader).map_err(|e| MediaError::io(path, e))?;
    match channels {
        Some(n) if n > MAX_WAV_CHANNELS => Err(MediaError::TooManyChannels {
            path: path.to_path_buf(),
            channels: usize::from(n),
        }),
        _ => Ok(()),
    }
}

/// The largest channel count stated by a `fmt ` chunk of any `RIFF…WAVE` header that starts in
/// the first [`PROBE_DEPTH`] bytes.
fn largest_channel_count(reader: &mut (impl Read + Seek)) -> io::Result<Option<u16>> {
    reader.seek(SeekFrom::Start(0))?;
    let mut head = Vec::new();
    reader
        .by_ref()
        .take(PROBE_DEPTH as u64 + 12)
        .read_to_end(&mut head)?;
    let mut largest = None;
    for at in (0..head.len().saturating_sub(11)).filter(|&i| &head[i..i + 4] == b"RIFF") {
        if &head[at + 8..at + 12] != b"WAVE" {
            continue;
        }
        if let Some(n) = fmt_channels(reader, at as u64 + 12)? {
            largest = largest.max(Some(n));
        }
    }
    Ok(largest)
}

/// Walks the chunks from `pos` to the `fmt ` chunk and reads its channel count.
fn fmt_channels(reader: &mut (impl Read + Seek), mut pos: u64) -> io::Result<Option<u16>> {
    for _ in 0..MAX_CHUNKS {
        reader.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 8];
        if !read_full(reader, &mut header)? {
            return Ok(None);
        }
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        if &header[..4] == b"fmt " {
            // Format tag (2 bytes), then the channel count.
            let mut fields = [0u8; 4];
            if size < 4 || !read_full(reader, &mut fields)? {
                return Ok(None);
            }
            return Ok(Some(u16::from_le_bytes([fields[2], fields[3]])));
        }
        // Chunks are padded to an even length.
        pos = pos + 8 + u64::from(size) + u64::from(size & 1);
    }
    Ok(None)
}

/// Fills `buf`; `false` if the data ends first.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    match reader.read_exact(buf) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A RIFF/WAVE header with a `junk` chunk, then `fmt ` stating `channels`.
    fn wav_header(channels: u16) -> Vec<u8> {
        let mut b = b"RIFF\0\0\0\0WAVE".to_vec();
        b.extend_from_slice(b"junk\x03\0\0\0abc\0"); // odd size: padded
        b.extend_from_slice(b"fmt \x10\0\0\0\x01\0");
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&[0u8; 12]);
        b
    }

    #[test]
    fn channel_counts_are_read_behind_other_chunks_and_leading_junk() {
        let mut c = Cursor::new(wav_header(6));
        assert_eq!(largest_channel_count(&mut c).unwrap(), Some(6));
        // symphonia's probe skips leading junk; so does the check.
        let mut junk = vec![0x55u8; 1000];
        junk.extend_from_slice(&wav_header(3074));
        assert_eq!(
            largest_channel_count(&mut Cursor::new(junk)).unwrap(),
            Some(3074)
        );
        assert_eq!(
            largest_channel_count(&mut Cursor::new(b"RIFF\0\0\0\0AVI ".to_vec())).unwrap(),
            None
        );
        // Cut short inside the fmt chunk: nothing to say (symphonia reports the damage).
        let cut = wav_header(2)[..30].to_vec();
        assert_eq!(largest_channel_count(&mut Cursor::new(cut)).unwrap(), None);
    }

    #[test]
    fn only_counts_no_channel_mask_describes_are_refused() {
        let p = Path::new("many.wav");
        assert!(check(p, &mut Cursor::new(wav_header(18))).is_ok());
        let err = check(p, &mut Cursor::new(wav_header(19))).unwrap_err();
        assert!(matches!(
            err,
            MediaError::TooManyChannels { channels: 19, .. }
        ));
    }
}
