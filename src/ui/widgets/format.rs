//! Short value labels for controls and scales ("-6.0", "1.2 kHz", "L 30", "1:05").
//!
//! Labels are short because they sit in 60-pixel-wide strips; NaN and infinities format as
//! readable text rather than "NaN".

use crate::project::SILENCE_DB;

/// A level in dB with one decimal and an explicit sign above zero: "+3.5", "0.0", "-12.3",
/// "-∞" at or below [`SILENCE_DB`].
pub fn db(v: f32) -> String {
    if v.is_nan() || v <= SILENCE_DB {
        return "-∞".into();
    }
    if v == f32::INFINITY {
        return "+∞".into();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0.0".into()
    } else if r.abs() >= 100.0 {
        format!("{r:+.0}")
    } else {
        format!("{r:+.1}")
    }
}

/// A frequency: "80 Hz", "950 Hz", "1.2 kHz", "12 kHz".
pub fn hz(v: f32) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v < 1000.0 {
        format!("{v:.0} Hz")
    } else if v < 10_000.0 {
        format!("{:.1} kHz", v / 1000.0)
    } else {
        format!("{:.0} kHz", v / 1000.0)
    }
}

/// A pan position (−1…+1) as "L 30", "C" or "R 100" (percent of the way to the side).
pub fn pan(v: f32) -> String {
    if !v.is_finite() {
        return "C".into();
    }
    let pct = (v.clamp(-1.0, 1.0) * 100.0).round();
    if pct == 0.0 {
        "C".into()
    } else if pct < 0.0 {
        format!("L {:.0}", -pct)
    } else {
        format!("R {pct:.0}")
    }
}

/// A compression ratio: "4.0:1", "20:1".
pub fn ratio(v: f32) -> String {
    if !v.is_finite() {
        return "∞:1".into();
    }
    if v >= 10.0 {
        format!("{v:.0}:1")
    } else {
        format!("{v:.1}:1")
    }
}

/// A duration in milliseconds: "0.5 ms", "10 ms", "1.2 s".
pub fn ms(v: f32) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v < 10.0 {
        format!("{v:.1} ms")
    } else if v < 1000.0 {
        format!("{v:.0} ms")
    } else {
        format!("{:.1} s", v / 1000.0)
    }
}

/// A plain number with `decimals` digits after the point (Q, amounts 0…1).
pub fn number(v: f32, decimals: usize) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    format!("{v:.decimals$}")
}

/// Time on the ruler as "m:ss" ("1:05"), or "m:ss.d" when `tenths` (zoomed in).
pub fn time(seconds: f64, tenths: bool) -> String {
    let s = if seconds.is_finite() {
        seconds.max(0.0)
    } else {
        0.0
    };
    if tenths {
        let d = (s * 10.0).round() as u64;
        format!("{}:{:02}.{}", d / 600, (d / 10) % 60, d % 10)
    } else {
        let t = s.round() as u64;
        format!("{}:{:02}", t / 60, t % 60)
    }
}

/// Transport time as "m:ss.mmm".
pub fn time_ms(seconds: f64) -> String {
    let s = if seconds.is_finite() {
        seconds.max(0.0)
    } else {
        0.0
    };
    let m = (s * 1000.0).round() as u64;
    format!("{}:{:02}.{:03}", m / 60_000, (m / 1000) % 60, m % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(db(0.0), "0.0");
        assert_eq!(db(-0.04), "0.0");
        assert_eq!(db(3.46), "+3.5");
        assert_eq!(db(-12.34), "-12.3");
        assert_eq!(db(f32::NEG_INFINITY), "-∞");
        assert_eq!(db(f32::NAN), "-∞");
        assert_eq!(db(-144.0), "-∞");
        assert_eq!(db(-120.0), "-120");
        assert_eq!(hz(80.0), "80 Hz");
        assert_eq!(hz(1234.0), "1.2 kHz");
        assert_eq!(hz(12_000.0), "12 kHz");
        assert_eq!(pan(0.001), "C");
        assert_eq!(pan(-0.3), "L 30");
        assert_eq!(pan(1.0), "R 100");
        assert_eq!(pan(f32::NAN), "C");
        assert_eq!(ratio(4.0), "4.0:1");
        assert_eq!(ms(120.0), "120 ms");
        assert_eq!(time(65.2, false), "1:05");
        assert_eq!(time(65.25, true), "1:05.3");
        assert_eq!(time(f64::NAN, false), "0:00");
        assert_eq!(time_ms(61.5), "1:01.500");
    }
}
