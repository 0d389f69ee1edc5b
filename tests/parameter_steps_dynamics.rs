//! No parameter change of the compressor, the reverb or the master bus steps the output
//! (issue 14, item 1): compressor on/off, detector, time constants, threshold, ratio, knee and
//! makeup on a sine it compresses; reverb size, pre-delay, decay, damping, width and return
//! with a send feeding it; master gain, limiter on/off, ceiling and release with the master
//! driven into the limiter. The method is in `support/param_steps.rs`.
//!
//! Run with `--nocapture` for the table of the worst step per edit kind.

#[path = "support/param_steps.rs"]
mod support;

use stemmix::project::{Detector, Project};
use support::{Case, track};

/// A compressor that works on the full-scale sine: threshold −20 dB, ratio 4 (about 14 dB of
/// gain reduction), the default 10 ms attack, 120 ms release and 6 dB knee.
fn comp(p: &mut Project, _f: f32) {
    let c = &mut track(p).compressor;
    (c.enabled, c.threshold_db, c.ratio) = (true, -20.0, 4.0);
}

/// A post-fader send at −6 dB from track 0 into the reverb, returned at 0 dB.
fn reverb(p: &mut Project, _f: f32) {
    track(p).reverb_send_db = -6.0;
    p.reverb.return_db = 0.0;
}

/// The master driven 6 dB into the limiter (ceiling −1 dBTP, about 10 dB of gain reduction
/// on the two summed sines).
fn limiter(p: &mut Project, _f: f32) {
    p.master.gain_db = 6.0;
    p.master.limiter.enabled = true;
}

macro_rules! case {
    ($name:expr, $before:expr, $edit:expr) => {
        Case {
            name: $name,
            before: $before,
            edit: $edit,
            mono: false,
            modes: 1.0,
        }
    };
}

const COMPRESSOR_CASES: &[Case] = &[
    case!("compressor on → off", comp, |p, _| track(p)
        .compressor
        .enabled = false),
    case!(
        "compressor off → on",
        |p, f| {
            comp(p, f);
            track(p).compressor.enabled = false;
        },
        |p, _| track(p).compressor.enabled = true
    ),
    case!("compressor peak → RMS", comp, |p, _| track(p)
        .compressor
        .detector =
        Detector::Rms),
    case!(
        "compressor RMS → peak",
        |p, f| {
            comp(p, f);
            track(p).compressor.detector = Detector::Rms;
        },
        |p, _| track(p).compressor.detector = Detector::Peak
    ),
    case!("compressor attack 10 → 40 ms", comp, |p, _| track(p)
        .compressor
        .attack_ms =
        40.0),
    case!(
        "compressor attack 40 → 10 ms",
        |p, f| {
            comp(p, f);
            track(p).compressor.attack_ms = 40.0;
        },
        |p, _| track(p).compressor.attack_ms = 10.0
    ),
    case!("compressor release 120 → 500 ms", comp, |p, _| track(p)
        .compressor
        .release_ms =
        500.0),
    case!(
        "compressor release 500 → 120 ms",
        |p, f| {
            comp(p, f);
            track(p).compressor.release_ms = 500.0;
        },
        |p, _| track(p).compressor.release_ms = 120.0
    ),
    case!("compressor threshold −20 → −40 dB", comp, |p, _| {
        track(p).compressor.threshold_db = -40.0
    }),
    case!("compressor ratio 4 → 20", comp, |p, _| track(p)
        .compressor
        .ratio = 20.0),
    case!("compressor knee 6 → 0 dB", comp, |p, _| track(p)
        .compressor
        .knee_db =
        0.0),
    case!("compressor makeup 0 → +12 dB", comp, |p, _| track(p)
        .compressor
        .makeup_db =
        12.0),
];

const REVERB_CASES: &[Case] = &[
    case!("reverb size 0.6 → 1", reverb, |p, _| p.reverb.size = 1.0),
    case!("reverb size 0.6 → 0", reverb, |p, _| p.reverb.size = 0.0),
    case!("reverb pre-delay 20 → 120 ms", reverb, |p, _| p
        .reverb
        .pre_delay_ms =
        120.0),
    case!("reverb pre-delay 20 → 0 ms", reverb, |p, _| p
        .reverb
        .pre_delay_ms =
        0.0),
    case!("reverb decay 1.8 → 8 s", reverb, |p, _| p
        .reverb
        .decay_s =
        8.0),
    // A 0.3 s decay widens the reverb's resonances to about 6.9/(π·0.3 s) ≈ 7 Hz either side
    // of the sine: after the glide the wet signal rings there (its own response, like the EQ's
    // moved resonances), 12% above a 60 Hz sine, so the bound allows 10% more bandwidth.
    Case {
        name: "reverb decay 1.8 → 0.3 s",
        before: reverb,
        edit: |p, _| p.reverb.decay_s = 0.3,
        mono: false,
        modes: 1.1,
    },
    case!("reverb damping 0.4 → 1", reverb, |p, _| p
        .reverb
        .damping =
        1.0),
    case!("reverb damping 0.4 → 0", reverb, |p, _| p
        .reverb
        .damping =
        0.0),
    case!("reverb width 1 → 0", reverb, |p, _| p.reverb.width = 0.0),
    case!("reverb return 0 → −20 dB", reverb, |p, _| p
        .reverb
        .return_db =
        -20.0),
    case!("reverb return mute", reverb, |p, _| p.reverb.mute = true),
];

const MASTER_CASES: &[Case] = &[
    case!("master gain 0 → −12 dB", |_, _| {}, |p, _| p
        .master
        .gain_db =
        -12.0),
    case!("limiter on → off", limiter, |p, _| p
        .master
        .limiter
        .enabled = false),
    case!(
        "limiter off → on",
        |p, f| {
            limiter(p, f);
            p.master.limiter.enabled = false;
        },
        |p, _| p.master.limiter.enabled = true
    ),
    case!("limiter ceiling −1 → −6 dBTP", limiter, |p, _| p
        .master
        .limiter
        .ceiling_dbtp =
        -6.0),
    case!(
        "limiter ceiling −6 → −1 dBTP",
        |p, f| {
            limiter(p, f);
            p.master.limiter.ceiling_dbtp = -6.0;
        },
        |p, _| p.master.limiter.ceiling_dbtp = -1.0
    ),
    case!("limiter release 50 → 500 ms", limiter, |p, _| p
        .master
        .limiter
        .release_ms =
        500.0),
];

#[test]
fn no_compressor_change_steps_the_output() {
    support::check(COMPRESSOR_CASES);
}

#[test]
fn no_reverb_change_steps_the_output() {
    support::check(REVERB_CASES);
}

#[test]
fn no_master_change_steps_the_output() {
    support::check(MASTER_CASES);
}
