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
/// Signed integers: full scale is 2^(bits−1); `as` saturates (+1.0 → MAX, NaN → 0).
macro_rules! signed {
    ($($t:ty),*) => {$(
        impl DeviceSample for $t {
            fn from_f32(x: f32) -> Self {
                scaled(x, -(<$t>::MIN as f64)) as $t
            }
        }
    )*};
}
signed!(i8, i16, i32, i64);

/// Unsigned integers: the signed value of the same width with the sign bit flipped (offset
/// binary, silence at the middle of the range).
macro_rules! unsigned {
    ($($t:ty => $s:ty),*) => {$(
        impl DeviceSample for $t {
            fn from_f32(x: f32) -> Self {
                (<$s>::from_f32(x) as $t) ^ (1 << (<$t>::BITS - 1))
            }
        }
    )*};
}
unsigned!(u8 => i8, u16 => i16, u32 => i32, u64 => i64);
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
        assert_eq!((i8::from_f32(-1.0), i8::from_f32(0.5)), (-128, 64));
        assert_eq!(
            (i64::from_f32(1.0), i64::from_f32(-1.0)),
            (i64::MAX, i64::MIN)
        );
        assert_eq!(
            (u32::from_f32(0.0), u32::from_f32(1.0)),
            (1 << 31, u32::MAX)
        );
        assert_eq!((u64::from_f32(-1.0), u64::from_f32(0.0)), (0, 1 << 63));
        assert_eq!(cpal::I24::from_f32(1.0).inner(), 8_388_607);
        assert_eq!(cpal::U24::from_f32(0.0).inner(), 8_388_608);
    }
}
