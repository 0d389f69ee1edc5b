//! The GUI's door to the engine: project edits become graph commands, transport commands pass
//! through, and the real-time port plays on a clock and lets its meters settle.

#[path = "support/recording_port.rs"]
mod recording_port;

use recording_port::recording;
use std::sync::Arc;
use std::time::Duration;
use stemmix::engine::device::{
    ActiveStream, AudioHost, OutputConfig, OutputError, PullFn, StreamHealth, StreamInfo,
    StreamRequest,
};
use stemmix::engine::{Command, EngineHandle, GraphCommand, MixGraph, TrackParam};
use stemmix::project::{Project, Region, Track};
use stemmix::ui::engine_link::{EngineLink, LIVE_MAX_BLOCK, Part, RealtimePort};

#[test]
fn edits_become_graph_commands_and_transport_commands_pass_through() {
    let (mut link, rec) = recording();
    let mut p = Project::default();
    p.tracks.push(Track::default());
    link.load(&p, &|_| None);
    let mut q = p.clone();
    q.tracks[0].gain_db = -6.0;
    link.edit(&p, &q, &|_| None);
    link.play();
    link.seek(480);
    let cmds = rec.lock().unwrap();
    assert!(matches!(
        cmds.iter().find(|c| matches!(c, Command::Graph(GraphCommand::Track(..)))),
        Some(Command::Graph(GraphCommand::Track(_, TrackParam::GainDb(g)))) if *g == -6.0
    ));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::Graph(GraphCommand::ReplaceGraph(_))))
    );
    assert!(matches!(cmds[cmds.len() - 2], Command::Play));
    assert!(matches!(cmds[cmds.len() - 1], Command::Seek(480)));
}

#[test]
fn a_part_edit_sends_what_a_whole_project_diff_sends() {
    use stemmix::engine::strip::StripParams;
    let (mut link, rec) = recording();
    let mut p = Project::default();
    p.tracks.push(Track::default());
    p.tracks.push(Track::default());
    link.load(&p, &|_| None);
    let id = p.tracks[1].id;
    let mut q = p.clone();
    q.tracks[1].pan = 0.25;
    q.tracks[1].eq.peak1.gain_db = 3.0;
    q.reverb.decay_s = 3.0;
    q.master.gain_db = -1.0;
    let mut sent = |f: &mut dyn FnMut(&mut EngineLink)| {
        rec.lock().unwrap().clear();
        f(&mut link);
        rec.lock()
            .unwrap()
            .iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
    };
    let whole = sent(&mut |l| l.edit(&p, &q, &|_| None));
    let mut parts = sent(&mut |l| {
        l.edit_part(
            &Part::Strip(id, StripParams::of(&p.tracks[1], p.pan_law)),
            &q,
        )
    });
    parts.extend(sent(&mut |l| {
        l.edit_part(&Part::Buses(p.reverb, p.master), &q)
    }));
    assert_eq!(whole.len(), 4, "{whole:?}");
    assert_eq!(parts, whole);
    // Nothing changed: nothing sent.
    assert!(sent(&mut |l| l.edit_part(&Part::Buses(q.reverb, q.master), &q)).is_empty());
}

#[test]
fn loop_changes_are_sent_once() {
    let (mut link, rec) = recording();
    let p = Project::default();
    link.load(&p, &|_| None);
    let mut q = p.clone();
    q.loop_region = Some(Region {
        start_s: 1.0,
        end_s: 2.0,
    });
    q.loop_enabled = true;
    link.edit(&p, &q, &|_| None);
    link.edit(&q, &q, &|_| None);
    link.edit_part(&Part::Loop, &q);
    let loops: Vec<_> = rec
        .lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Command::SetLoop {
                enabled,
                start,
                end,
            } => Some((*enabled, *start, *end)),
            _ => None,
        })
        .collect();
    assert_eq!(loops, [(true, 48_000, 96_000)]);
}

