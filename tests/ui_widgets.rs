//! The mixer window's custom widgets driven headlessly with iced_test: raw mouse and keyboard
//! events in, the app messages they produce out; and the widget gallery compared pixel for
//! pixel with its golden image.
//!
//! Run with `ICED_TEST_BACKEND=tiny-skia` (set by `.cargo/config.toml`): the golden image is
//! that renderer's. With another renderer the comparison is skipped (and fails when `CI` is
//! set). To accept a changed gallery after looking at it:
//! `STEMMIX_UPDATE_SNAPSHOTS=1 cargo test --test ui_widgets gallery`.

#[path = "support/gallery.rs"]
mod gallery;

use gallery::{Gallery, gallery_view};
use iced::keyboard::{self, Modifiers};
use iced::mouse::{self, ScrollDelta};
use iced::widget::container;
use iced::{Element, Event, Point, Settings, Size};
use iced_test::Simulator;
use std::path::{Path, PathBuf};
use stemmix::engine::ChannelMeter;
use stemmix::ui::theme;
use stemmix::ui::widgets::fader::{DETENT_PX, db_to_pos, pos_to_db};
use stemmix::ui::widgets::timeline::{AMPLITUDE_STEP, MARKER_ROW_H, MarkerEvent, ZOOM_STEP};
use stemmix::ui::widgets::{self as w, TimeView};

#[derive(Debug, Clone, PartialEq)]
enum Msg {
    Change(f32),
    Release,
    Reset,
    ValueClick,
    Clip,
    Seek(u64),
    Loop(u64, u64),
    View(TimeView),
    Marker(MarkerEvent),
    Amplitude(f32),
    Pressed,
}

/// One step of user input.
#[derive(Debug, Clone, Copy)]
enum Input {
    Press(f32, f32),
    Move(f32, f32),
    Release,
    Mods(Modifiers),
    Wheel(f32, f32, f32),
    RightPress(f32, f32),
}
use Input::*;

const SIZE: Size = Size::new(800.0, 320.0);

/// Feeds `inputs` to `element` (the root of an 800×320 window, so at its top-left) and returns
/// the messages it published.
fn run<'a>(element: impl Into<Element<'a, Msg>>, inputs: &[Input]) -> Vec<Msg> {
    let mut ui = Simulator::with_size(Settings::default(), SIZE, element);
    for input in inputs {
        let event = match *input {
            Press(x, y) => {
                ui.point_at(Point::new(x, y));
                Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left))
            }
            Move(x, y) => {
                ui.point_at(Point::new(x, y));
                Event::Mouse(mouse::Event::CursorMoved {
                    position: Point::new(x, y),
                })
            }
            Release => Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
            Mods(m) => Event::Keyboard(keyboard::Event::ModifiersChanged(m)),
            Wheel(x, y, notches) => {
                ui.point_at(Point::new(x, y));
                Event::Mouse(mouse::Event::WheelScrolled {
                    delta: ScrollDelta::Lines { x: 0.0, y: notches },
                })
            }
            RightPress(x, y) => {
                ui.point_at(Point::new(x, y));
                Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Right))
            }
        };
        let _ = ui.simulate([event]);
    }
    ui.into_messages().collect()
}

/// A drag from (x, y0) straight up by `dy` pixels, one pixel per move event.
fn drag_up(x: f32, y0: f32, dy: usize) -> Vec<Input> {
    let mut v = vec![Press(x, y0)];
    v.extend((1..=dy).map(|d| Move(x, y0 - d as f32)));
    v.push(Release);
    v
}

fn changes(msgs: &[Msg]) -> Vec<f32> {
    msgs.iter()
        .filter_map(|m| match m {
            Msg::Change(v) => Some(*v),
            _ => None,
        })
        .collect()
}

/// A 56×300 fader at the top-left, reporting changes and releases.
fn test_fader(db: f32) -> Element<'static, Msg> {
    w::fader(db, Msg::Change)
        .on_release(Msg::Release)
        .on_value_click(Msg::ValueClick)
        .height(300)
        .into()
}

