//! The mixer window (iced), as panels.
//!
//! | module | panel | state | sends |
//! |---|---|---|---|
//! | [`transport`] | transport bar | running, loudness figures as shown | play, stop, loop |
//! | [`timeline`] | ruler and lanes | zoom and scroll | seek, loop region, select |
//! | [`mixer`] | channel, reverb and master strips | each strip's curves | controls, switches |
//! | [`editor`] | editor of the selected strip | the selected track's curves | controls, switches, names, markers |
//! | [`files`] | menu and status bars, prompts, recent list, recovery | prompts, recent list, autosave | project flows |
//! | [`bounce`] | bounce dialog | choices, confirmation, running job, result | start, replace, cancel |
//! | [`notices`] | notices | the list | dismiss |
//! | [`help`] | help overlay | open | toggle |
//! | [`reference`] | reference list, A/B, matching, monitor, readouts, tonal balance | selection, monitor, measurements | reference edits, A/B, monitor |
//!
//! Each panel is a module with a state struct, a `Message` enum, an `update` that returns an
//! [`action::Action`] and a `view` that reads a [`context::Context`], in the style of the iced
//! examples. The [`app::App`] routes messages, carries out the actions and owns what panels
//! share: the [`document::Document`] (project, undo history), the [`engine_link::EngineLink`],
//! the [`files::StemLibrary`], the selection, the value being typed and the window size. A new
//! panel is one more such module, a field of `App`, a `Message` variant and a place in
//! `App::view` (the reference panel shares the editor's place through a tab row); what it
//! needs from the engine and the project goes through `Action` (`Engine`, `Edit`) like every
//! other panel's.
//!
//! Every change of the project is an [`edit::Edit`]; the GUI talks to the engine only through
//! [`engine_link`] and computes no DSP ([`curves`] are the DSP's own response functions).
//! Nothing outside `ui/` imports iced.

pub mod action;
pub mod app;
pub mod autosave;
pub mod bounce;
mod clock;
mod config_file;
pub mod context;
pub mod controls;
pub mod curves;
pub mod dirs;
pub mod document;
pub mod edit;
pub mod editor;
pub mod engine_link;
pub mod files;
pub mod help;
mod icons;
pub mod keys;
pub mod layout;
pub mod mixer;
pub mod notices;
pub mod params;
pub mod recent;
pub mod reference;
pub mod renderer;
pub mod theme;
pub mod timeline;
pub mod transport;
pub mod widgets;
pub mod window_icon;

pub use app::{App, CrashState, Message};

use dirs::AppDirs;
use engine_link::EngineLink;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where the bundled example project lives relative to a folder.
const EXAMPLE: &str = "projects-examples/demo/demo.stemmix";

/// The bundled example project: next to the executable (or up to three folders above it, which
/// covers `target/release/`), else in the source tree this binary was built from.
pub fn example_project() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..4 {
            let Some(d) = dir else { break };
            candidates.push(d.join(EXAMPLE));
            candidates.push(d.join("share/stemmix").join(EXAMPLE));
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE));
    candidates.into_iter().find(|p| p.is_file())
}

/// Writes the autosave of a session that is ending abnormally (panic, Ctrl+C).
fn emergency_autosave(dirs: &Option<AppDirs>, crash: &Arc<Mutex<CrashState>>) {
    let Some(d) = dirs else { return };
    let state = match crash.try_lock() {
        Ok(s) => s.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => return,
    };
    if let (true, Some(p)) = (state.dirty, &state.project) {
        let _ = autosave::Autosaver::new(&d.autosave_dir()).save(p, state.path.as_deref());
    }
}

fn install_crash_handlers(dirs: Option<AppDirs>, crash: Arc<Mutex<CrashState>>) {
    let (d, c) = (dirs.clone(), crash.clone());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        emergency_autosave(&d, &c);
        previous(info);
    }));
    let _ = ctrlc::set_handler(move || {
        emergency_autosave(&dirs, &crash);
        std::process::exit(130);
    });
}

/// Sets `ICED_BACKEND` to the renderer [`renderer::decide`] picks, unless the user set it.
/// With `STEMMIX_FRAME_STATS` set, prints the choice and its reason on stderr.
fn choose_renderer() {
    let env = std::env::var(renderer::BACKEND_ENV).ok();
    let choice = renderer::decide(env.as_deref(), renderer::probe);
    if let Some(backend) = choice.backend {
        // SAFETY: `run` calls this first, before the process starts any other thread (crash
        // handlers, engine, thread pools), so nothing reads the environment concurrently; the
        // adapter probe runs in a child process and leaves no thread here.
        unsafe { std::env::set_var(renderer::BACKEND_ENV, backend) };
    }
    if std::env::var_os("STEMMIX_FRAME_STATS").is_some() {
        eprintln!(
            "renderer: {} ({})",
            std::env::var(renderer::BACKEND_ENV).unwrap_or_default(),
            choice.reason
        );
    }
}

/// Starts the window with `project` (or the bundled example, or an empty project).
pub fn run(project: Option<PathBuf>) -> Result<(), String> {
    choose_renderer();
    let dirs = AppDirs::locate();
    let crash = Arc::new(Mutex::new(CrashState::default()));
    install_crash_handlers(dirs.clone(), crash.clone());
    let path = project.clone().or_else(example_project);
    let prefs = dirs
        .as_ref()
        .map(|d| layout::WindowPrefs::load(&d.config))
        .unwrap_or_default();
    let boot = move || {
        let mut app = App::new(dirs.clone(), EngineLink::realtime());
        app.set_crash_state(crash.clone());
        if let Some(p) = &path {
            app.open_path(p);
        }
        // Once the window is open, fit it to the screen it is on.
        (app, layout::ask_screen().map(Message::Layout))
    };
    iced::application(boot, App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .window(iced::window::Settings {
            size: prefs.window_size(),
            position: prefs.window_position(),
            min_size: Some(layout::MIN_WINDOW),
            exit_on_close_request: false,
            ..window_icon::settings()
        })
        .default_font(iced::Font::with_name("Fira Sans"))
        .antialiasing(true)
        .run()
        .map_err(|e| format!("the window could not be opened: {e}"))
}
