//! Arbitrary bytes through the media decoder: audio or a clean `MediaError` naming the file,
//! never a panic, a hang or an allocation a header merely claims (`fuzz/run.sh` sets the
//! memory and time limits that make those findings).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stemmix_fuzz::{check_decoded, split_name};

fuzz_target!(init: stemmix_fuzz::init(), |data: &[u8]| {
    let (name, bytes) = split_name(data);
    let result = stemmix::media::decode_bytes(bytes, &name);
    check_decoded(&name, &result);
});
