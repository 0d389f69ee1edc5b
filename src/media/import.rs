//! Importing several stems at once, one file per worker of rayon's pool, with progress
//! reports.

use super::MediaError;
use super::stem::{StemAudio, StemLoad, load_stem_with};
use rayon::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

/// A progress report from [`import_stems`]; sent from the worker threads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImportProgress {
    /// Files finished (successfully or not).
    pub files_done: usize,
    /// Files in the import.
    pub files_total: usize,
    /// Index (into the input) of the file this report is about.
    pub file: usize,
    /// How far that file is, 0…1.
    pub file_fraction: f32,
    /// How far the whole import is, 0…1.
    pub overall: f32,
}

/// Per-file progress is reported in steps of this size, not per packet.
const STEP: f32 = 0.02;

/// Decodes, resamples and analyses `paths` in parallel on rayon's global pool (one worker per
/// core). Results come back in input order; a file that fails (or even crashes its decoder)
/// never stops the others.
pub fn import_stems(
    paths: &[PathBuf],
    project_rate: u32,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Vec<Result<StemAudio, MediaError>> {
    import_stems_with(paths, project_rate, &StemLoad::in_memory(), progress)
}

/// [`import_stems`] loading each file as `how` says (through the stem cache, mapped...).
pub fn import_stems_with(
    paths: &[PathBuf],
    project_rate: u32,
    how: &StemLoad,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Vec<Result<StemAudio, MediaError>> {
    let results: Vec<Mutex<Option<Result<StemAudio, MediaError>>>> =
        paths.iter().map(|_| Mutex::new(None)).collect();
    import_stems_each(paths, project_rate, how, progress, &|i, r| {
        if let Ok(mut slot) = results[i].lock() {
            *slot = Some(r);
        }
    });
    results
        .into_iter()
        .zip(paths)
        .map(|(slot, path)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(MediaError::corrupt(path, "the decoder failed on this file"))
            })
        })
        .collect()
}

/// Like [`import_stems_with`], but hands each file's result to `done` (with its index in
/// `paths`) as soon as that file is finished, so a window can show every stem the moment it is
/// ready. Returns when every file is done.
pub fn import_stems_each(
    paths: &[PathBuf],
    project_rate: u32,
    how: &StemLoad,
    progress: &(dyn Fn(ImportProgress) + Sync),
    done: &(dyn Fn(usize, Result<StemAudio, MediaError>) + Sync),
) {
    let total = paths.len();
    let files_done = AtomicUsize::new(0);
    // Each file's fraction as f32 bits, so the overall figure can be summed lock-free.
    let fractions: Vec<AtomicU32> = (0..total).map(|_| AtomicU32::new(0)).collect();

    let report = |file: usize, fraction: f32, files_done: usize| {
        fractions[file].store(fraction.to_bits(), Ordering::Relaxed);
        let sum: f32 = fractions
            .iter()
            .map(|f| f32::from_bits(f.load(Ordering::Relaxed)))
            .sum();
        progress(ImportProgress {
            files_done,
            files_total: total,
            file,
            file_fraction: fraction,
            overall: (sum / total as f32).min(1.0),
        });
    };

    paths
        .par_iter()
        .enumerate()
        // One file per task: files are few and each takes long, so no batching.
        .with_max_len(1)
        .for_each(|(i, path)| {
            let mut last = 0.0f32;
            let mut on_progress = |f: f32| {
                if f >= last + STEP && f < 1.0 {
                    last = f;
                    report(i, f, files_done.load(Ordering::Relaxed));
                }
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                load_stem_with(path, project_rate, how, &mut on_progress)
            }))
            .unwrap_or_else(|_| Err(MediaError::corrupt(path, "the decoder failed on this file")));
            let n = files_done.fetch_add(1, Ordering::Relaxed) + 1;
            report(i, 1.0, n);
            done(i, result);
        });
}
