//! The reverb's delay elements: delay lines whose length changes by a crossfade between the
//! old and the new tap, and Schroeder all-passes. Both clear in O(1).

use super::DIFFUSION;

/// A delay line read `delay` samples behind the write position.
///
/// A length change crossfades linearly from the old tap to the new one over `fade_len`
/// samples (a change arriving during a crossfade waits for it to end; the latest wins), so
/// neither the read position nor the output ever jumps and no pitch bend is heard.
///
/// Clearing is O(1): `fresh` counts the samples written since the last clear, and a read
/// further back than that returns 0 (what a zeroed buffer would hold), so the audio thread
/// never zeroes megabytes of line at once (issue 14 item 6).
pub(super) struct Line {
    pub(super) buf: Vec<f64>,
    write: usize,
    /// Samples written since the last clear (saturates at the capacity).
    pub(super) fresh: usize,
    /// The read distance (faded to), the one faded from, and the next one waiting.
    delay: usize,
    old: usize,
    pending: usize,
    /// Crossfade position 0 → 1, its step, and the samples it has left.
    mix: f64,
    step: f64,
    left: u32,
    fade_len: u32,
}

impl Line {
    /// A line holding up to `capacity` samples, read at `delay`, crossfading over `fade_len`.
    pub(super) fn new(capacity: usize, delay: usize, fade_len: u32) -> Self {
        Line {
            buf: vec![0.0; capacity],
            write: 0,
            fresh: 0,
            delay,
            old: delay,
            pending: delay,
            mix: 1.0,
            step: 0.0,
            left: 0,
            fade_len: fade_len.max(1),
        }
    }

    /// Asks for read distance `d` (crossfaded to; after the running crossfade, if any).
    pub(super) fn set_delay(&mut self, d: usize) {
        self.pending = d;
        if self.left == 0 && d != self.delay {
            self.start();
        }
    }

    fn start(&mut self) {
        self.old = self.delay;
        self.delay = self.pending;
        self.mix = 0.0;
        self.left = self.fade_len;
        self.step = 1.0 / self.fade_len as f64;
    }

    /// Settles at the latest distance asked for, without a crossfade (nothing is sounding).
    pub(super) fn jump(&mut self) {
        self.delay = self.pending;
        self.old = self.delay;
        self.mix = 1.0;
        self.left = 0;
    }

    /// Whether a crossfade is running or waiting.
    pub(super) fn moving(&self) -> bool {
        self.left > 0 || self.pending != self.delay
    }

    /// The length the line effectively has now (between the old and the new one while
    /// crossfading), for the loss that keeps the decay rate.
    pub(super) fn length(&self) -> f64 {
        self.old as f64 + self.mix * (self.delay as f64 - self.old as f64)
    }

    /// The longest distance read now or soon.
    pub(super) fn longest(&self) -> usize {
        self.delay.max(self.old).max(self.pending)
    }

    #[inline(always)]
    fn tap(&self, d: usize) -> f64 {
        if d > self.fresh {
            return 0.0;
        }
        let i = if self.write >= d {
            self.write - d
        } else {
            self.write + self.buf.len() - d
        };
        self.buf[i]
    }

    /// The sample `delay` writes back (1 = the most recent), crossfaded from the old tap.
    #[inline(always)]
    pub(super) fn read(&self) -> f64 {
        if self.left == 0 {
            self.tap(self.delay)
        } else {
            let a = self.tap(self.old);
            a + self.mix * (self.tap(self.delay) - a)
        }
    }

    /// Stores `v` and advances the write position and the crossfade.
    #[inline(always)]
    pub(super) fn write(&mut self, v: f64) {
        self.buf[self.write] = v;
        self.write += 1;
        if self.write == self.buf.len() {
            self.write = 0;
        }
        if self.fresh < self.buf.len() {
            self.fresh += 1;
        }
        if self.left > 0 {
            self.left -= 1;
            if self.left == 0 {
                self.mix = 1.0;
                self.old = self.delay;
                if self.pending != self.delay {
                    self.start();
                }
            } else {
                self.mix += self.step;
            }
        }
    }

    /// Forgets the contents (O(1): reads before the next writes return 0).
    pub(super) fn clear(&mut self) {
        self.fresh = 0;
    }
}

/// A Schroeder all-pass: y = −g·x + s, where s is the input of `len` samples ago plus g·y.
/// Cleared in O(1) like [`Line`]: until a whole buffer has been written since the clear, the
/// sample read back is 0.
pub(super) struct Allpass {
    pub(super) buf: Vec<f64>,
    pos: usize,
    /// Whether every slot has been written since the last clear.
    pub(super) full: bool,
}

impl Allpass {
    pub(super) fn new(len: usize) -> Self {
        Allpass {
            buf: vec![0.0; len.max(1)],
            pos: 0,
            full: false,
        }
    }

    #[inline(always)]
    pub(super) fn tick(&mut self, x: f64) -> f64 {
        let s = if self.full { self.buf[self.pos] } else { 0.0 };
        let v = x + DIFFUSION * s;
        let y = s - DIFFUSION * v;
        self.buf[self.pos] = v;
        self.pos += 1;
        if self.pos == self.buf.len() {
            self.pos = 0;
            self.full = true;
        }
        y
    }

    /// Forgets the contents (O(1)); writing restarts at slot 0, so `full` is set exactly when
    /// the first slot comes round again.
    pub(super) fn clear(&mut self) {
        self.full = false;
        self.pos = 0;
    }
}
