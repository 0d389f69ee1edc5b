//! No parameter change of a channel strip steps the output (issue 14, item 1): EQ gain to or
//! from exactly 0 dB, band on/off, slope, frequency and Q; trim, fader, pan, width, polarity,
//! mute, solo, send level and send pre/post. The method is in `support/param_steps.rs`; the
//! compressor, reverb, master and limiter cases are in `parameter_steps_dynamics.rs`.
//!
//! Run with `--nocapture` for the table of the worst step per edit kind. (EQ bands have fixed
//! types — high-pass, shelves, bells, low-pass — so a band's "type" change is its slope.)

#[path = "support/param_steps.rs"]
mod support;

use stemmix::project::{Project, Slope};
use support::{Case, track};

fn bell(p: &mut Project, f: f32, q: f32, gain_db: f32) {
    let b = &mut track(p).eq.peak1;
    b.enabled = true;
    b.freq_hz = f;
    b.q = q;
    b.gain_db = gain_db;
}

const EQ_CASES: &[Case] = &[
    Case {
        name: "EQ bell +12 → 0 dB (Q 4)",
        before: |p, f| bell(p, f, 4.0, 12.0),
        edit: |p, _| track(p).eq.peak1.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell −12 → 0 dB (Q 8)",
        before: |p, f| bell(p, f, 8.0, -12.0),
        edit: |p, _| track(p).eq.peak1.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell 0 → +12 dB (Q 4)",
        before: |p, f| bell(p, f, 4.0, 0.0),
        edit: |p, _| track(p).eq.peak1.gain_db = 12.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ low shelf +12 → 0 dB (Q 2)",
        before: |p, f| {
            let b = &mut track(p).eq.low_shelf;
            (b.enabled, b.freq_hz, b.q, b.gain_db) = (true, 1.5 * f, 2.0, 12.0);
        },
        edit: |p, _| track(p).eq.low_shelf.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ high shelf −12 → 0 dB (Q 2)",
        before: |p, f| {
            let b = &mut track(p).eq.high_shelf;
            (b.enabled, b.freq_hz, b.q, b.gain_db) = (true, 0.7 * f, 2.0, -12.0);
        },
        edit: |p, _| track(p).eq.high_shelf.gain_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell on → off",
        before: |p, f| bell(p, f, 4.0, 12.0),
        edit: |p, _| track(p).eq.peak1.enabled = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell off → on",
        before: |p, f| {
            bell(p, f, 4.0, 12.0);
            track(p).eq.peak1.enabled = false;
        },
        edit: |p, _| track(p).eq.peak1.enabled = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ bell frequency ×4, Q 8 → 0.5",
        before: |p, f| bell(p, f, 8.0, 12.0),
        edit: |p, f| {
            let b = &mut track(p).eq.peak1;
            (b.freq_hz, b.q) = ((4.0 * f).min(20_000.0), 0.5);
        },
        mono: false,
        modes: 4.0,
    },
    Case {
        name: "EQ high-pass off → on (Q 4)",
        before: |p, f| {
            let b = &mut track(p).eq.high_pass;
            (b.enabled, b.freq_hz, b.q) = (false, f, 4.0);
        },
        edit: |p, _| track(p).eq.high_pass.enabled = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ high-pass on → off (Q 4)",
        before: |p, f| {
            let b = &mut track(p).eq.high_pass;
            (b.enabled, b.freq_hz, b.q) = (true, f, 4.0);
        },
        edit: |p, _| track(p).eq.high_pass.enabled = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ high-pass 12 → 24 dB/oct",
        before: |p, f| {
            let b = &mut track(p).eq.high_pass;
            (b.enabled, b.freq_hz, b.q) = (true, f, 4.0);
        },
        edit: |p, _| track(p).eq.high_pass.slope = Slope::Db24,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "EQ low-pass 24 → 12 dB/oct",
        before: |p, f| {
            let b = &mut track(p).eq.low_pass;
            (b.enabled, b.freq_hz, b.q, b.slope) = (true, f, 4.0, Slope::Db24);
        },
        edit: |p, _| track(p).eq.low_pass.slope = Slope::Db12,
        mono: false,
        modes: 1.0,
    },
];

/// A post-fader send at −6 dB with the fader at −6 dB and the track panned: pre and post
/// differ in level and balance, so a switch between them is audible.
fn send(p: &mut Project, _f: f32) {
    let t = track(p);
    (t.reverb_send_db, t.reverb_send_pre_fader) = (-6.0, false);
    (t.gain_db, t.pan) = (-6.0, 0.5);
}

const STRIP_CASES: &[Case] = &[
    Case {
        name: "trim 0 → −12 dB",
        before: |_, _| {},
        edit: |p, _| track(p).trim_db = -12.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "fader 0 → −20 dB",
        before: |_, _| {},
        edit: |p, _| track(p).gain_db = -20.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "pan centre → hard left (mono)",
        before: |_, _| {},
        edit: |p, _| track(p).pan = -1.0,
        mono: true,
        modes: 1.0,
    },
    Case {
        name: "width 1 → 0 (width + position)",
        before: |p, _| p.pan_law.stereo = stemmix::project::StereoPanLaw::WidthPosition,
        edit: |p, _| track(p).width = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "polarity normal → inverted",
        before: |_, _| {},
        edit: |p, _| track(p).polarity_invert = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "polarity inverted → normal",
        before: |p, _| track(p).polarity_invert = true,
        edit: |p, _| track(p).polarity_invert = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "mute on",
        before: |_, _| {},
        edit: |p, _| track(p).mute = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "mute off",
        before: |p, _| track(p).mute = true,
        edit: |p, _| track(p).mute = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "solo on (the other track goes quiet)",
        before: |_, _| {},
        edit: |p, _| track(p).solo = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "solo off",
        before: |p, _| track(p).solo = true,
        edit: |p, _| track(p).solo = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "send level −6 → 0 dB",
        before: send,
        edit: |p, _| track(p).reverb_send_db = 0.0,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "send post → pre (stereo)",
        before: send,
        edit: |p, _| track(p).reverb_send_pre_fader = true,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "send pre → post (stereo)",
        before: |p, f| {
            send(p, f);
            track(p).reverb_send_pre_fader = true;
        },
        edit: |p, _| track(p).reverb_send_pre_fader = false,
        mono: false,
        modes: 1.0,
    },
    Case {
        name: "send post → pre (mono)",
        before: send,
        edit: |p, _| track(p).reverb_send_pre_fader = true,
        mono: true,
        modes: 1.0,
    },
];

#[test]
fn no_eq_change_steps_the_output() {
    support::check(EQ_CASES);
}

#[test]
fn no_strip_change_steps_the_output() {
    support::check(STRIP_CASES);
}
