//! What the benches share: CPU time, synthetic stems and a project with the full chain on every
//! track.

use std::sync::Arc;
use stemmix::media::StemAudio;
use stemmix::project::{Detector, Project, Slope, Track};

/// The benches' sample rate.
pub const RATE: u32 = 48_000;

/// CPU time of this process (all threads), seconds.
pub fn cpu_time_s() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the valid pointer we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Stereo noise with a slow envelope, `frames` long.
pub fn noise_stem(seed: u64, frames: usize) -> Arc<StemAudio> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut ch = || {
        (0..frames)
            .map(|i| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                // Noise with a slow envelope so the compressor works.
                let env = 0.3 + 0.25 * ((i as f32 / RATE as f32) * 3.0).sin();
                ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * env
            })
            .collect::<Vec<f32>>()
    };
    let l = ch();
    let r = ch();
    Arc::new(StemAudio::from_channels(vec![l, r], RATE))
}

/// `tracks` tracks with every processor on (six EQ bands, compressor, reverb send), and the
/// master limiter.
pub fn full_chain_project(tracks: usize) -> Project {
    let mut p = Project {
        sample_rate: RATE,
        ..Project::default()
    };
    for i in 0..tracks {
        let mut t = Track::for_source(format!("stem{i}.wav").into());
        let eq = &mut t.eq;
        eq.high_pass.enabled = true;
        eq.high_pass.slope = Slope::Db24;
        eq.low_pass.enabled = true;
        eq.low_pass.slope = Slope::Db24;
        for b in [
            &mut eq.low_shelf,
            &mut eq.peak1,
            &mut eq.peak2,
            &mut eq.high_shelf,
        ] {
            b.enabled = true;
            b.gain_db = 2.0;
        }
        t.compressor.enabled = true;
        t.compressor.detector = if i % 2 == 0 {
            Detector::Peak
        } else {
            Detector::Rms
        };
        t.reverb_send_db = -18.0;
        t.pan = (i as f32 * 0.37).sin();
        t.gain_db = -12.0;
        p.tracks.push(t);
    }
    p.master.limiter.enabled = true;
    p
}
