//! Where the bytes of an audio file come from: a file on disk, or bytes already in memory (read
//! elsewhere, or made up by a fuzzer). Both go through the same decoder.

use super::MediaError;
use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;
use symphonia::core::io::{MediaSource, ReadOnlySource};

/// The bytes to decode and the name they go by.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Input<'a> {
    /// A file, opened (and reopened) as needed.
    File(&'a Path),
    /// Bytes in memory; `name` stands for their file: its extension is the format hint and
    /// messages start with its file name.
    Memory {
        /// The name used for hints and messages.
        name: &'a Path,
        /// The whole file.
        bytes: &'a [u8],
    },
}

/// A readable, seekable byte source (the MP4 box walker reads through one).
pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl<'a> Input<'a> {
    /// The file name errors are about.
    pub(crate) fn name(&self) -> &'a Path {
        match *self {
            Input::File(path) => path,
            Input::Memory { name, .. } => name,
        }
    }

    /// The bytes as a seekable source for symphonia, and their length.
    pub(crate) fn open(&self) -> Result<(Box<dyn MediaSource + 'a>, u64), MediaError> {
        match *self {
            Input::File(path) => {
                let file = File::open(path).map_err(|e| MediaError::io(path, e))?;
                let len = file.metadata().map_err(|e| MediaError::io(path, e))?.len();
                Ok((Box::new(file), len))
            }
            Input::Memory { bytes, .. } => Ok((Box::new(Cursor::new(bytes)), bytes.len() as u64)),
        }
    }

    /// The bytes as a source that cannot seek (so symphonia reads it front to back and cannot
    /// estimate a length from the file size).
    pub(crate) fn open_unseekable(&self) -> Result<Box<dyn MediaSource + 'a>, MediaError> {
        match *self {
            Input::File(path) => {
                let file = File::open(path).map_err(|e| MediaError::io(path, e))?;
                Ok(Box::new(ReadOnlySource::new(file)))
            }
            Input::Memory { bytes, .. } => Ok(Box::new(ReadOnlySource::new(Cursor::new(bytes)))),
        }
    }

    /// The bytes as a plain reader, for the parsers of our own (MP4 timing boxes).
    pub(crate) fn reader(&self) -> io::Result<Box<dyn ReadSeek + 'a>> {
        match *self {
            Input::File(path) => Ok(Box::new(File::open(path)?)),
            Input::Memory { bytes, .. } => Ok(Box::new(Cursor::new(bytes))),
        }
    }
}
