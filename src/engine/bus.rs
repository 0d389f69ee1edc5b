//! The reverb return and the master bus, each with a guard that silences (and reports) a
//! non-finite block instead of passing it on.

use super::params;
use super::strip::ramp_samples;
use crate::dsp::{LevelMeter, LevelReport, Ramp, Reverb, TruePeakLimiter};
use crate::project::{self, LimiterSettings, ReverbBus};

/// The shared reverb: 100% wet on the summed sends, with a return level.
pub struct ReverbReturn {
    reverb: Reverb,
    ret: Ramp,
    faulted: bool,
    levels: LevelMeter,
}

impl ReverbReturn {
    /// A reverb at `rate` with settings `p`.
    pub fn new(rate: u32, p: &ReverbBus) -> Self {
        ReverbReturn {
            reverb: Reverb::new(rate as f64, &params::reverb(p)),
            ret: Ramp::with_length(ramp_samples(rate), params::return_gain(p)),
            faulted: false,
            levels: LevelMeter::new(2),
        }
    }

    /// New settings (decay, size… glide inside the reverb; the return level ramps).
    pub fn set(&mut self, p: &ReverbBus) {
        self.reverb.set_params(&params::reverb(p));
        self.ret.set_target(params::return_gain(p));
    }

    /// Clears the tail.
    pub fn reset(&mut self) {
        self.reverb.reset();
    }

    /// Whether a non-finite value was caught (and the reverb reset) since the last call.
    pub fn take_fault(&mut self) -> bool {
        std::mem::replace(&mut self.faulted, false)
    }

    /// Turns the summed sends (in place) into the wet return signal.
    pub fn process(&mut self, l: &mut [f32], r: &mut [f32]) {
        self.reverb.process(l, r);
        self.ret.apply_stereo(l, r);
        if !(all_finite(l) && all_finite(r)) {
            l.fill(0.0);
            r.fill(0.0);
            self.reverb.reset();
            self.faulted = true;
        }
        self.levels.process_stereo(l, r);
    }

    /// Output levels (after the return level) since the last call.
    pub fn take_levels(&mut self) -> LevelReport {
        self.levels.take()
    }
}

/// Whether every sample is finite (an inf or NaN makes the sum of `x·0` NaN).
pub fn all_finite(b: &[f32]) -> bool {
    b.iter().fold(0.0f32, |a, &x| a + x * 0.0) == 0.0
}

/// Master fader and true-peak limiter (whose look-ahead is the graph's latency).
pub struct MasterBus {
    gain: Ramp,
    fader_db: f32,
    trim_db: f32,
    limiter: TruePeakLimiter,
    faulted: bool,
}

impl MasterBus {
    /// A master bus at `rate` with settings `m`.
    pub fn new(rate: u32, m: &project::Master) -> Self {
        MasterBus {
            gain: Ramp::with_length(ramp_samples(rate), params::master_gain(m.gain_db, 0.0)),
            fader_db: m.gain_db,
            trim_db: 0.0,
            limiter: TruePeakLimiter::new(rate as f64, 2, &params::limiter(&m.limiter)),
            faulted: false,
        }
    }

    /// Look-ahead of the limiter in frames (the same whether it is on or off).
    pub fn latency(&self) -> usize {
        self.limiter.latency_frames()
    }

    /// Master fader (ramps).
    pub fn set_gain_db(&mut self, db: f32) {
        self.fader_db = db;
        self.gain
            .set_target(params::master_gain(self.fader_db, self.trim_db));
    }

    /// A gain added to the fader beyond its range (loudness normalisation), at once.
    pub fn set_trim_db(&mut self, db: f32) {
        self.trim_db = db;
        self.gain
            .reset(params::master_gain(self.fader_db, self.trim_db));
    }

    /// Limiter settings.
    pub fn set_limiter(&mut self, l: &LimiterSettings) {
        self.limiter.set_params(&params::limiter(l));
    }

    /// Clears the limiter's memory.
    pub fn reset(&mut self) {
        self.limiter.reset();
    }

    /// Current limiter gain reduction in dB (≥ 0).
    pub fn gain_reduction_db(&self) -> f32 {
        self.limiter.gain_reduction_db()
    }

    /// Whether a non-finite value was caught (and the limiter reset) since the last call.
    pub fn take_fault(&mut self) -> bool {
        std::mem::replace(&mut self.faulted, false)
    }

    /// Applies gain and limiter from the bus into the output.
    pub fn process(&mut self, bus_l: &[f32], bus_r: &[f32], out_l: &mut [f32], out_r: &mut [f32]) {
        out_l.copy_from_slice(bus_l);
        out_r.copy_from_slice(bus_r);
        self.gain.apply_stereo(out_l, out_r);
        self.limiter.process_stereo(out_l, out_r);
        if !(all_finite(out_l) && all_finite(out_r)) {
            // Reachable when finite inputs overflow (a loud reverb return pushed by the master
            // fader): never pass the result on.
            out_l.fill(0.0);
            out_r.fill(0.0);
            self.limiter.reset();
            self.faulted = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_finite_bus_is_silenced_and_reported_once() {
        let mut m = MasterBus::new(48_000, &project::Master::default());
        // Longer than the limiter's look-ahead, so the infinity reaches the output.
        let mut bus = [0.25f32; 256];
        bus[3] = f32::INFINITY;
        let (mut l, mut r) = ([0.0f32; 256], [0.0f32; 256]);
        m.process(&bus, &bus, &mut l, &mut r);
        assert!(l.iter().chain(&r).all(|&x| x == 0.0));
        assert!(m.take_fault());
        assert!(!m.take_fault(), "the flag clears when taken");
        let mut rev = ReverbReturn::new(48_000, &ReverbBus::default());
        // Longer than the pre-delay, so the NaN comes out of the network.
        let (mut l, mut r) = (vec![0.5f32; 8192], vec![0.5f32; 8192]);
        l[0] = f32::NAN;
        rev.process(&mut l, &mut r);
        assert!(l.iter().chain(&r).all(|&x| x == 0.0));
        assert!(rev.take_fault());
        assert!(!rev.take_fault());
    }
}
