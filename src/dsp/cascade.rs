//! Software-pipelined cascades of stereo biquad sections (the EQ's settled fast path).
//!
//! In a plain cascade every sample passes the sections one after the other, so each sample
//! waits for N multiply-add latencies in a row. Here step t lets section k filter sample t − k:
//! the N sections of one step are independent and the CPU overlaps them. Each section still
//! sees its samples in order with exactly the same arithmetic, so the output is bit-identical
//! to running the sections one after the other. The pipeline fills and drains within the call.
//!
//! Two kernels produce identical results: an SSE2 one (both channels of one section per
//! 128-bit vector), and, when the CPU has AVX, one that holds two sections per 256-bit vector —
//! half the instructions. (With four vectors, 7–8 sections, LLVM still spills some state to
//! the stack, and store forwarding then sits on the recursion: about 27 cycles per frame
//! measured against a 10-cycle arithmetic bound. Left as a follow-up.)

use super::biquad::StereoBiquad;
use super::simd::F64x2;

/// Most sections one call of [`run`] takes.
pub(crate) const MAX_SECTIONS: usize = 8;

/// Whether the AVX kernel can run on this CPU.
pub(crate) fn avx_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Runs the sections `secs[order[0]]`, `secs[order[1]]`, … (1 to [`MAX_SECTIONS`] of them) over the block in
/// place; `use_avx` only when [`avx_available`] said so. Taking the order as indices lets the
/// EQ run its active sections where they are, without copying them out and back.
pub(crate) fn run<const STEREO: bool>(
    secs: &mut [StereoBiquad],
    order: &[u8],
    left: &mut [f32],
    right: &mut [f32],
    use_avx: bool,
) {
    #[cfg(target_arch = "x86_64")]
    if use_avx {
        // SAFETY: the caller checked that the CPU supports AVX.
        unsafe {
            match order.len() {
                0 => {}
                1 | 2 => avx::run::<1, STEREO>(secs, order, left, right),
                3 | 4 => avx::run::<2, STEREO>(secs, order, left, right),
                5 | 6 => avx::run::<3, STEREO>(secs, order, left, right),
                _ => avx::run::<4, STEREO>(secs, order, left, right),
            }
        }
        return;
    }
    let _ = use_avx;
    match order.len() {
        0 => {}
        1 => run_sse::<1, STEREO>(secs, order, left, right),
        2 => run_sse::<2, STEREO>(secs, order, left, right),
        3 => run_sse::<3, STEREO>(secs, order, left, right),
        4 => run_sse::<4, STEREO>(secs, order, left, right),
        5 => run_sse::<5, STEREO>(secs, order, left, right),
        6 => run_sse::<6, STEREO>(secs, order, left, right),
        7 => run_sse::<7, STEREO>(secs, order, left, right),
        _ => run_sse::<8, STEREO>(secs, order, left, right),
    }
}

#[inline(always)]
fn read<const STEREO: bool>(t: usize, left: &[f32], right: &[f32]) -> F64x2 {
    if STEREO {
        F64x2::new(left[t] as f64, right[t] as f64)
    } else {
        F64x2::new(left[t] as f64, 0.0)
    }
}

#[inline(always)]
fn write<const STEREO: bool>(t: usize, v: F64x2, left: &mut [f32], right: &mut [f32]) {
    left[t] = v.l() as f32;
    if STEREO {
        right[t] = v.r() as f32;
    }
}

/// The SSE2 kernel: `N` sections, one per 128-bit vector.
#[inline(always)]
fn run_sse<const N: usize, const STEREO: bool>(
    sections: &mut [StereoBiquad],
    order: &[u8],
    left: &mut [f32],
    right: &mut [f32],
) {
    let mut secs: [StereoBiquad; N] = std::array::from_fn(|k| sections[order[k] as usize]);
    let m = left.len();
    // pipe[k]: section k's latest output, the next input of section k + 1.
    let mut pipe = [F64x2::zero(); N];
    if m < N {
        for t in 0..m {
            let mut x = read::<STEREO>(t, left, right);
            for s in secs.iter_mut() {
                x = s.tick(x);
            }
            write::<STEREO>(t, x, left, right);
        }
    } else {
        // Fill: at step t sections 0..=t are busy.
        for t in 0..N - 1 {
            let x = read::<STEREO>(t, left, right);
            for k in (1..=t).rev() {
                pipe[k] = secs[k].tick(pipe[k - 1]);
            }
            pipe[0] = secs[0].tick(x);
        }
        // Steady state: all sections busy; section N − 1 finishes sample t + 1 − N.
        for t in N - 1..m {
            let x = read::<STEREO>(t, left, right);
            for k in (1..N).rev() {
                pipe[k] = secs[k].tick(pipe[k - 1]);
            }
            pipe[0] = secs[0].tick(x);
            write::<STEREO>(t + 1 - N, pipe[N - 1], left, right);
        }
        // Drain: sections k > t − m still have samples in flight.
        for t in m..m + N - 1 {
            for k in (t - m + 1..N).rev() {
                pipe[k] = secs[k].tick(pipe[k - 1]);
            }
            write::<STEREO>(t + 1 - N, pipe[N - 1], left, right);
        }
    }
    for (k, s) in secs.iter().enumerate() {
        sections[order[k] as usize] = *s;
    }
}

