//! From the renderer's stereo f32 frames at the mix rate to a device's frames: channel layout,
//! rate (a preallocated rubato resampler) and sample format.

use super::{DeviceSample, OutputError, PullFn};

/// Frames converted per step inside one callback (callbacks may be any size; larger ones are
/// converted in steps of this many frames so scratch buffers stay bounded).
const SCRATCH_FRAMES: usize = 4096;
/// Device frames the resampler makes per step. Small, so the mix is pulled in steps of about
/// this many frames and every callback does its share of work: a 64-frame callback runs two
/// steps. (A 1,024-frame FFT chunk made one callback in 16 render 16 callbacks' worth of mix;
/// issue 14 item 5.)
pub const RESAMPLE_STEP: usize = 32;

/// Converts the renderer's rate to the device's: stereo in, any channel count out, through a
/// rubato windowed-sinc resampler (256 taps) making [`RESAMPLE_STEP`] device frames per step.
/// All its buffers are allocated in [`ResampleStage::new`].
pub struct ResampleStage {
    resampler: rubato::Async<f32>,
    /// Mix rate over device rate.
    ratio: f64,
    input: Vec<f32>,
    output: Vec<f32>,
    /// Frames of `output` already handed out.
    read: usize,
    /// Frames of `output` holding resampled audio.
    filled: usize,
}

impl ResampleStage {
    /// A stage from `from` Hz to `to` Hz (control side: allocates).
    pub fn new(from: u32, to: u32) -> Result<ResampleStage, OutputError> {
        use rubato::Resampler;
        let refuse = |e: &dyn std::fmt::Display| {
            OutputError::Unsupported(format!("cannot resample {from} → {to} Hz: {e}"))
        };
        if from == 0 || to == 0 {
            return Err(refuse(&"a rate of 0 Hz"));
        }
        let resampler = rubato::Async::<f32>::new_sinc(
            f64::from(to) / f64::from(from),
            1.0,
            &rubato::SincInterpolationParameters::default(),
            RESAMPLE_STEP,
            2,
            rubato::FixedAsync::Output,
        )
        .map_err(|e| refuse(&e))?;
        let input = vec![0.0; resampler.input_frames_max() * 2];
        let output = vec![0.0; resampler.output_frames_max() * 2];
        Ok(ResampleStage {
            resampler,
            ratio: f64::from(from) / f64::from(to),
            input,
            output,
            read: 0,
            filled: 0,
        })
    }

    /// Frames of delay the resampler adds, at the device rate.
    pub fn delay(&self) -> usize {
        use rubato::Resampler;
        self.resampler.output_delay()
    }

    /// The same delay in frames of the mix rate (what the playhead must subtract), rounded.
    pub fn delay_mix_frames(&self) -> u32 {
        (self.delay() as f64 * self.ratio).round() as u32
    }

    /// Most mix frames one step pulls.
    pub fn max_pull(&self) -> usize {
        self.input.len() / 2
    }

    /// Fills `out` (interleaved, `channels` per frame, device rate) from `pull` (stereo, mix
    /// rate). Real-time safe.
    pub fn fill(
        &mut self,
        pull: &mut dyn FnMut(&mut [f32], usize),
        out: &mut [f32],
        channels: usize,
    ) {
        use rubato::Resampler;
        use rubato::audioadapter_buffers::direct::InterleavedSlice;
        let channels = channels.max(1);
        for frame in out.chunks_exact_mut(channels) {
            if self.read == self.filled {
                let n_in = self.resampler.input_frames_next();
                let n_out_max = self.output.len() / 2;
                pull(&mut self.input[..n_in * 2], 2);
                let written = match (
                    InterleavedSlice::new(&self.input[..], 2, n_in),
                    InterleavedSlice::new_mut(&mut self.output[..], 2, n_out_max),
                ) {
                    (Ok(i), Ok(mut o)) => self
                        .resampler
                        .process_into_buffer(&i, &mut o, None)
                        .map_or(0, |(_, w)| w),
                    _ => 0,
                };
                if written == 0 {
                    // Cannot happen with buffers sized from the resampler itself; output
                    // silence rather than spin.
                    frame.fill(0.0);
                    continue;
                }
                self.read = 0;
                self.filled = written;
            }
            let (l, r) = (self.output[self.read * 2], self.output[self.read * 2 + 1]);
            self.read += 1;
            if channels == 1 {
                frame[0] = 0.5 * (l + r);
            } else {
                frame[0] = l;
                frame[1] = r;
                frame[2..].fill(0.0);
            }
        }
    }
}

