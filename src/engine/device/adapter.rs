//! From the renderer's stereo f32 frames at the mix rate to a device's frames: channel layout,
//! rate (a preallocated rubato resampler) and sample format.

use super::{DeviceSample, OutputError, PullFn};

/// Frames converted per step inside one callback (callbacks may be any size; larger ones are
/// converted in steps of this many frames so scratch buffers stay bounded).
const SCRATCH_FRAMES: usize = 4096;

/// Converts the renderer's rate to the device's: stereo in, any channel count out, through a
/// rubato FFT resampler whose buffers are all allocated in [`ResampleStage::new`].
pub struct ResampleStage {
    resampler: rubato::Fft<f32>,
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
        let resampler =
            rubato::Fft::<f32>::new(from as usize, to as usize, 1024, 2, rubato::FixedSync::Both)
                .map_err(|e| {
                OutputError::Unsupported(format!("cannot resample {from} → {to} Hz: {e}"))
            })?;
        let input = vec![0.0; resampler.input_frames_max() * 2];
        let output = vec![0.0; resampler.output_frames_max() * 2];
        Ok(ResampleStage {
            resampler,
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
