//! The A/B switch: which source the output plays (the mix or a reference), and the
//! equal-power crossfade between them.
//!
//! A switch requested while playing starts at the next block and lasts
//! [`crossfade_frames`] frames ([`CROSSFADE_MS`] at the project rate). Frame `k` of a fade
//! (`k = 0 … N−1`, `N` its length) weights what played before by `cos θ_k` and the new source
//! by `sin θ_k`, with `θ_k = (π/2)·(k+1)/N`: the last frame of the fade is the new source alone,
//! and the power of two uncorrelated sources stays constant throughout.
//!
//! Every source has a gain `g0` frozen when the current fade started; during the fade its gain
//! is `g0·cos θ_k` plus `sin θ_k` for the new target. A switch in the middle of a fade freezes
//! the gains reached so far as the new `g0`s, so it starts from the current blend of the two
//! (or more) sources without a jump. While not playing nothing is heard, so a switch is
//! immediate.

use super::command::Source;
use super::reference::MAX_REFERENCES;
use std::f64::consts::FRAC_PI_2;

/// Length of the A/B crossfade in milliseconds (equal power, see the module documentation).
pub const CROSSFADE_MS: f64 = 5.0;

/// Frames of an A/B crossfade at `rate` (at least 1): 240 at 48 kHz, 221 at 44.1 kHz.
pub fn crossfade_frames(rate: u32) -> usize {
    ((f64::from(rate) * CROSSFADE_MS / 1000.0).round() as usize).max(1)
}

/// What the output plays and the state of the crossfade towards it.
pub struct SourceSwitch {
    target: Source,
    /// The target's slot in the reference player (`None` for the mix, or a reference that is
    /// not loaded: silence).
    target_slot: Option<usize>,
    /// Gains frozen when the current fade started.
    mix_g0: f32,
    ref_g0: [f32; MAX_REFERENCES],
    /// Frames of the current fade done; the fade is over at `weights.len()`.
    done: usize,
    /// `(cos θ_k, sin θ_k)` for every frame of a fade.
    weights: Box<[(f32, f32)]>,
}

impl SourceSwitch {
    /// Playing the mix, settled. Control side (allocates the weight table).
    pub fn new(rate: u32) -> SourceSwitch {
        let n = crossfade_frames(rate);
        let weights = (0..n)
            .map(|k| {
                let theta = FRAC_PI_2 * (k + 1) as f64 / n as f64;
                (theta.cos() as f32, theta.sin() as f32)
            })
            .collect();
        SourceSwitch {
            target: Source::Mix,
            target_slot: None,
            mix_g0: 0.0,
            ref_g0: [0.0; MAX_REFERENCES],
            done: n,
            weights,
        }
    }

    /// The source selected last (what plays once any crossfade is over).
    pub fn target(&self) -> Source {
        self.target
    }

    /// The slot of the selected reference, if it is loaded.
    pub fn target_slot(&self) -> Option<usize> {
        self.target_slot
    }

    /// Whether no crossfade is running.
    pub fn is_settled(&self) -> bool {
        self.done >= self.weights.len()
    }

    /// Frames until the running crossfade ends (`usize::MAX` when settled): the renderer ends
    /// a block there, so a source faded out stops advancing exactly where it went silent.
    pub fn frames_to_settle(&self) -> usize {
        if self.is_settled() {
            usize::MAX
        } else {
            self.weights.len() - self.done
        }
    }

    /// Whether the output is exactly the mix (settled on it).
    pub fn is_mix_only(&self) -> bool {
        self.is_settled() && self.target == Source::Mix
    }

    /// Switches to `to` (whose reference slot is `slot`). While `playing` this starts a
    /// crossfade from whatever plays now; otherwise it takes effect at once.
    pub fn select(&mut self, to: Source, slot: Option<usize>, playing: bool) {
        if to == self.target && slot == self.target_slot {
            return;
        }
        if !playing {
            self.target = to;
            self.target_slot = slot;
            self.settle();
            return;
        }
        self.mix_g0 = self.gain_now(self.mix_g0, self.target == Source::Mix);
        for s in 0..MAX_REFERENCES {
            let is_target = self.target_slot == Some(s);
            self.ref_g0[s] = self.gain_now(self.ref_g0[s], is_target);
        }
        self.target = to;
        self.target_slot = slot;
        self.done = 0;
    }

