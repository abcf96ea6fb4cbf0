//! The one way wzt opens a file it did not just create, and checks a directory it keeps
//! things in (docs/design.md §7): opened once, without waiting on a FIFO and (for wzt's own
//! files) without following a symbolic link; then the open descriptor is examined with
//! `fstat`: a regular file, its owner, what others may do with it, its number of names, its
//! size; and it is read up to a cap. Every rule is a field of [`FileRules`], every refusal a
//! variant of [`FileError`]; callers say what the file is and how to fix it.

use std::fs::{self, File};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

/// Who may own a file or directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Anyone: a file a person named, which is theirs to choose.
    Anyone,
    /// This user only.
    Me,
    /// This user or root (a system-wide directory set up by an administrator).
    MeOrRoot,
}

/// What users other than the owner may do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Others {
    /// Anything.
    Any,
    /// Read, not write (`go-w`).
    Read,
    /// Nothing (`go-rwx`): a secret.
    Nothing,
}

/// How a file must be to be used.
#[derive(Debug, Clone, Copy)]
pub struct FileRules {
    /// Follow a symbolic link at the last component (a path the person typed), or refuse it
    /// (wzt's own files, where a link would be planted).
    pub follow_symlinks: bool,
    pub owner: Owner,
    pub others: Others,
    /// Refuse a file with other hard links (a second name could outlive or expose it).
    pub single_link: bool,
    /// The most bytes read; a larger file is refused before anything is read.
    pub max_len: u64,
    /// Create the file with this mode when it does not exist (and open it read-write).
    pub create: Option<u32>,
}

impl FileRules {
    /// A file a person named (a policy, a fixtures file, an endorsement): any owner and mode,
    /// a symbolic link followed, but a regular file, read up to `max_len`.
    pub const fn named(max_len: u64) -> FileRules {
        FileRules {
            follow_symlinks: true,
            owner: Owner::Anyone,
            others: Others::Any,
            single_link: false,
            max_len,
            create: None,
        }
    }

    /// One of wzt's own secrets (a seed, the cache secret, the key-value store): not a link,
    /// this user's, nobody else may read or write it, no other name.
    pub const fn secret(max_len: u64) -> FileRules {
        FileRules {
            follow_symlinks: false,
            owner: Owner::Me,
            others: Others::Nothing,
            single_link: true,
            max_len,
            create: None,
        }
    }

    /// One of wzt's own files that others may read (a public key, a cache entry, a project
    /// file): not a link, this user's, nobody else may write it.
    pub const fn own(max_len: u64) -> FileRules {
        FileRules {
            follow_symlinks: false,
            owner: Owner::Me,
            others: Others::Read,
            single_link: false,
            max_len,
            create: None,
        }
    }
}

