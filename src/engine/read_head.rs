//! The graph's read head: the source frame every strip reads next, with the short crossfade
//! that hides seeks and loop wraps while playing.

/// Length of the crossfade that hides seeks and loop wraps while playing.
pub const JUMP_FADE_MS: f32 = 5.0;

/// Where the graph reads its stems, with an optional declick crossfade after a jump.
#[derive(Clone, Copy, Debug)]
pub struct ReadHead {
    /// Frame read next.
    pub pos: u64,
    /// Frame the old position would have read next, while fading.
    fade_from: u64,
    /// Frames of crossfade still to go.
    fade_left: u32,
    /// Total length of a crossfade.
    fade_len: u32,
    /// Sources are silent from this frame on (the end of a bounce range; tails still ring).
    end: u64,
}

impl ReadHead {
    /// A head at frame 0 with the crossfade length for `rate`.
    pub fn new(rate: u32) -> ReadHead {
        ReadHead {
            pos: 0,
            fade_from: 0,
            fade_left: 0,
            fade_len: ((JUMP_FADE_MS / 1000.0 * rate as f32).round() as u32).max(1),
            end: u64::MAX,
        }
    }

    /// Makes every source silent from `end` on (`None`: play to the end of the stems).
    pub fn set_end(&mut self, end: Option<u64>) {
        self.end = end.unwrap_or(u64::MAX);
    }

    /// Jumps to `frame`; with `declick`, crossfades from the old position.
    pub fn jump(&mut self, frame: u64, declick: bool) {
        if declick && frame != self.pos {
            // A jump in the middle of a fade starts from the faded-to position; the short
            // residue of the older fade is dropped.
            self.fade_from = self.pos;
            self.fade_left = self.fade_len;
        } else {
            self.fade_left = 0;
        }
        self.pos = frame;
    }

    /// Ends any crossfade.
    pub fn clear_fade(&mut self) {
        self.fade_left = 0;
    }

    /// Moves on by `n` frames.
    pub fn advance(&mut self, n: usize) {
        // Saturating: a seek can name any frame, even u64::MAX (silence from there on).
        self.pos = self.pos.saturating_add(n as u64);
        self.fade_from = self.fade_from.saturating_add(n as u64);
        self.fade_left = self.fade_left.saturating_sub(n as u32);
    }

    /// The frames the next `n` frames read (clamped to the end of the sources): from the
    /// position, and from the old position while a crossfade runs (else an empty range).
    pub(super) fn spans(&self, n: usize) -> [std::ops::Range<usize>; 2] {
        let frames = |from: u64, n: u64| {
            let to = from.saturating_add(n).min(self.end);
            let at = |f: u64| usize::try_from(f).unwrap_or(usize::MAX);
            at(from.min(to))..at(to)
        };
        let fade = if self.fade_left > 0 {
            frames(self.fade_from, u64::from(self.fade_left).min(n as u64))
        } else {
            0..0
        };
        [frames(self.pos, n as u64), fade]
    }

    /// Copies `n` frames of `src` starting at the head into `dst`, zero beyond the end.
    pub(super) fn read(&self, src: &[f32], dst: &mut [f32]) {
        let src = &src[..src
            .len()
            .min(usize::try_from(self.end).unwrap_or(usize::MAX))];
        copy_from(src, self.pos, dst);
        if self.fade_left > 0 {
            let len = self.fade_len as f32;
            let done = (self.fade_len - self.fade_left) as usize;
            let k = (self.fade_left as usize).min(dst.len());
            for (i, d) in dst[..k].iter_mut().enumerate() {
                let g = (done + i) as f32 / len; // 0 → 1 towards the new position
                let old = sample_at(src, self.fade_from.saturating_add(i as u64));
                *d = old + (*d - old) * g;
            }
        }
    }
}

fn sample_at(src: &[f32], i: u64) -> f32 {
    usize::try_from(i)
        .ok()
        .and_then(|i| src.get(i))
        .copied()
        .unwrap_or(0.0)
}

fn copy_from(src: &[f32], start: u64, dst: &mut [f32]) {
    let n = dst.len();
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(src.len());
    let avail = (src.len() - start).min(n);
    dst[..avail].copy_from_slice(&src[start..start + avail]);
    dst[avail..].fill(0.0);
}
