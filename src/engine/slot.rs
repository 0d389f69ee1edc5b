//! Hands the real-time renderer between the audio callback and the control side without locks.
//!
//! The callback takes the renderer out of the slot for the duration of one buffer and puts it
//! back; the control side can take it only while no stream is running (after the stream was
//! dropped), which is how the engine state survives a device being unplugged and reopened.

use std::sync::atomic::{AtomicPtr, Ordering};

/// What an audio output drives: fills interleaved `f32` frames.
pub trait Render: Send + 'static {
    /// Fills `out` (interleaved, `channels` per frame) with the next frames. Real-time safe.
    fn render(&mut self, out: &mut [f32], channels: usize);
    /// The rate the renderer produces, in Hz.
    fn sample_rate(&self) -> u32;
    /// Frames (at the renderer's rate) the output adds after rendering (a resampler's delay),
    /// for a playhead that reports what is heard. Set by the output while no callback runs.
    fn set_output_delay(&mut self, _frames: u32) {}
}

/// A lock-free single-owner slot holding a boxed renderer.
pub struct RenderSlot<R> {
    ptr: AtomicPtr<R>,
}

// SAFETY: the slot only moves a `Box<R>` between threads; `R: Send` makes that sound.
unsafe impl<R: Send> Send for RenderSlot<R> {}
// SAFETY: all access to the pointee goes through an atomic swap that gives one thread exclusive
// ownership at a time.
unsafe impl<R: Send> Sync for RenderSlot<R> {}

impl<R> RenderSlot<R> {
    /// A slot holding `renderer`.
    pub fn new(renderer: Box<R>) -> Self {
        RenderSlot {
            ptr: AtomicPtr::new(Box::into_raw(renderer)),
        }
    }

    /// An empty slot.
    pub fn empty() -> Self {
        RenderSlot {
            ptr: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// Runs `f` with exclusive access to the renderer; returns `None` (without waiting) when
    /// someone else holds it or the slot is empty. Real-time safe: two atomic swaps.
    pub fn with<T>(&self, f: impl FnOnce(&mut R) -> T) -> Option<T> {
        let p = self.ptr.swap(std::ptr::null_mut(), Ordering::Acquire);
        if p.is_null() {
            return None;
        }
        // SAFETY: the swap made this thread the only holder of `p`, which came from
        // `Box::into_raw` and stays valid until it is put back below.
        let result = f(unsafe { &mut *p });
        self.ptr.store(p, Ordering::Release);
        Some(result)
    }

    /// Takes the renderer out (control side, while no callback runs).
    pub fn take(&self) -> Option<Box<R>> {
        let p = self.ptr.swap(std::ptr::null_mut(), Ordering::Acquire);
        // SAFETY: non-null pointers in the slot always come from `Box::into_raw` and the swap
        // transferred sole ownership to us.
        (!p.is_null()).then(|| unsafe { Box::from_raw(p) })
    }

    /// Puts a renderer in; returns the one that was there, if any.
    pub fn put(&self, renderer: Box<R>) -> Option<Box<R>> {
        let old = self.ptr.swap(Box::into_raw(renderer), Ordering::AcqRel);
        // SAFETY: as in `take`.
        (!old.is_null()).then(|| unsafe { Box::from_raw(old) })
    }
}

impl<R> Drop for RenderSlot<R> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_take_put() {
        let slot = RenderSlot::new(Box::new(5u32));
        assert_eq!(
            slot.with(|v| {
                *v += 1;
                *v
            }),
            Some(6)
        );
        let b = slot.take().unwrap();
        assert_eq!(*b, 6);
        assert_eq!(slot.with(|v| *v), None);
        assert!(slot.put(b).is_none());
        assert_eq!(slot.with(|v| *v), Some(6));
    }
}
