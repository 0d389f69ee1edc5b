//! The compressor's settings (with their safety bounds) and the linear glide its level and
//! time-constant settings move by.

/// How the compressor measures level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detector {
    /// Instantaneous peak of the louder channel.
    #[default]
    Peak,
    /// Mean square of both channels over a 10 ms window.
    Rms,
}

/// Compressor settings. On use they are limited to safety bounds (given per field; NaN →
/// default) that keep time constants positive, the ratio at least 1 and every level inside
/// the domain of the fast log/exp kernels; the user ranges are the project's, and narrower.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompressorParams {
    /// Whether the compressor acts; switching crossfades with the dry signal over 20 ms.
    pub enabled: bool,
    /// Threshold in dBFS (−80 … 0).
    pub threshold_db: f32,
    /// Ratio (1 … 1000; 1 = no compression).
    pub ratio: f32,
    /// Attack time constant in ms (0.01 … 1000): time to 63.2% of a rising gain-reduction step.
    pub attack_ms: f32,
    /// Release time constant in ms (1 … 10000): time to 63.2% of a falling step.
    pub release_ms: f32,
    /// Knee width in dB centred on the threshold (0 … 40; 0 = hard knee).
    pub knee_db: f32,
    /// Makeup gain in dB (−60 … +60).
    pub makeup_db: f32,
    /// Peak or RMS detection.
    pub detector: Detector,
}

impl Default for CompressorParams {
    fn default() -> Self {
        CompressorParams {
            enabled: true,
            threshold_db: -18.0,
            ratio: 4.0,
            attack_ms: 10.0,
            release_ms: 120.0,
            knee_db: 6.0,
            makeup_db: 0.0,
            detector: Detector::Peak,
        }
    }
}

fn finite_or(v: f32, d: f32) -> f64 {
    if v.is_finite() { v as f64 } else { d as f64 }
}

impl CompressorParams {
    /// The parameters limited to their safety bounds (NaN → default).
    pub fn clamped(&self) -> CompressorParams {
        let d = CompressorParams::default();
        CompressorParams {
            enabled: self.enabled,
            threshold_db: finite_or(self.threshold_db, d.threshold_db).clamp(-80.0, 0.0) as f32,
            ratio: finite_or(self.ratio, d.ratio).clamp(1.0, 1000.0) as f32,
            attack_ms: finite_or(self.attack_ms, d.attack_ms).clamp(0.01, 1000.0) as f32,
            release_ms: finite_or(self.release_ms, d.release_ms).clamp(1.0, 10_000.0) as f32,
            knee_db: finite_or(self.knee_db, d.knee_db).clamp(0.0, 40.0) as f32,
            makeup_db: finite_or(self.makeup_db, d.makeup_db).clamp(-60.0, 60.0) as f32,
            detector: self.detector,
        }
    }
}

/// A linear glide of an f64 parameter, exact on landing.
#[derive(Clone, Copy, Debug)]
pub(super) struct Glide {
    pub(super) value: f64,
    pub(super) target: f64,
    step: f64,
    pub(super) left: u32,
}

impl Glide {
    pub(super) fn new(v: f64) -> Self {
        Glide {
            value: v,
            target: v,
            step: 0.0,
            left: 0,
        }
    }
    pub(super) fn set(&mut self, target: f64, len: u32) {
        if target != self.target {
            self.target = target;
            self.left = len;
            self.step = (target - self.value) / len as f64;
        }
    }
    #[inline(always)]
    pub(super) fn advance(&mut self) {
        if self.left > 0 {
            self.left -= 1;
            self.value = if self.left == 0 {
                self.target
            } else {
                self.value + self.step
            };
        }
    }
    pub(super) fn jump(&mut self) {
        self.value = self.target;
        self.left = 0;
    }
}
