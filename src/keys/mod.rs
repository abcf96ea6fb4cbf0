//! Ed25519 (and X25519 curve) key pairs in the nkeys text format, and the on-disk key store
//! (docs/design.md §1).
//!
//! Decoding is the `nkeys` crate's (encoding is done here, so that secrets stay in memory that
//! is wiped: see [`Key`]); this module adds what a CLI needs on top: strict role mapping (nkeys
//! maps an unknown prefix byte to "operator"), one precise error per way a seed can be wrong,
//! and a key store that never overwrites silently, never leaves a seed readable by others,
//! checks the directory and every file it opens, and keeps seeds passphrase-encrypted in the
//! age format when asked to. One job per module: [`role`] (what a key is for), [`codec`] (the
//! key and its text forms), [`encryption`] (seeds at rest under a passphrase), [`store`] (the
//! key store and key files).

pub mod codec;
pub mod encryption;
pub mod role;
pub mod store;
#[cfg(test)]
mod tests;

pub use codec::{
    Key, KeyUseError, PublicKeyError, SeedError, looks_like_seed, parse_public_key,
    parse_public_key_of,
};
pub use encryption::{PASSPHRASE_ENV, PassphraseError, PassphraseSource, encrypt_seed};
pub use role::KeyRole;
pub use store::{
    KeyInfo, KeyStore, KeysOfRole, LoadedKey, StoreError, StoredKey, module_key_name,
    read_key_file, read_seed_file,
};

/// Environment variables that may hold the issuer's seed, for CI: wzt's own first, then wash's
/// name for the same seed (so a pipeline moving from wash keeps its secrets).
pub const ISSUER_SEED_ENVS: [&str; 2] = ["WZT_ISSUER_SEED", "WASH_ISSUER_KEY"];
/// The same for the subject's seed.
pub const SUBJECT_SEED_ENVS: [&str; 2] = ["WZT_SUBJECT_SEED", "WASH_SUBJECT_KEY"];

/// Every environment variable wzt reads a secret from (seeds, the key passphrase): the one
/// list of what no process wzt starts may inherit (`Project::build_process`). A secret read
/// from a new variable is added here.
pub const SECRET_ENVS: [&str; 5] = [
    ISSUER_SEED_ENVS[0],
    ISSUER_SEED_ENVS[1],
    SUBJECT_SEED_ENVS[0],
    SUBJECT_SEED_ENVS[1],
    PASSPHRASE_ENV,
];

/// Length of an encoded public key.
pub const PUBLIC_KEY_LEN: usize = 56;
/// Length of an encoded seed.
pub const SEED_LEN: usize = 58;
