//! The MP4/M4A timing information symphonia 0.6 does not apply: the edit list
//! (`moov/trak/edts/elst`) and iTunes' gapless tag (`moov/udta/meta/ilst/----` named
//! `iTunSMPB`).
//!
//! AAC encoders put priming frames (1,024 for most, 2,112 for Apple's) before the audio and say so
//! with an edit whose `media_time` skips them, or with the iTunes tag; without applying it an AAC
//! stem plays ~21 ms late against its lossless twin. Only the box headers and the small `moov`
//! box are read, never the media data.

use std::io::{self, Read, Seek, SeekFrom};

/// One entry of an edit list, converted to frames at the track's sample rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    /// An empty edit: this many frames of silence before the media starts.
    Silence(u64),
    /// Plays `len` frames of the decoded media from frame `start`. `len` is `None` when the edit
    /// runs to the end of the media.
    Media {
        /// First decoded frame that is presented.
        start: u64,
        /// Number of presented frames (`None`: to the end).
        len: Option<u64>,
        /// The tolerance on `len`: its unit in the movie timescale is coarser than one frame.
        len_slack: u64,
    },
}

/// iTunes' gapless information (`iTunSMPB`), in frames at the track's sample rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ItunesGapless {
    /// Priming frames before the audio (the encoder delay).
    pub priming: u64,
    /// Frames of padding after the audio.
    pub padding: u64,
    /// Frames of audio; 0 when the tag does not say.
    pub length: u64,
}

/// What the `moov` box says about presenting a track, beyond its sample table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Timing {
    /// The track's edit list, if it has one.
    pub edits: Option<Vec<Edit>>,
    /// The file's iTunes gapless tag, if it has one.
    pub itunes: Option<ItunesGapless>,
}

/// The largest `moov` box we read; real ones for audio are kilobytes, a few MB with cover art.
const MAX_MOOV: u64 = 64 << 20;

/// Reads the edit list of the track with `track_id` (the `tkhd` id, which symphonia uses as its
/// track id) and the iTunes gapless tag from the `len` bytes of `file`. Missing pieces are `None`
/// (nothing to apply).
pub(crate) fn read_timing(
    file: &mut (impl Read + Seek),
    len: u64,
    track_id: u32,
    sample_rate: u32,
) -> io::Result<Timing> {
    let Some(moov) = read_top_level_box(file, len, *b"moov")? else {
        return Ok(Timing::default());
    };
    Ok(Timing {
        edits: parse_moov(&moov, track_id, sample_rate),
        itunes: itunes_gapless(&moov),
    })
}

/// The `iTunSMPB` tag in `moov/udta/meta/ilst`, if present and well formed.
fn itunes_gapless(moov: &[u8]) -> Option<ItunesGapless> {
    let meta = child(child(moov, b"udta")?, b"meta")?;
    // ISO `meta` is a full box (4 bytes of version and flags before its children); QuickTime's is
    // not. The first child is `hdlr` either way, which tells them apart.
    let meta = if meta.get(4..8) == Some(b"hdlr") {
        meta
    } else {
        meta.get(4..)?
    };
    boxes(child(meta, b"ilst")?)
        .filter(|(kind, _)| kind == b"----")
        .find_map(|(_, item)| {
            // `----` holds `mean` (the namespace), `name` and `data`; the first two are full
            // boxes, `data` has a 4-byte type (1 = UTF-8) and a 4-byte locale before the value.
            let text = |kind: &[u8; 4]| child(item, kind).and_then(|b| b.get(4..));
            if text(b"mean")? != b"com.apple.iTunes" || text(b"name")? != b"iTunSMPB" {
                return None;
            }
            parse_itunsmpb(child(item, b"data")?.get(8..)?)
        })
}

/// The tag's value: hex fields ` 00000000 <priming> <padding> <length (64-bit)> …`.
fn parse_itunsmpb(value: &[u8]) -> Option<ItunesGapless> {
    let text = std::str::from_utf8(value).ok()?;
    let mut fields = text.split_ascii_whitespace().skip(1);
    let mut hex = || u64::from_str_radix(fields.next()?, 16).ok();
    let (priming, padding, length) = (hex()?, hex()?, hex()?);
    // More than a second of priming or padding at any rate is not an encoder's delay.
    const MAX_DELAY: u64 = 1 << 18;
    (priming <= MAX_DELAY && padding <= MAX_DELAY).then_some(ItunesGapless {
        priming,
        padding,
        length,
    })
}

