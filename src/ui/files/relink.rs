//! *Relink…*: finds the files of offline stems in a folder the user chose, by file name, at any
//! depth below it.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Folders deeper than this below the chosen one are not searched.
const MAX_DEPTH: usize = 32;
/// At most this many folders are read (a search of a whole disk stops there).
const MAX_FOLDERS: usize = 20_000;

/// For each of `names` (file names, as in the tracks' paths), the first file of that name
/// found below `root`, searching folder by folder in name order (so the shallowest match
/// wins, and the same folder always gives the same answer). Symbolic links to folders are not
/// followed (no loops); unreadable folders are skipped.
pub fn find_by_name(root: &Path, names: &[OsString]) -> HashMap<OsString, PathBuf> {
    let mut found: HashMap<OsString, PathBuf> = HashMap::new();
    let mut level = vec![root.to_path_buf()];
    let mut read = 0;
    for _ in 0..=MAX_DEPTH {
        let mut next = Vec::new();
        for dir in level {
            if read >= MAX_FOLDERS || found.len() == names.len() {
                return found;
            }
            read += 1;
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let Ok(kind) = e.file_type() else { continue };
                let name = e.file_name();
                if kind.is_dir() {
                    next.push(e.path());
                } else if names.contains(&name) && !found.contains_key(&name) {
                    // A link to a file is fine: it is read, never written.
                    found.insert(name, e.path());
                }
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_at_any_depth_shallowest_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::create_dir_all(root.join("z")).unwrap();
        std::fs::write(root.join("a/b/c/drums.wav"), b"").unwrap();
        std::fs::write(root.join("z/drums.wav"), b"").unwrap();
        std::fs::write(root.join("a/b/bass.wav"), b"").unwrap();
        std::fs::write(root.join("a/b/c/Keys.wav"), b"").unwrap();
        let names: Vec<OsString> = ["drums.wav", "bass.wav", "keys.wav"]
            .iter()
            .map(OsString::from)
            .collect();
        let found = find_by_name(root, &names);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[&OsString::from("drums.wav")],
            root.join("z/drums.wav")
        );
        assert_eq!(
            found[&OsString::from("bass.wav")],
            root.join("a/b/bass.wav")
        );
        #[cfg(unix)]
        {
            // A link back up the tree is not followed.
            std::os::unix::fs::symlink(root, root.join("a/loop")).unwrap();
            assert_eq!(find_by_name(root, &names).len(), 2);
        }
    }
}
