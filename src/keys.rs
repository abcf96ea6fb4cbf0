//! Ed25519 (and X25519 curve) key pairs in the nkeys text format, and the on-disk key store.
//!
//! Decoding is the `nkeys` crate's (encoding is done here, so that secrets stay in memory that
//! is wiped: see [`Key`]); this module adds what a CLI needs on top: strict role mapping (nkeys
//! maps an unknown prefix byte to "operator"), one precise error per way a seed can be wrong,
//! and a key store that never overwrites silently, never leaves a seed readable by others,
//! checks the directory and every file it opens, and keeps seeds passphrase-encrypted in the
//! age format when asked to.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::{ExposeSecret, SecretString};
use ed25519_dalek::{Signer, SigningKey};
use nkeys::XKey;
use rand::RngCore;
use zeroize::Zeroizing;

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
///
/// The secret lives only in memory that is wiped when the key is dropped: the seed text in a
/// [`Zeroizing`] string and the ed25519 secret in [`SigningKey`] (which wipes itself). That is
/// why the nkeys text is encoded here rather than through `nkeys::KeyPair`, which keeps a copy
/// of the secret it never wipes; decoding is `nkeys::decode_seed`'s, and the tests check the
/// encoding against `nkeys` for every role.
pub struct Key {
    role: KeyRole,
    seed: Zeroizing<String>,
    public_key: String,
    signer: Option<SigningKey>,
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
        let mut secret = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut secret[..]);
        Key::from_secret(role, &secret)
    }

    /// The key whose 32-byte secret (ed25519 seed, or X25519 secret for curve) is `secret`.
    fn from_secret(role: KeyRole, secret: &[u8; 32]) -> Key {
        let seed = encode_seed(role, secret);
        if role == KeyRole::Curve {
            // XKey holds the secret in crypto_box's SecretKey, which wipes itself on drop.
            let public_key = XKey::new_from_raw(*secret).public_key();
            Key {
                role,
                seed,
                public_key,
                signer: None,
            }
        } else {
            let signer = SigningKey::from_bytes(secret);
            Key {
                role,
                seed,
                public_key: encode_public_key(role, signer.verifying_key().as_bytes()),
                signer: Some(signer),
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
        let (prefix, secret) = nkeys::decode_seed(text).map_err(|e| match e.kind() {
            nkeys::error::ErrorKind::ChecksumFailure => SeedError::BadChecksum,
            nkeys::error::ErrorKind::InvalidPrefix => SeedError::NotASeed,
            nkeys::error::ErrorKind::InvalidKeyLength => SeedError::WrongLength(text.len()),
            _ => SeedError::NotBase32,
        })?;
        let secret = Zeroizing::new(secret);
        let role = KeyRole::from_prefix_byte(prefix).ok_or(SeedError::UnknownRole(prefix))?;
        Ok(Key::from_secret(role, &secret))
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
        Ok(signer.sign(message).to_bytes())
    }
}

/// CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final XOR).
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// base32 of `prefix ‖ key ‖ crc16` (little-endian), built in a buffer that is wiped.
fn encode_nkey(prefix: &[u8], key: &[u8]) -> Zeroizing<String> {
    let mut raw = Zeroizing::new(Vec::with_capacity(prefix.len() + key.len() + 2));
    raw.extend_from_slice(prefix);
    raw.extend_from_slice(key);
    let crc = crc16(&raw);
    raw.extend_from_slice(&crc.to_le_bytes());
    Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&raw))
}

fn encode_seed(role: KeyRole, secret: &[u8; 32]) -> Zeroizing<String> {
    let prefix = role.prefix_byte();
    encode_nkey(
        &[SEED_PREFIX_BYTE | (prefix >> 5), (prefix & 31) << 3],
        secret,
    )
}

fn encode_public_key(role: KeyRole, public: &[u8; 32]) -> String {
    encode_nkey(&[role.prefix_byte()], public).to_string()
}

/// The first byte of every seed has these top five bits (18 << 3: base32 'S').
const SEED_PREFIX_BYTE: u8 = 18 << 3;