/// Finds a top-level box by walking the box headers and returns its payload.
fn read_top_level_box(
    file: &mut (impl Read + Seek),
    file_len: u64,
    wanted: [u8; 4],
) -> io::Result<Option<Vec<u8>>> {
    let mut pos = 0u64;
    while pos + 8 <= file_len {
        file.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 8];
        file.read_exact(&mut header)?;
        let size32 = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let kind = [header[4], header[5], header[6], header[7]];
        let (size, header_len) = match size32 {
            0 => (file_len - pos, 8), // runs to the end of the file
            1 => {
                let mut large = [0u8; 8];
                file.read_exact(&mut large)?;
                (u64::from_be_bytes(large), 16)
            }
            n => (u64::from(n), 8),
        };
        if size < header_len || pos + size > file_len {
            return Ok(None); // damaged or truncated box structure: symphonia reports that
        }
        if kind == wanted {
            let payload = size - header_len;
            if payload > MAX_MOOV {
                return Ok(None);
            }
            let mut buf = vec![0u8; payload as usize];
            file.read_exact(&mut buf)?;
            return Ok(Some(buf));
        }
        pos += size;
    }
    Ok(None)
}

/// Iterates over the child boxes in `data` as `(kind, payload)`; stops at the first malformed one.
fn boxes(mut data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    std::iter::from_fn(move || {
        if data.len() < 8 {
            return None;
        }
        let size32 = be_u32(data, 0)?;
        let kind = [data[4], data[5], data[6], data[7]];
        let (size, header_len) = match size32 {
            0 => (data.len(), 8),
            1 => (usize::try_from(be_u64(data, 8)?).ok()?, 16),
            n => (n as usize, 8),
        };
        if size < header_len || size > data.len() {
            return None;
        }
        let payload = &data[header_len..size];
        data = &data[size..];
        Some((kind, payload))
    })
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| k == kind).map(|(_, p)| p)
}

fn be_u16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be_u32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(d.get(at..at + 8)?.try_into().ok()?))
}

/// `mvhd`/`mdhd` timescale: after version+flags, creation and modification times (32 or 64 bits).
fn timescale(full_box: &[u8]) -> Option<u32> {
    let at = if *full_box.first()? == 1 {
        4 + 16
    } else {
        4 + 8
    };
    be_u32(full_box, at).filter(|&t| t > 0)
}

fn parse_moov(moov: &[u8], track_id: u32, sample_rate: u32) -> Option<Vec<Edit>> {
    let movie_timescale = timescale(child(moov, b"mvhd")?)?;
    for (kind, trak) in boxes(moov) {
        if &kind != b"trak" {
            continue;
        }
        let tkhd = child(trak, b"tkhd")?;
        let id_at = if *tkhd.first()? == 1 { 4 + 16 } else { 4 + 8 };
        if be_u32(tkhd, id_at)? != track_id {
            continue;
        }
        let media_timescale = timescale(child(child(trak, b"mdia")?, b"mdhd")?)?;
        let elst = child(child(trak, b"edts")?, b"elst")?;
        return parse_elst(elst, movie_timescale, media_timescale, sample_rate);
    }
    None
}

fn parse_elst(elst: &[u8], movie_ts: u32, media_ts: u32, rate: u32) -> Option<Vec<Edit>> {
    let version = *elst.first()?;
    let count = be_u32(elst, 4)? as usize;
    let entry_len = if version == 1 { 20 } else { 12 };
    if count == 0 || elst.len() < 8 + count.checked_mul(entry_len)? {
        return None;
    }
    let rate = u128::from(rate);
    // Durations are in the movie timescale (often 1/1000 s), media times in the media timescale
    // (normally the sample rate); both become frames at the decoded rate.
    let to_frames = |t: u64, ts: u32| (u128::from(t) * rate + u128::from(ts) / 2) / u128::from(ts);
    let mut edits = Vec::with_capacity(count);
    for i in 0..count {
        let at = 8 + i * entry_len;
        let (duration, media_time) = if version == 1 {
            (be_u64(elst, at)?, be_u64(elst, at + 8)? as i64)
        } else {
            (
                u64::from(be_u32(elst, at)?),
                i64::from(be_u32(elst, at + 4)? as i32),
            )
        };
        let rate_int = be_u16(elst, at + entry_len - 4)? as i16;
        let duration_frames = u64::try_from(to_frames(duration, movie_ts)).ok()?;
        if media_time == -1 {
            edits.push(Edit::Silence(duration_frames));
        } else if media_time >= 0 && rate_int == 1 {
            let start = u64::try_from(to_frames(media_time as u64, media_ts)).ok()?;
            let len = (duration != 0).then_some(duration_frames);
            let len_slack = u64::try_from(rate.div_ceil(u128::from(movie_ts))).ok()?;
            edits.push(Edit::Media {
                start,
                len,
                len_slack,
            });
        } else {
            return None; // dwells and speed changes: not something a stem file uses
        }
    }
    Some(edits)
}

