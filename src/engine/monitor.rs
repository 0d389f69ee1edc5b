//! The monitor section: how the listener hears whatever plays (mix or reference) — stereo,
//! mono, side, left or right solo — and at what level.
//!
//! It sits after the A/B crossfade and after the master meters, in the real-time renderer
//! only: it is not part of the mix, never reaches a bounce or any render, and is not saved in
//! the project. Conventions (both output sides carry the same signal in every mode but Stereo):
//! - Mono: `(L+R)/2` — a centred (identical-channel) signal keeps its level; uncorrelated
//!   content drops 3 dB, out-of-phase content cancels, which is what a mono check listens for.
//! - Side: `(L−R)/2` — what mono cancels.
//! - Left / Right: that channel alone.
//!
//! A mode change moves the 2×2 matrix linearly to the new one over [`CROSSFADE_MS`], a level
//! change ramps the gain like a fader ([`GAIN_RAMP_MS`]), so neither clicks.

use super::strip::GAIN_RAMP_MS;
use super::switch::CROSSFADE_MS;
use crate::dsp::{Ramp, db_to_gain};
use crate::project::ranges::MONITOR_LEVEL_DB;

/// What the monitor makes of the stereo signal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MonitorMode {
    /// Left and right as they are.
    #[default]
    Stereo,
    /// `(L+R)/2` on both sides.
    Mono,
    /// `(L−R)/2` on both sides.
    Side,
    /// The left channel on both sides.
    Left,
    /// The right channel on both sides.
    Right,
}

impl MonitorMode {
    /// Every mode, in the order a panel lists them.
    pub const ALL: [MonitorMode; 5] = [
        MonitorMode::Stereo,
        MonitorMode::Mono,
        MonitorMode::Side,
        MonitorMode::Left,
        MonitorMode::Right,
    ];

    /// A short label for a button.
    pub fn label(self) -> &'static str {
        match self {
            MonitorMode::Stereo => "Stereo",
            MonitorMode::Mono => "Mono",
            MonitorMode::Side => "Side",
            MonitorMode::Left => "Left",
            MonitorMode::Right => "Right",
        }
    }

    /// Output = matrix · (L, R): rows are the output sides, `[out_l, out_r]`.
    pub fn matrix(self) -> [[f32; 2]; 2] {
        match self {
            MonitorMode::Stereo => [[1.0, 0.0], [0.0, 1.0]],
            MonitorMode::Mono => [[0.5, 0.5], [0.5, 0.5]],
            MonitorMode::Side => [[0.5, -0.5], [0.5, -0.5]],
            MonitorMode::Left => [[1.0, 0.0], [1.0, 0.0]],
            MonitorMode::Right => [[0.0, 1.0], [0.0, 1.0]],
        }
    }
}

/// The monitor controls (session state, not saved, not undoable).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonitorSettings {
    /// Level in dB (clamped to [`MONITOR_LEVEL_DB`]; −∞ mutes the output).
    pub level_db: f32,
    /// Stereo, mono, side, left or right.
    pub mode: MonitorMode,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        MonitorSettings {
            level_db: 0.0,
            mode: MonitorMode::Stereo,
        }
    }
}

/// The audio-side monitor: a ramped matrix and a ramped level.
pub struct Monitor {
    /// `[ll, lr, rl, rr]` coefficients.
    matrix: [Ramp; 4],
    level: Ramp,
}

impl Monitor {
    /// Stereo at 0 dB. Control side.
    pub fn new(rate: u32) -> Monitor {
        let rate = f64::from(rate);
        let m = MonitorMode::Stereo.matrix();
        let coeff = |v: f32| Ramp::new(rate, CROSSFADE_MS, v);
        Monitor {
            matrix: [
                coeff(m[0][0]),
                coeff(m[0][1]),
                coeff(m[1][0]),
                coeff(m[1][1]),
            ],
            level: Ramp::new(rate, f64::from(GAIN_RAMP_MS), 1.0),
        }
    }

    /// New settings; they ramp in over the next frames played.
    pub fn set(&mut self, s: MonitorSettings) {
        let m = s.mode.matrix();
        for (r, v) in self.matrix.iter_mut().zip(m.iter().flatten()) {
            r.set_target(*v);
        }
        let db = MONITOR_LEVEL_DB.clamp(s.level_db);
        self.level.set_target(db_to_gain(f64::from(db)) as f32);
    }

    /// Whether the monitor leaves the signal exactly as it is (stereo at 0 dB, settled).
    pub fn is_transparent(&self) -> bool {
        let id = [1.0, 0.0, 0.0, 1.0];
        self.level.is_settled()
            && self.level.value() == 1.0
            && self
                .matrix
                .iter()
                .zip(id)
                .all(|(r, v)| r.is_settled() && r.value() == v)
    }

    /// Applies mode and level to a block in place.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        if self.is_transparent() {
            return;
        }
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let [ll, lr, rl, rr] = &mut self.matrix;
            let g = self.level.next();
            let (a, b) = (*l, *r);
            *l = g * (ll.next() * a + lr.next() * b);
            *r = g * (rl.next() * a + rr.next() * b);
        }
    }
}
