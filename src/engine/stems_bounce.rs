//! The stems of a bounce: one stereo WAV per track — its strip's output, post-fader and
//! post-pan — either dry or with the track's own share of the reverb, and when dry the reverb
//! return as a file of its own. Every file is as long as the mix and sample-aligned with it, so
//! the dry stems and the reverb return add up to the mix before the master bus.
//!
//! The files are recorded from the render driver's sink: after each block the graph holds every
//! track's output ([`TrackNode::output`](super::TrackNode::output)) and the reverb return's
//! ([`MixGraph::reverb_output`]). Those run `latency` frames ahead of the master output (the
//! limiter's look-ahead), so each file holds back that many frames, taking the first ones from
//! the pre-roll ([`RenderSink::preroll`](super::render::RenderSink::preroll)). A track's
//! share of the reverb is a copy of the reverb bus run on that track's send alone: the reverb is
//! linear, so the shares add up to the shared return.
//!
//! The master bus (fader, loudness normalisation, limiter) is not in the stems.

use super::bounce::BounceError;
use super::bus::ReverbReturn;
use super::graph::MixGraph;
use crate::media::{FinishedWav, MediaError, WavFormat, WavWriter, resample};
use crate::project::{Project, TrackId};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Name of the reverb return's file in a dry stems bounce (after its number).
pub const REVERB_RETURN_NAME: &str = "Reverb return";

/// Frames converted and written per step when a stem is resampled.
const WRITE_CHUNK: usize = 1 << 16;

/// The file names of a stems bounce of `project`: `NN Name.wav` per track in mixer order (the
/// number keeps them in order and apart), then the reverb return's when `wet` is false.
pub fn file_names(project: &Project, wet: bool) -> Vec<String> {
    let count = project.tracks.len() + usize::from(!wet);
    let width = count.to_string().len().max(2);
    let mut names: Vec<String> = project
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let clean: String = t
                .name
                .chars()
                .map(|c| {
                    if c.is_control() || r#"/\:*?"<>|"#.contains(c) {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            let clean = clean.trim().trim_matches('.').trim();
            let label = if clean.is_empty() {
                format!("Track {}", i + 1)
            } else {
                clean.to_string()
            };
            format!("{:0width$} {label}.wav", i + 1)
        })
        .collect();
    if !wet {
        names.push(format!("{count:0width$} {REVERB_RETURN_NAME}.wav"));
    }
    names
}

/// What one stem file holds once written.
#[derive(Clone, Debug, PartialEq)]
pub struct StemFileSummary {
    /// The file.
    pub path: PathBuf,
    /// The track (`None`: the reverb return).
    pub track: Option<TrackId>,
    /// Samples clipped to the integer range.
    pub clipped_samples: u64,
    /// Time of the first clipped sample in seconds.
    pub first_clip_s: Option<f64>,
}

/// One file being recorded.
struct StemFile {
    track: Option<TrackId>,
    path: PathBuf,
    /// The track's own copy of the reverb (wet stems of tracks that send).
    share: Option<ReverbReturn>,
    /// Frames recorded but not written yet: the last `latency` frames seen.
    held: [Vec<f32>; 2],
    /// The final file, or (when the bounce is resampled) a float file at the project rate
    /// that [`StemsRecorder::finish`] converts.
    writer: WavWriter,
    spooled: bool,
    seed: u64,
}

impl StemFile {
    /// Appends a block; writes what is now more than `latency` frames old.
    fn push(&mut self, l: &[f32], r: &[f32], latency: usize) -> Result<(), MediaError> {
        self.held[0].extend_from_slice(l);
        self.held[1].extend_from_slice(r);
        let ready = self.held[0].len().saturating_sub(latency);
        if ready > 0 {
            self.writer
                .write(&self.held[0][..ready], &self.held[1][..ready])?;
            for h in &mut self.held {
                h.drain(..ready);
            }
        }
        Ok(())
    }
}

/// Records the stems of a render (see the module documentation).
pub(super) struct StemsRecorder {
    files: Vec<StemFile>,
    latency: usize,
    format: WavFormat,
    rate: u32,
    scratch: [Vec<f32>; 2],
}

impl StemsRecorder {
    /// Starts the files `paths` (as [`file_names`] lists them, in that order) for a render of
    /// `project` whose graph has `latency` frames of look-ahead. With `spool` the audio goes to
    /// temporary float files first, to be resampled at the end.
    pub(super) fn new(
        project: &Project,
        paths: &[PathBuf],
        wet: bool,
        format: WavFormat,
        latency: usize,
        spool: bool,
        seed: u64,
    ) -> Result<StemsRecorder, MediaError> {
        let rate = project.sample_rate;
        let mut files = Vec::with_capacity(paths.len());
        for (i, path) in paths.iter().enumerate() {
            let track = project.tracks.get(i);
            let share = match track {
                Some(t) if wet && t.reverb_send_db > f32::NEG_INFINITY => {
                    Some(ReverbReturn::new(rate, &project.reverb))
                }
                _ => None,
            };
            // Each file its own dither, so the stems' dither does not add up coherently.
            let seed = seed ^ ((i as u64 + 1) << 40);
            let (wav_format, spooled) = if spool {
                (WavFormat::Float32, true)
            } else {
                (format, false)
            };
            files.push(StemFile {
                track: track.map(|t| t.id),
                path: path.clone(),
                share,
                held: [Vec::new(), Vec::new()],
                writer: WavWriter::create(path, rate, wav_format, seed)?,
                spooled,
                seed,
            });
        }
        Ok(StemsRecorder {
            files,
            latency,
            format,
            rate,
            scratch: [Vec::new(), Vec::new()],
        })
    }

