//! A geometry cache that redraws when a key changes, so a widget can cache what it draws from
//! its inputs (a waveform for a view, a curve for its parameters) without the app clearing it.

use iced::widget::canvas::{self, Frame, Geometry, Text};
use iced::{Renderer, Size};
use std::cell::Cell;

/// A [`canvas::Cache`] tagged with the key of what it holds.
pub(crate) struct KeyedCache<K> {
    cache: canvas::Cache,
    key: Cell<Option<K>>,
}

impl<K> Default for KeyedCache<K> {
    fn default() -> Self {
        KeyedCache {
            cache: canvas::Cache::new(),
            key: Cell::new(None),
        }
    }
}

impl<K: Copy + PartialEq> KeyedCache<K> {
    /// The cached geometry for `key` at `size`, drawn by `f` if either changed.
    pub(crate) fn draw(
        &self,
        renderer: &Renderer,
        size: Size,
        key: K,
        f: impl FnOnce(&mut Frame),
    ) -> Geometry {
        if self.key.get() != Some(key) {
            self.cache.clear();
            self.key.set(Some(key));
        }
        self.cache.draw(renderer, size, f)
    }
}

/// A cheap, order-sensitive hash of floats for cache keys (FNV-1a over the bit patterns).
pub(crate) fn hash_floats(values: impl IntoIterator<Item = f32>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        h ^= u64::from(v.to_bits());
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Draws `text` as filled glyph outlines, part of the frame's geometry.
///
/// `Frame::fill_text` would make a text item that iced 0.14's software renderer gives unbounded
/// clip bounds: whenever anything in the same layer is repainted (a meter moving while
/// playing), every such text in the layer is redrawn through a window-sized clip mask, which
/// cost more than everything else together. Outlines are repainted only where their own area
/// is, and look the same on both renderers.
pub(crate) fn fill_text(frame: &mut Frame, text: Text) {
    text.draw_with(|path, color| frame.fill(&path, color));
}
