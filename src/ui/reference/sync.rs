//! What the engine has loaded of the project's references, and the commands that bring it in
//! line with the project: a reference is loaded once its audio is decoded, its gain (match
//! gain + trim), mode and loop follow its edits, and it is unloaded when it leaves the list
//! (or its file goes offline).

use crate::engine::{RefSetup, Source};
use crate::media::StemAudio;
use crate::project::{Project, RefId, RefMode, Reference};
use crate::ui::engine_link::EngineLink;
use crate::ui::files::StemLibrary;
use std::collections::HashMap;
use std::sync::Arc;

/// What was sent for one reference.
struct Sent {
    audio: Arc<StemAudio>,
    mode: RefMode,
    gain_db: f32,
    looping: (bool, Option<(u64, u64)>),
}

/// The references loaded in the engine; see the module documentation.
#[derive(Default)]
pub struct Loaded {
    sent: HashMap<RefId, Sent>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("references", &self.sent.len())
            .finish()
    }
}

impl Loaded {
    /// Unloads everything (another project: the engine was told to clear).
    pub fn clear(&mut self, link: &mut EngineLink) {
        self.sent.clear();
        link.clear_references();
        if link.view().source != Source::Mix {
            link.select_source(Source::Mix);
        }
    }

    /// Whether the reference is loaded.
    pub fn is_loaded(&self, id: RefId) -> bool {
        self.sent.contains_key(&id)
    }

    /// Sends what differs between what the engine has and `project`'s references; `gain_db`
    /// gives the gain each one plays at.
    pub fn sync(
        &mut self,
        link: &mut EngineLink,
        project: &Project,
        stems: &StemLibrary,
        gain_db: &dyn Fn(&Reference) -> f32,
    ) {
        let rate = project.sample_rate;
        let gone: Vec<RefId> = self
            .sent
            .keys()
            .copied()
            .filter(|id| {
                project
                    .reference(*id)
                    .is_none_or(|r| stems.audio(&r.path).is_none())
            })
            .collect();
        for id in gone {
            self.sent.remove(&id);
            link.remove_reference(id);
            if link.view().source == Source::Reference(id) {
                // The engine crossfades to the mix on its own; the window says so at once.
                link.select_source(Source::Mix);
            }
        }
        for r in &project.references {
            let Some(audio) = stems.audio(&r.path) else {
                continue;
            };
            let setup = RefSetup::of(r, rate, gain_db(r));
            let looping = (setup.loop_enabled, setup.loop_frames);
            match self.sent.get_mut(&r.id) {
                Some(s) if Arc::ptr_eq(&s.audio, &audio) => {
                    if s.mode != setup.mode || s.looping != looping {
                        // Mode, loop and gain together.
                        s.mode = setup.mode;
                        s.looping = looping;
                        s.gain_db = setup.gain_db;
                        link.update_reference(r, setup.gain_db);
                    } else if s.gain_db != setup.gain_db {
                        s.gain_db = setup.gain_db;
                        link.set_reference_gain(r.id, setup.gain_db);
                    }
                }
                _ => {
                    self.sent.insert(
                        r.id,
                        Sent {
                            audio: audio.clone(),
                            mode: setup.mode,
                            gain_db: setup.gain_db,
                            looping,
                        },
                    );
                    link.set_reference(r.id, audio, setup);
                }
            }
        }
    }
}