    /// The selected reference got loaded into `slot` (it was silent): it fades in.
    pub fn target_loaded(&mut self, slot: usize, playing: bool) {
        let to = self.target;
        self.target_slot = None;
        self.select(to, Some(slot), playing);
    }

    /// Ends any crossfade (nothing is heard: the transport is not playing).
    pub fn settle(&mut self) {
        self.done = self.weights.len();
        self.mix_g0 = 0.0;
        self.ref_g0 = [0.0; MAX_REFERENCES];
    }

    /// The gain of the last frame output for a source with frozen gain `g0`.
    fn gain_now(&self, g0: f32, is_target: bool) -> f32 {
        match self.done {
            d if d >= self.weights.len() => f32::from(u8::from(is_target)),
            0 => g0,
            d => {
                let (c, s) = self.weights[d - 1];
                g0 * c + if is_target { s } else { 0.0 }
            }
        }
    }

    /// Whether reference `slot` is heard at all in the next `n` frames.
    pub fn is_audible(&self, slot: usize) -> bool {
        self.target_slot == Some(slot) || (!self.is_settled() && self.ref_g0[slot] != 0.0)
    }

    /// Whether the reference in `slot` can be let go of: silent now and in any fade.
    pub fn is_silent(&self, slot: usize) -> bool {
        !self.is_audible(slot)
    }

    /// Scales the mix in place by its gains for the next `out.len()` frames.
    pub fn scale_mix(&self, left: &mut [f32], right: &mut [f32]) {
        let is_target = self.target == Source::Mix;
        if self.is_settled() {
            if !is_target {
                left.fill(0.0);
                right.fill(0.0);
            }
            return;
        }
        for (k, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let w = self.weight(self.mix_g0, is_target, self.done + k);
            *l *= w;
            *r *= w;
        }
    }

    /// Adds the reference in `slot` (`src`, the next frames) into `out` with its gains.
    pub fn add_reference(&self, slot: usize, src: [&[f32]; 2], out: [&mut [f32]; 2]) {
        let is_target = self.target_slot == Some(slot);
        let g0 = self.ref_g0[slot];
        for (o, s) in out.into_iter().zip(src) {
            if self.is_settled() {
                for (o, s) in o.iter_mut().zip(s) {
                    *o += *s;
                }
            } else {
                for (k, (o, s)) in o.iter_mut().zip(s).enumerate() {
                    *o += self.weight(g0, is_target, self.done + k) * *s;
                }
            }
        }
    }

    /// The gain at fade frame `f` of a source with frozen gain `g0`.
    #[inline]
    fn weight(&self, g0: f32, is_target: bool, f: usize) -> f32 {
        match self.weights.get(f) {
            Some(&(c, s)) => g0 * c + if is_target { s } else { 0.0 },
            None => f32::from(u8::from(is_target)),
        }
    }

    /// Moves the fade on by `n` frames.
    pub fn advance(&mut self, n: usize) {
        if !self.is_settled() {
            self.done = (self.done + n).min(self.weights.len());
            if self.is_settled() {
                self.settle();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::RefId;

    #[test]
    fn the_stated_length_and_equal_power() {
        assert_eq!(crossfade_frames(48_000), 240);
        assert_eq!(crossfade_frames(44_100), 221);
        const { assert!(CROSSFADE_MS <= 10.0) };
        let s = SourceSwitch::new(48_000);
        for &(c, si) in s.weights.iter() {
            assert!((c * c + si * si - 1.0).abs() < 1e-6);
        }
        assert_eq!(s.weights.last().map(|w| w.1), Some(1.0));
    }

    #[test]
    fn a_switch_mid_fade_continues_from_the_blend() {
        let mut s = SourceSwitch::new(48_000);
        let b = Source::Reference(RefId(9));
        s.select(b, Some(3), true);
        s.advance(100);
        let (c, si) = s.weights[99];
        s.select(Source::Mix, None, true);
        assert_eq!(s.mix_g0, c);
        assert_eq!(s.ref_g0[3], si);
        assert!(s.is_audible(3));
        s.advance(1_000);
        assert!(s.is_settled() && s.is_mix_only() && s.is_silent(3));
    }
}
