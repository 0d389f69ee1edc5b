//! The decoded-stem cache: each stem decoded once to planar `f32` at the project rate, in one
//! file per (source, rate), and read back through a memory mapping — so an offline render holds
//! only the pages it is reading and a warm reopen decodes nothing.
//!
//! A file is `<hash>.stem` (the hash of the key: source path, size, modification time, project
//! rate, format version) laid out as: a header (magic, version, byte order, channels, frames,
//! rates, the full key, the import warnings, a checksum), padded to a page; each channel's
//! samples in native byte order, each starting on a page; then the waveform overview's finest
//! level with its own checksum. Files are written to a temporary file in the cache folder and
//! renamed into place, so a reader never sees half a file; once renamed a file is never written
//! again (only deleted by eviction, which on Unix leaves open mappings intact). Anything that
//! does not match — another version, a key that differs, a bad checksum, a short file — is a
//! miss, and the stem is decoded again.

use super::peaks::{Overview, PeakBin};
use super::samples::Samples;
use super::stem::StemAudio;
use memmap2::Mmap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Bumped whenever the layout or the decoder's output changes, so old files are never read.
const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"STMXSTEM";
/// Alignment of the sample data and of each channel.
const PAGE: u64 = 4096;
/// Default size limit of the cache folder.
const DEFAULT_LIMIT_BYTES: u64 = 16 << 30;
/// Longest header read (path and warnings are short; a longer one is damage).
const MAX_HEADER: usize = 1 << 20;
/// Fixed part of the header, before the path.
const FIXED_HEADER: usize = 64;

/// Where decoded stems are kept, and how much of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StemCache {
    dir: PathBuf,
    limit_bytes: u64,
}

/// What a cache file stands for: a version of a source file decoded at a rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CacheKey {
    source: PathBuf,
    size: u64,
    mtime_s: i64,
    mtime_ns: u32,
    rate: u32,
}

impl StemCache {
    /// A cache in `dir` (created when first written) holding at most `limit_bytes`.
    pub fn new(dir: impl Into<PathBuf>, limit_bytes: u64) -> StemCache {
        StemCache {
            dir: dir.into(),
            limit_bytes,
        }
    }

    /// The user's cache: `$STEMMIX_CACHE_DIR`, else `$STEMMIX_HOME/cache/stems`, else the
    /// platform cache folder (`directories`) `/stems`; limited to `$STEMMIX_CACHE_MAX_MB`
    /// megabytes (default 16 GiB). `None` without a home folder, or with `STEMMIX_CACHE_DIR`
    /// set but empty (no cache: stems are decoded into memory as before).
    pub fn from_env() -> Option<StemCache> {
        let home = match std::env::var_os("STEMMIX_HOME") {
            Some(home) => PathBuf::from(home).join("cache"),
            None => directories::ProjectDirs::from("org", "stemmix", "stemmix")?
                .cache_dir()
                .to_path_buf(),
        };
        StemCache::from_env_or(&home)
    }

