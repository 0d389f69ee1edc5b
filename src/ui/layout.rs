//! The window's layout: how its height is shared between the timeline and the mixer, and its
//! width between the channel strips and the editor; the two splitters the user can drag; and
//! the window's size and position, remembered between runs in `window.ron` in the config folder.
//!
//! The parts above and below (menu bar, transport, status bar) have fixed heights, so the room
//! left is known exactly. The mixer always keeps enough height for [`MIN_FADER_TRAVEL`] pixels
//! of fader travel when the window allows it: the timeline's lanes shrink (down to
//! [`MIN_LANE_H`], then they scroll) or fold away. Extra height beyond what the lanes want goes
//! to the mixer. Sideways, strips get between [`MIN_STRIP_W`] and [`MAX_STRIP_W`] pixels
//! (narrower strips before a scroll bar), and the editor gets the rest.

use super::action::Action;
use super::config_file;
use iced::{Point, Size, Task, window};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The layout's file in the config folder.
const FILE_NAME: &str = "window.ron";

/// Height of the menu bar.
pub const MENU_H: f32 = 32.0;
/// Height of the transport bar.
pub const TRANSPORT_H: f32 = 60.0;
/// Height of the status bar (it also shows the notices).
pub const STATUS_H: f32 = 24.0;
/// Height of the crash-recovery banner, when it shows.
pub const BANNER_H: f32 = 40.0;
/// Height of the timeline's ruler: the marker row and the time scale.
pub const RULER_H: f32 = crate::ui::widgets::timeline::RULER_H;
/// Vertical padding of the timeline (top and bottom together), and the gap under the ruler.
const TIMELINE_PAD_V: f32 = 12.0 + 1.0;
/// Padding of the mixer area (each side).
pub const MIXER_PAD: f32 = 6.0;
/// Side padding of the mixer area and of the timeline.
pub const SIDE_PAD: f32 = 12.0;
/// Padding inside a strip (each side).
pub const STRIP_PAD: f32 = 6.0;
/// Height of a strip's part above its fader (name, curves, knobs, switches); the same for
/// every strip, so all faders line up.
pub const STRIP_TOP_H: f32 = 196.0;
/// Height of the scroll bar under the strips when they scroll, with its gap.
pub const STRIP_SCROLLBAR_H: f32 = 8.0;
/// Fader travel the mixer keeps whenever the window is tall enough.
pub const MIN_FADER_TRAVEL: f32 = 160.0;
/// Lanes are never drawn lower than this; more tracks scroll.
pub const MIN_LANE_H: f32 = 24.0;
/// Lanes are never drawn taller than this.
pub const MAX_LANE_H: f32 = 160.0;
/// Narrowest channel strip before the strips scroll.
pub const MIN_STRIP_W: f32 = 88.0;
/// Widest channel strip; more room goes to the editor.
pub const MAX_STRIP_W: f32 = 150.0;
/// Space between two strips (a separator line and spacing).
pub const STRIP_GAP: f32 = 5.0;
/// Width of the reverb return strip.
pub const REVERB_W: f32 = 96.0;
/// Width of the master strip.
pub const MASTER_W: f32 = 150.0;
/// Narrowest editor.
pub const MIN_EDITOR_W: f32 = 440.0;
/// Widest editor the automatic layout gives (the splitter may go further).
pub const MAX_EDITOR_W: f32 = 1000.0;
/// Window size when nothing is remembered (fitted to the screen at start).
pub const DEFAULT_WINDOW: Size = Size::new(1440.0, 900.0);
/// Smallest window.
pub const MIN_WINDOW: Size = Size::new(960.0, 560.0);

/// The mixer's height (with its padding) that gives faders `travel` pixels.
pub fn mixer_h_for_travel(travel: f32) -> f32 {
    2.0 * MIXER_PAD + 2.0 * STRIP_PAD + STRIP_TOP_H + crate::ui::widgets::fader::CHROME_H + travel
}

/// Width taken by everything in the mixer row except the strips and the editor.
pub fn fixed_w() -> f32 {
    2.0 * SIDE_PAD + REVERB_W + MASTER_W + 4.0 * 6.0 + 2.0 + super::widgets::splitter::SPLITTER_PX
}

