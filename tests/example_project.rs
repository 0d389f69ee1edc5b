//! The bundled example project: its stems are exactly what `support/demo_song.rs` synthesises,
//! and the project file opens with every stem present.
//!
//! To regenerate the stems after changing the generator:
//! `STEMMIX_WRITE_EXAMPLE=1 cargo test --test example_project`.

#[path = "support/demo_song.rs"]
mod demo_song;

use std::path::{Path, PathBuf};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects-examples/demo")
}

#[test]
fn example_stems_are_what_the_generator_makes() {
    let dir = example_dir().join("stems");
    let write = std::env::var_os("STEMMIX_WRITE_EXAMPLE").is_some();
    for stem in demo_song::stems() {
        let path = dir.join(stem.file);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            let spec = hound::WavSpec {
                channels: stem.channels.len() as u16,
                sample_rate: stem.rate,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut w = hound::WavWriter::create(&path, spec).unwrap();
            for i in 0..stem.channels[0].len() {
                for c in &stem.channels {
                    w.write_sample(demo_song::quantize(c[i])).unwrap();
                }
            }
            w.finalize().unwrap();
        }
        let mut r =
            hound::WavReader::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let spec = r.spec();
        assert_eq!(spec.sample_rate, stem.rate, "{}", stem.file);
        assert_eq!(spec.channels as usize, stem.channels.len(), "{}", stem.file);
        let samples: Vec<i16> = r.samples::<i16>().map(|s| s.unwrap()).collect();
        let expected: Vec<i16> = (0..stem.channels[0].len())
            .flat_map(|i| stem.channels.iter().map(move |c| demo_song::quantize(c[i])))
            .collect();
        assert!(
            samples == expected,
            "{} differs from the generator's output",
            stem.file
        );
        let peak = expected.iter().map(|s| s.unsigned_abs()).max().unwrap();
        eprintln!("{}: peak {peak}", stem.file);
        assert!(
            peak > 3000 && peak < 32767,
            "{}: peak {peak} (silent or clipping)",
            stem.file
        );
    }
}

#[test]
fn example_project_opens_with_every_stem_present_and_stays_small() {
    let project = stemmix::project::load(&example_dir().join("demo.stemmix")).unwrap();
    assert_eq!(project.tracks.len(), 4);
    for t in &project.tracks {
        assert!(t.source.is_file(), "{} missing", t.source.display());
    }
    let bytes: u64 = std::fs::read_dir(example_dir().join("stems"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(bytes <= 8 * 1024 * 1024, "example stems take {bytes} bytes");
}
