//! stem
