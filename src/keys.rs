//! Ed25519 (and X25519 curve) key pairs in the nkeys text format, and the on-disk key store.
//!
//! Encoding and decoding are the `nkeys` crate's; this module adds what a CLI needs on top:
//! strict role mapping (nkeys maps an unknown prefix byte to "operator"), one precise error per
//! way a seed can be wrong, and a key store that never overwrites silently and never leaves a
//! seed readable by others.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use nkeys::{KeyPair, KeyPairType, XKey};

/// Length of an encoded public key.
pub const PUBLIC_KEY_LEN: usize = 56;
/// Length of an encoded seed.
pub const SEED_LEN: usize = 58;

/// What a key is for; the first character of its public key (and the second of its seed) tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRole {
    Account,
    Cluster,
    Module,
    Server,
    Operator,
    User,
    Service,
    Curve,
}

impl KeyRole {
    pub const ALL: [KeyRole; 8] = [
        KeyRole::Account,
        KeyRole::Cluster,
        KeyRole::Module,
        KeyRole::Server,
        KeyRole::Operator,
        KeyRole::User,
        KeyRole::Service,
        KeyRole::Curve,
    ];

    /// The nkeys prefix byte of a public key of this role.
    pub fn prefix_byte(self) -> u8 {
        match self {
            KeyRole::Account => 0,
            KeyRole::Cluster => 2 << 3,
            KeyRole::Module => 12 << 3,
            KeyRole::Server => 13 << 3,
            KeyRole::Operator => 14 << 3,
            KeyRole::User => 20 << 3,
            KeyRole::Service => 21 << 3,
            KeyRole::Curve => 23 << 3,
        }
    }

    pub fn from_prefix_byte(byte: u8) -> Option<KeyRole> {
        KeyRole::ALL.into_iter().find(|r| r.prefix_byte() == byte)
    }

    /// The first character of a public key of this role.
    pub fn letter(self) -> char {
        match self {
            KeyRole::Account => 'A',
            KeyRole::Cluster => 'C',
            KeyRole::Module => 'M',
            KeyRole::Server => 'N',
            KeyRole::Operator => 'O',
            KeyRole::User => 'U',
            KeyRole::Service => 'V',
            KeyRole::Curve => 'X',
        }
    }

    /// The role with its indefinite article: "an account", "a module".
    pub fn with_article(self) -> String {
        let article = if self == KeyRole::Account || self == KeyRole::Operator {
            "an"
        } else {
            "a"
        };
        format!("{article} {}", self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyRole::Account => "account",
            KeyRole::Cluster => "cluster",
            KeyRole::Module => "module",
            KeyRole::Server => "server",
            KeyRole::Operator => "operator",
            KeyRole::User => "user",
            KeyRole::Service => "service",
            KeyRole::Curve => "curve",
        }
    }

    fn nkeys_type(self) -> KeyPairType {
        match self {
            KeyRole::Account => KeyPairType::Account,
            KeyRole::Cluster => KeyPairType::Cluster,
            KeyRole::Module => KeyPairType::Module,
            KeyRole::Server => KeyPairType::Server,
            KeyRole::Operator => KeyPairType::Operator,
            KeyRole::User => KeyPairType::User,
            KeyRole::Service => KeyPairType::Service,
            KeyRole::Curve => KeyPairType::Curve,
        }
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyRole {
    type Err = String;

    /// Role names are case-insensitive and accept the aliases users know from wash.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "account" => KeyRole::Account,
            "module" | "component" | "actor" => KeyRole::Module,
            "service" | "provider" => KeyRole::Service,
            "server" | "host" => KeyRole::Server,
            "cluster" => KeyRole::Cluster,
            "operator" => KeyRole::Operator,
            "user" => KeyRole::User,
            "curve" => KeyRole::Curve,
            _ => {
                return Err(format!(
                    "unknown key role '{s}'; expected one of: account, module (component, actor), \
                     service (provider), server (host), cluster, operator, user, curve"
                ));
            }
        })
    }
}

/// Why a string is not a usable seed. Each case has its own message because each has its own fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SeedError {
    #[error("the seed is empty")]
    Empty,
    #[error(
        "this is {} public key, not a seed: a seed is the secret half, 58 characters starting with 'S'",
        .0.with_article()
    )]
    PublicKeyGiven(KeyRole),
    #[error("a seed is {SEED_LEN} characters long, this one has {0}")]
    WrongLength(usize),
    #[error("the seed is not valid base32 (upper-case A-Z and 2-7 only)")]
    NotBase32,
    #[error("the seed's checksum does not match: it was mistyped or truncated")]
    BadChecksum,
    #[error("not a seed: a seed starts with 'S' followed by the role letter")]
    NotASeed,
    #[error("the seed's role byte {0:#04x} is not a known key role")]
    UnknownRole(u8),
}

