//! Time mapping of the timeline: which frame is under which pixel, zoom and scroll.

/// Closest zoom: one frame per pixel.
pub const MIN_FRAMES_PER_PX: f64 = 1.0;
/// Farthest zoom (about 20 s per pixel at 48 kHz).
pub const MAX_FRAMES_PER_PX: f64 = 1_000_000.0;
/// Zoom factor per Ctrl+wheel notch.
pub const ZOOM_STEP: f64 = 1.25;
/// Pixels scrolled per wheel notch.
pub const SCROLL_PX: f64 = 60.0;
/// Mouse travel after which a press becomes a loop-region drag.
pub const DRAG_THRESHOLD_PX: f32 = 4.0;

/// The visible stretch of the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeView {
    /// Frame at the left edge (may be fractional).
    pub start: f64,
    /// Frames per pixel (the zoom).
    pub frames_per_px: f64,
}

impl Default for TimeView {
    fn default() -> Self {
        TimeView {
            start: 0.0,
            frames_per_px: 1024.0,
        }
    }
}

impl TimeView {
    /// A view starting at `start` with `frames_per_px`; bad numbers become usable ones.
    pub fn new(start: f64, frames_per_px: f64) -> TimeView {
        TimeView {
            start: if start.is_finite() {
                start.max(0.0)
            } else {
                0.0
            },
            frames_per_px: if frames_per_px.is_finite() {
                frames_per_px.clamp(MIN_FRAMES_PER_PX, MAX_FRAMES_PER_PX)
            } else {
                TimeView::default().frames_per_px
            },
        }
    }

    /// A view showing `frames` frames in `width` pixels.
    pub fn fit(frames: u64, width: f32) -> TimeView {
        TimeView::new(0.0, frames as f64 / f64::from(width.max(1.0)))
    }

    /// The frame at pixel `x` from the left edge.
    pub fn frame_at(&self, x: f32) -> f64 {
        self.start + f64::from(x) * self.frames_per_px
    }

    /// The pixel of `frame` from the left edge.
    pub fn x_of(&self, frame: f64) -> f32 {
        ((frame - self.start) / self.frames_per_px) as f32
    }

    /// Zoomed by `factor` (>1 zooms out) around pixel `x`, whose frame stays at `x` unless the
    /// view would start before frame 0.
    pub fn zoomed(&self, x: f32, factor: f64) -> TimeView {
        let anchor = self.frame_at(x);
        let fpp = (self.frames_per_px * factor).clamp(MIN_FRAMES_PER_PX, MAX_FRAMES_PER_PX);
        TimeView::new(anchor - f64::from(x) * fpp, fpp)
    }

    /// Scrolled right by `px` pixels (negative scrolls left), not before frame 0.
    pub fn scrolled(&self, px: f64) -> TimeView {
        TimeView::new(self.start + px * self.frames_per_px, self.frames_per_px)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_anchor_frame() {
        let v = TimeView::new(100_000.0, 200.0);
        let z = v.zoomed(300.0, 1.0 / ZOOM_STEP);
        assert!((z.frame_at(300.0) - v.frame_at(300.0)).abs() < 1e-6);
        assert!((z.frames_per_px - 160.0).abs() < 1e-9);
    }

    #[test]
    fn views_are_sanitised() {
        let v = TimeView::new(f64::NAN, 0.0);
        assert_eq!(v.start, 0.0);
        assert_eq!(v.frames_per_px, MIN_FRAMES_PER_PX);
        assert_eq!(TimeView::new(-5.0, f64::INFINITY).frames_per_px, 1024.0);
        assert_eq!(TimeView::new(10.0, 1.0).scrolled(-100.0).start, 0.0);
        assert_eq!(TimeView::fit(48_000, 0.0).frames_per_px, 48_000.0);
    }
}
