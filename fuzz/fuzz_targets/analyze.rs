//! `stemmix analyze` on arbitrary bytes: the decoder, then the loudness analysis of whatever it
//! decodes (the two calls `cli::analyze::analyze_file` makes). Never a panic, never NaN.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stemmix_fuzz::{check_decoded, check_loudness, split_name};

fuzz_target!(init: stemmix_fuzz::init(), |data: &[u8]| {
    let (name, bytes) = split_name(data);
    let result = stemmix::media::decode_bytes(bytes, &name);
    check_decoded(&name, &result);
    if let Ok(audio) = result {
        check_loudness(&audio);
    }
});