/// Preferred lane height for a number of tracks (the automatic layout, room permitting).
fn preferred_lane_h(tracks: usize) -> f32 {
    match tracks {
        0..=4 => 50.0,
        5..=8 => 44.0,
        _ => 36.0,
    }
}

/// Where the parts of the window go, for one window size, track count and splitter setting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Height of the lanes area under the ruler (0: folded away).
    pub lanes_h: f32,
    /// Height of one lane.
    pub lane_h: f32,
    /// Whether the lanes scroll (more tracks than fit at [`MIN_LANE_H`]).
    pub lanes_scroll: bool,
    /// Height of the mixer area, with its padding.
    pub mixer_h: f32,
    /// Width of a channel strip.
    pub strip_w: f32,
    /// Whether the strips scroll sideways.
    pub strips_scroll: bool,
    /// Width of the editor.
    pub editor_w: f32,
}

impl Geometry {
    /// Pixels of travel of every fader in the mixer.
    pub fn fader_travel(&self) -> f32 {
        let scrollbar = if self.strips_scroll {
            STRIP_SCROLLBAR_H
        } else {
            0.0
        };
        (self.mixer_h - mixer_h_for_travel(0.0) - scrollbar).max(0.0)
    }
}

/// The splitter positions the user chose (what is remembered besides the window).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Splits {
    /// Height of the lanes area (timeline/mixer splitter); `None`: automatic.
    pub lanes_h: Option<f32>,
    /// The lanes are folded away (double-click on the splitter, or the timeline's button).
    pub lanes_folded: bool,
    /// Width of the editor (mixer/editor splitter); `None`: automatic.
    pub editor_w: Option<f32>,
}

impl Splits {
    /// The layout of a window of `window` size showing `tracks` tracks; `banner`: the
    /// crash-recovery banner shows.
    pub fn geometry(&self, window: Size, tracks: usize, banner: bool) -> Geometry {
        let n = tracks as f32;
        // Widths.
        let avail = (window.width - fixed_w()).max(0.0);
        let strips_want = n * (MAX_STRIP_W + STRIP_GAP);
        let most_editor = (avail
            - if tracks == 0 {
                0.0
            } else {
                MIN_STRIP_W + STRIP_GAP
            })
        .max(MIN_EDITOR_W);
        let editor_w = match self.editor_w {
            Some(w) => w.clamp(MIN_EDITOR_W, most_editor),
            None => (avail - strips_want).clamp(MIN_EDITOR_W, MAX_EDITOR_W),
        }
        .floor();
        let strips_area = (avail - editor_w).max(0.0);
        let (strip_w, strips_scroll) = if tracks == 0 {
            (MAX_STRIP_W, false)
        } else {
            let w = (strips_area / n - STRIP_GAP).floor();
            if w < MIN_STRIP_W {
                (MIN_STRIP_W, true)
            } else {
                (w.min(MAX_STRIP_W), false)
            }
        };
        // Heights.
        let chrome = MENU_H
            + TRANSPORT_H
            + STATUS_H
            + if banner { BANNER_H } else { 0.0 }
            + TIMELINE_PAD_V
            + RULER_H
            + super::widgets::splitter::SPLITTER_PX;
        let room = (window.height - chrome).max(0.0);
        let scrollbar = if strips_scroll {
            STRIP_SCROLLBAR_H
        } else {
            0.0
        };
        let min_mixer = mixer_h_for_travel(MIN_FADER_TRAVEL) + scrollbar;
        let most_lanes = (room - min_mixer).max(0.0);
        let natural = n * preferred_lane_h(tracks) + (n - 1.0).max(0.0);
        let wanted = if self.lanes_folded || tracks == 0 {
            0.0
        } else {
            self.lanes_h.unwrap_or(natural).max(0.0)
        };
        let lanes_h = wanted.min(most_lanes).floor();
        let (lane_h, lanes_scroll) = if tracks == 0 || lanes_h <= 0.0 {
            (preferred_lane_h(tracks), false)
        } else {
            let fit = ((lanes_h - (n - 1.0)) / n).floor();
            if fit < MIN_LANE_H {
                (MIN_LANE_H, true)
            } else {
                (fit.min(MAX_LANE_H), false)
            }
        };
        let mixer_h = room - lanes_h;
        Geometry {
            lanes_h,
            lane_h,
            lanes_scroll,
            mixer_h,
            strip_w,
            strips_scroll,
            editor_w,
        }
    }
}