#[derive(Debug, thiserror::Error)]
pub enum KeyUseError {
    #[error("curve (X25519) keys are for encryption and cannot sign")]
    CannotSign,
}

/// The environment variable that may hold the passphrase of encrypted keys (read by the CLI;
/// `wzt dev` keeps it from the build command).
pub const PASSPHRASE_ENV: &str = "WZT_KEY_PASSPHRASE";

/// Where the passphrase of an encrypted seed comes from. The library never asks anyone: the
/// CLI implements this (a hidden prompt on a terminal, `WZT_KEY_PASSPHRASE`,
/// `--passphrase-file`).
pub trait PassphraseSource: Send + Sync {
    /// The passphrase that opens `what` (`key 'account'`, or a file's path).
    fn passphrase(&self, what: &str) -> Result<SecretString, PassphraseError>;
    /// A new passphrase to encrypt `what` with (on a terminal, asked twice).
    fn new_passphrase(&self, what: &str) -> Result<SecretString, PassphraseError>;
}

/// Why no passphrase could be had; the message says how to give one.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PassphraseError(pub String);

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
    #[error("{} is larger than {MAX_KEY_FILE_LEN} bytes: not a key file", path.display())]
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
    #[error("wrong passphrase for {what}")]
    WrongPassphrase { what: String },
    #[error("{}: cannot decrypt: {reason}", path.display())]
    BadEncryptedFile { path: PathBuf, reason: String },
    #[error("cannot encrypt the seed: {0}")]
    Encrypt(String),
    #[error("key '{name}' is not encrypted")]
    NotEncrypted { name: String },
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
}

/// A key file is a few hundred bytes at most (an armored age file of a seed is about 400).
const MAX_KEY_FILE_LEN: u64 = 64 * 1024;

/// Whether a key file's bytes are an age file (armored, or binary as `age -p` writes without
/// `-a`) rather than a bare seed.
fn is_age_file(bytes: &[u8]) -> bool {
    let start = bytes.trim_ascii_start();
    start.starts_with(AGE_ARMOR_BEGIN.as_bytes()) || start.starts_with(b"age-encryption.org/")
}

const AGE_ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

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

/// Opens `path` once (never blocking: a FIFO is reported, not waited on; in the store, never
/// following a symbolic link), checks what the open file is with `fstat` (a regular file, owned
/// by this user, with `privacy`'s mode), and reads it into a buffer that is wiped on drop.
fn read_checked(
    path: &Path,
    open: Open,
    privacy: Privacy,
) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    use std::io::Read as _;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if open == Open::InStore {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        #[cfg(unix)]
        Err(e) if open == Open::InStore && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(StoreError::Symlink {
                path: path.to_path_buf(),
            });
        }
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
            // Opening a socket fails this way.
            return Err(StoreError::NotRegularFile {
                path: path.to_path_buf(),
                kind: "a socket",
            });
        }
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let meta = file.metadata().map_err(|e| StoreError::io(path, e))?;
    if !meta.is_file() {
        return Err(StoreError::NotRegularFile {
            path: path.to_path_buf(),
            kind: file_kind(&meta.file_type()),
        });
    }
    check_owner_and_mode(path, &meta, privacy)?;
    // A second name for the file (a hard link) would keep a plain seed after `keys encrypt`,
    // or let a public key live outside the store.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(StoreError::NotRegularFile {
                path: path.to_path_buf(),
                kind: "a file with other hard links",
            });
        }
    }
    if meta.len() > MAX_KEY_FILE_LEN {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize + 64));
    (&file)
        .take(MAX_KEY_FILE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::io(path, e))?;
    if bytes.len() as u64 > MAX_KEY_FILE_LEN {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(bytes)
}

fn file_kind(file_type: &fs::FileType) -> &'static str {
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
    } else {
        "something else"
    }
}

