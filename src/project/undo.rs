//! Snapshot-based undo/redo: each step stores the whole state before an edit.
//!
//! A project is a few kilobytes per track, so whole snapshots are cheap and can never drift from
//! the edits that made them. A continuous gesture (a fader drag) records one step when it starts.

/// Undo and redo stacks of snapshots of `T`.
#[derive(Debug, Clone)]
pub struct History<T> {
    undo: Vec<Step<T>>,
    redo: Vec<Step<T>>,
    limit: usize,
}

#[derive(Debug, Clone)]
struct Step<T> {
    before: T,
    label: String,
}

impl<T: Clone> History<T> {
    /// An empty history keeping at most `limit` undo steps.
    pub fn new(limit: usize) -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Records the state before an edit named `label`; clears the redo stack.
    pub fn record(&mut self, before: T, label: impl Into<String>) {
        self.undo.push(Step {
            before,
            label: label.into(),
        });
        if self.undo.len() > self.limit {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Steps back: returns the state to restore, given the current one.
    pub fn undo(&mut self, current: &T) -> Option<T> {
        let step = self.undo.pop()?;
        self.redo.push(Step {
            before: current.clone(),
            label: step.label.clone(),
        });
        Some(step.before)
    }

    /// Steps forward again after an undo.
    pub fn redo(&mut self, current: &T) -> Option<T> {
        let step = self.redo.pop()?;
        self.undo.push(Step {
            before: current.clone(),
            label: step.label.clone(),
        });
        Some(step.before)
    }

    /// Label of the step [`undo`](Self::undo) would revert.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// Label of the step [`redo`](Self::redo) would reapply.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Number of undo steps available.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Forgets everything (after opening another project).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::History;

    #[test]
    fn undo_redo_round_trip() {
        let mut h = History::new(10);
        let mut v = 1;
        h.record(v, "a");
        v = 2;
        h.record(v, "b");
        v = 3;
        v = h.undo(&v).unwrap();
        assert_eq!(v, 2);
        v = h.undo(&v).unwrap();
        assert_eq!(v, 1);
        assert!(h.undo(&v).is_none());
        v = h.redo(&v).unwrap();
        assert_eq!(v, 2);
        v = h.redo(&v).unwrap();
        assert_eq!(v, 3);
        assert!(h.redo(&v).is_none());
    }

    #[test]
    fn new_edit_clears_redo_and_limit_holds() {
        let mut h = History::new(2);
        for i in 0..5 {
            h.record(i, "x");
        }
        assert_eq!(h.undo_len(), 2);
        let v = h.undo(&5).unwrap();
        h.record(v, "y");
        assert!(h.redo(&0).is_none());
    }
}
