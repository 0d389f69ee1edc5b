//! A geometry cache that redraws when a key changes, so a widget can cache what it draws from
//! its inputs (a waveform for a view, a curve for its parameters) without the app clearing it.

use iced::widget::canvas::{self, Frame, Geometry};
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
