//! Keyboard shortcuts and the window events the app listens to, as one plain function for
//! `iced::event::listen_with` (it must not capture anything).
//!
//! Shortcuts act only on key presses no widget used: typing in a text box never plays or
//! mutes anything. Escape is the exception: it also leaves a text box.

use super::app::Message;
use super::{bounce, editor, files, help, reference, transport};
use iced::keyboard::{self, Key, key::Named};
use iced::{Event, event, window};

/// Tooltip texts naming the shortcuts.
pub mod tip {
    /// Play/pause.
    pub const PLAY: &str = "Play / pause (Space)";
    /// Stop.
    pub const STOP: &str = "Stop (clears reverb tails; the position stays)";
    /// Return to start.
    pub const TO_START: &str = "Return to start (Home or Enter)";
    /// Loop.
    pub const LOOP: &str =
        "Loop on/off (L); drag on the timeline to set the region, drag its edges to resize it";
    /// Mute.
    pub const MUTE: &str = "Mute (M on the selected strip)";
    /// Solo.
    pub const SOLO: &str = "Solo (S on the selected strip)";
    /// Polarity.
    pub const POLARITY: &str = "Invert polarity";
    /// New.
    pub const NEW: &str = "New project (Ctrl+N)";
    /// Open.
    pub const OPEN: &str = "Open a project (Ctrl+O)";
    /// Save.
    pub const SAVE: &str = "Save (Ctrl+S)";
    /// Save as.
    pub const SAVE_AS: &str = "Save under another name (Ctrl+Shift+S)";
    /// Add stems.
    pub const ADD_STEMS: &str =
        "Add audio files as new tracks (Ctrl+I), or drop them on the window";
    /// Add folder.
    pub const ADD_FOLDER: &str = "Add every audio file of a folder as new tracks";
    /// The menu's Relink… (shown while a stem is offline).
    pub const RELINK: &str =
        "Search a folder and its subfolders for the offline stems, by file name";
    /// Undo.
    pub const UNDO: &str = "Undo (Ctrl+Z)";
    /// Redo.
    pub const REDO: &str = "Redo (Ctrl+Shift+Z or Ctrl+Y)";
    /// Bounce.
    pub const BOUNCE: &str = "Bounce the mix to a WAV file (Ctrl+B)";
    /// Help.
    pub const HELP: &str = "Keyboard and mouse help (F1 or ?)";
    /// Fader.
    pub const FADER: &str =
        "Drag (Shift: fine), wheel, double-click for 0 dB, click the value to type";
}

