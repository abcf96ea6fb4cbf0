//! The key store (one `<name>.nk` per key, checked on every open) and key files named on
//! the command line.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::encryption::{
    PassphraseError, PassphraseSource, decrypt_with, encrypt_seed, is_age_file,
};
use super::{Key, KeyRole, SEED_LEN, SeedError, looks_like_seed, parse_public_key};
use crate::fsutil::output::sync_dir;
use crate::fsutil::{CheckedFile, Existing, FileError, FileRules, NewFile, Others, Owner};

/// Errors of the key store. Callers branch on `Exists` (offer `--force`) and `NotFound`.
/// No message ever holds a seed or a passphrase.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "invalid key name '{0}': use letters, digits, '.', '_' and '-' only, not starting with '.'"
    )]
    InvalidName(String),
    #[error(
        "a seed was given where a key name belongs (not shown here, it is a secret); pass a key name, a seed file, or `-` to read the seed from standard input"
    )]
    SeedAsName,
    #[error("a key named '{name}' already exists at {}; pass --force to replace it", path.display())]
    Exists { name: String, path: PathBuf },
    #[error("no key named '{name}' in {}; `wzt keys list` shows the stored keys", dir.display())]
    NotFound { name: String, dir: PathBuf },
    #[error(
        "{} is readable by other users (mode {mode:03o}); a seed must be private: run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    InsecurePermissions { path: PathBuf, mode: u32 },
    #[error(
        "{} is writable by other users (mode {mode:03o}): run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    WritableByOthers { path: PathBuf, mode: u32 },
    #[error(
        "{} is a symbolic link; the key store does not follow links: put the key file itself there",
        path.display()
    )]
    Symlink { path: PathBuf },
    #[error("{} is {kind}, not a regular file: a key file must be a regular file", path.display())]
    NotRegularFile { path: PathBuf, kind: &'static str },
    #[error(
        "{} belongs to another user (uid {owner}, you are uid {you}): a key file must be your own",
        path.display()
    )]
    ForeignOwner { path: PathBuf, owner: u32, you: u32 },
    #[error(
        "{} is larger than {}: not a key file",
        path.display(),
        crate::fsutil::checked::size_text(MAX_KEY_FILE_LEN)
    )]
    TooLarge { path: PathBuf },
    #[error(
        "the key store {} is writable by other users (mode {mode:03o}): run `chmod 700 {}`",
        path.display(),
        path.display()
    )]
    InsecureDir { path: PathBuf, mode: u32 },
    #[error(
        "the key store {} belongs to another user (uid {owner}, you are uid {you}): use a directory \
         you own (--keys-dir or WZT_KEYS_DIR), or make it yours: `chown {you} {}`",
        path.display(),
        path.display()
    )]
    ForeignDir { path: PathBuf, owner: u32, you: u32 },
    #[error("the key store {} is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{}: invalid seed: {source}", path.display())]
    InvalidSeed {
        path: PathBuf,
        #[source]
        source: SeedError,
    },
    #[error("{} is passphrase-encrypted, and no passphrase was given", path.display())]
    Encrypted { path: PathBuf },
    #[error(transparent)]
    Passphrase(#[from] PassphraseError),
    #[error("the passphrase is empty; an encrypted key needs one")]
    EmptyPassphrase,
    #[error(
        "wrong passphrase for {what}{}",
        if origin.is_empty() { String::new() } else { format!(": {origin}") }
    )]
    WrongPassphrase {
        what: String,
        /// Where the passphrase came from and how to give the right one.
        origin: String,
    },
    #[error("{}: cannot decrypt: {reason}", path.display())]
    BadEncryptedFile { path: PathBuf, reason: String },
    #[error(
        "{}: its scrypt work factor is {factor} ({} of memory for each passphrase tried, and time to match), over the {max} wzt accepts; decrypt it with `age --decrypt` and import the seed again with `wzt keys import NAME --encrypt`",
        path.display(),
        super::encryption::scrypt_memory(*factor)
    )]
    ExcessiveWork { path: PathBuf, factor: u8, max: u8 },
    #[error("cannot encrypt the seed: {0}")]
    Encrypt(String),
    #[error("key '{name}' is not encrypted")]
    NotEncrypted { name: String },
    #[error(
        "key '{name}' is {} public key only ({public_key}), imported to be trusted: there is no seed for it here, so it cannot sign or be encrypted",
        role.with_article()
    )]
    PublicOnly {
        name: String,
        role: KeyRole,
        public_key: String,
    },
    #[error(
        "{} is missing: the public key of the encrypted key '{name}' is kept there so that listing \
         needs no passphrase; write it again with `wzt keys encrypt {name}`",
        path.display()
    )]
    MissingPublicKey { name: String, path: PathBuf },
    #[error(
        "{} does not hold a valid public key; write it again with `wzt keys encrypt {name}`",
        path.display()
    )]
    BadPublicKeyFile { name: String, path: PathBuf },
    #[error(
        "{} says the public key of '{name}' is {stored}, but its encrypted seed's public key is \
         {actual}: the file was changed; write it again with `wzt keys encrypt {name}`",
        path.display()
    )]
    PublicKeyMismatch {
        name: String,
        path: PathBuf,
        stored: String,
        actual: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl StoreError {
    fn io(path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The key store's words for a refused file (`secret`: a seed, whose fix is `chmod 600`).
    fn from_file(e: FileError, secret: bool) -> StoreError {
        match e {
            FileError::Missing { path } => {
                StoreError::io(&path, io::Error::from(io::ErrorKind::NotFound))
            }
            FileError::Symlink { path } => StoreError::Symlink { path },
            FileError::NotRegular { path, kind } | FileError::NotDirectory { path, kind } => {
                StoreError::NotRegularFile { path, kind }
            }
            FileError::HardLinked { path } => StoreError::NotRegularFile {
                path,
                kind: "a file with other hard links",
            },
            FileError::ForeignOwner { path, owner, you } => {
                StoreError::ForeignOwner { path, owner, you }
            }
            FileError::ReadableByOthers { path, mode } => {
                StoreError::InsecurePermissions { path, mode }
            }
            FileError::WritableByOthers { path, mode } if secret => {
                StoreError::InsecurePermissions { path, mode }
            }
            FileError::WritableByOthers { path, mode } => {
                StoreError::WritableByOthers { path, mode }
            }
            FileError::TooLarge { path, .. } => StoreError::TooLarge { path },
            FileError::Io { path, source } => StoreError::Io { path, source },
        }
    }
}

/// A key file is a few hundred bytes at most (an armored age file of a seed is about 400).
pub(super) const MAX_KEY_FILE_LEN: u64 = 64 * 1024;

/// How a file is opened by [`read_checked`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// A file in the key store: symbolic links are refused.
    InStore,
    /// A path the user named: a symbolic link to it is followed.
    Named,
}

/// What a file may let others do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Privacy {
    /// A seed: nobody else may read or write it.
    Secret,
    /// A public key: nobody else may write it.
    Public,
}