/// Why a file or directory is refused.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{} does not exist", .path.display())]
    Missing { path: PathBuf },
    #[error("{} is a symbolic link", .path.display())]
    Symlink { path: PathBuf },
    #[error("{} is {kind}, not a regular file", .path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{} is {kind}, not a directory", .path.display())]
    NotDirectory { path: PathBuf, kind: &'static str },
    #[error("{} is owned by another user (uid {owner})", .path.display())]
    ForeignOwner { path: PathBuf, owner: u32, you: u32 },
    #[error("{} is writable by other users (mode {mode:03o})", .path.display())]
    WritableByOthers { path: PathBuf, mode: u32 },
    #[error("{} is readable by other users (mode {mode:03o})", .path.display())]
    ReadableByOthers { path: PathBuf, mode: u32 },
    #[error("{} has other hard links", .path.display())]
    HardLinked { path: PathBuf },
    #[error("{} is larger than {}, the most wzt reads there", .path.display(), size_text(*.max))]
    TooLarge { path: PathBuf, max: u64 },
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl FileError {
    pub fn path(&self) -> &Path {
        match self {
            FileError::Missing { path }
            | FileError::Symlink { path }
            | FileError::NotRegular { path, .. }
            | FileError::NotDirectory { path, .. }
            | FileError::ForeignOwner { path, .. }
            | FileError::WritableByOthers { path, .. }
            | FileError::ReadableByOthers { path, .. }
            | FileError::HardLinked { path }
            | FileError::TooLarge { path, .. }
            | FileError::Io { path, .. } => path,
        }
    }

    /// What is wrong, without the path: `a symbolic link`, `owned by another user (uid 7)`.
    pub fn problem(&self) -> String {
        let full = self.to_string();
        let path = self.path().display().to_string();
        match full.strip_prefix(&path) {
            Some(rest) => rest
                .trim_start()
                .trim_start_matches("is ")
                .trim_start_matches("has ")
                .to_string(),
            None => full,
        }
    }

    fn io(path: &Path, source: io::Error) -> FileError {
        if source.kind() == io::ErrorKind::NotFound {
            FileError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            FileError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

/// A file opened and checked under some [`FileRules`].
#[derive(Debug)]
pub struct CheckedFile {
    file: File,
    path: PathBuf,
    meta: fs::Metadata,
    max_len: u64,
}

impl CheckedFile {
    /// Opens `path` once and checks the open file against `rules`.
    pub fn open(path: &Path, rules: FileRules) -> Result<CheckedFile, FileError> {
        let mut options = fs::OpenOptions::new();
        options.read(true);
        if let Some(_mode) = rules.create {
            options.write(true).create(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(_mode);
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
            if !rules.follow_symlinks {
                flags |= libc::O_NOFOLLOW;
            }
            options.custom_flags(flags);
        }
        let file = options.open(path).map_err(|e| {
            #[cfg(unix)]
            match e.raw_os_error() {
                Some(libc::ELOOP) if !rules.follow_symlinks => {
                    return FileError::Symlink {
                        path: path.to_path_buf(),
                    };
                }
                // Opening a socket fails this way.
                Some(libc::ENXIO) => {
                    return FileError::NotRegular {
                        path: path.to_path_buf(),
                        kind: "a socket",
                    };
                }
                _ => {}
            }
            FileError::io(path, e)
        })?;
        CheckedFile::check(file, path, rules)
    }

    /// Checks a file just opened (without following a link when the rules say so, and with
    /// `O_NONBLOCK`) against `rules`, through its descriptor.
    fn check(file: File, path: &Path, rules: FileRules) -> Result<CheckedFile, FileError> {
        let meta = file.metadata().map_err(|e| FileError::io(path, e))?;
        if !meta.is_file() {
            return Err(FileError::NotRegular {
                path: path.to_path_buf(),
                kind: file_kind(&meta.file_type()),
            });
        }
        check_owner_and_mode(path, &meta, rules.owner, rules.others)?;
        #[cfg(unix)]
        if rules.single_link {
            use std::os::unix::fs::MetadataExt;
            if meta.nlink() > 1 {
                return Err(FileError::HardLinked {
                    path: path.to_path_buf(),
                });
            }
        }
        if meta.len() > rules.max_len {
            return Err(FileError::TooLarge {
                path: path.to_path_buf(),
                max: rules.max_len,
            });
        }
        // Back to blocking reads: the file is a regular file.
        #[cfg(unix)]
        set_blocking(&file);
        Ok(CheckedFile {
            file,
            path: path.to_path_buf(),
            meta,
            max_len: rules.max_len,
        })
    }

    /// As [`CheckedFile::open`], but `Ok(None)` when there is no file.
    pub fn open_if_exists(path: &Path, rules: FileRules) -> Result<Option<CheckedFile>, FileError> {
        match CheckedFile::open(path, rules) {
            Ok(file) => Ok(Some(file)),
            Err(FileError::Missing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    pub fn into_file(self) -> File {
        self.file
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The size when it was checked.
    pub fn len(&self) -> u64 {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.len() == 0
    }

    /// The permissions when it was checked (a signed copy gets the same).
    pub fn permissions(&self) -> fs::Permissions {
        self.meta.permissions()
    }

    /// The most bytes read from it.
    pub fn max_len(&self) -> u64 {
        self.max_len
    }

    /// Reads the whole file into `buf` (reserved up front, so a buffer that is wiped on drop
    /// never leaves a copy behind by growing), up to the rules' cap.
    pub fn read_into(&self, buf: &mut Vec<u8>) -> Result<(), FileError> {
        buf.reserve(self.len().min(self.max_len) as usize + 64);
        (&self.file)
            .take(self.max_len.saturating_add(1))
            .read_to_end(buf)
            .map_err(|e| FileError::io(&self.path, e))?;
        if buf.len() as u64 > self.max_len {
            return Err(FileError::TooLarge {
                path: self.path.clone(),
                max: self.max_len,
            });
        }
        Ok(())
    }

    /// Reads the whole file, up to the rules' cap (a file that grew past it since the check
    /// is refused, not truncated).
    pub fn read_all(&self) -> Result<Vec<u8>, FileError> {
        let mut bytes = Vec::with_capacity(self.len().min(self.max_len) as usize);
        (&self.file)
            .take(self.max_len.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| FileError::io(&self.path, e))?;
        if bytes.len() as u64 > self.max_len {
            return Err(FileError::TooLarge {
                path: self.path.clone(),
                max: self.max_len,
            });
        }
        Ok(bytes)
    }
}

/// Reads a file a person named (see [`FileRules::named`]).
pub fn read_named(path: &Path, max_len: u64) -> Result<Vec<u8>, FileError> {
    CheckedFile::open(path, FileRules::named(max_len))?.read_all()
}

/// Reads a text file a person named; invalid UTF-8 is an error naming the file.
pub fn read_named_text(path: &Path, max_len: u64) -> Result<String, FileError> {
    String::from_utf8(read_named(path, max_len)?).map_err(|_| FileError::Io {
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"),
    })
}

/// Reads at most `max` bytes from `reader` into `buf` (a stream: standard input); more is an
/// error of kind [`io::ErrorKind::FileTooLarge`] saying how much is allowed.
pub fn read_capped(reader: impl io::Read, max: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.reserve(max.min(64 << 10) as usize);
    reader.take(max.saturating_add(1)).read_to_end(buf)?;
    if buf.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("more than {}, the most wzt reads there", size_text(max)),
        ));
    }
    Ok(())
}

/// A size for a message: `64 KiB`, `1 MiB`, `1 GiB` when exact, else bytes.
pub fn size_text(bytes: u64) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

/// Opens `relative` beneath the directory `root` and checks it, without following a symbolic
/// link anywhere below `root`: each directory on the way is opened from the one before with
/// `O_NOFOLLOW` and checked through its descriptor (a directory, owned by `dir_owner`, that
/// group and others cannot write; `root` itself too), then the file is opened from the last
/// one and checked under `rules` (whose `follow_symlinks` is ignored). Nothing can be swapped
/// in between: a directory that only its owner can write holds only what its owner put there.
/// `relative` is resolved lexically (`a/../b` is `b`); climbing above `root` or an absolute
/// path is `Io` with `InvalidInput`.
#[cfg(unix)]
pub fn open_beneath(
    root: &Path,
    relative: &Path,
    dir_owner: Owner,
    rules: FileRules,
) -> Result<CheckedFile, FileError> {
    use std::ffi::CString;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Component;

    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in relative.components() {
        match part {
            Component::Normal(name) => parts.push(name),
            Component::CurDir => {}
            Component::ParentDir if parts.pop().is_some() => {}
            _ => {
                return Err(FileError::Io {
                    path: root.join(relative),
                    source: io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "the path leaves the directory it must be in",
                    ),
                });
            }
        }
    }
    let Some(name) = parts.pop() else {
        return Err(FileError::NotRegular {
            path: root.to_path_buf(),
            kind: "a directory",
        });
    };
    let check_dir_fd = |dir: &File, path: &Path| -> Result<(), FileError> {
        let meta = dir.metadata().map_err(|e| FileError::io(path, e))?;
        if !meta.is_dir() {
            return Err(FileError::NotDirectory {
                path: path.to_path_buf(),
                kind: file_kind(&meta.file_type()),
            });
        }
        check_owner_and_mode(path, &meta, dir_owner, Others::Read)
    };
    let mut path = root.to_path_buf();
    let mut dir = {
        use std::os::unix::fs::OpenOptionsExt;
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
            .open(root)
            .map_err(|e| FileError::io(root, e))?
    };
    check_dir_fd(&dir, &path)?;
    // Opens `name` in `dir` without following a link; on failure, says what is there.
    let open_at = |dir: &File, name: &std::ffi::OsStr, path: &Path, flags: libc::c_int| {
        let c_name = CString::new(name.as_bytes()).map_err(|_| FileError::Io {
            path: path.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidInput, "a NUL in the path"),
        })?;
        // SAFETY: a valid descriptor and C string; openat returns a new descriptor or -1.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                c_name.as_ptr(),
                flags | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK,
            )
        };
        if fd >= 0 {
            // SAFETY: a descriptor openat just returned, owned by nothing else.
            return Ok(unsafe { File::from_raw_fd(fd) });
        }
        let error = io::Error::last_os_error();
        let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: as above; fstatat fills `stat` when it returns 0.
        let what = unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                c_name.as_ptr(),
                stat.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        // SAFETY: fstatat returned 0, so `stat` is filled.
        let kind = (what == 0).then(|| kind_of_mode(unsafe { stat.assume_init() }.st_mode));
        Err(match (kind, error.raw_os_error()) {
            (Some("a symbolic link"), _) => FileError::Symlink {
                path: path.to_path_buf(),
            },
            (Some(kind), Some(libc::ENOTDIR)) if flags & libc::O_DIRECTORY != 0 => {
                FileError::NotDirectory {
                    path: path.to_path_buf(),
                    kind,
                }
            }
            (Some(kind), Some(libc::ENXIO)) => FileError::NotRegular {
                path: path.to_path_buf(),
                kind,
            },
            _ => FileError::io(path, error),
        })
    };
    for part in parts {
        path.push(part);
        let next = open_at(&dir, part, &path, libc::O_RDONLY | libc::O_DIRECTORY)?;
        check_dir_fd(&next, &path)?;
        dir = next;
    }
    path.push(name);
    let file = open_at(&dir, name, &path, libc::O_RDONLY)?;
    CheckedFile::check(file, &path, rules)
}

/// What a file of this `st_mode` is, for messages.
#[cfg(unix)]
fn kind_of_mode(mode: libc::mode_t) -> &'static str {
    match mode & libc::S_IFMT {
        libc::S_IFLNK => "a symbolic link",
        libc::S_IFIFO => "a FIFO (named pipe)",
        libc::S_IFSOCK => "a socket",
        libc::S_IFCHR => "a character device",
        libc::S_IFBLK => "a block device",
        libc::S_IFDIR => "a directory",
        libc::S_IFREG => "a regular file",
        _ => "something else",
    }
}

/// Clears `O_NONBLOCK` on a file opened with it (once it is known to be a regular file).
#[cfg(unix)]
pub(crate) fn set_blocking(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: F_GETFL/F_SETFL on a descriptor the caller owns.
    unsafe {
        let fd = file.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

/// Checks an existing directory wzt keeps things in: a directory (a symbolic link to one is
/// refused unless `follow_symlinks`), owned by `owner`, that others may not write. `Ok(false)`
/// when there is none.
pub fn check_dir(dir: &Path, owner: Owner, follow_symlinks: bool) -> Result<bool, FileError> {
    let meta = if follow_symlinks {
        fs::metadata(dir)
    } else {
        fs::symlink_metadata(dir)
    };
    let meta = match meta {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(FileError::io(dir, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(FileError::Symlink {
            path: dir.to_path_buf(),
        });
    }
    if !meta.is_dir() {
        return Err(FileError::NotDirectory {
            path: dir.to_path_buf(),
            kind: file_kind(&meta.file_type()),
        });
    }
    check_owner_and_mode(dir, &meta, owner, Others::Read)?;
    Ok(true)
}

/// Creates `dir` (0700, with its parents) or checks an existing one: a directory, not a
/// symbolic link, owned by this user, writable by nobody else.
pub fn ensure_private_dir(dir: &Path) -> Result<(), FileError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| FileError::io(dir, e))?;
    check_dir(dir, Owner::Me, false).map(|_| ())
}

/// The effective user id of this process.
#[cfg(unix)]
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(unix)]
fn check_owner_and_mode(
    path: &Path,
    meta: &fs::Metadata,
    owner: Owner,
    others: Others,
) -> Result<(), FileError> {
    use std::os::unix::fs::MetadataExt;
    let you = euid();
    let owned = match owner {
        Owner::Anyone => true,
        Owner::Me => meta.uid() == you,
        Owner::MeOrRoot => meta.uid() == you || meta.uid() == 0,
    };
    if !owned {
        return Err(FileError::ForeignOwner {
            path: path.to_path_buf(),
            owner: meta.uid(),
            you,
        });
    }
    let mode = meta.mode() & 0o777;
    match others {
        Others::Any => Ok(()),
        Others::Nothing if mode & 0o077 != 0 => Err(if mode & 0o022 != 0 {
            FileError::WritableByOthers {
                path: path.to_path_buf(),
                mode,
            }
        } else {
            FileError::ReadableByOthers {
                path: path.to_path_buf(),
                mode,
            }
        }),
        Others::Read if mode & 0o022 != 0 => Err(FileError::WritableByOthers {
            path: path.to_path_buf(),
            mode,
        }),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn check_owner_and_mode(_: &Path, _: &fs::Metadata, _: Owner, _: Others) -> Result<(), FileError> {
    Ok(())
}

/// What a file that is not a regular file is, for messages.
pub fn file_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "something else"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    /// Every rule against every kind of hostile file: what passes and what each refusal is.
    #[test]
    fn the_rules_against_every_kind_of_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = d.join("file");
        fs::write(&file, b"0123456789").unwrap();
        mode(&file, 0o600);
        let link = d.join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let fifo = d.join("fifo");
        mkfifo(&fifo);
        let hard = d.join("hard");
        fs::hard_link(&file, &hard).unwrap();
        let sub = d.join("sub");
        fs::create_dir(&sub).unwrap();

        type Expect = fn(&Result<CheckedFile, FileError>) -> bool;
        let ok: Expect = |r| r.is_ok();
        let symlink: Expect = |r| matches!(r, Err(FileError::Symlink { .. }));
        let not_regular: Expect = |r| {
            matches!(
                r,
                Err(FileError::NotRegular {
                    kind: "a FIFO (named pipe)",
                    ..
                })
            )
        };
        let directory: Expect = |r| {
            matches!(
                r,
                Err(FileError::NotRegular {
                    kind: "a directory",
                    ..
                })
            )
        };
        let device: Expect = |r| {
            matches!(
                r,
                Err(FileError::NotRegular {
                    kind: "a character device",
                    ..
                })
            )
        };
        let hard_linked: Expect = |r| matches!(r, Err(FileError::HardLinked { .. }));
        let missing: Expect = |r| matches!(r, Err(FileError::Missing { .. }));
        let too_large: Expect = |r| matches!(r, Err(FileError::TooLarge { max: 4, .. }));
        let cases: [(&str, &Path, FileRules, Expect); 14] = [
            ("named file", &file, FileRules::named(64), ok),
            ("named link", &link, FileRules::named(64), ok),
            ("named fifo", &fifo, FileRules::named(64), not_regular),
            ("named directory", &sub, FileRules::named(64), directory),
            (
                "named /dev/zero",
                Path::new("/dev/zero"),
                FileRules::named(64),
                device,
            ),
            (
                "named missing",
                &d.join("nope"),
                FileRules::named(64),
                missing,
            ),
            ("named too large", &file, FileRules::named(4), too_large),
            ("secret file", &file, FileRules::secret(64), hard_linked),
            ("secret link", &link, FileRules::secret(64), symlink),
            ("secret fifo", &fifo, FileRules::secret(64), not_regular),
            ("own file", &file, FileRules::own(64), ok),
            ("own link", &link, FileRules::own(64), symlink),
            ("own hard link", &hard, FileRules::own(64), ok),
            ("own too large", &file, FileRules::own(4), too_large),
        ];
        for (what, path, rules, expect) in cases {
            let result = CheckedFile::open(path, rules);
            assert!(expect(&result), "{what}: {result:?}");
        }
        fs::remove_file(&hard).unwrap();
        assert!(CheckedFile::open(&file, FileRules::secret(64)).is_ok());
        mode(&file, 0o640);
        assert!(matches!(
            CheckedFile::open(&file, FileRules::secret(64)),
            Err(FileError::ReadableByOthers { mode: 0o640, .. })
        ));
        assert!(CheckedFile::open(&file, FileRules::own(64)).is_ok());
        mode(&file, 0o666);
        let err = CheckedFile::open(&file, FileRules::own(64)).unwrap_err();
        assert!(matches!(
            err,
            FileError::WritableByOthers { mode: 0o666, .. }
        ));
        assert_eq!(err.problem(), "writable by other users (mode 666)");
        assert!(CheckedFile::open(&file, FileRules::named(64)).is_ok());
        assert_eq!(read_named(&file, 64).unwrap(), b"0123456789");
        if euid() == 0 {
            std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
            mode(&file, 0o600);
            let err = CheckedFile::open(&file, FileRules::own(64)).unwrap_err();
            assert!(matches!(err, FileError::ForeignOwner { owner: 65534, .. }));
            assert_eq!(err.problem(), "owned by another user (uid 65534)");
            assert!(CheckedFile::open(&file, FileRules::named(64)).is_ok());
        }
    }

    /// `open_beneath` follows no link below the root and checks every directory on the way.
    #[test]
    fn files_beneath_a_directory_are_reached_without_links() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        mode(r, 0o755);
        fs::create_dir_all(r.join("target/release")).unwrap();
        fs::write(r.join("target/release/a.wasm"), b"wasm").unwrap();
        let rules = FileRules::own(64);
        let open = |rel: &str| open_beneath(r, Path::new(rel), Owner::Me, rules);
        assert_eq!(
            open("target/release/a.wasm").unwrap().read_all().unwrap(),
            b"wasm"
        );
        assert!(open("target/../target/release/./a.wasm").is_ok());
        assert!(matches!(
            open("../x/a.wasm"),
            Err(FileError::Io { source, .. }) if source.kind() == io::ErrorKind::InvalidInput
        ));
        assert!(matches!(
            open("target/release/none.wasm"),
            Err(FileError::Missing { .. })
        ));

        // A link anywhere below the root: the file, or a directory on the way.
        std::os::unix::fs::symlink(r.join("target/release/a.wasm"), r.join("link.wasm")).unwrap();
        assert!(matches!(open("link.wasm"), Err(FileError::Symlink { .. })));
        std::os::unix::fs::symlink(r.join("target"), r.join("out")).unwrap();
        let err = open("out/release/a.wasm").unwrap_err();
        assert!(
            matches!(err, FileError::Symlink { ref path } if path == &r.join("out")),
            "{err}"
        );
        // A FIFO is refused at once; a file where a directory belongs is named.
        mkfifo(&r.join("fifo.wasm"));
        assert!(matches!(
            open("fifo.wasm"),
            Err(FileError::NotRegular {
                kind: "a FIFO (named pipe)",
                ..
            })
        ));
        assert!(matches!(
            open("target/release/a.wasm/x"),
            Err(FileError::NotDirectory {
                kind: "a regular file",
                ..
            })
        ));

        // A directory others can write, at any level (the root too), or the file itself.
        mode(&r.join("target/release"), 0o775);
        let err = open("target/release/a.wasm").unwrap_err();
        assert!(
            matches!(err, FileError::WritableByOthers { ref path, mode: 0o775 } if path == &r.join("target/release")),
            "{err}"
        );
        mode(&r.join("target/release"), 0o755);
        mode(r, 0o777);
        assert!(matches!(
            open("target/release/a.wasm"),
            Err(FileError::WritableByOthers { .. })
        ));
        mode(r, 0o755);
        mode(&r.join("target/release/a.wasm"), 0o664);
        assert!(matches!(
            open("target/release/a.wasm"),
            Err(FileError::WritableByOthers { .. })
        ));
        mode(&r.join("target/release/a.wasm"), 0o644);
        if euid() == 0 {
            std::os::unix::fs::chown(r.join("target"), Some(65534), None).unwrap();
            let err = open("target/release/a.wasm").unwrap_err();
            assert!(
                matches!(err, FileError::ForeignOwner { owner: 65534, .. }),
                "{err}"
            );
            std::os::unix::fs::chown(r.join("target"), Some(0), None).unwrap();
            std::os::unix::fs::chown(r.join("target/release/a.wasm"), Some(65534), None).unwrap();
            assert!(matches!(
                open("target/release/a.wasm"),
                Err(FileError::ForeignOwner { owner: 65534, .. })
            ));
        }
    }

    #[test]
    fn streams_are_read_up_to_their_cap() {
        let mut buf = Vec::new();
        read_capped(&b"0123456789"[..], 10, &mut buf).unwrap();
        assert_eq!(buf, b"0123456789");
        let mut buf = Vec::new();
        let err = read_capped(std::io::repeat(0), 64 << 10, &mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            err.to_string(),
            "more than 64 KiB, the most wzt reads there"
        );
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(1500), "1500 bytes");
    }

    #[test]
    fn created_files_get_their_mode_and_directories_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new");
        let rules = FileRules {
            create: Some(0o600),
            ..FileRules::secret(64)
        };
        let created = CheckedFile::open(&path, rules).unwrap();
        assert!(created.is_empty());
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );

        let private = dir.path().join("a/b");
        ensure_private_dir(&private).unwrap();
        assert_eq!(
            fs::metadata(&private).unwrap().permissions().mode() & 0o777,
            0o700
        );
        mode(&private, 0o777);
        assert!(matches!(
            ensure_private_dir(&private),
            Err(FileError::WritableByOthers { .. })
        ));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&private, &link).unwrap();
        assert!(matches!(
            check_dir(&link, Owner::Me, false),
            Err(FileError::Symlink { .. })
        ));
        assert!(!check_dir(&dir.path().join("none"), Owner::Me, false).unwrap());
        assert!(matches!(
            check_dir(&path, Owner::Me, false),
            Err(FileError::NotDirectory { .. })
        ));
    }
}
