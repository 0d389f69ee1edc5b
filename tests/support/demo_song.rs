//! The bundled example song, synthesised from scratch: four bars of Am–F–C–G at 100 BPM as four
//! stems (stereo drums, mono bass, stereo keys, and a mono lead at 44.1 kHz so that opening the
//! example exercises resampling). Deterministic: the same code always gives the same samples,
//! which `tests/example_project.rs` checks against the committed WAV files.

use std::f64::consts::TAU;

/// Tempo of the song.
pub const BPM: f64 = 100.0;
/// Length of every stem in seconds (four bars plus a tail).
pub const SECONDS: f64 = 10.0;

/// One stem: file name, sample rate and planar samples in −1…1.
pub struct Stem {
    pub file: &'static str,
    pub rate: u32,
    pub channels: Vec<Vec<f32>>,
}

/// All stems of the song.
pub fn stems() -> Vec<Stem> {
    vec![drums(), bass(), keys(), lead()]
}

fn beat_s() -> f64 {
    60.0 / BPM
}

/// A tiny deterministic noise source (xorshift64*).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

fn frames(rate: u32) -> usize {
    (SECONDS * rate as f64) as usize
}

fn midi_hz(note: f64) -> f64 {
    440.0 * 2f64.powf((note - 69.0) / 12.0)
}

/// Roots and chord tones (MIDI) for Am, F, C, G.
const CHORDS: [[f64; 4]; 4] = [
    [57.0, 60.0, 64.0, 69.0],
    [53.0, 57.0, 60.0, 65.0],
    [48.0, 55.0, 60.0, 64.0],
    [55.0, 59.0, 62.0, 67.0],
];

fn drums() -> Stem {
    let rate = 48_000;
    let n = frames(rate);
    let (mut l, mut r) = (vec![0.0f64; n], vec![0.0f64; n]);
    let mut noise = Noise(0x5eed_0001);
    let beat = beat_s();
    for b in 0..16 {
        let t0 = b as f64 * beat;
        let start = (t0 * rate as f64) as usize;
        // Kick on 1 and 3, snare on 2 and 4.
        if b % 2 == 0 {
            let mut phase = 0.0;
            for i in 0..(0.45 * rate as f64) as usize {
                let t = i as f64 / rate as f64;
                let f = 45.0 + 110.0 * (-t * 30.0).exp();
                phase += TAU * f / rate as f64;
                let v = 0.7 * phase.sin() * (-t * 7.0).exp();
                if start + i < n {
                    l[start + i] += v;
                    r[start + i] += v;
                }
            }
        } else {
            let mut lp = 0.0;
            for i in 0..(0.25 * rate as f64) as usize {
                let t = i as f64 / rate as f64;
                lp += 0.5 * (noise.next() - lp);
                let body = 0.35 * (TAU * 185.0 * t).sin() * (-t * 25.0).exp();
                let v = 0.45 * lp * (-t * 14.0).exp() + body;
                if start + i < n {
                    l[start + i] += v * 0.95;
                    r[start + i] += v;
                }
            }
        }
        // Closed hi-hat on every eighth, a little to the right.
        for half in 0..2 {
            let s = ((t0 + half as f64 * beat / 2.0) * rate as f64) as usize;
            let mut prev = 0.0;
            for i in 0..(0.06 * rate as f64) as usize {
                let t = i as f64 / rate as f64;
                let x = noise.next();
                let hp = x - prev; // first difference: a crude high-pass
                prev = x;
                let v = 0.12 * hp * (-t * 70.0).exp() * if half == 1 { 0.7 } else { 1.0 };
                if s + i < n {
                    l[s + i] += v * 0.6;
                    r[s + i] += v;
                }
            }
        }
    }
    Stem {
        file: "drums.wav",
        rate,
        channels: vec![to_f32(l), to_f32(r)],
    }
}

