//! The bounce writer: stereo WAV in 16- or 24-bit integer (TPDF-dithered) or 32-bit float,
//! written to a temporary file and renamed into place only when complete. Samples beyond full
//! scale are clipped in the integer formats, and counted (with the first one's frame) so that
//! a bounce can say so.

use super::MediaError;
use crate::atomic_file::AtomicFile;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Sample format of a bounce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WavFormat {
    /// 16-bit integer PCM with TPDF dither.
    Int16,
    /// 24-bit integer PCM with TPDF dither.
    Int24,
    /// 32-bit IEEE float, written as is (no dither, no clipping).
    Float32,
}

impl WavFormat {
    fn spec(self, sample_rate: u32) -> hound::WavSpec {
        let (bits_per_sample, sample_format) = match self {
            WavFormat::Int16 => (16, hound::SampleFormat::Int),
            WavFormat::Int24 => (24, hound::SampleFormat::Int),
            WavFormat::Float32 => (32, hound::SampleFormat::Float),
        };
        hound::WavSpec {
            channels: 2,
            sample_rate,
            bits_per_sample,
            sample_format,
        }
    }

    /// Full scale in integer steps (2^(bits−1)); `None` for float.
    fn full_scale(self) -> Option<f32> {
        match self {
            WavFormat::Int16 => Some(32_768.0),
            WavFormat::Int24 => Some(8_388_608.0),
            WavFormat::Float32 => None,
        }
    }
}

/// What a finished bounce contains.
#[derive(Clone, Debug, PartialEq)]
pub struct WavSummary {
    /// The file written.
    pub path: PathBuf,
    /// Frames written.
    pub frames: u64,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Sample format.
    pub format: WavFormat,
    /// Largest absolute input sample (linear; 1.0 = 0 dBFS), before dither and clipping.
    pub peak: f32,
    /// Samples that had to be clipped to the integer range (always 0 for float).
    pub clipped_samples: u64,
    /// Frame of the first clipped sample, if any.
    pub first_clip_frame: Option<u64>,
}

impl WavSummary {
    /// Time of the first clipped sample in seconds, if any.
    pub fn first_clip_s(&self) -> Option<f64> {
        self.first_clip_frame
            .map(|f| f as f64 / f64::from(self.sample_rate.max(1)))
    }
}

/// Writes a stereo WAV atomically: nothing appears at `path` unless [`WavWriter::finish`]
/// succeeds, and dropping the writer early removes the temporary file.
pub struct WavWriter {
    // Declared first so it is dropped (and its handle closed) before the temporary file is removed.
    writer: hound::WavWriter<BufWriter<File>>,
    file: AtomicFile,
    path: PathBuf,
    format: WavFormat,
    sample_rate: u32,
    dither: Tpdf,
    frames: u64,
    peak: f32,
    clipped: u64,
    first_clip: Option<u64>,
}

/// A WAV file written completely (header included) under its temporary name: [`commit`]
/// renames it into place; dropping it removes it. A bounce of several files (the mix and its
/// stems) finishes every file before it commits any.
///
/// [`commit`]: FinishedWav::commit
pub struct FinishedWav {
    file: AtomicFile,
    summary: WavSummary,
}

impl FinishedWav {
    /// What the file holds.
    pub fn summary(&self) -> &WavSummary {
        &self.summary
    }

    /// The temporary file it is in until committed.
    pub fn temp_path(&self) -> &Path {
        self.file.temp_path()
    }

    /// Flushes the file to disk and renames it over its target.
    pub fn commit(self) -> Result<WavSummary, MediaError> {
        let FinishedWav { file, summary } = self;
        file.commit(false)
            .map_err(|e| MediaError::io(&summary.path, e))?;
        Ok(summary)
    }
}

impl WavWriter {
    /// Starts a bounce to `path`. `dither_seed` makes the dither (and so the file) reproducible.
    pub fn create(
        path: &Path,
        sample_rate: u32,
        format: WavFormat,
        dither_seed: u64,
    ) -> Result<WavWriter, MediaError> {
        let io_err = |e| MediaError::io(path, e);
        let mut file = AtomicFile::create(path).map_err(io_err)?;
        // hound needs to own its writer; a second handle on the same temporary file lets the
        // AtomicFile keep the original for the final fsync and rename.
        let handle = file.file().try_clone().map_err(io_err)?;
        let writer = hound::WavWriter::new(
            BufWriter::with_capacity(1 << 16, handle),
            format.spec(sample_rate),
        )
        .map_err(|e| hound_error(path, e))?;
        Ok(WavWriter {
            writer,
            file,
            path: path.to_path_buf(),
            format,
            sample_rate,
            dither: Tpdf::new(dither_seed),
            frames: 0,
            peak: 0.0,
            clipped: 0,
            first_clip: None,
        })
    }

