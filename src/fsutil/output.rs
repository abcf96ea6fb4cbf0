//! Writing files (docs/design.md §7): every file wzt writes is made complete under no name at
//! all and then given its name in one step, so a reader, a crash or a `kill -9` never sees a
//! half-written file and never leaves one behind; and whether an existing file of that name
//! may be replaced is decided in that same step, never by a check made earlier.
//!
//! - [`NewFile::create_in`] opens an unnamed file in the target's directory (`O_TMPFILE`) where
//!   the filesystem allows it, else a named temporary file `.wzt-XXXXXX.tmp` there.
//! - [`NewFile::place`] syncs it and names it: with [`Existing::Refuse`] by `linkat`, which
//!   fails when the name is taken (by anything: a file, a symbolic link, a FIFO); with
//!   [`Existing::Replace`] by a link to a fresh temporary name and a `rename` over the target
//!   (a symbolic link or FIFO there is replaced as a name, never followed or opened).
//! - [`write_atomically`] is both, around a closure that fills the file.
//! - [`create_stream`] is for the one output written as a run goes (`--trace-file`): created or
//!   truncated in place, but only a regular file, never through a symbolic link, never a FIFO.
//!
//! Temporary files named `.wzt-XXXXXX.tmp` that an interrupted older wzt (or a kill in the
//! instant between link and rename) left behind are removed when wzt next writes to that
//! directory, once they are a day old and only when they are this user's regular files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::checked::{FileError, file_kind};

/// What to do when the output's name is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it, atomically (the old file stays whole until the new one takes its name).
    Replace,
    /// Leave it and fail with [`io::ErrorKind::AlreadyExists`].
    Refuse,
}

impl Existing {
    /// `Replace` when `force`, else `Refuse`: a `--force` flag.
    pub fn replace_if(force: bool) -> Existing {
        if force {
            Existing::Replace
        } else {
            Existing::Refuse
        }
    }
}

/// A file being written: complete before it gets its name (see the module docs).
pub struct NewFile {
    file: File,
    dir: PathBuf,
    /// `None` for an unnamed (`O_TMPFILE`) file.
    named: Option<tempfile::TempPath>,
}

/// The prefix and suffix of the temporary names wzt uses (and cleans up).
const TMP_PREFIX: &str = ".wzt-";
const TMP_SUFFIX: &str = ".tmp";

impl NewFile {
    /// A new file in `dir`, created with `mode` less the umask (0600 for a secret: nobody else
    /// can ever read it; 0666 for an ordinary output).
    pub fn create_in(dir: &Path, mode: u32) -> io::Result<NewFile> {
        remove_stale_temporaries(dir);
        #[cfg(target_os = "linux")]
        if let Some(file) = open_unnamed(dir, mode)? {
            return Ok(NewFile {
                file,
                dir: dir.to_path_buf(),
                named: None,
            });
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(mode));
        }
        let (file, path) = builder.tempfile_in(dir)?.into_parts();
        Ok(NewFile {
            file,
            dir: dir.to_path_buf(),
            named: Some(path),
        })
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    /// Whether the file has no name yet (`O_TMPFILE`), so a killed process leaves nothing.
    pub fn is_unnamed(&self) -> bool {
        self.named.is_none()
    }

    /// Sets the permissions exactly (no umask): a signed copy keeps its input's mode.
    pub fn set_permissions(&self, permissions: fs::Permissions) -> io::Result<()> {
        self.file.set_permissions(permissions)
    }

    /// Syncs the file and gives it the name `path` (in the directory it was created in).
    pub fn place(self, path: &Path, existing: Existing) -> io::Result<()> {
        self.file.sync_all()?;
        match self.named {
            Some(tmp) => {
                let file = tempfile::NamedTempFile::from_parts(self.file, tmp);
                match existing {
                    Existing::Replace => file.persist(path).map(drop).map_err(|e| e.error)?,
                    Existing::Refuse => file
                        .persist_noclobber(path)
                        .map(drop)
                        .map_err(|e| e.error)?,
                }
            }
            #[cfg(target_os = "linux")]
            None => link_unnamed(&self.file, &self.dir, path, existing)?,
            #[cfg(not(target_os = "linux"))]
            None => unreachable!("unnamed files are made on Linux only"),
        }
        sync_dir(&self.dir);
        Ok(())
    }
}

impl Write for NewFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The directory `path` is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `path` with what `fill` writes (see the module docs): `mode` sets the permissions
/// exactly (a signed copy keeps its input's mode), else a new file gets 0666 less the umask.
/// `existing` says whether a file already at `path` may be replaced; when it may not, the
/// error is [`io::ErrorKind::AlreadyExists`] and nothing is written. A failure leaves `path`
/// as it was and no temporary file behind.
pub fn write_atomically<T>(
    path: &Path,
    mode: Option<u32>,
    existing: Existing,
    fill: impl FnOnce(&mut BufWriter<&mut NewFile>) -> io::Result<T>,
) -> io::Result<T> {
    let mut new = NewFile::create_in(parent_dir(path), 0o666)?;
    let value = {
        // No larger than `wasm::Layout`'s chunks, which then go straight to the file.
        let mut writer = BufWriter::with_capacity(64 << 10, &mut new);
        let value = fill(&mut writer)?;
        writer.flush()?;
        value
    };
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        new.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    new.place(path, existing)?;
    Ok(value)
}