/// What is remembered between runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WindowPrefs {
    /// The window's inner size.
    pub size: Option<(f32, f32)>,
    /// The window's position on the desktop.
    pub position: Option<(f32, f32)>,
    /// The splitters.
    pub splits: Splits,
}

impl WindowPrefs {
    /// Reads the remembered layout; a missing or unreadable file gives the defaults.
    pub fn load(config: &Path) -> WindowPrefs {
        config_file::load::<WindowPrefs>(config, FILE_NAME)
            .map(WindowPrefs::sane)
            .unwrap_or_default()
    }

    /// Writes it atomically.
    pub fn save(&self, config: &Path) -> std::io::Result<()> {
        config_file::save(config, FILE_NAME, self)
    }

    /// Drops numbers that cannot be a window (a hand-edited or damaged file).
    fn sane(mut self) -> WindowPrefs {
        let ok = |v: f32| v.is_finite() && v.abs() < 100_000.0;
        if !self
            .size
            .is_some_and(|(w, h)| ok(w) && ok(h) && w > 0.0 && h > 0.0)
        {
            self.size = None;
        }
        if !self.position.is_some_and(|(x, y)| ok(x) && ok(y)) {
            self.position = None;
        }
        let s = &mut self.splits;
        s.lanes_h = s.lanes_h.filter(|v| ok(*v) && *v >= 0.0);
        s.editor_w = s.editor_w.filter(|v| ok(*v) && *v >= 0.0);
        self
    }

    /// The window's size at start: the remembered one, else the default (both fitted to the
    /// screen once it is known).
    pub fn window_size(&self) -> Size {
        self.size.map_or(DEFAULT_WINDOW, |(w, h)| {
            Size::new(w.max(MIN_WINDOW.width), h.max(MIN_WINDOW.height))
        })
    }

    /// The window's position at start (`Default`: where the system puts it).
    pub fn window_position(&self) -> window::Position {
        match self.position {
            Some((x, y)) => window::Position::Specific(Point::new(x, y)),
            None => window::Position::Centered,
        }
    }
}

/// What the layout is told.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Message {
    /// The timeline/mixer splitter was dragged this far (pixels down) since it was grabbed.
    DragLanes(f32),
    /// The mixer/editor splitter was dragged this far (pixels right) since it was grabbed.
    DragEditor(f32),
    /// A splitter was let go.
    DragDone,
    /// Fold the lanes away, or unfold them.
    ToggleLanes,
    /// The size of the screen the window is on (at start), to fit the window to it.
    Screen(Option<Size>),
    /// The window was moved.
    Moved(Point),
    /// The window was resized.
    Resized(Size),
}

/// The layout panel's state.
#[derive(Debug)]
pub struct Layout {
    /// The window's inner size.
    pub window: Size,
    position: Option<Point>,
    splits: Splits,
    /// The splitter's size when its drag started.
    drag_from: Option<f32>,
    /// The window's size was remembered from an earlier run (else it fills the screen).
    remembered: bool,
    /// Where the layout is remembered (`None`: it is not).
    config: Option<PathBuf>,
}

impl Layout {
    /// The layout remembered in `config` (the defaults without one).
    pub fn new(config: Option<PathBuf>) -> Layout {
        let prefs = config.as_deref().map(WindowPrefs::load).unwrap_or_default();
        Layout {
            window: prefs.window_size(),
            position: prefs.position.map(|(x, y)| Point::new(x, y)),
            splits: prefs.splits,
            drag_from: None,
            remembered: prefs.size.is_some(),
            config,
        }
    }

    /// The splitters as set.
    pub fn splits(&self) -> Splits {
        self.splits
    }

    /// The layout for `tracks` tracks (`banner`: the recovery banner shows).
    pub fn geometry(&self, tracks: usize, banner: bool) -> Geometry {
        self.splits.geometry(self.window, tracks, banner)
    }

    /// What is remembered now.
    pub fn prefs(&self) -> WindowPrefs {
        WindowPrefs {
            size: Some((self.window.width, self.window.height)),
            position: self.position.map(|p| (p.x, p.y)),
            splits: self.splits,
        }
    }