/// Opens `path` once through `fsutil`'s checked open (never blocking on a FIFO; in the store,
/// never following a symbolic link): a regular file, owned by this user, with `privacy`'s mode
/// and no other hard link (a second name would keep a plain seed after `keys encrypt`, or let
/// a public key live outside the store); and reads it into a buffer that is wiped on drop.
fn read_checked(
    path: &Path,
    open: Open,
    privacy: Privacy,
) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let rules = FileRules {
        follow_symlinks: open == Open::Named,
        owner: Owner::Me,
        others: match privacy {
            Privacy::Secret => Others::Nothing,
            Privacy::Public => Others::Read,
        },
        single_link: true,
        max_len: MAX_KEY_FILE_LEN,
        create: None,
    };
    let mut bytes = Zeroizing::new(Vec::new());
    CheckedFile::open(path, rules)
        .and_then(|file| file.read_into(&mut bytes))
        .map_err(|e| StoreError::from_file(e, privacy == Privacy::Secret))?;
    Ok(bytes)
}

/// A bare seed's bytes as a key.
pub(super) fn parse_plain(path: &Path, bytes: &[u8]) -> Result<Key, StoreError> {
    let invalid = |source| StoreError::InvalidSeed {
        path: path.to_path_buf(),
        source,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| invalid(SeedError::NotBase32))?;
    Key::from_seed(text).map_err(invalid)
}