/// Why a string is not a usable public key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PublicKeyError {
    #[error("'{0}' looks like a seed; give the public key (wzt keys show NAME prints it)")]
    SeedGiven(String),
    #[error(
        "'{key}' is not a public key: a public key is {PUBLIC_KEY_LEN} characters, this one has {len}"
    )]
    WrongLength { key: String, len: usize },
    #[error("'{0}' is not a valid public key (bad encoding or checksum)")]
    Invalid(String),
    #[error("'{key}' is {} key, expected {expected} key", found.with_article())]
    WrongRole {
        key: String,
        found: KeyRole,
        expected: String,
    },
}

/// Decodes a public key and tells its role.
pub fn parse_public_key(key: &str) -> Result<(KeyRole, [u8; 32]), PublicKeyError> {
    if looks_like_seed(key) {
        return Err(PublicKeyError::SeedGiven(abbreviate(key)));
    }
    if key.len() != PUBLIC_KEY_LEN {
        return Err(PublicKeyError::WrongLength {
            key: key.to_string(),
            len: key.len(),
        });
    }
    let (prefix, bytes) =
        nkeys::from_public_key(key).map_err(|_| PublicKeyError::Invalid(key.to_string()))?;
    let role = KeyRole::from_prefix_byte(prefix)
        .ok_or_else(|| PublicKeyError::Invalid(key.to_string()))?;
    Ok((role, bytes))
}

/// Decodes a public key and checks it has one of the `expected` roles.
pub fn parse_public_key_of(key: &str, expected: &[KeyRole]) -> Result<[u8; 32], PublicKeyError> {
    let (role, bytes) = parse_public_key(key)?;
    if expected.contains(&role) {
        Ok(bytes)
    } else {
        Err(PublicKeyError::WrongRole {
            key: key.to_string(),
            found: role,
            expected: expected
                .iter()
                .map(|r| r.with_article())
                .collect::<Vec<_>>()
                .join(" or "),
        })
    }
}

/// The first two characters of a seed-shaped string (`S` and the role letter, which say
/// nothing secret: the next ones do) and an ellipsis. By characters, never by byte index.
fn abbreviate(s: &str) -> String {
    let head: String = s.trim().chars().take(2).collect();
    format!("{head}…")
}

/// Whether `text` has the shape of a seed, typed or pasted where a name or a public key belongs:
/// after trimming, `S` (either case) and 47 to 67 more base32 characters, i.e. a seed give or
/// take a few characters. No key name or public key looks like this (public keys never start
/// with `S`), so callers refuse such input without echoing it (a seed in an error message
/// lands in terminals and CI logs).
pub fn looks_like_seed(text: &str) -> bool {
    let b = text.trim().as_bytes();
    (SEED_LEN - 10..=SEED_LEN + 10).contains(&b.len())
        && b[0].eq_ignore_ascii_case(&b'S')
        && b.iter()
            .all(|c| c.is_ascii_alphabetic() || (b'2'..=b'7').contains(c))
}

/// A key pair with its seed. Signing keys are ed25519; curve keys are X25519 and cannot sign.
pub struct Key {
    role: KeyRole,
    seed: String,
    public_key: String,
    signer: Option<KeyPair>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the seed, not even in debug output.
        f.debug_struct("Key")
            .field("role", &self.role)
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// Generates a new random key of `role`.
    pub fn generate(role: KeyRole) -> Key {
        if role == KeyRole::Curve {
            let x = XKey::new();
            let seed = x.seed().expect("a generated curve key has a seed");
            Key {
                role,
                public_key: x.public_key(),
                seed,
                signer: None,
            }
        } else {
            let kp = KeyPair::new(role.nkeys_type());
            Key {
                role,
                public_key: kp.public_key(),
                seed: kp.seed().expect("a generated key pair has a seed"),
                signer: Some(kp),
            }
        }
    }