#[test]
fn fader_drag_sends_increasing_values_then_one_release() {
    let msgs = run(test_fader(-20.0), &drag_up(30.0, 150.0, 40));
    let values = changes(&msgs);
    assert!(values.len() >= 30, "{msgs:?}");
    assert!(values[0] > -20.0);
    assert!(values.windows(2).all(|p| p[1] > p[0]), "{values:?}");
    assert_eq!(msgs.last(), Some(&Msg::Release));
    assert_eq!(msgs.iter().filter(|m| **m == Msg::Release).count(), 1);
    assert_eq!(msgs.len(), values.len() + 1);
}

#[test]
fn fader_press_without_moving_sends_nothing() {
    assert_eq!(run(test_fader(-6.0), &[Press(30.0, 100.0), Release]), []);
}

#[test]
fn fader_is_relative_and_does_not_jump_to_the_click() {
    // Pressing far from the cap and moving one pixel changes the level by one pixel's worth.
    let msgs = run(
        test_fader(-20.0),
        &[Press(30.0, 20.0), Move(30.0, 19.0), Release],
    );
    let values = changes(&msgs);
    assert_eq!(values.len(), 1);
    let moved = db_to_pos(values[0]) - db_to_pos(-20.0);
    assert!(moved > 0.0 && moved < 0.01, "{values:?}");
}

#[test]
fn shift_drag_moves_four_times_less() {
    let plain = changes(&run(test_fader(-20.0), &drag_up(30.0, 150.0, 24)));
    let mut inputs = vec![Mods(Modifiers::SHIFT)];
    inputs.extend(drag_up(30.0, 150.0, 24));
    let fine = changes(&run(test_fader(-20.0), &inputs));
    let start = db_to_pos(-20.0);
    let coarse_move = db_to_pos(*plain.last().unwrap()) - start;
    let fine_move = db_to_pos(*fine.last().unwrap()) - start;
    let ratio = coarse_move / fine_move;
    assert!((ratio - 4.0).abs() < 0.05, "{coarse_move} vs {fine_move}");
}

#[test]
fn shift_toggled_mid_drag_does_not_jump() {
    let mut inputs = vec![Press(30.0, 150.0)];
    inputs.extend((1..=10).map(|d| Move(30.0, 150.0 - d as f32)));
    inputs.push(Mods(Modifiers::SHIFT));
    inputs.push(Move(30.0, 139.0));
    inputs.push(Release);
    let values = changes(&run(test_fader(-20.0), &inputs));
    let n = values.len();
    let last_step = db_to_pos(values[n - 1]) - db_to_pos(values[n - 2]);
    let first_step = db_to_pos(values[1]) - db_to_pos(values[0]);
    assert!(
        (last_step * 4.0 - first_step).abs() < 1e-4,
        "{first_step} {last_step}"
    );
}

#[test]
fn double_click_resets_to_unity() {
    let double = [Press(30.0, 100.0), Release, Press(30.0, 100.0), Release];
    assert_eq!(
        run(test_fader(-7.0), &double),
        [Msg::Change(0.0), Msg::Release]
    );
    let with_reset = w::fader(-7.0, Msg::Change)
        .on_release(Msg::Release)
        .on_reset(Msg::Reset)
        .height(300);
    assert_eq!(run(with_reset, &double), [Msg::Reset]);
    // Already at 0 dB: nothing to do, no empty undo step.
    assert_eq!(run(test_fader(0.0), &double), []);
}

#[test]
fn wheel_steps_half_a_db_or_a_tenth_with_shift() {
    assert_eq!(
        run(test_fader(-3.0), &[Wheel(30.0, 100.0, 1.0)]),
        [Msg::Change(-2.5), Msg::Release]
    );
    assert_eq!(
        run(
            test_fader(-3.0),
            &[Mods(Modifiers::SHIFT), Wheel(30.0, 100.0, -1.0)]
        ),
        [Msg::Change(-3.1), Msg::Release]
    );
    // Over another part of the window the wheel is not the fader's.
    assert_eq!(run(test_fader(-3.0), &[Wheel(400.0, 100.0, 1.0)]), []);
}

