//! Where each field of a project file is written: the 1-based line of every `name:` in the RON
//! text, by its path (`tracks[2].eq.peak1.gain_db`), so a value corrected after parsing can be
//! reported with its line. The serde model cannot tell (it sees values, not positions).
//!
//! A light scan, not a parser: it runs only on text that has already parsed, and tracks
//! strings, comments, brackets and `name:` keys, nothing more.

use std::collections::HashMap;

/// The line of each field written in a project's text, by path.
#[derive(Debug, Default)]
pub struct FieldLines {
    lines: HashMap<String, usize>,
}

/// One open bracket: the path it stands for, and for lists the index of the current element.
struct Frame {
    path: String,
    list: Option<usize>,
}

impl FieldLines {
    /// Scans `text` (RON that parsed as a project).
    pub fn of(text: &str) -> FieldLines {
        let bytes = text.as_bytes();
        let mut lines = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        // The path of the value a `name:` just introduced, until its bracket opens or a comma ends it.
        let mut pending: Option<String> = None;
        let mut line = 1;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'\n' => line += 1,
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        if bytes[i] == b'\\' {
                            i += 1;
                        } else if bytes[i] == b'\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/'))
                    {
                        if bytes[i] == b'\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                b'(' | b'[' => {
                    let path = match (pending.take(), stack.last()) {
                        (Some(p), _) => p,
                        (
                            None,
                            Some(Frame {
                                path,
                                list: Some(n),
                            }),
                        ) => format!("{path}[{n}]"),
                        // `Some(…)`, a struct's name or the outermost bracket: the same value.
                        (None, Some(top)) => top.path.clone(),
                        (None, None) => String::new(),
                    };
                    if let Some(Frame { list: Some(_), .. }) = stack.last() {
                        lines.entry(path.clone()).or_insert(line);
                    }
                    stack.push(Frame {
                        path,
                        list: (c == b'[').then_some(0),
                    });
                }
                b')' | b']' => {
                    stack.pop();
                    pending = None;
                }
                b',' => {
                    pending = None;
                    if let Some(Frame { list: Some(n), .. }) = stack.last_mut() {
                        *n += 1;
                    }
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    let mut j = i;
                    while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r') {
                        j += 1;
                    }
                    let in_struct = matches!(stack.last(), Some(Frame { list: None, .. }));
                    if in_struct && bytes.get(j) == Some(&b':') {
                        let key = &text[start..i];
                        let path = match stack.last() {
                            Some(top) if !top.path.is_empty() => format!("{}.{key}", top.path),
                            _ => key.to_string(),
                        };
                        lines.entry(path.clone()).or_insert(line);
                        pending = Some(path);
                        i = j + 1;
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        FieldLines { lines }
    }

    /// The line of the field at `path`, or of the nearest enclosing value written in the
    /// text (a track's own line for a field it leaves out).
    pub fn line(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(&l) = self.lines.get(p) {
                return Some(l);
            }
            p = &p[..p.rfind(['.', '['])?];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_path_with_their_lines() {
        let text = "(\n    version: 3,\n    // a comment: (\n    tracks: [\n        (\n            \
                    name: \"a, (b\",\n            gain_db: 1,\n        ),\n        (source: \
                    \"x.wav\", eq: (peak1: (gain_db: 3)),\n            pan: 5),\n    ],\n    \
                    loop_region: Some((start_s: 1, end_s: 2)),\n    master: (limiter: (ceiling_dbtp: 9)),\n)\n";
        let f = FieldLines::of(text);
        assert_eq!(f.line("version"), Some(2));
        assert_eq!(f.line("tracks"), Some(4));
        assert_eq!(f.line("tracks[0]"), Some(5));
        assert_eq!(f.line("tracks[0].name"), Some(6));
        assert_eq!(f.line("tracks[0].gain_db"), Some(7));
        assert_eq!(f.line("tracks[1].eq.peak1.gain_db"), Some(9));
        assert_eq!(f.line("tracks[1].pan"), Some(10));
        // Not written: the nearest enclosing value.
        assert_eq!(f.line("tracks[1].trim_db"), Some(9));
        assert_eq!(f.line("loop_region.end_s"), Some(12));
        assert_eq!(f.line("master.limiter.ceiling_dbtp"), Some(13));
        assert_eq!(f.line("reverb.size"), None);
    }
}
