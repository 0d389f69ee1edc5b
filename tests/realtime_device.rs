//! The output supervisor with a fake audio system that can be unplugged: no device → a dummy
//! clock keeps the transport and meters alive and the user is told; the device appears → the
//! stream opens; it disappears mid-play → playback pauses with a message, the dummy clock takes
//! over, and when the device is back the stream reopens with the engine state intact (same
//! position, same DSP state, same graph) and, when asked, playback resumes.

#[path = "support/synth_project.rs"]
mod synth;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use stemmix::engine::device::{
    ActiveStream, AudioHost, OutputConfig, OutputError, OutputStatus, PullFn, StreamHealth,
    StreamInfo, StreamRequest,
};
use stemmix::engine::feedback::PlayState;
use stemmix::engine::handle::EngineHandle;

const RATE: u32 = 48_000;

#[derive(Default)]
struct World {
    plugged: AtomicBool,
    opens: AtomicU32,
}

struct FakeHost(Arc<World>);

struct FakeStream {
    world: Arc<World>,
    pull: Option<PullFn>,
    health: Arc<StreamHealth>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl AudioHost for FakeHost {
    fn open(
        &mut self,
        req: &StreamRequest,
        source: &dyn Fn() -> PullFn,
        health: Arc<StreamHealth>,
    ) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError> {
        if !self.0.plugged.load(Ordering::SeqCst) {
            return Err(OutputError::NoDevice(" (fake: unplugged)".into()));
        }
        self.0.opens.fetch_add(1, Ordering::SeqCst);
        let info = StreamInfo {
            device: "fake".into(),
            sample_rate: req.sample_rate,
            channels: 2,
            format: "f32".into(),
            buffer_frames: Some(256),
            resampled_from: None,
            notes: vec![],
        };
        let stream = FakeStream {
            world: self.0.clone(),
            pull: Some(source()),
            health,
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        };
        Ok((Box::new(stream), info))
    }
}

impl ActiveStream for FakeStream {
    fn start(&mut self) -> Result<(), OutputError> {
        let mut pull = self.pull.take().expect("started once");
        let (world, health, stop) = (self.world.clone(), self.health.clone(), self.stop.clone());
        self.thread = Some(std::thread::spawn(move || {
            let mut buf = vec![0.0f32; 512];
            while !stop.load(Ordering::SeqCst) {
                if !world.plugged.load(Ordering::SeqCst) {
                    // What cpal's error callback does when the device goes away.
                    health.lost();
                    return;
                }
                health.callback();
                pull(&mut buf, 2);
                std::thread::sleep(Duration::from_micros(5_333));
            }
        }));
        Ok(())
    }
}

impl Drop for FakeStream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Ticks until `cond` holds (or fails after 5 s), collecting messages.
fn until(
    h: &mut EngineHandle,
    msgs: &mut Vec<String>,
    what: &str,
    cond: impl Fn(&EngineHandle) -> bool,
) {
    let t0 = Instant::now();
    loop {
        h.tick();
        msgs.extend(h.take_messages());
        if cond(h) {
            return;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "timed out waiting for {what}; messages {msgs:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn device_loss_pauses_falls_back_to_a_clock_and_reconnects_keeping_state() {
    let (project, stems) = synth::project(4, RATE);
    let mut h = EngineHandle::new(synth::graph(&project, &stems, 256));
    let slot = h.renderer();
    let length = slot.with(|e| e.graph().length()).unwrap();
    h.set_loop(true, 0, length);
    h.set_resume_after_reconnect(true);
    h.play();
    let world = Arc::new(World::default());
    let w = world.clone();
    let config = OutputConfig {
        retry_interval: Duration::from_millis(100),
        buffer_frames: Some(256),
        ..OutputConfig::default()
    };
    h.start_output_with(config, move || Box::new(FakeHost(w)) as Box<dyn AudioHost>);
    let mut msgs = Vec::new();

    // 1. No device: told so, and the dummy clock keeps the transport moving.
    until(&mut h, &mut msgs, "unavailable", |h| {
        matches!(h.output_status(), OutputStatus::Unavailable { .. })
    });
    assert!(
        msgs.iter()
            .any(|m| m.contains("playback unavailable") && m.contains("unplugged"))
    );
    until(&mut h, &mut msgs, "clock", |h| {
        h.meters().position() > 4_800
    });

    // 2. The device appears: the stream opens; the transport carries on from where it was.
    let before = h.meters().position();
    world.plugged.store(true, Ordering::SeqCst);
    until(&mut h, &mut msgs, "device", |h| {
        matches!(h.output_status(), OutputStatus::Device(_))
    });
    assert!(
        msgs.iter().any(|m| m.contains("audio output back")),
        "{msgs:?}"
    );
    until(&mut h, &mut msgs, "progress", |h| {
        h.meters().state() == PlayState::Playing && h.meters().position() != before
    });

    // 3. Unplugged mid-play: playback pauses with a message, the clock takes over.
    world.plugged.store(false, Ordering::SeqCst);
    until(&mut h, &mut msgs, "loss", |h| {
        matches!(h.output_status(), OutputStatus::Unavailable { .. })
            && h.meters().state() == PlayState::Paused
    });
    assert!(
        msgs.iter()
            .any(|m| m.contains("disappeared") && m.contains("paused")),
        "{msgs:?}"
    );
    let paused_at = h.meters().position();
    let reports = h.meters().reports;
    std::thread::sleep(Duration::from_millis(200));
    until(&mut h, &mut msgs, "meters alive", |h| {
        h.meters().reports > reports + 3
    });
    assert_eq!(
        h.meters().position(),
        paused_at,
        "paused: the position holds"
    );

    // 4. Back: reopened, resumed from the same place (the engine in the slot survived).
    world.plugged.store(true, Ordering::SeqCst);
    until(&mut h, &mut msgs, "reconnect", |h| {
        matches!(h.output_status(), OutputStatus::Device(_))
            && h.meters().state() == PlayState::Playing
    });
    until(&mut h, &mut msgs, "resume", |h| {
        h.meters().position() != paused_at
    });
    assert_eq!(world.opens.load(Ordering::SeqCst), 2);

    let engine = h
        .take_engine()
        .expect("engine back after stopping the output");
    assert_eq!(engine.state(), PlayState::Playing);
    assert_eq!(engine.graph().tracks().count(), 4);
    assert_eq!(engine.loop_settings(), (true, 0, length));
}
