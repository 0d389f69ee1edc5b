//! The channel EQ's settings: six bands in a fixed order, named by [`Band`].

use serde::{Deserialize, Serialize};

/// The channel EQ: high-pass, low shelf, two peaking bands, high shelf, low-pass, in that order.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EqSettings {
    /// Removes rumble below `freq_hz`.
    pub high_pass: PassBand,
    /// Boosts or cuts below `freq_hz`.
    pub low_shelf: EqBand,
    /// First bell band.
    pub peak1: EqBand,
    /// Second bell band.
    pub peak2: EqBand,
    /// Boosts or cuts above `freq_hz`.
    pub high_shelf: EqBand,
    /// Removes content above `freq_hz`.
    pub low_pass: PassBand,
}

impl Default for EqSettings {
    fn default() -> Self {
        EqSettings {
            high_pass: PassBand {
                freq_hz: 30.0,
                ..PassBand::default()
            },
            low_shelf: EqBand {
                freq_hz: 100.0,
                ..EqBand::default()
            },
            peak1: EqBand {
                freq_hz: 500.0,
                q: 1.0,
                ..EqBand::default()
            },
            peak2: EqBand {
                freq_hz: 3000.0,
                q: 1.0,
                ..EqBand::default()
            },
            high_shelf: EqBand {
                freq_hz: 8000.0,
                ..EqBand::default()
            },
            low_pass: PassBand {
                freq_hz: 18_000.0,
                ..PassBand::default()
            },
        }
    }
}

impl EqSettings {
    /// Whether any band is switched on.
    pub fn any_enabled(&self) -> bool {
        self.high_pass.enabled
            || self.low_shelf.enabled
            || self.peak1.enabled
            || self.peak2.enabled
            || self.high_shelf.enabled
            || self.low_pass.enabled
    }
}

/// A shelf or bell band.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EqBand {
    /// Whether the band is in the signal path.
    pub enabled: bool,
    /// Centre (bell) or corner (shelf) frequency.
    pub freq_hz: f32,
    /// Boost (positive) or cut (negative).
    pub gain_db: f32,
    /// Bandwidth for bells; for shelves the cookbook's Q (0.707 = no overshoot).
    pub q: f32,
}

impl Default for EqBand {
    fn default() -> Self {
        EqBand {
            enabled: false,
            freq_hz: 1000.0,
            gain_db: 0.0,
            q: std::f32::consts::FRAC_1_SQRT_2,
        }
    }
}

/// A high-pass or low-pass band.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PassBand {
    /// Whether the band is in the signal path.
    pub enabled: bool,
    /// Corner frequency (−3 dB for the Butterworth settings).
    pub freq_hz: f32,
    /// 12 or 24 dB per octave.
    pub slope: Slope,
    /// Resonance of the 12 dB/oct filter (0.707 = Butterworth); 24 dB/oct is a fixed
    /// fourth-order Butterworth.
    pub q: f32,
}

impl Default for PassBand {
    fn default() -> Self {
        PassBand {
            enabled: false,
            freq_hz: 1000.0,
            slope: Slope::Db12,
            q: std::f32::consts::FRAC_1_SQRT_2,
        }
    }
}

/// Roll-off of a pass filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Slope {
    /// Second order: one biquad.
    #[default]
    Db12,
    /// Fourth order: two biquads.
    Db24,
}

/// One of the six EQ bands, in signal order. The one list of bands: the engine maps it onto
/// the DSP sections, the window onto its controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Band {
    /// High-pass filter.
    HighPass,
    /// Low shelf.
    LowShelf,
    /// First bell.
    Peak1,
    /// Second bell.
    Peak2,
    /// High shelf.
    HighShelf,
    /// Low-pass filter.
    LowPass,
}

impl Band {
    /// All bands, low to high (the processing order).
    pub const ALL: [Band; 6] = [
        Band::HighPass,
        Band::LowShelf,
        Band::Peak1,
        Band::Peak2,
        Band::HighShelf,
        Band::LowPass,
    ];

    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Band::HighPass => "High-pass",
            Band::LowShelf => "Low shelf",
            Band::Peak1 => "Bell 1",
            Band::Peak2 => "Bell 2",
            Band::HighShelf => "High shelf",
            Band::LowPass => "Low-pass",
        }
    }

    /// Whether this is a pass filter (slope, no gain).
    pub fn is_pass(self) -> bool {
        matches!(self, Band::HighPass | Band::LowPass)
    }

    /// Machine name used in widget ids ("hp", "ls", …).
    pub fn key(self) -> &'static str {
        match self {
            Band::HighPass => "hp",
            Band::LowShelf => "ls",
            Band::Peak1 => "p1",
            Band::Peak2 => "p2",
            Band::HighShelf => "hs",
            Band::LowPass => "lp",
        }
    }
}

impl EqSettings {
    /// The pass band `b`, if `b` is a pass band.
    pub fn pass(&self, b: Band) -> Option<&PassBand> {
        match b {
            Band::HighPass => Some(&self.high_pass),
            Band::LowPass => Some(&self.low_pass),
            _ => None,
        }
    }

    /// The pass band `b`, mutably.
    pub fn pass_mut(&mut self, b: Band) -> Option<&mut PassBand> {
        match b {
            Band::HighPass => Some(&mut self.high_pass),
            Band::LowPass => Some(&mut self.low_pass),
            _ => None,
        }
    }

    /// The shelf or bell band `b`, if `b` is one.
    pub fn shelf_or_bell(&self, b: Band) -> Option<&EqBand> {
        match b {
            Band::LowShelf => Some(&self.low_shelf),
            Band::Peak1 => Some(&self.peak1),
            Band::Peak2 => Some(&self.peak2),
            Band::HighShelf => Some(&self.high_shelf),
            _ => None,
        }
    }

    /// The shelf or bell band `b`, mutably.
    pub fn shelf_or_bell_mut(&mut self, b: Band) -> Option<&mut EqBand> {
        match b {
            Band::LowShelf => Some(&mut self.low_shelf),
            Band::Peak1 => Some(&mut self.peak1),
            Band::Peak2 => Some(&mut self.peak2),
            Band::HighShelf => Some(&mut self.high_shelf),
            _ => None,
        }
    }

    /// Band `b` as (enabled, freq, gain, q); pass bands report 0 dB gain.
    pub fn band_values(&self, b: Band) -> (bool, f32, f32, f32) {
        if let Some(p) = self.pass(b) {
            return (p.enabled, p.freq_hz, 0.0, p.q);
        }
        let e = self.shelf_or_bell(b).copied().unwrap_or_default();
        (e.enabled, e.freq_hz, e.gain_db, e.q)
    }

    /// Sets whether band `b` is on.
    pub fn set_enabled(&mut self, b: Band, on: bool) {
        if let Some(p) = self.pass_mut(b) {
            p.enabled = on;
        } else if let Some(e) = self.shelf_or_bell_mut(b) {
            e.enabled = on;
        }
    }
}
