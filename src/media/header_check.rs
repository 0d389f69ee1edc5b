//! A look at WAV and CAF headers before symphonia reads them, for values its readers (0.6.1)
//! overflow on, which panics in builds with overflow checks (all dev and test builds). Found by
//! `fuzz/` (media_decode); each is refused here with the reason, so symphonia never sees it:
//!
//! - WAV: more channels than a channel mask names (a shift in `fix_wave_channel_mask`, a
//!   product in the block-align check): too many channels for a stem anyway.
//! - CAF: a `desc` chunk stating packets of 2^29 bytes or more (`bytes_per_packet * 8`).
//!
//! Like symphonia's probe, the check finds a header anywhere in the first megabyte.

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

/// The largest CAF packet symphonia's reader can take: it computes `bytes_per_packet * 8` in
/// 32 bits.
const MAX_CAF_PACKET_BYTES: u32 = u32::MAX / 8;

/// Refuses a WAV whose `fmt ` chunk states more channels than [`MAX_WAV_CHANNELS`], or a CAF
/// whose `desc` chunk states packets over [`MAX_CAF_PACKET_BYTES`], wherever in the first
/// [`PROBE_DEPTH`] bytes symphonia's probe could find its header.
pub(crate) fn check(path: &Path, reader: &mut (impl Read + Seek)) -> Result<(), MediaError> {
    let io = |e| MediaError::io(path, e);
    reader.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut head = Vec::new();
    reader
        .by_ref()
        .take(PROBE_DEPTH as u64 + 12)
        .read_to_end(&mut head)
        .map_err(io)?;
    if let Some(n) = largest_wav_channel_count(&head, reader).map_err(io)?
        && n > MAX_WAV_CHANNELS
    {
        return Err(MediaError::TooManyChannels {
            path: path.to_path_buf(),
            channels: usize::from(n),
        });
    }
    if let Some(bytes) = largest_caf_packet(&head, reader).map_err(io)?
        && bytes > MAX_CAF_PACKET_BYTES
    {
        return Err(MediaError::corrupt(
            path,
            format!("the CAF header states packets of {bytes} bytes"),
        ));
    }
    Ok(())
}

/// Where `marker` occurs in `head`.
fn occurrences<'a>(head: &'a [u8], marker: &'a [u8; 4]) -> impl Iterator<Item = usize> + 'a {
    head.windows(4)
        .enumerate()
        .filter(move |(_, w)| w == marker)
        .map(|(i, _)| i)
}

/// The largest channel count stated by a `fmt ` chunk of any `RIFF…WAVE` header in `head`.
fn largest_wav_channel_count(
    head: &[u8],
    reader: &mut (impl Read + Seek),
) -> io::Result<Option<u16>> {
    let mut largest = None;
    for at in occurrences(head, b"RIFF") {
        if head.get(at + 8..at + 12) != Some(b"WAVE") {
            continue;
        }
        if let Some(n) = fmt_channels(reader, at as u64 + 12)? {
            largest = largest.max(Some(n));
        }
    }
    Ok(largest)
}

/// The largest `bytes_per_packet` stated by the `desc` chunk of any `caff` header in `head`.
fn largest_caf_packet(head: &[u8], reader: &mut (impl Read + Seek)) -> io::Result<Option<u32>> {
    let mut largest = None;
    for at in occurrences(head, b"caff") {
        // "caff", version and flags (2 + 2), then the first chunk, which must be `desc`: type
        // (4), size (8), then sample rate (8), format (4), flags (4), bytes per packet (4).
        reader.seek(SeekFrom::Start(at as u64 + 8))?;
        let mut desc = [0u8; 32];
        if !read_full(reader, &mut desc)? || &desc[..4] != b"desc" {
            continue;
        }
        let bytes = u32::from_be_bytes([desc[28], desc[29], desc[30], desc[31]]);
        largest = largest.max(Some(bytes));
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

    fn wav_channels(bytes: Vec<u8>) -> Option<u16> {
        largest_wav_channel_count(&bytes.clone(), &mut Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn channel_counts_are_read_behind_other_chunks_and_leading_junk() {
        assert_eq!(wav_channels(wav_header(6)), Some(6));
        // symphonia's probe skips leading junk; so does the check.
        let mut junk = vec![0x55u8; 1000];
        junk.extend_from_slice(&wav_header(3074));
        assert_eq!(wav_channels(junk), Some(3074));
        assert_eq!(wav_channels(b"RIFF\0\0\0\0AVI ".to_vec()), None);
        // Cut short inside the fmt chunk: nothing to say (symphonia reports the damage).
        assert_eq!(wav_channels(wav_header(2)[..30].to_vec()), None);
    }

    /// A CAF header whose `desc` chunk states `bytes_per_packet`.
    fn caf_header(bytes_per_packet: u32) -> Vec<u8> {
        let mut b = b"caff\0\x01\0\0desc".to_vec();
        b.extend_from_slice(&32u64.to_be_bytes());
        b.extend_from_slice(&44_100f64.to_be_bytes());
        b.extend_from_slice(b"lpcm\0\0\0\x02");
        b.extend_from_slice(&bytes_per_packet.to_be_bytes());
        b.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 16]);
        b
    }

    #[test]
    fn caf_packets_symphonia_cannot_size_are_refused() {
        let p = Path::new("huge.caf");
        assert!(check(p, &mut Cursor::new(caf_header(4))).is_ok());
        assert!(check(p, &mut Cursor::new(caf_header(MAX_CAF_PACKET_BYTES))).is_ok());
        let err = check(p, &mut Cursor::new(caf_header(1 << 29))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "huge.caf: truncated or corrupt (the CAF header states packets of 536870912 bytes)"
        );
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