/// The effective user id of this process.
#[cfg(unix)]
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(unix)]
fn check_owner_and_mode(
    path: &Path,
    meta: &fs::Metadata,
    privacy: Privacy,
) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;
    let you = euid();
    if meta.uid() != you {
        return Err(StoreError::ForeignOwner {
            path: path.to_path_buf(),
            owner: meta.uid(),
            you,
        });
    }
    let mode = meta.mode() & 0o777;
    match privacy {
        Privacy::Secret if mode & 0o077 != 0 => Err(StoreError::InsecurePermissions {
            path: path.to_path_buf(),
            mode,
        }),
        Privacy::Public if mode & 0o022 != 0 => Err(StoreError::WritableByOthers {
            path: path.to_path_buf(),
            mode,
        }),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn check_owner_and_mode(_: &Path, _: &fs::Metadata, _: Privacy) -> Result<(), StoreError> {
    Ok(())
}

/// A bare seed's bytes as a key.
fn parse_plain(path: &Path, bytes: &[u8]) -> Result<Key, StoreError> {
    let invalid = |source| StoreError::InvalidSeed {
        path: path.to_path_buf(),
        source,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| invalid(SeedError::NotBase32))?;
    Key::from_seed(text).map_err(invalid)
}

/// The scrypt work factor (log2 N) wzt encrypts with: the default of age's reference (Go)
/// implementation, about a second. Fixed rather than calibrated to the machine at hand (what the
/// age crate does by default), so a key encrypted on a fast machine opens on a slow or busy one.
const SCRYPT_WORK_FACTOR: u8 = 18;
/// The largest work factor accepted on decryption (N = 2^22: 4 GiB of memory for scrypt), so a
/// seed that `age -p` encrypted on a fast machine opens, but a file cannot demand unbounded work.
const SCRYPT_MAX_WORK_FACTOR: u8 = 22;

/// Encrypts `key`'s seed file contents (the seed and a newline, as a plain key file holds) to
/// `passphrase`: an armored age file with one scrypt stanza, what `age --passphrase --armor`
/// writes, so `age --decrypt` gives back the plain seed file.
pub fn encrypt_seed(key: &Key, passphrase: &SecretString) -> Result<Vec<u8>, StoreError> {
    if passphrase.expose_secret().is_empty() {
        return Err(StoreError::EmptyPassphrase);
    }
    let fail = |e: &dyn fmt::Display| StoreError::Encrypt(e.to_string());
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(SCRYPT_WORK_FACTOR);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| fail(&e))?;
    let mut out = Vec::with_capacity(512);
    let armored = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(|e| fail(&e))?;
    let mut writer = encryptor.wrap_output(armored).map_err(|e| fail(&e))?;
    writer
        .write_all(key.seed().as_bytes())
        .and_then(|_| writer.write_all(b"\n"))
        .map_err(|e| fail(&e))?;
    writer
        .finish()
        .and_then(|armored| armored.finish())
        .map_err(|e| fail(&e))?;
    Ok(out)
}

/// Decrypts an age file (armored or binary) holding a seed, with `passphrase`. `what` names the
/// key in a wrong-passphrase error.
fn decrypt_seed(
    path: &Path,
    what: &str,
    bytes: &[u8],
    passphrase: &SecretString,
) -> Result<Key, StoreError> {
    use std::io::Read as _;
    let bad = |reason: String| StoreError::BadEncryptedFile {
        path: path.to_path_buf(),
        reason,
    };
    let decryptor =
        age::Decryptor::new_buffered(ArmoredReader::new(bytes)).map_err(|e| bad(e.to_string()))?;
    if !decryptor.is_scrypt() {
        return Err(bad(
            "it is encrypted to recipient keys, not with a passphrase".to_string(),
        ));
    }
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(SCRYPT_MAX_WORK_FACTOR);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            // The scrypt stanza's key does not open under this passphrase.
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                StoreError::WrongPassphrase {
                    what: what.to_string(),
                }
            }
            other => bad(other.to_string()),
        })?;
    let mut plain = Zeroizing::new(Vec::with_capacity(1024));
    (&mut reader)
        .take(MAX_KEY_FILE_LEN)
        .read_to_end(&mut plain)
        .map_err(|e| bad(e.to_string()))?;
    parse_plain(path, &plain)
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
    let passphrase = source.passphrase(&what)?;
    decrypt_seed(path, &what, &bytes, &passphrase)
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
}