#[test]
fn detent_holds_zero_db_for_a_few_pixels() {
    // Start just under 0 dB and drag up 0…16 px; collect the level after each distance.
    let levels: Vec<f32> = (0..=16)
        .map(|d| {
            changes(&run(test_fader(-1.0), &drag_up(30.0, 150.0, d)))
                .last()
                .copied()
                .unwrap_or(-1.0)
        })
        .collect();
    let held = levels.iter().filter(|v| **v == 0.0).count();
    assert!(
        held as f32 >= DETENT_PX - 1.0,
        "0 dB held for {held} px: {levels:?}"
    );
    let first = levels.iter().position(|v| *v == 0.0).unwrap();
    assert!(levels[..first].iter().all(|v| *v < 0.0));
    assert!(levels[first + held..].iter().all(|v| *v > 0.0));
    assert!(*levels.last().unwrap() > 0.0, "{levels:?}");
}

#[test]
fn taper_round_trips_within_a_hundredth_of_a_db() {
    let mut db = -140.0f32;
    while db <= 12.0 {
        let back = pos_to_db(db_to_pos(db));
        assert!((back - db).abs() <= 0.01, "{db} → {back}");
        db += 0.05;
    }
    assert_eq!(pos_to_db(db_to_pos(f32::NEG_INFINITY)), f32::NEG_INFINITY);
    assert_eq!(pos_to_db(db_to_pos(0.0)), 0.0);
}

#[test]
fn clicking_the_value_box_asks_for_typing() {
    // The value box is the bottom 18 px of the 300 px fader.
    assert_eq!(
        run(test_fader(-3.0), &[Press(28.0, 291.0), Release]),
        [Msg::ValueClick]
    );
}

fn test_knob(mapping: w::Mapping, value: f32) -> Element<'static, Msg> {
    w::knob(mapping, value, Msg::Change)
        .default(0.5)
        .on_release(Msg::Release)
        .into()
}

#[test]
fn knob_drag_sweeps_its_range_over_200_px() {
    let msgs = run(
        test_knob(w::Mapping::Linear { min: 0.0, max: 1.0 }, 0.25),
        &drag_up(26.0, 20.0, 100),
    );
    let values = changes(&msgs);
    assert!(values.windows(2).all(|p| p[1] > p[0]));
    assert!((values.last().unwrap() - 0.75).abs() < 1e-4, "{values:?}");
    assert_eq!(msgs.last(), Some(&Msg::Release));
    // Dragging past the end clamps.
    let values = changes(&run(
        test_knob(w::Mapping::Linear { min: 0.0, max: 1.0 }, 0.9),
        &drag_up(26.0, 20.0, 100),
    ));
    assert_eq!(*values.last().unwrap(), 1.0);
}

#[test]
fn knob_double_click_resets_to_its_default() {
    let double = [Press(26.0, 20.0), Release, Press(26.0, 20.0), Release];
    assert_eq!(
        run(
            test_knob(w::Mapping::Linear { min: 0.0, max: 1.0 }, 0.9),
            &double
        ),
        [Msg::Change(0.5), Msg::Release]
    );
    let pan = w::pan_knob(0.4, Msg::Change).on_release(Msg::Release);
    assert_eq!(run(pan, &double), [Msg::Change(0.0), Msg::Release]);
    // Without a default there is nothing to reset to.
    let plain = w::knob(w::Mapping::Linear { min: 0.0, max: 1.0 }, 0.9, Msg::Change);
    assert_eq!(run(plain, &double), []);
}

#[test]
fn log_knob_moves_in_ratios() {
    let hz = w::Mapping::Log {
        min: 20.0,
        max: 20_000.0,
    };
    // Half the travel from 20 Hz is the geometric middle, √(20·20000) ≈ 632 Hz.
    let values = changes(&run(test_knob(hz, 20.0), &drag_up(26.0, 20.0, 100)));
    assert!((values.last().unwrap() - 632.456).abs() < 0.5, "{values:?}");
    // A wheel notch is 1/50 of the travel: ×1.148 in frequency; with Shift a quarter of that.
    let up = changes(&run(test_knob(hz, 1000.0), &[Wheel(26.0, 20.0, 1.0)]));
    assert!((up[0] / 1000.0 - 1000f32.powf(0.02)).abs() < 1e-3, "{up:?}");
    let fine = changes(&run(
        test_knob(hz, 1000.0),
        &[Mods(Modifiers::SHIFT), Wheel(26.0, 20.0, 1.0)],
    ));
    assert!((fine[0] / 1000.0 - 1000f32.powf(0.005)).abs() < 1e-3);
}

