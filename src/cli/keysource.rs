//! Where a command gets a key: a name in the store, a seed file, standard input, or the
//! environment; and how it turns a key name or public key into a trusted issuer.

use std::io::Read;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::keys::{self, Key, KeyRole, KeyStore};

/// Reads a seed from standard input (trailing newline allowed).
pub fn seed_from_stdin() -> anyhow::Result<Key> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read a seed from standard input")?;
    Key::from_seed(&text).context("standard input does not hold a valid seed")
}

/// Resolves `spec`: `-` is standard input, an existing file is a seed file, anything else is a
/// key name in `store`.
pub fn load_key(spec: &str, store: &KeyStore) -> anyhow::Result<Key> {
    if spec == "-" {
        return seed_from_stdin();
    }
    let path = Path::new(spec);
    if path.is_file() {
        return Ok(store.read_file(path)?);
    }
    if spec.contains(std::path::MAIN_SEPARATOR) || spec.ends_with(".nk") {
        bail!("seed file {spec} does not exist");
    }
    Ok(store.load(spec)?)
}

/// Turns a `trusted_issuers` entry into an account public key: a public key is taken as is
/// (it must be an account key), anything else is the name of an account key in the store.
pub fn resolve_issuer(entry: &str, store: &KeyStore) -> anyhow::Result<String> {
    let entry = entry.trim();
    if keys::looks_like_seed(entry) {
        // Never echoed: the message goes to terminals and CI logs.
        bail!(
            "a trusted issuer looks like a seed (not shown here, it is a secret): give the account's public key (A…, `wzt keys show NAME` prints it) or the name of a stored account key"
        );
    }
    if entry.len() == keys::PUBLIC_KEY_LEN {
        keys::parse_public_key_of(entry, &[KeyRole::Account])?;
        return Ok(entry.to_string());
    }
    // The public key only: an encrypted key's comes from its .pub, without the passphrase.
    let key = store.info(entry).with_context(|| {
        format!("trusted issuer '{entry}' is neither an account public key nor a stored key name")
    })?;
    if key.role != KeyRole::Account {
        bail!(
            "trusted issuer '{entry}' is {} key; issuers are account keys",
            key.role.with_article()
        );
    }
    Ok(key.public_key)
}

/// Loads a default store key (`account`, `<stem>_module`), generating and saving it with a
/// notice on stderr when missing, unless `disable_keygen` says to fail instead.
pub fn default_key(
    store: &KeyStore,
    name: &str,
    role: KeyRole,
    disable_keygen: bool,
) -> anyhow::Result<Key> {
    if disable_keygen && !store.contains(name)? {
        bail!(
            "no {role} key '{name}' in {} and --disable-keygen is set; create it with `wzt keys gen {role} --name {name}`",
            store.dir().display()
        );
    }
    let loaded = store.load_or_generate(name, role)?;
    if let Some(path) = &loaded.generated {
        eprintln!(
            "note: generated {role} key '{name}' ({}) in {}",
            loaded.key.public_key(),
            path.display()
        );
    }
    Ok(loaded.key)
}
