//! The compressor's level detectors — the peak of the louder channel, and the mean square of
//! both channels over a sliding window — and the crossfade from one to the other.

use super::{Compressor, Detector};

/// Peak level of one frame: the larger |L|, |R| (or |x| in mono).
#[inline(always)]
pub(super) fn peak<const STEREO: bool>(l: f64, r: f64) -> f64 {
    if STEREO {
        l.abs().max(r.abs())
    } else {
        l.abs()
    }
}

/// Mean square over the last `len` frames, in a preallocated ring.
pub(super) struct RmsWindow {
    ring: Vec<f64>,
    pos: usize,
    /// Whether every slot has been written since the last clear (before that an old slot
    /// counts as 0, so a clear is O(1) on the audio thread).
    full: bool,
    sum: f64,
    /// 1 / window length: a multiply per frame instead of a division.
    inv_len: f64,
}

impl RmsWindow {
    /// An empty window of `len` frames (at least 1).
    pub(super) fn new(len: usize) -> Self {
        let len = len.max(1);
        RmsWindow {
            ring: vec![0.0; len],
            pos: 0,
            full: false,
            sum: 0.0,
            inv_len: 1.0 / len as f64,
        }
    }

    /// Window length in frames.
    pub(super) fn len(&self) -> usize {
        self.ring.len()
    }

    /// Forgets the contents (O(1)).
    pub(super) fn clear(&mut self) {
        self.full = false;
        self.pos = 0;
        self.sum = 0.0;
    }

    /// Adds one frame and returns the mean square of the window (both channels averaged).
    #[inline(always)]
    pub(super) fn push<const STEREO: bool>(&mut self, l: f64, r: f64) -> f64 {
        let p = if STEREO { 0.5 * (l * l + r * r) } else { l * l };
        let old = if self.full { self.ring[self.pos] } else { 0.0 };
        self.sum += p - old;
        self.ring[self.pos] = p;
        self.pos += 1;
        if self.pos == self.ring.len() {
            // Re-sum once per window so rounding never accumulates and a silent window
            // gives exactly zero.
            self.pos = 0;
            self.full = true;
            self.sum = self.ring.iter().sum();
        }
        self.sum.max(0.0) * self.inv_len
    }
}

/// The crossfade from one detector to the other (idle when `left == 0 && wait == 0`).
#[derive(Clone, Copy, Debug)]
pub(super) struct DetectorSwitch {
    /// The detector being left.
    pub(super) old: Detector,
    /// Its smoothed gain reduction, still running while the crossfade lasts.
    pub(super) gr_old: f64,
    /// Frames before the crossfade starts: a switch to RMS first fills the window (heard on
    /// the old detector meanwhile), so the new level never starts from an empty window.
    pub(super) wait: u32,
    /// Crossfade position 0 → 1 and the frames it has left.
    pub(super) mix: f64,
    pub(super) step: f64,
    pub(super) left: u32,
}

impl DetectorSwitch {
    pub(super) fn idle() -> Self {
        DetectorSwitch {
            old: Detector::Peak,
            gr_old: 0.0,
            wait: 0,
            mix: 1.0,
            step: 0.0,
            left: 0,
        }
    }

    pub(super) fn active(&self) -> bool {
        self.left > 0 || self.wait > 0
    }

    /// The gain reduction heard: the old detector's, crossfaded into `gr`.
    #[inline(always)]
    pub(super) fn blend(&self, gr: f64) -> f64 {
        if self.active() {
            self.gr_old + self.mix * (gr - self.gr_old)
        } else {
            gr
        }
    }

    #[inline(always)]
    pub(super) fn advance(&mut self) {
        if self.wait > 0 {
            self.wait -= 1;
        } else if self.left > 0 {
            self.left -= 1;
            self.mix = if self.left == 0 {
                1.0
            } else {
                self.mix + self.step
            };
        }
    }
}

impl Compressor {
    /// Starts the crossfade from the current detector to `new`.
    pub(super) fn start_switch(&mut self, new: Detector) {
        let old = self.params.detector;
        // The window holds the last 10 ms when the old detector (or the one it is still
        // fading from) was RMS; otherwise it starts empty and fills before the crossfade.
        let fed =
            old == Detector::Rms || (self.switch.active() && self.switch.old == Detector::Rms);
        // Both paths restart from what is heard now, so the output is continuous.
        let heard = self.switch.blend(self.gr_db);
        self.gr_db = heard;
        self.switch = DetectorSwitch {
            old,
            gr_old: heard,
            wait: 0,
            mix: 0.0,
            step: 1.0 / self.glide_len as f64,
            left: self.glide_len,
        };
        if new == Detector::Rms && !fed {
            self.rms.clear();
            self.switch.wait = self.rms.len() as u32;
        }
    }
}
