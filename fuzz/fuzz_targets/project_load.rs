//! Arbitrary text through the project loader (what `project::load` does after reading the file:
//! parse, migrate older schemas, resolve the paths). Never a panic; and a project that loads
//! saves to text that loads again to the same text, so saving cannot lose it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stemmix_fuzz::check_project_text;

fuzz_target!(init: stemmix_fuzz::init(), |data: &[u8]| {
    // `load` reads the file as UTF-8 text; anything else is an I/O error before parsing.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = check_project_text(text);
    }
});
