//! Signal analysis shared by the media tests: sine fitting, alignment by cross-correlation,
//! spectra. Everything is computed in f64 from first principles so the tests measure against math.

#![allow(dead_code)] // each test binary uses a different subset

use std::f64::consts::PI;
use std::path::PathBuf;

/// Deterministic pseudo-noise in −amp…amp.
pub fn noise(seed: u64, len: usize, amp: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * amp
        })
        .collect()
}

/// The shared test material: `$STEMMIX_TESTDATA` if set, else `../shared/testdata` next to
/// the crate. `None` when it is absent — after saying why on stderr; with `CI` set a missing
/// directory fails the test instead (see [`skip`]).
pub fn shared_testdata() -> Option<PathBuf> {
    let dir = std::env::var_os("STEMMIX_TESTDATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/testdata")),
        PathBuf::from,
    );
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&format!("the shared test data {} is absent", dir.display()));
        None
    }
}

/// A test cannot run here because `why`: on a developer's machine it says so and the caller
/// returns; in CI (the `CI` variable set) a missing prerequisite is a failure, never a pass.
pub fn skip(why: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{why}, and CI is set: a test must not pass without running");
    }
    eprintln!("skipping: {why}");
}

/// Writes planar `channels` as a 32-bit float WAV at `rate` (exact samples, NaN and huge
/// values included).
pub fn write_f32_wav(path: &std::path::Path, rate: u32, channels: &[Vec<f32>]) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..channels[0].len() {
        for c in channels {
            w.write_sample(c[i]).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// The committed fixtures rendered by `tests/fixtures/make_fixtures.sh`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// Reads a WAV with hound (an independent decoder) as planar f32 and its rate: integers are
/// divided by 2^(bits−1), exactly as symphonia scales them.
pub fn hound_planar(path: &std::path::Path) -> (Vec<Vec<f32>>, u32) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    let ch = spec.channels as usize;
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().map(Result::unwrap).collect(),
        hound::SampleFormat::Int => {
            let scale = (1u64 << (spec.bits_per_sample - 1)) as f64;
            r.samples::<i32>()
                .map(|s| (f64::from(s.unwrap()) / scale) as f32)
                .collect()
        }
    };
    let planar = (0..ch)
        .map(|c| interleaved.iter().skip(c).step_by(ch).copied().collect())
        .collect();
    (planar, spec.sample_rate)
}

/// The master every fixture was rendered from (`signal_s24.wav`: 24-bit stereo, 44.1 kHz,
/// 22,050 frames), planar.
pub fn master() -> Vec<Vec<f32>> {
    let (m, rate) = hound_planar(&fixture("signal_s24.wav"));
    assert_eq!((m.len(), m[0].len(), rate), (2, 22_050, 44_100));
    m
}

/// The master with `before` and `after` frames of digital silence around it: the lossless twin
/// of the `signal_padded_*` and `signal_tail_*` fixtures (see `make_fixtures.sh`).
pub fn padded_master(before: usize, after: usize) -> Vec<Vec<f32>> {
    master()
        .into_iter()
        .map(|c| {
            let mut p = vec![0.0; before];
            p.extend_from_slice(&c);
            p.resize(before + c.len() + after, 0.0);
            p
        })
        .collect()
}

/// Least-squares fit of `y[n] ≈ R·sin(ω·n + φ) + dc` over `range`, with ω in radians per sample.
#[derive(Clone, Copy, Debug)]
pub struct SineFit {
    /// Amplitude R.
    pub amplitude: f64,
    /// Phase φ in radians (0 = exactly `sin(ω·n)`).
    pub phase: f64,
    /// RMS of what the fitted sine (and DC) does not explain.
    pub residual_rms: f64,
}

pub fn fit_sine(y: &[f32], omega: f64, range: std::ops::Range<usize>) -> SineFit {
    // Normal equations for the basis [sin, cos, 1].
    let mut m = [[0f64; 3]; 3];
    let mut v = [0f64; 3];
    for n in range.clone() {
        let (s, c) = (omega * n as f64).sin_cos();
        let basis = [s, c, 1.0];
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] += basis[i] * basis[j];
            }
            v[i] += basis[i] * f64::from(y[n]);
        }
    }
    let [b_sin, a_cos, dc] = solve3(m, v);
    let mut res = 0.0;
    for n in range.clone() {
        let (s, c) = (omega * n as f64).sin_cos();
        let e = f64::from(y[n]) - (b_sin * s + a_cos * c + dc);
        res += e * e;
    }
    SineFit {
        amplitude: b_sin.hypot(a_cos),
        phase: a_cos.atan2(b_sin),
        residual_rms: (res / range.len() as f64).sqrt(),
    }
}

