//! Blind comparison of the mix with the selected reference, levels matched throughout (the
//! engine plays the reference at its match gain): a **preference** test (A and B in random
//! order, pick the one you prefer) or **ABX** (A, B and X, which is one of them at random: say
//! which). After N trials: the score and the probability of doing at least as well by guessing
//! (one-sided binomial, p = ½ per trial).
//!
//! While a test runs, the window hides what is heard (see [`Blind::hides`]).

use crate::engine::Source;
use crate::project::RefId;
use std::hash::{BuildHasher, Hasher};

/// Trials in a test.
pub const TRIALS: usize = 10;

/// Which test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Which of A and B do you prefer?
    Preference,
    /// Is X the same as A or as B?
    Abx,
}

/// One of the buttons the listener plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A.
    A,
    /// B.
    B,
    /// X (ABX only).
    X,
}

/// A random bit from the standard library's per-process random hash keys (no extra crate: the
/// order only has to be unpredictable to the listener).
fn coin() -> bool {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    h.finish() & 1 == 1
}

/// P(X ≥ k) for X ~ Binomial(n, ½).
pub fn p_at_least(k: usize, n: usize) -> f64 {
    let mut c = 1.0f64; // C(n, 0)
    let mut tail = 0.0;
    for i in 0..=n {
        if i >= k {
            tail += c;
        }
        c = c * (n - i) as f64 / (i + 1) as f64;
    }
    tail / 2f64.powi(n as i32)
}

/// A blind test under way (or finished).
#[derive(Clone, Debug, PartialEq)]
pub struct Blind {
    /// Which test.
    pub kind: Kind,
    /// The reference compared with the mix.
    pub reference: RefId,
    /// Per trial so far: ABX: answered right; preference: preferred the reference.
    pub answers: Vec<bool>,
    /// This trial: A is the reference (B the mix), else the other way round.
    a_is_reference: bool,
    /// This trial (ABX): X is A.
    x_is_a: bool,
}

impl Blind {
    /// A new test against `reference`.
    pub fn new(kind: Kind, reference: RefId) -> Blind {
        Blind {
            kind,
            reference,
            answers: Vec::new(),
            a_is_reference: coin(),
            x_is_a: coin(),
        }
    }

    /// Whether all trials are answered.
    pub fn finished(&self) -> bool {
        self.answers.len() >= TRIALS
    }

    /// Whether the window must hide what is heard (while trials remain).
    pub fn hides(&self) -> bool {
        !self.finished()
    }

    /// What `slot` plays in this trial.
    pub fn source(&self, slot: Slot) -> Source {
        let a_ref = match slot {
            Slot::A => self.a_is_reference,
            Slot::B => !self.a_is_reference,
            Slot::X => self.a_is_reference == self.x_is_a,
        };
        if a_ref {
            Source::Reference(self.reference)
        } else {
            Source::Mix
        }
    }

    /// The listener's answer for this trial: preference: "I prefer A" (`true`) or B; ABX: "X
    /// is A" (`true`) or B. The next trial gets a new random order.
    pub fn answer(&mut self, a: bool) {
        if self.finished() {
            return;
        }
        let scored = match self.kind {
            Kind::Preference => a == self.a_is_reference,
            Kind::Abx => a == self.x_is_a,
        };
        self.answers.push(scored);
        self.a_is_reference = coin();
        self.x_is_a = coin();
    }

    /// Correct answers (ABX) or preferences for the reference (preference) so far.
    pub fn score(&self) -> usize {
        self.answers.iter().filter(|a| **a).count()
    }

    /// The result in words once finished.
    pub fn verdict(&self) -> Option<String> {
        if !self.finished() {
            return None;
        }
        let (n, k) = (self.answers.len(), self.score());
        Some(match self.kind {
            Kind::Abx => format!(
                "{k} of {n} right; by guessing, at least {k} right has probability p = {:.3}",
                p_at_least(k, n)
            ),
            Kind::Preference => {
                let best = k.max(n - k);
                format!(
                    "the reference preferred {k} of {n} times; a preference this strong (either \
                     way) by chance: p = {:.3}",
                    (2.0 * p_at_least(best, n)).min(1.0)
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_tail_against_counting() {
        assert_eq!(p_at_least(0, 10), 1.0);
        assert!((p_at_least(10, 10) - 1.0 / 1024.0).abs() < 1e-12);
        // C(10,9) + C(10,10) = 11.
        assert!((p_at_least(9, 10) - 11.0 / 1024.0).abs() < 1e-12);
        // 8 of 10 or better: (45 + 10 + 1) / 1024.
        assert!((p_at_least(8, 10) - 56.0 / 1024.0).abs() < 1e-12);
        assert_eq!(p_at_least(11, 10), 0.0);
    }

    #[test]
    fn abx_scores_the_answers_that_name_x() {
        let id = RefId(3);
        let mut b = Blind::new(Kind::Abx, id);
        for _ in 0..TRIALS {
            let x = b.source(Slot::X);
            assert!(b.source(Slot::A) != b.source(Slot::B));
            b.answer(x == b.source(Slot::A));
        }
        assert!(b.finished() && !b.hides());
        assert_eq!(b.score(), TRIALS);
        b.answer(true);
        assert_eq!(b.answers.len(), TRIALS, "no answers after the end");
        assert!(b.verdict().unwrap().contains("p = 0.001"));
    }
}