/// The frames of silence the empty edits of `edits` add.
pub(crate) fn silence(edits: &[Edit]) -> u64 {
    edits
        .iter()
        .map(|e| match *e {
            Edit::Silence(n) => n,
            Edit::Media { .. } => 0,
        })
        .fold(0, u64::saturating_add)
}

/// A resolved edit: silence, or a range of decoded frames.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Silence(usize),
    Media(std::ops::Range<usize>),
}

/// The most silence an edit list may add (about 12 hours at 48 kHz); more is a broken file.
const MAX_EDIT_SILENCE: u64 = 1 << 31;

/// Resolves the edits against `total` decoded frames; `None` when they do not fit.
fn resolve(edits: &[Edit], total: u64) -> Option<Vec<Piece>> {
    let media_edits = edits
        .iter()
        .filter(|e| matches!(e, Edit::Media { .. }))
        .count();
    let mut silence = 0u64;
    let mut pieces = Vec::with_capacity(edits.len());
    for edit in edits {
        match *edit {
            Edit::Silence(n) => {
                silence += n;
                if silence > MAX_EDIT_SILENCE {
                    return None;
                }
                pieces.push(Piece::Silence(usize::try_from(n).ok()?));
            }
            Edit::Media {
                start,
                len,
                len_slack,
            } => {
                let available = total.checked_sub(start)?;
                let len = match len {
                    None => available,
                    // The usual single edit gives the length in milliseconds; when that agrees
                    // with the media's exact length to within its precision, the media wins.
                    Some(l) if media_edits == 1 && l.abs_diff(available) <= len_slack => available,
                    Some(l) if l <= available => l,
                    Some(_) => return None,
                };
                let (s, e) = (
                    usize::try_from(start).ok()?,
                    usize::try_from(start + len).ok()?,
                );
                pieces.push(Piece::Media(s..e));
            }
        }
    }
    Some(pieces)
}

/// The presented length in frames of `total` decoded frames under the edit list.
pub(crate) fn edited_len(edits: &[Edit], total: u64) -> Option<u64> {
    let pieces = resolve(edits, total)?;
    Some(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Silence(n) => *n as u64,
                Piece::Media(r) => r.len() as u64,
            })
            .sum(),
    )
}

