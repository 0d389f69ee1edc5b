//! Codec names for the user: well-known codecs by their usual name, PCM with its bit depth.

use symphonia::core::codecs::audio::well_known::*;
use symphonia::core::codecs::audio::{AudioCodecId, AudioCodecParameters};

/// A short name for the user: well-known codecs by their usual name, PCM with its bit depth.
pub(crate) fn codec_name(params: &AudioCodecParameters) -> String {
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

/// Whether `id` is uncompressed PCM (every frame takes at least one byte of the file).
pub(crate) fn is_pcm(id: AudioCodecId) -> bool {
    (CODEC_ID_PCM_S32LE..=CODEC_ID_PCM_F64BE_PLANAR).contains(&id)
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
    if !is_pcm(id) {
        return None;
    }
    let kind = if float.contains(&id) { " float" } else { "" };
    Some(match bits {
        Some(b) => format!("PCM {b}-bit{kind}"),
        None => format!("PCM{kind}"),
    })
}