    /// The file this writer will produce.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends frames; `left` and `right` must have the same length. NaN is written as silence.
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> Result<(), MediaError> {
        if left.len() != right.len() {
            let msg = format!("left has {} frames, right {}", left.len(), right.len());
            return Err(MediaError::io(
                &self.path,
                io::Error::new(io::ErrorKind::InvalidInput, msg),
            ));
        }
        for (i, (&l, &r)) in left.iter().zip(right).enumerate() {
            for x in [l, r] {
                let x = if x.is_nan() { 0.0 } else { x };
                self.peak = self.peak.max(x.abs());
                let res = match self.format.full_scale() {
                    None => self.writer.write_sample(x),
                    Some(scale) => {
                        let (q, clipped) = quantize(x, scale, self.dither.next());
                        if clipped {
                            self.clipped += 1;
                            self.first_clip.get_or_insert(self.frames + i as u64);
                        }
                        if self.format == WavFormat::Int16 {
                            self.writer.write_sample(q as i16)
                        } else {
                            self.writer.write_sample(q)
                        }
                    }
                };
                res.map_err(|e| hound_error(&self.path, e))?;
            }
        }
        self.frames += left.len() as u64;
        Ok(())
    }

    /// Completes the header, flushes, fsyncs and renames the file into place.
    pub fn finish(self) -> Result<WavSummary, MediaError> {
        self.finalize()?.commit()
    }

    /// Completes the header and flushes the data into the temporary file, without renaming it
    /// into place yet (see [`FinishedWav`]).
    pub fn finalize(self) -> Result<FinishedWav, MediaError> {
        let WavWriter {
            writer,
            file,
            path,
            format,
            sample_rate,
            frames,
            peak,
            clipped,
            first_clip,
            ..
        } = self;
        writer.finalize().map_err(|e| hound_error(&path, e))?;
        Ok(FinishedWav {
            file,
            summary: WavSummary {
                path,
                frames,
                sample_rate,
                format,
                peak,
                clipped_samples: clipped,
                first_clip_frame: first_clip,
            },
        })
    }
}

/// Scales to integer steps, adds dither, rounds and clips to `[−scale, scale − 1]`.
fn quantize(x: f32, scale: f32, dither: f32) -> (i32, bool) {
    // f64 so that 24-bit values keep their last bit through the addition.
    let v = (f64::from(x) * f64::from(scale) + f64::from(dither)).round();
    let (lo, hi) = (-f64::from(scale), f64::from(scale) - 1.0);
    if v < lo {
        (lo as i32, true)
    } else if v > hi {
        (hi as i32, true)
    } else {
        (v as i32, false)
    }
}

fn hound_error(path: &Path, e: hound::Error) -> MediaError {
    match e {
        hound::Error::IoError(e) => MediaError::io(path, e),
        other => MediaError::io(path, io::Error::other(other.to_string())),
    }
}

/// Triangular (TPDF) dither of ±1 LSB peak: the difference of two uniform variables, from a
/// small seeded generator (xorshift64*) so bounces are reproducible byte for byte.
struct Tpdf {
    state: u64,
}

impl Tpdf {
    fn new(seed: u64) -> Tpdf {
        // SplitMix64 scrambles the seed so 0, 1, 2… give unrelated streams (and never state 0).
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Tpdf {
            state: if z == 0 { 1 } else { z },
        }
    }

    fn uniform(&mut self) -> f32 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let r = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        // Top 24 bits: exactly representable in f32, uniform in [0, 1).
        (r >> 40) as f32 / (1u64 << 24) as f32
    }

    fn next(&mut self) -> f32 {
        self.uniform() - self.uniform()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dither_is_triangular_within_one_lsb() {
        let mut d = Tpdf::new(42);
        let n = 200_000;
        let v: Vec<f32> = (0..n).map(|_| d.next()).collect();
        assert!(v.iter().all(|x| x.abs() < 1.0));
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
        let var = v.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        // Triangular on (−1, 1): variance 1/6.
        assert!((var - 1.0 / 6.0).abs() < 0.005, "variance {var}");
        // Triangular, not uniform: |x| < 0.5 holds 3/4 of the mass (uniform would give 1/2).
        let inner = v.iter().filter(|x| x.abs() < 0.5).count() as f64 / n as f64;
        assert!((inner - 0.75).abs() < 0.01, "inner mass {inner}");
    }

    #[test]
    fn seeds_give_different_streams() {
        let a: Vec<f32> = (0..8)
            .map({
                let mut d = Tpdf::new(0);
                move |_| d.next()
            })
            .collect();
        let b: Vec<f32> = (0..8)
            .map({
                let mut d = Tpdf::new(1);
                move |_| d.next()
            })
            .collect();
        assert_ne!(a, b);
    }

    #[test]
    fn quantize_rounds_and_clips() {
        assert_eq!(quantize(0.5, 32_768.0, 0.0), (16_384, false));
        assert_eq!(quantize(0.5, 32_768.0, 0.49), (16_384, false));
        assert_eq!(quantize(0.5, 32_768.0, -0.51), (16_383, false));
        assert_eq!(quantize(1.0, 32_768.0, 0.0), (32_767, true));
        assert_eq!(quantize(-1.0, 32_768.0, 0.0), (-32_768, false));
        assert_eq!(quantize(-1.5, 32_768.0, 0.0), (-32_768, true));
        assert_eq!(quantize(2.0, 8_388_608.0, 0.3), (8_388_607, true));
        assert_eq!(quantize(f32::INFINITY, 32_768.0, 0.0), (32_767, true));
    }
}