    /// Writes what is remembered (at the end of a drag, and when the window closes). A failure
    /// only costs the remembered layout, so it is reported and otherwise ignored.
    pub fn save(&self) -> Action {
        let Some(config) = &self.config else {
            return Action::None;
        };
        match self.prefs().save(config) {
            Ok(()) => Action::None,
            Err(e) => Action::warn(format!(
                "the window layout could not be saved to {}: {e}",
                config.join(FILE_NAME).display()
            )),
        }
    }

    /// Handles a message; `current` is the geometry now (a drag starts from it).
    pub fn update(&mut self, m: Message, current: Geometry) -> Action {
        match m {
            Message::DragLanes(dy) => {
                let from = *self.drag_from.get_or_insert(current.lanes_h);
                self.splits.lanes_folded = false;
                self.splits.lanes_h = Some((from + dy).max(0.0));
                if from + dy <= 0.0 {
                    self.splits.lanes_folded = true;
                }
            }
            Message::DragEditor(dx) => {
                let from = *self.drag_from.get_or_insert(current.editor_w);
                // The bar is left of the editor: dragging right narrows it.
                self.splits.editor_w = Some((from - dx).max(MIN_EDITOR_W));
            }
            Message::DragDone => {
                self.drag_from = None;
                return self.save();
            }
            Message::ToggleLanes => {
                self.splits.lanes_folded = !self.splits.lanes_folded;
                if !self.splits.lanes_folded && self.splits.lanes_h.is_some_and(|h| h < 1.0) {
                    self.splits.lanes_h = None;
                }
                return self.save();
            }
            Message::Screen(Some(screen)) => return self.fit(screen),
            Message::Screen(None) => {}
            Message::Moved(p) => self.position = Some(p),
            Message::Resized(size) => self.window = size,
        }
        Action::None
    }

    /// Fits the window to a screen of `screen` size: a window of a size remembered from an
    /// earlier run shrinks (and moves to the corner) only if it does not fit; otherwise the
    /// window fills the screen (maximised, where a window manager does that).
    fn fit(&mut self, screen: Size) -> Action {
        if !(screen.width > 0.0 && screen.height > 0.0) {
            return Action::None;
        }
        if !self.remembered {
            self.remembered = true;
            self.window = screen;
            self.position = Some(Point::ORIGIN);
            return Action::Run(window::oldest().and_then(move |id| {
                window::resize(id, screen)
                    .chain(window::move_to(id, Point::ORIGIN))
                    .chain(window::maximize(id, true))
            }));
        }
        let fits_at = |p: Point| {
            p.x >= 0.0
                && p.y >= 0.0
                && p.x + self.window.width <= screen.width
                && p.y + self.window.height <= screen.height
        };
        let size = Size::new(
            self.window.width.min(screen.width),
            self.window.height.min(screen.height),
        );
        let position = self.position.unwrap_or(Point::ORIGIN);
        if size == self.window && fits_at(position) {
            return Action::None;
        }
        self.window = size;
        let corner = Point::ORIGIN;
        self.position = Some(corner);
        Action::Run(
            window::oldest()
                .and_then(move |id| window::resize(id, size).chain(window::move_to(id, corner))),
        )
    }
}

