//! A key pair and its nkeys text forms: seeds and public keys encoded and checked, with one
//! error per way a text can be wrong.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey};
use nkeys::XKey;
use rand::RngCore;
use zeroize::Zeroizing;

use super::{KeyRole, PUBLIC_KEY_LEN, SEED_LEN};

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
pub(super) fn abbreviate(s: &str) -> String {
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