/// One entry of [`KeyStore::list`]: a stored key, or the reason a file is not one.
pub struct StoredKey {
    pub name: String,
    pub path: PathBuf,
    /// The seed file holds an age file.
    pub encrypted: bool,
    pub info: Result<KeyInfo, StoreError>,
}

/// What `<name>.nk` holds.
// Short-lived; boxing the key would only add one more (unwiped) move of the secret.
#[allow(clippy::large_enum_variant)]
enum Entry {
    Plain(Key),
    /// An age file, not yet opened.
    Encrypted(Zeroizing<Vec<u8>>),
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

    /// Whether `<name>.nk` exists (as anything: a symbolic link or a FIFO counts, and is
    /// refused when read).
    pub fn contains(&self, name: &str) -> Result<bool, StoreError> {
        Ok(fs::symlink_metadata(self.path_of(name)?).is_ok())
    }

    /// Checks the store directory, when it exists: a directory owned by this user (or root) that
    /// nobody else can write to. Returns whether it exists.
    fn check_dir(&self) -> Result<bool, StoreError> {
        let meta = match fs::metadata(&self.dir) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(StoreError::io(&self.dir, e)),
        };
        if !meta.is_dir() {
            return Err(StoreError::NotADirectory {
                path: self.dir.clone(),
            });
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let you = euid();
            if meta.uid() != you && meta.uid() != 0 {
                return Err(StoreError::ForeignDir {
                    path: self.dir.clone(),
                    owner: meta.uid(),
                    you,
                });
            }
            let mode = meta.mode() & 0o777;
            if mode & 0o022 != 0 {
                return Err(StoreError::InsecureDir {
                    path: self.dir.clone(),
                    mode,
                });
            }
        }
        Ok(true)
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

