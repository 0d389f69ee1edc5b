//! The project model: plain serde data, the range of every setting and the validation of
//! loaded values, its file format, migration and undo history.
//!
//! Nothing here knows about audio devices, DSP or the GUI.

pub mod bounce;
pub mod eq;
pub mod file;
mod locate;
pub mod migrate;
pub mod model;
pub mod ranges;
pub mod reference;
pub mod undo;
pub mod validate;

pub use bounce::*;
pub use eq::*;
pub use file::{ParseError, ProjectError, load, load_checked, save};
pub use model::*;
pub use ranges::ParamRange;
pub use reference::*;
pub use validate::Correction;