    /// The cache in `cache_root/stems`, unless `$STEMMIX_CACHE_DIR` names another folder (or,
    /// empty, none: `None`); limited as [`from_env`](Self::from_env) says.
    pub fn from_env_or(cache_root: &Path) -> Option<StemCache> {
        let dir = match std::env::var_os("STEMMIX_CACHE_DIR") {
            Some(d) if d.is_empty() => return None,
            Some(d) => PathBuf::from(d),
            None => cache_root.join("stems"),
        };
        let limit = std::env::var("STEMMIX_CACHE_MAX_MB")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map_or(DEFAULT_LIMIT_BYTES, |mb| mb.saturating_mul(1 << 20));
        Some(StemCache::new(dir, limit))
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of `source` decoded at `rate`; `None` if the file cannot be looked at (the
    /// decoder then reports why).
    pub(crate) fn key(source: &Path, rate: u32) -> Option<CacheKey> {
        let source = fs::canonicalize(source).ok()?;
        let meta = fs::metadata(&source).ok()?;
        let since = |t: SystemTime| match t.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => (
                -(e.duration().as_secs() as i64),
                e.duration().subsec_nanos(),
            ),
        };
        let (mtime_s, mtime_ns) = since(meta.modified().ok()?);
        Some(CacheKey {
            source,
            size: meta.len(),
            mtime_s,
            mtime_ns,
            rate,
        })
    }

    /// The file for `key`.
    pub(crate) fn file_of(&self, key: &CacheKey) -> PathBuf {
        let mut h = Fnv::new();
        h.write(&FORMAT_VERSION.to_le_bytes());
        h.write(key.source.as_os_str().as_encoded_bytes());
        h.write(&key.size.to_le_bytes());
        h.write(&key.mtime_s.to_le_bytes());
        h.write(&key.mtime_ns.to_le_bytes());
        h.write(&key.rate.to_le_bytes());
        self.dir.join(format!("{:016x}.stem", h.0))
    }

    /// The cached stem for `key`, its samples mapped from the file; with `overview`, the
    /// waveform overview too (otherwise left empty). `None` on a miss or any problem with the
    /// file.
    pub(crate) fn open(&self, key: &CacheKey, overview: bool) -> Option<StemAudio> {
        let path = self.file_of(key);
        let stem = read_file(&path, key, overview).ok()?;
        // Least recently used goes first: a hit counts as a use.
        if let Ok(f) = File::options().write(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(stem)
    }

    /// Writes `stem` (decoded from `key`'s source) to the cache, then evicts the least recently
    /// used files over the size limit. Returns the file written.
    pub(crate) fn store(&self, key: &CacheKey, stem: &StemAudio) -> io::Result<PathBuf> {
        fs::create_dir_all(&self.dir)?;
        let path = self.file_of(key);
        let tmp = tempfile::Builder::new()
            .prefix(".partial-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)?;
        {
            let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
            write_stem(&mut w, key, stem)?;
            w.flush()?;
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        self.evict(&path);
        Ok(path)
    }

    /// Deletes the least recently used `.stem` files until the folder fits the limit, never
    /// `keep`. Errors are ignored (a file in use elsewhere may not be deletable).
    fn evict(&self, keep: &Path) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(|e| {
                let e = e.ok()?;
                let path = e.path();
                if path.extension()? != "stem" {
                    return None;
                }
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), path))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort();
        for (_, len, path) in files {
            if total <= self.limit_bytes {
                break;
            }
            if path != keep && fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// Bytes from the start of a channel to the next.
fn channel_stride(frames: u64) -> u64 {
    (frames * 4).next_multiple_of(PAGE)
}

fn write_stem(w: &mut impl Write, key: &CacheKey, stem: &StemAudio) -> io::Result<()> {
    let frames = stem.frames as u64;
    if stem.channels.iter().any(|c| c.len() != stem.frames) {
        return Err(io::Error::other("channels of different lengths"));
    }
    let header = header_bytes(key, stem);
    let data_offset = (header.len() as u64).next_multiple_of(PAGE);
    w.write_all(&header)?;
    write_zeros(w, data_offset - header.len() as u64)?;
    let stride = channel_stride(frames);
    let mut buf = Vec::with_capacity(64 << 10);
    for c in &stem.channels {
        for chunk in c.chunks(16 << 10) {
            buf.clear();
            buf.extend(chunk.iter().flat_map(|s| s.to_ne_bytes()));
            w.write_all(&buf)?;
        }
        write_zeros(w, stride - frames * 4)?;
    }
    let bins = stem.overview.bins(0);
    let mut ov = Vec::with_capacity(16 + bins.len() * 8);
    ov.extend((stem.overview.frames() as u64).to_le_bytes());
    ov.extend((bins.len() as u64).to_le_bytes());
    for b in bins {
        ov.extend(b.min.to_ne_bytes());
        ov.extend(b.max.to_ne_bytes());
    }
    let sum = Fnv::of(&ov);
    w.write_all(&ov)?;
    w.write_all(&sum.to_le_bytes())
}

fn write_zeros(w: &mut impl Write, n: u64) -> io::Result<()> {
    io::copy(&mut io::repeat(0).take(n), w).map(|_| ())
}

/// The header: fixed fields, the key's path, the warnings, a checksum of all that.
fn header_bytes(key: &CacheKey, stem: &StemAudio) -> Vec<u8> {
    let path = key.source.as_os_str().as_encoded_bytes();
    let mut h = Vec::with_capacity(FIXED_HEADER + path.len() + 64);
    h.extend(MAGIC);
    h.extend(FORMAT_VERSION.to_le_bytes());
    h.extend(native_order_tag().to_le_bytes());
    h.extend((stem.channels.len() as u32).to_le_bytes());
    h.extend((stem.frames as u64).to_le_bytes());
    h.extend(stem.sample_rate.to_le_bytes());
    h.extend(stem.source_rate.to_le_bytes());
    h.extend(key.size.to_le_bytes());
    h.extend(key.mtime_s.to_le_bytes());
    h.extend(key.mtime_ns.to_le_bytes());
    h.extend(key.rate.to_le_bytes());
    h.extend((path.len() as u32).to_le_bytes());
    debug_assert_eq!(h.len(), FIXED_HEADER);
    h.extend(path);
    h.extend((stem.warnings.len() as u32).to_le_bytes());
    for warning in &stem.warnings {
        h.extend((warning.len() as u32).to_le_bytes());
        h.extend(warning.as_bytes());
    }
    let sum = Fnv::of(&h);
    h.extend(sum.to_le_bytes());
    h
}

/// 1 read back in the machine's own byte order: samples are stored in it.
fn native_order_tag() -> u32 {
    u32::from_ne_bytes(1u32.to_le_bytes())
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// Reads little-endian fields off the front of a byte slice.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "header cut short",
            ));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }
    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or_default(),
        ))
    }
}

