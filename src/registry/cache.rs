//! The blob cache: pulled blobs (wasm layers, and manifests pinned by digest) kept by digest
//! under `$XDG_CACHE_HOME/wzt/blobs/sha256/<hex>`, so a second pull or run downloads nothing.
//!
//! A cached blob is a claim about content, never trusted as such: every read checks the size
//! and recomputes the digest, and a blob that does not match is removed and fetched again. The
//! directories must be this user's and writable by nobody else, and files are opened without
//! following symlinks (`fsutil`, as the compile cache does). A blob enters the cache only once
//! its digest has been checked, through a private temporary file renamed into place. What comes
//! out still goes through `verify::admit` before it is written anywhere or run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::reference::Digest;
use crate::fsutil::{self, CheckedFile, Existing, FileError, FileRules, NewFile};

/// Why the blob cache cannot be used (pulls then go without it).
#[derive(Debug, thiserror::Error)]
pub enum BlobCacheError {
    #[error(
        "the blob cache directory {} is {problem}; fix it with `chmod 700 {}` (and make sure you own it), or remove it",
        dir.display(), dir.display()
    )]
    UnsafeDir { dir: PathBuf, problem: String },
    #[error("cannot use the blob cache at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("no cache directory: set XDG_CACHE_HOME or HOME")]
    NoDir,
}

/// What a lookup found.
#[derive(Debug)]
pub enum Cached {
    /// The blob, its size and digest checked.
    Hit(Vec<u8>),
    Miss,
    /// A file that is not the blob it is named after (or not a safe file); it was removed,
    /// and the text says why.
    Refused(String),
    /// A good copy of the blob (its content matches the digest) whose size is not the one
    /// asked for: whoever declared that size is wrong. The copy is kept.
    OtherSize(u64),
}

/// An opened, checked blob cache directory.
#[derive(Debug, Clone)]
pub struct BlobCache {
    dir: PathBuf,
}

impl BlobCache {
    /// The cache under `root` (`root/blobs/sha256`), each level created 0700 or checked.
    pub fn open(root: &Path) -> Result<BlobCache, BlobCacheError> {
        let mut dir = root.to_path_buf();
        for level in [None, Some("blobs"), Some("sha256")] {
            if let Some(level) = level {
                dir.push(level);
            }
            fsutil::ensure_private_dir(&dir).map_err(|e| match e {
                FileError::Io { source, .. } => BlobCacheError::Io {
                    path: dir.clone(),
                    source,
                },
                unsafe_dir => BlobCacheError::UnsafeDir {
                    dir: dir.clone(),
                    problem: unsafe_dir.problem(),
                },
            })?;
        }
        remove_stale_temporaries(&dir);
        Ok(BlobCache { dir })
    }

    /// The cache in the user's cache directory (`$XDG_CACHE_HOME/wzt`, else `~/.cache/wzt`).
    pub fn open_default() -> Result<BlobCache, BlobCacheError> {
        BlobCache::open(&fsutil::user_cache_dir().ok_or(BlobCacheError::NoDir)?)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, digest: &Digest) -> PathBuf {
        self.dir.join(digest.hex())
    }

    /// Reads the blob `digest`, which must be `size` bytes (at most `max` when the size is not
    /// known, as for a manifest pinned by digest).
    pub fn get(&self, digest: &Digest, size: Option<u64>, max: u64) -> Cached {
        let path = self.path(digest);
        let data = match CheckedFile::open_if_exists(&path, FileRules::own(max)) {
            Ok(Some(file)) => match file.read_all() {
                Ok(data) => data,
                Err(FileError::TooLarge { .. }) => {
                    return self.refuse(&path, "it is larger than any blob wzt reads".into());
                }
                Err(e) => return self.refuse(&path, format!("it cannot be read: {e}")),
            },
            Ok(None) => return Cached::Miss,
            Err(FileError::TooLarge { .. }) => {
                return self.refuse(&path, "it is larger than any blob wzt reads".into());
            }
            Err(e) => return self.refuse(&path, format!("it is {}", e.problem())),
        };
        if Digest::of(&data) != *digest {
            return self.refuse(&path, "its content does not match its digest".into());
        }
        // The content is the digest's: a size that disagrees is the asker's error, and the
        // good copy stays.
        if let Some(size) = size
            && data.len() as u64 != size
        {
            return Cached::OtherSize(data.len() as u64);
        }
        Cached::Hit(data)
    }

    fn refuse(&self, path: &Path, why: String) -> Cached {
        // A symlink or a directory planted there is removed as itself, never followed.
        let _ = std::fs::remove_file(path).or_else(|_| std::fs::remove_dir_all(path));
        Cached::Refused(why)
    }

    /// A writer for a blob being downloaded; [`BlobWriter::commit`] puts it in place.
    pub fn writer(&self) -> io::Result<BlobWriter> {
        BlobWriter::in_dir(&self.dir)
    }