    /// Parses a seed. Surrounding whitespace (a trailing newline from a file or a pipe) is ignored.
    pub fn from_seed(text: &str) -> Result<Key, SeedError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SeedError::Empty);
        }
        if text.len() == PUBLIC_KEY_LEN
            && let Ok((role, _)) = parse_public_key(text)
        {
            return Err(SeedError::PublicKeyGiven(role));
        }
        if text.len() != SEED_LEN {
            return Err(SeedError::WrongLength(text.chars().count()));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        {
            return Err(SeedError::NotBase32);
        }
        let (prefix, _) = nkeys::decode_seed(text).map_err(|e| match e.kind() {
            nkeys::error::ErrorKind::ChecksumFailure => SeedError::BadChecksum,
            nkeys::error::ErrorKind::InvalidPrefix => SeedError::NotASeed,
            nkeys::error::ErrorKind::InvalidKeyLength => SeedError::WrongLength(text.len()),
            _ => SeedError::NotBase32,
        })?;
        let role = KeyRole::from_prefix_byte(prefix).ok_or(SeedError::UnknownRole(prefix))?;
        if role == KeyRole::Curve {
            let x = XKey::from_seed(text).map_err(|_| SeedError::NotASeed)?;
            Ok(Key {
                role,
                public_key: x.public_key(),
                seed: text.to_string(),
                signer: None,
            })
        } else {
            let kp = KeyPair::from_seed(text).map_err(|_| SeedError::NotASeed)?;
            Ok(Key {
                role,
                public_key: kp.public_key(),
                seed: text.to_string(),
                signer: Some(kp),
            })
        }
    }

    pub fn role(&self) -> KeyRole {
        self.role
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The secret seed. Treat as a secret: print it only when the user asked for it.
    pub fn seed(&self) -> &str {
        &self.seed
    }

    /// Signs `message` with ed25519. Curve (X25519) keys cannot sign.
    pub fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyUseError> {
        let signer = self.signer.as_ref().ok_or(KeyUseError::CannotSign)?;
        let sig = signer.sign(message).map_err(|_| KeyUseError::CannotSign)?;
        sig.try_into().map_err(|_| KeyUseError::CannotSign)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyUseError {
    #[error("curve (X25519) keys are for encryption and cannot sign")]
    CannotSign,
}

/// Errors of the key store. Callers branch on `Exists` (offer `--force`) and `NotFound`.
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
    #[error("{}: invalid seed: {source}", path.display())]
    InvalidSeed {
        path: PathBuf,
        #[source]
        source: SeedError,
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
}

/// Reads a seed file, refusing one that group or others can read.
pub fn read_seed_file(path: &Path) -> Result<Key, StoreError> {
    let meta = fs::metadata(path).map_err(|e| StoreError::io(path, e))?;
    check_private(path, &meta)?;
    let text = fs::read_to_string(path).map_err(|e| StoreError::io(path, e))?;
    Key::from_seed(&text).map_err(|source| StoreError::InvalidSeed {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &fs::Metadata) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(StoreError::InsecurePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _meta: &fs::Metadata) -> Result<(), StoreError> {
    Ok(())
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

/// One entry of [`KeyStore::list`]: a stored key, or the reason a file is not one.
pub struct StoredKey {
    pub name: String,
    pub path: PathBuf,
    pub key: Result<Key, StoreError>,
}

/// A directory of `<name>.nk` files, each holding one bare seed.
#[derive(Debug, Clone)]
pub struct KeyStore {
    dir: PathBuf,
}

/// The key file extension.
const KEY_EXT: &str = "nk";

impl KeyStore {
    pub fn new(dir: impl Into<PathBuf>) -> KeyStore {
        KeyStore { dir: dir.into() }
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

    pub fn contains(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self.path_of(name)?.exists())
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
            .map_err(|e| StoreError::io(&self.dir, e))
    }

    /// Saves `key` as `<name>.nk`. The file is written to a private temporary file, synced, and
    /// moved into place: without `replace` the move fails if the name exists (so two concurrent
    /// saves leave exactly one key), with `replace` it atomically swaps the old key out.
    pub fn save(&self, name: &str, key: &Key, replace: bool) -> Result<PathBuf, StoreError> {
        let path = self.path_of(name)?;
        self.ensure_dir()?;
        if !replace && path.exists() {
            return Err(StoreError::Exists {
                name: name.to_string(),
                path,
            });
        }
        // tempfile creates the file with mode 0600 and O_EXCL: no window where the seed is readable.
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(|e| StoreError::io(&self.dir, e))?;
        tmp.write_all(key.seed().as_bytes())
            .and_then(|_| tmp.write_all(b"\n"))
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| StoreError::io(tmp.path(), e))?;
        let persisted = if replace {
            tmp.persist(&path).map(|_| ())
        } else {
            tmp.persist_noclobber(&path).map(|_| ())
        };
        match persisted {
            Ok(()) => {}
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                return Err(StoreError::Exists {
                    name: name.to_string(),
                    path,
                });
            }
            Err(e) => return Err(StoreError::io(&path, e.error)),
        }
        sync_dir(&self.dir);
        Ok(path)
    }

    pub fn load(&self, name: &str) -> Result<Key, StoreError> {
        let path = self.path_of(name)?;
        if !path.exists() {
            return Err(StoreError::NotFound {
                name: name.to_string(),
                dir: self.dir.clone(),
            });
        }
        read_seed_file(&path)
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

    pub fn remove(&self, name: &str) -> Result<PathBuf, StoreError> {
        let path = self.path_of(name)?;
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.dir);
                Ok(path)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NotFound {
                name: name.to_string(),
                dir: self.dir.clone(),
            }),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    /// Every `*.nk` file, sorted by name; files that are not valid seeds come with the reason.
    /// A missing directory is an empty store.
    pub fn list(&self) -> Result<Vec<StoredKey>, StoreError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(&self.dir, e)),
        };
        let mut keys = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&self.dir, e))?;
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some(KEY_EXT) {
                continue;
            }
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            keys.push(StoredKey {
                name: name.to_string(),
                key: read_seed_file(&path),
                path,
            });
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    /// Public keys of the valid account keys in the store: the default trust set.
    pub fn account_public_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .list()?
            .into_iter()
            .filter_map(|k| k.key.ok())
            .filter(|k| k.role() == KeyRole::Account)
            .map(|k| k.public_key().to_string())
            .collect())
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