// Gaussian elimination reads best with indices.
#[allow(clippy::needless_range_loop)]
fn solve3(mut m: [[f64; 3]; 3], mut v: [f64; 3]) -> [f64; 3] {
    for col in 0..3 {
        let pivot = (col..3)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap();
        m.swap(col, pivot);
        v.swap(col, pivot);
        for row in col + 1..3 {
            let f = m[row][col] / m[col][col];
            for k in col..3 {
                m[row][k] -= f * m[col][k];
            }
            v[row] -= f * v[col];
        }
    }
    let mut x = [0f64; 3];
    for row in (0..3).rev() {
        let s: f64 = (row + 1..3).map(|k| m[row][k] * x[k]).sum();
        x[row] = (v[row] - s) / m[row][row];
    }
    x
}

/// `sin(2π·f·n/rate)` for `n` in `0..len`, computed in f64.
pub fn sine(freq: f64, rate: u32, len: usize, amplitude: f64) -> Vec<f32> {
    let w = 2.0 * PI * freq / f64::from(rate);
    (0..len)
        .map(|n| (amplitude * (w * n as f64).sin()) as f32)
        .collect()
}

pub fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// The lag (in samples, within ±max_lag) maximising the cross-correlation of `b` against `a`:
/// positive when `b` is late. Also returns the normalised correlation at that lag.
///
/// Computed by FFT over at most the middle 65,536 samples of both signals (the same indices in
/// each), which is plenty to find a lag of a few thousand samples and keeps debug builds fast
/// (rustfft's generics are compiled unoptimised into the test binary).
pub fn best_lag(a: &[f32], b: &[f32], max_lag: usize) -> (i64, f64) {
    const WINDOW: usize = 1 << 16;
    let len = a.len().min(b.len());
    let start = len.saturating_sub(WINDOW) / 2;
    let (a, b) = (
        &a[start..(start + WINDOW).min(len)],
        &b[start..(start + WINDOW).min(len)],
    );
    let n = (a.len() + b.len()).next_power_of_two();
    let mut planner = realfft::RealFftPlanner::<f64>::new();
    let fft = planner.plan_fft_forward(n);
    let ifft = planner.plan_fft_inverse(n);
    let spectrum = |x: &[f32]| {
        let mut buf = vec![0f64; n];
        for (d, &s) in buf.iter_mut().zip(x) {
            *d = f64::from(s);
        }
        let mut out = fft.make_output_vec();
        fft.process(&mut buf, &mut out).unwrap();
        out
    };
    let (fa, fb) = (spectrum(a), spectrum(b));
    let mut prod: Vec<_> = fa.iter().zip(&fb).map(|(x, y)| x.conj() * y).collect();
    let mut corr = vec![0f64; n];
    ifft.process(&mut prod, &mut corr).unwrap();
    // corr[k] = n · Σ a[i]·b[i+k] (circular; k < 0 wraps to n + k).
    let mut best = (0i64, f64::NEG_INFINITY);
    for lag in -(max_lag as i64)..=max_lag as i64 {
        let v = corr[lag.rem_euclid(n as i64) as usize];
        if v > best.1 {
            best = (lag, v);
        }
    }
    let energy = |x: &[f32]| x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>();
    (best.0, best.1 / n as f64 / (energy(a) * energy(b)).sqrt())
}

/// RMS of `x`.
pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// RMS of `a − b` over the common length.
pub fn rms_diff(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len().min(b.len());
    (a[..n]
        .iter()
        .zip(&b[..n])
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / n.max(1) as f64)
        .sqrt()
}

/// Magnitude spectrum (linear, per bin) of `x` under a 4-term Blackman-Harris window.
pub fn spectrum_blackman_harris(x: &[f32]) -> Vec<f64> {
    let n = x.len();
    let mut planner = realfft::RealFftPlanner::<f64>::new();
    let fft = planner.plan_fft_forward(n);
    let mut input: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let t = 2.0 * PI * i as f64 / n as f64;
            let w =
                0.35875 - 0.48829 * t.cos() + 0.14128 * (2.0 * t).cos() - 0.01168 * (3.0 * t).cos();
            f64::from(s) * w
        })
        .collect();
    let mut out = fft.make_output_vec();
    fft.process(&mut input, &mut out).unwrap();
    out.iter().map(|c| c.norm()).collect()
}