fn read_file(path: &Path, key: &CacheKey, overview: bool) -> io::Result<StemAudio> {
    let mut file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut fixed = [0u8; FIXED_HEADER];
    file.read_exact(&mut fixed)?;
    let mut f = Fields(&fixed);
    if f.take(8)? != MAGIC || f.u32()? != FORMAT_VERSION || f.u32()? != native_order_tag() {
        return Err(bad("another format"));
    }
    let channels = f.u32()? as usize;
    let frames = f.u64()?;
    let sample_rate = f.u32()?;
    let source_rate = f.u32()?;
    let found = (f.u64()?, f.u64()? as i64, f.u32()?, f.u32()?);
    let path_len = f.u32()? as usize;
    if found != (key.size, key.mtime_s, key.mtime_ns, key.rate)
        || sample_rate != key.rate
        || !(1..=2).contains(&channels)
        || frames == 0
        || path_len != key.source.as_os_str().len()
    {
        return Err(bad("another source"));
    }
    let stride = channel_stride(frames);
    let data_bytes = stride
        .checked_mul(channels as u64)
        .ok_or_else(|| bad("too long"))?;
    // The rest of the header: path, warnings, checksum (the warnings' length is not known up
    // front, so read up to the first page boundary past the path and grow if needed).
    let mut header = fixed.to_vec();
    let mut want = (FIXED_HEADER + path_len + 4).next_multiple_of(PAGE as usize);
    let (warnings, data_offset) = loop {
        let have = header.len();
        let more = (want - have).min(file_len.saturating_sub(have as u64) as usize);
        header.resize(have + more, 0);
        file.read_exact(&mut header[have..])?;
        match parse_tail(&header, path_len, key)? {
            Some((warnings, end)) => break (warnings, (end as u64).next_multiple_of(PAGE)),
            None if more == 0 || want >= MAX_HEADER => return Err(bad("header cut short")),
            None => want += PAGE as usize,
        }
    };
    let overview_offset = data_offset + data_bytes;
    if file_len < overview_offset + 24 {
        return Err(bad("file cut short"));
    }
    // SAFETY: cache files are never written after they are renamed into place (see the module
    // notes); the mapping is read-only.
    let map = Arc::new(unsafe { Mmap::map(&file)? });
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    let mut planes = Vec::with_capacity(channels);
    for c in 0..channels as u64 {
        let offset = usize::try_from(data_offset + c * stride).map_err(|_| bad("too long"))?;
        let len = usize::try_from(frames).map_err(|_| bad("too long"))?;
        planes.push(Samples::mapped(map.clone(), offset, len).ok_or_else(|| bad("mapping"))?);
    }
    let overview = if overview {
        file.seek(SeekFrom::Start(overview_offset))?;
        read_overview(&mut file, file_len - overview_offset)?
    } else {
        Overview::default()
    };
    Ok(StemAudio {
        channels: planes,
        sample_rate,
        source_rate,
        frames: frames as usize,
        overview,
        warnings,
    })
}

