//! Conversion of the renderer's f32 samples to whatever a device asks for.

/// A device sample type, converted from the renderer's f32 with rounding and clipping (cpal's
/// own conversion truncates and does not clip, which wraps loud integer samples).
pub trait DeviceSample: cpal::SizedSample + Send + 'static {
    /// Converts one sample in −1…1 (values beyond are clipped; NaN becomes 0).
    fn from_f32(x: f32) -> Self;
}

fn scaled(x: f32, full: f64) -> f64 {
    (f64::from(x.clamp(-1.0, 1.0)) * full).round()
}

impl DeviceSample for f32 {
    fn from_f32(x: f32) -> Self {
        x
    }
}
impl DeviceSample for f64 {
    fn from_f32(x: f32) -> Self {
        f64::from(x)
    }
}
impl DeviceSample for i8 {
    fn from_f32(x: f32) -> Self {
        scaled(x, 128.0) as i8
    }
}
impl DeviceSample for i16 {
    fn from_f32(x: f32) -> Self {
        // `as` saturates: +1.0 → 32767, NaN → 0.
        scaled(x, 32_768.0) as i16
    }
}
impl DeviceSample for i32 {
    fn from_f32(x: f32) -> Self {
        scaled(x, 2_147_483_648.0) as i32
    }
}
impl DeviceSample for i64 {
    fn from_f32(x: f32) -> Self {
        scaled(x, 9_223_372_036_854_775_808.0) as i64
    }
}
impl DeviceSample for u8 {
    fn from_f32(x: f32) -> Self {
        (i8::from_f32(x) as u8) ^ 0x80
    }
}
impl DeviceSample for u16 {
    fn from_f32(x: f32) -> Self {
        (i16::from_f32(x) as u16) ^ 0x8000
    }
}
impl DeviceSample for u32 {
    fn from_f32(x: f32) -> Self {
        (i32::from_f32(x) as u32) ^ 0x8000_0000
    }
}
impl DeviceSample for u64 {
    fn from_f32(x: f32) -> Self {
        (i64::from_f32(x) as u64) ^ 0x8000_0000_0000_0000
    }
}
impl DeviceSample for cpal::I24 {
    fn from_f32(x: f32) -> Self {
        let v = (scaled(x, 8_388_608.0) as i32).clamp(-8_388_608, 8_388_607);
        cpal::I24::new_unchecked(v)
    }
}
impl DeviceSample for cpal::U24 {
    fn from_f32(x: f32) -> Self {
        let v = (scaled(x, 8_388_608.0) as i32).clamp(-8_388_608, 8_388_607);
        cpal::U24::new_unchecked(v + 8_388_608)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_conversion_rounds_and_clips() {
        assert_eq!(i16::from_f32(0.0), 0);
        assert_eq!(i16::from_f32(1.0), 32767);
        assert_eq!(i16::from_f32(2.0), 32767);
        assert_eq!(i16::from_f32(-1.0), -32768);
        assert_eq!(i16::from_f32(-3.0), -32768);
        assert_eq!(i16::from_f32(f32::NAN), 0);
        assert_eq!(i16::from_f32(0.6 / 32768.0), 1);
        assert_eq!(i16::from_f32(0.4 / 32768.0), 0);
        assert_eq!(u16::from_f32(0.0), 32768);
        assert_eq!(u8::from_f32(-1.0), 0);
        assert_eq!(u8::from_f32(1.0), 255);
        assert_eq!(i32::from_f32(1.0), i32::MAX);
        assert_eq!(i32::from_f32(-0.5), -(1 << 30));
        assert_eq!(cpal::I24::from_f32(1.0).inner(), 8_388_607);
        assert_eq!(cpal::U24::from_f32(0.0).inner(), 8_388_608);
    }
}
