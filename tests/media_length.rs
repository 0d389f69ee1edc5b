//! Decoded lengths (issue 14, item 2): a length is trusted only where the container states it
//! exactly; streams that do not (ADTS, MP3 without a Xing/Info tag) decode to their end, and
//! truncation is reported only against an exact length.
//!
//! The expected lengths are counted here from the files' own frame headers, independently of the
//! decoder: ADTS frames carry 1,024 frames each, MPEG-1 Layer III frames 1,152.

mod common;

use common::{best_lag, fixture, padded_master};
use stemmix::media::{MediaError, decode_file, probe_info};

/// Frames of audio per AAC packet (one ADTS frame holds one).
const AAC_PACKET: usize = 1024;
/// Frames per MPEG-1 Layer III frame.
const MP3_FRAME: usize = 1152;
/// The padded master in the `signal_padded_*` fixtures: 2 s + 0.5 s + 2 s at 44.1 kHz.
const PADDED_LEN: usize = 88_200 + 22_050 + 88_200;
/// The master and 2 s of silence in the `signal_tail_*` fixtures.
const TAIL_LEN: usize = 22_050 + 88_200;

/// Byte offsets of the ADTS frames in `bytes`, walking the 13-bit frame lengths; panics on
/// anything that is not a clean run of ADTS frames (the fixture is one).
fn adts_frames(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut pos = 0;
    while pos + 7 <= bytes.len() {
        let h = &bytes[pos..pos + 7];
        assert!(h[0] == 0xFF && h[1] & 0xF6 == 0xF0, "no ADTS sync at {pos}");
        let len = (usize::from(h[3] & 3) << 11) | (usize::from(h[4]) << 3) | usize::from(h[5] >> 5);
        assert!(len >= 7, "ADTS frame length {len} at {pos}");
        starts.push(pos);
        pos += len;
    }
    assert_eq!(pos, bytes.len(), "trailing bytes after the last ADTS frame");
    starts
}

/// Number of MPEG-1 Layer III frames in `bytes` (a file with no ID3 tag), from the frame headers.
fn mp3_frames(bytes: &[u8]) -> usize {
    const KBPS: [usize; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const RATES: [usize; 3] = [44_100, 48_000, 32_000];
    let (mut pos, mut count) = (0, 0);
    while pos + 4 <= bytes.len() {
        let h = &bytes[pos..pos + 4];
        assert!(
            h[0] == 0xFF && h[1] & 0xFE == 0xFA,
            "no MPEG-1 Layer III sync at {pos}"
        );
        let kbps = KBPS[usize::from(h[2] >> 4)];
        let rate = RATES[usize::from((h[2] >> 2) & 3)];
        let padding = usize::from((h[2] >> 1) & 1);
        pos += 144_000 * kbps / rate + padding;
        count += 1;
    }
    assert_eq!(pos, bytes.len(), "the last MPEG frame is incomplete");
    count
}

#[test]
fn adts_aac_states_no_length_and_decodes_to_its_end() {
    let path = fixture("signal_padded_adts.aac");
    let packets = adts_frames(&std::fs::read(&path).unwrap()).len();
    assert_eq!(packets, 195);
    let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "ADTS: {packets} packets, decoded {} frames ({:.3} s)",
        d.frames(),
        d.frames() as f64 / 44_100.0
    );
    // Every packet, less the encoder's 1,024 priming frames (item 3); what remains past the
    // audio is the encoder's padding to a whole packet.
    assert_eq!(d.frames(), packets * AAC_PACKET - 1024);
    assert!(d.frames() >= PADDED_LEN);
    // The bitrate-based guess is not a length the file states.
    assert_eq!(probe_info(&path).unwrap().frames, None);
}

#[test]
fn a_vbr_mp3_without_a_tag_decodes_to_its_end() {
    let path = fixture("signal_tail_vbr_no_tag.mp3");
    let mpeg_frames = mp3_frames(&std::fs::read(&path).unwrap());
    let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "tagless VBR MP3: {mpeg_frames} MPEG frames, decoded {} frames ({:.3} s)",
        d.frames(),
        d.frames() as f64 / 44_100.0
    );
    // Without a tag nothing is trimmed: the whole stream, encoder delay and padding included.
    assert_eq!(d.frames(), mpeg_frames * MP3_FRAME);
    assert!(d.frames() >= TAIL_LEN + 1105);
    assert!(
        d.warnings.iter().any(|w| w.contains("encoder-delay")),
        "{:?}",
        d.warnings
    );
    assert_eq!(probe_info(&path).unwrap().frames, None);
}

#[test]
fn an_mp3_with_an_info_tag_has_its_exact_length() {
    // The same audio with LAME's Xing/Info tag: the stated length is exact, and gapless.
    let path = fixture("signal_tail_vbr.mp3");
    let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.frames(), TAIL_LEN);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(probe_info(&path).unwrap().frames, Some(TAIL_LEN as u64));
    // The audio is in the first second (the rest is silence), so correlate that.
    let twin = padded_master(0, 88_200);
    assert_eq!(d.channels.len(), 2);
    for (c, (want, got)) in twin.iter().zip(&d.channels).enumerate() {
        let (lag, _) = best_lag(&want[..44_100], &got[..44_100], 3000);
        assert_eq!(lag, 0, "channel {c}");
    }
}

#[test]
fn an_mp3_cut_short_of_its_info_tag_is_reported_truncated() {
    let bytes = std::fs::read(fixture("signal_tail_vbr.mp3")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.mp3");
    std::fs::write(&path, &bytes[..bytes.len() * 6 / 10]).unwrap();
    let err = decode_file(&path).unwrap_err();
    assert!(matches!(err, MediaError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string().contains(&format!("of {TAIL_LEN} frames")),
        "{err}"
    );
}

#[test]
fn a_cut_adts_file_decodes_what_is_there() {
    // ADTS states no length, so a cut file is not "truncated": it simply ends, here in the
    // middle of a packet; every whole packet is decoded.
    let bytes = std::fs::read(fixture("signal_padded_adts.aac")).unwrap();
    let starts = adts_frames(&bytes);
    let whole = 150;
    let cut = (starts[whole] + starts[whole + 1]) / 2;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.aac");
    std::fs::write(&path, &bytes[..cut]).unwrap();
    let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.frames(), whole * AAC_PACKET - 1024);
}

#[test]
fn an_id3_tag_larger_than_the_read_buffer_does_not_hide_the_length() {
    // MPEG audio is read without seeking (so symphonia cannot guess a length); a 300 kB ID3v2
    // tag in front (cover art, say) must still be skipped, and the tagged twin keep its length.
    let body = [&b"TIT2\0\0\0\x05\0\0\0stem"[..], &vec![0u8; 300_000]].concat();
    let n = body.len();
    let size = [
        (n >> 21) as u8 & 127,
        (n >> 14) as u8 & 127,
        (n >> 7) as u8 & 127,
        n as u8 & 127,
    ];
    let id3 = [&b"ID3\x03\0\0"[..], &size, &body].concat();
    let dir = tempfile::tempdir().unwrap();
    for (name, frames) in [
        ("signal_tail_vbr_no_tag.mp3", 97 * MP3_FRAME),
        ("signal_tail_vbr.mp3", TAIL_LEN),
    ] {
        let path = dir.path().join(name);
        let audio = std::fs::read(fixture(name)).unwrap();
        std::fs::write(&path, [&id3[..], &audio].concat()).unwrap();
        let d = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.frames(), frames, "{name}");
    }
}
