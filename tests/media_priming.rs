//! AAC priming without an edit list (issue 14, item 3): every AAC form of the same source lines
//! up with its lossless twin to the sample: M4A without an edit list, M4A with iTunes' iTunSMPB
//! tag (2,112 priming frames), ADTS and AAC in Matroska.

mod common;

use common::{best_lag, db, fixture, padded_master, rms, rms_diff};
use stemmix::media::{DecodedAudio, decode_file, probe_info};

/// Frames in the `signal_padded_*` sources: 2 s of silence, the master, 2 s of silence.
const PADDED_LEN: usize = 88_200 + 22_050 + 88_200;

/// Asserts that `d` is the padded master to the sample, channel by channel (and not swapped).
fn assert_aligned_with_the_twin(name: &str, d: &DecodedAudio) {
    let twin = padded_master(88_200, 88_200);
    assert_eq!((d.sample_rate, d.channels.len()), (44_100, 2), "{name}");
    for (c, (want, got)) in twin.iter().zip(&d.channels).enumerate() {
        // ±3000 covers every wrong answer: 1,024 and 2,112 frames late.
        let (lag, corr) = best_lag(want, got, 3000);
        let level = db(rms(got) / rms(want));
        let residual = db(rms_diff(want, got) / rms(want));
        eprintln!(
            "{name} ch {c}: lag {lag}, corr {corr:.5}, level {level:+.2} dB, residual {residual:.1} dB"
        );
        assert_eq!(lag, 0, "{name} ch {c}: offset by {lag} frames");
        assert!(corr > 0.99, "{name} ch {c}: correlation {corr}");
        assert!(residual < -20.0, "{name} ch {c}: residual {residual:.1} dB");
    }
    let (_, cross) = best_lag(&twin[1], &d.channels[0], 0);
    assert!(cross < 0.5, "{name}: left looks like the twin's right");
}

fn priming_note(d: &DecodedAudio) -> Option<&String> {
    d.warnings
        .iter()
        .find(|w| w.contains("1,024 priming frames"))
}

#[test]
fn an_m4a_without_an_edit_list_loses_the_standard_priming_and_says_so() {
    let name = "signal_padded_no_editlist.m4a";
    let d = decode_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
    assert_aligned_with_the_twin(name, &d);
    // The sample table's exact length (1,024 priming + the audio), less the priming.
    assert_eq!(d.frames(), PADDED_LEN);
    assert!(priming_note(&d).is_some(), "no note: {:?}", d.warnings);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert_eq!(
        probe_info(&fixture(name)).unwrap().frames,
        Some(PADDED_LEN as u64)
    );
}

#[test]
fn an_m4a_with_itunsmpb_follows_the_tag() {
    // Priming 2,112 and length 198,450 from the tag; FFmpeg's reader agrees (make_fixtures.sh).
    let name = "signal_padded_itunsmpb.m4a";
    let d = decode_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
    assert_aligned_with_the_twin(name, &d);
    assert_eq!(d.frames(), PADDED_LEN);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(
        probe_info(&fixture(name)).unwrap().frames,
        Some(PADDED_LEN as u64)
    );
}

#[test]
fn adts_and_matroska_aac_lose_the_standard_priming_and_say_so() {
    for name in ["signal_padded_adts.aac", "signal_padded_aac.mka"] {
        let d = decode_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_aligned_with_the_twin(name, &d);
        // No stated length: the encoder's padding to a whole packet stays at the end.
        assert!(
            (PADDED_LEN..PADDED_LEN + 1024).contains(&d.frames()),
            "{name}: {} frames",
            d.frames()
        );
        let note = priming_note(&d).unwrap_or_else(|| panic!("{name}: {:?}", d.warnings));
        eprintln!("{name}: {note}");
    }
}

#[test]
fn an_edit_list_still_wins_over_the_default() {
    // The edit-list fixture needs no guess: no note, and the existing alignment holds.
    let d = decode_file(&fixture("signal_aac.m4a")).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.frames(), 22_050);
}