/// Meter readings with the same levels on both sides.
fn levels(peak_db: f32, rms_db: f32, hold_db: f32, clip: bool) -> ChannelMeter {
    let mut m = ChannelMeter::default();
    m.peak_db = [peak_db; 2];
    m.rms_db = [rms_db; 2];
    m.hold_db = [hold_db; 2];
    m.clip = clip;
    m
}

#[test]
fn meter_clip_light_click_sends_its_message() {
    let clipped = levels(0.5, -6.0, 0.5, true);
    let meter = || w::meter(&clipped).on_clip_click(Msg::Clip).height(200);
    assert_eq!(run(meter(), &[Press(9.0, 4.0), Release]), [Msg::Clip]);
    // The bars themselves are not a button.
    assert_eq!(run(meter(), &[Press(9.0, 100.0), Release]), []);
}

/// A lane over the window's width: 100 frames per pixel from frame 48 000.
fn test_lane(bins: &[[f32; 2]]) -> Element<'_, Msg> {
    w::lane(TimeView::new(48_000.0, 100.0), bins, 512.0)
        .on_seek(Msg::Seek)
        .on_loop(Msg::Loop)
        .on_view(Msg::View)
        .on_release(Msg::Release)
        .into()
}

#[test]
fn timeline_click_seeks_to_the_frame_under_the_cursor() {
    let bins = vec![[-0.5, 0.5]; 1000];
    assert_eq!(
        run(test_lane(&bins), &[Press(200.0, 30.0), Release]),
        [Msg::Seek(68_000)]
    );
    let ruler = w::ruler(TimeView::new(0.0, 480.0), 48_000).on_seek(Msg::Seek);
    assert_eq!(
        run(ruler, &[Press(100.0, 10.0), Release]),
        [Msg::Seek(48_000)]
    );
}

#[test]
fn timeline_drag_sets_the_loop_region() {
    let bins = vec![[-0.5, 0.5]; 1000];
    let mut inputs = vec![Press(300.0, 30.0)];
    inputs.extend((1..=20).map(|i| Move(300.0 - 10.0 * i as f32, 30.0)));
    inputs.push(Release);
    let msgs = run(test_lane(&bins), &inputs);
    assert_eq!(msgs.first(), Some(&Msg::Seek(78_000)));
    assert_eq!(msgs.last(), Some(&Msg::Release));
    assert_eq!(msgs[msgs.len() - 2], Msg::Loop(58_000, 78_000));
    assert!(
        msgs[1..msgs.len() - 1]
            .iter()
            .all(|m| matches!(m, Msg::Loop(a, b) if a < b && *b == 78_000))
    );
    // A tiny wobble is a click, not a loop.
    let msgs = run(
        test_lane(&bins),
        &[Press(300.0, 30.0), Move(302.0, 30.0), Release],
    );
    assert_eq!(msgs, [Msg::Seek(78_000)]);
}

/// A lane like [`test_lane`] with a loop from frame 58 000 to 78 000 (x 100 … 300).
fn looped_lane(bins: &[[f32; 2]]) -> w::timeline::Timeline<'_, Msg> {
    w::lane(TimeView::new(48_000.0, 100.0), bins, 512.0)
        .loop_region(Some((58_000, 78_000)), true)
        .on_seek(Msg::Seek)
        .on_loop(Msg::Loop)
        .on_release(Msg::Release)
        .on_press(Msg::Pressed)
}

/// A sideways drag from (`x`, `y`) by `dx` pixels, one move per 10 px.
fn drag_x(x: f32, y: f32, dx: f32) -> Vec<Input> {
    let n = (dx.abs() / 10.0).ceil() as usize;
    let mut v = vec![Press(x, y)];
    v.extend((1..=n).map(|i| Move(x + dx * i as f32 / n as f32, y)));
    v.push(Release);
    v
}