/// The task that asks for the screen's size after the window opened (see [`Message::Screen`]).
pub fn ask_screen() -> Task<Message> {
    window::oldest()
        .and_then(window::monitor_size)
        .map(Message::Screen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_laptop_screen_keeps_fader_travel_and_shrinks_the_lanes() {
        let g = Splits::default().geometry(Size::new(1280.0, 720.0), 4, false);
        assert!(g.fader_travel() >= MIN_FADER_TRAVEL, "{g:?}");
        assert!(g.lanes_h > 0.0 && g.lane_h >= MIN_LANE_H, "{g:?}");
        assert!(!g.strips_scroll);
        // Even when the user asks for tall lanes.
        let tall = Splits {
            lanes_h: Some(600.0),
            ..Splits::default()
        };
        let g = tall.geometry(Size::new(1280.0, 720.0), 4, false);
        assert!(g.fader_travel() >= MIN_FADER_TRAVEL, "{g:?}");
    }

    #[test]
    fn a_large_screen_gives_the_room_to_strips_and_editor() {
        let small = Splits::default().geometry(Size::new(1280.0, 720.0), 4, false);
        let large = Splits::default().geometry(Size::new(1920.0, 1080.0), 4, false);
        // The lanes get what they want (four of 50 px); the rest of the height goes to faders.
        assert_eq!(large.lanes_h, 4.0 * 50.0 + 3.0);
        assert_eq!(
            large.fader_travel() - small.fader_travel(),
            360.0 - (large.lanes_h - small.lanes_h)
        );
        assert!(large.strip_w >= small.strip_w);
        assert!(large.editor_w > small.editor_w + 400.0);
        // Nothing left over sideways: strips, buses, editor and gaps fill the width.
        let used = 4.0 * (large.strip_w + STRIP_GAP) + large.editor_w + fixed_w();
        assert!((1920.0 - used).abs() <= 4.0, "{used}");
    }

    #[test]
    fn many_tracks_narrow_the_strips_before_they_scroll() {
        let size = Size::new(1280.0, 720.0);
        let widths: Vec<(f32, bool)> = (1..=12)
            .map(|n| {
                let g = Splits::default().geometry(size, n, false);
                (g.strip_w, g.strips_scroll)
            })
            .collect();
        assert!(widths.windows(2).all(|w| w[1].0 <= w[0].0));
        let first_scroll = widths.iter().position(|w| w.1).unwrap();
        assert_eq!(widths[first_scroll].0, MIN_STRIP_W);
        assert!(widths[first_scroll - 1].0 < MAX_STRIP_W - 20.0);
    }

    #[test]
    fn folded_lanes_and_the_editor_splitter() {
        let size = Size::new(1440.0, 900.0);
        let folded = Splits {
            lanes_folded: true,
            ..Splits::default()
        };
        let g = folded.geometry(size, 4, false);
        assert_eq!(g.lanes_h, 0.0);
        let wide = Splits {
            editor_w: Some(5000.0),
            ..Splits::default()
        };
        let g = wide.geometry(size, 4, false);
        assert!(g.strips_scroll && g.strip_w == MIN_STRIP_W);
        assert_eq!(g.editor_w, size.width - fixed_w() - MIN_STRIP_W - STRIP_GAP);
    }

    #[test]
    fn prefs_round_trip_and_bad_files_give_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let prefs = WindowPrefs {
            size: Some((1300.0, 800.0)),
            position: Some((40.0, 30.0)),
            splits: Splits {
                lanes_h: Some(120.0),
                lanes_folded: false,
                editor_w: Some(600.0),
            },
        };
        prefs.save(dir.path()).unwrap();
        assert_eq!(WindowPrefs::load(dir.path()), prefs);
        std::fs::write(dir.path().join("window.ron"), "(size: Some((NaN, 3)))").unwrap();
        assert_eq!(WindowPrefs::load(dir.path()).size, None);
        std::fs::write(dir.path().join("window.ron"), "garbage").unwrap();
        assert_eq!(WindowPrefs::load(dir.path()), WindowPrefs::default());
    }

    #[test]
    fn the_first_window_fills_the_screen_and_a_remembered_one_is_fitted() {
        let screen = |l: &mut Layout, w, h| {
            let g = l.geometry(4, false);
            matches!(
                l.update(Message::Screen(Some(Size::new(w, h))), g),
                Action::Run(_)
            )
        };
        let mut l = Layout::new(None);
        assert_eq!(l.window, DEFAULT_WINDOW);
        assert!(screen(&mut l, 1920.0, 1080.0));
        assert_eq!(l.window, Size::new(1920.0, 1080.0));

        let dir = tempfile::tempdir().unwrap();
        let remembered = |w, h| {
            let prefs = WindowPrefs {
                size: Some((w, h)),
                position: Some((10.0, 10.0)),
                ..WindowPrefs::default()
            };
            prefs.save(dir.path()).unwrap();
            Layout::new(Some(dir.path().to_path_buf()))
        };
        let mut l = remembered(1300.0, 800.0);
        assert!(!screen(&mut l, 1920.0, 1080.0), "it fits: left alone");
        assert_eq!(l.window, Size::new(1300.0, 800.0));
        let mut l = remembered(1300.0, 800.0);
        assert!(screen(&mut l, 1280.0, 720.0));
        assert_eq!(l.window, Size::new(1280.0, 720.0));
        assert_eq!(l.prefs().position, Some((0.0, 0.0)));
    }
}
