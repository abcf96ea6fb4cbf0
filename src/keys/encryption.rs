//! Seeds at rest under a passphrase: an age file with one scrypt stanza, what
//! `age --passphrase --armor` writes and `age --decrypt` opens.

use std::fmt;
use std::io::Write;
use std::path::Path;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::Key;
use super::store::{MAX_KEY_FILE_LEN, StoreError, parse_plain};

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
    /// How many passphrases may be tried before a wrong one is final: more than one only when
    /// a person types it (a file or a variable gives the same answer again).
    fn attempts(&self) -> u32 {
        1
    }
    /// Where the passphrase came from and how to give the right one, for the error that ends
    /// the attempts (empty when there is nothing to say).
    fn origin(&self) -> String {
        String::new()
    }
    /// Told that the passphrase for `what` was wrong and `left` more attempts follow.
    fn rejected(&self, _what: &str, _left: u32) {}
}

/// Opens the age file `bytes` (at `path`, called `what`) with passphrases from `source`,
/// asking again after a wrong one as long as the source allows; the last wrong one is
/// `StoreError::WrongPassphrase`, saying where the passphrase came from.
pub(super) fn decrypt_with(
    source: &dyn PassphraseSource,
    path: &Path,
    what: &str,
    bytes: &[u8],
) -> Result<Key, StoreError> {
    let attempts = source.attempts().max(1);
    for attempt in 1..=attempts {
        let passphrase = source.passphrase(what)?;
        match decrypt_seed(path, what, bytes, &passphrase) {
            Err(StoreError::WrongPassphrase { .. }) if attempt < attempts => {
                source.rejected(what, attempts - attempt);
            }
            Err(StoreError::WrongPassphrase { what, .. }) => {
                return Err(StoreError::WrongPassphrase {
                    what,
                    origin: source.origin(),
                });
            }
            other => return other,
        }
    }
    unreachable!("the last attempt returns")
}

/// Why no passphrase could be had; the message says how to give one.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PassphraseError(pub String);

/// Whether a key file's bytes are an age file (armored, or binary as `age -p` writes without
/// `-a`) rather than a bare seed.
pub(super) fn is_age_file(bytes: &[u8]) -> bool {
    let start = bytes.trim_ascii_start();
    start.starts_with(AGE_ARMOR_BEGIN.as_bytes()) || start.starts_with(b"age-encryption.org/")
}

pub(super) const AGE_ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

/// implementation, about a second. Fixed rather than calibrated to the machine at hand (what the
/// age crate does by default), so a key encrypted on a fast machine opens on a slow or busy one.
const SCRYPT_WORK_FACTOR: u8 = 18;
/// The largest work factor accepted on decryption: N = 2^20, 1 GiB of memory and about four
/// times the work of the factor wzt writes (BENCHMARKS.md measures 18, 20 and 22), so a seed
/// that `age -p` encrypted on a fast machine (its calibration aims at one second: 18 to 19
/// on current machines) opens, but a file cannot make each passphrase guess cost 4 GiB and
/// most of a minute (22, the age CLI's own limit). Checked before any work is done.
pub const SCRYPT_MAX_WORK_FACTOR: u8 = 20;

/// The memory scrypt needs at work factor `factor` (r = 8: 1 KiB × 2^factor), for messages.
pub(super) fn scrypt_memory(factor: u8) -> String {
    match 1u64.checked_shl(u32::from(factor) + 10) {
        Some(bytes) => crate::fsutil::checked::size_text(bytes),
        None => format!("2^{} bytes", u32::from(factor) + 10),
    }
}

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
pub(super) fn decrypt_seed(
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
                    origin: String::new(),
                }
            }
            // Refused before any scrypt work is done.
            age::DecryptError::ExcessiveWork { required, .. } => StoreError::ExcessiveWork {
                path: path.to_path_buf(),
                factor: required,
                max: SCRYPT_MAX_WORK_FACTOR,
            },
            other => bad(other.to_string()),
        })?;
    let mut plain = Zeroizing::new(Vec::with_capacity(1024));
    (&mut reader)
        .take(MAX_KEY_FILE_LEN)
        .read_to_end(&mut plain)
        .map_err(|e| bad(e.to_string()))?;
    parse_plain(path, &plain)
}
