//! The properties the fuzz targets check on every input, shared with the regression tests:
//! `fuzz/src/lib.rs` and `tests/fuzz_regressions.rs` both include this file, so a finding
//! replayed in `cargo test` is held to exactly what the fuzzer held it to.

#![allow(dead_code)] // each includer uses a different subset

use std::path::Path;
use stemmix::dsp::loudness;
use stemmix::media::{DecodedAudio, MediaError};
use stemmix::project::Project;
use stemmix::project::file::{ParseError, absolute_from, from_ron_str, to_ron_string};
use stemmix::project::validate::validate;

/// What `decode_bytes` and `decode_file` promise for a file called `name`: audio the engine can
/// play as it is, or an error that names the file.
pub fn check_decoded(name: &Path, result: &Result<DecodedAudio, MediaError>) {
    match result {
        Ok(audio) => {
            let n = audio.channels.len();
            assert!((1..=2).contains(&n), "{n} channels");
            let frames = audio.frames();
            assert!(
                frames > 0,
                "audio without frames should be MediaError::Empty"
            );
            assert!(
                audio.channels.iter().all(|c| c.len() == frames),
                "channels of different lengths"
            );
            assert!(
                stemmix::media::SAMPLE_RATES.contains(&audio.sample_rate),
                "a sample rate of {} Hz",
                audio.sample_rate
            );
            assert!(
                audio.channels.iter().flatten().all(|s| s.is_finite()),
                "a sample that is NaN or infinite"
            );
        }
        Err(e) => {
            assert_eq!(e.path(), name, "{e}");
            let file = name.file_name().unwrap_or_default().to_string_lossy();
            assert!(e.to_string().starts_with(&format!("{file}: ")), "{e}");
        }
    }
}

/// The loudness analysis `stemmix analyze` runs on decoded audio: an error (a rate or channel
/// count the meter cannot take) or measurements none of which is NaN.
pub fn check_loudness(audio: &DecodedAudio) {
    let channels: Vec<&[f32]> = audio.channels.iter().map(Vec::as_slice).collect();
    if let Ok(r) = loudness::analyze(&channels, audio.sample_rate) {
        for (what, v) in [
            ("integrated", r.integrated_lufs),
            ("range", r.lra_lu),
            ("sample peak", r.sample_peak_dbfs),
            ("true peak", r.true_peak_dbtp),
        ] {
            assert!(!v.is_nan(), "{what} is NaN");
        }
    }
}

/// The folder a checked project "lives" in.
const BASE: &str = "/fuzz/songs";

/// What `project::load` does after reading the file as UTF-8: parse, migrate, validate, resolve
/// paths. Whatever loads has every value inside its range: validating it again corrects nothing.
pub fn load_text(text: &str) -> Result<Project, ParseError> {
    let mut project = from_ron_str(text)?;
    let again = validate(&mut project.clone(), "");
    assert!(
        again.is_empty(),
        "a loaded project has values out of range: {again:?}"
    );
    let base = Path::new(BASE);
    for t in &mut project.tracks {
        t.source = absolute_from(&t.source, base);
    }
    for r in &mut project.references {
        r.path = absolute_from(&r.path, base);
    }
    Ok(project)
}

/// Loads `text` as a project; when it loads, saving it gives text that loads again to the same
/// text (so a save can never make a project unreadable or change it).
pub fn check_project_text(text: &str) -> Result<Project, ParseError> {
    let project = load_text(text)?;
    let saved = to_ron_string(&project, Path::new(BASE));
    let reloaded = match load_text(&saved) {
        Ok(p) => p,
        Err(e) => panic!("a loaded project saved to text that does not load: {e}\n{saved}"),
    };
    assert_eq!(
        to_ron_string(&reloaded, Path::new(BASE)),
        saved,
        "saving and loading changed the project"
    );
    Ok(project)
}
