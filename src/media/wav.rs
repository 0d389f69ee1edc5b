//! wav
