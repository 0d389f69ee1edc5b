//! The channel EQ's settings: what each band is, its parameters, and the safety bounds
//! within which every design is stable (not the user ranges, which are `project::ranges`).

/// Number of bands.
pub const EQ_BANDS: usize = 6;

/// Safety bounds of Q: a smaller one divides by almost zero, a larger one rings for seconds
/// (and with the gain bound keeps the output of a full-scale input far from overflow).
const Q_RANGE: (f32, f32) = (0.1, 20.0);
/// Safety bound of a boost or cut (the designs are stable for any gain; this keeps the
/// output bounded).
const GAIN_LIMIT_DB: f32 = 24.0;
/// Lowest frequency (the designs stay well conditioned); the highest is 0.49·fs.
const MIN_FREQ_HZ: f32 = 10.0;

/// What a band does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BandKind {
    /// Removes content below the frequency.
    HighPass,
    /// Boosts or cuts below the frequency.
    LowShelf,
    /// Bell band.
    #[default]
    Peak,
    /// Boosts or cuts above the frequency.
    HighShelf,
    /// Removes content above the frequency.
    LowPass,
}

/// Roll-off of the high- and low-pass bands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Slope {
    /// One second-order section with the band's Q.
    #[default]
    Db12,
    /// Fourth-order Butterworth (two sections, Q 0.541 and 1.307); the band's Q is ignored.
    Db24,
}

/// Settings of one band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandParams {
    /// What the band does (meant to stay fixed per band; a change glides like any other).
    pub kind: BandKind,
    /// Whether the band is in the signal path.
    pub enabled: bool,
    /// Corner/centre frequency in Hz (safety bound 10 Hz … 0.49·fs).
    pub freq_hz: f32,
    /// Boost/cut in dB for shelves and peaks (safety bound ±24 dB; ignored by HP/LP).
    pub gain_db: f32,
    /// Quality factor (safety bound 0.1 … 20; HP/LP use it only at 12 dB/oct).
    pub q: f32,
    /// Roll-off of HP/LP (ignored by the other bands).
    pub slope: Slope,
}

impl Default for BandParams {
    fn default() -> Self {
        BandParams {
            kind: BandKind::Peak,
            enabled: false,
            freq_hz: 1000.0,
            gain_db: 0.0,
            q: std::f32::consts::FRAC_1_SQRT_2,
            slope: Slope::Db12,
        }
    }
}

/// Settings of the whole EQ: six bands, processed in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EqParams {
    /// The bands, each with its kind.
    pub bands: [BandParams; EQ_BANDS],
}

/// Limits a band's parameters to the safety bounds where every design is stable and finite.
pub(super) fn clamp_band(b: &BandParams, fs: f64) -> BandParams {
    let def = BandParams::default();
    let fix = |v: f32, d: f32| if v.is_finite() { v } else { d };
    let max_freq = (0.49 * fs) as f32;
    BandParams {
        kind: b.kind,
        enabled: b.enabled,
        freq_hz: fix(b.freq_hz, def.freq_hz).clamp(MIN_FREQ_HZ, max_freq),
        gain_db: fix(b.gain_db, 0.0).clamp(-GAIN_LIMIT_DB, GAIN_LIMIT_DB),
        q: fix(b.q, def.q).clamp(Q_RANGE.0, Q_RANGE.1),
        slope: b.slope,
    }
}