/// Reads a key file outside the store (a symbolic link to it is followed): a bare seed, or a
/// passphrase-encrypted one opened with `passphrases`. Refuses anything but a regular file of
/// this user that group and others cannot read.
pub fn read_key_file(
    path: &Path,
    passphrases: Option<&dyn PassphraseSource>,
) -> Result<Key, StoreError> {
    let bytes = read_checked(path, Open::Named, Privacy::Secret)?;
    if !is_age_file(&bytes) {
        return parse_plain(path, &bytes);
    }
    let source = passphrases.ok_or_else(|| StoreError::Encrypted {
        path: path.to_path_buf(),
    })?;
    let what = path.display().to_string();
    decrypt_with(source, path, &what, &bytes)
}

/// Reads a plain seed file, refusing one that group or others can read (an encrypted one is
/// `StoreError::Encrypted`: see [`read_key_file`]).
pub fn read_seed_file(path: &Path) -> Result<Key, StoreError> {
    read_key_file(path, None)
}

/// A key from [`KeyStore::load_or_generate`].
#[derive(Debug)]
pub struct LoadedKey {
    pub key: Key,
    /// Where the key was saved, when it was generated just now.
    pub generated: Option<PathBuf>,
}

/// The store name of the module (subject) key for an artifact with this file stem:
/// `<stem>_module`, with characters a key name cannot hold replaced by `_`.
pub fn module_key_name(stem: &str) -> String {
    let base: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}_module", base.trim_start_matches('.'))
}

/// What is known of a stored key without its passphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub role: KeyRole,
    pub public_key: String,
    /// The seed file is passphrase-encrypted (the public key then comes from `<name>.pub`).
    pub encrypted: bool,
    /// Only the public key is stored (`<name>.pub` without a seed file): someone else's key,
    /// imported to be trusted. It cannot sign.
    pub public_only: bool,
}

/// The public keys of one role in the store, and the entries that could not be read.
#[derive(Debug)]
pub struct KeysOfRole {
    pub public_keys: Vec<String>,
    /// Entries that are not valid keys (a link, a FIFO, a `.pub` that does not read), by
    /// name: a command that reads the store reports them.
    pub invalid: Vec<(String, StoreError)>,
}

/// One entry of [`KeyStore::list`]: a stored key, or the reason a file is not one.
pub struct StoredKey {
    pub name: String,
    /// The seed file, or for a public-only key its `<name>.pub`.
    pub path: PathBuf,
    /// The seed file holds an age file.
    pub encrypted: bool,
    pub info: Result<KeyInfo, StoreError>,
}

/// What the store holds under a name: `<name>.nk` (a seed, plain or encrypted), or only
/// `<name>.pub` (a public key).
// Short-lived; boxing the key would only add one more (unwiped) move of the secret.
#[allow(clippy::large_enum_variant)]
enum Entry {
    Plain(Key),
    /// An age file, not yet opened.
    Encrypted(Zeroizing<Vec<u8>>),
    /// No seed file: `<name>.pub` alone.
    PublicOnly {
        role: KeyRole,
        public_key: String,
    },
}

/// A directory of `<name>.nk` files, each holding one bare seed or an age file encrypting it
/// with a passphrase (then `<name>.pub` beside it holds the public key, so that listing and
/// trusting need no passphrase).
#[derive(Clone)]
pub struct KeyStore {
    dir: PathBuf,
    passphrases: Option<Arc<dyn PassphraseSource>>,
}

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The key file extension.
const KEY_EXT: &str = "nk";
/// The extension of the public key file beside an encrypted seed.
const PUB_EXT: &str = "pub";

impl KeyStore {
    pub fn new(dir: impl Into<PathBuf>) -> KeyStore {
        KeyStore {
            dir: dir.into(),
            passphrases: None,
        }
    }

    /// The same store, opening encrypted seeds with passphrases from `source`.
    pub fn with_passphrases(mut self, source: Arc<dyn PassphraseSource>) -> KeyStore {
        self.passphrases = Some(source);
        self
    }

