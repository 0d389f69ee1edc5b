//! The bounce dialog driven headlessly (issue 13 item 1): it starts and cancels bounces (no file
//! remains), asks before replacing a file, refuses the project's own files, remembers its
//! choices in the project, and writes byte for byte what `stemmix bounce` writes with the same
//! options — the mix (16-bit, loop range, normalised) and the stems.
//!
//! No file dialog is ever opened: the test types the paths, as the dialog's fallback allows.
//! Run with `ICED_TEST_BACKEND=tiny-skia` (set by `.cargo/config.toml`).

#[path = "support/app_driver.rs"]
mod driver;
#[path = "support/recording_port.rs"]
mod recording_port;

use driver::*;
use iced_test::selector;
use std::path::{Path, PathBuf};
use stemmix::engine::bounce::BounceSummary;
use stemmix::project::{self, BounceFormat, BounceSettings, BounceSpan, LoudnessChoice};
use stemmix::ui::App;
use stemmix::ui::app::Message;
use stemmix::ui::bounce::form::{FormatItem, LoudnessItem, RangeItem};
use stemmix::ui::bounce::{self, BounceResult};

fn send(app: &mut App, m: bounce::Message) {
    let _ = app.update(Message::Bounce(m));
}

/// Opens the dialog with the menu's Bounce… button and types the mix path.
fn open_dialog(app: &mut App, mix: &Path) {
    let c = {
        let mut ui = ui(app);
        ui.find("Bounce…")
            .unwrap()
            .visible_bounds()
            .unwrap()
            .center()
    };
    let msgs = play(app, &[Step::Press(c), Step::Release]);
    assert!(app.bounce_is_open(), "{msgs:?}");
    send(app, bounce::Message::PathInput(mix.display().to_string()));
}

/// Clicks Bounce and waits for the result.
fn bounce_and_wait(app: &mut App) -> BounceSummary {
    let msgs = click_id(app, "bounce-start");
    assert!(
        matches!(msgs.as_slice(), [Message::Bounce(bounce::Message::Start)]),
        "{msgs:?}"
    );
    assert!(
        ui(app).find(selector::id("bounce-cancel")).is_ok(),
        "progress and Cancel show"
    );
    assert!(wait_for_jobs(app, JOBS));
    match app.bounce_result().cloned() {
        Some(BounceResult::Done { summary, .. }) => summary,
        other => panic!("{other:?}"),
    }
}

fn cli(args: &[&str]) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stemmix"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The demo project saved in `dir` (so the command line bounces the same project).
fn saved_demo(app: &mut App, dir: &Path) -> PathBuf {
    let file = dir.join("demo-copy.stemmix");
    assert!(app.save_to(file.clone()));
    file
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_16_bit_normalised_loop_bounce_equals_stemmix_bounce_and_is_remembered() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let file = saved_demo(&mut app, out.path());
    let gui = out.path().join("gui.wav");
    open_dialog(&mut app, &gui);
    send(
        &mut app,
        bounce::Message::Format(FormatItem(BounceFormat::Int16)),
    );
    send(&mut app, bounce::Message::Range(RangeItem::Loop));
    send(
        &mut app,
        bounce::Message::Loudness(LoudnessItem(LoudnessChoice::Streaming)),
    );
    let summary = bounce_and_wait(&mut app);
    assert!(
        (summary.integrated_lufs + 14.0).abs() < 0.5,
        "{}",
        summary.integrated_lufs
    );
    // The result shows loudness, LRA, true peak and clipping, and offers the folder.
    let figures = format!(
        "Integrated {:.1} LUFS   ·   LRA {:.1} LU   ·   True peak {:.1} dBTP",
        summary.integrated_lufs, summary.loudness_range_lu, summary.true_peak_dbtp
    );
    let mut view = ui(&app);
    assert!(view.find(figures.as_str()).is_ok(), "{figures}");
    assert!(view.find("No clipped samples").is_ok());
    assert!(view.find(selector::id("bounce-open-folder")).is_ok());
    drop(view);

    let cli_wav = out.path().join("cli.wav");
    cli(&[
        "bounce",
        s(&file),
        "-o",
        s(&cli_wav),
        "--bits",
        "16",
        "--range",
        "loop",
        "--normalize",
        "streaming",
    ]);
    let (a, b) = (
        std::fs::read(&gui).unwrap(),
        std::fs::read(&cli_wav).unwrap(),
    );
    let spec = hound::WavReader::open(&gui).unwrap().spec();
    assert_eq!(spec.bits_per_sample, 16);
    // The loop region is 2.4–7.2 s at 48 kHz, plus the tail.
    assert!(a.len() >= 44 + 4 * (48_000 * 48 / 10), "{} bytes", a.len());
    assert!(a == b, "the window's bounce differs from stemmix bounce");

    // The choices are the project's now, and come back with it.
    let remembered = app.project().bounce.clone();
    assert_eq!(
        (remembered.format, remembered.range, remembered.loudness),
        (
            BounceFormat::Int16,
            BounceSpan::Loop,
            LoudnessChoice::Streaming
        )
    );
    assert_eq!(remembered.output.as_deref(), Some(gui.as_path()));
    assert!(app.save_to(file.clone()));
    assert_eq!(project::load(&file).unwrap().bounce, remembered);
    let (mut again, _) = demo_app(home.path());
    again.open_path(&file);
    assert!(wait_for_jobs(&mut again, JOBS));
    send(&mut again, bounce::Message::Open);
    let mut view = ui(&again);
    // (A pick list draws its choice without a text widget: the dialog's summary line says it.)
    let line =
        "16-bit WAV, normalised to -14 LUFS: the same file as `stemmix bounce` with these options.";
    assert!(view.find(line).is_ok(), "{line}");
}