#[test]
fn loop_edges_are_handles_and_the_ruler_moves_the_loop() {
    let bins = vec![[-0.5, 0.5]; 1000];
    // The end edge (x 300, grabbed from 3 px away): the start stays, no seek.
    let msgs = run(looped_lane(&bins), &drag_x(303.0, 30.0, 50.0));
    assert_eq!(msgs.first(), Some(&Msg::Pressed));
    assert!(!msgs.iter().any(|m| matches!(m, Msg::Seek(_))), "{msgs:?}");
    assert_eq!(msgs[msgs.len() - 2], Msg::Loop(58_000, 83_300));
    assert_eq!(msgs.last(), Some(&Msg::Release));
    // The start edge dragged past the end: the region flips round the fixed end.
    let msgs = run(looped_lane(&bins), &drag_x(100.0, 30.0, 250.0));
    assert_eq!(msgs[msgs.len() - 2], Msg::Loop(78_000, 83_000));
    // Inside the loop on a lane: seek, then a new loop.
    let msgs = run(looped_lane(&bins), &drag_x(200.0, 30.0, 40.0));
    assert_eq!(msgs[1], Msg::Seek(68_000));
    assert_eq!(msgs[msgs.len() - 2], Msg::Loop(68_000, 72_000));
    // Inside the loop on the ruler: the loop moves whole.
    let ruler = w::ruler(TimeView::new(48_000.0, 100.0), 48_000)
        .loop_region(Some((58_000, 78_000)), true)
        .on_seek(Msg::Seek)
        .on_loop(Msg::Loop)
        .on_release(Msg::Release);
    let msgs = run(ruler, &drag_x(200.0, 25.0, -60.0));
    assert_eq!(msgs[0], Msg::Seek(68_000));
    assert_eq!(msgs[msgs.len() - 2], Msg::Loop(52_000, 72_000));
}

#[test]
fn markers_on_the_ruler() {
    let ruler = || {
        w::ruler(TimeView::new(0.0, 100.0), 48_000)
            .markers(vec![(20_000, "Verse".into()), (40_000, "Chorus".into())])
            .on_seek(Msg::Seek)
            .on_marker(Msg::Marker)
    };
    let row = MARKER_ROW_H / 2.0;
    // Drag a flag (x 200) or its label: grab, moves, drop; no seek.
    let msgs = run(ruler(), &drag_x(215.0, row, 30.0));
    assert_eq!(msgs.first(), Some(&Msg::Marker(MarkerEvent::Grab(0))));
    assert_eq!(msgs[msgs.len() - 2], Msg::Marker(MarkerEvent::Move(24_500)));
    assert_eq!(msgs.last(), Some(&Msg::Marker(MarkerEvent::Drop)));
    assert!(!msgs.iter().any(|m| matches!(m, Msg::Seek(_))));
    // Double-click a flag: rename; right-click: remove.
    let double = [Press(401.0, row), Release, Press(401.0, row), Release];
    let msgs = run(ruler(), &double);
    assert_eq!(msgs.last(), Some(&Msg::Marker(MarkerEvent::Rename(1))));
    assert_eq!(
        run(ruler(), &[RightPress(199.0, row)]),
        [Msg::Marker(MarkerEvent::Remove(0))]
    );
    // Double-click the empty row: add one there. Below the row, the ruler seeks as before.
    let double = [Press(600.0, row), Release, Press(600.0, row), Release];
    let msgs = run(ruler(), &double);
    assert_eq!(msgs.last(), Some(&Msg::Marker(MarkerEvent::Add(60_000))));
    assert_eq!(
        run(ruler(), &[Press(200.0, 25.0), Release]),
        [Msg::Seek(20_000)]
    );
}

#[test]
fn alt_wheel_sets_the_waveform_height() {
    let bins = vec![[-0.1, 0.1]; 1000];
    let lane = || {
        w::lane(TimeView::new(0.0, 100.0), &bins, 512.0)
            .amplitude(2.0)
            .on_amplitude(Msg::Amplitude)
            .on_view(Msg::View)
    };
    let msgs = run(lane(), &[Mods(Modifiers::ALT), Wheel(300.0, 30.0, 1.0)]);
    assert_eq!(msgs, [Msg::Amplitude(2.0 * AMPLITUDE_STEP)]);
    let msgs = run(lane(), &[Mods(Modifiers::ALT), Wheel(300.0, 30.0, -10.0)]);
    assert_eq!(msgs, [Msg::Amplitude(1.0)], "never below full scale");
}

