//! The decoded-stem cache (issue 16): a cached stem reads exactly as the decoded one, a warm
//! open decodes nothing, a changed source misses, and every problem with the cache — a folder
//! that cannot be written, a damaged or short file — falls back to decoding, never to garbage.

mod common;
use common::noise;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use stemmix::media::{StemAudio, StemCache, StemLoad, load_stem, load_stem_with};

/// A stereo float WAV of `frames` at `rate` in `dir`.
fn write_stem(dir: &Path, name: &str, rate: u32, frames: usize, seed: u64) -> PathBuf {
    let path = dir.join(name);
    common::write_f32_wav(
        &path,
        rate,
        &[noise(seed, frames, 0.5), noise(seed + 1, frames, 0.5)],
    );
    path
}

fn cache_in(dir: &Path) -> StemCache {
    StemCache::new(dir.join("cache"), u64::MAX)
}

fn load(path: &Path, rate: u32, cache: &StemCache, mapped: bool) -> StemAudio {
    let how = StemLoad {
        cache: Some(cache.clone()),
        mapped,
        overview: true,
    };
    load_stem_with(path, rate, &how, &mut |_| {}).unwrap()
}

/// The `.stem` files in the cache folder.
fn cache_files(cache: &StemCache) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache.dir())
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "stem"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn cached_stems_read_exactly_as_decoded_ones_cold_and_warm() {
    let dir = tempfile::tempdir().unwrap();
    // Same rate (copied through) and another rate (resampled), a mono stem too.
    let same = write_stem(dir.path(), "same.wav", 48_000, 30_001, 1);
    let other = write_stem(dir.path(), "other.wav", 44_100, 20_000, 3);
    let mono = dir.path().join("mono.wav");
    common::write_f32_wav(&mono, 48_000, &[noise(9, 5_000, 0.3)]);
    let cache = cache_in(dir.path());
    for path in [&same, &other, &mono] {
        let decoded = load_stem(path, 48_000).unwrap();
        let cold = load(path, 48_000, &cache, true);
        let warm = load(path, 48_000, &cache, true);
        let warm_in_memory = load(path, 48_000, &cache, false);
        assert!(cold.is_mapped() && warm.is_mapped(), "{}", path.display());
        assert!(!warm_in_memory.is_mapped());
        assert!(!decoded.is_mapped());
        for stem in [&cold, &warm, &warm_in_memory] {
            assert_eq!(stem, &decoded, "{}", path.display());
        }
    }
    assert_eq!(cache_files(&cache).len(), 3);
    // Another project rate is another entry.
    let at_96k = load(&same, 96_000, &cache, true);
    assert_eq!(at_96k, load_stem(&same, 96_000).unwrap());
    assert_eq!(cache_files(&cache).len(), 4);
}

#[test]
fn a_warm_open_decodes_nothing_and_a_changed_source_misses() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_stem(dir.path(), "a.wav", 48_000, 10_000, 5);
    let cache = cache_in(dir.path());
    let first = load(&path, 48_000, &cache, true);
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();

    // Other audio of the same size with the old modification time: the key still matches, so
    // what comes back is the cache's (nothing was decoded).
    let other = [noise(50, 10_000, 0.5), noise(51, 10_000, 0.5)];
    common::write_f32_wav(&path, 48_000, &other);
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    assert_eq!(load(&path, 48_000, &cache, true), first);

    // A new modification time: a miss, decoded afresh.
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(mtime + Duration::from_secs(10)).unwrap();
    drop(f);
    let fresh = load(&path, 48_000, &cache, true);
    assert_eq!(fresh.channels[0], other[0]);
    assert_eq!(fresh, load_stem(&path, 48_000).unwrap());
}