#[cfg(target_arch = "x86_64")]
#[path = "cascade_avx.rs"]
mod avx;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::biquad::{BiquadParams, Coeffs, FilterKind};
    use crate::dsp::test_util::Rng;

    fn sections(n: usize) -> Vec<StereoBiquad> {
        let kinds = [
            FilterKind::HighPass,
            FilterKind::Peak,
            FilterKind::LowShelf,
            FilterKind::LowPass,
        ];
        (0..n)
            .map(|k| {
                let p = BiquadParams {
                    freq_hz: 50.0 * 2.3f64.powi(k as i32),
                    q: 0.5 + 0.3 * k as f64,
                    gain_db: 3.0 - k as f64,
                };
                StereoBiquad::new(Coeffs::design(kinds[k % 4], &p, 48_000.0))
            })
            .collect()
    }

    /// The sections laid out in reverse at the end of an 8-slot pool (as the EQ's active
    /// sections sit among inactive ones), with the order that runs them first to last.
    fn pool(n: usize) -> (Vec<StereoBiquad>, Vec<u8>) {
        let mut pool = vec![StereoBiquad::default(); 8];
        let order: Vec<u8> = (0..n).map(|k| (7 - k) as u8).collect();
        for (s, &slot) in sections(n).into_iter().zip(&order) {
            pool[slot as usize] = s;
        }
        (pool, order)
    }

    /// Both kernels give exactly what the sections give when run one after the other, for every
    /// section count and block lengths shorter and longer than the pipeline, reading and
    /// updating the sections in place through their order, and leaving the others alone.
    #[test]
    fn pipelined_kernels_are_bit_identical_to_sequential() {
        let mut rng = Rng::new(21);
        for n in 1..=8 {
            for len in [1usize, 2, 3, 5, 7, 8, 9, 16, 100] {
                let l: Vec<f32> = (0..len * 3)
                    .map(|_| rng.uniform(-1.0, 1.0) as f32)
                    .collect();
                let r: Vec<f32> = (0..len * 3)
                    .map(|_| rng.uniform(-1.0, 1.0) as f32)
                    .collect();
                let mut reference = sections(n);
                let (mut el, mut er) = (l.clone(), r.clone());
                for t in 0..el.len() {
                    let mut x = F64x2::new(el[t] as f64, er[t] as f64);
                    for s in reference.iter_mut() {
                        x = s.tick(x);
                    }
                    el[t] = x.l() as f32;
                    er[t] = x.r() as f32;
                }
                let mut variants = vec![false];
                if avx_available() {
                    variants.push(true);
                }
                for use_avx in variants {
                    let (mut secs, order) = pool(n);
                    let (mut pl, mut pr) = (l.clone(), r.clone());
                    // Three blocks, so state carries across calls.
                    for b in 0..3 {
                        let range = b * len..(b + 1) * len;
                        let (bl, br) = (&mut pl[range.clone()], &mut pr[range]);
                        run::<true>(&mut secs, &order, bl, br, use_avx);
                    }
                    assert_eq!((&pl, &pr), (&el, &er), "n {n} len {len} avx {use_avx}");
                    for (&slot, b) in order.iter().zip(&reference) {
                        assert_eq!(secs[slot as usize].state(), b.state());
                    }
                    for spare in &secs[..8 - n] {
                        assert_eq!(spare.state(), StereoBiquad::default().state());
                    }
                    // Mono: the right lane stays silent.
                    let (mut secs, order) = pool(n);
                    let mut ml = l.clone();
                    run::<false>(&mut secs, &order, &mut ml, &mut [], use_avx);
                    let mut mono_ref = sections(n);
                    let expected: Vec<f32> = l
                        .iter()
                        .map(|v| {
                            let mut x = F64x2::new(*v as f64, 0.0);
                            for s in mono_ref.iter_mut() {
                                x = s.tick(x);
                            }
                            x.l() as f32
                        })
                        .collect();
                    assert_eq!(ml, expected, "mono n {n} len {len} avx {use_avx}");
                    for (&slot, b) in order.iter().zip(&mono_ref) {
                        assert_eq!(secs[slot as usize].state(), b.state());
                    }
                }
            }
        }
    }
}
