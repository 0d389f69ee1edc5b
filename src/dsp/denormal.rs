//! Flush-to-zero guard: keeps subnormal numbers from slowing the audio thread down.
//!
//! Arithmetic on subnormal floats (|x| < 2.2e-308 for f64, 1.2e-38 for f32) runs through a
//! micro-code assist that is 20–100× slower on x86. Decaying filter and reverb states reach that
//! range when the input falls silent, so the engine holds a [`FlushDenormals`] guard around every
//! graph process call. The processors also bring their own states to exact zeros where that is
//! cheap, so they stay fast even without the guard.

use std::marker::PhantomData;

/// RAII guard that sets flush-to-zero (and denormals-are-zero on x86_64) for the current thread
/// and restores the previous floating-point mode when dropped.
///
/// It is deliberately neither `Send` nor `Sync`: the mode belongs to the thread that set it.
pub struct FlushDenormals {
    #[cfg_attr(
        not(any(target_arch = "x86_64", target_arch = "aarch64")),
        allow(dead_code)
    )]
    previous: u64,
    _not_send: PhantomData<*const ()>,
}

#[cfg(target_arch = "x86_64")]
mod arch {
    /// MXCSR bit 15: flush results that would be subnormal to zero.
    const FTZ: u32 = 1 << 15;
    /// MXCSR bit 6: treat subnormal inputs as zero.
    const DAZ: u32 = 1 << 6;

    pub fn read() -> u64 {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr stores the 32-bit MXCSR register into the given memory location.
        unsafe {
            core::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack, preserves_flags));
        }
        csr as u64
    }

    pub fn write(mode: u64) {
        let csr = mode as u32;
        // SAFETY: ldmxcsr loads MXCSR from memory; we only ever write values read from it with
        // the FTZ/DAZ bits changed, which are valid on every x86_64 CPU with SSE2 (DAZ: all
        // since the Pentium 4; the processors we target support it).
        unsafe {
            core::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack, preserves_flags));
        }
    }

    pub fn with_flush(mode: u64) -> u64 {
        mode | (FTZ | DAZ) as u64
    }

    pub fn flushing(mode: u64) -> bool {
        mode as u32 & (FTZ | DAZ) == FTZ | DAZ
    }
}

#[cfg(target_arch = "aarch64")]
mod arch {
    /// FPCR bit 24: flush subnormal inputs and results to zero.
    const FZ: u64 = 1 << 24;

    pub fn read() -> u64 {
        let fpcr: u64;
        // SAFETY: reading FPCR has no side effects.
        unsafe {
            core::arch::asm!("mrs {}, fpcr", out(reg) fpcr, options(nomem, nostack, preserves_flags));
        }
        fpcr
    }

    pub fn write(mode: u64) {
        // SAFETY: we only write values read from FPCR with the FZ bit changed.
        unsafe {
            core::arch::asm!("msr fpcr, {}", in(reg) mode, options(nomem, nostack, preserves_flags));
        }
    }

    pub fn with_flush(mode: u64) -> u64 {
        mode | FZ
    }

    pub fn flushing(mode: u64) -> bool {
        mode & FZ != 0
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod arch {
    pub fn read() -> u64 {
        0
    }
    pub fn write(_mode: u64) {}
    pub fn with_flush(mode: u64) -> u64 {
        mode
    }
    pub fn flushing(_mode: u64) -> bool {
        false
    }
}

impl FlushDenormals {
    /// Turns flush-to-zero on for this thread until the guard is dropped.
    pub fn new() -> Self {
        let previous = arch::read();
        arch::write(arch::with_flush(previous));
        FlushDenormals {
            previous,
            _not_send: PhantomData,
        }
    }

    /// Whether this thread currently flushes subnormals (false on unsupported architectures).
    pub fn is_active() -> bool {
        arch::flushing(arch::read())
    }
}

impl Default for FlushDenormals {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        arch::write(self.previous);
    }
}

#[cfg(test)]
mod tests {
    use super::FlushDenormals;
    use std::hint::black_box;

    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    fn guard_flushes_and_restores() {
        let tiny = black_box(f64::MIN_POSITIVE);
        let before = black_box(tiny) * black_box(0.5);
        assert!(before.is_subnormal(), "subnormals work by default");
        assert!(!FlushDenormals::is_active());
        {
            let _guard = FlushDenormals::new();
            assert!(FlushDenormals::is_active());
            let flushed = black_box(tiny) * black_box(0.5);
            assert_eq!(flushed, 0.0);
            let tiny32 = black_box(f32::MIN_POSITIVE);
            assert_eq!(black_box(tiny32) * black_box(0.25f32), 0.0);
            {
                // Nested guards restore to the outer guard's mode.
                let _inner = FlushDenormals::new();
            }
            assert!(FlushDenormals::is_active());
        }
        assert!(!FlushDenormals::is_active());
        let after = black_box(tiny) * black_box(0.5);
        assert!(after.is_subnormal(), "mode restored after drop");
    }
}