#[test]
fn an_unwritable_cache_folder_falls_back_to_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_stem(dir.path(), "a.wav", 48_000, 8_000, 7);
    // The cache "folder" is a file: nothing can be created in it.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let cache = StemCache::new(blocker.join("stems"), u64::MAX);
    let stem = load(&path, 48_000, &cache, true);
    assert!(!stem.is_mapped(), "no cache file, so the decoded samples");
    assert_eq!(stem, load_stem(&path, 48_000).unwrap());
    // A streaming load without the overview still falls back, overview left out.
    let how = StemLoad::streaming(Some(cache));
    let lean = load_stem_with(&path, 48_000, &how, &mut |_| {}).unwrap();
    assert_eq!(lean.channels, stem.channels);
    assert_eq!(lean.overview.frames(), 0);
}

#[test]
fn damaged_or_short_cache_files_are_decoded_again_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_stem(dir.path(), "a.wav", 48_000, 20_000, 11);
    let decoded = load_stem(&path, 48_000).unwrap();
    let cache = cache_in(dir.path());
    load(&path, 48_000, &cache, true);
    let [file] = cache_files(&cache).try_into().unwrap();
    let good = std::fs::read(&file).unwrap();

    let mut damages: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("header only", good[..100].to_vec()),
        ("cut in the samples", good[..good.len() / 2].to_vec()),
        ("cut in the overview", good[..good.len() - 5].to_vec()),
    ];
    let mut flipped = good.clone();
    flipped[20] ^= 0x40; // the frame count
    damages.push(("frame count changed", flipped));
    let mut flipped = good.clone();
    flipped[0] = b'X';
    damages.push(("magic", flipped));
    let mut flipped = good.clone();
    flipped[80] ^= 1; // inside the source path
    damages.push(("path", flipped));
    let mut flipped = good.clone();
    let last = flipped.len() - 20;
    flipped[last] ^= 1; // an overview bin
    damages.push(("overview", flipped));
    for (what, bytes) in damages {
        std::fs::write(&file, &bytes).unwrap();
        let stem = load(&path, 48_000, &cache, true);
        assert_eq!(stem, decoded, "{what}");
        // The damaged file was replaced by a good one.
        assert_eq!(std::fs::read(&file).unwrap(), good, "{what}");
    }
}

#[test]
fn the_least_recently_used_files_are_evicted_over_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..3)
        .map(|i| write_stem(dir.path(), &format!("s{i}.wav"), 48_000, 48_000, i))
        .collect();
    // Each entry is about 400 kB (two channels of 192 kB, header, overview): the limit holds
    // two.
    let cache = StemCache::new(dir.path().join("cache"), 900_000);
    load(&paths[0], 48_000, &cache, true);
    let [f0] = cache_files(&cache).try_into().unwrap();
    load(&paths[1], 48_000, &cache, true);
    let f1 = cache_files(&cache).into_iter().find(|f| f != &f0).unwrap();
    // Use 0 again (a hit), after making 1 look newer and 0 older than the hit.
    let age = |f: &Path, t: SystemTime| {
        let h = std::fs::File::options().write(true).open(f).unwrap();
        h.set_modified(t).unwrap();
    };
    let now = SystemTime::now();
    age(&f0, now - Duration::from_secs(100));
    age(&f1, now - Duration::from_secs(50));
    load(&paths[0], 48_000, &cache, true);
    // A third entry pushes the folder over the limit: 1, least recently used, goes.
    let third = load(&paths[2], 48_000, &cache, true);
    let files = cache_files(&cache);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&f0) && !files.contains(&f1));
    assert_eq!(third, load_stem(&paths[2], 48_000).unwrap());
}

#[test]
fn decode_errors_stay_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(dir.path());
    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "not audio").unwrap();
    let how = StemLoad::streaming(Some(cache.clone()));
    let err = load_stem_with(&text, 48_000, &how, &mut |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "notes.wav: not an audio file");
    let gone = dir.path().join("gone.wav");
    let err = load_stem_with(&gone, 48_000, &how, &mut |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "gone.wav: file not found");
    assert!(cache_files(&cache).is_empty());
}
