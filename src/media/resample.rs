//! Offline sample-rate conversion of whole stems with rubato's synchronous FFT resampler (a
//! windowed-sinc filter applied by FFT), with its delay removed exactly.
//!
//! rubato's `process_all` trims the filter delay rounded to whole output frames, which leaves a
//! 44.1 kHz stem about half a sample early against a 48 kHz one. Here the FFT block is chosen so
//! that the delay (half a block) is a whole number of frames on *both* sides: with
//! `from/to = a/b` in lowest terms and blocks of `c·a` input and `c·b` output frames, `c` even
//! makes the delay `c·a/2` input = `c·b/2` output frames, and we trim exactly that.

use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Indexing, Resampler, WindowFunction};

/// Why a resampler could not be built or run (absurd rates, mostly).
#[derive(Debug, thiserror::Error)]
#[error("cannot resample from {from} Hz to {to} Hz: {reason}")]
pub struct ResampleError {
    /// Source rate in Hz.
    pub from: u32,
    /// Target rate in Hz.
    pub to: u32,
    /// What rubato said.
    pub reason: String,
}

/// Input frames per FFT block we aim for (at least). Longer blocks put the filter's cutoff closer
/// to Nyquist with a steeper transition; 2,048 keeps 20 kHz within ±0.01 dB at 44.1 kHz while
/// the delay (and the extra work at the edges) stays small.
const TARGET_BLOCK: u64 = 2048;

/// Largest FFT block we accept; only rate pairs with a huge reduced ratio (e.g. 44,100 → 44,101)
/// get near it, and memory per channel stays a few MB.
const MAX_BLOCK: u64 = 1 << 21;

/// The number of frames `in_len` frames become at the new rate: `round(in_len × to / from)`.
pub fn resampled_len(in_len: usize, from: u32, to: u32) -> usize {
    if from == 0 {
        return 0;
    }
    let (n, from, to) = (in_len as u128, u128::from(from), u128::from(to));
    ((n * to + from / 2) / from) as usize
}

/// Resamples planar audio (all channels the same length) from `from` Hz to `to` Hz.
///
/// Output length is [`resampled_len`]; an event at input time `t` appears at output time `t`
/// (no delay, no fractional offset). Equal rates return a copy. Deterministic.
pub fn resample(channels: &[Vec<f32>], from: u32, to: u32) -> Result<Vec<Vec<f32>>, ResampleError> {
    let err = |reason: String| ResampleError { from, to, reason };
    if from == 0 || to == 0 {
        return Err(err("a sample rate of 0 Hz".into()));
    }
    if from == to || channels.is_empty() {
        return Ok(channels.to_vec());
    }
    let in_len = channels[0].len();
    if channels.iter().any(|c| c.len() != in_len) {
        return Err(err("channels of different lengths".into()));
    }
    let out_len = resampled_len(in_len, from, to);

    let g = gcd(u64::from(from), u64::from(to));
    let (a, b) = (u64::from(from) / g, u64::from(to) / g);
    // Smallest even c with c·a ≥ TARGET_BLOCK (see the module comment for why even).
    let c = TARGET_BLOCK.div_ceil(a).max(2).next_multiple_of(2);
    let (block_in, block_out) = (c * a, c * b);
    if block_in > MAX_BLOCK || block_out > MAX_BLOCK {
        return Err(err(format!("the ratio {a}:{b} needs too large a filter")));
    }
    let (block_in, block_out) = (block_in as usize, block_out as usize);
    let delay = block_out / 2;

    let n_ch = channels.len();
    let mut resampler = Fft::<f32>::new_custom(
        from as usize,
        to as usize,
        block_in,
        1,
        n_ch,
        WindowFunction::BlackmanHarris2,
        FixedSync::Both,
    )
    .map_err(|e| err(e.to_string()))?;
    // The whole exactness argument rests on these; rubato picks them from the arguments above.
    if resampler.fft_size_in() != block_in
        || resampler.fft_size_out() != block_out
        || resampler.input_frames_next() != block_in
        || resampler.output_frames_next() != block_out
    {
        return Err(err(format!(
            "unexpected FFT block {}→{} (wanted {block_in}→{block_out})",
            resampler.fft_size_in(),
            resampler.fft_size_out()
        )));
    }

    // Blocks needed so that `delay + out_len` output frames exist.
    let blocks = (delay + out_len).div_ceil(block_out);
    let mut out: Vec<Vec<f32>> = vec![vec![0.0; blocks * block_out]; n_ch];
    let input =
        SequentialSliceOfVecs::new(channels, n_ch, in_len).map_err(|e| err(e.to_string()))?;
    let mut indexing = Indexing::default();
    for block in 0..blocks {
        let start = block * block_in;
        indexing.input_offset = start.min(in_len);
        // Past the end of the input rubato reads silence, which flushes the filter's tail.
        indexing.partial_len = (start + block_in > in_len).then(|| in_len.saturating_sub(start));
        indexing.output_offset = block * block_out;
        let mut output = SequentialSliceOfVecs::new_mut(&mut out, n_ch, blocks * block_out)
            .map_err(|e| err(e.to_string()))?;
        resampler
            .process_into_buffer(&input, &mut output, Some(&indexing))
            .map_err(|e| err(e.to_string()))?;
    }
    for ch in &mut out {
        ch.drain(..delay);
        ch.truncate(out_len);
        ch.shrink_to_fit();
    }
    Ok(out)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_to_nearest() {
        assert_eq!(resampled_len(44100, 44100, 48000), 48000);
        assert_eq!(resampled_len(661_500, 44100, 48000), 720_000);
        assert_eq!(resampled_len(1, 44100, 48000), 1);
        assert_eq!(resampled_len(3, 48000, 44100), 3); // 2.76
        assert_eq!(resampled_len(5, 48000, 44100), 5); // 4.59
        assert_eq!(resampled_len(7, 96000, 44100), 3); // 3.2156
        assert_eq!(resampled_len(0, 96000, 44100), 0);
    }

    #[test]
    fn odd_inputs() {
        assert!(resample(&[vec![0.0; 10]], 0, 48000).is_err());
        assert!(resample(&[vec![0.0; 10], vec![0.0; 9]], 44100, 48000).is_err());
        assert_eq!(
            resample(&[vec![1.0; 10]], 48000, 48000).unwrap(),
            vec![vec![1.0; 10]]
        );
        let empty = resample(&[Vec::new(), Vec::new()], 44100, 48000).unwrap();
        assert_eq!(empty, vec![Vec::<f32>::new(), Vec::new()]);
        let one = resample(&[vec![0.5]], 44100, 48000).unwrap();
        assert_eq!(one[0].len(), 1);
    }

    #[test]
    fn dc_passes_at_unity_gain() {
        let out = resample(&[vec![0.25; 20000]], 44100, 48000).unwrap();
        for &s in &out[0][3000..18000] {
            assert!((s - 0.25).abs() < 1e-5, "{s}");
        }
    }
}