fn bass() -> Stem {
    let rate = 48_000;
    let n = frames(rate);
    let mut out = vec![0.0f64; n];
    let eighth = beat_s() / 2.0;
    for (bar, chord) in CHORDS.iter().enumerate() {
        for e in 0..8 {
            let note = chord[0] - 12.0 + if e == 6 { 7.0 } else { 0.0 };
            let f = midi_hz(note);
            let t0 = (bar * 8 + e) as f64 * eighth;
            let start = (t0 * rate as f64) as usize;
            let len = (eighth * 0.9 * rate as f64) as usize;
            let mut lp = 0.0;
            for i in 0..len {
                let t = i as f64 / rate as f64;
                // A few odd and even harmonics, softened by a one-pole low-pass.
                let raw: f64 = (1..=6)
                    .map(|h| (TAU * f * h as f64 * t).sin() / h as f64)
                    .sum();
                lp += 0.12 * (raw - lp);
                let env = (1.0 - (-t * 200.0).exp()) * (-t * 3.0).exp();
                let release = ((len - i) as f64 / (0.01 * rate as f64)).min(1.0);
                if start + i < n {
                    out[start + i] += 0.55 * lp * env * release;
                }
            }
        }
    }
    Stem {
        file: "bass.wav",
        rate,
        channels: vec![to_f32(out)],
    }
}

fn keys() -> Stem {
    let rate = 48_000;
    let n = frames(rate);
    let (mut l, mut r) = (vec![0.0f64; n], vec![0.0f64; n]);
    let bar = beat_s() * 4.0;
    for (b, chord) in CHORDS.iter().enumerate() {
        let start = (b as f64 * bar * rate as f64) as usize;
        let len = ((bar + if b == 3 { 0.35 } else { 0.0 }) * rate as f64) as usize;
        for (k, &note) in chord.iter().enumerate() {
            let f = midi_hz(note);
            for i in 0..len {
                let t = i as f64 / rate as f64;
                let env = (1.0 - (-t * 12.0).exp()) * (-t * 0.5).exp();
                let tail = ((len - i) as f64 / (0.05 * rate as f64)).min(1.0);
                // Electric-piano-ish: a sine with a decaying second partial, detuned per side.
                let voice = |detune: f64| {
                    let ph = TAU * f * detune * t;
                    ph.sin() + 0.3 * (2.0 * ph).sin() * (-t * 4.0).exp()
                };
                let g = 0.075 * env * tail;
                let spread = (k as f64 - 1.5) * 0.15;
                if start + i < n {
                    l[start + i] += g * voice(0.998) * (1.0 - spread);
                    r[start + i] += g * voice(1.002) * (1.0 + spread);
                }
            }
        }
    }
    Stem {
        file: "keys.wav",
        rate,
        channels: vec![to_f32(l), to_f32(r)],
    }
}

fn lead() -> Stem {
    let rate = 44_100;
    let n = frames(rate);
    let mut out = vec![0.0f64; n];
    // (beat, length in beats, MIDI note)
    const MELODY: [(f64, f64, f64); 10] = [
        (0.0, 1.5, 76.0),
        (1.5, 0.5, 74.0),
        (2.0, 2.0, 72.0),
        (4.0, 1.0, 72.0),
        (5.0, 1.0, 74.0),
        (6.0, 2.0, 76.0),
        (8.0, 1.5, 79.0),
        (9.5, 2.5, 76.0),
        (12.0, 1.0, 74.0),
        (13.0, 3.0, 71.0),
    ];
    let beat = beat_s();
    for &(at, len_beats, note) in &MELODY {
        let f = midi_hz(note);
        let start = (at * beat * rate as f64) as usize;
        let len = (len_beats * beat * rate as f64) as usize;
        let mut phase = 0.0;
        for i in 0..len {
            let t = i as f64 / rate as f64;
            let vib = 1.0 + 0.004 * (TAU * 5.5 * t).sin() * (t * 2.0).min(1.0);
            phase += TAU * f * vib / rate as f64;
            let tone = phase.sin() + 0.25 * (2.0 * phase).sin() + 0.1 * (3.0 * phase).sin();
            let env =
                (1.0 - (-t * 30.0).exp()) * ((len - i) as f64 / (0.03 * rate as f64)).min(1.0);
            if start + i < n {
                out[start + i] += 0.3 * tone * env;
            }
        }
    }
    Stem {
        file: "lead.wav",
        rate,
        channels: vec![to_f32(out)],
    }
}

fn to_f32(v: Vec<f64>) -> Vec<f32> {
    v.into_iter().map(|x| x.clamp(-1.0, 1.0) as f32).collect()
}

/// The 16-bit value the committed WAV holds for a sample.
pub fn quantize(x: f32) -> i16 {
    (x as f64 * 32767.0).round().clamp(-32768.0, 32767.0) as i16
}
