//! stemmix: a desktop multitrack mixer for stems.
//!
//! `project` is the saved model, `media` turns files into audio, `dsp` holds the signal
//! processors, `engine` runs the mix graph (in real time, and faster than real time through
//! its render driver), `ui` is the iced GUI and `cli` the command line.

pub mod atomic_file;
pub mod cli;
pub mod dsp;
pub mod engine;
pub mod media;
pub mod project;
pub mod ui;
