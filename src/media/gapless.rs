//! Where a decoded stream's audio starts and ends: the encoder delay ("priming") and padding a
//! container states, or the codec's standard delay where nothing states it.
//!
//! symphonia's MP3 and Vorbis decoders trim what their containers state themselves; its AAC
//! decoder trims nothing, so every AAC stream passes through here: the MP4 edit list first, then
//! iTunes' `iTunSMPB` tag, then a delay the container states (CAF's packet table), and with none
//! of these the standard 1,024 frames of AAC-LC priming, with a note to the user.

use super::mp4::{self, Edit};
use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::codecs::audio::well_known::CODEC_ID_AAC;

/// The priming every AAC-LC encoder but Apple's puts before the audio: one packet's overlap.
const STANDARD_AAC_PRIMING: u64 = 1024;

/// Why frames are trimmed from the start (and where the length comes from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrimReason {
    /// iTunes' gapless tag.
    ItunesTag,
    /// The container's own delay field; its exact length counts the audio only.
    ContainerDelay,
    /// Nothing states the delay: the codec's standard priming is assumed.
    StandardAacPriming,
}

/// How the decoded frames become the presented audio.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Presentation {
    /// The decoded frames are the audio, as they are; `note` says what may be off.
    AsDecoded {
        /// A sentence for the import notes, when the start is uncertain.
        note: Option<&'static str>,
    },
    /// The MP4 edit list says which frames are presented.
    EditList(Vec<Edit>),
    /// Skip `start` frames, then keep `len` of them (`None`: all that remain).
    Trim {
        /// Frames to skip.
        start: u64,
        /// Frames to keep after them, when stated.
        len: Option<u64>,
        /// Where `start` comes from.
        reason: TrimReason,
    },
}

/// The import note for an MP3 that states no delay (symphonia then trims nothing).
const MP3_WITHOUT_DELAY: &str = "the MP3 has no encoder-delay information (LAME header), so it may \
                                 start slightly late (typically 1,105 samples)";

/// The import note for AAC that states no delay.
const AAC_STANDARD_PRIMING: &str = "the AAC file states no encoder delay (no edit list or gapless \
                                    tag), so the standard 1,024 priming frames were removed; if \
                                    its encoder used another delay the stem is off by the \
                                    difference";

impl Presentation {
    /// Chooses how to present a track: `timing` from an MP4's `moov` (default elsewhere),
    /// `container_delay` as the demuxer states it, `mp3_without_delay` for an MPEG audio stream
    /// without LAME/Xing delay information.
    pub(crate) fn choose(
        codec: AudioCodecId,
        timing: mp4::Timing,
        container_delay: Option<u32>,
        mp3_without_delay: bool,
    ) -> Presentation {
        if let Some(edits) = timing.edits {
            return Presentation::EditList(edits);
        }
        if codec != CODEC_ID_AAC {
            let note = mp3_without_delay.then_some(MP3_WITHOUT_DELAY);
            return Presentation::AsDecoded { note };
        }
        if let Some(tag) = timing.itunes {
            return Presentation::Trim {
                start: tag.priming,
                len: (tag.length > 0).then_some(tag.length),
                reason: TrimReason::ItunesTag,
            };
        }
        if let Some(delay) = container_delay {
            return Presentation::Trim {
                start: u64::from(delay),
                len: None,
                reason: TrimReason::ContainerDelay,
            };
        }
        Presentation::Trim {
            start: STANDARD_AAC_PRIMING,
            len: None,
            reason: TrimReason::StandardAacPriming,
        }
    }

    /// How many frames the decoder must deliver when the container states `exact` audio frames:
    /// fewer means the data stops early.
    pub(crate) fn decoded_len_needed(&self, exact: u64) -> u64 {
        match self {
            // symphonia's length excludes the delay it reports, and the AAC decoder returns it.
            Presentation::Trim {
                start,
                reason: TrimReason::ContainerDelay,
                ..
            } => exact.saturating_add(*start),
            _ => exact,
        }
    }

    /// The presented length, known when the container states an `exact` length.
    pub(crate) fn presented_len(&self, exact: Option<u64>) -> Option<u64> {
        let decoded = self.decoded_len_needed(exact?);
        match self {
            Presentation::AsDecoded { .. } => Some(decoded),
            Presentation::EditList(edits) => mp4::edited_len(edits, decoded),
            Presentation::Trim { start, len, .. } => {
                let rest = decoded.saturating_sub(*start);
                Some(len.map_or(rest, |l| l.min(rest)))
            }
        }
    }

