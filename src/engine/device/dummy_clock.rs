//! A silent clock that drives the renderer in real time when no device is available.

use super::PullFn;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Calls the renderer once per block period on absolute deadlines (no drift), writing into a
/// discarded buffer: keeps transport and meters alive when no device is available.
pub struct DummyClock {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DummyClock {
    /// Starts the clock for `pull` at `rate` in blocks of `block` frames.
    pub fn start(mut pull: PullFn, rate: u32, block: u32) -> DummyClock {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let block = block.max(1);
        let rate = rate.max(1);
        let thread = std::thread::Builder::new()
            .name("stemmix-dummy-clock".into())
            .spawn(move || {
                let mut buf = vec![0.0f32; block as usize * 2];
                let mut origin = Instant::now();
                let mut k: u64 = 0;
                while !s.load(Ordering::Acquire) {
                    pull(&mut buf, 2);
                    k += 1;
                    // Deadline k is computed from the origin, not from the last wake-up, so
                    // sleep jitter never accumulates.
                    let nanos =
                        u128::from(k) * u128::from(block) * 1_000_000_000 / u128::from(rate);
                    let deadline = origin + Duration::from_nanos(nanos as u64);
                    let now = Instant::now();
                    if deadline > now {
                        std::thread::sleep(deadline - now);
                    } else if now - deadline > Duration::from_millis(500) {
                        // Suspended or starved for long: start counting again rather than
                        // rendering a burst to catch up.
                        origin = now;
                        k = 0;
                    }
                }
            })
            .ok();
        DummyClock { stop, thread }
    }

    /// Stops the clock and waits until it has rendered its last block.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for DummyClock {
    fn drop(&mut self) {
        self.halt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn dummy_clock_keeps_real_time_without_drift() {
        let frames = Arc::new(AtomicU64::new(0));
        let f = frames.clone();
        let pull: PullFn = Box::new(move |buf, ch| {
            f.fetch_add((buf.len() / ch) as u64, Ordering::Relaxed);
        });
        let t0 = Instant::now();
        let clock = DummyClock::start(pull, 48_000, 480);
        std::thread::sleep(Duration::from_millis(1000));
        let elapsed = t0.elapsed().as_secs_f64();
        let rendered = frames.load(Ordering::Relaxed) as f64 / 48_000.0;
        clock.stop();
        // One block is rendered ahead of its deadline; a stall is caught up on absolute
        // deadlines. The slack is for a busy shared test machine.
        assert!(
            (rendered - elapsed).abs() < 0.1,
            "{rendered} s in {elapsed} s"
        );
    }
}