    /// `$XDG_DATA_HOME/wzt/keys`, else `~/.local/share/wzt/keys`. (`$WZT_KEYS_DIR` is resolved by
    /// the CLI, which passes the directory to [`KeyStore::new`].)
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(d).join("wzt").join("keys"));
        }
        std::env::var_os("HOME")
            .filter(|d| !d.is_empty())
            .map(|h| PathBuf::from(h).join(".local/share/wzt/keys"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, name: &str) -> Result<PathBuf, StoreError> {
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.{KEY_EXT}")))
    }

    /// `<name>.pub`, the public key file beside an encrypted seed.
    pub fn public_key_path_of(&self, name: &str) -> Result<PathBuf, StoreError> {
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.{PUB_EXT}")))
    }

    /// Whether `<name>.nk` or a public-only `<name>.pub` exists (as anything: a symbolic
    /// link or a FIFO counts, and is refused when read).
    pub fn contains(&self, name: &str) -> Result<bool, StoreError> {
        Ok(fs::symlink_metadata(self.path_of(name)?).is_ok()
            || fs::symlink_metadata(self.public_key_path_of(name)?).is_ok())
    }

    /// Checks the store directory, when it exists: a directory owned by this user (or root) that
    /// nobody else can write to. Returns whether it exists.
    fn check_dir(&self) -> Result<bool, StoreError> {
        crate::fsutil::check_dir(&self.dir, Owner::MeOrRoot, true).map_err(|e| match e {
            FileError::NotDirectory { path, .. } => StoreError::NotADirectory { path },
            FileError::ForeignOwner { path, owner, you } => {
                StoreError::ForeignDir { path, owner, you }
            }
            FileError::WritableByOthers { path, mode } => StoreError::InsecureDir { path, mode },
            other => StoreError::from_file(other, false),
        })
    }

    fn ensure_dir(&self) -> Result<(), StoreError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&self.dir)
            .map_err(|e| StoreError::io(&self.dir, e))?;
        self.check_dir().map(|_| ())
    }

    /// Writes `bytes` to `path` through `fsutil`'s new file (unnamed until placed, created
    /// 0600: a seed is never readable by others, and a killed write leaves no file behind),
    /// synced and named in one step: without `replace` that step fails if `path` exists (so
    /// two concurrent saves leave exactly one file), with `replace` it atomically swaps the
    /// old one out.
    fn write_file(
        &self,
        name: &str,
        path: &Path,
        bytes: &[u8],
        replace: bool,
    ) -> Result<(), StoreError> {
        let mut file =
            NewFile::create_in(&self.dir, 0o600).map_err(|e| StoreError::io(&self.dir, e))?;
        file.write_all(bytes)
            .map_err(|e| StoreError::io(&self.dir, e))?;
        match file.place(path, Existing::replace_if(replace)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(StoreError::Exists {
                name: name.to_string(),
                path: path.to_path_buf(),
            }),
            Err(e) => Err(StoreError::io(path, e)),
        }
    }

    /// Removes `<name>.pub` if it is there.
    fn remove_public_key_file(&self, name: &str) -> Result<(), StoreError> {
        let path = self.public_key_path_of(name)?;
        match fs::remove_file(&path) {
            Ok(()) => {
                crate::fsutil::output::sync_dir(&self.dir);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    /// Saves `key` as `<name>.nk` holding the bare seed; see `write_file` for how. A public key
    /// file left from an encrypted key of that name is removed.
    pub fn save(&self, name: &str, key: &Key, replace: bool) -> Result<PathBuf, StoreError> {
        let path = self.path_of(name)?;
        self.ensure_dir()?;
        if !replace && self.contains(name)? {
            return Err(StoreError::Exists {
                name: name.to_string(),
                path,
            });
        }
        let mut text = Zeroizing::new(String::with_capacity(SEED_LEN + 1));
        text.push_str(key.seed());
        text.push('\n');
        self.write_file(name, &path, text.as_bytes(), replace)?;
        self.remove_public_key_file(name)?;
        Ok(path)
    }

    /// Saves `key` as `<name>.nk` holding its seed encrypted to `passphrase` (an armored age
    /// file), and its public key as `<name>.pub`.
    pub fn save_encrypted(
        &self,
        name: &str,
        key: &Key,
        passphrase: &SecretString,
        replace: bool,
    ) -> Result<PathBuf, StoreError> {
        let path = self.path_of(name)?;
        let pub_path = self.public_key_path_of(name)?;
        self.ensure_dir()?;
        if !replace && self.contains(name)? {
            return Err(StoreError::Exists {
                name: name.to_string(),
                path,
            });
        }
        let encrypted = encrypt_seed(key, passphrase)?;
        // The seed file first: a save that loses a race must not touch the winner's `.pub`.
        self.write_file(name, &path, &encrypted, replace)?;
        let public = format!("{}\n", key.public_key());
        self.write_file(name, &pub_path, public.as_bytes(), true)?;
        Ok(path)
    }

    /// Saves someone else's public key as `<name>.pub`, with no seed file: a public-only key
    /// that the default trust counts by its role (accounts as issuers, clusters for the
    /// lattice). Replacing removes a seed file of that name.
    pub fn save_public(
        &self,
        name: &str,
        public_key: &str,
        replace: bool,
    ) -> Result<PathBuf, StoreError> {
        let path = self.public_key_path_of(name)?;
        parse_public_key(public_key).map_err(|_| StoreError::BadPublicKeyFile {
            name: name.to_string(),
            path: path.clone(),
        })?;
        self.ensure_dir()?;
        if !replace && self.contains(name)? {
            return Err(StoreError::Exists {
                name: name.to_string(),
                path: self.path_of(name)?,
            });
        }
        let public = format!("{public_key}\n");
        self.write_file(name, &path, public.as_bytes(), replace)?;
        if replace {
            let seed = self.path_of(name)?;
            match fs::remove_file(&seed) {
                Ok(()) => sync_dir(&self.dir),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(&seed, e)),
            }
        }
        Ok(path)
    }

    /// Opens `<name>.nk` (or, when there is none, a public-only `<name>.pub`) after checking
    /// the directory and the file.
    fn open_entry(&self, name: &str) -> Result<(PathBuf, Entry), StoreError> {
        let path = self.path_of(name)?;
        let not_found = || StoreError::NotFound {
            name: name.to_string(),
            dir: self.dir.clone(),
        };
        if !self.check_dir()? {
            return Err(not_found());
        }
        let bytes = match read_checked(&path, Open::InStore, Privacy::Secret) {
            Ok(b) => b,
            Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                return match self.read_public_key_file(name)? {
                    Some((role, public_key)) => Ok((
                        self.public_key_path_of(name)?,
                        Entry::PublicOnly { role, public_key },
                    )),
                    None => Err(not_found()),
                };
            }
            Err(e) => return Err(e),
        };
        let entry = if is_age_file(&bytes) {
            Entry::Encrypted(bytes)
        } else {
            Entry::Plain(parse_plain(&path, &bytes)?)
        };
        Ok((path, entry))
    }

    /// The public key in `<name>.pub`, if there is that file.
    fn read_public_key_file(&self, name: &str) -> Result<Option<(KeyRole, String)>, StoreError> {
        let path = self.public_key_path_of(name)?;
        let bytes = match read_checked(&path, Open::InStore, Privacy::Public) {
            Ok(b) => b,
            Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let bad = || StoreError::BadPublicKeyFile {
            name: name.to_string(),
            path: path.clone(),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| bad())?.trim();
        let (role, _) = parse_public_key(text).map_err(|_| bad())?;
        Ok(Some((role, text.to_string())))
    }

    fn info_of(&self, name: &str, entry: &Entry) -> Result<KeyInfo, StoreError> {
        match entry {
            Entry::Plain(key) => Ok(KeyInfo {
                role: key.role(),
                public_key: key.public_key().to_string(),
                encrypted: false,
                public_only: false,
            }),
            Entry::PublicOnly { role, public_key } => Ok(KeyInfo {
                role: *role,
                public_key: public_key.clone(),
                encrypted: false,
                public_only: true,
            }),
            Entry::Encrypted(_) => match self.read_public_key_file(name)? {
                Some((role, public_key)) => Ok(KeyInfo {
                    role,
                    public_key,
                    encrypted: true,
                    public_only: false,
                }),
                None => Err(StoreError::MissingPublicKey {
                    name: name.to_string(),
                    path: self.public_key_path_of(name)?,
                }),
            },
        }
    }

    /// Role, public key and whether it is encrypted, without asking for a passphrase (for an
    /// encrypted key they come from `<name>.pub`).
    pub fn info(&self, name: &str) -> Result<KeyInfo, StoreError> {
        let (_, entry) = self.open_entry(name)?;
        self.info_of(name, &entry)
    }

    /// Opens an encrypted entry with a passphrase from the store's source.
    fn unlock(&self, name: &str, path: &Path, bytes: &[u8]) -> Result<Key, StoreError> {
        let source = self
            .passphrases
            .as_ref()
            .ok_or_else(|| StoreError::Encrypted {
                path: path.to_path_buf(),
            })?;
        let what = format!("key '{name}'");
        decrypt_with(source.as_ref(), path, &what, bytes)
    }

    /// Loads the key `name`, asking the store's passphrase source when it is encrypted. An
    /// encrypted key whose `<name>.pub` names another public key is refused (listing and the
    /// default trust read that file).
    pub fn load(&self, name: &str) -> Result<Key, StoreError> {
        self.load_telling(name).map(|(key, _)| key)
    }

    /// [`KeyStore::load`], also telling whether the key is encrypted.
    pub fn load_telling(&self, name: &str) -> Result<(Key, bool), StoreError> {
        let (path, entry) = self.open_entry(name)?;
        let bytes = match entry {
            Entry::Plain(key) => return Ok((key, false)),
            Entry::Encrypted(bytes) => bytes,
            Entry::PublicOnly { role, public_key } => {
                return Err(StoreError::PublicOnly {
                    name: name.to_string(),
                    role,
                    public_key,
                });
            }
        };
        let key = self.unlock(name, &path, &bytes)?;
        if let Some((_, stored)) = self.read_public_key_file(name)?
            && stored != key.public_key()
        {
            return Err(StoreError::PublicKeyMismatch {
                name: name.to_string(),
                path: self.public_key_path_of(name)?,
                stored,
                actual: key.public_key().to_string(),
            });
        }
        Ok((key, true))
    }

    /// Reads a key file outside the store with [`read_key_file`], opening an encrypted one with
    /// the store's passphrase source.
    pub fn read_file(&self, path: &Path) -> Result<Key, StoreError> {
        read_key_file(path, self.passphrases.as_deref())
    }

    /// Encrypts the stored key `name` with a new passphrase from the store's source, replacing
    /// the plain seed file atomically (no plaintext copy is left in the store) and writing
    /// `<name>.pub`. An encrypted key is opened first and encrypted again: that changes its
    /// passphrase and rewrites its `.pub`. Returns the key and whether it was encrypted before.
    pub fn encrypt(&self, name: &str) -> Result<(Key, bool), StoreError> {
        let (path, entry) = self.open_entry(name)?;
        let (key, was_encrypted) = match entry {
            Entry::Plain(key) => (key, false),
            Entry::Encrypted(bytes) => (self.unlock(name, &path, &bytes)?, true),
            Entry::PublicOnly { role, public_key } => {
                return Err(StoreError::PublicOnly {
                    name: name.to_string(),
                    role,
                    public_key,
                });
            }
        };
        let source = self
            .passphrases
            .as_ref()
            .ok_or_else(|| StoreError::Encrypted { path: path.clone() })?;
        let passphrase = source.new_passphrase(&format!("key '{name}'"))?;
        self.save_encrypted(name, &key, &passphrase, true)?;
        Ok((key, was_encrypted))
    }

    /// Decrypts the stored key `name` in place: `<name>.nk` holds the bare seed again (0600,
    /// replaced atomically) and `<name>.pub` is removed. A wrong passphrase changes nothing.
    pub fn decrypt(&self, name: &str) -> Result<Key, StoreError> {
        let (path, entry) = self.open_entry(name)?;
        let bytes = match entry {
            Entry::Encrypted(bytes) => bytes,
            Entry::PublicOnly { role, public_key } => {
                return Err(StoreError::PublicOnly {
                    name: name.to_string(),
                    role,
                    public_key,
                });
            }
            Entry::Plain(_) => {
                return Err(StoreError::NotEncrypted {
                    name: name.to_string(),
                });
            }
        };
        let key = self.unlock(name, &path, &bytes)?;
        self.save(name, &key, true)?;
        Ok(key)
    }

    /// Loads the key `name`, or, when the store has none, generates one of `role` and saves it.
    /// `generated` is where a new key was saved (callers say so: a key nobody asked for must
    /// not appear silently). When another process generates the same name at the same moment,
    /// its key is loaded instead, so both use one key.
    pub fn load_or_generate(&self, name: &str, role: KeyRole) -> Result<LoadedKey, StoreError> {
        if self.contains(name)? {
            return Ok(LoadedKey {
                key: self.load(name)?,
                generated: None,
            });
        }
        let key = Key::generate(role);
        match self.save(name, &key, false) {
            Ok(path) => Ok(LoadedKey {
                key,
                generated: Some(path),
            }),
            Err(StoreError::Exists { .. }) => Ok(LoadedKey {
                key: self.load(name)?,
                generated: None,
            }),
            Err(e) => Err(e),
        }
    }

    /// Removes `<name>.nk` (and `<name>.pub`, when the key was encrypted), or a public-only
    /// key's `<name>.pub` (which untrusts it). Returns the path removed.
    pub fn remove(&self, name: &str) -> Result<PathBuf, StoreError> {
        let path = self.path_of(name)?;
        self.check_dir()?;
        match fs::remove_file(&path) {
            Ok(()) => {
                crate::fsutil::output::sync_dir(&self.dir);
                self.remove_public_key_file(name)?;
                Ok(path)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let public = self.public_key_path_of(name)?;
                match fs::remove_file(&public) {
                    Ok(()) => {
                        sync_dir(&self.dir);
                        Ok(public)
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NotFound {
                        name: name.to_string(),
                        dir: self.dir.clone(),
                    }),
                    Err(e) => Err(StoreError::io(&public, e)),
                }
            }
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    /// Every `*.nk` entry and every public-only `*.pub` (one without a seed file beside it),
    /// sorted by name, with what can be known of it without a passphrase; entries that are not
    /// valid keys come with the reason (a FIFO or a symbolic link is reported, never opened or
    /// followed). A missing directory is an empty store.
    pub fn list(&self) -> Result<Vec<StoredKey>, StoreError> {
        if !self.check_dir()? {
            return Ok(Vec::new());
        }
        let entries = fs::read_dir(&self.dir).map_err(|e| StoreError::io(&self.dir, e))?;
        let mut names = std::collections::BTreeSet::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&self.dir, e))?;
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str());
            if ext != Some(KEY_EXT) && ext != Some(PUB_EXT) {
                continue;
            }
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if name.starts_with('.') || validate_name(name).is_err() {
                continue;
            }
            names.insert(name.to_string());
        }
        let mut keys = Vec::new();
        for name in names {
            let opened = self.open_entry(&name);
            let encrypted = matches!(opened, Ok((_, Entry::Encrypted(_))));
            let path = match &opened {
                Ok((path, _)) => path.clone(),
                // The seed file, unless there is none (then the `.pub` that was refused).
                Err(_) if fs::symlink_metadata(self.path_of(&name)?).is_err() => {
                    self.public_key_path_of(&name)?
                }
                Err(_) => self.path_of(&name)?,
            };
            let info = opened.and_then(|(_, entry)| self.info_of(&name, &entry));
            keys.push(StoredKey {
                name,
                encrypted,
                info,
                path,
            });
        }
        Ok(keys)
    }

    /// Public keys of the valid keys of `role` in the store, public-only ones included
    /// (encrypted ones from their `.pub`), with every entry that is not a valid key (its role unknown: it may have been
    /// one of them), for the caller to report.
    pub fn public_keys_of(&self, role: KeyRole) -> Result<KeysOfRole, StoreError> {
        let mut keys = KeysOfRole {
            public_keys: Vec::new(),
            invalid: Vec::new(),
        };
        for entry in self.list()? {
            match entry.info {
                Ok(info) if info.role == role => keys.public_keys.push(info.public_key),
                Ok(_) => {}
                Err(error) => keys.invalid.push((entry.name, error)),
            }
        }
        Ok(keys)
    }

    /// [`KeyStore::public_keys_of`] the account keys, with or without a seed: the default
    /// trust in issuers (docs/design.md §4).
    pub fn account_public_keys(&self) -> Result<KeysOfRole, StoreError> {
        self.public_keys_of(KeyRole::Account)
    }
}

fn validate_name(name: &str) -> Result<(), StoreError> {
    if looks_like_seed(name) {
        return Err(StoreError::SeedAsName);
    }
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidName(name.to_string()))
    }
}