#[test]
fn a_stems_bounce_from_the_dialog_equals_stemmix_bounce_stems() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let file = saved_demo(&mut app, out.path());
    let gui_dir = out.path().join("gui stems");
    open_dialog(&mut app, &out.path().join("gui.wav"));
    send(&mut app, bounce::Message::Stems(true));
    send(
        &mut app,
        bounce::Message::StemsDirInput(gui_dir.display().to_string()),
    );
    send(&mut app, bounce::Message::Range(RangeItem::Typed));
    send(&mut app, bounce::Message::StartInput("1".into()));
    send(&mut app, bounce::Message::EndInput("3".into()));
    send(&mut app, bounce::Message::TailTyped(true));
    send(&mut app, bounce::Message::TailInput("0.5".into()));
    let summary = bounce_and_wait(&mut app);
    let tracks = app.project().tracks.len();
    assert_eq!(
        summary.stems.len(),
        tracks + 1,
        "one per track + the reverb"
    );

    let cli_dir = out.path().join("cli stems");
    cli(&[
        "bounce",
        s(&file),
        "-o",
        s(&out.path().join("cli.wav")),
        "--stems",
        s(&cli_dir),
        "--range",
        "1..3",
        "--tail",
        "0.5",
    ]);
    for f in &summary.stems {
        let name = f.path.file_name().unwrap();
        let a = std::fs::read(&f.path).unwrap();
        let b = std::fs::read(cli_dir.join(name)).unwrap();
        assert_eq!(
            hound::WavReader::open(&f.path).unwrap().duration(),
            2 * 48_000 + 24_000
        );
        assert!(a == b, "{name:?} differs from stemmix bounce --stems");
    }
}

#[test]
fn cancelling_a_bounce_leaves_no_file_and_no_stems_folder() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    open_dialog(&mut app, &out.path().join("never.wav"));
    send(&mut app, bounce::Message::Stems(true));
    send(
        &mut app,
        bounce::Message::StemsDirInput(out.path().join("stems").display().to_string()),
    );
    // The cancel flag is set microseconds after the worker starts; the bounce polls it between
    // blocks and takes far longer than that, so it must see it. A bounce that finished anyway
    // means the cancel was not seen: a failure, not a pass.
    let _ = click_id(&mut app, "bounce-start");
    assert!(app.is_busy());
    let msgs = click_id(&mut app, "bounce-cancel");
    assert!(
        matches!(msgs.as_slice(), [Message::Bounce(bounce::Message::Cancel)]),
        "{msgs:?}"
    );
    assert!(wait_for_jobs(&mut app, JOBS));
    match app.bounce_result() {
        Some(BounceResult::Failed(e)) => assert!(e.contains("cancelled"), "{e}"),
        other => panic!("the bounce was not cancelled: {other:?}"),
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn an_existing_file_is_replaced_only_after_confirmation() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let mix = out.path().join("exists.wav");
    std::fs::write(&mix, b"keep me").unwrap();
    open_dialog(&mut app, &mix);
    send(&mut app, bounce::Message::Range(RangeItem::Typed));
    send(&mut app, bounce::Message::EndInput("1".into()));
    let _ = click_id(&mut app, "bounce-start");
    assert!(app.bounce_is_confirming() && !app.is_busy());
    assert!(
        ui(&app)
            .find("This file exists: exists.wav. Replace?")
            .is_ok()
    );
    // Keep: nothing happens.
    let _ = click_id(&mut app, "bounce-keep");
    assert!(!app.bounce_is_confirming() && !app.is_busy());
    assert_eq!(std::fs::read(&mix).unwrap(), b"keep me");
    // Replace: the bounce runs and writes over it.
    let _ = click_id(&mut app, "bounce-start");
    let msgs = click_id(&mut app, "bounce-replace");
    assert!(
        matches!(msgs.as_slice(), [Message::Bounce(bounce::Message::Replace)]),
        "{msgs:?}"
    );
    assert!(wait_for_jobs(&mut app, JOBS));
    assert!(matches!(
        app.bounce_result(),
        Some(BounceResult::Done { .. })
    ));
    assert!(hound::WavReader::open(&mix).unwrap().duration() >= 48_000);
}

#[test]
fn the_projects_own_files_are_refused_without_a_replace_offer() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (mut app, _) = demo_app(home.path());
    let file = saved_demo(&mut app, out.path());
    let stem = app.project().tracks[0].source.clone();
    let name = app.project().tracks[0].name.clone();
    let stem_bytes = std::fs::read(&stem).unwrap();
    for (dest, why) in [
        (stem.clone(), format!("the stem of track “{name}”")),
        (file.clone(), "the project file".to_string()),
    ] {
        open_dialog(&mut app, &dest);
        let _ = click_id(&mut app, "bounce-start");
        assert!(!app.bounce_is_confirming() && !app.is_busy());
        match app.bounce_result() {
            Some(BounceResult::Failed(e)) => assert!(e.contains(&why), "{e}"),
            other => panic!("{other:?}"),
        }
        assert!(ui(&app).find(selector::id("bounce-replace")).is_err());
    }
    assert_eq!(std::fs::read(&stem).unwrap(), stem_bytes);
    assert!(project::load(&file).is_ok());
    // A typed value that is not a number names its field and starts nothing.
    send(
        &mut app,
        bounce::Message::PathInput(s(&out.path().join("x.wav")).into()),
    );
    send(&mut app, bounce::Message::Range(RangeItem::Typed));
    send(&mut app, bounce::Message::EndInput("soon".into()));
    let _ = click_id(&mut app, "bounce-start");
    match app.bounce_result() {
        Some(BounceResult::Failed(e)) => assert!(e.contains("“To” must be a number"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(!app.is_busy());
    assert_eq!(app.project().bounce, BounceSettings::default());
}