    /// Applies the presentation to decoded planar audio; returns the notes for the user.
    pub(crate) fn apply(&self, planes: &mut Vec<Vec<f32>>) -> Vec<String> {
        let total = planes.first().map_or(0, Vec::len) as u64;
        let mut notes = Vec::new();
        match self {
            Presentation::AsDecoded { note } => notes.extend(note.map(str::to_string)),
            Presentation::EditList(edits) => match mp4::apply(edits, planes) {
                Some(edited) => *planes = edited,
                None => notes.push(
                    "the MP4 edit list does not fit the audio, so it was ignored; the stem may \
                     be slightly offset"
                        .to_string(),
                ),
            },
            Presentation::Trim { start, len, reason } => {
                if *start >= total {
                    notes.push(format!(
                        "the stated encoder delay ({start} frames) is longer than the audio, so \
                         it was ignored; the stem may be offset"
                    ));
                    return notes;
                }
                // In place: no second copy of the stem.
                for p in planes.iter_mut() {
                    p.drain(..*start as usize);
                }
                if let Some(len) = *len {
                    if len <= total - start {
                        for p in planes.iter_mut() {
                            p.truncate(len as usize);
                        }
                    } else {
                        notes.push(format!(
                            "the gapless tag states {len} frames of audio but the file holds {}; \
                             all of them were kept",
                            total - start
                        ));
                    }
                }
                if *reason == TrimReason::StandardAacPriming {
                    notes.push(AAC_STANDARD_PRIMING.to_string());
                }
            }
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symphonia::core::codecs::audio::well_known::{CODEC_ID_ALAC, CODEC_ID_MP3};

    fn tag(priming: u64, length: u64) -> mp4::Timing {
        mp4::Timing {
            edits: None,
            itunes: Some(mp4::ItunesGapless {
                priming,
                padding: 0,
                length,
            }),
        }
    }

    #[test]
    fn the_edit_list_wins_then_the_tag_then_the_container_then_the_standard() {
        let edits = vec![Edit::Media {
            start: 1024,
            len: None,
            len_slack: 0,
        }];
        let both = mp4::Timing {
            edits: Some(edits.clone()),
            ..tag(2112, 100)
        };
        assert_eq!(
            Presentation::choose(CODEC_ID_AAC, both, Some(7), false),
            Presentation::EditList(edits)
        );
        let p = Presentation::choose(CODEC_ID_AAC, tag(2112, 100), Some(7), false);
        assert_eq!(
            p,
            Presentation::Trim {
                start: 2112,
                len: Some(100),
                reason: TrimReason::ItunesTag
            }
        );
        let p = Presentation::choose(CODEC_ID_AAC, mp4::Timing::default(), Some(7), false);
        assert_eq!(
            p,
            Presentation::Trim {
                start: 7,
                len: None,
                reason: TrimReason::ContainerDelay
            }
        );
        let p = Presentation::choose(CODEC_ID_AAC, mp4::Timing::default(), None, false);
        assert_eq!(
            p,
            Presentation::Trim {
                start: 1024,
                len: None,
                reason: TrimReason::StandardAacPriming
            }
        );
    }

    #[test]
    fn other_codecs_are_presented_as_decoded() {
        // An iTunes tag on ALAC says nothing to trim (ALAC has no priming).
        let p = Presentation::choose(CODEC_ID_ALAC, tag(2112, 100), None, false);
        assert_eq!(p, Presentation::AsDecoded { note: None });
        let p = Presentation::choose(CODEC_ID_MP3, mp4::Timing::default(), None, true);
        assert!(matches!(p, Presentation::AsDecoded { note: Some(n) } if n.contains("LAME")));
    }

    #[test]
    fn trimming_keeps_the_stated_audio_and_says_why() {
        let ramp: Vec<f32> = (0..5000).map(|i| i as f32).collect();
        let mut planes = vec![ramp.clone(), ramp.clone()];
        let p = Presentation::choose(CODEC_ID_AAC, tag(2112, 2000), None, false);
        assert!(p.apply(&mut planes).is_empty());
        assert_eq!(planes[1].len(), 2000);
        assert_eq!((planes[0][0], planes[1][1999]), (2112.0, 4111.0));
        assert_eq!(p.presented_len(Some(5000)), Some(2000));

        let mut planes = vec![ramp.clone()];
        let p = Presentation::choose(CODEC_ID_AAC, mp4::Timing::default(), None, false);
        let notes = p.apply(&mut planes);
        assert_eq!((planes[0].len(), planes[0][0]), (3976, 1024.0));
        assert!(notes[0].contains("1,024 priming frames"), "{notes:?}");
        assert_eq!(p.presented_len(Some(5000)), Some(3976));
        assert_eq!(p.presented_len(None), None);

        // A tag claiming more than there is keeps what there is and says so.
        let mut planes = vec![ramp.clone()];
        let p = Presentation::choose(CODEC_ID_AAC, tag(2112, 4000), None, false);
        let notes = p.apply(&mut planes);
        assert_eq!(planes[0].len(), 2888);
        assert!(notes[0].contains("states 4000 frames"), "{notes:?}");
        // A delay longer than the audio is ignored.
        let mut planes = vec![ramp];
        let p = Presentation::choose(CODEC_ID_AAC, tag(6000, 0), None, false);
        assert_eq!(p.apply(&mut planes).len(), 1);
        assert_eq!(planes[0].len(), 5000);
    }

    #[test]
    fn a_container_delay_is_not_part_of_its_exact_length() {
        let p = Presentation::choose(CODEC_ID_AAC, mp4::Timing::default(), Some(2112), false);
        assert_eq!(p.decoded_len_needed(10_000), 12_112);
        assert_eq!(p.presented_len(Some(10_000)), Some(10_000));
    }
}