    /// Takes the block of `frames` frames the graph just processed.
    pub(super) fn record(&mut self, graph: &MixGraph, frames: usize) -> Result<(), MediaError> {
        let latency = self.latency;
        let [sl, sr] = &mut self.scratch;
        sl.resize(frames, 0.0);
        sr.resize(frames, 0.0);
        let mut nodes = graph.tracks();
        for f in &mut self.files {
            let Some(id) = f.track else {
                let [l, r] = graph.reverb_output(frames);
                f.push(l, r, latency)?;
                continue;
            };
            // The graph was built from the same project: its tracks come in the same order.
            let Some(node) = nodes.by_ref().find(|n| n.id() == id) else {
                f.push(&vec![0.0; frames], &vec![0.0; frames], latency)?;
                continue;
            };
            let [l, r] = node.output(frames);
            match &mut f.share {
                None => f.push(l, r, latency)?,
                Some(reverb) => {
                    match node.send_output(frames) {
                        Some([a, b]) => {
                            sl.copy_from_slice(a);
                            sr.copy_from_slice(b);
                        }
                        None => {
                            sl.fill(0.0);
                            sr.fill(0.0);
                        }
                    }
                    // Keeps running on silence: the tail outlives the send.
                    reverb.process(sl, sr);
                    for (w, d) in sl.iter_mut().zip(l) {
                        *w += *d;
                    }
                    for (w, d) in sr.iter_mut().zip(r) {
                        *w += *d;
                    }
                    f.push(sl, sr, latency)?;
                }
            }
        }
        Ok(())
    }

    /// Completes every file at `out_rate` (resampling the spooled ones with the import's
    /// resampler), without committing any. `progress` gets the fraction of files done.
    pub(super) fn finish(
        self,
        out_rate: u32,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Vec<(FinishedWav, StemFileSummary)>, BounceError> {
        let total = self.files.len().max(1) as f32;
        let mut done = Vec::with_capacity(self.files.len());
        for (i, f) in self.files.into_iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Err(BounceError::Cancelled);
            }
            let finished = f.writer.finalize()?;
            let finished = if f.spooled {
                convert(
                    &finished,
                    &f.path,
                    self.rate,
                    out_rate,
                    self.format,
                    f.seed,
                    cancel,
                )?
            } else {
                finished
            };
            let s = finished.summary();
            let summary = StemFileSummary {
                path: f.path,
                track: f.track,
                clipped_samples: s.clipped_samples,
                first_clip_s: s.first_clip_s(),
            };
            done.push((finished, summary));
            progress((i + 1) as f32 / total);
        }
        Ok(done)
    }
}

/// Reads a spooled float file back, resamples it to `to` Hz and writes it as `format` to
/// (the temporary file of) `path`.
fn convert(
    spool: &FinishedWav,
    path: &Path,
    from: u32,
    to: u32,
    format: WavFormat,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<FinishedWav, BounceError> {
    let read_err = |e: hound::Error| {
        MediaError::io(
            path,
            std::io::Error::other(format!("reading the spooled stem back: {e}")),
        )
    };
    let mut reader = hound::WavReader::open(spool.temp_path()).map_err(read_err)?;
    let mut planar = [Vec::new(), Vec::new()];
    for (i, s) in reader.samples::<f32>().enumerate() {
        planar[i % 2].push(s.map_err(read_err)?);
    }
    let converted = resample(&planar, from, to)
        .map_err(|e| MediaError::io(path, std::io::Error::other(e.to_string())))?;
    drop(planar);
    let mut writer = WavWriter::create(path, to, format, seed)?;
    let (l, r) = (&converted[0], &converted[1]);
    for (cl, cr) in l.chunks(WRITE_CHUNK).zip(r.chunks(WRITE_CHUNK)) {
        if cancel.load(Ordering::Relaxed) {
            return Err(BounceError::Cancelled);
        }
        writer.write(cl, cr)?;
    }
    Ok(writer.finalize()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Track;

    #[test]
    fn names_are_numbered_clean_and_distinct() {
        let mut p = Project::default();
        for name in ["Drums", "Bass/Synth", "", "Drums", "..x.."] {
            p.tracks.push(Track {
                name: name.into(),
                ..Track::default()
            });
        }
        assert_eq!(
            file_names(&p, false),
            [
                "01 Drums.wav",
                "02 Bass_Synth.wav",
                "03 Track 3.wav",
                "04 Drums.wav",
                "05 x.wav",
                "06 Reverb return.wav"
            ]
        );
        assert_eq!(file_names(&p, true).len(), 5, "no reverb file when wet");
    }
}