#[test]
fn ctrl_wheel_zooms_around_the_cursor_and_wheel_scrolls() {
    let bins = vec![[-0.5, 0.5]; 1000];
    let view = TimeView::new(48_000.0, 100.0);
    let msgs = run(
        test_lane(&bins),
        &[Mods(Modifiers::CTRL), Wheel(300.0, 30.0, 1.0)],
    );
    let [Msg::View(zoomed)] = msgs[..] else {
        panic!("{msgs:?}")
    };
    assert!(zoomed.frames_per_px < view.frames_per_px);
    assert!((zoomed.frame_at(300.0) - view.frame_at(300.0)).abs() < 1e-6);
    let msgs = run(
        test_lane(&bins),
        &[Mods(Modifiers::CTRL), Wheel(300.0, 30.0, -2.0)],
    );
    let [Msg::View(out)] = msgs[..] else {
        panic!("{msgs:?}")
    };
    assert!(out.frames_per_px > view.frames_per_px);
    assert!((out.frame_at(300.0) - view.frame_at(300.0)).abs() < 1e-6);
    // Without Ctrl: turning the wheel down scrolls later in time, zoom unchanged.
    let msgs = run(test_lane(&bins), &[Wheel(300.0, 30.0, -1.0)]);
    let [Msg::View(scrolled)] = msgs[..] else {
        panic!("{msgs:?}")
    };
    assert_eq!(scrolled.frames_per_px, view.frames_per_px);
    assert!(scrolled.start > view.start);
}

#[test]
fn hostile_values_draw_without_panicking() {
    let nan = f32::NAN;
    let no_bins: Vec<[f32; 2]> = Vec::new();
    let odd_bins = vec![[nan, nan], [f32::INFINITY, f32::NEG_INFINITY], [-5.0, 5.0]];
    let eq = vec![nan; 5];
    let comp = vec![nan, f32::INFINITY, f32::NEG_INFINITY, 1e30];
    let wild = levels(nan, f32::INFINITY, nan, false);
    let page = |width: f32| -> Element<'_, Msg> {
        iced::widget::row![
            w::fader(nan, Msg::Change).width(width),
            w::fader(f32::INFINITY, Msg::Change)
                .width(width)
                .height(width),
            w::knob(
                w::Mapping::Log {
                    min: 0.0,
                    max: -1.0
                },
                nan,
                Msg::Change
            ),
            w::knob(
                w::Mapping::Db {
                    min: 6.0,
                    max: -48.0
                },
                f32::NEG_INFINITY,
                Msg::Change
            ),
            w::meter(&wild).width(width),
            w::gain_reduction_meter(nan).width(width),
            w::loudness_bar(nan).range(nan, 0.0).width(width),
            w::lane(
                TimeView {
                    start: f64::NAN,
                    frames_per_px: f64::NAN
                },
                &no_bins,
                0.0
            )
            .width(width),
            w::lane(TimeView::new(1e300, -1.0), &odd_bins, f64::NAN).width(width),
            w::ruler(TimeView::new(0.0, f64::INFINITY), 0).width(width),
            w::offline_lane(TimeView::default(), "").width(width),
            w::eq_curve(&eq).width(width),
            w::compressor_curve(&comp, nan).width(width),
        ]
        .into()
    };
    for width in [0.0, 1.0, 3.0, 60.0] {
        let mut ui = Simulator::with_size(Settings::default(), SIZE, page(width));
        let _ = ui.snapshot(&theme::theme()).expect("draws");
        for x in [0.0, 1.0, 30.0, 200.0] {
            ui.point_at(Point::new(x, 10.0));
            let _ = ui.simulate([
                Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)),
                Event::Mouse(mouse::Event::CursorMoved {
                    position: Point::new(x, -1e9),
                }),
                Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
                Event::Mouse(mouse::Event::WheelScrolled {
                    delta: ScrollDelta::Pixels { x: nan, y: 1e30 },
                }),
            ]);
        }
        for m in ui.into_messages() {
            if let Msg::Change(v) = m {
                assert!(!v.is_nan(), "a NaN escaped");
            }
        }
    }
}

