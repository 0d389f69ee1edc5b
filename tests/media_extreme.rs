//! Extreme stems (issue 15, item 7, the media half): a 1-sample stem, 8 kHz and 192 kHz stems in
//! one project, a very long stem, 5.1 and 8-channel files. None panics, and memory stays near
//! the decoded size: the decoder makes no second copy of a stem.
//!
//! The long stem is 2 minutes here; with `STEMMIX_LONG_TESTS=1` it is 3 hours (a 2 GB WAV in a
//! temporary folder: needs 2 GB of disk, 4.2 GB of memory and minutes of time).
//!
//! A counting global allocator (`support/counting_alloc.rs`) records the live and peak heap
//! bytes; it is its own test binary so nothing else runs alongside, and its tests take turns.

mod common;
#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use common::{fixture, rms_diff, sine};
use counting_alloc::{Counting, exclusive, measure};
use std::io::Write;
use std::path::Path;
use stemmix::media::{MediaError, decode_file, load_stem, probe_info, resampled_len};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The process's peak resident memory since the last [`reset_peak_rss`], in bytes (Linux).
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets the kernel's peak-RSS mark to the current RSS (Linux ≥ 4.0).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The period of [`pattern`] in frames: a prime, so no block or packet size is a multiple of it.
const PERIOD: usize = 65_537;

/// A sample value that differs from frame to frame and channel to channel (a hash), repeating
/// every [`PERIOD`] frames, so a lost, doubled or misplaced packet shows.
fn pattern(c: usize, i: usize) -> i16 {
    let h = ((i % PERIOD) as u32 ^ ((c as u32) << 31)).wrapping_mul(0x9E37_79B1);
    (h >> 16) as i16
}

/// Writes a 16-bit WAV of `channels` × `frames` frames at `rate`, sample `(c, i)` being
/// [`pattern`]`(c, i)`: streamed to disk, never whole in memory.
fn write_pattern_wav(path: &Path, rate: u32, channels: u16, frames: usize) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    // hound writes the samples of one period; the rest are copies of those bytes, far faster
    // than one call per sample in this unoptimised test crate.
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..PERIOD.min(frames) {
        for c in 0..channels as usize {
            w.write_sample(pattern(c, i)).unwrap();
        }
    }
    w.finalize().unwrap();
    let bytes = std::fs::read(path).unwrap();
    let header = bytes.len() - PERIOD.min(frames) * 2 * channels as usize;
    let period = &bytes[header..];
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    let mut written = PERIOD.min(frames);
    while written < frames {
        let n = (frames - written).min(PERIOD);
        file.write_all(&period[..n * 2 * channels as usize])
            .unwrap();
        written += n;
    }
    drop(file);
    // The RIFF and data sizes, for all the frames (hound's header is 44 bytes: RIFF, fmt, data).
    assert_eq!(header, 44);
    let data = u32::try_from(frames * 2 * channels as usize).unwrap();
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    use std::io::{Seek, SeekFrom};
    f.seek(SeekFrom::Start(4)).unwrap();
    f.write_all(&(36 + data).to_le_bytes()).unwrap();
    f.seek(SeekFrom::Start(40)).unwrap();
    f.write_all(&data.to_le_bytes()).unwrap();
}