    /// Writes `bytes` to `path` through a private temporary file (created 0600 with `O_EXCL`),
    /// synced and moved into place: without `replace` the move fails if `path` exists (so two
    /// concurrent saves leave exactly one file), with `replace` it atomically swaps the old out.
    fn write_file(
        &self,
        name: &str,
        path: &Path,
        bytes: &[u8],
        replace: bool,
    ) -> Result<(), StoreError> {
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(|e| StoreError::io(&self.dir, e))?;
        tmp.write_all(bytes)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| StoreError::io(tmp.path(), e))?;
        let persisted = if replace {
            tmp.persist(path).map(|_| ())
        } else {
            tmp.persist_noclobber(path).map(|_| ())
        };
        match persisted {
            Ok(()) => {}
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                return Err(StoreError::Exists {
                    name: name.to_string(),
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(StoreError::io(path, e.error)),
        }
        sync_dir(&self.dir);
        Ok(())
    }

    /// Removes `<name>.pub` if it is there.
    fn remove_public_key_file(&self, name: &str) -> Result<(), StoreError> {
        let path = self.public_key_path_of(name)?;
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.dir);
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

    /// Opens `<name>.nk` after checking the directory and the file.
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
                return Err(not_found());
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
            }),
            Entry::Encrypted(_) => match self.read_public_key_file(name)? {
                Some((role, public_key)) => Ok(KeyInfo {
                    role,
                    public_key,
                    encrypted: true,
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
        let passphrase = source.passphrase(&what)?;
        decrypt_seed(path, &what, bytes, &passphrase)
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
        let Entry::Encrypted(bytes) = entry else {
            return Err(StoreError::NotEncrypted {
                name: name.to_string(),
            });
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

    /// Removes `<name>.nk` (and `<name>.pub`, when the key was encrypted).
    pub fn remove(&self, name: &str) -> Result<PathBuf, StoreError> {
        let path = self.path_of(name)?;
        self.check_dir()?;
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.dir);
                self.remove_public_key_file(name)?;
                Ok(path)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NotFound {
                name: name.to_string(),
                dir: self.dir.clone(),
            }),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    /// Every `*.nk` entry, sorted by name, with what can be known of it without a passphrase;
    /// entries that are not valid keys come with the reason (a FIFO or a symbolic link is
    /// reported, never opened or followed). A missing directory is an empty store.
    pub fn list(&self) -> Result<Vec<StoredKey>, StoreError> {
        if !self.check_dir()? {
            return Ok(Vec::new());
        }
        let entries = fs::read_dir(&self.dir).map_err(|e| StoreError::io(&self.dir, e))?;
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
            if name.starts_with('.') || validate_name(name).is_err() {
                continue;
            }
            let opened = self.open_entry(name);
            let encrypted = matches!(opened, Ok((_, Entry::Encrypted(_))));
            let info = opened.and_then(|(_, entry)| self.info_of(name, &entry));
            keys.push(StoredKey {
                name: name.to_string(),
                encrypted,
                info,
                path,
            });
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    /// Public keys of the valid account keys in the store (encrypted ones from their `.pub`):
    /// the default trust set.
    pub fn account_public_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .list()?
            .into_iter()
            .filter_map(|k| k.info.ok())
            .filter(|k| k.role == KeyRole::Account)
            .map(|k| k.public_key)
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
    use nkeys::{KeyPair, KeyPairType};

    fn nkeys_type(role: KeyRole) -> KeyPairType {
        match role {
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

    /// A passphrase source that always answers `passphrase`.
    struct Fixed(&'static str);

    impl PassphraseSource for Fixed {
        fn passphrase(&self, _: &str) -> Result<SecretString, PassphraseError> {
            Ok(SecretString::from(self.0.to_string()))
        }
        fn new_passphrase(&self, _: &str) -> Result<SecretString, PassphraseError> {
            Ok(SecretString::from(self.0.to_string()))
        }
    }

    fn store_in(dir: &Path, passphrase: &'static str) -> KeyStore {
        KeyStore::new(dir.join("keys")).with_passphrases(Arc::new(Fixed(passphrase)))
    }

    #[test]
    fn encoding_agrees_with_nkeys_for_every_role() {
        for role in KeyRole::ALL {
            // Our seeds and public keys, read by nkeys.
            let key = Key::generate(role);
            if role == KeyRole::Curve {
                let x = XKey::from_seed(key.seed()).unwrap();
                assert_eq!(x.public_key(), key.public_key());
                let theirs = XKey::new();
                let ours = Key::from_seed(&theirs.seed().unwrap()).unwrap();
                assert_eq!(ours.public_key(), theirs.public_key());
                assert_eq!(ours.seed(), theirs.seed().unwrap());
                continue;
            }
            let kp = KeyPair::from_seed(key.seed()).unwrap();
            assert_eq!(kp.public_key(), key.public_key(), "{role}");
            assert_eq!(kp.key_pair_type(), nkeys_type(role));
            // nkeys' seeds, read by us, sign exactly as nkeys does (ed25519 is deterministic).
            let theirs = KeyPair::new(nkeys_type(role));
            let ours = Key::from_seed(&theirs.seed().unwrap()).unwrap();
            assert_eq!(ours.seed(), theirs.seed().unwrap());
            assert_eq!(ours.public_key(), theirs.public_key());
            assert_eq!(
                ours.sign(b"message").unwrap().to_vec(),
                theirs.sign(b"message").unwrap()
            );
        }
    }

    #[test]
    fn an_encrypted_seed_is_an_armored_age_file_without_the_seed_text() {
        let key = Key::generate(KeyRole::Account);
        let pass = SecretString::from("correct horse".to_string());
        let file = encrypt_seed(&key, &pass).unwrap();
        let text = String::from_utf8(file.clone()).unwrap();
        assert!(text.starts_with(AGE_ARMOR_BEGIN), "{text}");
        assert!(!text.contains(key.seed()));
        assert!(!text.contains(&key.seed()[2..20]));
        let path = Path::new("k.nk");
        let back = decrypt_seed(path, "k", &file, &pass).unwrap();
        assert_eq!(back.seed(), key.seed());
        let wrong = SecretString::from("wrong".to_string());
        assert!(matches!(
            decrypt_seed(path, "key 'k'", &file, &wrong),
            Err(StoreError::WrongPassphrase { what }) if what == "key 'k'"
        ));
        assert!(matches!(
            encrypt_seed(&key, &SecretString::from(String::new())),
            Err(StoreError::EmptyPassphrase)
        ));
    }

    #[test]
    fn the_store_keeps_encrypted_keys_with_their_public_key_beside() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store_in(tmp.path(), "pass phrase");
        let key = Key::generate(KeyRole::Account);
        store.save("plain", &key, false).unwrap();
        let (_, was_encrypted) = store.encrypt("plain").unwrap();
        assert!(!was_encrypted);
        let info = store.info("plain").unwrap();
        assert_eq!(
            info,
            KeyInfo {
                role: KeyRole::Account,
                public_key: key.public_key().to_string(),
                encrypted: true
            }
        );
        // Listing and the default trust need no passphrase.
        let bare = KeyStore::new(store.dir());
        assert_eq!(bare.account_public_keys().unwrap(), vec![key.public_key()]);
        assert!(matches!(
            bare.load("plain"),
            Err(StoreError::Encrypted { .. })
        ));
        assert_eq!(store.load("plain").unwrap().seed(), key.seed());
        // A wrong passphrase changes nothing.
        let before = fs::read(store.path_of("plain").unwrap()).unwrap();
        let wrong = store_in(tmp.path(), "wrong");
        assert!(matches!(
            wrong.decrypt("plain"),
            Err(StoreError::WrongPassphrase { .. })
        ));
        assert_eq!(fs::read(store.path_of("plain").unwrap()).unwrap(), before);
        // A `.pub` naming another key is caught once the seed is open.
        let pub_path = store.public_key_path_of("plain").unwrap();
        let other = Key::generate(KeyRole::Account);
        fs::write(&pub_path, format!("{}\n", other.public_key())).unwrap();
        assert!(matches!(
            store.load("plain"),
            Err(StoreError::PublicKeyMismatch { .. })
        ));
        // Decrypting gives the plain file back and drops the `.pub`.
        assert_eq!(store.decrypt("plain").unwrap().seed(), key.seed());
        assert_eq!(
            fs::read_to_string(store.path_of("plain").unwrap()).unwrap(),
            format!("{}\n", key.seed())
        );
        assert!(!pub_path.exists());
        assert!(matches!(
            store.decrypt("plain"),
            Err(StoreError::NotEncrypted { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_store_refuses_what_it_should_not_trust() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let store = store_in(tmp.path(), "x");
        store
            .save("account", &Key::generate(KeyRole::Account), false)
            .unwrap();
        let dir = store.dir().to_path_buf();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        // A group-writable store.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o770)).unwrap();
        let err = store.load("account").unwrap_err();
        assert!(
            matches!(err, StoreError::InsecureDir { mode: 0o770, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 700"));
        assert!(store.list().is_err());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        // A symbolic link in place of a seed file.
        std::os::unix::fs::symlink(store.path_of("account").unwrap(), dir.join("link.nk")).unwrap();
        assert!(matches!(
            store.load("link"),
            Err(StoreError::Symlink { .. })
        ));
        // A FIFO: reported at once, never waited on.
        let fifo = dir.join("pipe.nk");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            store.load("pipe"),
            Err(StoreError::NotRegularFile {
                kind: "a FIFO (named pipe)",
                ..
            })
        ));
        let listed = store.list().unwrap();
        let names: Vec<_> = listed
            .iter()
            .map(|k| (k.name.as_str(), k.info.is_ok()))
            .collect();
        assert_eq!(names, [("account", true), ("link", false), ("pipe", false)]);
    }

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