/// Applies an edit list to decoded planar audio. Returns `None` when it does not fit the decoded
/// length (then the caller keeps the audio as it is and warns).
pub(crate) fn apply(edits: &[Edit], channels: &[Vec<f32>]) -> Option<Vec<Vec<f32>>> {
    let total = channels.first().map_or(0, Vec::len) as u64;
    let pieces = resolve(edits, total)?;
    let len = edited_len(edits, total)? as usize;
    let mut out: Vec<Vec<f32>> = vec![Vec::with_capacity(len); channels.len()];
    for piece in pieces {
        for (o, ch) in out.iter_mut().zip(channels) {
            match &piece {
                Piece::Silence(n) => o.resize(o.len() + n, 0.0),
                Piece::Media(r) => o.extend_from_slice(&ch[r.clone()]),
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = ((8 + payload.len()) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    /// A `moov` payload holding `udta/meta/ilst` with one `----` item.
    fn moov_with_tag(mean: &str, name: &str, value: &str, full_meta: bool) -> Vec<u8> {
        let full = |text: &str| [&[0u8; 4][..], text.as_bytes()].concat();
        let data = [&[0, 0, 0, 1, 0, 0, 0, 0][..], value.as_bytes()].concat();
        let item = [
            boxed(b"mean", &full(mean)),
            boxed(b"name", &full(name)),
            boxed(b"data", &data),
        ]
        .concat();
        let hdlr = boxed(b"hdlr", &[0u8; 25]);
        let ilst = boxed(b"ilst", &boxed(b"----", &item));
        let version = if full_meta { &[0u8; 4][..] } else { &[][..] };
        let meta = boxed(b"meta", &[version, &hdlr, &ilst].concat());
        boxed(b"udta", &meta)
    }

    const APPLE: &str = " 00000000 00000840 000001CA 00000000003F0A36 00000000 00000000 \
                         00000000 00000000 00000000 00000000 00000000 00000000";

    #[test]
    fn itunsmpb_is_read_from_either_kind_of_meta_box() {
        let want = Some(ItunesGapless {
            priming: 2112,
            padding: 458,
            length: 0x3F_0A36,
        });
        for full in [true, false] {
            let moov = moov_with_tag("com.apple.iTunes", "iTunSMPB", APPLE, full);
            assert_eq!(itunes_gapless(&moov), want, "full box: {full}");
        }
    }

    #[test]
    fn other_tags_and_malformed_values_are_not_gapless_information() {
        let other = moov_with_tag("com.apple.iTunes", "iTunNORM", APPLE, true);
        assert_eq!(itunes_gapless(&other), None);
        let foreign = moov_with_tag("org.example", "iTunSMPB", APPLE, true);
        assert_eq!(itunes_gapless(&foreign), None);
        for bad in [" 00000000 00000840", " 00000000 0000084G 000001CA 0", ""] {
            let moov = moov_with_tag("com.apple.iTunes", "iTunSMPB", bad, true);
            assert_eq!(itunes_gapless(&moov), None, "{bad:?}");
        }
        // A "delay" of minutes is not an encoder's.
        let silly = " 00000000 10000000 00000000 0000000000001000";
        let moov = moov_with_tag("com.apple.iTunes", "iTunSMPB", silly, true);
        assert_eq!(itunes_gapless(&moov), None);
    }

    fn elst_v0(entries: &[(u32, i32)]) -> Vec<u8> {
        let mut b = vec![0, 0, 0, 0];
        b.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for &(dur, time) in entries {
            b.extend_from_slice(&dur.to_be_bytes());
            b.extend_from_slice(&time.to_be_bytes());
            b.extend_from_slice(&[0, 1, 0, 0]);
        }
        b
    }

    #[test]
    fn priming_edit_is_converted_to_frames() {
        let edits = parse_elst(&elst_v0(&[(500, 1024)]), 1000, 44100, 44100).unwrap();
        assert_eq!(
            edits,
            vec![Edit::Media {
                start: 1024,
                len: Some(22050),
                len_slack: 45
            }]
        );
    }

    #[test]
    fn media_timescale_other_than_the_rate_is_scaled() {
        // 2048 ticks at 88.2 kHz = 1024 frames at 44.1 kHz; an empty edit of 10 ms = 441 frames.
        let edits = parse_elst(&elst_v0(&[(10, -1), (0, 2048)]), 1000, 88200, 44100).unwrap();
        assert_eq!(
            edits,
            vec![
                Edit::Silence(441),
                Edit::Media {
                    start: 1024,
                    len: None,
                    len_slack: 45
                }
            ]
        );
    }

    #[test]
    fn edited_length_and_limits() {
        let priming = [Edit::Media {
            start: 1024,
            len: Some(22_050),
            len_slack: 45,
        }];
        assert_eq!(edited_len(&priming, 23_074), Some(22_050));
        assert_eq!(edited_len(&priming, 23_050), Some(22_026)); // within the slack: media wins
        assert_eq!(edited_len(&priming, 23_000), None); // 74 frames short: does not fit
        assert_eq!(edited_len(&priming, 1000), None); // starts past the end
        let silly = [
            Edit::Silence(1 << 40),
            Edit::Media {
                start: 0,
                len: None,
                len_slack: 0,
            },
        ];
        assert_eq!(edited_len(&silly, 10), None);
    }

    #[test]
    fn apply_skips_priming_and_trusts_exact_media_length() {
        let ch: Vec<f32> = (0..2000).map(|i| i as f32).collect();
        // Edit says 900 frames ± 5 but the media has 2000 − 1024 = 976: outside slack, so 900.
        let out = apply(
            &[Edit::Media {
                start: 1024,
                len: Some(900),
                len_slack: 5,
            }],
            std::slice::from_ref(&ch),
        );
        assert_eq!(out.as_ref().map(|o| o[0].len()), Some(900));
        assert_eq!(out.unwrap()[0][0], 1024.0);
        // Within the slack: the exact media length wins.
        let out = apply(
            &[Edit::Media {
                start: 1024,
                len: Some(980),
                len_slack: 5,
            }],
            std::slice::from_ref(&ch),
        );
        assert_eq!(out.unwrap()[0].len(), 976);
        let out = apply(
            &[
                Edit::Silence(3),
                Edit::Media {
                    start: 0,
                    len: Some(2),
                    len_slack: 0,
                },
            ],
            std::slice::from_ref(&ch),
        );
        assert_eq!(out.unwrap()[0], vec![0.0, 0.0, 0.0, 0.0, 1.0]);
        assert!(
            apply(
                &[Edit::Media {
                    start: 3000,
                    len: None,
                    len_slack: 0
                }],
                &[ch]
            )
            .is_none()
        );
    }
}