/// Decodes a stem of `minutes` at 48 kHz, checks every 997th frame and measures memory.
fn long_stem(minutes: usize) {
    let rate = 48_000;
    let frames = minutes * 60 * rate as usize;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.wav");
    let started = std::time::Instant::now();
    write_pattern_wav(&path, rate, 2, frames);
    eprintln!("written in {:.1} s", started.elapsed().as_secs_f64());
    let decoded_bytes = frames * 2 * 4;
    let started = std::time::Instant::now();

    reset_peak_rss();
    let rss_before = peak_rss();
    let (stem, usage) = measure(|| load_stem(&path, rate).unwrap());
    let heap_peak = usage.peak;
    let rss_peak = peak_rss();
    eprintln!("loaded in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!((stem.frames, stem.channels.len()), (frames, 2));
    for i in (0..frames).step_by(997).chain([frames - 1]) {
        for c in 0..2 {
            let want = f32::from(pattern(c, i)) / 32_768.0;
            assert_eq!(stem.channels[c][i], want, "channel {c}, frame {i}");
        }
    }
    let mb = |b: usize| b as f64 / (1 << 20) as f64;
    eprintln!(
        "{minutes} min stereo at 48 kHz: decoded {:.0} MB; heap peak {:.0} MB ({:.3}× the \
         decoded size); RSS peak {}",
        mb(decoded_bytes),
        mb(heap_peak),
        heap_peak as f64 / decoded_bytes as f64,
        match (rss_before, rss_peak) {
            (Some(a), Some(b)) => format!("{:.0} MB above the start of the load", mb(b - a)),
            _ => "not available".to_string(),
        }
    );
    // One copy of the audio, its waveform overview (1/12 of a channel) and small change: no
    // second copy, no doubling of a growing buffer.
    assert!(
        heap_peak < decoded_bytes + decoded_bytes / 8 + (8 << 20),
        "heap peak {heap_peak} bytes for {decoded_bytes} bytes of audio"
    );
}

#[test]
fn a_long_stem_is_decoded_in_one_copy() {
    let _turn = exclusive();
    let long = std::env::var("STEMMIX_LONG_TESTS").is_ok_and(|v| v == "1");
    if !long {
        eprintln!("the 3-hour variant runs with STEMMIX_LONG_TESTS=1");
    }
    long_stem(if long { 180 } else { 2 });
}

#[test]
fn resampling_converts_one_channel_at_a_time() {
    let _turn = exclusive();
    // 10 s of stereo at 44.1 kHz into a 48 kHz project: the decoded stem, then one converted
    // channel at a time (each decoded channel is freed once converted).
    let frames = 10 * 44_100;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guitar.wav");
    write_pattern_wav(&path, 44_100, 2, frames);
    let (stem, usage) = measure(|| load_stem(&path, 48_000).unwrap());
    let heap_peak = usage.peak;
    let out_frames = resampled_len(frames, 44_100, 48_000);
    assert_eq!(stem.frames, out_frames);
    let decoded = frames * 2 * 4;
    let converted_channel = out_frames * 4;
    eprintln!(
        "10 s at 44.1 kHz: decoded {} kB, heap peak {} kB",
        decoded >> 10,
        heap_peak >> 10
    );
    // Converting both channels at once would peak at decoded + 2 converted channels.
    assert!(
        heap_peak < decoded + converted_channel + converted_channel / 2,
        "heap peak {heap_peak} bytes: decoded {decoded}, one converted channel {converted_channel}"
    );
}

/// Writes `channels` (planar) as 32-bit float at `rate`.
fn write_float(path: &Path, rate: u32, channels: &[Vec<f32>]) {
    common::write_f32_wav(path, rate, channels);
}

#[test]
fn a_one_sample_stem_imports_at_any_rate() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("click.wav");
    write_float(&path, 48_000, &[vec![0.5], vec![-0.25]]);
    let decoded = decode_file(&path).unwrap();
    assert_eq!(decoded.channels, vec![vec![0.5], vec![-0.25]]);
    let same = load_stem(&path, 48_000).unwrap();
    assert_eq!(same.frames, 1);
    assert_eq!(same.channels, decoded.channels);
    for project_rate in [8_000, 44_100, 96_000, 192_000] {
        let stem = load_stem(&path, project_rate).unwrap();
        let want = resampled_len(1, 48_000, project_rate);
        assert_eq!(stem.frames, want, "{project_rate} Hz");
        assert!(stem.channels.iter().all(|c| c.len() == want));
        assert!(
            stem.channels
                .iter()
                .all(|c| c.iter().all(|s| s.is_finite()))
        );
    }
}

#[test]
fn eight_and_192_khz_stems_meet_in_one_project() {
    let _turn = exclusive();
    // The same 1 kHz tone, 0.5 s, at the lowest and a very high rate; both imported into a
    // 48 kHz project must be the same 24,000 frames of the same tone, in time with each other.
    let dir = tempfile::tempdir().unwrap();
    let (low, high) = (dir.path().join("low.wav"), dir.path().join("high.wav"));
    write_float(&low, 8_000, &[sine(1000.0, 8_000, 4_000, 0.5)]);
    write_float(&high, 192_000, &[sine(1000.0, 192_000, 96_000, 0.5)]);
    let want = sine(1000.0, 48_000, 24_000, 0.5);
    for path in [&low, &high] {
        let stem = load_stem(path, 48_000).unwrap();
        assert_eq!((stem.frames, stem.sample_rate), (24_000, 48_000));
        // Away from the edges, where the filters start and stop.
        let diff = rms_diff(&stem.channels[0][2_400..21_600], &want[2_400..21_600]);
        assert!(
            common::db(diff) < -60.0,
            "{}: {} dB",
            path.display(),
            common::db(diff)
        );
    }
}

#[test]
fn five_one_and_eight_channel_files_are_refused_clearly() {
    let _turn = exclusive();
    // stemmix mixes mono and stereo stems; a file with more channels is refused, not downmixed
    // (README, "Supported audio", says why).
    let dir = tempfile::tempdir().unwrap();
    let eight = dir.path().join("octo.wav");
    let channels: Vec<Vec<f32>> = (0..8).map(|c| vec![c as f32 / 10.0; 4_800]).collect();
    write_float(&eight, 48_000, &channels);
    for (path, n) in [
        (fixture("six_channels.wav"), 6),
        (fixture("six_channels.flac"), 6),
        (eight, 8),
    ] {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for err in [
            decode_file(&path).unwrap_err(),
            load_stem(&path, 48_000).unwrap_err(),
        ] {
            assert!(
                matches!(err, MediaError::TooManyChannels { channels, .. } if channels == n),
                "{name}: {err:?}"
            );
            assert_eq!(
                err.to_string(),
                format!("{name}: {n} channels; stemmix takes mono or stereo stems")
            );
        }
        // The cheap probe reports what is there, so a folder scan can say so before decoding.
        assert_eq!(probe_info(&path).unwrap().channels, n, "{name}");
    }
}