/// Makes a rename or unlink durable. Best effort: not every filesystem supports syncing a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_seed() {
        for role in KeyRole::ALL {
            let key = Key::generate(role);
            assert_eq!(key.public_key().len(), PUBLIC_KEY_LEN);
            assert!(key.public_key().starts_with(role.letter()), "{role}");
            assert_eq!(key.seed().len(), SEED_LEN);
            assert_eq!(&key.seed()[..2], format!("S{}", role.letter()));
            let again = Key::from_seed(&format!("{}\n", key.seed())).unwrap();
            assert_eq!(again.role(), role);
            assert_eq!(again.public_key(), key.public_key());
            assert_eq!(parse_public_key(key.public_key()).unwrap().0, role);
        }
    }

    #[test]
    fn role_names_and_aliases_are_case_insensitive() {
        assert_eq!("ACCOUNT".parse::<KeyRole>().unwrap(), KeyRole::Account);
        assert_eq!("Actor".parse::<KeyRole>().unwrap(), KeyRole::Module);
        assert_eq!("component".parse::<KeyRole>().unwrap(), KeyRole::Module);
        assert_eq!("provider".parse::<KeyRole>().unwrap(), KeyRole::Service);
        assert_eq!("host".parse::<KeyRole>().unwrap(), KeyRole::Server);
        assert!("wizard".parse::<KeyRole>().is_err());
    }

    #[test]
    fn each_bad_seed_has_its_own_error() {
        let good = Key::generate(KeyRole::Account);
        let seed = good.seed();
        assert_eq!(Key::from_seed("  \n").unwrap_err(), SeedError::Empty);
        assert_eq!(
            Key::from_seed(good.public_key()).unwrap_err(),
            SeedError::PublicKeyGiven(KeyRole::Account)
        );
        assert_eq!(
            Key::from_seed(&seed[..57]).unwrap_err(),
            SeedError::WrongLength(57)
        );
        let lower = seed.to_ascii_lowercase();
        assert_eq!(Key::from_seed(&lower).unwrap_err(), SeedError::NotBase32);
        // Change one character in the middle: the crc16 no longer matches.
        let mut chars: Vec<char> = seed.chars().collect();
        chars[20] = if chars[20] == 'A' { 'B' } else { 'A' };
        let flipped: String = chars.into_iter().collect();
        assert_eq!(
            Key::from_seed(&flipped).unwrap_err(),
            SeedError::BadChecksum
        );
    }

    #[test]
    fn seed_shaped_input_is_refused_without_echo() {
        let seed = Key::generate(KeyRole::Account).seed().to_string();
        for given in [
            seed.clone(),
            format!(" {seed}\n"),
            seed[..56].to_string(),
            seed.to_ascii_lowercase(),
        ] {
            assert!(looks_like_seed(&given), "{given}");
            let e = parse_public_key(&given).unwrap_err();
            assert!(matches!(&e, PublicKeyError::SeedGiven(s) if s.eq_ignore_ascii_case("SA…")));
            let store = KeyStore::new("/nonexistent");
            let e = store.load(&given).unwrap_err().to_string();
            assert!(!e.contains(&seed[2..]), "{e}");
        }
        let public = Key::generate(KeyRole::Account).public_key().to_string();
        assert!(!looks_like_seed(&public));
        assert!(!looks_like_seed("account"));
        assert!(!looks_like_seed("STAGING_ACCOUNT"));
    }

    #[test]
    fn non_ascii_key_text_is_an_error_not_a_panic() {
        // 58 and 56 bytes, as long as a seed and a public key, split inside a character.
        let seed_long = format!("S{}x", "é".repeat(28));
        let key_long = format!("A{}x", "é".repeat(27));
        for text in [&seed_long, &key_long, "Sé", "éé"] {
            assert!(parse_public_key(text).is_err());
            assert!(Key::from_seed(text).is_err());
        }
        assert_eq!(abbreviate("Sé€x"), "Sé…");
    }

    #[test]
    fn curve_keys_cannot_sign() {
        let key = Key::generate(KeyRole::Curve);
        assert!(key.sign(b"x").is_err());
        assert!(Key::generate(KeyRole::Account).sign(b"x").is_ok());
    }
}
