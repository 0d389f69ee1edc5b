//! Decode throughput: `cargo bench --bench decode`.
//!
//! Decodes the shared test files (../shared/testdata) several times each and prints input MB/s
//! and the speed as a multiple of real time; without the test data it decodes a generated
//! 3-minute 48 kHz 24-bit stereo WAV instead. Also times resampling 44.1 → 48 kHz. Compare with
//! `time ffmpeg -i FILE -f f32le -y /dev/null` on the same files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stemmix::media::{decode_file, resample};

const RUNS: usize = 10;

fn main() {
    let testdata = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/testdata"));
    let mut files: Vec<PathBuf> = [
        "stems/drums.wav",
        "stems/guitar.wav",
        "stems/vocal.flac",
        "reference/reference.flac",
        "reference/reference.mp3",
    ]
    .iter()
    .map(|f| testdata.join(f))
    .filter(|p| p.is_file())
    .collect();
    let _generated = if files.is_empty() {
        eprintln!(
            "{} is absent: decoding a generated 3-minute WAV instead",
            testdata.display()
        );
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("generated-3min-48k-24bit.wav");
        write_test_wav(&path, 180);
        files.push(path);
        Some(dir)
    } else {
        None
    };

    println!(
        "{:<28} {:>9} {:>9} {:>10} {:>10}",
        "file", "MB", "ms/run", "MB/s", "× realtime"
    );
    for path in &files {
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64;
        let first = decode_file(path).unwrap_or_else(|e| panic!("{e}"));
        let seconds = first.frames() as f64 / f64::from(first.sample_rate);
        let best = best_of(RUNS, || {
            std::hint::black_box(decode_file(path).expect("decodes"));
        });
        let t = best.as_secs_f64();
        println!(
            "{:<28} {:>9.2} {:>9.1} {:>10.0} {:>10.0}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            bytes / 1e6,
            t * 1e3,
            bytes / 1e6 / t,
            seconds / t
        );
    }

    // Resampling a 44.1 kHz stem to a 48 kHz project (the other half of importing it).
    let source = files
        .iter()
        .find_map(|p| decode_file(p).ok().filter(|d| d.sample_rate == 44_100))
        .unwrap_or_else(|| {
            let n = 44_100 * 15;
            let ch: Vec<f32> = (0..n).map(|i| (i as f32 * 0.01).sin() * 0.5).collect();
            stemmix::media::DecodedAudio {
                channels: vec![ch.clone(), ch],
                sample_rate: 44_100,
                warnings: vec![],
            }
        });
    let seconds = source.frames() as f64 / 44_100.0;
    let best = best_of(RUNS, || {
        std::hint::black_box(resample(&source.channels, 44_100, 48_000).expect("resamples"));
    });
    println!(
        "resample 44.1→48 kHz, {} ch, {seconds:.1} s: {:.1} ms/run, {:.0} × realtime",
        source.channels.len(),
        best.as_secs_f64() * 1e3,
        seconds / best.as_secs_f64()
    );
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn write_test_wav(path: &Path, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create test WAV");
    let mut x = 1u32;
    for _ in 0..48_000 * seconds * 2 {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        w.write_sample((x >> 9) as i32 - (1 << 22))
            .expect("write test WAV");
    }
    w.finalize().expect("finish test WAV");
}