#[test]
fn realtime_port_plays_on_a_clock_and_meters_settle() {
    // An audio system without devices: the handle runs its silent clock.
    struct NoDevice;
    impl AudioHost for NoDevice {
        fn open(
            &mut self,
            _: &StreamRequest,
            _: &dyn Fn() -> PullFn,
            _: Arc<StreamHealth>,
        ) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError> {
            Err(OutputError::NoDevice(" (test)".into()))
        }
    }
    let mut handle = EngineHandle::new(MixGraph::new(48_000, LIVE_MAX_BLOCK));
    handle.start_output_with(OutputConfig::default(), || Box::new(NoDevice));
    let mut link = EngineLink::new(Box::new(RealtimePort::with_handle(handle)));
    let mut p = Project::default();
    p.tracks.push(Track::default());
    let id = p.tracks[0].id;
    let stem = Arc::new(stemmix::media::StemAudio::from_channels(
        vec![vec![0.5; 48_000 * 4]],
        48_000,
    ));
    link.load(&p, &|_| Some(stem.clone()));
    link.play();
    let mut moved = false;
    for _ in 0..200 {
        std::thread::sleep(Duration::from_millis(10));
        let v = link.tick();
        if v.playing && v.position > 4800 && v.tracks[&id].peak_db[0] > -20.0 {
            moved = true;
            break;
        }
    }
    assert!(moved, "{:?}", link.view());
    assert!(
        link.view().status.contains("silent"),
        "{}",
        link.view().status
    );
    link.pause();
    let mut settled = false;
    for _ in 0..600 {
        std::thread::sleep(Duration::from_millis(10));
        if !link.tick().playing && link.view().settled() {
            settled = true;
            break;
        }
    }
    assert!(settled, "{:?}", link.view());
    assert!(!link.is_active());
}

#[test]
fn reference_calls_become_reference_commands() {
    use stemmix::engine::{MonitorMode, MonitorSettings, RefSetup, ReferenceCommand, Source};
    use stemmix::project::{RefMode, Reference};
    let (mut link, rec) = recording();
    let p = Project {
        sample_rate: 48_000,
        ..Project::default()
    };
    link.load(&p, &|_| None);
    let r = Reference {
        mode: RefMode::Sync,
        loop_region: Some(Region {
            start_s: 1.0,
            end_s: 2.0,
        }),
        loop_enabled: true,
        ..Reference::for_path("refs/master.wav".into())
    };
    let audio = Arc::new(stemmix::media::StemAudio::from_channels(
        vec![vec![0.0; 16]],
        48_000,
    ));
    link.set_reference(r.id, audio, RefSetup::of(&r, 48_000, -4.5));
    link.update_reference(&r, -2.0);
    link.select_source(Source::Reference(r.id));
    assert_eq!(link.view().source, Source::Reference(r.id));
    let monitor = MonitorSettings {
        level_db: -10.0,
        mode: MonitorMode::Mono,
    };
    link.set_monitor(monitor);
    link.remove_reference(r.id);
    assert_eq!(
        link.view().source,
        Source::Mix,
        "removing what is heard goes back to the mix"
    );
    let cmds = rec.lock().unwrap();
    let refs: Vec<&Command> = cmds
        .iter()
        .filter(|c| {
            matches!(
                c,
                Command::Reference(_) | Command::SelectSource(_) | Command::Monitor(_)
            )
        })
        .collect();
    assert_eq!(refs.len(), 7, "{refs:?}");
    let id = r.id;
    assert!(matches!(
        refs[0],
        Command::Reference(ReferenceCommand::Set { id: i, setup, .. })
            if *i == id && setup.gain_db == -4.5 && setup.loop_frames == Some((48_000, 96_000))
    ));
    assert!(
        matches!(refs[1], Command::Reference(ReferenceCommand::Mode(i, RefMode::Sync)) if *i == id)
    );
    assert!(matches!(
        refs[2],
        Command::Reference(ReferenceCommand::Loop { id: i, enabled: true, start: 48_000, end: 96_000 })
            if *i == id
    ));
    assert!(
        matches!(refs[3], Command::Reference(ReferenceCommand::Gain(i, g)) if *i == id && *g == -2.0)
    );
    assert!(matches!(refs[4], Command::SelectSource(Source::Reference(i)) if *i == id));
    assert!(matches!(refs[5], Command::Monitor(m) if *m == monitor));
    assert!(matches!(refs[6], Command::Reference(ReferenceCommand::Remove(i)) if *i == id));
}