/// Every shortcut, for the help overlay: (keys, what they do).
pub const SHORTCUTS: [(&str, &str); 21] = [
    ("Space", "Play / pause"),
    ("Home, Enter", "Return to start"),
    ("L", "Loop on/off"),
    ("R", "Show the references (or the strip editor)"),
    ("Tab, `", "A/B: the mix or the selected reference"),
    ("1 … 9", "Listen to that reference"),
    ("M / S", "Mute / solo the selected strip"),
    ("E", "Large EQ view of the selected track"),
    ("← →", "Select the previous / next strip"),
    ("↑ ↓", "Selected fader ±0.5 dB (Shift: ±0.1 dB)"),
    ("Ctrl+N", "New project"),
    ("Ctrl+O", "Open a project"),
    ("Ctrl+S", "Save"),
    ("Ctrl+Shift+S", "Save as"),
    ("Ctrl+I", "Add stems"),
    ("Ctrl+B", "Bounce the mix to WAV"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
    ("F1, ?", "This help"),
    ("Esc", "Close a panel, cancel typing"),
    ("Double-click", "Reset a control (fader 0 dB, pan centre)"),
];

/// Mouse gestures, for the help overlay.
pub const MOUSE: [(&str, &str); 16] = [
    ("Drag a fader or knob", "Change it (Shift: fine)"),
    ("Wheel over a control", "Step it (Shift: fine)"),
    (
        "Click a value",
        "Type a value (-6, 1.2k, 250ms, L 30, -inf)",
    ),
    (
        "Click the timeline",
        "Move the playhead (a lane also selects its track)",
    ),
    (
        "Drag an EQ node",
        "Frequency and gain (Shift: fine, Alt: Q); hover shows its values",
    ),
    ("Wheel / double-click an EQ node", "Q / band on/off"),
    (
        "Ctrl+wheel over the EQ",
        "Large EQ view (up) or back (down)",
    ),
    ("Drag on the timeline", "Set the loop region"),
    (
        "Drag a loop edge",
        "Resize the loop (on the ruler, drag inside it to move it)",
    ),
    ("Wheel / Ctrl+wheel on the timeline", "Scroll / zoom"),
    ("Alt+wheel on a lane", "Waveform height"),
    (
        "Marker row above the ruler",
        "Double-click: add; drag a flag: move; double-click it: rename; right-click: remove",
    ),
    (
        "Drag a splitter",
        "Share the room (double-click the timeline's: fold the lanes)",
    ),
    ("Wheel over the strips' scroll bar", "Scroll the strips"),
    ("Click a clip light", "Clear it"),
    ("Click a meter's number", "Forget its highest peak"),
];

/// Turns a runtime event into a message: window events, and shortcuts for key presses no
/// widget captured.
pub fn on_event(event: Event, status: event::Status, _window: window::Id) -> Option<Message> {
    match event {
        Event::Window(window::Event::CloseRequested) => Some(Message::CloseRequested),
        Event::Window(window::Event::FileDropped(path)) => {
            Some(Message::Files(files::Message::Dropped(path)))
        }
        Event::Window(window::Event::Resized(size)) => Some(Message::Resized(size)),
        Event::Window(window::Event::Focused) => Some(Message::Focused),
        Event::Window(window::Event::Moved(p)) => {
            Some(Message::Layout(super::layout::Message::Moved(p)))
        }
        Event::Keyboard(k) => shortcut(&k, status == event::Status::Ignored),
        _ => None,
    }
}

/// The message of a key press; `free` is whether no widget used the key.
pub fn shortcut(event: &keyboard::Event, free: bool) -> Option<Message> {
    let keyboard::Event::KeyPressed {
        key,
        modified_key,
        physical_key,
        modifiers,
        repeat,
        ..
    } = event
    else {
        return None;
    };
    if let Key::Named(Named::Escape) = key {
        return Some(Message::Escape);
    }
    if !free {
        return None;
    }
    let ctrl = modifiers.command();
    let shift = modifiers.shift();
    if let Key::Named(named) = key {
        return match named {
            Named::Space if !ctrl && !repeat => {
                Some(Message::Transport(transport::Message::TogglePlay))
            }
            Named::Home | Named::Enter if !ctrl => {
                Some(Message::Transport(transport::Message::ToStart))
            }
            Named::ArrowLeft => Some(Message::SelectStep(-1)),
            Named::ArrowRight => Some(Message::SelectStep(1)),
            Named::ArrowUp => Some(Message::Nudge(if shift { 0.1 } else { 0.5 })),
            Named::ArrowDown => Some(Message::Nudge(if shift { -0.1 } else { -0.5 })),
            Named::F1 if !repeat => Some(Message::Help(help::Message::Toggle)),
            Named::Tab if !ctrl && !repeat => Some(Message::Reference(reference::Message::Toggle)),
            _ => None,
        };
    }
    if !ctrl && matches!(modified_key.as_ref(), Key::Character("?")) {
        return (!repeat).then_some(Message::Help(help::Message::Toggle));
    }
    if !ctrl && !repeat {
        // By the key's place, so that ` and the digits work on every layout.
        if let keyboard::key::Physical::Code(code) = physical_key {
            use keyboard::key::Code;
            let n = match code {
                Code::Backquote => return Some(Message::Reference(reference::Message::Toggle)),
                Code::Digit1 => 0,
                Code::Digit2 => 1,
                Code::Digit3 => 2,
                Code::Digit4 => 3,
                Code::Digit5 => 4,
                Code::Digit6 => 5,
                Code::Digit7 => 6,
                Code::Digit8 => 7,
                Code::Digit9 => 8,
                _ => usize::MAX,
            };
            if n != usize::MAX {
                return Some(Message::Reference(reference::Message::Nth(n)));
            }
        }
        if let Key::Character(c) = key {
            match c.as_str() {
                "`" => return Some(Message::Reference(reference::Message::Toggle)),
                d @ ("1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9") => {
                    let n = d.parse::<usize>().unwrap_or(1) - 1;
                    return Some(Message::Reference(reference::Message::Nth(n)));
                }
                _ => {}
            }
        }
    }
    let c = key.to_latin(*physical_key)?.to_ascii_lowercase();
    if *repeat && c != 'z' && c != 'y' {
        return None;
    }
    Some(match (ctrl, shift, c) {
        (true, false, 's') => Message::Files(files::Message::Save),
        (true, true, 's') => Message::Files(files::Message::SaveAs),
        (true, _, 'o') => Message::Files(files::Message::Open),
        (true, _, 'n') => Message::Files(files::Message::New),
        (true, _, 'i') => Message::Files(files::Message::AddStems),
        (true, _, 'b') => Message::Bounce(bounce::Message::Open),
        (true, false, 'z') => Message::Undo,
        (true, true, 'z') | (true, _, 'y') => Message::Redo,
        (false, false, 'l') => Message::Transport(transport::Message::ToggleLoop),
        (false, false, 'r') => Message::Reference(reference::Message::ToggleShown),
        (false, false, 'm') => Message::MuteSelected,
        (false, false, 's') => Message::SoloSelected,
        (false, false, 'e') => Message::Editor(editor::Message::ToggleLarge),
        _ => return None,
    })
}