/// The renderer the golden image was drawn with.
const GOLDEN_RENDERER: &str = "tiny-skia";

/// Whether this is a CI run, where a check that cannot run must fail rather than skip.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The only file in `dir`.
fn only_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// Renders the gallery; it must equal the committed golden image pixel for pixel.
#[test]
fn gallery_snapshot_matches_its_golden_image() -> Result<(), iced_test::Error> {
    let g = Gallery::new();
    let size = Size::new(1100.0, 620.0);
    let mut ui = Simulator::with_size(Settings::default(), size, gallery_view(&g));
    let snapshot = ui.snapshot(&theme::theme())?;

    // A copy to look at, written into an empty folder: `matches_image` finds no file there and
    // writes one (so its answer means "written", not "matches"), named after the renderer that
    // drew it: that name is how this test knows the renderer.
    let review_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gallery-review");
    let _ = std::fs::remove_dir_all(&review_dir);
    let _written = snapshot.matches_image(review_dir.join("gallery"))?;
    let review = only_file(&review_dir);
    let renderer = review
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_prefix("gallery-"))
        .unwrap_or_default()
        .to_string();
    assert!(!renderer.is_empty(), "{}", review.display());

    // Not blank: the gallery differs from the same window without the widgets.
    let empty: Element<'_, Msg> = container(iced::widget::space())
        .style(|_| container::Style {
            background: Some(theme::BACKGROUND.into()),
            ..container::Style::default()
        })
        .into();
    let mut blank = Simulator::with_size(Settings::default(), size, empty);
    let blank_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gallery-blank");
    let _ = std::fs::remove_dir_all(&blank_dir);
    let _written = blank
        .snapshot(&theme::theme())?
        .matches_hash(blank_dir.join("blank"))?;
    assert!(
        !snapshot.matches_hash(blank_dir.join("blank"))?,
        "the gallery is blank"
    );

    if renderer != GOLDEN_RENDERER {
        let why = format!(
            "the gallery was drawn by {renderer}, the golden image by {GOLDEN_RENDERER} \
             (set ICED_TEST_BACKEND={GOLDEN_RENDERER})"
        );
        assert!(!in_ci(), "{why}");
        eprintln!("SKIPPED the golden comparison: {why}");
        return Ok(());
    }
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/gallery");
    let golden_file = golden.with_file_name(format!("gallery-{GOLDEN_RENDERER}.png"));
    if std::env::var_os("STEMMIX_UPDATE_SNAPSHOTS").is_some() {
        std::fs::copy(&review, &golden_file)?;
        eprintln!(
            "updated {}: look at it before committing",
            golden_file.display()
        );
        return Ok(());
    }
    // `matches_image` writes a missing golden and says it matches: insist that it was committed.
    assert!(
        golden_file.is_file(),
        "missing golden {}",
        golden_file.display()
    );
    assert!(
        snapshot.matches_image(&golden)?,
        "the gallery differs from {}; look at {} (after checking it, accept it with \
         STEMMIX_UPDATE_SNAPSHOTS=1)",
        golden_file.display(),
        review.display()
    );
    Ok(())
}

#[test]
fn wheel_notches_in_one_batch_accumulate() {
    // Two notches arrive before the app rebuilds the view with the first result.
    assert_eq!(
        run(
            test_fader(-3.0),
            &[Wheel(30.0, 100.0, 1.0), Wheel(30.0, 100.0, 1.0)]
        ),
        [
            Msg::Change(-2.5),
            Msg::Release,
            Msg::Change(-2.0),
            Msg::Release
        ]
    );
    let bins = vec![[-0.5, 0.5]; 1000];
    let msgs = run(
        test_lane(&bins),
        &[
            Mods(Modifiers::CTRL),
            Wheel(300.0, 30.0, 1.0),
            Wheel(300.0, 30.0, 1.0),
        ],
    );
    let [Msg::View(_), Msg::View(twice)] = msgs[..] else {
        panic!("{msgs:?}")
    };
    assert!((twice.frames_per_px - 100.0 / ZOOM_STEP / ZOOM_STEP).abs() < 1e-9);
    assert!((twice.frame_at(300.0) - 78_000.0).abs() < 1e-6);
}
