//! Small settings files in the user's config folder (window layout, recent projects): RON,
//! written atomically, and read forgivingly (a missing or damaged file means "no setting").

use crate::atomic_file;
use serde::{Serialize, de::DeserializeOwned};
use std::path::Path;

/// Reads `config/name`; `None` when it is missing or does not parse.
pub fn load<T: DeserializeOwned>(config: &Path, name: &str) -> Option<T> {
    let text = std::fs::read_to_string(config.join(name)).ok()?;
    ron::from_str(&text).ok()
}

/// Writes `value` to `config/name` atomically, creating the folder.
pub fn save<T: Serialize>(config: &Path, name: &str, value: &T) -> std::io::Result<()> {
    std::fs::create_dir_all(config)?;
    let text = ron::ser::to_string_pretty(value, ron::ser::PrettyConfig::new())
        .map_err(std::io::Error::other)?;
    atomic_file::write_atomic(&config.join(name), false, |f| {
        use std::io::Write;
        f.write_all(text.as_bytes())
    })
}