/// Opens `path` for an output written as a run goes (a trace): created (0666 less the umask)
/// or truncated, but only when it is a regular file with no other name: a symbolic link is not
/// followed, a FIFO or a device is refused at once, never waited on or written to, and a hard
/// link (planted in a shared directory to another of the user's files) is not truncated.
pub fn create_stream(path: &Path) -> Result<File, FileError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o666)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        match e.raw_os_error() {
            Some(libc::ELOOP) => {
                return FileError::Symlink {
                    path: path.to_path_buf(),
                };
            }
            // A FIFO without a reader (O_NONBLOCK), or a socket.
            Some(libc::ENXIO) => {
                let kind = fs::symlink_metadata(path)
                    .map(|m| file_kind(&m.file_type()))
                    .unwrap_or("a FIFO or socket");
                return FileError::NotRegular {
                    path: path.to_path_buf(),
                    kind,
                };
            }
            _ => {}
        }
        FileError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    })?;
    let io_err = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            kind: file_kind(&meta.file_type()),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(FileError::HardLinked {
                path: path.to_path_buf(),
            });
        }
    }
    file.set_len(0).map_err(io_err)?;
    #[cfg(unix)]
    super::checked::set_blocking(&file);
    Ok(file)
}

/// Opens an unnamed file in `dir` (`O_TMPFILE`), or `None` where that cannot be used: the
/// filesystem does not support it, or `/proc/self/fd` (through which it is linked) is missing.
#[cfg(target_os = "linux")]
fn open_unnamed(dir: &Path, mode: u32) -> io::Result<Option<File>> {
    use std::os::unix::fs::OpenOptionsExt;
    if !Path::new("/proc/self/fd").is_dir() {
        return Ok(None);
    }
    let opened = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .mode(mode)
        .custom_flags(libc::O_TMPFILE | libc::O_CLOEXEC)
        .open(dir);
    match opened {
        Ok(file) => Ok(Some(file)),
        // Not supported here (EISDIR from kernels that predate it, EOPNOTSUPP from
        // filesystems without it, EINVAL for some network filesystems).
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Gives the unnamed `file` the name `path`: `linkat` through `/proc/self/fd`, which fails
/// when the name exists; to replace, a link to a fresh temporary name renamed over `path`.
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, dir: &Path, path: &Path, existing: Existing) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let source = format!("/proc/self/fd/{}", file.as_raw_fd());
    let link = |to: &Path| -> io::Result<()> {
        let from = std::ffi::CString::new(source.as_str()).expect("no NUL in a /proc path");
        let to = std::ffi::CString::new(to.as_os_str().as_encoded_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL in the path"))?;
        // SAFETY: two valid C strings; linkat only creates a directory entry.
        let done = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if done == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    match existing {
        Existing::Refuse => link(path),
        Existing::Replace => {
            let mut attempts = 0;
            let tmp = loop {
                let name = format!("{TMP_PREFIX}{}{TMP_SUFFIX}", random_name());
                let tmp = dir.join(name);
                match link(&tmp) {
                    Ok(()) => break tmp,
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 16 => {
                        attempts += 1;
                    }
                    Err(e) => return Err(e),
                }
            };
            fs::rename(&tmp, path).inspect_err(|_| {
                let _ = fs::remove_file(&tmp);
            })
        }
    }
}

/// Six random characters of the set tempfile uses for its names.
#[cfg(target_os = "linux")]
fn random_name() -> String {
    use rand::Rng as _;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    (0..6)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// Makes a new name durable. Best effort: not every filesystem can sync a directory.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Whether `name` is one of wzt's temporary names: `.wzt-`, six letters or digits, `.tmp`.
fn is_temporary_name(name: &str) -> bool {
    name.strip_prefix(TMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TMP_SUFFIX))
        .is_some_and(|middle| {
            middle.len() == 6 && middle.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// How old a temporary file must be to count as left behind (no write takes a day).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Removes wzt's temporary files in `dir` that are a day old or more, this user's regular
/// files with one name: what an interrupted write of an older wzt left. Once per directory
/// per process.
fn remove_stale_temporaries(dir: &Path) {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
        if !cleaned
            .get_or_insert_with(HashSet::new)
            .insert(dir.to_path_buf())
        {
            return;
        }
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let Some(cutoff) = std::time::SystemTime::now().checked_sub(STALE_AFTER) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_str().is_some_and(is_temporary_name) {
            continue;
        }
        // Not followed: a symbolic link of that name is not a file wzt wrote.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        #[cfg(unix)]
        let ours = {
            use std::os::unix::fs::MetadataExt;
            meta.uid() == super::checked::euid() && meta.nlink() == 1
        };
        #[cfg(not(unix))]
        let ours = true;
        let stale = meta.modified().is_ok_and(|t| t < cutoff);
        if meta.is_file() && ours && stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// Runs `f` under `mask`, restoring the previous umask. (The umask is process-wide: this is
    /// the only test in the library that changes it.)
    fn with_umask<T>(mask: libc::mode_t, f: impl FnOnce() -> T) -> T {
        // SAFETY: umask cannot fail; it only swaps the process's file creation mask.
        let old = unsafe { libc::umask(mask) };
        let value = f();
        // SAFETY: as above.
        unsafe { libc::umask(old) };
        value
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn new_files_honour_the_umask_and_copies_keep_the_input_mode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let write = |p: &Path, m: Option<u32>| {
            write_atomically(p, m, Existing::Replace, |w| w.write_all(b"data")).unwrap()
        };
        with_umask(0o077, || write(&out, None));
        assert_eq!(mode(&out), 0o600);
        with_umask(0o002, || write(&out, None));
        assert_eq!(mode(&out), 0o664);
        let copy = dir.path().join("copy");
        with_umask(0o077, || write(&copy, Some(0o751)));
        assert_eq!(mode(&copy), 0o751);
        assert_eq!(fs::read(&copy).unwrap(), b"data");
        assert_eq!(names(dir.path()), ["copy", "out"], "no temporary file left");
    }

    #[test]
    fn a_taken_name_is_refused_or_replaced_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::write(&out, b"old").unwrap();
        let err =
            write_atomically(&out, None, Existing::Refuse, |w| w.write_all(b"new")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&out).unwrap(), b"old");

        // A FIFO and a symbolic link count as taken, and are replaced as names, never opened
        // or followed.
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let target = dir.path().join("target");
        fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for taken in [&fifo, &link] {
            let err =
                write_atomically(taken, None, Existing::Refuse, |w| w.write_all(b"x")).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{taken:?}");
            write_atomically(taken, None, Existing::Replace, |w| w.write_all(b"new")).unwrap();
            assert!(fs::symlink_metadata(taken).unwrap().is_file());
            assert_eq!(fs::read(taken).unwrap(), b"new");
        }
        assert_eq!(fs::read(&target).unwrap(), b"keep");

        // A failed fill leaves nothing.
        let failed = write_atomically(&dir.path().join("never"), None, Existing::Refuse, |_| {
            Err::<(), _>(io::Error::other("stop"))
        });
        assert!(failed.is_err());
        assert_eq!(names(dir.path()), ["fifo", "link", "out", "target"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn files_are_unnamed_until_placed() {
        let dir = tempfile::tempdir().unwrap();
        let mut new = NewFile::create_in(dir.path(), 0o600).unwrap();
        assert!(new.is_unnamed(), "O_TMPFILE works on this filesystem");
        new.write_all(b"secret").unwrap();
        assert!(
            names(dir.path()).is_empty(),
            "nothing visible while writing"
        );
        new.place(&dir.path().join("key"), Existing::Refuse)
            .unwrap();
        assert_eq!(names(dir.path()), ["key"]);
        assert_eq!(mode(&dir.path().join("key")), 0o600);
        // Dropped before placing: nothing is left.
        let mut dropped = NewFile::create_in(dir.path(), 0o600).unwrap();
        dropped.write_all(b"x").unwrap();
        drop(dropped);
        assert_eq!(names(dir.path()), ["key"]);
    }

    #[test]
    fn stale_temporaries_of_this_user_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - STALE_AFTER * 2;
        let make = |name: &str, when: std::time::SystemTime| {
            let path = dir.path().join(name);
            fs::write(&path, b"x").unwrap();
            File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(when)
                .unwrap();
        };
        make(".wzt-abc123.tmp", old);
        make(".wzt-fresh1.tmp", std::time::SystemTime::now());
        make(".wzt-notours-at-all.tmp", old);
        make("user.tmp", old);
        write_atomically(&dir.path().join("out"), None, Existing::Replace, |w| {
            w.write_all(b"y")
        })
        .unwrap();
        assert_eq!(
            names(dir.path()),
            [
                ".wzt-fresh1.tmp",
                ".wzt-notours-at-all.tmp",
                "out",
                "user.tmp"
            ]
        );
        assert!(is_temporary_name(".wzt-Ab3x9Z.tmp"));
        assert!(!is_temporary_name(".wzt-ab.tmp"));
    }

    #[test]
    fn streams_are_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let trace = dir.path().join("trace");
        fs::write(&trace, b"old contents").unwrap();
        let mut file = create_stream(&trace).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(fs::read(&trace).unwrap(), b"new");
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            create_stream(&fifo),
            Err(FileError::NotRegular { .. })
        ));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&trace, &link).unwrap();
        assert!(matches!(
            create_stream(&link),
            Err(FileError::Symlink { .. })
        ));
        assert!(matches!(
            create_stream(Path::new("/dev/null")),
            Err(FileError::NotRegular { .. })
        ));
        let other = dir.path().join("other");
        fs::hard_link(&trace, &other).unwrap();
        assert!(matches!(
            create_stream(&other),
            Err(FileError::HardLinked { .. })
        ));
        assert_eq!(fs::read(&trace).unwrap(), b"new");
    }
}
