//! The project model: plain serde data, the range of every setting, its file format,
//! migration and undo history.
//!
//! Nothing here knows about audio devices, DSP or the GUI.

pub mod eq;
pub mod file;
pub mod migrate;
pub mod model;
pub mod ranges;
pub mod undo;

pub use eq::*;
pub use file::{ParseError, ProjectError, load, save};
pub use model::*;
pub use ranges::ParamRange;