/// The path, warnings and checksum after the fixed header, if `header` holds them all: the
/// warnings and the header's end.
fn parse_tail(
    header: &[u8],
    path_len: usize,
    key: &CacheKey,
) -> io::Result<Option<(Vec<String>, usize)>> {
    fn warnings_after_path(
        f: &mut Fields,
        path_len: usize,
        key: &CacheKey,
    ) -> io::Result<Vec<String>> {
        if f.take(path_len)? != key.source.as_os_str().as_encoded_bytes() {
            return Err(bad("another source"));
        }
        let n = f.u32()? as usize;
        let mut warnings = Vec::new();
        for _ in 0..n {
            let len = f.u32()? as usize;
            let text = std::str::from_utf8(f.take(len)?).map_err(|_| bad("warning text"))?;
            warnings.push(text.to_string());
        }
        Ok(warnings)
    }
    let mut f = Fields(&header[FIXED_HEADER..]);
    let warnings = match warnings_after_path(&mut f, path_len, key) {
        Ok(w) => w,
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    };
    let end = header.len() - f.0.len();
    let Ok(sum) = f.u64() else {
        return Ok(None);
    };
    if sum != Fnv::of(&header[..end]) {
        return Err(bad("header checksum"));
    }
    Ok(Some((warnings, end + 8)))
}

fn read_overview(file: &mut File, available: u64) -> io::Result<Overview> {
    let mut head = [0u8; 16];
    file.read_exact(&mut head)?;
    let mut f = Fields(&head);
    let (frames, bins) = (f.u64()?, f.u64()?);
    if bins.checked_mul(8).and_then(|b| b.checked_add(24)) != Some(available) {
        return Err(bad("overview length"));
    }
    let mut bytes = vec![0u8; bins as usize * 8];
    file.read_exact(&mut bytes)?;
    let mut sum = [0u8; 8];
    file.read_exact(&mut sum)?;
    let mut h = Fnv::new();
    h.write(&head);
    h.write(&bytes);
    if u64::from_le_bytes(sum) != h.0 {
        return Err(bad("overview checksum"));
    }
    let f32_at = |b: &[u8]| f32::from_ne_bytes(b.try_into().unwrap_or_default());
    let finest = bytes
        .chunks_exact(8)
        .map(|b| PeakBin {
            min: f32_at(&b[..4]),
            max: f32_at(&b[4..]),
        })
        .collect();
    Ok(Overview::from_finest(frames as usize, finest))
}

/// FNV-1a, 64 bits: a stable hash for file names and checksums (not for security).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn of(bytes: &[u8]) -> u64 {
        let mut h = Fnv::new();
        h.write(bytes);
        h.0
    }
}