    /// Stores `data` as the blob `digest`, which the caller has checked.
    pub fn put(&self, digest: &Digest, data: &[u8]) -> io::Result<()> {
        let mut writer = self.writer()?;
        writer.write_all(data)?;
        writer.commit(self, digest)
    }
}

/// A blob on its way into the cache: a private temporary file in the cache directory, removed
/// unless committed.
/// Temporary files older than a day are what an interrupted download left: removed. (A
/// download in progress writes its file as bytes arrive, and none runs for a day: the longest
/// is `--registry-timeout`.)
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let stale = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t < day_ago);
        if stale && name.to_string_lossy().starts_with(".wzt-blob-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

pub struct BlobWriter {
    file: io::BufWriter<NewFile>,
}

impl BlobWriter {
    /// A private (0600, unnamed where the filesystem allows) file in `dir`, removed unless
    /// committed: for a download with no cache to go to, in the temporary directory.
    pub fn in_dir(dir: &Path) -> io::Result<BlobWriter> {
        Ok(BlobWriter {
            file: io::BufWriter::with_capacity(1 << 20, NewFile::create_in(dir, 0o600)?),
        })
    }

    /// Fails when the filesystem under the file has less than `len` bytes free: a layer that
    /// cannot be kept is not downloaded.
    pub fn check_room(&self, dir: &Path, len: u64) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
            let fd = self.file.get_ref().file().as_raw_fd();
            // SAFETY: a valid descriptor; fstatvfs fills `stat` when it returns 0.
            if unsafe { libc::fstatvfs(fd, stat.as_mut_ptr()) } == 0 {
                // SAFETY: filled, as fstatvfs returned 0.
                let stat = unsafe { stat.assume_init() };
                let free = stat.f_bavail.saturating_mul(stat.f_frsize);
                if free < len {
                    return Err(io::Error::new(
                        io::ErrorKind::StorageFull,
                        format!(
                            "the layer is {len} bytes, and {} has {free} bytes free",
                            dir.display()
                        ),
                    ));
                }
            }
        }
        #[cfg(not(unix))]
        let _ = (dir, len);
        Ok(())
    }

    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.file.write_all(data)
    }

    /// Reads back what was written (after the caller checked its size and digest), from the
    /// file itself: the download is never held in memory twice, nor before it is checked.
    pub fn read_back(&mut self, len: u64) -> io::Result<Vec<u8>> {
        use std::io::{Read as _, Seek as _};
        self.file.flush()?;
        let mut file = self.file.get_ref().file();
        file.seek(io::SeekFrom::Start(0))?;
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(len).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the downloaded file is shorter than what was written to it",
            ));
        }
        Ok(bytes)
    }

    /// Names the finished file `digest` in the cache (the caller checked the digest of what it
    /// wrote).
    pub fn commit(self, cache: &BlobCache, digest: &Digest) -> io::Result<()> {
        let file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.place(&cache.path(digest), Existing::Replace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_checked_on_every_read() {
        let root = tempfile::tempdir().unwrap();
        let cache = BlobCache::open(root.path()).unwrap();
        let digest = Digest::of(b"wasm bytes");
        assert!(matches!(cache.get(&digest, Some(10), 10), Cached::Miss));
        cache.put(&digest, b"wasm bytes").unwrap();
        assert!(matches!(cache.get(&digest, Some(10), 10), Cached::Hit(b) if b == b"wasm bytes"));
        assert!(matches!(cache.get(&digest, None, 100), Cached::Hit(_)));
        // Too big for an unknown size.
        // A size that disagrees with a good copy is the asker's error: the copy stays.
        assert!(matches!(
            cache.get(&digest, Some(11), 100),
            Cached::OtherSize(10)
        ));
        assert!(cache.path(&digest).exists());
        assert!(matches!(cache.get(&digest, None, 5), Cached::Refused(_)));

        // Altered content is refused and removed.
        cache.put(&digest, b"wasm bytez").unwrap();
        assert!(matches!(
            cache.get(&digest, Some(10), 10),
            Cached::Refused(_)
        ));
        assert!(!cache.path(&digest).exists());
    }

    #[cfg(unix)]
    #[test]
    fn unsafe_places_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let cache = BlobCache::open(root.path()).unwrap();
        let digest = Digest::of(b"x");
        let target = root.path().join("elsewhere");
        std::fs::write(&target, b"x").unwrap();
        std::os::unix::fs::symlink(&target, cache.path(&digest)).unwrap();
        assert!(matches!(cache.get(&digest, Some(1), 0), Cached::Refused(_)));
        assert!(target.exists(), "the symlink's target is left alone");

        std::fs::set_permissions(root.path().join("blobs"), PermissionsExt::from_mode(0o777))
            .unwrap();
        assert!(matches!(
            BlobCache::open(root.path()),
            Err(BlobCacheError::UnsafeDir { .. })
        ));
    }
}
