//! The app's side of the reference panel: reference files decode with the stems (the same
//! library and code, at the project rate), the engine is kept in line with the project's
//! references and their match gains, and the measurements follow the mix.

use super::App;
use std::path::PathBuf;
use std::time::Instant;

impl App {
    /// After anything that may have changed the references, their audio or the mix: decodes
    /// reference files not decoded yet, lets the measurements look at the mix, and sends the
    /// engine what changed (audio, gain, mode, loop).
    pub(super) fn references_changed(&mut self) {
        let p = &self.doc.project;
        let paths: Vec<PathBuf> = p.references.iter().map(|r| r.path.clone()).collect();
        if !paths.is_empty() {
            self.stems.decode(paths, p.sample_rate);
        }
        self.references
            .measure
            .observe(p, &self.stems, self.doc.revision);
        self.sync_references();
    }

    /// On display ticks: the measurements poll their jobs and follow the mix; the engine gets
    /// the gains of new figures.
    pub(super) fn tick_references(&mut self) {
        let p = &self.doc.project;
        self.references
            .measure
            .tick(p, &self.stems, self.doc.revision, Instant::now());
        self.sync_references();
    }

    /// Sends the engine what differs from the project's references (gains with the current
    /// match figures) and redraws the tonal balance.
    pub(super) fn sync_references(&mut self) {
        let mut loaded = std::mem::take(&mut self.references.loaded);
        let p = &self.doc.project;
        let refs = &self.references;
        let gains = |r: &crate::project::Reference| refs.gain_db(p, r);
        loaded.sync(&mut self.link, p, &self.stems, &gains);
        self.references.loaded = loaded;
        self.references.refresh(p);
    }

    /// Another project: every reference unloaded, the measurements forgotten.
    pub(super) fn references_replaced(&mut self) {
        self.references.reset();
        let mut loaded = std::mem::take(&mut self.references.loaded);
        loaded.clear(&mut self.link);
        self.references.loaded = loaded;
        self.references_changed();
    }
}