/// Turns the renderer's f32 into the device's frames: channel layout, rate, sample format.
pub(super) struct OutputAdapter {
    pull: PullFn,
    channels: usize,
    buf: Vec<f32>,
    resample: Option<ResampleStage>,
}

impl OutputAdapter {
    pub(super) fn new(
        pull: PullFn,
        channels: usize,
        resample: Option<ResampleStage>,
    ) -> OutputAdapter {
        OutputAdapter {
            pull,
            channels: channels.max(1),
            buf: vec![0.0; SCRATCH_FRAMES * channels.max(1)],
            resample,
        }
    }

    pub(super) fn fill<T: DeviceSample>(&mut self, out: &mut [T]) {
        // Covers the resampler too (the graph holds its own guard inside `process`).
        let _ftz = crate::dsp::denormal::FlushDenormals::new();
        let ch = self.channels;
        for piece in out.chunks_mut(SCRATCH_FRAMES * ch) {
            let n = piece.len() / ch * ch;
            let buf = &mut self.buf[..n];
            match &mut self.resample {
                None => (self.pull)(buf, ch),
                Some(rs) => rs.fill(&mut self.pull, buf, ch),
            }
            for (o, x) in piece.iter_mut().zip(buf.iter()) {
                *o = T::from_f32(*x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn resampler_keeps_a_sine_at_its_frequency_and_level() {
        // 1 kHz at 44.1 kHz in → 48 kHz out: count zero crossings over one second of output.
        let (from, to) = (44_100u32, 48_000u32);
        let mut stage = ResampleStage::new(from, to).unwrap();
        let mut phase = 0u64;
        let mut pull = |buf: &mut [f32], ch: usize| {
            for f in buf.chunks_exact_mut(ch) {
                let v = 0.5 * (phase as f64 * 1000.0 * std::f64::consts::TAU / from as f64).sin();
                f.fill(v as f32);
                phase += 1;
            }
        };
        let mut out = vec![0.0f32; to as usize * 3];
        for c in out.chunks_mut(2 * 300) {
            stage.fill(&mut pull, c, 2);
        }
        let second = &out[to as usize..to as usize * 3];
        let left: Vec<f32> = second.iter().step_by(2).copied().collect();
        let crossings = left
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!((999..=1001).contains(&crossings), "{crossings}");
        let peak = left.iter().fold(0.0f32, |a, &x| a.max(x.abs()));
        assert!((peak - 0.5).abs() < 0.01, "{peak}");
    }

    #[test]
    fn each_64_frame_callback_pulls_its_share_of_mix() {
        // Issue 14 item 5: a 48 kHz mix on a 44.1 kHz device with 64-frame callbacks. The mix
        // a callback pulls is the work it does; its fair share is 64·48000/44100 = 69.7 frames.
        // The 1,024-frame FFT stage pulled 1,024 frames in one callback of ~15 and none in the
        // others. Every callback must pull within a few frames of its share.
        let (from, to) = (48_000u32, 44_100u32);
        let mut stage = ResampleStage::new(from, to).unwrap();
        let share = 64.0 * f64::from(from) / f64::from(to);
        let pulled = std::cell::Cell::new(0usize);
        let mut pull = |buf: &mut [f32], ch: usize| {
            buf.fill(0.25);
            pulled.set(pulled.get() + buf.len() / ch);
        };
        let mut out = vec![0.0f32; 64 * 2];
        let mut per_callback = Vec::new();
        for _ in 0..5_000 {
            pulled.set(0);
            stage.fill(&mut pull, &mut out, 2);
            per_callback.push(pulled.get());
        }
        let steady = &per_callback[100..];
        let (lo, hi) = (*steady.iter().min().unwrap(), *steady.iter().max().unwrap());
        eprintln!("mix frames pulled per 64-frame callback: {lo}..{hi} (share {share:.1})");
        assert!(hi as f64 <= share + 4.0, "a callback pulled {hi} frames");
        assert!(
            lo as f64 >= share - 4.0,
            "a callback pulled only {lo} frames"
        );
    }

    #[test]
    fn reported_delay_is_where_an_impulse_comes_out() {
        // An impulse at mix frame k must peak at device frame k·to/from + delay(); the engine
        // subtracts delay_mix_frames() from the playhead.
        for (from, to) in [(48_000u32, 44_100u32), (44_100, 48_000), (48_000, 96_000)] {
            let mut stage = ResampleStage::new(from, to).unwrap();
            let k = 10_000u64;
            let mut frame = 0u64;
            let mut pull = |buf: &mut [f32], ch: usize| {
                for f in buf.chunks_exact_mut(ch) {
                    f.fill(if frame == k { 1.0 } else { 0.0 });
                    frame += 1;
                }
            };
            let n = (k as usize * to as usize / from as usize) + 4_000;
            let mut out = vec![0.0f32; n * 2];
            for c in out.chunks_mut(64 * 2) {
                stage.fill(&mut pull, c, 2);
            }
            let peak = (0..n)
                .max_by(|&a, &b| out[a * 2].abs().total_cmp(&out[b * 2].abs()))
                .unwrap();
            let expected = k as f64 * f64::from(to) / f64::from(from) + stage.delay() as f64;
            eprintln!("{from} → {to}: impulse at {peak}, expected {expected:.1}");
            assert!((peak as f64 - expected).abs() <= 1.0, "{from} → {to}");
            let mix = stage.delay_mix_frames() as f64;
            assert!((mix - stage.delay() as f64 * f64::from(from) / f64::from(to)).abs() <= 0.5);
        }
    }

    #[test]
    fn the_playhead_counts_the_output_delay() {
        use crate::engine::graph::MixGraph;
        use crate::engine::handle::EngineHandle;
        use crate::engine::slot::Render;
        // What is heard lags the rendered audio by the graph's latency plus the output's delay.
        let mut p = crate::project::Project {
            sample_rate: 48_000,
            ..Default::default()
        };
        p.tracks
            .push(crate::project::Track::for_source("/virtual/a.wav".into()));
        let stem = Arc::new(crate::media::StemAudio::from_channels(
            vec![vec![0.1; 48_000]],
            48_000,
        ));
        let heard = |delay: u32| {
            let graph = MixGraph::from_project(&p, &|_| Some(stem.clone()), 512);
            let mut h = EngineHandle::new(graph);
            let slot = h.renderer();
            slot.with(|e| e.set_output_delay(delay));
            h.play();
            let mut buf = vec![0.0f32; 4_800 * 2];
            slot.with(|e| e.render(&mut buf, 2));
            slot.with(|e| (e.position(), e.graph().read_position()))
                .unwrap()
        };
        let (without, read) = heard(0);
        let (with, read_too) = heard(123);
        assert_eq!(read, read_too);
        assert_eq!(without - with, 123);
    }

    /// A pull of a constant stereo frame (0.5, −0.25), counting frames.
    fn constant(count: Arc<AtomicU64>) -> PullFn {
        Box::new(move |buf, ch| {
            for f in buf.chunks_exact_mut(ch) {
                f[0] = 0.5;
                if ch > 1 {
                    f[1] = -0.25;
                    f[2..].fill(0.0);
                }
            }
            count.fetch_add((buf.len() / ch) as u64, Ordering::Relaxed);
        })
    }

    #[test]
    fn adapter_converts_layout_and_format_for_any_callback_size() {
        // Six i16 channels: stereo on the first two, silence on the rest; a callback larger
        // than the scratch buffer is converted in steps.
        let n = Arc::new(AtomicU64::new(0));
        let mut a = OutputAdapter::new(constant(n.clone()), 6, None);
        let mut out = vec![7i16; (SCRATCH_FRAMES + 100) * 6];
        a.fill(&mut out);
        assert_eq!(n.load(Ordering::Relaxed), (SCRATCH_FRAMES + 100) as u64);
        for f in out.chunks_exact(6) {
            assert_eq!(f, [16384, -8192, 0, 0, 0, 0]);
        }
        // u8 conversion keeps the unsigned origin.
        let mut a = OutputAdapter::new(constant(Arc::new(AtomicU64::new(0))), 2, None);
        let mut out = vec![0u8; 64];
        a.fill(&mut out);
        assert_eq!(&out[..2], &[192, 96]);
    }

    #[test]
    fn adapter_resamples_to_the_device_rate() {
        // 44.1 kHz mix on a 48 kHz device: 48000 device frames pull about 44100 mix frames.
        let n = Arc::new(AtomicU64::new(0));
        let rs = ResampleStage::new(44_100, 48_000).unwrap();
        let mut a = OutputAdapter::new(constant(n.clone()), 2, Some(rs));
        let mut out = vec![0.0f32; 480 * 2];
        for _ in 0..100 {
            a.fill(&mut out);
        }
        let pulled = n.load(Ordering::Relaxed) as f64;
        assert!((pulled - 44_100.0).abs() < 2_100.0, "{pulled}");
        // After the resampler's delay the constant comes through at its level.
        assert!(
            (out[out.len() - 2] - 0.5).abs() < 1e-3,
            "{}",
            out[out.len() - 2]
        );
        assert!((out[out.len() - 1] + 0.25).abs() < 1e-3);
    }
}
